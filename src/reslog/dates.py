"""Dates, times and durations as a researcher types them.

Dates: ISO ``2026-11-26``, ``today``, ``yesterday``, ``tomorrow``, ``N days
ago``, weekday names (``friday`` is the most recent Friday, today included;
``last friday`` the one before today). Times: ``HH:MM``. Durations: ``45m``,
``2h``, ``1h30m``, ``1.5h``, ``90min``, ``1:30`` (h:mm).

Every parser raises :class:`reslog.errors.InputError` with the fix in the
message, never ``ValueError`` or ``OverflowError``.

Limits. reslog supports the days from :data:`FIRST_DAY` to :data:`LAST_DAY`
(1900-01-01 to 2199-12-31) and durations up to :data:`MAX_MINUTES` (10000
hours): a date typed outside them is refused, and a field value outside them
reads as no value (:func:`field_date`, :func:`field_minutes`), so that a year
typo or a runaway number on a hand-edited page never breaks a reader.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from reslog.errors import InputError

#: The days reslog supports: a page outside them is skipped with a notice, a capture refused.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
#: The longest duration reslog reads or writes: 10000 hours.
MAX_MINUTES = 10000 * 60
OUTSIDE = f"outside the dates reslog supports ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Patterns are left as text and compiled (once, by re's cache) on first use: most
# captures read no date or duration, and compiling them all would cost each one.
_DAYS_AGO = r"^(\d+)\s+days?\s+ago$"
_DATE_HINT = "use YYYY-MM-DD, 'today', 'yesterday', '3 days ago' or a weekday such as 'last friday'"


def _weekday(word: str) -> int | None:
    """Monday=0 for a weekday name or its abbreviation of 3+ letters."""
    if len(word) < 3:
        return None
    for i, name in enumerate(WEEKDAYS):
        if name.startswith(word):
            return i
    return None


def in_range(day: dt.date) -> bool:
    """Whether reslog supports ``day`` (see :data:`FIRST_DAY`, :data:`LAST_DAY`)."""
    return FIRST_DAY <= day <= LAST_DAY


def parse_date(value: str, today: dt.date) -> dt.date:
    """Read a date phrase relative to ``today``; a day outside the supported range is refused."""
    try:
        day = _read_date(value, today)
    except OverflowError:
        day = dt.date.min
    if not in_range(day):
        raise InputError(f"{value.strip()!r} is {OUTSIDE}; check the year")
    return day


def _read_date(value: str, today: dt.date) -> dt.date:
    """A date phrase relative to ``today``, any year Python has (OverflowError beyond them)."""
    text = " ".join(value.strip().lower().split())
    if text in ("today", "now"):
        return today
    if text == "yesterday":
        return today - dt.timedelta(days=1)
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    match = re.match(_DAYS_AGO, text)
    if match:
        return today - dt.timedelta(days=int(match.group(1)))
    words = text.split(" ")
    last = len(words) == 2 and words[0] == "last"
    weekday = _weekday(words[-1]) if len(words) == 1 or last else None
    if weekday is not None:
        back = (today.weekday() - weekday) % 7
        if last and back == 0:
            back = 7
        return today - dt.timedelta(days=back)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(_no_such_day(text) or f"cannot read {value!r} as a date; {_DATE_HINT}") from None


def _no_such_day(text: str) -> str | None:
    """What is wrong with a date written as YYYY-MM-DD whose month has no such day (2013-02-30:
    "use YYYY-MM-DD" said it was written wrong); None for any other text. (The message ends with
    "; check the day", by which :func:`reslog.review.parse_week` passes it on.)"""
    import calendar  # on this error's path only

    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year < 1 or not 1 <= month <= 12:
        return None
    days = calendar.monthrange(year, month)[1]
    if 1 <= day <= days:
        return None
    name = _MONTHS[month - 1].capitalize()
    return f"cannot read {text!r} as a date: {name} {year} has {days} days; check the day"


#: A capture this many days or more from today asks for force: a year typed wrong, most likely.
FAR_DAYS = 367


def check_near(day: dt.date, today: dt.date, force: bool, how: str = "add --force") -> dt.date:
    """``day``, unless it is more than a year from ``today`` and not ``force``d (a year typo, most
    likely): then the error says to check the year, or ``how`` to write there anyway."""
    if abs((day - today).days) >= FAR_DAYS and not force:
        raise InputError(f"{day.isoformat()} is more than a year from today ({today.isoformat()}); "
                         f"check the year, or {how} to write there")
    return day


def parse_time(value: str) -> str:
    """Normalise ``H:MM``/``HH:MM`` to ``HH:MM``."""
    match = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", value)
    if not match:
        raise InputError(f"cannot read {value!r} as a time; use HH:MM, for example 09:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


_DURATION_PART = r"(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m)"
_DURATION_HINT = "use a number with a unit, such as 45m, 2h, 1h30m or 1.5h"


def parse_duration(value: str) -> int:
    """A duration in whole minutes, from 0 to :data:`MAX_MINUTES`."""
    text = value.strip().lower().replace(" ", "")
    clock = re.fullmatch(r"(\d+):([0-5]\d)", text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    total = 0.0
    pos = 0
    for match in re.finditer(_DURATION_PART, text, re.IGNORECASE):
        if match.start() != pos:
            break
        amount, unit = float(match.group(1)), match.group(2)[0]
        total += amount * {"d": 1440, "h": 60, "m": 1}[unit]
        pos = match.end()
    if not text or pos != len(text):
        raise InputError(f"cannot read {value!r} as a duration; {_DURATION_HINT}")
    if total > MAX_MINUTES + 0.5:  # also infinity, from a number too long for a float
        raise InputError(
            f"{value.strip()!r} is too long for a duration (at most {MAX_MINUTES // 60}h); check the number"
        )
    return round(total)


@lru_cache(maxsize=1024)  # a log writes the same few durations (2h, 30m) thousands of times
def field_minutes(value: str | None) -> int | None:
    """A duration field's value (``[est:: 2h]``) in minutes; None when it cannot be read."""
    if not value:
        return None
    try:
        return parse_duration(value)
    except InputError:
        return None


