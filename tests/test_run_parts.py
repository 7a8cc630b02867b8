"""The pieces of `reslog run` on their own: capped output files, metrics, trackers, names, durations."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from reslog.dates import format_elapsed, parse_elapsed
from reslog.errors import LogError
from reslog.runs.capped import GAP, CappedFile, assemble
from reslog.runs.entry import code_span, command_line, command_of, split_command
from reslog.runs.metrics import read_metrics, read_trackers
from reslog.runs.recorder import slug
from reslog.settings import parse_size


def _on_disk(folder: Path) -> int:
    """Bytes of output on disk (not the 21-byte count file)."""
    return sum(p.stat().st_size for p in folder.iterdir() if not p.name.endswith(".total"))


@pytest.mark.parametrize("total", [0, 37, 100, 101, 160, 999, 10_000])
def test_capped_file_keeps_head_and_tail_and_never_outgrows_its_cap(tmp_path: Path, total: int) -> None:
    stream = bytes(random.Random(total).choice(b"abcdefgh\n") for _ in range(total))
    path = tmp_path / "stdout.log"
    capped = CappedFile(str(path), 100)
    at = 0
    rng = random.Random(1)
    while at < total:
        size = rng.randint(1, 70)
        capped.write(memoryview(stream[at:at + size]))
        at += size
        assert _on_disk(tmp_path) <= 100
    capped.close()
    seen, kept = assemble(str(path), 100)
    data = path.read_bytes()
    assert seen == total and sorted(p.name for p in tmp_path.iterdir()) == ["stdout.log"]
    if total <= 100:
        assert data == stream and kept == total
        return
    gap = GAP.format(dropped=total - 100).encode()
    assert kept == 100 and data == stream[:50] + gap + stream[-50:]


def test_a_run_killed_before_assembly_is_assembled_later_and_once(tmp_path: Path) -> None:
    path = tmp_path / "stderr.log"
    capped = CappedFile(str(path), 40)
    stream = b"".join(b"%03d\n" % i for i in range(50))  # 200 bytes
    for at in range(0, 200, 30):
        capped.write(memoryview(stream[at:at + 30]))
    capped.close()  # reslog killed here: the head, the ring and the count on disk
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stderr.log", "stderr.log.total"]
    assert path.stat().st_size == 40
    assert assemble(str(path), 40) == (200, 40)
    first = path.read_bytes()
    assert first == stream[:20] + GAP.format(dropped=160).encode() + stream[-20:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stderr.log"]
    assert assemble(str(path), 40) == (len(first), len(first))  # once assembled, nothing more to do
    assert path.read_bytes() == first


def test_a_rotation_cut_short_keeps_the_head(tmp_path: Path) -> None:
    path = tmp_path / "stdout.log"
    capped = CappedFile(str(path), 40)
    capped.write(memoryview(bytes(range(65, 65 + 26)) * 4))
    capped.close()
    (tmp_path / "stdout.log.total").write_bytes(b"rotating\n")  # killed while putting the ring in order
    assert assemble(str(path), 40) == (20, 20)
    assert path.read_bytes() == (b"ABCDEFGHIJKLMNOPQRST\n[reslog: the last 20 bytes of output were lost: "
                                 b"reslog stopped while writing them]\n")


@pytest.mark.parametrize(("out", "err", "metrics"), [
    ("val_loss=0.31 acc=0.874\n", "", {"val_loss": "0.31", "acc": "0.874"}),
    ("loss: 0.5\nlr: 3e-4\nacc: 87.4%\n", "", {"loss": "0.5", "lr": "3e-4", "acc": "87.4%"}),
    ("epoch 9: train/loss=0.28 val/loss=nan\n", "", {"train.loss": "0.28", "val.loss": "nan"}),
    ("\x1b[32mloss=0.1\x1b[0m\n", "", {"loss": "0.1"}),
    ("", "100%|██████████| 10/10 [00:01<00:00, 9.5it/s, loss=0.3]\r", {"loss": "0.3"}),
    ("loss=0.9\nloss=0.2\n", "loss=0.7\n", {"loss": "0.2"}),  # later lines win, stdout over stderr
    ("exit=4 status: 2 step=10\n", "", {"metric.exit": "4", "metric.status": "2", "step": "10"}),
    ("saved to http://host:8080/x and 12:30:01\nError: file not found\nsize=big\n", "", {}),
    ("".join(f"m{i}={i}\n" for i in range(30)), "", {f"m{i}": str(i) for i in range(20, 30)}),
    # thousands, dates and reslog's own cut mark are no metrics (they were tokens=1, date=2026, reslog=12)
    ("tokens: 1,234,567\ndate=2026-12-04\n" + GAP.format(dropped=12_487_905) + "lr=3e-4, acc=0.9\n", "",
     {"lr": "3e-4", "acc": "0.9"}),
    (GAP.format(dropped=512) + "loss=0.3,acc=0.8\n", "", {"loss": "0.3", "acc": "0.8"}),
    # a list is no number, a tag no key (they were x=1 and tag=4)
    ("x=1|2 #tag=4 ok=5\n", "", {"ok": "5"}),
])
def test_metrics_come_from_the_last_lines(out: str, err: str, metrics: dict[str, str]) -> None:
    assert read_metrics(out.encode(), err.encode()) == metrics


def test_only_the_last_ten_lines_count() -> None:
    out = "lr=0.1\n" + "".join(f"step {i}\n" for i in range(10))
    assert read_metrics(out.encode(), b"") == {}


def test_trackers() -> None:
    wandb = b"wandb: \xf0\x9f\x9a\x80 View run lively-sun-7 at: https://wandb.ai/lab/w2s/runs/3kx9q2ab\n"
    offline = b"wandb: wandb sync /home/a/wandb/offline-run-20261126_091205-ab12cd34\n"
    mlflow = b"View run x at: http://127.0.0.1:5000/#/experiments/3/runs/" + b"0123456789abcdef" * 2 + b"\n"
    mlflow_id = b"mlflow run_id: " + b"fedcba9876543210" * 2 + b"\n"
    assert read_trackers([wandb, mlflow]) == {
        "wandb": "https://wandb.ai/lab/w2s/runs/3kx9q2ab",
        "mlflow": "http://127.0.0.1:5000/#/experiments/3/runs/" + "0123456789abcdef" * 2,
    }
    assert read_trackers([offline, mlflow_id]) == {"wandb": "offline-run-20261126_091205-ab12cd34",
                                                   "mlflow": "fedcba9876543210" * 2}
    assert read_trackers([b"see https://github.com/org/repo/actions/runs/123\n"]) == {}


@pytest.mark.parametrize(("argv", "name"), [
    (["python", "train.py", "--lr", "3e-4"], "python-train"),
    (["./scripts/sweep.sh"], "sweep"),
    (["python", "-m", "torch.distributed.run", "x.py"], "python-torch-distributed"),
    (["bash", "-c", "for i in 1 2; do echo $i; done"], "bash"),
    (["make", "LR=3"], "make"),
    (["Ünïcode"], "n-code"),
    (["..."], "run"),
])
def test_run_folder_names(argv: list[str], name: str) -> None:
    assert slug(argv) == name


@pytest.mark.parametrize("argv", [
    ["python", "-c", "print('hi')"], ["echo", "a b", "it's", 'say "x" $HOME'], ["grep", "-e", "`x`"],
    ["true"], ["printf", "%s\\n", ""],
    # a line break was shown as a space: "sh -c 'echo a echo acc=0.6'", another command
    ["sh", "-c", "echo a\necho acc=0.6"], ["printf", "a\tb\x01c\\\\d it's"], ["echo", "ünï\r\ncode"],
])
def test_the_command_reads_back(argv: list[str]) -> None:
    import shlex

    line = command_line(argv)
    assert split_command(line) == argv
    assert "\n" not in line and "\r" not in line and "\x01" not in line
    if not any(c in arg for arg in argv for c in "\n\r\x01"):
        assert shlex.split(line) == argv
    assert command_of(code_span(line) + " #tag [run:: x]") == line
    if argv[:2] == ["sh", "-c"]:
        assert line == "sh -c $'echo a\\necho acc=0.6'"


def test_code_spans_survive_backticks() -> None:
    assert code_span("echo `date`") == "`` echo `date` ``"
    for text in ("echo `date`", "`a`", "x``y"):
        assert command_of(code_span(text)) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (0.04, "0.0s"), (4.25, "4.2s"), (59.94, "59.9s"), (192, "3m12s"), (3600, "1h00m00s"), (93784, "26h03m04s"),
])
def test_durations_of_runs(seconds: float, text: str) -> None:
    assert format_elapsed(seconds) == text
    assert parse_elapsed(text) == pytest.approx(round(seconds, 1) if seconds < 60 else round(seconds), abs=0.06)
    assert parse_elapsed("2h") == 7200 and parse_elapsed("soon") is None


@pytest.mark.parametrize(("value", "size"), [
    ("50MB", 50_000_000), ("1.5 GB", 1_500_000_000), ("512KiB", 524288), (4096, 4096), ("64", 64),
])
def test_sizes(value: str | int, size: int) -> None:
    assert parse_size(value) == size


@pytest.mark.parametrize("value", ["lots", "10 parsecs", 12, True, "-5MB", 1.5])
def test_bad_sizes(value: object) -> None:
    with pytest.raises(LogError, match="must be a size such as"):
        parse_size(value)


def test_no_fd_is_left_open(tmp_path: Path) -> None:
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        capped = CappedFile(str(tmp_path / "x.log"), 10)
        capped.write(memoryview(b"y" * 100))
        capped.close()
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_run_of_another_machine_with_the_same_host_name_is_not_taken_for_lost() -> None:
    """With ``sync.runs``, a second machine called like the first ("localhost") saw another boot id
    on the first one's live run, and settled it as lost: the installation's id tells them apart."""
    from reslog.runs import meta

    mine = meta.identity()
    if mine["machine_id"] is None:
        pytest.skip("this system has no /etc/machine-id to tell installations apart")
    other_boot = {**mine, "boot_id": "another-boot", "pid": 1}
    assert meta.alive({**other_boot, "machine_id": "another-installation"}) is None  # not ours to judge
    assert meta.alive(other_boot) is False  # this installation, rebooted since: the run is lost
    assert meta.alive({**other_boot, "machine_id": None}) is False  # written before the id was kept
    assert meta.alive(mine) is True
