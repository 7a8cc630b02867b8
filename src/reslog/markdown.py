"""Parse and render day pages, and edit them one line at a time.

The contract is the one the log's trust rests on: ``render(parse(text)) ==
text`` for *any* text, and every edit function returns a page whose lines are
the old lines, unchanged, plus or minus only the lines the edit is about. The
parser never fails: a line it does not understand is free text and stays as
it was. Fenced code blocks and multi-line HTML comments are opaque.

Recognised structure (see docs/format.md for the normative spec):

* optional YAML front matter between ``---`` lines (flat ``key: value`` read);
* ``# Title``; ``## Section`` headings (known ones map to section keys);
* top-level list items (``-``, ``*`` or ``+`` at column 0) are entries; the
  indented, non-blank lines right after an item belong to it, and indented
  list items among them are its nested entries;
* in an entry: ``[c]`` checkbox, ``HH:MM`` time, ``kind:`` word, ``#tags``,
  ``[key:: value]`` fields and ``★``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reslog.model import (
    FIELD_PATTERN,
    KINDS,
    REASONING_LABELS,
    SECTION_ALIASES,
    SECTION_ORDER,
    SECTION_TITLES,
    STAR,
    THINKING_KINDS,
    Entry,
    Page,
    Section,
)

BOM = "\ufeff"

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NESTED_FENCE = re.compile(r"^[ \t]+(`{3,}|~{3,})")
#: Values of the opaque mask: inside a page-level block; inside a block nested in an entry.
_OPAQUE = 1
_NESTED = 2
_ITEM = re.compile(r"^([ \t]*)[-*+][ \t]+(?:\[([^\d\]])\](?:[ \t]+|$))?(.*)$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")  # a thematic break, not an item
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?=\s|$)\s*")
_KIND = re.compile(r"^(" + "|".join(KINDS) + r"):(?:\s+|$)")
# A label that opens a nested line as a kind word would (``cmd: python train.py``), read as a kind is.
_LABEL = re.compile(r"^([a-z][a-z0-9_-]*):(?:\s+|$)")
_TAG = re.compile(r"(?<![\w&/#\[])#(?=[\w/-]*[^\W\d])([\w][\w/-]*)")
_FIELD = FIELD_PATTERN
#: The pattern of a ``#tag``, for renderers that mark them up (fields: reslog.model.FIELD_PATTERN).
TAG_PATTERN = _TAG
_FRONT_KEY = re.compile(r"^([\w-]+)[ \t]*:[ \t]*(.*?)[ \t]*$")


def opaque_lines(page: Page) -> list[bool]:
    """For each line of the page: inside a code fence or a multi-line HTML comment?"""
    mask = _opaque_mask([line.rstrip("\r\n") for line in page.lines], page.body_start)[0]
    return [bool(value) for value in mask]


def split_lines(text: str) -> list[str]:
    """Split on ``\\n``, ``\\r\\n`` and ``\\r``, keeping each line's ending."""
    return _LINE.findall(text)


def _strip_end(line: str) -> str:
    return line.rstrip("\r\n")


def parse(text: str) -> Page:
    """Parse a page. Never raises; ``render(parse(text)) == text``."""
    bom = text.startswith(BOM)
    lines = tuple(split_lines(text[1:] if bom else text))
    return _build(bom, lines)


def render(page: Page) -> str:
    return (BOM if page.bom else "") + "".join(page.lines)


def _front_matter(lines: Sequence[str]) -> tuple[int, tuple[tuple[str, str], ...]]:
    """Where the front matter ends (index of the first line after it) and its flat keys."""
    if not lines or _strip_end(lines[0]).rstrip() != "---":
        return 0, ()
    pairs: list[tuple[str, str]] = []
    for i in range(1, len(lines)):
        body = _strip_end(lines[i])
        if body.rstrip() in ("---", "..."):
            return i + 1, tuple(pairs)
        match = _FRONT_KEY.match(body)
        if match:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            pairs.append((match.group(1), value))
    return 0, ()  # an unclosed block is not front matter


