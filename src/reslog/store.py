"""The files layer: where pages live, how they are read, locked and written.

Every change to the log goes through :meth:`Log.update_day`, which takes the
log's lock (``.reslog/lock``, an ``flock`` held for the read-modify-write of
one page), makes the day's page if it does not exist yet (carrying open to-dos
forward, see :func:`carry_over`), applies a pure edit and writes the result
atomically: temporary file in the same folder, fsync, rename, fsync of the
folder. A reader therefore sees a page either before or after a write, never
half of it, and two writers never interleave. The lock file holds the pid of
the writer holding it, so that one kept waiting (by a stuck process) can say by
whom, and gives up after :data:`LOCK_TIMEOUT` seconds instead of hanging.

A capture reads and writes one day's file. It also lists the newest ``days/``
year folder and reads the page before (about 1 ms), to carry over any open
to-dos still there; a page is written only when something changed.

Paths. Importing :mod:`pathlib` costs a capture about 5 ms (a sixth of it), so
the paths a capture touches are text, written exactly as ``str(Path(...))``
would write them (:func:`path_text`): messages and errors show the same paths
as with pathlib. :attr:`Log.root`, :meth:`Log.day_path` and the other public
paths are still :class:`~pathlib.Path` objects, made on demand.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from reslog import markdown
from reslog.dates import in_range, long_date
from reslog.errors import ConflictError, LogError, PageError, notify
from reslog.model import DEFERRED, SECTION_ORDER, SECTION_TITLES, Entry, Page

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

DATA_DIR = ".reslog"
#: Seconds a writer waits for the log's lock before it says that it waits, and gives up.
LOCK_NOTICE = 2.0
LOCK_TIMEOUT = 120.0
# Compiled on first use (by re's cache): only writes list folders.
_YEAR_DIR = r"^\d{4}$"


def path_text(*segments: str) -> str:
    """``str(PurePosixPath(*segments))`` without pathlib: empty and ``.`` parts dropped,
    a later absolute segment starting afresh, exactly two leading slashes kept."""
    root = ""
    parts: list[str] = []
    for segment in segments:
        if segment.startswith("/"):
            stripped = segment.lstrip("/")
            root = "//" if len(segment) - len(stripped) == 2 else "/"
            parts = []
            segment = stripped
        parts += [part for part in segment.split("/") if part and part != "."]
    return root + "/".join(parts) or "."


def expanded(path: str) -> str:
    """``str(Path(path).expanduser())`` without pathlib (the same RuntimeError too)."""
    text = path_text(path)
    if not text.startswith("~"):
        return text
    first, _, rest = text.partition("/")
    home = os.path.expanduser(first)
    if home.startswith("~"):
        raise RuntimeError("Could not determine home directory.")
    return path_text(home, rest)


def default_folder() -> str:
    """``RESLOG_DIR`` if set, else ``~/reslog``, as text (see :func:`default_root`)."""
    env = os.environ.get("RESLOG_DIR")
    return expanded(env) if env else path_text(expanded("~"), "reslog")


def default_root() -> Path:
    """``RESLOG_DIR`` if set, else ``~/reslog``."""
    from pathlib import Path

    return Path(default_folder())


def exists(path: str) -> bool:
    """``Path(path).exists()`` without pathlib: errors other than "not there" are raised."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            raise
        return False
    except ValueError:
        return False
    return True


def _shown(path: str | os.PathLike[str]) -> str:
    """A path as messages write it (as ``str(Path(path))``)."""
    return path_text(os.fspath(path))


def linked_outside(target: str) -> str:
    """Why a page that is a symbolic link to ``target``, outside the log, is not read (the index,
    the exporters and :meth:`Log.read_page` all say it so)."""
    return f"a symbolic link to {target}, outside the log; not read"


def _put_in_place(target: str, page: str) -> str:
    """What to do about a page that is a symbolic link: the command that makes it a file."""
    return f"put the file itself in its place (cp --remove-destination {target} {page}), then run again"


