"""The digest's themes as a researcher reads them: one idea in one theme, themes named by words
their entries share, "first seen" where the theme was really mentioned; and on the real notebook
(../shared/corpora), keyword themes of a year of posts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reslog.digest import digest
from reslog.index import Index
from reslog.semantic import backends
from reslog.store import Log

from .conftest import CORPORA, Result, corpora, day_file

Run = Callable[..., Result]


def _write(log_dir: Path, pages: dict[str, str]) -> None:
    for day, text in pages.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _themes(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("digest", "--json", *args)
    assert result.code == 0, result.err
    themes: list[dict[str, Any]] = json.loads(result.out)["themes"]
    return themes


#: Ideas whose nested lines repeat the same few remarks, as the demo's do: the idea written twice
#: (11-28) has a remark of the first theme under one copy and one of the second under the other.
IDEAS = {
    "2026-11-23": "## Random ideas\n- 09:00 label noise in preferences for the reward model\n"
                  "  - thought: the variance across seeds is as big as the effect\n"
                  "  - how: reuse the ensembles configs and rerun the sweep with eight seeds\n"
                  "- 10:00 reward model ensembles against label noise in preferences\n"
                  "  - thought: the variance across seeds is as big as the effect\n"
                  "  - how: reuse the ensembles configs and rerun the sweep with eight seeds\n",
    "2026-11-24": "## Random ideas\n- 09:00 an lr schedule that reacts to gold score plateaus\n"
                  "  - cost: about 31 GPU-hours on 2xA6000, so only after the deadline\n"
                  "  - how: ask Ravi for their code, they built something close\n"
                  "- 10:00 warmup length of the lr schedule against gold score plateaus\n"
                  "  - cost: about 31 GPU-hours on 2xA6000, so only after the deadline\n"
                  "  - how: ask Ravi for their code, they built something close\n",
    "2026-11-28": "## Random ideas\n- 13:44 a tool that diffs two configs and their runs #calib\n"
                  "  - thought: the variance across seeds is as big as the effect\n"
                  "  - how: reuse the ensembles configs and rerun the sweep with eight seeds\n"
                  "- 14:24 a tool that diffs two configs and their runs\n"
                  "  - cost: about 31 GPU-hours on 2xA6000, so only after the deadline\n"
                  "  - how: ask Ravi for their code, they built something close\n",
}


@pytest.mark.parametrize("embeddings", [False, True])
def test_one_idea_written_twice_is_in_one_theme(
    run: Run, log_dir: Path, monkeypatch: pytest.MonkeyPatch, embeddings: bool
) -> None:
    """A probe found the demo's "a tool that diffs two configs and their runs" (two entries) in two
    themes, each beside ideas whose nested lines were alike: grouping compared whole entries."""
    if not embeddings:
        monkeypatch.setattr(backends, "installed", lambda model="": False)
    _write(log_dir, IDEAS)
    themes = _themes(run, "--since", "2026-11-23", "--until", "2026-11-29")
    holding = [t for t in themes if any("diffs two configs" in e["text"] for e in t["entries"])]
    assert len(holding) == 1, [(t["label"], [e["text"] for e in t["entries"]]) for t in themes]
    assert {"diffs", "tool", "configs"} & set(holding[0]["label"]), holding[0]["label"]
    assert sorted(e["line"] for t in themes for e in t["entries"]) == [2, 2, 2, 5, 5, 5]  # each once


#: Posts titled as a notebook titles them: a weekday, a typo, a file name, a project tag.
POSTS = {
    "2026-09-07": "## What was done\n- Writing #paper\n  a first draft of the introduction\n",
    "2026-09-08": "## What was done\n- Multiple things #admin\n  fixed the printer.\n"
                  "  uncertainty about the budget remains\n",
    "2026-09-09": "## What was done\n- Budget meeting #admin\n  we discussed multiple sources of "
                  "uncertainty in the stock assessment\n",
    "2026-10-05": "## What was done\n- Warning signals: variance and autocorrelation #ews\n"
                  "  early warning signals before the fold\n",
    "2026-10-06": "## What was done\n- Thrusday: warning signals on the mcmcmc chains #ews\n"
                  "  the warning signals look weak on real data\n",
    "2026-10-07": "## What was done\n- Warning signals on real data #ews\n"
                  "  tried the likelihood approach for warning signals\n",
    "2026-10-08": "## What was done\n- prosecutor-fallacy-as-large-deviations #prosecutor\n"
                  "  the prosecutor's fallacy in warning signals as a large deviation\n",
    "2026-10-09": "## What was done\n- Writing #paper\n  the discussion section, again\n",
    "2026-10-10": "## What was done\n- Multiple-uncertainty #multiple-uncertainty\n"
                  "  policy under multiple uncertainty: growth, measurement, implementation\n",
}


def test_a_theme_is_named_by_words_its_entries_share(run: Run, log_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The notebook's warning-signals work of 2011 was named "mcmcmc, thrusday, routes" (words of
    one title each, rare so distinctive) and a post by its whole file name."""
    monkeypatch.setattr(backends, "installed", lambda model="": False)
    _write(log_dir, POSTS)
    themes = _themes(run, "--since", "2026-10-01", "--until", "2026-10-31", "--section", "done")
    signals = next(t for t in themes if any(e["text"].startswith("Thrusday") for e in t["entries"]))
    assert len(signals["entries"]) >= 3
    assert signals["label"][:2] in (["warning", "signals"], ["signals", "warning"]), signals["label"]
    assert not {"thrusday", "mcmcmc", "chains"} & set(signals["label"])
    for theme in themes:
        assert all("-" not in word for word in theme["label"]), theme["label"]  # no file-name slug
        if len(theme["entries"]) > 1:
            for word in theme["label"]:
                assert sum(word in e["text"].lower() for e in theme["entries"]) > 1 or any(
                    word in _text(log_dir, e) for e in theme["entries"]), (word, theme)


