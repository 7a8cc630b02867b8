"""reslog digest: themes by meaning (or by shared words), distinctive labels, new and recurring
themes, every line citing its day; and the week page built on it."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reslog.semantic import backends

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]

PAGES = {
    "2026-10-05": "## Random ideas\n- 09:00 run each config with several seeds and report the spread\n"
                  "## What was done\n- 10:00 did: cleaned the data loader\n",
    "2026-11-23": "## Random ideas\n- 09:00 average predictions over five random seeds before comparing runs"
                  " [from:: Bouthillier 2021]\n",
    "2026-11-24": "## Random ideas\n- 09:00 report the variance across seeds next to every result\n"
                  "- 10:00 a tokenizer that keeps accents for French and Spanish titles [from:: chat with Ana]\n",
    "2026-11-25": "## Random ideas\n- 11:00 normalize unicode accents before tokenizing titles\n"
                  "## What was done\n- 12:00 did: wrote the accents test for the tokenizer\n",
    "2026-11-26": "## Random ideas\n- 08:00 buy a better coffee grinder for the lab\n",
}


@pytest.fixture(autouse=True)
def pages(log_dir: Path, clock: Clock) -> None:
    for day, text in PAGES.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _themes(run: Run, *args: str) -> list[dict[str, object]]:
    result = run("digest", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)["themes"]  # type: ignore[no-any-return]


def _check_themes(themes: list[dict[str, object]]) -> None:
    by_first = {t["entries"][0]["text"]: t for t in themes}  # type: ignore[index]
    seeds = by_first["average predictions over five random seeds before comparing runs"]
    accents = by_first["a tokenizer that keeps accents for French and Spanish titles"]
    coffee = by_first["buy a better coffee grinder for the lab"]
    assert len(themes) == 3
    assert [e["date"] for e in seeds["entries"]] == ["2026-11-23", "2026-11-24"]  # type: ignore[index]
    assert "seeds" in seeds["label"]  # type: ignore[operator]
    assert seeds["new"] is False and seeds["first_seen"]["date"] == "2026-10-05"  # type: ignore[index]
    assert seeds["entries"][0]["source"] == "Bouthillier 2021"  # type: ignore[index]
    assert "accents" in accents["label"] and accents["new"] is True  # type: ignore[operator]
    assert [e["line"] for e in accents["entries"]] == [3, 2]  # type: ignore[index]
    assert coffee["new"] is True and len(coffee["entries"]) == 1  # type: ignore[arg-type]


def test_digest_groups_the_weeks_ideas_by_meaning(run: Run) -> None:
    _check_themes(_themes(run))


def test_digest_without_embeddings_groups_by_shared_words(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback is weaker (one shared word is not enough) but still names and cites."""
    monkeypatch.setattr(backends, "installed", lambda model="": False)
    result = run("digest", "--json")
    data = json.loads(result.out)
    assert data["grouped_by"] == "shared words"
    themes = {tuple(e["text"][:12] for e in t["entries"]): t for t in data["themes"]}
    accents = themes[("a tokenizer ", "normalize un")]
    assert "accents" in accents["label"] and accents["new"] is True
    assert sum(len(t["entries"]) for t in data["themes"]) == 5
    assert "pip install 'reslog[semantic]'" in result.err


def test_every_line_names_an_idea_and_cites_its_day(run: Run) -> None:
    result = run("digest")
    assert result.code == 0, result.err
    lines = [line for line in result.out.splitlines() if line.strip()]
    assert lines[0] == "5 ideas from 2026-11-23 to 2026-11-29 in 3 themes."
    assert not any(line.startswith("#") for line in lines)  # no raw Markdown in a terminal
    labels = [line for n, line in enumerate(lines) if n and not line.startswith(("- ", "New", "Recurring"))]
    assert len(labels) == 3 and all(re.fullmatch(r"[\w-]+(, [\w-]+){0,2}", label) for label in labels), labels
    for line in lines[1:]:
        if line in labels:
            continue
        if line.startswith("- "):
            assert re.search(r"^- 2026-11-2\d \S.* \(days/2026/2026-11-2\d\.md:\d+\)$", line), line
        else:
            assert line == "New this period." or re.search(
                r"^Recurring: first seen 2026-10-05 in \".+\" \(days/2026/2026-10-05\.md:\d+\)\.$", line), line


