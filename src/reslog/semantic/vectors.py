"""Entry vectors: embedded incrementally by passage hash, searched by brute-force cosine.

The index lists every entry's passages by content hash (``chunks``, see
:mod:`reslog.chunks`). Their vectors live in a second SQLite file,
``.reslog/vectors.db``, keyed by (model, hash): a cache of pure functions of
text, so rebuilding the keyword index, moving entries between pages or
editing one line of a day re-embeds nothing that did not change, and two
models' vectors can sit side by side. It is derived data like the index, safe
to delete.

:func:`update` embeds the passages that have no vector yet for the model
(committing every few hundred, so an interrupted first run keeps its work).
:class:`Vectors` loads the matrix of one model's vectors (float16 on disk,
float32 in memory) with the entry of each row, and scores an entry as the best
cosine of its passages. 30,000 entries are a 30,000 x 384 matrix: one product
with the query vector takes a few milliseconds, so no approximate index is
needed at this scale (STYLE: "swap the engine only when measurement says so").
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress

import numpy as np

from reslog.chunks import chunks
from reslog.errors import LogError
from reslog.index import Index, Migrations
from reslog.records import Record
from reslog.store import exists, path_text, write_aside

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from numpy.typing import NDArray

    from reslog.semantic.backends import Backend

VECTORS_FILE = "vectors.db"
#: Passages embedded and written per transaction.
_BATCH = 256


def _m0001_vectors(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE vectors(model TEXT NOT NULL, hash TEXT NOT NULL, vec BLOB NOT NULL, "
        "PRIMARY KEY(model, hash)) WITHOUT ROWID"
    )


def _m0002_state(db: sqlite3.Connection) -> None:
    # per model: the index generation whose passages all have vectors, and the generation the
    # snapshot files were written for (see Vectors.load)
    db.execute("CREATE TABLE state(model TEXT PRIMARY KEY, synced TEXT, snapshot TEXT)")


def _m0003_version(db: sqlite3.Connection) -> None:
    # bumped with every batch of vectors written, so that a snapshot made while the background
    # worker embeds is known to be stale (the index's generation alone does not change then)
    db.execute("ALTER TABLE state ADD COLUMN version INTEGER NOT NULL DEFAULT 0")


MIGRATIONS: Migrations = [
    ("0001_vectors", _m0001_vectors), ("0002_state", _m0002_state), ("0003_version", _m0003_version),
]


def _attach(index: Index) -> None:
    """Make the vectors file available to the index's connection as ``vec`` (healed like the index)."""
    index.attach("vec", VECTORS_FILE, MIGRATIONS, "the vectors")


class _State(Record):
    __slots__ = ("snapshot", "synced", "version")

    def __init__(self, synced: str | None, snapshot: str | None, version: int) -> None:
        #: The index generation all of whose passages have vectors.
        self.synced = synced
        #: ``generation:version`` the snapshot files were written for.
        self.snapshot = snapshot
        #: Batches of vectors written so far.
        self.version = version


def _state(index: Index, model: str) -> _State:
    _attach(index)
    row = index.db.execute(
        "SELECT synced, snapshot, version FROM vec.state WHERE model = ?", (model,)
    ).fetchone()
    return _State(row[0], row[1], row[2]) if row else _State(None, None, 0)


def _snapshot_files(index: Index, model: str) -> tuple[str, str]:
    import hashlib

    slug = hashlib.blake2b(model.encode(), digest_size=6).hexdigest()
    folder = index.folder
    return path_text(folder, f"vectors-{slug}.ids.npy"), path_text(folder, f"vectors-{slug}.f32.npy")


def _save(file: str, array: np.ndarray) -> None:
    """Write an array atomically (a reader never sees half a file)."""
    write_aside(file, lambda out: np.save(out, array))


_MISSING = (
    "FROM (SELECT DISTINCT hash FROM chunks) c "
    "WHERE NOT EXISTS (SELECT 1 FROM vec.vectors v WHERE v.model = ? AND v.hash = c.hash)"
)


