"""Exports under hostile input: a 300-character tag, a write that fails half-way, pages that are
symbolic links to files outside the log."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from reslog import markdown
from reslog.exporters import html

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]
SRC = Path(markdown.__file__).resolve().parent.parent
LONG = "w" * 150 + "/" + "x" * 149  # a 300-character tag, and its 150-character parent


def _page(log: Path, day: str, text: str) -> Path:
    path = day_file(log, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_300_character_tag_gets_a_bounded_page_name(run: Run, log_dir: Path, clock: Clock, tmp_path: Path) -> None:
    _page(log_dir, "2026-11-26", f"## What was done\n- 09:00 a long tag #{LONG}\n- 10:00 #{LONG.upper()} again\n")
    result = run("export", "html", str(tmp_path / "site"))
    assert result.code == 0, result.err
    names = sorted(p.name for p in (tmp_path / "site" / "tags").iterdir())
    assert names == sorted({html.tag_file(LONG), html.tag_file(LONG.split("/")[0])})
    assert all(len(name) <= html.NAME_MAX + 5 for name in names)
    assert html.tag_file(LONG) == html.tag_file(LONG.upper())  # every spelling of its case, one page
    assert html.tag_file(LONG) != html.tag_file(LONG[:-1] + "y")  # cut, but still distinct
    page = (tmp_path / "site" / "tags" / html.tag_file(LONG)).read_text(encoding="utf-8")
    assert "a long tag" in page and "again" in page
    day = (tmp_path / "site" / "days" / "2026-11-26.html").read_text(encoding="utf-8")
    assert f'href="../tags/{html.tag_file(LONG)}"' in day


_FAILING_EXPORT = """
import resource, signal, sys
from pathlib import Path
from reslog.exporters import html
from reslog.exporters.select import ExportOptions, select
from reslog.store import Log
hits = select(Log(sys.argv[2]))  # the index first, then a file size limit for the site's writes
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))
try:
    html.write(hits, Path(sys.argv[1]), ExportOptions())
except OSError as exc:
    print("OSError", exc.strerror)
