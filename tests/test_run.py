"""`reslog run`: a real command, its output teed and capped, its entry, meta.json and git state."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from .conftest import day_file
from .run_helpers import PY, git, make_repo, only_run, reslog, run_entries, write_settings


def test_a_run_is_recorded_with_its_exit_status_output_and_metrics(log_dir: Path, tmp_path: Path) -> None:
    code = "import sys; print('epoch 1: loss=0.9'); print('val_loss=0.31 acc=0.874'); " \
           "print('warn', file=sys.stderr); sys.exit(3)"
    done = reslog("run", "--reason", "does warmup help?", "-t", "w2s", "--star", "--", PY, "-c", code,
                  cwd=tmp_path)
    assert done.returncode == 3
    assert done.stdout == "epoch 1: loss=0.9\nval_loss=0.31 acc=0.874\n"
    assert done.stderr.startswith("warn\nreslog: run failed (exit 3, ")
    entry, folder, meta = only_run(log_dir)
    assert (entry.kind, entry.level, entry.section) == ("exp", 0, "done")
    assert entry.text.startswith(f"`{PY} -c \"import sys; print('epoch 1: loss=0.9');")
    assert entry.tags == ("w2s",) and entry.starred
    fields = dict(entry.fields)
    assert fields["status"] == "failed" and fields["exit"] == "3"
    assert re.fullmatch(r"\d+\.\ds", fields["duration"])
    assert (fields["loss"], fields["val_loss"], fields["acc"]) == ("0.9", "0.31", "0.874")
    assert "commit" not in fields  # not a git work tree
    (reason,) = entry.children
    assert (reason.text, reason.level) == ("reason: does warmup help?", 1)
    assert re.fullmatch(r"runs/\d{4}/\d{4}-\d\d-\d\d/\d{6}-python[\d.]*", fields["run"])
    assert (folder / "stdout.log").read_text() == done.stdout
    assert (folder / "stderr.log").read_text() == "warn\n"
    assert meta["command"] == [PY, "-c", code] and meta["cwd"] == str(tmp_path)
    assert meta["status"] == "failed" and meta["exit_code"] == 3 and meta["signal"] is None
    assert meta["metrics"] == {"loss": 0.9, "val_loss": 0.31, "acc": 0.874}
    assert meta["output"]["stdout"] == {"file": "stdout.log", "bytes": 42, "kept": 42}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", meta["start"])
    assert meta["end"] >= meta["start"] and meta["reason"] == "does warmup help?"
    assert meta["host"] == os.uname().nodename and meta["python"].count(".") == 2
    assert not (log_dir / ".reslog" / "running").exists() or not os.listdir(log_dir / ".reslog" / "running")


def test_exit_status_is_the_commands(tmp_path: Path) -> None:
    assert reslog("run", "true").returncode == 0
    assert reslog("run", "false").returncode == 1
    assert reslog("run", "--", "sh", "-c", "exit 42").returncode == 42
    killed = reslog("run", "--", "sh", "-c", "kill -TERM $$")
    assert killed.returncode == 128 + 15
    assert "reslog: run killed (SIGTERM, " in killed.stderr
    statuses = [(e.field("status"), e.field("exit")) for e in run_entries(tmp_path / "log")]
    assert statuses == [("ok", "0"), ("failed", "1"), ("failed", "42"), ("killed", "SIGTERM")]


def test_options_stop_at_the_command(log_dir: Path) -> None:
    """What follows the command's name is the command's: its -t is not reslog's."""
    done = reslog("run", "-t", "mine", PY, "-c", "import sys; print(sys.argv[1:])", "-t", "theirs")
    assert done.returncode == 0 and done.stdout == "['-t', 'theirs']\n"
    (entry,) = run_entries(log_dir)
    assert entry.tags == ("mine",)