class Coverage(Record):
    """How many of the log's distinct passages have a vector for a model."""

    __slots__ = ("embedded", "total")

    def __init__(self, embedded: int, total: int) -> None:
        self.embedded = embedded
        self.total = total

    @property
    def complete(self) -> bool:
        return self.embedded >= self.total

    @property
    def share(self) -> float:
        return self.embedded / self.total if self.total else 1.0


def coverage(index: Index, model: str) -> Coverage:
    """The passages embedded for ``model`` out of all; one row read when all are (the usual case)."""
    generation = index.generation()
    if _state(index, model).synced == generation:
        return Coverage(1, 1)
    total = int(index.db.execute("SELECT count(DISTINCT hash) FROM chunks").fetchone()[0])
    missing = int(index.db.execute("SELECT count(*) " + _MISSING, (model,)).fetchone()[0])
    if not missing:
        with suppress(sqlite3.OperationalError):  # a read-only log: counted again next time
            mark_synced(index, model, generation)  # counted once, not on every command
    return Coverage(total - missing, total)


def missing(index: Index, model: str, limit: int | None = None) -> list[tuple[str, str]]:
    """(hash, passage text) of the passages in the index that have no vector for ``model``: all of
    them, or the first ``limit`` (in entry order, newest entries first: what was just written is
    what a person searches for next)."""
    _attach(index)
    digests = [row[0] for row in index.db.execute(
        "SELECT c.hash FROM chunks c WHERE c.hash IN (SELECT hash " + _MISSING + ") "
        "GROUP BY c.hash ORDER BY max(c.entry_id) DESC" + ("" if limit is None else f" LIMIT {int(limit)}"),
        (model,),
    )]
    found: dict[str, str] = {}
    for start in range(0, len(digests), 500):
        part = digests[start : start + 500]
        rows = index.db.execute(
            "SELECT c.entry_id, c.n, c.hash, e.text, e.section FROM chunks c "
            "JOIN entries e ON e.id = c.entry_id "
            f"WHERE c.hash IN ({', '.join('?' * len(part))})",
            part,
        ).fetchall()
        passages: dict[int, list[str]] = {}
        for entry_id, n, digest, text, section in rows:
            if digest not in found:
                if entry_id not in passages:
                    passages[entry_id] = chunks(text, section)
                if n < len(passages[entry_id]):
                    found[digest] = passages[entry_id][n]
    return [(digest, found[digest]) for digest in digests if digest in found]


class EmbedReport(Record):
    __slots__ = ("embedded", "model", "removed")

    def __init__(self, model: str, embedded: int = 0, removed: int = 0) -> None:
        self.model = model
        self.embedded = embedded
        self.removed = removed


def put(index: Index, model: str, rows: list[tuple[str, NDArray[np.float32]]]) -> None:
    """Write vectors (hash, unit vector) for ``model`` in one transaction."""
    db = index.db
    _attach(index)
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(
            "INSERT OR REPLACE INTO vec.vectors(model, hash, vec) VALUES (?, ?, ?)",
            [(model, digest, vec.astype(np.float16).tobytes()) for digest, vec in rows],
        )
        _changed(index, model)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _changed(index: Index, model: str) -> None:
    """Count a change of ``model``'s vectors (in the transaction that made it): the version that
    tells a snapshot of them (``vectors-*.npy``) out of date."""
    index.db.execute("INSERT INTO vec.state(model, version) VALUES (?, 1) "
               "ON CONFLICT(model) DO UPDATE SET version = version + 1", (model,))


