"""``reslog sync``: the log folder as a git repository, committed, pulled and pushed.

On first use the log becomes a repository (``git init``, branch ``main``),
with two files of its own, each holding a block between ``# reslog:begin``
and ``# reslog:end`` lines that reslog rewrites (lines outside it are the
researcher's and are kept):

* ``.gitignore``: ``.reslog/`` (the index, vectors and lock, all derived) and,
  unless ``sync.runs = true``, ``runs/`` (experiment output can be large);
* ``.gitattributes``: ``days/**/*.md merge=reslog-day``, so day pages merge
  with :mod:`reslog.sync.driver`, registered in ``.git/config`` on every sync
  (the config is per machine, and a fresh clone has none).

Then every sync commits what changed since the last one, with a message that
lists the days touched, under the log's lock (a capture waits a moment rather
than be half committed, and a carry-over's two pages go in one commit). With a
remote it pulls with rebase (day pages merge with the driver) and pushes,
trying again if the other machine pushed in between.

A conflict the driver cannot merge stops the rebase with both versions in the
page between conflict markers; :func:`sync` then raises a
:class:`~reslog.errors.LogError` naming the pages. Once the researcher has
chosen (the markers gone), the next ``reslog sync`` finishes the rebase and
goes on. The message does not offer ``git rebase --abort``: captures go on
while the sync is stopped, and an abort resets the pages to before the pull,
throwing them away. Nothing is ever reset or overwritten by reslog.

Git runs through :mod:`reslog.sync.gitrun` (its own session; a SIGINT, SIGTERM
or SIGHUP waits for the git command under way, and a rebase the sync had begun
is then undone, under the lock, before reslog exits). A rebase left unfinished
by a crash is undone by :mod:`reslog.sync.recover`, keeping every line written
since, at the next sync or background commit.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from collections.abc import Sequence

from reslog.errors import LogError
from reslog.records import Record
from reslog.settings import Settings
from reslog.store import DATA_DIR, Log, atomic_write
from reslog.sync.gitrun import checkpoint, failed, git, git_error, interrupted, signals_held
from reslog.sync.recover import (
    check_recovered,
    clear_stopped,
    mark_stopped,
    on_purpose,
    rebasing,
    recover,
    unmerged,
    with_markers,
)
from reslog.sync.trigger import MARK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

DRIVER = "reslog-day"
BRANCH = "main"
BEGIN, END = "# reslog:begin (written by reslog sync; lines outside this block are yours)", "# reslog:end"
_DAY = re.compile(r"^days/\d{4}/(\d{4}-\d{2}-\d{2})\.md$")
#: How often a push that lost the race to the other machine is pulled and tried again.
PUSH_TRIES = 3


class Report(Record):
    """What a sync did."""

    __slots__ = ("created", "days", "files", "pulled", "pushed", "remote")
    created: Final[bool]
    days: Final[list[str]]
    files: Final[list[str]]
    pulled: Final[int]
    pushed: Final[bool]
    remote: Final[str | None]

    def __init__(self, created: bool, days: list[str], files: list[str], pulled: int, pushed: bool,
                 remote: str | None) -> None:
        self.created = created
        #: The days whose pages this sync committed.
        self.days = days
        #: Every file it committed (relative to the log).
        self.files = files
        #: Commits brought in from the remote.
        self.pulled = pulled
        self.pushed = pushed
        self.remote = remote


def is_repo(log: Log) -> bool:
    return os.path.isdir(os.path.join(log.folder, ".git"))


# --- first use and the files reslog keeps in the repository ---


def _block(file: str, lines: Sequence[str]) -> bool:
    """Write reslog's block into ``file`` (a .gitignore or .gitattributes), keeping the rest."""
    try:
        with open(file, encoding="utf-8") as handle:
            old = handle.read()
    except FileNotFoundError:
        old = ""
    kept: list[str] = []
    inside = False
    for line in old.splitlines():
        if line == BEGIN:
            inside = True
        elif line == END and inside:
            inside = False
        elif not inside:
            kept.append(line)
    new = "\n".join([BEGIN, *lines, END, *kept]) + "\n"
    if new == old:
        return False
    atomic_write(file, new.encode("utf-8"))
    return True


