"""What the stats tests share: writing day pages and checking that a plot is a real image."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from .conftest import day_file


def write_day(log: Path, day: str, body: str, section: str | None = "What was done") -> None:
    """A day page whose ``section`` holds ``body`` (with ``section=None``, ``body`` is the whole page)."""
    path = day_file(log, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    heading = f"## {section}\n" if section else ""
    path.write_text(f"---\ndate: {day}\n---\n# {day}\n\n{heading}{body}", encoding="utf-8")


def write_page(log: Path, day: str, body: str) -> None:
    """A day page whose sections are all in ``body``."""
    write_day(log, day, body, section=None)


def check_plot(path: Path) -> None:
    """A PNG or SVG of sensible size."""
    raw = path.read_bytes()
    if path.suffix == ".png":
        assert raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[12:16] == b"IHDR"
        width, height = struct.unpack(">II", raw[16:24])
        assert 400 <= width <= 2000 and 300 <= height <= 2000
        assert len(raw) > 5_000
    else:
        root = ET.fromstring(raw)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert len(raw) > 5_000
