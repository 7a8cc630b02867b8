"""`reslog serve` on the 10-year log, side by side with the CLI in one run.

    python benchmarks/bench_web.py [--requests 2000] [--connections 20] [--runs 5]
                                   [--vectors embed|fill|none]

The 10-year log (``benchmarks/genlog.py``) is copied to a temporary folder with its index and
vectors, so the cached log never changes. ``--vectors embed`` (the default) embeds the cached
log once, as ``bench_semantic.py`` does (about 13 minutes on an idle 2-core machine, hours on a
busy one); ``--vectors fill`` gives the copy's passages that have no vector yet a random unit
vector instead, through the same store (``reslog.semantic.vectors.update`` with a stand-in
model of the same name): hybrid search then does exactly the work it does on a fully embedded
log (embed the query with the real model, score every vector, fuse), for timing only, since
those passages' scores mean nothing; ``--vectors none`` turns semantic search off. Then, in one
run:

* the CLI, each command a new process with its output to a pipe (median of ``--runs``): a
  capture, ``reslog today``, a keyword and a hybrid ``reslog search``, ``reslog ask --offline``,
  ``reslog week``;
* the server, started as a user starts it (``reslog serve --port 0 --token ...``, a new
  process): the time from launch until it answers; then, one client on one keep-alive
  connection: the today page (p50/p95 of 200), a capture POST until its line is in the file
  (p95 of 100; the file is read back after each answer), search as you type (the requests a
  search box makes while "learning rate warmup" is typed, hybrid once the server's vectors are
  loaded; p95), ask (median of ``--runs``), the week page (its first view, which refreshes the
  review as ``reslog week`` does, and the median of the next views, which reuse it);
* a bounded load: ``--requests`` requests over ``--connections`` connections at once, a mix of
  the today page, search and capture: errors, lost captures (every capture's line is looked
  for in the file afterwards), p50/p95 of each kind;
* the server's resident memory (VmRSS) after all that.

Targets (issue 11): server start <= 1.5 s; today page p95 <= 50 ms; capture p95 <= 50 ms;
search as you type p95 <= 150 ms (hybrid); ask <= 1.5 s; week page <= 1 s; memory after 2,000
requests <= 300 MB; the load: 0 errors, 0 lost captures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_log, median_seconds, print_table, reslog_command  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"
TYPED = "learning rate warmup"
QUESTION = "why did the loss spike after the warmup?"


def _env() -> dict[str, str]:
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode is what users run
    return env


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


class Client:
    """One keep-alive connection to the server, signed in by bearer token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Authorization": f"Bearer {TOKEN}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return 0, b"", time.perf_counter() - start
        return response.status, payload, time.perf_counter() - start


