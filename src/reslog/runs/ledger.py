"""The runs of a log read back: listed and numbered, rerun, given an outcome.

A run is an ``exp:`` entry with a ``run`` field (:mod:`reslog.runs.entry`),
found through the index, so hand edits count. Runs are numbered from 1 in the
order of the log (by day, then line): the number ``reslog runs`` shows is the
one ``reslog rerun N`` and ``reslog outcome N`` take, and it does not change
as later runs are added. Listing runs also settles any run still marked
running whose reslog is gone (:func:`reslog.runs.lost.settle`), even if its
marker was deleted with ``.reslog/``.
"""

from __future__ import annotations

import datetime as dt
import os

from reslog import markdown
from reslog.capture import Capture, entry_lines, remember
from reslog.dates import parse_elapsed
from reslog.errors import InputError, ReslogError
from reslog.index import Index
from reslog.model import Page
from reslog.records import Record
from reslog.runs import entry, lost, meta
from reslog.runs.gitstate import read_state
from reslog.runs.metrics import RESERVED
from reslog.search import Filters, Hit, listing
from reslog.store import Log, path_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

FAILED = ("failed", "killed", "lost")
_TRACKERS = ("wandb", "mlflow")


class Run(Record):
    """One recorded run, as its entry says."""

    __slots__ = ("command", "date", "dirty", "exit", "fields", "file", "folder", "hit", "line", "notes",
                 "number", "reason", "status", "time")
    number: Final[int]
    date: Final[str]
    time: Final[str | None]
    command: Final[str]
    status: Final[str]
    exit: Final[str | None]
    folder: Final[str]
    dirty: Final[bool | None]
    reason: Final[str | None]
    notes: Final[list[dict[str, Any]]]
    fields: Final[dict[str, str]]
    file: Final[str]
    line: Final[int]
    hit: Final[Hit]

    def __init__(self, number: int, date: str, time: str | None, command: str, status: str,
                 exit: str | None, folder: str, dirty: bool | None, reason: str | None,
                 notes: list[dict[str, Any]], fields: dict[str, str], file: str, line: int, hit: Hit) -> None:
        self.number = number
        self.date = date
        self.time = time
        self.command = command
        self.status = status
        self.exit = exit
        self.folder = folder
        self.dirty = dirty
        self.reason = reason
        self.notes = notes
        self.fields = fields
        self.file = file
        self.line = line
        self.hit = hit

    @property
    def seconds(self) -> float | None:
        value = self.fields.get("duration")
        return parse_elapsed(value) if value else None

    @property
    def metrics(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k not in RESERVED}

    @property
    def outcomes(self) -> list[str]:
        """The lines nested under the run that say how it came out: ``outcome: ...`` (as
        ``reslog outcome`` writes them) and ``result: ...``."""
        return [f"{n['kind']}: {n['text']}" if n["kind"] else n["text"] for n in self.notes
                if n["text"].startswith("outcome:") or n["kind"] == "result"]

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "date": self.date, "time": self.time, "command": self.command,
            "status": self.status, "exit": self.exit, "duration": self.fields.get("duration"),
            "duration_s": self.seconds, "folder": self.folder, "commit": self.fields.get("commit"),
            "branch": self.fields.get("branch"), "dirty": self.dirty, "metrics": self.metrics,
            "trackers": {k: self.fields[k] for k in _TRACKERS if k in self.fields},
            "rerun": self.fields.get("rerun"), "tags": list(self.hit.tags), "starred": self.hit.starred,
            "reason": self.reason, "outcomes": self.outcomes, "notes": self.notes,
            "file": self.file, "line": self.line,
        }


def is_run(hit: Hit) -> bool:
    """Whether an entry of the index is a run's: ``exp:`` with a ``run`` field."""
    return hit.kind == "exp" and "run" in hit.fields


def from_hit(number: int, hit: Hit) -> Run:
    first = hit.text.split("\n", 1)[0]
    dirty = {"yes": True, "no": False}.get(hit.fields.get("dirty", ""))
    notes = [dict(child) for child in hit.children]
    reason = next((n["text"][7:].strip() for n in notes if n["text"].startswith("reason:")), None)
    return Run(number, hit.date, hit.time, entry.command_of(first) or first, hit.fields.get("status", "?"),
               hit.fields.get("exit"), hit.fields["run"], dirty, reason, notes, dict(hit.fields), hit.file,
               hit.line, hit)


