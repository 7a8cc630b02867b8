"""Hostile import sources: zip bombs, FIFOs, symbolic links that lead out of the source.

A zip bomb is a real one (1.5 GB of zeros packed in 1.5 MB), read by a real process whose
address space is capped below its size: an importer that inflated the member whole would die
of it. A FIFO is a real one (``os.mkfifo``): an importer that opened it to read would wait
for a writer forever, so every run has a timeout.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reslog import markdown
from reslog.importers.base import MEMBER_LIMIT

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]
SRC = Path(markdown.__file__).resolve().parent.parent
ID = "0123456789abcdef0123456789abcdef"


def _bomb(path: Path, name: str, mib: int = 1536) -> Path:
    """A zip whose one member inflates to ``mib`` MiB of zeros (a valid deflate stream: the same
    fully flushed block of one MiB, repeated), with its true CRC and sizes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(b"\0" * (1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()
    crc = 0
    zeros = b"\0" * (1 << 20)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    size, packed, raw = mib << 20, len(block) * mib + len(tail), name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, packed, size, len(raw), 0) + raw
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, packed, size, len(raw),
                          0, 0, 0, 0, 0, 0) + raw
    with path.open("wb") as out:
        out.write(local)
        for _ in range(mib):
            out.write(block)
        out.write(tail)
        start = out.tell()
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), start, 0))
    return path


@pytest.fixture(scope="module")
def bomb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    _bomb(folder / "notion.zip", f"Bomb {ID}.md")
    _bomb(folder / "dayone.zip", "Journal.json")
    return folder


_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (700 << 20, 700 << 20))  # far below the bomb's 1.5 GB
from reslog.cli.entry import main
sys.exit(main(["import", sys.argv[1], sys.argv[2]]))
"""


@pytest.mark.parametrize(("fmt", "member"), [("notion", f"Bomb {ID}.md"), ("dayone", "Journal.json")])
def test_a_zip_bomb_is_refused_without_inflating_it(bomb_dir: Path, tmp_path: Path, fmt: str, member: str) -> None:
    archive = bomb_dir / f"{fmt}.zip"
    assert archive.stat().st_size < 2 << 20 and MEMBER_LIMIT < 1536 << 20
    env = {**os.environ, "PYTHONPATH": str(SRC), "RESLOG_DIR": str(tmp_path / "log")}
    done = subprocess.run([sys.executable, "-c", _LIMITED, fmt, str(archive)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    said = done.stdout + done.stderr
    assert "1,536.0 MB uncompressed (1.5 MB in the zip), more than the 256.0 MB an import reads of one file; " \
           "left out" in said, said
    assert not (tmp_path / "log" / "days").exists()


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """An importer that opens a FIFO waits forever: fail the test instead, after a minute."""

    def stuck(signum: int, frame: object) -> None:
        raise TimeoutError("the import hung (did it open a FIFO to read it?)")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def test_a_fifo_among_the_notes_is_left_out_with_its_reason(tmp_path: Path, log_dir: Path, run: Run,
                                                          clock: Clock) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-03-05.md").write_text("# A note\n\ntext\n", encoding="utf-8")
    _fifo(notes / "2024-03-06.md")
    result = run("import", "markdown", str(notes))  # would wait forever reading the FIFO
    assert result.code == 0, result.err
    assert "Imported 1 entry" in result.out
    assert "  2024-03-06.md: not a regular file (a FIFO); left out" in result.out


@pytest.mark.parametrize("fmt", ["org", "jrnl", "notion", "logseq", "obsidian", "dayone"])
def test_every_reader_leaves_a_fifo_out(tmp_path: Path, log_dir: Path, run: Run, clock: Clock, fmt: str) -> None:
    folder = tmp_path / "source"
    folder.mkdir()
    name = {"org": "20240306", "jrnl": "2024/03/06.txt", "notion": f"Page {ID}.md",
            "logseq": "2024_03_06.md", "obsidian": "2024-03-06.md", "dayone": "Journal.json"}[fmt]
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    _fifo(folder / name)
    good = {"org": ("20240305", "* 10:00 kept\n"), "logseq": ("2024_03_05.md", "- kept\n"),
            "obsidian": ("2024-03-05.md", "- kept\n")}.get(fmt)
    if good is not None:
        (folder / good[0]).write_text(good[1], encoding="utf-8")
    result = run("import", fmt, str(folder))  # would wait forever reading the FIFO
    assert "not a regular file (a FIFO); left out" in result.out + result.err, result.out + result.err
    assert sorted(p.name for p in (log_dir / "days").rglob("*.md")) == (["2024-03-05.md"] if good else [])


def test_a_fifo_given_as_the_source_is_refused(tmp_path: Path, log_dir: Path, run: Run) -> None:
    result = run("import", "jrnl", str(_fifo(tmp_path / "journal.txt")))
    assert result.code == 2
    assert result.err == f"reslog: {tmp_path / 'journal.txt'} is a FIFO, not a file or folder to import; " \
                         "give the export itself\n"


def test_links_out_of_the_source_are_not_followed_unless_asked(tmp_path: Path, log_dir: Path, run: Run,
                                                              clock: Clock) -> None:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "2024-03-07.md").write_text("# Private\n\nsecret words\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-03-05.md").write_text("# Kept\n", encoding="utf-8")
    (notes / "2024-03-06.md").symlink_to(notes / "2024-03-05.md")  # inside: read
    (notes / "2024-03-07.md").symlink_to(secret / "2024-03-07.md")
    (notes / "more").symlink_to(secret)
    (notes / "2024-03-08.md").symlink_to(tmp_path / "nowhere.md")
    result = run("import", "markdown", str(notes), "--dry-run")
    assert "Would import 2 entries" in result.out
    assert (f"  2024-03-07.md: a symbolic link to {secret / '2024-03-07.md'} outside the import source; "
            "not followed (--follow-links follows it)") in result.out
    assert f"  more/: a symbolic link to {secret} outside the import source; not followed" in result.out
    assert "  2024-03-08.md: a broken symbolic link; left out" in result.out
    followed = run("import", "markdown", str(notes), "--follow-links")
    assert "Imported 4 entries" in followed.out
    assert "secret words" in day_file(log_dir, "2024-03-07").read_text(encoding="utf-8")


def test_followed_links_never_loop(tmp_path: Path, log_dir: Path, run: Run, clock: Clock) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2024-03-07.md").write_text("# Out there\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-03-05.md").write_text("# Kept\n", encoding="utf-8")
    (notes / "out").symlink_to(outside)
    (outside / "back").symlink_to(notes)  # a loop once the first link is followed
    result = run("import", "markdown", str(notes), "--follow-links", "--dry-run")
    assert result.code == 0, result.err
    assert "Would import 2 entries" in result.out
    assert "  out/back/: a link back to a folder being read; left out" in result.out
