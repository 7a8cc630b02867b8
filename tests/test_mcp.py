"""``reslog mcp``: the tools through the SDK's in-memory client, and one real stdio session."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

if os.environ.get("CI") != "true":  # on CI the dev extra brings the SDK: a missing one fails
    pytest.importorskip("mcp", reason="the mcp extra is not installed: pip install -e '.[mcp]'")

from mcp import Client, StdioServerParameters

from reslog.mcp.server import READ_TOOLS, WRITE_TOOLS, build
from reslog.store import Log
from tests.conftest import Clock, Result, day_file, log_files

NOW = dt.datetime(2026, 11, 26, 15, 30)
Run = Callable[..., Result]


@pytest.fixture
def log(log_dir: Path, run: Run, clock: Clock) -> Log:
    """A keyword-only log (no model to load) with three days of entries; today is 2026-11-26."""
    log_dir.mkdir()
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    clock.set("2026-11-20T10:00")
    assert run("todo", "Email Yitao about the grid-world task").code == 0
    assert run("exp", "W2S sweep on GPT-2 sizes, slight gain with scale", "-t", "w2s").code == 0
    clock.set("2026-11-24T09:00")
    assert run("bug", "off-by-one in the loader dropped the last batch", "-t", "w2s").code == 0
    assert run("think", "the loader bug explains the flat curve").code == 0
    clock.set("2026-11-26T11:00")
    assert run("decision", "switch the tokenizer to sentencepiece because of the unknown tokens").code == 0
    assert run("todo", "Rerun the sweep with lr=3e-4", "--est", "2h").code == 0
    return Log(log_dir)


def session(server_log: Log, body: Callable[[Client], Awaitable[None]], write: bool = False) -> None:
    async def main() -> None:
        async with Client(build(server_log, write, clock=lambda: NOW)) as client:
            await body(client)

    anyio.run(main)


async def call(client: Client, tool: str, **args: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    data = result.structured_content
    assert isinstance(data, dict)
    return data


async def error(client: Client, tool: str, **args: Any) -> str:
    result = await client.call_tool(tool, args)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert isinstance(text, str)
    return text


def line_of(log: Log, file: str, line: int) -> str:
    return (log.root / file).read_text(encoding="utf-8").splitlines()[line - 1]


def test_read_only_by_default_lists_no_write_tool(log: Log) -> None:
    async def body(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert sorted(tools) == sorted(READ_TOOLS)
        for tool in tools.values():
            assert tool.annotations is not None and tool.annotations.read_only_hint is True
            assert tool.description
        # a write tool cannot be called either: it does not exist
        before = day_file(log.root, "2026-11-26").read_bytes()
        message = await error(client, "capture", text="sneaky")
        assert "capture" in message
        assert day_file(log.root, "2026-11-26").read_bytes() == before

    session(log, body)


def test_write_tools_only_with_write_and_annotated(log: Log) -> None:
    async def body(client: Client) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert sorted(tools) == sorted(READ_TOOLS + WRITE_TOOLS)
        for name in WRITE_TOOLS:
            hints = tools[name].annotations
            assert hints is not None
            assert hints.read_only_hint is False and hints.destructive_hint is False
        assert tools["capture"].annotations.idempotent_hint is False  # type: ignore[union-attr]
        assert tools["todo"].annotations.idempotent_hint is False  # type: ignore[union-attr]
        assert tools["done"].annotations.idempotent_hint is True  # type: ignore[union-attr]

    session(log, body, write=True)


def test_search_cites_date_file_and_line(log: Log) -> None:
    async def body(client: Client) -> None:
        found = await call(client, "search", query="loader batch")
        assert found["mode"] == "keyword"
        [hit] = found["results"]
        assert hit["date"] == "2026-11-24" and hit["file"] == "days/2026/2026-11-24.md" and hit["kind"] == "bug"
        assert "off-by-one in the loader" in line_of(log, hit["file"], hit["line"])
        assert "the loader bug explains" in hit["text"]  # the nested thought comes with its entry
        # the CLI's filters and a time scope written in the query
        tagged = await call(client, "search", query="", tag="w2s")
        assert [h["date"] for h in tagged["results"]] == ["2026-11-20", "2026-11-24"]
        scoped = await call(client, "search", query="w2s last week")
        assert scoped["time_scope"]["since"] == "2026-11-16"
        assert {h["date"] for h in scoped["results"]} == {"2026-11-20"}
        assert (await call(client, "search", query="sweep", kind="exp"))["results"][0]["kind"] == "exp"
        assert (await call(client, "search", query="tokenizer", since="2026-11-25"))["results"]
        assert not (await call(client, "search", query="tokenizer", until="2026-11-25"))["results"]

    session(log, body)


def test_search_is_the_cli_search(log: Log, run: Run) -> None:
    cli = json.loads(run("search", "--json", "sweep").out)

    async def body(client: Client) -> None:
        found = await call(client, "search", query="sweep", limit=20)
        assert [(h["file"], h["line"]) for h in found["results"]] == [(h["file"], h["line"]) for h in cli]

    session(log, body)


def test_ask_answers_a_review_question_with_its_stats_topic(log: Log, run: Run) -> None:
    assert run("bug", "the SECRET crash of my health app", "-t", "private").code == 0  # left out

    async def body(client: Client) -> None:
        answer = await call(client, "ask", question="which bugs keep recurring?")
        assert answer["stats"]["topic"] == "bugs" and answer["stats"]["bugs"] == 1
        assert answer["answer"].startswith("Which bugs keep recurring? (reslog stats bugs)")
        assert [line_of(log, c["file"], c["line"]) for c in answer["citations"]] == [
            "- 09:00 bug: off-by-one in the loader dropped the last batch #w2s"]
        assert "SECRET" not in json.dumps(answer)
    session(log, body)


def test_ask_answers_with_citations_or_abstains(log: Log, run: Run) -> None:
    async def body(client: Client) -> None:
        answer = await call(client, "ask", question="why did I switch the tokenizer to sentencepiece?")
        assert answer["abstained"] is False
        assert answer["citations"][0]["file"] == "days/2026/2026-11-26.md"
        assert "sentencepiece" in line_of(log, answer["citations"][0]["file"], answer["citations"][0]["line"])
        # the same object as reslog ask --json
        cli = json.loads(run("ask", "--json", "why did I switch the tokenizer to sentencepiece?").out)
        assert {k: v for k, v in answer.items() if k != "notice"} == cli
        none = await call(client, "ask", question="how did I configure Kubernetes ingress?")
        assert none["abstained"] is True
        assert none["answer"] == "Nothing in the log answers this: no entry mentions Kubernetes."

    session(log, body)


def test_day_week_recent_todos_stats(log: Log) -> None:
    async def body(client: Client) -> None:
        page = await call(client, "day", date="2026-11-24")
        assert page["text"] == day_file(log.root, "2026-11-24").read_text(encoding="utf-8")
        assert (await call(client, "day", date="days/2026/2026-11-24.md:9"))["date"] == "2026-11-24"
        assert (await call(client, "day", date="2 days ago"))["date"] == "2026-11-24"
        recent = await call(client, "recent", days=3)
        assert recent["since"] == "2026-11-24"
        assert {e["date"] for e in recent["entries"]} == {"2026-11-24", "2026-11-26"}
        todos = (await call(client, "todos"))["todos"]
        email = next(t for t in todos if "Email Yitao" in t["text"])
        assert email["waiting_days"] == 6 and email["since"] == "2026-11-20"
        assert "Email Yitao" in line_of(log, email["file"], email["line"])
        assert [t["number"] for t in todos] == [1, 2]
        week = await call(client, "week")
        assert week["week"] == "2026-W48" and "## The week in figures" in week["review"]
        assert "- Days logged: 2 of 7" in week["review"] and "reflection" not in week
        assert not (log.root / "weeks").exists()  # read tools write nothing
        stats = await call(client, "stats", topic="time")
        assert stats["topic"] == "time" and stats["summary"]
        runs = await call(client, "stats", topic="runs")
        assert runs["topic"] == "runs" and "no runs" in runs["summary"].lower(), runs
        later = await call(client, "stats", topic="focus", since="2027")  # the CLI's line, not "none yet"
        assert later["summary"].startswith("No entries: the range begins on 2027-01-01, after today"), later

    session(log, body)


def test_week_brings_the_researchers_own_reflection(log: Log, run: Run) -> None:
    assert run("week", "--rate", "4").code == 0
    page = log.root / "weeks" / "2026" / "2026-W48.md"
    text = page.read_text(encoding="utf-8").replace("## Reflection\n", "## Reflection\nThe loader bug cost a day.\n")
    page.write_text(text, encoding="utf-8")

    async def body(client: Client) -> None:
        week = await call(client, "week", week="2026-W48")
        assert week["file"] == "weeks/2026/2026-W48.md" and week["rating"] == 4
        assert week["reflection"]["text"] == "The loader bug cost a day."
        assert line_of(log, week["file"], week["reflection"]["line"]) == "## Reflection"

    session(log, body)
    assert page.read_text(encoding="utf-8") == text


def test_todos_numbers_match_done_when_today_has_no_page_yet(log: Log) -> None:
    later = dt.datetime(2026, 11, 28, 9, 0)

    async def main() -> None:
        async with Client(build(log, True, clock=lambda: later)) as client:
            todos = (await call(client, "todos"))["todos"]
            assert not day_file(log.root, "2026-11-28").exists()  # listing made no page
            rerun = next(t for t in todos if "Rerun the sweep" in t["text"])
            done = await call(client, "done", number=rerun["number"], took="90m")
            assert "Rerun the sweep" in done["text"] and done["took"] == "1h30m"
            assert "[x] Rerun the sweep" in line_of(log, done["file"], done["line"])

    anyio.run(main)


def test_todos_lists_what_reslog_todos_lists(log: Log, run: Run, clock: Clock) -> None:
    """A to-do put off to a later day (``[scheduled:: DATE]``) was listed as open, where ``reslog
    todos`` leaves it out ("1 to-do deferred to a later day"); today and once carried over."""
    clock.set("2026-11-26T15:30")
    assert run("todo", "Write the related-work section").code == 0
    assert run("defer", "2", "--to", "2026-12-06").code == 0  # the Rerun, put off
    page = day_file(log.root, "2026-11-26").read_text(encoding="utf-8")
    assert "[scheduled:: 2026-12-06]" in page

    def listed(now: dt.datetime) -> list[tuple[int, str]]:
        out: list[dict[str, Any]] = []

        async def main() -> None:
            async with Client(build(log, clock=lambda: now)) as client:
                out.append(await call(client, "todos"))

        anyio.run(main)
        return [(t["number"], t["text"].split(" [")[0]) for t in out[0]["todos"]]

    def cli(day: str) -> list[tuple[int, str]]:
        clock.set(f"{day}T09:00")
        result = run("todos")
        assert result.code == 0 and "1 to-do deferred to a later day" in result.out
        return [(int(m[1]), m[2]) for m in re.finditer(r"^ *(\d+) \[.\] (.*?)(?:  \(.*\))?$", result.out, re.M)]

    today = listed(NOW)
    assert [text for _, text in today] == ["Email Yitao about the grid-world task", "Write the related-work section"]
    assert today == cli("2026-11-26")
    carried = listed(dt.datetime(2026, 11, 28, 9, 0))  # no page yet: numbered as once carried
    assert carried == [*today[:1], (3, "Write the related-work section")] == cli("2026-11-28")


def test_write_tools_append_and_cite(log: Log) -> None:
    page = day_file(log.root, "2026-11-26")
    before = page.read_text(encoding="utf-8")

    async def body(client: Client) -> None:
        added = await call(client, "capture", text="exp: lr=3e-4 run diverged at step 900", tags=["w2s"], star=True)
        assert added["line"] and line_of(log, added["file"], added["line"]) == \
            "- 15:30 exp: lr=3e-4 run diverged at step 900 #w2s ★"
        timed = await call(client, "capture", text="09:30 bug: NaN at step 900")  # the time it opens with
        assert line_of(log, timed["file"], timed["line"]) == "- 09:30 bug: NaN at step 900"
        thought = await call(client, "capture", text="maybe the warmup is too short", kind="think")
        assert line_of(log, thought["file"], thought["line"]).strip() == "- thought: maybe the warmup is too short"
        idea = await call(client, "capture", text="a curriculum over sequence length", kind="idea",
                          source="chat with Yitao")
        assert "[from:: chat with Yitao]" in line_of(log, idea["file"], idea["line"])
        todo = await call(client, "todo", text="Plot the divergence", est="30m")
        assert line_of(log, todo["file"], todo["line"]) == "- [ ] Plot the divergence [est:: 30m]"
        done = await call(client, "done", number=1)
        assert "Email Yitao" in done["text"]
        again = await error(client, "done", number=1)  # a second call changes nothing
        assert "is done already; nothing changed" in again
        found = await call(client, "search", query="diverged step 900")
        hit = found["results"][0]  # lines moved down with the to-do: citations are always current
        assert "diverged at step 900" in line_of(log, hit["file"], hit["line"])

    session(log, body, write=True)
    after = page.read_text(encoding="utf-8")
    # only additions, and the one ticked box
    old_lines = before.splitlines()
    new_lines = after.splitlines()
    assert len(new_lines) == len(old_lines) + 5
    ticked = [line.replace("- [x]", "- [ ]") for line in new_lines]
    assert all(line in ticked for line in old_lines)


def test_bad_arguments_are_tool_errors_and_the_server_goes_on(log: Log) -> None:
    before = {p: p.read_bytes() for p in (log.root / "days").rglob("*.md")}

    async def body(client: Client) -> None:
        assert "limit" in await error(client, "search", query="x", limit=0)
        assert "kind" in await error(client, "search", query="x", kind="nonsense")
        assert "no word to search for" in await error(client, "search", query="🚀")
        assert "question" in await error(client, "ask")
        assert "the question has no words" in await error(client, "ask", question="?")
        assert "cannot read" in await error(client, "day", date="../../../etc/passwd")
        assert "cannot read" in await error(client, "day", date="/etc/passwd")
        assert "not a day page" in await error(client, "day", date="days/2025/2026-11-24.md")
        assert "no page" in await error(client, "day", date="2026-01-01")
        assert "empty" in await error(client, "search", since="2026-11-25", until="2026-11-01")
        assert "number" in await error(client, "done", number="two")
        assert "there is no to-do 9" in await error(client, "done", number=9)
        assert "cannot use" in await error(client, "capture", text="x", tags=["../etc"])
        assert "empty" in await error(client, "capture", text="   ")
        assert "is not a time of day" in await error(client, "capture", text="09:99 exp: bad")
        assert "given twice" in await error(client, "capture", text="09:30 exp: x", time="10:00")
        assert "cannot read" in await error(client, "capture", text="x", date="../../../../tmp/evil")
        assert "Unknown tool" in await error(client, "rm", path="/")
        assert (await call(client, "todos"))["todos"]  # still serving

    session(log, body, write=True)
    assert {p: p.read_bytes() for p in (log.root / "days").rglob("*.md")} == before
    assert not list(log.root.parent.glob("*.md")) and not Path("/tmp/evil").exists()


def test_hybrid_search_finds_by_meaning(log_dir: Path, run: Run, clock: Clock) -> None:
    pytest.importorskip("tokenizers", reason="the semantic extra is not installed")
    run("exp", "the optimizer diverged right after the warmup ended")
    run("did", "lunch with the group")

    async def body(client: Client) -> None:
        found = await call(client, "search", query="loss exploded when LR ramp-up stopped")
        assert found["mode"] == "hybrid"
        assert "diverged" in found["results"][0]["text"]

    session(Log(log_dir), body)


# --- one real stdio session ---


def _env(log_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["RESLOG_DIR"] = str(log_dir)
    return env


def test_real_stdio_session(log: Log, tmp_path: Path) -> None:
    stderr = tmp_path / "stderr.txt"

    async def main() -> None:
        params = StdioServerParameters(command=sys.executable, args=["-m", "reslog", "mcp", "--write"],
                                       env=_env(log.root))
        with stderr.open("w") as errlog:
            async with Client(params, read_timeout_seconds=120) as client:
                names = {t.name for t in (await client.list_tools()).tools}
                assert names == set(READ_TOOLS + WRITE_TOOLS)
                found = await call(client, "search", query="tokenizer")
                assert found["results"][0]["file"] == "days/2026/2026-11-26.md"
                answer = await call(client, "ask", question="why did I switch the tokenizer?")
                assert not answer["abstained"] and answer["citations"]
                added = await call(client, "capture", text="captured over stdio")
                assert "captured over stdio" in line_of(log, added["file"], added["line"])
                assert "limit" in await error(client, "search", query="x", limit=10_000)
            del errlog

    anyio.run(main)


def _rpc(proc: subprocess.Popen[bytes], message: bytes) -> dict[str, Any]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(message + b"\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    return json.loads(line)  # type: ignore[no-any-return]


def test_malformed_requests_get_protocol_errors_on_a_clean_stdout(log: Log) -> None:
    """Raw JSON-RPC over the real process: garbage gets an error response, never a crash, and
    every byte on stdout is protocol."""
    proc = subprocess.Popen([sys.executable, "-m", "reslog", "mcp"], env=_env(log.root),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"}}}
        reply = _rpc(proc, json.dumps(init).encode())
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "reslog"
        proc.stdin.write(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}\n')  # type: ignore[union-attr]
        bad = _rpc(proc, b"{this is not json")
        assert bad["error"]["code"] == -32700 and bad["id"] is None
        assert _rpc(proc, b'{"not": "json-rpc"}')["error"]["code"] == -32600
        unknown = _rpc(proc, b'{"jsonrpc": "2.0", "id": 2, "method": "no/such/method"}')
        assert unknown["id"] == 2 and unknown["error"]["code"] == -32601
        wrong = _rpc(proc, b'{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": 5}}')
        assert wrong["id"] == 3 and "error" in wrong
        listed = _rpc(proc, b'{"jsonrpc": "2.0", "id": 4, "method": "tools/list"}')
        assert sorted(t["name"] for t in listed["result"]["tools"]) == sorted(READ_TOOLS)
        called = _rpc(proc, json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {
            "name": "search", "arguments": {"query": "loader"}}}).encode())
        assert called["result"]["structuredContent"]["results"][0]["kind"] == "bug"
    finally:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.close()
        proc.wait(timeout=60)
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0, err.decode()
    for line in out.splitlines():  # anything left on stdout is JSON-RPC too
        assert json.loads(line)["jsonrpc"] == "2.0"
    assert b"serving" in err


@pytest.mark.parametrize("tool", ["capture", "todo"])
def test_a_write_then_the_end_of_the_input_is_answered_before_the_server_exits(log: Log, tool: str) -> None:
    """A client that writes a request and closes stdin at once gets its answer: the SDK cancels
    what is still running at the end of the input, which lost the answer (the write was made)."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": tool, "arguments": {"text": f"written by {tool} as stdin closed"}}},
    ]
    done = subprocess.run([sys.executable, "-m", "reslog", "mcp", "--write"], env=_env(log.root),
                          input=b"".join(json.dumps(m).encode() + b"\n" for m in messages),
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    replies = {reply["id"]: reply for reply in map(json.loads, done.stdout.splitlines())}
    assert sorted(replies) == [1, 2]
    added = replies[2]["result"]["structuredContent"]
    assert not replies[2]["result"].get("isError")
    assert f"written by {tool} as stdin closed" in line_of(log, added["file"], added["line"])


def test_no_log_no_server(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    done = subprocess.run([sys.executable, "-m", "reslog", "--dir", str(missing), "mcp"], env=_env(missing),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert f"reslog: there is no log at {missing}; check the --dir" in done.stderr
    assert not missing.exists()


def test_cli_says_how_to_install_when_the_sdk_is_missing(log_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "mcp.py").write_text("raise ImportError('no mcp here', name='mcp')\n", encoding="utf-8")
    env = _env(log_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "reslog", "mcp"], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert "pip install 'reslog[mcp]'" in done.stderr


def test_the_stats_tool_offers_every_topic() -> None:
    from typing import get_args

    from reslog.analytics import TOPICS
    from reslog.mcp.server import Topic

    assert get_args(Topic) == tuple(TOPICS)


def _started(log: Log, *args: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "reslog", "mcp", *args], env=_env(log.root),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}
    assert _rpc(proc, json.dumps(init).encode())["id"] == 0
    proc.stdin.write(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}\n')  # type: ignore[union-attr]
    return proc


def _stopped(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    proc.wait(timeout=60)
    proc.stdout.close()
    assert proc.returncode == 0


def _tool_error(proc: subprocess.Popen[bytes], tool: str, **args: Any) -> str:
    reply = _rpc(proc, json.dumps({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                                   "params": {"name": tool, "arguments": args}}).encode())
    assert reply["id"] == 9 and reply["result"]["isError"] is True, reply
    text = reply["result"]["content"][0]["text"]
    assert isinstance(text, str)
    return text


def test_wrong_arguments_get_one_line_naming_the_argument_and_what_it_takes(log: Log) -> None:
    """A wrong type, a value out of range, an unknown choice or argument: one line that names the
    argument and says what it accepts, never pydantic's multi-line report with its links."""
    before = {p: p.read_bytes() for p in (log.root / "days").rglob("*.md")}
    proc = _started(log, "--write")
    try:
        cases = [
            ("capture", {"text": 123}, "text cannot be 123; give a string"),
            ("capture", {}, "text is required; give a string"),
            ("capture", {"text": "x", "kind": "todo"}, 'kind cannot be "todo"; give one of: did, exp,'),
            ("capture", {"text": "x", "extra": "field"}, "unknown argument 'extra'; capture takes: text,"),
            ("done", {"number": 0}, "number cannot be 0; give a whole number of 1 or more"),
            ("search", {"query": "a", "limit": 0}, "limit cannot be 0; give a whole number from 1 to 100"),
            ("search", {"level": 5}, "level cannot be 5; give a whole number from 0 to 2"),
            ("recent", {"days": 100000}, "days cannot be 100000; give a whole number from 1 to 3660"),
            ("stats", {"topic": "nonsense"}, 'topic cannot be "nonsense"; give one of: time, bugs,'),
            # a number as text, or true, was read as the number (done {"number": "1"} ticked to-do 1)
            ("done", {"number": "1"}, 'number cannot be "1"; give a whole number of 1 or more'),
            ("recent", {"days": True}, "days cannot be true; give a whole number from 1 to 3660"),
            ("search", {"query": "a", "limit": "5"}, 'limit cannot be "5"; give a whole number from 1 to 100'),
            ("search", {"query": "a", "starred": "yes"}, 'starred cannot be "yes"'),
        ]
        for tool, args, expected in cases:
            text = _tool_error(proc, tool, **args)
            assert expected in text, (tool, args, text)
            assert "\n" not in text and "pydantic" not in text and "http" not in text, text
        assert _rpc(proc, b'{"jsonrpc": "2.0", "id": 10, "method": "ping"}')["id"] == 10
    finally:
        _stopped(proc)
    assert {p: p.read_bytes() for p in (log.root / "days").rglob("*.md")} == before


def test_capture_far_from_today_needs_force_as_on_the_cli(log: Log) -> None:
    """A date more than a year away is most likely a year typo: refused as ``reslog did --date``
    refuses it, unless the call passes force: true."""
    proc = _started(log, "--write")
    try:
        for tool in ("capture", "todo"):
            text = _tool_error(proc, tool, text="far", date="2099-01-01")
            assert "2099-01-01 is more than a year from today" in text and "force: true" in text
        assert not (log.root / "days" / "2099").exists()
        forced = _rpc(proc, json.dumps({"jsonrpc": "2.0", "id": 11, "method": "tools/call", "params": {
            "name": "capture", "arguments": {"text": "far", "date": "2099-01-01", "force": True}}}).encode())
        assert forced["result"]["isError"] is False
        assert forced["result"]["structuredContent"]["file"] == "days/2099/2099-01-01.md"
    finally:
        _stopped(proc)


def test_an_id_that_is_no_id_and_bytes_that_are_not_utf8_are_answered(log: Log) -> None:
    """A request whose id is null, a fraction or an object was read as a notification and never
    answered (the client waits for ever); bytes that are not UTF-8 became U+FFFD in the entry a
    capture wrote. Each gets its error; nothing is written."""
    before = log_files(log.root)
    proc = _started(log, "--write")
    try:
        for ident in (b"null", b"14.5", b'{"a": 1}', b"true", b"[1]"):
            reply = _rpc(proc, b'{"jsonrpc": "2.0", "id": ' + ident + b', "method": "tools/list"}')
            assert reply["id"] is None and reply["error"]["code"] == -32600, ident
        reply = _rpc(proc, b'{"jsonrpc": "2.0", "id": 13, "method": "tools/call", "params": '
                           b'{"name": "capture", "arguments": {"text": "bad byte \xff here"}}}')
        assert reply["id"] == 13 and reply["error"]["code"] == -32602
        assert "bytes that are not UTF-8" in reply["error"]["message"]
        assert _rpc(proc, b'{"jsonrpc": "2.0", "id": 8, "method": "ping"}')["id"] == 8
    finally:
        _stopped(proc)
    assert log_files(log.root) == before


def test_a_lone_surrogate_escape_is_answered_under_its_own_id(log: Log) -> None:
    """``"\\ud800"`` is valid JSON but not Unicode text: the request gets an invalid-params error
    with its id (not a parse error with id null, which leaves the client waiting)."""
    proc = _started(log)
    try:
        reply = _rpc(proc, b'{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": '
                           b'{"name": "search", "arguments": {"query": "\\ud800"}}}')
        assert reply["id"] == 7 and reply["error"]["code"] == -32602
        assert "not valid Unicode" in reply["error"]["message"]
        assert _rpc(proc, b"{not json")["error"]["code"] == -32700  # still a parse error
        assert _rpc(proc, b'{"jsonrpc": "2.0", "id": 8, "method": "ping"}')["id"] == 8
    finally:
        _stopped(proc)


PRIVATE_DAY = """\
## What was done
- 09:00 MCPSECRETA therapy notes about the divorce
  #private
- 09:30 exp: MCPPUBLIC sweep of the divorce-free loader
  - feel: MCPSECRETFEEL anxious about the divorce
- 10:00 feel: MCPSECRETFEELTWO sad about the divorce
- 10:30 bug: MCPSECRETBUG divorce papers crash the printer #private
- 10:40 bug: MCPSECRETBUGTWO divorce papers crash the printer again #Private/legal

### Lawyer #private
- 11:00 MCPSECRETSECTION the divorce hearing date
"""
PRIVATE_WEEK = """\
---
week: 2026-W48
---
# Week 2026-W48

## Reflection

MCPSECRETREFL the divorce again
tagged #private

- MCPPUBLICREFL the loader week
"""


def _private(log: Log, run: Run) -> None:
    day_file(log.root, "2026-11-25").write_text(PRIVATE_DAY, encoding="utf-8")
    (log.root / "weeks" / "2026").mkdir(parents=True)
    (log.root / "weeks" / "2026" / "2026-W48.md").write_text(PRIVATE_WEEK, encoding="utf-8")
    assert run("todo", "MCPSECRETTODO call the clinic", "-t", "private").code == 0


def _every_tool(server_log: Log, redact: bool) -> str:
    """What the read tools return about the private day, as one text."""
    out: list[dict[str, Any]] = []

    async def main() -> None:
        async with Client(build(server_log, clock=lambda: NOW, redact=redact)) as client:
            out.append(await call(client, "search", query="divorce"))
            out.append(await call(client, "search"))
            out.append(await call(client, "recent", days=7))
            out.append(await call(client, "day", date="2026-11-25"))
            out.append(await call(client, "week", week="2026-W48"))
            out.append(await call(client, "ask", question="what about the divorce?"))
            out.append(await call(client, "ask", question="how many bugs did I find this week?"))
            out.append(await call(client, "todos"))
            out.append(await call(client, "stats", topic="bugs"))

    anyio.run(main)
    return json.dumps(out)


def test_private_entries_and_feelings_never_reach_the_client(log: Log, run: Run) -> None:
    """Every read tool gave the client (an agent in the cloud) every private entry and feeling."""
    _private(log, run)
    text = _every_tool(log, redact=True)
    assert "MCPSECRET" not in text and "#private" not in text.lower()
    assert "MCPPUBLIC" in text and "MCPPUBLICREFL" in text and "Email Yitao" in text
    everything = _every_tool(log, redact=False)
    for marker in ("MCPSECRETA", "MCPSECRETFEEL", "MCPSECRETBUG", "MCPSECRETREFL", "MCPSECRETTODO",
                   "MCPSECRETSECTION"):
        assert marker in everything, marker


def test_the_day_keeps_its_line_numbers_with_the_private_lines_blank(log: Log, run: Run) -> None:
    _private(log, run)
    out: list[dict[str, Any]] = []

    async def main(client: Client) -> None:
        out.append(await call(client, "day", date="2026-11-25"))

    session(log, main)
    lines = out[0]["text"].split("\n")
    assert lines == ["## What was done", "", "", "- 09:30 exp: MCPPUBLIC sweep of the divorce-free loader",
                     "", "", "", "", "", "", "", ""]


def test_a_real_server_redacts_unless_no_redact(log: Log, run: Run) -> None:
    _private(log, run)
    call_day = {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                "params": {"name": "day", "arguments": {"date": "2026-11-25"}}}
    for args, shown in (((), False), (("--no-redact",), True)):
        proc = _started(log, *args)
        reply = _rpc(proc, json.dumps(call_day).encode())
        _stopped(proc)
        assert reply["id"] == 5 and not reply["result"]["isError"]
        assert ("MCPSECRETA" in json.dumps(reply)) is shown and "MCPPUBLIC" in json.dumps(reply)


DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_done_with_took_replaces_the_time_as_the_docs_say(log: Log, run: Run, clock: Clock) -> None:
    """docs/mcp.md said the write tools "only add lines or tick a box; nothing is overwritten",
    but ``done`` with ``took`` sets the to-do's ``took``, replacing the time it held, as
    ``reslog done --took`` does (format.md section 9)."""
    clock.set("2026-11-26T15:00")
    assert run("todo", "Write the rebuttal [took:: 6h30m]").code == 0
    number = next(n for n, t in enumerate(log.read_day(NOW.date()).tasks(), 1)  # type: ignore[union-attr]
                  if "rebuttal" in t.text)

    async def body(client: Client) -> None:
        done = await call(client, "done", number=number, took="45m")
        assert line_of(log, done["file"], done["line"]) == "- [x] Write the rebuttal [took:: 45m]"

    session(log, body, write=True)
    text = (DOCS / "mcp.md").read_text(encoding="utf-8")
    assert "nothing is overwritten" not in text and "only append." not in text
    assert "`[took:: 6h30m]` becomes\n`[took:: 45m]`" in text


def test_the_sections_docs_mcp_points_to_are_those_it_means() -> None:
    """docs/mcp.md sent readers to "docs/format.md, section 15" (Counts) for ``sync.auto``,
    which section 16.4 describes."""
    text = (DOCS / "mcp.md").read_text(encoding="utf-8")
    headings = {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-"): line
                for line in (DOCS / "format.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("## ") or line.startswith("### ")}
    links = re.findall(r"\[(?:docs/)?format\.md, section ([\d.]+)\]\(format\.md#([\w-]+)\)", text)
    assert links and not re.search(r"format\.md, section [\d.]+\)", text)  # every reference a link
    for number, anchor in links:
        assert anchor in headings, anchor
        assert headings[anchor].lstrip("#").strip().startswith(f"{number}. " if "." not in number
                                                               else f"{number} "), (number, anchor)
    sync = text[text.index("sync.auto = true"):][:300]
    assert "section 16.4](format.md#164-syncauto)" in sync
