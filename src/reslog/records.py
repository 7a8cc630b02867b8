"""Value records: equality, hashing and repr by field, without :mod:`dataclasses`.

``dataclasses`` costs more to import (it brings :mod:`inspect`, :mod:`ast`,
:mod:`dis` and :mod:`copy`) and to apply than a whole capture takes, so the
records on the capture and search paths are plain classes with ``__slots__``
and a typed ``__init__``, and take their value semantics from :class:`Record`.
A record's fields are the parameters of its ``__init__``, in that order (as a
dataclass's are), and must be exactly its ``__slots__``; equality, hashing
and repr follow that order. Fields are declared ``Final`` for the type
checker, which keeps them read-only.

For the same reason these modules do not import :mod:`typing` at run time
(3 ms): annotations are strings (``from __future__ import annotations``), and
names only the checker needs are imported under ``if TYPE_CHECKING:``, with
``TYPE_CHECKING = False`` defined in the module itself (mypy treats any name
``TYPE_CHECKING`` as true).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see above)
if TYPE_CHECKING:
    from typing import ClassVar


class Record:
    """Equal when of the same class with equal fields; hashable when the fields are."""

    __slots__ = ()
    #: The field names, in the order ``__init__`` takes them.
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        code = vars(cls)["__init__"].__code__
        cls._fields = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        if set(cls._fields) != set(vars(cls)["__slots__"]):
            raise TypeError(f"{cls.__name__}: __slots__ must name the parameters of __init__")

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"
