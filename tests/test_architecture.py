"""The shape of the code, checked: one-way imports, a light capture path, the public API."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import reslog

SRC = Path(reslog.__file__).resolve().parent

# module -> the reslog modules it may import (the cli package may import anything below it).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model": set(),
    "markdown": {"model"},
    "dates": {"errors"},
    "store": {"model", "markdown", "dates", "errors"},
    "capture": {"model", "markdown", "dates", "errors", "store"},
    "tasks": {"model", "markdown", "dates", "errors", "store"},
    "index": {"model", "markdown", "dates", "errors", "store"},
    "search": {"model", "markdown", "dates", "errors", "store", "index"},
    "sample": {"model", "markdown", "dates", "errors", "store", "capture", "tasks"},
    "demo": {"model", "markdown", "dates", "errors", "store", "capture", "tasks", "sample"},
}
EDGE_ONLY = {"click", "rich", "starlette", "fastapi", "uvicorn", "jinja2", "matplotlib"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "reslog":
                found.update(f"reslog.{alias.name}" for alias in node.names)
    return found


def test_core_modules_import_only_what_lies_below_them() -> None:
    core = sorted(p for p in SRC.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert {p.stem for p in core} <= set(ALLOWED), "add the new module to ALLOWED"
    for path in core:
        imported = _imports(path)
        ours = {name.split(".")[1] for name in imported if name.startswith("reslog.")}
        assert ours <= ALLOWED[path.stem], f"{path.stem} imports {ours - ALLOWED[path.stem]}"
        third = {name.split(".")[0] for name in imported}
        assert not third & EDGE_ONLY, f"{path.stem} imports {third & EDGE_ONLY}: keep them at the edge"


def test_cli_never_touches_files_directly() -> None:
    for path in (SRC / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", "write_text", "write_bytes", "os.replace", "sqlite3"):
            assert needle not in text, f"{path.name} uses {needle}: go through the library"


_PROBE = """
import json, sys
from reslog.cli.entry import main
code = main(["did", "a capture", "-t", "x", "--star"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

HEAVY = {
    "click",
    "numpy", "rich", "sqlite3", "_sqlite3", "torch", "sentence_transformers", "matplotlib",
    "starlette", "fastapi", "uvicorn", "jinja2", "llm", "reslog.index", "reslog.search", "reslog.cli.main",
    "reslog.demo", "reslog.sample", "reslog.cli.display", "reslog.cli.todo_cmds",
}


def test_capture_path_imports_nothing_heavy(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env={"RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True, text=True, check=True,
    ).stdout
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0
    loaded = set(report["modules"])
    assert loaded & HEAVY == set()
    assert "reslog.capture" in loaded  # the probe did run the capture


_SEARCH_PROBE = """
import json, sys
from reslog.cli.entry import main
main(["did", "a capture about rates"])
code = main(["search", "rates", "-capture"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_search_path_skips_click_and_the_web(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SEARCH_PROBE],
        env={"RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True, text=True, check=True,
    ).stdout
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0 and "No entries match." in out
    loaded = set(report["modules"])
    assert "reslog.search" in loaded
    assert loaded & {"click", "rich", "numpy", "torch", "starlette", "matplotlib"} == set()


def test_public_api_is_explicit() -> None:
    assert sorted(reslog.__all__) == [
        "Capture", "Captured", "Entry", "Filters", "Hit", "Index", "Log", "Page", "ReslogError", "Section",
        "Todo", "__version__", "add_entry", "add_thought", "default_root", "parse", "render", "todos",
    ]
    for name in reslog.__all__:
        assert getattr(reslog, name) is not None
    assert reslog.Index.__module__ == "reslog.index" and callable(reslog.parse)
    assert (SRC / "py.typed").exists()
