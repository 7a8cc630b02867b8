"""The server holds a private diary: every guard of `reslog serve`, over real HTTP on loopback.

Host header (DNS rebinding), sign-in by token (HttpOnly SameSite=Strict cookie, bearer for the
API), nothing read or written without it, Origin/Sec-Fetch-Site and a CSRF token on every
state-changing request, the Content-Security-Policy, loopback by default and a token required
for any other address.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):  # on CI the web tests must run
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'reslog[web]'")

from reslog.errors import InputError
from reslog.web import server as web_server
from reslog.web.security import CSP, allowed_hosts

from .web_harness import TOKEN, Server, keyword_only, serving


@pytest.fixture
def server(log_dir: Path) -> Iterator[Server]:
    keyword_only(log_dir)
    with serving(log_dir) as running:
        running.api("POST", "/api/entries", {"text": "exp: a private note #secret"})
        yield running


def _snapshot(log_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(log_dir)): p.read_bytes() for p in sorted(log_dir.rglob("*.md"))}


# every route of the app, with a request that would read or write through it
ROUTES = [
    ("GET", "/"), ("GET", "/day/2026-11-26"), ("GET", "/fragment/day/2026-11-26"), ("GET", "/journal"),
    ("GET", "/calendar"), ("GET", "/week"), ("GET", "/week/2026-W48"), ("GET", "/search?q=note"),
    ("GET", "/search/results?q=note"), ("GET", "/ask?q=note"), ("GET", "/stats"), ("GET", "/stats/time"),
    ("GET", "/edit/2026-11-26"), ("GET", "/events?file=days/2026/2026-11-26.md"),
    ("GET", "/api/days/2026-11-26"), ("GET", "/api/search?q=note"), ("GET", "/api/ask?q=note"),
    ("GET", "/api/status"), ("GET", "/openapi.json"),
    ("POST", "/capture"), ("POST", "/todo/done"), ("POST", "/todo/reopen"), ("POST", "/week/2026-W48/rate"),
    ("POST", "/week/2026-W48/own/reflection"), ("POST", "/edit/2026-11-26"), ("POST", "/api/entries"),
]


def test_every_route_is_in_the_list_above(server: Server) -> None:
    """A new route must be added to ROUTES, so that the tests below cover it."""
    from reslog.web import api, editor, lookup, pages

    listed = {path.split("?")[0] for _, path in ROUTES}
    paths = [getattr(r, "path", "") for r in server.app.app.routes]
    for router in (pages.router, lookup.router, editor.router):
        paths += [getattr(r, "path", "") for r in router.routes]
    paths += [getattr(r, "path", "") for r in api.router.routes]
    assert "/capture" in paths and "/api/entries" in paths
    for path in paths:
        if not path:
            continue
        if path.startswith("/static") or path in ("/login", "/manifest.webmanifest", "/favicon.ico"):
            continue
        pattern = path.replace("{date}", "2026-11-26").replace("{name}", "2026-W48").replace(
            "{topic}", "time").replace("{target}", "2026-11-26").replace("{action}", "done").replace(
            "{key}", "reflection")
        assert pattern in listed or path in listed, f"add {path} to ROUTES"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_nothing_is_read_or_written_without_signing_in(server: Server, log_dir: Path, method: str,
                                                       path: str) -> None:
    before = _snapshot(log_dir)
    body = urlencode({"text": "sneaky", "n": "1", "rating": "1", "hash": ""}) if method == "POST" else None
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": server.url} if body else {}
    for extra in ({}, {"Authorization": "Bearer wrong-token-wrong-token"},
                  {"Cookie": f"reslog_{server.port}=0000"}, {"Authorization": f"Basic {TOKEN}"}):
        reply = server.request(method, path, body, {**headers, **extra})
        assert reply.status == 401, (path, extra, reply.status)
        assert b"private note" not in reply.body and b"secret" not in reply.body
        if path.startswith("/api/") or path == "/openapi.json":  # JSON, without markup in its words
            assert b"<code>" not in reply.body and "Bearer TOKEN" in reply.json()["detail"], reply.body
    assert _snapshot(log_dir) == before


def test_sign_in_sets_a_strict_httponly_cookie(server: Server) -> None:
    reply = server.request("GET", f"/login?token={TOKEN}")
    assert reply.status == 303 and reply.headers["location"] == "/"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"reslog_{server.port}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie  # the cookie is derived from the token, not the token
    session = cookie.split(";", 1)[0]
    assert server.request("GET", "/", headers={"Cookie": session}).status == 200
    wrong = server.request("GET", "/login?token=not-the-token-at-all")
    assert wrong.status == 401 and "set-cookie" not in wrong.headers
    form = server.request("POST", "/login", urlencode({"token": TOKEN}),
                          {"Content-Type": "application/x-www-form-urlencoded", "Origin": server.url})
    assert form.status == 303 and "HttpOnly" in form.headers["set-cookie"]


@pytest.mark.parametrize("host", [
    "evil.example:{port}", "evil.example", "127.0.0.1.nip.io:{port}", "localhost:1", "127.0.0.1:{other}",
    "", "192.168.1.20:{port}", "[::2]:{port}",
])
def test_a_foreign_host_header_is_refused(server: Server, log_dir: Path, host: str) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 sends its own Host."""
    before = _snapshot(log_dir)
    host = host.format(port=server.port, other=server.port + 1)
    for method, path in (("GET", "/api/days/2026-11-26"), ("GET", "/"), ("POST", "/api/entries")):
        reply = server.request(method, path, '{"text": "x"}' if method == "POST" else None,
                               {"Host": host, "Authorization": f"Bearer {TOKEN}",
                                "Content-Type": "application/json"})
        assert reply.status == 403, (host, path)
        assert b"private" not in reply.body
    assert _snapshot(log_dir) == before


