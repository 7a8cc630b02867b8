"""Search and list the log through the index; plain data out, with citations.

The query language is what people type into search boxes: words (all must
match; ranked by BM25 with Porter stemming), ``"exact phrases"``, ``-word`` to
exclude, ``prefix*`` and ``OR`` between two terms. Whatever the string, it is
compiled into a valid FTS5 expression: each term is quoted, so punctuation,
unbalanced quotes and FTS keywords are only text. Nothing a person types can
surface an FTS syntax error.

Every result carries its citation: the file (relative to the log) and the
1-based line where the entry starts.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog.errors import InputError
from reslog.index import FTS_TOKENIZER, Index, fts_term
from reslog.markdown import entry_level, list_item, read_fields
from reslog.model import KINDS, SECTION_ORDER, SECTION_TITLES
from reslog.records import Record
from reslog.timescope import Scope, find_scope
from reslog.words import plural

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, Final

SECTIONS = SECTION_ORDER
LEVELS = (0, 1, 2)

_TOKEN = re.compile(r'-?"[^"]*(?:"|$)|\S+')


class Query(Record):
    """A compiled query: the FTS expression that must match, the one that must not, and the words."""

    __slots__ = ("exclude", "match", "words")
    match: Final[str | None]
    exclude: Final[str | None]
    words: Final[tuple[str, ...]]

    def __init__(self, match: str | None, exclude: str | None, words: tuple[str, ...]) -> None:
        self.match = match
        self.exclude = exclude
        self.words = words


def _quote(term: str) -> str | None:
    """An FTS5 string for a term, or None if it holds no searchable character."""
    prefix = term.endswith("*")
    term = term.rstrip("*")
    if not re.search(r"\w", term):
        return None
    return fts_term(term) + ("*" if prefix else "")


def compile_query(text: str) -> Query:
    """Compile what a person typed. Never raises."""
    groups: list[list[str]] = []
    exclude: list[str] = []
    words: list[str] = []
    join_next = False
    for token in _TOKEN.findall(text):
        if token == "OR":
            join_next = bool(groups)
            continue
        negative = token.startswith("-") and len(token) > 1
        raw = token[1:] if negative else token
        if raw.startswith('"'):
            raw = raw.strip('"')
        quoted = _quote(raw)
        if quoted is None:
            join_next = False
            continue
        if negative:
            exclude.append(quoted)
        else:
            words.extend(w.rstrip("*") for w in raw.split() if re.search(r"\w", w))
            if join_next and groups:
                groups[-1].append(quoted)
            else:
                groups.append([quoted])
        join_next = False
    # each term once: FTS5 reads a term's whole list for every time it is named ("a a a ...": 4,000
    # words took 6 s, growing with the square of the words)
    alternatives = dict.fromkeys(" OR ".join(dict.fromkeys(g)) for g in groups)
    match = " AND ".join(f"({g})" if " OR " in g else g for g in alternatives)
    return Query(match or None, " OR ".join(dict.fromkeys(exclude)) or None, tuple(dict.fromkeys(words)))


def typed_query(text: str) -> Query:
    """:func:`compile_query` for what a person typed into a search box. Text with no word to
    search for ("🚀", "(") is refused: compiled, it is no query at all, which lists the log."""
    query = compile_query(text)
    if text.strip() and query.match is None and query.exclude is None:
        raise InputError(f"{text.strip()!r} has no word to search for (letters or digits); "
                         "leave the query out to list the latest entries")
    return query


class Filters(Record):
    """What a listing or a search is narrowed to; None means no narrowing."""

    __slots__ = ("kind", "level", "open", "section", "since", "source", "starred", "tag", "until")
    kind: Final[str | None]
    tag: Final[str | None]
    section: Final[str | None]
    level: Final[int | None]
    source: Final[str | None]
    starred: Final[bool]
    open: Final[bool]
    since: Final[dt.date | None]
    until: Final[dt.date | None]

    def __init__(
        self, kind: str | None = None, tag: str | None = None, section: str | None = None,
        level: int | None = None, source: str | None = None, starred: bool = False, open: bool = False,
        since: dt.date | None = None, until: dt.date | None = None,
    ) -> None:
        self.kind = kind
        self.tag = tag
        self.section = section
        self.level = level
        self.source = source
        self.starred = starred
        self.open = open
        self.since = since
        self.until = until
        self._check()

    def but(self, **changed: Any) -> Filters:
        """These filters with the fields named changed (``filters.but(tag="docker")``)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return Filters(**{**fields, **changed})

    def _check(self) -> None:
        if self.kind is not None and self.kind not in KINDS and self.kind not in ("note", "idea"):
            raise InputError(f"unknown kind {self.kind!r}; use one of: {', '.join(KINDS)}, note, idea")
        if self.section is not None and self.section not in SECTIONS:
            raise InputError(f"unknown section {self.section!r}; use one of: {', '.join(SECTIONS)}")
        if self.level is not None and self.level not in LEVELS:
            raise InputError(f"unknown level {self.level!r}; use 0 (facts), 1 (thoughts) or 2 (reflection)")
        if self.since and self.until and self.since > self.until:
            raise InputError(
                f"the range is empty: --since {self.since.isoformat()} is after "
                f"--until {self.until.isoformat()}; swap them"
            )

    def sql(self, history: bool = False) -> tuple[str, list[Any]]:
        """A WHERE fragment over ``entries e`` and its parameters.

        Unless ``history``, the deferred copies a to-do leaves on the days it was
        carried from (``[>]``) are left out: the live copy says the same, and a
        to-do carried for ten days would otherwise fill a page of results.
        """
        where: list[str] = [] if history else ["(e.state IS NULL OR e.state != '>')"]
        args: list[Any] = []
        if self.kind == "note":
            where.append("e.kind IS NULL")
        elif self.kind == "idea":  # ideas are a section, but people type them as a kind
            where.append("e.section = 'ideas'")
        elif self.kind is not None:
            where.append("e.kinds LIKE ?")
            args.append(f"% {self.kind} %")
        if self.tag is not None:
            tag = self.tag.lstrip("#").lower()
            where.append("(lower(e.tags) LIKE ? OR lower(e.tags) LIKE ?)")
            args += [f"% {_like(tag)} %", f"% {_like(tag)}/%"]
        if self.section is not None:
            where.append("e.section = ?")
            args.append(self.section)
        if self.level is not None:
            where.append("(e.levels & ?) != 0")
            args.append(1 << self.level)
        if self.source is not None:
            where.append("lower(e.source) LIKE ?")
            args.append(f"%{_like(self.source.lower())}%")
        if self.starred:
            where.append("e.starred = 1")
        if self.open:
            where.append("e.state = ' '")
        if self.since is not None:
            where.append("e.day >= ?")
            args.append(self.since.isoformat())
        if self.until is not None:
            where.append("e.day <= ?")
            args.append(self.until.isoformat())
        return " AND ".join(where) or "1", args


