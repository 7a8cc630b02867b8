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
its text, ★, its nested lines (a nested list, an imported note's code, quotes,
tables and headings, as Markdown renders them), and under it the fields of its
first line (``from`` as the source, ``est``, ``took``, ``carried``, others as
``key: value``) and a ``¶`` link to the entry's anchor ``#L12`` on its day page;
with ``--cite`` (:attr:`ExportOptions.cite`) that link shows the citation
(``days/2026/2026-11-26.md:12``).

Text is rendered by :class:`reslog.markup.Markup` (CommonMark by markdown-it-py
with raw HTML off, links limited to http(s), mailto and relative URLs, plus the
log's own marks: ``#tags`` linked to their tag pages, ``[key:: value]`` fields as
small labels, ``[[wikilinks]]`` marked as plain text). Raw HTML typed into an
entry (a ``<script>``, an ``<img onerror=...>``) therefore shows as text and
never runs, and ``[x](javascript:...)`` stays text; the search page builds its
results from text nodes only.

A week's page opens with the week's review (``weeks/YYYY/YYYY-Www.md``) when the
export has one (:attr:`ExportOptions.weeks`, already redacted by
:func:`reslog.exporters.select.week_reviews`), rendered the same way.

Everything on the pages (titles, tag lists, counts, the search index) comes
from ``hits``: the exporter never reads the log, so what redaction removed is
nowhere in the site. Tags are grouped case-insensitively (as ``--tag`` matches
them) and their file names are made safe: lower case ASCII letters, digits,
``_`` and ``-`` are kept, ``/`` becomes ``.`` (``proj/sub`` -> ``proj.sub.html``),
any other character ``~`` and six hex digits, and a first part that Windows
reserves (``con``, ``nul``, ...) gets a ``~`` (``con~.html``, ``aux~.x.html``).

A tag's file name is bounded: past 100 characters it is cut and ends with ``~``
and twelve hex digits of the tag's hash, so a 300-character tag still has a page
every file system accepts.

The site is written into a temporary folder beside OUT and moved into place only
once it is complete: a new OUT is that folder renamed; an existing one receives
the new files one by one (each replaced atomically). So an export that fails
half-way (a full disk, a name the file system refuses) leaves OUT as it was.
Pages written by an earlier export into the same folder that this export does
not write again (a day whose entries are now redacted) are then removed: only
files under ``days/``, ``weeks/`` and ``tags/`` whose head carries this
exporter's ``<meta name="generator">`` mark, nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from reslog.counts import count
from reslog.exporters.select import ExportOptions
from reslog.markup import GLYPHS, Markup
from reslog.model import FIELD_VALUE
from reslog.search import Hit
from reslog.words import plural

__all__ = ["tag_file", "write"]

SITE = Path(__file__).resolve().parent / "site"
ASSETS = ("style.css", "search.js")
GENERATOR = '<meta name="generator" content="reslog html export">'
#: The longest tag file name, before ``.html``; longer ones are cut and end with a hash.
NAME_MAX = 100

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"{p}{i}" for p in ("com", "lpt") for i in range(10))}
_FIELD = re.compile(r"(?<![ \t])[ \t]*\[\w[\w .-]*?::" + FIELD_VALUE + r"\]")
_CLASS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def write(hits: list[Hit], out: Path, options: ExportOptions) -> list[Path]:
    """Write the site for ``hits`` into the folder ``out``; the files written, in order.

    The whole site is written into a temporary folder beside ``out`` first (see the module's
    docstring); ``out`` changes only once it is complete.
    """
    site = _Site(hits, options)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        _as_made(tmp)
        names = _write_site(site, tmp)
        if not out.exists():
            os.replace(tmp, out)
        else:
            for sub in ("days", "weeks", "tags"):
                (out / sub).mkdir(exist_ok=True)
            for name in names:
                os.replace(tmp / name, out / name)
            _remove_stale(out, {out / name for name in names})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out / name for name in names]


