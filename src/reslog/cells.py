"""How wide text is on a terminal, in cells, and columns padded by that width.

``str.ljust`` and format widths (``f"{name:<20}"``) count code points, but a
terminal gives a wide East Asian character (日本語, most emoji) two cells and a
combining mark or a joiner none, so a table padded by code points goes out of
line after such a name. Every column reslog lines up (the tags and projects
lists, the stats tables) is padded with :func:`pad`, and every width it
measures is :func:`cells`. Pure: the fast search path uses it too.
"""

from __future__ import annotations

import unicodedata

#: Categories drawn in no cell of their own: combining marks (nonspacing, enclosing) and format
#: characters such as the zero-width joiner of an emoji sequence.
_ZERO = frozenset(("Mn", "Me", "Cf"))


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    return sum(char_cells(ch) for ch in text)


def char_cells(ch: str) -> int:
    """The cells of one character: 2 when it is wide or full-width, 0 for a mark or a joiner, else 1."""
    if unicodedata.category(ch) in _ZERO:
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells, on the right (or, with ``right``, on the left
    to align numbers); text already as wide is returned as it is."""
    room = " " * max(0, width - cells(text))
    return room + text if right else text + room


def shorten(text: str, width: int, words: bool = False) -> str:
    """``text`` in at most ``width`` cells, cut with ``…`` when longer; with ``words``, cut
    after the last whole word that fits (a tag cut in its middle, ``#cal`` for ``#calib``, reads
    as another tag), unless that leaves less than half the room."""
    if cells(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        used += char_cells(ch)
        if used > width - 1:
            break
        out.append(ch)
    kept = "".join(out)
    if words and not text[len(kept)].isspace():  # cut inside a word: back to its start
        at = kept.rfind(" ")
        if at > 0 and cells(kept[:at]) >= width // 2:
            kept = kept[:at]
    return kept.rstrip() + "…"


__all__ = ["cells", "char_cells", "pad", "shorten"]