#: The longest query or question read, in characters: a search of 100,000 took 5 s and a
#: question 10 s, and no one types more than a few lines into a search box.
MAX_QUERY = 2000


def check_length(text: str, what: str = "query") -> None:
    """Refuse a query (or question) longer than :data:`MAX_QUERY`, at every edge alike."""
    if len(text) > MAX_QUERY:
        raise InputError(f"the {what} is {len(text):,} characters long, more than the {MAX_QUERY:,} "
                         f"read; shorten it to its key words")


def scoped(
    question: str, today: dt.date, filters: Filters | None = None
) -> tuple[Scope | None, str, Filters]:
    """The time scope written in a query or question, the rest of it, and the filters narrowed
    to the scope. A scope inside "quotes" is only words ("the 2013 release"). A query longer
    than :data:`MAX_QUERY` is refused (:func:`check_length`)."""
    check_length(question)
    scope, rest = find_scope(question, today)
    base = filters or Filters()
    if scope is None or any(scope.phrase in quoted for quoted in re.findall(r'"[^"]*"', question)):
        return None, question, base
    since = max(scope.since, base.since) if base.since else scope.since
    until = min(scope.until, base.until) if base.until else scope.until
    if since > until:  # --since/--until and the scope do not meet: nothing can match
        since = until = dt.date.max
    narrowed = base.but(since=since, until=until)
    return scope, rest, narrowed


