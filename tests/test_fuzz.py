"""Hostile input, generated: capture command lines and hand-written pages (random bytes, random
fields, dates out of range, control characters), followed by every reading command. Nothing may
raise a traceback, and no line that was on disk before may change, except in the ways the format
allows (a carried to-do's checkbox becomes ``>``). Issue 10, "Done means"."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reslog.cli.options import ENTRY_COMMANDS, THOUGHT_COMMANDS

from .conftest import Clock, Result

Run = Callable[..., Result]

HUGE = "99999999999999999999"
SPECIAL = [
    "[", "]", "::", "#", "#w2s", "`", "``", "★", "\n", "\r", "\r\n", "\x1b]0;x\x07", "\x1b[2J", "\x00",
    "\x9b", "\udce9", " ", "\t", "- [ ] ", "## ", "# ", "[est:: ", "[took:: 5m]", f"[took:: {HUGE}h]",
    "[started:: x]", "[carried:: not-a-date]", "```", "~~~", "<!--", "-->", "---", "\u2028", "exp: ",
    "09:00 ", "-", "--", "--date", "-t",
]
WORDS = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(SPECIAL)), max_size=8).map("".join)
VALUES = {
    "-t": st.one_of(st.sampled_from(["w2s", "proj/sub", "2026", "C++", "a]b", "a\nb"]), WORDS),
    "--from": st.one_of(st.sampled_from(["chat with Yitao", "a]b", "a\n- [ ] fake", "x\r## H"]), WORDS),
    "--date": st.one_of(
        st.sampled_from(["yesterday", "tomorrow", "2026-11-20", "last friday", "0226-11-30", "9999-12-31",
                         "0001-01-01", "2062-11-26", "99999999 days ago", "2026-02-30", "1900-01-01"]),
        WORDS,
    ),
    "--time": st.one_of(st.sampled_from(["09:30", "9:05", "25:00", "23:59"]), WORDS),
    "--est": st.one_of(st.sampled_from(["2h", "45m", f"{HUGE}d", "9" * 400 + "h", "10000h", "-1h"]), WORDS),
    "--on": st.sampled_from(["1", "2", "0", "-3", HUGE, "x"]),
}
FLAGS = ["--star", "--force"]


@st.composite
def capture_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted([*ENTRY_COMMANDS, *THOUGHT_COMMANDS])))
    args = [command, draw(WORDS)]
    for option in draw(st.lists(st.sampled_from([*VALUES, *FLAGS]), max_size=4)):
        args += [option] if option in FLAGS else [option, draw(VALUES[option])]
    return args


READS = [
    ("today",), ("show",), ("show", "yesterday"), ("todos",), ("status",), ("search", "warmup"),
    ("search",), ("search", "--json", "--since", "2026-11"), ("ask", "what happened with the warmup?"),
    ("digest", "--section", "all"), ("week",), ("week", "last"), ("stats", "time"), ("stats", "bugs"),
    ("stats", "sources"), ("stats", "focus"), ("stats", "weeks"), ("stats", "habits"),
    ("export", "json", "-"), ("export", "md", "-"), ("reindex", "--check"), ("reindex", "--no-embed"),
]
BASE = {
    "days/2026/2026-11-25.md": (
        b"---\ndate: 2026-11-25\n---\n# Wednesday 25 November 2026\n\n## What to do next\n"
        b"- [ ] rerun the sweep #w2s [est:: 2h] [took:: 30m]\n- [x] read the paper [est:: 30m] [took:: 45m]\n\n"
        b"## What was done\n- 09:12 exp: warmup sweep diverged #w2s\n  - thought: lr too high\n"
        b"- 10:30 bug: NaN loss after warmup\n\n## Random ideas\n- 08:05 adaptive warmup [from:: a talk]\n\n"
        b"## Reflection\n- 18:00 a good day\n"
    ),
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*.md"))
        if p.is_file() and ".reslog" not in p.parts
    }


def _lines(data: bytes) -> list[bytes]:
    return [line.rstrip(b"\r\n") for line in data.splitlines(keepends=True)]


def _same_line(old: bytes, new: bytes) -> bool:
    """Equal, or a to-do whose checkbox was marked deferred by carry-over."""
    if old == new:
        return True
    at = old.find(b"[ ]")
    return at >= 0 and old[:at] == new[:at] and new[at:at + 3] == b"[>]" and old[at + 3:] == new[at + 3:]


def _kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Every file that was there is still there, and its lines are still there in order."""
    for name, old in before.items():
        assert name in after, f"{name} disappeared"
        new = _lines(after[name])
        at = 0
        for line in _lines(old):
            while at < len(new) and not _same_line(line, new[at]):
                at += 1
            assert at < len(new), f"{name}: line {line!r} changed or went away"
            at += 1


