"""Meaning search on real text and on the generated log: embedding, search, ask, memory.

    python benchmarks/bench_semantic.py [--runs 10] [--logs notebook,10y] [--sample 600]

Two logs, side by side:

- ``notebook``: Carl Boettiger's lab notebook (../shared/corpora), imported with
  ``reslog import markdown`` into a fresh temporary log every run, so that its
  embedding is measured from nothing: ``reslog reindex`` as a new process (the
  foreground embedding, ONNX Runtime on every core), its passages, word pieces,
  passages/s, word pieces/s, and GFLOP/s against the model's FLOPs per word
  piece.
- ``10y``: the generated 10-year log (``benchmarks/data/log10y``, embedded once
  and cached; the first run prints how long that took).

On each: ``python -c pass`` (the floor), a keyword search, a hybrid ``reslog
search`` and an offline ``reslog ask`` as new processes (median of ``--runs``,
cached bytecode: PYTHONDONTWRITEBYTECODE is unset for them), the same search and
ask with numpy's BLAS threads set to one a core (numpy's default, the
baseline) and to one (what the command sets when the load average is one a
core or more), at rest and, once each, beside a busy loop on every core; and
the peak memory of a hybrid search. In
process, on ``--sample`` of the notebook's passages, the
two runtimes of the model (numpy, which embeds queries; ONNX Runtime, which
embeds the log, on the graph as reslog.semantic.fuse rewrites it and as
shipped, the baseline) in passages per second and per CPU-second (best of
three rounds, taking turns), and a single-precision
matrix product of numpy's BLAS on this machine as the yardstick of what it can
compute (GFLOP/s). And the query's tokenizer, loaded and used in a new process:
the ``tokenizers`` library from tokenizer.json (the baseline, what a search
used before) against reslog.semantic.wordpiece from the vocabulary list.

Targets (issue 14): the notebook embedded in <= 3 minutes on this 2-core machine;
hybrid search <= 0.5 s and ask <= 1.5 s end to end, on the notebook and on the
10-year log.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import CORPUS, ensure_log, median_seconds, print_table, reslog_command  # noqa: E402

QUERIES = {
    "notebook": ("numerical trouble when the optimizer diverged", "when did I first try a Gaussian process?"),
    "10y": ("the loss went up when training ran longer", "why did the loss spike after the warmup?"),
}
#: all-MiniLM-L6-v2 per word piece: 6 layers x (4 x 384^2 + 2 x 384 x 1536) multiply-adds = 21.2 MFLOP,
#: plus attention, 2 x 6 x 2 x 384 x length multiply-adds per word piece (length: the padded text)
LINEAR_FLOP = 6 * 2 * (4 * 384 * 384 + 2 * 384 * 1536)


def attention_flop(length: float) -> float:
    return 6 * 2 * 2 * 384 * length


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # cached bytecode
    env["RESLOG_BACKGROUND"] = "0"  # the timed reads must not start a worker beside them
    return env


_PEAK = """
import sys
from reslog.cli.entry import main
code = main(sys.argv[1:])
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")), file=sys.stderr)
sys.exit(code)
"""


def _peak_rss_mb(args: list[str]) -> float:
    """Peak resident memory (VmHWM) of ``reslog ARGS`` in a new process, in MB, as it reports it at
    exit (the rusage of a child counts the memory of the parent it was forked from)."""
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, check=True,
                          env=_env())
    line = next(line for line in done.stderr.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def _passages(log_dir: Path) -> list[str]:
    from reslog.chunks import chunks
    from reslog.index import Index
    from reslog.store import Log

    with Index(Log(log_dir)) as index:
        index.refresh()
        rows = index.db.execute("SELECT text, section FROM entries").fetchall()
    return list(dict.fromkeys(p for text, section in rows for p in chunks(text, section)))


def _tokens(passages: list[str]) -> tuple[int, float]:
    """(word pieces, mean padded length per batch as the encoder pads them)."""
    from reslog.semantic import bundled
    from reslog.semantic.minilm import tokenizer

    encoded = tokenizer(bundled.TOKENIZER).encode_batch(passages)  # type: ignore[attr-defined]
    counts = sorted(len(e.ids) for e in encoded)
    return sum(counts), statistics.fmean(counts) if counts else 0.0


def embed_notebook(work: Path) -> dict[str, float]:
    """Import the notebook into a fresh log and embed it with ``reslog reindex``, timed."""
    log = work / "notebook"
    subprocess.run([*reslog_command(), "--dir", str(log), "import", "markdown", str(CORPUS)], check=True,
                   capture_output=True, env=_env())
    subprocess.run([*reslog_command(), "--dir", str(log), "reindex", "--no-embed"], check=True,
                   capture_output=True, env=_env())
    passages = _passages(log)
    tokens, mean = _tokens(passages)
    start = time.perf_counter()
    cpu0 = os.times()
    subprocess.run([*reslog_command(), "--dir", str(log), "reindex"], check=True, capture_output=True,
                   env=_env())
    seconds = time.perf_counter() - start
    cpu1 = os.times()
    cpu = (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
    flop = tokens * (LINEAR_FLOP + attention_flop(mean))
    return {"seconds": seconds, "passages": len(passages), "tokens": tokens, "cpu": cpu,
            "gflops": flop / seconds / 1e9, "flop_per_token": LINEAR_FLOP + attention_flop(mean)}


#: The runtime on the model file as shipped, without reslog.semantic.fuse's rewrite: the baseline
SHIPPED = "ONNX Runtime, the graph as shipped"


def runtimes(passages: list[str], sample: int, rounds: int = 3) -> dict[str, tuple[float, float]]:
    """Per runtime of the model: (passages/s, passages per CPU-second) on the same passages, the
    best of ``rounds``, the runtimes taking turns (a shared machine's slow minute then falls on
    one round of each, not on one runtime)."""
    from reslog.semantic import bundled
    from reslog.semantic.minilm import NumpyMiniLM, OnnxMiniLM

    chosen = random.Random(7).sample(passages, min(sample, len(passages)))
    model, tokenizer, vocab = bundled.verify()
    out: dict[str, tuple[float, float]] = {}
    encoders = (("ONNX Runtime", OnnxMiniLM(model, tokenizer)),
                (SHIPPED, OnnxMiniLM(model, tokenizer, fused=False)), ("numpy", NumpyMiniLM(model, vocab)))
    for _, encoder in encoders:
        encoder.embed(chosen[:16])  # warm
    for _ in range(rounds):
        for name, encoder in encoders:
            wall, cpu = time.perf_counter(), time.process_time()
            encoder.embed(chosen)
            speed = (len(chosen) / (time.perf_counter() - wall), len(chosen) / (time.process_time() - cpu))
            out[name] = max(out.get(name, speed), speed)
    return out


def blas_gflops() -> float:
    """What numpy's BLAS reaches on this machine: a float32 matrix product, GFLOP/s (best of 5)."""
    import numpy as np

    a = np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32)
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        a @ a
        best = max(best, 2 * 2048**3 / (time.perf_counter() - start) / 1e9)
    return best


