"""Time scopes written inside a query or a question: "when did I fix the seed bug in early 2013?".

:func:`find_scope` finds the first phrase that names a period (``in early 2013``,
``the summer of 2011``, ``last week``, ``between March and May 2013``, ``since
June 2012``, ...) and returns it as a :class:`Scope`, with the text left once
the phrase is cut out, so the rest can go to search as words and the scope as a
date filter.

How it reads a text:

* The text is cut into tokens at whitespace; punctuation around a token is
  kept aside, so ``2013?`` is the year 2013 but ``2013.1``, ``v2013`` and
  ``2013x`` are not years, and no phrase runs across a comma or a full stop
  (except ``March, 2012``). ``mid-2013`` reads as ``mid 2013``.
* At each token, every rule below says which phrases start there; the longest
  one at the earliest token wins. A preposition (``in``, ``during``, ``on``,
  ``over``, ``from``, ``for``, ``at``, ``around``, ``throughout``, ``of``) just
  before a phrase belongs to it, so that cutting the phrase out leaves a
  natural query.
* Words that are also ordinary English (``may``, ``march``, ``august``, the
  abbreviations, the seasons, the weekdays) name a period only when a year
  follows or a preposition comes before (``in may``, ``since march``,
  ``over the summer``, ``on friday``): "what may cause it" has no scope.
* A period without a year is the latest one that has started, today included
  (``in march`` in March is this March); ``last march`` and ``last summer``
  are the latest that have ended. Winter runs from December to February and
  takes the year of its December. Weeks are ISO weeks, Monday to Sunday (see
  :func:`reslog.dates.week_range`).
* Years run from 1970 to next year; other four-digit numbers are not dates. A
  year of two digits after an apostrophe (``summer of '13``, ``in ’09``) is the
  latest such year up to next year.

It never raises: a phrase whose dates do not exist (``2013-02-30``, week 54)
or that covers no day (``before 1970``) is simply not a scope.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog.dates import WEEKDAYS, _month_number, _month_range, parse_date, week_range
from reslog.errors import ReslogError
from reslog.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Final

EPOCH = dt.date(1970, 1, 1)
#: Prepositions that belong to the phrase they come before (cut out with it).
PREPOSITIONS = ("in", "during", "on", "over", "from", "for", "at", "around", "throughout", "of")
# Words before a month, season or weekday that make it a date rather than a verb or a name.
_LICENSE = frozenset(("in", "during", "on", "over", "from", "for", "around", "throughout", "of", "since",
                      "before", "after", "until", "till", "between", "early", "mid", "late"))
_WEEKDAY_LICENSE = frozenset(("on", "since", "before", "after", "until", "till", "from", "between"))
_MONTH_WORDS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
)
# Month names that are rarely anything else, so they need no preposition.
_BARE_MONTHS = (
    "january", "february", "april", "june", "july", "september", "october", "november", "december",
)
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
#: Parts of a year (first and last month) and of a month (first and last day; 31 is the month's end).
_YEAR_PARTS = {"early": (1, 4), "beginning": (1, 4), "start": (1, 4), "mid": (5, 8), "middle": (5, 8),
               "late": (9, 12), "end": (9, 12)}
_MONTH_PARTS = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20), "middle": (11, 20),
                "late": (21, 31), "end": (21, 31)}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
          "year": "year", "years": "year"}
_RANGE_WORDS = {"between": ("and", "to", "-"), "from": ("to", "until", "till", "through", "thru", "-")}
# A chunk of text between spaces: opening punctuation, the token, closing punctuation.
_CHUNK = r"([(\[{\"'“‘]*)(.*?)([,.;:!?)\]}\"'”’]*)"
_OPEN, _CLOSE = "([{", ")]}"
# A year of two digits after an apostrophe ("the summer of '13", "in ’09"), read as 19xx or 20xx.
_SHORT_YEAR = r"['’‘]([0-9]{2})"


class Scope(Record):
    """The days a phrase covers, ``since`` to ``until`` (both included), and the phrase as written."""

    __slots__ = ("phrase", "since", "until")
    since: Final[dt.date]
    until: Final[dt.date]
    phrase: Final[str]

    def __init__(self, since: dt.date, until: dt.date, phrase: str) -> None:
        self.since = since
        self.until = until
        self.phrase = phrase

    @property
    def label(self) -> str:
        """``early 2013 (2013-01-01 to 2013-04-30)``: the words without their preposition, and the dates."""
        dates = self.since.isoformat() if self.since == self.until else f"{self.since} to {self.until}"
        words = " ".join(self.phrase.split())
        first, _, rest = words.partition(" ")
        if rest and first.lower() in PREPOSITIONS:
            words = rest
        return dates if words.lower() == dates else f"{words} ({dates})"


def find_scope(text: str, today: dt.date) -> tuple[Scope | None, str]:
    """The first time scope in ``text``, if any, and the text without it. Never raises.

    The phrase goes with the preposition before it; what is left has its
    whitespace tidied (``"when did I first try ABC in early 2013?"`` leaves
    ``"when did I first try ABC?"``). Without a scope the text comes back as is.
    """
    today = dt.date(today.year, today.month, today.day)  # a datetime would not compare with dates
    tokens = _tokens(text)
    parser = _Parser(tokens, today)
    skip = 0
    for i, token in enumerate(tokens):
        if not token.word or i < skip:
            continue
        parser.start = i
        best: _Span | None = None
        for span in parser.candidates(i):
            if span.since > span.until:  # "after 2026" covers no day, and is not "2026" either
                skip = max(skip, span.end)
            elif best is None or span.end > best.end:
                best = span
        if best is not None and not (best.end == i + 1 and (_cited(text, tokens, i) or _label(tokens, i))):
            start, end = token.start, tokens[best.end - 1].end
            return Scope(best.since, best.until, text[start:end]), _cut(text, start, end)
    return None, text


#: Capitalised words before a bare year that still make it a date ("In 2012", "Summer 2013").
_NOT_AUTHORS = frozenset((*PREPOSITIONS, *_LICENSE, *_MONTH_WORDS, *_SEASONS, *WEEKDAYS, *_YEAR_PARTS,
                          "the", "and", "or", "to", "by", "through", "thru", "year", "q1", "q2", "q3", "q4",
                          "h1", "h2"))


#: Words that put what follows in time: "around Christmas 2010" is no citation of Christmas.
_PLACING = frozenset(("around", "during", "at", "over", "since", "before", "after", "until", "till",
                      "throughout"))


def _cited(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether the bare year at token ``i`` cites a work ("Reed 1979", "Scheffer et al. 2009",
    "Reed (1979)"): it follows a capitalised name. A research log cites papers by year far more
    often than it asks about a year that way, and a scope of 1979 found nothing."""
    if i == 0 or not re.fullmatch(r"[0-9]{4}", tokens[i].word):
        return False
    before = tokens[i - 1]
    if before.word == "al":  # et al.
        return True
    written = text[before.start:before.end]
    # placed in time, not cited: "around Christmas 2010", "during Carnival 2013" (but "as in Reed
    # 1979", "by Scheffer 2009" cite)
    placed = i >= 2 and tokens[i - 2].word in _PLACING and before.gap == "" and tokens[i].gap == ""
    # a name, not an acronym: "ESA 2012" is the meeting of that year
    return (written[:1].isupper() and any(c.islower() for c in written) and before.word not in _NOT_AUTHORS
            and not placed)



