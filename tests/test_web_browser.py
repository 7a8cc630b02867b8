"""`reslog serve` in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Never `playwright install`: Playwright launches the system's chromium by ``executable_path``. The
tests are skipped only when no chromium is installed and CI is not set; under CI they must run
(``.ci/run`` installs chromium). Screenshots of every page at 1280 and 375 px are saved under
``tests/artifacts/web/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):  # on CI the web tests must run
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'reslog[web]'")

from reslog import review
from reslog.cli.entry import main
from reslog.store import Log, content_hash

from .web_harness import TOKEN, Server, keyword_only, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not ON_CI,
    reason="no chromium on PATH (apt-get install chromium); these tests run whenever CI is set",
)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"
WIDTHS = {1280: 900, 375: 812}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    assert CHROMIUM, "CI is set but chromium is not installed: .ci/run installs it (apt-get install chromium)"
    from playwright import sync_api  # the dev extra; never skipped

    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright: Any, tmp_path: Path) -> Iterator[Any]:
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=ARGS,
        viewport={"width": 1280, "height": 900},
    )
    try:
        yield context
    finally:
        context.close()


class Watched:
    """A page with every dialog, page error and CSP violation recorded."""

    def __init__(self, context: Any, server: Server, width: int = 1280) -> None:
        self.page = context.new_page()
        self.page.set_viewport_size({"width": width, "height": WIDTHS.get(width, 900)})
        self.server = server
        self.width = width
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # a 4xx answer to a bad form is expected and shown on the page; the browser logs it too
        if message.type == "error" and "status of 4" not in message.text:
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str) -> Any:
        self.page.goto(self.server.url + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def sign_in(self) -> None:
        self.go(f"/login?token={TOKEN}")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}-{self.width}.png"), full_page=True)


def _page_text(log_dir: Path) -> str:
    day = dt.date.today()
    path = log_dir / "days" / f"{day.year:04d}" / f"{day.isoformat()}.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize("width", [1280, 375])
def test_a_day_in_the_browser(browser: Any, log_dir: Path, width: int) -> None:
    """capture -> tick a to-do -> start/stop a timer -> search -> ask -> the week's reflection -> stats."""
    keyword_only(log_dir)
    with serving(log_dir) as server:
        w = Watched(browser, server, width)
        w.sign_in()
        page = w.page
        assert page.title().endswith("reslog")
        page.evaluate("window.__notReloaded = true")
        # capture: a key focuses the box, Enter saves, the entry shows without a reload
        page.keyboard.press("c")
        assert page.evaluate("document.activeElement.id") == "capture-text"
        page.keyboard.type("exp: warmup diverged at step 800 #w2s")
        page.keyboard.press("Enter")
        page.wait_for_selector("#page .entry >> text=warmup diverged at step 800")
        assert page.evaluate("window.__notReloaded") is True
        assert page.evaluate("document.activeElement.id") == "capture-text"  # ready for the next one
        assert page.input_value("#capture-text") == ""
        assert "exp: warmup diverged at step 800 #w2s" in _page_text(log_dir)
        page.fill("#capture-text", "todo Rerun the sweep with lr=3e-4 [est:: 2h]")
        page.click("#capture button[type=submit]")
        page.wait_for_selector("#page .entry.st-open >> text=Rerun the sweep")
        # bad input: a clear message next to the box, nothing written
        before = _page_text(log_dir)
        page.fill("#capture-text", "todo later [est:: soonish]")
        page.keyboard.press("Enter")
        page.wait_for_selector("#capture-msg .msg-error >> text=cannot read 'soonish' as a duration")
        assert _page_text(log_dir) == before
        page.fill("#capture-text", "")
        w.shot("flow-today")
        # timer: start, a running clock, stop
        page.click("button.act.start")
        page.wait_for_selector(".chip.clock .elapsed")
        page.wait_for_function("document.querySelector('.chip.clock .elapsed').textContent.includes(':')")
        assert "[started:: " in _page_text(log_dir)
        page.click("button.act.stop")
        page.wait_for_selector(".chip.took")
        assert "[took:: 1m]" in _page_text(log_dir)
        # tick it done
        page.click("form.tick button.box")
        page.wait_for_selector(".entry.st-done >> text=Rerun the sweep")
        assert "- [x] Rerun the sweep with lr=3e-4 [est:: 2h] [took:: 1m]" in _page_text(log_dir)
        # a to-do that no longer exists: ticked from a stale page
        page.fill("#capture-text", "todo Email Yitao")
        page.keyboard.press("Enter")
        page.wait_for_selector("#page .entry.st-open >> text=Email Yitao")
        # the menu open with its "took" box in use: the live refresh waits while a person types
        page.click(".entry.st-open details.more summary")
        page.fill(".entry.st-open details.more input[name=took]", "5m")
        path = log_dir / "days" / f"{dt.date.today().year}" / f"{dt.date.today()}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("- [ ] Email Yitao\n", ""), encoding="utf-8")
        before = _page_text(log_dir)
        page.press(".entry.st-open details.more input[name=took]", "Enter")
        page.wait_for_selector("details.more[open] .msg-error >> text=there is no to-do 2")
        assert _page_text(log_dir) == before
        # once the person is done, the page catches up with the file and the reason stays
        page.click("h1")
        page.wait_for_selector("#page >> text=Email Yitao", state="detached", timeout=5000)
        assert "there is no to-do 2" in page.inner_text("#page-msg")
        # search as you type
        w.go("/search")
        page.fill("#q", "warmup")
        page.wait_for_selector("#results mark >> text=warmup")
        w.shot("flow-search")
        page.click("#results a.hitlink")
        page.wait_for_load_state("networkidle")
        assert "#L" in page.url and page.evaluate("location.pathname").startswith("/day/")
        assert page.evaluate("document.querySelector(':target').textContent").find("warmup") >= 0
        # ask
        w.go("/ask")
        page.fill("#question", "when did the warmup diverge?")
        page.keyboard.press("Enter")
        page.wait_for_selector("#answer blockquote a >> text=warmup diverged")
        href = page.get_attribute("#answer blockquote a", "href")
        assert href and href.startswith("/day/") and "#L" in href
        w.shot("flow-ask")
        page.fill("#question", "how many experiments did I log?")  # a count: the number, then the latest
        page.keyboard.press("Enter")
        page.wait_for_selector("#answer p.written >> text=Experiments (exp:), the whole log: 1. The latest:")
        assert page.is_visible("#answer blockquote a >> text=warmup diverged")
        w.shot("flow-ask-count")
        # the week's reflection, in place
        w.go("/week")
        page.fill("#own-reflection textarea", "Mornings without chat worked.")
        page.click("#own-reflection button[type=submit]")
        page.wait_for_selector("#own-reflection .owntext >> text=Mornings without chat worked.")
        weeks = list((log_dir / "weeks").rglob("*.md"))
        assert weeks and "## Reflection\n\nMornings without chat worked.\n" in weeks[0].read_text(encoding="utf-8")
        page.click("form.rating button[value='4']")
        page.wait_for_selector("form.rating button.on[value='4']")
        assert "rating: 4" in weeks[0].read_text(encoding="utf-8")
        w.shot("flow-week")
        # stats
        w.go("/stats/time")
        assert page.locator("svg.chart").count() >= 1
        w.shot("flow-stats")
        assert w.dialogs == [] and w.errors == []


