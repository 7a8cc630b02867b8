"""One output of a command: passed on to reslog's own stream and into its log, with few copies.

Each stream goes one of two ways:

- **copy**, from the start, and always for a pseudo-terminal: read into a
  buffer, write it to the log (:mod:`reslog.runs.capped`), then on.
- **tee**, on Linux between pipes, once a stream has passed 1 MiB: ``tee(2)``
  duplicates the bytes waiting in the command's pipe into a second pipe
  without copying them, ``splice(2)`` moves that duplicate into the log file
  (the head) or holds it with the rest of the tail (:meth:`Stream._hold`), and
  moves the original on to reslog's stream (without a copy when that is a
  pipe). Python has no ``tee``; it is called
  through :mod:`ctypes`, imported only then, since it costs a short
  command's start-up several milliseconds. Where any of this is refused
  (another system, a destination that takes no ``splice``), the stream goes
  back to copying, losing nothing: the bytes stay in the pipe until moved.

Either way the log is written before the bytes are passed on, so what a
terminal has shown is on disk; the tail held during a burst is written when
the output pauses. If the reader of reslog's stream goes away,
the stream ends and reslog closes the command's end, so the command gets
SIGPIPE as it would have.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select

from reslog.runs.capped import CappedFile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

CHUNK = 1 << 20
TEE_FROM = 1 << 20
MAX_HELD = 64  # pipes holding a tail at most (each holds up to 1 MiB of the command's pages)
IDLE_MS = 20  # a pause in the output this long writes the held tail to disk
_NONBLOCK = 2  # SPLICE_F_NONBLOCK
#: libc's ``tee`` once looked for (None: there is none); empty until then.
_found: list[Callable[[int, int, int, int], int] | None] = []


def _tee() -> Callable[[int, int, int, int], int] | None:
    """libc's ``tee``, or None where there is none."""
    if not _found:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            function = libc.tee
            function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t, ctypes.c_uint]
            function.restype = ctypes.c_ssize_t

            def call(source: int, target: int, size: int, flags: int) -> int:
                done = int(function(source, target, size, flags))
                if done < 0:
                    code = ctypes.get_errno()
                    raise OSError(code, os.strerror(code))
                return done

            _found.append(call)
        except (ImportError, OSError, AttributeError):
            _found.append(None)
    return _found[0]


def send(fd: int, data: memoryview) -> bool:
    """Write all of ``data``; False when the reader has gone away."""
    while data:
        try:
            data = data[os.write(fd, data):]
        except BlockingIOError:
            select.select([], [fd], [])
        except BrokenPipeError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.ENXIO):  # the terminal hung up
                return False
            raise
    return True