def _opaque_mask(lines: Sequence[str], start: int) -> tuple[list[int], tuple[int, str] | None]:
    """For each line: 0, or :data:`_OPAQUE` inside fenced code or a multi-line HTML comment
    (fence lines included), or :data:`_NESTED` when that block opened inside an entry's block;
    and where a page-level block left open at the end starts, with the line that closes it.

    A block is nested when its first line is indented and follows an entry's block (a top-level
    item and its indented lines): it belongs to that entry, blank lines included, up to its
    closing line or, unclosed, up to the next line at column 0 (which ends the entry, and the
    code with it, as CommonMark ends a list item). A fence or comment nested that way may be
    indented any amount.
    """
    mask = [0] * len(lines)
    fence: str | None = None
    in_comment = False
    nested = False
    in_block = False
    opened_at = 0
    for i in range(start, len(lines)):
        body = _strip_end(lines[i])
        if (fence is not None or in_comment) and nested and body[:1] not in ("", " ", "\t"):
            _unmark_blank_tail(mask, lines, opened_at, i)
            fence, in_comment, nested = None, False, False  # and read this line afresh, below
        if fence is not None:
            mask[i] = _NESTED if nested else _OPAQUE
            stripped = body.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            continue
        if in_comment:
            mask[i] = _NESTED if nested else _OPAQUE
            if "-->" in body:
                in_comment = False
            continue
        indented = body[:1] in (" ", "\t")
        if not body.strip():
            in_block = False  # a blank line ends an entry's block
        elif not indented:
            in_block = body[0] in "-*+" and _ITEM.match(body) is not None and _BREAK.match(body) is None
        nest = in_block and indented
        match = (_NESTED_FENCE if nest else _FENCE).match(body)
        lead = len(body) - len(body.lstrip(" \t" if nest else " "))
        # An HTML comment block starts a line (CommonMark: at most 3 spaces before it, or nested
        # in an entry); a "<!--" inside an entry's text is text.
        comment = body[lead:lead + 4] == "<!--" and (nest or lead <= 3) and "-->" not in body[lead:]
        if match is None and not comment:
            continue
        if match is not None:
            fence = match.group(1)
        in_comment = match is None
        nested = nest
        in_block = nest
        mask[i] = _NESTED if nest else _OPAQUE
        opened_at = i
    if (fence is not None or in_comment) and nested:
        _unmark_blank_tail(mask, lines, opened_at, len(lines))
        return mask, None
    if fence is not None:
        return mask, (opened_at, fence)
    if in_comment:
        return mask, (opened_at, "-->")
    return mask, None


def _unmark_blank_tail(mask: list[int], lines: Sequence[str], opened_at: int, end: int) -> None:
    """Blank lines that end a nested block left open are not part of it (nor of its entry)."""
    j = end - 1
    while j > opened_at and not lines[j].strip():
        mask[j] = 0
        j -= 1


def _indent_width(prefix: str) -> int:
    return len(prefix.expandtabs(4))


def split_indent(line: str) -> tuple[int, str]:
    """(the columns of a line's indentation, a tab reaching the next multiple of four as the
    parser nests items: format.md §4; the rest of the line)."""
    rest = line.lstrip(" \t")
    prefix = line[: len(line) - len(rest)]
    return (_indent_width(prefix) if "\t" in prefix else len(prefix)), rest


def indent_width(line: str) -> int:
    """The columns of a line's indentation (:func:`split_indent`)."""
    return split_indent(line)[0]


#: Text that opens with a checkbox as :data:`_ITEM` reads one (``[ ] note``, ``[x] done``).
_OPENING_BOX = re.compile(r"^(\[[^\d\]]\])(?=[ \t]|$)")


def escape_checkbox(text: str) -> str:
    """``text`` with the ``[`` of a checkbox it opens with escaped (``\\[ ] note``), as Markdown
    escapes it: written after a list marker, the line stays the text it was and does not read
    back as a to-do (docs/format.md 4.1). Other text is returned as it is."""
    return _OPENING_BOX.sub(r"\\\1", text)


