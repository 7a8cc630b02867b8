"""Embedding never blocks a read: the background worker, its lock, progress, kills and settings.

These tests run real worker processes (``python -m reslog.semantic.worker``),
started by real ``reslog`` processes, and kill them with real signals.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.index import Index
from reslog.semantic import worker
from reslog.semantic.setup import INLINE_TOKENS, prepare
from reslog.semantic.vectors import VECTORS_FILE, coverage
from reslog.store import Log

from .conftest import Result, day_file, write_day

Run = Callable[..., Result]

_TOPICS = [
    "the optimizer diverged right after the learning rate warmup ended and the loss became NaN",
    "profiling the data loader showed that decoding images took most of each training step",
    "the tokenizer dropped accented characters in French titles so the vocabulary was wrong",
    "a reviewer asked for error bars across seeds before we trust the scaling result",
    "switched the evaluation to held-out prompts because the old set leaked into training",
]


def write_log(log_dir: Path, days: int = 60, per_day: int = 5) -> int:
    """Pages of entries of ~30 words each: too many passages for a read to embed itself."""
    n = 0
    for d in range(days):
        day = f"2026-{9 + d // 28:02d}-{1 + d % 28:02d}"
        lines = ["## What was done"]
        for k in range(per_day):
            topic = _TOPICS[(d + k) % len(_TOPICS)]
            lines.append(f"- 09:{10 + k:02d} exp: run {d}-{k}: {topic}; next I will check it again on day {d}")
            n += 1
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def reslog(log_dir: Path, *args: str, background: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RESLOG_DIR": str(log_dir), "RESLOG_BACKGROUND": "1" if background else "0"}
    return subprocess.run([sys.executable, "-m", "reslog", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def vector_count(log_dir: Path) -> int:
    file = log_dir / ".reslog" / VECTORS_FILE
    if not file.exists():
        return 0
    db = sqlite3.connect(file, timeout=30)
    try:
        return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])
    except sqlite3.OperationalError:  # the file is being made
        return 0
    finally:
        db.close()


def wait_for(condition: Callable[[], bool], seconds: float = 240.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


@pytest.fixture
def big_log(log_dir: Path) -> int:
    return write_log(log_dir)


def test_a_read_answers_at_once_and_says_how_much_meaning_search_covers(log_dir: Path, big_log: int) -> None:
    result = reslog(log_dir, "search", "loss became NaN", background=False)
    assert result.returncode == 0, result.stderr
    assert "the optimizer diverged" in result.stdout  # keyword ranking, at once
    assert ("reslog: meaning search covers 0% of the log; `reslog reindex` embeds the rest "
            "(background embedding is off)") in result.stderr.splitlines()
    assert vector_count(log_dir) == 0  # nothing was embedded while the person waited
    assert not (log_dir / ".reslog" / worker.PROGRESS_FILE).exists()


def test_the_background_worker_embeds_the_log_then_exits(log_dir: Path, big_log: int) -> None:
    result = reslog(log_dir, "search", "loss became NaN")
    assert result.returncode == 0, result.stderr
    assert "embedding continues in the background (reslog status shows how far)" in result.stderr
    log = Log(log_dir)
    wait_for(lambda: worker.running(log) or vector_count(log_dir) > 0, 30)
    status = reslog(log_dir, "status")
    assert status.stdout.startswith("Embedding for meaning search: ") or vector_count(log_dir) == big_log
    wait_for(lambda: not worker.running(log) and vector_count(log_dir) == big_log)
    assert not (log_dir / ".reslog" / worker.PROGRESS_FILE).exists()
    after = reslog(log_dir, "search", "--mode", "semantic", "--json", "numerical instability of the optimizer")
    assert after.returncode == 0 and "covers" not in after.stderr
    assert "diverged" in json.loads(after.stdout)[0]["text"]
    assert "Embedding" not in reslog(log_dir, "status").stdout


def test_a_killed_worker_is_resumed_and_loses_nothing(log_dir: Path, big_log: int) -> None:
    log = Log(log_dir)
    proc = subprocess.Popen([sys.executable, "-m", "reslog.semantic.worker", str(log_dir)])
    try:
        wait_for(lambda: vector_count(log_dir) > 0, 120)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    some = vector_count(log_dir)
    assert 0 < some < big_log
    status = reslog(log_dir, "status", background=False)
    assert "Embedding stopped at" in status.stdout and "goes on" in status.stdout
    assert reslog(log_dir, "search", "warmup").returncode == 0  # starts a new worker
    wait_for(lambda: not worker.running(log) and vector_count(log_dir) == big_log)


#: A worker whose model load is where SIGTERM lands, as a C extension turns it: ONNX Runtime's
#: import caught the SystemExit of the stop and raised "ImportError: initialization failed".
_STOPPED_WHILE_LOADING = """
import sys, time
from reslog.semantic import backends, worker

