"""reslog: a research log you can learn from.

The public Python API is listed in ``__all__``; everything else is internal.
The package is layered one way: ``model``/``markdown`` (pure) ← ``store``
(files) ← ``capture``/``tasks`` ← ``cli``.
"""

from reslog.capture import Capture, Captured, add_entry, add_thought
from reslog.errors import ReslogError
from reslog.markdown import parse, render
from reslog.model import Entry, Page, Section
from reslog.store import Log, default_root
from reslog.tasks import Todo, todos

__version__ = "0.1.0"

__all__ = [
    "Capture",
    "Captured",
    "Entry",
    "Log",
    "Page",
    "ReslogError",
    "Section",
    "Todo",
    "__version__",
    "add_entry",
    "add_thought",
    "default_root",
    "parse",
    "render",
    "todos",
]
