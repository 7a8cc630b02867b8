"""A rebase a sync left unfinished: told apart from one stopped on purpose, and undone keeping every line.

A sync's rebase stops on purpose on a conflict the researcher must resolve: reslog then
writes ``.git/reslog-stopped`` (the rebase's ``orig-head``) and the next sync finishes it.
Any other rebase in progress was left by a crash (``kill -9``, a power cut, an older reslog
killed while its git went on): git cannot go on with it (``could not read log file
'.git/rebase-merge/message'``), and every later sync and background commit failed. Captures
made meanwhile went into the half-rebased pages, and some of this machine's own lines were
only in commits not yet replayed.

:func:`recover` (under the log's lock) undoes such a rebase without losing a line:

1. the work tree as it is, captures and all, is committed aside to ``refs/reslog/recovered``
   (never pushed) before anything else is touched;
2. the rebase's state is dropped (``git rebase --quit``, or the folder removed when git cannot
   read it) and the branch is checked out again at its own last commit, the work tree left as
   it is (``git reset`` of HEAD and the index only: ``git rebase --abort`` would overwrite the
   pages, and cannot run without ``orig-head``);
3. each file that differs is merged with :func:`reslog.sync.merge.merge`: the branch's version
   and the work tree's, from the half rebase's last commit. So what was written since the
   rebase stopped joins the branch, and what the half rebase had brought from the remote does
   not: the next pull brings it, once. Where the two cannot be merged, both versions stay in the
   file between conflict markers, ``.git/reslog-recovered`` lists those files, and no commit is
   made until their markers are gone.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from contextlib import suppress

from reslog.errors import LogError, notify
from reslog.store import Log, atomic_write
from reslog.sync.gitrun import git, git_processes, show
from reslog.sync.merge import merge

STATE_DIRS = ("rebase-merge", "rebase-apply")
STOPPED = "reslog-stopped"
RECOVERED = "reslog-recovered"
BACKUP = "refs/reslog/recovered"
#: What ``git rebase --continue`` needs of a rebase stopped on a conflict.
_NEEDED = ("head-name", "onto", "orig-head", "git-rebase-todo", "done", "message")
_MARKER = re.compile(r"^(<<<<<<<|>>>>>>>)( |$)|^=======$", re.MULTILINE)
_OPENS = re.compile(r"^<<<<<<<( |$)", re.MULTILINE)
LABELS = ("this machine, as last committed", "this machine, as written since the sync broke")


def _git_path(log: Log, *names: str) -> str:
    """A path under the log's ``.git``, absolute: git runs inside the log folder (``-C``) and
    reads a relative ``GIT_INDEX_FILE`` from there (``--dir B`` made it ``B/B/.git/...``)."""
    return os.path.join(os.path.abspath(log.folder), ".git", *names)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return None


def rebasing(log: Log) -> bool:
    return any(os.path.isdir(_git_path(log, name)) for name in STATE_DIRS)


def unmerged(log: Log) -> list[str]:
    listed = git(log, "diff", "--name-only", "--diff-filter=U", "-z").stdout
    return list(dict.fromkeys(name for name in listed.split("\0") if name))


def with_markers(log: Log, files: Sequence[str]) -> list[str]:
    found = []
    for name in files:
        try:
            with open(os.path.join(log.folder, name), encoding="utf-8", errors="replace") as handle:
                if _MARKER.search(handle.read()):
                    found.append(name)
        except (FileNotFoundError, IsADirectoryError):
            continue
    return found


def mark_stopped(log: Log) -> None:
    """Say that reslog stopped the rebase in progress on purpose, on a conflict."""
    head = _read(_git_path(log, "rebase-merge", "orig-head"))
    if head:
        atomic_write(_git_path(log, STOPPED), (head + "\n").encode())


def clear_stopped(log: Log) -> None:
    with suppress(FileNotFoundError):
        os.remove(_git_path(log, STOPPED))


def on_purpose(log: Log) -> bool:
    """Whether the rebase in progress is one a sync stopped on a conflict, whole enough to go on:
    marked so by reslog, or (an older reslog marked nothing) with conflict markers in the files
    git left unmerged."""
    state = _git_path(log, "rebase-merge")
    if not os.path.isdir(state) or not all(os.path.isfile(os.path.join(state, n)) for n in _NEEDED):
        return False
    mark = _read(_git_path(log, STOPPED))
    if mark is not None:
        return mark == _read(os.path.join(state, "orig-head"))
    return bool(with_markers(log, unmerged(log)))


def _merged(base: bytes | None, ours: bytes, theirs: bytes) -> tuple[bytes, bool]:
    """``ours`` (the branch's) and ``theirs`` (the work tree's) merged from ``base``; whether
    both versions had to be kept between markers."""
    try:
        texts = [(part or b"").decode("utf-8") for part in (base, ours, theirs)]
    except UnicodeDecodeError:
        if theirs == base:
            return ours, False
        if ours == base:
            return theirs, False
        whole = b"".join([b"<<<<<<< ", LABELS[0].encode(), b"\n", ours.rstrip(b"\n"), b"\n=======\n",
                          theirs.rstrip(b"\n"), b"\n>>>>>>> ", LABELS[1].encode(), b"\n"])
        return whole, True
    done = merge(texts[0], texts[1], texts[2], LABELS)
    return done.text.encode("utf-8"), bool(done.conflicts or _OPENS.search(done.text))


def recover(log: Log, branch: str) -> list[str]:
    """Undo the rebase in progress, keeping every line of the work tree (see the module's
    docstring); call with the log's lock held. Returns the files merged; raises
    :class:`LogError` when some could only be kept with both versions."""
    running = git_processes(log.folder)
    if running:
        raise LogError(f"a git command is running in the log (pid {running[0]}); wait for it to end, "
                       "then run reslog sync again")
    head_name = _read(_git_path(log, "rebase-merge", "head-name")) or \
        _read(_git_path(log, "rebase-apply", "head-name")) or ""
    ref = head_name if head_name.startswith("refs/heads/") else f"refs/heads/{branch}"
    target = ""
    for name in (ref, _read(_git_path(log, "rebase-merge", "orig-head")) or "", "ORIG_HEAD"):
        if name:
            target = git(log, "rev-parse", "-q", "--verify", f"{name}^{{commit}}", check=False).stdout.strip()
            if target:
                break
    if not target:
        raise LogError("a sync left a rebase unfinished and the branch's own commits cannot be found; "
                       "see git status and git reflog in the log folder")
    head = git(log, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()
    # What the work tree changed since the rebase stopped is what was written since: the half
    # rebase's own HEAD is its base. From the fork point instead, the other machine's lines the
    # half rebase had brought in counted as written here, were committed again, and came back
    # twice with the next pull (a probe: every one of twelve pages, on both machines).
    base = head or git(log, "merge-base", target, "HEAD", check=False).stdout.strip()
    _set_aside(log, head or target)
    git(log, "rebase", "--quit", check=False)
    for name in STATE_DIRS:
        shutil.rmtree(_git_path(log, name), ignore_errors=True)
    clear_stopped(log)
    git(log, "symbolic-ref", "HEAD", ref)
    git(log, "reset", "-q", target)  # HEAD and the index only: the work tree is the researcher's
    changed = git(log, "diff", "--name-only", "-z").stdout.split("\0")
    changed += git(log, "ls-files", "-z", "--others", "--exclude-standard").stdout.split("\0")
    merged: list[str] = []
    both: list[str] = []
    for name in sorted({n for n in changed if n}):
        path = os.path.join(log.folder, name)
        ours = show(log, target, name)
        was = show(log, base, name) if base else None
        try:
            with open(path, "rb") as handle:
                theirs: bytes | None = handle.read()
        except FileNotFoundError:
            theirs = None
        if theirs is None:
            if ours is not None and ours != was:  # gone in the half rebase, not in the branch: keep it
                os.makedirs(os.path.dirname(path), exist_ok=True)
                atomic_write(path, ours)
                merged.append(name)
            continue
        if ours is None:
            if was is not None and theirs == was:  # this machine deleted it, the work tree did not change it
                os.remove(path)
            continue
        text, conflicted = _merged(was, ours, theirs)
        if text != theirs:
            atomic_write(path, text)
        merged.append(name)
        if conflicted:
            both.append(name)
    if both:
        atomic_write(_git_path(log, RECOVERED), "".join(f"{name}\n" for name in both).encode())
        raise LogError(
            f"a sync left unfinished was undone, keeping every line; {', '.join(both)} could not be merged: "
            "both versions are in the file between the <<<<<<< and >>>>>>> lines. Keep what you want, delete "
            f"those marker lines and =======, then run reslog sync again (the pages as they were: {BACKUP})"
        )
    if merged:
        notify(f"a sync left unfinished was undone; what was written since is kept in {', '.join(merged)} "
               f"(the pages as they were: {BACKUP})")
    else:
        notify("a sync left unfinished was undone; nothing had been written since")
    return merged


def _set_aside(log: Log, parent: str) -> None:
    """Commit the whole work tree (what git does not ignore) to :data:`BACKUP`, through an index
    of its own: whatever happens next, the pages as they were can be read back from git."""
    index = _git_path(log, "reslog-recovered.index")
    env = {"GIT_INDEX_FILE": index}
    try:
        git(log, "add", "-A", env=env)
        tree = git(log, "write-tree", env=env).stdout.strip()
        who = {"GIT_AUTHOR_NAME": "reslog", "GIT_AUTHOR_EMAIL": "reslog@localhost",
               "GIT_COMMITTER_NAME": "reslog", "GIT_COMMITTER_EMAIL": "reslog@localhost"}
        said = "reslog: the work tree of a sync left unfinished, before it was undone\n"
        commit = git(log, "commit-tree", tree, "-p", parent, env={**env, **who}, input=said).stdout.strip()
        git(log, "update-ref", BACKUP, commit)
    finally:
        for name in (index, index + ".lock"):
            with suppress(FileNotFoundError):
                os.remove(name)


def check_recovered(log: Log) -> None:
    """Refuse to commit while a file a recovery left with both versions still has its markers."""
    listed = _read(_git_path(log, RECOVERED))
    if listed is None:
        return
    left = with_markers(log, [name for name in listed.splitlines() if name])
    if left:
        raise LogError(f"{', '.join(left)} still hold both versions from the sync that was undone, "
                       "between <<<<<<< and >>>>>>> lines; keep what you want, delete those marker lines "
                       "and =======, then run reslog sync again")
    os.remove(_git_path(log, RECOVERED))


__all__ = ["BACKUP", "check_recovered", "clear_stopped", "mark_stopped", "on_purpose", "rebasing", "recover",
           "unmerged", "with_markers"]
