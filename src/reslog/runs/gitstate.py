"""The state of the code a run starts from: commit, branch, and what is not committed.

Read with the ``git`` command in the run's working folder, before the command
starts, without taking git's locks (``--no-optional-locks``), so a run never
blocks or disturbs a git command of the researcher's. A tree is **dirty** when
a tracked file differs from HEAD (staged or not) or an untracked file is not
ignored: an untracked ``model.py`` changes a run as much as an edited one.
Outside a work tree, or without git, a run has no git state.
"""

from __future__ import annotations

import os

from reslog.records import Record
from reslog.runs.process import Helper, find_program, output_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

_GIT = ("git", "--no-optional-locks", "-c", "core.quotepath=off")


class GitState(Record):
    """Where the code stood: ``commit`` is None in a repository with no commit yet."""

    __slots__ = ("branch", "commit", "diff", "dirty", "untracked")
    commit: Final[str | None]
    branch: Final[str | None]
    dirty: Final[bool]
    diff: Final[bytes]
    untracked: Final[tuple[str, ...]]

    def __init__(self, commit: str | None, branch: str | None, dirty: bool, diff: bytes,
                 untracked: tuple[str, ...]) -> None:
        self.commit = commit
        self.branch = branch
        self.dirty = dirty
        self.diff = diff
        self.untracked = untracked

    @property
    def diff_sha256(self) -> str:
        import hashlib  # only for a dirty tree: it costs a run's start-up as much as git does

        return hashlib.sha256(self.diff).hexdigest()


def _git(cwd: str, *args: str) -> bytes | None:
    """Standard output of a git command; None if it fails."""
    done = output_of([*_GIT, *args], cwd)
    return done[1] if done is not None and done[0] == 0 else None


def _maybe_repository(cwd: str) -> bool:
    """Whether ``cwd`` or a folder above it holds ``.git`` (or git is pointed elsewhere by
    GIT_DIR): outside a repository, git is not started at all."""
    if "GIT_DIR" in os.environ:
        return True
    folder = os.path.abspath(cwd)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def read_state(cwd: str) -> GitState | None:
    """The git state of the work tree holding ``cwd``; None outside one (or without git)."""
    return begin(cwd)()


def begin(cwd: str) -> Callable[[], GitState | None]:
    """Start reading the git state (``git status`` runs while reslog does other work); call
    the result for it. Call it even when it is not wanted any more: it reaps the git process."""
    if not _maybe_repository(cwd) or find_program("git") is None:
        return lambda: None
    status = Helper([*_GIT, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"], cwd)
    return lambda: _state(cwd, status.output())


def _state(cwd: str, done: tuple[int, bytes] | None) -> GitState | None:
    if done is None or done[0] != 0:
        return None
    status = done[1]
    commit: str | None = None
    branch: str | None = None
    changed = False
    untracked: list[str] = []
    for record in status.decode("utf-8", "replace").split("\0"):
        if record.startswith("# branch.oid "):
            oid = record[13:]
            commit = None if oid == "(initial)" else oid
        elif record.startswith("# branch.head "):
            head = record[14:]
            branch = None if head == "(detached)" else head
        elif record.startswith("? "):
            untracked.append(record[2:])
        elif record[:2] in ("1 ", "2 ", "u "):
            changed = True
    diff = b""
    if changed:
        base = commit or _empty_tree(cwd)
        diff = _git(cwd, "diff", "--binary", "--no-color", "--no-ext-diff", base) or b""
    return GitState(commit, branch, changed or bool(untracked), diff, tuple(untracked))


def _empty_tree(cwd: str) -> str:
    """The hash of the empty tree (against which a repository without commits is diffed)."""
    done = _git(cwd, "hash-object", "-t", "tree", os.devnull) or b""
    return done.decode().strip() or "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


__all__ = ["GitState", "begin", "read_state"]
