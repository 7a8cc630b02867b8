"""Reading a day in the terminal, editing it, and shell completion."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Clock, Result, day_file, log_files

Run = Callable[..., Result]


def test_today_golden(run: Run, clock: Clock, log_dir: Path) -> None:
    day_file(log_dir, "2026-11-24").parent.mkdir(parents=True)
    day_file(log_dir, "2026-11-24").write_text("## What to do next\n- [ ] Email Yitao\n", encoding="utf-8")
    run("todo", "Rerun the sweep", "--est", "2h", "-t", "w2s")
    run("exp", "W2S on GPT-2 sizes #w2s")
    run("think", "the strong model may imitate errors")
    run("read", "Weak-to-strong https://arxiv.org/abs/2312.09390", "--from", "twitter", "--star")
    run("idea", "external tools in reward modeling")
    result = run()  # no command: today
    assert result.code == 0
    assert result.out == (
        "Thursday 26 November 2026  days/2026/2026-11-26.md\n"
        "\n"
        "What to do next\n"
        "  1 - [ ] Email Yitao [carried:: 2026-11-24]  (waiting 2 days)\n"
        "  2 - [ ] Rerun the sweep #w2s [est:: 2h]\n"
        "\n"
        "What was done\n"
        "  1 - 09:12 exp: W2S on GPT-2 sizes #w2s\n"
        "      - thought: the strong model may imitate errors\n"
        "  2 - 09:12 read: Weak-to-strong https://arxiv.org/abs/2312.09390 [from:: twitter] ★\n"
        "\n"
        "Random ideas\n"
        "  3 - 09:12 external tools in reward modeling\n"
        "\n"
        "Reflection\n"
    )
    assert run("today").out == result.out
    assert run("show", "2026-11-26").out == result.out


def test_show_keeps_hand_written_text(run: Run, clock: Clock, log_dir: Path) -> None:
    path = day_file(log_dir, "2026-11-20")
    path.parent.mkdir(parents=True)
    path.write_text("Prose first.\n\n## Meetings\n- with Ana\n```\ncode\n```\n", encoding="utf-8")
    out = run("show", "last friday").out
    assert out == (
        "Friday 20 November 2026  days/2026/2026-11-20.md\n"
        "    Prose first.\n\nMeetings\n  1 - with Ana\n    ```\n    code\n    ```\n"
    )


def test_edit_opens_the_editor_on_the_page(run: Run, clock: Clock, log_dir: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text('#!/bin/sh\nprintf -- "- 10:00 typed in the editor\\n" >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    assert run("edit").code == 0
    text = day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    assert text.startswith("---\ndate: 2026-11-26\n---\n")
    assert text.endswith("## Reflection\n- 10:00 typed in the editor\n")
    assert run("edit", "2026-11-01").code == 0
    assert day_file(log_dir, "2026-11-01").read_text(encoding="utf-8").endswith("typed in the editor\n")


def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    editor = tmp_path / "slow-editor"
    editor.write_text("#!/bin/sh\n" + script)
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))


def test_a_capture_made_while_the_editor_is_open_is_kept(run: Run, log_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor saved its older copy over the page: a capture made meanwhile (another terminal,
    here a real second process) was lost without a word."""
    assert run("did", "first entry").code == 0
    # the editor has loaded the page; a capture comes in from another process; then the editor saves
    _editor(tmp_path, monkeypatch, f'"{sys.executable}" -m reslog --dir "{log_dir}" did "captured while editing"\n'
                                   'sed -i "s/first entry/first entry, reworded/" "$1"\n')
    result = run("edit")
    assert result.code == 0, result
    page = next((log_dir / "days").rglob("*.md")).read_text(encoding="utf-8")
    assert "first entry, reworded" in page and "captured while editing" in page
    assert page.count("first entry") == 1 and "<<<<<<<" not in page
    assert "changed while you edited it; what was written meanwhile is kept with your edit" in result.err
    assert not list(Path(tmp_path).glob("reslog-edit-*"))


