"""The derived databases under ``.reslog/`` (the index, the vectors): how their failures are told apart.

Everything under ``.reslog/`` can be deleted and made again from the pages, so a
database there that turns out damaged is never a reason for a command to fail:
it is moved aside and rebuilt. But only damage is: a full disk, an I/O error or
a read-only folder says nothing against the file, and moving a good index aside
for it would throw work away. This module draws that line once, for every
statement, so that no caller has to:

* :class:`Connection` (with its cursor) hands every SQLite failure, whether it
  comes from ``execute`` or from fetching the rows of a statement (SQLite finds
  a damaged page only when it reads it), to its ``on_failure`` hook, which
  returns what to raise instead (:meth:`reslog.index.Index._failed`);
* :func:`damaged` says whether a failure is damage (``SQLITE_CORRUPT``,
  ``SQLITE_NOTADB``, text that is not UTF-8);
* :func:`write_error` turns the other failures of the file system into one-line
  :class:`~reslog.errors.LogError` messages;
* :func:`move_aside` renames a damaged file (and its ``-wal``/``-shm``) to
  ``NAME.broken-YYYYmmdd-HHMMSS``, keeping the newest :data:`KEEP_ASIDE` such copies;
* :func:`temporary_copy` gives a read-only log a writable place for its
  derived files: a temporary folder seeded with copies of the existing ones.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import sqlite3
import time

from reslog.errors import LogError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    Hook = Callable[[sqlite3.Error], BaseException]

#: How many copies of one file moved aside are kept (the newest). They are for a person to look
#: at; a disk that keeps failing, or two versions of reslog taking turns on one log (each moves
#: the other's index aside), would otherwise add a whole index each time, without end.
KEEP_ASIDE = 3

# Primary result codes (the low byte of an extended code).
_CORRUPT, _NOTADB = 11, 26
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN = 3, 5, 6, 8, 10, 13, 14


def damaged(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the database file is damaged (not merely unwritable)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by Python's sqlite3 module, not by SQLite: garbage where text was
        return str(exc).startswith("Could not decode to UTF-8")
    return code & 0xFF in (_CORRUPT, _NOTADB)


def _full(folder: str) -> bool:
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


def write_error(exc: sqlite3.Error, folder: str) -> LogError | None:
    """The one-line error for a failure of the file system under a derived database in
    ``folder`` (full, read-only, I/O error, busy); None for anything else."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    where = f"the index in {folder}"
    if primary == _FULL or (primary in (_IOERR, _CANTOPEN) and _full(folder)):
        return LogError(f"cannot update {where}: the disk is full; free some space, then try again")
    if primary == _IOERR:
        return LogError(f"cannot read or write {where}: {exc}; check the disk, then try again")
    if primary in (_READONLY, _PERM, _CANTOPEN):
        return LogError(f"cannot write {where}: {exc}; fix the folder's permissions (it holds only "
                        "derived data: deleting it loses nothing)")
    if primary in (_BUSY, _LOCKED):
        return LogError(f"{where} is busy ({exc}): another reslog process is using it; try again")
    return None


class _Cursor(sqlite3.Cursor):
    """A cursor that reports its failures to its connection's hook, fetching included."""

    def _failed(self, exc: sqlite3.Error) -> BaseException:
        hook = getattr(self.connection, "on_failure", None)
        return exc if hook is None else hook(exc)

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> _Cursor:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(size)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]  # a list's iterator, not the cursor
        # ``for row in cursor`` fetches every row in one guarded call: a guard per row (the
        # __next__ above) cost 1.4 us a row, 50 ms of a search that lists 37,000 entry ids
        return iter(self.fetchall())


class Connection(sqlite3.Connection):
    """A connection whose statements report their failures to :attr:`on_failure`."""

    #: Given a failure, what to raise instead (None: raise it as it is).
    on_failure: Hook | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        if sql == "ROLLBACK" and not self.in_transaction:
            return self.cursor(_Cursor)  # SQLite has rolled back already (a full disk, an I/O error)
        return self.cursor(_Cursor).execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> _Cursor:
        return self.cursor(_Cursor).executemany(sql, seq_of_parameters)

    def quick_check(self, schema: str) -> bool:
        """Whether SQLite finds the pages of ``schema`` (``main`` or an attached name) sound."""
        try:
            row = sqlite3.Connection.execute(self, f"PRAGMA {schema}.quick_check(1)").fetchone()
        except sqlite3.Error as exc:
            return not damaged(exc)
        return row is not None and row[0] == "ok"


#: How long a statement waits for another connection's lock before it is "busy".
BUSY_SECONDS = 30.0


