"""What an export contains: the selected entries, with private parts left out.

An exporter is a module with ``write(hits, out, options) -> list[Path]``
(the files it wrote), registered in :data:`reslog.cli.io_cmds.EXPORTERS`.

Every exporter takes its entries from :func:`select` and passes them through
:func:`redact` before writing a single byte, so redacted text cannot reach
any output (pages, titles, tag lists, the search index of the html site).

Redactions (``--redact``):

* ``private``: an entry whose first line carries ``#private`` (or a nested
  ``#private/...``), matched as search matches tags (any case: ``#Private``,
  ``#PRIVATE/health``), whole; a nested line that carries it, with every line
  nested under it;
* ``feelings``: ``feel:`` entries, and nested ``feel:`` lines with what is
  nested under them;
* ``thoughts``: every level-1 entry (``thought:``, ``feel:``, ``decision:``,
  random ideas) and every nested line;
* ``reflection``: level-2 entries (the Reflection section).

Week review pages (``weeks/YYYY/YYYY-Www.md``, for the html site) go through
:func:`week_reviews`, line by line by the same rules: ``private`` leaves out
every line that carries the tag (and the lines nested under it), ``feelings``
every line with a ``feel:``, ``thoughts`` the generated digest of ideas, and
``reflection`` the researcher's own sections (Reflection, Next week's focus).
The generated blocks were written from every entry of the week, so what they
say in the log's own words is checked too: a theme of ideas that were all left
out goes, a theme is named only by words of the ideas left in, and a prompt
that quotes entries the export does not show is left out. Counts (the week in
figures) stay as they are: they say how much, not what.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from reslog import markdown
from reslog.index import Index
from reslog.model import FIELD_PATTERN, STAR, quoted_entry, quoted_words, week_own_section
from reslog.records import Record
from reslog.search import Filters, Hit, listing
from reslog.store import Log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

REDACTIONS = ("private", "feelings", "thoughts", "reflection")
#: What the html export leaves out unless told otherwise (--no-redact).
HTML_DEFAULT = ("private", "feelings")


def select(log: Log, filters: Filters | None = None) -> list[Hit]:
    """The entries an export contains, in date order (deferred ``[>]`` copies left out)."""
    with Index(log) as index:
        index.refresh()
        return listing(index, filters)


def _is_private(text: str) -> bool:
    return any(markdown.tag_matches(tag, "private") for tag in markdown.read_tags(text))


def _keep_lines(lines: list[str], what: Collection[str]) -> list[int]:
    """Indexes of the nested lines (1..) that survive, dropping a line with what it holds: every
    line indented deeper (in columns, as the parser nests), blank lines among them (a blank line
    inside nested code does not end it)."""
    kept: list[int] = []
    dropping_below: int | None = None
    for i, line in enumerate(lines[1:], 1):
        indent = markdown.indent_width(line)
        if dropping_below is not None and (not line.strip() or indent > dropping_below):
            continue
        dropping_below = None
        item = markdown.list_item(line)
        drop = ("thoughts" in what) or ("private" in what and _is_private(line)) or (
            "feelings" in what and item is not None and item[0] == "feel"
        )
        if drop:
            dropping_below = indent
            continue
        kept.append(i)
    return kept


def _drops_whole(hit: Hit, what: Collection[str]) -> bool:
    first = hit.text.split("\n", 1)[0]
    return (
        ("private" in what and _is_private(first))
        or ("feelings" in what and hit.kind == "feel")
        or ("thoughts" in what and hit.level == 1)
        or ("reflection" in what and hit.level == 2)
    )


def redact(hits: list[Hit], what: Collection[str]) -> list[Hit]:
    """The entries with what ``what`` names left out (see the module's docstring)."""
    unknown = set(what) - set(REDACTIONS)
    if unknown:
        raise ValueError(f"unknown redaction {sorted(unknown)}")
    if not what:
        return list(hits)
    kept_hits: list[Hit] = []
    for hit in hits:
        if _drops_whole(hit, what):
            continue
        lines = hit.text.split("\n")
        kept = _keep_lines(lines, what)
        if len(kept) == len(lines) - 1:
            kept_hits.append(hit)
            continue
        text = "\n".join([lines[0], *(lines[i] for i in kept)])
        lines_kept = {hit.line + i for i in kept}
        kept_hits.append(Hit(
            hit.date, hit.time, hit.section, hit.heading, hit.kind, hit.level, hit.state, text,
            list(dict.fromkeys(t for line in text.split("\n") for t in markdown.read_tags(line))),
            hit.fields, hit.source, STAR in text,
            hit.file, hit.line, hit.end_line, hit.score,
            [c for c in hit.children if c["line"] in lines_kept],
            hit.est_minutes, hit.took_minutes, hit.carried,
        ))
    return kept_hits


class ExportOptions(Record):
    """What an exporter is told besides the entries: a title, and what the export is of
    (when, which log, which filters, what was redacted) for formats that state it; for the
    html site, whether to show citations and the week reviews (already redacted)."""

    __slots__ = ("cite", "exported_at", "filters", "log", "redacted", "title", "weeks")
    title: Final[str]
    exported_at: Final[str | None]
    log: Final[str | None]
    filters: Final[dict[str, str | None]]
    redacted: Final[tuple[str, ...]]
    cite: Final[bool]
    weeks: Final[dict[str, str]]

    def __init__(
        self, title: str = "Research log", exported_at: str | None = None, log: str | None = None,
        filters: dict[str, str | None] | None = None, redacted: tuple[str, ...] = (), cite: bool = False,
        weeks: dict[str, str] | None = None,
    ) -> None:
        self.title = title
        self.exported_at = exported_at
        self.log = log
        self.filters = {} if filters is None else filters
        self.redacted = redacted
        #: html: show each entry's citation (``days/…md:12``), not only a link to it
        self.cite = cite
        #: html: ISO week -> the text of its review page, redacted (:func:`week_reviews`)
        self.weeks = {} if weeks is None else weeks


_WEEK = re.compile(r"^(\d{4})-W(\d{2})\.md$")
_FEEL = re.compile(r"\bfeel:\s")


def week_reviews(
    log: Log, since: dt.date | None, until: dt.date | None, what: Collection[str],
    shown: Collection[Hit] = (),
) -> dict[str, str]:
    """The week review pages whose week meets ``[since, until]``: ISO week -> the page's text
    without its front matter, redacted by ``what`` (see the module's docstring), ``shown`` being
    the entries the export shows. A page that cannot be read as UTF-8, or a link that leads
    outside the log, is left out."""
    found: dict[str, str] = {}
    words: dict[str, set[str]] = {}
    for hit in shown:
        iso = dt.date.fromisoformat(hit.date).isocalendar()
        words.setdefault(f"{iso.year}-W{iso.week:02d}", set()).update(_WORDS.findall(hit.text.lower()))
    # an export that leaves anything out quotes only the entries it shows
    quotes = {_quoted(hit.text.split("\n", 1)[0]) for hit in shown} \
        if what or since is not None or until is not None else None
    root = log.root / "weeks"
    if not root.is_dir():
        return found
    for year in sorted(root.iterdir()):
        if not (year.is_dir() and year.name.isdigit()):
            continue
        for path in sorted(year.iterdir()):
            match = _WEEK.match(path.name)
            if match is None or match.group(1) != year.name or log.link_outside(str(path)) is not None:
                continue
            try:
                monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
                text = path.read_bytes().decode("utf-8")
            except (ValueError, OSError):
                continue
            before = since is not None and monday + dt.timedelta(days=6) < since
            if before or (until is not None and monday > until):
                continue
            found[path.name[:-3]] = redact_week(text, what, words.get(path.name[:-3], set()), quotes)
    return found


def redact_week(
    text: str, what: Collection[str], shown: Collection[str] = (), quotes: Collection[str] | None = None,
) -> str:
    """A week page's text without its front matter, and without what ``what`` leaves out.

    The generated blocks are written from the week's entries, the left-out ones too, so with any
    redaction: a theme of the week's ideas whose every idea is left out goes with them, and is
    named only by words its ideas left in write; a prompt that quotes the log ("2 bugs mention
    'cache key' this week") stays only if ``shown``, the words of the week's entries the
    export shows, holds every word it quotes. With ``quotes``, the first lines of the entries
    the export shows (:func:`_quoted`), a line of a generated block that quotes an entry (an
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
        indent = markdown.indent_width(line)
        if dropping_below is not None and (not stripped or indent > dropping_below):
            continue
        dropping_below = None
        drop = (
            _left_out(line, what)
            or ("thoughts" in what and block == "ideas")
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


def _left_out(line: str, what: Collection[str]) -> bool:
    """Whether a line of a week page quotes what ``what`` leaves out (private, a feeling)."""
    return ("private" in what and _is_private(line)) or (
        "feelings" in what and _FEEL.search(line) is not None)


def _quotes_shown(line: str, shown: Collection[str]) -> bool:
    quoted = quoted_words(line.strip())  # its words split as ``shown``'s are ("loader-drops")
    return quoted is None or {part for word in quoted for part in _WORDS.findall(word)} <= set(shown)


#: A theme of the "ideas" block (:func:`reslog.review.render_blocks`): ``- **label** (status)``,
#: its ideas nested under it.
_THEME = re.compile(r"^- \*\*(?P<label>.*)\*\* \((?P<status>.*)\)$")
_FIRST_SEEN = re.compile(r"^recurring, first seen \[\[[\d-]+\]\]: (?P<quote>.*)$")
_WORDS = re.compile(r"\w+")


def _themes_redacted(lines: list[str], what: Collection[str], quotes: Collection[str] | None) -> list[str]:
    """``lines`` with each theme of the ideas block told by its ideas left in (see
    :func:`redact_week`); the ideas themselves are left out later, line by line."""
    out: list[str] = []
    block: str | None = None
    theme: re.Match[str] | None = None
    ideas: list[str] = []

    def shown(line: str) -> bool:
        return not _left_out(line, what) and (quotes is None or _quotes_entry_shown("ideas", line, quotes))

    def close() -> None:
        if theme is None:
            return
        kept = [idea for idea in ideas if shown(idea)]
        if ideas and not kept:
            return
        out.append(_theme_line(theme, kept, what, quotes))
        out.extend(ideas)

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("<!-- reslog:"):
            close()
            theme, ideas = None, []
            block = _block_name(stripped)
            out.append(line)
            continue
        match = _THEME.match(line) if block == "ideas" else None
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
                quotes: Collection[str] | None) -> str:
    """A theme's line named only by words ``ideas`` write, and without a first-seen entry that
    ``what`` leaves out or the export does not show (neither its words nor its day)."""
    written = {w for idea in ideas for w in _WORDS.findall(idea.lower())}
    words = [w for w in theme["label"].split(", ") if set(_WORDS.findall(w.lower())) <= written]
    label = ", ".join(words) if words else _idea_text(ideas[0]) if ideas else theme["label"]
    status = theme["status"]
    seen = _FIRST_SEEN.match(status)
    if seen is not None and (_left_out(seen["quote"], what)
                             or (quotes is not None and _quoted(seen["quote"]) not in quotes)):
        status = "recurring"
    return f"- **{label}** ({status})"


def _idea_text(line: str) -> str:
    """An idea's text as the ideas block quotes it: ``  - text ([[date]], from source)``."""
    text = line.strip().removeprefix("- ")
    return text[: text.rfind(" ([[")] if " ([[" in text else text
