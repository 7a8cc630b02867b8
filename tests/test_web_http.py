"""`reslog serve` over real HTTP on loopback: pages, forms, the JSON API, live updates.

Every write is checked in the Markdown file itself; every bad input gets one clear line next to
its form (422) and leaves the log byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):  # on CI the web tests must run
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'reslog[web]'")

from reslog.cli.entry import main
from reslog.web import clock

from .conftest import day_file, write_day
from .test_errors import read_only_log as _read_only
from .web_harness import Server, keyword_only, serving

NOW = dt.datetime(2026, 11, 26, 9, 12).astimezone()
DAY = "2026-11-26"


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dt.datetime]]:
    current = [NOW]
    monkeypatch.setattr(clock, "now", lambda: current[0])
    yield current


@pytest.fixture
def server(log_dir: Path, fixed_clock: list[dt.datetime]) -> Iterator[Server]:
    keyword_only(log_dir)
    with serving(log_dir) as running:
        yield running


def _files(log_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(log_dir)): p.read_bytes() for p in sorted(log_dir.rglob("*.md"))}


def _page(log_dir: Path, day: str = DAY) -> str:
    return day_file(log_dir, day).read_text(encoding="utf-8")


# --- today and capture ---


def test_today_page_makes_todays_page_with_carried_todos(server: Server, log_dir: Path) -> None:
    server.api("POST", "/api/entries", {"text": "todo Email Yitao", "date": "2026-11-24"})
    reply = server.browser("GET", "/", htmx=False)
    assert reply.status == 200
    assert "Thursday 26 November 2026" in reply.text
    assert "Email Yitao" in reply.text and "waiting 2 days" in reply.text
    assert "[carried:: 2026-11-24]" in _page(log_dir)
    assert "- [>] Email Yitao" in _page(log_dir, "2026-11-24")


@pytest.mark.parametrize(("typed", "line"), [
    ("exp: W2S on GPT-2 sizes #w2s ★", "- 09:12 exp: W2S on GPT-2 sizes #w2s ★"),
    ("bug: off-by-one in the loader", "- 09:12 bug: off-by-one in the loader"),
    ("todo Rerun the sweep #w2s [est:: 2h]", "- [ ] Rerun the sweep #w2s [est:: 2h]"),
    ("todo: Email Yitao", "- [ ] Email Yitao"),
    ("idea Use tools in reward models [from:: chat with Yitao]",
     "- 09:12 Use tools in reward models [from:: chat with Yitao]"),
    ("reflect The morning block worked.", "- 09:12 The morning block worked."),
    ("did Set up the sweep", "- 09:12 Set up the sweep"),
    ("08:05 read: the W2S paper", "- 08:05 read: the W2S paper"),
])
def test_capture_box_writes_what_the_cli_writes(server: Server, log_dir: Path, typed: str, line: str) -> None:
    reply = server.browser("POST", "/capture", {"text": typed, "date": DAY})
    assert reply.status == 200, reply.text
    assert line in _page(log_dir).splitlines()
    file, number = reply.headers["x-reslog-line"].rsplit(":", 1)
    assert file == "days/2026/2026-11-26.md"
    assert _page(log_dir).splitlines()[int(number) - 1] == line
    assert reply.text.startswith('<article id="page"')  # the fragment htmx swaps in, no reload


def test_think_and_feel_go_under_the_chosen_entry(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "exp: first run"})
    server.browser("POST", "/capture", {"text": "exp: second run"})
    server.browser("POST", "/capture", {"text": "the seed matters", "on": "1"})
    server.browser("POST", "/capture", {"text": "feel relieved", "on": "2"})
    server.browser("POST", "/capture", {"text": "think latest by default"})
    lines = _page(log_dir).splitlines()
    at = lines.index("- 09:12 exp: first run")
    assert lines[at + 1] == "  - thought: the seed matters"
    assert lines[at + 2:at + 5] == ["- 09:12 exp: second run", "  - feel: relieved",
                                    "  - thought: latest by default"]


def test_a_thought_under_an_entry_that_moved_is_refused(server: Server, log_dir: Path) -> None:
    """The menu's "a thought under 2" named an entry by its number only; an entry added above
    meanwhile shifted the numbers and the thought landed under another entry. The menu now sends
    the entry's words too, and a stale choice is refused with nothing written."""
    server.browser("POST", "/capture", {"text": "exp: first run"})
    server.browser("POST", "/capture", {"text": "reflect the morning went well"})
    page = server.browser("GET", f"/day/{DAY}", htmx=False).text
    assert '<option value="2 the morning went well">' in page
    assert 'data-on="1 exp: first run"' in page or 'data-on="1 first run"' in page
    assert main(["--dir", str(log_dir), "did", "--date", DAY, "exp: second run"]) == 0
    before = _page(log_dir)
    reply = server.browser("POST", "/capture", {"text": "meant for the reflection", "on": "2 the morning went well"})
    assert reply.status == 422
    assert "entry 2 on 2026-11-26 is no longer 'the morning went well'" in html.unescape(reply.text)
    assert _page(log_dir) == before
    reply = server.browser("POST", "/capture", {"text": "meant for the reflection", "on": "3 the morning went well"})
    assert reply.status == 200
    lines = _page(log_dir).splitlines()
    assert lines[lines.index("- 09:12 the morning went well") + 1] == "  - thought: meant for the reflection"


def test_capture_without_htmx_redirects_back(server: Server, log_dir: Path) -> None:
    reply = server.browser("POST", "/capture", {"text": "plain form post"}, htmx=False)
    assert reply.status == 303 and reply.headers["location"] == "/"
    assert "- 09:12 plain form post" in _page(log_dir)