def _read(log: Log) -> list[Run]:
    with Index(log) as index:
        index.refresh()
        hits = [hit for hit in listing(index, Filters(kind="exp")) if is_run(hit)]
    return [from_hit(n, hit) for n, hit in enumerate(hits, 1)]


def all_runs(log: Log, today: dt.date) -> list[Run]:
    """Every run of the log, numbered; runs whose reslog is gone are settled first."""
    runs = _read(log)
    settled = False
    for run in runs:
        if run.status == "running":
            settled = lost.settle_if_gone(log, run.folder, today) or settled
    return _read(log) if settled else runs


def started(log: Log, run: Run) -> dt.datetime | None:
    """When a run started, to the second and with its UTC offset (from meta.json), if known."""
    info = meta.read(path_text(log.folder, run.folder)) or {}
    try:
        return dt.datetime.fromisoformat(str(info.get("start")))
    except ValueError:
        return None


def select(runs: list[Run], failed: bool = False, since: dt.date | None = None, until: dt.date | None = None,
           tag: str | None = None) -> list[Run]:
    """The runs that pass the filters, in order."""
    tag = tag.lstrip("#") if tag else None
    chosen = []
    for run in runs:
        if failed and run.status not in FAILED:
            continue
        if (since and run.date < since.isoformat()) or (until and run.date > until.isoformat()):
            continue
        if tag and not any(markdown.tag_matches(t, tag) for t in run.hit.tags):
            continue
        chosen.append(run)
    return chosen


def find(log: Log, ref: str, today: dt.date) -> Run:
    """Run ``ref``: its number as ``reslog runs`` shows it, or ``last``."""
    runs = all_runs(log, today)
    if not runs:
        raise ReslogError("this log has no runs yet; record one with 'reslog run -- COMMAND'")
    if ref == "last":
        return runs[-1]
    if not ref.isdigit():
        raise InputError(f"cannot read {ref!r} as a run; give its number as 'reslog runs' shows it, "
                         "or 'last'")
    number = int(ref)
    if not 1 <= number <= len(runs):
        raise ReslogError(f"there is no run {number} (the runs are 1 to {len(runs)}); "
                          "see them with 'reslog runs'")
    return runs[number - 1]


def outcome_lines(text: str, tags: tuple[str, ...] = (), source: str | None = None,
                  star: bool = False) -> list[str]:
    """The lines of ``outcome: TEXT`` as :func:`add_outcome` nests them; an empty text is refused
    here, before the run is looked for (a usage error, whatever the log holds)."""
    lines = entry_lines(Capture(text, "outcome", tags, source, star), "done", laid_out=False)
    return [lines[0][2:], *(line[4:] for line in lines[1:])]


def add_outcome(log: Log, run: Run, bodies: list[str], today: dt.date) -> int:
    """Nest the :func:`outcome_lines` ``bodies`` (level 1) under the run's entry; the 1-based line
    the first is on."""
    at: list[int] = []

    def edit(page: Page) -> Page:
        found = entry.find(page, run.folder)
        if found is None:
            raise ReslogError(f"the entry of run {run.number} is no longer on {run.file}; "
                              "see 'reslog runs' for the numbers as they are now")
        new, index = entry.nest(page, found, bodies)
        at.append(index + 1)
        added.extend(markdown.line_body(new, i) for i in range(index, index + len(bodies)))
        return new

    added: list[str] = []
    day = lost.run_day(run.folder)
    log.update_day(day, today, edit, create=False)
    remember(log, today, day, at[0] - 1, added)  # so that undo takes the outcome back
    return at[0]


