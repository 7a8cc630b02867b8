"""The index: a SQLite cache of the log, always brought up to date before a read.

``<log>/.reslog/index.db`` holds one row per top-level entry (its nested lines
included) and an FTS5 full-text index over it. The files stay the truth: the
index can be deleted at any time and the next read rebuilds it.

Freshness. Before every read, :meth:`Index.refresh` lists the page files and
compares each one's size and mtime with what was indexed. Only files that
differ are read; a file whose content hash is unchanged (touched, copied by a
sync tool) only gets its new stat recorded. A file modified within two seconds
of the scan is recorded with an untrusted mtime and hashed again next time, so
two edits in the same mtime tick cannot hide (the "racy clean" problem git
solves the same way). Deleted files lose their rows.

Writing. A refresh runs in one ``BEGIN IMMEDIATE`` transaction in WAL mode:
readers in other processes keep reading the last committed state, two
refreshing processes take turns, and a crash leaves the previous index.

The FTS table is contentless (the text lives once, in ``entries``); rows are
removed with FTS5's ``delete`` command, which needs the indexed text, so that
text is always recomputed from the stored entry by :func:`search_text`.
Scripts without spaces between words (Chinese, Japanese, Korean) are indexed
one character per token, and queries are split the same way, so a
two-character word is found as a phrase of two tokens.

Schema changes go through :data:`MIGRATIONS`, named functions applied in order
and recorded in the ``migrations`` table. An index written by a newer reslog
(unknown migration names) is moved aside and rebuilt.

Healing. Every statement runs through :mod:`reslog.derived`, which tells damage
from a write failure. Damage found by any query (at open, during a refresh, or
in the middle of a search: SQLite notices a bad page only when it reads it) is
moved aside when the connection closes, with a one-line notice, and the index is
rebuilt: at once by a refresh, else by the next use (the CLI runs the command
again). The vectors and any other database attached with :meth:`Index.attach`
heal the same way. A full disk or a read-only file is a one-line error and moves
nothing; a ``.reslog/`` that cannot be written at all gets its index in a
temporary folder instead.

Values. A page dated outside the supported range, or not valid UTF-8, is
recorded with its problem and no entries; every refresh names it (a notice) until it
is fixed. A typed field (``est``, ``took``,
``carried``) whose value cannot be read is stored as no value and listed in the
``unreadable`` table, which ``reslog reindex --check`` reports.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable

from reslog import derived, markdown
from reslog.chunks import chunks
from reslog.dates import (
    OUTSIDE,
    TYPED_FIELDS,
    field_date,
    field_minutes,
    in_range,
    unreadable_value,
)
from reslog.errors import IndexDamaged, LogError, notify
from reslog.model import Entry, Page
from reslog.records import Record
from reslog.store import DATA_DIR, Log, exists, linked_outside, path_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    import threading
    from pathlib import Path
    from typing import Final

INDEX_FILE = "index.db"
#: Why a new index was built when nothing was wrong (commands that search say it; others do not).
NO_INDEX_YET = "there was no index yet"
#: Files changed this recently are hashed again on the next refresh.
_RACY_SECONDS = 2.0
#: Compiled on first use (by re's cache), which only text at or above _CJK_FROM needs:
#: compiling these ranges takes 3 ms, more than a whole search of English text.
_CJK = (
    "([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f])"
)
_CJK_FROM = "\u2e80"

#: ``progress(done, total)`` while pages are read; the CLI draws a bar with it.
Progress = Callable[[int, int], None]


def _digest(data: bytes) -> str:
    import hashlib  # only when a file has changed (hashlib's OpenSSL set-up is not free)

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def spaced(text: str) -> str:
    """Text with every CJK character made a token of its own."""
    if text.isascii() or max(text) < _CJK_FROM:  # isascii: at once, where max reads every character
        return text
    return re.sub(_CJK, r" \1 ", text)


#: Characters that show as nothing but split a word for FTS5's tokenizer, as text copied from web
#: pages and PDFs carries them: the soft hyphen ("ecosys\u00adtems" was found as "ecosys" and
#: "tems", never as "ecosystems"), the word joiner and a stray byte-order mark. A zero-width
#: space is where a word may break (it separates Thai words): a space.
_INVISIBLE = {**dict.fromkeys(map(ord, "\u00ad\u2060\ufeff")), ord("\u200b"): " "}
#: A query term's characters: the invisible ones, and NUL as a blank (see :func:`fts_term`).
_QUERY = {**_INVISIBLE, 0: " "}


def fts_term(word: str) -> str:
    """``word`` as one quoted FTS5 string (a phrase if it spans several tokens).

    A NUL character would end the string for FTS5's parser ("unterminated string"): it is a
    blank here. (No shell can pass one; a web form or the JSON API can.) Invisible characters go
    as in :func:`search_text`."""
    return '"' + spaced(word.translate(_QUERY)).strip().replace('"', '""') + '"'


#: Any of :data:`_INVISIBLE`: most entries hold none, and ``str.translate`` reads every character.
_ANY_INVISIBLE = re.compile("[\u00ad\u2060\ufeff\u200b]")


def search_text(kind: str | None, body: str) -> str:
    """What the FTS index holds for an entry: its kind word and every line of it, without
    invisible characters inside words (:data:`_INVISIBLE`)."""
    text = f"{kind or ''} {body}"
    if text.isascii():
        return text
    return spaced(text.translate(_INVISIBLE) if _ANY_INVISIBLE.search(text) else text)


# --- migrations: named, ordered, recorded; never edit one that has shipped ---

Migrations = list[tuple[str, Callable[[sqlite3.Connection], None]]]


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one (``executescript`` would commit the open transaction)."""
    for statement in re.split(r";\s*\n", sql):
        if statement.strip():
            db.execute(statement)