@pytest.mark.parametrize(("fields", "message"), [
    ({"text": ""}, "nothing to write: the text is empty"),
    ({"text": "   "}, "nothing to write: the text is empty"),
    ({"text": "todo "}, "nothing to write"),
    ({"text": "exp:"}, "nothing to write after &#39;exp:&#39;"),
    ({"text": "x", "date": "blorp"}, "cannot read &#39;blorp&#39; as a date"),
    ({"text": "x", "date": "2026-02-30"}, "cannot read &#39;2026-02-30&#39; as a date"),
    ({"text": "todo rerun [est:: banana]"}, "[est:: banana]: cannot read &#39;banana&#39; as a duration"),
    ({"text": "x", "on": "9"}, "there is no entry 9 on 2026-11-26"),
    # a to-do chosen "under entry 1" became a thought, its command word dropped
    ({"text": "todo Book the room", "on": "1"}, "&#39;todo&#39; starts an entry of its own section, which "
                                                "cannot go under entry 1"),
    ({"text": "idea a bigger model", "on": "1"}, "&#39;idea&#39; starts an entry of its own section"),
    ({"text": "x", "on": "two"}, "cannot read &#39;two&#39; as an entry number"),
    ({"text": "x #ok", "date": "2026-11-26", "on": "-1"}, "cannot read &#39;-1&#39; as an entry number"),
    ({"text": "bell \x07 here"}, "the text holds a control character (U+0007)"),
    ({"text": "todo"}, "nothing to write after &#39;todo&#39;"),
])
def test_bad_capture_says_why_and_writes_nothing(server: Server, log_dir: Path, fields: dict[str, str],
                                                 message: str) -> None:
    server.browser("POST", "/capture", {"text": "exp: already there"})
    before = _files(log_dir)
    reply = server.browser("POST", "/capture", fields)
    assert reply.status == 422
    assert message in reply.text and 'role="alert"' in reply.text
    assert _files(log_dir) == before


# --- to-dos ---


def _todo(server: Server, action: str, **fields: str) -> http.client.HTTPResponse:
    return server.browser("POST", f"/todo/{action}", {"date": DAY, **fields})  # type: ignore[return-value]


def test_tick_timer_drop_and_defer(server: Server, log_dir: Path, fixed_clock: list[dt.datetime]) -> None:
    for text in ("todo Rerun the sweep [est:: 2h]", "todo Email Yitao", "todo Read the paper", "todo Plan"):
        server.browser("POST", "/capture", {"text": text})
    reply = _todo(server, "start", n="1", expect="Rerun the sweep")
    assert reply.status == 200 and 'class="chip clock" data-since="2026-11-26T09:12:00' in reply.text
    assert "[started:: 2026-11-26T09:12:00" in _page(log_dir)
    fixed_clock[0] = NOW + dt.timedelta(minutes=50)
    assert _todo(server, "stop").status == 200
    assert "- [ ] Rerun the sweep [est:: 2h] [took:: 50m]" in _page(log_dir)
    assert _todo(server, "done", n="1", expect="Rerun the sweep").status == 200
    assert "- [x] Rerun the sweep [est:: 2h] [took:: 50m]" in _page(log_dir)
    assert _todo(server, "done", n="2", expect="Email Yitao", took="15m").status == 200
    assert "- [x] Email Yitao [took:: 15m]" in _page(log_dir)
    assert _todo(server, "drop", n="3", expect="Read the paper").status == 200
    assert "- [-] Read the paper" in _page(log_dir)
    assert _todo(server, "defer", n="4", expect="Plan", to="2026-11-30").status == 200
    # deferred as `reslog defer` does it: still open and carried, not listed before that day
    assert "- [ ] Plan [scheduled:: 2026-11-30]" in _page(log_dir)


@pytest.mark.parametrize(("action", "fields", "message"), [
    ("done", {"n": "9", "expect": "x"}, "there is no to-do 9 on 2026-11-26"),
    ("done", {"n": "1", "expect": "Something else"}, "is no longer &#39;Something else&#39;"),
    ("done", {"n": "1", "expect": "Rerun", "took": "soon"}, "cannot read &#39;soon&#39; as a duration"),
    ("done", {"n": "one"}, "cannot read &#39;one&#39; as a to-do number"),
    ("drop", {"n": "2", "expect": "Old"}, "is done, and only open to-dos can be dropped"),
    ("stop", {}, "no timer is running"),
    ("start", {"n": "1", "expect": "Rerun", "date": "2026-11-25"}, "a timer runs on today&#39;s to-dos only"),
    ("defer", {"n": "1", "expect": "Rerun", "to": "2026-11-20"}, "cannot defer to 2026-11-20: give a day after"),
    ("defer", {"n": "1", "expect": "Rerun", "to": "someday"}, "cannot read &#39;someday&#39; as a date"),
    ("archive", {"n": "1"}, "unknown action &#39;archive&#39;"),
])
def test_bad_todo_actions_say_why_and_write_nothing(server: Server, log_dir: Path, action: str,
                                                    fields: dict[str, str], message: str) -> None:
    server.browser("POST", "/capture", {"text": "todo Rerun"})
    server.browser("POST", "/capture", {"text": "todo Old"})
    _todo(server, "done", n="2", expect="Old")
    before = _files(log_dir)
    reply = server.browser("POST", f"/todo/{action}", {"date": DAY, **fields})
    assert reply.status == 422, reply.text
    assert message in reply.text
    assert _files(log_dir) == before


def test_a_refused_todo_action_names_no_command_to_type(server: Server) -> None:
    """"see them with 'reslog todos'" told a person in the browser to run a command."""
    server.browser("POST", "/capture", {"text": "todo write the abstract"})
    reply = server.browser("POST", "/todo/done", {"date": DAY, "n": "4", "expect": "gone"})
    assert reply.status == 422 and "there is no to-do 4 on 2026-11-26" in reply.text
    assert "reslog todos" not in reply.text and "reslog" not in reply.text.split("</p>")[0]
    api = server.api("POST", "/api/entries", {"text": "think a thought", "date": DAY})
    assert api.status == 201
    reply = server.browser("POST", "/capture", {"text": "under nothing", "on": "7"})
    assert reply.status == 422 and "there is no entry 7" in reply.text and "reslog show" not in reply.text