def update(
    index: Index, backend: Backend, progress: Callable[[int, int], None] | None = None,
    prune: bool = False, todo: list[tuple[str, str]] | None = None,
) -> EmbedReport:
    """Embed the passages that have no vector yet (or just ``todo``, from :func:`missing`); with
    ``prune``, drop vectors no entry uses. Work is committed every :data:`_BATCH` passages, so an
    interrupted run keeps what it did; ``progress(done, total)`` after each batch of the model.

    When no entry has changed since the last complete update for this model (the index's
    generation is the one recorded), nothing is looked up at all: that check is one row, not
    30,000.
    """
    report = EmbedReport(backend.name)
    generation = index.generation()
    if todo is None:
        if not prune and _state(index, backend.name).synced == generation:
            return report
        todo = missing(index, backend.name)
    done = 0

    def tick(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, len(todo))

    for start in range(0, len(todo), _BATCH):
        batch = todo[start : start + _BATCH]
        matrix = backend.embed([text for _, text in batch], tick)
        put(index, backend.name, [(digest, vec) for (digest, _), vec in zip(batch, matrix, strict=True)])
        report.embedded += len(batch)
    if not missing(index, backend.name, 1):
        mark_synced(index, backend.name, generation)
    if prune:
        db = index.db
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute(
            "DELETE FROM vec.vectors WHERE model = ? AND hash NOT IN (SELECT hash FROM chunks)",
            (backend.name,),
        )
        db.execute("COMMIT")
        report.removed = cursor.rowcount
    return report


def borrow(index: Index, folder: str, model: str) -> int:
    """Copy into ``index``'s vectors those of its passages that the vectors file in ``folder`` has
    for ``model`` and it lacks; how many. A vector is a function of its passage's text alone (the
    key is the text's hash), so the index of a view of the log (:class:`~reslog.index.Index`'s
    ``hidden``) takes the log's own vectors for every passage the view did not change: only the
    passages of the entries it shortened are left to embed. The log's vectors busy or unreadable,
    it copies nothing (they are embedded as any new passage is)."""
    source = path_text(folder, VECTORS_FILE)
    if not exists(source) or source == path_text(index.folder, VECTORS_FILE):
        return 0
    _attach(index)
    db = index.db
    copied = 0
    try:
        db.execute("ATTACH DATABASE ? AS lender", (source,))
    except (sqlite3.Error, LogError):
        return 0
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            copied = db.execute(
                "INSERT OR IGNORE INTO vec.vectors(model, hash, vec) SELECT l.model, l.hash, l.vec "
                "FROM lender.vectors l WHERE l.model = ? AND l.hash IN (SELECT hash " + _MISSING + ")",
                (model, model),
            ).rowcount
            if copied > 0:
                _changed(index, model)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except (sqlite3.Error, LogError):
        copied = 0
    finally:
        db.execute("DETACH DATABASE lender")
    return max(copied, 0)


def mark_synced(index: Index, model: str, generation: str) -> None:
    """Record that every passage of index generation ``generation`` has a vector for ``model``."""
    _attach(index)
    index.db.execute(
        "INSERT INTO vec.state(model, synced) VALUES (?, ?) ON CONFLICT(model) DO UPDATE SET synced = ?",
        (model, generation, generation),
    )


