"""A real `reslog serve` app on loopback for the web tests, and a small HTTP client.

The server is uvicorn on a socket bound to 127.0.0.1 on a free port, in a thread of the test
process (so a test can set the web app's clock); requests are real HTTP through the standard
library's http.client, with whatever Host, Origin and Cookie headers a test needs.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

TOKEN = "test-token-0123456789abcdef"


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class Server:
    """uvicorn serving ``create_app(log)`` on 127.0.0.1:<free port> in a thread."""

    def __init__(self, root: Path, semantic: bool = False, token: str = TOKEN) -> None:
        import uvicorn

        from reslog.store import Log
        from reslog.web.app import create_app
        from reslog.web.server import bind

        self.token = token
        self.sock = bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.host = f"127.0.0.1:{self.port}"
        self.app = create_app(Log(root), token, "127.0.0.1", self.port, semantic=semantic,
                              stopping=lambda: self.server.should_exit)
        config = uvicorn.Config(self.app, log_level="error", access_log=False, lifespan="on",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        self.cookie = ""
        self.csrf = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 60) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            sent = {"Host": self.host, **(headers or {})}
            data = body.encode("utf-8") if isinstance(body, str) else body
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()

    def sign_in(self) -> None:
        """Sign in as a browser does: the cookie from /login, the CSRF token from a page."""
        reply = self.request("GET", f"/login?token={self.token}")
        assert reply.status == 303, reply.text
        self.cookie = reply.headers["set-cookie"].split(";", 1)[0]
        page = self.request("GET", "/journal", headers={"Cookie": self.cookie})
        found = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page.text)
        assert found, page.text[:500]
        self.csrf = found.group(1)

    def browser(self, method: str, path: str, fields: dict[str, str] | None = None, htmx: bool = True,
                headers: dict[str, str] | None = None) -> Reply:
        """A request as the pages make it: cookie, same origin, CSRF header, htmx."""
        if not self.cookie:
            self.sign_in()
        sent = {"Cookie": self.cookie, "Origin": self.url, "Sec-Fetch-Site": "same-origin",
                "X-CSRF-Token": self.csrf}
        if htmx:
            sent["HX-Request"] = "true"
        body = None
        if fields is not None:
            body = urlencode(fields)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        return self.request(method, path, body, sent)

    def api(self, method: str, path: str, payload: Any = None) -> Reply:
        sent = {"Authorization": f"Bearer {self.token}"}
        body = None
        if payload is not None:
            body = json.dumps(payload)
            sent["Content-Type"] = "application/json"
        return self.request(method, path, body, sent)


@contextmanager
def serving(root: Path, semantic: bool = False) -> Iterator[Server]:
    server = Server(root, semantic=semantic)
    try:
        yield server
    finally:
        server.stop()


def keyword_only(root: Path) -> None:
    """Make ``root`` a log with semantic search off (docs/format.md section 13)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
