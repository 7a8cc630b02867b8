"""A page may hold one enormous line (a pasted blob, a flattened table, a minified file): every
regular expression reslog runs over a line takes time in proportion to its length. Before, a
62 KB line of unclosed ``[lr:: ...`` fields made every capture on that page take 5.7 s, and
60 KB of ``*p`` pointers made ``ask`` take 11 s, because a pattern tried from each ``[`` or
``*`` scanned to the end of the line for its closing mark.

The first test reads every pattern of the package with lines built of hostile pieces, at two
lengths: a pattern whose time grows with the square of the length is found by the ratio of the
two times, which a busy machine does not change much, and only where the longer line takes
long enough to measure. The others check what the linear patterns still read, on real text and
on the cases their older forms read wrongly.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import time
from collections.abc import Callable
from pathlib import Path

import reslog
from reslog import ask, chunks, markdown, markup
from reslog.runs.entry import command_of

from .conftest import Clock, Result, write_day

Run = Callable[..., Result]

#: Pieces whose repetition makes a backtracking pattern scan to the end of the line from each
#: repetition: openers without their closers, runs of blanks and of marks.
PIECES = [
    "*a ", "_a ", "[a:: ", "[a ", "[", "[[", "](", "[a](", "(", "<a ", '<a x="1"', "$a ", "  ", "\t",
    "\u3000", "# ", "`", "``a", "&a", "\\", "a.", "- ", "> ", "|", "~~", "**", "{", '"', "a:", "--",
]
SHORT, LONG = 10_000, 40_000


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for module in pkgutil.walk_packages(reslog.__path__, "reslog."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.setdefault(value.pattern, value)
                found[f"{module.name}.{name}"] = found.pop(value.pattern)
    return found


def _seconds(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - start


def test_every_pattern_reads_a_line_in_time_proportional_to_its_length() -> None:
    patterns = _patterns()
    assert len(patterns) > 100 and "reslog.markdown._FIELD" in patterns  # the walk found them
    slow = []
    for name, pattern in patterns.items():
        for piece in PIECES:
            line = piece * (LONG // len(piece))
            long = _seconds(pattern, line)
            if long < 0.05:  # too quick to tell growth from noise, and harmless at this length
                continue
            long = min(long, _seconds(pattern, line), _seconds(pattern, line))
            if long < 0.05:  # the first reading was a pause of a busy machine (0.011 s once, on CI)
                continue
            short = min(_seconds(pattern, line[:SHORT]) for _ in range(3))
            if long > 10 * max(short, 1e-4):  # linear: about 4 times; quadratic: about 16
                slow.append(f"{name} on {piece!r} x {len(line) // len(piece)}: {short:.3f} s -> {long:.3f} s")
    assert not slow, "\n".join(slow)


def test_a_field_value_never_runs_across_another_field() -> None:
    """A value runs up to its ``]`` but not across the start of another field, which is read;
    a ``[`` that starts no field stays in the value (``--from "Smith [2020"`` writes one)."""
    assert markdown.read_fields("x [est:: 2h") == ()
    assert markdown.read_fields("x [est:: 2h [took:: 5m]") == (("took", "5m"),)
    assert markdown.read_fields("x [from:: Smith [2020]") == (("from", "Smith [2020"),)
    assert markdown.read_fields("run [lr:: 3e-4] [seed:: 1]") == (("lr", "3e-4"), ("seed", "1"))
    assert chunks.FIELD.sub(" ", "ran it [est:: 2h [took:: 5m] today") == "ran it [est:: 2h  today"
    # R code is not a wiki link or a field
    assert markdown.read_fields("f <- priors[[dd$variable[1]]](grid)") == ()
    marks = markup._MARKS.finditer("priors[[dd$variable[1]]] and [[Notes]]")
    assert [(m.lastgroup, m.group(0)) for m in marks] == [("wiki", "[[Notes]]")]


def test_links_and_emphasis_read_as_their_words() -> None:
    """The forms the older patterns cut short: a link to a URL with parentheses, an image inside
    a link, and emphasis that never closes (code, formulas) left as written."""
    assert chunks.link_text("[Shellshock](http://en.wikipedia.org/wiki/Shellshock_(software_bug)) hit") == (
        "Shellshock hit")
    assert chunks.link_text("[![plot](http://x/p.png)](http://x/page) and [a](u)") == "plot and a"
    assert chunks.link_text("[a [b](u)") == "[a b"

    def quoted(text: str) -> str:
        return ask._EMPHASIS.sub(ask._emphasised, text)

    assert quoted("*Science* **334** and _snowfall_") == "Science 334 and snowfall"
    code = "loglik <- - 0.5 * t(y) %*% solve(K + sigma.n^2 * I) %*% y"
    assert quoted(code) == code
    assert quoted("int *p = *q + *r;") == "int *p = *q + *r;"


def test_a_run_entry_reads_its_whole_code_span() -> None:
    assert command_of("`` python train.py --tag `x` ``") == "python train.py --tag `x`"
    assert command_of("`python train.py`") == "python train.py"
    assert command_of("```vim") is None  # an opening run without its closing one is text


def test_a_page_with_an_enormous_line_is_read_and_kept(run: Run, clock: Clock, log_dir: Path) -> None:
    """A hand-written page holds one 300 KB line: C pointers, unclosed links and unclosed fields,
    then the field that ends it. A capture adds to the page and every read answers; the line
    stays byte for byte and its last field is read (the older pattern read one field running
    from the first ``[lr::`` to the end)."""
    blob = "int *p = *q; " * 10_000 + "[a](" * 10_000 + "[lr:: 3e-4 " * 12_000
    page = write_day(log_dir, "2026-11-26", f"## What was done\n- pasted the sweep {blob} [took:: 5m]\n")
    before = page.read_bytes()
    assert run("did", "fixed the sweep parser").code == 0
    assert page.read_bytes().startswith(before)
    entries = json.loads(run("export", "json", "-").out)["entries"]
    assert [(e["text"][:16], e["fields"], e["took_minutes"]) for e in entries] == [
        ("pasted the sweep", {"took": "5m"}, 5), ("fixed the sweep ", {}, None)]
    found = run("search", "sweep")
    assert found.code == 0 and "fixed the sweep parser" in found.out and "pasted the sweep" in found.out
    assert run("ask", "what did I paste about the sweep?").code == 0
    assert run("week").code == 0