def test_a_todo_ticked_by_mistake_is_reopened_in_the_browser(browser: Any, log_dir: Path) -> None:
    """Tick a to-do, click "reopen" on it: the open box is back without a reload, and the page file
    says `- [ ]` again, as `reslog reopen` would write it."""
    keyword_only(log_dir)
    with serving(log_dir) as server:
        w = Watched(browser, server, 1280)
        w.sign_in()
        page = w.page
        page.fill("#capture-text", "todo Rerun the sweep")
        page.keyboard.press("Enter")
        page.wait_for_selector("#page .entry.st-open >> text=Rerun the sweep")
        page.evaluate("window.__notReloaded = true")
        page.click("form.tick button.box")
        page.wait_for_selector(".entry.st-done >> text=Rerun the sweep")
        assert "- [x] Rerun the sweep" in _page_text(log_dir)
        page.click(".entry.st-done button.act.reopen")
        page.wait_for_selector(".entry.st-open >> text=Rerun the sweep")
        assert "- [ ] Rerun the sweep\n" in _page_text(log_dir) and "[x]" not in _page_text(log_dir)
        assert page.locator("button.act.reopen").count() == 0
        assert page.evaluate("window.__notReloaded") is True
        assert w.dialogs == [] and w.errors == []


def test_slash_goes_to_the_search_box_but_types_in_a_text_box(browser: Any, log_dir: Path) -> None:
    """`/` puts the cursor in the search box (as on GitHub): from Today it opens Search with the box
    focused, on Search it focuses the box; typed in the capture box (or any text field) it is a
    slash, and on a focused checkbox it still searches."""
    keyword_only(log_dir)
    with serving(log_dir) as server:
        w = Watched(browser, server, 1280)
        w.sign_in()
        page = w.page
        page.keyboard.press("/")
        page.wait_for_url("**/search")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.activeElement.id") == "q"
        page.keyboard.type("warmup")  # typed straight into the box, a slash nowhere
        assert page.input_value("#q") == "warmup"
        page.focus("input[name=starred]")
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "q"
        assert page.evaluate("location.pathname") == "/search"
        w.go("/")
        page.click("#capture-text")
        page.keyboard.type("read: a/b testing")
        assert page.input_value("#capture-text") == "read: a/b testing"
        assert page.evaluate("location.pathname") == "/"
        assert page.evaluate("document.activeElement.id") == "capture-text"
        assert w.dialogs == [] and w.errors == []


