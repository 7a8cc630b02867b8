"""Search output a person can scan: one head line per result, the lines that match, a footer."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.cli import results
from reslog.cli.entry import main
from reslog.search import marks

from .conftest import CORPORA, Clock, Result

Run = Callable[..., Result]
NOTEBOOK = CORPORA / "cboettig-labnotebook"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

needs_notebook = pytest.mark.skipif(
    not NOTEBOOK.is_dir() and os.environ.get("CI") != "true",
    reason="the lab notebook is not beside the checkout (../shared/corpora/cboettig-labnotebook)",
)


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real notebook, imported as a user would: one entry per post, its body nested."""
    log = tmp_path_factory.mktemp("notebook") / "log"
    (log / ".reslog").mkdir(parents=True)
    (log / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    for posts in sorted(NOTEBOOK.glob("*/_posts")):
        assert main(["--dir", str(log), "import", "markdown", str(posts)]) == 0
    return log


@needs_notebook
def test_twenty_results_fit_a_screenful_of_lines(run: Run, notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    found = run("--dir", str(notebook), "search", "--mode", "keyword", "model", "data")
    assert found.code == 0, found.err
    lines = found.out.splitlines()
    heads = [line for line in lines if re.match(r"^\d{4}-\d\d-\d\d ", line)]
    assert len(heads) == 20
    assert len(lines) <= 20 * (1 + results.MATCH_LINES + 1) + 2  # was 1,195 lines
    assert all(results.cells(line) <= 100 for line in lines)
    assert all(re.search(r"days/\d{4}/\d{4}-\d\d-\d\d\.md:\d+$", head) for head in heads)
    every = json.loads(run("--dir", str(notebook), "search", "--mode", "keyword", "--json", "--limit", "5000",
                           "model", "data").out)
    assert len(every) > 20
    assert lines[-1] == f"20 of {len(every)} entries; --limit 50 for more, --full for whole entries"
    # the lines under a head are lines of that entry that hold a query word
    for head, more in itertools.pairwise(lines):
        if head in heads and more.startswith("    "):
            assert re.search(r"(?i)model|data", more)


@needs_notebook
def test_full_prints_whole_entries(run: Run, notebook: Path) -> None:
    short = run("--dir", str(notebook), "search", "--mode", "keyword", "--limit", "3", "model", "data").out
    full = run("--dir", str(notebook), "search", "--mode", "keyword", "--limit", "3", "--full", "model",
               "data").out
    hits = json.loads(run("--dir", str(notebook), "search", "--mode", "keyword", "--limit", "3", "--json",
                          "model", "data").out)
    body_lines = sum(len(hit["text"].split("\n")) for hit in hits)
    assert len(full.splitlines()) >= body_lines > len(short.splitlines())
    assert full.splitlines()[-1].startswith("3 of ") and "--full" not in full.splitlines()[-1]


@needs_notebook
def test_the_listing_says_how_many_in_all(run: Run, notebook: Path) -> None:
    out = run("--dir", str(notebook), "search", "--since", "2012", "--until", "2012").out.splitlines()
    every = json.loads(run("--dir", str(notebook), "search", "--since", "2012", "--until", "2012", "--json",
                           "--limit", "5000").out)
    assert sum(1 for line in out if line.startswith("2012-")) == 50
    assert out[-1] == f"the latest 50 of {len(every)} entries; --limit 100 for more, --full for whole entries"


@needs_notebook
def test_lines_written_in_html_show_their_text(run: Run, notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Posts that write HTML (a citation tooltip, a pasted tweet) show their words under a result;
    --full prints the entry as written."""
    monkeypatch.setenv("COLUMNS", "200")
    args = ("--dir", str(notebook), "search", "--mode", "keyword", "--limit", "50", "carpenter", "regime")
    shown = run(*args).out
    assert "Early Warnings of Regime Shifts" in shown
    assert not re.search(r"<span|</a>|class=|&amp;", shown), shown
    assert re.search(r"<span|class=", run(*args, "--full").out)


def test_html_is_read_as_text_line_by_line() -> None:
    """A tag wrapped over two lines by its quoted attribute goes too; text that only looks a little
    like HTML (``a -> b``, ``p < q``, a quote) stays as written."""
    from reslog.chunks import without_html

    assert without_html('(Biggs 2009), (<span class="showtooltip" title="Carpenter S and Brock W') == "(Biggs 2009), ("
    assert without_html('Fourier Transform.)">(Carpenter &amp; Brock, 2010)</span>') == "(Carpenter & Brock, 2010)"
    assert without_html('Fourier Transform.)">(Carpenter and Brock, 2010)') == "(Carpenter and Brock, 2010)"
    assert without_html('<a href="http://twitter.com/neurocy">@neurocy</a>: idea') == "@neurocy: idea"
    for text in ("x -> y", "p < q and q > 2", 'she said "yes">no', "R&D", "plain words"):
        assert without_html(text) == text


def test_json_is_unchanged(run: Run, clock: Clock) -> None:
    run("did", "a learning rate sweep #lr")
    hits = json.loads(run("search", "--mode", "keyword", "--json", "learning").out)
    assert list(hits[0]) == ["date", "time", "section", "heading", "kind", "level", "state", "text", "tags",
                             "fields", "source", "starred", "file", "line", "end_line", "score", "children",
                             "est_minutes", "took_minutes", "carried"]


def test_a_short_log_prints_one_line_per_result_and_the_count(run: Run, clock: Clock) -> None:
    run("did", "a learning rate sweep")
    run("exp", "-", stdin="warmup run\nthe learning rate ramp was too short\nunrelated line\n")
    out = run("search", "--mode", "keyword", "learning").out.splitlines()
    at = next(n for n, line in enumerate(out) if "warmup run" in line)
    assert out[at].startswith("2026-11-26 09:12 exp  warmup run")
    assert out[at].endswith("days/2026/2026-11-26.md:10")
    assert out[at + 1] == "    - the learning rate ramp was too short"
    assert "unrelated" not in "\n".join(out)
    assert out[-1] == "2 of 2 entries; --full for whole entries"


def test_kind_idea_is_the_ideas_section(run: Run, clock: Clock) -> None:
    run("idea", "tools in reward modeling")
    run("did", "tools installed")
    found = run("search", "--mode", "keyword", "--kind", "idea", "tools")
    assert found.code == 0, found.err
    assert "reward modeling" in found.out and "installed" not in found.out
    assert "idea" in run("search", "--kind", "idea").out


def test_cut_counts_terminal_cells() -> None:
    assert results.cut("short", 10) == "short"
    assert results.cut("abcdefghijklmnop", 8) == "abcdefg…"
    wide = "学习率调度在预热之后发散了"
    shown = results.cut(wide, 11)
    assert results.cells(shown) <= 11 and shown.endswith("…")
    line = "x" * 60 + " the learning rate " + "y" * 60
    shown = results.cut(line, 40, line.index("learning"))
    assert shown.startswith("…") and shown.endswith("…") and "learning" in shown and len(shown) <= 40


def test_colour_marks_the_query_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reslog.cli.style.colour_on", lambda err=False: True)
    pattern = marks(("learning",))
    painted = results.highlight("the learned rate", pattern)
    assert _ANSI.sub("", painted) == "the learned rate" and "\x1b[33;1mlearned\x1b[0m" in painted
    # a stem keeps five letters: "docker" is not "documentation", "exitwp" not "existing"
    painted = results.highlight("docker documentation, Dockerfile", marks(("docker",)))
    assert painted.count("\x1b[33;1m") == 2 and "documentation" in _ANSI.sub("", painted).split(", ")[0]
    assert "\x1b[33;1mdocumentation" not in painted and "\x1b[33;1mDockerfile" in painted
    assert "\x1b[" not in results.highlight("Existing exit times", marks(("exitwp",)))


def test_kind_thought_shows_the_thoughts_under_their_entries(run: Run, clock: Clock, log_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    clock.set("2026-11-26T09:00")
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    assert run("exp", "lr sweep on the small model").code == 0
    assert run("think", "the warmup matters more than the peak rate").code == 0
    assert run("feel", "tired of sweeps").code == 0
    assert run("exp", "ablation without dropout").code == 0
    found = run("search", "--kind", "thought", "--mode", "keyword")
    assert found.code == 0, found.err
    lines = [line for line in found.out.splitlines() if line.strip()]
    assert lines[0].startswith("2026-11-26 09:00 exp  lr sweep on the small model")
    assert lines[1] == "    thought: the warmup matters more than the peak rate"
    assert "feel" not in found.out and "ablation" not in found.out


def test_no_match_says_when_the_log_has_no_entry_of_the_kind_or_tag(run: Run, clock: Clock) -> None:
    """`--kind bug segfault` on a notebook that marks no kind was told to "try fewer words"."""
    assert run("did", "the XML tests segfault at random #xml").code == 0
    assert run("search", "--mode", "keyword", "--kind", "bug", "segfault").out == (
        "No entries match. The log has no 'bug:' entries at all; leave out --kind to search every entry.\n")
    assert run("search", "--mode", "keyword", "--tag", "docker", "segfault").out == (
        "No entries match. No entry of the log carries #docker; see 'reslog tags' for the tags it has.\n")
    assert run("search", "--mode", "keyword", "--tag", "xml", "docker").out == (
        "No entries match. Try fewer words, or a prefix*.\n")


def test_no_match_offers_the_logs_word_one_slip_away(run: Run, clock: Clock) -> None:
    run("did", "configured sparkleshare on the server")
    run("did", "sparkleshare syncs the laptop too")
    result = run("search", "--mode", "keyword", "sparkelshare")
    assert result.out == "No entries match. Did you mean sparkleshare (2 entries)?\n"
    assert run("search", "--mode", "keyword", "qwertyuiop").out == "No entries match. Try fewer words, or a prefix*.\n"
