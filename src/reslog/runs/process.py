"""Running the command: its terminal passed through, its output teed, signals forwarded.

**Standard input** is reslog's own, inherited untouched: reslog never reads
it, so keystrokes, pipes, here-documents and end-of-file reach the command as
they would without reslog.

**Standard output and standard error** are each read by reslog, written to the
run folder and on to reslog's own stream at once (:mod:`reslog.runs.tee`).
When reslog's stream is a terminal, the command writes to a pseudo-terminal of
its own (one per stream, so the two stay apart) that has the size of the real
one, kept in step on SIGWINCH, and output processing off, so its bytes pass
unchanged: the command sees a terminal, and its colours, progress bars and
line buffering are what they would be without reslog. When reslog's stream is
a pipe or a file, the command writes to a pipe, and sees what it would see
there. If the reader of reslog's output goes away (``reslog run -- cmd | head``),
reslog closes the command's end too, so the command gets SIGPIPE as it would.

**Signals.** The command runs in reslog's process group, so what the terminal
sends to the foreground group (Ctrl-C's SIGINT, Ctrl-\\'s SIGQUIT, Ctrl-Z's
SIGTSTP, SIGWINCH) reaches it directly, as without reslog, and job control
works. Signals sent to reslog alone (``kill PID``: SIGTERM, SIGHUP, SIGINT,
SIGQUIT, SIGUSR1, SIGUSR2) are forwarded to the command; reslog does not die
of them but waits for the command, records how it ended, and exits with its
status. reslog tells the two apart by the sender the kernel reports
(``si_code``), read with ``sigwaitinfo`` in a thread while the signals are
blocked: a signal from the terminal is not sent a second time, nor one that
the command sent itself. (Without ``sigwaitinfo``, as on macOS, SIGINT and
SIGQUIT are taken to come from the terminal and the others are forwarded.) A
signal sent to the whole process group (``kill -TERM -PGID``) reaches the
command directly and once more through reslog. A signal sent to reslog while
it is still starting the command is held, and forwarded as soon as the
command has started: however busy the machine, none is dropped.

The command is reaped only after reslog has written its record, so a signal
that comes meanwhile is still forwarded (to a process that has ended: a no-op)
rather than killing reslog halfway through a write.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading

from reslog.runs.capped import CappedFile
from reslog.runs.tee import CHUNK, IDLE_MS, Stream

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

FORWARDED = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGUSR1,
             signal.SIGUSR2, signal.SIGWINCH)
_FROM_TERMINAL = (signal.SIGINT, signal.SIGQUIT, signal.SIGWINCH)
_SI_KERNEL = 0x80  # si_code of a signal the kernel sent (the terminal driver), on Linux
_PIPE_SIZE = 1 << 20
_LINGER_MS = 200  # after the command ends, how long output held open by its children is awaited


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _copy_size(real: int, master: int) -> None:
    import fcntl
    import termios

    try:
        size = fcntl.ioctl(real, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(master, termios.TIOCSWINSZ, size)
    except OSError:
        pass


def _pty(real: int) -> tuple[int, int]:
    """A pseudo-terminal (reslog's end, the command's end) the size of ``real``, output raw."""
    import termios

    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # no \n -> \r\n: the bytes the command writes are the bytes logged
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    _copy_size(real, master)
    return master, slave


def _pipe() -> tuple[int, int]:
    read, write = os.pipe()
    try:  # fewer, larger reads; Linux only, and capped by /proc/sys/fs/pipe-max-size
        import fcntl

        fcntl.fcntl(read, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (AttributeError, OSError):
        pass
    return read, write


class _Forwarder:
    """Forwards the signals sent to reslog to the command (see the module's docstring)."""

    def __init__(self, ptys: list[tuple[int, int]]) -> None:
        self.pid: int | None = None
        self.ptys = ptys
        self._early: list[int] = []  # sent to reslog before the command had a pid
        self._lock = threading.RLock()  # re-entered by a handler on the main thread (macOS)
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._old: set[int] | None = None
        if hasattr(signal, "sigwaitinfo"):
            self._old = set(signal.pthread_sigmask(signal.SIG_BLOCK, (*FORWARDED, signal.SIGCHLD)))
            self._thread = threading.Thread(target=self._wait, name="reslog-signals", daemon=True)
            self._thread.start()
        else:  # pragma: no cover - macOS
            self._handlers = {sig: signal.signal(sig, self._handle) for sig in FORWARDED}

    def _wait(self) -> None:
        waited = {*FORWARDED, signal.SIGCHLD}
        while True:
            info = signal.sigwaitinfo(waited)
            if self._stopping:
                return
            if info.si_signo == signal.SIGCHLD:
                continue
            from_terminal = info.si_code == _SI_KERNEL or info.si_pid == self.pid
            self._deliver(info.si_signo, from_terminal)

    def _handle(self, signum: int, frame: object) -> None:  # pragma: no cover - macOS
        self._deliver(signum, signum in _FROM_TERMINAL)

    def _deliver(self, signum: int, from_terminal: bool) -> None:
        if signum == signal.SIGWINCH:
            for master, real in self.ptys:
                _copy_size(real, master)
            from_terminal = from_terminal and not self.ptys  # again, now that the size is right
        if from_terminal:
            return
        with self._lock:
            pid = self.pid
            if pid is None:  # reslog is still starting the command: forwarded once it has started
                self._early.append(signum)
                return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    def started(self, pid: int) -> None:
        """The command runs as ``pid``: forward to it, in order, what reslog got before."""
        with self._lock:
            self.pid = pid
            early = self._early
            self._early = []
        for signum in early:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping = True
            assert self._thread.ident is not None
            signal.pthread_kill(self._thread.ident, signal.SIGCHLD)
            self._thread.join()
            assert self._old is not None
            signal.pthread_sigmask(signal.SIG_SETMASK, self._old)
        else:  # pragma: no cover - macOS
            for sig, handler in self._handlers.items():
                signal.signal(sig, handler)


class Command:
    """The command, started at once with its outputs teed; :meth:`pump`, :meth:`wait`, :meth:`close`."""

    def __init__(self, argv: list[str], cwd: str, stdout_log: CappedFile, stderr_log: CappedFile) -> None:
        self.streams: list[Stream] = []
        ends: list[int] = []
        ptys: list[tuple[int, int]] = []
        for real, log in ((1, stdout_log), (2, stderr_log)):
            terminal = _is_terminal(real)
            if terminal:
                source, end = _pty(real)
                ptys.append((source, real))
            else:
                source, end = _pipe()
            self.streams.append(Stream(source, real, log, pipe=not terminal))
            ends.append(end)
        self._forwarder = _Forwarder(ptys)
        self.pidfd = -1
        try:
            self.pid = _spawn(argv, cwd, ends)
        except BaseException:
            self._forwarder.stop()
            for stream in self.streams:
                stream.close()
            raise
        finally:
            for end in ends:
                os.close(end)
        self._forwarder.started(self.pid)
        with contextlib.suppress(AttributeError, OSError):
            self.pidfd = os.pidfd_open(self.pid)

    def _exited(self) -> bool:
        return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None

    def pump(self) -> None:
        """Tee the command's output until it is closed, or until the command has ended and
        nothing more comes for a moment (a child it left behind may hold the output open)."""
        open_streams = {stream.source: stream for stream in self.streams}
        poller = select.poll()
        for fd in open_streams:
            poller.register(fd, select.POLLIN)
        if self.pidfd >= 0:
            poller.register(self.pidfd, select.POLLIN)
        buffer = bytearray(CHUNK)
        ended = False
        while open_streams:
            holding = any(stream.held for stream in open_streams.values())
            if ended:
                timeout: int | None = _LINGER_MS
            elif holding:
                timeout = IDLE_MS
            else:
                timeout = None if self.pidfd >= 0 else 100
            events = poller.poll(timeout)
            if not events:
                for stream in open_streams.values():
                    stream.flush()  # the output paused: what is held goes to disk
                if ended:
                    break
                if self.pidfd < 0:
                    ended = self._exited()
                continue
            for fd, _ in events:
                if fd == self.pidfd:
                    poller.unregister(fd)
                    ended = True
                elif not open_streams[fd].step(buffer):
                    # The end of the output, or nobody reads ours: closing our end of the pipe
                    # gives the command SIGPIPE on its next write, as it would have had.
                    poller.unregister(fd)
                    open_streams.pop(fd).close()
        for stream in open_streams.values():
            stream.close()

    def wait(self) -> int:
        """The command's exit code, negative for the signal that killed it (as
        :func:`os.waitstatus_to_exitcode`); the command is not reaped yet."""
        while True:
            try:
                info = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
                break
            except InterruptedError:  # pragma: no cover - retried by Python itself
                continue
        assert info is not None
        if info.si_code == os.CLD_EXITED:
            return info.si_status
        return -info.si_status

    def close(self) -> None:
        """Stop forwarding signals, reap the command, close what is left."""
        self._forwarder.stop()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        for stream in self.streams:
            stream.close()


def _spawn(argv: list[str], cwd: str, ends: list[int]) -> int:
    """Start ``argv`` in ``cwd`` with stdout and stderr on ``ends``."""
    sys.stdout.flush()
    sys.stderr.flush()
    return _spawn_with(argv, cwd, [(os.POSIX_SPAWN_DUP2, ends[0], 1), (os.POSIX_SPAWN_DUP2, ends[1], 2)])


def _spawn_with(argv: list[str], cwd: str, actions: list[tuple[int, int, int]]) -> int:
    """posix_spawnp in ``cwd``, no signal blocked, SIGPIPE and SIGXFSZ at their defaults (Python
    ignores them; a command should not). Not :mod:`subprocess`: it costs a run's start-up more
    than the rest of reslog's imports."""
    here = os.getcwd() if cwd != os.getcwd() else None
    if here is not None:
        os.chdir(cwd)  # posix_spawn takes no working folder before Python 3.13's file actions
    try:
        return os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions, setsigmask=(),
                               setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
    finally:
        if here is not None:
            os.chdir(here)


class Helper:
    """A helper command (``git``) started now, its input and errors on /dev/null, and read
    later by :meth:`output`, so that reslog does other work meanwhile."""

    def __init__(self, argv: list[str], cwd: str) -> None:
        self.pid = -1
        self._read = -1
        read, write = os.pipe()
        null = os.open(os.devnull, os.O_RDWR)
        try:
            self.pid = _spawn_with(argv, cwd, [(os.POSIX_SPAWN_DUP2, null, 0),
                                               (os.POSIX_SPAWN_DUP2, write, 1),
                                               (os.POSIX_SPAWN_DUP2, null, 2)])
            self._read = read
        except OSError:
            os.close(read)
        finally:
            os.close(write)
            os.close(null)

    def output(self) -> tuple[int, bytes] | None:
        """(exit code, standard output); None when the command could not be started."""
        chunks: list[bytes] = []
        code = self.stream(chunks.append)
        return None if code is None else (code, b"".join(chunks))

    def stream(self, sink: Callable[[bytes], object]) -> int | None:
        """Pass standard output to ``sink`` as it comes, in chunks of at most 64 KiB, and return
        the exit code: a command that writes hundreds of MB is never held whole. None when the
        command could not be started."""
        if self.pid < 0:
            return None
        with os.fdopen(self._read, "rb") as file:
            while chunk := file.read1(1 << 16):
                sink(chunk)
        _, status = os.waitpid(self.pid, 0)
        self.pid = -1
        return os.waitstatus_to_exitcode(status)


def output_of(argv: list[str], cwd: str) -> tuple[int, bytes] | None:
    """(exit code, standard output) of a helper command; None when it cannot be started."""
    return Helper(argv, cwd).output()


def find_program(name: str) -> str | None:
    """The file ``name`` runs as a command (``shutil.which`` without importing shutil)."""
    if "/" in name:
        return name if os.access(name, os.X_OK) and not os.path.isdir(name) else None
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(folder or ".", name)
        if os.access(path, os.X_OK) and not os.path.isdir(path):
            return path
    return None


def describe_exit(code: int) -> str:
    """``0``, ``2``, or the name of the signal for a negative code (``SIGTERM``)."""
    if code >= 0:
        return str(code)
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def shell_status(code: int) -> int:
    """reslog's own exit status for the command's: the same, or 128 + N for signal N."""
    return code if code >= 0 else 128 - code


__all__ = ["FORWARDED", "Command", "Helper", "describe_exit", "find_program", "output_of", "shell_status"]
