"""What of an entry is embedded: its prose, cut into passages a sentence model reads well.

all-MiniLM-L6-v2 was trained on passages of up to 128 word pieces and reads
at most 256, so a long entry (a pasted abstract, a day's lab notes) is cut
into windows of about :data:`WORDS` words, each opening with the entry's
first line for context; an entry scores as its best passage. What carries no
meaning for the model goes first, because every word piece costs embedding
time and markup pulls passages towards each other: ``[key:: value]`` fields,
link targets and URLs, fenced code (keyword search still finds code), HTML
tags and entities, TeX, emphasis and heading marks, table rules and pipes.
An idea, a reflection or a to-do opens with what it is (``idea:`` ...), as a
``bug:`` or a ``decision:`` already does, since its section is part of what
it says. Pure text in, text out: the index stores each passage's hash, so
only new or changed passages are ever embedded.

How this was chosen (benchmarks/README.md, both question sets): cleaning the
markup raised semantic MRR on the notebook from 0.773 to 0.784; windows cut
at sentence ends (0.739) and tags read as words (0.754) or left out (0.766)
were worse and were not kept; the section label lifted the demo log's
semantic MRR from 0.528 to 0.539 and changed nothing on the notebook.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reslog.model import FIELD_VALUE

#: Words per passage (~128 word pieces of English prose).
WORDS = 90
#: Passages per entry: a 50-page paste is represented by its first ~3,000 words.
MAX_CHUNKS = 32
#: Words of the first line repeated at the head of each later passage.
TITLE_WORDS = 14
#: What an entry of a section opens with in its passages (the section keys of reslog.model).
SECTION_LABELS = {"ideas": "idea:", "reflection": "reflection:", "todo": "to-do:"}

#: Markup without meaning for a reader of the words (also used by :mod:`reslog.ask` to quote).
FIELD = re.compile(r"(?<!\s)\s*\[[\w.-]+::" + FIELD_VALUE + r"\]")
LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*(?:\([^()]*\)[^()]*)*\)")
MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[.\]\s+)?(?:\d{1,2}:\d{2}\s+)?")
FENCE = re.compile(r"^\s*(```|~~~)")
URL = re.compile(r"<?https?://\S+>?")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_HTML = re.compile(_TAG.pattern + r"|&[a-z]+;|&#\d+;")
_TEX = re.compile(r"\$\$.*?\$\$|\$[^$\s](?:[^$]*[^$\s])?\$|\\[A-Za-z]+")
_EMPHASIS = re.compile(r"(?<![\w*_~`])[*_~`]+|[*_~`]+(?![\w*_~`])")
_HEADING = re.compile(r"^\s*(?:>\s*)*#{1,6}\s+|^\s*>\s*")
_RULE = re.compile(r"^\s*(?:\|\s*)?:?-{3,}")


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, words) of each line of an entry outside fenced code, without its list
    marker, ``[key:: value]`` fields and link targets. A fence counts nested in a list item too
    (``  - ```r``), as imported notes write them."""
    fenced = False
    for offset, raw in enumerate(text.split("\n")):
        first = raw.lstrip()[:1]
        line = MARKER.sub("", raw) if first and first in "-*+0123456789" else raw
        if ("`" in line or "~" in line) and FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            # each pattern only where its mark is: a log is read whole at every reindex
            yield offset, " ".join(link_text(FIELD.sub(" ", line) if "::" in line else line).split())


def link_text(line: str) -> str:
    """``line`` with its Markdown links and images as their text, an image inside a link
    (``[![alt](src)](href)``, as blogs write them) as its alt text."""
    return LINK.sub(r"\1", LINK.sub(r"\1", line)) if "](" in line else line


#: A line that starts a block of its own rather than continuing a wrapped paragraph.
_BLOCK = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\|)")
#: A heading line (``## Cloud-config ##``): a paragraph of its own.
_ATX = re.compile(r"^\s*#{1,6}\s")
#: A Markdown rule, or the underline of a heading (``-----`` / ``=====``).
_UNDERLINE = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,}|_{3,})\s*$")


