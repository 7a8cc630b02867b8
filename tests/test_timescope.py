"""Time scopes in queries: the periods phrases cover, the words that are not dates, and what is left."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reslog.timescope import Scope, find_scope

TODAY = dt.date(2026, 11, 26)  # a Thursday, in ISO week 48 (23 to 29 November)

# phrase -> (since, until); each phrase is a whole scope, preposition included.
PHRASES: dict[str, tuple[str, str]] = {
    # years
    "in 2013": ("2013-01-01", "2013-12-31"),
    "2013": ("2013-01-01", "2013-12-31"),
    "of 2013": ("2013-01-01", "2013-12-31"),
    "throughout 2013": ("2013-01-01", "2013-12-31"),
    "in 2027": ("2027-01-01", "2027-12-31"),  # next year is still a year
    "1970": ("1970-01-01", "1970-12-31"),
    "2011-2013": ("2011-01-01", "2013-12-31"),
    "this year": ("2026-01-01", "2026-12-31"),
    "last year": ("2025-01-01", "2025-12-31"),
    # parts of a year
    "in early 2013": ("2013-01-01", "2013-04-30"),
    "mid 2013": ("2013-05-01", "2013-08-31"),
    "around mid-2013": ("2013-05-01", "2013-08-31"),
    "in the middle of 2013": ("2013-05-01", "2013-08-31"),
    "late 2013": ("2013-09-01", "2013-12-31"),
    "end of 2013": ("2013-09-01", "2013-12-31"),
    "at the end of 2013": ("2013-09-01", "2013-12-31"),
    "the beginning of 2013": ("2013-01-01", "2013-04-30"),
    "start of 2013": ("2013-01-01", "2013-04-30"),
    "at the end of last year": ("2025-09-01", "2025-12-31"),
    "first half of 2012": ("2012-01-01", "2012-06-30"),
    "the second half of 2012": ("2012-07-01", "2012-12-31"),
    "H2 2012": ("2012-07-01", "2012-12-31"),
    "Q1 2013": ("2013-01-01", "2013-03-31"),
    "in Q3 of 2013": ("2013-07-01", "2013-09-30"),
    "2013-Q4": ("2013-10-01", "2013-12-31"),
    "2013 Q2": ("2013-04-01", "2013-06-30"),
    "the first quarter of 2013": ("2013-01-01", "2013-03-31"),
    "in the last quarter of 2013": ("2013-10-01", "2013-12-31"),
    # seasons (meteorological, northern hemisphere; winter takes the year of its December)
    "summer of 2011": ("2011-06-01", "2011-08-31"),
    "summer 2011": ("2011-06-01", "2011-08-31"),
    "the spring of 2012": ("2012-03-01", "2012-05-31"),
    "in the autumn of 2012": ("2012-09-01", "2012-11-30"),
    "fall 2012": ("2012-09-01", "2012-11-30"),
    "winter 2011": ("2011-12-01", "2012-02-29"),
    "the winter of 2011-2012": ("2011-12-01", "2012-02-29"),
    "winter 2011/12": ("2011-12-01", "2012-02-29"),
    "over the summer": ("2026-06-01", "2026-08-31"),
    "in autumn": ("2026-09-01", "2026-11-30"),  # it has started, so this one
    "during the winter": ("2025-12-01", "2026-02-28"),  # the latest that has started
    "last summer": ("2026-06-01", "2026-08-31"),
    "last winter": ("2025-12-01", "2026-02-28"),
    "this winter": ("2026-12-01", "2027-02-28"),
    # months
    "in March 2012": ("2012-03-01", "2012-03-31"),
    "March 2012": ("2012-03-01", "2012-03-31"),
    "Mar 2012": ("2012-03-01", "2012-03-31"),
    "Mar. 2012": ("2012-03-01", "2012-03-31"),
    "September, 2012": ("2012-09-01", "2012-09-30"),
    "may of 2013": ("2013-05-01", "2013-05-31"),
    "2012-03": ("2012-03-01", "2012-03-31"),
    "in March": ("2026-03-01", "2026-03-31"),
    "in November": ("2026-11-01", "2026-11-30"),  # today's month: this one
    "in December": ("2025-12-01", "2025-12-31"),  # not begun yet: last year's
    "june": ("2026-06-01", "2026-06-30"),  # not an ordinary word: no preposition needed
    "last march": ("2026-03-01", "2026-03-31"),
    "last november": ("2025-11-01", "2025-11-30"),  # this November has not ended
    "early March 2013": ("2013-03-01", "2013-03-10"),
    "in mid-may": ("2026-05-11", "2026-05-20"),
    "late February 2012": ("2012-02-21", "2012-02-29"),
    "the end of March 2013": ("2013-03-21", "2013-03-31"),
    "this month": ("2026-11-01", "2026-11-30"),
    "last month": ("2026-10-01", "2026-10-31"),
    "the previous month": ("2026-10-01", "2026-10-31"),
    "the month before last": ("2026-09-01", "2026-09-30"),
    # days
    "on 2012-08-06": ("2012-08-06", "2012-08-06"),
    "2012-08-06": ("2012-08-06", "2012-08-06"),
    "on March 3, 2013": ("2013-03-03", "2013-03-03"),
    "3 March 2013": ("2013-03-03", "2013-03-03"),
    "3rd of March 2013": ("2013-03-03", "2013-03-03"),
    "on march 3": ("2026-03-03", "2026-03-03"),
    "yesterday": ("2026-11-25", "2026-11-25"),
    "today": ("2026-11-26", "2026-11-26"),
    "on friday": ("2026-11-20", "2026-11-20"),
    "on thursday": ("2026-11-26", "2026-11-26"),  # a weekday is the latest, today included
    "last thursday": ("2026-11-19", "2026-11-19"),
    "3 days ago": ("2026-11-23", "2026-11-23"),
    # weeks (ISO: Monday to Sunday)
    "the week of 2012-08-06": ("2012-08-06", "2012-08-12"),
    "in the week of 2012-08-09": ("2012-08-06", "2012-08-12"),
    "week 32 of 2012": ("2012-08-06", "2012-08-12"),
    "2012-W32": ("2012-08-06", "2012-08-12"),
    # a week's number alone: the latest week of that number that has started
    "in week 45": ("2026-11-02", "2026-11-08"),
    "during week 50": ("2025-12-08", "2025-12-14"),
    "in W46": ("2026-11-09", "2026-11-15"),
    "this week": ("2026-11-23", "2026-11-29"),
    "the previous week": ("2026-11-16", "2026-11-22"),
    "the week before last": ("2026-11-09", "2026-11-15"),
    "in the first week of October": ("2026-10-01", "2026-10-07"),
    "the third week of March 2013": ("2013-03-15", "2013-03-21"),
    "in the last week of October": ("2026-10-25", "2026-10-31"),  # not "the last week"
    "in the last week of 2012": ("2012-12-25", "2012-12-31"),  # not "the last week"
    # a year of two digits after an apostrophe: the latest up to next year
    "the summer of '13": ("2013-06-01", "2013-08-31"),
    "in summer ’13": ("2013-06-01", "2013-08-31"),
    "since March '12": ("2012-03-01", "2026-11-26"),
    "in '99": ("1999-01-01", "1999-12-31"),
    "in '27": ("2027-01-01", "2027-12-31"),
    "the first week of 2013": ("2013-01-01", "2013-01-07"),
    "last week": ("2026-11-16", "2026-11-22"),
    "2 weeks ago": ("2026-11-09", "2026-11-15"),
    "a week ago": ("2026-11-16", "2026-11-22"),
    # that month, that year; rolling windows up to today
    "3 months ago": ("2026-08-01", "2026-08-31"),
    "two years ago": ("2024-01-01", "2024-12-31"),
    "in the last 10 days": ("2026-11-17", "2026-11-26"),  # ten days, today the tenth
    "in the last 3 weeks": ("2026-11-06", "2026-11-26"),
    "over the last 2 months": ("2026-09-27", "2026-11-26"),
    "in the past week": ("2026-11-20", "2026-11-26"),
    "recently": ("2026-10-27", "2026-11-26"),
    # ranges
    "between March and May 2013": ("2013-03-01", "2013-05-31"),
    "between November and February 2013": ("2012-11-01", "2013-02-28"),
    "from March 2012 to June 2012": ("2012-03-01", "2012-06-30"),
    "from March to June 2012": ("2012-03-01", "2012-06-30"),
    "from March 2012 to June": ("2012-03-01", "2012-06-30"),
    "from March to June": ("2026-03-01", "2026-06-30"),
    "from 2012-03-01 to 2012-04-15": ("2012-03-01", "2012-04-15"),
    "from 2012 until now": ("2012-01-01", "2026-11-26"),
    "between 2011 and 2013": ("2011-01-01", "2013-12-31"),
    "between 2013 and 2011": ("2011-01-01", "2013-12-31"),  # either order
    "since June 2012": ("2012-06-01", "2026-11-26"),
    "since may": ("2026-05-01", "2026-11-26"),
    "since yesterday": ("2026-11-25", "2026-11-26"),
    "after June 2012": ("2012-07-01", "2026-11-26"),
    "before 2012": ("1970-01-01", "2011-12-31"),
    "until 2012": ("1970-01-01", "2012-12-31"),
    "until today": ("1970-01-01", "2026-11-26"),
    "before the summer of 2011": ("1970-01-01", "2011-05-31"),
}


@pytest.mark.parametrize(("phrase", "dates"), PHRASES.items(), ids=list(PHRASES))
def test_phrases_cover_their_days(phrase: str, dates: tuple[str, str]) -> None:
    scope, rest = find_scope(phrase, TODAY)
    assert scope is not None, phrase
    assert (scope.since.isoformat(), scope.until.isoformat()) == dates
    assert scope.phrase == phrase and rest == ""


@pytest.mark.parametrize(("phrase", "dates"), list(PHRASES.items())[::7])
def test_phrases_are_found_inside_sentences(phrase: str, dates: tuple[str, str]) -> None:
    scope, rest = find_scope(f"What did I change in the loader {phrase}?", TODAY)
    assert scope is not None and scope.phrase == phrase
    assert (scope.since.isoformat(), scope.until.isoformat()) == dates
    assert rest == "What did I change in the loader?"


NOT_SCOPES = [
    "what may cause the bug",  # "may" is a month only after a preposition or before a year
    "when did I most recently use knitr",  # "most recently": the latest time, not the last 30 days
    "this may break the loader",
    "the loss may fall again",  # "fall" too
    "soldiers march at dawn",
    "march of the penguins paper",  # decided: a title, not March (no preposition before it, no year after)
    "an august institution",
    "spring boot config",
    "friday deploy checklist",  # a weekday needs "on", "since", "last"...
    "the 1234 runs",  # before 1970: not a year
    "1969 moon landing",
    "plans for 2028",  # after next year: not a year
    "plans for '28",  # nor 1928, before 1970
    "grep for '13' in the logs",  # a quoted string, not a year
    "version 2013.1",  # part of a larger token
    "v2013 release",
    "2013x",
    "run-2013 logs",
    "#2013 tag",
    "ISBN 9781234567890",
    "2013-13",  # no 13th month
    "2013-02-30",  # no 30 February
    "2012-W54",  # no week 54
    "week 45 was hard",  # a week's number alone needs a preposition ("in week 45")
    "in week 2 of the project",  # the project's week, not the calendar's
    "results of run w46",  # a name
    "bugs in the w2s runs",
    "the H3 heading",
    "jan said so",  # abbreviations need a preposition or a year
    "the last may be broken",
    "after 2026",  # a period that covers no day is no scope, and its year is not one either
    "since 2027 the loss",
    "before 1970 things",
    "what did I learn about rates",
    # a year after an author's name cites a paper (a scope of 1979 found nothing in a 2010s log)
    "what did I take from Reed 1979 about optimal escapement?",
    "Scheffer 2009 early warning",
    "Scheffer et al. 2009 early warning",
    "the Reed (1979) example",
    "as argued in Reed 1979",
    "the method by Scheffer 2009",
    # a year between a determiner and a word labels a thing, written about in any year
    "Why were the 2020 counts one week late, and how was it fixed?",
    "Who reviewed my 2013 paper?",
    "what was the 2013 budget",
    "",
    "   ",
]


@pytest.mark.parametrize("text", NOT_SCOPES)
def test_words_that_are_not_dates(text: str) -> None:
    assert find_scope(text, TODAY) == (None, text)


REMOVALS = {
    # placed in time, no citation of Christmas: the year, and the words left to find the days
    "what did I do around Christmas 2010?": "what did I do around Christmas?",
    "In 2012, how did I set up the cluster?": "how did I set up the cluster?",  # "In" is no author
    "ESA 2012 talks": "ESA talks",  # an acronym: the meeting of that year
    "Summer 2013 talks": "talks",
    "when did I first try ABC in early 2013?": "when did I first try ABC?",
    "when did I fix the seed bug in early 2013?": "when did I fix the seed bug?",
    "in 2013, what did I fix?": "what did I fix?",
    "What did I do yesterday?": "What did I do?",
    "seed bug (early 2013) fix": "seed bug fix",
    "learning rate sweeps during the summer of 2011": "learning rate sweeps",
    "NaN loss   between March and May 2013   in the loader": "NaN loss in the loader",
    "what changed, in March 2012, in the loader?": "what changed, in the loader?",
    "results of 2013": "results",
    "during the 2013 field season, what broke?": "during the field season, what broke?",  # an event dated
    "In the 2012 ESA meeting who spoke?": "In the ESA meeting who spoke?",
    "which papers did I read last week, and why": "which papers did I read, and why",
    "gradient clipping\nsince June 2012\nloader": "gradient clipping loader",
    "in 2013 and again in 2015": "and again in 2015",  # the first scope only
    "what may have changed in may": "what may have changed",
    "bug — in 2013 — fixed": "bug — fixed",
    "yesterday": "",
    "in 2013?": "",  # nothing left to search for
}


@pytest.mark.parametrize(("text", "rest"), REMOVALS.items())
def test_the_scope_is_cut_out_leaving_a_natural_query(text: str, rest: str) -> None:
    scope, left = find_scope(text, TODAY)
    assert scope is not None and scope.phrase in text
    assert left == rest


def test_the_earliest_then_longest_phrase_wins() -> None:
    scope, _ = find_scope("bug in March 2012 or 2013", TODAY)
    assert scope == Scope(dt.date(2012, 3, 1), dt.date(2012, 3, 31), "in March 2012")
    scope, _ = find_scope("seed bug 2013 from March 2012 to June 2012", TODAY)
    assert scope is not None and scope.phrase == "2013"


def test_labels_name_the_words_and_the_dates() -> None:
    def label(text: str) -> str:
        scope, _ = find_scope(text, TODAY)
        assert scope is not None
        return scope.label

    assert label("in early 2013") == "early 2013 (2013-01-01 to 2013-04-30)"
    assert label("during   the summer of 2011") == "the summer of 2011 (2011-06-01 to 2011-08-31)"
    assert label("since June 2012") == "since June 2012 (2012-06-01 to 2026-11-26)"
    assert label("yesterday") == "yesterday (2026-11-25)"
    assert label("on 2012-08-06") == "2012-08-06"
    assert label("from 2012-03-01 to 2012-04-15") == "2012-03-01 to 2012-04-15"


def test_scopes_are_values() -> None:
    a = Scope(dt.date(2013, 1, 1), dt.date(2013, 4, 30), "in early 2013")
    assert a == find_scope("in early 2013", TODAY)[0] and hash(a) == hash(Scope(a.since, a.until, a.phrase))
    assert repr(a) == (
        "Scope(since=datetime.date(2013, 1, 1), until=datetime.date(2013, 4, 30), phrase='in early 2013')"
    )


def test_a_datetime_is_read_as_its_day() -> None:
    scope, _ = find_scope("since yesterday", dt.datetime(2026, 11, 26, 9, 12))
    assert scope is not None and (scope.since, scope.until) == (dt.date(2026, 11, 25), dt.date(2026, 11, 26))


_WORDS = [
    "in", "during", "on", "of", "the", "from", "to", "and", "between", "since", "after", "before", "until",
    "early", "mid", "late", "end", "beginning", "middle", "first", "second", "last", "past", "this", "half",
    "quarter", "q1", "h2", "week", "weeks", "days", "month", "months", "years", "ago", "a", "3", "32",
    "march", "may", "mar.", "feb", "summer", "winter", "fall", "friday", "today", "yesterday", "now", "recently",
    "1969", "1970", "2012", "2013", "2027", "2028", "9999", "0001", "2012-03", "2012-02-29", "2013-02-29",
    "2012-w32", "2012-w53", "2011/12", "2011-2012", "mid-2013", "29", "31st", ",", "?", "(", ")", "-", "what",
]


@given(st.text(), st.dates())
def test_any_text_on_any_day_never_raises(text: str, today: dt.date) -> None:
    _check(text, today)


@given(st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join), st.dates())
def test_date_words_in_any_order_never_raise(text: str, today: dt.date) -> None:
    _check(text, today)


def _check(text: str, today: dt.date) -> None:
    scope, rest = find_scope(text, today)
    if scope is None:
        assert rest == text
        return
    assert scope.since <= scope.until
    assert scope.phrase and scope.phrase in text
    assert "  " not in rest and rest == rest.strip()
    assert scope.label