def list_item(line: str) -> tuple[str | None, str] | None:
    """The kind and text of the list item written on ``line`` (``  - 10:05 feel: tired``:
    ``("feel", "tired")``), read as the parser reads an entry or a nested item (marker, box,
    time, kind); None for a line that is not a list item."""
    match = _ITEM.match(line)
    if match is None or _BREAK.match(line):
        return None
    rest = match.group(3)
    time_match = _TIME.match(rest)
    if time_match:
        rest = rest[time_match.end():]
    kind, text = split_kind(rest)
    return kind, text.rstrip()


def entry_level(
    section: str | None, depth: int, kind: str | None, text: str = "", imported: bool = False
) -> int:
    """The level of an entry (docs/format.md §5) from its section, depth, kind and text; a nested
    one is reasoning unless it is a labelled detail (``cmd: ...``, a field in all but syntax) or
    the body of an ``imported`` note (code, links and sub-lists of a note written elsewhere)."""
    if section == "reflection":
        return 2
    if kind in THINKING_KINDS or section == "ideas":
        return 1
    if depth > 0 and not imported:
        label = _LABEL.match(text)
        return 1 if label is None or label.group(1) in REASONING_LABELS else 0
    return 0


def _parse_item(
    bodies: Sequence[str], opaque: Sequence[int], index: int, end: int, section: str | None,
    heading: str | None, depth: int, imported: bool = False,
) -> Entry | None:
    """Parse the list item at ``index`` whose block ends at ``end``; None if not an item.
    ``imported``: the item is nested in an imported entry (its level depends on it)."""
    body = bodies[index]
    match = _ITEM.match(body)
    if match is None or _BREAK.match(body):
        return None
    indent, state, rest = match.groups()
    time = None
    time_match = _TIME.match(rest)
    if time_match:
        time = f"{int(time_match.group(1)):02d}:{time_match.group(2)}"
        rest = rest[time_match.end():]
    kind, rest = split_kind(rest)
    text = rest.rstrip()
    fields = read_fields(text) if "::" in text else ()
    imported = imported or any(key == "imported" for key, _ in fields)
    children = (
        _children(bodies, opaque, index + 1, end, _indent_width(indent), section, heading, imported)
        if end > index + 1 else ()
    )
    return Entry(
        section=section,
        heading=heading,
        index=index,
        end=end,
        depth=depth,
        state="x" if state == "X" else state,
        time=time,
        kind=kind,
        text=text,
        tags=read_tags(text) if "#" in text else (),
        fields=fields,
        starred=STAR in text,
        level=entry_level(section, depth, kind, text, imported),
        children=children,
    )


def _children(
    bodies: Sequence[str], opaque: Sequence[int], start: int, end: int, parent_indent: int,
    section: str | None, heading: str | None, imported: bool,
) -> tuple[Entry, ...]:
    """Nested list items directly under a parent (deeper lines belong to them; code and
    comments nested in the entry hold none)."""
    items: list[int] = []
    child_indent: int | None = None
    for i in range(start, end):
        match = None if opaque[i] else _ITEM.match(bodies[i])
        if match is None:
            continue
        width = _indent_width(match.group(1))
        if width <= parent_indent:
            continue
        if child_indent is None or width <= child_indent:
            child_indent = width
            items.append(i)
    found: list[Entry] = []
    for n, i in enumerate(items):
        stop = items[n + 1] if n + 1 < len(items) else end
        child = _parse_item(bodies, opaque, i, stop, section, heading, 1, imported)
        if child is not None:
            found.append(child)
    return tuple(found)