def test_digest_of_a_period_and_section(run: Run) -> None:
    themes = _themes(run, "--since", "2026-11-01", "--until", "2026-11-30", "--section", "done")
    assert [e["text"] for t in themes for e in t["entries"]] == ["did: wrote the accents test for the tokenizer"]
    assert _themes(run, "--week", "2026-10-05", "--section", "all")
    empty = run("digest", "--week", "2026-W30")
    assert empty.out.strip() == "No ideas from 2026-07-20 to 2026-07-26."
    assert run("digest", "--week", "last", "--since", "2026-01-01").code == 2


def test_a_theme_is_not_named_by_the_calendar(run: Run, log_dir: Path) -> None:
    """Notebook posts are titled by their weekday ("Thursday: writing; some latexdiff notes"):
    a weekday or a month says when, not what, and never names a theme."""
    for day, title in (("2026-10-01", "Thursday: latexdiff for the tracked changes"),
                       ("2026-10-08", "Thursday: latexdiff with the journal template in March")):
        day_file(log_dir, day).parent.mkdir(parents=True, exist_ok=True)
        day_file(log_dir, day).write_text(f"## Random ideas\n- 09:00 {title}\n", encoding="utf-8")
    themes: list[dict[str, Any]] = _themes(run, "--since", "2026-10-01", "--until", "2026-10-10")
    (latexdiff,) = [t for t in themes if "latexdiff" in t["label"]]
    assert len(latexdiff["entries"]) == 2
    assert not {"thursday", "march"} & set(latexdiff["label"])


def _themes_of_ideas(run: Run, log_dir: Path, ideas: tuple[str, ...]) -> list[dict[str, Any]]:
    """The digest's themes (JSON) of ``ideas``, one a day from 2026-10-01."""
    for n, idea in enumerate(ideas):
        day = f"2026-10-0{n + 1}"
        day_file(log_dir, day).parent.mkdir(parents=True, exist_ok=True)
        day_file(log_dir, day).write_text(f"## Random ideas\n- 09:00 {idea}\n", encoding="utf-8")
    themes: list[dict[str, Any]] = _themes(run, "--since", "2026-10-01", "--until", "2026-10-10")
    return themes


def test_a_theme_is_named_by_what_the_ideas_are_about(run: Run, log_dir: Path) -> None:
    """Not by the verbs ideas are phrased with ("try", "combine", "ask ... whether") nor by a date."""
    ideas = ("try combining dropout with label smoothing",
             "ask Marco whether curriculum ordering helps, on 2026-10-02")
    themes = _themes_of_ideas(run, log_dir, ideas)
    labels = [set(theme["label"]) for theme in themes]
    assert {"curriculum", "ordering", "helps"} in labels and {"dropout", "label", "smoothing"} in labels, labels


def test_a_theme_is_named_by_its_things_not_by_filler_words(run: Run, log_dir: Path) -> None:
    """An acronym or a word with a digit names what an idea is about (DHIS2, TSIR), not who, as a
    person's name would; words such as "actually", "nobody" or "later" name nothing (on a
    hand-written log they led one-idea themes: "later, switched, year", "actually, river, near")."""
    ideas = ("check whether every clinic actually switched to DHIS2; some may have switched later",
             "nobody has fit the TSIR by region; ask Wanjiru about it")
    themes = _themes_of_ideas(run, log_dir, ideas)
    labels = [theme["label"] for theme in themes]
    assert any("dhis2" in label for label in labels) and any("tsir" in label for label in labels), labels
    assert not {"actually", "later", "nobody"} & {word for label in labels for word in label}, labels
    assert all(label[-1] != "tsir" for label in labels if "wanjiru" in label), labels  # a person comes last


