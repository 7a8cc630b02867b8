"""reslog import markdown: one entry per dated note, on the real cboettig lab notebook and on odd files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from reslog import markdown
from reslog.frontmatter import front_matter
from reslog.importers.base import ImportOptions, body_lines
from reslog.importers.markdown_notes import read

from .conftest import CORPORA, Clock, Result, corpora, day_file, imports_nothing_again

Run = Callable[..., Result]
NOTEBOOK = CORPORA / "cboettig-labnotebook"


def _done(log_dir: Path, day: str) -> list[str]:
    page = markdown.parse(day_file(log_dir, day).read_text(encoding="utf-8"))
    section = page.section("done")
    assert section is not None
    return [line.rstrip("\n") for line in page.lines[section.index + 1:section.end] if line.strip()]


@corpora
def test_lab_notebook_reading() -> None:
    reading = read(NOTEBOOK, ImportOptions())
    by_origin = {item.origin: item for item in reading.items}
    assert len(reading.items) == 1012
    assert len({item.day for item in reading.items}) == 841
    assert min(item.day for item in reading.items) == dt.date(2010, 1, 10)
    assert max(item.day for item in reading.items) == dt.date(2015, 12, 31)
    assert all(item.section == "done" and item.state is None for item in reading.items)

    # a front matter title, date and time, list of categories
    tuesday = by_origin["2011/_posts/2011-02-15-tuesday.md"]
    assert (tuesday.day, tuesday.time, tuesday.text, tuesday.tags) == (
        dt.date(2011, 2, 15), "23:20", "Tuesday", ("ecology",))
    assert tuesday.fields == (("file", "2011/_posts/2011-02-15-tuesday.md"),)
    written = body_lines(tuesday.body)  # the body as the day page holds it
    assert written[0] == "  In at 8:30.\xa0 10a and still getting through Google Reader journals, emails."
    assert written[1] == "    * Finished up yesterday's entry and posted."  # the note's own list, as written
    assert written[-2:] == [
        "  ## CPB Seminar",
        "  Student Dave Harris on ecological niche modeling, including\xa0 interactions and phylogenetic "
        "information with GLM approach.\xa0"]  # trailing spaces and tabs trimmed
    assert len(written) == 9  # every non-blank line, the tab-only line left out

    # the date from the file name only; inline tags and categories
    notes = by_origin["2012/_posts/2012-05-11-Notes.md"]
    assert (notes.day, notes.time, notes.text, notes.tags) == (
        dt.date(2012, 5, 11), None,
        "Computing the value of information in management of a stochastic resource",
        ("decision-theory", "ecology"))
    assert body_lines(notes.body)[:2] == ["  pdg-control", "  ==========="]
    # R Markdown, quoted title, tags as one word
    rmd = by_origin["2015/_posts/2015-12-31-reflections-on-the-open-lab-notebook.Rmd"]
    assert (rmd.day, rmd.text, rmd.tags) == (
        dt.date(2015, 12, 31), "Reflecting on five years of the open lab notebook", ("blog", "open-science"))
    assert body_lines(rmd.body)[0].startswith("  I have been keeping an open lab notebook now since [February of 2010]")
    # no title: the setext heading the note opens with, not repeated in the body
    teaching = by_origin["2010/_posts/2010-01-25-Teaching.md"]
    assert (teaching.text, teaching.tags) == ("Clash of Old and New", ("teaching",))
    assert body_lines(teaching.body)[0] == "  Today was my day to facilitate for a graduate student discussion"
    # no title and no opening heading: the file name without its date
    assert by_origin["2010/_posts/2010-01-18-ProgressChallenges.md"].text == "ProgressChallenges"
    # a draft whose name carries a date is a dated note
    assert by_origin["2014/_posts/_drafts/2013-10-10-why-open-science.md"].day == dt.date(2013, 10, 10)
    # three posts of one day, three entries
    assert sorted(i.text for i in reading.items if i.day == dt.date(2011, 2, 16)) == [
        "Citation tools & Future of Publishing",
        "Data Mangement on UC3 Merritt Repository",
        "Weds & Framing warning signals manuscript",
    ]

    reasons = {skip.origin: skip.reason for skip in reading.skipped}
    assert reasons["2011/README.md"] == "no date (none in the front matter or the file name)"
    assert reasons["2014/_posts/_drafts/webpitch.md"] == "no date (none in the front matter or the file name)"
    assert reasons["2014/_posts/todo.md"] == "no date (none in the front matter or the file name)"
    assert reasons["2014/_posts/2014-11-14-nimble-explore.Rmd"] == (
        "R Markdown source of 2014/_posts/2014-11-14-nimble-explore.md, which is imported instead")
    # the .Rmd source of a post knitted into another year's folder: imported once, as the .md
    assert reasons["2014/_posts/_source/2013-02-22-semantic-citations-for-the-notebook-and-knitr.Rmd"] == (
        "R Markdown source of 2013/_posts/2013-02-22-semantic-citations-for-the-notebook-and-knitr.md, which "
        "is imported instead")
    assert [i.origin for i in reading.items if i.day == dt.date(2013, 2, 22)] == [
        "2013/_posts/2013-02-22-semantic-citations-for-the-notebook-and-knitr.md"]
    assert reasons["2010/COPYING, 2011/COPYING, 2012/COPYING and 3 more"] == (
        "not a Markdown note (6 files without a suffix)")
    assert len(reading.skipped) == 27


@corpora
def test_lab_notebook_import_twice(log_dir: Path, run: Run, clock: Clock) -> None:
    # two of the six years (the whole notebook is read above; writing it all takes a while with fsync)
    first = run("import", "markdown", str(NOTEBOOK / "2011"))
    assert first.code == 0, first.err
    assert "Imported 301 entries (0 to-dos) into 225 days." in first.out
    assert "  COPYING: not a Markdown note (1 file without a suffix)" in first.out
    assert "  README.md: no date (none in the front matter or the file name)" in first.out
    done = _done(log_dir, "2011-02-15")
    assert done[0] == "- 23:20 Tuesday #ecology [file:: _posts/2011-02-15-tuesday.md] [imported:: markdown]"
    assert "    * Finished up yesterday's entry and posted." in done
    assert done[-2] == "  ## CPB Seminar"
    # the page still parses as one entry per note, with the note's lines under it
    page = markdown.parse(day_file(log_dir, "2011-02-16").read_text(encoding="utf-8"))
    entries = page.section("done").entries  # type: ignore[union-attr]
    assert [e.time for e in entries] == ["23:04", "19:06", "23:56"]  # in the order the posts are read (by name)
    assert all("[imported:: markdown]" in e.text for e in entries)
    assert sum(e.end - e.index for e in entries) == len(_done(log_dir, "2011-02-16"))  # every line in one

    assert run("import", "markdown", str(NOTEBOOK / "2015")).code == 0
    assert _done(log_dir, "2015-12-31")[0] == (
        "- Reflecting on five years of the open lab notebook #blog #open-science "
        "[file:: _posts/2015-12-31-reflections-on-the-open-lab-notebook.Rmd] [imported:: markdown]")

    imports_nothing_again(run, log_dir, 301, "markdown", str(NOTEBOOK / "2011"))
    # the same notes from another folder name their files by other paths: still nothing added
    imports_nothing_again(run, log_dir, 301, "markdown", str(NOTEBOOK / "2011" / "_posts"))


def test_messy_notes(tmp_path: Path, log_dir: Path, run: Run, clock: Clock) -> None:
    notes = tmp_path / "notes folder"
    (notes / ".git").mkdir(parents=True)
    (notes / ".git" / "2020-01-01.md").write_text("hidden", encoding="utf-8")
    (notes / "sub").mkdir()
    # BOM, CRLF, a quoted title with a colon, inline tags with commas, a time after a T
    (notes / "sub" / "meeting @ lab, room 2: notes.md").write_bytes(
        "\ufeff---\r\ntitle: 'Group meeting: W2S'\r\ndate: \"2024-03-05T14:30:00+01:00\"\r\n"
        "tags: w2s, open science, c++ # a comment\r\n---\r\n\r\nAgreed on the sweep.\r\n\r\n- [ ] send the plots\r\n"
        .encode())
    (notes / "2024-03-06.markdown").write_text("# Day notes\n\nOne line.\n", encoding="utf-8")
    (notes / "2024-03-07 standup.md").write_text("Nothing but text.\n", encoding="utf-8")
    (notes / "2024-02-30-impossible.md").write_text("A bad date.\n", encoding="utf-8")
    (notes / "2024-03-08.md").write_text("", encoding="utf-8")
    (notes / "2024-03-09.md").write_bytes(b"caf\xe9\n")
    (notes / "undated.md").write_text("---\ntitle: x\ndate: someday\n---\nbody\n", encoding="utf-8")
    (notes / "figure.png").write_bytes(b"\x89PNG")
    result = run("import", "markdown", str(notes))
    assert result.code == 0, result.err
    assert "Imported 3 entries (0 to-dos) into 3 days." in result.out
    assert _done(log_dir, "2024-03-05") == [
        "- 14:30 Group meeting: W2S #w2s #open-science #c [file:: sub/meeting @ lab, room 2: notes.md] "
        "[imported:: markdown]",
        "  Agreed on the sweep.",
        "  - [ ] send the plots",
    ]
    assert _done(log_dir, "2024-03-06") == [
        "- Day notes [file:: 2024-03-06.markdown] [imported:: markdown]", "  One line."]
    assert _done(log_dir, "2024-03-07") == [
        "- standup [file:: 2024-03-07 standup.md] [imported:: markdown]", "  Nothing but text."]
    assert result.out.split("Skipped 5:\n")[1].splitlines() == [
        "  figure.png: not a Markdown note (1 .png file)",
        "  2024-02-30-impossible.md: no date (none in the front matter or the file name)",
        "  2024-03-08.md: empty file",
        "  2024-03-09.md: not valid UTF-8 (byte 3); convert it to UTF-8 and import again",
        "  undated.md: no date (none in the front matter or the file name)",
    ]
    assert sorted(p.name for p in (log_dir / "days").rglob("*.md")) == [
        "2024-03-05.md", "2024-03-06.md", "2024-03-07.md"]


@corpora
def test_lab_notebook_wrapped_titles_and_subtitles() -> None:
    by_origin = {item.origin: item for item in read(NOTEBOOK, ImportOptions()).items}

    def text(name: str) -> str:
        return by_origin[f"{name[:4]}/_posts/{name}"].text

    # a quoted title that PyYAML wrapped onto a second, indented line: the whole title, and the
    # heading that stood in for it stays in the body, as written
    saturday = "2011-06-04-saturday-git-with-latexdiff-treebase-and-pmc-package-updates-bounds-on-lambda.md"
    assert text(saturday) == "Saturday: git with latexdiff, TreeBASE and PMC package updates, bounds on lambda"
    assert body_lines(by_origin["2011/_posts/" + saturday].body)[0] == "  ## bounds on lambda:"
    assert text("2011-01-26-mcelreath-a-bayesian-approach-to-hierarchical-modeling-using-r-to-build-our-own-"
                "estimator-from-scratch.md") == (
        "McElreath: A Bayesian approach to hierarchical modeling, using R to build our own estimator from scratch")
    assert text("2011-03-24-data-management-workshop-at-uc-davis-center-for-population-biology-video-archive.md"
                ) == "Data Management Workshop at UC Davis Center for Population Biology: Video archive"
    assert text("2012-02-21-tues-research-seminar-managing-for-resilience-talk-future-of-libraries-etc.md") == (
        "Tues: Research, seminar (managing for resilience), talk (future of libraries), etc...")
    # the subtitle, after the title (after its slug where it has none)
    assert text("2012-05-01-Jekyll-vs-Wordpress.md") == (
        "Jekyll vs Wordpress — which is the better platform for an open lab notebook?")
    assert text("2013-10-07-nexml-phylo-class-extension.md") == (
        "Extending ape::phylo class to NeXML: Promoting an S3 class into S4 while maintaining existing methods")
    assert text("2014-11-07-dear-docker-hub-users.md") == (
        "Dear DockerHub users: please configure your repository links (for security's sake!)")
    assert text("2013-07-22-XML-parsing-strategies.md") == "XML-parsing-strategies — parsing NeXML"
    # an empty subtitle adds nothing
    assert text("2014-08-25-reproducible-research-environments-with-Docker.md") == (
        "Reproducible research environments with Docker")
    assert [text(name) for name in (
        "2012-05-30-knitcitations.md",
        "2013-05-03-notebook-features-hashes-providing-an-immutable-and-verifiable-research-record.md",
        "2013-03-19-collected-notes.md",
        "2013-06-13-what-I-look-for-in-software-papers.md",
        "2013-06-10-mansucript-reviews-on-github.md",
        "2013-07-09-reviewing-software-revisited.md",
        "2013-05-31-notebook-features-archiving-with-figshare.md",
    )] == [
        "knitcitations — An automated way to generate citations by dynamic lookup using Crossref DOIs or by "
        "bibtex files.",
        "Notebook features: SHA Hashes — Providing an immutable and verifiable research record",
        "Collected notes from past few days — some writing, some exchange on prosecutor's fallacy, some "
        "ropensci, etc",
        "What I look for in 'Software Papers' — pet peeves and faux pas",
        "manuscript reviews on github? — examples and questions",
        "reviewing-software-revisited — Great ideas from the Journal of Open Research Software",
        "Archiving the lab notebook on figshare — Advantages and challenges",
    ]


def test_wrapped_titles_subtitles_and_a_title_that_looks_like_a_todo(tmp_path: Path, log_dir: Path, run: Run,
                                                                      clock: Clock) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-03-01-single.md").write_text(
        "---\ntitle: 'Saturday: git with latexdiff, TreeBASE and PMC package updates, bounds on\n  lambda'\n"
        "subtitle: which is the better platform?\n---\n## bounds on lambda:\nbody\n", encoding="utf-8")
    (notes / "2024-03-02-double.md").write_text(
        '---\ntitle: "A \\"quoted\\" title that runs\n  on, caf\\u00e9"\nsubtitle: >-\n  folded over\n'
        '  two lines\n---\nbody\n', encoding="utf-8")
    (notes / "2024-03-03-plain.md").write_text(
        "---\ntitle: A plain title\n  wrapped\nsubtitle: |\n  kept\n  lines\ndate: 2024-03-03 10:00\n---\n",
        encoding="utf-8")
    (notes / "2024-03-04-box.md").write_text('---\ntitle: "[ ] open-looking"\n---\nbody\n', encoding="utf-8")
    result = run("import", "markdown", str(notes))
    assert "Imported 4 entries (0 to-dos) into 4 days." in result.out
    assert _done(log_dir, "2024-03-01") == [
        "- Saturday: git with latexdiff, TreeBASE and PMC package updates, bounds on lambda — which is the better "
        "platform? [file:: 2024-03-01-single.md] [imported:: markdown]",
        "  ## bounds on lambda:",
        "  body",
    ]
    assert _done(log_dir, "2024-03-02")[0] == (
        '- A "quoted" title that runs on, café — folded over two lines [file:: 2024-03-02-double.md] '
        "[imported:: markdown]")
    assert _done(log_dir, "2024-03-03") == [
        "- 10:00 A plain title wrapped — kept lines [file:: 2024-03-03-plain.md] [imported:: markdown]"]
    # written escaped, as a capture is (docs/format.md 4.1): a note, not an open to-do to carry
    assert _done(log_dir, "2024-03-04") == [
        "- \\[ ] open-looking [file:: 2024-03-04-box.md] [imported:: markdown]", "  body"]
    assert "No open to-dos on 2024-03-04." in run("todos", "--date", "2024-03-04").out


POST = """\
---
title: Semantic citations
tags: [semantics]
---
Intro with a [link](https://example.org/a) and *emphasis*.

## A heading
> a quote
> over two lines

```r
x <- 1

  y <- x + 1
```

<div class="bib">
<p>html over lines</p>
</div>

| a | b |
|---|---|
| 1 | 2 |

- a list
    - nested in it
"""


def test_a_note_arrives_as_written_and_a_source_twin_once(tmp_path: Path, log_dir: Path, run: Run,
                                                          clock: Clock) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_posts" / "_source").mkdir()
    (site / "_posts" / "2013-02-22-semantic.md").write_text(POST, encoding="utf-8")
    (site / "_posts" / "_source" / "2013-02-22-semantic.Rmd").write_text(
        POST.replace("x <- 1", "x <- 1 # the source"), encoding="utf-8")
    result = run("import", "markdown", str(site))
    assert result.code == 0, result.err
    assert "Imported 1 entry (0 to-dos) into 1 day." in result.out
    assert ("  _posts/_source/2013-02-22-semantic.Rmd: R Markdown source of _posts/2013-02-22-semantic.md, "
            "which is imported instead") in result.out
    done = _done(log_dir, "2013-02-22")
    page = markdown.parse(day_file(log_dir, "2013-02-22").read_text(encoding="utf-8"))
    section = page.section("done")
    assert section is not None
    first = section.index + 1
    assert [markdown.line_body(page, i) for i in range(first, section.end)][:21] == [
        "- Semantic citations #semantics [file:: _posts/2013-02-22-semantic.md] [imported:: markdown]",
        "  Intro with a [link](https://example.org/a) and *emphasis*.",
        "  ## A heading",
        "  > a quote",
        "  > over two lines",
        "  ```r",
        "  x <- 1",
        "",
        "    y <- x + 1",
        "  ```",
        '  <div class="bib">',
        "  <p>html over lines</p>",
        "  </div>",
        "  | a | b |",
        "  |---|---|",
        "  | 1 | 2 |",
        "  - a list",
        "      - nested in it",
        "",
    ]
    # one entry holds it all: the blank line inside the code does not end it
    (entry,) = section.entries
    assert (entry.index, entry.end) == (first, first + 18) and len(done) == 17
    assert [c.text for c in entry.children] == ["a list"]


def test_date_format_for_names(tmp_path: Path, log_dir: Path, run: Run, clock: Clock) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "05.03.2024 - lab day.md").write_text("Ran it.\n", encoding="utf-8")
    (notes / "2024-03-06.md").write_text("---\ndate: 2024-03-06\n---\nFront matter date.\n",
                                         encoding="utf-8")
    result = run("import", "markdown", str(notes), "--date-format", "%d.%m.%Y")
    assert "Imported 2 entries" in result.out
    assert _done(log_dir, "2024-03-05")[0] == "- lab day [file:: 05.03.2024 - lab day.md] [imported:: markdown]"
    assert run("import", "markdown", str(notes), "--date-format", "YYYY").code == 2


def test_wrong_kind_of_path(tmp_path: Path, log_dir: Path, run: Run) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    result = run("import", "markdown", str(tmp_path / "a.txt"))
    assert result.code == 2 and "is not a folder or a Markdown note" in result.err
    (tmp_path / "empty").mkdir()
    result = run("import", "markdown", str(tmp_path / "empty"))
    assert result.code == 2 and "holds no Markdown notes" in result.err
    assert not log_dir.exists()


def test_front_matter_subset() -> None:
    lines = ["---", "title: \"A: b\"", "tags:", "- one", "  - two", "categories: [x, 'y z']",
             "nested:", "  key: value", "text: |", "  more", "empty:", "comment: yes # a comment", "---",
             "body"]
    values, start = front_matter(lines)
    assert start == 13
    assert values == {"title": "A: b", "tags": ["one", "two"], "categories": ["x", "y z"], "nested": None,
                      "text": "more", "empty": [], "comment": "yes"}
    assert front_matter(["---", "title: unclosed", "body"]) == ({}, 0)


def test_front_matter_scalars_over_several_lines() -> None:
    lines = [
        "---",
        "single: 'it''s wrapped,",
        "  still it''s one'",
        'double: "a \\"b\\" \\u00e9\\t,',
        "",
        '  after a blank line \\',
        '  runs on"',
        "plain: one",
        "  two",
        "next_line:",
        "  on its own line",
        "folded: >-",
        "  folded",
        "  text",
        "literal: |",
        "  kept",
        "    lines",
        "",
        "flow: [a,",
        "  'b c']",
        "unclosed: 'never",
        "  closed",
        "closed_early: 'x'",
        "  y",
        "plain_map: a",
        "  b: c",
        "commented: a # note",
        "  b",
        "---",
    ]
    values, start = front_matter(lines)
    assert start == len(lines)
    assert values == {
        "single": "it's wrapped, still it's one",
        "double": 'a "b" é\t,\nafter a blank line runs on',
        "plain": "one two",
        "next_line": "on its own line",
        "folded": "folded text",
        "literal": "kept\n  lines",
        "flow": ["a", "b c"],
        "unclosed": None,
        "closed_early": None,
        "plain_map": None,
        "commented": None,
    }