#: Words before a bare year that make it part of a thing's name ("the 2020 counts", "my 2013 paper").
_DETERMINERS = frozenset(("the", "my", "our", "his", "her", "their", "your", "a", "an", "this", "that",
                          "these", "those", "whose", "its"))
#: Words before such a determiner that place an event in its year ("during the 2013 field season").
_EVENT_PREPOSITIONS = frozenset(("in", "during", "throughout", "over", "at", "since", "before", "after",
                                 "until"))


def _label(tokens: list[_Token], i: int) -> bool:
    """Whether the bare year at token ``i`` labels a thing rather than dates the entries asked
    about: it stands between a determiner and a word ("why were the 2020 counts late?", "who
    reviewed my 2013 paper?"). The counts of 2020 can be written about in any year; a scope of
    2020 hid them. An event placed in time ("during the 2013 field season", "at the 2012
    meeting") still dates the entries."""
    return (0 < i < len(tokens) - 1 and re.fullmatch(r"[0-9]{4}", tokens[i].word) is not None
            and tokens[i - 1].word in _DETERMINERS and tokens[i + 1].word.isalpha()
            and (i < 2 or tokens[i - 2].word not in _EVENT_PREPOSITIONS))


def _cut(text: str, start: int, end: int) -> str:
    """``text`` without ``text[start:end]``: no empty brackets, stray commas or double spaces left."""
    left, right = text[:start].rstrip(), text[end:].lstrip()
    if left and right and left[-1] in _OPEN and _CLOSE[_OPEN.index(left[-1])] == right[0]:
        left, right = left[:-1].rstrip(), right[1:].lstrip()
    if not left:
        right = re.sub(r"^[,;:]+\s*", "", right)
    if not right:
        left = re.sub(r"\s*[,;:]+$", "", left)
    if right[:1] in tuple(",.;:!?)]}"):
        if left[-1:] in (",", ";", ":"):
            left = left[:-1]
        joined = left + right
    else:
        if left[-1:] in ("-", "–", "—") and right[:1] == left[-1]:  # "bug — in 2013 — fixed"
            right = right[1:]
        joined = f"{left} {right}"
    return " ".join(joined.split()) if any(c.isalnum() for c in joined) else ""