#: Leaves out the entries that match an FTS expression (the query's -words).
_EXCLUDE = " AND e.id NOT IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)"


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Hit(Record):
    """One entry, whole, with its citation (``file``:``line``) and, for searches, its score."""

    __slots__ = ("carried", "children", "date", "end_line", "est_minutes", "fields", "file", "heading",
                 "kind", "level", "line", "score", "section", "source", "starred", "state", "tags", "text",
                 "time", "took_minutes")
    date: Final[str]
    time: Final[str | None]
    section: Final[str | None]
    heading: Final[str | None]
    kind: Final[str | None]
    level: Final[int]
    state: Final[str | None]
    text: Final[str]
    tags: Final[list[str]]
    fields: Final[dict[str, str]]
    source: Final[str | None]
    starred: Final[bool]
    file: Final[str]
    line: Final[int]
    end_line: Final[int]
    score: Final[float | None]
    children: Final[list[dict[str, Any]]]
    est_minutes: Final[int | None]
    took_minutes: Final[int | None]
    carried: Final[str | None]

    def __init__(
        self, date: str, time: str | None, section: str | None, heading: str | None, kind: str | None,
        level: int, state: str | None, text: str, tags: list[str], fields: dict[str, str],
        source: str | None, starred: bool, file: str, line: int, end_line: int, score: float | None = None,
        children: list[dict[str, Any]] | None = None, est_minutes: int | None = None,
        took_minutes: int | None = None, carried: str | None = None,
    ) -> None:
        self.date = date
        self.time = time
        self.section = section
        self.heading = heading
        self.kind = kind
        self.level = level
        self.state = state
        self.text = text
        self.tags = tags
        self.fields = fields
        self.source = source
        self.starred = starred
        self.file = file
        self.line = line
        self.end_line = end_line
        self.score = score
        self.children = [] if children is None else children
        self.est_minutes = est_minutes
        self.took_minutes = took_minutes
        self.carried = carried

    @property
    def citation(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def label(self) -> str:
        """What a result is shown as: its kind, else what its section makes it, else a note."""
        return self.kind or _SECTION_LABELS.get(self.section or "", "note")

    def as_json(self) -> dict[str, Any]:
        """The fields by name, in order, as fresh containers (what ``dataclasses.asdict`` gave)."""
        out: dict[str, Any] = {name: getattr(self, name) for name in self._fields}
        out["tags"] = list(self.tags)
        out["fields"] = dict(self.fields)
        out["children"] = [dict(child) for child in self.children]
        return out


#: What an entry without a kind is, by its section (see :attr:`Hit.label`).
_SECTION_LABELS = {"todo": "to-do", "ideas": "idea", "reflection": "reflection"}

_COLUMNS = (
    "e.day, e.time, e.section, e.heading, e.kind, e.level, e.state, e.text, e.tags, "
    "e.source, e.starred, f.path, e.line, e.end_line, e.est, e.took, e.carried"
)
_FROM = "entries e JOIN files f ON f.id = e.file_id"


def _children(text: str, line: int, section: str | None, imported: bool) -> list[dict[str, Any]]:
    """The nested list items of an entry, read back from its stored text; ``imported``: the entry
    carries ``[imported:: ...]`` (docs/format.md §5)."""
    found = []
    for offset, body in enumerate(text.split("\n")[1:], 1):
        item = list_item(body)
        if item is None:
            continue
        found.append({
            "line": line + offset,
            "kind": item[0],
            "level": entry_level(section, 1, item[0], item[1], imported),
            "text": item[1],
        })
    return found


def _hit(row: tuple[Any, ...], score: float | None) -> Hit:
    (day, time, section, heading, kind, level, state, text, tags, source, starred, path, line, end_line,
     est, took, carried) = row
    first = text.split("\n", 1)[0]
    fields = dict(read_fields(first))
    return Hit(
        date=day,
        time=time,
        section=section,
        heading=heading if heading is not None else SECTION_TITLES.get(section or ""),
        kind=kind,
        level=level,
        state=state,
        text=text,
        tags=tags.split(),
        fields=fields,
        source=source,
        starred=bool(starred),
        file=path,
        line=line,
        end_line=end_line,
        score=score,
        children=_children(text, line, section, "imported" in fields),
        est_minutes=est,
        took_minutes=took,
        carried=carried,
    )


#: Words of a question that say nothing about its subject (a question's keyword leg drops them):
#: function words, and the verbs questions are asked with ("what did I find ...", "how did I use"),
#: also those that ask about the log itself ("which bugs did I hit", "what ideas did I write down",
#: "what did I note", "when did I first hear about"): an entry that answers rarely says them, and
#: counted as subject words they made ask refuse questions its best entry answered. So are the
#: words that ask for the first or the latest time ("what did I most recently read?"): ask orders
#: by date for them.
_STOPWORDS = """
a about above after again all am an and any are as at be because been before being below between both
but by can could did do does doing done during each few for from further had has have having he her here
hers him his how i if in into is it its itself just me more most my myself no nor not now of off on once
only or other our ours out over own same she should so some such than that the their theirs them then
there these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours ever first last time times day days week
recent recently latest earliest lately
show shows showed find found learn learned think thought know knew use used using get got make made
try tried work worked happen happened say said see saw look looked want wanted end ended start started
hit hits write wrote written writing note noted jot jotted down hear heard
conclude concluded mention mentioned discuss discussed
"""
STOPWORDS = frozenset(_STOPWORDS.split())


_POSSESSIVE = re.compile(r"['’]s$")


def _content_words(text: str, lower: bool = True, hyphenated: bool = False) -> list[str]:
    """The words of ``text`` that are not stopwords or single letters, without possessive 's,
    each once; hyphenated words in their parts, or kept whole with ``hyphenated`` (a phrase)."""
    found = []
    for token in re.findall(r"[\w'’-]+" if hyphenated else r"[\w'’]+", text):
        token = token.strip("-")
        word = _POSSESSIVE.sub("", token).strip("'’")
        if lower:
            word = word.lower()
        if len(word) > 1 and word.lower() not in STOPWORDS:
            found.append(word)
    return list(dict.fromkeys(found))


def subject_words(text: str, lower: bool = True) -> list[str]:
    """The words of a question that name its subject: its content words but numbers.

    A hyphenated word with a digit in it is an identifier (``rm-0924-74``, ``Gemma-2B``,
    ``step-0``) and stays whole, a phrase: in its parts, ``rm-0924-74`` would be held by every
    entry that says ``rm``. So does one with a function word or a letter in it beside a word
    (``off-by-one``, ``x-axis``): its other parts alone ("one", "axis") name something else
    ("when did I first hit an off-by-one in a loader?" put first the earliest entry holding "one"
    and "loader"). Other hyphenated words count in their parts (``fine-tune``), and one of
    function words alone (``day-to-day``) not at all."""
    found = []
    for token in _content_words(text, lower, hyphenated=True):
        small = [len(part) < 2 or part in STOPWORDS for part in token.lower().split("-")]
        phrase = any(small) and not all(small) and token.lower() not in ("to-do", "to-dos")  # a kind
        if "-" in token and (any(c.isdigit() for c in token) or phrase):
            found.append(token)
        else:
            found += [word for word in _content_words(token, lower) if not word.isdigit()]
    return list(dict.fromkeys(found))


def stem(word: str) -> str:
    """A crude stem, a word's first five letters (tokenizer, tokenizing), for comparing short
    texts word by word without a stemmer."""
    return word[:5]


def one_slip(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with one letter missing or extra, or two neighbours swapped (a letter
    changed is no slip: "latent" and "decent" are words)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    return short[i:] == long[i + 1:]


def close_words(index: Index, word: str) -> list[tuple[str, int]]:
    """The log's words one slip from ``word`` (:func:`one_slip`), as an entry writes them, with
    how many entries hold each, most first: what a word no entry holds was likely meant to be
    ("gausian": gaussian, "sparkelshare": sparkleshare). Words are compared as the index stems
    them ("jeckyll" and "Jekyll" as jeckyl and jekyl), over its whole vocabulary (60 ms on a
    six-year notebook, 150 ms on a 10-year log): only for a word no entry holds."""
    db = index.db
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.typed USING fts5(x, tokenize='{FTS_TOKENIZER}')")
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.typed_terms USING fts5vocab(temp, typed, 'row')")
    db.execute("DELETE FROM temp.typed")
    db.execute("INSERT INTO temp.typed VALUES (?)", (word,))
    terms = [row[0] for row in db.execute("SELECT term FROM temp.typed_terms")]
    if len(terms) != 1:  # a phrase, or nothing the index would hold
        return []
    typed = terms[0]
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.log_terms USING fts5vocab(main, entries_fts, 'row')")
    sql = "SELECT term, doc FROM temp.log_terms WHERE length(term) BETWEEN ? AND ?"
    close = sorted(((term, doc) for term, doc in db.execute(sql, (len(typed) - 1, len(typed) + 1))
                    if one_slip(typed, term)), key=lambda item: -item[1])
    found = []
    for term, doc in close[:3]:
        row = db.execute("SELECT e.text FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid "
                         "WHERE entries_fts MATCH ? LIMIT 1", (fts_term(term),)).fetchone()
        # one slip as written too: stems are shorter than words, and "conifer" is no slip for
        # "conference", though "conif" is one from "confer"
        written = {m.group().lower() for m in re.finditer(rf"(?<![^\W_]){re.escape(term)}\w*", row[0],
                                                           re.IGNORECASE)} if row else set()
        found += [(w, doc) for w in sorted(written) if one_slip(word.lower(), w)][:1]
    return found


def respellings(index: Index, words: Sequence[str]) -> list[tuple[str, str, int]]:
    """For a search that found nothing: (the query's word, the log's word one slip from it, how
    many entries hold that), for the query's words of four letters or more that no entry holds,
    two at most for each."""
    return [(word, close, count) for word in words
            if len(word) >= 4 and word.isalpha() and not index.document_frequency(word)
            for close, count in close_words(index, word)[:2]]


def did_you_mean(index: Index, words: Sequence[str]) -> str:
    """:func:`respellings` said: "sparkelshare" gives "Did you mean sparkleshare (3 entries)?",
    or "" (the terminal says this; the web app links each word)."""
    meant = [f"{close} ({plural(count, 'entry')})" for _word, close, count in respellings(index, words)]
    return f"Did you mean {' or '.join(meant)}?" if meant else ""


def marks(words: Sequence[str]) -> re.Pattern[str] | None:
    """What marks a query's words in the lines a search shows (the CLI's colour, the web app's
    ``<mark>``): each word from the start of a word, long words by their stem (``learning``
    marks "learned"), function words ("of", "the") only if there is nothing else. A stem keeps
    five letters at least: cut to three, ``docker`` marked "documentation" and ``exitwp``
    "existing", lines the search had not found by that word; ``warmup`` cut to "war" marked
    "re<mark>ward</mark>" inside a word."""
    content = [w for w in words if len(w) > 1 and w.lower() not in STOPWORDS] or [w for w in words if w]
    found = sorted({w[: max(5, len(w) - 3)] for w in content}, key=len, reverse=True)
    if not found:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in found) + r")\w*", re.IGNORECASE)


