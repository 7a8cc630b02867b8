"""The kind of entry a question asks for: "what did I *decide*", "which *bugs*", "*ideas*".

An entry's kind (``decision:``, ``bug:``, ``read:`` ...) and section (*Random
ideas*, *Reflection*) are part of what it says, but not words of its text:
"decision: use lr=3e-4 for all W2S runs" never says "decide", so "what did I
decide about the learning rate?" shares no word with it, and "what did I
decide last week?" shares none with any decision at all. Here a question's
words that ask for a kind of entry are read as that kind: search counts an
entry of the kind as holding the word (:mod:`reslog.semantic.hybrid`), and
an open question ("what did I decide last week?") is answered by the
entries of that kind in its scope rather than found empty.

Pure: words in, filters out.
"""

from __future__ import annotations

#: word of a question -> ("kind" or "section", value)
_WORDS: dict[str, tuple[str, str]] = {
    word: (field, value)
    for field, value, words in (
        ("kind", "decision",
         "decide decided decides deciding decision decisions chose choose chosen pick picked"),
        ("kind", "bug", "bug bugs"),
        ("kind", "fix", "fix fixed fixes fixing"),
        ("kind", "read", "read reading paper papers article articles"),
        ("kind", "exp", "experiment experiments"),
        ("kind", "result", "result results"),
        ("kind", "feel", "feel felt feeling feelings mood"),
        ("section", "ideas", "idea ideas"),
        ("section", "reflection", "reflection reflections reflected lesson lessons"),
    )
    for word in words.split()
}


def asked_kind(word: str) -> tuple[str, str] | None:
    """("kind", "decision"), ("section", "ideas") ... when ``word`` asks for entries of a kind."""
    return _WORDS.get(word.lower())


_FIX = ("kind", "fix")
_BUG = ("kind", "bug")


def open_question(words: list[str]) -> set[tuple[str, str]]:
    """The kinds an open question asks for, when every one of its subject ``words`` asks for a
    kind ("which bugs ...?", "what did I decide ...?"); empty when it names more than a kind.
    A bug that was fixed is a fix: "which bugs did I fix?" asks for the fixes."""
    kinds = [asked_kind(word) for word in words]
    if not words or None in kinds:
        return set()
    found = {kind for kind in kinds if kind is not None}
    if _FIX in found:
        found.discard(_BUG)
    return found


def of_kinds(kinds: set[tuple[str, str]], kind: str | None, section: str | None) -> bool:
    """Whether an entry of ``kind`` in ``section`` is one of ``kinds``."""
    return any((kind if field == "kind" else section) == value for field, value in kinds)


__all__ = ["asked_kind", "of_kinds", "open_question"]
