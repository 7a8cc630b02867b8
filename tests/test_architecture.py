"""The shape of the code, checked: one-way imports, a light capture path, the public API."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import reslog

SRC = Path(reslog.__file__).resolve().parent

# module -> the reslog modules it may import (the cli package may import anything below it).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "records": set(),
    "words": set(),
    "cells": set(),
    "counts": {"records", "model", "search"},
    "tags": {"records", "index", "search"},
    "model": {"records"},
    "markdown": {"model"},
    "dates": {"errors"},
    "timescope": {"dates", "errors", "records"},
    "store": {"model", "markdown", "dates", "errors"},
    "capture": {"records", "model", "markdown", "dates", "errors", "store"},
    "tasks": {"records", "model", "markdown", "dates", "errors", "store"},
    "chunks": {"model"},
    "intents": set(),
    # entry text as safe HTML (markdown-it-py), for the html export and the web app
    "markup": {"model"},
    "settings": {"records", "errors", "store"},
    "derived": {"errors"},
    "index": {"records", "model", "markdown", "dates", "errors", "store", "chunks", "derived"},
    "search": {"records", "model", "markdown", "dates", "errors", "store", "index", "timescope", "words"},
    "generate": {"errors"},
    # ask and digest sit on search and the semantic layer (vectors, hybrid ranking)
    # counts: a question about to-dos is counted as the week page counts them
    "ask": {"records", "errors", "index", "intents", "search", "timescope", "generate", "chunks", "semantic",
            "tags", "counts", "dates", "model"},
    "digest": {"records", "errors", "markdown", "dates", "index", "search", "generate", "ask", "chunks", "semantic",
               "words"},
    "sample": {"model", "markdown", "dates", "errors", "store", "capture", "tasks"},
    "demo": {"model", "markdown", "dates", "errors", "store", "capture", "tasks", "sample"},
    "review": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "analytics",
               "digest", "semantic", "counts", "words"},
    # what is private, and what a view for others leaves out: the exports and the MCP server
    "redaction": {"model", "markdown", "search", "frontmatter", "words"},
    # YAML front matter as notes write it: the importers' and the redaction's reader of page tags
    "frontmatter": set(),
}
# Subpackages: every module in them may import these (and its own package).
PACKAGES: dict[str, set[str]] = {
    "importers": {"records", "model", "markdown", "dates", "errors", "store", "importers", "words",
                  "frontmatter"},
    "exporters": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "exporters",
                  "counts", "words", "markup", "redaction"},
    # timescope: "which bugs kept recurring in 2013?" asked in words runs a topic over its scope
    "analytics": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "analytics",
                  "counts", "words", "cells", "timescope"},
    # the semantic layer: the model, vectors over the index, hybrid ranking; numpy lives here
    "semantic": {"records", "errors", "store", "index", "search", "settings", "chunks", "semantic", "intents"},
    # the edge: the MCP server reads like the CLI and writes through capture and tasks
    "mcp": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "settings",
            "semantic", "ask", "review", "analytics", "capture", "tasks", "timescope", "sync", "mcp",
            "redaction", "__version__"},
    # the log under git: the files layer, the settings, and the parser for merging day pages
    "sync": {"records", "model", "markdown", "errors", "store", "settings", "sync"},
    # the experiment ledger (reslog run): the entry through capture and the files layer, listing
    # through the index
    "runs": {"records", "model", "markdown", "dates", "errors", "store", "capture", "settings", "index",
             "search", "runs"},
}
#: Subpackages at the edge: nothing below the CLI imports them (and they never import the CLI).
EDGE_PACKAGES = {"mcp", "runs", "sync", "web"}
#: The web app sits at the edge with the CLI: it may use the whole core, and nothing but the CLI's
#: lazy `serve` command may import it.
WEB_MAY_IMPORT = set(ALLOWED) | set(PACKAGES) | {"web", "__version__"}
# markdown-it-py renders entries for the html export too (reslog.markup): a base dependency, not the web stack
WEB_STACK = {"starlette", "fastapi", "uvicorn", "jinja2"}
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


def test_importers_and_exporters_stay_in_their_lane() -> None:
    for package, allowed in PACKAGES.items():
        for path in (SRC / package).glob("*.py"):
            imported = _imports(path)
            ours = {name.split(".")[1] for name in imported if name.startswith("reslog.")}
            assert ours <= allowed, f"{package}/{path.name} imports {ours - allowed}"
            third = {name.split(".")[0] for name in imported}
            edge = EDGE_ONLY - {"jinja2"} - ({"matplotlib"} if package == "analytics" else set())
            assert not third & edge, f"{package}/{path.name} imports {third & edge}"


def test_nothing_in_the_core_imports_the_edge_packages() -> None:
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).parts
        if relative[0] in ("cli", *EDGE_PACKAGES):
            continue
        ours = {name.split(".")[1] for name in _imports(path) if name.startswith("reslog.")}
        assert not ours & EDGE_PACKAGES, f"{path.relative_to(SRC)} imports {ours & EDGE_PACKAGES}"
    for package in EDGE_PACKAGES:
        for path in (SRC / package).glob("*.py"):
            assert not any(name.startswith("reslog.cli") for name in _imports(path)), path


def test_the_capture_hook_of_sync_auto_is_light() -> None:
    """The capture path imports reslog.sync.trigger: it must stay os and sys only."""
    imported = _imports(SRC / "sync" / "trigger.py")
    assert imported <= {"__future__", "os", "sys"}, imported


def test_web_sits_at_the_edge() -> None:
    """reslog.web may import the core (never the CLI); nothing in the core imports reslog.web;
    the web stack is imported only inside reslog.web."""
    for path in (SRC / "web").glob("*.py"):
        imported = _imports(path)
        ours = {name.split(".")[1] for name in imported if name.startswith("reslog.")}
        assert ours <= WEB_MAY_IMPORT, f"web/{path.name} imports {ours - WEB_MAY_IMPORT}"
        assert not {name.split(".")[0] for name in imported} & {"click", "rich"}, f"web/{path.name}"
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "web":
            continue
        imported = _imports(path)
        if relative.parts[0] == "cli":  # only the serve command, and only inside its function
            assert not any(name.startswith("reslog.web") for name in imported) or path.name == "serve_cmds.py"
            continue
        assert not any(name == "reslog.web" or name.startswith("reslog.web.") for name in imported), relative
        third = {name.split(".")[0] for name in imported}
        assert not third & WEB_STACK, f"{relative} imports {third & WEB_STACK}: only reslog.web may"


def test_web_never_touches_files_or_sql_directly() -> None:
    for path in (SRC / "web").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in (r"(?<![\w.])open\(", r"write_text", r"write_bytes", r"os\.replace", r"sqlite3",
                       r"\.execute\(", r"\bSELECT\b"):
            assert not re.search(needle, text), f"web/{path.name} uses {needle}: go through the library"


def test_serve_loads_the_web_stack_only_when_run(tmp_path: Path) -> None:
    code = ("import sys, json\nfrom reslog.cli.entry import main\nmain(['--help'])\nmain(['todos'])\n"
            "print(json.dumps(sorted(sys.modules)))")
    env = {"RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "PYTHONPATH": str(SRC.parent)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert "click" in loaded
    assert not loaded & {"reslog.web", "fastapi", "starlette", "uvicorn", "jinja2", "markdown_it"}


def test_cli_never_touches_files_directly() -> None:
    for path in (SRC / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in (r"(?<![\w.])open\(", "write_text", "write_bytes", r"os\.replace", "sqlite3"):
            # open( the builtin, not tasks.reopen( or reopen(
            assert not re.search(needle, text), f"{path.name} uses {needle}: go through the library"


_PROBE = """
import sys
from reslog.cli.entry import main
code = main(["did", "a capture", "-t", "x", "--star"])
modules = sorted(sys.modules)
import json
print(json.dumps({"code": code, "modules": modules}))
"""


def _probe(code: str, tmp_path: Path) -> str:
    """Run ``code`` in a fresh interpreter without site-packages hooks (-S: a ``.pth`` file
    may import anything at start-up), finding reslog by PYTHONPATH; its standard output."""
    env = {
        "RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
        "PYTHONPATH": str(SRC.parent),
    }
    return subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout

HEAVY = {
    "click", "markdown_it", "reslog.markup",
    "numpy", "rich", "sqlite3", "_sqlite3", "torch", "sentence_transformers", "matplotlib",
    "starlette", "fastapi", "uvicorn", "jinja2", "llm", "reslog.index", "reslog.search", "reslog.cli.main",
    "reslog.demo", "reslog.sample", "reslog.cli.display", "reslog.cli.todo_cmds",
    "subprocess", "reslog.sync.repo", "reslog.mcp.server", "mcp", "pydantic",
}
#: Standard modules that cost a capture or a search more than the work itself (see reslog.records
#: and reslog.store): dataclasses (inspect, ast, dis), typing, pathlib (urllib.parse, ipaddress).
SLOW_STDLIB = {"dataclasses", "inspect", "typing", "pathlib", "urllib.parse"}


def test_capture_path_imports_nothing_heavy(tmp_path: Path) -> None:
    out = _probe(_PROBE, tmp_path)
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0
    loaded = set(report["modules"])
    assert loaded & HEAVY == set()
    assert loaded & SLOW_STDLIB == set()
    assert "reslog.capture" in loaded  # the probe did run the capture


_SEARCH_PROBE = """
import sys
from reslog.cli.entry import main
main(["did", "a capture about rates"])
code = main(["search", "rates", "-capture"])
modules = sorted(sys.modules)
import json
print(json.dumps({"code": code, "modules": modules}))
"""


def test_search_path_skips_click_and_the_web(tmp_path: Path) -> None:
    out = _probe(_SEARCH_PROBE, tmp_path)
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0 and "No entries match." in out
    loaded = set(report["modules"])
    assert "reslog.search" in loaded
    assert loaded & {"click", "rich", "numpy", "torch", "starlette", "matplotlib"} == set()
    assert loaded & (SLOW_STDLIB | {"json"}) == set()  # json only for --json


_HYBRID_PROBE = """
import sys
from reslog.cli.entry import main
main(["exp", "the optimizer diverged right after the warmup ended"])
code = main(["search", "loss exploded when LR ramp-up stopped"])
modules = sorted(sys.modules)
import json
print(json.dumps({"code": code, "modules": modules}))
"""


def test_hybrid_search_runs_the_model_without_torch(tmp_path: Path) -> None:
    """With the semantic extra installed (site-packages on), a search embeds with numpy and
    tokenizes in plain Python: never torch, sentence-transformers or transformers (seconds to
    import), nor the tokenizers library (tens of milliseconds), which only a whole log needs."""
    env = {"RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "PYTHONPATH": str(SRC.parent)}
    out = subprocess.run([sys.executable, "-c", _HYBRID_PROBE], env=env, capture_output=True, text=True,
                         check=True).stdout
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0 and "diverged" in out  # found by meaning: no shared word
    loaded = set(report["modules"])
    assert {"numpy", "reslog.semantic.wordpiece", "reslog.semantic.minilm"} <= loaded
    assert loaded & {"torch", "sentence_transformers", "transformers", "click", "llm", "scipy",
                     "tokenizers", "onnxruntime"} == set()


_RUN_PROBE = """
import sys
from reslog.cli.entry import main
code = main(["run", "-t", "x", "--", "true"])
modules = sorted(sys.modules)
import json
print(json.dumps({"code": code, "modules": modules}))
"""


def test_run_path_skips_click_and_the_index(tmp_path: Path) -> None:
    """`reslog run` starts the command as fast as a capture path allows: no click, no SQLite."""
    out = _probe(_RUN_PROBE, tmp_path)
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0
    loaded = set(report["modules"])
    assert "reslog.runs.recorder" in loaded
    assert loaded & (HEAVY - {"reslog.cli.display", "reslog.cli.todo_cmds"}) == set()
    assert loaded & {"dataclasses", "typing", "pathlib", "tomllib"} == set()


def test_public_api_is_explicit() -> None:
    assert sorted(reslog.__all__) == [
        "Answer", "Capture", "Captured", "Digest", "Entry", "Filters", "Hit", "Index", "Log", "Page",
        "ReslogError", "Retrieved", "Scope", "Section", "Settings", "Theme", "Todo", "__version__",
        "add_entry", "add_thought", "default_root", "parse", "render", "todos",
    ]
    for name in reslog.__all__:
        assert getattr(reslog, name) is not None
    assert reslog.Index.__module__ == "reslog.index" and callable(reslog.parse)
    assert (SRC / "py.typed").exists()