def prepare(log: Log, settings: Settings) -> bool:
    """Make the log a repository if it is not one, and bring reslog's files and the merge driver
    up to date. Returns whether the repository was made now."""
    if shutil.which("git") is None:
        raise LogError("reslog sync needs git, which is not installed; install it (e.g. apt install git)")
    log.ensure_root()
    created = not is_repo(log)
    if created:
        git(log, "init", "-q", "-b", BRANCH)
    # a page's temporary file (.2026-12-01.md.tmp) is never part of the log
    ignored = [f"{DATA_DIR}/", ".*.tmp"] + ([] if settings.sync_runs else ["runs/"])
    _block(os.path.join(log.folder, ".gitignore"), ignored)
    _block(os.path.join(log.folder, ".gitattributes"), [f"days/**/*.md merge={DRIVER}"])
    command = f"{shlex.quote(sys.executable)} -m reslog.sync.driver %O %A %B %P"
    git(log, "config", f"merge.{DRIVER}.name", "reslog day pages: keep what both machines appended")
    git(log, "config", f"merge.{DRIVER}.driver", command)
    mark = os.path.join(log.folder, DATA_DIR, MARK)
    if settings.sync_auto:
        with open(mark, "w", encoding="utf-8") as handle:
            handle.write("sync.auto is on: each write starts python -m reslog.sync.auto\n")
    elif os.path.exists(mark):
        os.remove(mark)
    return created


# --- committing ---


def _days(files: Sequence[str]) -> list[str]:
    """The days whose pages are among ``files``, in order."""
    return sorted({m.group(1) for m in map(_DAY.match, files) if m})


def message(files: Sequence[str]) -> str:
    """The commit message: the days touched in the subject, every file in the body."""
    days = _days(files)
    if not days:
        subject = f"reslog: {len(files)} file{'s' if len(files) != 1 else ''}"
    elif len(days) <= 4:
        subject = "reslog: " + ", ".join(days)
    else:
        subject = f"reslog: {len(days)} days, {days[0]} to {days[-1]}"
    return subject + "\n\n" + "\n".join(files) + "\n"


def commit(log: Log) -> list[str]:
    """Commit every change of the log (under its lock); the files committed."""
    with signals_held(), log.locked():
        return _commit_all(log)


def _commit_all(log: Log) -> list[str]:
    """:func:`commit` for a caller that holds the lock. Never in the middle of a stopped rebase:
    that would commit a page with its conflict markers as if it were resolved. A rebase a crash
    left unfinished is undone first, keeping every line (:func:`reslog.sync.recover.recover`)."""
    if rebasing(log):
        if on_purpose(log):
            raise LogError("a sync is stopped on a conflict; resolve it and run reslog sync")
        recover(log, BRANCH)
    check_recovered(log)
    log.sweep_staged()  # a page's temporary file, left by a writer killed before its rename
    git(log, "add", "-A")
    listed = git(log, "diff", "--cached", "--name-only", "-z").stdout
    files = [name for name in listed.split("\0") if name]
    if files:
        _commit(log, message(files))
    return files


def _commit(log: Log, text: str) -> None:
    done = git(log, "commit", "-q", "--no-verify", "-F", "-", check=False, input=text)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip()
        if "tell me who you are" in said or "user.email" in said:
            raise LogError("git does not know who you are; run git config --global user.name 'Your Name' "
                           "and git config --global user.email you@example.com, then reslog sync again "
                           "(your changes are staged, nothing is lost)")
        raise LogError(failed(log, "commit", done))


# --- a rebase the other machine's changes stopped ---


def _stopped(files: Sequence[str]) -> LogError:
    return LogError(
        f"sync stopped: {', '.join(files)} changed in the same lines on both machines; both versions "
        "are in the file between the <<<<<<< and >>>>>>> lines. Keep what you want, delete those "
        "marker lines and =======, then run reslog sync again (not git rebase --abort: it throws away "
        "what was written since the sync stopped)"
    )


def _settle(log: Log) -> None:
    """Before a sync: finish a rebase it stopped on a conflict once the researcher has resolved
    it, or undo one a crash left unfinished. Under the lock: a capture waits rather than land in
    a page git is rewriting, and a background commit never sees the rebase half done."""
    with log.locked():
        if not rebasing(log):
            clear_stopped(log)
        elif on_purpose(log):
            _continue(log)
        else:
            recover(log, BRANCH)


def _continue(log: Log) -> None:
    """Finish a rebase whose conflicts the researcher has resolved; raise while some are not."""
    while rebasing(log):
        left = with_markers(log, unmerged(log))
        if left:
            raise _stopped(left)
        git(log, "add", "-A")  # the resolved pages, and whatever was captured meanwhile
        done = git(log, "-c", "core.editor=true", "rebase", "--continue", check=False,
                   env={"GIT_EDITOR": "true"})
        if done.returncode != 0 and rebasing(log):
            left = with_markers(log, unmerged(log))
            if left:
                mark_stopped(log)
                raise _stopped(left)
            raise LogError(f"{failed(log, 'rebase --continue', done)}; see git status in the log folder")
    clear_stopped(log)


# --- the remote ---


