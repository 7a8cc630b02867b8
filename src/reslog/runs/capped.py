"""Output files that never outgrow their cap, and keep the head and the tail of a stream.

A run's stdout and stderr are each written to a file of the run folder as the
bytes arrive, so whatever happens to reslog, the output so far is on disk.
With a cap of C bytes (``run.output_cap``, 50 MB by default), H = C // 2 and
R = C - H, ``stdout.log`` has two regions while the command runs:

- bytes 0 to H: the first H bytes of the stream (the head);
- bytes H to C: a ring holding the last R bytes of the rest: the byte of
  stream position P (P >= H) is at H + (P - H) mod R;

and once the stream has passed H bytes, ``stdout.log.total`` holds how many
bytes it has had so far (a decimal number, rewritten in place after each
write). Up to C bytes nothing wraps, and the file is the stream. The file
never holds more than C bytes, and nothing is written twice to the disk's
blocks: past the cap, the same R bytes of page cache are overwritten, rather
than new blocks allocated and freed (writing a gigabyte of segments took
several seconds on a virtual disk; overwriting a ring a quarter of a second).

When the run ends, or when a later command finds it lost, :func:`assemble`
puts the file in order: a stream that wrapped becomes the head, one line
``[reslog: N bytes of output left out here]``, and the ring unrolled (its last
R bytes), rewritten in place (rewriting pages the file has costs little;
copying the whole file to a new one cost half a second for 50 MB on a virtual
disk). The count file says ``rotating`` meanwhile and is removed after. A
file found larger than the cap is assembled already; one found ``rotating``
(reslog killed in those milliseconds) keeps its head and loses its tail, with
a line that says so, rather than show a half-rotated tail. The same marker
covers :meth:`CappedFile.rewrite`, when a burst's held tail (see
:mod:`reslog.runs.tee`) refills the whole ring.

Nothing here calls fsync: the files survive the death of reslog (they are in
the kernel's page cache), not a power cut, and a run pays no disk flush.
"""

from __future__ import annotations

import errno
import os

#: The line put between the head and the tail, around the number of bytes left out.
GAP = "\n[reslog: {dropped:,} bytes of output left out here]\n"
TOTAL = ".total"
ROTATING = b"rotating"


def _move(source: int, target: int, size: int, offset: int | None) -> int:
    """Bytes moved from a pipe to a file (at ``offset``), by splice where the system allows."""
    try:
        return os.splice(source, target, size, offset_dst=offset)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
    data = os.read(source, size)
    if offset is None:
        return os.write(target, data)
    _write_all(target, data, offset)
    return len(data)


