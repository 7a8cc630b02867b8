"""The README opens with the two commands a newcomer needs, and they are true."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)


def test_readme_opens_with_install_and_run_then_install_and_test() -> None:
    first, second = (b.strip() for b in _blocks()[:2])
    assert first.startswith('pip install -e ".[semantic,web]" && reslog ')
    assert second == 'pip install -e ".[dev]" && python -m pytest'
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()


def test_the_first_command_runs(tmp_path: Path) -> None:
    first = _blocks()[0].strip()
    steps = first.split(" && ")[1:]  # the install itself is what CI just did
    env = {"RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    outputs = []
    for step in steps:
        args = shlex.split(step)
        assert args[0] == "reslog"
        done = subprocess.run([sys.executable, "-m", "reslog", *args[1:]], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert "Set up my research log" in outputs[-1]
    assert list((tmp_path / "log" / "days").rglob("*.md"))