_ROWS = """[...document.querySelectorAll('#page .entry[class*=" st-"]')].map(e => {
  const box = r => { const b = r.getBoundingClientRect(); return [Math.round(b.top), Math.round(b.bottom),
                                                                  Math.round(b.left), Math.round(b.right)]; };
  const controls = [...e.querySelectorAll(':scope > .line > .tick .box, :scope > .line > span.box, ' +
                                          ':scope > .line > .acts > form button, ' +
                                          ':scope > .line > .acts > details > summary')];
  return {text: e.querySelector('.text').textContent.trim(), controls: controls.map(box),
          height: e.querySelector(':scope > .line').getBoundingClientRect().height};
})"""


def _one_line(boxes: list[list[int]]) -> bool:
    """Whether the boxes (top, bottom, left, right) sit on one line: their vertical spans overlap."""
    return max(b[0] for b in boxes) < min(b[1] for b in boxes)


def test_todo_actions_fit_a_phone(browser: Any, log_dir: Path) -> None:
    """At 375 px each to-do row keeps its controls (the box, start, ⋯ or reopen) on one line beside
    its words, the page is no wider than the screen, and the ⋯ menu opens on screen with its
    Done, Defer and Drop each on one line. Screenshots at 375 and 1280 px."""
    keyword_only(log_dir)
    today = dt.date.today()
    path = log_dir / "days" / f"{today.year:04d}" / f"{today.isoformat()}.md"
    path.parent.mkdir(parents=True)
    path.write_text(f"# {today}\n\n## What was done\n- 09:00 exp: warmup diverged at step 800 #w2s\n\n"
                    "## To-do\n- [ ] Rerun the sweep with lr=3e-4 [est:: 2h]\n"
                    "- [ ] Email Yitao about the shared cluster quota for next month [est:: 15m] [took:: 5m]\n"
                    "- [ ] Plan\n- [x] Read the scaling-laws paper [took:: 30m]\n- [-] Old thing\n\n"
                    "## Random ideas\n- 09:12 idea: try a cosine schedule\n", encoding="utf-8")
    with serving(log_dir) as server:
        for width in (375, 1280):
            w = Watched(browser, server, width)
            w.sign_in()
            page = w.page
            rows = page.evaluate(_ROWS)
            assert len(rows) == 5
            for row in rows:
                assert len(row["controls"]) >= 2, row
                assert _one_line(row["controls"]), f"at {width}px the controls of {row['text']!r} wrap: {row}"
                assert all(b[2] >= 0 and b[3] <= width for b in row["controls"]), row
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            w.shot("todo-rows")
            page.click(".entry.st-open details.more summary")
            menu = page.evaluate("""[...document.querySelectorAll('details.more[open] .menu form')].map(f =>
              [...f.querySelectorAll('input:not([type=hidden]), button')].map(b => {
                const r = b.getBoundingClientRect();
                return [Math.round(r.top), Math.round(r.bottom), Math.round(r.left), Math.round(r.right)];
              }))""")
            assert len(menu) == 3
            for controls in menu:  # took + Done, to + Defer, Drop: each form on one line, on screen
                assert _one_line(controls), f"at {width}px a form of the menu wraps: {menu}"
                assert all(b[2] >= 0 and b[3] <= width for b in controls), f"off screen at {width}px: {menu}"
            heights = {b[1] - b[0] for controls in menu for b in controls[-1:]}
            assert max(heights) - min(heights) <= 2, f"a button's label wraps at {width}px: {menu}"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            w.shot("todo-menu")
            assert w.dialogs == [] and w.errors == []
            page.close()


XSS = [
    "<script>window.__xss = 1; alert('script')</script>",
    "<img src=x onerror=\"window.__xss = 2; alert('img')\">",
    "\"><svg onload=\"window.__xss = 3; alert('svg')\">",
    "[click me](javascript:window.__xss=4;alert('link'))",
    "[obfuscated](jav&#x09;ascript:alert('tab'))",
    "<a href=\"javascript:alert('raw')\">raw</a>",
    "' onmouseover='alert(1)' x='",
]


