"""One run from start to end: ``reslog run [--reason TEXT] [-t TAG] [--from SOURCE] [--star] -- CMD``.

The steps, in an order chosen so that nothing is written for a command that
cannot start, and a record survives the worst case:

1. **Check** everything that can be wrong before a byte is written: a command
   is given and can be found (else exit 127, or 126 when it is not
   executable, as a shell says), the tags read back as tags, ``reslog.toml``
   reads, the day's page reads, the log folder is writable.
2. **Read the git state** of the working folder (:mod:`reslog.runs.gitstate`);
   ``git status`` is started before the checks of step 1 that follow the
   command's, and read after them.
3. **Make the run folder** ``runs/YYYY/YYYY-MM-DD/HHMMSS-SLUG/`` with, for a
   dirty tree, ``diff.patch`` (``diff.stat`` for a diff over
   :data:`reslog.runs.gitstate.DIFF_LIMIT`) and ``untracked.txt``, and ``meta.json``
   (``"status": "running"``, naming this reslog process), and a marker in
   ``.reslog/running/`` (:mod:`reslog.runs.lost`).
4. **Write the entry**, ``[status:: running]``, on the day's page, under the
   log's lock and atomically, like a capture. If that fails, the folder and
   the marker are removed again.
5. **Run the command**, teeing its output (:mod:`reslog.runs.process`).
6. **Write the end**: assemble the output files, read metrics and trackers
   from them, write meta.json (with the entry's end fields, so that a later
   command can finish the entry if reslog dies here), complete the entry,
   remove the marker. Signals are still held back (forwarded to the ended
   command) until this is done.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable

from reslog.capture import remember_stop
from reslog.dates import format_elapsed
from reslog.errors import InputError, ReslogError, RunError
from reslog.markdown import append_entry
from reslog.model import Page
from reslog.records import Record
from reslog.runs import entry, gitstate, lost, meta
from reslog.runs.capped import CappedFile, read_end
from reslog.runs.gitstate import GitState
from reslog.runs.process import Command, describe_exit, find_program, shell_status
from reslog.settings import load
from reslog.store import Log, path_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

STREAMS = ("stdout", "stderr")
_TAIL_BYTES = 16 * 1024


class Recorded(Record):
    """How a run ended and where it is recorded (paths relative to the log)."""

    __slots__ = ("code", "duration", "exit", "folder", "line", "page", "problem", "status")
    folder: Final[str]
    page: Final[str]
    line: Final[int]
    status: Final[str]
    exit: Final[str]
    code: Final[int]
    duration: Final[float]
    problem: Final[str | None]

    def __init__(self, folder: str, page: str, line: int, status: str, exit: str, code: int,
                 duration: float, problem: str | None = None) -> None:
        self.folder = folder
        self.page = page
        self.line = line
        self.status = status
        self.exit = exit
        self.code = code
        self.duration = duration
        self.problem = problem


def slug(argv: list[str]) -> str:
    """A short name for a command: its program and first argument that is a plain word or path
    (not an option, a ``key=value`` or a piece of code), without file extensions
    (``python train.py --lr 3`` -> ``python-train``)."""
    words = []
    for arg in argv:
        if arg.startswith("-") or not re.fullmatch(r"[\w./+-]+", arg):  # options, code, key=value
            continue
        name = re.sub(r"\.[A-Za-z0-9]{1,4}$", "", os.path.basename(arg.rstrip("/")))
        word = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if word:
            words.append(word)
        if len(words) == 2:
            break
    return "-".join(words)[:40].strip("-") or "run"


def check_command(program: str, cwd: str) -> None:
    """Raise :class:`RunError` (127: not found, 126: not executable) unless ``program`` can run."""
    if "/" in program:
        path = os.path.join(cwd, program)
        if not os.path.exists(path):
            raise RunError(f"cannot run {program}: there is no such file in {cwd}; check the path", 127)
        if os.path.isdir(path) or not os.access(path, os.X_OK):
            raise RunError(
                f"cannot run {program}: it is not executable; make it so (chmod +x {program}) "
                "or name its interpreter first (python, bash, ...)", 126,
            )
        return
    if find_program(program) is None:
        raise RunError(f"cannot run {program!r}: there is no such command on PATH; check its spelling, "
                       "or give its path", 127)


def _new_folder(log: Log, start: dt.datetime, name: str) -> str:
    """Make ``runs/YYYY/YYYY-MM-DD/HHMMSS-NAME`` (``-2``, ``-3``... if taken); relative to the log."""
    day = start.date().isoformat()
    parent = path_text(log.folder, "runs", f"{start.year:04d}", day)
    os.makedirs(parent, exist_ok=True)
    base = f"{start:%H%M%S}-{name}"
    for n in range(1, 1000):
        folder = base if n == 1 else f"{base}-{n}"
        try:
            os.mkdir(path_text(parent, folder))
        except FileExistsError:
            continue
        return f"runs/{start.year:04d}/{day}/{folder}"
    raise ReslogError(f"cannot make a run folder in {parent}: too many runs named {base}; remove some")


def _git_fields(state: GitState | None) -> list[tuple[str, str]]:
    if state is None:
        return []
    fields = [("commit", state.commit[:10] if state.commit else "none")]
    if state.branch:
        fields.append(("branch", state.branch))
    fields.append(("dirty", "yes" if state.dirty else "no"))
    return fields


def _git_meta(where: str, state: GitState | None) -> dict[str, object] | None:
    """The git part of meta.json, writing diff.patch (or, for a diff too long to keep, diff.stat)
    and untracked.txt for a dirty tree."""
    if state is None:
        return None
    info: dict[str, object] = {"commit": state.commit, "branch": state.branch, "dirty": state.dirty}
    if state.diff_bytes:
        if state.diff is not None:
            with open(path_text(where, "diff.patch"), "wb") as file:
                file.write(state.diff)
            info["diff"] = "diff.patch"
        else:  # too long to keep, and a cut patch would not apply: which files changed, and how much
            with open(path_text(where, "diff.stat"), "wb") as file:
                file.write(state.stat)
            info["diff"] = None
            info["diff_stat"] = "diff.stat"
            info["diff_limit"] = gitstate.diff_limit()
        info["diff_sha256"] = state.diff_sha256
        info["diff_bytes"] = state.diff_bytes
    if state.untracked:
        with open(path_text(where, "untracked.txt"), "w", encoding="utf-8", errors="surrogateescape") as file:
            file.write("".join(f"{name}\n" for name in state.untracked))
        info["untracked"] = "untracked.txt"
    info["untracked_count"] = len(state.untracked)
    return info


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def record(
    log: Log, argv: list[str], cwd: str | None = None, reason: str | None = None, tags: tuple[str, ...] = (),
    source: str | None = None, star: bool = False, rerun: str | None = None,
    clock: Callable[[], dt.datetime] = _now,
) -> Recorded:
    """Run ``argv`` in ``cwd`` (default: here), recording it; see the module's docstring."""
    if not argv or not argv[0]:
        raise InputError("nothing to run; give the command after --, as in: reslog run -- python train.py")
    if cwd is None:
        try:
            cwd = os.getcwd()
        except FileNotFoundError:  # the shell's folder was deleted under it
            raise ReslogError("the current folder no longer exists; cd to a folder and run again") from None
    cwd = os.path.abspath(cwd)
    if not os.path.isdir(cwd):
        raise ReslogError(f"cannot run in {cwd}: there is no such folder; check the path")
    check_command(argv[0], cwd)
    git = gitstate.begin(cwd, summary=True)  # git works while the rest is checked
    try:
        settings = load(log)
        start = clock()
        day = start.date()
        entry.start_lines(argv, f"{start:%H:%M}", "runs/0000/0000-00-00/000000-x", [], tags, source, star,
                          reason)  # checks the tags before anything is written
        log.read_day(day)  # an unreadable page fails here, before the run folder exists
        log.ensure_root()
    finally:
        state = git()
    fields = _git_fields(state) + ([("rerun", rerun)] if rerun else [])
    folder = _new_folder(log, start, slug(argv))
    where = path_text(log.folder, folder)
    lines = entry.start_lines(argv, f"{start:%H:%M}", folder, fields, tags, source, star, reason)
    info: dict[str, object] = {
        "command": argv, "command_line": entry.command_line(argv), "cwd": cwd, "status": "running",
        "start": meta.stamp(start), "end": None, "day_page": log.day_name(day), "host": meta.host(),
        "user": meta.user(), "python": meta.python(), "env": meta.environment(settings.run_env),
        "gpus": None, "git": None, "reason": reason, "tags": list(tags), "rerun": rerun,
        "output_cap": settings.output_cap, **meta.identity(),
    }
    at: list[int] = []
    try:
        info["git"] = _git_meta(where, state)
        meta.write(where, info, durable=False)  # a run cut short by a power cut is lost anyway
        lost.mark(log, folder)

        def add(page: Page) -> Page:
            new, index = append_entry(page, "done", lines)
            at.append(index + 1)
            return new

        log.update_day(day, day, add)
        remember_stop(log, day, day, f"the entry of run {entry.code_span(entry.command_line(argv))}")
    except BaseException:
        import shutil

        lost.unmark(log, folder)
        shutil.rmtree(where, ignore_errors=True)
        raise
    return _run(log, argv, cwd, folder, lines, info, at[0], settings.output_cap, clock)


