"""The html export: a static site read from disk, checked as files and in real headless Chromium.

The browser tests run Debian's ``chromium`` with ``--dump-dom`` (the DOM after the page's
scripts ran) and ``--screenshot``. They are skipped when no chromium is installed, unless
CI is set: there they must run (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from reslog.exporters import html
from reslog.exporters.select import DEFAULT, ExportOptions, redact, select
from reslog.markup import Markup
from reslog.search import Filters
from reslog.store import Log

from .conftest import Result, day_file, write_days

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
browser = pytest.mark.skipif(
    CHROMIUM is None and not ON_CI,
    reason="no chromium on PATH (apt-get install chromium); these tests run whenever CI is set",
)

XSS = "<script>window.PWNED=1;document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"window.PWNED=2;document.title='PWNED'\">"
JS_LINK = "[x](javascript:window.PWNED=3;document.title='PWNED')"

PAGES = {
    "2026-11-24": f"""\
---
date: 2026-11-24
---
# Tuesday 24 November 2026

## What to do next
- [ ] Email Yitao about the grid-world task #w2s
- [x] Read the W2S paper #w2s [est:: 30m] [took:: 45m]
- [-] Port the loader to JAX #infra
- [>] Rerun the old sweep #w2s

## What was done
- 09:12 exp: learning rate sweep on GPT-2 sizes, only a slight gain with scale #w2s #proj/sub ★
  - thought: the strong model may imitate the weak model's **errors**
    - deeper: see `configs/w2s.yaml` and [[W2S notes|the notes]]
  - [x] 10:00 check the seeds
- 10:30 bug: {XSS} and {IMG} in the loader #Security
  - a link {JS_LINK} and [a real one](https://arxiv.org/abs/2312.09390)
- 11:00 read: Weak-to-strong generalization https://arxiv.org/abs/2312.09390. [from:: twitter]
- 12:00 met the zanzibar people about a job #private
- 13:00 feel: anxious about the quokka deadline

## Reflection
- 18:00 The morning block without chat worked well. #été
""",
    "2026-11-26": """\
# Thursday 26 November 2026

## What was done
- 09:00 learning about accurate convergence #security
- 10:00 result: the Learning Rate warmup fixed the spikes #w2s
  - nested line with a secret word, quokkas excepted #private
""",
    "2026-11-30": """\
# Monday 30 November 2026

## Random ideas
- 08:05 Use external tools in reward modeling [from:: chat with Yitao] #proj
""",
}


@pytest.fixture
def log(log_dir: Path) -> Log:
    for day, text in PAGES.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Log(log_dir)


@pytest.fixture
def site(log: Log, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    html.write(redact(select(log), DEFAULT), out, ExportOptions("Lab notebook"))
    return out


class Page(HTMLParser):
    """The elements of a page: (tag, attributes) in order, the ids, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        found = dict(attrs).get("id")
        if found:
            self.ids.add(found)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self) -> list[str]:
        found = (a.get("href") or a.get("src") or a.get("action") for _, a in self.elements)
        return [link for link in found if link]


def _page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


# -- the files ---------------------------------------------------------------------------------


def test_layout_days_weeks_tags_search(site: Path) -> None:
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert names == {
        "days/2026-11-24.html", "days/2026-11-26.html", "days/2026-11-30.html",
        "index.html", "search-index.js", "search.html", "search.js", "style.css", "tags.html",
        "tags/infra.html", "tags/proj.html", "tags/proj.sub.html", "tags/security.html",
        "tags/w2s.html", "tags/~0000e9t~0000e9.html",
        "weeks/2026-W48.html", "weeks/2026-W49.html",
    }


def test_the_site_folder_is_readable_as_any_folder_made_here(site: Path, tmp_path: Path) -> None:
    """The site is written in a private temporary folder (0700), then renamed: the site itself was
    0700, unreadable to the web server it was copied for. It gets the mode the umask gives."""
    made = tmp_path / "made-here"
    made.mkdir()
    assert site.stat().st_mode & 0o777 == made.stat().st_mode & 0o777
    assert (site / "days").stat().st_mode & 0o777 == made.stat().st_mode & 0o777