class Vectors:
    """One model's vectors of the log's passages, with the entry id of each row."""

    def __init__(self, entry_ids: NDArray[np.int64], matrix: NDArray[np.float32]) -> None:
        #: Entry id per row, ascending, so an entry's passages are adjacent rows.
        self.entry_ids: Final = entry_ids
        self.matrix: Final = matrix
        self._starts = np.flatnonzero(np.r_[True, entry_ids[1:] != entry_ids[:-1]]) if len(entry_ids) else (
            np.zeros(0, dtype=np.int64)
        )
        #: The distinct entry ids, one per group of rows.
        self.entries: Final = entry_ids[self._starts] if len(entry_ids) else entry_ids

    @classmethod
    def load(cls, index: Index, model: str) -> Vectors:
        """The vectors of every passage in the index, from the snapshot files when they are of the
        index's current generation (memory-mapped: nothing to decode), else from the store, and
        then written as the new snapshot."""
        state = _state(index, model)
        key = f"{index.generation()}:{state.version}"
        ids_file, matrix_file = _snapshot_files(index, model)
        if state.snapshot == key and exists(ids_file) and exists(matrix_file):
            try:
                ids = np.load(ids_file)
                matrix = np.load(matrix_file, mmap_mode="r")
            except (OSError, ValueError):
                pass  # a damaged snapshot: made again below
            else:
                if len(ids) == len(matrix):
                    return cls(ids, matrix)
        found = cls._read(index, model)
        if len(found.entry_ids):
            try:
                _save(ids_file, found.entry_ids)
                _save(matrix_file, found.matrix)
                index.db.execute(
                    "INSERT INTO vec.state(model, snapshot) VALUES (?, ?) "
                    "ON CONFLICT(model) DO UPDATE SET snapshot = ?",
                    (model, key, key),
                )
            except (OSError, sqlite3.OperationalError):
                pass  # a read-only log, or a full disk: the vectors read are right, only slower
        return found

    @classmethod
    def _read(cls, index: Index, model: str) -> Vectors:
        _attach(index)
        rows = index.db.execute(
            "SELECT c.entry_id, v.vec FROM chunks c JOIN vec.vectors v ON v.model = ? AND v.hash = c.hash "
            "ORDER BY c.entry_id, c.n",
            (model,),
        ).fetchall()
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return cls(ids, np.zeros((0, 0), dtype=np.float32))
        blob = b"".join(row[1] for row in rows)
        matrix = np.frombuffer(blob, dtype=np.float16).reshape(len(rows), -1).astype(np.float32)
        return cls(ids, matrix)

    def __len__(self) -> int:
        return len(self.entries)

    def scores(self, query: NDArray[np.float32]) -> NDArray[np.float32]:
        """The cosine of each entry (its best passage) with the unit vector ``query``."""
        if not len(self.entry_ids):
            return np.zeros(0, dtype=np.float32)
        sims = self.matrix @ query.astype(np.float32)
        best: NDArray[np.float32] = np.maximum.reduceat(sims, self._starts)
        return best

    def cosines(self, scores: NDArray[np.float32], entry_ids: list[int]) -> dict[int, float]:
        """The entries' values in ``scores`` (from :meth:`scores`); entries without vectors (not
        embedded yet) are left out."""
        if not len(self.entries) or not entry_ids:
            return {}
        wanted = np.asarray(entry_ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.entries, wanted), len(self.entries) - 1)
        found = self.entries[at] == wanted
        return {i: float(scores[a]) for i, a, ok in zip(entry_ids, at, found, strict=True) if ok}

    def entry_means(self, entry_ids: list[int]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """(ids, rows): the unit mean of the passage vectors of each of these entries that has
        vectors, in ascending id order."""
        rows = np.flatnonzero(np.isin(self.entry_ids, np.asarray(entry_ids, dtype=np.int64)))
        if not len(rows):
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.matrix.shape[1]), dtype=np.float32)
        ids = self.entry_ids[rows]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        sums = np.add.reduceat(np.asarray(self.matrix[rows], dtype=np.float32), starts, axis=0)
        means: NDArray[np.float32] = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        return ids[starts], means

    def best(self, query: NDArray[np.float32], entry_ids: list[int]) -> float:
        """The best cosine of any passage of these entries with ``query`` (0 if none has a vector)."""
        rows = np.flatnonzero(np.isin(self.entry_ids, np.asarray(entry_ids, dtype=np.int64)))
        if not len(rows):
            return 0.0
        return float((self.matrix[rows] @ query.astype(np.float32)).max())

    def top(
        self, query: NDArray[np.float32], k: int, allowed: set[int] | None = None,
        scores: NDArray[np.float32] | None = None, excluded: set[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` best (entry id, cosine), best first, among ``allowed`` entries if given, and
        never ``excluded`` ones."""
        scores = self.scores(query) if scores is None else scores
        if allowed is not None:
            mask = np.isin(self.entries, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            scores = np.where(mask, scores, -np.inf).astype(np.float32)
        if excluded:
            mask = np.isin(self.entries, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
            scores = np.where(mask, -np.inf, scores).astype(np.float32)
        k = min(k, len(scores))
        if k <= 0:
            return []
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
        return [(int(self.entries[i]), float(scores[i])) for i in order if np.isfinite(scores[i])]