def test_xss_payloads_stay_text(browser: Any, log_dir: Path) -> None:
    """Payloads in entries, tags, sources and a week's reflection, on every page that shows them."""
    keyword_only(log_dir)
    for n, payload in enumerate(XSS):
        assert main(["did", f"payload {n}: {payload}"]) == 0
        if "]" in payload:  # a source may not hold a field's closing bracket: capture refuses it
            assert main(["idea", f"idea {n}", "--from", payload]) == 2  # a usage error
        else:
            assert main(["idea", f"idea {n}", "--from", payload]) == 0
    assert main(["did", "a tagged one", "-t", "ok", f"#tag{XSS[2]}"]) == 0
    # the day the script payload was written to (not the clock's: a run across midnight moves on)
    (written,) = [page for page in (log_dir / "days").rglob("*.md")
                  if "<script>window.__xss" in page.read_text(encoding="utf-8")]
    today = dt.date.fromisoformat(written.stem)
    year, week, _ = today.isocalendar()
    log = Log(log_dir)
    review.refresh(log, year, week, today)
    review.save_own_text(log, year, week, "reflection", "\n".join(XSS), content_hash(""))
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        for path in ("/", f"/day/{today}", "/journal", f"/week/{year}-W{week:02d}", "/search?q=payload",
                     "/search?q=idea", "/ask?q=what+payload+did+I+log", "/stats/sources", "/stats/habits",
                     f"/edit/{today}"):
            page = w.go(path)
            title = page.title()
            assert title.endswith("· reslog"), (path, title)
            for link in page.locator("a").all():
                page.evaluate("a => a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))",
                              link.element_handle())
            assert page.evaluate("window.__xss") is None, path
            assert page.evaluate("document.querySelectorAll('img, svg[onload], [onerror], [onmouseover], "
                                 "script:not([src])').length") == 0, path
            assert page.evaluate("[...document.querySelectorAll('a[href]')].filter(a => "
                                 "!/^(https?:|mailto:|\\/|#|\\?)/i.test(a.getAttribute('href'))).length") == 0
            assert page.title() == title
        # the text is shown as written
        page = w.go(f"/day/{today}")
        assert "<script>window.__xss = 1; alert('script')</script>" in page.inner_text("#page")
        # clicking the would-be javascript: link does nothing
        w.shot("xss-today")
        assert w.dialogs == []


def test_a_change_on_disk_shows_up_in_an_open_tab(browser: Any, log_dir: Path) -> None:
    keyword_only(log_dir)
    assert main(["did", "already there"]) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.go("/")
        page.wait_for_timeout(300)  # the event stream is open
        assert main(["did", "written by the CLI meanwhile"]) == 0
        page.wait_for_selector("#page >> text=written by the CLI meanwhile", timeout=2500)
        # an editor open on the page warns that a save would be refused
        page = w.go(f"/edit/{dt.date.today()}")
        page.wait_for_timeout(300)
        assert main(["did", "and once more"]) == 0
        page.wait_for_selector("#edit-changed:not([hidden])", timeout=2500)
        assert w.errors == []


