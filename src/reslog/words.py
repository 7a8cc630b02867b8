"""How counts read in English: ``1 bug``, ``2 bugs``, ``1 entry``, ``3 entries``.

Every label that puts a number before a noun goes through :func:`plural`, so
no view ever says "1 bugs".
"""

from __future__ import annotations

#: Nouns whose plural is not the noun plus "s".
_IRREGULAR = {"entry": "entries", "category": "categories"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless ``count`` is 1 (``-1`` too)."""
    return f"{count} {noun_for(count, noun, many)}"


def noun_for(count: int, noun: str, many: str | None = None) -> str:
    """The noun alone, in the form ``count`` needs."""
    if abs(count) == 1:
        return noun
    if many is not None:
        return many
    return _IRREGULAR.get(noun, noun + "s")


__all__ = ["noun_for", "plural"]
