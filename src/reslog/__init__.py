"""reslog: a research log you can learn from.

The public Python API is listed in ``__all__``; everything else is internal.
The package is layered one way: ``model``/``markdown`` (pure) ← ``store``
(files) ← ``capture``/``tasks`` and ``index`` ← ``search`` ← ``semantic``
(vectors, hybrid ranking) ← ``ask``/``digest`` ← ``cli``.

Names are imported on first use (PEP 562), so that ``import reslog`` by the
capture path costs nothing it does not need. The search functions live in
:mod:`reslog.search` (``search``, ``listing``, ``tasks``): a package attribute
of the same name as a submodule would be replaced by the submodule on import;
likewise :func:`reslog.ask.retrieve`/:func:`reslog.ask.answer` and
:func:`reslog.digest.digest`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_WHERE = {
    "Capture": "reslog.capture",
    "Captured": "reslog.capture",
    "add_entry": "reslog.capture",
    "add_thought": "reslog.capture",
    "ReslogError": "reslog.errors",
    "parse": "reslog.markdown",
    "render": "reslog.markdown",
    "Entry": "reslog.model",
    "Page": "reslog.model",
    "Section": "reslog.model",
    "Log": "reslog.store",
    "default_root": "reslog.store",
    "Todo": "reslog.tasks",
    "todos": "reslog.tasks",
    "Index": "reslog.index",
    "Filters": "reslog.search",
    "Hit": "reslog.search",
    "Scope": "reslog.timescope",
    "Settings": "reslog.settings",
    "Retrieved": "reslog.ask",
    "Answer": "reslog.ask",
    "Digest": "reslog.digest",
    "Theme": "reslog.digest",
}

__all__ = [
    "Answer",
    "Capture",
    "Captured",
    "Digest",
    "Entry",
    "Filters",
    "Hit",
    "Index",
    "Log",
    "Page",
    "ReslogError",
    "Retrieved",
    "Scope",
    "Section",
    "Settings",
    "Theme",
    "Todo",
    "__version__",
    "add_entry",
    "add_thought",
    "default_root",
    "parse",
    "render",
    "todos",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'reslog' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
