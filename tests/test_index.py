"""The index: built from the files, always fresh, disposable, recoverable."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.errors import notices_to
from reslog.index import MIGRATIONS, Index, migrate
from reslog.search import Filters, listing, search, tasks
from reslog.store import Log

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]


def _page(log: Path, day: str, body: str) -> Path:
    path = day_file(log, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def _age(path: Path, seconds: float = 10) -> None:
    """Backdate a file so its mtime is trusted (older than the racy window)."""
    past = time.time() - seconds
    os.utime(path, (past, past))


def _texts(index: Index, query: str) -> list[str]:
    return [h.text for h in search(index, query)]


@pytest.fixture
def log(log_dir: Path) -> Log:
    _age(_page(log_dir, "2026-11-20", "## What was done\n- 09:00 exp: warmup sweep #w2s\n"))
    _age(_page(log_dir, "2026-11-23", "## What was done\n- 10:00 bug: NaN loss after warmup\n"))
    return Log(log_dir)


def test_refresh_reads_only_what_changed(log: Log, log_dir: Path) -> None:
    with Index(log) as index:
        first = index.refresh()
        assert sorted(first.reindexed) == ["days/2026/2026-11-20.md", "days/2026/2026-11-23.md"]
        assert first.rebuilt_because == "there was no index yet"
        assert index.refresh().read == 0
        path = _page(log_dir, "2026-11-23", "## What was done\n- 10:00 bug: NaN loss, fixed by clipping\n")
        report = index.refresh()
        assert report.reindexed == ["days/2026/2026-11-23.md"] and report.read == 1
        assert _texts(index, "clipping") == ["NaN loss, fixed by clipping"]
        assert _texts(index, "after") == []
        _age(path)
        os.utime(path)  # touched, same content: hashed, not re-parsed
        report = index.refresh()
        assert report.read == 1 and report.reindexed == []


def test_same_size_edit_within_one_mtime_tick_is_seen(log: Log, log_dir: Path) -> None:
    """Two same-size writes with the same mtime: the second is caught because the first was recent."""
    path = day_file(log_dir, "2026-11-20")
    with Index(log) as index:
        path.write_text("## What was done\n- 09:00 exp: recent edit #w2s\n", encoding="utf-8")
        stat = path.stat()
        index.refresh()
        path.write_text("## What was done\n- 09:00 exp: recent EDIT #w2s\n", encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_size == stat.st_size
        index.refresh()
        assert listing(index)[0].text == "recent EDIT #w2s"


def test_deleted_pages_leave_the_index(log: Log, log_dir: Path) -> None:
    with Index(log) as index:
        index.refresh()
        day_file(log_dir, "2026-11-20").unlink()
        report = index.refresh()
        assert report.removed == ["days/2026/2026-11-20.md"]
        assert _texts(index, "warmup") == ["NaN loss after warmup"]


def test_deleting_dot_reslog_loses_nothing(run: Run, clock: Clock, log: Log, log_dir: Path) -> None:
    before = run("search", "warmup", "--json").out
    import shutil

    shutil.rmtree(log_dir / ".reslog")
    result = run("search", "warmup", "--json")
    assert result.out == before
    assert "reslog: rebuilt the index: there was no index yet." in result.err


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_index_is_moved_aside_and_rebuilt(run: Run, clock: Clock, log: Log, log_dir: Path,
                                                  damage: str) -> None:
    run("search", "warmup")
    db = log_dir / ".reslog" / "index.db"
    with Index(log) as index:
        index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    else:
        data = db.read_bytes()
        db.write_bytes(data[:100] + b"\0" * (len(data) - 100))
    result = run("search", "warmup")
    assert result.code == 0
    assert "NaN loss after warmup" in result.out and "warmup sweep" in result.out
    assert "reslog: rebuilt the index: the index could not be used" in result.err
    assert any(p.name.startswith("index.db.broken-") for p in (log_dir / ".reslog").iterdir())


def test_old_index_is_migrated(log: Log, log_dir: Path) -> None:
    path = log_dir / ".reslog" / "index.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(path, isolation_level=None)
    assert migrate(old, upto=1) == ["0001_initial"]
    old.close()
    with Index(log) as index:
        index.refresh()
        names = [row[0] for row in index.db.execute("SELECT name FROM migrations ORDER BY name")]
        assert names == [name for name, _ in MIGRATIONS]
        assert index.rebuilt_because is None
        assert _texts(index, "warmup") != []


def test_invisible_characters_do_not_split_words(log: Log, log_dir: Path) -> None:
    """Text pasted from a web page or a PDF carries soft hyphens ("ecosys\u00adtems", two notebook
    posts of the corpora) and zero-width characters: they show as nothing, and the word is found
    as written on screen. An edit leaves no stale word behind (the FTS index is contentless)."""
    path = _page(log_dir, "2026-11-24", "## What was done\n- 11:00 ecosys\u00adtems flip\u2060ping fast\n"
                                         "- 12:00 zero\u200bwidth break\n")
    with Index(log) as index:
        index.refresh()
        assert _texts(index, "ecosystems") == ["ecosys\u00adtems flip\u2060ping fast"]
        assert _texts(index, "flipping") and _texts(index, "tems") == [] and _texts(index, "ping") == []
        assert _texts(index, "ecosys\u00adtems") == _texts(index, "ecosystems")  # a query pasted alike
        assert _texts(index, "width") == ["zero\u200bwidth break"]  # a zero-width space still breaks
        path.write_text("## What was done\n- 11:00 grassland only\n", encoding="utf-8")
        index.refresh()
        assert _texts(index, "ecosystems") == [] and _texts(index, "grassland") == ["grassland only"]


def test_an_index_with_split_words_is_read_again(log: Log, log_dir: Path) -> None:
    """Indexes made before 0007 hold "ecosys" and "tems": the migration reads every page again."""
    _age(_page(log_dir, "2026-11-24", "## What was done\n- 11:00 ecosys\u00adtems flip\n"))
    with Index(log) as index:
        index.refresh()
        (entry_id,) = index.db.execute("SELECT id FROM entries WHERE day = '2026-11-24'").fetchone()
        # what the old code stored: the soft hyphen split the word
        index.db.execute("INSERT INTO entries_fts(entries_fts, rowid, body) VALUES ('delete', ?, ?)",
                         (entry_id, " ecosystems flip"))
        index.db.execute("INSERT INTO entries_fts(rowid, body) VALUES (?, ?)", (entry_id, " ecosys tems flip"))
        index.db.execute("DELETE FROM migrations WHERE name = '0007_invisible_characters'")
        assert _texts(index, "tems") != [] and _texts(index, "ecosystems") == []
    heard: list[str] = []
    with notices_to(heard.append), Index(log) as index:
        report = index.refresh()
        assert heard == ["this version of reslog indexes pages differently: every page is read again, once."]
        assert len(report.reindexed) == 3 and report.rebuilt_because is None
        assert _texts(index, "ecosystems") == ["ecosys\u00adtems flip"] and _texts(index, "tems") == []
        assert len(_texts(index, "warmup")) == 2


def test_index_from_a_newer_version_is_rebuilt(log: Log, log_dir: Path) -> None:
    with Index(log) as index:
        index.refresh()
        index.db.execute("INSERT INTO migrations VALUES ('9999_future', 'x')")
    with Index(log) as index:
        report = index.refresh()
        assert report.rebuilt_because is not None and "newer reslog" in report.rebuilt_because
        assert len(_texts(index, "warmup")) == 2


def test_only_the_newest_copies_moved_aside_are_kept(log: Log, log_dir: Path) -> None:
    """Two versions of reslog taking turns on a log move each other's index aside each time: the
    copies kept stop at three, or a 10-year log's folder grew by 24 MB a turn."""
    data = log_dir / ".reslog"
    with Index(log) as index:
        index.refresh()
        index.db.execute("INSERT INTO migrations VALUES ('9999_future', 'x')")
    older = [f"index.db.broken-2026010{n}-120000" for n in range(1, 6)]
    for name in older:
        (data / name).write_bytes(b"old index")
    (data / (older[0] + "-wal")).write_bytes(b"its wal")
    (data / "vectors.db.broken-20260101-120000").write_bytes(b"another file's copy")
    with Index(log) as index:
        assert "newer reslog" in (index.refresh().rebuilt_because or "")
    kept = sorted(p.name for p in data.iterdir() if ".broken-" in p.name)
    assert len(kept) == 4 and kept[:2] == older[3:]
    assert kept[2].startswith("index.db.broken-2") and kept[2] not in older  # the one just moved
    assert kept[3] == "vectors.db.broken-20260101-120000"
    assert (data / kept[2]).stat().st_size > 1000


