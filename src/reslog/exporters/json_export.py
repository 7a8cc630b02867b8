"""The JSON export: every selected entry, all its fields, and where it stands in the log.

One UTF-8 document (``reslog export json OUT``), for scripts, notebooks and
other tools::

    {
      "exported_at": "2026-11-26T09:12:00+01:00",
      "title": "Research log",
      "filters": {"since": "2026-11-01", "until": null, "tag": "w2s", "kind": null},
      "redacted": ["private", "feelings"],
      "entries": [{...}, ...]
    }

Each entry is :meth:`reslog.search.Hit.as_json` (date, time, section,
heading, kind, level, state, text, tags, fields, source, starred, file, line,
end_line, score, children, est/took minutes, carried) plus ``citation``,
``"file:line"``. ``text`` is the entry as its day page holds it, without the
list marker, checkbox, time and kind: the first line (with its ``#tags``,
``[key:: value]`` fields and ``★``), then each nested line as written,
indented relative to the nesting. ``file`` is relative to the log and
``line`` is 1-based, so ``file``:``line`` in the log's folder opens the entry's page. The
document does not say where the log lies (a path names the user's home, and the file is
made to be shared).
Entries come in date order, then page order; ``[>]`` copies that a carried
to-do leaves behind are left out (the live copy is there).

Redaction happens before this module sees the entries (:mod:`reslog.redaction`),
so ``redacted`` only records what was left out: private entries and feelings by
default, nothing with ``--no-redact`` (a full backup of the entries).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reslog.exporters.select import ExportOptions
from reslog.search import Hit
from reslog.store import atomic_write


def entry(hit: Hit) -> dict[str, Any]:
    """One entry of the document: the hit's fields and its citation."""
    out = hit.as_json()
    out["citation"] = hit.citation
    return out


def document(hits: list[Hit], options: ExportOptions) -> dict[str, Any]:
    """The whole document as plain data."""
    return {
        "exported_at": options.exported_at,
        "title": options.title,
        "filters": dict(options.filters),
        "redacted": list(options.redacted),
        "entries": [entry(hit) for hit in hits],
    }


def render(hits: list[Hit], options: ExportOptions) -> str:
    """The document as text, indented, non-ASCII kept as is, ending in a newline."""
    return json.dumps(document(hits, options), ensure_ascii=False, indent=1) + "\n"


def write(hits: list[Hit], out: Path, options: ExportOptions) -> list[Path]:
    """Write the document to the file ``out`` (replaced atomically); the files written."""
    atomic_write(out, render(hits, options).encode("utf-8"))
    return [out]
