"""Capture speed and memory on an empty log and on the 10-year log, beside jrnl, in one run.

    python benchmarks/bench_capture.py [--runs 20] [--jrnl-runs 3]

Every command runs as a new process with its output to a pipe, as from a
shell; medians over ``--runs``, the three reslog-side commands interleaved so
that drift in the machine hits them alike. The 10-year log (benchmarks/data,
generated once by genlog.py) is copied first, so captures never change the
cached copy. Both logs get one capture before timing: the first capture of a
day makes its page (and on the 10-year log carries the open to-dos over),
which happens once a day, not on every capture.

Targets (DESIGN "capture is instant"): a capture costs <= 3x `python -c pass`;
a capture on the 10-year log costs <= 1.1x one on an empty log; peak memory
(max RSS of the capture process) <= 40 MB; with ``sync.auto = true`` (a git
repository that commits after each capture, in a detached process) a capture
costs <= 1.1x one without (the background commit is waited for outside the
timing, so it does not slow the next command down). jrnl adding one entry to a journal
holding the same entries is shown for comparison (it rewrites the whole
journal, so it takes seconds; hence the separate ``--jrnl-runs``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_log, jrnl_env, print_table, reslog_command, tree_bytes  # noqa: E402

TEXT = "exp: lr=3e-4 on ResNet-18, val acc 71.2% #bench"


def run_once(cmd: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of ``cmd`` as a new process, its output to a pipe."""
    start = time.perf_counter()
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-500:]!r}")
    return elapsed


# Peak memory is read with wait4 from a tiny launcher, not from this process: on
# Linux a child started with vfork (as subprocess does) is charged, at exec, with
# its parent's peak RSS, so wait4 here would report this benchmark's own size.
# The launcher is small (python -S -I, ~8 MB), so what it reports is the child's.
_LAUNCHER = """\
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
scale = 1 if sys.platform == "darwin" else 1024
print(usage.ru_maxrss * scale, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_mb(cmd: Sequence[str], env: dict[str, str] | None = None) -> float:
    """The maximum resident set size of ``cmd`` (and its children), in MB."""
    done = subprocess.run([sys.executable, "-S", "-I", "-c", _LAUNCHER, *cmd],
                          stdin=subprocess.DEVNULL, capture_output=True, env=env, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-500:]}")
    return int(done.stderr.strip().splitlines()[-1]) / 1e6


def clean_interpreter(folder: Path, reslog: Sequence[str]) -> tuple[list[str], list[str]]:
    """``python`` and ``reslog`` commands of a venv that runs no site-packages ``.pth`` hooks.

    Any ``.pth`` file in this interpreter's site-packages runs at every start-up,
    of ``python -c pass`` as of reslog; a hook that imports something (some
    environments import certifi that way) inflates the baseline and flatters
    the ratio. The venv reaches reslog and click through plain path entries, so
    none of those hooks run, as on a plain Python install.
    """
    import click

    import reslog as package

    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    site_dir = next(folder.glob("lib/python3*/site-packages"))
    paths = {Path(package.__file__).resolve().parent.parent, Path(click.__file__).parent.parent}
    (site_dir / "reslog-bench.pth").write_text("".join(f"{p}\n" for p in sorted(paths)))
    python = folder / "bin" / "python"
    if len(reslog) != 1:
        return [str(python), "-c", "pass"], [str(python), "-m", "reslog"]
    script = folder / "bin" / "reslog"  # the installed console script, with the venv's shebang
    lines = Path(reslog[0]).read_text(encoding="utf-8").splitlines()
    script.write_text("\n".join([f"#!{python}", *lines[1:]]) + "\n", encoding="utf-8")
    script.chmod(0o755)
    return [str(python), "-c", "pass"], [str(script)]


def wait_for_commits(log: Path, count: int, timeout: float = 30.0) -> None:
    """Wait until the log's repository holds ``count`` commits (sync.auto commits in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = subprocess.run(["git", "-C", str(log), "rev-list", "--count", "HEAD"], capture_output=True,
                              text=True)
        if done.returncode == 0 and int(done.stdout) >= count:
            return
        time.sleep(0.05)
    raise RuntimeError(f"sync.auto made no commit in {log} within {timeout:.0f} s")


