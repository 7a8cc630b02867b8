"""What is left out of what the log shows to others: private entries, feelings, thoughts, reflection.

Every view of the log meant for someone else takes its text through this
module: the exports (:mod:`reslog.exporters`, ``reslog export``) and the MCP
server (:mod:`reslog.mcp`, whose client is usually an agent in the cloud). One
rule decides what is private, :func:`left_out`, for entries, day pages and
week pages alike.

Redactions:

* ``private``: a list item that carries ``#private`` (or a nested
  ``#private/...``; any case, as search matches tags: ``#Private``,
  ``#PRIVATE/health``) as a tag on its first line or anywhere in its own text
  (its continuation lines before its first nested item, outside inline code
  and code blocks), whole: with its continuation lines and everything nested
  under it. A nested item is judged by the same rule on its own text. On a
  page, outside list items: a paragraph or a quote block that carries the tag
  on any line, whole; a heading that carries it, with its section up to the
  next heading of the same or a higher level;
* ``feelings``: a ``feel:`` item (an entry or a nested item whose kind is
  ``feel:``, read as the parser reads kinds), whole; ``feel:`` elsewhere in a
  line is text;
* ``thoughts``: every level-1 entry (``thought:``, ``feel:``, ``decision:``,
  random ideas) and every nested line;
* ``reflection``: level-2 entries (the Reflection section), and the
  researcher's own sections of a week page.

:data:`DEFAULT` (private entries and feelings) is what every export and the
MCP server leave out unless told otherwise (``--no-redact``).

Week review pages (``weeks/YYYY/YYYY-Www.md``) go through :func:`redact_week`:
private and feelings by :func:`left_out`, ``thoughts`` the generated digest of
ideas, and ``reflection`` the researcher's own sections (Reflection, Next
week's focus). The generated blocks were written from every entry of the week,
so what they say in the log's own words is checked too: a theme of ideas (or
of What was done) that were all left out goes, a theme is named only by words
of the entries left in (and counts them, in What was done),
and a prompt that quotes entries the export does not show is left out. Counts
(the week in figures) stay as they are: they say how much, not what.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from reslog import markdown
from reslog.frontmatter import front_matter, front_tags
from reslog.model import FIELD_PATTERN, NO_SHARED_THEME, STAR, quoted_entry, quoted_words, week_own_section
from reslog.search import Hit
from reslog.words import plural

REDACTIONS = ("private", "feelings", "thoughts", "reflection")
#: What is left out unless told otherwise (``--no-redact``): by every export and the MCP server.
DEFAULT = ("private", "feelings")

#: A heading line (ATX): its level is the number of ``#``.
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")


def _tagged(line: str) -> bool:
    """Whether a first line or a heading carries ``#private`` as a tag (inline code included, as
    the index reads an entry's first line)."""
    return "#" in line and any(markdown.tag_matches(tag, "private") for tag in markdown.read_tags(line))


def _tagged_text(line: str) -> bool:
    """Whether a line of text (not an item's first line) carries ``#private`` outside inline code."""
    return "#" in line and any(markdown.tag_matches(tag, "private") for tag in markdown.text_tags(line))


def _feeling(line: str) -> bool:
    """Whether ``line`` is a ``feel:`` item, its kind read as the parser reads it."""
    item = markdown.list_item(line)
    return item is not None and item[0] == "feel"