def remote_of(log: Log) -> str | None:
    names = git(log, "remote").stdout.split()
    if not names:
        return None
    return "origin" if "origin" in names else names[0]


def _pull(log: Log, remote: str) -> tuple[int, list[str]]:
    """Pull with rebase: the number of commits brought in, and the files of a last commit of what
    was captured while the network was asked (the lock is held only for the local part)."""
    asked = git(log, "ls-remote", "--heads", remote, BRANCH, check=False, interruptible=True)
    checkpoint("nothing was changed")
    if asked.returncode != 0:  # the first thing sync asks the remote: it is out of reach
        raise LogError(f"cannot reach the remote {remote!r} ({git_error(asked)}); your changes are "
                       "committed in the log, nothing is lost: run reslog sync again once it can be reached")
    listed = asked.stdout
    if not listed.strip():
        return 0, []  # an empty remote: nothing to pull yet
    tracking = f"refs/remotes/{remote}/{BRANCH}"
    before = git(log, "rev-parse", "--verify", "-q", tracking, check=False).stdout.strip()
    fetched = git(log, "fetch", "-q", remote, BRANCH, check=False, interruptible=True)
    checkpoint("nothing was changed")
    if fetched.returncode != 0:
        raise LogError(failed(log, "fetch", fetched))
    after = git(log, "rev-parse", tracking).stdout.strip()
    with log.locked():
        files = _commit_all(log)  # a rebase needs a clean work tree: a capture may have come in
        head = git(log, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()
        if not head:
            git(log, "reset", "-q", "--keep", f"{remote}/{BRANCH}")  # a fresh log: take the remote's pages
        else:
            done = git(log, "rebase", "-q", f"{remote}/{BRANCH}", check=False, env={"GIT_EDITOR": "true"})
            if interrupted() and rebasing(log):
                # stopped on a conflict as the signal came: back to this machine's commits, which
                # hold everything (the lock kept captures out since the rebase began)
                git(log, "rebase", "--abort")
                checkpoint("the pull it had begun was undone")
            checkpoint("the pull was finished, not pushed")
            if done.returncode != 0:
                if rebasing(log):
                    stuck = unmerged(log)
                    if stuck:
                        mark_stopped(log)
                        raise _stopped(with_markers(log, stuck) or stuck)
                    # git stopped with no file to resolve: undo it rather than leave the sync stuck
                    git(log, "rebase", "--abort")
                raise LogError(failed(log, "rebase", done))
    if before == after:
        return 0, files
    span = f"{before}..{after}" if before else after
    return int(git(log, "rev-list", "--count", span).stdout.strip() or 0), files


def sync(log: Log, settings: Settings, remote_url: str | None = None, local: bool = False) -> Report:
    """Commit what changed; with a remote (and not ``local``), pull with rebase and push."""
    with signals_held():
        return _sync(log, settings, remote_url, local)


def _sync(log: Log, settings: Settings, remote_url: str | None, local: bool) -> Report:
    created = prepare(log, settings)
    _settle(log)
    if remote_url is not None:
        current = remote_of(log)
        if current is None:
            git(log, "remote", "add", "origin", remote_url)
        elif git(log, "remote", "get-url", current).stdout.strip() != remote_url:
            raise LogError(f"the log already syncs with {current}; change it with "
                           f"git -C {shlex.quote(log.folder)} remote set-url {current} URL")
    files = commit(log)
    remote = remote_of(log)
    pulled, pushed = 0, False
    if remote is not None and not local:
        for attempt in range(PUSH_TRIES):
            count, more = _pull(log, remote)
            pulled += count
            files += [name for name in more if name not in files]
            if not git(log, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip():
                break  # nothing on either side yet
            tracked = git(log, "rev-parse", "-q", "--verify", f"refs/remotes/{remote}/{BRANCH}",
                          check=False).stdout.strip()
            if tracked and not int(git(log, "rev-list", "--count", f"{tracked}..HEAD").stdout.strip() or 0):
                break  # the remote has everything already
            done = git(log, "push", "-q", "-u", remote, f"HEAD:refs/heads/{BRANCH}", check=False,
                       interruptible=True)
            checkpoint("the push may not have been made")
            if done.returncode == 0:
                pushed = True
                break
            said = (done.stderr or done.stdout).strip()
            if attempt == PUSH_TRIES - 1 or ("rejected" not in said and "fetch first" not in said):
                raise LogError(f"{failed(log, 'push', done)}; "
                               "your commits are safe in the log; run reslog sync again later")
    return Report(created, _days(files), files, pulled, pushed, remote)


__all__ = ["BRANCH", "DRIVER", "Report", "commit", "git", "is_repo", "message", "prepare", "remote_of",
           "sync"]
