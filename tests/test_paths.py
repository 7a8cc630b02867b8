"""The files layer writes paths as text (pathlib costs a capture 5 ms), exactly as pathlib would."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reslog.errors import LogError, PageError
from reslog.store import Log, default_folder, default_root, exists, expanded, path_text

# Few characters, so that slashes, dots and tildes meet often.
_SEGMENT = st.text(alphabet="/.~ab", max_size=8)
_DAY = dt.date(2026, 11, 26)


@given(st.lists(_SEGMENT, max_size=4))
def test_path_text_writes_a_path_as_pathlib_does(segments: list[str]) -> None:
    assert path_text(*segments) == str(PurePosixPath(*segments))


@given(_SEGMENT)
def test_expanded_is_expanduser(text: str) -> None:
    try:
        want = str(Path(text).expanduser())
    except RuntimeError:
        with pytest.raises(RuntimeError):
            expanded(text)
        return
    assert expanded(text) == want


@pytest.mark.parametrize("env", [None, "", "~/notes//log/", "./rel/./log", "/abs/log", "~"])
def test_default_folder_is_the_default_root(monkeypatch: pytest.MonkeyPatch, env: str | None) -> None:
    if env is None:
        monkeypatch.delenv("RESLOG_DIR", raising=False)
    else:
        monkeypatch.setenv("RESLOG_DIR", env)
    old = Path(env).expanduser() if env else Path.home() / "reslog"  # what default_root() was
    assert default_folder() == str(old) and default_root() == old


def test_exists_is_path_exists(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for path in (tmp_path, tmp_path / "file", tmp_path / "missing", tmp_path / "file" / "under"):
        assert exists(str(path)) == path.exists()


@pytest.mark.parametrize("root", ["", ".", "./", ".//."])
def test_a_log_given_as_text_names_its_paths_as_pathlib_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "days" / "2026" / "2026-11-26.md").mkdir(parents=True)  # a folder in the page's place
    messages = set()
    for log in (Log(root), Log(Path(root))):
        assert log.root == Path(root) and log.folder == str(Path(root))
        assert log.day_file(_DAY) == str(log.day_path(_DAY))
        assert log.day_name(_DAY) == log.relative(log.day_path(_DAY)) == "days/2026/2026-11-26.md"
        with pytest.raises(PageError) as error:
            log.read_day(_DAY)
        messages.add(str(error.value))
    assert messages == {"days/2026/2026-11-26.md is a folder, not a page; move it out of the way"}


def test_a_log_keeps_the_path_it_was_given(tmp_path: Path) -> None:
    assert Log(tmp_path).root is tmp_path


def test_a_log_under_a_file_fails_as_with_pathlib(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError) as expected:
        (blocker / "log" / ".reslog").mkdir(parents=True, exist_ok=True)
    messages = set()
    for root in (f"{blocker}//./log/", blocker / "log"):
        with pytest.raises(LogError) as error:
            Log(root).ensure_root()
        messages.add(str(error.value))
    assert messages == {
        f"cannot use the log folder {blocker / 'log'}: {expected.value}; check the path (--dir or RESLOG_DIR)"
    }


def test_pages_are_written_where_pathlib_would_put_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    from reslog import markdown

    log = Log("./log//")
    with log.locked():
        log.write_page("log/days/2026/2026-11-26.md", markdown.parse("# x\n"))
    assert (tmp_path / "log" / "days" / "2026" / "2026-11-26.md").read_text() == "# x\n"
    assert sorted(os.listdir(tmp_path / "log" / "days" / "2026")) == ["2026-11-26.md"]  # no temporary left
    assert log.days() == [_DAY] and log.neighbours(dt.date(2026, 11, 27)) == (_DAY, False)
