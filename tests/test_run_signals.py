"""`reslog run` and signals: forwarded to the command, once; reslog's exit status; the terminal.

Every test runs reslog as a real process and sends real signals. A child says
it is ready on its standard output before a signal is sent, so nothing here
depends on timing.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .run_helpers import PY, only_run, popen, reslog, run_entries

#: A child that reports each SIGTERM/SIGUSR1 it gets, and exits 3 after a SIGTERM.
HANDLER = """
import signal, sys, time
def on(sig, frame):
    print('got', signal.Signals(sig).name, flush=True)
    if sig == signal.SIGTERM:
        sys.exit(3)
signal.signal(signal.SIGTERM, on)
signal.signal(signal.SIGUSR1, on)
print('ready', flush=True)
while True:
    time.sleep(0.05)
"""


def _ready(process: subprocess.Popen[bytes]) -> None:
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"


def test_sigterm_is_forwarded_and_the_command_decides(log_dir: Path) -> None:
    process = popen("run", "--", PY, "-c", HANDLER)
    _ready(process)
    process.send_signal(signal.SIGUSR1)
    assert process.stdout is not None and process.stdout.readline() == b"got SIGUSR1\n"
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 3  # the command handled SIGTERM and chose its status
    assert out == b"got SIGTERM\n"
    assert b"reslog: run failed (exit 3, " in err
    entry, folder, meta = only_run(log_dir)
    assert (entry.field("status"), entry.field("exit")) == ("failed", "3") and meta["exit_code"] == 3
    assert (folder / "stdout.log").read_text() == "ready\ngot SIGUSR1\ngot SIGTERM\n"


@pytest.mark.parametrize(("sig", "name"), [(signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM"),
                                           (signal.SIGHUP, "SIGHUP")])
def test_a_signal_that_kills_the_command_gives_128_plus_n(sig: signal.Signals, name: str, log_dir: Path) -> None:
    process = popen("run", "--", "sh", "-c", "echo ready; exec sleep 60")
    _ready(process)
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + sig
    assert f"reslog: run killed ({name}, ".encode() in err
    entry, _, meta = only_run(log_dir)
    assert (entry.field("status"), entry.field("exit")) == ("killed", name)
    assert meta["signal"] == name and meta["exit_code"] is None


def test_sigint_reaches_a_python_command_as_keyboard_interrupt(log_dir: Path) -> None:
    # 'ready' inside the try: on a busy machine the signal can arrive before a later statement runs
    code = "import time\ntry:\n    print('ready', flush=True)\n    time.sleep(60)\nexcept KeyboardInterrupt:\n" \
           "    print('saving checkpoint', flush=True)\n    raise SystemExit(5)\n"
    process = popen("run", "--", PY, "-c", code)
    _ready(process)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 5 and out == b"saving checkpoint\n"


EARLY = """
import os, select, signal, sys
from reslog.runs.process import _Forwarder
forwarder = _Forwarder([])
os.kill(os.getpid(), signal.SIGTERM)  # to reslog (this process), before the command has a pid
for _ in range(600):
    if forwarder._early:
        break
    select.select([], [], [], 0.05)
read, write = os.pipe()
pid = os.posix_spawn(sys.executable, [sys.executable, "-c", sys.argv[1]], os.environ, setsigmask=(),
                     file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)])  # as reslog starts a command
