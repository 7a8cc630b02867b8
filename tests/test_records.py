"""Records without dataclasses: value semantics by field, in the order ``__init__`` takes them."""

from __future__ import annotations

import pytest

from reslog import markdown
from reslog.capture import Capture, Captured
from reslog.errors import InputError
from reslog.index import RefreshReport
from reslog.records import Record
from reslog.search import Filters, Hit


def test_records_compare_hash_and_print_by_field() -> None:
    a, b = Captured("days/2026/2026-11-26.md", 9, "x"), Captured("days/2026/2026-11-26.md", 9, "x")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Captured("days/2026/2026-11-26.md", 10, "x")
    assert a != ("days/2026/2026-11-26.md", 9, "x")
    assert repr(a) == "Captured(path='days/2026/2026-11-26.md', line=9, body='x')"
    assert repr(Capture("t", star=True)) == (
        "Capture(text='t', kind=None, tags=(), source=None, star=True, time=None, estimate=None)"
    )


def test_pages_are_values() -> None:
    text = "# Day\n\n## What was done\n- 09:00 exp: a #tag [est:: 1h]\n  - thought: b\n"
    page = markdown.parse(text)
    assert page == markdown.parse(text) and hash(page) == hash(markdown.parse(text))
    assert page != markdown.parse(text + "- more\n")
    entry = page.entries()[0]
    assert (entry.kind, entry.tags, entry.fields, entry.children[0].kind) == (
        "exp", ("tag",), (("est", "1h"),), "thought"
    )
    assert repr(entry).startswith("Entry(section='done', heading='What was done', index=3, end=5, ")


def test_mutable_defaults_are_not_shared() -> None:
    one, two = RefreshReport(), RefreshReport()
    one.reindexed.append("days/2026/2026-11-26.md")
    assert two.reindexed == [] and two == RefreshReport()
    assert Hit("2026-11-26", None, None, None, None, 0, None, "x", [], {}, None, False, "f", 1, 1).children == []


def test_hit_as_json_gives_every_field_in_order_as_fresh_containers() -> None:
    child = {"line": 2, "kind": None, "level": 1, "text": "nested"}
    hit = Hit(
        "2026-11-26", "09:00", "done", "What was done", "exp", 0, None, "x\n  - nested", ["t"],
        {"est": "1h"}, None, True, "days/2026/2026-11-26.md", 1, 2, 1.5, [child], 60, None, None,
    )
    out = hit.as_json()
    assert list(out) == [
        "date", "time", "section", "heading", "kind", "level", "state", "text", "tags", "fields", "source",
        "starred", "file", "line", "end_line", "score", "children", "est_minutes", "took_minutes", "carried",
    ]
    assert out["children"] == [child] and out["tags"] == ["t"] and out["fields"] == {"est": "1h"}
    out["tags"].append("u")
    out["fields"]["took"] = "2h"
    out["children"][0]["text"] = "changed"
    assert hit.tags == ["t"] and hit.fields == {"est": "1h"} and hit.children[0]["text"] == "nested"


def test_filters_check_their_values() -> None:
    assert Filters(kind="note") == Filters("note")
    with pytest.raises(InputError, match="unknown kind"):
        Filters(kind="nope")
    with pytest.raises(InputError, match="unknown level"):
        Filters(level=3)


def test_a_record_names_its_fields_once() -> None:
    with pytest.raises(TypeError, match="__slots__ must name the parameters of __init__"):

        class Half(Record):
            __slots__ = ("a",)

            def __init__(self, a: int, b: int) -> None:
                self.a = a
