"""`reslog run` in a tree whose uncommitted changes are too large to keep (real git, real processes).

The limit is 10 MiB; these tests lower it through $RESLOG_DIFF_LIMIT, which exists for them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from .run_helpers import PY, git, make_repo, only_run, reslog


def _repo_with_data(path: Path, lines: int) -> Path:
    """make_repo's repository with a tracked data.csv of ``lines`` lines, committed."""
    repo = make_repo(path)
    (repo / "data.csv").write_text("".join(f"{i},{i * 7 % 1000}\n" for i in range(lines)), encoding="utf-8")
    git(repo, "add", "data.csv")
    git(repo, "commit", "-q", "-m", "data")
    return repo


def _real_diff(repo: Path) -> bytes:
    """What the run hashes: git's own diff of the tree against HEAD, byte for byte."""
    return subprocess.run(["git", "diff", "--binary", "--no-color", "--no-ext-diff", "HEAD"], cwd=repo,
                          capture_output=True, check=True).stdout


def _limited(limit: int) -> dict[str, str]:
    return {**os.environ, "RESLOG_DIFF_LIMIT": str(limit)}


def test_a_diff_over_the_limit_is_hashed_whole_and_summarised_not_kept(log_dir: Path, tmp_path: Path) -> None:
    repo = _repo_with_data(tmp_path / "repo", 20_000)
    (repo / "data.csv").write_text("".join(f"{i},{i * 7 % 999}\n" for i in range(20_000)), encoding="utf-8")
    real = _real_diff(repo)
    assert len(real) > 200_000  # many reads of the pipe, not one
    done = reslog("run", PY, "train.py", cwd=repo, env=_limited(1000))
    assert done.returncode == 0 and done.stdout == "val_loss=0.31 acc=0.874\n"
    entry, folder, meta = only_run(log_dir)
    assert entry.field("dirty") == "yes" and entry.field("val_loss") == "0.31"  # the command ran
    assert not (folder / "diff.patch").exists()
    stat = (folder / "diff.stat").read_text(encoding="utf-8")
    assert "data.csv |" in stat and "1 file changed" in stat and "train.py" not in stat
    assert meta["git"]["diff"] is None and meta["git"]["diff_stat"] == "diff.stat"
    assert meta["git"]["diff_bytes"] == len(real) and meta["git"]["diff_limit"] == 1000
    assert meta["git"]["diff_sha256"] == hashlib.sha256(real).hexdigest()
    # `reslog runs` says so plainly.
    listed = reslog("runs").stdout
    size = f"{len(real) / 1000:.0f} kB"
    assert (f"uncommitted changes: {size}, over the 1.0 kB kept; their summary is in "
            f"{entry.field('run')}/diff.stat") in listed
    # The hash is of the whole diff: the same tree gives no warning on rerun, a changed one does.
    same = reslog("rerun", "1", env=_limited(1000))
    assert same.returncode == 0 and "warning" not in same.stderr
    (repo / "data.csv").write_text("changed again\n", encoding="utf-8")  # a small diff now
    changed = reslog("rerun", "1")
    assert (f"the uncommitted changes differ from run 1's (then: {size}, too large to keep; their summary "
            f"is in {entry.field('run')}/diff.stat)") in changed.stderr


def test_a_diff_under_the_limit_is_kept_exactly_as_git_writes_it(log_dir: Path, tmp_path: Path) -> None:
    repo = _repo_with_data(tmp_path / "repo", 20_000)
    (repo / "data.csv").write_text("".join(f"{i},{i * 7 % 999}\n" for i in range(20_000)), encoding="utf-8")
    real = _real_diff(repo)
    assert reslog("run", "true", cwd=repo).returncode == 0  # the default limit, 10 MiB
    _, folder, meta = only_run(log_dir)
    assert (folder / "diff.patch").read_bytes() == real and not (folder / "diff.stat").exists()
    assert meta["git"]["diff"] == "diff.patch" and "diff_stat" not in meta["git"]
    assert meta["git"]["diff_bytes"] == len(real)
    assert meta["git"]["diff_sha256"] == hashlib.sha256(real).hexdigest()
    assert "uncommitted changes" not in reslog("runs").stdout


def test_the_limit_is_inclusive(log_dir: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "train.py").write_text("print('val_loss=0.25')\n", encoding="utf-8")
    real = _real_diff(repo)
    reslog("run", "true", cwd=repo, env=_limited(len(real)))
    reslog("run", "true", cwd=repo, env=_limited(len(real) - 1))
    folders = sorted(p for p in (log_dir / "runs").rglob("*") if (p / "meta.json").exists())
    kept = [(p / "diff.patch").exists() for p in folders]
    assert sorted(kept) == [False, True]
    at_limit = folders[kept.index(True)]
    assert (at_limit / "diff.patch").read_bytes() == real