def test_index_lists_weeks_newest_first_with_days_and_counts(site: Path) -> None:
    page = _page(site / "index.html")
    hrefs = [a["href"] for tag, a in page.elements if tag == "a"]
    weeks = [h for h in hrefs if h and h.startswith("weeks/")]
    assert weeks == ["weeks/2026-W49.html", "weeks/2026-W48.html"]
    days = [h for h in hrefs if h and h.startswith("days/")]
    assert days == ["days/2026-11-30.html", "days/2026-11-24.html", "days/2026-11-26.html"]
    text = " ".join(page.text)
    # 2026-11-24 keeps 7 of its 10 entries: the deferred copy, #private and feel: are left out
    assert "10 entries on 3 days" in " ".join(text.split())
    assert re.search(r"Tue 24\s*7", text) and re.search(r"Thu 26\s*2", text) and re.search(r"Mon 30\s*1", text)
    assert "<title>Weeks · Lab notebook</title>" in (site / "index.html").read_text(encoding="utf-8")


def test_day_page_shows_kinds_states_stars_sources_nesting_and_citations(site: Path) -> None:
    text = (site / "days" / "2026-11-24.html").read_text(encoding="utf-8")
    page = Page(text)
    assert "<title>Tuesday 24 November 2026 · Lab notebook</title>" in text
    assert [t for t, a in page.elements if t == "h2"] == ["h2", "h2", "h2"]
    assert "<h2>What to do next</h2>" in text and "<h2>Reflection</h2>" in text
    # to-dos: a glyph per state, fields moved under the entry
    assert '<li id="L7" class="entry lv0 s-open"><div class="line"><span class="check" title="open">☐</span>' in text
    assert '<span class="check" title="done">☑</span>' in text
    assert '<li id="L9" class="entry lv0 s-dropped">' in text
    assert "Rerun the old sweep" not in text  # a deferred copy is not exported
    assert '<span class="f-est">est. 30m</span><span class="f-took">took 45m</span>' in text
    # the experiment: time, kind, star, tags linked, nested lines nested, citation
    exp = text.split('<li id="L13"', 1)[1].split('<li id="L', 1)[0]
    assert "<time>09:12</time>" in exp and '<span class="kind k-exp">exp</span>' in exp
    assert '<a class="tag" href="../tags/w2s.html">#w2s</a>' in exp
    assert '<a class="tag" href="../tags/proj.sub.html">#proj/sub</a>' in exp
    assert '<span class="star" title="starred">★</span>' in exp and "starred" in exp.split(">", 1)[0]
    assert ('<div class="body"><ul><li><span class="kind k-thought">thought</span>the strong model may imitate '
            "the weak model's <strong>errors</strong>"
            '<ul><li>deeper: see <code>configs/w2s.yaml</code> and '
            '<span class="wikilink" title="W2S notes">the notes</span></li></ul></li>'
            '<li><span class="check" title="done">☑</span><time>10:00</time>check the seeds</li></ul></div>'
            ) in exp.replace("\n", "")
    # the citation is a link to the entry; its file:line shows only with --cite
    assert '<a class="cite" href="../days/2026-11-24.html#L13" title="this entry on its day page">¶</a>' in exp
    assert "days/2026/2026-11-24.md:13" not in text
    # the reading: a link (without the full stop), its source shown
    assert ('<a href="https://arxiv.org/abs/2312.09390" rel="noopener">https://arxiv.org/abs/2312.09390</a>.'
            in text)
    assert '<span class="source">from twitter</span>' in text
    assert '<a class="tag" href="../tags/~0000e9t~0000e9.html">#été</a>' in text
    assert {"L7", "L8", "L9", "L13", "L17", "L19", "L24"} <= page.ids