def loose_query(text: str) -> str | None:
    """An FTS expression matching any of the content words of ``text`` (for questions and the
    keyword leg of hybrid search, where requiring every word would find nothing)."""
    terms = dict.fromkeys(fts_term(word) for word in _content_words(text, hyphenated=True))
    return " OR ".join(terms) or None


def ranked_ids(
    index: Index, match: str, filters: Filters | None = None, limit: int = 50, exclude: str | None = None
) -> list[tuple[int, float]]:
    """(entry id, BM25 score) of the entries matching the FTS expression ``match``, best first."""
    where, args = (filters or Filters()).sql()
    sql = (
        "SELECT e.id, bm25(entries_fts) AS rank FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid "
        f"WHERE entries_fts MATCH ? AND {where}"
    )
    params: list[Any] = [match, *args]
    if exclude:
        sql += _EXCLUDE
        params.append(exclude)
    sql += " ORDER BY rank, e.day DESC, e.line LIMIT ?"
    params.append(limit)
    return [(row[0], -row[1]) for row in index.db.execute(sql, params)]


def disallowed_ids(
    index: Index, filters: Filters | None = None, exclude: str | None = None
) -> set[int] | None:
    """When nothing narrows a search but what always does (no ``[>]`` copies) and its -words:
    the few entries left out, which is cheaper than listing every allowed one (a search of ten
    years spent 20 ms on that list); None when filters narrow it (use :func:`allowed_ids`)."""
    if filters is not None and filters != Filters():
        return None
    found = {row[0] for row in index.db.execute("SELECT id FROM entries WHERE state = '>'")}
    if exclude:
        found |= {row[0] for row in index.db.execute(
            "SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?", (exclude,))}
    return found