def test_the_same_line_changed_in_the_editor_and_meanwhile_keeps_both(
    run: Run, log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("did", "first entry").code == 0
    page = next((log_dir / "days").rglob("*.md"))
    _editor(tmp_path, monkeypatch, f'sed -i "s/first entry/changed by hand elsewhere/" "{page}"\n'
                                   'sed -i "s/first entry/changed in the editor/" "$1"\n')
    result = run("edit")
    assert result.code == 0, result
    text = page.read_text(encoding="utf-8")
    assert "<<<<<<< your edit" in text and ">>>>>>> written while you edited" in text
    assert "changed in the editor" in text and "changed by hand elsewhere" in text
    assert f"run reslog edit {page.stem} to choose" in result.err


def test_an_editor_that_writes_crlf_still_merges_a_capture(run: Run, log_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor that saves CRLF changed every line: with a capture made meanwhile, the whole page
    became one conflict, both versions of every entry."""
    assert run("did", "first entry").code == 0
    _editor(tmp_path, monkeypatch, f'"{sys.executable}" -m reslog --dir "{log_dir}" did "captured while editing"\n'
                                   'sed -i "s/first entry/first entry, reworded/; s/$/\\r/" "$1"\n')
    result = run("edit")
    assert result.code == 0, result
    page = next((log_dir / "days").rglob("*.md")).read_bytes()
    assert b"\r" not in page and b"<<<<<<<" not in page
    assert b"first entry, reworded" in page and b"captured while editing" in page


def test_a_failed_editor_leaves_no_copy_and_an_edit_deleted_meanwhile_is_saved(
    run: Run, log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert run("did", "first entry").code == 0
    monkeypatch.setenv("EDITOR", "false")
    assert run("edit").code == 1
    assert list(scratch.iterdir()) == []  # every failed edit left a copy of the page behind
    page = next((log_dir / "days").rglob("*.md"))
    _editor(tmp_path, monkeypatch, f'rm "{page}"\necho "- typed before it was deleted" >> "$1"\n')
    result = run("edit")
    assert result.code == 0, result
    assert "typed before it was deleted" in page.read_text(encoding="utf-8")
    assert list(scratch.iterdir()) == []


def test_an_edit_that_is_not_utf8_changes_nothing_and_is_kept(run: Run, log_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("did", "first entry").code == 0
    page = next((log_dir / "days").rglob("*.md"))
    before = page.read_bytes()
    _editor(tmp_path, monkeypatch, "printf '\\377\\376 latin\\n' >> \"$1\"\n")
    result = run("edit")
    assert result.code == 1 and "the editor saved text that is not UTF-8; the page is unchanged" in result.err
    kept = Path(result.err.rsplit(" in ", 1)[1].strip())
    assert kept.read_bytes().startswith(before) and page.read_bytes() == before


def test_edit_with_an_editor_that_cannot_be_found_writes_nothing(
    run: Run, clock: Clock, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed edit made the page (carrying yesterday's open to-dos into it) and then failed; and
    a far date made a page where a capture asks for --force."""
    assert run("todo", "carry me", "--date", "2026-11-25").code == 0
    before = log_files(log_dir)
    monkeypatch.setenv("EDITOR", "no-such-editor --wait")
    result = run("edit")
    assert result.code == 1 and result.err == (
        "reslog: cannot find the editor 'no-such-editor' ($EDITOR); set $EDITOR to an editor on your PATH, "
        "such as nano or vim\n")
    monkeypatch.setenv("EDITOR", "true")
    far = run("edit", "1900-01-01")
    assert far.code == 2 and "1900-01-01 is more than a year from today (2026-11-26)" in far.err
    assert log_files(log_dir) == before
    assert run("edit", "1900-01-01", "--force").code == 0
    assert day_file(log_dir, "1900-01-01").exists()


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o nosort -F"), ("zsh", "#compdef reslog"),
                                               ("fish", "complete --no-files --command reslog")])
def test_completion_scripts(run: Run, shell: str, marker: str) -> None:
    result = run("completion", shell)
    assert result.code == 0 and marker in result.out and "_RESLOG_COMPLETE" in result.out


def test_completion_lists_commands(tmp_path: Path) -> None:
    env = {"_RESLOG_COMPLETE": "bash_complete", "COMP_WORDS": "reslog to", "COMP_CWORD": "1",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "reslog"], env=env, capture_output=True, text=True).stdout
    assert sorted(out.split()) == ["plain,today", "plain,todo", "plain,todos"]


def test_show_hides_only_the_title_line(run: Run, clock: Clock, log_dir: Path) -> None:
    path = day_file(log_dir, "2026-11-20")
    path.parent.mkdir(parents=True)
    path.write_text("# Notes\n\n## What was done\n- a\n# Notes\n", encoding="utf-8")
    out = run("show", "2026-11-20").out
    assert out.count("# Notes") == 1 and out.rstrip().endswith("# Notes")