def test_raw_html_in_entries_is_escaped_text(site: Path) -> None:
    text = (site / "days" / "2026-11-24.html").read_text(encoding="utf-8")
    assert "<script>window" not in text and "<img" not in text
    assert "&lt;script&gt;window.PWNED=1;document.title='PWNED'&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=&quot;window.PWNED=2;" in text
    assert "javascript:" not in text.replace(JS_LINK.replace("'", "'"), "") and JS_LINK in text  # text only
    assert '<a href="https://arxiv.org/abs/2312.09390" rel="noopener">a real one</a>' in text
    page = Page(text)
    assert [a for t, a in page.elements if t == "script"] == []
    assert not [a for t, a in page.elements if any(k.startswith("on") for k in a)]
    assert XSS in "".join(page.text) and IMG in "".join(page.text) and JS_LINK in "".join(page.text)
    assert not [a for t, a in page.elements if t == "a" and "javascript" in (a.get("href") or "")]


def test_every_link_resolves_to_a_file_and_anchor(site: Path) -> None:
    checked = 0
    for path in site.rglob("*.html"):
        for link in _page(path).links():
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                assert link == "https://arxiv.org/abs/2312.09390"
                continue
            assert not parts.scheme and not parts.netloc, f"{path.name}: {link} leaves the site"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(site)}: {link} points nowhere"
            assert site.resolve() in target.parents
            if parts.fragment:
                assert parts.fragment in _page(target).ids, f"{link}: no such anchor"
            checked += 1
    assert checked > 100


def test_titles_tags_and_search_index_hold_only_what_was_exported(site: Path) -> None:
    everything = _all_text(site)
    for word in ("zanzibar", "quokka", "anxious", "#private", "Rerun the old sweep"):
        assert word not in everything
    assert not (site / "tags" / "private.html").exists()
    index = (site / "search-index.js").read_text(encoding="utf-8")
    assert index.count('["2026-') == 10
    assert '["2026-11-26",5,"10:00","result","the Learning Rate warmup fixed the spikes #w2s"]' in index


def test_tags_group_case_and_nesting(site: Path) -> None:
    security = (site / "tags" / "security.html").read_text(encoding="utf-8")
    assert "<title>#Security · Lab notebook</title>" in security  # the first spelling of #security
    assert "PWNED" in security and "learning about accurate" in security
    parent = (site / "tags" / "proj.html").read_text(encoding="utf-8")
    assert "learning rate sweep" in parent and "external tools" in parent  # #proj/sub counts in #proj
    assert '<a href="proj.sub.html">#proj/sub</a>' in parent
    child = (site / "tags" / "proj.sub.html").read_text(encoding="utf-8")
    assert 'in <a href="proj.html">#proj</a>' in child and "external tools" not in child
    w2s = _page(site / "tags" / "w2s.html")
    days = [a["href"] for t, a in w2s.elements if t == "a" and (a.get("href") or "").startswith("../days/")
            and "#" not in (a.get("href") or "")]
    assert days == ["../days/2026-11-26.html", "../days/2026-11-24.html"]  # newest first


def test_tag_file_names_are_safe_and_distinct() -> None:
    assert html.tag_file("proj/sub") == "proj.sub.html"
    assert html.tag_file("W2S") == html.tag_file("w2s") == "w2s.html"
    assert html.tag_file("été") == "~0000e9t~0000e9.html"
    assert html.tag_file("con") == "con~.html" and html.tag_file("aux/x") == "aux~.x.html"
    names = {html.tag_file(t) for t in ("a/b", "a-b", "a_b", "ab", "a/u0000e9", "aé", "a//b", "a/.b")}
    assert len(names) == 8
    assert all(re.fullmatch(r"[a-z0-9_.~-]+\.html", n) for n in names)


def test_odd_nested_tags_get_pages_and_parents(log_dir: Path, tmp_path: Path) -> None:
    path = day_file(log_dir, "2026-11-26")
    path.parent.mkdir(parents=True)
    path.write_text("## Log\n- one #a//b\n- two #a/c/d #Con\n", encoding="utf-8")
    out = tmp_path / "site"
    html.write(select(Log(log_dir)), out, ExportOptions())
    assert sorted(p.name for p in (out / "tags").iterdir()) == [
        "a..b.html", "a.c.d.html", "a.c.html", "a.html", "con~.html"]
    a = (out / "tags" / "a.html").read_text(encoding="utf-8")
    assert '<a href="a..b.html">#a//b</a>, <a href="a.c.html">#a/c</a>' in a and "one" in a and "two" in a
    assert 'in <a href="a.html">#a</a>' in (out / "tags" / "a..b.html").read_text(encoding="utf-8")
    assert 'in <a href="a.c.html">#a/c</a>' in (out / "tags" / "a.c.d.html").read_text(encoding="utf-8")