def test_loopback_names_are_accepted(server: Server) -> None:
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"LOCALHOST:{server.port}"):
        reply = server.request("GET", "/api/status", headers={"Host": host, "Authorization": f"Bearer {TOKEN}"})
        assert reply.status == 200, host


def test_every_address_accepts_ip_literals_and_own_names_only() -> None:
    hosts, any_ip = allowed_hosts("0.0.0.0", 8750)
    assert any_ip and "127.0.0.1:8750" in hosts and "localhost:8750" in hosts
    hosts, any_ip = allowed_hosts("127.0.0.1", 8750)
    assert not any_ip and hosts == {"127.0.0.1:8750", "localhost:8750", "[::1]:8750"}
    hosts, any_ip = allowed_hosts("192.168.1.5", 9000)
    assert hosts == {"192.168.1.5:9000"} and not any_ip


@pytest.mark.parametrize(("headers", "why"), [
    ({"Origin": "http://evil.example"}, "another site"),
    ({"Origin": "null"}, "another site"),
    ({"Sec-Fetch-Site": "cross-site"}, "another site"),
    ({"Sec-Fetch-Site": "same-site"}, "another site"),
    ({"X-CSRF-Token": ""}, "CSRF"),
    ({"X-CSRF-Token": "0" * 64}, "CSRF"),
])
def test_state_changing_requests_need_same_origin_and_csrf(server: Server, log_dir: Path,
                                                           headers: dict[str, str], why: str) -> None:
    server.sign_in()
    before = _snapshot(log_dir)
    sent = {"Cookie": server.cookie, "Origin": server.url, "X-CSRF-Token": server.csrf,
            "Content-Type": "application/x-www-form-urlencoded", **headers}
    for path in ("/capture", "/api/entries", "/edit/2026-11-26", "/week/2026-W48/rate"):
        body = urlencode({"text": "forged", "rating": "1", "hash": ""})
        if path == "/api/entries":
            sent_here = {**sent, "Content-Type": "application/json"}
            body = '{"text": "forged"}'
        else:
            sent_here = sent
        reply = server.request("POST", path, body, sent_here)
        assert reply.status == 403, (path, headers, reply.status)
        assert why in reply.text
    assert _snapshot(log_dir) == before