def _entries(
    bodies: Sequence[str], start: int, end: int, opaque: Sequence[int],
    section: str | None, heading: str | None,
) -> tuple[Entry, ...]:
    found: list[Entry] = []
    i = start
    while i < end:
        body = bodies[i]
        if opaque[i] or not body or body[0] not in "-*+" or _ITEM.match(body) is None:
            i += 1
            continue
        stop = i + 1
        while stop < end and opaque[stop] != _OPAQUE:
            nxt = bodies[stop]
            if opaque[stop] != _NESTED and (not nxt or nxt[0] not in " \t" or not nxt.strip()):
                break
            stop += 1
        entry = _parse_item(bodies, opaque, i, stop, section, heading, 0)
        if entry is not None:
            found.append(entry)
        i = stop
    return tuple(found)


def read_tags(text: str) -> tuple[str, ...]:
    """The ``#tags`` of a line's text, once each, in order."""
    return tuple(dict.fromkeys(t.rstrip("/-") for t in _TAG.findall(text)))


def text_tags(text: str) -> tuple[str, ...]:
    """The ``#tags`` a line of text holds outside its inline code spans (a tag in ```#x``` is code)."""
    return read_tags(_masked(text) if "`" in text else text)


def tag_matches(tag: str, wanted: str) -> bool:
    """Whether ``tag`` is ``wanted`` or nested under it, in any case, as search matches tags
    (``--tag private`` finds ``#Private`` and ``#private/health``)."""
    tag, wanted = tag.lower(), wanted.lstrip("#").lower()
    return tag == wanted or tag.startswith(wanted + "/")


def strip_tags(text: str) -> str:
    """``text`` without its ``#tags`` (the same tags :func:`read_tags` reads)."""
    return " ".join(_TAG.sub(" ", text).split())


def read_fields(text: str) -> tuple[tuple[str, str], ...]:
    """The ``[key:: value]`` fields of a line's text, in order; a field inside a code span
    (```[took:: 5m]```) is text, not a field."""
    if "`" not in text:
        return tuple((k.strip(), v) for k, v in _FIELD.findall(text))
    return tuple((m.group(1).strip(), text[m.start(2):m.end(2)]) for m in _FIELD.finditer(_masked(text)))


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inline code spans of a line: a run of backticks up to the next run of
    exactly as many (CommonMark); an opening run without its match is literal text."""
    spans: list[tuple[int, int]] = []
    i = text.find("`")
    while i >= 0:
        j = i
        while j < len(text) and text[j] == "`":
            j += 1
        k = text.find("`" * (j - i), j)
        while k >= 0:
            end = k
            while end < len(text) and text[end] == "`":
                end += 1
            if end - k == j - i:
                spans.append((i, end))
                j = end
                break
            k = text.find("`" * (j - i), end)
        i = text.find("`", j)
    return spans


def _masked(text: str) -> str:
    """``text`` with its code spans blanked out (same length), so that nothing in them is read."""
    for start, end in _code_spans(text):
        text = text[:start] + "\x00" * (end - start) + text[end:]
    return text


#: Characters a field's value may not hold: the bracket that ends it, and line breaks (every
#: character an editor may show as one, not only those reslog splits lines on).
_NOT_IN_VALUE = {"]": "']'", **dict.fromkeys("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", "a line break")}


def field_problem(value: str) -> str | None:
    """What in ``value`` would break ``[key:: value]`` or its line (``']'``, ``a line break``),
    or None: the one rule for every value that reslog writes into a field."""
    for char in value:
        if char in _NOT_IN_VALUE:
            return _NOT_IN_VALUE[char]
    return None


def field(key: str, value: str) -> str:
    """``[key:: value]``; a value that would break it (see :func:`field_problem`) is a ValueError."""
    problem = field_problem(value)
    if problem is not None:
        raise ValueError(f"the value of {key} cannot hold {problem}")
    return f"[{key}:: {value}]"


def _tail(masked: str) -> int:
    """Where the run of fields, tags and ``★`` that ends a line's text begins (its length if
    none). reslog's own fields live there: it writes them at the end of the line, and only
    there does it change them; a field-like text earlier in the line is the person's text."""
    ends: dict[int, int] = {}
    for pattern in (_FIELD, _TAG):
        for match in pattern.finditer(masked):
            ends.setdefault(match.end(), match.start())
    start = at = len(masked.rstrip())
    while at > 0:
        if masked[at - 1] == STAR:
            begin = at - 1
        elif at in ends:
            begin = ends[at]
        else:
            break
        if begin > 0 and masked[begin - 1] not in " \t":
            break
        start = begin
        at = len(masked[:begin].rstrip(" \t"))
    return start


