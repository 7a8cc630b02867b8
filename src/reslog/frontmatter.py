"""YAML front matter as notes write it (Obsidian, Jekyll, Logseq, reslog's own pages): a simple
subset, read without a YAML library, and the tags it names.

Shared by the importers (a note's title, date and tags) and by :mod:`reslog.redaction` (a day
page whose front matter tags it ``private`` is private whole), so that both read a page's tags
alike.
"""

from __future__ import annotations

import re

#: Front matter keys read as tags.
TAG_KEYS = ("tags", "tag", "categories", "category")

#: A front matter value: a scalar, a list of scalars, or None (anything else: maps, block text).
Value = str | list[str] | None

_KEY = re.compile(r"^([^\s#:\-][^:]*?)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*-(?:[ \t]+(.*?))?[ \t]*$")
_TAG_OK = re.compile(r"[\w][\w/-]*")
_TAG_BAD = re.compile(r"[^\w/-]+")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    return text


def _value(raw: str) -> Value:
    if raw in ("", "~", "null"):
        return []  # a list may follow on the next lines; else it stays empty
    if raw[0] == "[":
        if not raw.endswith("]"):
            return None
        return [_unquote(part) for part in raw[1:-1].split(",") if part.strip()]
    if raw[0] in "{|>&*!":
        return None
    return _unquote(raw.split(" #")[0]) if raw[0] not in "'\"" else _unquote(raw)


def _continued(lines: list[str], start: int, raw: str) -> int:
    """How many of the lines from ``start`` continue the value ``raw`` of the key above them: the
    indented (and blank) lines up to the next line at column 0, unless they hold a list (read
    item by item by :func:`front_matter`) or, under a key with no value, a nested map."""
    end = start
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    first = next((line for line in lines[start:end] if line.strip()), "")
    if not first or _LIST_ITEM.match(first) or (not raw and _KEY.match(first.strip())):
        return 0
    return end - start


def _fold(pieces: list[str], escapes: bool = False) -> str:
    """The lines of a multi-line scalar as YAML folds them: each line break a space, or, with
    blank lines after it, one line break per blank line; the spaces around a break dropped. With
    ``escapes`` (double quotes), a line that ends with an escaping ``\\`` runs on with no space."""
    out = pieces[0].rstrip(" \t") if len(pieces) > 1 else pieces[0]
    blank = 0
    for n, piece in enumerate(pieces[1:], 2):
        piece = piece.strip(" \t") if n < len(pieces) else piece.lstrip(" \t")
        if not piece and n < len(pieces):
            blank += 1
            continue
        if escapes and not blank and _RUN_ON.search(out):
            out = out[:-1]
        else:
            out += "\n" * blank or " "
        out += piece
        blank = 0
    return out


#: A double-quoted line that ends with an escaped line break (an odd run of backslashes).
_RUN_ON = re.compile(r"(?<!\\)(?:\\\\)*\\$")
#: The text of a quoted scalar up to its closing quote (``''`` is a quote in single quotes).
_UP_TO_CLOSE = {"'": re.compile(r"(?:[^']|'')*'(?!')"), '"': re.compile(r'(?:[^"\\]|\\.)*"')}
_DOUBLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
                   "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _unescape(text: str) -> str:
    """A double-quoted scalar's escapes (``\\"``, ``\\n``, ``\\u00e9``, ...); an unknown one is kept."""
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) == 1:
            return _DOUBLE_ESCAPES.get(code, match.group(0))
        point = int(code[1:], 16)
        # a surrogate or a number past Unicode is no character: kept as written
        return match.group(0) if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF else chr(point)
    return _ESCAPE.sub(one, text)


def _quoted(lines: list[str]) -> str | None:
    """A single- or double-quoted scalar that opens on ``lines[0]`` and closes on its last line,
    folded (:func:`_fold`); None if it closes earlier or never."""
    quote = lines[0][0]
    pieces = [lines[0][1:], *lines[1:]]
    for n, piece in enumerate(pieces):
        closed = _UP_TO_CLOSE[quote].match(piece)
        if closed is not None:
            if n < len(pieces) - 1:
                return None  # more lines after the closing quote: not YAML we can read
            pieces[n] = piece[:closed.end() - 1]
            break
    else:
        return None
    if quote == "'":
        return _fold(pieces).replace("''", "'")
    return _unescape(_fold(pieces, escapes=True))


