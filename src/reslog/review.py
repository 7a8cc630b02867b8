"""The weekly review: build or refresh the page of an ISO week (``reslog week``).

A week page lives at ``weeks/YYYY/YYYY-Www.md`` (``YYYY`` is the ISO year, so
the days of 2026-W53 that fall in January 2027 are reviewed in
``weeks/2026/2026-W53.md``). It holds two kinds of text (docs/format.md,
section 12):

* **generated blocks**, each between a pair of one-line HTML comments that the
  day-page parser reads as free text and Markdown renderers hide::

      <!-- reslog:begin figures -->
      ## The week in figures
      ...
      <!-- reslog:end figures -->

  The blocks are ``figures``, ``time``, ``waiting``, ``ideas``, ``done``,
  ``compare`` and ``prompts``. Every run replaces what lies between a matching
  pair, and nothing else. Markers count only in the *generated area* (from the end of
  the front matter to the first of the researcher's sections) and outside
  code fences and multi-line comments, so a marker quoted in a reflection is
  only text. A pair that is missing or broken (a begin without its end, an end
  without its begin) is not guessed at: its lines stay as they are and a fresh
  block is added at the end of the generated area; :attr:`Review.problems`
  says so. A block with no marker at all (a page written before the block
  existed) is added quietly in its place, after the block before it.
* **the researcher's sections**, ``## Reflection`` and ``## Next week's
  focus``, written empty when the page is made and never touched again.

Front matter: ``week: 2026-W48`` and, once set with ``--rate``, ``rating: N``
(1-5), the value :func:`reslog.analytics.data.week_ratings` reads. Other lines
are kept byte for byte; so are a byte-order mark and CRLF line endings (new
lines take the page's own line ending).

The figures are computed here from :func:`reslog.analytics.data.load` over the
week and the week before, plus the finished to-dos before the week for the
personal estimate norm. This module reads and writes; it never prints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from contextlib import nullcontext
from itertools import pairwise
from statistics import median

from reslog import markdown
from reslog.analytics.data import iso_week, load
from reslog.counts import chain, count, deferred
from reslog.dates import OUTSIDE, format_duration, in_range, long_date, parse_range
from reslog.digest import digest
from reslog.errors import ConflictError, InputError, ReslogError
from reslog.index import Index
from reslog.model import (
    DEFERRED,
    FIELD_PATTERN,
    NO_SHARED_THEME,
    TASK_STATES,
    THINKING_KINDS,
    WEEK_OWN_SECTIONS,
    Page,
    rating_problem,
    week_own_section,
    week_rating,
)
from reslog.records import Record
from reslog.search import Filters, Hit, tasks
from reslog.store import Log, content_hash, exists, path_text
from reslog.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from reslog.semantic.vectors import Vectors

#: The generated blocks, in the order a new page lists them.
BLOCKS: tuple[str, ...] = ("figures", "time", "waiting", "ideas", "done", "compare", "prompts")
#: The researcher's own sections, created empty once.
OWN_SECTIONS: tuple[str, ...] = ("Reflection", "Next week's focus")
#: The researcher's sections by key, with the headings that name each (lower case).
OWN_KEYS = WEEK_OWN_SECTIONS
#: A to-do that has waited this many days is listed under "tasks that keep waiting".
WAIT_DAYS = 3
#: The "What was done" block shows at most this many themes and entries; a line says how many
#: more there are and the command that lists them all.
DONE_THEMES = 8
DONE_ENTRIES = 30
#: What names the entries of the "What was done" block that share a theme with no other entry.
NO_THEME = NO_SHARED_THEME

_WEEK = re.compile(r"^\s*(\d{4})-?[wW](\d{1,2})\s*$")
_MARKER = re.compile(r"^<!-- reslog:(begin|end) ([a-z]+) -->$")
_RATING = re.compile(r"^rating[ \t]*:")
_WEEK_KEY = re.compile(r"^week[ \t]*:")
_WORD = re.compile(r"[a-z][a-z0-9'-]+")
_STOP = frozenset((
    "the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "with", "from", "by", "is", "was",
    "were", "be", "been", "it", "its", "this", "that", "these", "those", "not", "no", "but", "after",
    "before", "when", "than", "then", "into", "out", "as", "are", "has", "had", "have", "did", "does",
    "only", "again", "still", "same", "new", "one", "two", "all", "any", "some",
))
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FIGURES = (  # (key, label) of the figures compared with last week
    ("entries", "entries"), ("days_logged", "days logged"), ("experiments", "experiments"),
    ("papers", "papers read"), ("bugs", "bugs"), ("ideas", "ideas"), ("thoughts", "thoughts"),
    ("reflections", "reflections"), ("added", "to-dos added"), ("done", "to-dos done"),
    ("deferred", "to-dos deferred"), ("dropped", "to-dos dropped"),
)


def week_name(year: int, week: int) -> str:
    return f"{year}-W{week:02d}"


def parse_week(value: str | None, today: dt.date) -> tuple[int, int]:
    """(ISO year, week) of what a person typed: ``2026-W48``, ``last``, ``this``, a date inside
    the week (``2026-11-24``, ``yesterday``); None is the current week."""
    text = "this week" if value is None else " ".join(value.strip().lower().split())
    if text in ("last", "this", "previous", "current"):
        text = {"previous": "last", "current": "this"}.get(text, text) + " week"
    match = _WEEK.match(text)
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise InputError(f"{value!r} is not an ISO week: {year} has no week {week}") from None
        return _supported(value, year, week, today)
    hint = "use an ISO week (2026-W48), 'last', 'this' or a date inside the week (2026-11-24)"
    try:
        start, end = parse_range(text, today, clamp=False)
    except InputError as exc:
        if OUTSIDE in exc.message or exc.message.endswith("; check the day"):  # a year or day to check
            raise
        raise InputError(f"cannot read {value!r} as a week; {hint}") from None
    if start != end and not (start.weekday() == 0 and end == start + dt.timedelta(days=6)):
        raise InputError(f"{value!r} is longer than a week; {hint}")
    year, week, _ = start.isocalendar()
    return _supported(value, year, week, today)


def _supported(value: str | None, year: int, week: int, today: dt.date) -> tuple[int, int]:
    """The week, if all its days lie in the supported range (else its page could not be made) and
    it has begun (a review of a week to come compared nothing with a week that had entries)."""
    monday = dt.date.fromisocalendar(year, week, 1)
    if not (in_range(monday) and in_range(monday + dt.timedelta(days=6))):
        raise InputError(f"{value!r} is {OUTSIDE}; check the year")
    if monday > today:
        raise InputError(f"{week_name(year, week)} has not begun (it starts on {long_date(monday)}); "
                         "review this week or an earlier one")
    return year, week


def before_the_log(log: Log, year: int, week: int, today: dt.date) -> dt.date | None:
    """The log's first day, if the week ends before it and has no page yet; else None. Its review
    would compare nothing with nothing: paging back week after week in the web app wrote a page
    for each. A log whose first page lies ahead (plans alone) has not begun: none is refused."""
    first = log.first_day()
    if (first is None or first > today or dt.date.fromisocalendar(year, week, 7) >= first
            or exists(week_file(log, year, week))):
        return None
    return first


def refuse_before_the_log(log: Log, year: int, week: int, today: dt.date) -> None:
    """Raise :class:`ReslogError` for a week :func:`before_the_log` (the log's state, not the
    week as typed, stands in the way: exit 1)."""
    first = before_the_log(log, year, week, today)
    if first is not None:
        raise ReslogError(f"{week_name(year, week)} ends before the log's first page ({first.isoformat()}): "
                         f"there is nothing to review; review {week_name(*first.isocalendar()[:2])} or a "
                         "later week")


def week_file(log: Log, year: int, week: int) -> str:
    """The page of a week, as text: ``<log>/weeks/2026/2026-W48.md``."""
    return path_text(log.folder, "weeks", f"{year:04d}", f"{week_name(year, week)}.md")


class Review(Record):
    """What :func:`refresh` did: the page, where it is, its figures and anything it could not do."""

    __slots__ = ("changed", "created", "figures", "name", "page", "path", "problems", "rating",
                 "reflection_line", "relative")
    name: Final[str]
    path: Final[str]
    relative: Final[str]
    page: Final[Page]
    created: Final[bool]
    #: Whether the page differs from what was on disk (a new page does): a refresh that changes
    #: nothing writes nothing, and says so.
    changed: Final[bool]
    figures: Final[dict[str, Any]]
    rating: Final[int | None]
    #: 1-based line of the first line after the ``## Reflection`` heading, if the page has one.
    reflection_line: Final[int | None]
    problems: Final[list[str]]

    def __init__(self, name: str, path: str, relative: str, page: Page, created: bool,
                 figures: dict[str, Any], rating: int | None, reflection_line: int | None,
                 problems: list[str], changed: bool = True) -> None:
        self.name = name
        self.path = path
        self.relative = relative
        self.page = page
        self.created = created
        self.figures = figures
        self.rating = rating
        self.reflection_line = reflection_line
        self.problems = problems
        self.changed = changed


def refresh(
    log: Log, year: int, week: int, today: dt.date, rating: int | None = None, vectors: Vectors | None = None,
    write: bool = True,
) -> Review:
    """Create or refresh the week's page under the log's lock; set its rating if given.

    With ``vectors`` (semantic search on), the week's ideas are grouped into themes by meaning;
    without, by shared words (see :mod:`reslog.digest`). With ``write=False`` (a read-only log)
    the page is made in memory, as it would be written, and nothing is locked or written."""
    if rating is not None and not 1 <= rating <= 5:
        raise InputError(f"the rating must be a whole number from 1 to 5, not {rating}")
    name = week_name(year, week)
    start = dt.date.fromisocalendar(year, week, 1)
    path = week_file(log, year, week)
    refuse_before_the_log(log, year, week, today)
    figures = compute(log, start, today, vectors)
    relative = f"weeks/{year:04d}/{name}.md"
    with log.locked() if write else nullcontext():
        old = log.read_page(path)
        problems: list[str] = []
        if old is None:
            page = markdown.parse(new_page_text(name, start, figures, rating))
        else:
            page, problems = _regenerate(old, render_blocks(figures))
            page = _set_front(page, name, rating)
        changed = old is None or page.lines != old.lines or page.bom != old.bom
        if write and changed:
            log.write_page(path, page)
    own = [s for s in page.sections if s.title.strip().rstrip(":").lower() in ("reflection", "reflections")]
    value = dict(page.front_matter).get("rating")
    if value is not None and value.strip() and week_rating(value) is None:
        problems.append(rating_problem(value))
    return Review(name, path, relative, page, old is None, figures, week_rating(value or ""),
                  own[0].index + 2 if own else None, problems, changed)


# --- figures ---


def _ratio(todo: Hit) -> float | None:
    if todo.state != "x" or not todo.est_minutes or todo.took_minutes is None:
        return None
    return todo.took_minutes / todo.est_minutes


def _week_figures(entries: list[Hit], todos: list[Hit], start: dt.date, today: dt.date,
                  days: int = 7) -> dict[str, Any]:
    """The figures of the ``days`` days from ``start`` (a week, or the part of one that has passed)."""
    first, last = start.isoformat(), (start + dt.timedelta(days=days - 1)).isoformat()
    in_week = [e for e in entries if first <= e.date <= last]
    notes = [e for e in in_week if e.state is None]
    week_todos = [t for t in todos if first <= t.date <= last]
    counted = count(in_week + [t for t in week_todos if t.state == DEFERRED], today)
    levels = Counter(e.level for e in notes)
    finished = [t for t in week_todos if t.state == "x"]
    ratios = [r for r in map(_ratio, finished) if r is not None]
    timed = [t for t in finished if _ratio(t) is not None]
    # Waiting: the last copy of each to-do up to the reference day, if still open or put off; if
    # done or dropped, its wait ended on that copy's day, and a long one is a review's matter too.
    ref = min(today, start + dt.timedelta(days=6))
    latest: dict[tuple[str, str], Hit] = {}
    for todo in week_todos:
        if todo.date <= ref.isoformat():
            latest[chain(todo)] = todo
    waiting: list[dict[str, Any]] = []
    waited_out: list[dict[str, Any]] = []
    for (since, _), todo in latest.items():
        still = todo.state in (" ", ">")
        waited = ((ref if still else dt.date.fromisoformat(todo.date)) - dt.date.fromisoformat(since)).days
        if waited >= WAIT_DAYS:
            (waiting if still else waited_out).append({
                "text": _task_text(todo), "since": since, "days": waited, "date": todo.date,
                "state": TASK_STATES.get(todo.state or "", "done"), "citation": todo.citation})
    # What the week was about: the projects (top level of the tags) of its entries; a private
    # entry's tags stay out of a page that may be shared
    projects = Counter(project for e in notes if not any(markdown.tag_matches(t, "private") for t in e.tags)
                       for project in dict.fromkeys(t.split("/", 1)[0].lower() for t in e.tags))
    waiting.sort(key=lambda w: (-w["days"], w["since"], w["text"]))
    waited_out.sort(key=lambda w: (-w["days"], w["since"], w["text"]))
    return {
        "start": first, "end": (start + dt.timedelta(days=6)).isoformat(), "through": last,
        "entries": counted.entries, "notes": counted.notes, "todos": counted.todos,
        "by_kind": counted.by_kind,
        "projects": dict(sorted(projects.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_level": {str(k): levels.get(k, 0) for k in (0, 1, 2)},
        "thoughts": sum(e.kind in THINKING_KINDS for e in notes) + sum(
            c.get("kind") in THINKING_KINDS for e in notes for c in e.children),
        "reflections": counted.reflections,
        "experiments": counted.experiments, "papers": counted.papers, "bugs": counted.bugs,
        "ideas": counted.ideas,
        "starred": counted.starred,
        "added": counted.todos_added, "done": counted.todos_done, "deferred": deferred(week_todos),
        "dropped": counted.todos_dropped,
        "days_logged": counted.days_logged,
        "days": counted.days,
        "est_minutes": sum(t.est_minutes or 0 for t in timed),
        "took_minutes": sum(t.took_minutes or 0 for t in timed),
        "timed": [{"text": _task_text(t), "date": t.date, "est": t.est_minutes, "took": t.took_minutes,
                   "citation": t.citation} for t in timed],
        "ratio": round(median(ratios), 2) if ratios else None,
        "idea_list": [{"text": _first(e), "date": e.date, "citation": e.citation}
                      for e in notes if e.section == "ideas"],
        "bug_texts": [_first(e) for e in notes if e.kind == "bug"],
        "waiting": waiting,
        "waited_out": waited_out,
        "reference_day": ref.isoformat(),
    }


def _first(hit: Hit) -> str:
    return hit.text.split("\n", 1)[0].strip()


def _task_text(hit: Hit) -> str:
    """A to-do's first line without its ``[key:: value]`` fields (they are in the figures)."""
    return " ".join(FIELD_PATTERN.sub(" ", _first(hit)).split())