def _m0001_initial(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE files(
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,  -- relative to the log, with /
            day TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,  -- -1: not trusted, hash again
            hash TEXT NOT NULL,
            problem TEXT             -- why the file could not be indexed, if so
        );
        CREATE TABLE entries(
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES files(id),
            day TEXT NOT NULL,
            line INTEGER NOT NULL,
            end_line INTEGER NOT NULL,
            time TEXT,
            section TEXT,
            heading TEXT,              -- only for sections without a key
            kind TEXT,
            level INTEGER NOT NULL,
            levels INTEGER NOT NULL,   -- bit L set: the entry or a nested line is at level L
            kinds TEXT NOT NULL,       -- ' exp thought ': own and nested kinds
            tags TEXT NOT NULL,        -- ' w2s proj/sub ': own and nested tags
            state TEXT,
            starred INTEGER NOT NULL,
            source TEXT,
            est INTEGER,
            took INTEGER,
            carried TEXT,
            text TEXT NOT NULL         -- first line's text, then the nested lines (fields
                                       -- and nested items are read from it when needed)
        );
        CREATE INDEX entries_file ON entries(file_id);
        CREATE INDEX entries_day ON entries(day, line);
        CREATE VIRTUAL TABLE entries_fts USING fts5(
            body, content='', tokenize='porter unicode61 remove_diacritics 2'
        );
        """,
    )


#: How the full-text index splits and stems words (as migration 0001 made it).
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def _m0002_filter_indexes(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE INDEX entries_state ON entries(state) WHERE state IS NOT NULL;
        """,
    )


def chunk_rows(entry_id: int, text: str, section: str | None = None) -> list[tuple[int, int, str]]:
    """(entry, passage number, passage hash) for the passages of an entry that get embedded."""
    import hashlib

    return [
        (entry_id, n, hashlib.blake2b(passage.encode(), digest_size=16).hexdigest())
        for n, passage in enumerate(chunks(text, section))
    ]


def _m0003_chunks(db: sqlite3.Connection) -> None:
    """The passages of each entry, by content hash: what :mod:`reslog.semantic.vectors` embeds."""
    _script(
        db,
        """
        CREATE TABLE chunks(
            entry_id INTEGER NOT NULL,
            n INTEGER NOT NULL,        -- passage number within the entry
            hash TEXT NOT NULL,        -- blake2b of the passage text
            PRIMARY KEY(entry_id, n)
        ) WITHOUT ROWID;
        CREATE INDEX chunks_hash ON chunks(hash);
        """,
    )
    for entry_id, text in db.execute("SELECT id, text FROM entries").fetchall():
        db.executemany(_INSERT_CHUNK, chunk_rows(entry_id, text))


def _m0004_generation(db: sqlite3.Connection) -> None:
    """A token that changes whenever entries change, so that derived data (the vectors'
    snapshot) can tell it is current without comparing every row."""
    db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    _new_generation(db)


def _new_generation(db: sqlite3.Connection) -> None:
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('generation', ?)", (os.urandom(8).hex(),))


def _m0005_unreadable(db: sqlite3.Connection) -> None:
    """Typed field values that cannot be read (``reslog reindex --check`` lists them). Their
    rows were stored as typed until now (a carried date of ``not-a-date``), so every page is
    read again: the rows are dropped and the next refresh makes them anew."""
    _script(
        db,
        """
        CREATE TABLE unreadable(
            file_id INTEGER NOT NULL,
            line INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL
        );
        CREATE INDEX unreadable_file ON unreadable(file_id);
        DELETE FROM chunks;
        DELETE FROM entries;
        DELETE FROM files;
        INSERT INTO entries_fts(entries_fts) VALUES ('delete-all');
        """,
    )
    _new_generation(db)


def _m0006_passages_v2(db: sqlite3.Connection) -> None:
    """Passages without markup, ideas, reflections and to-dos labelled by their section
    (reslog.chunks): every entry is cut again; the vectors of passages that did not change are
    kept (they are keyed by hash)."""
    db.execute("DELETE FROM chunks")
    for entry_id, text, section in db.execute("SELECT id, text, section FROM entries").fetchall():
        db.executemany(_INSERT_CHUNK, chunk_rows(entry_id, text, section))
    _new_generation(db)


