"""`reslog import jrnl`, checked against jrnl itself.

The oracle is jrnl (installed by the dev extra), run in a subprocess on a
temporary copy of each fixture journal with a temporary config (XDG folders
pointed at the temporary directory, so that it never touches the corpus or the
user's config): what reslog writes on the day pages, parsed back, must give
the same dates, times, titles, bodies, tags and stars as ``jrnl --export
json``. The comparison is modulo what the day-page format does to text, and
only that:

* titles: runs of whitespace become one space (an entry's first line);
* bodies: as written, each line indented two spaces under the entry, blank
  lines dropped outside fenced code (``reslog.importers.base.body_lines``, a
  blank line would end the entry);
* tags: jrnl lowercases them, reslog keeps them as first written, so they are
  compared ignoring case; reslog also reads the ``#words`` of a title as tags
  (they are reslog tags in the text as typed), and a jrnl tag that reslog's
  tag rule cannot spell (``@c++``) is kept in the text only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reslog import markdown
from reslog.importers import jrnl
from reslog.importers.base import ImportOptions, body_lines

from .conftest import CORPORA, corpora, day_file, imports_nothing_again

DATA = CORPORA / "jrnl-fixtures" / "tests" / "data"
JOURNALS = DATA / "journals"
CONFIGS = DATA / "configs"
ENCRYPTED = {  # journal -> (its config, the test password, the jrnl encryption version)
    "basic_encrypted.journal": ("basic_encrypted.yaml", "test", "v2"),
    "encrypted.journal": ("encrypted.yaml", "bad doggie no biscuit", "v2"),
    "encrypted_jrnl-1-9-5.journal": ("encrypted_v1_journal_legacy_config.yaml", "bad doggie no biscuit", "v1"),
    "encrypted_v3.journal": ("encrypted_v3.yaml", "good doggie extra biscuit", "v3"),
    "encrypted_v3_legacy_header.journal": ("encrypted_v3_legacy_header.yaml", "good doggie extra biscuit", "v3"),
}
SIMPLE = [("2013-06-09", "- 15:39 My first entry. [imported:: jrnl]"),
          ("2013-06-10", "- 15:40 Life is good. [imported:: jrnl]")]
DECRYPTED = {  # what each encrypted journal holds, as imported once jrnl has decrypted it
    "basic_encrypted.journal": [
        ("2020-08-29", "- 11:11 Entry the first. #ipsum #tagone #tagtwo [imported:: jrnl]"),
        ("2020-08-31", "- 14:32 A second entry in what I hope to be a long series. #tagtwo ★ [imported:: jrnl]"),
        ("2020-09-24", "- 09:14 The third entry finally after weeks without writing. #tagthree #tagone "
                       "[imported:: jrnl]")],
    "encrypted.journal": SIMPLE, "encrypted_jrnl-1-9-5.journal": SIMPLE,
    "encrypted_v3.journal": SIMPLE, "encrypted_v3_legacy_header.journal": SIMPLE,
}
# Every plain fixture journal with the config that goes with it (FIXTURE_USAGE.md), the journal's
# name in that config, and what to answer jrnl (jrnl 1.x journals: "yes, upgrade").
PLAIN = {
    "basic_folder": ("basic_folder.yaml", None, ""),
    "basic_onefile.journal": ("basic_onefile.yaml", None, ""),
    "brackets.journal": ("brackets.yaml", None, ""),
    "deletion.journal": ("deletion.yaml", None, ""),
    "deletion_filters.journal": ("deletion_filters.yaml", None, ""),
    "empty_folder": ("empty_folder.yaml", None, ""),
    "little_endian_dates.journal": ("little_endian_dates.yaml", None, ""),
    "markdown-headings-335.journal": ("markdown-headings-335.yaml", None, ""),
    "mostlyreadabledates.journal": ("mostlyreadabledates.yaml", None, ""),
    "multiline-tags.journal": ("multiline-tags.yaml", None, ""),
    "multiline.journal": ("multiline.yaml", None, ""),
    "simple.journal": ("simple.yaml", None, ""),
    "simple_jrnl-1-9-5.journal": ("upgrade_from_195.json", None, "y\n"),
    "simple_jrnl-1-9-5_little_endian_dates.journal": ("upgrade_from_195_little_endian_dates.json", None, "y\n"),
    "tags-216.journal": ("tags-216.yaml", None, ""),
    "tags-237.journal": ("tags-237.yaml", None, ""),
    "tags.journal": ("tags.yaml", None, ""),
    "unreadabledates.journal": ("unreadabledates.yaml", None, ""),
    "work.journal": ("no_default_journal.yaml", "work", ""),
}
ENTRY_COUNTS = {  # entries reslog writes per fixture (jrnl's count, but for unreadabledates: see below)
    "basic_folder": 3, "basic_onefile.journal": 3, "brackets.journal": 1, "deletion.journal": 3,
    "deletion_filters.journal": 5, "empty_folder": 0, "little_endian_dates.journal": 2,
    "markdown-headings-335.journal": 1, "mostlyreadabledates.journal": 3, "multiline-tags.journal": 1,
    "multiline.journal": 1, "simple.journal": 2, "simple_jrnl-1-9-5.journal": 2,
    "simple_jrnl-1-9-5_little_endian_dates.journal": 2, "tags-216.journal": 1, "tags-237.journal": 1,
    "tags.journal": 2, "unreadabledates.journal": 0, "work.journal": 0,
}


# --- the oracle ---


def _jrnl(tmp: Path, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp), "XDG_DATA_HOME": str(tmp), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "jrnl", *args], capture_output=True, text=True, env=env,
                          input=stdin, cwd=tmp, timeout=120)


def _private_copy(tmp: Path, journal: Path, config: Path) -> tuple[Path, Path]:
    """A copy of the journal and of its config, pointed at the copy (as jrnl's test harness does)."""
    copy = tmp / journal.name
    if journal.is_dir():
        shutil.copytree(journal, copy)
    else:
        shutil.copyfile(journal, copy)
    text = config.read_text(encoding="utf-8").replace(f"features/journals/{journal.name}", copy.as_posix())
    private = tmp / f"jrnl-config{config.suffix}"
    private.write_text(text, encoding="utf-8")
    return copy, private


def jrnl_export(tmp: Path, journal: Path, config: Path, name: str | None = None, stdin: str = "") -> list[dict[str, Any]]:
    """What ``jrnl --export json`` reports for the journal with that config (run on copies)."""
    tmp.mkdir()
    _, private = _private_copy(tmp, journal, config)
    done = _jrnl(tmp, ["--config-file", str(private), *([name] if name else []), "--export", "json"], stdin)
    assert done.returncode == 0, done.stderr
    if not done.stdout.strip():  # jrnl prints nothing when the journal is empty
        assert "no entries found" in done.stderr
        return []
    entries: list[dict[str, Any]] = json.JSONDecoder().raw_decode(done.stdout.strip())[0]["entries"]
    return entries


# --- what reslog wrote, read back ---


def written(log: Path) -> list[dict[str, Any]]:
    """Every [imported:: jrnl] entry on the day pages: its day, time, raw lines, tags and star."""
    found = []
    for path in sorted((log / "days").rglob("*.md")):
        page = markdown.parse(path.read_bytes().decode("utf-8"))
        for entry in page.entries():
            if entry.field("imported") != "jrnl":
                continue
            found.append({
                "date": path.stem, "time": entry.time, "section": entry.section,
                "first": markdown.line_body(page, entry.index),
                "block": [markdown.line_body(page, i) for i in range(entry.index + 1, entry.end)],
                "tags": entry.tags, "starred": entry.starred,
            })
    return found


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unbullet(line: str) -> str:
    if re.fullmatch(r"([-*_])(?:[ \t]*\1){2,}", line):  # a thematic break is no list item
        return line
    return re.sub(r"^[-*+][ \t]+", "", line)


def _spellable(name: str) -> bool:
    return markdown.read_tags(f"#{name}") == (name,)


def assert_same(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
    """reslog's written entries equal jrnl's, modulo the normalisation in the module docstring."""
    theirs = sorted(theirs, key=lambda e: (e["date"], e["time"], _one_line(e["title"])))
    assert len(mine) == len(theirs)
    for got, want in zip(mine, theirs, strict=True):
        title = _one_line(want["title"])
        assert (got["date"], got["time"], got["section"]) == (want["date"], want["time"], "done")
        prefix = f"- {want['time']} {title}"
        assert got["first"].startswith(prefix), (got["first"], prefix)
        assert re.fullmatch(r"(?: #\S+)*(?: ★)? \[imported:: jrnl\]", got["first"][len(prefix):])
        assert got["block"] == body_lines(want["body"].split("\n"))
        assert got["starred"] is want["starred"]
        names = {tag[1:] for tag in want["tags"]}
        in_title = {tag.lower() for tag in markdown.read_tags(title)}
        assert {tag.lower() for tag in got["tags"]} == {n for n in names if _spellable(n)} | in_title
        text = f"{want['title']}\n{want['body']}".lower()
        assert all(tag in text for tag in want["tags"] if not _spellable(tag[1:]))


# --- tests ---


@corpora
def test_every_plain_fixture_journal_is_compared() -> None:
    journals = {p.name for p in JOURNALS.iterdir() if not p.name.endswith(".dayone")}
    assert journals == set(PLAIN) | set(ENCRYPTED)


@corpora
@pytest.mark.parametrize("journal", sorted(PLAIN))
def test_fixture_matches_jrnl(journal: str, run: Callable[..., Any], clock: Any, log_dir: Path,
                              tmp_path: Path) -> None:
    config, name, answer = PLAIN[journal]
    theirs = jrnl_export(tmp_path / "jrnl", JOURNALS / journal, CONFIGS / config, name, answer)
    result = run("import", "jrnl", str(JOURNALS / journal), "--config", str(CONFIGS / config))
    assert result.code == 0, result.err
    mine = written(log_dir)
    assert len(mine) == ENTRY_COUNTS[journal]
    if journal == "unreadabledates.journal":
        # No header holds a date: jrnl takes the whole file as one entry dated now; reslog reports the
        # file as skipped (it has no date to file it under) and writes nothing.
        assert [e["title"] for e in theirs] == ["[ashasd7zdskhz7asdkjasd] Entry subject"]
        assert "unreadabledates.journal: no dated entry" in result.out
        assert not (log_dir / "days").exists()
        return
    assert_same(mine, theirs)


@corpora
def test_what_the_fixtures_hold(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    """A few entries spelled out, so that a shared mistake of jrnl and the reader would show."""
    assert run("import", "jrnl", str(JOURNALS / "basic_onefile.journal")).code == 0
    page = day_file(log_dir, "2020-08-31").read_text(encoding="utf-8")
    assert "## What was done\n- 14:32 A second entry in what I hope to be a long series. #tagtwo ★ [imported:: jrnl]\n" \
        "  Sed sit amet metus et sapien feugiat elementum. Aliquam bibendum lobortis leo\n" in page
    first = written(log_dir)[0]
    assert first["first"] == "- 11:11 Entry the first. #ipsum #tagone #tagtwo [imported:: jrnl]"
    assert first["block"][5] == "  venenatis erat. In at dolor dui. @tagone and maybe also @tagtwo."
    assert run("import", "jrnl", str(JOURNALS / "tags-216.journal")).code == 0
    [entry] = [e for e in written(log_dir) if e["date"] == "2013-06-10"]
    # @OS/2 is a reslog tag (nested: os, 2); @C++ and @C# are not reslog tags: kept in the text only
    assert entry["first"] == "- 15:40 I programmed for @OS/2. #OS/2 [imported:: jrnl]"
    assert entry["block"] == ["  Almost makes me want to go back to @C++, though. (Still better than @C#)."]
    assert run("import", "jrnl", str(JOURNALS / "brackets.journal")).code == 0
    assert "\n- 05:42 Entry subject [imported:: jrnl]\n  [1] line starting with 1\n" in day_file(
        log_dir, "2019-07-08").read_text(encoding="utf-8")


def test_edge_cases_match_jrnl(run: Callable[..., Any], clock: Any, log_dir: Path, tmp_path: Path) -> None:
    """A journal of jrnl's corner cases, in a custom timeformat with two tag symbols, against jrnl."""
    journal = tmp_path / "edge.journal"
    journal.write_text(
        "Notes typed before the first entry.\n"
        "[04 Mar 2021 at 09:05 AM] One line. Then a second sentence @Work on the same line\n"
        "[05 Mar 2021 at 10:00 PM] Starred title *\n"
        "Body with @tag and +plus, @Work and @work again.\n"
        "   indented line with trailing spaces   \n"
        "\n"
        "[1] a footnote, not a date\n"
        "[2021-03-06 7:30:00 PM] A date in another format (read free-form, as jrnl does)\n"
        "More text with a #hashtag\n"
        "[March 7, 2021 8:15] Month names?! Yes.\n"
        "[08 Mar 2021 at 11:00 AM] Tags: @c++ @c# @2021 @a-b- @ok/sub, fixed #bug42 too\n"
        "[09 Mar 2021 at 12:00 PM] *Stars* on both ends **\n"
        "[10 Mar 2021 at 01:00 AM]   Leading spaces\nand a body\n"
        "[11 Mar 2021 at 02:00 PM] A list:\n- exp: first item\n  * nested item\n* * *\n+ third\n",
        encoding="utf-8",
    )
    config = tmp_path / "jrnl.yaml"
    config.write_text(
        "# a hand-written config\n"
        "timeformat: \"%d %b %Y at %I:%M %p\"  # quoted, with a comment\n"
        "tagsymbols: '@+'\n"
        "journals:\n  default: features/journals/edge.journal\n"
        "  timeformat: ignored\n",
        encoding="utf-8",
    )
    theirs = jrnl_export(tmp_path / "jrnl", journal, config)
    result = run("import", "jrnl", str(journal), "--config", str(config))
    assert result.code == 0, result.err
    assert "edge.journal:1: text before the first dated entry (1 line)" in result.out
    mine = written(log_dir)
    assert len(mine) == 8
    assert_same(mine, theirs)
    by_day = {e["date"]: e for e in mine}
    assert by_day["2021-03-05"]["first"] == "- 22:00 Starred title #tag #plus #Work ★ [imported:: jrnl]"
    assert by_day["2021-03-06"]["time"] == "19:30"
    assert by_day["2021-03-08"]["tags"] == ("bug42", "ok/sub")
    assert by_day["2021-03-11"]["block"] == ["  - exp: first item", "    * nested item", "  * * *", "  + third"]


@corpora
def test_reimport_adds_nothing(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    assert run("import", "jrnl", str(JOURNALS / "basic_onefile.journal")).code == 0
    imports_nothing_again(run, log_dir, 3, "jrnl", str(JOURNALS / "basic_onefile.journal"))


@corpora
def test_a_journal_in_another_timeformat_says_to_give_its_config(run: Callable[..., Any], clock: Any,
                                                                 log_dir: Path) -> None:
    """A jrnl 1.x journal with day-first dates, read without its config, kept 1 of its 3 entries and
    said only that 6 lines came before the first dated entry: it now says why, and what to give."""
    journal = JOURNALS / "simple_jrnl-1-9-5_little_endian_dates.journal"
    result = run("import", "jrnl", str(journal))
    assert result.code == 0
    assert (f"{journal.name}:1: text before the first dated entry (6 lines); it opens with a date not in "
            "the timeformat %Y-%m-%d %H:%M: give the jrnl config with --config") in result.out


@corpora
def test_dry_run_writes_nothing(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    result = run("import", "jrnl", str(JOURNALS / "basic_folder"), "--dry-run")
    assert result.code == 0
    assert "Would import 3 entries (0 to-dos) into 3 days." in result.out
    assert not (log_dir / "days").exists()


@corpora
def test_folder_journal(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    result = run("import", "jrnl", str(JOURNALS / "basic_folder"))
    assert result.code == 0
    assert "Imported 3 entries (0 to-dos) into 3 days." in result.out
    for name in ("should-be-ignored.txt", "2020/should-be-ignored.txt", "2020/09/should-be-ignored.txt"):
        assert f"  {name}: not a jrnl day file (a folder journal keeps YYYY/MM/DD.txt)" in result.out
    # headers written in another format than the config's ("11:11:00 AM") are read as jrnl reads them
    assert [(e["date"], e["time"]) for e in written(log_dir)] == [
        ("2020-08-29", "11:11"), ("2020-08-31", "14:32"), ("2020-09-24", "09:14")]
    assert "2022" not in {e["date"][:4] for e in written(log_dir)}


def test_folder_day_file_without_header_and_messy_files(run: Callable[..., Any], clock: Any, log_dir: Path,
                                                        tmp_path: Path) -> None:
    folder = tmp_path / "my journal@lab, v2: notes"
    (folder / "2021" / "02").mkdir(parents=True)
    (folder / "2021" / "02" / "03.txt").write_text("Written without a header.\nSecond line\n", encoding="utf-8")
    (folder / "2021" / "02" / "04.txt").write_bytes(b"[2021-02-04 08:00] caf\xe9 in Latin-1\n")
    (folder / "2021" / "02" / "05.txt").write_bytes(b"")
    (folder / "2021" / "02" / "31.txt").write_text("[2021-02-28 10:00] no such day\n", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    result = run("import", "jrnl", str(folder))
    assert result.code == 0, result.err
    assert "Imported 1 entry (0 to-dos) into 1 day." in result.out
    assert "  2021/02/04.txt: not valid UTF-8 (byte 22); convert it to UTF-8 and import again" in result.out
    assert "  2021/02/05.txt: empty file" in result.out
    assert "  2021/02/31.txt: not a jrnl day file" in result.out
    assert ".git" not in result.out
    assert "\n- Written without a header. [imported:: jrnl]\n  Second line\n" in day_file(
        log_dir, "2021-02-03").read_text(encoding="utf-8")


@corpora
def test_custom_timeformat_needs_the_config(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    journal = JOURNALS / "little_endian_dates.journal"
    # without the config, 10.07.2013 is read month first, as jrnl (dateutil) reads it
    assert [e.day for e in jrnl.read(journal, ImportOptions()).items] == [dt.date(2013, 9, 6), dt.date(2013, 10, 7)]
    assert run("import", "jrnl", str(journal), "--config", str(CONFIGS / "little_endian_dates.yaml")).code == 0
    assert [(e["date"], e["time"]) for e in written(log_dir)] == [("2013-06-09", "15:39"), ("2013-07-10", "15:40")]


@corpora
def test_config_reader() -> None:
    legacy = jrnl.read_config(CONFIGS / "upgrade_from_195_little_endian_dates.json")
    assert (legacy.timeformat, legacy.tagsymbols, legacy.legacy) == ("%d.%m.%Y %H:%M", "@", True)
    plain = jrnl.read_config(CONFIGS / "bug153.yaml")
    assert (plain.timeformat, plain.tagsymbols, plain.encrypt, plain.legacy) == ("%Y-%m-%d %H:%M", "@", None, False)
    assert jrnl.read_config(CONFIGS / "encrypted_v1_journal_legacy_config.yaml").encrypt == "jrnlv1"
    empty = jrnl.read_config(CONFIGS / "empty_file.yaml")
    assert (empty.timeformat, empty.tagsymbols) == (jrnl.DEFAULT_TIMEFORMAT, jrnl.DEFAULT_TAGSYMBOLS)
    assert jrnl._yaml_scalars('a: "x\\"y # z" # c\nb: \'it\'\'s\'\nc: plain # c\n  d: nested\ne:\n') == [
        ("a", 'x"y # z'), ("b", "it's"), ("c", "plain")]


@corpora
@pytest.mark.parametrize("journal", sorted(ENCRYPTED))
def test_encrypted_journal_is_refused_with_the_way_to_decrypt_it(
    journal: str, run: Callable[..., Any], clock: Any, log_dir: Path, tmp_path: Path
) -> None:
    config, password, version = ENCRYPTED[journal]
    plain = run("import", "jrnl", str(JOURNALS / journal))
    assert plain.code == 1
    assert plain.err.count("\n") == 1
    assert f"is an encrypted jrnl journal (jrnl {version} encryption)" in plain.err
    assert not (log_dir / "days").exists()
    # with the config: the message gives the command to run; run it, then import the decrypted copy
    copy, private = _private_copy(tmp_path, JOURNALS / journal, CONFIGS / config)
    refused = run("import", "jrnl", str(copy), "--config", str(private))
    assert refused.code == 1
    assert not (log_dir / "days").exists()
    command = re.search(r"`jrnl ([^`]+)`", refused.err)
    assert command is not None
    assert command.group(1) == f"--config-file {private} --decrypt --file plain.txt"
    assert _jrnl(tmp_path, command.group(1).split(), f"{password}\n").returncode == 0
    assert run("import", "jrnl", str(tmp_path / "plain.txt")).code == 0
    assert [(e["date"], e["first"]) for e in written(log_dir)] == DECRYPTED[journal]


@corpora
def test_a_day_one_classic_folder_says_how_to_get_it_in(run: Callable[..., Any], log_dir: Path) -> None:
    """jrnl sent a Day One Classic folder to `import dayone`, which sent it back: neither reads
    .doentry files. Both say so, and that Day One's JSON export is what reslog reads."""
    result = run("import", "jrnl", str(JOURNALS / "dayone.dayone"))
    assert result.code == 2
    assert "is a Day One Classic journal (.doentry files), which reslog cannot read; open it in Day One " \
        "and export the journal as JSON" in result.err
    result = run("import", "dayone", str(JOURNALS / "dayone.dayone"))
    assert result.code == 2 and "holds a Day One Classic journal (.doentry files)" in result.err
    assert "export the journal from Day One as JSON" in result.err
    assert not (log_dir / "days").exists()


@corpora
def test_bom_and_crlf_read_as_plain(run: Callable[..., Any], clock: Any, log_dir: Path, tmp_path: Path) -> None:
    text = (JOURNALS / "simple.journal").read_text(encoding="utf-8")
    messy = tmp_path / "messy.journal"
    messy.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert run("import", "jrnl", str(messy)).code == 0
    assert [(e["date"], e["first"], e["block"]) for e in written(log_dir)] == [
        ("2013-06-09", "- 15:39 My first entry. [imported:: jrnl]", ["  Everything is alright"]),
        ("2013-06-10", "- 15:40 Life is good. [imported:: jrnl]", ["  But I'm better."])]
    assert b"\r" not in day_file(log_dir, "2013-06-09").read_bytes()
    cr_only = tmp_path / "old mac.journal"
    cr_only.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    assert [i.text for i in jrnl.read(cr_only, ImportOptions()).items] == ["My first entry.", "Life is good."]


def test_invalid_utf8_and_empty_files_are_reported(run: Callable[..., Any], clock: Any, log_dir: Path,
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "latin, 1@home.journal"
    bad.write_bytes(b"[2020-01-01 10:00] Caf\xe9 au lait\n")  # 32 bytes, like two AES blocks: still text
    result = run("import", "jrnl", str(bad))
    assert result.code == 0
    assert "Imported 0 entries (0 to-dos) into 0 days." in result.out
    assert "  latin, 1@home.journal: not valid UTF-8 (byte 22); convert it to UTF-8 and import again" in result.out
    empty = tmp_path / "empty.journal"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    result = run("import", "jrnl", str(empty))
    assert result.code == 0
    assert "  empty.journal: empty file" in result.out
    assert not (log_dir / "days").exists()
    holes = tmp_path / "holes.journal"
    holes.write_text("[2020-01-01 10:00] kept\n[2020-01-02 10:00] \n\n[2020-01-03 10:00] *\n", encoding="utf-8")
    result = run("import", "jrnl", str(holes))
    assert "Imported 1 entry (0 to-dos) into 1 day." in result.out
    assert "  holes.journal:2: empty entry\n  holes.journal:4: empty entry\n" in result.out


def test_free_dates() -> None:
    assert jrnl.free_date("2020-08-29 11:11:00 PM") == dt.datetime(2020, 8, 29, 23, 11)
    assert jrnl.free_date("Sunday, June 9, 2013 12:05 am") == dt.datetime(2013, 6, 9, 0, 5)
    assert jrnl.free_date("9th Sept 2013") == dt.datetime(2013, 9, 9)
    assert jrnl.free_date("2013-06-09T15:39:00+02:00") == dt.datetime(2013, 6, 9, 15, 39)
    assert jrnl.free_date("25/12/2013 08:00") == dt.datetime(2013, 12, 25, 8, 0)
    for text in ("2013-02-30 10:00", "tomorrow at noon", "15:39", "June 9 15:39", "Entry 1", "13:00 pm x"):
        assert jrnl.free_date(text) is None
    assert jrnl.parse_date("[1]", jrnl.DEFAULT_TIMEFORMAT) is None


def test_free_dates_agree_with_jrnl() -> None:
    """Every free-form date the reader accepts, jrnl (dateutil) reads the same way."""
    from jrnl import time as jrnl_time

    days = ["2020-08-29", "2020/08/29", "2019-07", "08/29/2020", "29/08/2020", "03.04.2020", "29 Aug 2020",
            "29th August 2020", "Aug 29, 2020", "Sat, Aug 29, 2020", "Saturday 29 August 2020", "3 Sept. 2020"]
    times = ["", " 11:11", " 11:11:00 AM", " 11:11 pm", "T23:05:01", ", 7:05 a.m.", " at 10:00", " 12:30 AM",
             " 11:11+02:00"]
    for day in days:
        for time in times:
            mine = jrnl.free_date(day + time)
            assert mine is not None, day + time
            assert mine == jrnl_time.parse(day + time, bracketed=True), day + time


def test_one_day_first_date_settles_the_order_of_all(run: Callable[..., Any], clock: Any, log_dir: Path,
                                                      tmp_path: Path) -> None:
    """Read alone, 03/04/2026 is month first and 13/04/2026 day first: a month apart, in the wrong
    order. A journal writes all its dates one way, so the second settles the first."""
    journal = tmp_path / "day-first.txt"
    journal.write_text("[03/04/2026 09:00] Started the sweep.\n\n[13/04/2026 10:00] Sweep finished.\n",
                       encoding="utf-8")
    result = run("import", "jrnl", str(journal))
    assert result.code == 0, result.err
    assert "day or month first" not in result.err
    assert [(e["date"], e["time"]) for e in written(log_dir)] == [("2026-04-03", "09:00"), ("2026-04-13", "10:00")]


def test_dates_that_read_either_way_are_said_to(run: Callable[..., Any], clock: Any, log_dir: Path,
                                                tmp_path: Path) -> None:
    journal = tmp_path / "either.txt"
    journal.write_text("[03/04/2026 09:00] One.\n\n[05/06/2026 10:00] Two.\n", encoding="utf-8")
    result = run("import", "jrnl", str(journal))
    assert result.code == 0, result.err
    assert ("2 dates of the journal, such as 03/04/2026 09:00, could be day or month first; they were "
            "read month first, as jrnl does. If they are day first, give the jrnl config (its timeformat) "
            "with --config") in result.err
    assert [e["date"] for e in written(log_dir)] == ["2026-03-04", "2026-05-06"]