def test_the_plain_forms_save_and_sign_in(browser: Any, log_dir: Path) -> None:
    """The editor's Save and the token sign-in are plain form posts (no script): the browser must
    send an origin the server takes for its own, or both were refused as "from another site"."""
    keyword_only(log_dir)
    assert main(["did", "written before the edit"]) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        page = w.go("/login")
        page.fill("#token", TOKEN)
        page.click("form.signin button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "Sign in" not in page.title(), page.content()[:500]
        page = w.go(f"/edit/{dt.date.today()}")
        source = page.input_value("textarea.source")
        page.fill("textarea.source", source.replace("written before the edit", "rewritten in the editor"))
        page.click("form.editor-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "another site" not in page.content()
        assert "rewritten in the editor" in _page_text(log_dir)
        assert "written before the edit" not in _page_text(log_dir)
        assert w.errors == []


def test_every_page_at_both_widths(browser: Any, tmp_path: Path) -> None:
    """Screenshots of every page on a demo log, and nothing wider than the screen at 375 px."""
    from reslog.demo import write_demo

    root = write_demo(tmp_path / "demo", dt.date.today())
    keyword_only(root)
    today = dt.date.today()
    with serving(root) as server:
        pages = {
            "today": "/", "day": f"/day/{today - dt.timedelta(days=2)}", "journal": "/journal",
            "calendar": "/calendar", "week": "/week", "search": "/search?q=loss", "ask": "/ask?q=what+did+I+decide+about+the+loader",
            "stats": "/stats", "stats-time": "/stats/time", "stats-bugs": "/stats/bugs",
            "stats-sources": "/stats/sources", "stats-focus": "/stats/focus", "stats-weeks": "/stats/weeks",
            "stats-habits": "/stats/habits", "edit": f"/edit/{today}",
        }
        for width in WIDTHS:
            w = Watched(browser, server, width)
            w.sign_in()
            for name, path in pages.items():
                page = w.go(path)
                assert page.title().endswith("reslog"), name
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{name} is {overflow}px wider than the screen at {width}px"
                w.shot(name)
            w.page.context.clear_cookies()
            page = w.go("/")
            w.shot("signin")
            assert w.errors == [], w.errors
            w.page.close()


def test_a_very_long_word_neither_stalls_nor_widens_the_page(browser: Any, log_dir: Path) -> None:
    """One 200,000-character word (a pasted blob) in an entry, a nested line, free text, a to-do
    and an idea: it was measured taking Chromium ~23 s to lay out, and it made the day, week and
    search pages wider than the screen. With a <wbr> every 64 characters (and long words allowed
    to wrap) each page loads well within the bound and nothing is wider than a 375 px screen."""
    keyword_only(log_dir)
    word = "0123456789abcdef" * 12_500
    today = dt.date.today()
    path = log_dir / "days" / f"{today.year:04d}" / f"{today.isoformat()}.md"
    path.parent.mkdir(parents=True)
    path.write_text(f"# {today}\n\n## What was done\n- 09:00 pasted {word} here\n  - thought: nested {word}\n\n"
                    f"free text {word}\n\n## To-do\n- [ ] check {word}\n\n## Random ideas\n- 09:12 long {word}\n",
                    encoding="utf-8")
    with serving(log_dir) as server:
        w = Watched(browser, server, 375)
        w.sign_in()
        for path_ in ("/", f"/day/{today}", "/week", "/journal", "/search?q=pasted"):
            start = time.monotonic()
            page = w.go(path_)
            page.evaluate("document.body.getBoundingClientRect().height")  # the layout, done
            took = time.monotonic() - start
            assert took < 10, f"{path_} took {took:.1f} s to load and lay out"
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path_
        # the word is shown (and copied) whole
        page = w.go("/")
        assert page.evaluate("document.querySelector('#page .entry .text').textContent").strip() == \
            f"pasted {word} here"
        assert w.errors == []


def test_a_conflict_in_the_editor_fits_the_screen_line_for_line(browser: Any, log_dir: Path) -> None:
    """A save refused because the page changed on disk shows both versions and their diff. A long
    word pushed "Yours" off a 1400 px screen (the grid's columns grew to fit it), and every line
    of the diff was followed by an empty one."""
    keyword_only(log_dir)
    today = dt.date.today()
    path = log_dir / "days" / f"{today.year:04d}" / f"{today.isoformat()}.md"
    path.parent.mkdir(parents=True)
    path.write_text(f"# {today}\n\n## What was done\n- 09:00 exp: {'supercalifragilistic' * 15}\n"
                    "- 09:30 second\n", encoding="utf-8")
    with serving(log_dir) as server:
        for width in (1280, 375):
            w = Watched(browser, server, width)
            w.sign_in()
            page = w.go(f"/edit/{today}")
            page.fill("textarea.source", page.input_value("textarea.source") + "- 23:00 mine\n")
            with path.open("a", encoding="utf-8") as page_file:
                page_file.write(f"- 10:00 theirs at {width}\n")
            page.click("form.editor-form button[type=submit]")
            page.wait_for_selector(".conflict pre.diff")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            diff = page.evaluate("document.querySelector('.conflict pre.diff').innerText")
            assert "+- 23:00 mine" in diff and f"-- 10:00 theirs at {width}" in diff, diff
            assert "\n\n" not in diff.strip("\n"), diff
            w.shot("editor-conflict")
            assert w.dialogs == []
            page.close()


def test_todo_buttons_work_without_javascript(playwright: Any, log_dir: Path, tmp_path: Path) -> None:
    """Without JavaScript (or when htmx fails to load) every to-do form of a page was refused with
    403 "the form is missing its CSRF token", reload or not: the forms rendered an empty token."""
    keyword_only(log_dir)
    assert main(["todo", "Rerun the sweep"]) == 0
    with serving(log_dir) as server:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.goto(f"{server.url}/login?token={TOKEN}")
            page.goto(f"{server.url}/")
            assert page.locator('form.tick input[name="csrf"]').first.get_attribute("value")
            page.click("form.tick button.box")
            assert "- [x] Rerun the sweep" in _page_text(log_dir)
            assert "Refused" not in page.content()
        finally:
            browser.close()


def test_a_page_too_large_to_save_keeps_the_editor_and_says_why(browser: Any, log_dir: Path) -> None:
    """4.5 MB pasted in the editor was cut at 4 MB and saved as if whole; now the Save is refused
    with the text still in the editor, and nothing written."""
    keyword_only(log_dir)
    assert main(["did", "written before the paste"]) == 0
    before = _page_text(log_dir)
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.go(f"/edit/{dt.date.today()}")
        page.evaluate("""() => { const t = document.querySelector('textarea.source'); let s = '';
            for (let i = 0; i < 80000; i++) s += '  - step ' + i + ' loss=0.123456 acc=0.987654 lr=3e-4 ok\\n';
            t.value = t.value + '- 23:00 pasted output\\n' + s + '- 23:59 THE LAST LINE I TYPED\\n'; }""")
        page.click("form.editor-form button[type=submit]")
        page.wait_for_selector("#edit-msg:not([hidden])", timeout=5000)
        assert "larger than 4 MB" in page.inner_text("#edit-msg")
        assert page.url.endswith(f"/edit/{dt.date.today()}")
        assert page.evaluate("document.querySelector('textarea.source').value").endswith(
            "THE LAST LINE I TYPED\n")
        page.wait_for_timeout(500)
        assert _page_text(log_dir) == before
        assert w.errors == []


def test_eight_open_tabs_share_one_live_stream(browser: Any, log_dir: Path) -> None:
    """Each day page held its own live-refresh stream, and Chromium opens at most six connections
    to a server: the seventh tab hung, and so did every click in the others. Now the tabs share
    one stream, which still brings a change made by the CLI to every tab showing that page."""
    keyword_only(log_dir)
    today = dt.date.today()
    days = [today - dt.timedelta(days=n) for n in range(8)]
    for day in days:
        assert main(["did", "--date", day.isoformat(), f"written on {day}"]) == 0
    with serving(log_dir) as server:
        first = Watched(browser, server)
        first.sign_in()
        first.go("/search")
        tabs = []
        for day in days:
            tab = Watched(browser, server)
            started = time.monotonic()
            tab.page.goto(f"{server.url}/day/{day}", timeout=8000)
            tab.page.wait_for_timeout(150)  # its stream (if it had one) is open
            assert time.monotonic() - started < 5, f"tab {len(tabs) + 1} took too long"
            tabs.append(tab)
        started = time.monotonic()
        first.page.goto(f"{server.url}/journal", timeout=8000)
        assert time.monotonic() - started < 3
        second = Watched(browser, server)  # a second tab on today's page: both hear of the change
        second.page.goto(f"{server.url}/day/{today}", timeout=8000)
        second.page.wait_for_timeout(300)
        assert main(["did", "written by the CLI meanwhile"]) == 0
        for tab in (tabs[0], second):
            tab.page.wait_for_selector("#page >> text=written by the CLI meanwhile", timeout=4000)
        assert main(["did", "--date", days[-1].isoformat(), "and on the oldest day"]) == 0
        tabs[-1].page.wait_for_selector("#page >> text=and on the oldest day", timeout=4000)
        assert all(t.errors == [] for t in (first, second, *tabs))


def test_the_entry_chosen_for_a_thought_outlives_a_live_refresh(browser: Any, log_dir: Path) -> None:
    """A live refresh put "where it goes" back to "a new entry", so a thought typed meanwhile was
    filed as an entry of its own; the choice is kept, by the entry's words (its number shifted)."""
    keyword_only(log_dir)
    assert main(["did", "exp: first run"]) == 0
    assert main(["reflect", "the morning went well"]) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.go("/")
        page.click("section.sec-reflection button.nest")
        assert page.input_value("#capture-on") == "2 the morning went well"
        page.keyboard.type("meant for the reflection")
        assert main(["did", "exp: written by the CLI meanwhile"]) == 0
        page.wait_for_selector("#page >> text=written by the CLI meanwhile", timeout=4000)
        page.wait_for_timeout(200)
        assert page.input_value("#capture-on") == "3 the morning went well"
        page.keyboard.press("Enter")
        page.wait_for_selector("#page .children >> text=meant for the reflection", timeout=4000)
        lines = _page_text(log_dir).splitlines()
        at = next(n for n, line in enumerate(lines) if line.endswith("the morning went well"))
        assert lines[at + 1] == "  - thought: meant for the reflection"
        assert w.errors == []


def test_an_imported_page_fits_a_phone(browser: Any, log_dir: Path) -> None:
    """An imported post's `file` field did not wrap (the page scrolled sideways at 375 px), and a
    data: image was printed as its base64 text (one day page 77,566 px tall): the field wraps and
    an image is a short [image: alt] placeholder."""
    keyword_only(log_dir)
    day = dt.date.today()
    blob = "iVBORw0KGgo" + "A" * 60_000
    path = log_dir / "days" / f"{day.year:04d}" / f"{day}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ndate: {day}\n---\n# Imported\n\n## What was done\n"
                    "- a post [file:: 2010/_posts/2010-01-01-a-rather-long-title-of-an-imported-blog-post.md]\n"
                    f"- the chart ![loss curve](data:image/png;base64,{blob}) as it was\n", encoding="utf-8")
    with serving(log_dir) as server:
        w = Watched(browser, server, 375)
        w.sign_in()
        page = w.go(f"/day/{day}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.evaluate("document.documentElement.scrollHeight") < 2000
        assert "[image: loss curve]" in page.inner_text("#page")
        assert "iVBORw0KGgo" not in page.inner_text("body")
        w.shot("imported-page")
        assert w.errors == []


def test_a_refused_capture_without_javascript_keeps_the_typed_text(playwright: Any, log_dir: Path,
                                                                   tmp_path: Path) -> None:
    """Without JavaScript a 422 page replaced the capture form and the typed text was gone (the
    401 and 403 pages kept it); now it comes back on that page too."""
    keyword_only(log_dir)
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "nojs"), executable_path=CHROMIUM, headless=True, args=ARGS, java_script_enabled=False,
        viewport={"width": 375, "height": 812})
    try:
        with serving(log_dir) as server:
            page = context.new_page()
            page.goto(f"{server.url}/login?token={TOKEN}")
            typed = "todo write a long careful paragraph I do not want to lose [est:: soonish]"
            page.fill("#capture-text", typed)
            page.press("#capture-text", "Enter")
            page.wait_for_load_state()
            assert "cannot read 'soonish' as a duration" in page.inner_text("main")
            assert page.input_value("textarea.source") == typed
            assert "careful paragraph" not in _page_text(log_dir)
    finally:
        context.close()