def test_check_on_a_log_without_an_index_builds_none(run: Run, clock: Clock, log: Log, log_dir: Path) -> None:
    """``reindex --check`` ("change nothing") built the whole index of a log that had none."""
    result = run("reindex", "--check")
    assert result.code == 1
    assert result.out == "There is no index yet; reslog reindex (or any search) builds it.\n"
    assert not (log_dir / ".reslog" / "index.db").exists()


def test_reindex_and_check(run: Run, clock: Clock, log: Log, log_dir: Path) -> None:
    result = run("reindex")
    assert result.code == 0
    assert re.fullmatch(  # the seconds are whatever the machine took
        r"Indexed 2 entries from 2 pages in \d+\.\d s\.\nEmbedded 2 new passages with all-MiniLM-L6-v2/int8\.\n",
        result.out,
    ), result.out
    checked = run("reindex", "--check")
    assert checked.out == "The index is up to date.\n" and checked.code == 0
    _page(log_dir, "2026-11-24", "## What was done\n- new\n")
    _page(log_dir, "2026-11-20", "## What was done\n- changed\n")
    day_file(log_dir, "2026-11-23").unlink()
    bad = day_file(log_dir, "2026-11-25")
    bad.write_bytes(b"- caf\xe9\n")
    stale = run("reindex", "--check")
    assert stale.code == 1  # a script can tell: the index is not up to date
    out = stale.out
    assert out == (
        "stale    days/2026/2026-11-20.md\nstale    days/2026/2026-11-24.md\n"
        "stale    days/2026/2026-11-25.md\nremoved  days/2026/2026-11-23.md\n"
    )
    result = run("search", "new")
    assert "reslog: skipped days/2026/2026-11-25.md: not valid UTF-8 (byte 5)" in result.err
    assert "problem  days/2026/2026-11-25.md: not valid UTF-8" in run("reindex", "--check").out


