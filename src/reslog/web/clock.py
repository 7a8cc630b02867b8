"""The server's clock: local time with its UTC offset (tests replace :func:`now` to travel in time)."""

from __future__ import annotations

import datetime as dt

__all__ = ["now"]


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()