def _as_made(folder: Path) -> None:
    """Give ``folder`` (made private by mkdtemp, 0700) the mode a folder made here gets, as the
    umask says: renamed to OUT, a site was unreadable to the web server it was copied for."""
    probe = folder / ".mode"
    probe.mkdir()
    mode = probe.stat().st_mode & 0o777
    probe.rmdir()
    folder.chmod(mode)


def _write_site(site: _Site, folder: Path) -> list[str]:
    """Every file of the site, written under ``folder``; their names relative to it, in order."""
    names: list[str] = []

    def emit(name: str, text: str) -> None:
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
        names.append(name)

    for sub in ("days", "weeks", "tags"):
        (folder / sub).mkdir(exist_ok=True)
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
    return names


def tag_file(tag: str) -> str:
    """The file name of a tag's page: the same for every spelling of its case, safe on any disk,
    and bounded (:data:`NAME_MAX`)."""
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
    name = first + dot + rest
    if len(name) > NAME_MAX:
        digest = hashlib.blake2b(tag.lower().encode("utf-8"), digest_size=6).hexdigest()
        name = name[: NAME_MAX - 13].rstrip(".") + "~" + digest
    return name + ".html"


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
        self.day_at = {day: i for i, day in enumerate(self.days)}
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
        self.markup = Markup(lambda tag: f"../tags/{tag_file(tag)}" if tag.lower() in self.tags else None)
        self.cite = options.cite
        self.reviews = dict(options.weeks)
        for week in self.reviews:
            self.by_week.setdefault(week, [])
        self.weeks = sorted(self.by_week)
        self.week_at = {week: i for i, week in enumerate(self.weeks)}
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
            classes.append(f"s-{GLYPHS.get(hit.state, ('', 'other'))[1]}")
        if hit.starred:
            classes.append("starred")
        ident = f' id="L{hit.line}"' if anchor else ""
        return f'<li{ident} class="{" ".join(classes)}">{body}</li>\n'

    def _entry_body(self, hit: Hit) -> str:
        first, _, rest = hit.text.partition("\n")
        parts = ['<div class="line">']
        if hit.state is not None:
            parts.append(_check(hit.state))
        if hit.time:
            parts.append(f"<time>{_esc(hit.time)}</time>")
        if hit.kind:
            parts.append(f'<span class="kind k-{hit.kind}">{hit.kind}</span>')
        text = " ".join(_FIELD.sub("", first).split())
        parts.append(f'<span class="text">{self.markup.inline(text)}</span></div>')
        if rest.strip():
            parts.append(f'<div class="body">{self.markup.block(rest)}</div>')
        meta = []
        if hit.source:
            meta.append(f'<span class="source">from {_esc(hit.source)}</span>')
        for key, value in hit.fields.items():
            if key == "from":
                continue
            label = {"est": "est.", "carried": "waiting since" if hit.state == " " else "carried from"}.get(
                key, key)
            meta.append(f'<span class="f-{_CLASS_UNSAFE.sub("-", key)}">{_esc(label)} {_esc(value)}</span>')
        shown = _esc(hit.citation) if self.cite else "¶"
        link = f"../days/{hit.date}.html#L{hit.line}"
        meta.append(f'<a class="cite" href="{link}" title="this entry on its day page">{shown}</a>')
        parts.append(f'<div class="meta">{"".join(meta)}</div>')
        return "".join(parts)

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
        review = self.reviews.get(week)
        if review is not None:
            rendered = self.markup.block(review)
            body.append(f'<section class="review"><h2>Weekly review</h2>\n{rendered}</section>\n')
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
        return f"/* reslog search index: {plural(len(rows), 'entry')} */\nwindow.RESLOG_SEARCH = {data};\n"


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
    glyph, name = GLYPHS.get(state, (f"[{state}]", "other"))
    return f'<span class="check" title="{name}">{_esc(glyph)}</span>'


def _pager(before: str | None, after: str | None, prefix: str, show: Callable[[str], str]) -> str:
    left = f'<a rel="prev" href="{prefix}{before}.html">← {show(before)}</a>' if before else "<span></span>"
    right = f'<a rel="next" href="{prefix}{after}.html">{show(after)} →</a>' if after else "<span></span>"
    return f'<nav class="pager">{left}{right}</nav>\n'
