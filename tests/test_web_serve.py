"""`reslog serve` as a user runs it (a real process, signals), and hybrid search in the server.

The semantic test loads the bundled model (the `semantic` extra) in the server's background
thread and checks that search finds an entry by its meaning, including one captured after the
server started; it is skipped when the extra is missing, except under CI.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
if not ON_CI:
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'reslog[web]'")

from reslog.cli.entry import main  # noqa: E402

from .web_harness import serving  # noqa: E402


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_a_sign_in_address_and_stops_on_a_signal(log_dir: Path, stop: signal.Signals) -> None:
    assert main(["did", "a private note"]) == 0
    proc = subprocess.Popen([sys.executable, "-m", "reslog", "serve", "--port", "0"],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "RESLOG_DIR": str(log_dir)})
    try:
        assert proc.stderr is not None
        lines = [proc.stderr.readline() for _ in range(3)]
        found = re.search(r"http://127\.0\.0\.1:(\d+)/login\?token=([\w-]+)", "".join(lines))
        assert found, lines
        port, token = int(found.group(1)), found.group(2)
        assert len(token) >= 24
        deadline = time.monotonic() + 20
        while True:
            try:
                status, _, body = _get(port, "/")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert status == 401 and b"private note" not in body
        status, headers, _ = _get(port, f"/login?token={token}")
        assert status == 303
        cookie = headers["set-cookie"].split(";", 1)[0]
        status, _, body = _get(port, "/", {"Cookie": cookie})
        assert status == 200 and b"a private note" in body
        # a tab left open, listening for changes, does not hold the shutdown up
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        day = next(log_dir.rglob("days/*/*.md")).relative_to(log_dir).as_posix()
        stream.request("GET", f"/events?file={day}", headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie})
        assert stream.getresponse().readline() == b"retry: 1000\n"
    finally:
        proc.send_signal(stop)
        _out, err = proc.communicate(timeout=20)
    stream.close()
    assert proc.returncode in (0, -stop), err  # uvicorn shuts down cleanly on either signal
    assert "Traceback" not in err and "timeout graceful shutdown" not in err
    if stop == signal.SIGINT:  # Ctrl-C: a clean stop, said so
        assert proc.returncode == 0 and "reslog: stopped" in err and "Traceback" not in err


def test_serve_refuses_a_missing_log(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "reslog", "--dir", str(tmp_path / "nothing"), "serve"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "there is no log at" in done.stderr and "Traceback" not in done.stderr


def test_serve_says_which_option_to_change_when_it_cannot_listen() -> None:
    """A host that is not one of this machine's addresses was told to choose another --port."""
    from reslog.errors import LogError
    from reslog.web.server import bind

    taken = bind("127.0.0.1", 0)
    try:
        with pytest.raises(LogError, match=r"Address already in use; choose another with --port$"):
            bind("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()
    with pytest.raises(LogError, match=r"choose another with --host \(an address of this machine\)$"):
        bind("192.0.2.1", 0)  # TEST-NET-1: no machine has it


def _semantic_installed() -> bool:
    from reslog.semantic import backends

    return backends.installed()


@pytest.mark.skipif(not ON_CI and not _semantic_installed(),
                    reason="the semantic extra is not installed: pip install 'reslog[semantic]'")
def test_hybrid_search_in_the_server_finds_by_meaning(log_dir: Path) -> None:
    assert main(["exp", "the optimizer diverged right after the warmup ended"]) == 0
    assert main(["did", "booked the train to the workshop"]) == 0
    with serving(log_dir, semantic=True) as server:
        deadline = time.monotonic() + 180
        while server.api("GET", "/api/status").json()["semantic"] == "warming":
            assert time.monotonic() < deadline, "the server's vectors never loaded"
            time.sleep(0.2)
        assert server.api("GET", "/api/status").json()["semantic"] == "ready"
        hits = server.api("GET", "/api/search?q=loss+exploded+when+the+LR+ramp-up+stopped").json()
        assert hits and "diverged right after the warmup" in hits[0]["text"]  # no shared word
        page = server.browser("GET", "/search/results?q=loss+exploded+when+the+LR+ramp-up+stopped")
        assert "diverged right after the warmup" in page.text and "hybrid" in page.text
        # captured after the server started: found by meaning once the worker has embedded it
        assert server.api("POST", "/api/entries", {"text": "bug: the dataloader silently skipped the final "
                                                          "minibatch"}).status == 201
        deadline = time.monotonic() + 60
        while True:
            hits = server.api("GET", "/api/search?q=last+batch+of+data+was+dropped&mode=semantic").json()
            if hits and "dataloader silently skipped" in hits[0]["text"]:
                break
            assert time.monotonic() < deadline, hits
            time.sleep(0.3)
        answer = server.api("GET", "/api/ask?q=why+did+the+training+blow+up+after+warmup").json()
        assert not answer["abstained"] and "diverged" in json.dumps(answer)