class _Token(Record):
    """A word of the text, lower-cased; ``start``/``end`` delimit it in the text, and ``gap`` is the
    punctuation between it and the token before (empty when only spaces part them)."""

    __slots__ = ("end", "gap", "start", "word")
    word: Final[str]
    start: Final[int]
    end: Final[int]
    gap: Final[str]

    def __init__(self, word: str, start: int, end: int, gap: str) -> None:
        self.word = word
        self.start = start
        self.end = end
        self.gap = gap


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    tail = ""
    for chunk in re.finditer(r"\S+", text):
        match = re.fullmatch(_CHUNK, chunk.group(), re.DOTALL)
        head, core, closing = match.groups() if match else ("", chunk.group(), "")
        start = chunk.start() + len(head)
        short = re.fullmatch(_SHORT_YEAR, head + core)
        if short and not re.search(r"['’\"]", closing):  # '13 or ’13 (not '13', a quoted string)
            tokens.append(_Token("'" + short.group(1), chunk.start(), start + len(core), tail))
            tail = closing
            continue
        joined = re.fullmatch(r"(early|mid|late)-(.+)", core, re.IGNORECASE | re.DOTALL)
        if joined:  # "mid-2013" is "mid 2013"
            part = joined.group(1)
            tokens.append(_Token(part.lower(), start, start + len(part), tail + head))
            start += len(part) + 1
            tokens.append(_Token(joined.group(2).lower(), start, start + len(joined.group(2)), ""))
        else:
            tokens.append(_Token(core.lower(), start, start + len(core), tail + head))
        tail = closing
    return tokens


class _Span(Record):
    """A phrase that ends before token ``end`` and covers ``since`` to ``until``. ``anchor`` is set when
    the phrase names no year ("march", "early may", "summer"): the kind and month that
    :func:`_anchored` resolves in a given year, so "between March and May 2013" can place March."""

    __slots__ = ("anchor", "end", "since", "until")
    end: Final[int]
    since: Final[dt.date]
    until: Final[dt.date]
    anchor: Final[tuple[str, int] | None]

    def __init__(
        self, end: int, since: dt.date, until: dt.date, anchor: tuple[str, int] | None = None
    ) -> None:
        self.end = end
        self.since = since
        self.until = until
        self.anchor = anchor


def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), _month_range(year, last)[1]


def _season(year: int, first_month: int) -> tuple[dt.date, dt.date]:
    """Three months from ``first_month`` of ``year``; winter ends in February of the next year."""
    last = first_month + 2
    return dt.date(year, first_month, 1), _month_range(year + (last > 12), (last - 1) % 12 + 1)[1]


def _month_part(year: int, month: int, part: str) -> tuple[dt.date, dt.date]:
    start, end = _month_range(year, month)
    if part not in _MONTH_PARTS:
        return start, end
    first, last = _MONTH_PARTS[part]
    return start.replace(day=first), end if last == 31 else start.replace(day=last)


def _anchored(anchor: tuple[str, int], year: int) -> tuple[dt.date, dt.date]:
    kind, month = anchor
    return _season(year, month) if kind == "season" else _month_part(year, month, kind)


def _shift_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept within the month it lands in (31 March - 1 month = 28/29 Feb)."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, index + 1, min(day.day, _month_range(year, index + 1)[1].day))


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _number(word: str, article: bool = False) -> int | None:
    if re.fullmatch(r"[0-9]{1,5}", word):
        return int(word)
    if article and word in ("a", "an"):
        return 1
    return _NUMBERS.get(word)


