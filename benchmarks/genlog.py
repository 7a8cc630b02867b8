"""Write a long generated research log for the benchmarks (default: ten years).

    python benchmarks/genlog.py OUT_DIR [--years 10] [--seed 1] [--end YYYY-MM-DD]
                                        [--entries-per-day 9.0] [--jrnl FILE]

The pages come from :mod:`reslog.sample` (exactly what the tool would write,
carry-over included) and end yesterday by default, so the first capture of a
benchmark run makes today's page as a user's would. Files are written with
plain writes, no fsync: this is benchmark data. With ``--jrnl FILE`` the same
entries are also written as one jrnl plain-text journal
(``[YYYY-MM-DD HH:MM] title`` then the body, a blank line between entries), for
the comparison with jrnl. Prints the totals: days, entries (top-level list
items), bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TextIO

from reslog import markdown
from reslog.model import TASK_STATES, Page
from reslog.sample import DEFAULT_ENTRIES_PER_DAY, generate_days


def years_before(end: dt.date, years: int) -> dt.date:
    """The first day of the ``years`` years that end with ``end``."""
    try:
        start = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - years, day=28)
    return start + dt.timedelta(days=1)


def jrnl_entries(day: dt.date, page: Page) -> list[tuple[str, str, list[str]]]:
    """The page's top-level entries as (HH:MM, title, body lines), in time order.

    To-dos have no time on the page; they go first, at 08:00, with their state
    as a prefix ("todo:", "done:", ...).
    """
    found = []
    for entry in page.entries():
        first = markdown.line_body(page, entry.index)
        title = first.lstrip("-*+ ")
        if entry.is_task:
            state = TASK_STATES.get(entry.state or "", "todo")
            title = f"{'todo' if state == 'open' else state}: {title[4:]}"
        elif entry.time:
            title = title[len(entry.time) + 1:]
        body = [markdown.line_body(page, i)[2:] for i in range(entry.index + 1, entry.end)]
        found.append((entry.time or "08:00", title, body))
    found.sort(key=lambda item: item[0])  # stable: to-dos first, then the day in order
    return found


def write_jrnl(out: TextIO, day: dt.date, page: Page) -> int:
    count = 0
    for clock, title, body in jrnl_entries(day, page):
        out.write(f"[{day.isoformat()} {clock}] {title}\n")
        out.write("".join(line + "\n" for line in body))
        out.write("\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the log folder to create")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=dt.date.fromisoformat,
                        default=dt.date.today() - dt.timedelta(days=1),
                        help="the last day (default: yesterday)")
    parser.add_argument("--entries-per-day", type=float, default=DEFAULT_ENTRIES_PER_DAY)
    parser.add_argument("--jrnl", type=Path, metavar="FILE",
                        help="also write the entries as one jrnl journal")
    args = parser.parse_args(argv)
    days_dir = args.out / "days"
    if days_dir.exists() and any(days_dir.iterdir()):
        print(f"genlog: {days_dir} already holds pages; remove {args.out} first", file=sys.stderr)
        return 1

    started = time.perf_counter()
    days = entries = size = jrnl_count = 0
    made: set[Path] = set()
    if args.jrnl:
        args.jrnl.parent.mkdir(parents=True, exist_ok=True)
    journal = args.jrnl.open("w", encoding="utf-8", newline="") if args.jrnl else None
    try:
        start = years_before(args.end, args.years)
        for day, text in generate_days(start, args.end, args.seed, args.entries_per_day):
            folder = days_dir / f"{day.year:04d}"
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            data = text.encode("utf-8")
            (folder / f"{day.isoformat()}.md").write_bytes(data)
            days += 1
            size += len(data)
            entries += sum(1 for line in text.splitlines() if line.startswith("- "))
            if journal is not None:
                jrnl_count += write_jrnl(journal, day, markdown.parse(text))
    finally:
        if journal is not None:
            journal.close()

    seconds = time.perf_counter() - started
    print(f"{args.out}: {days} days ({start} to {args.end}), {entries} entries, "
          f"{size:,} bytes ({size / 1e6:.1f} MB), in {seconds:.1f} s")
    if args.jrnl:
        print(f"{args.jrnl}: {jrnl_count} jrnl entries, {args.jrnl.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
