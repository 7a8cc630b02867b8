"""What an export contains: the selected entries, with private parts left out.

An exporter is a module with ``write(hits, out, options) -> list[Path]``
(the files it wrote), registered in :data:`reslog.cli.io_cmds.EXPORTERS`.

Every exporter takes its entries from :func:`select` and passes them through
:func:`redact` before writing a single byte, so redacted text cannot reach
any output (pages, titles, tag lists, the search index of the html site).

Redactions (``--redact``):

* ``private``: an entry whose first line carries ``#private`` (or a nested
  ``#private/...``), whole; a nested line that carries it, with every line
  nested under it;
* ``feelings``: ``feel:`` entries, and nested ``feel:`` lines with what is
  nested under them;
* ``thoughts``: every level-1 entry (``thought:``, ``feel:``, ``decision:``,
  random ideas) and every nested line;
* ``reflection``: level-2 entries (the Reflection section).
"""

from __future__ import annotations

from collections.abc import Collection

from reslog import markdown
from reslog.index import Index
from reslog.model import STAR
from reslog.records import Record
from reslog.search import Filters, Hit, listing
from reslog.store import Log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

REDACTIONS = ("private", "feelings", "thoughts", "reflection")
#: What the html export leaves out unless told otherwise (--no-redact).
HTML_DEFAULT = ("private", "feelings")


def select(log: Log, filters: Filters | None = None) -> list[Hit]:
    """The entries an export contains, in date order (deferred ``[>]`` copies left out)."""
    with Index(log) as index:
        index.refresh()
        return listing(index, filters)


def _is_private(text: str) -> bool:
    return any(tag == "private" or tag.startswith("private/") for tag in markdown.read_tags(text))


def _nested_kind(line: str) -> str | None:
    stripped = line.lstrip()
    if stripped[:2] not in ("- ", "* ", "+ "):
        return None
    return markdown.split_kind(stripped[2:])[0]


def _keep_lines(lines: list[str], what: Collection[str]) -> list[int]:
    """Indexes of the nested lines (1..) that survive, dropping a line with what it holds."""
    kept: list[int] = []
    dropping_below: int | None = None
    for i, line in enumerate(lines[1:], 1):
        indent = len(line) - len(line.lstrip())
        if dropping_below is not None and indent > dropping_below:
            continue
        dropping_below = None
        drop = ("thoughts" in what) or ("private" in what and _is_private(line)) or (
            "feelings" in what and _nested_kind(line) == "feel"
        )
        if drop:
            dropping_below = indent
            continue
        kept.append(i)
    return kept


def _drops_whole(hit: Hit, what: Collection[str]) -> bool:
    first = hit.text.split("\n", 1)[0]
    return (
        ("private" in what and _is_private(first))
        or ("feelings" in what and hit.kind == "feel")
        or ("thoughts" in what and hit.level == 1)
        or ("reflection" in what and hit.level == 2)
    )


def redact(hits: list[Hit], what: Collection[str]) -> list[Hit]:
    """The entries with what ``what`` names left out (see the module's docstring)."""
    unknown = set(what) - set(REDACTIONS)
    if unknown:
        raise ValueError(f"unknown redaction {sorted(unknown)}")
    if not what:
        return list(hits)
    kept_hits: list[Hit] = []
    for hit in hits:
        if _drops_whole(hit, what):
            continue
        lines = hit.text.split("\n")
        kept = _keep_lines(lines, what)
        if len(kept) == len(lines) - 1:
            kept_hits.append(hit)
            continue
        text = "\n".join([lines[0], *(lines[i] for i in kept)])
        lines_kept = {hit.line + i for i in kept}
        kept_hits.append(Hit(
            hit.date, hit.time, hit.section, hit.heading, hit.kind, hit.level, hit.state, text,
            list(dict.fromkeys(t for line in text.split("\n") for t in markdown.read_tags(line))),
            hit.fields, hit.source, STAR in text,
            hit.file, hit.line, hit.end_line, hit.score,
            [c for c in hit.children if c["line"] in lines_kept],
            hit.est_minutes, hit.took_minutes, hit.carried,
        ))
    return kept_hits


class ExportOptions(Record):
    """What an exporter is told besides the entries: a title, and what the export is of
    (when, which log, which filters, what was redacted) for formats that state it."""

    __slots__ = ("exported_at", "filters", "log", "redacted", "title")
    title: Final[str]
    exported_at: Final[str | None]
    log: Final[str | None]
    filters: Final[dict[str, str | None]]
    redacted: Final[tuple[str, ...]]

    def __init__(
        self, title: str = "Research log", exported_at: str | None = None, log: str | None = None,
        filters: dict[str, str | None] | None = None, redacted: tuple[str, ...] = (),
    ) -> None:
        self.title = title
        self.exported_at = exported_at
        self.log = log
        self.filters = {} if filters is None else filters
        self.redacted = redacted