def _ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jrnl-runs", type=int, default=3)
    args = parser.parse_args()

    log10y, journal = ensure_log()
    days = sum(1 for _ in (log10y / "days").rglob("*.md"))
    reslog = reslog_command()
    env = {k: v for k, v in os.environ.items() if k != "RESLOG_DIR"}
    print(f"reslog: {' '.join(reslog)}; 10-year log: {days} pages, "
          f"{tree_bytes(log10y / 'days') / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        empty, big, auto = Path(tmp) / "empty", Path(tmp) / "log10y", Path(tmp) / "auto"
        shutil.copytree(log10y / "days", big / "days")
        clean_python, clean_reslog = clean_interpreter(Path(tmp) / "venv", reslog)
        commands = {
            "pass": [sys.executable, "-c", "pass"],
            "empty": [*reslog, "--dir", str(empty), "did", TEXT],
            "10y": [*reslog, "--dir", str(big), "did", TEXT],
            "clean pass": clean_python,
            "clean 10y": [*clean_reslog, "--dir", str(big), "did", TEXT],
            "auto": [*reslog, "--dir", str(auto), "did", TEXT],
        }
        env = {**env, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}
        auto.mkdir()
        (auto / "reslog.toml").write_text("[sync]\nauto = true\n", encoding="utf-8")
        run_once([*reslog, "--dir", str(auto), "sync", "--local"], env)  # git init, the sync-auto mark
        for name, cmd in commands.items():  # warm-up: today's pages made, carry-over done, caches hot
            run_once(cmd, env)
            if name == "auto":
                wait_for_commits(auto, 2)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for n in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(run_once(cmd, env))
                if name == "auto":  # the background commit, outside the timing
                    wait_for_commits(auto, n + 3)
        rss = {name: max(peak_rss_mb(commands[name], env) for _ in range(min(args.runs, 5)))
               for name in ("pass", "empty", "10y")}
        today = big / "days" / f"{dt.date.today():%Y}" / f"{dt.date.today().isoformat()}.md"
        carried = today.read_text(encoding="utf-8").count("[carried::") if today.exists() else 0

    jrnl_time = None
    if args.jrnl_runs > 0 and shutil.which("jrnl"):
        with jrnl_env(journal, copy=True) as (jrnl, jrnl_vars):
            run_once([*jrnl, "warm-up entry"], jrnl_vars)  # also lets jrnl settle its config
            jrnl_time = statistics.median(
                run_once([*jrnl, f"{TEXT} ({n})"], jrnl_vars) for n in range(args.jrnl_runs)
            )

    med = {name: statistics.median(values) for name, values in times.items()}
    per_pass_empty, per_pass_10y = med["empty"] / med["pass"], med["10y"] / med["pass"]
    growth = med["10y"] / med["empty"]
    peak = rss["10y"]
    clean = med["clean 10y"] / med["clean pass"]
    with_auto = med["auto"] / med["empty"]
    rows = [
        ("python -c pass (baseline)", _ms(med["pass"]), "", ""),
        ("reslog did, empty log", _ms(med["empty"]), "", ""),
        ("reslog did, 10-year log", _ms(med["10y"]), "", ""),
        ("  capture (empty) / python -c pass", f"{per_pass_empty:.2f}x", "<= 3x",
         _ok(per_pass_empty <= 3)),
        ("  capture (10-year) / python -c pass", f"{per_pass_10y:.2f}x", "<= 3x",
         _ok(per_pass_10y <= 3)),
        ("  capture 10-year / capture empty", f"{growth:.3f}x", "<= 1.1x", _ok(growth <= 1.1)),
        ("python -c pass, clean interpreter", _ms(med["clean pass"]), "", ""),
        ("reslog did, 10-year log, clean interpreter", _ms(med["clean 10y"]), "", ""),
        ("  capture / python -c pass, both clean", f"{clean:.2f}x", "<= 3x", _ok(clean <= 3)),
        ("reslog did, empty log, sync.auto = true", _ms(med["auto"]), "", ""),
        ("  capture with sync.auto / capture empty", f"{with_auto:.3f}x", "<= 1.1x", _ok(with_auto <= 1.1)),
        ("peak RSS, capture on the 10-year log", f"{peak:.1f} MB", "<= 40 MB", _ok(peak <= 40)),
        ("  peak RSS, capture on the empty log", f"{rss['empty']:.1f} MB", "", ""),
        ("  peak RSS, python -c pass", f"{rss['pass']:.1f} MB", "", ""),
    ]
    if jrnl_time is not None:
        rows.append(("jrnl add, same entries in one journal", f"{jrnl_time:.2f} s", "", ""))
        rows.append(("  jrnl / reslog capture (10-year)", f"{jrnl_time / med['10y']:.0f}x",
                     "(for comparison)", ""))
    else:
        rows.append(("jrnl", "not run (--jrnl-runs 0 or jrnl not installed)", "", "n/a"))
    print_table(rows)
    print(f"(machine: {os.cpu_count()} cores, {platform.machine()}, Python "
          f"{platform.python_version()}; runs: {args.runs}, jrnl runs: {args.jrnl_runs}; "
          f"the 10-year capture's first run carried {carried} open to-do{'' if carried == 1 else 's'}; "
          f"{dt.date.today()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