#: Loading a query's tokenizer and tokenizing one query, as a new process: the library from
#: tokenizer.json (what a search did before) and reslog.semantic.wordpiece from the vocabulary list.
TOKENIZERS = {
    "tokenizers library, tokenizer.json (before)":
        "from reslog.semantic import bundled; from tokenizers import Tokenizer; "
        "t = Tokenizer.from_file(bundled.TOKENIZER); t.no_padding(); t.enable_truncation(256); "
        "t.encode('numerical trouble when the optimizer diverged')",
    "reslog.semantic.wordpiece, minilm-vocab.txt":
        "from reslog.semantic import bundled; from reslog.semantic.wordpiece import WordPiece; "
        "WordPiece.from_file(bundled.VOCAB, 256).encode('numerical trouble when the optimizer diverged')",
}


def query_tokenizers(runs: int) -> list[tuple[str, str, str, str]]:
    """A query's tokenizer, loaded and used in a new process, less ``python -c pass``: the two ways."""
    env = _env()
    floor = median_seconds([sys.executable, "-c", "import reslog"], runs, env=env)
    took = {name: median_seconds([sys.executable, "-c", code], runs, env=env) - floor
            for name, code in TOKENIZERS.items()}
    before = took[next(iter(TOKENIZERS))]
    return [(f"query tokenizer: {name}", f"{seconds * 1000:.0f} ms", "",
             f"{before / max(seconds, 1e-4):.1f}x faster" if seconds != before else "baseline")
            for name, seconds in took.items()]


