"""The html export: a static site that opens from disk, with no server and no network.

``write(hits, out, options)`` turns the selected (already redacted) entries into
a folder of plain HTML pages::

    out/index.html              the weeks, newest first, each with its days and counts
    out/days/2026-11-26.html    one page per day: the day page's sections and entries
    out/weeks/2026-W48.html     one page per ISO week: its days, in order
    out/tags/w2s.html           one page per tag (nested tags too), newest day first
    out/tags.html               every tag, with counts
    out/search.html             search in the browser: search.html?q=learning+rate finds the
                                entries where every word starts a word (any case), newest first
    out/search-index.js         the entries the search runs over (window.RESLOG_SEARCH)
    out/style.css, search.js    copied from the package (reslog/exporters/site/)

How an entry maps onto a page: it keeps its day page's section (``## What was
done`` becomes an ``<h2>``), and shows its time, its kind as a label, a
checkbox glyph by state for a to-do (☐ open, ☑ done, ⇥ deferred, ☒ dropped),
its text, ★, its nested lines as a nested list, and under it the fields of its
first line (``from`` as the source, ``est``, ``took``, ``carried``, others as
``key: value``) and its citation (``days/2026/2026-11-26.md:12``), which links
to the entry's anchor ``#L12`` on its day page.

Text is rendered as a small Markdown subset, and **escaped first**: the whole
line goes through :func:`html.escape`, and only then are http(s) URLs turned
into links, ``[[wikilinks]]`` marked as plain text, `` `code` `` and
``**bold**`` marked up, ``#tags`` linked to their tag pages and ``[key::
value]`` fields shown as small labels. Raw HTML typed into an entry (a
``<script>``, an ``<img onerror=...>``) therefore shows as text and never runs;
the search page builds its results from text nodes only.

Everything on the pages (titles, tag lists, counts, the search index) comes
from ``hits``: the exporter never reads the log, so what redaction removed is
nowhere in the site. Tags are grouped case-insensitively (as ``--tag`` matches
them) and their file names are made safe: lower case ASCII letters, digits,
``_`` and ``-`` are kept, ``/`` becomes ``.`` (``proj/sub`` -> ``proj.sub.html``),
any other character ``~`` and six hex digits, and a first part that Windows
reserves (``con``, ``nul``, ...) gets a ``~`` (``con~.html``, ``aux~.x.html``).

Pages written by an earlier export into the same folder that this export does
not write again (a day whose entries are now redacted) are removed: only files
under ``days/``, ``weeks/`` and ``tags/`` whose head carries this exporter's
``<meta name="generator">`` mark, nothing else.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from reslog import markdown
from reslog.counts import count
from reslog.exporters.select import ExportOptions
from reslog.model import STAR
from reslog.search import Hit

__all__ = ["tag_file", "write"]

SITE = Path(__file__).resolve().parent / "site"
ASSETS = ("style.css", "search.js")
GENERATOR = '<meta name="generator" content="reslog html export">'

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_GLYPHS = {" ": ("☐", "open"), "x": ("☑", "done"), "X": ("☑", "done"), ">": ("⇥", "deferred"),
           "-": ("☒", "dropped")}
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"{p}{i}" for p in ("com", "lpt") for i in range(10))}

# Applied to text that html.escape has already made inert; each alternative adds markup around it.
_INLINE = re.compile(
    r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)"
    r"|(?P<url>https?://(?:(?!&(?:lt|gt|quot|\#x27);)\S)+)"
    r"|\[\[(?P<wiki>[^\]|]+)(?:\|(?P<alias>[^\]]+))?\]\]"
    r"|\*\*(?P<bold>(?:(?!\*\*).)+)\*\*"
    r"|\[(?P<key>\w[\w .-]*?)::[ \t]*(?P<value>[^\]]*?)[ \t]*\]"
    r"|(?<![\w&/#\[])\#(?P<tag>\w[\w/-]*)"
    r"|(?P<star>★)"
)
_FIELD = re.compile(r"[ \t]*\[\w[\w .-]*?::[^\]]*\]")
_ITEM = re.compile(
    r"^([ \t]*)[-*+][ \t]+(?:\[([^\d\]])\](?:[ \t]+|$))?(?:((?:[01]?\d|2[0-3]):[0-5]\d)(?:[ \t]+|$))?(.*)$"
)
_TRAILING = ".,;:!?'\""
_CLASS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def write(hits: list[Hit], out: Path, options: ExportOptions) -> list[Path]:
    """Write the site for ``hits`` into the folder ``out``; the files written, in order."""
    site = _Site(hits, options)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def emit(name: str, text: str) -> None:
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)

    for sub in ("days", "weeks", "tags"):
        (out / sub).mkdir(exist_ok=True)
    for asset in ASSETS:
        emit(asset, (SITE / asset).read_text(encoding="utf-8"))
    emit("index.html", site.index_page())
    emit("tags.html", site.tags_page())
    emit("search.html", site.search_page())
    emit("search-index.js", site.search_data())
    for day in site.days:
        emit(f"days/{day}.html", site.day_page(day))
    for week in site.weeks:
        emit(f"weeks/{week}.html", site.week_page(week))
    for key in site.tags:
        emit(f"tags/{tag_file(key)}", site.tag_page(key))
    _remove_stale(out, set(written))
    return written


def tag_file(tag: str) -> str:
    """The file name of a tag's page: the same for every spelling of its case, safe on any disk."""
    parts = []
    for char in tag.lower():
        if char.isascii() and (char.isalnum() or char in "_-"):
            parts.append(char)
        elif char == "/":
            parts.append(".")
        else:
            parts.append(f"~{ord(char):06x}")
    first, dot, rest = "".join(parts).partition(".")
    if first in _WINDOWS_RESERVED:  # Windows refuses "con.html" and "con.sub.html" alike
        first += "~"
    return first + dot + rest + ".html"


