"""Search results as a person scans them in a terminal.

One result is one head line and at most :data:`MATCH_LINES` more::

    2012-05-14 09:12 exp  Ran the value-of-information model   days/2012/2012-05-14.md:12
        … the **value** of **information** drops once the prior is …

the date, the time, the kind (or the section, or ``note``), the entry's first
line (without its ``[key:: value]`` fields), and its citation; then the lines
of the entry that hold the most query words (HTML shown as its text), each cut to the terminal's width
around its first match, with the query's words highlighted (on a narrow
terminal the citation gets a line of its own). ``--full`` prints whole
entries instead. A footer says how many entries matched in all (``20 of
143``) and how to see more.
Widths are counted in terminal cells, so CJK text is cut where it ends on
screen. Free of click: the search command runs on the fast path.
"""

from __future__ import annotations

import re

from reslog.cells import cells, char_cells
from reslog.chunks import FIELD, without_html
from reslog.cli.style import style
from reslog.search import marks
from reslog.words import noun_for

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from reslog.search import Hit

#: Lines of an entry shown under its head line, besides the first line.
MATCH_LINES = 2
#: The fewest cells of the first line shown beside the citation (narrower: the citation goes below).
MIN_TITLE = 40
#: The width when the output is not a terminal and $COLUMNS is not set.
PIPE_WIDTH = 100
_ELLIPSIS = "…"


def width() -> int:
    """The terminal's width in cells ($COLUMNS first, as shells set it), at least 40."""
    import shutil

    return max(40, shutil.get_terminal_size((PIPE_WIDTH, 24)).columns)


def cut(text: str, room: int, around: int = 0) -> str:
    """``text`` cut to ``room`` cells, keeping position ``around`` in view; ``…`` marks a cut."""
    if cells(text) <= room:
        return text
    start = 0
    if around > room // 3:
        start = around - room // 3
        # do not scroll further than needed to fill the room with the end of the text
        while start > 0 and cells(text[start - 1:]) <= room - 1:
            start -= 1
    head = _ELLIPSIS if start > 0 else ""
    out = head
    used = cells(head)
    for ch in text[start:]:
        size = char_cells(ch)
        if used + size > room - 1:
            return out + _ELLIPSIS
        out += ch
        used += size
    return out


#: A word, where a citation (``[2, 3]``, ``[2026-11-20 #3]``) counts as one: never broken inside.
_WORD = re.compile(r"(?:\[(?:\d+(?:,\s*\d+)*|\d{4}-\d{2}-\d{2}(?:\s+#\d+)?)\]|\S)+")


def wrap(
    text: str, room: int, indent: str = "  ", hang: str = "    ", tail: str = "", tail_cells: int = 0
) -> list[str]:
    """``text`` in lines of at most ``room`` cells, broken between words: the first line opens
    with ``indent``, the others with ``hang``; ``tail`` (``tail_cells`` wide on screen, e.g. a
    styled citation) ends the last line two cells after the text, or takes a line of its own.
    A word longer than a line (a URL, a path) is a line of its own, not cut; so is a citation."""
    lines: list[str] = []
    words: list[str] = []
    lead, used = indent, cells(indent)
    for word in _WORD.findall(text):
        size = cells(word)
        if words and used + 1 + size > room:
            lines.append(lead + " ".join(words))
            lead, words, used = hang, [], cells(hang)
        used += size + (1 if words else 0)
        words.append(word)
    last = lead + " ".join(words)
    if tail and used + 2 + tail_cells > room:
        lines.append(last)
        last = hang + tail
    elif tail:
        last += "  " + tail
    return [*lines, last]


def highlight(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda m: style(m.group(0), fg="yellow", bold=True), text)


def _label(hit: Hit) -> str:
    label = hit.label
    if hit.state is not None:
        label = f"[{hit.state}] {label}"
    return label


def _best_lines(lines: list[str], pattern: re.Pattern[str] | None) -> list[str]:
    """The lines (after the first) with the most distinct query words, in their order."""
    if pattern is None:
        return []
    scored = []
    for n, line in enumerate(lines):
        found = {m.group(1).lower() for m in pattern.finditer(line)}
        if found:
            scored.append((-len(found), n))
    return [lines[n] for _, n in sorted(sorted(scored)[:MATCH_LINES], key=lambda item: item[1])]


def hit_lines(hit: Hit, words: tuple[str, ...], room: int, full: bool = False,
              kind: str | None = None) -> list[str]:
    """The terminal lines of one result (see the module's docstring). With ``kind`` (``search
    --kind thought``) an entry found by what is nested under it shows those lines of that kind
    first: the thoughts asked for, under the entry they are about."""
    pattern = marks(words)
    text = hit.text.split("\n")
    first = text[0].strip() if full else " ".join(FIELD.sub(" ", text[0]).split())
    head = hit.date + (f" {hit.time}" if hit.time else "")
    label = _label(hit)
    citation = hit.citation
    if full:
        top = f"{style(head, bold=True)} {style(label, fg='cyan')}  {highlight(first, pattern)}  " + style(
            citation, dim=True)
        return [top] + ["    " + highlight(more, pattern) for more in text[1:]]
    fixed = cells(head) + 1 + cells(label) + 2
    beside = room - fixed - 2 - cells(citation) >= MIN_TITLE  # else the citation gets its own line
    title = room - fixed - (2 + cells(citation) if beside else 0)
    shown = cut(first, max(10, title))  # its start: what the entry is about
    top = f"{style(head, bold=True)} {style(label, fg='cyan')}  {highlight(shown, pattern)}"
    if beside:
        top += " " * max(2, title - cells(shown) + 2) + style(citation, dim=True)
    out = [top] if beside else [top, "    " + style(citation, dim=True)]
    rest = [shown for line in text[1:] if (shown := without_html(line.strip()))]
    asked = [] if kind is None or hit.kind == kind else [
        f"{child['kind']}: {child['text']}" for child in hit.children if child["kind"] == kind
    ]
    for line in asked:
        out.append("    " + highlight(cut(line, room - 4, _first_match(line, pattern)), pattern))
    for line in _best_lines([line for line in rest if line[2:] not in asked], pattern):
        out.append("    " + highlight(cut(line, room - 4, _first_match(line, pattern)), pattern))
    return out


def _first_match(text: str, pattern: re.Pattern[str] | None) -> int:
    match = pattern.search(text) if pattern is not None else None
    return match.start() if match else 0


def render(hits: list[Hit], words: tuple[str, ...], total: int, limit: int, full: bool = False,
           listing: bool = False, notices: tuple[str, ...] = (), kind: str | None = None) -> list[str]:
    """Every result, a blank line between them when they run over one line, then the footer:
    ``notices`` (one line each), and how many matched in all."""
    room = width()
    blocks = [hit_lines(hit, words, room, full, kind) for hit in hits]
    spaced = any(len(block) > 1 for block in blocks)
    out: list[str] = []
    for block in blocks:
        out += block
        if spaced:
            out.append("")
    if not spaced:
        out.append("")
    out += list(notices)
    out.append(footer(len(hits), total, limit, full, listing))
    return out


def footer(shown: int, total: int, limit: int, full: bool, listing: bool) -> str:
    order = "the latest " if listing and shown < total else ""
    text = f"{order}{shown} of {total} {noun_for(total, 'entry')}"
    hints = []
    if shown < total:
        hints.append(f"--limit {min(total, max(limit * 2, 50))} for more")
    if not full:
        hints.append("--full for whole entries")
    return style(text + ("; " + ", ".join(hints) if hints else ""), dim=True)