def tail_field(text: str, key: str) -> str | None:
    """The value of the last ``[key:: value]`` among the fields that end ``text``."""
    found = _own_fields(text, key)
    return text[found[-1].start(2):found[-1].end(2)] if found else None


def strip_fields(text: str) -> str:
    """``text`` without its ``[key:: value]`` fields, blanks squeezed."""
    return " ".join(_FIELD.sub(" ", text).split())


def split_kind(text: str) -> tuple[str | None, str]:
    """The kind word that opens ``text`` (``exp: ...``), if any, and the rest."""
    match = _KIND.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end():]


def section_key(title: str) -> str | None:
    """The section key for a heading as a person may write it, or None."""
    return SECTION_ALIASES.get(title.strip().rstrip(":").strip().lower())


def _build(bom: bool, lines: tuple[str, ...]) -> Page:
    bodies = [line.rstrip("\r\n") for line in lines]
    body_start, front = _front_matter(bodies)
    opaque, unclosed = _opaque_mask(bodies, body_start)
    title: str | None = None
    heads: list[tuple[int, str]] = []
    for i in range(body_start, len(lines)):
        if opaque[i] or not bodies[i].startswith("#"):
            continue
        match = _HEADING.match(bodies[i])
        if not match:
            continue
        if len(match.group(1)) == 1 and title is None and not heads:
            title = match.group(2)
        elif len(match.group(1)) == 2:
            heads.append((i, match.group(2)))
    first = heads[0][0] if heads else len(lines)
    preamble = _entries(bodies, body_start, first, opaque, None, None)
    sections: list[Section] = []
    for n, (i, name) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        key = section_key(name)
        sections.append(Section(key, name, i, stop, _entries(bodies, i + 1, stop, opaque, key, name)))
    return Page(bom, lines, front, title, preamble, tuple(sections), unclosed, body_start)


# --- edits: each returns a new page that differs only in the lines it names ---


def with_lines(page: Page, lines: Iterable[str]) -> Page:
    return _build(page.bom, tuple(lines))


def _terminated(page: Page, lines: list[str], at: int) -> None:
    """Make sure the line before position ``at`` ends with a newline (EOF without one)."""
    if at > 0 and lines[at - 1] == _strip_end(lines[at - 1]):
        lines[at - 1] += page.newline


def _closer(page: Page, at: int) -> list[str]:
    """The line that must come first when inserting at ``at`` inside a block left open."""
    if page.unclosed is not None and at > page.unclosed[0]:
        return [page.unclosed[1]]
    return []


def insert_lines(page: Page, at: int, new: Sequence[str]) -> Page:
    """Insert ``new`` (bodies without line endings) before line ``at``.

    Inserting into a code fence or HTML comment left open at the end of the
    text would hide the new lines, so such a block is closed first (the only
    case where the page gains a line it was not asked for).
    """
    new = [*_closer(page, at), *new]
    lines = list(page.lines)
    _terminated(page, lines, at)
    lines[at:at] = [body + page.newline for body in new]
    return with_lines(page, lines)


def _content_end(page: Page, start: int, end: int) -> int:
    """Position just after the last non-blank line in ``[start, end)`` (or ``start``)."""
    last = start
    for i in range(start, end):
        if page.lines[i].strip():
            last = i + 1
    return last


def ensure_section(page: Page, key: str) -> tuple[Page, Section]:
    """The page with section ``key`` present; a missing heading is added in its usual place."""
    found = page.section(key)
    if found is not None:
        return page, found
    rank = SECTION_ORDER.index(key)
    later = [s for s in page.sections if s.key in SECTION_ORDER[rank + 1:]]
    heading = "## " + SECTION_TITLES[key]
    if later:
        at = later[0].index
        new = [heading, ""]
    else:
        at = len(page.lines)
        new = ["", heading] if page.lines and page.lines[-1].strip() else [heading]
    page = insert_lines(page, at, new)
    section = page.section(key)
    assert section is not None
    return page, section


