"""What the tests of `reslog run` share: reslog as a real process, the run folders, a git repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from reslog import markdown
from reslog.model import Entry

#: A Python that prints a line and flushes, for children that must say when they are ready.
PY = sys.executable


def reslog(*args: str, cwd: Path | None = None, stdin: str | None = None,
           env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``reslog ARGS`` as a new process (the log is $RESLOG_DIR, set for every test), by default in
    the test's own folder (not in this repository's work tree)."""
    cwd = cwd or Path(os.environ["RESLOG_DIR"]).parent
    return subprocess.run([sys.executable, "-m", "reslog", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def popen(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    """``reslog ARGS`` started in the test's folder, its output to pipes."""
    kwargs.setdefault("cwd", Path(os.environ["RESLOG_DIR"]).parent)
    return subprocess.Popen([sys.executable, "-m", "reslog", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def run_entries(log: Path) -> list[Entry]:
    """The run entries of every day page, oldest first."""
    found = []
    for path in sorted((log / "days").rglob("*.md")):
        page = markdown.parse(path.read_text(encoding="utf-8"))
        found += [e for e in page.entries() if e.kind == "exp" and e.field("run")]
    return found


def only_run(log: Path) -> tuple[Entry, Path, dict[str, Any]]:
    """The one run of the log: its entry, its folder, its meta.json."""
    (entry,) = run_entries(log)
    folder = log / (entry.field("run") or "")
    return entry, folder, json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(repo.parent)}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True).stdout


def make_repo(path: Path) -> Path:
    """A git repository with one commit on branch main: train.py."""
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "train.py").write_text("print('val_loss=0.31 acc=0.874')\n", encoding="utf-8")
    git(path, "add", "train.py")
    git(path, "commit", "-q", "-m", "first")
    return path


def write_settings(log: Path, text: str) -> None:
    log.mkdir(parents=True, exist_ok=True)
    (log / "reslog.toml").write_text(text, encoding="utf-8")