def _write_all(fd: int, data: memoryview | bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written


class CappedFile:
    """A stream written to ``path`` as it arrives, head and ring (see the module's docstring)."""

    def __init__(self, path: str, cap: int) -> None:
        self.path = path
        self.cap = cap
        self.head_size = cap // 2
        self.ring = cap - self.head_size
        self.total = 0
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        self._count = -1
        self._rewriting = False
        self._assembled = False

    def span(self) -> tuple[int, int]:
        """Where the next bytes go: (offset in the file, bytes that fit there contiguously)."""
        if self.total < self.head_size:
            return self.total, self.head_size - self.total
        at = (self.total - self.head_size) % self.ring
        return self.head_size + at, self.ring - at

    def advance(self, size: int) -> None:
        """Count ``size`` bytes written at :meth:`span`."""
        self.total += size
        if self.total > self.head_size and not self._rewriting:
            self._note(b"%20d\n" % self.total)

    def _note(self, text: bytes) -> None:
        if self._count < 0:
            self._count = os.open(self.path + TOTAL, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.pwrite(self._count, text, 0)

    def rewrite(self, skipped: int) -> None:
        """Begin writing the whole ring anew: ``skipped`` bytes of the stream went by unwritten,
        and at least a ring's worth follows. Until :meth:`rewritten`, the count file says
        ``rotating`` (the ring is then not in any order a reader could trust)."""
        self._note(ROTATING.ljust(20) + b"\n")
        self._rewriting = True
        self.total += skipped

    def rewritten(self) -> None:
        self._rewriting = False
        self._note(b"%20d\n" % self.total)

    def write_tail(self, parts: list[tuple[int, int]], skipped: int) -> None:
        """At the end of a stream whose held tail (pipes, with their byte counts) covers the whole
        ring, write the file in its final order at once: the head as it is, the gap line, the
        last R bytes; rather than fill the ring and then put it in order (twice the writing)."""
        held = sum(size for _, size in parts)
        self._note(ROTATING.ljust(20) + b"\n")
        self.total += skipped + held
        gap = GAP.format(dropped=self.total - self.cap).encode()
        _write_all(self.fd, gap, self.head_size)
        offset = self.head_size + len(gap)
        excess = held - self.ring
        with open(os.devnull, "wb") as null:
            for fd, size in parts:
                drop = min(excess, size)  # older than the last R bytes: never written
                excess -= drop
                size -= drop
                while drop:
                    drop -= _move(fd, null.fileno(), drop, None)
                while size:
                    moved = _move(fd, self.fd, size, offset)
                    offset += moved
                    size -= moved
        os.ftruncate(self.fd, offset)
        self._assembled = True
        os.close(self._count)
        self._count = -1
        os.unlink(self.path + TOTAL)

    def finish(self) -> tuple[int, int]:
        """Close the file and put it in order; (bytes the stream had, bytes of it kept)."""
        self.close()
        if self._assembled:
            return self.total, self.cap
        return assemble(self.path, self.cap)

    def write(self, data: memoryview) -> None:
        while data:
            offset, room = self.span()
            part = data[:room]
            _write_all(self.fd, part, offset)
            self.advance(len(part))
            data = data[len(part):]

    def close(self) -> None:
        for fd in (self.fd, self._count):
            if fd >= 0:
                os.close(fd)
        self.fd = self._count = -1


_LOST_TAIL = "\n[reslog: the last {ring:,} bytes of output were lost: reslog stopped while writing them]\n"


def _counted(path: str) -> int | None:
    """The count file's number; -1 while the ring is being rotated; None without a count file."""
    try:
        with open(path + TOTAL, "rb") as file:
            text = file.read().strip()
    except FileNotFoundError:
        return None
    if text.startswith(ROTATING):
        return -1
    try:
        return int(text or b"0")
    except ValueError:
        return None


def assemble(path: str, cap: int) -> tuple[int, int]:
    """Put a stream's file in order; returns (bytes the stream had, bytes of it kept)."""
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return 0, 0
    total = _counted(path)
    head, ring = cap // 2, cap - cap // 2
    if total is None:  # never past the head: the file is the stream
        return size, size
    if total == -1:  # killed while rotating: the tail cannot be trusted
        with open(path, "r+b") as file:
            file.truncate(head)
            file.seek(head)
            file.write(_LOST_TAIL.format(ring=ring).encode())
        os.unlink(path + TOTAL)
        return head, head
    if total <= cap or size != cap:  # never wrapped (the file is the stream), or assembled already
        os.unlink(path + TOTAL)
        return total, min(total, cap)
    turn = (total - head) % ring
    with open(path + TOTAL, "wb") as count:
        count.write(ROTATING + b"\n")
    with open(path, "r+b") as file:
        file.seek(head)
        tail = file.read(ring)
        file.seek(head)
        file.write(GAP.format(dropped=total - cap).encode())
        file.write(memoryview(tail)[turn:])
        file.write(memoryview(tail)[:turn])
    os.unlink(path + TOTAL)
    return total, cap


def read_end(path: str, size: int, tail: bool = True) -> bytes:
    """The last (or first) ``size`` bytes of a file; empty if it is missing."""
    try:
        with open(path, "rb") as file:
            if tail:
                file.seek(max(0, os.fstat(file.fileno()).st_size - size))
            return file.read(size)
    except (FileNotFoundError, IsADirectoryError):
        return b""


__all__ = ["GAP", "ROTATING", "TOTAL", "CappedFile", "assemble", "read_end"]