def compute(log: Log, start: dt.date, today: dt.date, vectors: Vectors | None = None) -> dict[str, Any]:
    """The figures of the week starting on ``start`` (a Monday), of the week before, the norm,
    and the digests of the week's ideas and of what was done."""
    before = start - dt.timedelta(days=7)
    data = load(log, today, since=before, until=start + dt.timedelta(days=6))
    this = _week_figures(data.entries, data.todos, start, today)
    # A week in progress is compared with the same weekdays of the week before.
    passed = min(7, max(1, (today - start).days + 1))
    last = _week_figures(data.entries, data.todos, before, today, passed)
    with Index(log) as index:  # load() has just refreshed it
        earlier = tasks(index, Filters(until=start - dt.timedelta(days=1)), finished=True)
        ideas = digest(index, start, start + dt.timedelta(days=6), "ideas", vectors).as_json()
        done = digest(index, start, start + dt.timedelta(days=6), "done", vectors).as_json()
    norm = [r for r in map(_ratio, earlier) if r is not None]
    first = log.first_day()
    return {"week": this, "last": last, "norm": round(median(norm), 2) if norm else None,
            "norm_n": len(norm), "today": today.isoformat(), "ideas": ideas, "done": done,
            "first_day": first.isoformat() if first is not None else None}