def left_out(lines: Sequence[str], what: Collection[str]) -> list[bool]:
    """For each line of a Markdown text (a day page, a week page's body, an entry and its block;
    lines without their endings): whether ``private`` or ``feelings`` in ``what`` leave it out
    (see the module's docstring). Lines of code blocks and multi-line HTML comments are never
    read for a tag or a kind; they go with the item or section that holds them."""
    count = len(lines)
    gone = [False] * count
    # most texts hold neither mark: nothing to parse (parsing every entry took 2.5 s of the
    # 10-year log's export)
    private = "private" in what and any("#private" in line.lower() for line in lines)
    feelings = "feelings" in what and any("feel:" in line for line in lines)
    if not (private or feelings) or not count:
        return gone
    code = markdown.opaque_lines(markdown.parse("".join(f"{line}\n" for line in lines)))
    levels = [None if code[i] else _level(lines[i]) for i in range(count)]
    items = [None if code[i] else markdown.list_item(lines[i]) for i in range(count)]
    blank = [not line.strip() for line in lines]
    marker = [line.strip().startswith("<!-- reslog:") for line in lines]

    def item_end(at: int) -> int:
        """Where the list item at ``at`` ends: at a heading, a marker, an item indented as much or
        less, or a blank line that no line indented deeper follows (code runs on through)."""
        indent = markdown.indent_width(lines[at])
        j = at + 1
        while j < count:
            if code[j]:
                j += 1
                continue
            if blank[j]:
                k = j
                while k < count and blank[k] and not code[k]:
                    k += 1
                deeper = k < count and markdown.indent_width(lines[k]) > indent
                if deeper and not marker[k] and levels[k] is None:
                    j = k
                    continue
                return j
            if marker[j] or levels[j] is not None or (
                    items[j] is not None and markdown.indent_width(lines[j]) <= indent):
                return j
            j += 1
        return j

    if private:
        for i, level in enumerate(levels):
            if level is not None and _tagged(lines[i]):
                j = i + 1
                while j < count and not ((other := levels[j]) is not None and other <= level):
                    j += 1
                gone[i:j] = [True] * (j - i)
    i = 0
    while i < count:
        if blank[i] or marker[i] or code[i] or levels[i] is not None:
            i += 1
            continue
        item = items[i]
        if item is not None:
            end = item_end(i)
            own = next((j for j in range(i + 1, end) if items[j] is not None), end)
            tagged = private and (
                _tagged(lines[i]) or any(_tagged_text(lines[j]) for j in range(i + 1, own) if not code[j]))
            if tagged or (feelings and item[0] == "feel"):
                gone[i:end] = [True] * (end - i)
                i = end
            else:
                i = own  # its nested items are judged on their own
            continue
        end = i + 1  # a paragraph or a quote block: up to a blank line, a heading, code or an item
        while end < count and not (blank[end] or marker[end] or code[end] or levels[end] is not None
                                   or items[end] is not None):
            end += 1
        if private and any(_tagged_text(lines[j]) for j in range(i, end)):
            gone[i:end] = [True] * (end - i)
        i = end
    return gone


def _level(line: str) -> int | None:
    match = _HEADING.match(line)
    return None if match is None else len(match.group(1))


def entry_lines(hit: Hit) -> list[str]:
    """An entry as Markdown lines again: ``- kind: text`` and its block indented under it (the
    kind is read back as the parser read it; time and checkbox say nothing to :func:`left_out`)."""
    first, *more = hit.text.split("\n")
    kind = f"{hit.kind}: " if hit.kind else ""
    return [f"- {kind}{first}", *(f"  {line}" if line else "" for line in more)]


#: A heading that carries ``#private``: its section goes with it (:func:`left_out`).
_PRIVATE_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t][^\n]*#private", re.IGNORECASE | re.MULTILINE)


def private_page(text: str) -> bool:
    """Whether a page's front matter tags it ``private`` (``tags: [private]``, ``tags: private``,
    a ``- private`` item under ``tags:``), read as an import reads a note's tags
    (:mod:`reslog.frontmatter`): all of it is then."""
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return False
    values, _ = front_matter(text[:65536].splitlines())  # front matter is short: not the whole page
    return any(markdown.tag_matches(tag, "private") for tag in front_tags(values))


