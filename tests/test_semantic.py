"""Semantic search: the two runtimes of the bundled model, the model files' check, incremental
embedding, hybrid ranking, settings, and keyword search when semantic search cannot be had.
(The bundled model against sentence-transformers itself: tests/test_install.py.)"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reslog.chunks import MAX_CHUNKS, WORDS, chunks, clean
from reslog.index import Index
from reslog.search import Filters
from reslog.semantic import backends, bundled, hybrid
from reslog.semantic.minilm import NumpyMiniLM, OnnxMiniLM
from reslog.semantic.setup import prepare
from reslog.semantic.vectors import VECTORS_FILE, Vectors, update
from reslog.store import Log

from .conftest import CORPORA, Result, corpora, day_file

Run = Callable[..., Result]

PAGES = {
    "2026-11-16": (
        "## What was done\n"
        "- 09:00 exp: the optimizer diverged right after the warmup ended #w2s\n"
        "- 10:00 read: Adam paper on adaptive moment estimation [from:: Ana]\n"
        "## Random ideas\n- 11:00 make the cluster queue fair between labs\n"
    ),
    "2026-11-17": (
        "## What was done\n"
        "- 09:00 bug: tokenizer drops accented characters in French titles #data\n"
        "- 09:30 did: booked the train to the workshop in Lyon\n"
    ),
}


def write(log_dir: Path, pages: dict[str, str]) -> None:
    for day, text in pages.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def index(log_dir: Path) -> Index:
    write(log_dir, PAGES)
    idx = Index(Log(log_dir))
    idx.refresh()
    return idx


def real_texts(every: int = 5, count: int = 300) -> list[str]:
    """Real lines of the notebook, of all lengths, plus odd ones (``count`` in all)."""
    found: list[str] = []
    for path in sorted((CORPORA / "cboettig-labnotebook").rglob("*.md"))[::every]:
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                 if len(line.split()) >= 3]
        if lines:  # a title, a line from the middle, and the longest paragraph (cut at 256 tokens)
            found += [lines[0], lines[len(lines) // 2], max(lines, key=len)]
    found += ["", "a", "x " * 400, "Émile’s café — naïve “quotes”", "学习率调整以后收敛更快", "🙂 emoji only 🙂"]
    return found[: count - 6] + found[-6:]


@corpora
def test_numpy_and_onnx_runtime_compute_the_same_vectors() -> None:
    """Queries are embedded with numpy, the log with ONNX Runtime: one model, two runtimes."""
    model, tokenizer, vocab = bundled.verify()
    texts = real_texts(every=15, count=90)
    ours = NumpyMiniLM(model, vocab).embed(texts)
    runtime = OnnxMiniLM(model, tokenizer, threads=1).embed(texts)
    cosines = (ours * runtime).sum(1)
    assert cosines.min() >= 0.99999, texts[int(cosines.argmin())]
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert NumpyMiniLM.name == OnnxMiniLM.name  # one key for their vectors


def test_the_rewritten_graph_computes_the_same_vectors(tmp_path: Path) -> None:
    """ONNX Runtime runs the bundled graph with its NaN guards gone and GELU fused (reslog.semantic.fuse):
    the same vectors as the file as shipped, every other node and weight kept, and nothing left to
    rewrite in what it wrote."""
    from collections import Counter

    from reslog.semantic import fuse
    from reslog.semantic.onnx_file import OnnxModel

    model, tokenizer, _ = bundled.verify()
    shipped = OnnxModel(model)
    rewritten = fuse.for_onnxruntime(shipped)
    assert rewritten is not None
    (tmp_path / "fused.onnx").write_bytes(rewritten)
    fused = OnnxModel(str(tmp_path / "fused.onnx"))
    before, after = Counter(n.op for n in shipped.nodes), Counter(n.op for n in fused.nodes)
    assert before["IsNaN"] == 6 and after["IsNaN"] == 0 and after["Erf"] == 0 and after["BiasGelu"] == 6
    assert after["Where"] == before["Where"] - 6 and after["Softmax"] == before["Softmax"] == 6
    assert after["MatMul"] == before["MatMul"] and after["Add"] == before["Add"] - 12  # +1 and the bias
    assert fused.tensors.keys() == shipped.tensors.keys()
    assert all(np.array_equal(fused.tensors[k], shipped.tensors[k]) for k in shipped.tensors)
    assert fuse.for_onnxruntime(fused) is None  # a graph without the patterns is left as it is
    texts = [*PAGES["2026-11-16"].splitlines(), "", "a", "x " * 400, "学习率调整以后收敛更快", "🙂 emoji only 🙂",
             "NaN loss after the warmup with fp16; " * 20]
    as_shipped = OnnxMiniLM(model, tokenizer, threads=1, fused=False).embed(texts)
    cosines = (OnnxMiniLM(model, tokenizer, threads=1).embed(texts) * as_shipped).sum(1)
    assert cosines.min() >= 0.99999, texts[int(cosines.argmin())]


def test_the_model_files_are_checked_by_their_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model, tokenizer, vocab = bundled.verify()
    assert os.path.getsize(model) == 22_928_619 and tokenizer.endswith("minilm-tokenizer.json")
    assert vocab.endswith("minilm-vocab.txt")
    stamp = tmp_path / "model-check.json"
    bundled.verify(str(stamp))
    assert stamp.exists()  # remembered: the next check is a stat, not a hash
    # a package whose model.onnx differs by one byte is refused, whatever the stamp says
    package = tmp_path / "site" / bundled.PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    data = bytearray(Path(model).read_bytes())
    data[-1] ^= 1
    (package / "model.onnx").write_bytes(bytes(data))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, bundled.PACKAGE, raising=False)  # find_spec would answer from it
    with pytest.raises(bundled.ModelFileError, match="not the file reslog was built for"):
        bundled.verify(str(stamp))
    vectors = NumpyMiniLM(model, vocab).embed(["no network needed"])
    assert vectors.shape == (1, 384)


def test_chunks_cut_long_entries_and_drop_markup() -> None:
    assert clean("- see [the paper](https://x.org/a) [from:: Ana] <https://y.org>") == "see the paper"
    assert chunks("title\n```\ncode code\n```\nprose here") == ["title prose here"]
    # a fence nested in a list item, as imported notes write code, is code too
    assert chunks("title\n  - ```r\n  - x <- fit(data)\n  - ```\n  - 09:00 prose [from:: Ana] here") == [
        "title prose here"]
    from reslog.markdown import strip_tags

    assert strip_tags("seeds #w2s/sweep and #2 runs, see a#b") == "seeds and #2 runs, see a#b"
    long = "A long title here\n" + " ".join(f"w{i}" for i in range(1000))
    parts = chunks(long)
    assert 1 < len(parts) <= MAX_CHUNKS
    assert all(p.startswith("A long title here") for p in parts)
    assert all(len(p.split()) <= WORDS for p in parts)
    covered = {w for p in parts for w in p.split()}
    assert {f"w{i}" for i in range(1000)} <= covered  # every word is in some passage
    assert chunks("") == []


def test_embedding_is_incremental_by_content(index: Index, log_dir: Path) -> None:
    backend = backends.load()
    first = update(index, backend)
    assert first.embedded == 5  # one passage per entry here
    assert update(index, backend).embedded == 0
    # edit one entry, move another to a new day unchanged: only the edited text is embedded
    page = day_file(log_dir, "2026-11-17")
    page.write_text(page.read_text().replace("French titles", "German titles"), encoding="utf-8")
    moved = "## What was done\n- 09:30 did: booked the train to the workshop in Lyon\n"
    write(log_dir, {"2026-11-18": moved})
    index.refresh()
    assert update(index, backend).embedded == 1
    # a rebuild of the keyword index keeps every vector
    index.refresh(force=True)
    assert update(index, backend).embedded == 0
    vectors = Vectors.load(index, backend.name)
    assert len(vectors) == index.count() == 6


def test_unused_vectors_are_pruned_by_reindex(index: Index, log_dir: Path, run: Run) -> None:
    update(index, backends.load())
    day_file(log_dir, "2026-11-17").unlink()
    result = run("reindex")
    assert result.code == 0, result.err
    assert "dropped 2 unused vectors" in result.out


@pytest.mark.parametrize(
    ("query", "day", "line"),
    [
        ("loss exploded when LR ramp-up stopped", "2026-11-16", 2),
        ("text splitting loses diacritics", "2026-11-17", 2),
    ],
)
def test_search_finds_a_paraphrase_with_none_of_the_words(
    index: Index, run: Run, query: str, day: str, line: int
) -> None:
    entry = (day_file(index.log.root, day).read_text().splitlines()[line - 1]).lower()
    assert not set(query.lower().split()) & set(entry.split())
    keyword = run("search", "--mode", "keyword", query)
    assert "No entries match" in keyword.out
    for mode in ("hybrid", "semantic"):
        hits = json.loads(run("search", "--mode", mode, "--json", query).out)
        assert (hits[0]["date"], hits[0]["line"]) == (day, line), (mode, hits[0])
    default = json.loads(run("search", "--json", query).out)  # hybrid when embeddings exist
    assert (default[0]["date"], default[0]["line"]) == (day, line)


def test_hybrid_keeps_exact_keyword_hits_first(index: Index) -> None:
    backend = backends.load()
    update(index, backend)
    vectors = Vectors.load(index, backend.name)
    hits = hybrid.search(index, "tokenizer accented", None, 5, "hybrid", backend, vectors)
    assert hits[0].text.startswith("tokenizer drops accented")
    only_ideas = hybrid.search(index, "fair queue", Filters(section="ideas"), 5, "hybrid", backend, vectors)
    assert [h.section for h in only_ideas] == ["ideas"]


def test_fusion_weighs_meaning_coverage_and_keyword_rank() -> None:
    keyword = [(1, 9.0), (2, 8.0)]
    cosines = {1: 0.30, 2: 0.20, 3: 0.80, 4: 0.25}
    coverage = {1: 1.0, 2: 0.1}
    fused = hybrid.fuse(keyword, cosines, coverage, floor=0.3)
    assert [i for i, _ in fused] == [3, 1, 2]  # 4: found only by meaning, below the floor
    assert dict(fused)[1] == pytest.approx(0.30 + hybrid.COVERAGE_WEIGHT + hybrid.RANK_WEIGHT / 11)
    assert dict(fused)[2] == pytest.approx(0.20 + 0.1 * hybrid.COVERAGE_WEIGHT + 0.1 * hybrid.RANK_WEIGHT / 12)
    assert [i for i, _ in hybrid.fuse(keyword, cosines, coverage)] == [3, 1, 4, 2]


def test_vector_top_k_respects_allowed_entries() -> None:
    matrix = np.eye(4, dtype=np.float32)
    vectors = Vectors(np.array([10, 10, 11, 12], dtype=np.int64), matrix)
    assert len(vectors) == 3
    query = np.array([0, 1, 0, 0], dtype=np.float32)
    assert vectors.top(query, 2)[0] == (10, 1.0)  # entry 10 scores as its best passage
    assert [i for i, _ in vectors.top(query, 3, allowed={11, 12})] == [11, 12]
    assert vectors.best(query, [11, 12]) == 0.0


def test_no_embed_and_the_setting_turn_embedding_off(index: Index, log_dir: Path, run: Run) -> None:
    result = run("reindex", "--no-embed")
    assert result.code == 0 and "Embedded" not in result.out
    assert not (log_dir / ".reslog" / VECTORS_FILE).exists()
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    found = run("search", "optimizer")
    assert found.code == 0 and "diverged" in found.out
    assert "semantic search is off" in found.err
    assert not (log_dir / ".reslog" / VECTORS_FILE).exists()


def test_without_the_semantic_extra_search_is_keyword_only_with_a_hint(
    index: Index, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backends, "installed", lambda model="": False)
    result = run("search", "optimizer diverged")
    assert result.code == 0
    assert "optimizer diverged" in result.out
    assert result.err.strip().splitlines() == [
        "reslog: keyword search only: install semantic search with: pip install 'reslog[semantic]'"
    ]
    asked = run("search", "--mode", "semantic", "optimizer")
    assert asked.code == 2 and "--mode keyword" in asked.err


def test_bad_settings_are_one_line_errors(index: Index, log_dir: Path, run: Run) -> None:
    settings = log_dir / "reslog.toml"
    for text, needle in [
        ("[search\nmodel = 1", "is not valid TOML"),
        ("[search]\nembedings = false\n", "unknown setting search.embedings"),
        ("[search]\nmode = 'fuzzy'\n", "search.mode must be one of"),
        ("[search]\nmodel = 'sentence-transformers:/nowhere'\n", "no model folder at /nowhere"),
        ("[search]\nmodel = 'word2vec'\n", "unknown search.model 'word2vec'"),
        ("search = 5\n", "search must be a table ([search] on a line of its own"),
        ("[search]\nembeddings = false\nmode = 'semantic'\n", "search.mode = 'semantic' in reslog.toml needs"),
    ]:
        settings.write_text(text, encoding="utf-8")
        result = run("search", "optimizer")
        assert result.code == 1, (text, result.err)
        lines = 2 if "embeddings = false" in text else 1  # then the line above says search is off
        assert needle in result.err and len(result.err.strip().splitlines()) == lines, result.err
        assert result.err.strip().splitlines()[-1].startswith("reslog: ") and "Traceback" not in result.err
    settings.unlink()
    settings.mkdir()  # a folder in its place was a traceback
    result = run("search", "optimizer")
    assert result.code == 1 and "cannot read" in result.err and "Is a directory" in result.err, result.err
    settings.rmdir()
    backends._LOADED.clear()


def test_a_broken_vectors_file_is_made_anew(index: Index, log_dir: Path) -> None:
    update(index, backends.load())
    index.close()
    (log_dir / ".reslog" / VECTORS_FILE).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (log_dir / ".reslog" / (VECTORS_FILE + suffix)).unlink(missing_ok=True)
    fresh = Index(Log(log_dir))
    found = prepare(fresh)  # five new passages: embedded by the read itself
    assert found.on and found.complete and found.notice is None
    with sqlite3.connect(log_dir / ".reslog" / VECTORS_FILE) as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == 5


def test_capture_never_embeds(log_dir: Path, run: Run) -> None:
    assert run("did", "a capture").code == 0
    assert not (log_dir / ".reslog" / VECTORS_FILE).exists()
    assert not (log_dir / ".reslog" / "index.db").exists()


def test_an_llm_embedding_model_can_be_the_backend(index: Index, log_dir: Path, run: Run) -> None:
    """search.model = "llm:ID" embeds through the llm library (here a plugin model registered
    in-process, as an installed plugin would be)."""
    import zlib

    import llm
    from llm.plugins import pm

    class Words(llm.EmbeddingModel):
        model_id = "reslog-test-words"

        def embed_batch(self, items):  # type: ignore[no-untyped-def]
            for text in items:
                vector = [0.0] * 64
                for word in str(text).lower().split():
                    vector[zlib.crc32(word.encode()) % 64] += 1.0
                yield vector

    class Plugin:
        __name__ = "reslog_test_embed_plugin"

        @llm.hookimpl
        def register_embedding_models(self, register):  # type: ignore[no-untyped-def]
            register(Words())

    pm.register(Plugin(), name="reslog_test_embed_plugin")
    try:
        (log_dir / "reslog.toml").write_text('[search]\nmodel = "llm:reslog-test-words"\n', encoding="utf-8")
        result = run("reindex")
        assert result.code == 0, result.err
        assert "Embedded 5 new passages with llm:reslog-test-words." in result.out
        hits = json.loads(run("search", "--mode", "semantic", "--json", "accented tokenizer").out)
        assert hits[0]["text"].startswith("tokenizer drops accented")
        with sqlite3.connect(log_dir / ".reslog" / VECTORS_FILE) as db:
            models = {row[0] for row in db.execute("SELECT DISTINCT model FROM vectors")}
        assert models == {"llm:reslog-test-words"}
    finally:
        pm.unregister(name="reslog_test_embed_plugin")
        backends._LOADED.pop(("llm:reslog-test-words", False), None)
    assert ("llm:reslog-test-words", False) not in backends._LOADED


def test_a_models_vector_name_is_known_without_loading_it() -> None:
    assert backends.name_of() == backends.load().name == "all-MiniLM-L6-v2/int8"
    assert backends.name_of("llm:some-model") == "llm:some-model"


def test_the_vectors_snapshot_follows_every_change(index: Index, log_dir: Path) -> None:
    backend = backends.load()
    update(index, backend)
    first = Vectors.load(index, backend.name)
    snapshots = sorted(p.name for p in (log_dir / ".reslog").glob("vectors-*.npy"))
    assert len(snapshots) == 2  # entry ids and matrix
    again = Vectors.load(index, backend.name)
    assert isinstance(again.matrix, np.memmap) and np.array_equal(again.entry_ids, first.entry_ids)
    generation = index.generation()
    assert update(index, backend).embedded == 0 and index.generation() == generation
    write(log_dir, {"2026-11-19": "## Random ideas\n- 09:00 share one GPU queue across the two labs\n"})
    index.refresh()
    assert index.generation() != generation
    assert update(index, backend).embedded == 1
    fresh = Vectors.load(index, backend.name)
    assert len(fresh) == len(first) + 1 and not isinstance(fresh.matrix, np.memmap)
    # a damaged snapshot is made again, not trusted
    for path in (log_dir / ".reslog").glob("vectors-*.f32.npy"):
        path.write_bytes(b"garbage")
    assert len(Vectors.load(index, backend.name)) == len(fresh)


def test_keyword_mode_loads_no_model_and_ranks_by_words(index: Index, log_dir: Path) -> None:
    """Asked for keywords only, a command embeds nothing and loads no model; hybrid ranking and
    ask then judge by words alone (hybrid.meaning_usable, the one place that decides)."""
    found = prepare(index, mode="keyword")
    assert found.backend is None and found.vectors is None and not found.on
    assert not (log_dir / ".reslog" / VECTORS_FILE).exists()
    backend = backends.load()
    update(index, backend)
    vectors = Vectors.load(index, backend.name)
    assert hybrid.meaning_usable("hybrid", backend, vectors)
    assert not hybrid.meaning_usable("keyword", backend, vectors)
    assert not hybrid.meaning_usable("hybrid", None, vectors)
    assert not hybrid.meaning_usable("hybrid", backend, Vectors(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)))
    by_words = hybrid.rank(index, "optimizer warmup", mode="keyword", backend=backend, vectors=vectors)
    assert by_words.best_cosine == 0.0 and len(by_words.ranking) == 1
    by_both = hybrid.rank(index, "optimizer warmup", mode="hybrid", backend=backend, vectors=vectors)
    assert by_both.best_cosine > 0.3 and by_both.ranking[0][0] == by_words.ranking[0][0]


@pytest.mark.parametrize(("load", "set_by_user", "expected"), [
    (9.0, None, "1"), (9.0, "2", "2"), (0.0, None, "unset"), (0.0, "2", "2")])
def test_the_command_gives_numpy_one_blas_thread_on_a_busy_machine(load: float, set_by_user: str | None,
                                                                 expected: str) -> None:
    """A query is a few small matrix products: on a busy machine OpenBLAS's pool of threads spun
    against other work for the cores (a search took 1.27 s, not 0.38 s; ask 93 s, not 5.7 s). The
    command sets one thread before numpy is imported when the load average is one a core or more,
    unless the user chose a number; at rest the threads are numpy's own (ask 1.37x faster)."""
    probe = ("import os, sys\nfrom reslog.cli import entry\nassert 'numpy' not in sys.modules\n"
             f"os.getloadavg = lambda: ({load}, {load}, {load})\n"
             "sys.argv = ['reslog', '--version']\ntry:\n    entry.run()\nexcept SystemExit:\n    pass\n"
             "print(os.environ.get('OPENBLAS_NUM_THREADS', 'unset'), os.environ.get('OMP_NUM_THREADS', 'unset'))")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    if set_by_user is not None:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = set_by_user
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split()[-2:] == [expected, expected]
