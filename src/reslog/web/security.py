"""The guard in front of every request: the server holds a private diary.

One ASGI middleware, :class:`Guard`, decides before any route runs:

1. **Host.** The ``Host`` header must name this server: a bound loopback name
   (``127.0.0.1``, ``localhost``, ``[::1]``) or, when bound to every address,
   an IP literal or this machine's own name, always with the bound port. A
   name that merely resolves here (DNS rebinding: ``evil.example`` pointed at
   127.0.0.1) gets 403 before anything is read.
2. **Who.** Everything but the static files, the web manifest and the sign-in
   page needs the session cookie (set by ``/login?token=...``: HttpOnly,
   SameSite=Strict, scoped to this port's name) or ``Authorization: Bearer
   TOKEN``. Without either: 401, and nothing read or written.
3. **Where from.** A state-changing request (POST, PUT, PATCH, DELETE) with an
   ``Origin`` other than this server's, or a ``Sec-Fetch-Site`` other than
   ``same-origin``/``none``, gets 403. Signed in by cookie, it must also carry
   the CSRF token, in the ``X-CSRF-Token`` header (htmx sends it) or as the
   ``csrf`` field of a form; a bearer token is not sent by browsers on their
   own, so it needs none.
4. **Size.** A request body longer than :data:`MAX_BODY` gets 413 and is not passed on at all
   (a form cut at the limit had saved a cut page as if whole); a body the guard reads is
   handed to the route whole.
5. **Headers out.** Every response gets a Content-Security-Policy without
   inline script or style (``script-src 'self'``), no framing, no referrer
   (the sign-in URL holds the token), ``nosniff``.

The cookie and the CSRF token are HMACs of the token, so a restart with the
same ``--token`` keeps browsers signed in, and a new token signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import socket
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` (already read) as the request's one message, then hands
    over to ``receive``: the route reads the body the guard has read."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

__all__ = ["CSP", "MAX_BODY", "TOO_LARGE", "Guard", "Keys", "allowed_hosts", "is_loopback", "safe_next"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'; manifest-src 'self'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" with a plain form
    # post (the editor's Save, the token sign-in), which the origin check below must refuse
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
#: Paths anyone on the network may fetch: they hold nothing of the log.
PUBLIC_PREFIXES = ("/static/",)
PUBLIC_PATHS = frozenset({"/login", "/manifest.webmanifest", "/favicon.ico"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The largest request body taken (a day page being saved is far smaller). A larger one is
#: refused whole (413) before any route runs: a cut body would save a cut page.
MAX_BODY = 4 * 1024 * 1024


class _TooLarge(Exception):
    """A request body longer than :data:`MAX_BODY`."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bound: str, port: int) -> tuple[frozenset[str], bool]:
    """The ``Host`` header values that name this server, and whether any IP literal is one.

    Bound to loopback: the loopback names. Bound to one address: that address. Bound to every
    address (``0.0.0.0``, ``::``): any IP literal (a rebinding attack needs a name) plus the
    machine's own names."""
    names: set[str] = set()
    any_ip = bound in ("0.0.0.0", "::", "")
    if is_loopback(bound) or any_ip:
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if not is_loopback(bound) and not any_ip:
        names.add(f"[{bound}]" if ":" in bound else bound)
    if any_ip:
        hostname = socket.gethostname().lower()
        names |= {hostname, f"{hostname}.local", socket.getfqdn().lower()}
    return frozenset(f"{name}:{port}" for name in names), any_ip


class Keys:
    """The secrets of one server: the token, and the session and CSRF values made from it."""

    def __init__(self, token: str, port: int) -> None:
        self.token = token
        self.session = self._derive(b"session")
        self.csrf = self._derive(b"csrf")
        #: Cookies are per host, not per port: two servers on one machine keep apart.
        self.cookie = f"reslog_{port}"

    def _derive(self, purpose: bytes) -> str:
        return hmac.new(self.token.encode(), purpose, hashlib.sha256).hexdigest()

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    def session_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.session.encode())

    def csrf_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.csrf.encode())

    def cookie_header(self) -> str:
        return f"{self.cookie}={self.session}; Path=/; HttpOnly; SameSite=Strict"


