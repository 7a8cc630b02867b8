"""What a run printed that is worth a field: metrics on its last lines, W&B and MLflow runs.

**Metrics.** The last 10 non-blank lines of stdout and of stderr (progress bars
split at carriage returns, terminal colour codes removed) are read for
``key=value`` and ``key: value`` pairs whose value is a number (``0.31``,
``-2``, ``3e-4``, ``87.4%``, ``nan``, ``inf``; not one that runs on into
``,digit`` or ``-digit``, as ``1,234,567`` and ``2026-12-04`` do, or into ``|``, as a list
``1|2`` does; a key right after ``#`` is a tag, not a metric):
``val_loss=0.31 acc=0.874``,
``epoch 9: loss: 0.28``, ``100%|████| 10/10 [00:01, loss=0.3]``. A key starts
with a letter or ``_`` and holds letters, digits, ``_``, ``.``, ``-`` and ``/``
(``/`` becomes ``.`` in the field's key, which cannot hold it). A later line
wins over an earlier one, stdout over stderr; at most 20 metrics are kept. A
metric named like a field reslog writes (``exit``, ``status``, ...) is
written ``metric.exit``.

**Experiment trackers.** The first and last 256 KB of each stream are searched
for a Weights & Biases run (``https://wandb.ai/ENTITY/PROJECT/runs/ID``, or
``offline-run-DATE_TIME-ID`` for an offline run) and an MLflow run (a URL
``.../#/experiments/N/runs/RUNID``, or a 32-hex-digit run id after
``run_id``/``Run ID``); the last one printed is kept, as the field ``wandb`` or
``mlflow`` (the URL if there is one, else the id).
"""

from __future__ import annotations

import re

LAST_LINES = 10
MAX_METRICS = 20
SCAN_BYTES = 256 * 1024

#: Fields of a run's entry that a metric cannot take over.
RESERVED = frozenset({"run", "status", "exit", "duration", "commit", "branch", "dirty", "rerun", "wandb",
                      "mlflow", "from", "est", "took", "carried", "started", "imported"})

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?|[-+]?(?:nan|inf)\b"
_PAIR = re.compile(
    # a number that runs on into ",digit" or "-digit" is part of something else: 1,234,567 or a date
    # (a value that runs on into "|" is a list, "x=1|2"; a key after "#" is a tag, "#tag=4")
    r"(?<![\w./\-#])([A-Za-z_][\w./\-]{0,63})(?:\s*=\s*|:\s+)(" + _NUMBER + r")(?![\w.:/|]|[,\-]\d)",
    re.IGNORECASE,
)
_WANDB_URL = re.compile(r"https?://[^\s\"'<>\]\[`]+/runs/[A-Za-z0-9]+")
_WANDB_OFFLINE = re.compile(r"(offline-run-\d{8}_\d{6}-[A-Za-z0-9]+)")
_MLFLOW_URL = re.compile(r"https?://[^\s\"'<>\]\[`]+/#/experiments/\d+/runs/[0-9a-f]{32}")
_MLFLOW_ID = re.compile(r"\brun[ _]?id\b[\"']?\s*[:=]\s*[\"']?([0-9a-f]{32})\b", re.IGNORECASE)


#: reslog's own mark where a capped output was cut (runs/capped.py): never a metric.
_GAP = re.compile(r"\[reslog: [\d,]+ bytes of output left out here\]")


def _lines(data: bytes) -> list[str]:
    text = _ANSI.sub("", data.decode("utf-8", "replace"))
    lines = (line.strip() for line in re.split(r"[\r\n]", text))
    return [line for line in lines if line and not _GAP.fullmatch(line)]


def _key(name: str) -> str:
    key = name.replace("/", ".").strip(".-")
    return f"metric.{key}" if key.lower() in RESERVED else key


def read_metrics(stdout_tail: bytes, stderr_tail: bytes) -> dict[str, str]:
    """Metrics from the last lines of each stream, as typed (``{"val_loss": "0.31"}``)."""
    found: dict[str, str] = {}
    for tail in (stderr_tail, stdout_tail):  # stdout last: its values win
        for line in _lines(tail)[-LAST_LINES:]:
            for name, value in _PAIR.findall(line):
                key = _key(name)
                if key:
                    found.pop(key, None)
                    found[key] = value
    return dict(list(found.items())[-MAX_METRICS:])


def _wandb_url(text: str, match: re.Match[str]) -> bool:
    """A ``.../runs/ID`` URL is W&B's if it or the text just before it says so (``wandb: View run
    at ...``, for a W&B server of one's own), and it is not MLflow's."""
    url = match.group(0)
    return "#/experiments/" not in url and ("wandb" in url or "wandb" in text[max(0, match.start() - 200):
                                                                            match.start()])


def read_trackers(texts: list[bytes]) -> dict[str, str]:
    """``{"wandb": URL or id, "mlflow": URL or id}`` for the runs the output names."""
    found: dict[str, str] = {}
    plain = [_ANSI.sub("", data.decode("utf-8", "replace")) for data in texts]  # once, for both trackers
    for name, url, ident in (("wandb", _WANDB_URL, _WANDB_OFFLINE), ("mlflow", _MLFLOW_URL, _MLFLOW_ID)):
        urls: list[str] = []
        ids: list[str] = []
        for text in plain:
            urls += [m.group(0) for m in url.finditer(text) if name == "mlflow" or _wandb_url(text, m)]
            ids += [m.group(1) for m in ident.finditer(text)]
        if urls or ids:
            found[name] = (urls or ids)[-1]
    return found


def as_number(value: str) -> float | int | str:
    """A metric's value for meta.json: a number when it reads as one, else the text."""
    text = value.rstrip("%")
    try:
        number = float(text)
    except ValueError:
        return value
    if value.endswith("%"):
        return value
    return int(number) if re.fullmatch(r"[-+]?\d+", text) else number


__all__ = ["LAST_LINES", "MAX_METRICS", "RESERVED", "SCAN_BYTES", "as_number", "read_metrics",
           "read_trackers"]