def _read_everything(run: Run, folder: Path) -> None:
    for args in READS:
        before = _snapshot(folder)
        result = run("--dir", str(folder), *args)
        assert result.code in (0, 1), (args, result)
        assert "Traceback" not in result.err, (args, result.err)
        _kept(before, _snapshot(folder))


def _new_log(root: Path, pages: dict[str, bytes]) -> Path:
    folder = Path(tempfile.mkdtemp(dir=root))
    (folder / "reslog.toml").write_text("[search]\nembeddings = false\n")
    for name, data in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(lines=st.lists(capture_lines(), min_size=1, max_size=5))
def test_fuzzed_captures_then_every_reader(run: Run, clock: Clock, tmp_path: Path, lines: list[list[str]]) -> None:
    folder = _new_log(tmp_path, BASE)
    for args in lines:
        before = _snapshot(folder)
        result = run("--dir", str(folder), *args, stdin="read from standard input\n")
        assert result.code in (0, 1, 2), (args, result)
        assert "Traceback" not in result.err
        if result.code:
            assert result.err.startswith("reslog: ") and result.err.count("\n") == 1, (args, result.err)
            assert _snapshot(folder) == before, args  # a refused capture writes nothing
        _kept(before, _snapshot(folder))
    _read_everything(run, folder)


DAYS = ["2026-11-20", "2026-11-24", "2026-11-25", "2026-11-26", "2025-12-31", "0226-11-30", "9999-12-31",
        "1900-01-01", "2199-12-31"]
DURATIONS = ["2h", "45m", "1:30", f"{HUGE}h", "9" * 400 + "m", "-1h", "", "soon", "10001h"]
DATES = ["2026-11-24", "not-a-date", "0001-01-01", "9999-12-31", "2026-13-45", "", "2026-11-26T09:00"]
STAMPS = ["2026-11-26T09:00:00+01:00", "2026-11-26T09:00", "0001-01-01T00:00", "garbage", "9999-12-31T23:59"]
FIELDS = st.one_of(
    st.sampled_from(DURATIONS).map(lambda v: f"[est:: {v}]"),
    st.sampled_from(DURATIONS).map(lambda v: f"[took:: {v}]"),
    st.sampled_from(DATES).map(lambda v: f"[carried:: {v}]"),
    st.sampled_from(STAMPS).map(lambda v: f"[started:: {v}]"),
    WORDS.map(lambda v: f"[from:: {v}]"),
)
ENTRY = st.tuples(
    st.sampled_from(["- [ ] ", "- [x] ", "- [>] ", "- [-] ", "- [?] ", "- ", "  - ", "\t- ", "* "]),
    st.sampled_from(["", "09:00 ", "25:99 ", "exp: ", "bug: ", "thought: "]),
    WORDS, st.lists(FIELDS, min_size=1, max_size=3),
).map(lambda t: t[0] + t[1] + t[2] + " " + " ".join(t[3]))
OTHER = st.sampled_from(["## What to do next", "## What was done", "## Random ideas", "## Reflection", "## Other",
                         "# Title", "---", "date: 2026-11-25", "```", "<!--", "-->", "", "  ", "* * *"])
LINE = st.one_of(ENTRY, OTHER, ENTRY, WORDS, ENTRY)
PAGE_TEXT = st.tuples(st.lists(LINE, min_size=2, max_size=12), st.sampled_from(["\n", "\r\n", "\r"])).map(
    lambda t: t[1].join(t[0]).encode("utf-8", "surrogateescape")
)
PAGE = st.one_of(PAGE_TEXT, PAGE_TEXT, PAGE_TEXT.map(lambda b: b + b"\xff\xfe"), st.binary(max_size=200))


@FUZZ
@given(pages=st.dictionaries(st.sampled_from(DAYS), PAGE, min_size=1, max_size=4))
def test_fuzzed_pages_then_every_reader(run: Run, clock: Clock, tmp_path: Path, pages: dict[str, bytes]) -> None:
    folder = _new_log(tmp_path, {f"days/{day[:4]}/{day}.md": data for day, data in pages.items()})
    _read_everything(run, folder)
    capture = run("--dir", str(folder), "todo", "after the fuzz", "--est", "1h")
    assert capture.code in (0, 1), capture