def test_a_todo_ticked_by_mistake_is_reopened(server: Server, log_dir: Path) -> None:
    """Done or dropped by mistake: "Reopen" puts it back to `[ ]` as `reslog reopen N` does (its
    `took` stays), guarded by its words like the other actions; the button is on the page."""
    server.browser("POST", "/capture", {"text": "todo Rerun the sweep"})
    server.browser("POST", "/capture", {"text": "todo Email Yitao"})
    _todo(server, "done", n="1", expect="Rerun the sweep", took="20m")
    _todo(server, "drop", n="2", expect="Email Yitao")
    page = server.browser("GET", f"/day/{DAY}", htmx=False).text
    assert page.count('action="/todo/reopen"') == 2
    assert 'aria-label="Reopen to-do 1"' in page and 'aria-label="Reopen to-do 2"' in page
    assert "- [x] Rerun the sweep [took:: 20m]" in _page(log_dir)
    reply = _todo(server, "reopen", n="1", expect="Rerun the sweep")
    assert reply.status == 200, reply.text
    assert "- [ ] Rerun the sweep [took:: 20m]" in _page(log_dir)  # as the CLI: the took stays
    assert 'aria-label="Mark to-do 1 done"' in reply.text
    assert _todo(server, "reopen", n="2", expect="Email Yitao").status == 200
    assert "- [ ] Email Yitao" in _page(log_dir)
    # the same refusals as `reslog reopen`, and the words guard a stale page: nothing written
    before = _files(log_dir)
    again = _todo(server, "reopen", n="1", expect="Rerun the sweep")
    assert again.status == 422 and "is open already" in again.text
    assert _files(log_dir) == before
    _todo(server, "done", n="1", expect="Rerun the sweep")
    before = _files(log_dir)
    stale = _todo(server, "reopen", n="1", expect="Email Yitao")
    assert stale.status == 422 and "is no longer" in stale.text
    assert _files(log_dir) == before


def test_a_todo_reordered_on_disk_is_not_ticked_by_a_stale_page(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "todo Rerun the sweep"})
    server.browser("POST", "/capture", {"text": "todo Email Yitao"})
    page = day_file(log_dir, DAY)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("- [ ] Rerun the sweep\n- [ ] Email Yitao\n",
                                 "- [ ] Email Yitao\n- [ ] Rerun the sweep\n"), encoding="utf-8")
    reply = _todo(server, "done", n="1", expect="Rerun the sweep")
    assert reply.status == 422 and "is no longer" in reply.text
    assert "- [x]" not in _page(log_dir)


# --- the editor ---


def _editor(server: Server, target: str) -> tuple[str, str]:
    reply = server.browser("GET", f"/edit/{target}", htmx=False)
    assert reply.status == 200
    text = re.search(r'<textarea name="text" class="source"[^>]*>\n(.*?)</textarea>', reply.text, re.S)
    digest = re.search(r'name="hash" value="([0-9a-f]*)"', reply.text)
    assert text and digest
    import html

    return html.unescape(text.group(1)), digest.group(1)


def test_editor_saves_the_page_with_its_own_line_endings(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "exp: <b>bold</b> & co"})
    text, digest = _editor(server, DAY)
    assert text == _page(log_dir)
    browser_text = (text + "- 10:00 by hand\n").replace("\n", "\r\n")  # browsers send CRLF
    reply = server.browser("POST", f"/edit/{DAY}", {"text": browser_text, "hash": digest}, htmx=False)
    assert reply.status == 303 and reply.headers["location"] == f"/day/{DAY}"
    assert day_file(log_dir, DAY).read_bytes() == (text + "- 10:00 by hand\n").encode("utf-8")


def test_editor_refuses_a_stale_save_and_shows_both_versions(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "exp: first"})
    text, digest = _editor(server, DAY)
    server.api("POST", "/api/entries", {"text": "captured while the editor was open"})
    on_disk = _page(log_dir)
    reply = server.browser("POST", f"/edit/{DAY}", {"text": text + "- mine\n", "hash": digest}, htmx=False)
    assert reply.status == 409
    assert "changed since it was loaded; nothing was saved" in reply.text
    assert "captured while the editor was open" in reply.text  # the version on disk is shown
    assert '<span class="d-add">+- mine</span>' in reply.text  # and the difference
    assert _page(log_dir) == on_disk
    new_digest = re.search(r'name="hash" value="([0-9a-f]*)"', reply.text)
    assert new_digest is not None  # saving again, knowingly, overwrites
    assert server.browser("POST", f"/edit/{DAY}", {"text": text + "- mine\n", "hash": new_digest.group(1)},
                          htmx=False).status == 303
    assert _page(log_dir).endswith("- mine\n")


def test_a_save_the_log_refuses_keeps_the_typed_text(server: Server, log_dir: Path, tmp_path: Path) -> None:
    """A page that is a symbolic link is never written over (reslog.store): the editor says so and
    keeps what was typed, instead of an error page that loses it."""
    outside = day_file(log_dir, "2026-11-20")  # a link inside the log is read, but not written through
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text("## What was done\n- 09:00 written elsewhere\n", encoding="utf-8")
    day_file(log_dir, DAY).symlink_to(outside)
    server.sign_in()
    text, digest = _editor(server, DAY)
    reply = server.browser("POST", f"/edit/{DAY}", {"text": text + "- 10:00 typed by hand\n", "hash": digest},
                           htmx=False)
    assert reply.status == 422, reply.text
    assert "Nothing was saved: days/2026/2026-11-26.md is a symbolic link" in reply.text
    assert "- 10:00 typed by hand" in reply.text and "<textarea" in reply.text
    assert day_file(log_dir, DAY).is_symlink() and "typed" not in outside.read_text(encoding="utf-8")


@pytest.mark.parametrize("control", ["\x00", "\x1b[31m", "\x08", "\x07"])
def test_the_editor_refuses_a_control_character_and_keeps_the_text(server: Server, log_dir: Path,
                                                                    control: str) -> None:
    """The capture box refuses NUL, ESC, BS, BEL ("holds a control character"); the editor saved
    them into the page. Now it refuses them too, with the typed text back in the editor."""
    server.browser("POST", "/capture", {"text": "exp: first"})
    text, digest = _editor(server, DAY)
    before = _page(log_dir)
    typed = text + f"- 10:00 pasted{control} from a terminal\r\n- a tab\tis fine\r\n"
    reply = server.browser("POST", f"/edit/{DAY}", {"text": typed, "hash": digest}, htmx=False)
    assert reply.status == 422
    assert "Nothing was saved: the text holds a control character" in html.unescape(reply.text)
    assert "pasted" in reply.text and "from a terminal" in reply.text
    assert _page(log_dir) == before
    ok = server.browser("POST", f"/edit/{DAY}", {"text": typed.replace(control, ""), "hash": digest}, htmx=False)
    assert ok.status == 303 and "- a tab\tis fine\n" in _page(log_dir)