def _read_exactly(fd: int, size: int) -> bytes:
    """``size`` bytes known to be waiting in a pipe."""
    parts = []
    while size:
        part = os.read(fd, size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


class _Held:
    """A pipe holding, as references to the command's pages, a part of the stream's tail."""

    __slots__ = ("full", "read", "size", "write")

    def __init__(self) -> None:
        self.read, self.write = os.pipe()
        self.size = 0
        self.full = False
        import fcntl

        with contextlib.suppress(OSError):  # past the user's pipe allowance: a smaller pipe
            fcntl.fcntl(self.write, fcntl.F_SETPIPE_SZ, CHUNK)

    def close(self) -> None:
        os.close(self.read)
        os.close(self.write)


class Stream:
    """One output of the command: read from ``source``, logged to ``log``, passed on to ``dest``."""

    __slots__ = ("dest", "held", "held_bytes", "log", "mirror", "passing", "pipe", "skipped",
                 "source", "splice_log")

    def __init__(self, source: int, dest: int, log: CappedFile, pipe: bool) -> None:
        self.source = source
        self.dest = dest
        self.log = log
        self.pipe = pipe  # the source is a pipe (not a pseudo-terminal): it may be teed
        self.passing = True
        self.mirror: tuple[int, int] | None = None
        self.splice_log = True
        self.held: list[_Held] = []
        self.held_bytes = 0
        self.skipped = 0

    def step(self, buffer: bytearray) -> bool:
        """Move what is waiting; False when the stream is over (its end, or no reader)."""
        if self.mirror is not None:
            return self._tee_step()
        try:
            size = os.readv(self.source, [buffer])
        except OSError as exc:
            if exc.errno != errno.EIO:  # EIO: a pseudo-terminal whose other end is closed
                raise
            size = 0
        if not size:
            return False
        data = memoryview(buffer)[:size]
        self.log.write(data)
        self.passing = send(self.dest, data)
        if self.passing and self.pipe and self.log.total >= TEE_FROM:
            self._start_tee()
        return self.passing

    def _start_tee(self) -> None:
        self.pipe = False  # tried once
        if _tee() is None or not hasattr(os, "splice"):
            return
        try:
            import fcntl

            read, write = os.pipe()
            size = fcntl.fcntl(self.source, fcntl.F_GETPIPE_SZ)
            if fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, size) < size:
                raise OSError(errno.ENOMEM, "the second pipe is smaller")
        except (AttributeError, OSError):
            return
        self.mirror = (read, write)
        # A pipe that reslog writes to holds as much as the command's (1 MiB, where the system
        # allows): fewer, larger moves, and fewer switches between reslog and its reader. Only a
        # pipe's capacity changes, never what passes through it; a smaller one is never made.
        with contextlib.suppress(OSError):
            if fcntl.fcntl(self.dest, fcntl.F_GETPIPE_SZ) < size:
                fcntl.fcntl(self.dest, fcntl.F_SETPIPE_SZ, size)

    def _stop_tee(self) -> None:
        self.flush()
        if self.mirror is not None:
            for fd in self.mirror:
                os.close(fd)
            self.mirror = None

    def _tee_step(self) -> bool:
        assert self.mirror is not None
        if self.log.total >= self.log.head_size:
            size = self._hold()
        else:  # the head is written as it comes
            read, write = self.mirror
            size = self._tee_into(write, 0)
            if size > 0:
                self._log_from(read, size)
        if size < 0:
            return True  # nothing moved: the bytes stay in the pipe for the next step
        if size == 0:
            return False
        return self._pass_on(size)

    def _tee_into(self, target: int, flags: int) -> int:
        """Bytes duplicated from the command's pipe into ``target``; 0 at the end; -1 when the
        system refuses (the stream is then copied from now on)."""
        tee = _tee()
        assert tee is not None
        try:
            return tee(self.source, target, CHUNK, flags)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            self._stop_tee()
            return -1

    def _hold(self) -> int:
        """Past the head: hold the bytes in pipes instead of writing them to the ring at once.

        The ring keeps the last R bytes of the stream; while a stream pours out, most bytes
        would be written there only to be overwritten. So the tail is kept as references to the
        command's own pages in a chain of pipes; once the chain holds R bytes without its
        oldest pipe, that pipe can never be in the tail and is closed, unwritten. The chain is
        written to the ring (:meth:`flush`) when the output pauses, when 64 pipes are held, and
        at the end: a stream that pauses is on disk within moments, a gigabyte poured out costs
        the copy of R bytes, not of a gigabyte.
        """
        while True:
            if not self.held or self.held[-1].full:
                if len(self.held) >= MAX_HELD:
                    self.flush()
                self.held.append(_Held())
            pipe = self.held[-1]
            try:
                size = self._tee_into(pipe.write, _NONBLOCK)
            except BlockingIOError:
                if pipe.size == 0:
                    return -1
                pipe.full = True
                continue
            if size <= 0:
                return size
            pipe.size += size
            self.held_bytes += size
            while len(self.held) > 1 and self.held_bytes - self.held[0].size >= self.log.ring:
                old = self.held.pop(0)
                old.close()
                self.held_bytes -= old.size
                self.skipped += old.size
            return size

    def flush(self) -> None:
        """Write the held tail to the ring (see :meth:`_hold`)."""
        if not self.held:
            return
        rewrite = self.skipped > 0  # then the held bytes cover the whole ring
        if rewrite:
            self.log.rewrite(self.skipped)
            self.skipped = 0
        for pipe in self.held:
            self._log_from(pipe.read, pipe.size)
            pipe.close()
        self.held = []
        self.held_bytes = 0
        if rewrite:
            self.log.rewritten()

    def _log_from(self, read: int, size: int) -> None:
        while size:
            if not self.splice_log:
                self.log.write(memoryview(_read_exactly(read, size)))
                return
            offset, room = self.log.span()
            try:
                moved = os.splice(read, self.log.fd, min(room, size), offset_dst=offset)
            except OSError as exc:
                if exc.errno != errno.EINVAL:  # a file system that takes no splice: copy
                    raise
                self.splice_log = False
                continue
            self.log.advance(moved)
            size -= moved

    def _pass_on(self, size: int) -> bool:
        while size:
            try:
                size -= os.splice(self.source, self.dest, size)
            except BlockingIOError:
                select.select([], [self.dest], [])
            except BrokenPipeError:
                self.passing = False
                return False
            except OSError as exc:
                if exc.errno in (errno.EIO, errno.ENXIO):
                    self.passing = False
                    return False
                if exc.errno != errno.EINVAL:
                    raise
                self._stop_tee()  # a destination that takes no splice: copy from now on
                self.passing = send(self.dest, memoryview(_read_exactly(self.source, size)))
                return self.passing
        return True

    def close(self) -> None:
        if self.held and self.skipped:  # the end of a burst: the log in its final order at once
            self.log.write_tail([(pipe.read, pipe.size) for pipe in self.held], self.skipped)
            for pipe in self.held:
                pipe.close()
            self.held = []
            self.held_bytes = self.skipped = 0
        self._stop_tee()
        if self.source >= 0:
            os.close(self.source)
            self.source = -1


__all__ = ["CHUNK", "IDLE_MS", "MAX_HELD", "TEE_FROM", "Stream", "send"]