def test_escape_closes_the_more_menu(browser: Any, log_dir: Path) -> None:
    keyword_only(log_dir)
    assert main(["todo", "write the abstract"]) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.page
        page.click("details.more summary")
        assert page.locator("details.more[open]").count() == 1
        page.keyboard.press("Escape")
        assert page.locator("details.more[open]").count() == 0
        page.click("details.more summary")
        page.click("details.more input[name=took]")
        page.keyboard.press("Escape")  # from inside the menu too
        assert page.locator("details.more[open]").count() == 0
        assert w.errors == []


def test_a_weeks_unsaved_box_outlives_saving_the_other_and_a_rating(browser: Any, log_dir: Path) -> None:
    """Saving "Next week's focus" or clicking a rating redrew the whole week, and the Reflection
    typed but not saved was gone. It is kept, unsaved (the file has only what was saved), and its
    Save then writes it."""
    keyword_only(log_dir)
    assert main(["did", "exp: warmup diverged"]) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.go("/week")
        (week,) = (log_dir / "weeks").rglob("*.md")
        page.fill("#own-reflection textarea", "Mornings without chat worked.")
        page.fill("#own-focus textarea", "Write the related work.")
        page.click("#own-focus button[type=submit]")
        page.wait_for_selector("#own-focus .owntext >> text=Write the related work.")
        assert page.input_value("#own-reflection textarea") == "Mornings without chat worked."
        page.click("form.rating button[value='3']")
        page.wait_for_selector("form.rating button.on[value='3']")
        assert page.input_value("#own-reflection textarea") == "Mornings without chat worked."
        text = week.read_text(encoding="utf-8")
        assert "Write the related work." in text and "rating: 3" in text
        assert "Mornings without chat" not in text
        w.shot("week-unsaved-kept")
        page.click("#own-reflection button[type=submit]")
        page.wait_for_selector("#own-reflection .owntext >> text=Mornings without chat worked.")
        text = week.read_text(encoding="utf-8")
        assert "## Reflection\n\nMornings without chat worked.\n" in text and "Write the related work." in text
        assert w.dialogs == [] and w.errors == []