def test_a_page_linked_outside_the_log_is_not_shown(server: Server, log_dir: Path, tmp_path: Path) -> None:
    """Search and export never read a page that links to a file outside the log (~/.ssh/...);
    the day view and the editor refuse it too, with the reason, and show none of the file."""
    secret = tmp_path / "secret.md"
    secret.write_text("## What was done\n- 09:00 zanzibar password hunter2\n", encoding="utf-8")
    day_file(log_dir, DAY).parent.mkdir(parents=True, exist_ok=True)
    day_file(log_dir, DAY).symlink_to(secret)
    server.sign_in()
    for path in (f"/day/{DAY}", f"/edit/{DAY}"):
        reply = server.browser("GET", path, htmx=False)
        assert reply.status == 422, (path, reply.status)
        assert f"days/2026/2026-11-26.md is a symbolic link to {secret}, outside the log" in reply.text
        assert "This page cannot be shown" in reply.text and "Nothing was written" not in reply.text
        assert "zanzibar" not in reply.text and "hunter2" not in reply.text
    reply = server.browser("POST", f"/edit/{DAY}", {"text": "## What was done\n- 10:00 typed\n", "hash": ""},
                           htmx=False)
    assert reply.status == 422 and "zanzibar" not in reply.text
    assert "- 10:00 typed" in reply.text and "<textarea" in reply.text  # what was typed is kept
    assert secret.read_text(encoding="utf-8").endswith("hunter2\n") and day_file(log_dir, DAY).is_symlink()


# --- the week ---


def test_week_page_rating_and_reflection(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "exp: a run #w2s"})
    server.browser("POST", "/capture", {"text": "idea tools for reward models [from:: chat]"})
    reply = server.browser("GET", "/week/2026-W48", htmx=False)
    assert reply.status == 200
    assert "The week in figures" in reply.text and "Ideas of the week" in reply.text
    assert "reslog:begin" not in reply.text  # markers are not shown
    # the week to come (it has not begun) is not linked, and is refused; nor is the week before the
    # log's first page (paging back wrote an empty page for each week), until a page is written there
    assert 'rel="prev"' not in reply.text and 'rel="next"' not in reply.text
    before = server.browser("GET", "/week/2026-W47", htmx=False)
    assert before.status in (400, 422) and "first page (2026-11-26): there is nothing to review" in before.text
    assert not (log_dir / "weeks" / "2026" / "2026-W47.md").exists()
    write_day(log_dir, "2026-11-20", "## What was done\n- 10:00 exp: an earlier run\n")
    assert 'href="/week/2026-W47" rel="prev"' in server.browser("GET", "/week/2026-W48", htmx=False).text
    assert 'href="/week/2026-W48" rel="next"' in server.browser("GET", "/week/2026-W47", htmx=False).text
    # a week page kept from long before the log began links on to the log's first week
    kept = log_dir / "weeks" / "2026" / "2026-W30.md"
    kept.write_text("---\nweek: 2026-W30\n---\n## Reflection\n\nBefore the log.\n", encoding="utf-8")
    assert 'href="/week/2026-W47" rel="next"' in server.browser("GET", "/week/2026-W30", htmx=False).text
    ahead = server.browser("GET", "/week/2026-W49", htmx=False)
    assert ahead.status in (400, 422) and "2026-W49 has not begun" in ahead.text
    assert not (log_dir / "weeks" / "2026" / "2026-W49.md").exists()
    week = log_dir / "weeks" / "2026" / "2026-W48.md"
    assert week.exists()
    assert server.browser("POST", "/week/2026-W48/rate", {"rating": "4"}).status == 200
    assert "rating: 4" in week.read_text(encoding="utf-8")
    digest = re.search(r'action="/week/2026-W48/own/reflection".*?name="hash" value="([0-9a-f]*)"', reply.text,
                       re.S)
    assert digest is not None
    reply = server.browser("POST", "/week/2026-W48/own/reflection",
                           {"text": "Mornings worked.\r\nChat did not.", "hash": digest.group(1)})
    assert reply.status == 200 and "Saved to weeks/2026/2026-W48.md" in reply.text
    assert "## Reflection\n\nMornings worked.\nChat did not.\n\n## Next week" in week.read_text(encoding="utf-8")
    # the same stale form again is refused, with both versions
    reply = server.browser("POST", "/week/2026-W48/own/reflection", {"text": "Other.", "hash": digest.group(1)})
    assert reply.status == 409 and "Mornings worked." in reply.text and "Other." in reply.text
    assert "Other." not in week.read_text(encoding="utf-8")
    for bad, message in (("0", "cannot read &#39;0&#39; as a rating"), ("five", "as a rating")):
        reply = server.browser("POST", "/week/2026-W48/rate", {"rating": bad})
        assert reply.status == 422 and message in reply.text
    assert "rating: 4" in week.read_text(encoding="utf-8")