def _day_number(word: str) -> int | None:
    match = re.fullmatch(r"([0-9]{1,2})(?:st|nd|rd|th)?", word)
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 31 else None


def _safely(spans: Iterator[_Span]) -> list[_Span]:
    """The spans a rule yields until a date it computes does not exist (31 February, year 0)."""
    found: list[_Span] = []
    try:
        for span in spans:
            found.append(span)
    except (ArithmeticError, ValueError, ReslogError):
        pass
    return found


class _Parser:
    """The rules, each a generator of the phrases that start at a token. ``force`` is set where the
    phrase follows a word that makes a bare month or weekday a date ("between", "since", "early")."""

    def __init__(self, tokens: list[_Token], today: dt.date) -> None:
        self.tokens = tokens
        self.today = today
        #: The token the phrase being read starts at: tokens after it must join their neighbour.
        self.start = 0

    def word(self, j: int, gaps: tuple[str, ...] = ("",)) -> str:
        """Token ``j``'s word, or "" past the end or if punctuation parts it from the token before."""
        if not 0 <= j < len(self.tokens) or (j > self.start and self.tokens[j].gap not in gaps):
            return ""
        return self.tokens[j].word

    def licensed(self, k: int, words: frozenset[str] = _LICENSE) -> bool:
        """Whether one of ``words`` comes right before token ``k`` (or before a "the" there)."""
        j = k - 1
        if j > 0 and self.tokens[k].gap == "" and self.tokens[j].word == "the":
            k, j = j, j - 1
        return j >= 0 and self.tokens[k].gap == "" and self.tokens[j].word in words

    def year(self, word: str) -> int | None:
        """The year ``word`` writes: four digits from 1970 to next year, or two after an apostrophe
        ('13, the latest such year up to next year: 2013, and '99 is 1999)."""
        if re.fullmatch(r"[0-9]{4}", word) and 1970 <= int(word) <= self.today.year + 1:
            return int(word)
        if re.fullmatch(r"'[0-9]{2}", word):
            year = 2000 + int(word[1:])
            year -= 100 * (year > self.today.year + 1)
            return year if year >= 1970 else None
        return None

    def candidates(self, i: int) -> Iterator[_Span]:
        yield from _safely(self.ranges(i))
        if self.word(i) in PREPOSITIONS:
            yield from self.point(i + 1)
        yield from self.point(i)

    def point(self, k: int, force: bool = False) -> Iterator[_Span]:
        """Every phrase naming one period (not a range) that starts at token ``k``."""
        for rule in (self.days, self.weeks, self.months, self.years, self.parts, self.quarters,
                     self.seasons, self.relative):
            yield from _safely(rule(k, force))

    # --- ranges: between/from ... and/to ..., since/after/before/until ...

    def ranges(self, k: int) -> Iterator[_Span]:
        lead = self.word(k)
        if lead in _RANGE_WORDS:
            for first in self.point(k + 1, force=True):
                if self.word(first.end) in _RANGE_WORDS[lead]:
                    for last in self.point(first.end + 1, force=True):
                        yield self._between(first, last)
        elif lead in ("since", "after", "before", "until", "till"):
            for span in self.point(k + 1, force=True):
                if lead == "since":
                    yield _Span(span.end, span.since, self.today)
                elif lead == "after":
                    yield _Span(span.end, span.until + dt.timedelta(days=1), self.today)
                elif lead == "before":
                    yield _Span(span.end, EPOCH, span.since - dt.timedelta(days=1))
                else:
                    yield _Span(span.end, EPOCH, span.until)

    def _between(self, first: _Span, last: _Span) -> _Span:
        """From ``first`` to ``last`` (in either order); a side without a year takes the other's year:
        "between November and February 2013" is November 2012 to February 2013."""
        a, b = (first.since, first.until), (last.since, last.until)
        if first.anchor is not None:
            a = _anchored(first.anchor, last.since.year)
            if a[0] > last.since:
                a = _anchored(first.anchor, last.since.year - 1)
        elif last.anchor is not None:
            b = _anchored(last.anchor, first.until.year)
            if b[0] < first.since:
                b = _anchored(last.anchor, first.until.year + 1)
        return _Span(last.end, min(a[0], b[0]), max(a[1], b[1]))

    # --- single periods

    def day_base(self, k: int, force: bool) -> Iterator[tuple[int, dt.date]]:
        """Phrases naming one day: (the token after, the day)."""
        word, today = self.word(k), self.today
        if word == "today" or (word == "now" and force):
            yield k + 1, today
        if word == "yesterday":
            yield k + 1, today - dt.timedelta(days=1)
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", word)
        if match and self.year(match.group(1)):
            yield k + 1, dt.date.fromisoformat(word)
        if word in WEEKDAYS and (force or self.licensed(k, _WEEKDAY_LICENSE)):
            yield k + 1, parse_date(word, today)
        if word == "last" and self.word(k + 1) in WEEKDAYS and self.word(k - 1) != "the":
            yield k + 2, parse_date(f"last {self.word(k + 1)}", today)
        if word in _MONTH_WORDS:  # March 3, 2013 / March 3
            month = _month_number(word) or 0
            day = _day_number(self.word(k + 1, ("", ".")))
            year = self.year(self.word(k + 2, ("", ",")))
            if day and year:
                yield k + 3, dt.date(year, month, day)
            elif day and (force or word in _BARE_MONTHS or self.licensed(k)):
                for back in range(9):  # the latest on or before today (29 February: up to 8 years back)
                    try:
                        date = dt.date(today.year - back, month, day)
                    except ValueError:
                        continue
                    if date <= today:
                        yield k + 2, date
                        break
        day = _day_number(word)
        if day:  # 3 March 2013 / 3rd of March 2013
            at = k + 1 + (self.word(k + 1) == "of")
            year = self.year(self.word(at + 1, ("", ",")))
            if self.word(at) in _MONTH_WORDS and year:
                yield at + 2, dt.date(year, _month_number(self.word(at)) or 0, day)

    def days(self, k: int, force: bool) -> Iterator[_Span]:
        for end, day in self.day_base(k, force):
            yield _Span(end, day, day)

    def weeks(self, k: int, force: bool) -> Iterator[_Span]:
        j = k + (self.word(k) == "the")
        word = self.word(j)
        if word == "week" and self.word(j + 1) == "of":  # the ISO week of a day
            for end, day in self.day_base(j + 2, True):
                yield _Span(end, *_week_of(day))
        number = _number(self.word(j + 1)) if word == "week" else None
        if number is not None:  # week 32 of 2012
            at = j + 2 + (self.word(j + 2) in ("of", "in"))
            year = self.year(self.word(at))
            if year:
                yield _Span(at + 1, *week_range(year, number))
            elif at == j + 2 and (force or self.licensed(k)):  # (in) week 45: the latest that has started
                yield _Span(j + 2, *self.latest_week(number))
        match = re.fullmatch(r"w([0-9]{1,2})", word)
        if match and j == k and (force or self.licensed(k)):  # in W46
            yield _Span(k + 1, *self.latest_week(int(match.group(1))))
        if word == "previous" and self.word(j + 1) == "week":  # (the) previous week: last week
            yield _Span(j + 2, *_week_of(self.today - dt.timedelta(days=7)))
        if j > k and word == "week" and self.word(j + 1) == "before" and self.word(j + 2) == "last":
            yield _Span(j + 3, *_week_of(self.today - dt.timedelta(days=14)))  # the week before last
        if j > k and (word in _ORDINALS or word == "last") and self.word(j + 1) == "week" \
                and self.word(j + 2) in ("of", "in"):  # the first week of October: its days 1-7
            periods = [(end, *_month_range(year, month))
                       for end, year, month, _ in self.month_base(j + 3, True)]
            periods += [(end, *_months(year, 1, 12)) for end, year in self.year_base(j + 3)]  # ... of 2012
            for end, first, last in periods:
                if word == "last":
                    first = last - dt.timedelta(days=6)
                else:
                    first += dt.timedelta(days=7 * (_ORDINALS[word] - 1))
                    last = min(last, first + dt.timedelta(days=6))
                yield _Span(end, first, last)
        if j > k:
            return
        match = re.fullmatch(r"([0-9]{4})-?w([0-9]{1,2})", word)
        if match and self.year(match.group(1)):
            yield _Span(k + 1, *week_range(int(match.group(1)), int(match.group(2))))
        if word in ("this", "last") and self.word(k + 1) == "week":
            yield _Span(k + 2, *_week_of(self.today - dt.timedelta(days=7 * (word == "last"))))

    def latest_week(self, number: int) -> tuple[dt.date, dt.date]:
        """ISO week ``number`` of this year if it has started, else of the year before."""
        year = self.today.year
        if dt.date.fromisocalendar(year, number, 1) > self.today:
            year -= 1
        return week_range(year, number)

    def month_base(self, k: int, force: bool) -> Iterator[tuple[int, int, int, bool]]:
        """Phrases naming one month: (the token after, year, month, whether no year was written)."""
        word, today = self.word(k), self.today
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", word)
        if match and self.year(match.group(1)) and 1 <= int(match.group(2)) <= 12:
            yield k + 1, int(match.group(1)), int(match.group(2)), False
        if word in ("this", "last", "previous") and self.word(k + 1) == "month":
            back = _shift_months(today.replace(day=1), -(word != "this"))
            yield k + 2, back.year, back.month, False
        if word == "the" and self.word(k + 1) == "previous" and self.word(k + 2) == "month":
            back = _shift_months(today.replace(day=1), -1)
            yield k + 3, back.year, back.month, False
        if word == "the" and self.word(k + 1) == "month" and self.word(k + 2) == "before" \
                and self.word(k + 3) == "last":  # the month before last
            back = _shift_months(today.replace(day=1), -2)
            yield k + 4, back.year, back.month, False
        if word == "last" and self.word(k + 1) in _MONTH_WORDS and self.word(k - 1) != "the":
            month = _month_number(self.word(k + 1)) or 0  # the latest March that has ended
            yield k + 2, today.year - (month >= today.month), month, False
        if word not in _MONTH_WORDS:
            return
        month = _month_number(word) or 0
        gaps = ("", ",", ".") if len(word) <= 4 else ("", ",")
        after = self.word(k + 1, gaps)
        year = self.year(self.word(k + 2)) if after == "of" else self.year(after)
        if year:
            yield k + 2 + (after == "of"), year, month, False
        if force or word in _BARE_MONTHS or self.licensed(k):  # the latest March that has started
            yield k + 1, today.year - (month > today.month), month, True

    def months(self, k: int, force: bool) -> Iterator[_Span]:
        for end, year, month, floating in self.month_base(k, force):
            yield _Span(end, *_month_range(year, month), ("", month) if floating else None)

    def year_base(self, k: int) -> Iterator[tuple[int, int]]:
        word = self.word(k)
        year = self.year(word)
        if year:
            yield k + 1, year
        if word in ("this", "last") and self.word(k + 1) == "year":
            yield k + 2, self.today.year - (word == "last")

    def years(self, k: int, force: bool) -> Iterator[_Span]:
        for end, year in self.year_base(k):
            yield _Span(end, *_months(year, 1, 12))
        match = re.fullmatch(r"([0-9]{4})-([0-9]{4})", self.word(k))  # 2011-2013
        if match and self.year(match.group(1)) and self.year(match.group(2)):
            yield _Span(k + 1, dt.date(int(match.group(1)), 1, 1), dt.date(int(match.group(2)), 12, 31))

    def parts(self, k: int, force: bool) -> Iterator[_Span]:
        """early/mid/late 2013, the beginning/middle/end of 2013; the same of a month."""
        part = self.word(k)
        if part in ("early", "mid", "late"):
            at = k + 1
        else:
            j = k + (part == "the")
            part = self.word(j)
            if part not in _YEAR_PARTS or part in ("early", "mid", "late") or self.word(j + 1) != "of":
                return
            at = j + 2
        first, last = _YEAR_PARTS[part]
        for end, year in self.year_base(at):
            yield _Span(end, *_months(year, first, last))
        for end, year, month, floating in self.month_base(at, True):
            yield _Span(end, *_month_part(year, month, part), (part, month) if floating else None)

    def quarters(self, k: int, force: bool) -> Iterator[_Span]:
        """Q1 2013, 2013-Q1, the first quarter of 2013; H2 2012, the second half of 2012."""
        j = k + (self.word(k) == "the")
        word, unit = self.word(j), self.word(j + 1)
        if j == k:
            match = re.fullmatch(r"([0-9]{4})-?([qh])([1-4])", word)  # 2013-Q1
            if match and self.year(match.group(1)):
                yield self._quarter(k + 1, int(match.group(1)), match.group(2), int(match.group(3)))
            match = re.fullmatch(r"([qh])([1-4])", unit)  # 2013 Q1
            year = self.year(word)
            if match and year:
                yield self._quarter(k + 2, year, match.group(1), int(match.group(2)))
        match = re.fullmatch(r"([qh])([1-4])", word)
        if match:  # Q1 (of) 2013
            kind, number, at = match.group(1), int(match.group(2)), j + 1
        elif unit in ("quarter", "half") and (word in _ORDINALS or word == "last"):  # first half of 2012
            kind, at = unit[0], j + 2
            number = _ORDINALS.get(word) or (4 if kind == "q" else 2)
        else:
            return
        at += self.word(at) in ("of", "in")
        for end, year in self.year_base(at):
            yield self._quarter(end, year, kind, number)

    def _quarter(self, end: int, year: int, kind: str, number: int) -> _Span:
        size = 3 if kind == "q" else 6
        if number * size > 12:
            raise ValueError(f"no {kind}{number}")  # H3, H4: not a phrase (see _safely)
        return _Span(end, *_months(year, number * size - size + 1, number * size))

    def seasons(self, k: int, force: bool) -> Iterator[_Span]:
        """(the) summer (of) 2011, winter 2011/12, (in the) summer, last summer, this summer."""
        today = self.today
        word = self.word(k)
        if word in ("this", "last") and self.word(k + 1) in _SEASONS and self.word(k - 1) != "the":
            first = _SEASONS[self.word(k + 1)]
            year = today.year - (first == 12 and today.month <= 2)  # the season of this year
            if word == "last":
                while _season(year, first)[1] >= today:  # the latest that has ended
                    year -= 1
            yield _Span(k + 2, *_season(year, first))
            return
        j = k + (word == "the")
        first = _SEASONS.get(self.word(j), 0)
        if not first:
            return
        at = j + 1 + (self.word(j + 1) == "of")
        match = re.fullmatch(r"([0-9]{4})[-/]([0-9]{2}|[0-9]{4})", self.word(at))
        if first == 12 and match and self.year(match.group(1)):  # winter 2011/12, winter of 2011-2012
            year = int(match.group(1))
            if match.group(2) in (str(year + 1), f"{(year + 1) % 100:02d}"):
                yield _Span(at + 1, *_season(year, first))
        written = self.year(self.word(at))
        if written:
            yield _Span(at + 1, *_season(written, first))
        if force or self.licensed(k):  # the latest that has started
            year = today.year - (dt.date(today.year, first, 1) > today)
            yield _Span(j + 1, *_season(year, first), ("season", first))

    def relative(self, k: int, force: bool) -> Iterator[_Span]:
        """recently; 3 days ago, a week ago; (in) the last 3 months, the past week."""
        word, today = self.word(k), self.today
        if word in ("recently", "lately") and self.word(k - 1) != "most":  # "most recently": the latest
            yield _Span(k + 1, today - dt.timedelta(days=30), today)
        number = _number(word, article=True)
        unit = _UNITS.get(self.word(k + 1), "")
        if number is not None and unit and self.word(k + 2) == "ago":  # that one day, week, month or year
            if unit == "day":
                day = today - dt.timedelta(days=number)
                yield _Span(k + 3, day, day)
            elif unit == "week":
                yield _Span(k + 3, *_week_of(today - dt.timedelta(days=7 * number)))
            elif unit == "month":
                month = _shift_months(today.replace(day=1), -number)
                yield _Span(k + 3, *_month_range(month.year, month.month))
            else:
                yield _Span(k + 3, *_months(today.year - number, 1, 12))
        j = k + (word == "the")
        lead = self.word(j)
        if lead not in ("last", "past"):
            return
        number = _number(self.word(j + 1))
        at = j + 1 + (number is not None)
        unit = _UNITS.get(self.word(at), "")
        if unit and (number is not None or lead == "past" or j > k):  # bare "last week" is the calendar week
            count = 1 if number is None else number
            # N units ending today, today included: "the last 3 days" are today and the two before
            if unit in ("day", "week"):
                since = today - dt.timedelta(days=count * (7 if unit == "week" else 1) - 1)
            else:
                since = _shift_months(today, -count * (12 if unit == "year" else 1)) + dt.timedelta(days=1)
            yield _Span(at + 1, since, today)