def test_a_generated_paragraph_must_cite_the_themes_entries() -> None:
    import datetime as dt
    import os

    from reslog import digest as digests
    from reslog.index import Index
    from reslog.store import Log

    calls: list[str] = []

    def model(prompt: str) -> str:
        calls.append(prompt)
        if "coffee" in prompt:
            return "Nothing to cite here."
        return "Both ideas say to run several seeds [1] and report the spread [2, 7]."

    from reslog.semantic.setup import prepare

    with Index(Log(os.environ["RESLOG_DIR"])) as index:
        index.refresh()
        vectors = prepare(index).vectors
        result = digests.digest(index, dt.date(2026, 11, 23), dt.date(2026, 11, 29), "ideas", vectors, model)
    paragraphs = {t.entries[0].date: t.paragraph for t in result.themes}
    assert paragraphs["2026-11-23"] == "Both ideas say to run several seeds [1] and report the spread [2]."
    assert paragraphs["2026-11-26"] is None
    lines = digests.render(result)
    assert any(line.startswith("- [1] 2026-11-23 average predictions") for line in lines)


def test_the_week_page_lists_ideas_by_theme(run: Run, log_dir: Path) -> None:
    result = run("week")
    assert result.code == 0, result.err
    page = (log_dir / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")
    block = page[page.index("## Ideas of the week"):page.index("<!-- reslog:end ideas -->")]
    assert "(recurring, first seen [[2026-10-05]]: run each config with several seeds" in block
    assert "  - average predictions over five random seeds before comparing runs ([[2026-11-23]], " \
           "from Bouthillier 2021)" in block
    assert block.count("(new)") == 2


def test_too_many_entries_is_a_clear_error(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from reslog import digest as digests

    monkeypatch.setattr(digests, "MAX_ENTRIES", 3)
    result = run("digest")
    assert result.code == 2
    assert result.err.strip().splitlines()[-1] == (
        "reslog: 5 entries is too many for one digest (at most 3); choose a shorter period with "
        "--since/--until or --week, or one --section"
    )


def test_clustering_merges_by_average_similarity() -> None:
    from reslog.digest import cluster

    sim = [[1.0, 0.9, 0.1, 0.5], [0.9, 1.0, 0.0, 0.4], [0.1, 0.0, 1.0, 0.2], [0.5, 0.4, 0.2, 1.0]]
    # 0+1 first (0.9); then {0,1} with 3 averages 0.45: merged at 0.45, not at 0.46
    assert cluster(sim, 0.45) == [[0, 1, 3], [2]]
    assert cluster(sim, 0.46) == [[0, 1], [2], [3]]
    import numpy as np

    assert cluster(np.array(sim), 0.45) == [[0, 1, 3], [2]]
    assert cluster(np.array(sim), 0.46) == [[0, 1], [2], [3]]
    assert cluster([[1.0]], 0.5) == [[0]]


def _full_scan(s: list[list[float]], merge_at: float) -> list[list[int]]:
    """What the plain-Python clustering did before it kept each row's best pair: the best pair of
    the whole matrix at every merge, ties to the largest (similarity, row, column)."""
    members = [[i] for i in range(len(s))]
    alive = set(range(len(s)))
    while len(alive) > 1:
        best, a, b = max((s[x][y], x, y) for x in alive for y in alive if x < y)
        if best < merge_at:
            break
        for k in alive - {a, b}:
            s[a][k] = s[k][a] = (len(members[a]) * s[a][k] + len(members[b]) * s[b][k]) / (
                len(members[a]) + len(members[b]))
        members[a] += members[b]
        members[b] = []
        alive.discard(b)
    return [sorted(group) for group in members if group]


def _similarities(most: int) -> st.SearchStrategy[list[list[float]]]:
    """Symmetric similarity matrices of 1 to ``most`` rows (1.0 on the diagonal) whose values
    repeat often: ties, where two clusterings that keep their best pairs differently part."""
    def square(values: list[float]) -> list[list[float]]:
        n = next(k for k in range(1, most + 1) if k * (k - 1) // 2 == len(values))
        s = [[1.0] * n for _ in range(n)]
        pairs = iter(values)
        for x in range(n):
            for y in range(x + 1, n):
                s[x][y] = s[y][x] = next(pairs)
        return s

    return st.integers(min_value=1, max_value=most).flatmap(
        lambda n: st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.75, 0.9]),
                           min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2)).map(square)


