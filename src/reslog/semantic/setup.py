"""Turning semantic search on for one command, without ever waiting for embedding.

Every reading command that can use vectors (search, ask, digest, week) goes
through :func:`prepare`: it reads the log's settings, loads the model for the
query if it is installed, and loads the vectors the log has. It never embeds
the log: a page or two of new passages (up to :data:`INLINE_TOKENS` word
pieces, a fraction of a second) are embedded on the spot, so that what was
just captured is found by meaning at once; anything more is left to the
background worker (:mod:`reslog.semantic.worker`), which this starts when
none runs. Meanwhile the command answers from keyword ranking plus the
vectors already there, and says in one line how much of the log meaning
search covers.

When semantic search cannot be had at all, it says why in one line
(:attr:`Semantic.hint`) and the command carries on with keyword search.
"""

from __future__ import annotations

from reslog.index import Index
from reslog.records import Record
from reslog.semantic import backends, worker
from reslog.settings import DEFAULT_MODEL, Settings
from reslog.settings import load as load_settings
from reslog.store import Log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from reslog.semantic.backends import Backend
    from reslog.semantic.vectors import Coverage, EmbedReport, Vectors

OFF_HINT = "semantic search is off (search.embeddings = false in reslog.toml): keyword search only"
#: New passages embedded by a reading command itself, counted in word pieces: about the day's
#: captures, 0.1-0.3 s with numpy on two cores. More than that goes to the background worker.
INLINE_TOKENS = 1500


class Semantic(Record):
    """What a command can use: a backend and vectors, or neither and the reason."""

    __slots__ = ("backend", "coverage", "hint", "notice", "settings", "vectors")
    settings: Final[Settings]
    backend: Final[Backend | None]
    vectors: Final[Vectors | None]
    hint: Final[str | None]
    coverage: Final[Coverage | None]
    notice: Final[str | None]

    def __init__(
        self, settings: Settings, backend: Backend | None = None, vectors: Vectors | None = None,
        hint: str | None = None, coverage: Coverage | None = None, notice: str | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.vectors = vectors
        #: Why there is no semantic search (not installed, turned off).
        self.hint = hint
        #: How much of the log has vectors.
        self.coverage = coverage
        #: One line for the person when meaning search covers only part of the log.
        self.notice = notice

    @property
    def on(self) -> bool:
        return self.backend is not None and self.vectors is not None and len(self.vectors) > 0

    @property
    def complete(self) -> bool:
        return self.coverage is None or self.coverage.complete


def stamp_file(index: Index) -> str:
    from reslog.store import DATA_DIR, path_text

    return path_text(index.log.folder, DATA_DIR, "model-check.json")


def _unavailable(settings: Settings) -> str | None:
    """Why this log cannot have semantic search, in one line, or None when it can."""
    if not settings.embeddings:
        return OFF_HINT
    if not backends.installed(settings.embed_model):
        if settings.embed_model != DEFAULT_MODEL:
            backends.load(settings.embed_model)  # raises: it says what to install, or that the name is wrong
        return f"keyword search only: {backends.INSTALL_HINT}"
    return None


def prepare(index: Index, settings: Settings | None = None, mode: str | None = None) -> Semantic:
    """The query backend and the vectors the log has; never waits for the log to be embedded.
    With ``mode`` "keyword" nothing is loaded: the command ranks by words alone."""
    settings = settings or load_settings(index.log)
    if mode == "keyword":
        return Semantic(settings)
    hint = _unavailable(settings)
    if hint is not None:
        return Semantic(settings, hint=hint)
    from reslog.semantic import vectors as store

    backend = backends.load(settings.embed_model, stamp=stamp_file(index))
    coverage = store.coverage(index, backend.name)
    notice = None
    if not coverage.complete:
        coverage, notice = _catch_up(index, backend, settings, coverage)
    return Semantic(settings, backend, store.Vectors.load(index, backend.name), coverage=coverage,
                    notice=notice)


def _catch_up(
    index: Index, backend: Backend, settings: Settings, coverage: Coverage
) -> tuple[Coverage, str | None]:
    """Embed a few new passages here, or hand the work to the background worker."""
    from reslog.semantic import vectors as store

    todo = store.missing(index, backend.name, limit=INLINE_TOKENS // 8)
    left = coverage.total - coverage.embedded
    counts = getattr(backend, "token_counts", None)
    if len(todo) == left and (counts is None or sum(counts([text for _, text in todo])) <= INLINE_TOKENS):
        store.update(index, backend, todo=todo)
        return store.Coverage(coverage.total, coverage.total), None
    share = f"meaning search covers {coverage.share:.0%} of the log"
    if worker.background_allowed(settings):
        worker.ensure_running(index.log)
        return coverage, f"{share}; embedding continues in the background (reslog status shows how far)"
    return coverage, f"{share}; `reslog reindex` embeds the rest (background embedding is off)"


class Foreground(Record):
    """What :func:`embed_now` did, or why it did nothing."""

    __slots__ = ("hint", "report")

    def __init__(self, report: EmbedReport | None = None, hint: str | None = None) -> None:
        self.report = report
        self.hint = hint


def embed_now(
    index: Index, progress: Callable[[int, int], None] | None = None, settings: Settings | None = None,
) -> Foreground:
    """Embed every passage without a vector here and now (``reslog reindex``), after stopping a
    background worker; drop vectors no entry uses. Interrupted, it keeps every finished batch."""
    settings = settings or load_settings(index.log)
    hint = _unavailable(settings)
    if hint is not None:
        return Foreground(hint=hint)
    import os

    from reslog.errors import LogError
    from reslog.semantic import vectors as store

    backend = backends.load(settings.embed_model, bulk=True, stamp=stamp_file(index))
    lock = worker.stop(index.log)
    if lock is None:
        raise LogError("a background embedding of this log did not stop; try again in a minute")
    try:
        report = store.update(index, backend, progress, prune=True)
        worker.finished(index.log)  # under the worker's lock: no worker writes a report meanwhile
    finally:
        os.close(lock)
    store.Vectors.load(index, backend.name)
    return Foreground(report)


def start_background(log: Log) -> bool:
    """Start embedding a log in the background now (a new log, the demo), if semantic search is
    installed and on and background work is allowed; whether a worker runs."""
    settings = load_settings(log)
    if not (settings.embeddings and backends.installed(settings.embed_model)
            and worker.background_allowed(settings)):
        return False
    return worker.ensure_running(log)
