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
    "records": set(),
    "model": {"records"},
    "markdown": {"model"},
    "dates": {"errors"},
    "timescope": {"dates", "errors", "records"},
    "store": {"model", "markdown", "dates", "errors"},
    "capture": {"records", "model", "markdown", "dates", "errors", "store"},
    "tasks": {"records", "model", "markdown", "dates", "errors", "store"},
    "chunks": set(),
    # entry text as safe HTML (markdown-it-py), for the html export and the web app
    "markup": {"model"},
    "settings": {"records", "errors", "store"},
    "index": {"records", "model", "markdown", "dates", "errors", "store", "chunks"},
    "search": {"records", "model", "markdown", "dates", "errors", "store", "index", "timescope"},
    "generate": {"errors"},
    # ask and digest sit on search and the semantic layer (vectors, hybrid ranking)
    "ask": {"records", "errors", "index", "search", "timescope", "generate", "chunks", "semantic"},
    "digest": {"records", "errors", "markdown", "index", "search", "generate", "ask", "chunks", "semantic"},
    "sample": {"model", "markdown", "dates", "errors", "store", "capture", "tasks"},
    "demo": {"model", "markdown", "dates", "errors", "store", "capture", "tasks", "sample"},
    "review": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "analytics",
               "digest", "semantic"},
}
# Subpackages: every module in them may import these (and its own package).
PACKAGES: dict[str, set[str]] = {
    "importers": {"records", "model", "markdown", "dates", "errors", "store", "importers"},
    "exporters": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "exporters",
                  "markup"},
    "analytics": {"records", "model", "markdown", "dates", "errors", "store", "index", "search", "analytics"},
    # the semantic layer: the model, vectors over the index, hybrid ranking; numpy lives here
    "semantic": {"records", "errors", "store", "index", "search", "settings", "chunks", "semantic"},
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


def test_importers_and_exporters_stay_in_their_lane() -> None:
    for package, allowed in PACKAGES.items():
        for path in (SRC / package).glob("*.py"):
            imported = _imports(path)
            ours = {name.split(".")[1] for name in imported if name.startswith("reslog.")}
            assert ours <= allowed, f"{package}/{path.name} imports {ours - allowed}"
            third = {name.split(".")[0] for name in imported}
            edge = EDGE_ONLY - {"jinja2"} - ({"matplotlib"} if package == "analytics" else set())
            assert not third & edge, f"{package}/{path.name} imports {third & edge}"


def test_cli_never_touches_files_directly() -> None:
    for path in (SRC / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", "write_text", "write_bytes", "os.replace", "sqlite3"):
            assert needle not in text, f"{path.name} uses {needle}: go through the library"


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
    """With the semantic extra installed (site-packages on), a search embeds with numpy and the
    tokenizers library: never torch, sentence-transformers or transformers (seconds to import)."""
    env = {"RESLOG_DIR": str(tmp_path / "log"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "PYTHONPATH": str(SRC.parent)}
    out = subprocess.run([sys.executable, "-c", _HYBRID_PROBE], env=env, capture_output=True, text=True,
                         check=True).stdout
    report = json.loads(out.splitlines()[-1])
    assert report["code"] == 0 and "diverged" in out  # found by meaning: no shared word
    loaded = set(report["modules"])
    assert {"numpy", "tokenizers", "reslog.semantic.minilm"} <= loaded
    assert loaded & {"torch", "sentence_transformers", "transformers", "click", "llm", "scipy"} == set()


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
