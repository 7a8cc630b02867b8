"""What of an entry is embedded: its text cut into passages a sentence model reads well.

all-MiniLM-L6-v2 was trained on passages of up to 128 word pieces and reads
at most 256, so a long entry (a pasted abstract, a day's lab notes) is cut
into windows of about :data:`WORDS` words, each opening with the entry's
first line for context; an entry scores as its best passage. Markup that
carries no meaning for the model goes first: ``[key:: value]`` fields, link
targets and URLs, and the contents of fenced code blocks (keyword search
still finds code). Pure text in, text out: the index stores each passage's
hash, so only new or changed passages are ever embedded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Words per passage (~128 word pieces of English prose).
WORDS = 90
#: Passages per entry: a 50-page paste is represented by its first ~3,000 words.
MAX_CHUNKS = 32
#: Words of the first line repeated at the head of each later passage.
TITLE_WORDS = 14

#: Markup without meaning for a reader of the words (also used by :mod:`reslog.ask` to quote).
FIELD = re.compile(r"\s*\[[\w.-]+::[^\]]*\]")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[.\]\s+)?(?:\d{1,2}:\d{2}\s+)?")
FENCE = re.compile(r"^\s*(```|~~~)")
_URL = re.compile(r"<?https?://\S+>?")


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, words) of each line of an entry outside fenced code, without its list
    marker, ``[key:: value]`` fields and link targets. A fence counts nested in a list item too
    (``  - ```r``), as imported notes write them."""
    fenced = False
    for offset, raw in enumerate(text.split("\n")):
        line = MARKER.sub("", raw)
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield offset, " ".join(LINK.sub(r"\1", FIELD.sub(" ", line)).split())


def clean(text: str) -> str:
    """The words of an entry without fields, link targets, URLs, list markers and code blocks."""
    return " ".join(" ".join(_URL.sub(" ", line) for _, line in prose_lines(text)).split())


def chunks(text: str) -> list[str]:
    """The passages to embed for an entry's text (its first line, then its nested lines)."""
    first, _, rest = text.partition("\n")
    title = clean(first).split()
    words = title + clean(rest).split()
    if not words:
        return []
    if len(words) <= WORDS + WORDS // 3:  # most entries: one passage, whole
        return [" ".join(words)]
    out = [" ".join(words[:WORDS])]
    head = title[:TITLE_WORDS]
    step = WORDS - len(head)
    for start in range(WORDS, len(words), step):
        if len(out) == MAX_CHUNKS:
            break
        out.append(" ".join(head + words[start : start + step]))
    return out
