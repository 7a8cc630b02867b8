"""The merge every importer shares: append-only, idempotent, no carry-over into the past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reslog import markdown
from reslog.importers.base import ImportItem, Reading, Skipped, apply, entry_lines
from reslog.store import Log

from .conftest import day_file

TODAY = dt.date(2026, 11, 26)


def _reading() -> Reading:
    return Reading(
        [
            ImportItem(dt.date(2020, 3, 2), "Ran the sweep @w2s", time="09:05", tags=("w2s",),
                       body=("first detail", "", "  second detail  "), starred=True, origin="a.txt"),
            ImportItem(dt.date(2020, 3, 2), "Write the intro", section="todo", state=" ", origin="a.txt"),
            ImportItem(dt.date(2020, 3, 1), "An idea", section="ideas", fields=(("from", "chat [x]"),)),
            ImportItem(dt.date(2020, 3, 1), "An idea", section="ideas", fields=(("from", "chat [x]"),)),
        ],
        [Skipped("b.txt", "no date")],
    )


def test_entry_lines() -> None:
    item = _reading().items[0]
    assert entry_lines(item, "jrnl") == [
        "- 09:05 Ran the sweep @w2s #w2s ★ [imported:: jrnl]",
        "  - first detail",
        "  - second detail",
    ]
    assert entry_lines(_reading().items[2], "x")[0] == "- An idea [from:: chat (x)] [imported:: x]"


def test_apply_merges_once_and_never_carries(log_dir: Path) -> None:
    log = Log(log_dir)
    # an older page with an open to-do: importing earlier and later days must not carry it
    old = day_file(log_dir, "2020-02-28")
    old.parent.mkdir(parents=True)
    old.write_text("## What to do next\n- [ ] open before the import\n", encoding="utf-8")
    existing = day_file(log_dir, "2020-03-02")
    existing.write_text("## What was done\n- 08:00 mine, by hand\r\n", encoding="utf-8")
    report = apply(log, _reading(), "jrnl", TODAY)
    assert (report.entries, report.todos, report.already, len(report.days)) == (4, 1, 0, 2)
    assert report.skipped == [Skipped("b.txt", "no date")]
    assert old.read_text(encoding="utf-8") == "## What to do next\n- [ ] open before the import\n"
    text = existing.read_bytes().decode("utf-8")
    assert text.startswith("## What to do next\n- [ ] Write the intro [imported:: jrnl]\n\n## What was done\n")
    assert "- 08:00 mine, by hand\r\n- 09:05 Ran the sweep @w2s #w2s ★ [imported:: jrnl]\n" in text
    page = markdown.parse(day_file(log_dir, "2020-03-01").read_text(encoding="utf-8"))
    assert [e.text for e in page.section("ideas").entries] == [  # type: ignore[union-attr]
        "An idea [from:: chat (x)] [imported:: jrnl]"] * 2
    assert "carried" not in day_file(log_dir, "2020-03-01").read_text(encoding="utf-8")
    before = {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")}
    again = apply(log, _reading(), "jrnl", TODAY)
    assert (again.entries, again.already, again.days) == (0, 4, [])
    assert {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")} == before


def test_dry_run_writes_nothing(log_dir: Path) -> None:
    report = apply(Log(log_dir), _reading(), "jrnl", TODAY, dry_run=True)
    assert (report.entries, report.todos, len(report.days)) == (4, 1, 2)
    assert not (log_dir / "days").exists()


def test_cli_dry_run_lists_the_pages_it_would_change(run, clock, tmp_path: Path, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    journal = tmp_path / "j.txt"
    journal.write_text("[2020-03-01 09:00] One.\n\n[2020-03-01 10:00] Two.\n\n[2020-03-02 09:00] Three.\n")
    result = run("import", "jrnl", str(journal), "--dry-run")
    assert result.code == 0
    assert result.out.splitlines()[:3] == [
        "  days/2020/2020-03-01.md: +2 entries",
        "  days/2020/2020-03-02.md: +1 entry",
        "Would import 3 entries (0 to-dos) into 2 days.",
    ]
    assert not (log_dir / "days").exists()
