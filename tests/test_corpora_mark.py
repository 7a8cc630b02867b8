"""The suite on a fresh clone: tests that read ../shared/corpora skip with one reason when it is
absent, and fail under CI instead of skipping (tests/conftest.py, the ``corpora`` mark).

Each case runs pytest in a real process on a copy of the project's conftest laid in a folder
that has no ``../shared`` beside it, as a fresh clone would be.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import CORPORA, CORPORA_ABSENT, ON_CI, ROOT

_TESTS = '''\
from .conftest import corpora


@corpora
def test_reads_the_notebook() -> None:
    raise AssertionError("a corpora test ran although the corpora are absent")


@corpora
def test_reads_the_fixtures() -> None:
    raise AssertionError("a corpora test ran although the corpora are absent")


def test_needs_nothing() -> None:
    assert True
'''


def _clone(tmp_path: Path) -> Path:
    project = tmp_path / "clone" / "project"
    tests = project / "tests"
    tests.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "conftest.py", tests / "conftest.py")
    (tests / "__init__.py").write_text("", encoding="utf-8")
    (tests / "test_sample.py").write_text(_TESTS, encoding="utf-8")
    assert not (project.parent / "shared").exists()
    return project


def _pytest(project: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )


def test_absent_corpora_skip_with_one_reason(tmp_path: Path) -> None:
    done = _pytest(_clone(tmp_path), ci=None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 2 skipped" in done.stdout
    reasons = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(reasons) == 1 and reasons[0].startswith("SKIPPED [2] ")  # one line: one reason
    assert reasons[0].endswith(CORPORA_ABSENT)


def test_absent_corpora_fail_under_ci(tmp_path: Path) -> None:
    done = _pytest(_clone(tmp_path), ci="true")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed, 2 errors" in done.stdout and "skipped" not in done.stdout
    assert "CI is set but" in done.stdout and "shared/corpora is missing" in done.stdout


def test_ci_checks_the_corpora_before_it_starts(tmp_path: Path) -> None:
    """.ci/run stops at once, with the reason, when the corpora are not beside the checkout."""
    project = _clone(tmp_path)
    (project / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", project / ".ci" / "run")
    done = subprocess.run(["bash", str(project / ".ci" / "run")], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert done.stderr == ("ci: ../shared/corpora is missing beside the checkout; the tests that read it "
                           "must run on CI\n")
    if ON_CI:
        assert CORPORA.is_dir()