def connect(file: str, on_failure: Hook | None = None) -> Connection:
    """Open ``file`` (made if missing) in WAL mode; failures go to ``on_failure``."""
    db = sqlite3.connect(file, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False,
                         factory=Connection)
    db.on_failure = on_failure
    try:
        _wal(db)
        db.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        db.close()
        raise
    return db


def begin_write(db: Connection, wait: float) -> bool:
    """Begin a write transaction on ``db``, waiting at most ``wait`` seconds for another
    connection's write lock (not :data:`BUSY_SECONDS`); False if it is still held then."""
    sqlite3.Connection.execute(db, f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        sqlite3.Connection.execute(db, "BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF in (_BUSY, _LOCKED):
            return False
        if db.on_failure is None:
            raise
        raise db.on_failure(exc) from exc
    finally:
        sqlite3.Connection.execute(db, f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    return True


def _wal(db: Connection) -> None:
    """Put ``db`` in WAL mode. Several connections doing so to a new file at once (the web app's
    request threads, two commands on a new log) get "database is locked" at once: SQLite does
    not wait on its busy timeout for a change of journal mode, so this waits here."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            sqlite3.Connection.execute(db, "PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF not in (_BUSY, _LOCKED) or time.monotonic() > deadline:
                if db.on_failure is None:
                    raise
                raise db.on_failure(exc) from exc
            time.sleep(0.01)


def identity(file: str) -> tuple[int, int] | None:
    """The file's device and inode, to tell later whether it is still the same file."""
    try:
        st = os.stat(file)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def move_aside(file: str, known: tuple[int, int] | None = None) -> str | None:
    """Rename a damaged ``file`` and its ``-wal``/``-shm`` to ``file.broken-YYYYmmdd-HHMMSS``.

    With ``known`` (see :func:`identity`), only if the file is still that one: another
    process may have moved it aside already and made a good one in its place.
    Returns the new name, or None if there was nothing to move.
    """
    if known is not None and identity(file) != known:
        return None
    aside = f"{file}.broken-{dt.datetime.now():%Y%m%d-%H%M%S}"
    moved = None
    for suffix in ("", "-wal", "-shm"):
        try:
            os.replace(file + suffix, aside + suffix)
        except FileNotFoundError:
            continue
        moved = aside
    if moved is not None:
        _forget_older(file)
    return moved


def _forget_older(file: str) -> None:
    """Delete the copies of ``file`` moved aside before the newest :data:`KEEP_ASIDE`."""
    folder, name = os.path.split(file)
    prefix = f"{name}.broken-"
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return
    stamps = sorted({n[len(prefix):].removesuffix("-wal").removesuffix("-shm")
                     for n in names if n.startswith(prefix)})
    for stamp in stamps[:-KEEP_ASIDE]:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(os.path.join(folder, prefix + stamp + suffix))
            except OSError:
                continue


def writable(folder: str, files: Iterable[str] = ()) -> bool:
    """Whether derived files can be written in ``folder`` (and the ``files`` there, if they exist)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    for name in files:
        path = os.path.join(folder, name)
        if os.path.lexists(path) and not os.access(path, os.W_OK):
            return False
    return True


#: The temporary folders of :func:`temporary_copy`: ``reslog-PID-XXXXXXXX``, PID the process's.
_TEMPORARY_NAME = re.compile(r"reslog-([0-9]{1,10})-[A-Za-z0-9_]{1,32}")


def temporary_copy(folder: str) -> str:
    """A new temporary folder holding copies of the databases in ``folder`` (if it can be read),
    so that a read-only log's index is brought up to date there rather than rebuilt. The command
    removes it when it ends; the folders of processes that were killed first (SIGKILL, a power
    cut) are removed here, by the next command to need one."""
    import shutil
    import tempfile

    _forget_killed(tempfile.gettempdir())
    temp = tempfile.mkdtemp(prefix=f"reslog-{os.getpid()}-")
    try:
        names = os.listdir(folder)
    except OSError:
        return temp
    for name in names:
        if name.endswith((".db", ".db-wal")):
            try:
                shutil.copyfile(os.path.join(folder, name), os.path.join(temp, name))
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EPERM, errno.ENOENT, errno.EISDIR):
                    raise
    return temp


def _forget_killed(parent: str) -> None:
    """Remove the folders of :func:`temporary_copy` in ``parent`` that belong to this user and to
    a process that no longer runs. (A new process given the same number keeps its folder: left, not
    lost.)"""
    import shutil

    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY_NAME.fullmatch(name)
        if match is None:
            continue
        path = os.path.join(parent, name)
        try:
            if os.lstat(path).st_uid != os.geteuid() or _running(int(match.group(1))):
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether a process numbered ``pid`` runs (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


__all__ = ["Connection", "connect", "damaged", "identity", "move_aside", "temporary_copy", "writable",
           "write_error"]
