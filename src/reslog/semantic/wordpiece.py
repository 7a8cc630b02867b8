"""BERT's uncased WordPiece tokenizer in plain Python, for a query.

A search embeds one short query, and loading the ``tokenizers`` library and
its ``tokenizer.json`` took 40-45 ms of a 0.45 s search on the notebook (the
import 18 ms, the file 23-28 ms); this reads the same vocabulary from a plain
list (``minilm-vocab.txt``, one word piece per line, in id order: 3 ms) and
tokenizes a sentence in well under a millisecond. Whole logs are still
tokenized by ``tokenizers`` (:class:`reslog.semantic.minilm.OnnxMiniLM`): it
is faster on thousands of passages.

It does what ``tokenizer.json`` says, step for step as the library does it:
BertNormalizer (control characters dropped, whitespace made spaces, CJK
characters spaced, accents stripped after NFD, lower case, character by
character), BertPreTokenizer (split at whitespace, every punctuation mark a
word of its own), WordPiece (longest piece first, ``##`` for a continuation,
``[UNK]`` for a word of more than 100 characters or one no pieces spell), and
``[CLS] ... [SEP]``, cut at the model's 256 tokens. A test holds it to the
library's ids on every passage of the notebook and on text made to be hard.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

#: The characters Rust's ``char::is_whitespace`` (Unicode White_Space) counts, which the library
#: uses, less the control characters among them (dropped before whitespace is looked for):
#: Python's ``str.isspace`` differs (it counts U+001C-U+001F).
_WHITESPACE = frozenset(
    "\t\n\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Unicode categories the library drops as control characters (other than tab and newlines).
_CONTROL = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))
#: CJK ideograph blocks, each spaced as a word of its own (as BERT's own code lists them).
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
        (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_MAX_WORD = 100
_UNK, _CLS, _SEP = "[UNK]", "[CLS]", "[SEP]"


def _is_punctuation(char: str) -> bool:
    return (char.isascii() and not char.isalnum() and 33 <= ord(char) <= 126) or \
        unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return any(low <= code <= high for low, high in _CJK)


def normalize(text: str) -> str:
    """BertNormalizer with clean_text, handle_chinese_chars and lowercase (accents stripped)."""
    out = []
    for char in text:
        if char in _WHITESPACE:
            out.append(" ")
        elif char in ("\x00", "\ufffd") or unicodedata.category(char) in _CONTROL:
            continue
        elif _is_cjk(ord(char)):
            out.append(f" {char} ")
        else:
            out.append(char)
    text = "".join(out)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return "".join(c.lower() for c in text) if not text.isascii() else text.lower()


def pre_tokenize(text: str) -> list[str]:
    """Words split at whitespace, with every punctuation mark a word of its own."""
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if char in _WHITESPACE:
            if current:
                words.append("".join(current))
                current = []
        elif _is_punctuation(char):
            if current:
                words.append("".join(current))
                current = []
            words.append(char)
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


class WordPiece:
    """The vocabulary and the tokenizer: ``encode`` gives a text's ids as the model reads them."""

    def __init__(self, pieces: Sequence[str], max_tokens: int) -> None:
        self.ids = {piece: n for n, piece in enumerate(pieces)}
        self.max_tokens = max_tokens
        self._unk, self._cls, self._sep = self.ids[_UNK], self.ids[_CLS], self.ids[_SEP]

    @classmethod
    def from_file(cls, path: str, max_tokens: int) -> WordPiece:
        """The vocabulary of ``path``: one word piece per line, line n holding id n."""
        with open(path, encoding="utf-8") as file:
            return cls(file.read().split("\n")[:-1], max_tokens)

    def word(self, word: str) -> list[int]:
        """The ids of one pre-tokenized word: longest pieces first, or ``[UNK]``."""
        if len(word) > _MAX_WORD:
            return [self._unk]
        ids = self.ids
        out = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = ids.get(piece)
                if found is not None:
                    out.append(found)
                    break
                end -= 1
            else:
                return [self._unk]
            start = end
        return out

    def encode(self, text: str) -> list[int]:
        """``[CLS]``, the text's word pieces, ``[SEP]``: at most ``max_tokens`` in all."""
        room = self.max_tokens - 2
        ids: list[int] = []
        for word in pre_tokenize(normalize(text)):
            ids += self.word(word)
            if len(ids) >= room:
                del ids[room:]
                break
        return [self._cls, *ids, self._sep]
