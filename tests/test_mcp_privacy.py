"""What the MCP server's read tools return never depends on what redaction leaves out.

The probe: a public entry with a private nested thought and a nested feeling ("angry at
reviewer") was found by ``search reviewer`` (score 2.17) while a nonsense word found nothing,
and ``ask "why was I angry at the reviewer?"`` answered from it: an agent could test whether
any word is written in a hidden line. The check here is stronger than "the hidden words find
nothing": every tool answers a log with hidden lines exactly as it answers the same log with
those lines never written (matches, order, scores, counts, abstention, quotes), in every
search mode.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

pytest.importorskip("mcp", reason="the mcp extra is not installed: pip install -e '.[mcp]'")

from mcp import Client

from reslog.mcp.server import build
from reslog.store import Log
from tests.conftest import write_days
from tests.test_mcp import NOW, call

#: A week of pages; ``{hidden}`` marks where the log with hidden lines has them (at the end of a
#: page, so that every other line has the same number in both logs).
PAGES = {
    "2026-11-24": """## What was done
- 09:00 exp: warmup sweep on the small model, loss flat after step 300 #w2s
- 10:30 bug: the loader dropped the last batch of every epoch #w2s
  - thought: explains the flat curve at the end of each epoch
""",
    "2026-11-25": """## What was done
- 10:00 read: the reviewer's report on the weak-to-strong paper #w2s
  - thought: the second seed they ask for is cheap to run
- 11:00 decision: rerun the sweep with two seeds because of the noise
- 12:00 public entry{hidden}
""",
    "2026-11-26": """## What to do next
- [ ] Rerun the sweep with lr=3e-4 [est:: 2h]

## What was done
- 09:30 fix: the loader keeps the last batch now #w2s
""",
}
#: The lines the probe wrote under "public entry" (reslog think / reslog feel).
HIDDEN = "\n  - thought: nested secret #private/x\n  - feel: angry at reviewer, furious and upset"

SEARCHES = ("reviewer", "angry", "secret", "private", "nested", "furious upset", "reviewer report",
            "public entry", "loader")
QUESTIONS = ("why was I angry at the reviewer?", "what made me furious?", "what is the nested secret?",
             "what did the reviewer ask for?", "how many feelings did I log?", "what did I do on 2026-11-25?",
             "why did I rerun the sweep?")


def _log(folder: Path, hidden: bool, embeddings: bool) -> Log:
    folder.mkdir()
    if not embeddings:
        (folder / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    write_days(folder, {day: text.replace("{hidden}", HIDDEN if hidden else "") for day, text in PAGES.items()})
    return Log(folder)


def _answers(server_log: Log, modes: tuple[str, ...], redact: bool = True) -> list[dict[str, Any]]:
    """What the read tools say about the log, call by call."""
    out: list[dict[str, Any]] = []

    async def main() -> None:
        async with Client(build(server_log, clock=lambda: NOW, redact=redact)) as client:
            for mode in modes:
                for query in SEARCHES:
                    out.append(await call(client, "search", query=query, mode=mode))
                out.append(await call(client, "search", query="reviewer", mode=mode, level=1))
                out.append(await call(client, "search", query="", kind="feel", mode=mode))
                for question in QUESTIONS:
                    out.append(await call(client, "ask", question=question, mode=mode))
            out.append(await call(client, "search", query="", tag="private"))
            out.append(await call(client, "search", query="", starred=False, level=1))
            out.append(await call(client, "recent", days=7))
            out.append(await call(client, "recent", days=7, kind="feel"))

    anyio.run(main)
    for answer in out:
        answer.pop("notice", None)  # how much of the log meaning search covers: not what it found
    return out


def _same_as_never_written(tmp_path: Path, modes: tuple[str, ...], embeddings: bool) -> None:
    with_hidden = _answers(_log(tmp_path / "hidden", True, embeddings), modes)
    never = _answers(_log(tmp_path / "never", False, embeddings), modes)
    for got, expected in zip(with_hidden, never, strict=True):
        assert got == expected
    text = json.dumps([{key: value for key, value in a.items() if key != "query"} for a in with_hidden])
    assert "angry" not in text and "secret" not in text
    found = {json.dumps(a.get("results")) for a in with_hidden if a.get("query") in ("reviewer", "angry")}
    assert not any("public entry" in results for results in found)


def test_keyword_search_and_ask_ignore_hidden_lines(tmp_path: Path) -> None:
    """``search reviewer`` found "public entry" through its hidden feeling alone, scored on text
    that included it, and ``ask`` answered "why was I angry at the reviewer?" from it."""
    _same_as_never_written(tmp_path, ("keyword",), embeddings=False)
    # the hidden lines are there to be found without redaction: the check above is not empty
    everything = json.dumps(_answers(Log(tmp_path / "hidden"), ("keyword",), redact=False))
    assert "angry at reviewer" in everything


def test_meaning_and_hybrid_search_and_ask_ignore_hidden_lines(tmp_path: Path) -> None:
    """Vectors of an entry were computed from passages that held its hidden lines: an entry
    whose feeling was "furious and upset" came near "what made me furious?"."""
    pytest.importorskip("tokenizers", reason="the semantic extra is not installed")
    _same_as_never_written(tmp_path, ("semantic", "hybrid"), embeddings=True)


def test_the_view_takes_the_logs_own_vectors(tmp_path: Path, run: Any) -> None:
    """The index the tools read embeds only the passages it changed: the rest come from the
    log's own vectors, which ``reslog search`` made."""
    pytest.importorskip("tokenizers", reason="the semantic extra is not installed")
    log = _log(tmp_path / "log", True, embeddings=True)
    assert run("search", "loader").code == 0  # the log's own index and vectors
    from reslog.mcp import reading

    with reading._fresh(log, ("private", "feelings")) as index:
        from reslog.semantic import backends, vectors

        assert vectors.borrow(index, index.lender, backends.name_of()) > 0  # type: ignore[attr-defined]
        left = vectors.missing(index, backends.name_of())
    assert [text for _, text in left] == ["public entry"]  # shortened by the view: embedded there
