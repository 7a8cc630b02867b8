"""The overhead of `reslog run`, beside the bare command, in one run.

    python benchmarks/bench_run.py [--runs 30] [--size-mb 1024] [--pipe-runs 3]

1. Start-up: `reslog run -- true` against `true`, each as a new process with
   its output to a pipe, medians over ``--runs``, interleaved so that drift in
   the machine hits them alike; `reslog run` both in a plain folder and in a
   small git work tree (where it also reads the commit, branch and status).
   Target: median <= median of `true` + 150 ms. `python -c pass` and a
   capture (`reslog did`) are timed alongside, for the machine's scale.
2. Throughput: ``--size-mb`` of text (1 GB by default, written once into a
   temporary file and read once so that it is in the page cache) piped
   through `reslog run -- cat FILE` against `cat FILE` alone, the benchmark
   reading the pipe in 1 MiB reads and dropping the bytes; medians over
   ``--pipe-runs``, interleaved. The default output cap (50 MB) applies, so
   the run keeps the first and last 25 MB. Target: >= 80% of the throughput
   of `cat` alone. The CPU time of each (user + system, the command and
   reslog together) is shown beside.

The installed console script next to ``sys.executable`` is timed, with
PYTHONDONTWRITEBYTECODE unset (cached bytecode is what users run), against a
temporary log. Everything temporary, the big file included, is deleted at the
end, also on an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import print_table, reslog_command  # noqa: E402

STARTUP_TARGET_MS = 150.0
THROUGHPUT_TARGET = 0.80


def _once(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``cmd`` as a new process, its output to a pipe."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env, cwd=cwd)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-500:]!r}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _piped(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[int, float, float]:
    """(bytes read from the command's stdout, wall seconds, CPU seconds of the command)."""
    buffer = bytearray(1 << 20)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    assert process.stdout is not None
    fd = process.stdout.fileno()
    total = 0
    while size := os.readv(fd, [buffer]):
        total += size
    process.stdout.close()
    code = process.wait()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return total, elapsed, cpu


def _repository(path: Path) -> Path:
    path.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        if args[0] == "add":
            for n in range(20):
                (path / f"module{n}.py").write_text(f"VALUE = {n}\n" * 50, encoding="utf-8")
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)
    return path


def _big_file(path: Path, size: int) -> int:
    block = b"".join(b"step %07d loss=%.5f acc=%.5f lr=3e-4\n" % (i, 1 / (i + 1), i / 1e6)
                     for i in range(25_000))
    with open(path, "wb") as file:
        written = 0
        while written < size:
            file.write(block)
            written += len(block)
    with open(path, "rb") as file:  # into the page cache, for both sides alike
        while file.read(1 << 24):
            pass
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--pipe-runs", type=int, default=3)
    args = parser.parse_args()
    reslog = reslog_command()
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["RESLOG_DIR"] = str(root / "log")
        plain = root / "work"
        plain.mkdir()
        repo = _repository(root / "repo")

        # 1. start-up
        cases = {"true": (["true"], plain), "reslog run -- true": ([*reslog, "run", "--", "true"], plain),
                 "reslog run -- true (in a git work tree)": ([*reslog, "run", "--", "true"], repo),
                 "python -c pass": ([sys.executable, "-c", "pass"], plain),
                 "reslog did TEXT": ([*reslog, "did", "a capture"], plain)}
        for cmd, cwd in cases.values():
            _once(cmd, env, cwd)  # warm: bytecode cached, the day's page made
        times: dict[str, list[float]] = {name: [] for name in cases}
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (cmd, cwd) in cases.items():
                wall, used = _once(cmd, env, cwd)
                times[name].append(wall)
                cpu[name].append(used)
        base = statistics.median(times["true"]) * 1000

        def used(name: str) -> str:
            return f"(CPU {statistics.median(cpu[name]) * 1000:.0f} ms)"

        rows.append(("`true`, median", f"{base:.1f} ms", "", used("true")))
        for name in list(cases)[1:3]:
            value = statistics.median(times[name]) * 1000
            over = value - base
            verdict = "PASS" if over <= STARTUP_TARGET_MS else "FAIL"
            rows.append((f"`{name}`, median", f"{value:.1f} ms (+{over:.1f})",
                         f"<= true + {STARTUP_TARGET_MS:.0f} ms", f"{verdict} {used(name)}"))
        for name in list(cases)[3:]:  # the machine's own scale: an interpreter, a capture
            rows.append((f"`{name}`, median", f"{statistics.median(times[name]) * 1000:.1f} ms", "",
                         f"(for scale) {used(name)}"))

        # 2. throughput
        big = root / "big.txt"
        try:
            size = _big_file(big, args.size_mb * 1024 * 1024)
            flows = {"cat FILE": ["cat", str(big)],
                     "reslog run -- cat FILE": [*reslog, "run", "--", "cat", str(big)]}
            walls: dict[str, list[float]] = {name: [] for name in flows}
            cpus: dict[str, list[float]] = {name: [] for name in flows}
            for _ in range(args.pipe_runs):
                for name, cmd in flows.items():
                    got, wall, cpu = _piped(cmd, env, plain)
                    if got != size:
                        raise RuntimeError(f"{name} passed {got} bytes of {size}")
                    walls[name].append(wall)
                    cpus[name].append(cpu)
        finally:
            big.unlink(missing_ok=True)
        speed = {name: size / statistics.median(w) / 1e6 for name, w in walls.items()}
        for name in flows:
            rows.append((f"`{name}` piped, {size / 1e9:.2f} GB", f"{speed[name]:,.0f} MB/s",
                         "", f"(CPU {statistics.median(cpus[name]):.2f} s)"))
        ratio = speed["reslog run -- cat FILE"] / speed["cat FILE"]
        rows.append(("throughput of reslog run / cat alone", f"{ratio:.0%}",
                     f">= {THROUGHPUT_TARGET:.0%}", "PASS" if ratio >= THROUGHPUT_TARGET else "FAIL"))
        shutil.rmtree(root / "log", ignore_errors=True)
    print(f"{platform.machine()}, {os.cpu_count()} CPUs, Linux {platform.release()}, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; {args.runs} start-up runs, "
          f"{args.pipe_runs} pipe runs")
    print_table(rows)
    return 0 if all(not row[3].startswith("FAIL") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