def _headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").lower()
        found.setdefault(name, value.decode("latin-1"))
    return found


def _ip_literal(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


async def _reply(send: Send, status: int, body: str, content_type: str = "text/plain; charset=utf-8",
                 extra: Iterable[tuple[bytes, bytes]] = ()) -> None:
    data = body.encode("utf-8")
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(data)).encode()),
               (b"cache-control", b"no-store"), *_HEADERS, *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _drain(receive: Receive, most: int = 16 * MAX_BODY) -> None:
    """Read and drop what is left of a refused body (up to ``most`` bytes), so that the client,
    done sending, reads the refusal."""
    size = 0
    while size <= most:
        message = await receive()
        if message["type"] != "http.request":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            return


def safe_next(value: str) -> str:
    """``value`` if it is a path of this server to go back to after signing in, else ``/``: never
    another site (``//host``, ``/\\host``, ``https://...``), no control characters."""
    if (not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value or len(value) > 2000
            or any(ord(c) < 32 or ord(c) == 127 for c in value)):
        return "/"
    return value


def _problem(path: str, status: int, message: str, typed: str | None = None,
             back: str | None = None) -> tuple[str, str]:
    """A refusal as JSON for the API, as a short page for a person; with what the refused form
    held (``typed``), that too, to copy: the page replaces the form, and an editor's text typed
    before ``reslog serve`` restarted (a new token) was lost behind the sign-in page."""
    if path.startswith("/api/") or path == "/openapi.json":
        return json.dumps({"detail": message}), "application/json"
    kept = "" if not typed else (
        "<p>Nothing was saved. What you typed is below: copy it, then sign in or reload, and paste "
        f"it back.</p><textarea readonly rows=16 class=source>{html.escape(typed)}</textarea>")
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport "
        "content='width=device-width, initial-scale=1'><title>reslog</title>"
        "<link rel=stylesheet href=/static/style.css><main class=notice><h1>reslog</h1>"
        f"<p>{message}</p>{kept}{_sign_in_form(back) if back else ''}</main></html>"
    )
    return page, "text/html; charset=utf-8"


TOO_LARGE = (f"Refused: what was sent is larger than {MAX_BODY // (1024 * 1024)} MB, the most this "
              "server takes; nothing was saved. Keep a page smaller (split it, or keep long output "
              "in a file of its own).")
def _sign_in_form(back: str) -> str:
    """The token form of the sign-in page, coming back to ``back`` (a deep link) once signed in."""
    return ("<form method=post action=/login class=signin><label for=token>Token</label> "
            "<input id=token name=token type=password autocomplete=current-password autofocus> "
            f"<input type=hidden name=next value=\"{html.escape(safe_next(back))}\">"
            "<button type=submit>Sign in</button></form>")


_SIGN_IN = ("Sign in with the address that <code>reslog serve</code> printed "
            "(it ends in <code>/login?token=…</code>).")