def test_browsing_past_weeks_writes_no_page_until_the_researcher_writes_in_one(server: Server,
                                                                               log_dir: Path) -> None:
    """Looking at a week wrote its page, so paging back through a notebook left a page for each
    week looked at (files that sync committed). This week and last week are written, as `reslog
    week` writes them; an older week is shown as it would be, and written once rated or written in."""
    write_day(log_dir, "2026-11-04", "## What was done\n- 10:00 exp: an early run #w2s\n")
    server.browser("POST", "/capture", {"text": "exp: a run #w2s"})
    weeks = log_dir / "weeks" / "2026"
    for name in ("2026-W46", "2026-W45"):
        reply = server.browser("GET", f"/week/{name}", htmx=False)
        assert reply.status == 200 and f"Shown as it would be written: weeks/2026/{name}.md is saved" in reply.text
        assert not (weeks / f"{name}.md").exists()
    assert "an early run" in reply.text  # W45's review, in memory
    for name in ("2026-W47", "2026-W48"):
        reply = server.browser("GET", f"/week/{name}", htmx=False)
        assert reply.status == 200 and "Shown as it would be written" not in reply.text
        assert (weeks / f"{name}.md").exists()
    digest = re.search(r'action="/week/2026-W45/own/reflection".*?name="hash" value="([0-9a-f]*)"',
                       server.browser("GET", "/week/2026-W45", htmx=False).text, re.S)
    assert digest is not None
    reply = server.browser("POST", "/week/2026-W45/own/reflection", {"text": "Early days.", "hash": digest.group(1)})
    assert reply.status == 200 and "Saved to weeks/2026/2026-W45.md" in reply.text
    assert "## Reflection\n\nEarly days.\n" in (weeks / "2026-W45.md").read_text(encoding="utf-8")
    assert "Shown as it would be written" not in server.browser("GET", "/week/2026-W45", htmx=False).text
    assert server.browser("POST", "/week/2026-W46/rate", {"rating": "3"}).status == 200
    assert "rating: 3" in (weeks / "2026-W46.md").read_text(encoding="utf-8")


# --- a read-only log ---


def _tree(log_dir: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(log_dir)): p.read_bytes() if p.suffix == ".md" else None
            for p in sorted(log_dir.rglob("*"))}


def test_a_read_only_log_is_shown_as_it_would_be_and_nothing_is_written(server: Server, log_dir: Path) -> None:
    server.api("POST", "/api/entries", {"text": "todo Email Yitao", "date": "2026-11-24"})
    server.api("POST", "/api/entries", {"text": "exp: a run #w2s", "date": "2026-11-24"})
    server.sign_in()
    before = _tree(log_dir)
    notice = "This log is read-only: pages are shown as they would be written, and nothing is saved."
    with _read_only(log_dir):
        today = server.browser("GET", "/", htmx=False)
        week = server.browser("GET", "/week", htmx=False)
        fragment = server.browser("GET", f"/fragment/day/{DAY}")
        rated = server.browser("POST", "/week/2026-W48/rate", {"rating": "4"})
        editor = server.browser("GET", "/edit/2026-11-24", htmx=False)
        saved = server.browser("POST", "/edit/2026-11-24", {"text": "- 09:00 typed in the editor\n", "hash": ""},
                               htmx=False)
        after = _tree(log_dir)
    assert today.status == 200, today.text
    assert today.text.count(notice) == 1 and 'id="capture"' not in today.text
    # today's page as `reslog today` would make it: the open to-do carried over, without actions
    assert "Email Yitao" in today.text and "waiting 2 days" in today.text and "/todo/" not in today.text
    assert fragment.status == 200 and 'id="capture-on"' not in fragment.text
    assert week.status == 200, week.text
    assert week.text.count(notice) == 1 and "The week in figures" in week.text and "Experiments: 1" in week.text
    assert "/week/2026-W48/rate" not in week.text and "/own/" not in week.text
    assert rated.status == 422 and "This log is read-only" in rated.text
    # the editor shows the page to read, without a Save; a save sent anyway keeps what was typed
    assert editor.status == 200 and editor.text.count(notice) == 1 and "View as Markdown" not in editor.text
    assert "<h1>View " in editor.text and " readonly>" in editor.text and ">Save</button>" not in editor.text
    assert saved.status == 409 and saved.text.count(notice) == 1 and "typed in the editor" in saved.text
    assert "View as Markdown" in today.text and "Edit as Markdown" not in today.text
    assert after == before  # no page, no carried mark, no week page, no temporary file
    # writable again: the same views make the pages
    assert notice not in server.browser("GET", "/", htmx=False).text
    assert "[carried:: 2026-11-24]" in _page(log_dir)
    assert "read-only" not in server.browser("GET", "/week", htmx=False).text
    assert (log_dir / "weeks" / "2026" / "2026-W48.md").exists()


# --- search, ask, stats, journal, calendar ---


def test_search_page_highlights_and_links_to_the_line(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "exp: the learning rate warmup diverged #w2s"})
    server.browser("POST", "/capture", {"text": "bug: loader drops a batch"})
    reply = server.browser("GET", "/search/results?q=learning+rate&kind=exp")
    assert reply.status == 200
    assert "<mark>learning</mark> <mark>rate</mark>" in reply.text
    line = _page(log_dir).splitlines().index("- 09:12 exp: the learning rate warmup diverged #w2s") + 1
    assert f'href="/day/2026-11-26#L{line}"' in reply.text
    assert reply.headers["hx-replace-url"] == "/search?q=learning+rate&kind=exp"
    assert "loader" not in server.browser("GET", "/search/results?q=learning&kind=bug").text
    # a kind the log has none of is said, as the CLI says it, not "try fewer words"
    none = server.browser("GET", "/search/results?q=learning&kind=fix").text
    assert "No entries match. The log has no &#39;fix:&#39; entries at all; clear the kind filter" in none
    # a typo gets the log's word one slip away, as in the terminal
    typo = server.browser("GET", "/search/results?q=Leraning+rate&mode=keyword").text
    assert 'No entries match. Did you mean <a href="/search?q=learning+rate&amp;mode=keyword">learning</a> (1 entry)?' in typo
    assert "1 result<" in server.browser("GET", "/search/results?q=learning+rate&mode=keyword").text
    reply = server.browser("GET", "/search/results?q=loader+this+week")
    assert "time scope" in reply.text and "loader" in reply.text
    reply = server.browser("GET", "/search/results?q=x&kind=nonsense")
    assert reply.status == 200 and "unknown kind" in reply.text and 'role="alert"' in reply.text
    # "(" typed on the way to "(fp16": said where the results go, the search box kept
    reply = server.browser("GET", "/search?q=%28", htmx=False)
    assert reply.status == 200 and 'id="q" name="q" type="search" value="("' in reply.text
    assert "&#39;(&#39; has no word to search for (letters or digits)" in reply.text
    assert 'role="alert"' in server.browser("GET", "/search/results?q=%28").text


