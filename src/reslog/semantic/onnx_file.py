"""Read the weights and the graph's wiring out of an ONNX file, without the ``onnx`` package.

An ONNX file is one Protocol Buffers message (``ModelProto``). reslog needs
two things from it: the initializers (the weight tensors) as numpy arrays, and
which node consumes which tensor (to learn, say, that the matrix ``val_49``
feeds the query projection of layer 0, because the node that adds to its
product is the named bias ``...layer.0.attention.self.query.bias``). Both are
a few fields of the wire format, decoded here in ~100 lines; the tensors'
``raw_data`` stay views of one memory-mapped file, so reading costs neither
time nor memory beyond the pages that are used.

Only what the bundled model uses is understood: tensors with ``raw_data``
(float32, int8, int64, bool) and node inputs, outputs and op types. Anything
else in the file is skipped by its length, as protobuf readers do.

It also writes the file back with some nodes replaced (:meth:`OnnxModel.rewritten`),
for :mod:`reslog.semantic.fuse`: every field it does not change is copied byte
for byte, so attributes and metadata it does not understand survive.
"""

from __future__ import annotations

import mmap

import numpy as np

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

#: ONNX TensorProto.DataType -> numpy dtype, for the types the bundled model stores
_DTYPES = {1: np.float32, 3: np.int8, 7: np.int64, 9: np.bool_}


class OnnxError(ValueError):
    """The file is not an ONNX model this reader understands."""