def allowed_ids(index: Index, filters: Filters | None = None, exclude: str | None = None) -> list[int]:
    """The ids of every entry the filters let through (and that do not match ``exclude``), in
    date order."""
    where, args = (filters or Filters()).sql()
    sql = f"SELECT e.id FROM entries e WHERE {where}"
    if exclude:
        sql += _EXCLUDE
        args.append(exclude)
    return [row[0] for row in index.db.execute(sql + " ORDER BY e.day, e.line", args)]


def hits_for(index: Index, ids: list[int], scores: dict[int, float] | None = None) -> list[Hit]:
    """The entries with these ids as hits, in the order given."""
    found: dict[int, Hit] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        sql = f"SELECT {_COLUMNS}, e.id FROM {_FROM} WHERE e.id IN ({', '.join('?' * len(part))})"
        for row in index.db.execute(sql, part):
            score = None if scores is None else round(scores.get(row[-1], 0.0), 4)
            found[row[-1]] = _hit(row[:-1], score)
    return [found[i] for i in ids if i in found]


def search(index: Index, query: str, filters: Filters | None = None, limit: int | None = 20) -> list[Hit]:
    """Entries matching ``query``, best first. An empty or punctuation-only query lists instead."""
    compiled = compile_query(query)
    filters = filters or Filters()
    if compiled.match is None:
        return listing(index, filters, limit, exclude=compiled.exclude)
    where, args = filters.sql()
    sql = (
        f"SELECT {_COLUMNS}, bm25(entries_fts) AS rank FROM entries_fts "
        "JOIN entries e ON e.id = entries_fts.rowid JOIN files f ON f.id = e.file_id "
        f"WHERE entries_fts MATCH ? AND {where}"
    )
    params: list[Any] = [compiled.match, *args]
    if compiled.exclude:
        sql += _EXCLUDE
        params.append(compiled.exclude)
    sql += " ORDER BY rank, e.day DESC, e.line"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_hit(row[:-1], round(-row[-1], 4)) for row in index.db.execute(sql, params)]