def test_entries_render_as_markdown_with_raw_html_off() -> None:
    markup = Markup(lambda tag: "../tags/w2s.html" if tag.lower() == "w2s" else None)
    assert markup.inline("**<b>bold</b>** and `<i>` [[A & B]]") == (
        "<strong>&lt;b&gt;bold&lt;/b&gt;</strong> and <code>&lt;i&gt;</code> "
        '<span class="wikilink" title="A &amp; B">A &amp; B</span>'
    )
    assert markup.inline('see <https://x.org/a?b=1&c="2"> #w2s #other') == (
        'see <a href="https://x.org/a?b=1&amp;c=%222%22" rel="noopener">https://x.org/a?b=1&amp;c=&quot;2&quot;</a>'
        ' <a class="tag" href="../tags/w2s.html">#w2s</a> #other'
    )
    for evil in ("javascript:alert(1) [x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
                 "[x](data:text/html,<script>alert(1)</script>)", "[x](vbscript:msgbox)", "<javascript:alert(1)>",
                 "![x](javascript:alert(1))", "[x](java\tscript:alert(1))", "[x]( javascript:alert(1))"):
        rendered = markup.inline(evil)
        assert "href" not in rendered and "<script" not in rendered, (evil, rendered)
    assert markup.inline("(https://en.wikipedia.org/wiki/Foo_(bar)) it's") == (
        '(<a href="https://en.wikipedia.org/wiki/Foo_(bar)" rel="noopener">'
        "https://en.wikipedia.org/wiki/Foo_(bar)</a>) it's"
    )
    assert markup.inline("[text](https://x.org/p), *em*, [m](mailto:a@b.org), [rel](../days/x.html)") == (
        '<a href="https://x.org/p" rel="noopener">text</a>, <em>em</em>, '
        '<a href="mailto:a@b.org" rel="noopener">m</a>, <a href="../days/x.html" rel="noopener">rel</a>'
    )
    # a note's body: code stays code (no tag, no link in it), headings sit below the page's own
    body = markup.block("## Heading\n> a quote\n```r\nx <- 1 #w2s https://x.org\n```\n![plot](p.png)")
    assert body == (
        "<h4>Heading</h4>\n<blockquote>\n<p>a quote</p>\n</blockquote>\n"
        '<pre><code class="language-r">x &lt;- 1 #w2s https://x.org\n</code></pre>\n'
        '<p><a class="image" href="p.png" rel="noopener">▣ plot</a></p>\n'
    )


def test_reexport_removes_pages_it_no_longer_writes(log: Log, tmp_path: Path) -> None:
    out = tmp_path / "site"
    html.write(select(log), out, ExportOptions())
    assert (out / "tags" / "private.html").exists()
    mine = out / "days" / "notes.html"
    mine.write_text("<p>not from reslog</p>", encoding="utf-8")
    written = html.write(redact(select(log, Filters(tag="w2s")), DEFAULT), out, ExportOptions())
    assert not (out / "tags" / "private.html").exists()
    assert not (out / "days" / "2026-11-30.html").exists()
    assert mine.exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")) == sorted(
        [p.relative_to(out).as_posix() for p in written if p.suffix == ".html"] + ["days/notes.html"]
    )
    assert "zanzibar" not in _all_text(out / "tags")


