"""The query's tokenizer in plain Python (reslog.semantic.wordpiece) gives the ids the library
``tokenizers`` gives from the model's tokenizer.json: on every passage of a real notebook and on
text made to be hard. A different id would move every query's vector away from the log's."""

from __future__ import annotations

import json
from pathlib import Path

from reslog.chunks import chunks
from reslog.semantic import bundled
from reslog.semantic.minilm import MAX_TOKENS, tokenizer
from reslog.semantic.wordpiece import WordPiece

from .conftest import CORPORA, corpora

HARD = [
    "", " ", "a", "x " * 400, "y" * 101, "y" * 100, "unaffable antidisestablishmentarianism",
    "Ünïcödé naïve café, Émile’s “quotes” — and … ellipses", "İstanbul ΣΑΣ Straße ẞ ǅ ﬁ Ⅻ",
    "学习率调整以后收敛更快 and 日本語のテキスト, 한국어 텍스트", "العربية ـــ עברית",
    "a\x0bb\x0cc\x85d\u2028e\u00a0f\x1cg\x1fh", "\x00nul \ufffd replacement \u200b zero \u200d width",
    "tab\tnew\nline\rreturn", "$100 + <tag> ^ ` | ~ = @ # % & * ( ) [ ] { } \\ / ? ! ; : ' \" , .",
    "emoji 😀🎉 ok \U0001F600\U0001F600", "𝐁𝐨𝐥𝐝 math and ℕ ℝ", "co-operate e.g. i.e. U.S.A. 3.5e-4 lr=3e-4",
    "NaN loss at step 1200 with fp16; `torch.cuda.amp` fixed it [from:: Ana] #w2s",
]


def pair() -> tuple[WordPiece, object]:
    _, json_file, vocab = bundled.verify()
    return WordPiece.from_file(vocab, MAX_TOKENS), tokenizer(json_file)


def assert_same_ids(texts: list[str]) -> None:
    ours, library = pair()
    theirs = [e.ids for e in library.encode_batch(texts)]  # type: ignore[attr-defined]
    for text, ids in zip(texts, theirs, strict=True):
        assert ours.encode(text) == ids, text[:300]


def test_the_vocabulary_list_is_the_tokenizer_files_vocabulary() -> None:
    """minilm-vocab.txt is written from tokenizer.json: line n is the word piece of id n."""
    vocab = json.loads(Path(bundled.TOKENIZER).read_text(encoding="utf-8"))["model"]["vocab"]
    lines = Path(bundled.VOCAB).read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(vocab) == 30522
    assert all(vocab[piece] == n for n, piece in enumerate(lines[:-1]))


def test_hard_text_gets_the_librarys_ids() -> None:
    assert_same_ids(HARD)
    ours, _ = pair()
    assert len(ours.encode("x " * 400)) == MAX_TOKENS  # cut at the model's length, [SEP] last
    assert ours.encode("y" * 101) == [101, 100, 102]  # a word of more than 100 characters: [UNK]


@corpora
def test_every_passage_of_a_real_notebook_gets_the_librarys_ids() -> None:
    texts: list[str] = []
    for path in sorted((CORPORA / "cboettig-labnotebook").rglob("*.md")):
        page = path.read_text(encoding="utf-8", errors="replace")
        texts += chunks(page) + [line for line in page.splitlines() if line.strip()][:3]
    assert len(texts) > 5000
    assert_same_ids(texts)