def test_dir_among_the_options_is_reslogs_and_after_the_command_the_commands(log_dir: Path, tmp_path: Path) -> None:
    """``reslog run --dir L -- CMD`` failed with "No such option '--dir'", though every other command
    takes --dir after its name; after the command's name it stays the command's."""
    other = tmp_path / "other-log"
    done = reslog("run", "--dir", str(other), "-t", "mine", "--", PY, "-c", "import sys; print(sys.argv[1:])",
                  "--dir", "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['--dir', 'out']\n"
    (entry,) = run_entries(other)
    assert entry.tags == ("mine",)
    assert not log_dir.exists()


def test_standard_input_reaches_the_command(log_dir: Path) -> None:
    done = reslog("run", "--", PY, "-c", "import sys; print(sys.stdin.read().upper(), end='')",
                  stdin="line one\nline two\n")
    assert done.stdout == "LINE ONE\nLINE TWO\n"
    _, folder, _ = only_run(log_dir)
    assert (folder / "stdout.log").read_text() == "LINE ONE\nLINE TWO\n"


@pytest.mark.parametrize(("args", "code", "message"), [
    (("run",), 2, "nothing to run; give the command after --"),
    (("run", "--", "no-such-command-xyz"), 127, "cannot run 'no-such-command-xyz': there is no such command"),
    (("run", "./missing.sh"), 127, "cannot run ./missing.sh: there is no such file"),
    (("run", "./script.sh"), 126, "cannot run ./script.sh: it is not executable"),
    (("run", "-t", "2026", "--", "true"), 2, "cannot use '2026' as a tag"),
])
def test_a_command_that_cannot_start_writes_nothing(args: tuple[str, ...], code: int, message: str,
                                                     log_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "script.sh").write_text("echo hi\n")
    done = reslog(*args, cwd=tmp_path)
    assert done.returncode == code and message in done.stderr and done.stderr.count("\n") == 1
    assert not (log_dir / "days").exists() and not (log_dir / "runs").exists()


def test_an_unreadable_page_or_setting_stops_before_anything_is_written(log_dir: Path) -> None:
    write_settings(log_dir, "[run]\noutput_cap = \"lots\"\n")
    done = reslog("run", "true")
    assert done.returncode == 1 and "run.output_cap must be a size such as" in done.stderr
    write_settings(log_dir, "[run]\nenvs = []\n")
    assert "unknown setting run.envs; use one of output_cap, env" in reslog("run", "true").stderr
    (log_dir / "reslog.toml").unlink()
    import datetime as dt

    page = day_file(log_dir, dt.date.today().isoformat())
    page.parent.mkdir(parents=True)
    page.write_bytes(b"## What was done\n- caf\xe9\n")
    done = reslog("run", "true")
    assert done.returncode == 1 and "is not valid UTF-8" in done.stderr
    assert page.read_bytes() == b"## What was done\n- caf\xe9\n" and not (log_dir / "runs").exists()


def test_output_is_capped_keeping_head_and_tail(log_dir: Path) -> None:
    write_settings(log_dir, "[run]\noutput_cap = 1000\n")
    lines = "".join(f"line {i:05d}\n" for i in range(2000))  # 22,000 bytes
    done = reslog("run", "--", PY, "-c", f"import sys; sys.stdout.write({lines!r}); sys.stderr.write('e' * 900)")
    assert done.returncode == 0 and done.stdout == lines  # the terminal gets everything
    _, folder, meta = only_run(log_dir)
    kept = (folder / "stdout.log").read_text()
    head, gap, tail = re.split(r"\n\[reslog: ([\d,]+) bytes of output left out here\]\n", kept)
    assert head == lines[:500]
    assert tail == lines[-500:]
    assert len(head) + int(gap.replace(",", "")) + len(tail) == len(lines)
    assert meta["output"]["stdout"] == {"file": "stdout.log", "bytes": 22000, "kept": len(head) + len(tail)}
    assert (folder / "stderr.log").read_text() == "e" * 900  # under the cap: whole
    assert sorted(p.name for p in folder.iterdir()) == ["meta.json", "stderr.log", "stdout.log"]


def test_the_reader_going_away_gives_the_command_sigpipe(log_dir: Path, tmp_path: Path) -> None:
    write_settings(log_dir, "[run]\noutput_cap = \"10kB\"\n")
    import subprocess
    import sys

    script = f"{sys.executable} -m reslog run -- yes | head -n 2; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout == "y\ny\n141\n"
    (entry,) = run_entries(log_dir)
    assert (entry.field("status"), entry.field("exit")) == ("killed", "SIGPIPE")
    assert os.path.getsize(log_dir / (entry.field("run") or "") / "stdout.log") <= 10_000 + 100


def test_git_state_of_a_clean_tree(log_dir: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    head = git(repo, "rev-parse", "HEAD").strip()
    done = reslog("run", PY, "train.py", cwd=repo)
    assert done.returncode == 0
    entry, folder, meta = only_run(log_dir)
    assert (entry.field("commit"), entry.field("branch"), entry.field("dirty")) == (head[:10], "main", "no")
    assert meta["git"] == {"commit": head, "branch": "main", "dirty": False, "untracked_count": 0}
    assert not (folder / "diff.patch").exists() and not (folder / "untracked.txt").exists()
    assert entry.field("val_loss") == "0.31"
    assert re.search(r"/\d{6}-python[\d.]*-train$", entry.field("run") or "")


def test_git_state_of_a_dirty_tree_with_untracked_files(log_dir: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "train.py").write_text("print('val_loss=0.25')\n", encoding="utf-8")
    (repo / "model.py").write_text("LAYERS = 4\n", encoding="utf-8")
    (repo / "data").mkdir()
    (repo / "data" / "notes.txt").write_text("x\n", encoding="utf-8")
    (repo / ".gitignore").write_text("*.ckpt\n", encoding="utf-8")
    (repo / "big.ckpt").write_text("ignored\n", encoding="utf-8")
    reslog("run", PY, "train.py", cwd=repo)
    entry, folder, meta = only_run(log_dir)
    assert entry.field("dirty") == "yes" and entry.field("val_loss") == "0.25"
    patch = (folder / "diff.patch").read_text()
    assert "-print('val_loss=0.31 acc=0.874')\n+print('val_loss=0.25')" in patch
    assert (folder / "untracked.txt").read_text().splitlines() == [".gitignore", "data/notes.txt", "model.py"]
    assert meta["git"]["dirty"] is True and meta["git"]["diff"] == "diff.patch"
    assert meta["git"]["untracked_count"] == 3 and len(meta["git"]["diff_sha256"]) == 64
    # The diff applies to HEAD and gives the tree the run saw.
    git(repo, "stash", "-q")
    git(repo, "apply", str(folder / "diff.patch"))
    assert (repo / "train.py").read_text() == "print('val_loss=0.25')\n"


def test_untracked_files_alone_make_a_tree_dirty(log_dir: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "new.py").write_text("\n")
    reslog("run", "true", cwd=repo)
    entry, folder, _ = only_run(log_dir)
    assert entry.field("dirty") == "yes" and not (folder / "diff.patch").exists()
    assert (folder / "untracked.txt").read_text() == "new.py\n"


def test_meta_records_the_allowed_environment_and_the_gpus(log_dir: Path, tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    smi = tools / "nvidia-smi"
    smi.write_text("#!/bin/sh\nprintf 'NVIDIA A100-SXM4-40GB\\nNVIDIA A100-SXM4-40GB\\n'\n")
    smi.chmod(smi.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "CUDA_VISIBLE_DEVICES": "0,1",
           "SECRET_TOKEN": "hunter2", "SLURM_JOB_ID": "77"}
    reslog("run", "true", env=env)
    _, _, meta = only_run(log_dir)
    assert meta["env"] == {"CUDA_VISIBLE_DEVICES": "0,1"}
    assert meta["gpus"] == ["NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-40GB"]
    write_settings(log_dir, '[run]\nenv = ["SLURM_*", "CUDA_VISIBLE_DEVICES"]\n')
    reslog("run", "true", env=env)
    meta = __import__("json").loads((log_dir / (run_entries(log_dir)[-1].field("run") or "") / "meta.json")
                                    .read_text())
    assert meta["env"] == {"CUDA_VISIBLE_DEVICES": "0,1", "SLURM_JOB_ID": "77"}
    assert "hunter2" not in (log_dir / (run_entries(log_dir)[-1].field("run") or "") / "meta.json").read_text()


def test_trackers_printed_become_fields(log_dir: Path) -> None:
    code = ("print('wandb: 🚀 View run lively-sun-7 at: https://wandb.ai/lab/w2s/runs/3kx9q2ab'); "
            "print('🏃 View run gentle-owl at: http://127.0.0.1:5000/#/experiments/3/runs/"
            "0123456789abcdef0123456789abcdef'); print('acc=0.91')")
    reslog("run", PY, "-c", code)
    entry, _, meta = only_run(log_dir)
    assert entry.field("wandb") == "https://wandb.ai/lab/w2s/runs/3kx9q2ab"
    assert entry.field("mlflow") == "http://127.0.0.1:5000/#/experiments/3/runs/0123456789abcdef0123456789abcdef"
    assert entry.field("acc") == "0.91"
    assert meta["trackers"]["wandb"].endswith("/runs/3kx9q2ab")


def test_the_run_entry_keeps_what_was_added_during_the_run(log_dir: Path, tmp_path: Path) -> None:
    """A capture and a thought written while the run goes on stay; the entry is found by its folder."""
    script = ("import subprocess, sys; "
              "subprocess.run([sys.executable, '-m', 'reslog', 'did', 'meanwhile']); "
              "subprocess.run([sys.executable, '-m', 'reslog', 'think', 'looks slow', '--on', '1']); "
              "print('loss=0.5')")
    assert reslog("run", PY, "-c", script).returncode == 0
    import datetime as dt

    text = day_file(log_dir, dt.date.today().isoformat()).read_text()
    run_line = next(line for line in text.splitlines() if " exp: " in line)
    assert "[status:: ok]" in run_line and "[loss:: 0.5]" in run_line
    after = text[text.index(run_line):].splitlines()
    assert after[1] == "  - thought: looks slow"
    assert re.fullmatch(r"- \d\d:\d\d meanwhile", after[2])


@pytest.mark.parametrize("into", ["pipe", "file", "append"])
def test_megabytes_pass_through_whole_and_are_logged_head_and_tail(into: str, log_dir: Path,
                                                                   tmp_path: Path) -> None:
    """Past 1 MiB a stream is moved by tee and splice (Linux): nothing lost, reordered or doubled."""
    import hashlib
    import subprocess
    import sys

    write_settings(log_dir, '[run]\noutput_cap = "2MB"\n')
    data = b"".join(b"line %07d %s\n" % (i, b"x" * (i % 50)) for i in range(200_000))  # ~10 MB
    source = tmp_path / "data.txt"
    source.write_bytes(data)
    command = [sys.executable, "-m", "reslog", "run", "--", "sh", "-c", f"cat {source}; echo done >&2"]
    if into == "pipe":
        done = subprocess.run(command, capture_output=True, timeout=120, cwd=tmp_path)
        out = done.stdout
    else:  # splice refuses a file opened to append: reslog copies instead
        with open(tmp_path / "out.txt", "ab" if into == "append" else "wb") as sink:
            done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, timeout=120, cwd=tmp_path)
        out = (tmp_path / "out.txt").read_bytes()
    assert done.returncode == 0 and done.stderr.startswith(b"done\n")
    assert hashlib.sha256(out).digest() == hashlib.sha256(data).digest()
    _, folder, meta = only_run(log_dir)
    kept = (folder / "stdout.log").read_bytes()
    gap = f"\n[reslog: {len(data) - 2_000_000:,} bytes of output left out here]\n".encode()
    assert kept == data[:1_000_000] + gap + data[-1_000_000:]
    assert meta["output"]["stdout"] == {"file": "stdout.log", "bytes": len(data), "kept": 2_000_000}
    assert (folder / "stderr.log").read_bytes() == b"done\n"


def test_the_end_of_a_run_names_the_line_its_entry_is_on_then(log_dir: Path, tmp_path: Path) -> None:
    """A to-do captured while the run ran goes above its entry (What to do next comes first), and
    the closing line named the entry's line as it was at the start, one too high."""
    done = reslog("run", "--", PY, "-m", "reslog", "todo", "plot the loss curves", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    entry, _folder, _meta = only_run(log_dir)
    (page,) = sorted((log_dir / "days").rglob("*.md"))
    lines = page.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines, 1) if entry.field("run") in line)
    assert any("plot the loss curves" in line for line in lines[:at])
    assert f"{page.relative_to(log_dir)}:{at}," in done.stderr.splitlines()[-1], done.stderr