os.close(write)
output = os.fdopen(read, "rb")
assert output.readline() == b"ready\\n"
forwarder.started(pid)
out = output.read()
forwarder.stop()
print(forwarder._early, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), out)
"""


def test_a_signal_that_comes_while_the_command_is_starting_is_forwarded_once_it_has_started() -> None:
    """On a busy machine the command can be running before reslog has noted its pid; a signal
    sent to reslog then was dropped, and the run went on as if nobody had asked it to stop."""
    done = subprocess.run([sys.executable, "-c", EARLY, HANDLER], capture_output=True, text=True, timeout=60)
    assert done.stdout == "[] 3 b'got SIGTERM\\n'\n", done.stderr


def test_sigkill_of_reslog_leaves_a_lost_run_never_a_running_one(log_dir: Path) -> None:
    process = popen("run", "--", "sh", "-c", "echo $$; echo ready; exec sleep 60")
    assert process.stdout is not None
    child = int(process.stdout.readline())
    _ready(process)
    try:
        entry, folder, meta = only_run(log_dir)
        assert entry.field("status") == "running" and meta["status"] == "running"
        assert meta["pid"] == process.pid
        process.kill()
        process.communicate(timeout=30)
        assert only_run(log_dir)[0].field("status") == "running"  # nothing changes by itself
        listed = reslog("runs")  # the next command that reads the log
        assert listed.returncode == 0
        assert f"the run in {entry.field('run')} ended without its reslog" in listed.stderr
        assert " lost " in listed.stdout
        entry, folder, meta = only_run(log_dir)
        assert entry.field("status") == "lost" and meta["status"] == "lost"
        assert (folder / "stdout.log").read_text() == f"{child}\nready\n"  # its output so far
        assert os.listdir(log_dir / ".reslog" / "running") == []
        assert "lost" in reslog("runs", "--failed").stdout
    finally:
        os.kill(child, signal.SIGKILL)


def test_a_lost_run_is_found_even_without_its_marker(log_dir: Path) -> None:
    """.reslog/ is derived data: deleted while a run was recorded, the run is still settled."""
    import shutil

    with _reslog_killed():
        shutil.rmtree(log_dir / ".reslog")
        assert reslog("show").returncode == 0  # no marker: nothing to settle here
        assert only_run(log_dir)[0].field("status") == "running"
        assert "lost" in reslog("runs").stdout
        assert only_run(log_dir)[0].field("status") == "lost"


@contextmanager
def _reslog_killed() -> Iterator[None]:
    """A run whose reslog was killed while its command runs on (the command is killed after)."""
    process = popen("run", "--", "sh", "-c", "echo $$; echo ready; exec sleep 60")
    assert process.stdout is not None
    child = int(process.stdout.readline())
    _ready(process)
    try:
        process.kill()
        process.communicate(timeout=30)
        yield
    finally:
        os.kill(child, signal.SIGKILL)


def test_only_the_machine_that_started_a_run_settles_it(log_dir: Path) -> None:
    """With its meta.json gone, the marker still says the run was started here, so it is settled;
    with neither (as on a machine that synced the page of another's run), it is left running."""
    import shutil

    with _reslog_killed():
        entry, folder, _ = only_run(log_dir)
        run = entry.field("run") or ""
        marker = log_dir / ".reslog" / "running" / "-".join(run.split("/")[-2:])
        assert marker.is_file()
        (folder / "meta.json").unlink()
        shutil.rmtree(log_dir / ".reslog")
        assert " running " in reslog("runs").stdout  # no marker, no meta.json: not this machine's
        assert run_entries(log_dir)[0].field("status") == "running"
        marker.parent.mkdir(parents=True)
        marker.write_text(run + "\n", encoding="utf-8")
        assert " lost " in reslog("runs").stdout  # the marker: started here, and its reslog is gone
        assert run_entries(log_dir)[0].field("status") == "lost" and not marker.exists()


def test_a_live_run_stays_running_for_other_commands(log_dir: Path) -> None:
    process = popen("run", "--", PY, "-c", HANDLER)
    _ready(process)
    try:
        listed = reslog("runs")
        assert " running " in listed.stdout and "lost" not in listed.stderr
        assert only_run(log_dir)[0].field("status") == "running"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert only_run(log_dir)[0].field("status") == "failed"


def _in_terminal(args: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """reslog started in a new session whose controlling terminal is a pseudo-terminal."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x64\x00\x00\x00\x00\x00")  # 24 rows, 100 columns
    attrs = termios.tcgetattr(slave)
    attrs[3] |= termios.NOFLSH  # Ctrl-C may discard output not yet read: on a busy machine, the reply to it
    termios.tcsetattr(slave, termios.TCSANOW, attrs)

    def controlling() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen([sys.executable, "-m", "reslog", *args], stdin=slave, stdout=slave, stderr=slave,
                               start_new_session=True, preexec_fn=controlling,
                               cwd=Path(os.environ["RESLOG_DIR"]).parent)
    os.close(slave)
    return process, master


def _read_until(master: int, token: bytes, seen: bytearray) -> None:
    while token not in seen:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, f"no {token!r} in {bytes(seen)!r}"
        try:
            seen += os.read(master, 4096)
        except OSError:  # EIO: the terminal's other side is closed
            break


TERMINAL = """
import os, signal, sys
count = 0
def on(sig, frame):
    global count
    count += 1
    print('sigint', count, flush=True)
signal.signal(signal.SIGINT, on)
print(' '.join(map(str, ['tty', sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty(),
                          os.get_terminal_size(1).columns])), flush=True)
print('\\x1b[31mred\\x1b[0m', flush=True)
print('to stderr', file=sys.stderr, flush=True)
name = input('name? ')
print('hello', name, flush=True)
input()
print('count', count, flush=True)
"""


def test_in_a_terminal_the_command_sees_one_and_ctrl_c_arrives_once(log_dir: Path) -> None:
    process, master = _in_terminal(["run", "--", PY, "-c", TERMINAL])
    seen = bytearray()
    try:
        _read_until(master, b"name? ", seen)
        os.write(master, b"Ada\n")
        # The whole line: under PYTHONUNBUFFERED print() writes "hello Ada" and its newline apart,
        # and a Ctrl-C between them puts the handler's output inside the line.
        _read_until(master, b"hello Ada\r\n", seen)
        os.write(master, b"\x03")  # Ctrl-C: the terminal signals the whole foreground group
        _read_until(master, b"sigint 1", seen)
        os.write(master, b"\n")
        _read_until(master, b"output in", seen)
        assert process.wait(timeout=30) == 0
    finally:
        os.close(master)
    text = bytes(seen).decode()
    # a terminal, the real one's size. One write: print('tty', a, b) under PYTHONUNBUFFERED writes each
    # word apart, and stdout and stderr are relayed apart, so "to stderr" could land inside the line
    assert "tty True True True 100" in text
    assert "\x1b[31mred\x1b[0m" in text  # colours pass untouched
    assert "count 1" in text  # the terminal's SIGINT reached the command once, not twice
    _, folder, _ = only_run(log_dir)
    logged = (folder / "stdout.log").read_text()
    assert logged.startswith("tty True True True 100\n\x1b[31mred\x1b[0m\n")  # \n, not \r\n
    assert "hello Ada\n" in logged and "count 1\n" in logged
    errors = (folder / "stderr.log").read_text()  # the two streams stay apart
    assert errors.startswith("to stderr\n") and "to stderr" not in logged
    assert "name? " in logged + errors  # Python writes input()'s prompt to stderr without readline
    assert run_entries(log_dir)[0].field("status") == "ok"


def test_piped_output_is_not_a_terminal(log_dir: Path) -> None:
    done = reslog("run", "--", PY, "-c", "import sys; print(sys.stdout.isatty(), sys.stderr.isatty())")
    assert done.stdout == "False False\n"


POUR = """
import sys
data = b"".join(b"line %07d\\n" % i for i in range(500_000))  # 6.5 MB
sys.stdout.buffer.write(data)
sys.stdout.flush()
print("paused", file=sys.stderr, flush=True)
sys.stdin.readline()
"""


def test_a_tail_poured_out_is_on_disk_once_the_output_pauses(log_dir: Path) -> None:
    """Past the head, a fast stream's tail is held in pipes; a pause writes it to the ring, so a
    reslog killed then leaves it on disk."""
    from .run_helpers import write_settings

    write_settings(log_dir, '[run]\noutput_cap = "2MB"\n')
    process = subprocess.Popen([sys.executable, "-m", "reslog", "run", "--", PY, "-c", POUR],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               cwd=Path(os.environ["RESLOG_DIR"]).parent)
    assert process.stderr is not None and process.stdin is not None
    assert process.stderr.readline() == b"paused\n"
    _, folder, _ = only_run(log_dir)
    count = folder / "stdout.log.total"
    for _ in range(1200):  # the held tail goes to disk 20 ms after the output pauses
        if count.exists() and count.read_bytes().strip() == b"6500000":
            break
        select.select([], [], [], 0.05)
    else:
        raise AssertionError(f"the tail never reached the disk: {count.read_bytes()!r}")
    process.kill()
    process.communicate(timeout=30)
    assert " lost " in reslog("runs").stdout
    data = b"".join(b"line %07d\n" % i for i in range(500_000))
    assert (folder / "stdout.log").read_bytes() == (
        data[:1_000_000] + b"\n[reslog: 4,500,000 bytes of output left out here]\n" + data[-1_000_000:])