def in_private_sections(root: Path, hits: Iterable[Hit]) -> set[tuple[str, int]]:
    """(file, line) of each line of the pages of ``hits`` that a ``#private`` heading takes with
    its section, or that a page tagged private in its front matter holds: the index knows an
    entry's section, not the sub-heading above it nor the page's own tags. Only a page that has
    such a heading or front matter is parsed."""
    found: set[tuple[str, int]] = set()
    for file in dict.fromkeys(hit.file for hit in hits):
        try:
            text = (root / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        whole = private_page(text)
        if not whole and not _PRIVATE_HEADING.search(text):
            continue
        lines = markdown.split_lines(text)
        if whole:
            found.update((file, n) for n in range(1, len(lines) + 1))
            continue
        gone = left_out([line.rstrip("\r\n") for line in lines], ("private",))
        found.update((file, n) for n, out in enumerate(gone, 1) if out)
    return found


def redact(hits: Iterable[Hit], what: Collection[str], tag: str | None = None,
           root: Path | None = None) -> list[Hit]:
    """The entries with what ``what`` names left out (see the module's docstring): an entry left
    out whole is not there; one with nested lines left out is there without them. With ``tag``
    (the entries were selected by it), an entry that only a left-out line made carry the tag
    goes too: ``--tag private`` listed exactly the entries that hold a private note. With the
    log's ``root``, an entry under a ``#private`` heading of its page goes too
    (:func:`in_private_sections`)."""
    unknown = set(what) - set(REDACTIONS)
    if unknown:
        raise ValueError(f"unknown redaction {sorted(unknown)}")
    if not what:
        return list(hits)
    hits = list(hits)
    sectioned = in_private_sections(root, hits) if root is not None and "private" in what else set()
    kept_hits: list[Hit] = []
    for hit in hits:
        if (hit.file, hit.line) in sectioned:
            continue
        if ("thoughts" in what and hit.level == 1) or ("reflection" in what and hit.level == 2):
            continue
        lines = hit.text.split("\n")
        gone = left_out(entry_lines(hit), what)
        if gone[0]:
            continue
        kept = [] if "thoughts" in what else [i for i in range(1, len(lines)) if not gone[i]]
        if len(kept) == len(lines) - 1:
            kept_hits.append(hit)
            continue
        text = "\n".join([lines[0], *(lines[i] for i in kept)])
        lines_kept = {hit.line + i for i in kept}
        tags = list(dict.fromkeys(t for line in text.split("\n") for t in markdown.read_tags(line)))
        if tag is not None and not any(markdown.tag_matches(t, tag) for t in tags):
            continue
        kept_hits.append(Hit(
            hit.date, hit.time, hit.section, hit.heading, hit.kind, hit.level, hit.state, text, tags,
            hit.fields, hit.source, STAR in text,
            hit.file, hit.line, hit.end_line, hit.score,
            [c for c in hit.children if c["line"] in lines_kept],
            hit.est_minutes, hit.took_minutes, hit.carried,
        ))
    return kept_hits


def page_hidden(text: str, what: Collection[str]) -> list[bool]:
    """For each line of a page's text (:func:`reslog.markdown.split_lines`): whether ``what``
    leaves it out, the page's front matter read too (a page tagged private goes whole)."""
    lines = markdown.split_lines(text)
    if "private" in what and private_page(text):
        return [True] * len(lines)
    return left_out([line.rstrip("\r\n") for line in lines], what)


def page_left_out(text: str, what: Collection[str]) -> str:
    """A day page's text with the lines ``what`` leaves out blank, so that line N stays line N."""
    lines = markdown.split_lines(text)
    gone = page_hidden(text, what)
    return "".join(line[len(line.rstrip("\r\n")):] if out else line
                   for line, out in zip(lines, gone, strict=True))


def shown_words(hits: Iterable[Hit]) -> dict[str, set[str]]:
    """ISO week (``2026-W48``) -> the words of the entries ``hits`` of that week (what a week
    page's prompts may quote, :func:`redact_week`)."""
    words: dict[str, set[str]] = {}
    for hit in hits:
        iso = dt.date.fromisoformat(hit.date).isocalendar()
        words.setdefault(f"{iso.year}-W{iso.week:02d}", set()).update(_WORDS.findall(hit.text.lower()))
    return words


def shown_quotes(hits: Iterable[Hit]) -> set[str]:
    """The first lines of ``hits`` as a week page's generated blocks quote them (:func:`redact_week`)."""
    return {_quoted(hit.text.split("\n", 1)[0]) for hit in hits}


def redact_week(
    text: str, what: Collection[str], shown: Collection[str] = (), quotes: Collection[str] | None = None,
) -> str:
    """A week page's text without its front matter, and without what ``what`` leaves out.

    The generated blocks are written from the week's entries, the left-out ones too, so with any
    redaction: a theme of the week's ideas whose every idea is left out goes with them, and is
    named only by words its ideas left in write; a prompt that quotes the log ("2 bugs mention
    'cache key' this week") stays only if ``shown``, the words of the week's entries the
    export shows, holds every word it quotes. With ``quotes``, the first lines of the entries
    the export shows (:func:`shown_quotes`), a line of a generated block that quotes an entry (an
    idea, a to-do waiting or timed, where a theme was first seen) stays only if it quotes one
    of them: the block writes an entry without its kind and fields, where a ``feel:`` or a
    ``#private`` in a field value would have shown it is left out, and the period of the export
    may end before the week does."""
    page = markdown.parse(text)
    lines = [line.rstrip("\r\n") for line in page.lines[page.body_start:]]
    if what or quotes is not None:
        lines = _themes_redacted(lines, what, quotes)
    kept: list[str] = []
    dropping_below: int | None = None
    block: str | None = None
    researcher = False
    headings = _headings(lines)  # by the parser's rule: "## Reflection ##" is the Reflection
    gone = left_out(lines, what)  # private paragraphs, quotes, items and sections; feel: items
    for n, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("<!-- reslog:begin "):
            block = _block_name(stripped)
        elif stripped.startswith("<!-- reslog:end "):
            block = None
            continue
        if n in headings and block is None:
            title = headings[n]
            # a heading of the researcher's own inside their sections ("## Lessons") is theirs too
            researcher = researcher or markdown.section_key(title) == "reflection" \
                or week_own_section(title) is not None
        if gone[n]:
            continue
        indent = markdown.indent_width(line)
        if dropping_below is not None and (not stripped or indent > dropping_below):
            continue
        dropping_below = None
        drop = (
            ("thoughts" in what and block == "ideas")
            or ("reflection" in what and researcher)
            or (bool(what) and block == "prompts" and not _quotes_shown(line, shown))
            or (quotes is not None and not _quotes_entry_shown(block, line, quotes))
        )
        if drop:
            dropping_below = indent
            continue
        if not stripped.startswith("<!-- reslog:"):
            kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def _headings(lines: list[str]) -> dict[int, str]:
    """Line number -> title of the ``##`` sections of a week page's body, by the parser."""
    page = markdown.parse("\n".join(lines) + "\n")
    return {section.index: section.title for section in page.sections}


def _quoted(text: str) -> str:
    """An entry's first line as the week page quotes it: without fields, spaces collapsed."""
    return " ".join(FIELD_PATTERN.sub(" ", text).split())


def _quotes_entry_shown(block: str | None, line: str, quotes: Collection[str]) -> bool:
    """Whether ``line`` of the generated ``block`` quotes no entry, or one of ``quotes``."""
    quote = quoted_entry(block, line)
    return quote is None or _quoted(quote) in quotes


def _block_name(marker: str) -> str | None:
    """The generated block a marker line opens (``<!-- reslog:begin ideas -->``: ``ideas``);
    None for the line that closes one."""
    if not marker.startswith("<!-- reslog:begin "):
        return None
    return marker.removeprefix("<!-- reslog:begin ").removesuffix("-->").strip()


def _quote_left_out(quote: str, what: Collection[str]) -> bool:
    """Whether an entry as a generated block quotes it (an idea's line, where a theme was first
    seen) is one ``what`` leaves out: private, or a feeling."""
    text = quote.strip()
    item = markdown.list_item(text)
    return ("private" in what and _tagged(text)) or (
        "feelings" in what and (item[0] if item is not None else markdown.split_kind(text)[0]) == "feel")


def _quotes_shown(line: str, shown: Collection[str]) -> bool:
    quoted = quoted_words(line.strip())  # its words split as ``shown``'s are ("loader-drops")
    return quoted is None or {part for word in quoted for part in _WORDS.findall(word)} <= set(shown)


#: A theme of the "ideas" or "done" block (:func:`reslog.review.render_blocks`): ``- **label**
#: (status)``, its entries nested under it (the "done" block's status: how many).
_THEME = re.compile(r"^- \*\*(?P<label>.*)\*\* \((?P<status>.*)\)$")
_FIRST_SEEN = re.compile(r"^recurring, first seen \[\[[\d-]+\]\]: (?P<quote>.*)$")
#: The generated blocks that list entries by theme.
_THEMED = ("ideas", "done")
_COUNT = re.compile(r"^(\d+) entr(?:y|ies)$")
_WORDS = re.compile(r"\w+")


def _themes_redacted(lines: list[str], what: Collection[str], quotes: Collection[str] | None) -> list[str]:
    """``lines`` with each theme of the ideas and done blocks told by its entries left in (see
    :func:`redact_week`); the entries themselves are left out later, line by line."""
    out: list[str] = []
    block: str | None = None
    theme: re.Match[str] | None = None
    ideas: list[str] = []

    def shown(line: str) -> bool:
        return not _quote_left_out(line, what) and (
            quotes is None or _quotes_entry_shown(block, line, quotes))

    def close() -> None:
        if theme is None:
            return
        kept = [idea for idea in ideas if shown(idea)]
        if ideas and not kept:
            return
        out.append(_theme_line(theme, kept, what, quotes, block, len(ideas) - len(kept)))
        out.extend(ideas)

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("<!-- reslog:"):
            close()
            theme, ideas = None, []
            block = _block_name(stripped)
            out.append(line)
            continue
        match = _THEME.match(line) if block in _THEMED else None
        if match is not None:
            close()
            theme, ideas = match, []
        elif theme is not None and line.startswith("  "):
            ideas.append(line)
        else:
            close()
            theme, ideas = None, []
            out.append(line)
    close()
    return out


def _theme_line(theme: re.Match[str], ideas: list[str], what: Collection[str],
                quotes: Collection[str] | None, block: str | None = "ideas", written_out: int = 0) -> str:
    """A theme's line named only by words ``ideas`` write, and without a first-seen entry that
    ``what`` leaves out or the export does not show (neither its words nor its day); in the
    "done" block, less the ``written_out`` entries left out of its count."""
    written = {w for idea in ideas for w in _WORDS.findall(idea.lower())}
    words = [w for w in theme["label"].split(", ") if set(_WORDS.findall(w.lower())) <= written]
    label = ", ".join(words) if words else _idea_text(ideas[0]) if ideas else theme["label"]
    if block == "done":  # its status counts the entries, those past the block's cap too
        label = theme["label"] if theme["label"] == NO_SHARED_THEME else label
        counted = _COUNT.match(theme["status"])
        if counted is not None:
            n = int(counted[1]) - written_out
            return f"- **{label}** ({plural(n, 'entry')})"  # as review._done counts them
    status = theme["status"]
    seen = _FIRST_SEEN.match(status)
    if seen is not None and (_quote_left_out(seen["quote"], what)
                             or (quotes is not None and _quoted(seen["quote"]) not in quotes)):
        status = "recurring"
    return f"- **{label}** ({status})"


def _idea_text(line: str) -> str:
    """An idea's text as the ideas block quotes it: ``  - text ([[date]], from source)``."""
    text = line.strip().removeprefix("- ")
    return text[: text.rfind(" ([[")] if " ([[" in text else text


__all__ = ["DEFAULT", "REDACTIONS", "entry_lines", "in_private_sections", "left_out", "page_hidden",
           "page_left_out", "private_page", "redact", "redact_week", "shown_quotes", "shown_words"]