def test_every_search_filter_updates_the_results_as_it_changes(browser: Any, log_dir: Path) -> None:
    """Only the words and the kind searched as they changed; section, level, ★, open to-dos, tag,
    source, since and until waited for Enter. Each one now updates the results by itself, and a
    period that cannot be read is one line where the results go."""
    keyword_only(log_dir)
    for args in (["did", "exp: warmup diverged ★"], ["did", "warmup tagged", "-t", "w2s"],
                 ["todo", "warmup the cache"], ["idea", "warmup schedule", "--from", "chat"],
                 ["reflect", "warmup worked well"], ["did", "--force", "--date", "2020-01-06", "warmup long ago"]):
        assert main(args) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.go("/search")

        def shown(n: int) -> None:
            page.wait_for_function(f"() => document.querySelectorAll('#results li.hit').length === {n}", timeout=5000)

        page.fill("#q", "warmup")
        shown(6)
        for check in ("starred", "open"):
            page.check(f"input[name={check}]")
            shown(1)
            page.uncheck(f"input[name={check}]")
            shown(6)
        for select, value in (("section", "ideas"), ("level", "2")):
            page.select_option(f"select[name={select}]", value)
            shown(1)
            page.select_option(f"select[name={select}]", "")
            shown(6)
        for field, value, n in (("tag", "w2s", 1), ("source", "chat", 1), ("since", "2025-01-01", 5),
                                ("until", "2021", 1)):
            page.fill(f"input[name={field}]", value)
            shown(n)
            page.fill(f"input[name={field}]", "")
            shown(6)
        page.fill("input[name=since]", "garbage")
        page.wait_for_selector("#results .msg-error >> text=garbage")
        assert page.locator("#results li.hit").count() == 0
        assert page.input_value("input[name=since]") == "garbage"
        assert "since=garbage" in page.url
        w.shot("search-bad-since")
        assert w.dialogs == [] and w.errors == []


