"""The bundled model's graph, rewritten for ONNX Runtime's CPU kernels: the same function, faster.

The exporter of ``model.onnx`` wrote two things the runtime does not fuse by
itself, and on real log text they cost a sixth of the time of embedding a log
(ONNX Runtime's profile of 300 notebook passages; benchmarks/README.md):

- after each attention softmax, ``Where(IsNaN(p), 0, p)``: PyTorch's guard for
  a row whose keys are all padding. A row here always has real keys (every
  text has at least ``[CLS]`` and ``[SEP]``), so the guard never changes a
  value, and it reads and writes every attention weight twice (10% of the time);
- GELU as five element-wise nodes (``x * (0.5 * (1 + erf(x / sqrt 2)))``),
  after the ``Add`` of the layer's bias, in an order the runtime's own GELU
  fusion does not recognise: replaced by its ``BiasGelu`` kernel, one pass
  over the matrix instead of six.

The rewrite finds both by the graph's wiring and leaves anything it does not
recognise as it is, so another model file still runs (unrewritten); the
vectors are the same to a cosine of 0.99999 or better (tests/test_semantic.py).
The model's own weights are read from the checked file, never rewritten on disk.
"""

from __future__ import annotations

from reslog.semantic.onnx_file import Node, OnnxModel, node_message

#: ONNX Runtime's own operators (BiasGelu), version 1
CONTRIB = "com.microsoft"
_SQRT_2 = 2.0**0.5


def for_onnxruntime(model: OnnxModel) -> bytes | None:
    """The model file's bytes with the NaN guards gone and GELU fused; None if neither is found."""
    graph = _Wiring(model)
    place = {id(node): i for i, node in enumerate(model.nodes)}
    replace: dict[int, list[bytes]] = {}
    rename: dict[str, str] = {}
    for node in model.nodes:
        if node.op == "Softmax":
            where = graph.nan_guard(node)
            if where is not None:
                for dropped in where:
                    replace[place[id(dropped)]] = []
                rename[where[-1].outputs[0]] = node.outputs[0]
        elif node.op == "Div" and graph.scalar(node.inputs[1], _SQRT_2):
            found = graph.bias_gelu(node)
            if found is not None:
                nodes, x, bias = found
                for dropped in nodes[:-1]:
                    replace[place[id(dropped)]] = []
                fused = node_message("BiasGelu", [x, bias], nodes[-1].outputs, CONTRIB)
                replace[place[id(nodes[-1])]] = [fused]
    return model.rewritten(replace, rename, {CONTRIB: 1}) if replace else None


class _Wiring:
    """Who produces and who reads each tensor of a model."""

    def __init__(self, model: OnnxModel) -> None:
        self.tensors = model.tensors
        self.consumers, self.producers = model.consumers(), model.producers()

    def only_user(self, name: str, op: str) -> Node | None:
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op == op else None

    def scalar(self, name: str, value: float) -> bool:
        tensor = self.tensors.get(name)
        return tensor is not None and tensor.size == 1 and abs(float(tensor.reshape(-1)[0]) - value) < 1e-6

    def nan_guard(self, softmax: Node) -> list[Node] | None:
        """[IsNaN, Where] of ``Where(IsNaN(p), 0, p)`` on the softmax's output ``p``, if that is
        all that reads it."""
        p = softmax.outputs[0]
        users = self.consumers.get(p, [])
        guard = [u for u in users if u.op == "IsNaN"]
        where = [u for u in users if u.op == "Where"]
        if (len(users) == 2 and guard and where and where[0].inputs[0] == guard[0].outputs[0]
                and where[0].inputs[2] == p and self.scalar(where[0].inputs[1], 0.0)):
            return [guard[0], where[0]]
        return None

    def bias_gelu(self, divide: Node) -> tuple[list[Node], str, str] | None:
        """(the nodes from the bias's Add to GELU's last Mul, x, bias) for ``h = x + bias`` then
        ``h * (0.5 * (1 + erf(h / sqrt 2)))``, where ``divide`` is ``h / sqrt 2``; else None."""
        h = divide.inputs[0]
        add = self.producers.get(h)
        erf = self.only_user(divide.outputs[0], "Erf")
        plus = erf and self.only_user(erf.outputs[0], "Add")
        half = plus and self.only_user(plus.outputs[0], "Mul")
        times = half and self.only_user(half.outputs[0], "Mul")
        if not (add and add.op == "Add" and erf and plus and half and times):
            return None
        x, bias = add.inputs if add.inputs[1] in self.tensors else add.inputs[::-1]
        if (bias not in self.tensors or h not in times.inputs or len(self.consumers[h]) != 2
                or not any(self.scalar(n, 1.0) for n in plus.inputs)
                or not any(self.scalar(n, 0.5) for n in half.inputs)):
            return None
        return [add, divide, erf, plus, half, times], x, bias