@settings(max_examples=300, deadline=None)
@given(_similarities(14), st.sampled_from([0.2, 0.3, 0.5]))
def test_plain_python_clustering_merges_what_a_full_scan_merges(s: list[list[float]], merge_at: float) -> None:
    # many ties: the kept best pairs must pick the pair the full scan picks, every merge
    from reslog.digest import cluster

    assert cluster([row[:] for row in s], merge_at) == _full_scan([row[:] for row in s], merge_at)


def _argmax_scan(sim: Any, merge_at: float) -> list[list[int]]:
    """What the numpy clustering did before it kept each row's best pair: the argmax of the whole
    matrix at every merge (ties to the first row, then the first column)."""
    import numpy as np

    n = len(sim)
    members = [[i] for i in range(n)]
    s = np.array(sim, dtype=np.float64)
    np.fill_diagonal(s, -np.inf)
    while n > 1:
        a, b = divmod(int(np.argmax(s)), n)
        if s[a, b] < merge_at:
            break
        row = (len(members[a]) * s[a] + len(members[b]) * s[b]) / (len(members[a]) + len(members[b]))
        s[a, :] = row
        s[:, a] = row
        s[a, a] = s[b, :] = s[:, b] = -np.inf
        members[a] += members[b]
        members[b] = []
    return [sorted(group) for group in members if group]


@settings(max_examples=300, deadline=None)
@given(_similarities(16), st.sampled_from([0.2, 0.3, 0.5]))
def test_numpy_clustering_merges_what_a_full_argmax_merges(s: list[list[float]], merge_at: float) -> None:
    """The word themes are now clustered with numpy (the pairs in Python took 35 of 37 s on the
    notebook), keeping each row's best pair: many ties, and the same merges as the full argmax."""
    import numpy as np

    from reslog.digest import cluster

    assert cluster(np.array(s), merge_at) == _argmax_scan(np.array(s), merge_at)


def test_first_seen_cites_an_entry_that_holds_the_themes_words(run: Run, log_dir: Path) -> None:
    """Closeness of meaning alone cited a generic early entry as where a theme was first seen (on
    the notebook: an empty template post of 2010 for a 2014 Docker theme)."""
    path = day_file(log_dir, "2026-09-01")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("## Random ideas\n- 09:00 run every configuration with several random initialisations "
                    "and report how widely the results spread\n", encoding="utf-8")
    themes = _themes(run)
    for theme in themes:
        seen = theme["first_seen"]
        if seen is not None:
            assert any(word in seen["text"].lower() for word in theme["label"]), theme  # type: ignore[index,attr-defined,union-attr]
    seeds = next(t for t in themes if "seeds" in t["label"])  # type: ignore[operator]
    assert seeds["first_seen"]["date"] == "2026-10-05"  # type: ignore[index]


def test_one_idea_reads_in_the_singular(run: Run) -> None:
    result = run("digest", "--since", "2026-11-26", "--until", "2026-11-26")
    assert result.code == 0, result.err
    assert result.out.startswith("1 idea from 2026-11-26 to 2026-11-26 in 1 theme"), result.out


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2030"), "the range is empty: --since 2030-01-01 is after today (2026-11-26); "
                          "give a --since up to today, or an --until after it"),
    (("--since", "2014", "--until", "2013"), "the range is empty: --since 2014-01-01 is after "
                                             "--until 2013-12-31; swap them"),
])
def test_an_empty_range_is_one_line_before_the_index(args: tuple[str, ...], message: str, run: Run,
                                                     clock: Clock, log_dir: Path) -> None:
    """``digest --since 2030`` blamed an --until never given ("is after --until 2026-12-05"), and
    a reversed range printed the index's notices (meaning search covers 0% ...) before the error:
    the range is checked before the index is opened."""
    assert run("did", "seed").code == 0
    shutil.rmtree(log_dir / ".reslog")
    result = run("digest", *args)
    assert result.code == 2 and result.out == "" and result.err == f"reslog: {message}\n"
    assert not (log_dir / ".reslog").exists()