# --- rendering the blocks ---


def _sign(n: float) -> str:
    return f"+{n:g}" if n > 0 else f"{n:g}" if n < 0 else "0"


def _recurring_phrase(texts: list[str]) -> tuple[str, int] | None:
    """The word pair (or, failing that, word) most bugs of the week share, if 2+ share one."""
    counts: Counter[str] = Counter()
    singles: Counter[str] = Counter()
    for text in texts:
        # a pair is two words written side by side: "NaN loss when tool output is empty" holds no
        # "loss tool"; and neither a tag (the project, shared by any two bugs of it) nor a word
        # with a digit (a run's name: grok-1205-91) says what went wrong
        said = _WORD.findall(FIELD_PATTERN.sub(" ", markdown.strip_tags(text).lower()))
        words = [None if w in _STOP or any(c.isdigit() for c in w) else w for w in said]
        counts.update({f"{a} {b}" for a, b in pairwise(words) if a is not None and b is not None})
        singles.update({w for w in words if w is not None and len(w) >= 4})
    for counter in (counts, singles):
        if counter:
            phrase, n = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            if n >= 2:
                return phrase, n
    return None


def _prompts(figures: dict[str, Any]) -> list[str]:
    # the prompts that quote the log (a bug phrase, the to-do that waited longest) are found by
    # reslog.model.quoted_words on the page: keep the two in step
    this, last, norm = figures["week"], figures["last"], figures["norm"]
    found: list[str] = []
    if not this["entries"] and not this["added"] and not this["done"]:
        return ["Nothing was logged this week: what got in the way, and what would make capture easier?"]
    shared = _recurring_phrase(this["bug_texts"])
    if shared:
        found.append(f"{shared[1]} bugs mention '{shared[0]}' this week: same cause?")
    if this["ratio"] is not None and norm is not None and abs(this["ratio"] - norm) >= 0.2:
        found.append(f"Tasks took {this['ratio']:g}x their estimates this week, against a norm of "
                     f"{norm:g}x: what made the difference?")
    if this["waiting"]:
        top = this["waiting"][0]
        found.append(f"{plural(len(this['waiting']), 'to-do')} waited {WAIT_DAYS}+ days (longest: "
                     f"'{top['text']}', {top['days']} days): do it, split it or drop it?")
    ref = dt.date.fromisoformat(this["reference_day"])
    start = dt.date.fromisoformat(this["start"])
    # the weekdays that are over, from the log's first page on: the week it began in asked what
    # happened on the days before it
    began = figures.get("first_day") or ""
    past = [(start + dt.timedelta(days=d)).isoformat() for d in range(5)]
    missing = [_DAYS[dt.date.fromisoformat(day).weekday()] for day in past
               if began <= day <= ref.isoformat() and day < figures["today"] and day not in this["days"]]
    if missing:
        those = "that day" if len(missing) == 1 else "those days"
        found.append(f"Nothing logged on {_join(missing)}: what happened {those}?")
    if this["experiments"] and not this["by_kind"].get("result"):
        found.append(f"{plural(this['experiments'], 'experiment')} and no result: entry: what did "
                     f"{'it' if this['experiments'] == 1 else 'they'} teach you?")
    if this["entries"] >= 5 and this["thoughts"] == 0:
        found.append("No thought:, feel: or decision: lines this week: why did you choose what you chose?")
    if not this["ideas"]:
        found.append("No ideas written down this week: where did your thinking go?")
    if this["starred"]:
        found.append(f"{plural(this['starred'], 'entry')} starred: what made "
                     f"{'it' if this['starred'] == 1 else 'them'} matter?")
    moves = [(this[k] - last[k], label) for k, label in _FIGURES if k not in ("entries", "days_logged")]
    down = min(moves, default=(0, ""))
    if down[0] <= -2 and last["entries"] and ref == start + dt.timedelta(days=6):
        found.append(f"Fewer {down[1]} than last week ({_sign(down[0])}): by choice?")
    if not found:  # every other block says what it has not found; an empty heading read as a fault
        found.append("No prompts from the figures this week: what went well, and what would you keep?")
    return found