def test_empty_export_writes_a_working_site(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    written = html.write([], out, ExportOptions())
    assert {p.name for p in written} == {"index.html", "tags.html", "search.html", "search-index.js",
                                         "style.css", "search.js"}
    assert "No entries were exported." in (out / "index.html").read_text(encoding="utf-8")
    assert "window.RESLOG_SEARCH = [];" in (out / "search-index.js").read_text(encoding="utf-8")


def test_export_command_writes_the_site(log: Log, run: Callable[..., Result], tmp_path: Path) -> None:
    from reslog.cli import io_cmds

    if not hasattr(io_cmds, "export_cmd"):
        pytest.skip("the export command is not there yet")
    out = tmp_path / "cli-site"
    result = run("export", "html", str(out), "--title", "Shared <log>")
    assert result.code == 0, result.err
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Weeks · Shared &lt;log&gt;</title>" in index
    assert "zanzibar" not in _all_text(out)
    assert (out / "days" / "2026-11-24.html").exists()


# -- in the browser ----------------------------------------------------------------------------


def _chromium(*args: str, profile: Path) -> str:
    assert CHROMIUM, "CI is set but chromium is not installed: .ci/run installs it (apt-get install chromium)"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _dump(url: str, tmp_path: Path) -> str:
    return _chromium("--dump-dom", url, profile=tmp_path / "chromium")


def _results(dom: str) -> tuple[str, list[str]]:
    status = re.search(r'<p class="sub" id="status"[^>]*>(.*?)</p>', dom, re.S)
    assert status, dom[:2000]
    listing = re.search(r'<ol class="results" id="results">(.*?)</ol>', dom, re.S)
    assert listing is not None
    return status.group(1), re.findall(r'<a href="(days/[^"]+)"', listing.group(1))


@browser
def test_search_in_the_browser_over_file_urls(site: Path, tmp_path: Path) -> None:
    url = (site / "search.html").as_uri()
    status, hrefs = _results(_dump(url + "?q=learning+rate", tmp_path))
    assert status == "2 entries match, newest first."
    # every word must start a word: "learning about accurate convergence" does not match
    assert hrefs == ["days/2026-11-26.html#L5", "days/2026-11-24.html#L13"]
    status, hrefs = _results(_dump(url + "?q=LEARNING%20Rate%20warmup", tmp_path))
    assert hrefs == ["days/2026-11-26.html#L5"]
    dom = _dump(url + "?q=Rate+warmup", tmp_path)
    assert "the Learning <mark>Rate</mark> <mark>warmup</mark> fixed the spikes" in dom
    for word in ("zanzibar", "quokka"):  # only in entries or lines redaction left out
        assert _results(_dump(url + f"?q={word}", tmp_path)) == ("No entries match.", [])
    status, hrefs = _results(_dump(url, tmp_path))
    assert status.startswith("10 entries.") and hrefs == []


@browser
def test_a_script_typed_into_an_entry_never_runs(site: Path, tmp_path: Path) -> None:
    for url in ((site / "days" / "2026-11-24.html").as_uri(), (site / "search.html").as_uri() + "?q=pwned",
                (site / "tags" / "security.html").as_uri()):
        dom = re.sub(r"</?mark>", "", _dump(url, tmp_path))  # the search marks the words it found
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        assert title and "PWNED" not in title.group(1), url
        assert "&lt;script&gt;window.PWNED=1;document.title='PWNED'&lt;/script&gt;" in dom, url
        assert '&lt;img src=x onerror="window.PWNED=2;' in dom, url
        page = Page(dom)
        assert [t for t, a in page.elements if t == "img"] == []
        assert all(a.get("src") in ("search-index.js", "search.js") for t, a in page.elements if t == "script")
    _, hrefs = _results(_dump((site / "search.html").as_uri() + "?q=pwned", tmp_path))
    assert hrefs == ["days/2026-11-24.html#L17"]


@browser
def test_screenshot_of_a_day_page(site: Path, tmp_path: Path) -> None:
    png = tmp_path / "day.png"
    _chromium(f"--screenshot={png}", "--window-size=1200,900", (site / "days" / "2026-11-24.html").as_uri(),
              profile=tmp_path / "chromium")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 900)
    assert len(data) > 20_000  # a page of text, not a blank canvas


# -- citations, week reviews, imported notes --------------------------------------------------------


def test_cite_shows_file_and_line(log: Log, run: Callable[..., Result], tmp_path: Path) -> None:
    assert run("export", "html", str(tmp_path / "plain")).code == 0
    assert "days/2026/2026-11-24.md:13" not in _all_text(tmp_path / "plain")
    assert run("export", "html", str(tmp_path / "cited"), "--cite").code == 0
    day = (tmp_path / "cited" / "days" / "2026-11-24.html").read_text(encoding="utf-8")
    assert ('<a class="cite" href="../days/2026-11-24.html#L13" title="this entry on its day page">'
            "days/2026/2026-11-24.md:13</a>") in day