def matching_ids(
    index: Index, match: str, filters: Filters | None = None, exclude: str | None = None
) -> set[int]:
    """The ids of every entry matching the FTS expression ``match`` (no limit, no ranking)."""
    where, args = (filters or Filters()).sql()
    sql = ("SELECT e.id FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid "
           f"WHERE entries_fts MATCH ? AND {where}")
    params: list[Any] = [match, *args]
    if exclude:
        sql += _EXCLUDE
        params.append(exclude)
    return {row[0] for row in index.db.execute(sql, params)}


def total(index: Index, query: str, filters: Filters | None = None) -> int:
    """How many entries :func:`search` (or, for an empty query, :func:`listing`) finds with no
    limit: the "of 143" of a results page."""
    compiled = compile_query(query)
    if compiled.match is None:
        where, args = (filters or Filters()).sql()
        sql = f"SELECT count(*) FROM entries e WHERE {where}"
        if compiled.exclude:
            sql += _EXCLUDE
            args.append(compiled.exclude)
        return int(index.db.execute(sql, args).fetchone()[0])
    return len(matching_ids(index, compiled.match, filters, compiled.exclude))


def never_there(index: Index, filters: Filters) -> tuple[str, str] | None:
    """When a search narrowed by a kind or a tag finds nothing because the whole log has no entry
    of that kind or tag ("--kind bug" on an imported notebook, which marks no kind, was told to
    try fewer words): what is missing, and which filter ("kind" or "tag"); else None."""
    if filters.kind and not total(index, "", Filters(filters.kind)):
        what = "entries of no kind (notes)" if filters.kind == "note" else f"'{filters.kind}:' entries"
        return f"The log has no {what} at all", "kind"
    if filters.tag and not total(index, "", Filters(tag=filters.tag)):
        return f"No entry of the log carries #{filters.tag}", "tag"
    return None