def test_a_todo_ticked_with_the_keyboard_keeps_the_focus(browser: Any, log_dir: Path) -> None:
    """Space on a to-do's box ticked it, and the page drawn again left the focus on the body, so
    the next Tab started from the top of the page. The focus stays on that to-do: on its box, then
    (Tab) its "reopen", which (Enter) puts the open box back in focus."""
    keyword_only(log_dir)
    assert main(["todo", "Email Yitao"]) == 0
    assert main(["todo", "Rerun the sweep"]) == 0
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.page
        row = page.locator("#page li.entry", has_text="Rerun the sweep")
        entry = row.get_attribute("id")
        row.locator("form.tick button.box").focus()
        page.keyboard.press("Space")
        page.wait_for_selector(f"#{entry}.st-done")
        focus = "() => [document.activeElement.closest('li.entry')?.id, document.activeElement.className]"
        assert page.evaluate(focus) == [entry, "box done"]
        page.keyboard.press("Tab")
        assert page.evaluate(focus) == [entry, "act reopen"]
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#{entry}.st-open")
        assert page.evaluate(focus) == [entry, "box"]
        assert "- [ ] Rerun the sweep" in _page_text(log_dir) and "- [ ] Email Yitao" in _page_text(log_dir)
        page.keyboard.press("Space")
        page.wait_for_selector(f"#{entry}.st-done")
        assert page.evaluate(focus) == [entry, "box done"]
        w.shot("todo-ticked-by-keyboard")
        assert w.dialogs == [] and w.errors == []


def test_a_refusal_in_the_todo_menu_is_said_there_with_the_menu_open(browser: Any, log_dir: Path) -> None:
    """A "took" the app cannot read, or a defer to a day gone by, was said at the top of the page,
    far from the menu. It is said under the form that was sent, the menu open and what was typed
    kept to correct; nothing is written until it is."""
    keyword_only(log_dir)
    assert main(["todo", "Review the PR"]) == 0
    with serving(log_dir) as server:
        for width in (1280, 375):
            w = Watched(browser, server, width)
            w.sign_in()
            page = w.page
            before = _page_text(log_dir)
            page.click("details.more summary")
            page.fill("details.more input[name=took]", "a while")
            page.click("details.more form[action='/todo/done'] button")
            page.wait_for_selector("details.more[open] form[action='/todo/done'] + .msg .msg-error"
                                   " >> text=cannot read 'a while' as a duration")
            assert page.input_value("details.more input[name=took]") == "a while"
            assert page.inner_text("#page-msg") == ""
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            w.shot("todo-menu-refused")
            page.fill("details.more input[name=to]", "2020-01-01")
            page.click("details.more form[action='/todo/defer'] button")
            page.wait_for_selector("details.more[open] form[action='/todo/defer'] + .msg .msg-error")
            assert page.locator("details.more .msg-error").count() == 1
            assert page.input_value("details.more input[name=to]") == "2020-01-01"
            assert _page_text(log_dir) == before
            assert w.dialogs == [] and w.errors == []
            page.close()
        w = Watched(browser, server)
        w.sign_in()
        page = w.page
        page.click("details.more summary")
        page.fill("details.more input[name=took]", "45m")
        page.press("details.more input[name=took]", "Enter")
        page.wait_for_selector(".entry.st-done >> text=Review the PR")
        assert "- [x] Review the PR [took:: 45m]" in _page_text(log_dir)
        assert w.errors == []


def test_the_editor_with_changes_not_saved_is_not_left_by_a_key(browser: Any, log_dir: Path) -> None:
    """`t` (or `c`, `/`) pressed outside the text area left the editor and the changes typed in it
    without a word. A key now leaves nothing and says why; a link asks first (beforeunload); Save
    leaves without asking; an editor without changes is left by a key as before."""
    keyword_only(log_dir)
    assert main(["did", "written before the edit"]) == 0
    today = dt.date.today()
    with serving(log_dir) as server:
        w = Watched(browser, server)
        w.sign_in()
        page = w.go(f"/edit/{today}")
        page.click("textarea.source")
        page.keyboard.press("Control+End")
        page.keyboard.type("- 23:00 typed and not saved\n")
        page.keyboard.press("Escape")  # out of the text area, where keys are shortcuts
        for key in ("t", "c", "/"):
            page.keyboard.press(key)
            page.wait_for_timeout(300)
            assert page.evaluate("location.pathname") == f"/edit/{today}", key
        assert "not saved" in page.inner_text("#edit-msg")
        assert page.input_value("textarea.source").endswith("- 23:00 typed and not saved\n")
        assert w.dialogs == []
        w.shot("editor-unsaved-key")
        page.click("a >> text=back without saving", no_wait_after=True)
        page.wait_for_timeout(500)
        assert len(w.dialogs) == 1  # the browser asked (and the test said stay)
        assert page.evaluate("location.pathname") == f"/edit/{today}"
        page.click("form.editor-form button[type=submit]")
        page.wait_for_url(f"**/day/{today}")
        assert len(w.dialogs) == 1
        assert "- 23:00 typed and not saved" in _page_text(log_dir)
        page = w.go(f"/edit/{today}")
        page.keyboard.press("t")
        page.wait_for_url(f"{server.url}/")
        assert len(w.dialogs) == 1 and w.errors == []