def test_every_read_says_which_pages_it_leaves_out(run: Run, clock: Clock, log_dir: Path) -> None:
    """A page that is not valid UTF-8 was named once, by the refresh that first read it; then its
    day vanished from every search, week, stats and export without a word (an export wrote an
    empty file). Every read names it until it is fixed, once a command; more than three are
    counted in one line."""
    _page(log_dir, "2026-11-24", "## What was done\n- fine\n")
    bad = day_file(log_dir, "2026-11-25")
    bad.write_bytes(b"## What was done\n- caf\xe9 notes\n")
    said = "reslog: skipped days/2026/2026-11-25.md: not valid UTF-8 (byte 22); convert it to UTF-8\n"
    assert run("search", "fine").err.count(said) == 1
    for args in (("search", "fine"), ("stats", "habits"), ("week", "2026-11-25"), ("digest",),
                 ("export", "md", "-"), ("ask", "--mode", "keyword", "what was fine?")):
        result = run(*args)
        assert result.code == 0 and result.err.count(said) == 1, (args, result.err)
    assert "skipped" not in run("did", "captured").err  # a capture never opens the index
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        day_file(log_dir, day).write_bytes(b"\xff")
    run("search", "fine")
    err = run("search", "fine").err
    assert err == ("reslog: skipped 4 pages that cannot be read (the first: days/2026/2026-11-20.md: not "
                   "valid UTF-8 (byte 0); convert it to UTF-8); reslog reindex --check lists them\n"), err
    for day in ("2026-11-20", "2026-11-21", "2026-11-22", "2026-11-25"):
        day_file(log_dir, day).write_text("## What was done\n- mended\n", encoding="utf-8")
    run("search", "fine")
    assert run("search", "fine").err == ""


def test_capture_never_opens_the_index(run: Run, clock: Clock, log: Log, log_dir: Path) -> None:
    run("search", "warmup")
    db = log_dir / ".reslog" / "index.db"
    stamp = db.stat().st_mtime_ns
    for n in range(5):
        run("did", f"capture {n}")
    assert db.stat().st_mtime_ns == stamp
    assert not (log_dir / ".reslog" / "index.db-journal").exists()


_READER = """
import sys, time
from pathlib import Path
from reslog.index import Index
from reslog.search import listing
from reslog.store import Log
index = Index(Log(Path(sys.argv[1])))
seen = 0
deadline = time.time() + 8
while time.time() < deadline:
    index.refresh()
    texts = [h.text for h in listing(index)]
    assert all(t.startswith("entry ") for t in texts), texts
    seen = max(seen, len(texts))
    if seen >= 200:
        break
print(seen)
"""


def test_readers_and_writers_in_parallel_processes(log_dir: Path) -> None:
    log_dir.mkdir()  # the reader may start before the first capture
    env = {**os.environ, "RESLOG_DIR": str(log_dir)}
    writer = "from reslog.cli.entry import main\nfor n in range(200):\n    main(['did', f'entry {n}'])\n"
    with (
        subprocess.Popen([sys.executable, "-c", writer], env=env, stdout=subprocess.DEVNULL) as w,
        subprocess.Popen([sys.executable, "-c", _READER, str(log_dir)], env=env,
                         stdout=subprocess.PIPE, text=True) as r,
    ):
        assert w.wait(timeout=120) == 0
        out, _ = r.communicate(timeout=120)
        assert r.returncode == 0 and int(out) > 0
    with Index(Log(log_dir)) as index:
        index.refresh()
        assert len(listing(index)) == 200