def _m0007_invisible_characters(db: sqlite3.Connection) -> None:
    """The FTS index holds words without soft hyphens and zero-width characters
    (:func:`search_text`). The index is contentless, so an entry's old tokens can only be
    deleted with the text they were made from: every page is read again instead (the vectors
    are kept; they are keyed by passage)."""
    _script(
        db,
        """
        DELETE FROM chunks;
        DELETE FROM unreadable;
        DELETE FROM entries;
        DELETE FROM files;
        INSERT INTO entries_fts(entries_fts) VALUES ('delete-all');
        """,
    )
    _new_generation(db)


def _m0008_nested_columns(db: sqlite3.Connection) -> None:
    """An entry's nested lines are dedented by columns (:func:`_entry_body`): every page is read
    again (the vectors are kept; they are keyed by passage)."""
    _m0007_invisible_characters(db)


def _m0009_nested_levels(db: sqlite3.Connection) -> None:
    """A nested line of an imported entry, or one opening with a label (``cmd:``), is not level 1
    (:func:`reslog.markdown.entry_level`): the ``levels`` of every entry are read again."""
    _m0007_invisible_characters(db)


#: Migrations that drop the index's rows, so that the next refresh reads every page again.
_REREAD = frozenset({"0005_unreadable", "0007_invisible_characters", "0008_nested_columns",
                     "0009_nested_levels"})

MIGRATIONS: Migrations = [
    ("0001_initial", _m0001_initial),
    ("0002_filter_indexes", _m0002_filter_indexes),
    ("0003_chunks", _m0003_chunks),
    ("0004_generation", _m0004_generation),
    ("0005_unreadable", _m0005_unreadable),
    ("0006_passages_v2", _m0006_passages_v2),
    ("0007_invisible_characters", _m0007_invisible_characters),
    ("0008_nested_columns", _m0008_nested_columns),
    ("0009_nested_levels", _m0009_nested_levels),
]


class _Unusable(Exception):
    """The database file cannot serve as this version's index; move it aside."""


