"""Turning semantic search on for one command: settings, backend, fresh vectors, or a hint.

Every reading command that can use vectors (search, ask, digest, week,
reindex) goes through :func:`prepare`: it reads the log's settings, loads the
embedding backend if it is installed, embeds what is new since the last time
(only passages whose hash has no vector), and loads the vectors. When
semantic search cannot be had it says why in one line (:attr:`Semantic.hint`)
and the command carries on with keyword search.
"""

from __future__ import annotations

from reslog.index import Index
from reslog.records import Record
from reslog.semantic import backends
from reslog.settings import DEFAULT_MODEL, Settings
from reslog.settings import load as load_settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from reslog.semantic.backends import Backend
    from reslog.semantic.vectors import EmbedReport, Vectors

OFF_HINT = "semantic search is off (search.embeddings = false in reslog.toml): keyword search only"


class Semantic(Record):
    """What a command can use: a backend and vectors, or neither and the reason."""

    __slots__ = ("backend", "hint", "report", "settings", "vectors")
    settings: Final[Settings]
    backend: Final[Backend | None]
    vectors: Final[Vectors | None]
    hint: Final[str | None]
    report: Final[EmbedReport | None]

    def __init__(
        self, settings: Settings, backend: Backend | None = None, vectors: Vectors | None = None,
        hint: str | None = None, report: EmbedReport | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.vectors = vectors
        self.hint = hint
        self.report = report

    @property
    def on(self) -> bool:
        return self.backend is not None and self.vectors is not None and len(self.vectors) > 0


def prepare(
    index: Index, progress: Callable[[int, int], None] | None = None,
    settings: Settings | None = None, prune: bool = False,
) -> Semantic:
    """The backend and up-to-date vectors of the log behind ``index``, if it can have them."""
    settings = settings or load_settings(index.log)
    if not settings.embeddings:
        return Semantic(settings, hint=OFF_HINT)
    if not backends.installed(settings.embed_model):
        if settings.embed_model != DEFAULT_MODEL:
            backends.load(settings.embed_model)  # raises: it says what to install, or that the name is wrong
        return Semantic(settings, hint=f"keyword search only: {backends.INSTALL_HINT}")
    from reslog.semantic import vectors as store

    backend = backends.load(settings.embed_model)
    report = store.update(index, backend, progress, prune=prune)
    return Semantic(settings, backend, store.Vectors.load(index, backend.name), report=report)