def prose_paragraphs(text: str) -> Iterator[list[tuple[int, str]]]:
    """The prose lines of an entry (:func:`prose_lines`) in paragraphs: a line wrapped by its
    writer (``Parallelized LR_bootstrap_all() and`` / ``bootstrapping functions.``) belongs
    with the one before it. A paragraph ends at a blank line, a fence, and before a list item,
    heading, quote, table or rule; the entry's first line and a heading are paragraphs of their
    own."""
    raw = text.split("\n")
    paragraph: list[tuple[int, str]] = []
    previous = -1
    for offset, line in prose_lines(text):
        if _UNDERLINE.match(raw[offset]):  # the line above was a heading: a paragraph of its own
            if len(paragraph) > 1:
                yield paragraph[:-1]
            if paragraph:
                yield paragraph[-1:]
            paragraph, previous = [], offset
            continue
        starts = (offset == 1 or offset != previous + 1 or not line or bool(_BLOCK.match(raw[offset]))
                  or (previous >= 0 and bool(_ATX.match(raw[previous]))))  # after a heading: anew
        if paragraph and starts:
            yield paragraph
            paragraph = []
        if line:
            paragraph.append((offset, line))
        previous = offset
    if paragraph:
        yield paragraph


#: The space a removed tag leaves before a mark (``<a ..>@neurocy</a>:``).
_BEFORE_MARK = re.compile(r" (?=[,.;:!?])")
#: A tag wrapped over lines by its quoted attribute: its start (``<span title="Carpenter S and``)
#: and its end (``Transform.)">``); what looks like HTML only (``="`` and ``">``), not ``a < b``.
_TAG_START = re.compile(r"<[A-Za-z][\w-]*(?:\s+[\w-]+=\"[^\"<>]*\")*\s+[\w-]+=\"[^\"<>]*$")
_TAG_END = re.compile(r"^[^\"<>]*\"\s*/?>")


def without_html(line: str) -> str:
    """A line as a reader sees it in a browser: HTML tags gone, entities read (``&amp;`` as ``&``).
    Notebook posts paste tweets and write HTML; a quote or a search result shows their words."""
    if "<" not in line and "&" not in line and '">' not in line:
        return line
    import html  # only for a line that may hold HTML

    line = _TAG_END.sub(" ", _TAG_START.sub(" ", line))
    return _BEFORE_MARK.sub("", " ".join(html.unescape(_TAG.sub(" ", line)).split()))


def _words(line: str) -> str:
    """A prose line as the model should read it: no URLs, HTML, TeX, emphasis or heading marks,
    table rules or pipes."""
    if "---" in line and _RULE.match(line):
        return ""
    # each pattern only where its mark is (most lines hold none): reading the 10-year log for its
    # passages took a third of a full reindex
    if "#" in line or ">" in line:
        line = _HEADING.sub("", line)
    if "http" in line:
        line = URL.sub(" ", line)
    if "<" in line or "&" in line:
        line = _HTML.sub(" ", line)
    if "$" in line or "\\" in line:
        line = _TEX.sub(" ", line)
    if any(mark in line for mark in "*_~`"):
        line = _EMPHASIS.sub("", line)
    return " ".join(line.replace("|", " ").split())


def clean(text: str) -> str:
    """The words of an entry without fields, links' targets, URLs, markup, list markers and code."""
    return " ".join(" ".join(_words(line) for _, line in prose_lines(text)).split())


def chunks(text: str, section: str | None = None) -> list[str]:
    """The passages to embed for an entry's text (its first line, then its nested lines) in
    ``section`` (a section key: ``ideas``, ``done`` ...)."""
    first, _, rest = text.partition("\n")
    title = clean(first).split()
    label = SECTION_LABELS.get(section or "")
    if label is not None:
        title = [label, *title]
    words = title + clean(rest).split()
    if not words or words == [label]:
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