def _text(log_dir: Path, entry: dict[str, Any]) -> str:
    lines = (log_dir / entry["file"]).read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[entry["line"] - 1:entry["line"] + 2]).lower()


def test_first_seen_is_where_the_themes_words_are_said_together(
    run: Run, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme named by one word ("Writing") was always "new", though earlier posts are titled so;
    one named "multiple, uncertainty" was "first seen" in a post holding the two words on two
    lines about other things (the printer, the budget)."""
    monkeypatch.setattr(backends, "installed", lambda model="": False)
    _write(log_dir, POSTS)
    themes = _themes(run, "--since", "2026-10-09", "--until", "2026-10-10", "--section", "done")
    multiple = next(t for t in themes if t["entries"][0]["text"].startswith("Multiple-uncertainty"))
    assert {"multiple", "uncertainty"} <= set(multiple["label"][:2]), multiple["label"]
    assert multiple["first_seen"]["date"] == "2026-09-09", multiple["first_seen"]
    writing = next(t for t in themes if t["entries"][0]["text"].startswith("Writing"))
    assert writing["label"] == ["writing"]
    assert writing["new"] is False and writing["first_seen"]["date"] == "2026-09-07", writing


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real notebook imported with ``reslog import markdown``, embeddings off (keyword themes)."""
    log = tmp_path_factory.mktemp("notebook") / "nb"
    log.mkdir()
    (log / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    imported = subprocess.run([sys.executable, "-m", "reslog", "--dir", str(log), "import", "markdown",
                               str(CORPORA / "cboettig-labnotebook")], capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    return log


@corpora
def test_keyword_themes_of_a_year_of_the_notebook(notebook: Path) -> None:
    """The probe's year: each post in one theme; the biggest theme, the warning-signals work, named
    by it; every theme of several posts named by words at least two of them hold."""
    with Index(Log(notebook)) as index:
        index.refresh()
        result = digest(index, dt.date(2011, 1, 1), dt.date(2011, 12, 31), "done")
    entries = [(hit.file, hit.line) for theme in result.themes for hit in theme.entries]
    assert len(entries) == len(set(entries)) == 301
    biggest = result.themes[0]
    assert {"warning", "signals"} <= set(biggest.label), biggest.label
    assert sum(len(t.entries) == 1 for t in result.themes) < 60
    for theme in result.themes:
        if len(theme.entries) > 1:
            for word in theme.label:
                assert sum(word[:5] in hit.text.lower() for hit in theme.entries) > 1, (word, theme.label)
        assert not any(word.count("-") > 1 for word in theme.label), theme.label


def test_many_long_entries_are_each_in_one_theme(log_dir: Path) -> None:
    """1,800 entries of 80 words (its speed is timed by ``benchmarks/bench_stats.py --notebook``
    on the real notebook, where the pairs compared in Python took 10.7 s): every entry is in one
    theme, none in two."""
    import random

    rng = random.Random(7)
    vocabulary = [f"w{a}{b}{c}" for a in "bcdfghjklm" for b in "aeiou" for c in "prstvxz"]
    for day in range(90):
        date = dt.date(2026, 1, 1) + dt.timedelta(days=day)
        items = "".join(f"- {' '.join(rng.choices(vocabulary, k=6))}\n  {' '.join(rng.choices(vocabulary, k=74))}\n"
                        for _ in range(20))
        path = day_file(log_dir, date.isoformat())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("## What was done\n" + items, encoding="utf-8")
    with Index(Log(log_dir)) as index:
        index.refresh()
        result = digest(index, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "done")
    cited = [(hit.file, hit.line) for theme in result.themes for hit in theme.entries]
    assert len(cited) == len(set(cited)) == 1800


def test_ideas_with_almost_the_same_first_line_are_one_theme(run: Run, log_dir: Path) -> None:
    """With embeddings, the demo's two "a synthetic task where the answer is known, to test ..."
    ideas were two themes of the week: an entry's vector holds its nested lines too."""
    _write(log_dir, {
        "2026-11-24": "## Random ideas\n- 09:00 a synthetic task where the answer is known, to test focal loss\n"
                      "  - thought: the variance across seeds is as big as the effect\n"
                      "- 10:00 label noise in preferences for the reward model\n"
                      "  - thought: the variance across seeds is as big as the effect; suspicious: gold "
                      "score improves while the loss gets worse\n",
        "2026-11-27": "## Random ideas\n- 09:00 a synthetic task where the answer is known, to test the "
                      "load-balance loss weight\n"
                      "  - cost: about 31 GPU-hours on 2xA6000, so only after the deadline\n"
                      "- 10:00 an lr schedule that reacts to gold score plateaus\n"
                      "  - cost: about 31 GPU-hours on 2xA6000, so only after the deadline; the variance "
                      "across seeds is large\n",
    })
    themes = _themes(run, "--since", "2026-11-23", "--until", "2026-11-29")
    holding = [t for t in themes if any("synthetic task" in e["text"] for e in t["entries"])]
    assert len(holding) == 1, [(t["label"], [e["text"] for e in t["entries"]]) for t in themes]
    assert {"synthetic", "task", "known"} & set(holding[0]["label"]), holding[0]["label"]


#: Four posts about knitr, two of them about citations too, and knitr written of months before.
KNITR = {
    "2026-08-03": "## What was done\n- Vignettes\n  - sorting out the vignette examples, using knitr for the caching\n",
    "2026-10-05": "## What was done\n- knitr and the lab notebook\n  - knit the posts from markdown\n",
    "2026-10-06": "## What was done\n- citations in markdown using knitr\n  - knit with the citations package\n",
    "2026-10-07": "## What was done\n- knitr caching notes\n  - knit the slow chunks once\n",
    "2026-10-08": "## What was done\n- pandoc citations with knitr\n  - knit, then citations resolved\n",
    # the rest of the log, about other things: knitr is a rare word in it
    **{f"2026-09-{day:02d}": f"## What was done\n- {topic}\n" for day, topic in enumerate((
        "fitted the growth model to the fisheries data", "seminar on stochastic control",
        "reviewed a manuscript on warning signals", "fixed the sampler's burn-in",
        "parrotfish morphology measurements", "meeting about the grant budget",
        "wrote the methods section", "tuned the particle filter", "read about ontologies",
        "ran the bootstrap on the regime shift data"), 1)},
}


def test_a_theme_recurs_by_the_words_most_of_its_entries_hold(
    run: Run, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme of knitr posts named "knitr, citations, knit" was "new", though the log wrote of
    knitr in August: only two of its four posts are about citations, and an earlier mention had to
    hold both words. The words most of its entries hold say what it is about; "knit" said
    "knitr" again."""
    monkeypatch.setattr(backends, "installed", lambda model="": False)
    _write(log_dir, KNITR)
    themes = _themes(run, "--since", "2026-10-01", "--until", "2026-10-31", "--section", "done")
    knitr = next(t for t in themes if len(t["entries"]) > 2)
    assert knitr["label"][0] == "knitr" and "knit" not in knitr["label"], knitr["label"]
    assert knitr["new"] is False and knitr["first_seen"]["date"] == "2026-08-03", knitr
