"""The background commit after a write: ``python -m reslog.sync.auto LOG``.

Started detached by :mod:`reslog.sync.trigger` when ``.reslog/sync-auto``
exists. It reads the settings (the truth: with ``sync.auto`` off it removes
the mark and does nothing), waits its turn on ``.reslog/sync.lock`` (captures
in quick succession start several; the later ones find nothing left to
commit) and commits like ``reslog sync --local``. It never pulls or pushes:
that needs the network and may need the researcher, so it stays with
``reslog sync``. Its standard streams are ``/dev/null``; a failure is written
to ``.reslog/sync.log`` on one line.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from reslog.errors import ReslogError
from reslog.settings import load
from reslog.store import DATA_DIR, Log
from reslog.sync.repo import commit, is_repo
from reslog.sync.trigger import MARK


def run(folder: str) -> int:
    import fcntl

    log = Log(folder)
    try:
        if not is_repo(log):
            return 0
        if not load(log).sync_auto:
            mark = os.path.join(folder, DATA_DIR, MARK)
            if os.path.exists(mark):
                os.remove(mark)
            return 0
        fd = os.open(os.path.join(folder, DATA_DIR, "sync.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            commit(log)
        finally:
            os.close(fd)
    except (ReslogError, OSError) as exc:
        with open(os.path.join(folder, DATA_DIR, "sync.log"), "a", encoding="utf-8") as handle:
            handle.write(f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} auto commit failed: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1]))
