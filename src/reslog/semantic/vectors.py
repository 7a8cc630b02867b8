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

import os
import sqlite3

import numpy as np

from reslog.chunks import chunks
from reslog.index import Index, Migrations
from reslog.records import Record
from reslog.store import exists, path_text

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


MIGRATIONS: Migrations = [("0001_vectors", _m0001_vectors), ("0002_state", _m0002_state)]


def _attach(index: Index) -> None:
    """Make the vectors file available to the index's connection as ``vec`` (healed like the index)."""
    index.attach("vec", VECTORS_FILE, MIGRATIONS, "the vectors")


def _state(index: Index, model: str) -> tuple[str | None, str | None]:
    """(synced generation, snapshot generation) recorded for ``model``."""
    _attach(index)
    row = index.db.execute("SELECT synced, snapshot FROM vec.state WHERE model = ?", (model,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _snapshot_files(index: Index, model: str) -> tuple[str, str]:
    import hashlib

    slug = hashlib.blake2b(model.encode(), digest_size=6).hexdigest()
    folder = index.folder
    return path_text(folder, f"vectors-{slug}.ids.npy"), path_text(folder, f"vectors-{slug}.f32.npy")


def _save(file: str, array: np.ndarray) -> None:
    """Write an array atomically (a reader never sees half a file)."""
    temp = f"{file}.{os.getpid()}.tmp"
    with open(temp, "wb") as out:
        np.save(out, array)
    os.replace(temp, file)


def missing(index: Index, model: str) -> list[tuple[str, str]]:
    """(hash, passage text) of every passage in the index that has no vector for ``model``."""
    _attach(index)
    rows = index.db.execute(
        "SELECT c.entry_id, c.n, c.hash, e.text FROM chunks c JOIN entries e ON e.id = c.entry_id "
        "WHERE NOT EXISTS (SELECT 1 FROM vec.vectors v WHERE v.model = ? AND v.hash = c.hash) "
        "ORDER BY c.entry_id, c.n",
        (model,),
    ).fetchall()
    found: dict[str, str] = {}
    passages: list[str] = []
    last = None
    for entry_id, n, digest, text in rows:
        if entry_id != last:
            passages, last = chunks(text), entry_id
        if digest not in found and n < len(passages):
            found[digest] = passages[n]
    return list(found.items())


class EmbedReport(Record):
    __slots__ = ("embedded", "model", "removed")

    def __init__(self, model: str, embedded: int = 0, removed: int = 0) -> None:
        self.model = model
        self.embedded = embedded
        self.removed = removed


def update(
    index: Index, backend: Backend, progress: Callable[[int, int], None] | None = None,
    prune: bool = False,
) -> EmbedReport:
    """Embed the passages that have no vector yet; with ``prune``, drop vectors no entry uses.

    When no entry has changed since the last update for this model (the index's generation is
    the one recorded), nothing is looked up at all: that check is one row, not 30,000.
    """
    report = EmbedReport(backend.name)
    generation = index.generation()
    if not prune and _state(index, backend.name)[0] == generation:
        return report
    todo = missing(index, backend.name)
    db = index.db
    done = 0

    def tick(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, len(todo))

    for start in range(0, len(todo), _BATCH):
        batch = todo[start : start + _BATCH]
        matrix = backend.embed([text for _, text in batch], tick)
        rows = [
            (backend.name, digest, vec.astype(np.float16).tobytes())
            for (digest, _), vec in zip(batch, matrix, strict=True)
        ]
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO vec.vectors(model, hash, vec) VALUES (?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        report.embedded += len(batch)
    db.execute(
        "INSERT INTO vec.state(model, synced) VALUES (?, ?) ON CONFLICT(model) DO UPDATE SET synced = ?"
        + (", snapshot = NULL" if report.embedded else ""),
        (backend.name, generation, generation),
    )
    if prune:
        _attach(index)
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute(
            "DELETE FROM vec.vectors WHERE model = ? AND hash NOT IN (SELECT hash FROM chunks)",
            (backend.name,),
        )
        db.execute("COMMIT")
        report.removed = cursor.rowcount
    return report


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
        generation = index.generation()
        ids_file, matrix_file = _snapshot_files(index, model)
        if _state(index, model)[1] == generation and exists(ids_file) and exists(matrix_file):
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
            _save(ids_file, found.entry_ids)
            _save(matrix_file, found.matrix)
            index.db.execute(
                "INSERT INTO vec.state(model, snapshot) VALUES (?, ?) "
                "ON CONFLICT(model) DO UPDATE SET snapshot = ?",
                (model, generation, generation),
            )
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
        """The entries' values in ``scores`` (from :meth:`scores`); 0.0 for entries without vectors."""
        if not len(self.entries):
            return dict.fromkeys(entry_ids, 0.0)
        wanted = np.asarray(entry_ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.entries, wanted), len(self.entries) - 1)
        found = self.entries[at] == wanted
        return {i: float(scores[a]) if ok else 0.0 for i, a, ok in zip(entry_ids, at, found, strict=True)}

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
        scores: NDArray[np.float32] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` best (entry id, cosine), best first, among ``allowed`` entries if given."""
        scores = self.scores(query) if scores is None else scores
        if allowed is not None:
            mask = np.isin(self.entries, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            scores = np.where(mask, scores, -np.inf).astype(np.float32)
        k = min(k, len(scores))
        if k <= 0:
            return []
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
        return [(int(self.entries[i]), float(scores[i])) for i in order if np.isfinite(scores[i])]