#: Projects named on the week page's figures, the most used first.
PROJECTS_SHOWN = 6


def _projects_line(projects: dict[str, int]) -> list[str]:
    """``- Projects: moe 18, rm 9, calib 4 (and 2 more)``: what the week's entries were about, by
    the top level of their tags (none when no entry of the week carries a tag)."""
    if not projects:
        return []
    shown = ", ".join(f"{name} {n}" for name, n in list(projects.items())[:PROJECTS_SHOWN])
    more = len(projects) - PROJECTS_SHOWN
    return [f"- Projects (entries by tag): {shown}" + (f" (and {more} more)" if more > 0 else "")]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def render_blocks(figures: dict[str, Any]) -> dict[str, list[str]]:
    """The lines of each generated block, markers excluded, heading included. (An export finds
    the lines that quote an entry by :func:`reslog.model.quoted_entry`: keep the two in step.)"""
    this, last, norm = figures["week"], figures["last"], figures["norm"]
    empty = not this["entries"] and not this["added"] and not this["done"] and not this["dropped"]
    out: dict[str, list[str]] = {}
    lines = ["## The week in figures", ""]
    if empty:
        lines.append("Nothing logged this week.")
    else:
        kinds = ", ".join(f"{k} {n}" for k, n in this["by_kind"].items())
        lvl = this["by_level"]
        lines += [
            f"- Days logged: {this['days_logged']} of 7",
            f"- Entries: {this['entries']} ({plural(this['notes'], 'note')}"
            + (f": {kinds}" if kinds else "") + f"; {plural(this['todos'], 'to-do')})",
            *_projects_line(this.get("projects", {})),
            f"- By level: facts (0) {lvl['0']}, thoughts and ideas (1) {lvl['1']}, "
            f"reflection (2) {lvl['2']}; thoughts (thought:, feel:, decision:, nested ones included): "
            f"{this['thoughts']}",
            f"- Experiments: {this['experiments']}; papers read: {this['papers']}; bugs: {this['bugs']}; "
            f"ideas: {this['ideas']}; starred: {this['starred']}",
            f"- To-dos: {this['added']} added, {this['done']} done, {this['deferred']} deferred, "
            f"{this['dropped']} dropped",
        ]
    out["figures"] = lines
    lines = ["## Time: estimates against actuals", ""]
    if not this["timed"]:
        lines.append("No finished to-dos with an estimate and a time spent this week.")
    else:
        lines.append(f"- {plural(len(this['timed']), 'finished to-do')}: estimated "
                     f"{format_duration(this['est_minutes'])}, spent {format_duration(this['took_minutes'])}")
        earlier = plural(figures["norm_n"], "earlier to-do")
        norm_text = (f"the personal norm is {norm:g}x (median of {earlier})"
                     if norm is not None else "no earlier finished to-dos to compare with yet")
        lines.append(f"- Estimate ratio (median took/est): {this['ratio']:g}x this week; {norm_text}")
        for t in this["timed"]:
            lines.append(f"  - {t['text']}: est {format_duration(t['est'])}, "
                         f"took {format_duration(t['took'])} ([[{t['date']}]])")
    out["time"] = lines
    lines = ["## Tasks that keep waiting", ""]
    if not this["waiting"] and not this["waited_out"]:
        lines.append(f"No to-do has waited {WAIT_DAYS} days or more.")
    for w in this["waiting"]:
        lines.append(f"- {w['text']}: waiting {w['days']} days, since [[{w['since']}]]")
    for w in this["waited_out"]:
        lines.append(f"- {w['text']}: waited {w['days']} days, since [[{w['since']}]]; "
                     f"{w['state']} [[{w['date']}]]")
    out["waiting"] = lines
    out["ideas"] = _ideas(figures["ideas"])
    out["done"] = _done(figures["done"], iso_week(this["start"]))
    out["compare"] = _compare(this, last)
    out["prompts"] = ["## Prompts for the reflection", "", *[f"- {p}" for p in _prompts(figures)]]
    return out


