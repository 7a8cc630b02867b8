"""The rough edges of every day: options after the command, typos, text starting with '-', help
that reads right, NO_COLOR, tags and projects, completion, show for a week, plots that do not lie."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.errors import InputError

from .conftest import ROOT, Clock, Result, day_file

Run = Callable[..., Result]


def test_global_options_after_the_command(run: Run, clock: Clock, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert run("did", "here", "--dir", str(other)).code == 0  # the fast path
    assert day_file(other, "2026-11-26").exists()
    shown = run("today", "--dir", str(other))  # click
    assert shown.code == 0 and "here" in shown.out
    assert run("todos", f"--dir={other}").code == 0
    kept = run("did", "--", "see", "--dir", "flag")  # after --, it is text
    assert kept.code == 0


def test_a_mistyped_command_gets_a_suggestion(run: Run, clock: Clock) -> None:
    result = run("tood", "write the abstract")
    assert result.code == 2
    assert result.err == "reslog: No such command 'tood'. Did you mean 'todo'? (see 'reslog --help')\n"
    assert "Did you mean" not in run("zzzz").err


@pytest.mark.parametrize(("args", "message"), [
    (("did", "x", "--tag"), "Option '--tag' requires an argument. (see 'reslog did --help')"),
    (("todo", "x", "-t"), "Option '-t' requires an argument. (see 'reslog todo --help')"),
    (("search", "x", "--tag"), "Option '--tag' requires an argument. (see 'reslog search --help')"),
    (("stats", "time", "--tag"), "Option '--tag' requires an argument. (see 'reslog stats --help')"),
    (("did", "x", "--star=yes"), "Option '--star' does not take a value. (see 'reslog did --help')"),
    (("--tag", "x", "did", "y"), "No such option '--tag'. (see 'reslog --help')"),
    (("stats",), "Missing argument '{time|bugs|sources|focus|weeks|habits|runs}'. Choose from: time, bugs, "
                 "sources, focus, weeks, habits, runs (see 'reslog stats --help')"),  # one line, not nine
    (("ask", ""), "QUESTION is empty; ask something, e.g. reslog ask when did I first try X (see 'reslog ask --help')"),
    (("ask", "?", "..."), "QUESTION has no words; ask something, e.g. reslog ask when did I first try X "
                          "(see 'reslog ask --help')"),  # not answered with random "nearest entries"
    (("stats", "tme"), "Invalid value for '{time|bugs|sources|focus|weeks|habits|runs}': 'tme' is not one of "
                       "'time', 'bugs', 'sources', 'focus', 'weeks', 'habits', 'runs'. (see 'reslog stats --help')"),
])
def test_an_option_error_points_at_the_help_of_its_command(run: Run, clock: Clock, args: tuple[str, ...],
                                                            message: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert result.err == f"reslog: {message}\n"


def test_text_that_starts_with_a_dash(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("did", "-5%", "val", "loss")
    assert result.code == 2
    assert "put -- before it: reslog did -- -5" in result.err
    assert run("did", "--", "-5%", "val", "loss").code == 0
    assert "- 09:12 -5% val loss" in day_file(log_dir, "2026-11-26").read_text()
    # a line of dashes is text too; a mistyped option is not; a negative number is no to-do's
    assert "put -- before it: reslog idea -- ---..." in run("idea", "---").err
    assert "put -- before" not in run("did", "--dri", "x").err
    assert "numbers start at 1 (reslog todos and reslog runs list them)" in run("done", "-1").err


def test_help_reads_right() -> None:
    from click.testing import CliRunner

    from reslog.cli.main import cli

    text = CliRunner().invoke(cli, ["think", "--help"], terminal_width=100).output
    assert "--on N" in text and "x<=None" not in text and "x>=" not in text.split("--on N")[1].split("\n")[0]


def test_no_color_is_read_and_the_docs_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from reslog.cli import style

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert style.style("x", fg="red") == "\x1b[31mx\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert style.style("x", fg="red") == "x"
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "`NO_COLOR` is not read" not in docs and "`NO_COLOR`: when set" in docs


def test_tags_and_projects_with_counts_and_last_use(run: Run, clock: Clock) -> None:
    run("did", "sweep", "-t", "w2s/sweep")
    run("did", "loader #W2S")
    clock.set("2026-11-27T10:00")
    run("did", "notes #w2s #reading")
    tags = run("tags").out.splitlines()
    assert tags[0].split() == ["tag", "entries", "last", "used", "first", "used"]
    assert tags[1].split() == ["#w2s", "2", "2026-11-27", "2026-11-26"]
    assert ["#w2s/sweep", "1", "2026-11-26", "2026-11-26"] in [line.split() for line in tags]
    projects = run("projects").out.splitlines()
    assert projects[1].split() == ["#w2s", "3", "2026-11-27", "2026-11-26"]
    # a period with none is not a log with none ("No tags yet. Tag an entry with ...")
    assert run("tags", "--since", "2030").out == "No tags in that period.\n"
    assert run("projects", "--until", "2020").out == "No projects in that period.\n"


def _starts(line: str, columns: list[str]) -> list[int]:
    """Where each of ``columns`` starts on screen, in terminal cells (wide characters take two;
    counted here apart from reslog's own function, as a terminal does)."""
    def cells(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    return [cells(line[:line.index(column)]) for column in columns]


def test_tables_line_up_after_wide_characters(run: Run, clock: Clock) -> None:
    run("did", "loader #日本語")
    run("did", "notes #w2s")
    run("idea", "a curriculum", "--from", "chat 🎉 日本")
    run("idea", "a sweep", "--from", "paper")
    tags = run("tags").out.splitlines()
    assert [line.split()[0] for line in tags] == ["tag", "#w2s", "#日本語"]
    # the count, then the two dates: every row's columns start at the header's cells
    assert _starts(tags[1], ["1  2026", "2026-11-26  2026"]) == _starts(tags[2], ["1  2026", "2026-11-26  2026"])
    assert _starts(tags[0], ["last used"]) == _starts(tags[1], ["2026-11-26  2026"])
    by_source = [line for line in run("stats", "sources").out.splitlines() if "%" in line][:2]
    assert by_source[0].split()[0] == "chat" and by_source[1].split()[0] == "paper"
    assert _starts(by_source[0], ["1  "]) == _starts(by_source[1], ["1  "])


def test_display_width_counts_wide_characters_twice_and_marks_not_at_all() -> None:
    from reslog.cells import cells, pad

    assert cells("日本語") == 6 and cells("🎉") == 2 and cells("e\u0301") == 1 and cells("👍\ufe0f") == 2
    assert pad("日本", 6) == "日本  " and pad("7", 3, right=True) == "  7" and pad("日本語", 2) == "日本語"


def _complete(log: Path, words: str) -> list[str]:
    env = {**os.environ, "RESLOG_DIR": str(log), "_RESLOG_COMPLETE": "bash_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    done = subprocess.run([sys.executable, "-m", "reslog"], env=env, capture_output=True, text=True, check=True)
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]  # none: one empty line


def test_completion_of_tags_and_todo_numbers(run: Run, log_dir: Path) -> None:
    import datetime as dt

    from reslog.cli import context

    context_now = context.now
    try:
        context.now = lambda: dt.datetime.now().astimezone()  # completion runs with the real clock
        run("did", "sweep #w2s #writing")
        run("todo", "first")
        run("todo", "second")
        run("done", "1")
        run("search", "sweep")  # builds the index
    finally:
        context.now = context_now
    assert _complete(log_dir, "reslog did -t w") == ["w2s", "writing"]
    assert _complete(log_dir, "reslog search --tag wr") == ["writing"]
    assert _complete(log_dir, "reslog done ") == ["2"]
    assert _complete(log_dir, "reslog reopen ") == ["1"]


def test_completion_writes_nothing_and_never_fails(run: Run, log_dir: Path, tmp_path: Path) -> None:
    assert _complete(tmp_path / "no-log", "reslog did -t w") == []  # no log at all
    assert not (tmp_path / "no-log").exists()
    run("did", "sweep #w2s")  # a log with no index yet
    assert _complete(log_dir, "reslog did -t w") == []
    assert not (log_dir / ".reslog" / "index.db").exists()  # capture keeps its undo journal there


def test_show_takes_the_phrases_of_since(run: Run, clock: Clock, log_dir: Path) -> None:
    run("did", "something")
    clock.set("2026-12-01T09:00")
    missing = run("show", "last week")
    assert missing.code == 1 and "make it with 'reslog week 2026-W48'" in missing.err
    assert run("week", "last").code == 0
    shown = run("show", "last week")
    assert shown.code == 0 and shown.out.startswith("Week 2026-W48: Monday 23 November 2026")
    assert "The week in figures" in shown.out and "reslog:begin" not in shown.out
    assert run("show", "2026-W48").out == shown.out
    assert run("show", "2026-11-26").out.startswith("Thursday 26 November 2026")
    longer = run("show", "2026-11")
    assert longer.code == 2 and "reslog search --since 2026-11-01 --until 2026-11-30" in longer.err
    nonsense = run("show", "2026-W54")  # a week that does not exist is told as a week, not as no date
    assert nonsense.code == 2 and nonsense.err.startswith("reslog: '2026-W54' is not an ISO week")
    # a week before the log's first page: nothing to make, as 'reslog week' says, not "make it with ..."
    before = run("show", "2026-W40")
    assert before.code == 1 and "2026-W40 ends before the log's first page" in before.err
    assert "make it with" not in before.err and run("week", "2026-W40").err == before.err


def _spy_plot(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    seen: dict[str, object] = {"stackplot": 0}
    original = Axes.stackplot

    def stackplot(self: Axes, *args: object, **kwargs: object) -> object:
        seen["stackplot"] = int(seen["stackplot"]) + 1  # type: ignore[call-overload]
        return original(self, *args, **kwargs)

    def savefig(self: Figure, *args: object, **kwargs: object) -> None:
        seen["labels"] = [t.get_text() for t in self.axes[-1].get_xticklabels()]

    monkeypatch.setattr(Axes, "stackplot", stackplot)
    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen


def test_the_level_mix_of_a_few_months_is_bars(run: Run, clock: Clock, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    run("did", "a note")
    clock.set("2026-12-02T10:00")
    run("think", "a thought")
    seen = _spy_plot(monkeypatch)
    assert run("stats", "habits", "--plot", str(tmp_path / "h.png")).code == 0
    assert seen["stackplot"] == 0 and seen["labels"] == ["2026-11", "2026-12"]


def test_week_plots_name_iso_weeks(run: Run, clock: Clock, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    run("did", "a note")
    clock.set("2026-12-08T10:00")
    run("did", "another")
    seen = _spy_plot(monkeypatch)
    assert run("stats", "weeks", "--plot", str(tmp_path / "w.png")).code == 0
    assert seen["labels"] == ["2026-W48", "2026-W49", "2026-W50"]


def test_a_date_phrase_may_be_typed_unquoted(run: Run, clock: Clock, log_dir: Path) -> None:
    run("did", "something")
    clock.set("2026-12-01T09:00")
    assert run("week", "last", "week").code == 0
    shown = run("show", "last", "week")
    assert shown.code == 0 and shown.out == run("show", "last week").out
    assert run("show", "last", "thursday").out.startswith("Thursday 26 November 2026")
    garbage = run("show", "last", "wek")  # the words are read together, and told together
    assert garbage.code == 2 and "cannot read 'last wek' as a date" in garbage.err


def test_a_period_may_open_with_in_or_during(run: Run, clock: Clock, log_dir: Path) -> None:
    from reslog.dates import parse_range, since_until

    today = dt.date(2026, 11, 26)
    march = (dt.date(2013, 3, 1), dt.date(2013, 3, 31))
    assert parse_range("in March 2013", today) == parse_range("during March 2013", today) == march
    assert since_until("in March 2013", "during 2013", today) == (march[0], dt.date(2013, 12, 31))
    assert parse_range("In 2026-W48", today) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    with pytest.raises(InputError):
        parse_range("in", today)  # the word alone names no period
    run("did", "something")
    assert run("show", "in", "2026-11-26").out.startswith("Thursday 26 November 2026")
    month = run("show", "in March 2013")  # read as the month it is, which show then tells is not a week
    assert month.code == 2 and "'in March 2013' is 31 days" in month.err
    assert run("digest", "--since", "in March 2013").code == 0
