"""The demo log and the sample generator behind it: real pages, consistent carry-over, no overwrite."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reslog import markdown
from reslog.cli.main import cli
from reslog.dates import parse_duration
from reslog.demo import DEMO_DAYS, default_folder, demo_pages, write_demo
from reslog.errors import LogError
from reslog.model import DEFERRED, DONE, DROPPED, SECTION_ORDER, SECTION_TITLES, Entry, Page
from reslog.sample import generate_days
from reslog.store import Log, new_day_text

from .conftest import Clock, Result

Run = Callable[..., Result]
TODAY = dt.date(2026, 11, 26)  # the conftest clock's day, a Thursday


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "log", TODAY)


def _pages(root: Path) -> list[tuple[dt.date, str]]:
    log = Log(root)
    return [(day, log.day_path(day).read_text(encoding="utf-8")) for day in log.days()]


def _parsed(root: Path) -> list[tuple[dt.date, Page]]:
    return [(day, markdown.parse(text)) for day, text in _pages(root)]


def _all_entries(root: Path) -> list[Entry]:
    return [e for _, page in _parsed(root) for e in page.entries()]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None), by relative path."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize(
    "today",
    # across a new year, a leap day, a summer month, and the real today
    list(dict.fromkeys(
        [TODAY, dt.date(2027, 1, 3), dt.date(2028, 3, 1), dt.date(2026, 6, 15), dt.date.today()]
    )),
    ids=str,
)
def test_four_weeks_ending_today_with_gaps(tmp_path: Path, today: dt.date) -> None:
    root = write_demo(tmp_path / "demo", today)
    days = Log(root).days()
    first = today - dt.timedelta(days=DEMO_DAYS - 1)
    assert days[0] == first and days[-1] == today
    assert all(first <= d <= today for d in days)
    assert 14 <= len(days) < DEMO_DAYS  # a weekend or two left out, most days written
    assert _pages(root) == demo_pages(today)  # what was planned is what is on disk


def test_every_page_round_trips_and_has_the_tool_layout(demo: Path) -> None:
    for day, text in _pages(demo):
        page = markdown.parse(text)
        assert markdown.render(page) == text
        assert dict(page.front_matter) == {"date": day.isoformat()}
        assert page.title == new_day_text(day).splitlines()[3][2:]
        assert [s.key for s in page.sections] == list(SECTION_ORDER)
        assert [s.title for s in page.sections] == [SECTION_TITLES[k] for k in SECTION_ORDER]
        assert text.endswith("\n") and "\r" not in text and "\n\n\n" not in text


def test_every_kind_of_item_is_there(demo: Path) -> None:
    entries = _all_entries(demo)
    kinds = {e.kind for e in entries}
    assert {"exp", "result", "bug", "fix", "read", "decision"} <= kinds
    children = [c for e in entries for c in e.children]
    thoughts = [c for c in children if c.kind == "thought"]
    assert thoughts and all(c.level == 1 and c.depth == 1 for c in thoughts)
    assert any(c.kind == "feel" for c in children)
    assert {e.kind for e in entries if any(c.kind == "thought" for c in e.children)} >= {
        "exp", "read", "decision"}
    ideas = [e for e in entries if e.section == "ideas"]
    assert ideas and all(e.field("from") for e in ideas)
    reads = [e for e in entries if e.kind == "read"]
    assert all("https://arxiv.org/abs/" in e.text and e.field("from") for e in reads)
    assert any(e.section == "reflection" and e.level == 2 for e in entries)
    assert any(e.starred for e in entries)
    tags = {t for e in entries for t in e.tags}
    assert any("/" in t for t in tags) and len({t.split("/")[0] for t in tags}) >= 3
    fixes = [e for e in entries if e.kind == "fix"]
    assert all("(fixes the " in e.text for e in fixes)
    tasks = [e for e in entries if e.is_task]
    assert {DONE, DROPPED, DEFERRED, " "} <= {e.state for e in tasks}
    assert any(e.field("est") and e.field("took") and e.state == DONE for e in tasks)
    assert not any(e.field("took") and e.state != DONE for e in tasks)


def test_times_increase_through_each_section(demo: Path) -> None:
    for _, page in _parsed(demo):
        for section in page.sections:
            times = [e.time for e in section.entries if e.time]
            assert times == sorted(times) and len(set(times)) == len(times)
            if section.key in ("done", "ideas", "reflection"):
                assert all(e.time for e in section.entries)


def test_carried_chains_are_consistent(demo: Path) -> None:
    pages = _parsed(demo)
    longest = 0
    for (before, old), (day, new) in itertools.pairwise(pages):
        deferred = [e for e in old.tasks() if e.state == DEFERRED]
        carried = [e for e in new.tasks() if e.field("carried")]
        assert len(carried) == len(deferred)
        # carry-over writes the copies first, in the old page's order
        assert new.tasks()[: len(carried)] == carried
        for old_task, task in zip(deferred, carried, strict=True):
            since = dt.date.fromisoformat(task.field("carried") or "")
            assert since < day and since <= before
            assert old_task.field("carried") == (None if since == before else since.isoformat())
            assert _identity(task) == _identity(old_task)
            longest = max(longest, (day - since).days)
    assert not [e for e in pages[-1][1].tasks() if e.state == DEFERRED]
    assert longest >= 3
    today = pages[-1][1]
    assert any(e.is_open for e in today.tasks())
    assert any(
        e.is_open and (TODAY - dt.date.fromisoformat(e.field("carried") or "9999-01-01")).days >= 3
        for e in today.tasks()
    )


def _identity(task: Entry) -> str:
    return markdown.remove_field(markdown.remove_field(task.text, "carried"), "took")


def test_estimates_and_actual_times_are_realistic() -> None:
    ratios = []
    for _, text in generate_days(dt.date(2025, 1, 1), dt.date(2025, 4, 30), seed=3):
        for task in markdown.parse(text).tasks():
            est, took = task.field("est"), task.field("took")
            if est and took:
                ratios.append(parse_duration(took) / parse_duration(est))
    assert len(ratios) > 50
    assert 1.0 <= statistics.median(ratios) <= 1.6
    assert sum(0.8 <= r <= 2.5 for r in ratios) / len(ratios) >= 0.8


def test_text_is_varied() -> None:
    lines = [
        line.split(" ", 2)[-1]
        for _, text in generate_days(dt.date(2025, 1, 1), dt.date(2025, 3, 31), seed=5)
        for line in text.splitlines()
        if line.startswith("- ")
    ]
    assert len(set(lines)) >= 0.9 * len(lines)


def test_cli_lists_the_open_todos(demo: Path, clock: Clock) -> None:
    result = CliRunner().invoke(cli, ["--dir", str(demo), "todos"])
    assert result.exit_code == 0, result.output
    today = Log(demo).read_day(TODAY)
    assert today is not None
    open_tasks = [e for e in today.tasks() if e.is_open]
    listed = result.output.splitlines()
    assert len(listed) == len(open_tasks)
    for line, task in zip(listed, open_tasks, strict=True):
        assert markdown.remove_field(task.text, "carried") in line  # the carry is said in words
    assert "waiting" in result.output


def test_cli_demo_writes_then_refuses(tmp_path: Path, run: Run, clock: Clock) -> None:
    target = tmp_path / "try"
    first = run("demo", str(target))
    assert first.code == 0 and f"Wrote a demo log to {target}" in first.out
    before = _snapshot(target)
    again = run("demo", str(target))
    assert again.code == 1 and again.out == ""
    assert again.err.startswith("reslog: ") and again.err.count("\n") == 1
    assert "already holds a log" in again.err
    assert _snapshot(target) == before
    # the folder given with --dir is the demo's (it wrote a new ./reslog-demo-N instead)
    given = tmp_path / "given"
    assert run("--dir", str(given), "demo").code == 0 and (given / "days").is_dir()
    assert run("demo", "--dir", str(given)).code == 1  # and, a log now, it is never written over


@pytest.mark.parametrize("today", ["2026-11-26T09:12", "2027-03-01T18:40", "2026-12-31T23:59"])
def test_the_questions_the_demo_suggests_are_answered(tmp_path: Path, run: Run, clock: Clock,
                                                      today: str) -> None:
    """The demo suggested asking "what slowed down training?", which its log did not answer
    ("Nothing in the log answers this"): every question it suggests is answered, whatever the day."""
    import re

    clock.set(today)
    target = tmp_path / "try"
    said = run("demo", str(target)).out
    questions = re.findall(r'reslog ask "([^"]+)"', said)
    assert questions
    for question in questions:
        answer = run("--dir", str(target), "ask", "--mode", "keyword", question)
        assert answer.code == 0 and "Nothing in the log answers this" not in answer.out, (question, answer)


def test_refusal_leaves_a_captured_log_byte_identical(
    tmp_path: Path, run: Run, clock: Clock
) -> None:
    root = tmp_path / "mine"
    assert run("--dir", str(root), "todo", "keep me", "--est", "1h").code == 0
    assert run("--dir", str(root), "did", "exp: lr=3e-4 on ResNet-18").code == 0
    before = _snapshot(root)
    with pytest.raises(LogError, match="already holds a log"):
        write_demo(root, TODAY)
    assert _snapshot(root) == before


def test_refusal_leaves_a_hand_written_log_untouched(tmp_path: Path) -> None:
    root = tmp_path / "hand"
    page = root / "days" / "2026" / "2026-11-20.md"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"# my notes\r\n- an entry\r\n")
    before = _snapshot(root)
    with pytest.raises(LogError):
        write_demo(root, TODAY)
    assert _snapshot(root) == before  # not even a .reslog folder appears


def test_an_empty_folder_or_one_without_pages_is_fine(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    (root / "days").mkdir(parents=True)
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")
    write_demo(root, TODAY)
    assert (root / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert Log(root).days()[-1] == TODAY


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(LogError, match="is a file"):
        write_demo(blocker, TODAY)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_default_folder_is_new_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_demo(None, TODAY) == tmp_path / "reslog-demo"
    assert write_demo(None, TODAY) == tmp_path / "reslog-demo-2"
    assert default_folder(tmp_path) == tmp_path / "reslog-demo-3"


def test_generation_is_deterministic_for_a_seed() -> None:
    start, end = dt.date(2026, 1, 5), dt.date(2026, 2, 20)
    first = list(generate_days(start, end, seed=11))
    assert first == list(generate_days(start, end, seed=11))
    assert first != list(generate_days(start, end, seed=12))
    assert demo_pages(TODAY) == demo_pages(TODAY)


_DIGEST = (
    "import datetime as dt, hashlib\n"
    "from reslog.sample import generate_days\n"
    "h = hashlib.sha256()\n"
    "for day, text in generate_days(dt.date(2026, 1, 5), dt.date(2026, 2, 20), seed=11):\n"
    "    h.update(day.isoformat().encode() + text.encode())\n"
    "print(h.hexdigest())\n"
)


def test_generation_does_not_depend_on_the_process() -> None:
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        digests.add(out)
    expected = hashlib.sha256()
    for day, text in generate_days(dt.date(2026, 1, 5), dt.date(2026, 2, 20), seed=11):
        expected.update(day.isoformat().encode() + text.encode())
    assert digests == {expected.hexdigest()}


def test_today_holds_only_what_the_day_has_had_time_for() -> None:
    """A demo made at 00:38 had to-dos done today that took 2h05m and 6h15m."""
    for now in ("00:38", "09:10", "23:59"):
        page = markdown.parse(demo_pages(TODAY, now)[-1][1])
        minutes = int(now[:2]) * 60 + int(now[3:])
        for task in page.tasks():
            took = task.field("took")
            if task.state == "x" and took is not None:
                assert parse_duration(took) <= minutes, (now, task.text)
        assert all(e.time is None or e.time <= now for e in page.entries() if not e.is_task), now
    # the evening keeps them (on some day: the seeded stream decides which days have any)
    days = [TODAY + dt.timedelta(days=k) for k in range(4)]
    assert any(t.state == "x" and t.field("took") for day in days
               for t in markdown.parse(demo_pages(day, "23:59")[-1][1]).tasks())


def test_no_page_lists_the_same_to_do_twice() -> None:
    """A demo made on 2026-12-05 listed "Clean up the checkpoints of the grokking project" twice
    on today's page: carried, and written anew with the same words."""
    from collections import Counter

    from reslog import markdown
    from reslog.demo import demo_pages

    twice = []
    for k in range(4):
        for day, text in demo_pages(dt.date(2026, 12, 3) + dt.timedelta(days=k)):
            words = [" ".join(markdown.strip_tags(markdown.strip_fields(t.text)).split(" (")[0].split()).lower()
                     for t in markdown.parse(text).tasks() if t.state != ">"]
            twice += [(day, w) for w, n in Counter(words).items() if n > 1]
    assert not twice, twice[:5]