def _ideas(ideas: dict[str, Any]) -> list[str]:
    """The week's ideas by theme (the digest): each theme named, new or recurring, each idea cited."""
    lines = ["## Ideas of the week", ""]
    if not ideas["themes"]:
        return [*lines, "No ideas this week."]
    lines += _not_embedded(ideas, "idea")
    for theme in ideas["themes"]:
        first = theme["first_seen"]
        status = "new" if first is None else f"recurring, first seen [[{first['date']}]]: {first['text']}"
        lines.append(f"- **{_label(theme)}** ({status})")
        lines += [_cited(idea) for idea in theme["entries"]]
    return lines


def _not_embedded(digested: dict[str, Any], noun: str) -> list[str]:
    """The line that says a digest's entries without vectors were grouped by words, if any were."""
    if not digested.get("not_embedded"):
        return []
    return [f"{plural(digested['not_embedded'], noun)} not embedded yet: grouped by shared words "
            "(run `reslog week` again once embedding is done).", ""]


def _label(theme: dict[str, Any]) -> str:
    """A theme's name: its words, or its first entry's text when it has none."""
    return ", ".join(theme["label"]) or theme["entries"][0]["text"]


def _cited(entry: dict[str, Any]) -> str:
    """An entry of a theme as the ideas and done blocks list it (the line redaction reads back:
    ``reslog.model``'s quoting patterns)."""
    source = f", from {entry['source']}" if entry["source"] else ""
    return f"  - {entry['text']} ([[{entry['date']}]]{source})"