WEEK_PAGE = """\
---
week: 2026-W48
rating: 4
---
# Week 2026-W48: Monday 23 November 2026 to Sunday 29 November 2026

<!-- reslog:begin figures -->
## The week in figures

- Days logged: 2 of 7
<!-- reslog:end figures -->

<!-- reslog:begin waiting -->
## Tasks that keep waiting

- Email Yitao about the grid-world task #w2s: waiting 5 days, since [[2026-11-24]]
- Call the clinic about the zanzibar results #Private/health: waiting 4 days, since [[2026-11-24]]
<!-- reslog:end waiting -->

## Reflection

- The loader bug cost a day; **next time** write the test first.
- feel: quokka-level anxious about the deadline

## Next week's focus
"""


def test_week_review_pages_are_in_the_site_redacted(log: Log, run: Callable[..., Result], tmp_path: Path) -> None:
    page = log.root / "weeks" / "2026" / "2026-W48.md"
    page.parent.mkdir(parents=True)
    page.write_text(WEEK_PAGE, encoding="utf-8")
    assert run("export", "html", str(tmp_path / "site")).code == 0
    week = (tmp_path / "site" / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    review = week.split('<section class="review">', 1)[1].split("</section>", 1)[0]
    assert "<h2>Weekly review</h2>" in review and "<h4>The week in figures</h4>" in review
    assert "Email Yitao about the grid-world task" in review and "<strong>next time</strong>" in review
    for gone in ("zanzibar", "quokka", "reslog:begin", "rating: 4"):  # private, feelings, markers, front matter
        assert gone not in _all_text(tmp_path / "site"), gone
    assert run("export", "html", str(tmp_path / "all"), "--no-redact").code == 0
    assert "zanzibar" in (tmp_path / "all" / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    assert run("export", "html", str(tmp_path / "no-reflection"), "--redact", "reflection").code == 0
    assert "next time" not in _all_text(tmp_path / "no-reflection")
    # a heading of the researcher's own inside their sections is theirs too
    page.write_text(WEEK_PAGE.replace("## Next week's focus", "## Lessons\n\n- the walrus census\n\n"
                                      "## Next week's focus"), encoding="utf-8")
    assert run("export", "html", str(tmp_path / "lessons"), "--redact", "reflection").code == 0
    assert "walrus" not in _all_text(tmp_path / "lessons")
    # every heading the week page takes for the researcher's own sections, as `reslog week` reads them
    for heading in ("Next week", "Next week\u2019s focus", "Reflections:"):
        page.write_text(WEEK_PAGE + f"\n## {heading}\n\n- plan: finish the walrus ablation\n", encoding="utf-8")
        out = tmp_path / f"own-{len(heading)}"
        assert run("export", "html", str(out), "--redact", "reflection").code == 0
        assert "walrus" not in _all_text(out), heading
    page.write_text(WEEK_PAGE, encoding="utf-8")
    assert run("export", "html", str(tmp_path / "tagged"), "--tag", "w2s").code == 0  # a project: no reviews
    assert "Weekly review" not in _all_text(tmp_path / "tagged")


NOTE = """\
---
title: Semantic citations
---
Intro with a [link](https://example.org/a) and *emphasis*, and [x](javascript:alert(1)).

## A heading
> a quote

```r
x <- rnorm(10) # not a #tag

y <- x
```

| a | b |
|---|---|
| 1 | 2 |

- a list item
"""


def test_an_imported_note_reads_as_the_original(run: Callable[..., Result], log_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2013-02-22-semantic.md").write_text(NOTE, encoding="utf-8")
    assert run("import", "markdown", str(notes)).code == 0
    assert run("export", "html", str(tmp_path / "site")).code == 0
    day = (tmp_path / "site" / "days" / "2013-02-22.html").read_text(encoding="utf-8")
    body = day.split('<div class="body">', 1)[1].split('<div class="meta">', 1)[0]
    assert '<a href="https://example.org/a" rel="noopener">link</a> and <em>emphasis</em>' in body
    assert "[x](javascript:alert(1))" in body and "javascript" not in body.replace("[x](javascript:alert(1))", "")
    assert "<h4>A heading</h4>" in body and "<blockquote>\n<p>a quote</p>\n</blockquote>" in body
    assert '<pre><code class="language-r">x &lt;- rnorm(10) # not a #tag\n\ny &lt;- x\n</code></pre>' in body
    assert "<table>" in body and "<td>2</td>" in body and "<li>a list item</li>" in body


def test_week_review_says_nothing_of_what_it_left_out(
    log_dir: Path, run: Callable[..., Result], clock: object, tmp_path: Path,
) -> None:
    """The generated blocks of a week page are written from every entry of the week, the private
    ones too: a theme named by a private idea's words, or a prompt quoting private bugs, must not
    reach the site (they did: "job, quit, startup" headed a theme of one private idea)."""
    write_days(log_dir, {
        "2026-11-17": "## Random ideas\n- a walrus ablation for the pitch #private\n",
        "2026-11-24": "## What was done\n- bug: loader drops last batch #private\n"
                      "- bug: loader drops the cache #private\n- bug: tokenizer splits emoji\n"
                      "## Random ideas\n- quit job and start a startup #private\n"
                      "- walrus ablation on the sonar data\n- sonar clicks as a walrus census #private\n"
                      "- rotary embeddings on the probe\n",
    })
    assert run("week", "2026-W48").code == 0
    page = (log_dir / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")
    assert "(new)" in page and "bugs mention 'loader drops'" in page  # what the researcher sees
    assert run("export", "html", str(tmp_path / "site")).code == 0
    site = _all_text(tmp_path / "site")
    for gone in ("startup", "quit", "census", "clicks", "loader", "pitch", "#private"):
        assert gone not in site, gone
    week = (tmp_path / "site" / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    review = week.split('<section class="review">', 1)[1].split("</section>", 1)[0]
    for kept in ("walrus ablation on the sonar data", "rotary embeddings on the probe", "tokenizer splits emoji"):
        assert kept in site, kept
    ideas, done = review.split("<h4>What was done</h4>", 1)
    themes = re.findall(r"<li><strong>(.*?)</strong> \((.*?)\)", ideas)
    assert len(themes) == 2 and all(status in ("new", "recurring") for _, status in themes), themes
    # the work of the week: the two private loader bugs, a theme of their own, go with their words
    assert re.findall(r"<li><strong>(.*?)</strong> \((.*?)\)", done) == [("No shared theme", "1 entry")]
    assert run("export", "html", str(tmp_path / "all"), "--no-redact").code == 0
    everything = _all_text(tmp_path / "all")
    assert "bugs mention &#x27;loader drops&#x27;" in everything or "bugs mention 'loader drops'" in everything
    assert "startup" in everything


def test_week_review_quotes_only_entries_the_export_shows(
    log_dir: Path, run: Callable[..., Result], clock: object, tmp_path: Path,
) -> None:
    """The generated blocks write an entry without its kind and fields: a `#private` in a field
    value, or `feel:`, did not reach the line the redaction read (a waiting to-do, a timed one,
    an idea, where a theme was first seen); and a week quoted entries after `--until`."""
    write_days(log_dir, {
        "2026-11-11": "## Random ideas\n- zebraold attention sink quantization [note:: #private]\n",
        "2026-11-24": "## What to do next\n- [ ] Book zebraclinic appointment [note:: #private] "
                      "[carried:: 2026-11-20]\n- [x] zebratimed fill in the visa form [est:: 1h] [took:: 2h] "
                      "[note:: #private]\n- [x] rerun the sweep [est:: 1h] [took:: 1h]\n"
                      "## What was done\n- public work\n"
                      "## Random ideas\n- attention sink quantization revisited\n"
                      "- feel: zebrafeelidea scared this tokenizer plan will fail\n",
        "2026-11-27": "## Random ideas\n- zebralater startup idea from the 27th\n",
    })
    assert run("week", "2026-W48").code == 0
    page = (log_dir / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")
    for quoted in ("zebraold", "zebraclinic", "zebratimed", "zebrafeelidea", "zebralater"):
        assert quoted in page, quoted  # what the researcher sees, and what must not be shared
    assert run("export", "html", str(tmp_path / "site")).code == 0
    site = _all_text(tmp_path / "site")
    for gone in ("zebraold", "zebraclinic", "zebratimed", "zebrafeelidea"):
        assert gone not in site, gone
    for kept in ("attention sink quantization revisited", "rerun the sweep: est 1h, took 1h", "zebralater"):
        assert kept in site, kept
    assert run("export", "html", str(tmp_path / "early"), "--until", "2026-11-24").code == 0
    early = _all_text(tmp_path / "early")
    assert "zebralater" not in early and "attention sink quantization revisited" in early
    assert run("export", "html", str(tmp_path / "all"), "--no-redact").code == 0
    everything = _all_text(tmp_path / "all")
    assert all(word in everything for word in ("zebraold", "zebraclinic", "zebratimed", "zebralater"))


@pytest.mark.parametrize("heading", ["## Reflection ##", "##\tReflection", "## Next week's focus ##"])
def test_week_review_reflection_is_left_out_whatever_its_heading_form(
    log_dir: Path, run: Callable[..., Result], clock: object, tmp_path: Path, heading: str,
) -> None:
    """`## Reflection ##` and `##<tab>Reflection` are the Reflection to the parser and to `reslog
    week` (format.md §3.3); `--redact reflection` kept them."""
    write_days(log_dir, {"2026-11-24": "## What was done\n- public work\n"})
    assert run("week", "2026-W48").code == 0
    page = log_dir / "weeks" / "2026" / "2026-W48.md"
    text = page.read_text(encoding="utf-8")
    title = heading.replace("##", "").strip()
    assert f"## {title}\n" in text
    page.write_text(text.replace(f"## {title}\n", f"{heading}\nzebrareflection my honest week\n"),
                    encoding="utf-8")
    assert run("week", "2026-W48").code == 0
    assert "zebrareflection" in page.read_text(encoding="utf-8")  # the week keeps it as the researcher's
    assert run("export", "html", str(tmp_path / "site"), "--redact", "reflection").code == 0
    site = _all_text(tmp_path / "site")
    assert "zebrareflection" not in site and "public work" in site


PRIVATE_BLOCKS = """\
---
week: 2026-W48
---
# Week 2026-W48: Monday 23 November 2026 to Sunday 29 November 2026

## Reflection

A good week, KEPTWEEKA.

SECRET6 my divorce, again
that I tag here #private

> SECRET7 a quote #private
> SECRET7B its second line

### Health #private
- SECRET8 therapy twice
- SECRET8B sleep

#### Sleep
SECRET8C under a deeper heading

### Work
- KEPTWEEKB shipped the loader
  - SECRET10 an aside
    carried on #private
- the team did not feel: rushed KEPTWEEKC
- feel: SECRET9 tired
  - SECRET9B nested under the feeling
- a code sample KEPTWEEKD
  ```
  #private in code is no tag KEPTWEEKE
  ```

## Next week's focus
- KEPTWEEKF the sweep
"""


def test_week_pages_leave_out_private_paragraphs_quotes_items_and_sections_whole(
    log: Log, run: Callable[..., Result], tmp_path: Path,
) -> None:
    """A week page was redacted line by line: the continuation of a private paragraph, the second
    line of a private quote and the items under a private heading were published, while any line
    with ``feel:`` in it was left out (``the team did not feel: rushed``)."""
    page = log.root / "weeks" / "2026" / "2026-W48.md"
    page.parent.mkdir(parents=True)
    page.write_text(PRIVATE_BLOCKS, encoding="utf-8")
    assert run("export", "html", str(tmp_path / "site")).code == 0
    text = (tmp_path / "site" / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    leaked = [w for w in ("SECRET6", "tag here", "SECRET7", "SECRET8", "Health", "Sleep", "SECRET9", "SECRET10",
                          "carried on") if w in text]
    assert not leaked
    assert all(w in text for w in ("KEPTWEEKA", "KEPTWEEKB", "KEPTWEEKC", "KEPTWEEKD", "KEPTWEEKE", "KEPTWEEKF",
                                   "Work"))