_BLOCK = re.compile(r"^([|>])(?:[1-9]?[+-]?|[+-]?[1-9]?)(?:[ \t]+#.*)?$")


def _multiline(raw: str, more: list[str]) -> Value:
    """The value of a key whose text runs on over the indented lines ``more``: a block scalar
    (``|`` keeps its lines, ``>`` folds them; line breaks around them dropped), a quoted or plain
    scalar folded, a flow list ``[a,\n  b]``; None for anything else (a nested map, an anchor)."""
    block = _BLOCK.match(raw)
    if block is not None or not raw:
        more = more[next(i for i, line in enumerate(more) if line.strip()):]
    if block is not None:
        indent = more[0][: len(more[0]) - len(more[0].lstrip(" "))]
        kept = [line.removeprefix(indent).rstrip(" \t") if line.strip() else "" for line in more]
        return ("\n".join(kept) if block.group(1) == "|" else _fold(kept)).strip("\n")
    if raw[:1] in ("'", '"'):
        return _quoted([raw, *more])
    if raw.startswith("["):
        return _value(" ".join([raw, *(line.strip() for line in more)]))
    if raw[:1] in tuple("{|>&*!%@`") or " #" in raw or any(
            _KEY.match(line.strip()) or line.lstrip().startswith("#") for line in more):
        return None  # a map, a tag or anchor, a comment: not a simple value
    return _fold([raw, *more] if raw else [more[0].lstrip(" \t"), *more[1:]])


def front_matter(lines: list[str]) -> tuple[dict[str, Value], int]:
    """The YAML front matter's keys (a simple subset, see :data:`Value`) and where the body starts.

    Front matter opens with ``---`` on the first line and closes at the next
    ``---`` or ``...``; without a closing line there is none. A scalar may run
    over several indented lines (:func:`_multiline`), as YAML writers wrap a
    long title.
    """
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, 0
    values: dict[str, Value] = {}
    key: str | None = None
    body = lines[1:end]
    at = 0
    while at < len(body):
        line = body[at]
        at += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY.match(line)
        if match is not None:
            key, raw = match.group(1), match.group(2) or ""
            more = _continued(body, at, raw)
            values[key] = _multiline(raw, body[at:at + more]) if more else _value(raw)
            at += more
            continue
        item = _LIST_ITEM.match(line)
        current = values.get(key) if key is not None else None
        if key is not None and item is not None and isinstance(current, list):
            if item.group(1):
                current.append(_unquote(item.group(1)))
        elif key is not None:
            values[key] = None  # a nested map or text over several lines: not a simple value
    return values, end + 1


def scalar(values: dict[str, Value], key: str) -> str | None:
    """The front matter value of ``key`` if it is a non-empty scalar."""
    value = values.get(key)
    return value if isinstance(value, str) and value else None


def clean_tag(tag: str) -> str | None:
    """``tag`` as a reslog tag (no ``#``; other characters become ``-``), or None if nothing is left."""
    tag = _TAG_BAD.sub("-", tag.strip().lstrip("#")).strip("-/")
    if not tag or _TAG_OK.fullmatch(tag) is None or not any(c.isalpha() or c == "_" for c in tag):
        return None
    return tag


def front_tags(values: dict[str, Value], keys: tuple[str, ...] = TAG_KEYS) -> list[str]:
    """The tags the front matter names under ``keys``, once each, in order."""
    tags: list[str] = []
    for key in keys:
        value = values.get(key)
        # a list item is one tag; a scalar is split at commas if it has any (Obsidian), else at
        # spaces (as Jekyll reads it)
        words = re.split("," if "," in value else r"\s+", value) if isinstance(value, str) else value or []
        for word in words:
            tag = clean_tag(word)
            if tag is not None and tag not in tags:
                tags.append(tag)
    return tags


__all__ = ["TAG_KEYS", "Value", "clean_tag", "front_matter", "front_tags", "scalar"]