def _done(done: dict[str, Any], week: str) -> list[str]:
    """The week's entries of What was done by theme (the digest), each cited: the themes of
    several entries first (at most :data:`DONE_THEMES`), then the entries that share a theme with
    none under one line, :data:`NO_THEME` (named by its own words, an entry's theme only said
    its title again); at most :data:`DONE_ENTRIES` entries, then how many more there are and the
    command that lists them all."""
    lines = ["## What was done", ""]
    if not done["themes"]:
        return [*lines, "Nothing under What was done this week."]
    lines += _not_embedded(done, "entry")
    shared = [(_label(t), t["entries"]) for t in done["themes"] if len(t["entries"]) > 1]
    alone = [e for t in done["themes"] if len(t["entries"]) == 1 for e in t["entries"]]
    room = DONE_ENTRIES
    for label, entries in [*shared[:DONE_THEMES], *([(NO_THEME, alone)] if alone else [])]:
        if not room:
            break
        lines.append(f"- **{label}** ({plural(len(entries), 'entry', 'entries')})")
        lines += [_cited(entry) for entry in entries[:room]]
        room -= min(room, len(entries))
    more = sum(len(t["entries"]) for t in done["themes"]) - (DONE_ENTRIES - room)
    if more:
        lines += ["", f"{plural(more, 'more entry', 'more entries')}: "
                      f"`reslog digest --week {week} --section done` lists them all."]
    return lines


