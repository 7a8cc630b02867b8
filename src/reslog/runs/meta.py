"""A run's ``meta.json``: the machine's facts, and whether the reslog recording it still lives.

meta.json is written when the run starts (``"status": "running"``) and again
when it ends. Besides what the entry holds, it records where and how the
command ran: the working folder, host, user, Python, the environment variables
of the ``run.env`` setting (by default only ``CUDA_VISIBLE_DEVICES``; ``*``
in a name matches any text), the GPUs ``nvidia-smi`` lists, start and end with
their UTC offset.

**Lost runs.** To tell, later, whether a run still marked running has a living
reslog, meta.json names the reslog process: its pid, its start time in clock
ticks since boot (``/proc/PID/stat``, so a pid that a later process reuses is
not mistaken for it) and the kernel's boot id (so a reboot is noticed). This
costs the run nothing while it runs: only readers look. On a system without
``/proc`` only the pid is checked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

from reslog.runs.process import find_program
from reslog.store import atomic_write

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess

META = "meta.json"
_BOOT_ID = "/proc/sys/kernel/random/boot_id"


def host() -> str:
    return os.uname().nodename


def user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER", "")


#: The installation's own id (systemd, and most Linux systems without it): two machines that
#: share a host name ("localhost", a container's default) have two.
_MACHINE_ID = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def _boot_id() -> str | None:
    return _first_line(_BOOT_ID)


def _machine_id() -> str | None:
    return next((found for found in map(_first_line, _MACHINE_ID) if found), None)


def _first_line(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as file:
            return file.read().strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _start_ticks(pid: int) -> int | None:
    """The start time of process ``pid`` in clock ticks since boot; None without /proc, or when
    there is no such process or it has ended (a zombie, not yet reaped by its parent)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2:].split()  # from field 3 of proc(5), the state
    try:
        return None if fields[0] in (b"Z", b"X") else int(fields[19])  # field 22: starttime
    except (IndexError, ValueError):
        return None


def identity() -> dict[str, object]:
    """This process as meta.json names it, for :func:`alive`."""
    return {"pid": os.getpid(), "pid_start": _start_ticks(os.getpid()), "boot_id": _boot_id(), "host": host(),
            "machine_id": _machine_id()}


def alive(meta: dict[str, object]) -> bool | None:
    """Whether the reslog that wrote ``meta`` still runs; None when it ran on another machine
    (another host name, or the same name on another installation: with ``sync.runs`` a second
    machine called "localhost" settled the first one's live run as lost)."""
    if meta.get("host") != host():
        return None
    machine = meta.get("machine_id")
    if machine and _machine_id() not in (None, machine):
        return None
    boot = meta.get("boot_id")
    if boot and _boot_id() not in (None, boot):
        return False
    pid = meta.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    ticks = meta.get("pid_start")
    if ticks is not None and os.path.isdir("/proc/self"):
        return _start_ticks(pid) == ticks
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def environment(names: tuple[str, ...]) -> dict[str, str]:
    """The variables of ``names`` (shell-style patterns) that are set, sorted by name."""
    exact = {name for name in names if not any(c in name for c in "*?[")}
    patterns = [name for name in names if name not in exact]
    if patterns:
        import fnmatch

        return {key: value for key, value in sorted(os.environ.items())
                if key in exact or any(fnmatch.fnmatchcase(key, name) for name in patterns)}
    return {key: os.environ[key] for key in sorted(exact) if key in os.environ}


def python() -> str:
    return sys.version.split()[0]


class Gpus:
    """``nvidia-smi``'s GPU names, asked in the background while the command runs."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        tool = find_program("nvidia-smi")
        if tool is not None:
            import subprocess  # only where there are GPUs to ask about

            try:
                self._process = subprocess.Popen(
                    [tool, "--query-gpu=name", "--format=csv,noheader"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                )
            except OSError:
                self._process = None

    def names(self) -> list[str] | None:
        """The GPU names; None when there is no nvidia-smi (or it failed or hung)."""
        if self._process is None:
            return None
        import subprocess

        try:
            out, _ = self._process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            return None
        if self._process.returncode != 0:
            return None
        return [line.strip() for line in out.decode("utf-8", "replace").splitlines() if line.strip()]


def stamp(moment: dt.datetime) -> str:
    """A local time with its UTC offset, to the millisecond."""
    return moment.isoformat(timespec="milliseconds")


def write(folder: str, meta: dict[str, object], durable: bool = True) -> None:
    """Write meta.json whole, atomically (a reader sees the old or the new file); with
    ``durable``, flushed to disk too (``fsync``), which a run's own writes skip: the entry on the
    day's page is the record, and a flush costs more than the rest of a short run."""
    data = (json.dumps(meta, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    path = os.path.join(folder, META)
    if durable:
        atomic_write(path, data)
        return
    tmp = os.path.join(folder, f".{META}.tmp")
    with open(tmp, "wb") as file:
        file.write(data)
    os.replace(tmp, path)


def read(folder: str) -> dict[str, object] | None:
    """meta.json of a run folder; None if it is missing or unreadable."""
    try:
        with open(os.path.join(folder, META), encoding="utf-8") as file:
            data = json.load(file)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


__all__ = ["META", "Gpus", "alive", "environment", "host", "identity", "python", "read", "stamp", "user",
           "write"]
