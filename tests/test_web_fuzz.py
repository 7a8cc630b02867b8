"""Fuzz the JSON API from its own OpenAPI document (Hypothesis): no request makes a 500.

For every operation in /openapi.json, the parameters are drawn from their schemas (enums,
bounds) mixed with arbitrary text, and the body of POST /api/entries from arbitrary JSON; every
answer must be below 500 and JSON, and a refusal must say why in ``detail``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest

if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):  # on CI the web tests must run
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'reslog[web]'")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .web_harness import Server, keyword_only, serving

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("fuzz") / "log"
    keyword_only(root)
    with serving(root) as running:
        for text in ("exp: warmup diverged #w2s", "todo Rerun [est:: 2h]", "idea tools [from:: chat]"):
            assert running.api("POST", "/api/entries", {"text": text}).status == 201
        yield running


@pytest.fixture(scope="module")
def spec(server: Server) -> dict[str, Any]:
    doc: dict[str, Any] = server.api("GET", "/openapi.json").json()
    return doc


def _value(schema: dict[str, Any], spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _value(spec["components"]["schemas"][name], spec)
    if "anyOf" in schema:
        return st.one_of([_value(s, spec) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(schema.get("minimum", -10**6) - 2, schema.get("maximum", 10**6) + 2)
    if kind == "boolean":
        return st.sampled_from(["true", "false", "1", "0", "maybe"])
    if kind == "null":
        return st.just(None)
    return TEXT


def _assert_sane(reply: Any, what: str) -> None:
    assert reply.status < 500, (what, reply.status, reply.text[:300])
    body = json.loads(reply.body)
    if reply.status >= 400:
        assert isinstance(body, dict) and isinstance(body.get("detail"), str) and body["detail"], what


def test_the_document_describes_every_api_operation(spec: dict[str, Any]) -> None:
    operations = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert operations >= {("get", "/api/days/{date}"), ("post", "/api/entries"), ("get", "/api/search"),
                          ("get", "/api/ask"), ("get", "/api/status")}


@pytest.mark.parametrize("path", ["/api/search", "/api/ask", "/api/status"])
def test_query_operations_never_fail(server: Server, spec: dict[str, Any], path: str) -> None:
    params = spec["paths"][path]["get"].get("parameters", [])

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={p["name"]: _value(p["schema"], spec) for p in params}),
           st.dictionaries(TEXT, TEXT, max_size=2))
    def run(values: dict[str, Any], junk: dict[str, str]) -> None:
        query = urlencode({**junk, **{k: v for k, v in values.items() if v is not None}})
        _assert_sane(server.api("GET", f"{path}?{query}"), query)

    run()


def test_days_never_fail(server: Server) -> None:
    @SETTINGS
    @given(st.one_of(TEXT, st.dates().map(str), st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z")))
    def run(date: str) -> None:
        if not date.strip("./") or date.strip() in (".", ".."):
            return
        reply = server.api("GET", f"/api/days/{quote(date, safe='')}")
        if reply.status == 404:  # a path the router does not match (an encoded slash)
            return
        _assert_sane(reply, date)

    run()


def test_posting_entries_never_fails(server: Server, spec: dict[str, Any]) -> None:
    body_schema = spec["paths"]["/api/entries"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    fields = spec["components"]["schemas"][body_schema["$ref"].rsplit("/", 1)[-1]]["properties"]

    json_values = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                               lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                               max_leaves=6)

    @SETTINGS
    @given(st.one_of(
        st.fixed_dictionaries({}, optional={k: st.one_of(_value(v, spec), json_values) for k, v in fields.items()}),
        json_values,
    ))
    def run(payload: Any) -> None:
        _assert_sane(server.api("POST", "/api/entries", payload), repr(payload))

    run()

    for raw in (b"", b"{", b"not json", b"\xff\xfe", b'{"text": 1}', b"[]"):
        reply = server.request("POST", "/api/entries", raw, {"Authorization": f"Bearer {server.token}",
                                                             "Content-Type": "application/json"})
        _assert_sane(reply, repr(raw))