def rerun_plan(log: Log, run: Run) -> tuple[list[str], str, list[str]]:
    """What rerunning a run takes: (its arguments, its working folder, warnings about how the
    code differs from the code it ran with)."""
    info = meta.read(path_text(log.folder, run.folder)) or {}
    argv = info.get("command")
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        try:
            argv = entry.split_command(run.command)
        except ValueError:
            argv = []
    if not argv:
        raise ReslogError(f"cannot tell the command of run {run.number} ({run.file}:{run.line}); "
                          "run it again with 'reslog run'")
    cwd = info.get("cwd")
    if not isinstance(cwd, str):
        raise ReslogError(f"cannot tell the folder run {run.number} ran in: {run.folder}/meta.json is "
                          "missing; cd there and use 'reslog run'")
    if not os.path.isdir(cwd):
        raise ReslogError(f"the folder run {run.number} ran in, {cwd}, is gone; "
                          "recreate it or use 'reslog run'")
    return list(argv), cwd, _differences(log, run, info, cwd)


def _differences(log: Log, run: Run, info: dict[str, Any], cwd: str) -> list[str]:
    git = info.get("git") if isinstance(info.get("git"), dict) else None
    then_commit = (git or {}).get("commit") or run.fields.get("commit")
    if not then_commit or then_commit == "none":
        return []
    now = read_state(cwd)
    if now is None:
        return [f"run {run.number} ran in a git work tree at {then_commit[:10]}; {cwd} is not one now"]
    warnings = []
    head = (now.commit or "none")[:10]
    if not (now.commit or "").startswith(then_commit):
        warnings.append(f"the commit differs: run {run.number} ran at {then_commit[:10]}, HEAD is now "
                        f"{head} (git diff {then_commit[:10]} {head})")
    then_sha = (git or {}).get("diff_sha256")
    if git is None and run.dirty:
        warnings.append(f"cannot compare the uncommitted changes: {run.folder}/meta.json is missing")
    elif (then_sha or None) != now.diff_sha256:
        kept = git or {}
        saved = f" (then: {run.folder}/diff.patch)" if kept.get("diff") == "diff.patch" else ""
        if kept.get("diff_stat"):
            saved = (f" (then: {_size(kept.get('diff_bytes'))}, too large to keep; their summary is in "
                     f"{run.folder}/{kept['diff_stat']})")
        warnings.append(f"the uncommitted changes differ from run {run.number}'s{saved}")
    then_untracked = set(_untracked(log, run, git))
    if git is not None and then_untracked != set(now.untracked):
        new = sorted(set(now.untracked) - then_untracked)
        gone = sorted(then_untracked - set(now.untracked))
        parts = [f"new: {', '.join(new[:3])}{' ...' if len(new) > 3 else ''}" if new else "",
                 f"gone: {', '.join(gone[:3])}{' ...' if len(gone) > 3 else ''}" if gone else ""]
        said = "; ".join(p for p in parts if p)
        warnings.append(f"the untracked files differ from run {run.number}'s ({said})")
    return warnings


def changes_not_kept(log: Log, run: Run) -> str | None:
    """For a run whose uncommitted changes were too large to keep (over
    :data:`reslog.runs.gitstate.DIFF_LIMIT`), a line saying so and where their summary is."""
    if not run.dirty:
        return None
    git = (meta.read(path_text(log.folder, run.folder)) or {}).get("git")
    if not isinstance(git, dict) or not git.get("diff_stat"):
        return None
    return (f"uncommitted changes: {_size(git.get('diff_bytes'))}, over the {_size(git.get('diff_limit'))} "
            f"kept; their summary is in {run.folder}/{git['diff_stat']}")


def _size(value: object) -> str:
    """``312 MB``, ``1.5 kB``, ``900 bytes`` (powers of 1000, as ``run.output_cap`` reads them)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return "?"
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if value >= scale:
            return f"{value / scale:.0f} {unit}" if value >= 10 * scale else f"{value / scale:.1f} {unit}"
    return f"{value} bytes"


def _untracked(log: Log, run: Run, git: dict[str, Any] | None) -> list[str]:
    if not git or not git.get("untracked"):
        return []
    try:
        with open(path_text(log.folder, run.folder, "untracked.txt"), encoding="utf-8",
                  errors="surrogateescape") as file:
            return [line.rstrip("\n") for line in file if line.strip()]
    except OSError:
        return []


__all__ = ["FAILED", "Run", "add_outcome", "all_runs", "changes_not_kept", "find", "from_hit", "is_run",
           "outcome_lines", "rerun_plan", "select", "started"]