def test_ask_cites_and_abstains(server: Server) -> None:
    server.browser("POST", "/capture", {"text": "decision: keep the tokenizer at 32k because memory is tight"})
    reply = server.browser("GET", "/ask?q=what+did+I+decide+about+the+tokenizer", htmx=False)
    assert reply.status == 200
    assert "keep the tokenizer at 32k" in reply.text and 'href="/day/2026-11-26#L' in reply.text
    reply = server.browser("GET", "/ask?q=how+did+I+configure+Kubernetes")
    assert "Nothing in the log answers this: no entry mentions Kubernetes." in reply.text
    reply = server.browser("GET", "/ask?q=how+many+decisions+did+I+make")  # a count, citing the latest
    assert "Decisions (decision:), the whole log: 1. The latest:" in reply.text
    assert "keep the tokenizer at 32k" in reply.text
    assert server.api("GET", "/api/ask?q=how+many+decisions").json()["count"] == 1


def test_a_review_question_is_answered_by_its_stats_page(server: Server) -> None:
    server.browser("POST", "/capture", {"text": "bug: NaN loss at step 900 #rm"})
    server.browser("POST", "/capture", {"text": "bug: NaN loss again with Adam #rm"})
    reply = server.browser("GET", "/ask?q=which+bugs+keep+recurring+in+%23rm", htmx=False)
    assert reply.status == 200
    assert 'Which bugs keep recurring? <a href="/stats/bugs?tag=rm">Open it in Stats</a>' in reply.text
    assert "2 bugs in 1 category" in reply.text and "nan loss" in reply.text
    answer = server.api("GET", "/api/ask?q=which+bugs+keep+recurring").json()
    assert answer["stats"]["topic"] == "bugs" and answer["abstained"] is False
    assert [c["text"] for c in answer["citations"]] == ["NaN loss at step 900 #rm", "NaN loss again with Adam #rm"]


def test_a_query_too_long_is_refused_at_once(server: Server, run: Any) -> None:
    """A 100 KB query took 5 s to search and 10 s to answer; more than 2,000 characters are
    refused in a line, on the pages, in the API and on the command line alike."""
    import time
    from urllib.parse import quote_plus as q

    server.browser("POST", "/capture", {"text": "exp: warmup diverged"})
    long = "warmup " * 10_000
    started = time.monotonic()
    page = server.browser("GET", f"/search?q={q(long)}", htmx=False)
    assert page.status == 200 and "characters long, more than the 2,000 read" in page.text
    for path in (f"/api/search?q={q(long)}", f"/api/ask?q={q(long)}"):
        reply = server.api("GET", path)
        assert reply.status == 422 and "more than the 2,000 read" in reply.json()["detail"], path
    asked = server.browser("GET", f"/ask?q={q(long)}", htmx=False)
    assert asked.status == 422 and "the question is 69,999 characters long" in asked.text
    assert time.monotonic() - started < 5
    assert server.api("GET", f"/api/search?q={q('warmup ' * 285)}").status == 200  # 1,995: read
    result = run("search", "warmup " * 300)
    assert result.code == 2 and "the query is 2,100 characters long" in result.err
    result = run("ask", "when did " + "warmup " * 300)
    assert result.code == 2 and "the question is" in result.err


def test_stats_journal_calendar_render(server: Server) -> None:
    server.browser("POST", "/capture", {"text": "todo Rerun [est:: 1h]"})
    _todo(server, "done", n="1", expect="Rerun", took="90m")
    server.browser("POST", "/capture", {"text": "bug: loader off by one #data"})
    for topic in ("time", "bugs", "sources", "focus", "weeks", "habits"):
        reply = server.browser("GET", f"/stats/{topic}", htmx=False)
        assert reply.status == 200, (topic, reply.text[-500:])
    time_page = server.browser("GET", "/stats/time", htmx=False).text
    assert "<svg" in time_page and "1.50x" in time_page and 'href="/day/2026-11-26#L' in time_page
    assert server.browser("GET", "/stats/nothing", htmx=False).status == 422
    later = server.browser("GET", "/stats/bugs?since=2027", htmx=False).text  # as the CLI says it
    assert "No entries: the range begins on 2027-01-01, after today (2026-11-26)" in later
    journal = server.browser("GET", "/journal", htmx=False).text
    assert "Thursday 26 November 2026" in journal and "loader off by one" in journal
    calendar = server.browser("GET", "/calendar?year=2026", htmx=False).text
    assert '<a href="/day/2026-11-26"><rect class="h1"' in calendar and "1 day logged, " in calendar


def test_a_day_without_a_page_and_a_bad_date(server: Server) -> None:
    reply = server.browser("GET", "/day/2026-11-20", htmx=False)
    assert reply.status == 200 and "No page for this day yet" in reply.text
    assert server.browser("GET", "/day/2026-13-01", htmx=False).status == 422


# --- the JSON API ---


def test_api_days_entries_search_ask(server: Server, log_dir: Path) -> None:
    reply = server.api("POST", "/api/entries", {"text": "exp: W2S #w2s [from:: paper] ★"})
    assert reply.status == 201
    written = reply.json()
    assert written["file"] == "days/2026/2026-11-26.md"
    assert _page(log_dir).splitlines()[written["line"] - 1] == "- 09:12 exp: W2S #w2s [from:: paper] ★"
    reply = server.api("POST", "/api/entries", {"text": "Rerun it", "section": "todo", "date": "yesterday"})
    assert reply.json()["file"] == "days/2026/2026-11-25.md"
    day = server.api("GET", f"/api/days/{DAY}").json()
    entry = day["entries"][-1]
    assert entry == {**entry, "kind": "exp", "level": 0, "tags": ["w2s"], "fields": {"from": "paper"},
                     "starred": True, "section": "done", "time": "09:12", "line": written["line"]}
    hits = server.api("GET", "/api/search?q=W2S&tag=w2s").json()
    assert [h["text"] for h in hits] == ["W2S #w2s [from:: paper] ★"]
    assert set(hits[0]) >= {"date", "file", "line", "score", "tags", "fields", "children"}
    answer = server.api("GET", "/api/ask?q=what+about+W2S").json()
    assert set(answer) >= {"answer", "abstained", "time_scope", "citations"}
    assert answer["citations"][0]["file"] == "days/2026/2026-11-26.md"
    for bad in ({"text": ""}, {"text": "x", "date": "blorp"}, {"text": "x", "section": "elsewhere"}, {},
                {"text": "typo year", "date": "2062-11-26"}, {"text": "09:99 exp: bad"}):
        reply = server.api("POST", "/api/entries", bad)
        assert reply.status == 422 and reply.json()["detail"]
    assert server.api("GET", "/api/days/yesterday").status == 422
    assert server.api("GET", "/api/search?level=7").status == 422
    reply = server.api("GET", "/api/search?q=%F0%9F%9A%80")  # a query of no word lists nothing
    assert reply.status == 422 and "no word to search for" in reply.json()["detail"]