def _start_server(log: Path) -> tuple[subprocess.Popen[str], int, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([*reslog_command(), "--dir", str(log), "serve", "--port", "0", "--token", TOKEN],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=_env())
    assert proc.stderr is not None
    port = None
    for line in proc.stderr:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/login", line)
        if found:
            port = int(found.group(1))
            break
    if port is None:
        raise RuntimeError("reslog serve printed no address")
    threading.Thread(target=lambda: proc.stderr.read() if proc.stderr else None, daemon=True).start()
    client = Client(port)
    while True:
        status, _, _ = client.call("GET", "/api/status")
        if status == 200:
            break
        time.sleep(0.01)
    return proc, port, time.perf_counter() - start


class _RandomModel:
    """Stands in for the embedding model when filling vectors: random unit vectors, same name."""

    def __init__(self, name: str) -> None:
        import numpy as np

        self.name = name
        self._rng = np.random.default_rng(1)

    def embed(self, texts: list[str], progress: object = None) -> object:
        import numpy as np

        matrix = self._rng.standard_normal((len(texts), 384)).astype(np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _fill_vectors(log: Path) -> int:
    from reslog.index import Index
    from reslog.semantic.vectors import missing, update
    from reslog.settings import DEFAULT_MODEL
    from reslog.store import Log

    with Index(Log(log)) as index:
        index.refresh()
        count = len(missing(index, DEFAULT_MODEL))
        update(index, _RandomModel(DEFAULT_MODEL))  # type: ignore[arg-type]
    return count


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def _today_file(log: Path) -> Path:
    day = time.strftime("%Y-%m-%d")
    return log / "days" / day[:4] / f"{day}.md"


def _typed_queries() -> list[str]:
    return [TYPED[:n] for n in range(3, len(TYPED) + 1) if TYPED[n - 1] != " "]


def _wait_semantic(client: Client, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    state = "off"
    while time.monotonic() < deadline:
        _, body, _ = client.call("GET", "/api/status")
        state = json.loads(body)["semantic"]
        if state != "warming":
            return state
        time.sleep(0.2)
    return state


def _load(port: int, log: Path, requests: int, connections: int) -> dict[str, list[float]]:
    """``requests`` requests over ``connections`` connections: today, search, capture in turn."""
    times: dict[str, list[float]] = {"today": [], "search": [], "capture": [], "errors": []}
    lock = threading.Lock()
    captured: list[str] = []
    counter = iter(range(requests))

    def worker(_: int) -> None:
        client = Client(port)
        for i in counter:
            kind = ("today", "search", "capture")[i % 3]
            if kind == "today":
                status, _, took = client.call("GET", "/")
            elif kind == "search":
                status, _, took = client.call("GET", f"/api/search?q={quote(_typed_queries()[i % 12])}")
            else:
                text = f"load capture {i}"
                status, _, took = client.call("POST", "/api/entries", {"text": text})
                if status == 201:
                    with lock:
                        captured.append(text)
            with lock:
                times[kind].append(took)
                if status not in (200, 201):
                    times["errors"].append(float(status))

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(worker, range(connections)))
    text = _today_file(log).read_text(encoding="utf-8")
    lines = set(text.splitlines())
    times["lost"] = [1.0 for c in captured if not any(line.endswith(" " + c) for line in lines)]
    times["captured"] = [1.0] * len(captured)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vectors", choices=("embed", "fill", "none"), default="embed")
    args = parser.parse_args()
    cached, _ = ensure_log()
    if args.vectors == "embed":  # embeds what has no vector yet (all of it the first time: minutes)
        subprocess.run([*reslog_command(), "--dir", str(cached), "reindex"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log10y"
        shutil.copytree(cached, log)
        if args.vectors == "none":
            (log / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
        elif args.vectors == "fill":
            print(f"filled {_fill_vectors(log)} passages without a vector with random ones (timing only)")
        reslog = [*reslog_command(), "--dir", str(log)]
        env = _env()
        subprocess.run([*reslog, "did", "first capture of the day"], check=True, env=env, capture_output=True)
        cli = {
            "capture": median_seconds([*reslog, "did", "a bench capture"], args.runs, env),
            "today": median_seconds([*reslog, "today"], args.runs, env),
            "search_kw": median_seconds([*reslog, "search", "--mode", "keyword", TYPED], args.runs, env),
            "search": median_seconds([*reslog, "search", TYPED], args.runs, env),
            "ask": median_seconds([*reslog, "ask", "--offline", QUESTION], args.runs, env),
            "week": median_seconds([*reslog, "week"], args.runs, env),
        }
        starts = []
        for _ in range(3):
            proc, _port, took = _start_server(log)
            starts.append(took)
            proc.terminate()
            proc.wait(timeout=30)
        proc, port, _ = _start_server(log)
        try:
            client = Client(port)
            semantic = _wait_semantic(client, 1800)
            today = [client.call("GET", "/")[2] for _ in range(200)]
            captures = []
            for i in range(100):
                text = f"timed capture {i}"
                status, body, took = client.call("POST", "/api/entries", {"text": text})
                written = json.loads(body)
                line = _today_file(log).read_text(encoding="utf-8").splitlines()[written["line"] - 1]
                assert status == 201 and line.endswith(text), (status, line)
                captures.append(took)
            typed = []
            for _ in range(3):
                for query in _typed_queries():
                    status, _, took = client.call("GET", f"/search/results?q={quote(query)}")
                    assert status == 200
                    typed.append(took)
            search_mode = json.loads(client.call("GET", "/api/status")[1])["semantic"]
            asks = [client.call("GET", f"/api/ask?q={quote(QUESTION)}")[2] for _ in range(args.runs)]
            weeks = [client.call("GET", "/week")[2] for _ in range(args.runs)]
            load = _load(port, log, args.requests, args.connections)
            rss = _rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    def ok(passed: bool) -> str:
        return "PASS" if passed else "FAIL"

    start = statistics.median(starts)
    p95 = {name: _quantile(values, 0.95) for name, values in
           (("today", today), ("capture", captures), ("typed", typed))}
    ask = statistics.median(asks)
    week, week_again = weeks[0], statistics.median(weeks[1:] or weeks)
    rows = [
        ("server start (launch to first answer)", _ms(start), "<= 1.5 s", ok(start <= 1.5)),
        ("today page p50 / p95", f"{_ms(_quantile(today, 0.5))} / {_ms(p95['today'])}", "p95 <= 50 ms",
         ok(p95["today"] <= 0.05)),
        ("  reslog today (new process)", _ms(cli["today"]), "", "CLI"),
        ("capture POST until in the file p50 / p95",
         f"{_ms(_quantile(captures, 0.5))} / {_ms(p95['capture'])}", "p95 <= 50 ms",
         ok(p95["capture"] <= 0.05)),
        ("  reslog did (new process)", _ms(cli["capture"]), "", "CLI"),
        (f"search as you type p50 / p95 ({search_mode})",
         f"{_ms(_quantile(typed, 0.5))} / {_ms(p95['typed'])}", "p95 <= 150 ms",
         ok(p95["typed"] <= 0.15) + ("" if search_mode == "ready" else " (not hybrid)")),
        ("  reslog search --mode keyword", _ms(cli["search_kw"]), "", "CLI"),
        ("  reslog search (hybrid)", _ms(cli["search"]), "", "CLI"),
        ("ask (median)", _ms(ask), "<= 1.5 s", ok(ask <= 1.5)),
        ("  reslog ask --offline", _ms(cli["ask"]), "", "CLI"),
        ("week page, first view (refreshes the review)", _ms(week), "<= 1 s", ok(week <= 1.0)),
        ("  week page again, nothing changed (median)", _ms(week_again), "", ""),
        ("  reslog week", _ms(cli["week"]), "", "CLI"),
    ]
    errors, lost = len(load["errors"]), len(load["lost"])
    rows += [
        (f"load: {args.requests} requests over {args.connections} connections", f"{errors} errors",
         "0 errors", ok(errors == 0)),
        ("  captures lost", f"{lost} of {len(load['captured'])}", "0", ok(lost == 0)),
    ]
    for kind in ("today", "search", "capture"):
        values = load[kind]
        rows.append((f"  {kind} under load p50 / p95 (n={len(values)})",
                     f"{_ms(_quantile(values, 0.5))} / {_ms(_quantile(values, 0.95))}", "report", ""))
    rows.append((f"server memory after {args.requests + 400} requests", f"{rss:.0f} MB", "<= 300 MB",
                 ok(rss <= 300)))
    print(f"10-year log copy; {args.runs} runs; {os.cpu_count()} cores; semantic: {semantic}")
    print_table(rows)


if __name__ == "__main__":
    main()