def _compare(this: dict[str, Any], last: dict[str, Any]) -> list[str]:
    a, b = iso_week(last["start"]), iso_week(this["start"])
    lines = ["## Against last week", ""]
    if this["reference_day"] < this["end"]:
        upto = _DAYS[dt.date.fromisoformat(this["reference_day"]).weekday()]
        lines += [f"{b} so far, up to {long_date(dt.date.fromisoformat(this['reference_day']))}, against "
                  f"the same days of {a} (Monday to {upto}).", ""]
    lines += [f"| figure | {a} | {b} | change |", "| --- | ---: | ---: | ---: |"]
    up: list[str] = []
    down: list[str] = []
    for key, label in _FIGURES:
        diff = this[key] - last[key]
        lines.append(f"| {label} | {last[key]} | {this[key]} | {_sign(diff)} |")
        if diff:
            (up if diff > 0 else down).append(f"{label} ({_sign(diff)})")
    ratio = (last["ratio"], this["ratio"])
    lines.append("| estimate ratio | " + " | ".join("-" if r is None else f"{r:g}x" for r in ratio) + " | "
                 + ("-" if None in ratio else _sign(round(ratio[1] - ratio[0], 2))) + " |")
    lines += ["", f"- Up: {', '.join(up) or 'nothing'}", f"- Down: {', '.join(down) or 'nothing'}"]
    return lines


def _block(name: str, body: list[str]) -> list[str]:
    return [f"<!-- reslog:begin {name} -->", *body, f"<!-- reslog:end {name} -->"]


def new_page_text(name: str, start: dt.date, figures: dict[str, Any], rating: int | None = None) -> str:
    """A new week page: front matter, title, the generated blocks, the researcher's sections."""
    end = start + dt.timedelta(days=6)
    parts = ["---", f"week: {name}", *([f"rating: {rating}"] if rating is not None else []), "---",
             f"# Week {name}: {long_date(start)} to {long_date(end)}", ""]
    for block, body in render_blocks(figures).items():
        parts += [*_block(block, body), ""]
    for title in OWN_SECTIONS:
        parts += [f"## {title}", ""]
    return "\n".join(parts[:-1]) + "\n"


# --- editing an existing page ---


def _area_end(page: Page) -> int:
    """Where the generated area ends: the first of the researcher's section headings, else the end."""
    for section in page.sections:
        if week_own_section(section.title) is not None:
            return section.index
    return len(page.lines)


def _regenerate(page: Page, blocks: dict[str, list[str]]) -> tuple[Page, list[str]]:
    """Replace the inside of each well-formed marker pair; add blocks whose pair is missing or broken."""
    opaque = markdown.opaque_lines(page)
    end = _area_end(page)
    markers: list[tuple[int, str, str]] = []
    for i in range(page.body_start, end):
        match = _MARKER.match(markdown.line_body(page, i).strip())
        if match and not opaque[i]:
            markers.append((i, match.group(1), match.group(2)))
    pairs: dict[str, tuple[int, int]] = {}
    problems: list[str] = []
    used: set[int] = set()
    for n, (i, what, name) in enumerate(markers):
        if what != "begin" or n + 1 >= len(markers):
            continue
        j, what2, name2 = markers[n + 1]
        if what2 == "end" and name2 == name:
            used.update((i, j))
            if name in pairs:
                problems.append(f"a second '{name}' block (line {i + 1}) was left as it is")
            elif name in blocks:
                pairs[name] = (i, j)
    for i, what, name in markers:
        if i not in used:
            problems.append(f"the '{name}' {what} marker on line {i + 1} has no partner; left as it is")
    nl = page.newline
    lines = list(page.lines)
    after = _places(blocks, pairs, {name for _, _, name in markers})
    # Replace from the bottom up so that earlier indices stay valid.
    for name, (i, j) in sorted(pairs.items(), key=lambda kv: -kv[1][0]):
        if after.get(name):
            if not lines[j].endswith(("\n", "\r")):
                lines[j] += nl
            added = [body for new in after[name] for body in ["", *_block(new, blocks[new])]]
            if j + 1 < len(lines) and lines[j + 1].strip():  # keep a blank line before what follows
                added.append("")
            lines[j + 1:j + 1] = [body + nl for body in added]
        lines[i + 1:j] = [body + nl for body in blocks[name]]
    page = markdown.with_lines(page, lines)
    placed = {new for news in after.values() for new in news}
    missing = [name for name in blocks if name not in pairs and name not in placed]
    if not missing:
        return page, problems
    new: list[str] = []
    for name in missing:
        new += ["", *_block(name, blocks[name])]
        problems.append(f"the '{name}' block was missing or broken; a fresh one was added")
    end = _area_end(page)
    at = end
    while at > page.body_start and not page.lines[at - 1].strip():
        at -= 1
    if at == page.body_start:
        new = new[1:]
    if at == end and end < len(page.lines):  # no blank line before the researcher's heading
        new.append("")
    return markdown.insert_lines(page, at, new), problems