def _remove_stale(out: Path, written: set[Path]) -> None:
    for sub in ("days", "weeks", "tags"):
        for path in (out / sub).glob("*.html"):
            if path in written:
                continue
            with path.open(encoding="utf-8", errors="replace") as file:
                head = file.read(2000)
            if GENERATOR in head:
                path.unlink()


def _date(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


def _week_of(day: str) -> str:
    year, week, _ = _date(day).isocalendar()
    return f"{year}-W{week:02d}"


def _long_date(day: str) -> str:
    d = _date(day)
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def _week_span(week: str) -> str:
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    sunday = monday + dt.timedelta(days=6)
    end = f"{sunday.day} {_MONTHS[sunday.month - 1]} {sunday.year}"
    if monday.month == sunday.month:
        return f"{monday.day}–{end}"
    if monday.year == sunday.year:
        return f"{monday.day} {_MONTHS[monday.month - 1]} – {end}"
    return f"{monday.day} {_MONTHS[monday.month - 1]} {monday.year} – {end}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _entries(n: int) -> str:
    return _count(n, "entry", "entries")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class _Inline:
    """The Markdown subset, rendered on escaped text; tags link only to pages that exist."""

    def __init__(self, known: set[str]) -> None:
        self.known = known

    def render(self, text: str) -> str:
        return self._markup(_esc(text))

    def _markup(self, escaped: str) -> str:
        return _INLINE.sub(self._one, escaped)

    def _one(self, match: re.Match[str]) -> str:
        group = match.lastgroup
        if group == "code":
            return f"<code>{match.group('code')}</code>"
        if group == "url":
            url = match.group("url")
            tail = ""
            while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
                url, tail = url[:-1], url[-1] + tail
            return f'<a href="{url}" rel="noopener">{url}</a>{tail}'
        if group in ("wiki", "alias"):
            shown = match.group("alias") or match.group("wiki")
            return f'<span class="wikilink" title="{match.group("wiki")}">{shown}</span>'
        if group == "bold":
            return f"<strong>{self._markup(match.group('bold'))}</strong>"
        if group == "value":
            return f'<span class="field">{match.group("key")}: {match.group("value")}</span>'
        if group == "tag":
            name = match.group("tag").rstrip("/-")
            rest = match.group("tag")[len(name):]
            if name.lower() not in self.known:
                return match.group(0)
            return f'<a class="tag" href="../tags/{tag_file(name)}">#{name}</a>{rest}'
        return f'<span class="star" title="starred">{STAR}</span>'


class _Site:
    """The pages of one export; every entry is rendered once and reused on its day, week and tags."""

    def __init__(self, hits: list[Hit], options: ExportOptions) -> None:
        self.title = options.title
        self.hits = sorted(hits, key=lambda h: (h.date, h.line))
        self.by_day: dict[str, list[Hit]] = defaultdict(list)
        for hit in self.hits:
            self.by_day[hit.date].append(hit)
        self.days = list(self.by_day)
        self.by_week: dict[str, list[str]] = defaultdict(list)
        for day in self.days:
            self.by_week[_week_of(day)].append(day)
        self.weeks = list(self.by_week)
        self.day_at = {day: i for i, day in enumerate(self.days)}
        self.week_at = {week: i for i, week in enumerate(self.weeks)}
        self.tags: dict[str, list[Hit]] = defaultdict(list)
        self.spelling: dict[str, Counter[str]] = defaultdict(Counter)
        for hit in self.hits:
            keys: dict[str, None] = {}
            for tag in hit.tags:
                parts = tag.split("/")
                for depth in range(1, len(parts) + 1):
                    if not parts[depth - 1]:
                        continue  # "a//b" has the parents "a" and "a/", and "a/" is no tag
                    prefix = "/".join(parts[:depth])
                    keys[prefix.lower()] = None
                    self.spelling[prefix.lower()][prefix] += 1
            for key in keys:
                self.tags[key].append(hit)
        self.tags = dict(sorted(self.tags.items()))
        self.parent: dict[str, str | None] = {key: _parent(key, self.tags) for key in self.tags}
        self.children: dict[str, list[str]] = defaultdict(list)
        for key, parent in self.parent.items():
            if parent is not None:
                self.children[parent].append(key)
        self.inline = _Inline(set(self.tags))
        self.rendered: dict[int, str] = {}

    # -- pieces --------------------------------------------------------------------------------

    def tag_name(self, key: str) -> str:
        return self.spelling[key].most_common(1)[0][0]

    def page(self, title: str, body: str, root: str, scripts: str = "") -> str:
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"{GENERATOR}\n<title>{_esc(title)} · {_esc(self.title)}</title>\n"
            f'<link rel="stylesheet" href="{root}style.css">\n</head>\n<body>\n'
            f'<header class="top"><a class="site" href="{root}index.html">{_esc(self.title)}</a>\n'
            f'<nav><a href="{root}index.html">Weeks</a><a href="{root}tags.html">Tags</a>'
            f'<a href="{root}search.html">Search</a></nav>\n'
            f"{'' if scripts else _search_box(root)}</header>\n"
            f"<main>\n{body}</main>\n"
            f"<footer><p>Exported by reslog · {_entries(len(self.hits))}</p></footer>\n"
            f"{scripts}</body>\n</html>\n"
        )

    def entry(self, hit: Hit, anchor: bool) -> str:
        body = self.rendered.get(id(hit))
        if body is None:
            body = self.rendered[id(hit)] = self._entry_body(hit)
        classes = ["entry", f"lv{hit.level}"]
        if hit.state is not None:
            classes.append(f"s-{_GLYPHS.get(hit.state, ('', 'other'))[1]}")
        if hit.starred:
            classes.append("starred")
        ident = f' id="L{hit.line}"' if anchor else ""
        return f'<li{ident} class="{" ".join(classes)}">{body}</li>\n'

    def _entry_body(self, hit: Hit) -> str:
        lines = hit.text.split("\n")
        first = " ".join(_FIELD.sub("", lines[0]).split())
        parts = ['<div class="line">']
        if hit.state is not None:
            parts.append(_check(hit.state))
        if hit.time:
            parts.append(f"<time>{_esc(hit.time)}</time>")
        if hit.kind:
            parts.append(f'<span class="kind k-{hit.kind}">{hit.kind}</span>')
        parts.append(f'<span class="text">{self.inline.render(first)}</span></div>')
        if len(lines) > 1:
            parts.append(self._nested(lines[1:]))
        meta = []
        if hit.source:
            meta.append(f'<span class="source">from {_esc(hit.source)}</span>')
        for key, value in hit.fields.items():
            if key == "from":
                continue
            label = {"est": "est.", "carried": "waiting since" if hit.state == " " else "carried from"}.get(
                key, key)
            meta.append(f'<span class="f-{_CLASS_UNSAFE.sub("-", key)}">{_esc(label)} {_esc(value)}</span>')
        meta.append(f'<a class="cite" href="../days/{hit.date}.html#L{hit.line}">{_esc(hit.citation)}</a>')
        parts.append(f'<div class="meta">{"".join(meta)}</div>')
        return "".join(parts)

    def _nested(self, lines: list[str]) -> str:
        """Nested lines as nested lists, by indentation; continuation text stays with its item."""
        out: list[str] = []
        stack: list[int] = []
        for line in lines:
            match = _ITEM.match(line)
            if match is None:
                text = self.inline.render(line.strip())
                out.append(f'<div class="more">{text}</div>' if stack else f'<p class="more">{text}</p>')
                continue
            indent = len(match.group(1).expandtabs(4))
            if not stack or indent > stack[-1]:
                out.append('<ul class="nested">')
                stack.append(indent)
            else:
                while len(stack) > 1 and indent < stack[-1]:
                    out.append("</li></ul>")
                    stack.pop()
                out.append("</li>")
            state, time, rest = match.group(2), match.group(3), match.group(4).rstrip()
            kind, rest = markdown.split_kind(rest)
            item = ["<li>"]
            if state is not None:
                item.append(_check(state))
            if time:
                item.append(f"<time>{time}</time>")
            if kind:
                item.append(f'<span class="kind k-{kind}">{kind}</span>')
            item.append(self.inline.render(rest))
            out.append("".join(item))
        out.extend("</li></ul>" for _ in stack)
        return "".join(out)

    def entries(self, hits: list[Hit], anchor: bool, heading: str = "h2") -> str:
        """Entries under the headings of their sections, in page order."""
        out: list[str] = []
        current: str | None = None
        opened = False
        for hit in hits:
            section = hit.heading or "Entries"
            if section != current or not opened:
                if opened:
                    out.append("</ul>\n")
                out.append(f"<{heading}>{_esc(section)}</{heading}>\n<ul class=\"entries\">\n")
                current, opened = section, True
            out.append(self.entry(hit, anchor))
        if opened:
            out.append("</ul>\n")
        return "".join(out)

    # -- pages ---------------------------------------------------------------------------------

    def day_page(self, day: str) -> str:
        hits = self.by_day[day]
        at = self.day_at[day]
        week = _week_of(day)
        body = [
            f"<h1>{_long_date(day)}</h1>\n",
            f'<p class="sub"><a href="../weeks/{week}.html">{week}</a> · {_entries(len(hits))}</p>\n',
            self.entries(hits, anchor=True),
            _pager(
                self.days[at - 1] if at > 0 else None, self.days[at + 1] if at + 1 < len(self.days) else None,
                "../days/", _long_date,
            ),
        ]
        return self.page(_long_date(day), "".join(body), "../")

    def week_page(self, week: str) -> str:
        days = self.by_week[week]
        year, number = week.split("-W")
        count = sum(len(self.by_day[d]) for d in days)
        body = [f"<h1>Week {int(number)}, {year}</h1>\n",
                f'<p class="sub">{_week_span(week)} · {_entries(count)}</p>\n']
        for day in days:
            hits = self.by_day[day]
            body.append(f'<h2><a href="../days/{day}.html">{_long_date(day)}</a> '
                        f'<span class="count">{len(hits)}</span></h2>\n')
            body.append(self.entries(hits, anchor=False, heading="h3"))
        at = self.week_at[week]
        body.append(_pager(
            self.weeks[at - 1] if at > 0 else None, self.weeks[at + 1] if at + 1 < len(self.weeks) else None,
            "../weeks/", lambda w: w,
        ))
        return self.page(f"Week {week}", "".join(body), "../")

    def tag_page(self, key: str) -> str:
        name = self.tag_name(key)
        hits = self.tags[key]
        body = [f"<h1>#{_esc(name)}</h1>\n", '<p class="sub">']
        parent = self.parent[key]
        if parent is not None:
            body.append(f'in <a href="{tag_file(parent)}">#{_esc(self.tag_name(parent))}</a> · ')
        body.append(_entries(len(hits)))
        children = self.children.get(key)
        if children:
            links = ", ".join(f'<a href="{tag_file(k)}">#{_esc(self.tag_name(k))}</a>' for k in children)
            body.append(f" · also {links}")
        body.append("</p>\n")
        days: dict[str, list[Hit]] = defaultdict(list)
        for hit in hits:
            days[hit.date].append(hit)
        for day in reversed(days):
            body.append(f'<h2><a href="../days/{day}.html">{_long_date(day)}</a></h2>\n')
            body.append('<ul class="entries">\n')
            body.extend(self.entry(hit, anchor=False) for hit in days[day])
            body.append("</ul>\n")
        return self.page(f"#{name}", "".join(body), "../")

    def index_page(self) -> str:
        body = [f"<h1>{_esc(self.title)}</h1>\n"]
        if not self.hits:
            body.append('<p class="sub">No entries were exported.</p>\n')
            return self.page("Weeks", "".join(body), "")
        body.append(
            f'<p class="sub">{_entries(len(self.hits))} on {_count(len(self.days), "day", "days")}, '
            f"{_long_date(self.days[0])} to {_long_date(self.days[-1])} · "
            f'<a href="tags.html">{_count(len(self.tags), "tag", "tags")}</a> · '
            '<a href="search.html">search</a></p>\n'
        )
        year = None
        for week in reversed(self.weeks):
            if week[:4] != year:
                if year is not None:
                    body.append("</table>\n")
                year = week[:4]
                body.append(f'<h2>{year}</h2>\n<table class="weeks">\n')
            days = self.by_week[week]
            entries = count([hit for d in days for hit in self.by_day[d]]).entries  # as every view counts
            links = " ".join(
                f'<a href="days/{d}.html">{_WEEKDAYS[_date(d).weekday()][:3]} {_date(d).day}'
                f" <small>{len(self.by_day[d])}</small></a>"
                for d in days
            )
            body.append(
                f'<tr><td><a href="weeks/{week}.html">{week}</a><br><small class="count">{_week_span(week)}'
                f'</small></td><td class="days">{links}</td><td class="n">{_entries(entries)}</td></tr>\n'
            )
        body.append("</table>\n")
        return self.page("Weeks", "".join(body), "")

    def tags_page(self) -> str:
        body = ["<h1>Tags</h1>\n"]
        if not self.tags:
            body.append('<p class="sub">No tags in the exported entries.</p>\n')
        else:
            body.append('<ul class="tags">\n')
            for key, hits in self.tags.items():
                child = ' class="child"' if self.parent[key] is not None else ""
                body.append(f'<li{child}><a href="tags/{tag_file(key)}">#{_esc(self.tag_name(key))}</a> '
                            f'<span class="count">{len(hits)}</span></li>\n')
            body.append("</ul>\n")
        return self.page("Tags", "".join(body), "")

    def search_page(self) -> str:
        body = (
            "<h1>Search</h1>\n"
            '<form class="search" action="search.html" method="get" role="search">'
            '<input type="search" id="q" name="q" autofocus placeholder="Words, all must match"'
            ' aria-label="Search words"></form>\n'
            '<p class="sub" id="status" aria-live="polite">Search needs JavaScript.</p>\n'
            '<ol class="results" id="results"></ol>\n<button type="button" id="more" hidden></button>\n'
        )
        scripts = '<script src="search-index.js"></script>\n<script src="search.js"></script>\n'
        return self.page("Search", body, "", scripts=scripts)

    def search_data(self) -> str:
        """The search index as a script: what ``hits`` hold, nothing more."""
        rows = [
            [h.date, h.line, h.time or "", h.kind or ("to-do" if h.state is not None else "note"), h.text]
            for h in self.hits
        ]
        data = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return f"/* reslog search index: {len(rows)} entries */\nwindow.RESLOG_SEARCH = {data};\n"


def _parent(key: str, tags: dict[str, list[Hit]]) -> str | None:
    """The nearest enclosing tag that has a page: ``proj`` for ``proj/sub``."""
    while "/" in key:
        key = key.rsplit("/", 1)[0]
        if key in tags:
            return key
    return None


def _search_box(root: str) -> str:
    return (f'<form action="{root}search.html" method="get" role="search"><input type="search" name="q" '
            'placeholder="Search entries" aria-label="Search entries"></form>')


def _check(state: str) -> str:
    glyph, name = _GLYPHS.get(state, (f"[{state}]", "other"))
    return f'<span class="check" title="{name}">{_esc(glyph)}</span>'


def _pager(before: str | None, after: str | None, prefix: str, show: Callable[[str], str]) -> str:
    left = f'<a rel="prev" href="{prefix}{before}.html">← {show(before)}</a>' if before else "<span></span>"
    right = f'<a rel="next" href="{prefix}{after}.html">{show(after)} →</a>' if after else "<span></span>"
    return f'<nav class="pager">{left}{right}</nav>\n'
