"""``reslog sync`` on real git repositories: two machines (clones of one bare remote) that capture
on the same day, carry to-dos over, conflict for real, and commit in the background."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reslog.sync.repo import message

pytestmark = pytest.mark.skipif(shutil.which("git") is None and os.environ.get("CI") != "true",
                                reason="git is not installed (apt install git)")

IDENTITY = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}


class Machine:
    """One machine's log, driven through the real ``reslog`` command in a subprocess."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        home.mkdir(parents=True, exist_ok=True)

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PYTEST"))}
        env.update(IDENTITY, HOME=str(self.home), RESLOG_DIR=str(self.root), GIT_CONFIG_NOSYSTEM="1", **more)
        return env

    def reslog(self, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "reslog", *args], env=self.env(**env), capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=120)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.root), *args], env=self.env(), capture_output=True,
                              text=True, check=True).stdout

    def page(self, day: str) -> str:
        return (self.root / "days" / day[:4] / f"{day}.md").read_text(encoding="utf-8")

    def write_page(self, day: str, text: str) -> None:
        (self.root / "days" / day[:4] / f"{day}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return bare


@pytest.fixture
def a(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "a" / "log", tmp_path / "a" / "home")


@pytest.fixture
def b(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "b" / "log", tmp_path / "b" / "home")


def two_machines(a: Machine, b: Machine, remote: Path) -> None:
    """A starts a log and publishes it; B joins with a log of its own (no clone needed)."""
    a.reslog("todo", "Email Yitao about the grid-world task", "--date", "2026-11-24")
    a.reslog("todo", "Rerun the W2S sweep", "--date", "2026-11-24")
    a.reslog("did", "Set up the sweep", "--date", "2026-11-24", "--time", "09:00")
    out = a.reslog("sync", "--remote", str(remote)).stdout
    assert "Made" in out and "Pushed to origin." in out
    out = b.reslog("sync", "--remote", str(remote)).stdout
    assert b.page("2026-11-24") == a.page("2026-11-24")


def test_first_sync_makes_a_repository_that_leaves_derived_data_out(a: Machine, remote: Path) -> None:
    a.reslog("did", "a first entry", "--date", "2026-11-24")
    (a.root / "runs" / "2026").mkdir(parents=True)
    (a.root / "runs" / "2026" / "stdout.log").write_text("lots of output\n", encoding="utf-8")
    a.reslog("search", "first")  # builds .reslog/index.db
    out = a.reslog("sync").stdout
    assert "Made" in out and "Committed 1 day and 2 other files (2026-11-24)." in out
    assert "No remote" in out
    tracked = a.git("ls-files").split()
    assert tracked == [".gitattributes", ".gitignore", "days/2026/2026-11-24.md"]
    assert a.git("log", "-1", "--format=%s").strip() == "reslog: 2026-11-24"
    assert "Nothing new to commit." in a.reslog("sync").stdout
    # sync.runs = true: runs/ goes into git too; the user's own .gitignore lines are kept
    (a.root / ".gitignore").write_text((a.root / ".gitignore").read_text() + "*.tmp\n", encoding="utf-8")
    (a.root / "reslog.toml").write_text("[sync]\nruns = true\n", encoding="utf-8")
    a.reslog("sync")
    assert "runs/2026/stdout.log" in a.git("ls-files")
    ignore = (a.root / ".gitignore").read_text()
    assert "runs/" not in ignore and ".reslog/" in ignore and "*.tmp" in ignore


def test_commit_message_lists_the_days() -> None:
    assert message(["days/2026/2026-11-25.md", "days/2026/2026-11-24.md", "reslog.toml"]).splitlines()[0] == \
        "reslog: 2026-11-24, 2026-11-25"
    many = [f"days/2026/2026-11-{d:02d}.md" for d in range(1, 11)]
    assert message(many).splitlines()[0] == "reslog: 10 days, 2026-11-01 to 2026-11-10"


def test_two_machines_capture_on_the_same_day_and_merge_cleanly(a: Machine, b: Machine, remote: Path) -> None:
    two_machines(a, b, remote)
    # the same new day on both machines: each page is made apart, with the same carried to-dos
    a.reslog("exp", "A: W2S on GPT-2 sizes", "--date", "2026-11-26", "--time", "09:12")
    a.reslog("think", "A: the strong model imitates the weak one", "--date", "2026-11-26")
    a.reslog("idea", "A: curriculum over lengths", "--date", "2026-11-26", "--time", "12:00")
    b.reslog("did", "B: lunch talk", "--date", "2026-11-26", "--time", "08:00")
    b.reslog("bug", "B: off-by-one in the loader", "--date", "2026-11-26", "--time", "10:30")
    b.reslog("think", "B: explains the flat curve", "--date", "2026-11-26")
    a.reslog("sync")
    out = b.reslog("sync").stdout
    assert "Pulled 1 commit from origin." in out and "Pushed to origin." in out
    a.reslog("sync")
    merged = a.page("2026-11-26")
    assert merged == b.page("2026-11-26")
    assert "<<<<<<<" not in merged
    # every line of both machines, once, each nested line under its own entry, entries by time
    # (each machine's own entries keep their order: the merge interleaves, never reorders one side)
    assert merged.count("Email Yitao") == 1 and merged.count("Rerun the W2S sweep") == 1
    done = merged.split("## What was done\n")[1].split("\n\n")[0].splitlines()
    assert done == [
        "- 08:00 B: lunch talk",
        "- 09:12 exp: A: W2S on GPT-2 sizes",
        "  - thought: A: the strong model imitates the weak one",
        "- 10:30 bug: B: off-by-one in the loader",
        "  - thought: B: explains the flat curve",
    ]
    assert "- 12:00 A: curriculum over lengths" in merged
    # the day both carried from: both marked the same to-dos [>], kept once
    old = a.page("2026-11-24")
    assert old.count("- [>] Email Yitao") == 1 and "- [ ]" not in old
    # the index reads the merged page: search finds both machines' entries
    found = a.reslog("search", "--mode", "keyword", "loader OR W2S", "--since", "2026-11-26").stdout
    assert "off-by-one" in found and "GPT-2 sizes" in found


def test_the_same_thought_under_different_entries_survives_on_both_machines(
    a: Machine, b: Machine, remote: Path
) -> None:
    """Each machine logged its own bug and the same thought under it: the merge kept the thought
    once, under the second bug (one lost, one moved), and every sync said it went well."""
    two_machines(a, b, remote)
    a.reslog("bug", "loader crash on shard 3", "--date", "2026-11-24", "--time", "10:00")
    a.reslog("think", "check the seed", "--date", "2026-11-24")
    b.reslog("bug", "NaN in eval", "--date", "2026-11-24", "--time", "10:30")
    b.reslog("think", "check the seed", "--date", "2026-11-24")
    a.reslog("sync")
    b.reslog("sync")
    a.reslog("sync")
    merged = a.page("2026-11-24")
    assert merged == b.page("2026-11-24")
    assert merged.split("## What was done\n")[1].split("\n\n")[0].splitlines() == [
        "- 09:00 Set up the sweep",
        "- 10:00 bug: loader crash on shard 3",
        "  - thought: check the seed",
        "- 10:30 bug: NaN in eval",
        "  - thought: check the seed",
    ]


def test_carry_over_on_one_side_and_done_on_the_other(a: Machine, b: Machine, remote: Path) -> None:
    two_machines(a, b, remote)
    # A opens a new day: the to-dos carry over, [>] on 2026-11-24. B ticks one off on 2026-11-24.
    a.reslog("did", "A: new day", "--date", "2026-11-25", "--time", "09:00")
    b.reslog("done", "1", "--date", "2026-11-24", "--took", "20m")
    b.reslog("did", "B: late note on the 24th", "--date", "2026-11-24", "--time", "18:00")
    a.reslog("sync")
    b.reslog("sync")
    a.reslog("sync")
    page = a.page("2026-11-24")
    assert page == b.page("2026-11-24")
    # done beats the carry-over mark, with B's time; A's [>] of the other to-do stays
    assert "- [x] Email Yitao about the grid-world task [took:: 20m]" in page
    assert "- [>] Rerun the W2S sweep" in page
    assert "- 18:00 B: late note on the 24th" in page
    assert "<<<<<<<" not in page


def test_an_entry_reworded_on_one_machine_keeps_a_thought_added_under_it_on_the_other(
    a: Machine, b: Machine, remote: Path
) -> None:
    """A rewords an entry by hand while B thinks under it (``think --on``): B's page became the
    whole file twice, front matter and all, between conflict markers, so that ``show`` listed
    every entry twice and a capture made meanwhile landed in one of the two halves."""
    two_machines(a, b, remote)
    a.reslog("think", "A's thought", "--date", "2026-11-24")
    a.reslog("did", "A later", "--date", "2026-11-24", "--time", "10:00")
    a.reslog("sync")
    b.reslog("sync")
    a.write_page("2026-11-24", a.page("2026-11-24").replace("Set up the sweep", "Set up the sweep (on 4 GPUs)"))
    b.reslog("think", "B's late thought", "--on", "1", "--date", "2026-11-24")
    b.reslog("did", "B later", "--date", "2026-11-24", "--time", "11:00")
    a.reslog("sync")
    b.reslog("sync")
    a.reslog("sync")
    page = a.page("2026-11-24")
    assert page == b.page("2026-11-24") and "<<<<<<<" not in page
    assert page.split("## What was done\n")[1].split("\n\n")[0].splitlines() == [
        "- 09:00 Set up the sweep (on 4 GPUs)",
        "  - thought: A's thought",
        "  - thought: B's late thought",
        "- 10:00 A later",
        "- 11:00 B later",
    ]
    shown = b.reslog("show", "2026-11-24").stdout
    assert shown.count("A later") == 1 and shown.count("B's late thought") == 1


def test_a_real_conflict_stops_and_keeps_both_versions(a: Machine, b: Machine, remote: Path) -> None:
    two_machines(a, b, remote)
    page = a.page("2026-11-24")
    a.write_page("2026-11-24", page.replace("Set up the sweep", "Set up the sweep on the cluster"))
    b.write_page("2026-11-24", b.page("2026-11-24").replace("Set up the sweep", "Set up the sweep locally"))
    b.reslog("did", "B: an entry of its own", "--date", "2026-11-24", "--time", "17:00")
    a.reslog("sync")
    stopped = b.reslog("sync", ok=False)
    assert stopped.returncode == 1
    assert "sync stopped: days/2026/2026-11-24.md changed in the same lines on both machines" in stopped.stderr
    assert len(stopped.stderr.strip().splitlines()) == 1
    assert "not git rebase --abort" in stopped.stderr  # an abort throws away what is captured meanwhile
    text = b.page("2026-11-24")
    assert "Set up the sweep on the cluster" in text and "Set up the sweep locally" in text
    assert "<<<<<<< the other machine" in text and ">>>>>>> this machine" in text
    assert "- 17:00 B: an entry of its own" in text
    # running it again without resolving says the same, and changes nothing
    again = b.reslog("sync", ok=False)
    assert again.returncode == 1 and "sync stopped" in again.stderr
    assert b.page("2026-11-24") == text
    # a capture while the sync is stopped lands, and the finished sync carries it
    b.reslog("did", "B: written while the sync is stopped", "--date", "2026-11-24", "--time", "18:00")
    text = b.page("2026-11-24")
    assert "- 18:00 B: written while the sync is stopped" in text
    # a background commit (sync.auto) never commits a page with its markers in mid-rebase
    (b.root / "reslog.toml").write_text("[sync]\nauto = true\n", encoding="utf-8")
    head = b.git("rev-parse", "HEAD")
    auto = subprocess.run([sys.executable, "-m", "reslog.sync.auto", str(b.root)], env=b.env(), timeout=60)
    assert auto.returncode == 1 and b.git("rev-parse", "HEAD") == head
    assert "stopped on a conflict" in (b.root / ".reslog" / "sync.log").read_text(encoding="utf-8")
    # resolve: keep both words, drop the markers; the next sync finishes and pushes
    lines = [line for line in text.splitlines(keepends=True)
             if not line.startswith(("<<<<<<<", "=======", ">>>>>>>")) and "sweep locally" not in line]
    b.write_page("2026-11-24", "".join(lines))
    out = b.reslog("sync").stdout
    assert "Pushed to origin." in out
    a.reslog("sync")
    assert a.page("2026-11-24") == b.page("2026-11-24")
    assert "- 17:00 B: an entry of its own" in a.page("2026-11-24")
    assert "- 18:00 B: written while the sync is stopped" in a.page("2026-11-24")


def test_a_clone_joins_too(a: Machine, remote: Path, tmp_path: Path) -> None:
    a.reslog("did", "from A", "--date", "2026-11-24")
    a.reslog("sync", "--remote", str(remote))
    clone = Machine(tmp_path / "c" / "log", tmp_path / "c" / "home")
    subprocess.run(["git", "clone", "-q", str(remote), str(clone.root)], check=True, env=clone.env())
    clone.reslog("did", "from the clone", "--date", "2026-11-24", "--time", "11:00")
    a.reslog("did", "more from A", "--date", "2026-11-24", "--time", "10:00")
    a.reslog("sync")
    clone.reslog("sync")  # registers the merge driver in the clone's .git/config, then merges
    text = clone.page("2026-11-24")
    assert "from A" in text and "more from A" in text and "from the clone" in text
    assert "<<<<<<<" not in text


def test_sync_auto_commits_after_a_capture_in_the_background(a: Machine) -> None:
    a.reslog("did", "before", "--date", "2026-11-24")
    (a.root / "reslog.toml").write_text("[sync]\nauto = true\n", encoding="utf-8")
    a.reslog("sync")
    assert (a.root / ".reslog" / "sync-auto").exists()
    commits = int(a.git("rev-list", "--count", "HEAD"))
    out = a.reslog("exp", "auto-committed entry", "--date", "2026-11-24").stdout
    assert "What was done" in out
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and int(a.git("rev-list", "--count", "HEAD")) == commits:
        time.sleep(0.2)
    assert int(a.git("rev-list", "--count", "HEAD")) == commits + 1
    assert "auto-committed entry" in a.git("show", "HEAD")
    # sync.auto off: the background process removes the mark and commits nothing
    (a.root / "reslog.toml").write_text("[sync]\nauto = false\n", encoding="utf-8")
    a.reslog("did", "not committed", "--date", "2026-11-24")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (a.root / ".reslog" / "sync-auto").exists():
        time.sleep(0.2)
    assert not (a.root / ".reslog" / "sync-auto").exists()
    assert "not committed" not in a.git("show", "HEAD")


def _next_commit(machine: Machine, commits: int) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and int(machine.git("rev-list", "--count", "HEAD")) == commits:
        time.sleep(0.2)
    assert int(machine.git("rev-list", "--count", "HEAD")) == commits + 1
    return machine.git("show", "HEAD")


def test_sync_auto_commits_every_change_not_only_captures(a: Machine) -> None:
    a.reslog("todo", "Rerun the sweep")
    a.reslog("todo", "Email Yitao")
    (a.root / "reslog.toml").write_text("[sync]\nauto = true\n", encoding="utf-8")
    a.reslog("sync")
    commits = int(a.git("rev-list", "--count", "HEAD"))
    a.reslog("done", "1", "--took", "45m")
    assert "- [x] Rerun the sweep [took:: 45m]" in _next_commit(a, commits)
    assert a.git("status", "--porcelain") == ""
    # a command that only reads starts nothing: no commit, and no process left to wait for
    a.reslog("search", "sweep")
    time.sleep(1)
    assert int(a.git("rev-list", "--count", "HEAD")) == commits + 1


def test_sync_auto_commits_what_the_web_app_writes(a: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'reslog[web]'")
    from .web_harness import keyword_only, serving

    keyword_only(a.root)
    with (a.root / "reslog.toml").open("a", encoding="utf-8") as settings:
        settings.write("[sync]\nauto = true\n")
    a.reslog("did", "before")
    a.reslog("sync")
    commits = int(a.git("rev-list", "--count", "HEAD"))
    for key, value in a.env().items():  # the background commit inherits the server's environment
        monkeypatch.setenv(key, value)
    with serving(a.root) as server:
        reply = server.browser("POST", "/capture", {"text": "exp: committed from the browser"})
        assert reply.status == 200, reply.text
        assert "exp: committed from the browser" in _next_commit(a, commits)


def test_errors_say_what_to_do(a: Machine, tmp_path: Path) -> None:
    a.reslog("did", "something", "--date", "2026-11-24")
    nobody = {"GIT_AUTHOR_NAME": "", "GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_NAME": "",
              "GIT_COMMITTER_EMAIL": "", "EMAIL": ""}
    env = {k: v for k, v in a.env().items() if k not in IDENTITY}
    done = subprocess.run([sys.executable, "-m", "reslog", "sync"], env={**env, **{k: v for k, v in nobody.items()
                          if k == "EMAIL"}, "GIT_CONFIG_GLOBAL": str(tmp_path / "empty")},
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    if done.returncode == 0:
        pytest.skip("git made up an identity from this machine's name")
    assert "git does not know who you are" in done.stderr and "nothing is lost" in done.stderr
    assert (a.root / "days" / "2026" / "2026-11-24.md").exists()
    no_git = a.reslog("sync", ok=False, PATH=str(tmp_path / "nowhere"))
    assert no_git.returncode == 1 and "needs git" in no_git.stderr
    bad = a.reslog("sync", "--remote", str(tmp_path / "missing.git"), ok=False)
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    # git's own reason, not the tail of its advice ("git ls-remote failed: and the repository exists.")
    assert bad.stderr == (f"reslog: cannot reach the remote 'origin' ('{tmp_path / 'missing.git'}' does not "
                          "appear to be a git repository); your changes are committed in the log, nothing is "
                          "lost: run reslog sync again once it can be reached\n"), bad.stderr
    assert a.git("status", "--porcelain") == ""


def test_a_blank_remote_is_refused_and_sets_nothing(a: Machine) -> None:
    """``sync --remote ''`` set origin to an empty URL, and a later ``--remote URL`` was told the
    log already syncs with origin."""
    a.reslog("did", "one")
    done = a.reslog("sync", "--remote", " ", ok=False)
    assert done.returncode == 2
    assert done.stderr == "reslog: --remote is blank; give the URL or path of a git repository\n"
    assert not (a.root / ".git").exists()


def test_a_remote_out_of_reach_keeps_the_commit_and_says_so(a: Machine, remote: Path, tmp_path: Path) -> None:
    a.reslog("did", "first", "--date", "2026-11-24")
    a.reslog("sync", "--remote", str(remote))
    remote.rename(tmp_path / "moved.git")
    a.reslog("did", "second", "--date", "2026-11-24")
    gone = a.reslog("sync", ok=False)
    assert gone.returncode == 1 and gone.stderr.startswith("reslog: cannot reach the remote 'origin' (")
    assert "nothing is lost" in gone.stderr and len(gone.stderr.strip().splitlines()) == 1
    assert "second" in a.git("show", "HEAD:days/2026/2026-11-24.md")
    (tmp_path / "moved.git").rename(remote)
    assert "Pushed to origin." in a.reslog("sync").stdout


def test_a_run_on_another_machine_is_not_settled_as_lost_here(a: Machine, b: Machine, remote: Path) -> None:
    """B pulls the page of a run that A is still recording: runs/ and .reslog/ stay on A, so B has
    neither the run's meta.json nor its marker, and must leave the run to A, not call it lost."""
    import select
    import signal

    two_machines(a, b, remote)
    run = subprocess.Popen([sys.executable, "-m", "reslog", "run", "--", "sh", "-c", "echo ready; exec sleep 60"],
                           env=a.env(), cwd=a.home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert run.stdout is not None
        ready, _, _ = select.select([run.stdout], [], [], 60)
        assert ready and run.stdout.readline() == b"ready\n"
        a.reslog("sync")
        b.reslog("sync")
        [page] = [p for p in (b.root / "days").glob("*/*.md") if "exec sleep 60" in p.read_text(encoding="utf-8")]
        assert "[status:: running]" in page.read_text(encoding="utf-8")
        listed = b.reslog("runs")
        assert " running " in listed.stdout and "lost" not in listed.stdout + listed.stderr
        assert "[status:: running]" in page.read_text(encoding="utf-8")
        assert "[status:: lost]" not in page.read_text(encoding="utf-8")
        assert b.git("status", "--porcelain") == ""
        assert run.poll() is None  # A's run went on all along
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate(timeout=30)


def test_an_import_killed_midway_leaves_nothing_that_sync_commits(a: Machine, tmp_path: Path) -> None:
    """`kill -9` of an import while it stages its pages left hidden `.YYYY-MM-DD.md.tmp` files (35
    to 1,613 in a probe), and `reslog sync` committed them: the next sync (or import) removes
    them, and the repository ignores them."""
    journal = tmp_path / "journal.txt"
    with journal.open("w", encoding="utf-8") as out:
        for n in range(3000):
            day = f"{2010 + n // 300}-{1 + n % 300 // 25:02d}-{1 + n % 25:02d}"
            out.write(f"[{day} 09:00] entry {n}\nbody of entry {n}\n\n")
    a.reslog("did", "a first entry", "--date", "2026-11-24")
    importing = subprocess.Popen([sys.executable, "-m", "reslog", "import", "jrnl", str(journal)],
                                 env=a.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(a.root.glob("days/*/.*.md.tmp")) and time.monotonic() < deadline \
            and importing.poll() is None:
        time.sleep(0.005)
    importing.kill()
    importing.wait()
    left = list(a.root.glob("days/*/.*.md.tmp"))
    if not left:
        pytest.skip("the import finished staging before it could be killed")
    assert not list(a.root.glob("days/2010/2010-*.md")), "the import renamed pages: not all or nothing"
    a.reslog("sync")
    assert not list(a.root.glob("days/*/.*.md.tmp"))
    assert ".tmp" not in a.git("ls-files") and ".*.tmp" in (a.root / ".gitignore").read_text()
    assert a.git("ls-files").split() == [".gitattributes", ".gitignore", "days/2026/2026-11-24.md"]


# --- a sync cut short: signals, crashes, stale locks ---

DAY = "2026-11-24"


def _lines_once(machine: Machine, lines: list[str]) -> None:
    page = machine.page(DAY)
    for line in lines:
        assert page.count(line) == 1, (line, page)
    assert "<<<<<<<" not in page
    assert not (machine.root / ".git" / "rebase-merge").exists()
    assert machine.git("symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert machine.git("status", "--porcelain") == ""


def _left_broken(a: Machine, b: Machine, remote: Path, edit: str = "", timed: bool = True) -> list[str]:
    """A's sync stopped half way, as a kill -9 leaves it: B pushed; A's rebase of its two commits
    onto B's replayed the first and stopped (an ``exec false`` line), then lost state files; a
    capture then went into the half-rebased page. The lines that must survive. ``edit``: the
    second commit also edits the first entry so. Not ``timed``: the entries have no time, as
    ``did --date`` writes them."""
    def at(time: str) -> tuple[str, ...]:
        return ("--time", time) if timed else ()

    def shown(time: str, text: str) -> str:
        return f"- {time} {text}" if timed else f"- {text}"

    two_machines(a, b, remote)
    b.reslog("did", "B: pushed meanwhile", "--date", DAY, *at("10:00"))
    b.reslog("sync")
    a.reslog("did", "A: first commit", "--date", DAY, *at("11:00"))
    a.reslog("sync", "--local")
    a.reslog("did", "A: second commit", "--date", DAY, *at("12:00"))
    if edit:
        a.write_page(DAY, a.page(DAY).replace("Rerun the W2S sweep", edit))
    a.reslog("sync", "--local")
    a.git("fetch", "-q", "origin")
    stopped = subprocess.run(["git", "-C", str(a.root), "rebase", "--exec", "false", "origin/main"], env=a.env(),
                             capture_output=True, text=True)
    state = a.root / ".git" / "rebase-merge"
    assert stopped.returncode != 0 and state.is_dir(), stopped.stderr
    for name in ("git-rebase-todo", "message", "done"):
        (state / name).unlink(missing_ok=True)
    a.reslog("did", "A: written while the rebase was stuck", "--date", DAY, *at("13:00"))
    assert "A: second commit" not in a.page(DAY)  # only in the commit the rebase never replayed
    return ["- 09:00 Set up the sweep", shown("10:00", "B: pushed meanwhile"), shown("11:00", "A: first commit"),
            shown("12:00", "A: second commit"), shown("13:00", "A: written while the rebase was stuck")]


@pytest.mark.parametrize("by", ["sync", "auto"])
def test_a_rebase_left_broken_is_undone_keeping_every_line(a: Machine, b: Machine, remote: Path, by: str) -> None:
    """Every sync (even --local) failed with "could not read log file '.git/rebase-merge/message'"
    and every background commit was refused; the next one undoes the rebase and merges the pages
    as they were written into the branch's own."""
    lines = _left_broken(a, b, remote)
    if by == "auto":
        (a.root / "reslog.toml").write_text("[sync]\nauto = true\n", encoding="utf-8")
        auto = subprocess.run([sys.executable, "-m", "reslog.sync.auto", str(a.root)], env=a.env(), timeout=120)
        assert auto.returncode == 0, (a.root / ".reslog" / "sync.log").read_text(encoding="utf-8")
        committed = a.git("show", f"HEAD:days/2026/{DAY}.md")
        # B's line comes with the next pull, not as A's: committed again, it came back twice
        assert all(line in committed for line in lines if "B: " not in line)
    else:
        done = a.reslog("sync")
        assert "a sync left unfinished was undone" in done.stderr and "Pushed to origin." in done.stdout
    a.reslog("sync")
    b.reslog("sync")
    for machine in (a, b):
        _lines_once(machine, lines)
    assert a.page(DAY) == b.page(DAY)
    assert "A: written while the rebase was stuck" in a.git("show", f"refs/reslog/recovered:days/2026/{DAY}.md")


def test_a_broken_rebase_is_undone_from_a_relative_dir_and_brings_no_line_twice(
    a: Machine, b: Machine, remote: Path
) -> None:
    """A probe's kill -9 mid-rebase: given ``--dir B`` (relative), every later sync failed on
    ``B/B/.git/reslog-recovered.index.lock``; given an absolute one, the other machine's untimed
    lines, which the half rebase had brought in, were merged into this machine's commit and came
    back twice with the next pull, on both machines."""
    lines = _left_broken(a, b, remote, timed=False)
    done = subprocess.run([sys.executable, "-m", "reslog", "--dir", a.root.name, "sync"], cwd=a.root.parent,
                          env=a.env(), capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "a sync left unfinished was undone" in done.stderr
    a.reslog("sync")
    b.reslog("sync")
    for machine in (a, b):
        _lines_once(machine, lines)
    assert a.page(DAY) == b.page(DAY)


def test_a_broken_rebase_brings_the_other_machine_s_lines_once(a: Machine, b: Machine, remote: Path) -> None:
    """A probe's kill -9 mid-rebase, on pages both machines made apart: the other machine's lines
    that the half rebase had brought in were committed again as this machine's, and every one
    came back twice with the next pull, on both machines."""
    two_machines(a, b, remote)
    days = ["2026-11-11", "2026-11-12", "2026-11-13"]
    for day in days:
        b.reslog("did", f"B past {day}", "--date", day)
    b.reslog("sync")
    for day in days:
        a.reslog("did", f"A past {day}", "--date", day)
        a.reslog("sync", "--local")
    a.git("fetch", "-q", "origin")
    stopped = subprocess.run(["git", "-C", str(a.root), "rebase", "--exec", "false", "origin/main"],
                             env=a.env(), capture_output=True, text=True)
    state = a.root / ".git" / "rebase-merge"
    assert stopped.returncode != 0 and state.is_dir(), stopped.stderr
    for name in ("git-rebase-todo", "message", "done"):
        (state / name).unlink(missing_ok=True)
    a.reslog("did", "A after", "--date", days[0])
    a.reslog("sync")
    b.reslog("sync")
    for machine in (a, b):
        for day in days:
            page = (machine.root / "days" / "2026" / f"{day}.md").read_text(encoding="utf-8")
            for line in (f"- A past {day}", f"- B past {day}"):
                assert page.count(line) == 1, (machine.root.name, line, page)
        assert "- A after" in (machine.root / "days" / "2026" / f"{days[0]}.md").read_text(encoding="utf-8")


def test_a_broken_rebase_that_cannot_merge_keeps_both_versions(a: Machine, b: Machine, remote: Path) -> None:
    # the same line edited one way in the commit never replayed, another way in the work tree since
    lines = _left_broken(a, b, remote, edit="Rerun the W2S sweep on 4 GPUs")
    head = a.git("rev-parse", "refs/heads/main")
    a.write_page(DAY, a.page(DAY).replace("Rerun the W2S sweep", "Rerun the W2S sweep tonight"))
    stopped = a.reslog("sync", ok=False)
    assert stopped.returncode == 1 and len(stopped.stderr.strip().splitlines()) == 1, stopped.stderr
    assert "could not be merged" in stopped.stderr and f"days/2026/{DAY}.md" in stopped.stderr
    text = a.page(DAY)
    assert "Rerun the W2S sweep on 4 GPUs" in text and "Rerun the W2S sweep tonight" in text
    assert all(line in text for line in lines if "B: " not in line)  # B's comes with the next pull
    assert a.git("rev-parse", "HEAD") == head  # nothing committed with the markers in
    again = a.reslog("sync", ok=False)
    assert again.returncode == 1 and "still hold both versions" in again.stderr
    kept = [line for line in text.splitlines(keepends=True)
            if not line.startswith(("<<<<<<<", "=======", ">>>>>>>")) and "sweep tonight" not in line]
    a.write_page(DAY, "".join(kept))
    a.reslog("sync")
    b.reslog("sync")
    lines.append("- [ ] Rerun the W2S sweep on 4 GPUs")
    for machine in (a, b):
        _lines_once(machine, lines)


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_a_signal_during_the_rebase_waits_for_git_and_loses_nothing(
    a: Machine, b: Machine, remote: Path, tmp_path: Path, how: str
) -> None:
    """SIGTERM to reslog in its rebase ended Python while git went on without the lock; a Ctrl-C
    (SIGINT to the whole group) stopped git half way. Either left .git/rebase-merge and lines
    only in commits never replayed. Git is slowed by a post-commit hook that sleeps in a rebase."""
    import signal

    two_machines(a, b, remote)
    b.reslog("did", "B: pushed meanwhile", "--date", DAY, "--time", "10:00")
    b.reslog("sync")
    lines = ["- 09:00 Set up the sweep", "- 10:00 B: pushed meanwhile"]
    for n in range(3):
        a.reslog("did", f"A: entry {n}", "--date", DAY, "--time", f"11:0{n}")
        a.reslog("sync", "--local")
        lines.append(f"- 11:0{n} A: entry {n}")
    hooks, started = tmp_path / "hooks", tmp_path / "rebasing"
    hooks.mkdir()
    (hooks / "post-commit").write_text(f"#!/bin/sh\n[ -d .git/rebase-merge ] || exit 0\ntouch '{started}'\nsleep 1\n",
                                       encoding="utf-8")
    (hooks / "post-commit").chmod(0o755)
    a.git("config", "core.hooksPath", str(hooks))
    number = signal.SIGTERM if how == "sigterm" else signal.SIGINT
    syncing = subprocess.Popen([sys.executable, "-m", "reslog", "sync"], env=a.env(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while not started.exists() and syncing.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert started.exists(), syncing.communicate()
    if how == "sigterm":
        syncing.send_signal(number)
    else:
        os.killpg(syncing.pid, number)
    a.reslog("did", "A: written right after the signal", "--date", DAY, "--time", "13:00")
    lines.append("- 13:00 A: written right after the signal")
    _, err = syncing.communicate(timeout=120)
    assert syncing.returncode == 128 + number, err
    assert err.startswith(f"reslog: sync stopped by {number.name}; ") and len(err.strip().splitlines()) == 1, err
    assert not (a.root / ".git" / "rebase-merge").exists()
    a.git("config", "--unset", "core.hooksPath")
    a.reslog("sync")
    b.reslog("sync")
    a.git("diff", "--quiet", "HEAD")
    for machine in (a, b):
        _lines_once(machine, lines)


def test_a_stale_index_lock_is_named_with_the_way_to_remove_it(a: Machine) -> None:
    a.reslog("did", "one", "--date", DAY)
    a.reslog("sync")
    a.reslog("did", "two", "--date", DAY)
    lock = a.root / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")  # what a crash during git add leaves
    done = a.reslog("sync", ok=False)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert ".git/index.lock is stale (no git is running in the log)" in done.stderr
    assert f"remove it with rm {lock} and run reslog sync again" in done.stderr
    assert lock.exists()  # reslog cannot prove that no git holds it: it says, and leaves it
    lock.unlink()
    a.reslog("sync")
    assert "two" in a.git("show", "HEAD")