def migrate(
    db: sqlite3.Connection, upto: int | None = None, migrations: Migrations | None = None
) -> list[str]:
    """Apply the migrations not yet applied (the first ``upto`` only, for tests).

    Each runs in its own write transaction and is checked again once the write lock is held:
    two connections opening a new index at once (the web app's request threads, two commands)
    both see it unapplied, and the second must find it done rather than run it twice."""
    if migrations is None:
        migrations = MIGRATIONS
    db.execute("CREATE TABLE IF NOT EXISTS migrations(name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = {row[0] for row in db.execute("SELECT name FROM migrations")}
    known = [name for name, _ in migrations]
    if applied - set(known):
        raise _Unusable(f"written by a newer reslog ({', '.join(sorted(applied - set(known)))})")
    done = []
    for name, step in migrations[:upto]:
        if name in applied:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone() is not None:
                db.execute("COMMIT")  # applied by another connection since we looked
                continue
            step(db)
            db.execute(
                "INSERT INTO migrations VALUES (?, ?)",
                (name, dt.datetime.now().isoformat(timespec="seconds")),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        done.append(name)
    return done


#: Damaged index files moved aside by this process, by file: why, for the rebuilt index to say.
_MOVED: dict[str, str] = {}


def _aside(file: str, label: str, why: str, known: tuple[int, int] | None = None) -> str | None:
    """Move a damaged derived file aside; the sentence that says so, or None if it was gone."""
    moved = derived.move_aside(file, known)
    if moved is None:
        return None
    folder, name = os.path.split(moved)
    shown = f"{DATA_DIR}/{name}" if os.path.basename(folder) == DATA_DIR else moved
    return f"{label} could not be used ({why}); it was moved to {shown}"


def migrate_file(file: str, migrations: Migrations, label: str = "a derived file") -> None:
    """Bring another derived database up to date (e.g. the vectors). One that is damaged or
    written by a newer reslog is moved aside and made anew, as everything under ``.reslog/``
    can be; a write failure (full disk, read-only folder) is an error and moves nothing."""
    for attempt in (1, 2):
        try:
            db = derived.connect(file)
            try:
                migrate(db, migrations=migrations)
                return
            finally:
                db.close()
        except (sqlite3.Error, _Unusable) as exc:
            if isinstance(exc, sqlite3.Error) and not derived.damaged(exc):
                raise derived.write_error(exc, os.path.dirname(file)) or exc from None
            if attempt == 2:
                raise
            said = _aside(file, label, _why(exc))
            if said is not None:
                notify(f"rebuilt {label}: {said}.")


def _why(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


# --- reading files into rows ---


class FileStat(Record):
    __slots__ = ("day", "mtime_ns", "path", "size")
    path: Final[str]
    day: Final[str]
    size: Final[int]
    mtime_ns: Final[int]

    def __init__(self, path: str, day: str, size: int, mtime_ns: int) -> None:
        self.path = path
        self.day = day
        self.size = size
        self.mtime_ns = mtime_ns


def _file_stat(path: str, size: int, mtime_ns: int) -> FileStat:
    """The stat of ``days/YYYY/YYYY-MM-DD.md``, its day read from its name."""
    return FileStat(path, path.rpartition("/")[2][:10], size, mtime_ns)


def _entry_body(page: Page, entry: Entry, hidden: list[bool] | None = None) -> str:
    """The entry's text as a reader wants it: first-line text, then nested lines dedented (but
    those ``hidden`` leaves out: see :class:`Index`).

    Indentation is counted in columns (a tab to the next multiple of four, as the parser nests
    items) and written back as spaces: a page that mixes tabs and spaces keeps its nesting in
    the text (cutting the same number of characters from each line put a line nested under
    another beside it, and an export's redaction let it through)."""
    if entry.end == entry.index + 1:
        return entry.text
    nested = [markdown.split_indent(markdown.line_body(page, i)) for i in range(entry.index + 1, entry.end)
              if hidden is None or not hidden[i]]
    if not nested:
        return entry.text
    # a blank line inside nested code says nothing of the indentation
    base = min((width for width, rest in nested if rest.strip()), default=0)
    return "\n".join([entry.text, *(" " * (width - base) + rest if rest else "" for width, rest in nested)])


def _walk(entry: Entry, hidden: list[bool] | None = None) -> Iterable[Entry]:
    """The entry and its nested items, but those ``hidden`` leaves out (with what they hold)."""
    yield entry
    for child in entry.children:
        if hidden is None or not hidden[child.index]:
            yield from _walk(child, hidden)


def unreadable_fields(entry: Entry) -> list[tuple[str, str]]:
    """(key, value) of the entry's typed fields (:data:`reslog.dates.TYPED_FIELDS`) whose value
    cannot be read: they count as no value (see :func:`reslog.dates.unreadable_value`)."""
    found = []
    for key in TYPED_FIELDS:
        value = entry.field(key)
        if value and unreadable_value(key, value) is not None:
            found.append((key, value))
    return found


def entry_row(file_id: int, day: str, page: Page, entry: Entry, hidden: list[bool] | None = None
              ) -> tuple[object, ...]:
    """The index row of ``entry``: its text, tags, kinds and levels are those of the lines
    ``hidden`` leaves in (see :class:`Index`)."""
    nested = list(_walk(entry, hidden))
    tags = dict.fromkeys(t for e in nested for t in e.tags)
    kinds = dict.fromkeys(e.kind for e in nested if e.kind)
    levels = 0
    for e in nested:
        levels |= 1 << e.level
    fields = dict(entry.fields)  # the last of a repeated key wins, as in Entry.field
    return (
        file_id,
        day,
        entry.line,
        entry.end,
        entry.time,
        entry.section,
        entry.heading if entry.section is None else None,
        entry.kind,
        entry.level,
        levels,
        f" {' '.join(kinds)} ",
        f" {' '.join(tags)} ",
        entry.state,
        int(any(e.starred for e in nested)),
        fields.get("from"),
        field_minutes(fields.get("est")),
        field_minutes(fields.get("took")),
        None if (carried := field_date(fields.get("carried"))) is None else carried.isoformat(),
        _entry_body(page, entry, hidden),
    )


_INSERT_CHUNK = "INSERT INTO chunks(entry_id, n, hash) VALUES (?, ?, ?)"
_INSERT_UNREADABLE = "INSERT INTO unreadable(file_id, line, key, value) VALUES (?, ?, ?, ?)"
_INSERT = (
    "INSERT INTO entries(id, file_id, day, line, end_line, time, section, heading, kind, level, levels, "
    "kinds, tags, state, starred, source, est, took, carried, text) "
    "VALUES (" + ", ".join("?" * 20) + ")"
)


#: Pages left out that a refresh names one by one; more are counted in one line.
REMIND_EACH = 3


class RefreshReport(Record):
    """What a refresh did."""

    __slots__ = ("problems", "read", "rebuilt_because", "reindexed", "removed", "scanned", "seconds",
                 "unreadable")

    def __init__(
        self, scanned: int = 0, read: int = 0, reindexed: list[str] | None = None,
        removed: list[str] | None = None, problems: dict[str, str] | None = None,
        rebuilt_because: str | None = None, seconds: float = 0.0, unreadable: dict[str, int] | None = None,
    ) -> None:
        self.scanned = scanned
        self.read = read
        self.reindexed: list[str] = [] if reindexed is None else reindexed
        self.removed: list[str] = [] if removed is None else removed
        self.problems: dict[str, str] = {} if problems is None else problems
        self.rebuilt_because = rebuilt_because
        self.seconds = seconds
        #: file -> how many of its typed fields could not be read (they count as no value)
        self.unreadable: dict[str, int] = {} if unreadable is None else unreadable


#: How long a refresh waits for another process's write lock on the index (a full reindex of a
#: ten-year log: 5 s; the embedding worker's batch: well under 1 s) before it answers from the
#: index as last committed, saying which pages it leaves out: a read never waits long.
WAIT_FOR_WRITER = 3.0

#: Entry ids asked about in one statement of :meth:`Index.holding` (SQLite allows 32,766 parameters
#: since 3.32, 999 before).
_HOLDING_BATCH = 900
#: Entries per id asked about up to which :meth:`Index.holding` reads a word's whole list of
#: entries rather than looking each id up (measured: about 1 us per entry listed, 150 us per id).
_WHOLE_LIST = 100

#: ``.reslog/`` of a read-only log -> the temporary folder its index is built in: one per log for
#: the whole command (or web server), so a command that opens the index several times (``week``:
#: four) builds it once and says so once. Removed by :func:`release_temporary`.
_TEMPORARY: dict[str, str] = {}


_TEMPORARY_LOCK: dict[str, threading.Lock] = {}

#: Given a page's text, whether each of its lines is left out of a view of the log (:class:`Index`).
Hidden = Callable[[str], list[bool]]


def _temporary_folder(data: str, log_folder: str) -> str:
    import threading  # only for a read-only log: setdefault makes one lock, whichever thread comes first

    with _TEMPORARY_LOCK.setdefault("lock", threading.Lock()):
        found = _TEMPORARY.get(data)
        if found is None or not os.path.isdir(found):
            if not _TEMPORARY:
                import atexit

                atexit.register(release_temporary)
            found = _TEMPORARY[data] = derived.temporary_copy(data)
            notify(f"{data if exists(data) else log_folder} is read-only: the index is built in a "
                   "temporary folder for this command.")
        return found


def release_temporary() -> None:
    """Remove the temporary folders of read-only logs' indexes (the CLI calls it after each
    command; at exit otherwise)."""
    import shutil

    while _TEMPORARY:
        shutil.rmtree(_TEMPORARY.popitem()[1], ignore_errors=True)


class Index:
    """The index of one log. Use as a context manager, or call :meth:`close`.

    Its files live in ``.reslog/``, or, when that folder cannot be written (a read-only
    log, a mounted archive), in a temporary folder seeded with copies of them, which
    :meth:`close` removes. Other derived databases of the log (the vectors) are attached
    to its connection with :meth:`attach`, so that every statement on any of them fails
    the same way (see :mod:`reslog.derived`): damage raises
    :class:`~reslog.errors.IndexDamaged` and the damaged file is moved aside when the
    connection closes (a refresh rebuilds the index at once); a write failure is a
    one-line :class:`~reslog.errors.LogError` and moves nothing.

    With ``hidden`` (given a page's text, whether each of its lines is left out), it is the
    index of a view of the log for someone else, kept at its own ``path`` (with its own
    vectors beside it): a line left out is not there at all, an entry whose first line is
    left out is no entry, and an entry with nested lines left out is indexed without them
    (its words, passages, tags, kinds and levels), so that nothing read from this index
    (matches, scores, counts, the log's vocabulary) depends on what the view leaves out.
    The MCP server's view leaves out private entries and feelings (:mod:`reslog.redaction`).
    """

    def __init__(self, log: Log, path: Path | None = None, hidden: Hidden | None = None) -> None:
        self.log = log
        self._path = path
        self._hidden = hidden
        self._folder: str | None = None if path is None else os.path.dirname(str(path)) or "."
        self._temp: str | None = None
        self._db: derived.Connection | None = None
        #: schema name -> (file, label, identity) of each database on the connection, "main" included.
        self._files: dict[str, tuple[str, str, tuple[int, int] | None]] = {}
        #: schema name -> why, for the databases found damaged; moved aside on disconnecting.
        self._broken: dict[str, str] = {}
        self.rebuilt_because: str | None = None

    @property
    def folder(self) -> str:
        """The folder of the index and the log's other derived files (``.reslog/`` or a temporary one)."""
        if self._folder is None:
            self._folder = self._choose_folder()
        return self._folder

    @property
    def temporary(self) -> bool:
        """Whether the index lives in a temporary folder (``.reslog/`` cannot be written)."""
        return self._temp is not None

    @property
    def file(self) -> str:
        """The database file as text (a search does not import pathlib; see :mod:`reslog.store`)."""
        return str(self._path) if self._path is not None else path_text(self.folder, INDEX_FILE)

    @property
    def path(self) -> Path:
        if self._path is None:
            from pathlib import Path

            self._path = Path(self.file)
        return self._path

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._disconnect()

    # --- connection, with recovery from a damaged file ---

    def _choose_folder(self) -> str:
        if not exists(self.log.folder):
            raise LogError(
                f"there is no log at {self.log.folder}; capture something first "
                "(reslog did TEXT) or choose another folder with --dir or RESLOG_DIR"
            )
        self.log.check_folder()
        data = path_text(self.log.folder, DATA_DIR)
        try:
            self.log.ensure_root()
        except LogError:  # a read-only log folder, or no .reslog/ and no right to make it
            if not exists(data) and not os.access(self.log.folder, os.R_OK | os.X_OK):
                raise
        if exists(data) and derived.writable(data, (INDEX_FILE, INDEX_FILE + "-wal", INDEX_FILE + "-shm")):
            return data
        self._temp = _temporary_folder(data, self.log.folder)
        return self._temp

    @property
    def db(self) -> derived.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> derived.Connection:
        for attempt in (1, 2):
            fresh = not exists(self.file)
            try:
                self._db = self._connect(self.file)
                self._files["main"] = (self.file, "the index", derived.identity(self.file))
                upgraded = migrate(self._db)
                self._db.execute("SELECT count(*) FROM files").fetchone()
            except (IndexDamaged, _Unusable) as exc:
                if attempt == 2:
                    raise
                if isinstance(exc, _Unusable):
                    self._broken["main"] = str(exc)
                self._disconnect()
                continue
            if fresh:
                self.rebuilt_because = _MOVED.pop(self.file, None) or NO_INDEX_YET
                if self.rebuilt_because != NO_INDEX_YET:  # a recovery: every command says so
                    notify(f"rebuilt the index: {self.rebuilt_because}.")
            elif _REREAD.intersection(upgraded):  # seconds on a large log: say why, once
                notify("this version of reslog indexes pages differently: every page is read again, once.")
            break
        assert self._db is not None
        return self._db

    def _connect(self, file: str) -> derived.Connection:
        try:
            return derived.connect(file, self._failed)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def _failed(self, exc: sqlite3.Error) -> BaseException:
        """What to raise for a failed statement: damage, a write failure, or the failure itself."""
        if derived.damaged(exc):
            schema = "main"
            if self._db is not None:
                schema = next((s for s in self._files if s != "main" and not self._db.quick_check(s)), "main")
            self._broken.setdefault(schema, _why(exc))
            label = self._files.get(schema, (self.file, "the index", None))[1]
            return IndexDamaged(
                f"{label} is damaged ({_why(exc)}); it is moved aside and rebuilt: run the command again",
                self._disconnect,
            )
        return derived.write_error(exc, self.folder) or exc

    def _disconnect(self) -> None:
        """Close the connection, then move aside the files found damaged (never while open:
        SQLite would later delete the new file's WAL by name)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        for schema, why in self._broken.items():
            file, label, known = self._files.get(schema, (self.file, "the index", None))
            said = _aside(file, label, why, known)
            if said is None:
                continue
            if schema == "main":
                _MOVED[file] = said
            else:
                notify(f"rebuilt {label}: {said}.")
        self._broken.clear()
        self._files.clear()

    def verify(self) -> None:
        """Check every page of every database on the connection (``reslog reindex`` does, so that
        damage in a part no query has read yet is healed too); raises :class:`IndexDamaged`."""
        db = self.db
        for schema in list(self._files):
            if not db.quick_check(schema):
                self._broken.setdefault(schema, "database disk image is malformed")
                label = self._files[schema][1]
                why = f"{label} is damaged; it is moved aside and rebuilt: run the command again"
                raise IndexDamaged(why, self._disconnect)

    def attach(self, schema: str, name: str, migrations: Migrations, label: str) -> None:
        """Attach the derived database ``name`` (in :attr:`folder`) to the connection as ``schema``,
        migrated; damage found in it later is healed like the index's own (see the class)."""
        db = self.db
        if schema in self._files:
            return
        file = path_text(self.folder, name)
        migrate_file(file, migrations, label)
        db.execute(f"ATTACH DATABASE ? AS {schema}", (file,))
        self._files[schema] = (file, label, derived.identity(file))

    # --- freshness ---

    def _stats(self) -> list[tuple[str, int, int]]:
        """(path, size, mtime) of every day page on disk, sorted (stats files, reads none)."""
        found: list[tuple[str, int, int]] = []
        for year in self.log.year_folders():
            folder = f"days/{year.name}/"
            for _day, entry in self.log.pages_in(year):
                if entry.is_file():
                    st = entry.stat()
                    found.append((folder + entry.name, st.st_size, st.st_mtime_ns))
        found.sort()
        return found

    def scan(self) -> dict[str, FileStat]:
        """Every day page on disk with its size and mtime (stats files, reads none)."""
        return {path: _file_stat(path, size, mtime) for path, size, mtime in self._stats()}

    def _changes(self) -> tuple[list[FileStat], list[str]]:
        """Files whose rows are out of date (by path), and files gone from disk."""
        on_disk = self._stats()
        known = self.db.execute("SELECT path, size, mtime_ns FROM files ORDER BY path").fetchall()
        if on_disk == known:  # the usual case, compared without a Python loop: nothing to do
            return [], []
        stats = {path: (size, mtime) for path, size, mtime in known}
        changed = [_file_stat(*row) for row in on_disk if stats.get(row[0]) != row[1:]]
        removed = sorted(set(stats) - {row[0] for row in on_disk})
        return changed, removed

    def stale(self) -> tuple[list[FileStat], list[str], dict[str, str]]:
        """Files whose rows are out of date, files gone from disk, and known problems."""
        changed, removed = self._changes()
        problems = dict(self.db.execute("SELECT path, problem FROM files WHERE problem IS NOT NULL"))
        return changed, removed, problems

    def refresh(self, progress: Progress | None = None, force: bool = False) -> RefreshReport:
        """Bring the index up to date with the files; read only what changed."""
        started = time.perf_counter()
        try:
            report = self._refresh(progress, force)
        except IndexDamaged:
            self._disconnect()  # moved aside: the next connection makes a new index
            report = self._refresh(progress, True)
        report.rebuilt_because = self.rebuilt_because
        report.seconds = time.perf_counter() - started
        self._remind(report)
        return report

    def _remind(self, report: RefreshReport) -> None:
        """Say again which pages are left out, on every refresh until they are fixed: said only
        when first read, a day that is not valid UTF-8 vanished from every later search, week,
        stats and export without a word (an export wrote an empty file)."""
        earlier = [(path, problem) for path, problem in self.db.execute(
            "SELECT path, problem FROM files WHERE problem IS NOT NULL ORDER BY path")
            if path not in report.problems]
        if len(earlier) > REMIND_EACH:
            notify(f"skipped {len(earlier)} pages that cannot be read (the first: {earlier[0][0]}: "
                   f"{earlier[0][1]}); reslog reindex --check lists them")
            return
        for path, problem in earlier:
            notify(f"skipped {path}: {problem}")

    def _refresh(self, progress: Progress | None, force: bool) -> RefreshReport:
        db = self.db
        changed, removed = self._changes()
        if force:
            changed = sorted(self.scan().values(), key=lambda s: s.path)
            removed = [row[0] for row in db.execute("SELECT path FROM files")]
        report = RefreshReport(scanned=len(changed))
        if not changed and not removed:
            return report
        hashes = dict(db.execute("SELECT path, hash FROM files"))
        if force or not hashes:
            db.execute("BEGIN IMMEDIATE")  # nothing to answer from meanwhile: wait (BUSY_SECONDS)
        elif not derived.begin_write(db, WAIT_FOR_WRITER):
            pages = len(changed) + len(removed)
            notify(f"another reslog process is writing the index: this answer leaves out what changed on "
                   f"{pages} page{'s' if pages > 1 else ''} since it was last updated; run the command "
                   "again in a moment")
            return report
        now_ns = time.time_ns()
        try:
            if force:
                db.execute("DELETE FROM entries")
                db.execute("DELETE FROM chunks")
                db.execute("DELETE FROM unreadable")
                db.execute("DELETE FROM files")
                db.execute("INSERT INTO entries_fts(entries_fts) VALUES ('delete-all')")
                hashes = {}
            for path in removed:
                if not force:
                    self._forget(path)
                    report.removed.append(path)
            for n, stat in enumerate(changed, 1):
                self._index_file(stat, hashes.get(stat.path), now_ns, report)
                if progress is not None:
                    progress(n, len(changed))
            if force or report.reindexed or report.removed:
                _new_generation(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        for path, problem in report.problems.items():  # said after the progress bar, not across it
            notify(f"skipped {path}: {problem}")
        for path, count in report.unreadable.items():
            notify(f"{path}: {count} field value{'s' if count > 1 else ''} could not be read and "
                   f"count{'' if count > 1 else 's'} as no value (see reslog reindex --check)")
        return report

    def _forget(self, path: str) -> None:
        db = self.db
        row = db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
        if row is None:
            return
        rows = db.execute("SELECT id, kind, text FROM entries WHERE file_id = ?", row).fetchall()
        db.executemany(
            "INSERT INTO entries_fts(entries_fts, rowid, body) VALUES ('delete', ?, ?)",
            [(row_id, search_text(kind, text)) for row_id, kind, text in rows],
        )
        db.execute("DELETE FROM chunks WHERE entry_id IN (SELECT id FROM entries WHERE file_id = ?)", row)
        db.execute("DELETE FROM unreadable WHERE file_id = ?", row)
        db.execute("DELETE FROM entries WHERE file_id = ?", row)
        db.execute("DELETE FROM files WHERE id = ?", row)

    def _index_file(self, stat: FileStat, old_hash: str | None, now_ns: int, report: RefreshReport) -> None:
        db = self.db
        full = path_text(self.log.folder, stat.path)
        outside = self.log.link_outside(full)
        try:
            with open(full if outside is None else os.devnull, "rb") as file:
                data = file.read()
        except FileNotFoundError:  # deleted between scan and read
            self._forget(stat.path)
            report.removed.append(stat.path)
            return
        report.read += 1
        digest = _digest(data)
        racy = now_ns - stat.mtime_ns < _RACY_SECONDS * 1e9
        mtime = -1 if racy else stat.mtime_ns
        if digest == old_hash:
            db.execute(
                "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (stat.size, mtime, stat.path)
            )
            return
        self._forget(stat.path)
        problem = None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"not valid UTF-8 (byte {exc.start}); convert it to UTF-8"
            text = ""
        if not in_range(dt.date.fromisoformat(stat.day)):
            problem = f"its date is {OUTSIDE}; rename the file"
            text = ""
        elif outside is not None:
            problem = f"{linked_outside(outside)} (copy the page into the log)"
        if problem is not None:
            report.problems[stat.path] = problem
        file_id = db.execute(
            "INSERT INTO files(path, day, size, mtime_ns, hash, problem) VALUES (?, ?, ?, ?, ?, ?)",
            (stat.path, stat.day, stat.size, mtime, digest, problem),
        ).lastrowid
        assert file_id is not None
        report.reindexed.append(stat.path)
        page = markdown.parse(text)
        hidden = None if self._hidden is None or not text else self._hidden(text)
        if hidden is not None and len(hidden) != len(page.lines):  # never, but a view must not leak
            hidden = [True] * len(page.lines)
        # the page's words and passages go in at once (a statement per entry each took a tenth of
        # a full reindex of the 10-year log)
        words: list[tuple[int, str]] = []
        passages: list[tuple[int, int, str]] = []
        rows: list[tuple[object, ...]] = []
        # the ids SQLite would give them, one after the other (the refresh is the only writer: BEGIN
        # IMMEDIATE), so that the page's entries go in at once too
        entry_id = db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]
        for entry in page.entries():
            if hidden is not None and hidden[entry.index]:
                continue
            entry_id += 1
            row = entry_row(file_id, stat.day, page, entry, hidden)
            rows.append((entry_id, *row))
            words.append((entry_id, search_text(entry.kind, str(row[-1]))))
            passages += chunk_rows(entry_id, str(row[-1]), entry.section)
            bad = unreadable_fields(entry)
            if bad:
                db.executemany(_INSERT_UNREADABLE, [(file_id, entry.line, key, value) for key, value in bad])
                report.unreadable[stat.path] = report.unreadable.get(stat.path, 0) + len(bad)
        db.executemany(_INSERT, rows)
        db.executemany("INSERT INTO entries_fts(rowid, body) VALUES (?, ?)", words)
        db.executemany(_INSERT_CHUNK, passages)

    def unreadable(self) -> list[tuple[str, int, str, str]]:
        """(file, line, key, value) of every typed field whose value could not be read."""
        rows = self.db.execute(
            "SELECT f.path, u.line, u.key, u.value FROM unreadable u JOIN files f ON f.id = u.file_id "
            "ORDER BY f.path, u.line, u.rowid"
        )
        return [(path, line, key, value) for path, line, key, value in rows]

    @staticmethod
    def unreadable_reason(key: str) -> str:
        """What a readable value of the typed field ``key`` is."""
        return TYPED_FIELDS[key]

    def check(self) -> tuple[list[str], list[str], dict[str, str]]:
        """Files whose index rows are stale (changed or new), gone, or unreadable; nothing is written."""
        changed, removed, problems = self.stale()
        hashes = dict(self.db.execute("SELECT path, hash FROM files"))
        really = []
        for stat in changed:
            try:
                data = (self.log.root / stat.path).read_bytes()
            except FileNotFoundError:  # deleted since the listing
                if stat.path in hashes:
                    removed.append(stat.path)
                continue
            if _digest(data) != hashes.get(stat.path):
                really.append(stat.path)
        return really, removed, problems

    def generation(self) -> str:
        """A token that changes whenever a refresh changes any entry."""
        return str(self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def document_frequency(self, word: str) -> int:
        """How many entries hold ``word`` (stemmed as search stems it)."""
        row = self.db.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH ?", (fts_term(word),))
        return int(row.fetchone()[0])

    def holding(self, word: str, entry_ids: list[int], frequency: int | None = None) -> set[int]:
        """Which of these entries hold ``word`` (any number of them: asked in batches, as SQLite
        caps the parameters of one statement).

        ``frequency``, the word's :meth:`document_frequency` when the caller has it, lets a word
        held by fewer than :data:`_WHOLE_LIST` entries per id asked about be read as its whole
        list of entries instead: FTS5 looks each id of an ``IN`` list up on its own, which on the
        10-year log took 30 ms for a word of 7,000 entries and 200 ids, and the whole list 6 ms."""
        term = fts_term(word)
        if frequency is not None and frequency <= _WHOLE_LIST * len(entry_ids):
            wanted = set(entry_ids)
            rows = self.db.execute("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?", (term,))
            return {row[0] for row in rows if row[0] in wanted}
        held: set[int] = set()
        for start in range(0, len(entry_ids), _HOLDING_BATCH):
            batch = entry_ids[start:start + _HOLDING_BATCH]
            sql = ("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid IN "
                   f"({', '.join('?' * len(batch))})")
            held.update(row[0] for row in self.db.execute(sql, (term, *batch)))
        return held

    def count(self) -> int:
        """How many entries the index holds."""
        return int(self.db.execute("SELECT count(*) FROM entries").fetchone()[0])
