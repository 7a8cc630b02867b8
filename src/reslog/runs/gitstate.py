"""The state of the code a run starts from: commit, branch, and what is not committed.

Read with the ``git`` command in the run's working folder, before the command
starts, without taking git's locks (``--no-optional-locks``), so a run never
blocks or disturbs a git command of the researcher's. A tree is **dirty** when
a tracked file differs from HEAD (staged or not) or an untracked file is not
ignored: an untracked ``model.py`` changes a run as much as an edited one.
Outside a work tree, or without git, a run has no git state.

The uncommitted changes are read as ``git diff --binary`` against the commit,
streamed: every byte is hashed (``diff_sha256``, which tells later whether the
changes are still the same), but only the first :data:`DIFF_LIMIT` bytes are
kept, and a diff longer than that is not kept at all (a cut patch cannot be
applied). A modified 300 MB checkpoint under version control so costs a run
the time git takes to diff it, not 300 MB of memory and of disk per run; the
run folder gets ``git diff --stat`` instead, which git works out while it writes
the rest of the diff.
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

#: The longest diff kept, in bytes; a longer one is hashed and counted, not kept.
DIFF_LIMIT = 10 * 1024 * 1024
#: For tests, which run reslog as a process: a smaller limit, in bytes. Not a setting.
_LIMIT_VARIABLE = "RESLOG_DIFF_LIMIT"


class GitState(Record):
    """Where the code stood: ``commit`` is None in a repository with no commit yet.

    ``diff`` is the whole diff against the commit (``b""`` for none), or None when it was
    longer than the limit; ``diff_bytes`` and ``diff_sha256`` are its length and hash either
    way (``diff_sha256`` is None when there is no diff); ``stat`` is ``git diff --stat`` of a
    diff too long to keep, when it was asked for (else ``b""``)."""

    __slots__ = ("branch", "commit", "diff", "diff_bytes", "diff_sha256", "dirty", "stat", "untracked")
    commit: Final[str | None]
    branch: Final[str | None]
    dirty: Final[bool]
    diff: Final[bytes | None]
    untracked: Final[tuple[str, ...]]
    diff_bytes: Final[int]
    diff_sha256: Final[str | None]
    stat: Final[bytes]

    def __init__(self, commit: str | None, branch: str | None, dirty: bool, diff: bytes | None,
                 untracked: tuple[str, ...], diff_bytes: int = 0, diff_sha256: str | None = None,
                 stat: bytes = b"") -> None:
        self.commit = commit
        self.branch = branch
        self.dirty = dirty
        self.diff = diff
        self.untracked = untracked
        self.diff_bytes = diff_bytes
        self.diff_sha256 = diff_sha256
        self.stat = stat


class _Diff:
    """Takes the diff as git writes it: hashes every chunk, keeps them up to ``limit`` bytes, and
    past that calls ``over`` once (which starts ``git diff --stat`` beside the rest of the diff)."""

    def __init__(self, limit: int, over: Callable[[], object]) -> None:
        import hashlib  # only for a dirty tree: it costs a run's start-up as much as git does

        self.hash = hashlib.sha256()
        self.limit = limit
        self.over = over
        self.size = 0
        self.kept: list[bytes] | None = []

    def __call__(self, chunk: bytes) -> None:
        self.hash.update(chunk)
        self.size += len(chunk)
        if self.kept is not None and self.size > self.limit:
            self.kept = None  # too long to keep: what was held goes now, not at the end
            self.over()
        elif self.kept is not None:
            self.kept.append(chunk)


def diff_limit() -> int:
    """The longest diff kept: :data:`DIFF_LIMIT`, or for tests $RESLOG_DIFF_LIMIT."""
    value = os.environ.get(_LIMIT_VARIABLE, "")
    return int(value) if value.isdigit() else DIFF_LIMIT


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


def read_state(cwd: str, summary: bool = False) -> GitState | None:
    """The git state of the work tree holding ``cwd``; None outside one (or without git). With
    ``summary``, ``git diff --stat`` of a diff too long to keep, too."""
    return begin(cwd, summary)()


def begin(cwd: str, summary: bool = False) -> Callable[[], GitState | None]:
    """Start reading the git state (``git status`` runs while reslog does other work); call
    the result for it. Call it even when it is not wanted any more: it reaps the git process."""
    if not _maybe_repository(cwd) or find_program("git") is None:
        return lambda: None
    status = Helper([*_GIT, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"], cwd)
    return lambda: _state(cwd, status.output(), summary)


def _state(cwd: str, done: tuple[int, bytes] | None, summary: bool) -> GitState | None:
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
    if not changed:
        return GitState(commit, branch, bool(untracked), b"", tuple(untracked))
    base = commit or _empty_tree(cwd)
    stat: list[Helper] = []

    def over() -> None:  # git diffs the files a second time, while the diff itself goes on
        if summary:
            stat.append(Helper([*_GIT, "diff", "--stat", "--stat-name-width=1000", "--no-color", base], cwd))

    diff = _Diff(diff_limit(), over)
    code = Helper([*_GIT, "diff", "--binary", "--no-color", "--no-ext-diff", base], cwd).stream(diff)
    summed = stat[0].output() if stat else None
    if code != 0 or not diff.size:  # as before: a diff git cannot give is no diff
        return GitState(commit, branch, True, b"", tuple(untracked))
    return GitState(commit, branch, True, None if diff.kept is None else b"".join(diff.kept),
                    tuple(untracked), diff.size, diff.hash.hexdigest(),
                    summed[1] if summed is not None and summed[0] == 0 else b"")


def _empty_tree(cwd: str) -> str:
    """The hash of the empty tree (against which a repository without commits is diffed)."""
    done = _git(cwd, "hash-object", "-t", "tree", os.devnull) or b""
    return done.decode().strip() or "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


__all__ = ["DIFF_LIMIT", "GitState", "begin", "diff_limit", "read_state"]
