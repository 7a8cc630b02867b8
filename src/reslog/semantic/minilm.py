"""all-MiniLM-L6-v2, run two ways: numpy for a query, ONNX Runtime for the log.

Both encoders read the same weights (the bundled ``model.onnx``, see
:mod:`reslog.semantic.bundled`) and the same vocabulary (the library
``tokenizers`` for a log, :mod:`reslog.semantic.wordpiece` for a query: the
same ids, which a test holds on every passage of the notebook), and compute
the same function: BERT's encoder, mean pooling, L2 normalisation, as
sentence-transformers does. A test holds them to a cosine of 0.99999 of each
other, and both to 0.998 of sentence-transformers' float32 model.

- :class:`NumpyMiniLM` loads in tens of milliseconds: it reads the int8
  matrices as views of the memory-mapped file (:mod:`reslog.semantic.onnx_file`)
  and dequantizes them once, with the word embeddings dequantized row by row
  as tokens need them. It embeds a query, or a few new passages, in a few
  milliseconds each, so a search never pays the runtime's start (0.2-1 s to
  import ONNX Runtime and build its session).
- :class:`OnnxMiniLM` runs the file in ONNX Runtime, which fuses attention,
  GELU and layer norms and threads them; on real log text it embeds about 1.5x
  as many passages per CPU-second as numpy, and uses two cores where numpy's
  BLAS threads mostly spin. It is what embeds a whole log
  (:mod:`reslog.semantic.worker`, ``reslog reindex``).

Texts are cut at 256 tokens, the model's ``max_seq_length``; longer entries are
split into passages before they get here (:mod:`reslog.chunks`). Batches are
texts of similar length, up to :data:`BATCH_TOKENS` tokens, so padding costs
little.
"""

from __future__ import annotations

import math
import os

import numpy as np

from reslog.semantic import fuse
from reslog.semantic.onnx_file import OnnxModel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    Array = NDArray[np.float32]

#: The key its vectors are stored under: the int8 weights give vectors of their own
NAME = "all-MiniLM-L6-v2/int8"
DIM = 384
MAX_TOKENS = 256
#: Padded tokens per batch (texts x longest); 32 texts of ~130 tokens
BATCH_TOKENS = 4096
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_PREFIX = "inner."


def tokenizer(path: str) -> object:
    from tokenizers import Tokenizer

    found = Tokenizer.from_file(path)
    found.no_padding()
    found.enable_truncation(MAX_TOKENS)
    return found


class Encoder:
    """Tokenize, batch by length, run :meth:`_forward`, keep the order: what both encoders share."""

    name = NAME
    dim = DIM

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's word piece ids, ``[CLS]`` and ``[SEP]`` included, at most 256."""
        raise NotImplementedError

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in self.token_ids(texts)]

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Array:
        """Unit vectors for ``texts`` (n x 384); ``progress(k)`` after each batch of k texts."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        start = 0
        while start < len(order):
            # texts sorted by length: the batch grows until its padded size would pass the budget
            end = start + 1
            while end < len(order) and (end - start + 1) * len(ids[order[end]]) <= BATCH_TOKENS:
                end += 1
            chunk = order[start:end]
            length = len(ids[chunk[-1]])
            tokens = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                tokens[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            out[chunk] = _pool(self._forward(tokens, mask), mask)
            if progress is not None:
                progress(len(chunk))
            start = end
        return out

    def _forward(self, tokens: NDArray[np.int64], mask: NDArray[np.int64]) -> Array:
        raise NotImplementedError


def _pool(hidden: Array, mask: NDArray[np.int64]) -> Array:
    """Mean of the real tokens' states, as unit vectors."""
    weights = mask.astype(np.float32)[..., None]
    pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: Array = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return result


# --- numpy ---


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


#: The linear layers of one encoder layer, by the name of the bias added to their product
_ROLES = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "intermediate.dense", "output.dense")


def linear_weights(model: OnnxModel) -> dict[str, tuple[NDArray[np.int8], NDArray[np.float32]]]:
    """``encoder.layer.N.ROLE`` -> (int8 matrix as (in, out), float scale per output column).

    The exporter names a matrix after nothing (``val_49``), so it is found by the graph's
    wiring: the matrix is dequantized (``Mul(Cast(q), scale)``), multiplied in a ``MatMul``,
    and the ``Add`` that takes that product also takes the layer's named bias.
    """
    producers, consumers = model.producers(), model.consumers()
    found = {}
    for node in model.nodes:
        if node.op != "MatMul" or len(node.inputs) != 2:
            continue
        dequant = producers.get(node.inputs[1])
        if dequant is None or dequant.op != "Mul":
            continue
        cast = producers.get(dequant.inputs[0])
        if cast is None or cast.op != "Cast":
            continue
        biases = [name for add in consumers.get(node.outputs[0], []) if add.op == "Add"
                  for name in add.inputs if name.endswith(".bias") and name in model.tensors]
        if len(biases) == 1:
            role = biases[0][len(_PREFIX):-len(".bias")]
            found[role] = (model.tensors[cast.inputs[0]], model.tensors[dequant.inputs[1]].reshape(-1))
    return found


