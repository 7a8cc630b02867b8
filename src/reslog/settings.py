"""The optional settings of a log: ``<log>/reslog.toml``.

Every setting has a default, so a log without the file behaves like one with
an empty file. Unknown keys are refused with the key's name, so a typo does
not silently do nothing. Only the commands that need settings read the file
(a capture never does).

```toml
[search]
embeddings = true                 # false: keyword search only, nothing is embedded
model = "all-MiniLM-L6-v2"        # or "sentence-transformers:/a/local/model/folder", "llm:MODEL_ID"
mode = "hybrid"                   # what `reslog search` does by default: hybrid, keyword, semantic
background = true                 # false: never embed in a background process (reslog reindex does it)

[ask]
model = ""                        # an `llm` model id (gpt-4o-mini, an Ollama model, ...) for written
                                  # answers and digest paragraphs; empty: extractive only

[sync]
auto = false                      # true: commit in the background after each capture (reslog sync)
runs = false                      # true: commit the runs/ folder too (by default .gitignore leaves it out)

[run]
output_cap = "50MB"               # `reslog run`: the most kept of each of stdout and stderr (head and tail)
env = ["CUDA_VISIBLE_DEVICES"]    # environment variables recorded in a run's meta.json (* matches any text)
```
"""

from __future__ import annotations

from reslog.errors import LogError
from reslog.records import Record
from reslog.store import Log, exists, path_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from typing import Any, Final

SETTINGS_FILE = "reslog.toml"
DEFAULT_MODEL = "all-MiniLM-L6-v2"
MODES = ("hybrid", "keyword", "semantic")
DEFAULT_OUTPUT_CAP = 50_000_000
DEFAULT_RUN_ENV = ("CUDA_VISIBLE_DEVICES",)
_MIN_OUTPUT_CAP = 64
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


class Settings(Record):
    """The settings of one log."""

    __slots__ = ("ask_model", "background", "embed_model", "embeddings", "output_cap", "run_env",
                 "search_mode", "sync_auto", "sync_runs")
    embeddings: Final[bool]
    embed_model: Final[str]
    search_mode: Final[str]
    ask_model: Final[str | None]
    background: Final[bool]
    sync_auto: Final[bool]
    sync_runs: Final[bool]
    #: ``reslog run``: bytes kept of each output stream, and the environment variables recorded.
    output_cap: Final[int]
    run_env: Final[tuple[str, ...]]

    def __init__(
        self, embeddings: bool = True, embed_model: str = DEFAULT_MODEL, search_mode: str = "hybrid",
        ask_model: str | None = None, background: bool = True, sync_auto: bool = False,
        sync_runs: bool = False, output_cap: int = DEFAULT_OUTPUT_CAP,
        run_env: tuple[str, ...] = DEFAULT_RUN_ENV,
    ) -> None:
        self.embeddings = embeddings
        self.background = background
        self.embed_model = embed_model
        self.search_mode = search_mode
        self.ask_model = ask_model
        self.sync_auto = sync_auto
        self.sync_runs = sync_runs
        self.output_cap = output_cap
        self.run_env = run_env


_KEYS: dict[str, dict[str, type]] = {
    "search": {"embeddings": bool, "model": str, "mode": str, "background": bool},
    "ask": {"model": str},
    "sync": {"auto": bool, "runs": bool},
    "run": {"output_cap": object, "env": list},
}


def parse_size(value: object, where: str = "run.output_cap") -> int:
    """Bytes of a size setting: a whole number of bytes, or text such as ``50MB``, ``1.5 GB``,
    ``512KiB`` (kB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)."""
    import re

    hint = (f"{where} must be a size such as \"50MB\", \"2GiB\" or a number of bytes, "
            f"at least {_MIN_OUTPUT_CAP}")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise LogError(f"{hint}, not {value!r}")
    if isinstance(value, int):
        size = value
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", value)
        unit = match.group(2).lower() if match else ""
        if match is None or unit not in _UNITS:
            raise LogError(f"{hint}, not {value!r}")
        size = int(float(match.group(1)) * _UNITS[unit])
    if size < _MIN_OUTPUT_CAP:
        raise LogError(f"{hint}, not {value!r}")
    return size


def _check(data: dict[str, Any], where: str) -> None:
    for table, values in data.items():
        if table not in _KEYS:
            raise LogError(f"{where}: unknown setting [{table}]; the tables are {', '.join(_KEYS)}")
        if not isinstance(values, dict):  # "search = 5": a known name, but not a table
            raise LogError(f"{where}: {table} must be a table ([{table}] on a line of its own, its "
                           f"settings below it), not {values!r}")
        for key, value in values.items():
            wanted = _KEYS[table].get(key)
            if wanted is None:
                raise LogError(
                    f"{where}: unknown setting {table}.{key}; use one of {', '.join(_KEYS[table])}"
                )
            if not isinstance(value, wanted):
                raise LogError(f"{where}: {table}.{key} must be a {wanted.__name__}, not {value!r}")
    mode = data.get("search", {}).get("mode")
    if mode is not None and mode not in MODES:
        raise LogError(f"{where}: search.mode must be one of {', '.join(MODES)}, not {mode!r}")
    env = data.get("run", {}).get("env", [])
    if not all(isinstance(name, str) and name.strip() for name in env):
        raise LogError(f"{where}: run.env must be a list of variable names, "
                       "such as [\"CUDA_VISIBLE_DEVICES\"]")


def load(log: Log) -> Settings:
    """The log's settings; defaults where ``reslog.toml`` is missing or silent."""
    file = path_text(log.folder, SETTINGS_FILE)
    if not exists(file):
        return Settings()
    import tomllib

    where = file
    try:
        with open(file, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise LogError(f"{where} is not valid TOML ({exc}); fix it or move it away") from None
    except UnicodeDecodeError:
        raise LogError(f"{where} is not valid UTF-8; save it as UTF-8") from None
    except OSError as exc:  # a folder in its place, no permission to read it
        raise LogError(f"cannot read {where}: {exc.strerror or exc}; make it a readable file "
                       "or move it away") from None
    _check(data, where)
    search = data.get("search", {})
    ask = data.get("ask", {})
    sync = data.get("sync", {})
    run = data.get("run", {})
    cap = parse_size(run["output_cap"], f"{where}: run.output_cap") if "output_cap" in run else None
    return Settings(
        embeddings=search.get("embeddings", True),
        embed_model=search.get("model") or DEFAULT_MODEL,
        search_mode=search.get("mode", "hybrid"),
        ask_model=ask.get("model") or None,
        background=search.get("background", True),
        sync_auto=sync.get("auto", False),
        sync_runs=sync.get("runs", False),
        output_cap=DEFAULT_OUTPUT_CAP if cap is None else cap,
        run_env=tuple(name.strip() for name in run["env"]) if "env" in run else DEFAULT_RUN_ENV,
    )