def _places(blocks: dict[str, list[str]], pairs: dict[str, tuple[int, int]], named: set[str]
            ) -> dict[str, list[str]]:
    """The blocks no marker names (a page written before they existed), by the pair each follows:
    the nearest block before it in :data:`BLOCKS` that has one. A page of an earlier version
    gains "What was done" after its ideas, quietly; a block whose markers are broken is not
    guessed at (:func:`_regenerate` adds it at the end, and says so)."""
    after: dict[str, list[str]] = {}
    order = [name for name in BLOCKS if name in blocks]
    for n, name in enumerate(order):
        if name in named:
            continue
        anchor = next((earlier for earlier in reversed(order[:n]) if earlier in pairs), None)
        if anchor is not None:
            after.setdefault(anchor, []).append(name)
    return after


def _set_front(page: Page, name: str, rating: int | None) -> Page:
    """Add ``week:`` if missing and set ``rating:``; every other line stays as it was."""
    nl = page.newline
    lines = list(page.lines)
    if page.body_start == 0:  # no front matter: add one
        head = ["---", f"week: {name}", *([f"rating: {rating}"] if rating is not None else []), "---"]
        return markdown.with_lines(page, [body + nl for body in head] + lines)
    close = page.body_start - 1
    if rating is not None:
        found = [i for i in range(1, close) if _RATING.match(lines[i])]
        if found:
            old = lines[found[-1]]
            lines[found[-1]] = f"rating: {rating}" + old[len(old.rstrip("\r\n")):]
        else:
            lines.insert(close, f"rating: {rating}{nl}")
    if not any(_WEEK_KEY.match(lines[i]) for i in range(1, close)):
        lines.insert(1, f"week: {name}{nl}")
    return markdown.with_lines(page, lines)


# --- the researcher's sections, edited in place ---


def _own_span(page: Page, key: str) -> tuple[int, int] | None:
    """(heading line, end) of the researcher's section ``key`` (the first one with its heading),
    with the sections of the researcher's own headings that follow it ("## Lessons" written
    inside a reflection), up to the next of the two. Cut at its own heading, such a reflection
    came back into the web editor without its second half, and each save left that half below."""
    sections = page.sections
    for n, section in enumerate(sections):
        if week_own_section(section.title) == key:
            end = section.end
            for later in sections[n + 1:]:
                if week_own_section(later.title) is not None:
                    break
                end = later.end
            return section.index, end
    return None


def own_text(page: Page, key: str) -> str:
    """The text of the researcher's section ``key`` (``reflection`` or ``focus``) as an editor
    shows it: its lines without the heading and without blank lines around them."""
    if key not in OWN_KEYS:
        raise InputError(f"unknown section {key!r}; use one of: {', '.join(OWN_KEYS)}")
    span = _own_span(page, key)
    if span is None:
        return ""
    return "\n".join(markdown.line_body(page, i) for i in range(span[0] + 1, span[1])).strip("\n")


def save_own_text(log: Log, year: int, week: int, key: str, text: str, expected: str) -> Page:
    """Replace the researcher's section ``key`` of a week page with ``text``, under the lock.

    ``expected`` is :func:`~reslog.store.content_hash` of :func:`own_text` as the editor loaded
    it: when the section changed since (in another tab, an editor, a sync), nothing is written
    and :class:`~reslog.errors.ConflictError` carries the section as it is now. Only the
    section's own lines change; the generated blocks and every other line stay as they are. A
    page that does not exist yet is refused (make it with :func:`refresh` first)."""
    if key not in OWN_KEYS:
        raise InputError(f"unknown section {key!r}; use one of: {', '.join(OWN_KEYS)}")
    name = week_name(year, week)
    path = week_file(log, year, week)
    body = [line.rstrip() for line in markdown.split_lines(text.replace("\r\n", "\n").replace("\r", "\n"))]
    while body and not body[-1].strip():
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    with log.locked():
        page = log.read_page(path)
        if page is None:
            raise InputError(f"there is no page for {name} yet; make it with 'reslog week {name}' first")
        current = own_text(page, key)
        if content_hash(current) != expected:
            raise ConflictError(
                f"the {OWN_KEYS[key][0]} of {name} changed since it was loaded; nothing was saved. "
                "Compare both versions, then save again",
                current,
            )
        if current == "\n".join(body):
            return page
        nl = page.newline
        span = _own_span(page, key)
        lines = list(page.lines)
        if span is None:  # the heading was deleted by hand: add it back at the end
            if lines and not lines[-1].endswith(("\n", "\r")):
                lines[-1] += nl
            if lines and lines[-1].strip():
                lines.append(nl)
            lines.append(f"## {OWN_KEYS[key][0]}{nl}")
            start = end = len(lines)
        else:
            start, end = span[0] + 1, span[1]
        new = [nl] + [line + nl for line in body] if body else [nl]
        if end < len(lines):
            new.append(nl)  # a blank line before the next heading
        lines[start:end] = new
        page = markdown.with_lines(page, lines)
        log.write_page(path, page)
    return page