def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise OnnxError("truncated varint")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(buf: memoryview, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(field number, wire type, value or start, end) of each field of the message in [start, end)."""
    out = []
    pos = start
    while pos < end:
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            out.append((number, wire, value, pos))
        elif wire == 2:
            length, pos = _varint(buf, pos)
            out.append((number, wire, pos, pos + length))
            pos += length
        elif wire == 1:
            out.append((number, wire, pos, pos + 8))
            pos += 8
        elif wire == 5:
            out.append((number, wire, pos, pos + 4))
            pos += 4
        else:
            raise OnnxError(f"unsupported protobuf wire type {wire}")
    if pos != end:
        raise OnnxError("a message runs past its end")
    return out


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if not value:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint_bytes(number << 3 | 2) + _varint_bytes(len(payload)) + payload


def node_message(op: str, inputs: list[str], outputs: list[str], domain: str = "") -> bytes:
    """A ``NodeProto`` without attributes: ``op`` of ``domain`` ("" for ONNX's own operators)."""
    out = b"".join(_length_delimited(1, name.encode()) for name in inputs)
    out += b"".join(_length_delimited(2, name.encode()) for name in outputs)
    out += _length_delimited(3, f"{op}:{outputs[0]}".encode()) + _length_delimited(4, op.encode())
    return out + (_length_delimited(7, domain.encode()) if domain else b"")


def _raw_field(buf: memoryview, number: int, wire: int, a: int, b: int) -> bytes:
    """A field as :func:`_fields` found it (``a``: a varint's value, else where its bytes start)."""
    if wire == 0:
        return _varint_bytes(number << 3) + _varint_bytes(a)
    if wire == 2:
        return _length_delimited(number, bytes(buf[a:b]))
    return _varint_bytes(number << 3 | wire) + bytes(buf[a:b])


class Node:
    """One node of the graph: its operator and the names of its inputs and outputs."""

    __slots__ = ("inputs", "op", "outputs")

    def __init__(self, op: str, inputs: list[str], outputs: list[str]) -> None:
        self.op: Final = op
        self.inputs: Final = inputs
        self.outputs: Final = outputs


class OnnxModel:
    """The initializers (name -> read-only array) and nodes of an ONNX file."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        buf = memoryview(self._map)
        graphs = [(s, e) for n, w, s, e in _fields(buf, 0, len(buf)) if n == 7 and w == 2]
        if len(graphs) != 1:
            raise OnnxError("no graph in the file")
        self.tensors: dict[str, np.ndarray] = {}
        self.nodes: list[Node] = []
        for number, wire, start, end in _fields(buf, *graphs[0]):
            if wire != 2:
                continue
            if number == 5:
                name, array = self._tensor(buf, start, end)
                self.tensors[name] = array
            elif number == 1:
                self.nodes.append(self._node(buf, start, end))

    def _tensor(self, buf: memoryview, start: int, end: int) -> tuple[str, np.ndarray]:
        dims: list[int] = []
        dtype = name = None
        raw: tuple[int, int] | None = None
        for number, wire, a, b in _fields(buf, start, end):
            if number == 1 and wire == 0:
                dims.append(a)
            elif number == 1 and wire == 2:  # packed dims
                pos = a
                while pos < b:
                    value, pos = _varint(buf, pos)
                    dims.append(value)
            elif number == 2 and wire == 0:
                dtype = _DTYPES.get(a)
                if dtype is None:
                    raise OnnxError(f"unsupported tensor type {a}")
            elif number == 8 and wire == 2:
                name = bytes(buf[a:b]).decode("utf-8")
            elif number == 9 and wire == 2:
                raw = (a, b)
        if name is None or dtype is None or raw is None:
            raise OnnxError(f"a tensor without a name, a type or raw data ({name!r})")
        count = (raw[1] - raw[0]) // np.dtype(dtype).itemsize
        array: np.ndarray = np.frombuffer(self._map, dtype=dtype, count=count, offset=raw[0])
        return name, array.reshape(dims)

    @staticmethod
    def _node(buf: memoryview, start: int, end: int) -> Node:
        inputs: list[str] = []
        outputs: list[str] = []
        op = ""
        for number, wire, a, b in _fields(buf, start, end):
            if wire != 2:
                continue
            if number == 1:
                inputs.append(bytes(buf[a:b]).decode("utf-8"))
            elif number == 2:
                outputs.append(bytes(buf[a:b]).decode("utf-8"))
            elif number == 4:
                op = bytes(buf[a:b]).decode("utf-8")
        return Node(op, inputs, outputs)

    def rewritten(self, replace: dict[int, list[bytes]], rename: dict[str, str],
                  domains: dict[str, int]) -> bytes:
        """The file with node ``i`` (by its place in :attr:`nodes`) replaced by the ``NodeProto``
        messages ``replace[i]`` (none: dropped), every input or output named in ``rename``
        renamed, and the operator sets ``domains`` (name -> version) imported as well."""
        buf = memoryview(self._map)
        graph = bytearray()
        place = 0
        (start, end), = [(a, b) for n, w, a, b in _fields(buf, 0, len(buf)) if n == 7 and w == 2]
        for number, wire, a, b in _fields(buf, start, end):
            if number == 1 and wire == 2:
                node, place = self.nodes[place], place + 1
                if place - 1 in replace:
                    graph += b"".join(_length_delimited(1, message) for message in replace[place - 1])
                    continue
                if rename and any(name in rename for name in (*node.inputs, *node.outputs)):
                    graph += _length_delimited(1, self._renamed(buf, a, b, rename))
                    continue
            graph += _raw_field(buf, number, wire, a, b)
        out = bytearray()
        for number, wire, a, b in _fields(buf, 0, len(buf)):
            is_graph = number == 7 and wire == 2
            out += _length_delimited(7, bytes(graph)) if is_graph else _raw_field(buf, number, wire, a, b)
        for domain, version in domains.items():  # ModelProto.opset_import: OperatorSetIdProto
            out += _length_delimited(8, _length_delimited(1, domain.encode()) + _varint_bytes(2 << 3)
                                     + _varint_bytes(version))
        return bytes(out)

    @staticmethod
    def _renamed(buf: memoryview, start: int, end: int, rename: dict[str, str]) -> bytes:
        out = bytearray()
        for number, wire, a, b in _fields(buf, start, end):
            if number in (1, 2) and wire == 2:
                name = bytes(buf[a:b]).decode("utf-8")
                out += _length_delimited(number, rename.get(name, name).encode())
            else:
                out += _raw_field(buf, number, wire, a, b)
        return bytes(out)

    def consumers(self) -> dict[str, list[Node]]:
        """tensor name -> the nodes that take it as an input."""
        found: dict[str, list[Node]] = {}
        for node in self.nodes:
            for name in node.inputs:
                found.setdefault(name, []).append(node)
        return found

    def producers(self) -> dict[str, Node]:
        """tensor name -> the node that outputs it."""
        return {name: node for node in self.nodes for name in node.outputs}