class Guard:
    """The ASGI middleware described in the module's docstring."""

    def __init__(self, app: ASGIApp, keys: Keys, hosts: frozenset[str], any_ip: bool, port: int) -> None:
        self.app = app
        self.keys = keys
        self.hosts = hosts
        self.any_ip = any_ip
        self.port = port

    def host_ok(self, host: str) -> bool:
        host = host.lower()
        if host in self.hosts:
            return True
        return self.any_ip and _ip_literal(host) and host.rsplit(":", 1)[-1] == str(self.port)

    def _signed_in(self, headers: dict[str, str]) -> str | None:
        """``"bearer"`` or ``"cookie"`` when the request carries a valid token, else None."""
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and self.keys.token_ok(auth[7:].strip()):
            return "bearer"
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no cookie
            return None
        morsel = cookies.get(self.keys.cookie)
        if morsel is not None and self.keys.session_ok(morsel.value):
            return "cookie"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        path = scope.get("path", "/")
        if not self.host_ok(headers.get("host", "")):
            await _reply(send, 403, "403: this server does not answer to that host name; "
                                    "open it by the address reslog serve printed\n")
            return
        public = path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
        how = self._signed_in(headers)
        method = scope.get("method", "GET")
        if method in UNSAFE_METHODS or "content-length" in headers or "transfer-encoding" in headers:
            try:
                receive = await self._whole(receive, headers)
            except _TooLarge:
                declared = headers.get("content-length", "").strip()
                if not declared.isdigit() or int(declared) <= 16 * MAX_BODY:
                    await _drain(receive)  # a browser still sending shows "connection reset", not the page
                body, kind = _problem(path, 413, TOO_LARGE)
                await _reply(send, 413, body, kind, [(b"connection", b"close")])
                return
        if method in UNSAFE_METHODS or (path == "/login" and method != "GET"):
            origin = headers.get("origin")
            own = {f"http://{headers.get('host', '').lower()}"}
            # "null" comes from a page that hides where it is (sandboxed, or no referrer): refused
            # unless the browser itself says the request comes from this site
            vouched = origin == "null" and headers.get("sec-fetch-site") == "same-origin"
            if origin is not None and origin.lower() not in own and not vouched:
                body, kind = _problem(path, 403, "Refused: this request came from another site.")
                await _reply(send, 403, body, kind)
                return
            fetch_site = headers.get("sec-fetch-site")
            if fetch_site is not None and fetch_site not in ("same-origin", "none"):
                body, kind = _problem(path, 403, "Refused: this request came from another site.")
                await _reply(send, 403, body, kind)
                return
        if not public and how is None:
            machine = path.startswith("/api/") or path == "/openapi.json"  # JSON: no markup in it
            typed = None
            if method in UNSAFE_METHODS and not machine and "hx-request" not in headers:
                receive, sent = await self._form(receive, headers)  # htmx keeps it in its form
                typed = sent.get("text")
            query = scope.get("query_string", b"").decode("latin-1")
            back = path + (f"?{query}" if query else "") if method == "GET" and not machine else None
            body, kind = _problem(path, 401, _SIGN_IN if not machine else
                                  "sign in: send Authorization: Bearer TOKEN (the token reslog serve "
                                  "printed)", typed, back)
            await _reply(send, 401, body, kind, [(b"www-authenticate", b'Bearer realm="reslog"')])
            return
        if method in UNSAFE_METHODS and how == "cookie" and path != "/login":
            given = headers.get("x-csrf-token")
            fields: dict[str, str] = {}
            if given is None:
                receive, fields = await self._form(receive, headers)
                given = fields.get("csrf")
            if given is None or not self.keys.csrf_ok(given):
                body, kind = _problem(path, 403, "Refused: the form is missing its CSRF token; reload the "
                                                 "page and try again.", fields.get("text"))
                await _reply(send, 403, body, kind)
                return
        scope.setdefault("state", {})["auth"] = how
        scope["state"]["keys"] = self.keys

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in _HEADERS if k not in names]]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _whole(self, receive: Receive, headers: dict[str, str]) -> Receive:
        """A ``receive`` that replays the whole request body, read here; :class:`_TooLarge` if
        it is longer than :data:`MAX_BODY` (by its Content-Length, before reading any of it)."""
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise _TooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY:
                raise _TooLarge
            if not message.get("more_body"):
                break
        return _replaying(b"".join(chunks), receive)

    async def _form(self, receive: Receive, headers: dict[str, str]) -> tuple[Receive, dict[str, str]]:
        """The fields of a urlencoded form body, and a ``receive`` that replays the body (read
        whole by :meth:`_whole` already)."""
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return receive, {}
        message = await receive()
        body = message.get("body", b"") if message["type"] == "http.request" else b""
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return _replaying(body, receive), fields