"""


def test_an_export_that_fails_half_way_leaves_the_site_as_it_was(run: Run, log_dir: Path, clock: Clock,
                                                                 tmp_path: Path) -> None:
    _page(log_dir, "2026-11-25", "## What was done\n- 09:00 a small day #w2s\n")
    site = tmp_path / "site"
    assert run("export", "html", str(site)).code == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    # a later day whose page is larger than the process may write: the export fails on it
    _page(log_dir, "2026-11-26", "## What was done\n" + "".join(f"- {n:02d}:00 line {'x' * 900}\n" for n in range(24)))
    env = {**os.environ, "PYTHONPATH": str(SRC), "RESLOG_DIR": str(log_dir)}
    done = subprocess.run([sys.executable, "-c", _FAILING_EXPORT, str(site), str(log_dir)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.stdout == "OSError File too large\n", done.stdout + done.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "site"]  # no temporary folder left
    # a new site that fails is not there at all
    fresh = tmp_path / "fresh"
    again = subprocess.run([sys.executable, "-c", _FAILING_EXPORT, str(fresh), str(log_dir)], capture_output=True,
                           text=True, env=env, timeout=120)
    assert again.stdout == "OSError File too large\n" and not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "site"]


def test_a_page_that_is_a_link_is_never_written_through_or_over(run: Run, log_dir: Path, clock: Clock,
                                                               tmp_path: Path) -> None:
    """Writing a page renames a new file over it: over a link, the link would become a file of its
    own (and a link to a file outside the log, never read, would be copied in). Refused, before
    anything is written, with the command that fixes it."""
    outside = tmp_path / "outside.md"
    outside.write_text("## What was done\n- 09:00 zanzibar password hunter2\n", encoding="utf-8")
    _page(log_dir, "2026-11-25", "## What to do next\n- [ ] 09:00 review the draft\n")
    today = day_file(log_dir, "2026-11-26")
    today.symlink_to(outside)
    files = {p: p.read_bytes() for p in log_dir.rglob("*") if p.is_file() and ".reslog" not in p.parts}
    result = run("did", "calibrated the scale")
    assert result.code == 1 and result.out == ""
    assert result.err == (
        "reslog: days/2026/2026-11-26.md is a symbolic link; reslog writes a page only as a file of its own, "
        f"so nothing was written: put the file itself in its place (cp --remove-destination {outside} {today}), "
        "then run again\n")
    assert today.is_symlink() and outside.read_text(encoding="utf-8").count("\n") == 2
    assert {p: p.read_bytes() for p in log_dir.rglob("*") if p.is_file() and ".reslog" not in p.parts} == files
    today.unlink()
    today.symlink_to(day_file(log_dir, "2026-11-25"))  # inside the log: read, but not written over either
    assert run("todo", "another").code == 1 and today.is_symlink()
    assert "another" not in day_file(log_dir, "2026-11-25").read_text(encoding="utf-8")
    # the page the open to-dos are carried from is written too (marked [>]): checked before any write
    yesterday = day_file(log_dir, "2026-11-25")
    real = tmp_path / "yesterday.md"
    real.write_bytes(yesterday.read_bytes())
    yesterday.unlink()
    today.unlink()
    yesterday.symlink_to(day_file(log_dir, "2026-11-24"))  # inside the log, read: its to-dos would move
    day_file(log_dir, "2026-11-24").write_bytes(real.read_bytes())
    carried = run("did", "calibrated the scale")
    assert carried.code == 1 and "days/2026/2026-11-25.md is a symbolic link" in carried.err
    assert not today.exists() and yesterday.is_symlink() and "[ ] 09:00 review" in real.read_text()
    # linked outside the log, it is not read at all: the capture lands, its to-dos wait, nothing changes
    yesterday.unlink()
    day_file(log_dir, "2026-11-24").unlink()
    yesterday.symlink_to(real)
    carried = run("did", "calibrated the scale")
    assert carried.code == 0 and "calibrated the scale" in today.read_text(encoding="utf-8")
    assert carried.err == (
        f"reslog: could not carry to-dos over from days/2026/2026-11-25.md (a symbolic link to {real}, outside "
        "the log; not read), so days/2026/2026-11-26.md starts without them; fix that page, and its open "
        "to-dos move over at the next reslog command\n")
    assert yesterday.is_symlink() and real.read_text(encoding="utf-8") == "## What to do next\n- [ ] 09:00 review the draft\n"
    yesterday.unlink()
    real.rename(yesterday)  # fixed as the message says: the to-do moves over at the next command
    assert run("did", "another").code == 0 and "review the draft" in today.read_text(encoding="utf-8")
    assert "[>] 09:00 review the draft" in yesterday.read_text(encoding="utf-8")


def test_a_page_linked_to_a_file_outside_the_log_is_not_read(run: Run, log_dir: Path, clock: Clock,
                                                            tmp_path: Path) -> None:
    _page(log_dir, "2026-11-25", "## What was done\n- 09:00 an ordinary day\n")
    secret = tmp_path / "secret.md"
    secret.write_text("## What was done\n- 09:00 zanzibar password hunter2\n", encoding="utf-8")
    link = day_file(log_dir, "2026-11-26")
    link.symlink_to(secret)
    inside = day_file(log_dir, "2026-11-24")
    inside.symlink_to(day_file(log_dir, "2026-11-25"))  # a link inside the log is read
    found = run("search", "zanzibar")
    assert "No entries match." in found.out
    assert (f"reslog: skipped days/2026/2026-11-26.md: a symbolic link to {secret}, outside the log; not read"
            in found.err)
    assert "an ordinary day" in run("search", "ordinary").out
    for fmt in ("json", "md", "html"):
        out = tmp_path / f"export-{fmt}"
        result = run("export", fmt, str(out) if fmt == "html" else str(out) + f".{fmt}")
        assert result.code == 0, result.err
        written = b"".join(p.read_bytes() for p in tmp_path.glob(f"export-{fmt}*") for p in
                           ([p] if p.is_file() else [q for q in p.rglob("*") if q.is_file()]))
        assert b"zanzibar" not in written and b"hunter2" not in written
        assert b"an ordinary day" in written
    # nor shown: `show` refuses it, and `today` (which may write the page), in one line each
    shown = run("show", "2026-11-26")
    assert shown.code == 1 and "zanzibar" not in shown.out + shown.err
    assert shown.err == (f"reslog: days/2026/2026-11-26.md is a symbolic link to {secret}, outside the log, "
                         "so it is not read: put the file itself in its place (cp --remove-destination "
                         f"{secret} {link}), then run again\n")
    shown = run("today")
    assert shown.code == 1 and "zanzibar" not in shown.out + shown.err
    assert shown.err.startswith("reslog: days/2026/2026-11-26.md is a symbolic link; ") and shown.err.count("\n") == 1
    assert "an ordinary day" in run("show", "2026-11-24").out  # the link inside the log is shown
