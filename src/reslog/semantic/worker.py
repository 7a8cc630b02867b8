"""Embedding in the background: one detached, low-priority process per log, resumable.

A reading command that finds passages without vectors (more than it embeds
itself, see :mod:`reslog.semantic.setup`) starts ``python -m
reslog.semantic.worker LOG`` and answers at once. The worker:

- runs at the lowest CPU priority (``nice 19``), detached from the terminal
  (its own session, no stdin or stdout; errors go to ``.reslog/embed.log``);
- is one at a time per log: it holds ``.reslog/embed.lock`` (an ``flock``)
  and a second one exits at once;
- embeds the passages that have no vector, newest entries first, in batches
  committed one by one, so a kill at any moment loses at most one batch and
  the next worker carries on;
- writes its progress to ``.reslog/embed.json`` (:func:`progress`, which
  ``reslog status`` shows), looks again for passages added meanwhile, and
  exits when none are left, after writing the vectors' snapshot so the next
  search loads them at once.

``reslog reindex`` embeds in the foreground instead: it asks a running worker
to stop (SIGTERM; what it embedded is kept) and takes the lock itself.
Background work is turned off by ``search.background = false`` in
``reslog.toml`` or ``RESLOG_BACKGROUND=0`` in the environment.

This module is imported by ``reslog status``: only the standard library at
the top, the model and numpy inside :func:`main`.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from contextlib import suppress

from reslog.errors import ReslogError
from reslog.records import Record
from reslog.store import DATA_DIR, Log, exists, path_text, write_aside

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reslog.settings import Settings

LOCK_FILE = "embed.lock"
PROGRESS_FILE = "embed.json"
ERROR_FILE = "embed.log"
#: Passages embedded and committed per batch: ~3-5 s of work, so progress shows and a kill
#: loses little.
BATCH = 128


def background_allowed(settings: Settings) -> bool:
    """Whether reads may start the worker: ``RESLOG_BACKGROUND`` (0/1) wins over the setting."""
    value = os.environ.get("RESLOG_BACKGROUND", "").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    return settings.background


def _file(log: Log, name: str) -> str:
    return path_text(log.folder, DATA_DIR, name)


def _try_lock(log: Log) -> int | None:
    """An open descriptor holding the embedding lock, or None when a worker holds it."""
    import fcntl

    try:
        fd = os.open(_file(log, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise ReslogError(f"cannot embed the log: {log.folder} is read-only ({exc.strerror}); search "
                          "and ask still work by keywords, or fix its permissions") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def running(log: Log) -> bool:
    """Whether a worker is embedding this log now."""
    if not exists(_file(log, LOCK_FILE)):
        return False
    try:
        fd = _try_lock(log)
    except (OSError, ReslogError):
        return False
    if fd is None:
        return True
    os.close(fd)
    return False


def ensure_running(log: Log) -> bool:
    """Start the worker unless one runs; False if it could not be started (a read-only log)."""
    import subprocess

    try:
        log.ensure_root()
        if running(log):
            return True
        with open(_file(log, ERROR_FILE), "ab") as errors:
            subprocess.Popen(
                [sys.executable, "-m", "reslog.semantic.worker", log.folder],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                start_new_session=True, close_fds=True,
            )
    except (OSError, ReslogError):  # a read-only log: the read carries on with what it has
        return False
    return True


class Progress(Record):
    """What the worker last reported."""

    __slots__ = ("alive", "done", "error", "pid", "rate", "total", "updated")

    def __init__(self, pid: int, done: int, total: int, rate: float, updated: float, alive: bool,
                 error: str | None = None) -> None:
        self.pid = pid
        self.done = done
        self.total = total
        #: Passages per second so far.
        self.rate = rate
        #: When it was written (seconds since the epoch).
        self.updated = updated
        #: Whether the worker still runs (it may have been killed; the next read starts another).
        self.alive = alive
        self.error = error

    @property
    def seconds_left(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 else None


def progress(log: Log) -> Progress | None:
    """The worker's last report, or None when no embedding is under way or unfinished."""
    import json

    try:
        with open(_file(log, PROGRESS_FILE), encoding="utf-8") as file:
            data = json.load(file)
        report = Progress(int(data["pid"]), int(data["done"]), int(data["total"]), float(data["rate"]),
                          float(data["updated"]), False, data.get("error"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    report.alive = running(log)
    return report


def finished(log: Log) -> None:
    """Forget a worker's report once the log is embedded by other means (``reslog reindex``
    stops the worker and embeds the rest itself): left behind, ``reslog status`` said
    "Embedding stopped at 0 of 0 passages" after every passage had a vector."""
    with suppress(OSError):
        os.remove(_file(log, PROGRESS_FILE))


def _report(log: Log, done: int, total: int, started: float, error: str | None = None) -> None:
    import json

    elapsed = max(time.monotonic() - started, 1e-6)
    data = {"pid": os.getpid(), "done": done, "total": total, "rate": round(done / elapsed, 2),
            "updated": time.time(), "error": error}
    text = json.dumps(data).encode("utf-8")
    write_aside(_file(log, PROGRESS_FILE), lambda file: file.write(text))


def stop(log: Log, timeout: float = 30.0) -> int | None:
    """Ask a running worker to stop and wait until it has; the descriptor of the lock, now held
    by the caller (close it to release), or None if the worker did not stop in time."""
    import signal

    deadline = time.monotonic() + timeout
    while True:
        fd = _try_lock(log)
        if fd is not None:
            return fd
        found = progress(log)
        if found is not None and _is_worker(found.pid):
            with suppress(OSError):
                os.kill(found.pid, signal.SIGTERM)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def _is_worker(pid: int) -> bool:
    """Whether process ``pid`` is an embedding worker. The pid in the progress file may be stale:
    its worker was killed, the pid reused by another program, and the lock is held by a new
    worker that has not reported yet, or by a ``reslog reindex``; neither may be signalled.
    Where ``/proc`` is missing (macOS), the pid is trusted."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            words = file.read().split(b"\0")
    except FileNotFoundError:
        return not os.path.isdir("/proc/self")
    except OSError:
        return False
    return b"reslog.semantic.worker" in words


def main(argv: list[str]) -> int:
    """The worker process: embed what has no vector, then exit."""
    import signal

    if len(argv) != 1:
        print("usage: python -m reslog.semantic.worker LOG_FOLDER", file=sys.stderr)
        return 2
    log = Log(argv[0])
    log.ensure_root()
    fd = _try_lock(log)
    if fd is None:
        return 0  # another worker is at it
    with suppress(OSError):
        os.nice(19)
    stopping: list[bool] = []

    def stop(*_: object) -> None:
        stopping.append(True)
        sys.exit(143)  # unwind: the open batch rolls back

    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    done = total = 0
    try:
        _report(log, 0, 0, started)  # "starting", until the passages are counted
        done, total = _embed_all(log, started, os.fstat(fd).st_ino)
    except SystemExit:
        raise
    except BaseException as exc:
        if stopping:  # asked to stop while loading the model: the exit became "ImportError:
            return 143  # initialization failed" in the C extension, which is no failure
        _report(log, done, total, started, error=f"{type(exc).__name__}: {exc}")  # for the reader,
        raise  # then raised into embed.log
    finally:
        os.close(fd)
    return 0


def _still_ours(log: Log, lock_inode: int) -> bool:
    """Whether the log's derived data is still the one this worker started on: deleting
    ``.reslog/`` (which a person may do at any time) must not leave a worker writing into
    deleted files."""
    try:
        return os.stat(_file(log, LOCK_FILE)).st_ino == lock_inode
    except OSError:
        return False


def _embed_all(log: Log, started: float, lock_inode: int) -> tuple[int, int]:
    from reslog.index import Index
    from reslog.semantic import backends
    from reslog.semantic import vectors as store
    from reslog.semantic.setup import stamp_file
    from reslog.settings import load as load_settings

    settings = load_settings(log)
    done = total = 0
    with Index(log) as index:
        while settings.embeddings:
            index.refresh()
            backend = backends.load(settings.embed_model, bulk=True, stamp=stamp_file(index))
            todo = store.missing(index, backend.name)
            if not todo:
                store.coverage(index, backend.name)  # records the log as complete
                store.Vectors.load(index, backend.name)  # the snapshot the next search loads
                break
            total = done + len(todo)
            _report(log, done, total, started)
            for start in range(0, len(todo), BATCH):
                if not _still_ours(log, lock_inode):
                    return done, total
                batch = todo[start : start + BATCH]
                matrix = backend.embed([text for _, text in batch])
                store.put(index, backend.name, list(zip([d for d, _ in batch], matrix, strict=True)))
                done += len(batch)
                _report(log, done, total, started)
    finished(log)
    return done, total


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