@contextlib.contextmanager
def _busy_loops(count: int) -> Iterator[None]:
    """``count`` processes that keep a core each busy (a build, another job), for as long as the
    block runs."""
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        time.sleep(2)  # the load they make is what the command reads
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def latencies(name: str, log_dir: Path, runs: int) -> list[tuple[str, str, str, str]]:
    reslog = [*reslog_command(), "--dir", str(log_dir)]
    query, question = QUERIES[name]
    env = _env()
    floor = median_seconds([sys.executable, "-c", "pass"], runs, env=env)
    keyword = median_seconds([*reslog, "search", "--mode", "keyword", query], runs, env=env)
    hybrid = median_seconds([*reslog, "search", query], runs, env=env)
    ask = median_seconds([*reslog, "ask", "--offline", question], runs, env=env)
    # numpy's BLAS threads: one a core (numpy's own choice, which the command keeps at rest) against
    # one (what the command sets on a busy machine), at rest and beside a busy loop on every core
    cores = str(os.cpu_count() or 1)
    threads = {n: {**env, "OPENBLAS_NUM_THREADS": n, "OMP_NUM_THREADS": n} for n in (cores, "1")}

    def timed(env: dict[str, str], n: int) -> tuple[float, float]:
        return (median_seconds([*reslog, "search", query], n, env=env),
                median_seconds([*reslog, "ask", "--offline", question], n, env=env))

    rest = {n: timed(e, runs) for n, e in threads.items()}
    with _busy_loops(int(cores)):
        busy = {n: timed(e, 1) for n, e in threads.items()}
    memory = _peak_rss_mb(["--dir", str(log_dir), "search", query])

    def ok(passed: bool) -> str:
        return "PASS" if passed else "FAIL"

    return [
        (f"{name}: python -c pass", f"{floor * 1000:.0f} ms", "", "floor"),
        (f"{name}: reslog search --mode keyword", f"{keyword * 1000:.0f} ms", "",
         f"{keyword / floor:.1f}x floor"),
        (f"{name}: reslog search (hybrid)", f"{hybrid * 1000:.0f} ms", "<= 500 ms", ok(hybrid <= 0.5)),
        (f"{name}: reslog ask --offline", f"{ask * 1000:.0f} ms", "<= 1500 ms", ok(ask <= 1.5)),
        *[(f"{name}:   search / ask, {label}, BLAS threads one a core, one",
           f"{times[cores][0] * 1000:.0f} / {times[cores][1] * 1000:.0f} ms", "",
           f"{times['1'][0] * 1000:.0f} / {times['1'][1] * 1000:.0f} ms: one thread "
           f"{times['1'][0] / times[cores][0]:.2f}x / {times['1'][1] / times[cores][1]:.2f}x the time")
          for label, times in (("at rest", rest), ("busy (1 run)", busy))],
        (f"{name}: peak memory of a hybrid search", f"{memory:.0f} MB", "", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--logs", default="notebook,10y")
    parser.add_argument("--sample", type=int, default=600, help="notebook passages for the runtimes")
    args = parser.parse_args()
    logs = args.logs.split(",")
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="reslog-bench-") as work:
        if "notebook" in logs:
            if not CORPUS.is_dir():
                sys.exit(f"the notebook is not at {CORPUS}: put ../shared/corpora beside the project")
            done = embed_notebook(Path(work))
            rows += [
                (f"notebook: embed {done['passages']:,} passages, {done['tokens']:,} word pieces "
                 "(reslog reindex)", f"{done['seconds']:.0f} s", "<= 180 s", "PASS" if done["seconds"] <= 180
                 else "FAIL"),
                ("  passages/s, word pieces/s", f"{done['passages'] / done['seconds']:.1f}",
                 "", f"{done['tokens'] / done['seconds']:,.0f} word pieces/s"),
                ("  CPU time (both cores)", f"{done['cpu']:.0f} s", "",
                 f"{done['cpu'] / done['seconds']:.2f} cores busy"),
                (f"  GFLOP/s at {done['flop_per_token'] / 1e6:.1f} MFLOP per word piece",
                 f"{done['gflops']:.0f}", "", ""),
            ]
            blas = blas_gflops()
            rows.append(("  numpy float32 matrix product, this machine", f"{blas:.0f} GFLOP/s", "",
                         f"embedding runs at {done['gflops'] / blas:.0%} of it"))
            speeds = runtimes(_passages(Path(work) / "notebook"), args.sample)
            for runtime, (wall, cpu) in speeds.items():
                ratio = f", {wall / speeds[SHIPPED][0]:.2f}x as shipped" if runtime != SHIPPED else ""
                rows.append((f"  {runtime}, {args.sample} notebook passages in process", f"{wall:.1f}/s", "",
                             f"{cpu:.1f} per CPU-second{ratio}"))
            rows += latencies("notebook", Path(work) / "notebook", args.runs)
        if "10y" in logs:
            log_dir, _ = ensure_log()
            start = time.perf_counter()
            subprocess.run([*reslog_command(), "--dir", str(log_dir), "reindex"], check=True,
                           capture_output=True, env=_env())
            seconds = time.perf_counter() - start
            rows.append(("10y: reslog reindex (embeds what is new; all of it the first time)",
                         f"{seconds:.0f} s", "", ""))
            rows += latencies("10y", log_dir, args.runs)
    rows += query_tokenizers(args.runs)
    print(f"{args.runs} runs; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end")
    print_table(rows)


if __name__ == "__main__":
    main()