def load(*args, **kwargs):
    try:
        while True:
            time.sleep(0.05)
    except SystemExit as exc:
        raise ImportError("initialization failed") from exc

backends.load = load
sys.exit(worker.main(sys.argv[1:]))
"""


def test_a_worker_stopped_while_it_loads_the_model_stops_and_reports_no_failure(
    log_dir: Path, big_log: int,
) -> None:
    """Under load, reindex stopped a worker while ONNX Runtime was being imported: the worker exited
    1 with a traceback and reported "Embedding failed ... ImportError" (CI caught it once)."""
    log = Log(log_dir)
    with subprocess.Popen([sys.executable, "-c", _STOPPED_WHILE_LOADING, str(log_dir)],
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            wait_for(lambda: (found := worker.progress(log)) is not None and found.pid == proc.pid, 60)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 143, err
    found = worker.progress(log)
    assert found is None or found.error is None


def test_one_worker_at_a_time(log_dir: Path, big_log: int) -> None:
    log = Log(log_dir)
    first = subprocess.Popen([sys.executable, "-m", "reslog.semantic.worker", str(log_dir)])
    try:
        wait_for(lambda: worker.running(log), 60)
        second = subprocess.run([sys.executable, "-m", "reslog.semantic.worker", str(log_dir)], timeout=60)
        assert second.returncode == 0 and first.poll() is None  # the second left at once
    finally:
        first.terminate()
        first.wait(60)
    # SIGTERM: the worker stops at its next batch, keeping what it committed
    assert not worker.running(log)


def test_reindex_stops_the_worker_and_embeds_in_the_foreground(log_dir: Path, big_log: int) -> None:
    log = Log(log_dir)
    proc = subprocess.Popen([sys.executable, "-m", "reslog.semantic.worker", str(log_dir)])
    try:
        wait_for(lambda: worker.running(log), 60)
        result = reslog(log_dir, "reindex")
        assert result.returncode == 0, result.stderr
        assert proc.wait(60) in (0, 143)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert vector_count(log_dir) == big_log
    with Index(log) as index:
        assert prepare(index).complete
    # the stopped worker's report is gone with its work: status said "Embedding stopped at 0 of 0"
    assert not (log_dir / ".reslog" / worker.PROGRESS_FILE).exists()
    assert "Embedding" not in reslog(log_dir, "status", background=False).stdout


def test_ctrl_c_in_reindex_keeps_what_was_embedded(log_dir: Path) -> None:
    # four batches of 256 passages: the first is kept long before the last is done, so Ctrl-C
    # after it lands in the middle of the embedding even on a fast machine
    big_log = write_log(log_dir, days=112, per_day=9)
    env = {**os.environ, "RESLOG_DIR": str(log_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "reslog", "reindex"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: vector_count(log_dir) > 0, 120)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    kept = vector_count(log_dir)
    if proc.returncode == 0:  # the machine was fast enough to finish first
        assert kept == big_log
        return
    assert proc.returncode == 130, err
    assert re.search(r"stopped; [\d,]+ of [\d,]+ passages are embedded and kept", err), err
    assert "Traceback" not in err
    assert kept > 0


def test_the_setting_turns_background_work_off(log_dir: Path, big_log: int) -> None:
    (log_dir / "reslog.toml").write_text("[search]\nbackground = false\n", encoding="utf-8")
    env = {**os.environ, "RESLOG_DIR": str(log_dir)}
    env.pop("RESLOG_BACKGROUND")
    plain = subprocess.run([sys.executable, "-m", "reslog", "search", "warmup"], capture_output=True,
                           text=True, env=env, timeout=120)
    assert plain.returncode == 0, plain.stderr
    assert "`reslog reindex` embeds the rest (background embedding is off)" in plain.stderr
    time.sleep(1)
    assert not worker.running(Log(log_dir)) and vector_count(log_dir) == 0


@pytest.mark.parametrize(("value", "setting", "allowed"), [
    ("0", True, False), ("1", False, True), ("", True, True), ("", False, False), ("off", True, False),
])
def test_the_environment_overrides_the_setting(
    monkeypatch: pytest.MonkeyPatch, value: str, setting: bool, allowed: bool
) -> None:
    from reslog.settings import Settings

    monkeypatch.setenv("RESLOG_BACKGROUND", value)
    assert worker.background_allowed(Settings(background=setting)) is allowed


def test_what_was_just_captured_is_found_by_meaning_at_once(log_dir: Path, big_log: int, run: Run) -> None:
    assert run("reindex").code == 0
    assert run("did", "the GPU ran out of memory with batch size 512").code == 0
    found = run("search", "--mode", "semantic", "--json", "accelerator memory exhausted")
    assert found.code == 0 and "covers" not in found.err
    assert "out of memory" in json.loads(found.out)[0]["text"]
    with Index(Log(log_dir)) as index:
        assert coverage(index, "all-MiniLM-L6-v2/int8").complete
    assert INLINE_TOKENS >= 200  # room for a day of captures


def test_the_week_and_the_digest_of_a_partly_embedded_log(log_dir: Path, big_log: int) -> None:
    """Ideas not embedded yet are grouped by words, counted and said so; none is left out, and
    neither read embeds the log while the person waits."""
    write_day(log_dir, "2026-11-24", "## Random ideas\n- 09:00 average predictions over five random seeds before "
              "comparing\n- 10:00 a tokenizer that keeps accents in French titles\n")
    assert reslog(log_dir, "reindex", background=False).returncode == 0
    embedded = vector_count(log_dir)
    # then a day of bulk notes (more than a read embeds itself) and two new ideas in the same week
    bulk = [f"- 08:{k:02d} {_TOPICS[k % len(_TOPICS)]}, noted again as item {k} of the morning"
            for k in range(60)]
    write_day(log_dir, "2026-11-26", "## What was done\n" + "\n".join(bulk) + "\n## Random ideas\n"
              "- 11:00 report the spread across seeds next to every result\n"
              "- 12:00 normalize unicode accents before tokenizing titles\n")
    done = reslog(log_dir, "digest", "--json", "--week", "2026-W48", background=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["not_embedded"] == 2 and data["grouped_by"] == "embeddings and shared words"
    texts = sorted(e["text"] for theme in data["themes"] for e in theme["entries"])
    assert len(texts) == 4 and any("normalize unicode" in t for t in texts)
    plain = reslog(log_dir, "digest", "--week", "2026-W48", background=False)
    assert "4 ideas from 2026-11-23 to 2026-11-29" in plain.stdout
    assert "(2 not embedded yet, grouped by shared words)" in plain.stdout
    assert "meaning search covers" in plain.stderr
    page = reslog(log_dir, "week", "2026-W48", background=False)
    assert page.returncode == 0, page.stderr
    text = (log_dir / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")
    assert "2 ideas not embedded yet: grouped by shared words" in text
    assert "normalize unicode accents before tokenizing titles" in text
    assert vector_count(log_dir) == embedded  # nothing was embedded while the reads waited


def test_the_time_left_reads_in_seconds_under_a_minute() -> None:
    from reslog.cli.todo_cmds import _time_left

    assert [_time_left(s) for s in (0.2, 3.4, 59.4, 60, 150, 3900)] == ["1s", "3s", "59s", "1m", "2m", "1h05m"]


def test_stop_never_signals_a_process_that_is_not_the_worker(log_dir: Path) -> None:
    """The progress file names a killed worker whose pid now belongs to another program, while
    the lock is held by someone else (a new worker not reported yet, a reindex): stop() waits
    and gives up; it does not send SIGTERM to the stranger."""
    log = Log(log_dir)
    log.ensure_root()
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\ntime.sleep(60)\n", str(log_dir / ".reslog" / worker.LOCK_FILE)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        (log_dir / ".reslog" / worker.PROGRESS_FILE).write_text(json.dumps(
            {"pid": stranger.pid, "done": 10, "total": 100, "rate": 5.0, "updated": time.time()}))
        assert worker.stop(log, timeout=1.0) is None
        assert stranger.poll() is None and holder.poll() is None  # neither was signalled
    finally:
        for process in (stranger, holder):
            process.kill()
            process.wait()
        assert holder.stdout is not None
        holder.stdout.close()