def test_openapi_document_lists_the_api(server: Server) -> None:
    doc = server.api("GET", "/openapi.json").json()
    assert {"/api/days/{date}", "/api/entries", "/api/search", "/api/ask", "/api/status"} <= set(doc["paths"])
    assert not any(path.startswith(("/day", "/edit", "/todo")) for path in doc["paths"])
    assert server.api("GET", "/docs").status == 404  # no Swagger page: it would load from a CDN


# --- live updates ---


def test_events_report_a_change_made_by_the_cli(server: Server, log_dir: Path) -> None:
    server.browser("POST", "/capture", {"text": "exp: first"})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/events?file={quote('days/2026/2026-11-26.md')}",
                 headers={"Host": server.host, "Cookie": server.cookie})
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("content-type", "").startswith("text/event-stream")
    assert response.readline() == b"retry: 1000\n"
    from reslog.cli.entry import main

    assert main(["--dir", str(log_dir), "did", "--date", DAY, "from the shell"]) == 0
    from reslog.store import content_hash

    lines = [response.readline() for _ in range(3)]
    expected = content_hash(_page(log_dir))
    assert b"event: changed\n" in lines and f"data: {expected}\n".encode() in lines
    conn.close()
    bad = server.browser("GET", "/events?file=../../etc/passwd", htmx=False)
    assert bad.status == 422


def test_one_event_stream_watches_several_pages(server: Server, log_dir: Path) -> None:
    """The tabs of a browser share one stream: it names the page that changed, and tells at once
    of a page that changed before it began (``seen`` is the hash the tab shows)."""
    from reslog.store import content_hash

    server.browser("POST", "/capture", {"text": "exp: first"})
    other = "days/2026/2026-11-25.md"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"/events?file={quote('days/2026/2026-11-26.md')}&file={quote(other)}"
                        f"&seen=stale&seen={content_hash(None)}",
                 headers={"Host": server.host, "Cookie": server.cookie})
    response = conn.getresponse()
    assert response.readline() == b"retry: 1000\n"
    assert response.readline() == b"\n"
    now = content_hash(_page(log_dir))
    assert [response.readline() for _ in range(3)] == [
        b"event: changed\n", f"data: {now}\n".encode(), b"data: days/2026/2026-11-26.md\n"]
    from reslog.cli.entry import main

    assert main(["--dir", str(log_dir), "did", "--date", "2026-11-25", "on the other page"]) == 0
    lines = [response.readline() for _ in range(5)]
    assert f"data: {content_hash(_page(log_dir, '2026-11-25'))}\n".encode() in lines
    assert f"data: {other}\n".encode() in lines
    conn.close()
    many = "&".join(f"file=days/2026/2026-11-{n:02d}.md" for n in range(1, 31)) + "&file=" + "&file=".join(
        f"days/2026/2026-10-{n:02d}.md" for n in range(1, 32)) + "&file=" + "&file=".join(
        f"days/2026/2026-09-{n:02d}.md" for n in range(1, 11))
    assert server.browser("GET", f"/events?{many}", htmx=False).status == 422


def test_a_link_title_with_marks_stays_an_attribute(server: Server) -> None:
    """A link's title holding a URL, a #tag, a star or a field was filled with the chips' HTML,
    which closed the attribute and broke the page; //host links got no rel. The title keeps its
    text, as `reslog export html` shows it."""
    from html.parser import HTMLParser

    title = "mirror: https://example.org/w2s.pdf #w2s ★ [k:: v]"
    typed = f'read: [paper](https://arxiv.org/abs/1 "{title}") and [a](//evil.com) #real'
    assert server.api("POST", "/api/entries", {"text": typed, "date": DAY}).status == 201
    links: list[dict[str, str | None]] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                links.append(dict(attrs))

    Links().feed(server.browser("GET", f"/day/{DAY}", htmx=False).text)
    paper = [a for a in links if a.get("href") == "https://arxiv.org/abs/1"]
    assert len(paper) == 1 and paper[0]["title"] == title
    assert paper[0]["rel"] == "noopener noreferrer nofollow"
    assert [a["rel"] for a in links if a.get("href") == "//evil.com"] == ["noopener noreferrer nofollow"]
    assert not [a for a in links if a.get("href") == "https://example.org/w2s.pdf"]  # no link in a title
    assert any(a.get("href") == "/search?tag=real" for a in links)


def test_status_says_keyword_only_when_semantic_is_off(server: Server) -> None:
    assert server.api("GET", "/api/status").json()["semantic"] == "off"


def test_manifest_and_icons_are_served(server: Server) -> None:
    manifest = json.loads(server.request("GET", "/manifest.webmanifest").body)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        reply = server.request("GET", icon["src"])
        assert reply.status == 200 and len(reply.body) > 500
    htmx = server.request("GET", "/static/vendor/htmx.min.js")
    assert htmx.status == 200 and b"htmx" in htmx.body[:200]


def test_bad_filters_say_why(server: Server) -> None:
    for path in ("/calendar?year=0",
                 # the calendar's ends, outside the dates reslog supports (each was a 500)
                 "/day/0001-01-01", "/day/9999-12-31", "/fragment/day/0001-01-01", "/calendar?year=9999",
                 "/edit/0001-01-01", "/day/2300-01-01"):
        reply = server.browser("GET", path)
        assert reply.status == 422, path
        assert 'role="alert"' in reply.text and len(reply.text) < 400, path