def _run(log: Log, argv: list[str], cwd: str, folder: str, lines: list[str], info: dict[str, object],
         line: int, cap: int, clock: Callable[[], dt.datetime]) -> Recorded:
    where = path_text(log.folder, folder)
    logs = [CappedFile(path_text(where, f"{name}.log"), cap) for name in STREAMS]
    gpus = meta.Gpus()
    began = time.monotonic()
    try:
        command = Command(argv, cwd, logs[0], logs[1])
    except OSError as exc:  # found a moment ago, gone or not runnable now
        code = 127 if isinstance(exc, FileNotFoundError) else 126
        ended = _finish(log, folder, lines, info, line, code, time.monotonic() - began, clock, gpus,
                        [file.finish() for file in logs])
        return Recorded(ended.folder, ended.page, ended.line, ended.status, ended.exit, ended.code,
                        ended.duration, f"cannot run {argv[0]}: {exc.strerror}")
    try:
        command.pump()
        code = command.wait()
        elapsed = time.monotonic() - began
        outputs = [file.finish() for file in logs]
        return _finish(log, folder, lines, info, line, code, elapsed, clock, gpus, outputs)
    finally:
        for file in logs:
            file.close()
        command.close()


def _finish(log: Log, folder: str, lines: list[str], info: dict[str, object], line: int, code: int,
            elapsed: float, clock: Callable[[], dt.datetime], gpus: meta.Gpus,
            outputs: list[tuple[int, int]]) -> Recorded:
    from reslog.runs.metrics import SCAN_BYTES, as_number, read_metrics, read_trackers  # at the end only

    where = path_text(log.folder, folder)
    output = {name: {"file": f"{name}.log", "bytes": total, "kept": kept}
              for name, (total, kept) in zip(STREAMS, outputs, strict=True)}
    paths = [path_text(where, f"{name}.log") for name in STREAMS]
    tails = [read_end(p, SCAN_BYTES) for p in paths]  # the metrics' tail is the end of the trackers'
    metrics = read_metrics(tails[0][-_TAIL_BYTES:], tails[1][-_TAIL_BYTES:])
    trackers = read_trackers([part for p, tail in zip(paths, tails, strict=True)
                              for part in (read_end(p, SCAN_BYTES, False), tail)])
    status = "ok" if code == 0 else ("failed" if code > 0 else "killed")
    fields = [("status", status), ("exit", describe_exit(code)), ("duration", format_elapsed(elapsed)),
              *metrics.items(), *trackers.items()]
    info.update({
        "status": status, "end": meta.stamp(clock()), "duration_s": round(elapsed, 3),
        "exit_code": code if code >= 0 else None, "signal": describe_exit(code) if code < 0 else None,
        "output": output, "gpus": gpus.names(),
        "metrics": {key: as_number(value) for key, value in metrics.items()}, "trackers": trackers,
        "fields": dict(fields),
    })
    problem = None
    try:
        meta.write(where, info, durable=False)  # the page is the record, flushed to disk below
        written = log.update_day(lost.run_day(folder), clock().date(),
                                 lambda page: entry.complete(page, folder, fields, lines))
    except (ReslogError, OSError) as exc:
        problem = f"could not write the end of the run ({exc}); the next reslog command will finish it"
    else:
        lost.unmark(log, folder)
        # where the entry is now: a capture while the run ran (a to-do above it) moves it down
        found = entry.find(written, folder)
        line = line if found is None else found.index + 1
    return Recorded(folder, log.day_name(lost.run_day(folder)), line, status, describe_exit(code),
                    shell_status(code), elapsed, problem)


__all__ = ["STREAMS", "Recorded", "check_command", "record", "slug"]