def test_tasks_api(log_dir: Path) -> None:
    _page(log_dir, "2026-11-24", (
        "## What to do next\n- [x] write intro #paper [est:: 2h] [took:: 3h]\n"
        "- [ ] rerun sweep [est:: 30m] [carried:: 2026-11-20]\n- [-] dropped\n"
        "## What was done\n- not a task\n"
    ))
    with Index(Log(log_dir)) as index:
        index.refresh()
        found = [(t.state, t.est_minutes, t.took_minutes, t.carried, t.citation) for t in tasks(index)]
        assert found == [
            ("x", 120, 180, None, "days/2026/2026-11-24.md:2"),
            (" ", 30, None, "2026-11-20", "days/2026/2026-11-24.md:3"),
            ("-", None, None, None, "days/2026/2026-11-24.md:4"),
        ]
        assert [t.text for t in tasks(index, Filters(open=True))] == ["rerun sweep [est:: 30m] [carried:: 2026-11-20]"]
        assert [t.date for t in tasks(index, Filters(since=dt.date(2026, 11, 25)))] == []


def _pages(log_dir: Path, count: int) -> None:
    for n in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=n)
        _page(log_dir, day.isoformat(), f"## What was done\n- entry {n}\n")


def test_reindex_draws_a_progress_bar_on_a_terminal_only(log_dir: Path) -> None:
    import pty

    _pages(log_dir, 40)
    env = {**os.environ, "RESLOG_DIR": str(log_dir), "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "reslog", "reindex"], env=env, stdout=subprocess.PIPE,
                              stderr=secondary, timeout=60)
        os.close(secondary)
        drawn = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(primary)
    assert done.returncode == 0 and b"Indexed 40 entries from 40 pages" in done.stdout
    assert b"Indexing the log" in drawn and b"100%" in drawn
    piped = subprocess.run([sys.executable, "-m", "reslog", "reindex"], env=env, capture_output=True, timeout=60)
    assert piped.returncode == 0 and b"Indexing the log" not in piped.stderr


def test_connections_opening_a_new_index_at_once_migrate_it_once(tmp_path: Path) -> None:
    """The web app's request threads (or two commands) open a log's first index together: each
    migration runs once, and no opener fails with 'table ... already exists'."""
    import threading

    for attempt in range(12):
        folder = tmp_path / f"log{attempt}"
        (folder / "days").mkdir(parents=True)
        start = threading.Barrier(6)
        failures: list[BaseException] = []

        def open_index(folder: Path = folder, start: threading.Barrier = start,
                       failures: list[BaseException] = failures) -> None:
            index = Index(Log(folder))
            try:
                start.wait()
                assert index.db.execute("SELECT count(*) FROM files").fetchone() == (0,)
            except BaseException as exc:  # reported below, with the others
                failures.append(exc)
            finally:
                index.close()

        threads = [threading.Thread(target=open_index) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        db = sqlite3.connect(folder / ".reslog" / "index.db")
        names = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY name")]
        db.close()
        assert names == sorted(name for name, _ in MIGRATIONS)


def test_holding_gives_the_same_entries_by_either_way_of_asking(log_dir: Path) -> None:
    """Index.holding looks each id up, or, given the word's frequency and few entries per id, reads
    the word's whole list: the same answer either way, stems, accents and batches included."""
    words = ["warmup", "warmups", "loss", "café", "seed", "nothing"]
    for n in range(28):
        lines = "".join(f"- 09:{k:02d} run {n}.{k} " + " ".join(words[(n + k + j) % len(words)] for j in range(k % 4))
                        + "\n" for k in range(3))
        _page(log_dir, f"2026-10-{n + 1:02d}", f"## What was done\n{lines}")
    with Index(Log(log_dir)) as index:
        index.refresh()
        ids = [row[0] for row in index.db.execute("SELECT id FROM entries ORDER BY id")]
        for word in [*words, "cafe", "Warmup"]:
            frequency = index.document_frequency(word)
            for asked in (ids, ids[::3], ids[:1], []):
                looked_up = index.holding(word, asked)
                assert index.holding(word, asked, frequency) == looked_up, (word, len(asked))
                assert index.holding(word, asked, 10**9) == looked_up  # the whole list, whatever the size
        assert index.holding("warmup", ids, 0) == index.holding("warmups", ids) != set()  # stemmed
