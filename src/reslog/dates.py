"""Dates, times and durations as a researcher types them.

Dates: ISO ``2026-11-26``, ``today``, ``yesterday``, ``tomorrow``, ``N days
ago``, weekday names (``friday`` is the most recent Friday, today included;
``last friday`` the one before today). Times: ``HH:MM``. Durations: ``45m``,
``2h``, ``1h30m``, ``1.5h``, ``90min``, ``1:30`` (h:mm).

Every parser raises :class:`reslog.errors.InputError` with the fix in the
message, never ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS_AGO = re.compile(r"^(\d+)\s+days?\s+ago$")
_DATE_HINT = "use YYYY-MM-DD, 'today', 'yesterday', '3 days ago' or a weekday such as 'last friday'"


def _weekday(word: str) -> int | None:
    """Monday=0 for a weekday name or its abbreviation of 3+ letters."""
    if len(word) < 3:
        return None
    for i, name in enumerate(WEEKDAYS):
        if name.startswith(word):
            return i
    return None


def parse_date(value: str, today: dt.date) -> dt.date:
    """Read a date phrase relative to ``today``."""
    text = " ".join(value.strip().lower().split())
    if text in ("today", "now"):
        return today
    if text == "yesterday":
        return today - dt.timedelta(days=1)
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    match = _DAYS_AGO.match(text)
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
        raise InputError(f"cannot read {value!r} as a date; {_DATE_HINT}") from None


def parse_time(value: str) -> str:
    """Normalise ``H:MM``/``HH:MM`` to ``HH:MM``."""
    match = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", value)
    if not match:
        raise InputError(f"cannot read {value!r} as a time; use HH:MM, for example 09:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?)", re.IGNORECASE
)
_DURATION_HINT = "use a number with a unit, such as 45m, 2h, 1h30m or 1.5h"


def parse_duration(value: str) -> int:
    """A duration in whole minutes (at least 0)."""
    text = value.strip().lower().replace(" ", "")
    clock = re.fullmatch(r"(\d+):([0-5]\d)", text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    total = 0.0
    pos = 0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        amount, unit = float(match.group(1)), match.group(2)[0]
        total += amount * {"d": 1440, "h": 60, "m": 1}[unit]
        pos = match.end()
    if not text or pos != len(text):
        raise InputError(f"cannot read {value!r} as a duration; {_DURATION_HINT}")
    return round(total)


def format_duration(minutes: int) -> str:
    """``45m``, ``2h``, ``1h30m``."""
    hours, mins = divmod(max(0, minutes), 60)
    if hours and mins:
        return f"{hours}h{mins:02d}m"
    if hours:
        return f"{hours}h"
    return f"{mins}m"


def long_date(day: dt.date) -> str:
    """``Thursday 26 November 2026`` (English, whatever the locale)."""
    months = (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    )
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {months[day.month - 1]} {day.year}"
