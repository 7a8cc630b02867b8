"""Running the app: check the address, make the token, print the sign-in URL, serve with uvicorn.

``reslog serve`` binds 127.0.0.1 by default. Any other address makes the log
reachable from the network, so it is refused unless a token is given with
``--token`` (a phone on the same network signs in with it); the token is then
the only thing between the network and the diary. Without ``--token`` a new
random token is made for each run.
"""

from __future__ import annotations

import errno
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from reslog.errors import InputError, LogError
from reslog.semantic import one_blas_thread
from reslog.store import Log, exists
from reslog.web.security import is_loopback

__all__ = ["bind", "check", "serve", "sign_in_url"]

#: A token must be this long at least: it guards a diary on the network.
MIN_TOKEN = 16
#: Seconds between two returns of free heap memory to the system.
TRIM_EVERY = 5.0


def check(host: str, token: str | None) -> None:
    """Refuse an address other than loopback without a token, and a short token."""
    if token is not None and len(token) < MIN_TOKEN:
        raise InputError(f"the token is too short ({len(token)} characters); use {MIN_TOKEN} or more, "
                         "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(24))'")
    if not is_loopback(host) and token is None:
        raise InputError(
            f"--host {host} would open your log to the network; give a token too: "
            f"reslog serve --host {host} --token TOKEN (16+ characters)"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out as two writes (headers, body); without TCP_NODELAY, Nagle's algorithm holds
    # the second until the client's delayed ACK: 40 ms on every keep-alive request. Accepted
    # sockets inherit the option from the listening one.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        # the port is taken, or the address is not one of this machine's: say which to change
        what = "--port" if exc.errno == errno.EADDRINUSE else "--host (an address of this machine)"
        raise LogError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another with {what}") \
            from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _fewer_arenas() -> None:
    """Keep the server's resident memory near what it uses (glibc only; elsewhere nothing).

    Two malloc arenas instead of eight per core (each request thread would keep freed memory
    in an arena of its own), and every :data:`TRIM_EVERY` seconds the free memory at the top
    of the heaps is given back to the system (a stats page reads ten years of entries once,
    then frees them)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return

    def housekeeping() -> None:
        while True:
            time.sleep(TRIM_EVERY)
            trim(0)

    threading.Thread(target=housekeeping, name="reslog-trim", daemon=True).start()


def sign_in_url(host: str, port: int, token: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/login?token={token}"


def serve(log: Log, host: str = "127.0.0.1", port: int = 8750, token: str | None = None,
          open_browser: bool = False, say: Callable[[str], None] | None = None,
          semantic: bool = True) -> None:
    """Serve ``log`` until interrupted."""
    check(host, token)
    if not exists(log.folder):
        raise LogError(f"there is no log at {log.folder}; capture something first (reslog did TEXT) "
                       "or choose another folder with --dir or RESLOG_DIR")
    import uvicorn

    from reslog.web.app import create_app

    token = token or secrets.token_urlsafe(24)
    _fewer_arenas()
    one_blas_thread()  # set by the CLI already; here for a server started in process
    sock = bind(host, port)
    port = sock.getsockname()[1]
    running: list[Any] = []
    app = create_app(log, token, host, port, semantic=semantic,
                     stopping=lambda: bool(running) and bool(running[0].should_exit))
    url = sign_in_url(host, port, token)
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    say(f"reslog: serving {log.folder} at http://{shown}:{port}/")
    say(f"reslog: open this address to sign in (it holds the token; keep it private):\n    {url}")
    if not is_loopback(host):
        say("reslog: reachable from the network: anyone with the token can read and write this log")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config: Any = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2,
                                 server_header=False, date_header=False, lifespan="on")
    server = uvicorn.Server(config)
    running.append(server)
    with suppress(KeyboardInterrupt):  # Ctrl-C is how a server is stopped: uvicorn has shut down cleanly
        server.run(sockets=[sock])
    say("reslog: stopped")