def test_csrf_token_may_come_as_a_form_field(server: Server, log_dir: Path) -> None:
    """Forms work without JavaScript: the token is also a hidden field."""
    server.sign_in()
    reply = server.request("POST", "/capture", urlencode({"text": "plain form", "csrf": server.csrf}),
                           {"Cookie": server.cookie, "Origin": server.url,
                            "Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 303
    assert "plain form" in next(log_dir.rglob("days/*/*.md")).read_text(encoding="utf-8")


def test_a_cross_site_form_with_the_cookie_but_without_origin_needs_csrf(server: Server) -> None:
    server.sign_in()
    reply = server.request("POST", "/capture", urlencode({"text": "forged"}),
                           {"Cookie": server.cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 403


def test_bearer_token_needs_no_csrf_but_a_foreign_origin_is_still_refused(server: Server) -> None:
    ok = server.api("POST", "/api/entries", {"text": "from a script"})
    assert ok.status == 201
    reply = server.request("POST", "/api/entries", '{"text": "x"}',
                           {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json",
                            "Origin": "http://evil.example"})
    assert reply.status == 403


def test_a_null_origin_is_refused_unless_the_browser_says_it_is_this_site(server: Server) -> None:
    """A sandboxed page elsewhere posts with "Origin: null"; so does this app's own form under a
    strict referrer policy. Only the browser's Sec-Fetch-Site tells them apart."""
    for fetch_site in ("cross-site", "same-site", None):
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Origin": "null"}
        if fetch_site:
            headers["Sec-Fetch-Site"] = fetch_site
        assert server.request("POST", "/api/entries", '{"text": "forged"}', headers).status == 403
    ok = server.request("POST", "/api/entries", '{"text": "from this site"}',
                        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json",
                         "Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert ok.status == 201


def test_security_headers_on_every_answer(server: Server) -> None:
    for path, headers in (("/", {"Authorization": f"Bearer {TOKEN}"}), ("/login", {}),
                          ("/static/style.css", {}), ("/api/days/2026-11-26", {})):
        reply = server.request("GET", path, headers=headers)
        assert reply.headers["content-security-policy"] == CSP
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["referrer-policy"] == "same-origin"
        assert reply.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    import re

    page = server.request("GET", "/", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"
    assert not re.search(r"\sstyle=", page), "inline style"


def test_serve_refuses_another_address_without_a_token() -> None:
    with pytest.raises(InputError, match=r"--host 0\.0\.0\.0 would open your log to the network; give a token"):
        web_server.check("0.0.0.0", None)
    with pytest.raises(InputError, match="the token is too short"):
        web_server.check("0.0.0.0", "short")
    web_server.check("127.0.0.1", None)
    web_server.check("localhost", None)
    web_server.check("0.0.0.0", "a-long-enough-token-for-phones")


def test_serve_command_refuses_before_listening(run: object, log_dir: Path) -> None:
    from .conftest import Result

    invoke = run
    assert callable(invoke)
    result: Result = invoke("serve", "--host", "0.0.0.0")
    assert result.code == 2
    assert "would open your log to the network" in result.err
    result = invoke("serve", "--port", "70000")
    assert result.code == 2 and "is not a port" in result.err


def test_default_address_is_loopback_and_url_holds_the_token() -> None:
    import inspect

    assert inspect.signature(web_server.serve).parameters["host"].default == "127.0.0.1"
    assert web_server.sign_in_url("127.0.0.1", 8750, "tok") == "http://127.0.0.1:8750/login?token=tok"
    assert web_server.sign_in_url("0.0.0.0", 8750, "tok") == "http://127.0.0.1:8750/login?token=tok"


def test_a_body_over_the_limit_is_refused_whole(server: Server, log_dir: Path) -> None:
    """A page of 4.5 MB saved in "Edit as Markdown" was cut at the 4 MB the CSRF check read, and
    the cut page saved with "303 saved": any body over the limit is refused whole, nothing written,
    for the editor's plain form, a capture, the JSON API, and a body sent in chunks."""
    import http.client
    import json

    from reslog.web.security import MAX_BODY

    server.sign_in()
    day = "2026-11-26"
    page = server.request("GET", f"/edit/{day}", headers={"Cookie": server.cookie})
    digest = page.text.split('name="hash" value="', 1)[1].split('"', 1)[0]
    before = _snapshot(log_dir)
    long_text = "- 23:00 pasted output\n" + "  - step 1 loss=0.123 acc=0.987 ok\n" * (MAX_BODY // 30)
    form = {"Cookie": server.cookie, "Origin": server.url, "Content-Type": "application/x-www-form-urlencoded"}
    sent = [
        (f"/edit/{day}", urlencode({"csrf": server.csrf, "hash": digest,
                                    "text": long_text + "- THE LAST LINE\n"}), form),
        ("/capture", urlencode({"csrf": server.csrf, "text": "x" * (MAX_BODY + 10)}), form),
        ("/api/entries", json.dumps({"text": "x" * (MAX_BODY + 10)}),
         {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}),
    ]
    for path, body, headers in sent:
        reply = server.request("POST", path, body, headers)
        assert reply.status == 413, (path, reply.status, reply.text[:300])
        assert "larger than 4 MB" in reply.text and "nothing was saved" in reply.text
        assert _snapshot(log_dir) == before, path
    assert json.loads(reply.text)["detail"].startswith("Refused")
    # the same body in chunks, with no Content-Length to refuse it by
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    body = urlencode({"csrf": server.csrf, "hash": digest, "text": long_text}).encode()
    conn.putrequest("POST", f"/edit/{day}", skip_host=True)
    for name, value in {**form, "Host": server.host, "Transfer-Encoding": "chunked"}.items():
        conn.putheader(name, value)
    conn.endheaders()
    for at in range(0, len(body), 1 << 20):
        piece = body[at:at + (1 << 20)]
        conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    conn.send(b"0\r\n\r\n")
    assert conn.getresponse().status == 413
    conn.close()
    assert _snapshot(log_dir) == before
    # just under the limit is taken whole
    fits = "- 10:00 a long but whole page\n" + "  - ok\n" * 1000 + "- THE LAST LINE\n"
    reply = server.request("POST", f"/edit/{day}", urlencode({"csrf": server.csrf, "hash": digest,
                                                               "text": fits}), form)
    assert reply.status == 303
    assert next(log_dir.rglob(f"days/*/{day}.md")).read_text(encoding="utf-8").endswith("- THE LAST LINE\n")


def test_signing_in_from_a_deep_link_goes_back_to_it(server: Server) -> None:
    """The 401 page of /day/... signed in to Today; it now comes back to the page asked for, and
    never to another site."""
    reply = server.request("GET", "/day/2026-11-26?x=1")
    assert reply.status == 401
    assert '<input type=hidden name=next value="/day/2026-11-26?x=1">' in reply.text
    form = {"Origin": server.url, "Content-Type": "application/x-www-form-urlencoded"}
    signed = server.request("POST", "/login", urlencode({"token": TOKEN, "next": "/day/2026-11-26?x=1"}), form)
    assert signed.status == 303 and signed.headers["location"] == "/day/2026-11-26?x=1"
    for away in ("//evil.com/x", "/\\evil.com", "https://evil.com/", "javascript:alert(1)", "/day\r\nX: y"):
        signed = server.request("POST", "/login", urlencode({"token": TOKEN, "next": away}), form)
        assert signed.status == 303 and signed.headers["location"] == "/", away
    assert server.request("GET", f"/login?token={TOKEN}&next=/week").headers["location"] == "/week"
