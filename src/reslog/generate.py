"""Generative models, optional: a written answer or paragraph from the ``llm`` library.

reslog never needs one. When ``ask.model`` in ``reslog.toml`` names a model
that ``llm`` knows (OpenAI's, or a local one through a plugin such as
llm-ollama or llm-gguf), :mod:`reslog.ask` and :mod:`reslog.digest` give it
the retrieved entries and check every citation in what comes back. A
generator is any function from a prompt to text, so tests and other
libraries can stand in for ``llm``.
"""

from __future__ import annotations

import importlib.util
import re

from reslog.errors import ReslogError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    Generator = Callable[[str], str]

SYSTEM = (
    "You help a researcher read their own research log. Use only the numbered entries given. "
    "Every sentence you write cites the entries it rests on as [n]."
)


def llm_generator(model_id: str) -> Generator:
    """A generator backed by the ``llm`` model ``model_id``; a clear error if it cannot be had."""
    if importlib.util.find_spec("llm") is None:
        raise ReslogError(
            f"ask.model is {model_id!r} but the llm library is not installed; "
            "pip install 'reslog[llm]', or remove ask.model from reslog.toml"
        )
    import llm

    try:
        model = llm.get_model(model_id)
    except llm.UnknownModelError:
        raise ReslogError(
            f"llm knows no model {model_id!r} (ask.model in reslog.toml); `llm models` lists them"
        ) from None

    def generate(prompt: str) -> str:
        try:
            return str(model.prompt(prompt, system=SYSTEM).text())
        except Exception as exc:  # any provider error: network, key, quota
            raise ReslogError(
                f"the model {model_id} failed ({exc.__class__.__name__}: {exc}); "
                "check its key or server, or use --offline"
            ) from None

    return generate


_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_CLAIM = re.compile(r"(?<=[.!?])\s+")


def check_citations(text: str, count: int) -> tuple[str, list[int]]:
    """``text`` keeping only the sentences that cite a valid [n] (1..count), and the numbers
    cited, in order of first citation.

    Citations to anything else are removed, and a sentence left with none is
    dropped: a claim that cites nothing retrieved is not kept. The citations in
    the text are renumbered to the order returned: [1] is the first entry cited.
    """
    kept: list[str] = []
    cited: list[int] = []
    for claim in _CLAIM.split(text.strip()):
        valid: list[int] = []

        def keep(match: re.Match[str], valid: list[int] = valid) -> str:
            numbers = [int(n) for n in match.group(1).split(",") if 1 <= int(n) <= count]
            valid.extend(numbers)
            return "[" + ", ".join(map(str, dict.fromkeys(numbers))) + "]" if numbers else ""

        cleaned = re.sub(r"\s+([.!?,;:])", r"\1", _CITE.sub(keep, claim)).strip()
        if valid and cleaned:
            kept.append(cleaned)
            cited += [n for n in valid if n not in cited]
    order = {old: new for new, old in enumerate(cited, 1)}

    def renumber(match: re.Match[str]) -> str:
        return "[" + ", ".join(str(order[int(n)]) for n in match.group(1).split(",")) + "]"

    return _CITE.sub(renumber, " ".join(kept)), cited