def _parent(path: str) -> str:
    """``str(Path(path).parent)`` for a path written as :func:`path_text` writes it."""
    head = os.path.dirname(path)
    return head if head else "."


def _mkdirs(path: str, parents: bool = True) -> None:
    """``Path(path).mkdir(parents=parents, exist_ok=True)``, with the same errors."""
    try:
        os.mkdir(path)
    except FileNotFoundError:
        parent = _parent(path)
        if not parents or parent == path:
            raise
        _mkdirs(parent)
        _mkdirs(path, parents=False)
    except OSError:
        if not os.path.isdir(path):
            raise


def new_day_text(day: dt.date) -> str:
    """The page the tool writes for a new day: front matter, title, the four sections."""
    parts = ["---", f"date: {day.isoformat()}", "---", f"# {long_date(day)}", ""]
    for key in SECTION_ORDER:
        parts += [f"## {SECTION_TITLES[key]}", ""]
    return "\n".join(parts[:-1]) + "\n"


def content_hash(text: str | None) -> str:
    """The hash a save is guarded by: BLAKE2b of the page's UTF-8 bytes (``""`` for no page).

    An editor keeps the hash of the text it loaded and sends it back with the new text;
    :meth:`Log.save_text` refuses the save if the page on disk no longer has it.
    """
    if text is None:
        return ""
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def atomic_write(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, never a mix.

    The temporary name is fixed per page; callers hold the log's lock, so no two
    writers share it, and a file left by a killed writer is simply overwritten. A
    write that fails (a full disk) removes its temporary file and leaves ``path`` as it was.
    """
    path = _shown(path)
    _commit(path, _stage(path, data))
    _fsync_dir(_parent(path))


def write_aside(path: str, write: Callable[[BinaryIO], object]) -> None:
    """Replace ``path`` with what ``write`` writes to a file, for a file that other processes may
    read at any moment and that can be made again (a snapshot, a progress report, a stamp):
    written beside it under a name of this process, then renamed over it, so a reader finds the
    old file or the new one, whole. Not flushed to disk: after a crash it is made again. On
    failure the temporary file is removed and the error raised."""
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temp, "wb") as file:
            write(file)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


def _temp_name(path: str) -> str:
    return path_text(os.path.dirname(path), f".{os.path.basename(path)}.tmp")


#: The name :func:`_temp_name` gives a day page's temporary file (see :meth:`Log.sweep_staged`).
_STAGED_PAGE = re.compile(r"\.\d{4}-\d{2}-\d{2}\.md\.tmp")


def _stage(path: str, data: bytes) -> str:
    """Write ``data`` to the temporary file of ``path`` and flush it; its name. On failure the
    temporary file is removed and the error raised."""
    tmp = _temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        with suppress(FileNotFoundError):  # keep an existing page's permissions
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _commit(path: str, tmp: str) -> None:
    try:
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _make_folder(folder: str) -> None:
    """Make ``folder`` (and its parents) if missing, so that the new folders survive a power cut
    too (days/YYYY, and days/ itself in a new log): the folder holding each one is flushed."""
    if os.path.isdir(folder):
        return
    created = [folder]
    while not os.path.isdir(_parent(created[-1])):
        created.append(_parent(created[-1]))
    _mkdirs(folder)
    for made in created:
        _fsync_dir(_parent(made))


def _fsync_dir(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _holder(fd: int) -> tuple[str, str]:
    """Who holds the lock, by the pid its writer wrote into the lock file, and how to end it:
    ("another reslog (pid 123)", "end it ('kill 123')"), or without a pid when none is written."""
    with suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode("ascii").strip())
        return f"another reslog (pid {pid})", f"end it ('kill {pid}')"
    return "another reslog", "end it"


def _wait_for_lock(fd: int) -> None:
    """Take the lock on ``fd`` that another process holds, polling: say so after
    :data:`LOCK_NOTICE` seconds, give up after :data:`LOCK_TIMEOUT` (see :meth:`Log.locked`)."""
    import fcntl
    import time

    start = time.monotonic()
    delay = 0.005
    noticed = False
    while True:
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - start
        if waited >= LOCK_TIMEOUT:
            who, end = _holder(fd)
            raise LogError(
                f"{who} has held this log's lock (.reslog/lock) for over {LOCK_TIMEOUT:g} s; "
                f"nothing was written. If it is stuck, {end}, then try again"
            )
        if not noticed and waited >= LOCK_NOTICE:
            notify(f"waiting for {_holder(fd)[0]} that is writing this log...")
            noticed = True


def _log_error(root: Path, exc: OSError) -> LogError:
    """What to say of a write to the log that failed: what is wrong, and what to do about it (a
    full disk was told to check the path)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return LogError(f"cannot write to the log folder {root}: {exc.strerror}; "
                        "free some space on its disk and run the command again")
    if exc.errno == errno.EROFS:
        return LogError(f"cannot write to the log folder {root}: it is on a read-only file system; "
                        "remount it writable, or choose another folder with --dir or RESLOG_DIR")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return LogError(
            f"cannot write to the log folder {root}: {exc.strerror}; "
            "fix its permissions or choose another with --dir or RESLOG_DIR"
        )
    return LogError(f"cannot use the log folder {root}: {exc}; check the path (--dir or RESLOG_DIR)")


#: The log folders whose pages this process wrote since :func:`take_written` last ran. The
#: edges (the command line, the web app) hand them to ``sync.auto`` after each command or
#: request, so that every change is committed, not only captures.
_written: set[str] = set()


def take_written() -> list[str]:
    """The log folders written since the last call (and forget them). Safe beside writes in
    other threads (the web app's): each ``set.pop`` is atomic, where iterating the set is not."""
    folders = []
    while _written:
        with suppress(KeyError):  # another thread took the last one
            folders.append(_written.pop())
    return sorted(folders)


class Log:
    """A log folder on disk."""

    def __init__(self, root: Path | str) -> None:
        #: The folder as text, written as ``str(Path(root))`` is (see the module's docstring).
        self.folder = path_text(os.fspath(root))
        self._root = None if isinstance(root, str) else root

    @property
    def root(self) -> Path:
        if self._root is None:
            from pathlib import Path

            self._root = Path(self.folder)
        return self._root

    # --- paths ---

    def day_path(self, day: dt.date) -> Path:
        return self.root / "days" / f"{day.year:04d}" / f"{day.isoformat()}.md"

    def day_file(self, day: dt.date) -> str:
        """:meth:`day_path` as text."""
        return path_text(self.folder, "days", f"{day.year:04d}", f"{day.isoformat()}.md")

    @staticmethod
    def day_name(day: dt.date) -> str:
        """The day's page relative to the log, as citations give it (``days/2026/2026-11-26.md``)."""
        return f"days/{day.year:04d}/{day.isoformat()}.md"

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    def link_outside(self, path: str) -> str | None:
        """Where ``path`` leads when a symbolic link (it, or a folder on its way) takes it outside
        the log; None for a path inside it. Such a page is not read (a link to ``~/.ssh/...``
        would otherwise be indexed and exported)."""
        target = os.path.realpath(path)
        root = os.path.realpath(self.folder)
        return None if target == root or target.startswith(root.rstrip("/") + "/") else target

    # --- reading ---

    def read_day(self, day: dt.date) -> Page | None:
        """The parsed page of ``day``, or None if there is none."""
        return self.read_page(self.day_file(day))

    def read_page(self, path: Path | str) -> Page | None:
        """The parsed page at ``path``, or None if there is none. A page that is a symbolic link
        to a file outside the log is refused, as the index and the exporters skip it: what is
        not searched or shared is not shown (in a terminal or the web app's editor) either."""
        outside = self.link_outside(os.fspath(path))
        if outside is not None:
            raise PageError(f"{self._shown_in_log(os.fspath(path))} is a symbolic link to {outside}, "
                            f"outside the log, so it is not read: {_put_in_place(outside, _shown(path))}",
                            linked_outside(outside))
        try:
            with open(path, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise PageError(f"{_shown(path)} is a folder, not a page; move it out of the way",
                            "a folder, not a page") from None
        except NotADirectoryError:  # days/2026 is a file
            raise PageError(f"a file stands where {_shown(path)}'s folder should be; move it out of the "
                            "way", "a file stands where its folder should be") from None
        except PermissionError as exc:
            raise PageError(f"cannot read {_shown(path)}: {exc.strerror}; fix its permissions",
                            f"cannot read it: {exc.strerror}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PageError(
                f"{_shown(path)} is not valid UTF-8 (byte {exc.start}); "
                "convert it to UTF-8 in an editor, then try again",
                f"not valid UTF-8, byte {exc.start}",
            ) from None
        return markdown.parse(text)

    def read_text(self, path: Path | str) -> str | None:
        """A page's text exactly as on disk (a BOM and line endings kept), or None if there is none."""
        page = self.read_page(path)
        return None if page is None else markdown.render(page)

    def days(self) -> list[dt.date]:
        """Every day that has a page in the supported range, oldest first (lists folders; reads no page)."""
        return sorted(day for year in self.year_folders() for day, _ in self.pages_in(year) if in_range(day))

    def first_day(self) -> dt.date | None:
        """The first day that has a page in the supported range, or None (lists the first year
        folders that hold one; reads no page)."""
        for year in self.year_folders():
            found = [day for day, _ in self.pages_in(year) if in_range(day)]
            if found:
                return min(found)
        return None

    def year_folders(self) -> list[os.DirEntry[str]]:
        """The ``days/YYYY`` folders, oldest first."""
        try:
            entries = list(os.scandir(path_text(self.folder, "days")))
        except (FileNotFoundError, NotADirectoryError):
            return []
        years = [e for e in entries if re.match(_YEAR_DIR, e.name) and e.is_dir()]
        return sorted(years, key=lambda e: e.name)

    def sweep_staged(self) -> int:
        """Remove the temporary files of day pages (``days/YYYY/.YYYY-MM-DD.md.tmp``) that a
        writer killed before its rename left behind (an import stopped by ``kill -9`` left
        hundreds, and ``reslog sync`` committed them); how many. Call with the lock held: no
        writer is staging a page then."""
        removed = 0
        for year in self.year_folders():
            for entry in os.scandir(year.path):
                if _STAGED_PAGE.fullmatch(entry.name) and entry.is_file():
                    with suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
        return removed

    @staticmethod
    def pages_in(year: os.DirEntry[str]) -> Iterator[tuple[dt.date, os.DirEntry[str]]]:
        """The day pages of a year folder: ``YYYY-MM-DD.md`` names of a real date of that year.

        This is the one rule for what counts as a page, for the store and the index
        alike; a page filed under another year's folder is not one.
        """
        year_name = year.name
        for entry in os.scandir(year.path):  # every search lists every page: keep this loop lean
            name = entry.name
            if len(name) != 13 or name[4] != "-" or name[7] != "-" or not name.endswith(".md"):
                continue
            if not name.startswith(year_name) or not (name[5:7] + name[8:10]).isdigit():
                continue
            try:
                yield dt.date.fromisoformat(name[:10]), entry
            except ValueError:
                continue

    def neighbours(self, day: dt.date, until: dt.date | None = None) -> tuple[dt.date | None, bool]:
        """The latest page before ``day``, and whether a page lies after it (up to ``until``).

        Looks only at the year folders it needs, newest first.
        """
        before: dt.date | None = None
        later = False
        for folder in reversed(self.year_folders()):
            if int(folder.name) < day.year and before is not None:
                break
            for other, _ in self.pages_in(folder):
                if not in_range(other):  # a page dated outside the supported range is not read
                    continue
                if other > day:
                    later = later or until is None or other <= until
                elif other < day and (before is None or other > before):
                    before = other
        return before, later

    # --- writing ---

    def check_folder(self) -> None:
        """Refuse a log folder that is a file (the same error for every command)."""
        if os.path.exists(self.folder) and not os.path.isdir(self.folder):
            raise LogError(
                f"the log folder {_shown(self.folder)} is a file, not a folder; "
                "choose another with --dir or RESLOG_DIR"
            )

    def ensure_root(self) -> None:
        self.check_folder()
        try:
            _mkdirs(path_text(self.folder, DATA_DIR))
        except OSError as exc:
            raise _log_error(self.root, exc) from None
        if not os.access(self.folder, os.W_OK):
            raise _log_error(self.root, PermissionError(errno.EACCES, "permission denied"))

    def writable(self, *paths: Path | str) -> bool:
        """Whether pages at ``paths`` could be written now, judged before writing anything.

        The log folder, its ``.reslog/`` (the lock) and the nearest existing folder of each
        path must accept new files: a page is written by renaming a temporary file into its
        folder. ``os.access`` sees a read-only mount and, even for root, the immutable
        attribute, so a read-only log is known up front instead of failing half-way."""
        for folder in (self.folder, path_text(self.folder, DATA_DIR), *(_parent(_shown(p)) for p in paths)):
            while not os.path.exists(folder) and _parent(folder) != folder:
                folder = _parent(folder)
            if not os.access(folder, os.W_OK):
                return False
        return True

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the log's write lock, waiting for another writer to finish.

        The holder writes its pid into the lock file, so that a writer kept waiting can say
        who holds the lock: after :data:`LOCK_NOTICE` seconds it says that it waits (a
        :func:`~reslog.errors.notify`), after :data:`LOCK_TIMEOUT` it gives up with a
        :class:`~reslog.errors.LogError` naming the pid, having written nothing.
        """
        import fcntl

        self.ensure_root()
        try:
            fd = os.open(path_text(self.folder, DATA_DIR, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _log_error(self.root, exc) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _wait_for_lock(fd)
            with suppress(OSError):  # the pid only helps a waiter's message
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            try:
                yield
            finally:
                with suppress(OSError):  # no stale pid for the next waiter to name
                    os.ftruncate(fd, 0)
        finally:
            os.close(fd)

    def write_page(self, path: Path | str, page: Page) -> None:
        """Write a page atomically. Call with the lock held."""
        try:
            self._write_page(path, page)
        except OSError as exc:
            raise _log_error(self.root, exc) from None

    def _write_page(self, path: Path | str, page: Page) -> None:
        """:meth:`write_page`, its failure the file system's own (``OSError``)."""
        path = _shown(path)
        self.refuse_link(path)
        _make_folder(_parent(path))
        atomic_write(path, markdown.render(page).encode("utf-8"))
        _written.add(self.folder)

    def _shown_in_log(self, path: str) -> str:
        """A page's path as messages give it: relative to the log when it is inside."""
        return path[len(self.folder) + 1:] if path.startswith(self.folder + "/") else path

    def refuse_link(self, *paths: str) -> None:
        """Refuse to write pages that are symbolic links, before anything is written.

        A page is written by renaming a new file over it, which would replace the link with a
        file of its own (the file it pointed to then no longer sees what is added); and a link
        to a file outside the log is not read, so a capture must not copy that file in either."""
        for path in paths:
            if os.path.islink(path):
                raise PageError(
                    f"{self._shown_in_log(path)} is a symbolic link; reslog writes a page only as a file "
                    f"of its own, so nothing was written: {_put_in_place(os.path.realpath(path), path)}"
                )

    def write_pages(
        self, pages: list[tuple[dt.date, Page]], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Write several day pages all or nothing (an import). Call with the lock held.

        Every page is first written in full to its temporary file and flushed; only when all
        of them are on disk are they renamed over the pages, then their folders flushed. A write
        that fails before the renames (a full disk) removes every temporary file and changes no
        page. ``progress(done, total)`` is called as the pages are staged.
        """
        self.refuse_link(*(self.day_file(day) for day, _ in pages))
        self.sweep_staged()  # what an earlier import killed midway left
        staged: list[tuple[str, str]] = []
        try:
            for n, (day, page) in enumerate(pages, 1):
                path = self.day_file(day)
                _make_folder(_parent(path))
                staged.append((path, _stage(path, markdown.render(page).encode("utf-8"))))
                if progress is not None:
                    progress(n, len(pages))
        except BaseException as exc:
            for _, tmp in staged:
                with suppress(OSError):
                    os.unlink(tmp)
            if isinstance(exc, OSError):
                raise _log_error(self.root, exc) from None
            raise
        _written.add(self.folder)  # from the first rename on, the log has changed
        try:
            for n, (path, tmp) in enumerate(staged):
                _commit(path, tmp)
                staged[n] = (path, "")
            for folder in dict.fromkeys(_parent(path) for path, _ in staged):
                _fsync_dir(folder)
        except OSError as exc:
            for _, tmp in staged:
                if tmp:
                    with suppress(OSError):
                        os.unlink(tmp)
            raise _log_error(self.root, exc) from None

    def _new_day(
        self, day: dt.date, today: dt.date, carry: bool = True, create: bool = True
    ) -> tuple[Page, bool, tuple[dt.date, Page] | None]:
        """The day's page, with any open to-dos carried into it (unless not ``carry``);
        whether it must be written (it is new, or received to-dos); and, when to-dos were
        carried, the earlier page with them marked as carried. Writes nothing, so a
        refused edit changes nothing. An earlier page that cannot be read (not UTF-8, no
        permission) is not carried from: when the day's page is made, a notice says so.
        Call with the lock held (when the result is to be written). Without ``create`` a
        missing page is an error."""
        on_disk = self.read_day(day)
        if on_disk is None and not create:
            raise PageError(
                f"there is no page for {day.isoformat()} ({self.relative(self.day_path(day))}); "
                "see the days with pages in the days/ folder"
            )
        page = on_disk if on_disk is not None else markdown.parse(new_day_text(day))
        new = on_disk is None
        # Carry into a page of today or the past, unless a page lies between it
        # and today (that page is where the to-dos went). Future pages (plans)
        # neither receive to-dos nor stop today's page from receiving them. An
        # existing page receives them too: one made before its day (a plan for
        # tomorrow) or outside reslog would otherwise strand them for good.
        if not carry or day > today:
            return page, new, None
        before, later = self.neighbours(day, until=today)
        if before is None or later:
            return page, new, None
        try:
            old = self.read_day(before)
        except (PageError, OSError) as exc:
            # A capture must never be lost to a damaged page of another day: the to-dos stay
            # open on the old page, which is left exactly as it is, and move over at the first
            # command after it is fixed. Said once, when the day's page is made.
            if new:
                reason = exc.reason if isinstance(exc, PageError) else exc.strerror or str(exc)
                notify(
                    f"could not carry to-dos over from {self.day_name(before)} ({reason}), so "
                    f"{self.day_name(day)} starts without them; fix that page, and its open "
                    "to-dos move over at the next reslog command"
                )
            return page, new, None
        if old is None:  # removed since the folder was listed
            return page, new, None
        carried, marked = carry_over(old, before, page)
        if marked is old:
            return page, new, None
        return carried, True, (before, marked)

    def update_day(
        self, day: dt.date, today: dt.date, edit: Callable[[Page], Page] | None = None,
        create: bool = True, carry: bool = True, write: bool = True, then: Callable[[], None] | None = None,
    ) -> Page:
        """Apply ``edit`` to the day's page under the lock and write it if it changed.

        The page is made if it does not exist (see :meth:`_new_day` for when it
        receives the open to-dos of the latest earlier page); with
        ``create=False`` a missing page is an error instead, and with
        ``carry=False`` (importers filling in the past) a new page receives
        nothing. ``edit`` runs before anything is written: if it raises (a
        refused capture), no page is made and nothing is carried over.
        Returns the page as written. With ``write=False`` (a read-only log) the page is
        made in memory only, as it would be written, without the lock. ``then`` runs under the
        lock once the page is written (a capture's note for undo, in the order of the writes).
        """
        if not write:
            page, _, _ = self._new_day(day, today, carry, create)
            return page if edit is None else edit(page)
        with self.locked():
            self.refuse_link(self.day_file(day))  # before reading it: a capture says nothing was written
            page, must_write, earlier = self._new_day(day, today, carry, create)
            changed = page if edit is None else edit(page)
            # The day's page first: a crash between the two writes leaves a to-do
            # open in two places (the next carry marks it without copying it
            # again), never in none.
            if earlier is not None:  # before the first write
                self.refuse_link(self.day_file(earlier[0]))
            if must_write or changed.lines != page.lines:
                self.write_page(self.day_file(day), changed)
            if earlier is not None:
                try:
                    self._write_page(self.day_file(earlier[0]), earlier[1])
                except OSError as exc:
                    # The day's page, and what this command wrote to it, is saved: run again, it
                    # would write it twice. The to-dos are open on both pages meanwhile, and the
                    # next carry marks them on the old page without copying them again.
                    notify(f"saved; but marking the to-dos carried from {self.day_name(earlier[0])} failed "
                           f"({exc.strerror or exc}); the next reslog command marks them")
            if then is not None:
                then()
            return changed

    def save_text(self, path: Path | str, text: str, expected: str) -> Page:
        """Replace a page with ``text`` (as typed in an editor), unless it changed since it was read.

        ``expected`` is :func:`content_hash` of the text the editor loaded (``""`` when there was
        no page). Under the lock the page is read again; if its hash differs, nothing is written
        and :class:`~reslog.errors.ConflictError` carries the text now on disk. A save of the
        same text writes nothing. Returns the page as saved.
        """
        path = _shown(path)
        with self.locked():
            current = self.read_text(path)
            if content_hash(current) != expected:
                raise ConflictError(
                    f"{self._shown_in_log(path)} changed since it was loaded; nothing was saved. "
                    "Compare both versions, then save again",
                    current or "",
                )
            page = markdown.parse(text)
            if text != current:
                self.write_page(path, page)
            return page

    def edit_copy(
        self, path: Path | str, edit: Callable[[str], object],
        merge: Callable[[str, str, str], tuple[str, int]],
    ) -> tuple[bool, int] | None:
        """Let ``edit`` change a copy of the page (an editor, outside the lock), then save it over
        the page as it is then: a page changed meanwhile (a capture, the web app, a sync) is
        merged, ``merge(loaded, edited, now)`` giving the text and its conflicts.

        None when the copy was not changed; else whether the page had changed meanwhile, and
        how many conflicts the merge left. The copy (in a temporary folder, under the page's
        own name) is deleted once the page is saved, and named in the error when it is not."""
        import shutil
        import tempfile

        path = _shown(path)
        loaded = self.read_text(path) or ""
        folder = tempfile.mkdtemp(prefix="reslog-edit-")
        copy = os.path.join(folder, os.path.basename(path))  # the name, for the editor's Markdown mode
        with open(copy, "wb") as file:
            file.write(loaded.encode("utf-8"))
        try:
            edit(copy)
            with open(copy, encoding="utf-8", newline="") as file:
                edited = _line_ends_of(loaded, file.read())
        except UnicodeDecodeError:
            raise _edited_copy_error(copy, "the editor saved text that is not UTF-8") from None
        except BaseException:  # the editor failed: its copy goes, unless it holds an edit
            if _holds(copy, loaded):
                shutil.rmtree(folder, ignore_errors=True)
                raise
            raise _edited_copy_error(copy, "the editor failed") from None
        if edited == loaded:  # nothing changed in the editor: whatever came in meanwhile stays
            shutil.rmtree(folder, ignore_errors=True)
            return None
        expected, text, conflicts = content_hash(loaded), edited, 0
        for _ in range(3):  # written to again between the merge and the save: merge again
            try:
                self.save_text(path, text, expected)
                break
            except ConflictError as changed:
                if self.read_text(path) is None:  # deleted meanwhile: the edit makes it again
                    expected, text, conflicts = content_hash(None), edited, 0
                    continue
                text, conflicts = merge(loaded, edited, changed.current)
                expected = content_hash(changed.current)
        else:
            raise _edited_copy_error(copy, "the page kept changing while it was saved")
        shutil.rmtree(folder, ignore_errors=True)
        return text is not edited, conflicts


def _line_ends_of(page: str, edited: str) -> str:
    """``edited`` with the line endings of ``page`` when the editor changed all of them (an editor
    set to CRLF): line by line, every line differed, and a capture made meanwhile turned the
    whole page into one conflict."""
    if "\r\n" in edited and "\r\n" not in page:
        return edited.replace("\r\n", "\n")
    if "\r\n" in page and "\n" in edited and "\r\n" not in edited:
        return edited.replace("\n", "\r\n")
    return edited


def _holds(copy: str, text: str) -> bool:
    """Whether the file ``copy`` holds ``text`` (an edit that changed nothing), as bytes."""
    try:
        with open(copy, "rb") as file:
            return file.read() == text.encode("utf-8")
    except OSError:
        return True


def _edited_copy_error(copy: str, why: str) -> LogError:
    return LogError(f"{why}; the page is unchanged and your edit is kept in {copy}")


def carry_over(
    old: Page, old_day: dt.date, new: Page, only: Callable[[Entry], bool] | None = None
) -> tuple[Page, Page]:
    """Copy the open to-dos of ``old`` (with their nested lines) into ``new``; with ``only``,
    those of them it accepts.

    Each copy gets ``[carried:: FIRST-DAY]`` (kept if it already has one, so the
    chain points at the day the to-do was first written); on the old page only
    the checkbox changes, to ``[>]``. A to-do that ``new`` already holds as a
    carried to-do of the same words that no ``[>]`` on ``old`` accounts for (a
    carry cut short between its two writes: the copies written, the old page
    not yet marked) is marked but not copied again; one of the same words
    written on ``old`` after its carry (to do it again) is copied. Returns (new
    page, marked old page).
    """
    tasks = [e for e in old.entries() if e.is_open and (only is None or only(e))]
    if not tasks:
        return new, old
    held = Counter(markdown.strip_fields(e.text) for e in new.entries()  # an import's line is no copy
                   if e.is_task and e.field("carried") is not None and e.field("imported") is None)
    held.subtract(markdown.strip_fields(e.text) for e in old.entries() if e.is_task and e.state == DEFERRED)
    copied: list[str] = []
    for task in tasks:
        words = markdown.strip_fields(task.text)
        if held[words] > 0:
            held[words] -= 1
            continue
        first = markdown.line_body(old, task.index)
        if task.field("carried") is None:
            first = markdown.set_field(first, "carried", old_day.isoformat())
        copied.append(first)
        copied.extend(markdown.line_body(old, i) for i in range(task.index + 1, task.end))
    if copied:
        new, _ = markdown.append_entry(new, "todo", copied)
    marked = old
    for task in tasks:
        body = markdown.line_body(marked, task.index)
        marked = markdown.replace_line(marked, task.index, markdown.set_state(body, DEFERRED))
    return new, marked


__all__ = [
    "DATA_DIR", "LOCK_NOTICE", "LOCK_TIMEOUT", "Log", "atomic_write", "carry_over", "content_hash",
    "default_folder", "default_root", "exists", "expanded", "new_day_text", "path_text", "take_written",
    "write_aside",
]