class NumpyMiniLM(Encoder):
    """The encoder in numpy over the dequantized weights, tokenizing in plain Python
    (:mod:`reslog.semantic.wordpiece`): quick to load, for queries. ``vocab_file``: the word
    pieces, one per line (``bundled.VOCAB``)."""

    def __init__(self, model_file: str, vocab_file: str) -> None:
        from reslog.semantic.wordpiece import WordPiece

        self._wordpiece = WordPiece.from_file(vocab_file, MAX_TOKENS)
        model = OnnxModel(model_file)
        w = model.tensors

        def vector(name: str) -> Array:
            return np.array(w[_PREFIX + name], dtype=np.float32)

        self._word = (w[_PREFIX + "embeddings.word_embeddings.weight_q"],
                      w[_PREFIX + "embeddings.word_embeddings.weight_scale"].reshape(-1))
        position_q = w[_PREFIX + "embeddings.position_embeddings.weight_q"]
        position_scale = w[_PREFIX + "embeddings.position_embeddings.weight_scale"]
        self._position = position_q.astype(np.float32) * position_scale
        self._token_type = vector("embeddings.token_type_embeddings.weight")[0]
        self._norm = (vector("embeddings.LayerNorm.weight"), vector("embeddings.LayerNorm.bias"))
        linear = linear_weights(model)
        missing = [f"encoder.layer.{i}.{role}" for i in range(_LAYERS) for role in _ROLES
                   if f"encoder.layer.{i}.{role}" not in linear]
        if missing:
            raise ValueError(f"the model file lacks {missing[0]}")

        def matrix(name: str) -> Array:
            q, scale = linear[name]
            out: Array = q.astype(np.float32)
            out *= scale
            return out

        self._layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            self._layers.append((
                np.concatenate([matrix(p + r) for r in _ROLES[:3]], axis=1),
                np.concatenate([vector(p + r + ".bias") for r in _ROLES[:3]]),
                matrix(p + "attention.output.dense"), vector(p + "attention.output.dense.bias"),
                vector(p + "attention.output.LayerNorm.weight"),
                vector(p + "attention.output.LayerNorm.bias"),
                matrix(p + "intermediate.dense"), vector(p + "intermediate.dense.bias"),
                matrix(p + "output.dense"), vector(p + "output.dense.bias"),
                vector(p + "output.LayerNorm.weight"), vector(p + "output.LayerNorm.bias"),
            ))

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [self._wordpiece.encode(text) for text in texts]

    def _forward(self, tokens: NDArray[np.int64], mask: NDArray[np.int64]) -> Array:
        n, length = tokens.shape
        q, scale = self._word
        word = q[tokens].astype(np.float32) * scale[tokens][..., None]
        x = word + self._position[:length] + self._token_type
        # linear layers run on (tokens x dim) matrices: one 2-D matmul is ~1.6x a batched 3-D one
        x = _layer_norm(x.reshape(-1, DIM), *self._norm)
        # -inf would give NaN rows for all-padding; a large negative number masks the same
        bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        head = DIM // _HEADS
        scale_qk = np.float32(1.0 / math.sqrt(head))
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, out_w, out_b, ln2_w, ln2_b in self._layers:
            qkv = (x @ qkv_w + qkv_b).reshape(n, length, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
            scores = (qkv[0] @ qkv[1].transpose(0, 1, 3, 2)) * scale_qk + bias
            scores -= scores.max(-1, keepdims=True)
            np.putmask(scores, scores < -_ATTENTION_FLOOR, -np.inf)  # weights of exactly 0: see above
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(-1, DIM)
            x = _layer_norm(x + context @ o_w + o_b, ln1_w, ln1_b)
            x = _layer_norm(x + _gelu(x @ i_w + i_b) @ out_w + out_b, ln2_w, ln2_b)
        hidden: Array = x.reshape(n, length, DIM)
        return hidden


# --- ONNX Runtime ---


class OnnxMiniLM(Encoder):
    """The encoder in ONNX Runtime: for embedding many passages (0.2-1 s to start)."""

    def __init__(self, model_file: str, tokenizer_file: str, threads: int | None = None,
                 fused: bool = True) -> None:
        """``fused``: run the graph rewritten by :mod:`reslog.semantic.fuse` (the same vectors,
        about 1.2x as fast); False runs the file as shipped, for the benchmark's comparison."""
        self.tokenizer = tokenizer(tokenizer_file)
        import onnxruntime  # type: ignore[import-untyped]

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its warnings are for the model's exporter
        rewritten = fuse.for_onnxruntime(OnnxModel(model_file)) if fused else None
        self._session = onnxruntime.InferenceSession(rewritten or model_file, options,
                                                     providers=["CPUExecutionProvider"])

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]  # type: ignore[attr-defined]

    def _forward(self, tokens: NDArray[np.int64], mask: NDArray[np.int64]) -> Array:
        feed = {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(tokens)}
        hidden: Array = self._session.run(None, feed)[0]
        return hidden