def append_entry(page: Page, key: str, new: Sequence[str]) -> tuple[Page, int]:
    """Add an entry's lines at the end of a section, after its last non-blank line.

    Returns the new page and the index of the first added line.
    """
    page, section = ensure_section(page, key)
    at = _content_end(page, section.index, section.end)
    return insert_lines(page, at, new), at + len(_closer(page, at))


def child_indent(entry: Entry, lines: Sequence[str]) -> str:
    """The indentation of the entry's nested items (that of the first one, else two spaces more)."""
    if entry.children:
        match = _ITEM.match(_strip_end(lines[entry.children[0].index]))
        if match:
            return match.group(1)
    match = _ITEM.match(_strip_end(lines[entry.index]))
    base = match.group(1) if match else ""
    return base + ("\t" if base.startswith("\t") else "  ")


def add_children(page: Page, entry: Entry, bodies: Sequence[str]) -> Page:
    """Nest list items under ``entry``, after its last line (closing first a code block or
    comment the entry leaves open, which would otherwise hide them)."""
    indent = child_indent(entry, page.lines)
    closer = _nested_closer(page.lines, entry.index + 1, entry.end)
    return insert_lines(page, entry.end, [*closer, *(f"{indent}- {body}" for body in bodies)])


def _nested_closer(lines: Sequence[str], start: int, end: int) -> list[str]:
    """The line that closes a fence or comment nested in lines ``[start, end)`` and left open."""
    fence: str | None = None
    comment = False
    lead = ""
    for i in range(start, end):
        body = _strip_end(lines[i])
        stripped = body.strip()
        if fence is not None:
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
        elif comment:
            comment = "-->" not in body
        else:
            match = _NESTED_FENCE.match(body) or _FENCE.match(body)
            lead = body[: len(body) - len(body.lstrip(" \t"))]
            if match is not None:
                fence = match.group(1)
            else:
                comment = stripped.startswith("<!--") and "-->" not in stripped
    if fence is not None:
        return [lead + fence]
    return [lead + "-->"] if comment else []


def replace_line(page: Page, index: int, body: str) -> Page:
    """Replace one line's text, keeping its line ending."""
    lines = list(page.lines)
    old = lines[index]
    lines[index] = body + old[len(_strip_end(old)):]
    return with_lines(page, lines)


def line_body(page: Page, index: int) -> str:
    return _strip_end(page.lines[index])


def set_state(body: str, state: str) -> str:
    """Change the checkbox character of a task line's text."""
    match = _ITEM.match(body)
    if match is None or match.group(2) is None:
        raise ValueError("not a task line")
    at = body.index("[", len(match.group(1))) + 1
    return body[:at] + state + body[at + 1:]


def _own_fields(body: str, key: str) -> list[re.Match[str]]:
    """The ``key`` fields among those that end the line (see :func:`_tail`), outside code spans."""
    masked = _masked(body)
    return [m for m in _FIELD.finditer(masked, _tail(masked)) if m.group(1).strip() == key]


def set_field(body: str, key: str, value: str) -> str:
    """Set ``[key:: value]`` on a line: replace the last one among the fields that end the line,
    else append it; a field-like text earlier in the line, or in a code span, is left alone."""
    spans = _own_fields(body, key)
    if spans:
        last = spans[-1]
        return body[: last.start()] + field(key, value) + body[last.end():]
    return body.rstrip() + " " + field(key, value)


def remove_field(body: str, key: str) -> str:
    """Remove every ``[key:: ...]`` among the fields that end the line, with the space before it."""
    out = body
    for match in reversed(_own_fields(body, key)):
        start = match.start()
        if start > 0 and out[start - 1] == " ":
            start -= 1
        out = out[:start] + out[match.end():]
    return out