def field_date(value: str | None) -> dt.date | None:
    """A date field's value (``[carried:: 2026-11-24]``); None when it is not an ISO date reslog
    supports."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if in_range(day) else None


#: The fields read as typed values (a duration, a date), and what a readable value is.
_A_DURATION = f"a duration of at most {MAX_MINUTES // 60}h (2h, 30m)"
_A_DATE = f"a date (YYYY-MM-DD) {OUTSIDE.replace('outside', 'within')}"
TYPED_FIELDS = {"est": _A_DURATION, "took": _A_DURATION, "carried": _A_DATE, "scheduled": _A_DATE}


def unreadable_value(key: str, value: str) -> str | None:
    """What a readable value of the typed field ``key`` is, when ``value`` is not one (it counts
    as no value: a to-do ``[scheduled:: 2026-02-30]`` is put off to no day); else None."""
    wanted = TYPED_FIELDS.get(key)
    if wanted is None or not value:
        return None
    readable = field_date(value) if key in ("carried", "scheduled") else field_minutes(value)
    return wanted if readable is None else None


def comparable(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``start`` and ``end`` as they can be compared and subtracted: when one lacks the UTC offset
    (a hand-written stamp), both are read as wall-clock times; else as they are."""
    if (start.tzinfo is None) != (end.tzinfo is None):
        return start.replace(tzinfo=None), end.replace(tzinfo=None)
    return start, end


def format_duration(minutes: int) -> str:
    """``45m``, ``2h``, ``1h30m``."""
    hours, mins = divmod(max(0, minutes), 60)
    if hours and mins:
        return f"{hours}h{mins:02d}m"
    if hours:
        return f"{hours}h"
    return f"{mins}m"


_ELAPSED = r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?"


