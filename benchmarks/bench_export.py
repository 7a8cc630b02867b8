"""The html export of the 10-year log: a static site, timed end to end and in parts.

    python benchmarks/bench_export.py [--runs 3]

Target (issue): `reslog export html OUT` on the 10-year log (2,814 days, 31k entries)
<= 20 s. Measured as a new process, output to a pipe, into a fresh folder each run, with
the log's index up to date (the usual case) and, once, with no index at all (a copy of
the pages only, so the export builds the index first). In process, the parts: selecting
the entries from the index, redacting them (html's default: private entries and
feelings), writing the pages. With chromium on PATH, also the browser's side: opening
search.html?q=learning+rate from disk, which loads the whole search index and runs the
query (a new headless chromium process, `--dump-dom`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_log, median_seconds, print_table, reslog_command, tree_bytes  # noqa: E402

TARGET = 20.0
QUERY = "learning+rate"


def _inprocess(log_dir: Path, out: Path) -> dict[str, float]:
    from reslog.exporters import html
    from reslog.exporters.select import ExportOptions, redact, select
    from reslog.redaction import DEFAULT
    from reslog.store import Log

    start = time.perf_counter()
    log = Log(log_dir)
    hits = select(log)
    selected = time.perf_counter()
    kept = redact(hits, DEFAULT, root=log.root)  # as reslog export does: private headings read too
    redacted = time.perf_counter()
    files = html.write(kept, out, ExportOptions())
    written = time.perf_counter()
    return {
        "select": selected - start, "redact": redacted - selected, "write": written - redacted,
        "hits": len(hits), "kept": len(kept), "files": len(files),
        "days": sum(1 for f in files if f.parent.name == "days"),
        "weeks": sum(1 for f in files if f.parent.name == "weeks"),
        "tags": sum(1 for f in files if f.parent.name == "tags"),
    }


def _export(reslog: list[str], log_dir: Path, out: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        times.append(median_seconds([*reslog, "--dir", str(log_dir), "export", "html", str(out)], runs=1))
    return sorted(times)[len(times) // 2]


def _browser_search(site: Path, profile: Path) -> tuple[float, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        return None
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--dump-dom", (site / "search.html").as_uri() + f"?q={QUERY}"]
    subprocess.run(cmd, capture_output=True, timeout=60, check=True)  # warm the profile and the disk cache
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    took = time.perf_counter() - start
    status = re.search(r'id="status"[^>]*>(.*?)<', done.stdout)
    return took, status.group(1) if status else "no status: the search did not run"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    log_dir, _ = ensure_log()
    reslog = reslog_command()
    subprocess.run([*reslog, "--dir", str(log_dir), "reindex"], check=True, capture_output=True)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        warm = _export(reslog, log_dir, out, args.runs)
        size = tree_bytes(out)
        search_js = (out / "search-index.js").stat().st_size
        page = max(out.rglob("*.html"), key=lambda p: p.stat().st_size)
        largest = f"{page.relative_to(out).as_posix()}, {page.stat().st_size / 1e6:.1f} MB"
        browser = _browser_search(out, Path(tmp) / "chromium")

        copy = Path(tmp) / "log"
        shutil.copytree(log_dir / "days", copy / "days")
        time.sleep(2.1)  # past the index's racy-mtime window, as for any log not written this instant
        cold = _export(reslog, copy, Path(tmp) / "cold", 1)

        parts = _inprocess(log_dir, Path(tmp) / "inproc")

    total = parts["select"] + parts["redact"] + parts["write"]
    rows = [
        ("reslog export html (index up to date)", f"{warm:.2f} s", f"<= {TARGET:.0f} s", _ok(warm <= TARGET)),
        ("reslog export html (no index yet)", f"{cold:.2f} s", f"<= {TARGET:.0f} s", _ok(cold <= TARGET)),
        ("in process: select from the index", f"{parts['select']:.2f} s", "", ""),
        ("in process: redact", f"{parts['redact']:.2f} s", "", ""),
        ("in process: write the pages", f"{parts['write']:.2f} s", "", ""),
        ("in process: total", f"{total:.2f} s", "", ""),
        ("entries selected / exported", f"{parts['hits']:,.0f} / {parts['kept']:,.0f}", "", ""),
        ("files: day / week / tag pages, all", f"{parts['days']:.0f} / {parts['weeks']:.0f} / "
         f"{parts['tags']:.0f}, {parts['files']:.0f}", "", ""),
        ("site size (search-index.js)", f"{size / 1e6:.1f} MB ({search_js / 1e6:.1f} MB)", "", ""),
        ("largest page", largest, "", ""),
    ]
    if browser is None:
        rows.append(("browser search", "chromium not installed (apt-get install chromium)", "", "n/a"))
    else:
        took, status = browser
        rows.append((f"chromium --dump-dom search.html?q={QUERY}", f"{took:.2f} s ({status})", "", ""))
    print_table(rows)
    print(f"(machine: {os.cpu_count()} cores; runs: {args.runs}; log: {log_dir})")
    return 0


def _ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    raise SystemExit(main())