def dated_ids(
    index: Index, filters: Filters | None, limit: int, earliest: bool = False
) -> list[tuple[str, int, int]]:
    """(day, line, id) of the latest ``limit`` entries the filters let through, latest first (or
    the earliest, earliest first)."""
    where, args = (filters or Filters()).sql()
    order = "ASC" if earliest else "DESC"
    sql = (f"SELECT e.day, e.line, e.id FROM entries e WHERE {where} "
           f"ORDER BY e.day {order}, e.line {order} LIMIT ?")
    return [(day, line, entry_id) for day, line, entry_id in index.db.execute(sql, [*args, limit])]


def listing(
    index: Index, filters: Filters | None = None, limit: int | None = None, exclude: str | None = None
) -> list[Hit]:
    """Entries in date order, like a journal; with a limit, the latest ``limit`` of them."""
    where, args = (filters or Filters()).sql()
    sql = f"SELECT {_COLUMNS} FROM {_FROM} WHERE {where}"
    if exclude:
        sql += _EXCLUDE
        args.append(exclude)
    if limit is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY e.day DESC, e.line DESC LIMIT ?) ORDER BY day, line"
        args.append(limit)
    else:
        sql += " ORDER BY e.day, e.line"
    return [_hit(row, None) for row in index.db.execute(sql, args)]


def tasks(index: Index, filters: Filters | None = None, first_copies: bool = False,
          finished: bool = False) -> list[Hit]:
    """Every to-do (any state, deferred copies included) in date order, with ``est``/``took``
    minutes, state and carried date. Only the ``[>]`` copies without a ``carried`` field (where
    carried to-dos were added) with ``first_copies``; only the done ones with an estimate and a
    time spent with ``finished``."""
    where, args = (filters or Filters()).sql(history=True)
    if first_copies:
        where += " AND e.state = '>' AND e.carried IS NULL"
    if finished:
        where += " AND e.state IN ('x', 'X') AND e.est > 0 AND e.took IS NOT NULL"
    sql = f"SELECT {_COLUMNS} FROM {_FROM} WHERE e.state IS NOT NULL AND {where} ORDER BY e.day, e.line"
    return [_hit(row, None) for row in index.db.execute(sql, args)]
