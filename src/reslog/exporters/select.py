"""What an export contains: the selected entries, with what is not to be shared left out.

An exporter is a module with ``write(hits, out, options) -> list[Path]``
(the files it wrote), registered in :data:`reslog.cli.io_cmds.EXPORTERS`.

Every exporter takes its entries from :func:`select` and passes them through
:func:`reslog.redaction.redact` before writing a single byte, so redacted
text cannot reach any output (pages, titles, tag lists, the search index of
the html site). What each redaction leaves out, and what is private, is
:mod:`reslog.redaction`'s to say; every format leaves out
:data:`~reslog.redaction.DEFAULT` (private entries and feelings) unless told
otherwise. Week review pages (for the html site) come from
:func:`week_reviews`, redacted by :func:`reslog.redaction.redact_week`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from reslog.index import Index
from reslog.records import Record
from reslog.redaction import DEFAULT, REDACTIONS, redact, redact_week, shown_quotes, shown_words
from reslog.search import Filters, Hit, listing
from reslog.store import Log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


def select(log: Log, filters: Filters | None = None) -> list[Hit]:
    """The entries an export contains, in date order (deferred ``[>]`` copies left out)."""
    with Index(log) as index:
        index.refresh()
        return listing(index, filters)


class ExportOptions(Record):
    """What an exporter is told besides the entries: a title, and what the export is of
    (when, which filters, what was redacted) for formats that state it; for the html site,
    whether to show citations and the week reviews (already redacted). Where the log lies is
    not told: an export is made to be shared, and a path would give away the user's home."""

    __slots__ = ("cite", "exported_at", "filters", "redacted", "title", "weeks")
    title: Final[str]
    exported_at: Final[str | None]
    filters: Final[dict[str, str | None]]
    redacted: Final[tuple[str, ...]]
    cite: Final[bool]
    weeks: Final[dict[str, str]]

    def __init__(
        self, title: str = "Research log", exported_at: str | None = None,
        filters: dict[str, str | None] | None = None, redacted: tuple[str, ...] = (), cite: bool = False,
        weeks: dict[str, str] | None = None,
    ) -> None:
        self.title = title
        self.exported_at = exported_at
        self.filters = {} if filters is None else filters
        self.redacted = redacted
        #: html: show each entry's citation (``days/…md:12``), not only a link to it
        self.cite = cite
        #: html: ISO week -> the text of its review page, redacted (:func:`week_reviews`)
        self.weeks = {} if weeks is None else weeks


_WEEK = re.compile(r"^(\d{4})-W(\d{2})\.md$")


def week_reviews(
    log: Log, since: dt.date | None, until: dt.date | None, what: Collection[str],
    shown: Collection[Hit] = (),
) -> dict[str, str]:
    """The week review pages whose week meets ``[since, until]``: ISO week -> the page's text
    without its front matter, redacted by ``what`` (see the module's docstring), ``shown`` being
    the entries the export shows. A page that cannot be read as UTF-8, or a link that leads
    outside the log, is left out."""
    found: dict[str, str] = {}
    words = shown_words(shown)
    # an export that leaves anything out quotes only the entries it shows
    quotes = shown_quotes(shown) if what or since is not None or until is not None else None
    root = log.root / "weeks"
    if not root.is_dir():
        return found
    for year in sorted(root.iterdir()):
        if not (year.is_dir() and year.name.isdigit()):
            continue
        for path in sorted(year.iterdir()):
            match = _WEEK.match(path.name)
            if match is None or match.group(1) != year.name or log.link_outside(str(path)) is not None:
                continue
            try:
                monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
                text = path.read_bytes().decode("utf-8")
            except (ValueError, OSError):
                continue
            before = since is not None and monday + dt.timedelta(days=6) < since
            if before or (until is not None and monday > until):
                continue
            found[path.name[:-3]] = redact_week(text, what, words.get(path.name[:-3], set()), quotes)
    return found


__all__ = ["DEFAULT", "REDACTIONS", "ExportOptions", "redact", "select", "week_reviews"]