def format_elapsed(seconds: float) -> str:
    """A run's duration to the second: ``0.4s``, ``59.9s``, ``3m12s``, ``1h05m12s``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}h{mins:02d}m{secs:02d}s" if hours else f"{mins}m{secs:02d}s"


def parse_elapsed(value: str) -> float | None:
    """Seconds of a duration written by :func:`format_elapsed` (or as ``took`` durations are:
    ``2h``, ``45m``); None if it is neither."""
    text = value.strip().lower()
    match = re.fullmatch(_ELAPSED, text)
    if match and text:
        hours, mins, secs = match.groups()
        return int(hours or 0) * 3600 + int(mins or 0) * 60 + float(secs or 0)
    try:
        return parse_duration(text) * 60.0
    except InputError:
        return None


def long_date(day: dt.date) -> str:
    """``Thursday 26 November 2026`` (English, whatever the locale)."""
    months = (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    )
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {months[day.month - 1]} {day.year}"


# --- ranges: what a --since/--until value or a time scope covers ---

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
)
_RANGE_HINT = (
    "use a date (2026-11-26), a month (2013-03, 'March 2013'), a year (2013), "
    "an ISO week (2026-W48) or a phrase ('yesterday', 'last week', 'last month', '3 days ago')"
)
#: Words that may open a period and add nothing to it: "in March 2013" is "March 2013", as a time
#: scope in a question reads it (:mod:`reslog.timescope`).
_LEADING = ("in", "during")


def _month_number(word: str) -> int | None:
    if len(word) < 3:
        return None
    for i, name in enumerate(_MONTHS, 1):
        if name.startswith(word):
            return i
    return None


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def week_range(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of an ISO week."""
    start = dt.date.fromisocalendar(year, week, 1)
    return start, start + dt.timedelta(days=6)


def parse_range(value: str, today: dt.date, clamp: bool = True) -> tuple[dt.date, dt.date]:
    """The first and last day a phrase covers (both included), each clamped to the supported
    range (``--since 0001`` means from the first day reslog supports); without ``clamp``, a
    period that reaches outside it is refused."""
    try:
        start, end = _range(value, today)
    except (ValueError, OverflowError):  # year 0, December of year 9999, a million years ago
        raise InputError(f"{value.strip()!r} is {OUTSIDE}; check the year") from None
    if not clamp and not (in_range(start) and in_range(end)):
        raise InputError(f"{value.strip()!r} is {OUTSIDE}; check the year")
    return min(max(start, FIRST_DAY), LAST_DAY), min(max(end, FIRST_DAY), LAST_DAY)


def since_until(
    since: str | None, until: str | None, today: dt.date, options: str = "--"
) -> tuple[dt.date | None, dt.date | None]:
    """The first day of ``since`` and the last of ``until`` (None for one not given); a range that
    ends before it starts is refused. ``options``: how the caller's options are written in the
    message (``--since`` on the command line, ``since`` in the web app and MCP)."""
    start = parse_range(since, today)[0] if since is not None else None
    end = parse_range(until, today)[1] if until is not None else None
    if start and end and start > end:
        raise InputError(
            f"the range is empty: {options}since {start} is after {options}until {end}; swap them"
        )
    return start, end


def _range(value: str, today: dt.date) -> tuple[dt.date, dt.date]:
    text = " ".join(value.strip().lower().replace(",", " ").split())
    first, _, rest = text.partition(" ")
    if first in _LEADING and rest:
        text = rest
    match = re.fullmatch(r"(\d{4})", text)
    if match:
        year = int(match.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return _month_range(int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(r"(\d{4})-?w(\d{1,2})", text)
    if match:
        try:
            return week_range(int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise InputError(f"{value!r} is not an ISO week of that year; {_RANGE_HINT}") from None
    match = re.fullmatch(r"([a-z]+)\.? (\d{4})|(\d{4}) ([a-z]+)", text)
    if match:
        word = match.group(1) or match.group(4)
        year = int(match.group(2) or match.group(3))
        month = _month_number(word)
        if month is not None:
            return _month_range(year, month)
    if text in ("this week", "last week"):
        monday = today - dt.timedelta(days=today.weekday())
        if text == "last week":
            monday -= dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6)
    if text in ("this month", "last month"):
        year, month = today.year, today.month
        if text == "last month":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return _month_range(year, month)
    if text in ("this year", "last year"):
        year = today.year - (text == "last year")
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    match = re.fullmatch(r"(\d+) (week|month|year)s? ago", text)
    if match:
        n, unit = int(match.group(1)), match.group(2)
        days = {"week": 7, "month": 30, "year": 365}[unit] * n
        day = today - dt.timedelta(days=days)
        return day, day
    month = _month_number(text)
    if month is not None and " " not in text:  # "march": the latest March up to today
        year = today.year if month <= today.month else today.year - 1
        return _month_range(year, month)
    try:
        day = _read_date(text, today)
    except InputError:
        raise InputError(_no_such_day(text) or f"cannot read {value!r} as a date or period; {_RANGE_HINT}"
                         ) from None
    return day, day
