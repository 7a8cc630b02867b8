"""After a capture: start a background commit when ``sync.auto`` is on. Light on purpose.

A capture must not slow down, so it neither reads ``reslog.toml`` nor imports
anything of git: it looks for ``.reslog/sync-auto`` (one ``stat``), a mark
that ``reslog sync`` leaves when ``sync.auto = true``, and if it is there
starts ``python -m reslog.sync.auto LOG`` detached (forked and executed: its
own session, standard streams on ``/dev/null``, idle CPU priority so that it
never competes with the capture or the next command for a core), which costs
about a millisecond and does not import :mod:`subprocess`. That process reads the
settings (the truth: it removes the mark when ``sync.auto`` is off) and
commits. Only :mod:`os` and :mod:`sys` are imported here.
"""

from __future__ import annotations

import os
import sys

MARK = "sync-auto"
_children: list[int] = []


def _reap() -> None:
    """Collect the auto-commit processes that have ended (a long-running server starts many)."""
    for pid in list(_children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _children.remove(pid)


def after_write(folder: str, threaded: bool = False) -> bool:
    """Start a background commit of the log in ``folder`` if ``sync.auto`` is on; whether it did.

    ``threaded``: the caller runs threads (the MCP server), where forking is unsafe; the commit is
    then started with :mod:`subprocess` (a long-running process can afford the import)."""
    mark = os.path.join(folder, ".reslog", MARK)
    if not os.path.exists(mark):
        return False
    _reap()
    args = [sys.executable, "-m", "reslog.sync.auto", folder]
    if threaded:
        import subprocess

        try:
            child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            return False
        _children.append(child.pid)
        child.returncode = 0  # reaped by _reap, not by Popen's finaliser
        return True
    try:
        pid = os.fork()
    except OSError:
        return False  # a commit that cannot start must never fail the capture
    if pid == 0:  # the child: detach, step aside, become the committer
        try:
            os.setsid()
            try:
                # idle priority: the commit runs on time the capture (and whatever the shell runs
                # next) leaves idle, so its Python start-up never competes with them for a core
                os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            except (AttributeError, OSError):
                os.nice(19)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.execv(sys.executable, args)
        finally:
            os._exit(127)
    _children.append(pid)
    return True


__all__ = ["MARK", "after_write"]