def test_a_mistyped_filter_is_said_where_the_results_go(server: Server) -> None:
    """A `since` or `until` that is not a period ("garbage", typed or in the address) answered
    with a page that said only "This page cannot be shown"; it is one line where the results (or
    the stats' figures) go, with the search form or the filters as they were."""
    server.browser("POST", "/capture", {"text": "exp: warmup diverged"})
    for query, typed in (("q=warmup&since=garbage", "garbage"), ("q=warmup&until=garbage", "garbage"),
                         ("q=warmup&since=2026-11-20&until=2026-11-01", "2026-11-20"),
                         ("q=warmup&level=9", None), ("since=garbage", "garbage")):
        reply = server.browser("GET", f"/search?{query}", htmx=False)
        assert reply.status == 200, query
        assert "<title>Search · reslog</title>" in reply.text, query
        results = reply.text.split('<div id="results"', 1)[1]
        assert len(re.findall(r'<p class="msg-error" role="alert">[^<\n]+</p>', results)) == 1, query
        assert "<li" not in results and "Type to search" not in results, query
        assert typed is None or f'value="{typed}"' in reply.text, query
        fragment = server.browser("GET", f"/search/results?{query}")
        assert fragment.status == 200, query
        assert re.fullmatch(r'<p class="msg-error" role="alert">[^<\n]+</p>\s*', fragment.text), query
    assert "cannot read" in server.browser("GET", "/search/results?q=warmup&since=garbage").text
    for query in ("since=garbage", "until=garbage", "since=2026-11-20&until=2026-11-01"):
        reply = server.browser("GET", f"/stats/time?{query}", htmx=False)
        assert reply.status == 200, query
        figures = reply.text.split('<section class="stat">', 1)[1]
        assert len(re.findall(r'<p class="msg-error" role="alert">[^<\n]+</p>', figures)) == 1, query
        assert 'class="figures"' not in figures and "<svg" not in figures, query
        assert f'value="{query.split("=")[1].split("&")[0]}"' in figures, query


def test_an_address_the_app_does_not_have_is_a_page_for_a_person(server: Server) -> None:
    """/nonexistent showed {"detail":"Not Found"} in the browser, and a form sent to an action the
    app does not have {"detail":"Method Not Allowed"}; the API still answers in JSON."""
    reply = server.browser("GET", "/nonexistent", htmx=False)
    assert reply.status == 404 and reply.headers["content-type"].startswith("text/html")
    assert "<title>This page cannot be shown" in reply.text and "There is no such page here" in reply.text
    reply = server.browser("GET", "/todo/explode", htmx=False)
    assert reply.status == 405 and "is not how this address is used" in reply.text
    assert "allow" in {k.lower() for k in reply.headers}
    reply = server.api("GET", "/api/nothing-here")
    assert reply.status == 404 and reply.json() == {"detail": "Not Found"}


def test_text_of_a_refused_form_comes_back_to_copy(server: Server, log_dir: Path) -> None:
    """Text typed in "Edit as Markdown" while `reslog serve` restarted (a new token: the cookie no
    longer signs in) was lost behind the sign-in page; the refusal shows it, escaped, to copy."""
    from urllib.parse import urlencode

    typed = "## What was done\n- 10:00 a paragraph typed for ten minutes <b>bold</b>\n"
    form = urlencode({"csrf": "stale", "hash": "", "text": typed})
    reply = server.request("POST", f"/edit/{DAY}", form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": server.url,
        "Cookie": "reslog_session=from-the-server-before-the-restart"})
    assert reply.status == 401
    assert "Nothing was saved. What you typed is below" in reply.text
    assert "a paragraph typed for ten minutes &lt;b&gt;bold&lt;/b&gt;" in reply.text
    assert not (log_dir / "days").exists() or "ten minutes" not in "".join(
        p.read_text(encoding="utf-8") for p in (log_dir / "days").rglob("*.md"))
    # signed in, a stale CSRF token (a page from before the restart): the same
    server.sign_in()
    refused = server.request("POST", f"/edit/{DAY}", form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": server.url, "Cookie": server.cookie})
    assert refused.status == 403 and "a paragraph typed for ten minutes &lt;b&gt;" in refused.text


def test_search_marks_words_from_their_start() -> None:
    """"warmup", cut to "war" to catch its forms, marked "re<mark>ward</mark>" and "To<mark>wards</mark>"."""
    from reslog.web.lookup import _highlight

    marked = _highlight("reward-model ensembles Towards warmup, warmups", ("warmup",))
    assert re.findall(r"<mark>(.*?)</mark>", marked) == ["warmup", "warmups"], marked


def test_behind_the_figures_names_each_figure() -> None:
    """13 groups read "by_hour · hours" alike and 3 "shifts · 2026-W49": which hour, which shift."""
    from reslog.web.charts import behind

    cite = [{"date": "2026-11-26", "file": "days/2026/2026-11-26.md", "line": 3, "text": "x"}]
    result = {"by_hour": {"hours": [{"hour": 9, "n": 1, "citations": cite}, {"hour": 13, "n": 1, "citations": cite}]},
              "shifts": [{"period": "2026-W49", "kind": "lead", "project": "calib", "citations": cite},
                         {"period": "2026-W49", "kind": "share", "project": "moe", "citations": cite}],
              "by_tag": {"rm": {"n": 1, "citations": cite}}}
    assert [g["figure"] for g in behind(result)] == [
        "by_hour · hours · 09:00", "by_hour · hours · 13:00", "shifts · 2026-W49 · calib (took the lead)",
        "shifts · 2026-W49 · moe (share moved)", "by_tag · rm"]


def test_an_editor_shown_again_after_a_refused_save_counts_as_changed(server: Server, log_dir: Path) -> None:
    """The editor shown again with the text of a refused save (a conflict) holds text that is not
    on disk: marked so, for the page to ask before it is left."""
    server.browser("POST", "/capture", {"text": "exp: first run"})
    page = server.browser("GET", f"/edit/{DAY}", htmx=False).text
    assert "data-unsaved" not in page
    reply = server.browser("POST", f"/edit/{DAY}", {"text": "mine", "hash": "0" * 32}, htmx=False)
    assert reply.status == 409 and 'class="editor-form" data-unsaved' in reply.text
