"""What the benchmarks share: the cached 10-year log, timing of new processes, jrnl set-up, tables."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
#: The real notebook of ../shared/corpora (Carl Boettiger's lab notebook 2010-2015).
CORPUS = HERE.parent.parent / "shared" / "corpora" / "cboettig-labnotebook"
LOG_10Y = DATA / "log10y"
JOURNAL_10Y = DATA / "journal10y.txt"

# A read on a log that is not fully embedded starts the background embedder (docs/format.md
# section 14); in a benchmark it would compete for the CPU with what is being timed. Every
# process a benchmark starts inherits this; bench_semantic.py embeds in the foreground.
os.environ.setdefault("RESLOG_BACKGROUND", "0")


def ensure_log() -> tuple[Path, Path]:
    """The 10-year log and the same entries as one jrnl journal, generated once and cached."""
    if not (LOG_10Y / "days").is_dir() or not JOURNAL_10Y.is_file():
        shutil.rmtree(LOG_10Y, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(HERE / "genlog.py"), str(LOG_10Y), "--jrnl", str(JOURNAL_10Y)],
            check=True,
        )
        time.sleep(2.1)  # let the files age past the index's racy-mtime window
    return LOG_10Y, JOURNAL_10Y


def reslog_command() -> list[str]:
    """The installed console script, as a user runs it; else ``python -m reslog``."""
    script = Path(sys.executable).with_name("reslog")
    found = str(script) if script.exists() else shutil.which("reslog")
    return [found] if found else [sys.executable, "-m", "reslog"]


def median_seconds(
    cmd: Sequence[str], runs: int, env: dict[str, str] | None = None, ok: Sequence[int] = (0,)
) -> float:
    """Median wall time of ``cmd`` as a new process with its output to a pipe."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


_JRNL_CONFIG = """\
colors: {{body: none, date: none, tags: none, title: none}}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%Y-%m-%d %H:%M'
version: '4.6'
"""


@contextmanager
def jrnl_env(journal: Path, copy: bool = False) -> Iterator[tuple[list[str], dict[str, str]]]:
    """A jrnl command and environment using a private config (never the user's) for ``journal``.

    With ``copy``, jrnl works on a temporary copy of the journal (for writes).
    """
    with tempfile.TemporaryDirectory() as tmp:
        target = journal
        if copy:
            target = Path(tmp) / journal.name
            shutil.copyfile(journal, target)
        config = Path(tmp) / "jrnl.yaml"
        config.write_text(_JRNL_CONFIG.format(journal=target), encoding="utf-8")
        env = {**os.environ, "XDG_CONFIG_HOME": tmp, "XDG_DATA_HOME": tmp, "NO_COLOR": "1"}
        jrnl = shutil.which("jrnl") or "jrnl"
        yield [jrnl, "--config-file", str(config)], env


def print_table(
    rows: Sequence[Sequence[str]], header: Sequence[str] = ("measure", "value", "target", "")
) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
