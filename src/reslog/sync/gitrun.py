"""Running git for ``reslog sync``: in its own session, with signals held until it ends.

A sync changes the repository in steps that must not be cut short. A probe showed why:
SIGTERM to reslog in the middle of its ``git rebase`` ended Python and released the log's
lock while git went on; captures were written into the half-rebased pages, and
``.git/rebase-merge`` was left behind (Ctrl-C, which reaches the whole process group, stopped
git itself half way). So:

* every git runs in a session of its own: a Ctrl-C at the terminal reaches reslog, not git;
* while :func:`signals_held` is in force (a whole sync, a background commit), SIGINT, SIGTERM
  and SIGHUP are only noted. The git command under way runs to its end, and the sync stops at
  its next :func:`checkpoint`, after its caller has put the repository in order (a rebase it
  had begun is undone), with :class:`~reslog.errors.Interrupted`: one line, and the exit
  status a shell gives a process ended by that signal (128 + its number);
* a git command that only talks to the remote (``ls-remote``, ``fetch``, ``push``) may wait
  long on the network and is safe to stop (git removes its lock files when a signal ends it):
  with ``interruptible`` the noted signal is passed on to it as SIGTERM.

A crash nothing can hold (``kill -9``, a power cut) is for :mod:`reslog.sync.recover`.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from reslog.errors import Interrupted, LogError
from reslog.store import Log

_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _State:
    """The signal noted while held, the depth of :func:`signals_held`, and the git command
    that may be stopped at once."""

    pending: int | None = None
    depth = 0
    child: subprocess.Popen[str] | None = None


def _stop(child: subprocess.Popen[str]) -> None:
    with suppress(OSError):  # it has ended already
        os.killpg(child.pid, signal.SIGTERM)


def _note(signum: int, frame: object) -> None:
    if _State.pending is None:
        _State.pending = signum
    if _State.child is not None:
        _stop(_State.child)


@contextmanager
def signals_held() -> Iterator[None]:
    """Note SIGINT, SIGTERM and SIGHUP instead of ending at once, while the block runs (in the
    main thread only: elsewhere Python cannot catch signals, and nothing changes). A signal
    noted and not yet acted on when the block ends raises :class:`Interrupted` then."""
    if _State.depth or threading.current_thread() is not threading.main_thread():
        _State.depth += 1
        try:
            yield
        finally:
            _State.depth -= 1
        return
    previous = {number: signal.signal(number, _note) for number in _HELD}
    _State.depth, _State.pending = 1, None
    try:
        yield
        checkpoint()
    finally:
        _State.depth = 0
        for number, handler in previous.items():
            signal.signal(number, handler)
        _State.pending = None


def interrupted() -> bool:
    """Whether a signal was noted (the caller is about to put the repository in order)."""
    return _State.pending is not None


def checkpoint(done: str = "git was let finish its step") -> None:
    """Stop here if a signal was noted: :class:`Interrupted`, whose message says ``done``."""
    signum = _State.pending
    if signum is not None:
        _State.pending = None
        name = signal.Signals(signum).name
        raise Interrupted(f"sync stopped by {name}; {done}, nothing is lost: run reslog sync again", signum)


def git(log: Log, *args: str, check: bool = True, env: dict[str, str] | None = None, input: str | None = None,
        interruptible: bool = False) -> subprocess.CompletedProcess[str]:
    """Run git in the log folder, in its own session (``input`` on its standard input); a
    failure is a :class:`LogError` with git's own words (:func:`failed`)."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    command = ["git", "-C", log.folder, *args]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env,
                          start_new_session=True) as child:
        if interruptible:
            _State.child = child
            if _State.pending is not None:
                _stop(child)
        try:
            out, err = child.communicate(input)
        except BaseException:
            # not held (reslog used as a library, a second Ctrl-C...): a network command may
            # stop; any other is let finish, so as not to leave the repository half changed
            if interruptible:
                _stop(child)
            child.wait()
            raise
        finally:
            _State.child = None
    done = subprocess.CompletedProcess(command, child.returncode, out, err)
    if check and done.returncode != 0:
        raise LogError(failed(log, args[0], done))
    return done


def show(log: Log, commit: str, name: str) -> bytes | None:
    """The bytes of ``name`` in ``commit``, or None if it has no such file."""
    done = subprocess.run(["git", "-C", log.folder, "cat-file", "blob", f"{commit}:{name}"],
                          capture_output=True, stdin=subprocess.DEVNULL, start_new_session=True, check=False)
    return done.stdout if done.returncode == 0 else None


def git_error(done: subprocess.CompletedProcess[str]) -> str:
    """What git said went wrong, in one line: its first ``fatal:`` or ``error:`` line (the last
    line was often the tail of advice: "and the repository exists."), else its last line."""
    lines = [line.strip() for line in (done.stderr or done.stdout).strip().splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal:", "error:"):
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
    return lines[-1] if lines else f"exit {done.returncode}"


def failed(log: Log, what: str, done: subprocess.CompletedProcess[str]) -> str:
    """The one-line message of a git command that failed. A ``.git/index.lock`` that is in the
    way is told apart: held by a git still running, or left by one that was stopped (a crash
    during ``git add``), which git never removes; reslog does not remove it either, since it
    cannot prove that no git (another user's, another machine's on a shared disk) holds it."""
    said = done.stderr or done.stdout
    if "index.lock" in said and "File exists" in said:
        lock = os.path.join(log.folder, ".git", "index.lock")
        running = git_processes(log.folder)
        if running:
            return (f"git {what} failed: another git is working in the log (pid {running[0]}) and holds "
                    ".git/index.lock; wait for it to end, then run reslog sync again")
        stale = "is stale (no git is running in the log)" if running is not None else \
            "is in the way (if no git is running in the log, it is stale)"
        return (f"git {what} failed: .git/index.lock {stale}, left by a git that was stopped; "
                f"remove it with rm {shlex.quote(lock)} and run reslog sync again")
    return f"git {what} failed: {git_error(done)}"


def git_processes(folder: str) -> list[int] | None:
    """The git processes working in ``folder`` (by their working directory or ``-C``), read
    from /proc; None when that cannot tell (no /proc, or a git process it may not look into)."""
    if not os.path.isdir("/proc/self"):
        return None
    real = os.path.realpath(folder)
    found: list[int] = []
    unknown = False
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                argv = [arg.decode("utf-8", "replace") for arg in handle.read().split(b"\0")]
        except OSError:
            continue
        program = os.path.basename(argv[0]) if argv else ""
        if program != "git" and not program.startswith("git-"):
            continue
        try:
            where = os.readlink(f"/proc/{name}/cwd")
        except PermissionError:
            unknown = True
            continue
        except OSError:
            continue
        for at, arg in enumerate(argv[:-1]):
            if arg == "-C":
                where = os.path.join(where, argv[at + 1])
        where = os.path.realpath(where)
        if where == real or where.startswith(real + os.sep):
            found.append(int(name))
    return None if unknown and not found else found


__all__ = ["checkpoint", "failed", "git", "git_error", "git_processes", "interrupted", "show", "signals_held"]
