"""Which bugs keep recurring? (``reslog stats bugs``)

Bug entries are the entries of kind ``bug`` (``- 10:30 bug: off-by-one in the
loader ... #w2s`` on a day page). They are grouped into recurring categories
by their words, not only by their tags, with no model and no randomness:

1. The first line of each bug is reduced to *words*: lower case, ``#tags``,
   ``[key:: value]`` fields, links, numbers, hex and paths dropped, stop words
   dropped, a light stemmer (``losses`` -> ``loss``, ``seeded`` -> ``seed``),
   and a few spellings made one (``out of memory`` -> ``oom``, ``NaNs`` -> ``nan``).
2. A *key term* (a word or a pair of adjacent words) is distinctive when it is
   at least 3 times more frequent in bugs than in the rest of the log (fixes
   left out, since they restate their bug), or never occurs outside bugs.
   Greedily, the term that covers the most still-unassigned bugs opens a
   category and takes those bugs, strongly distinctive terms (10 times, or
   never outside bugs) first; this repeats while a term covers at least two
   bugs. Ties go to the pair of words, then to the term that comes earlier in
   its bugs (a bug's first words tend to name it), then alphabetically, so
   the result is deterministic.
3. Two categories merge when their shared words (those in at least half the
   members) overlap with Jaccard >= 0.5, or when a distinctive word is in
   three quarters of the members of both (``evaluated the step-0 checkpoint``
   and ``resumed from the wrong checkpoint``). A category is labelled by its
   key term, plus the next word three quarters of its members share, spelled
   as most often written. Bugs left over form ``other``.

Trend: counts per month (per quarter when the scope spans more than three
years), and the last 90 days against the average 90 days of the scope.

Bug -> fix: a ``fix:`` entry links a bug when it cites the bug's day
(``(fixes the OOM from 2026-11-20)``, ``[[2026-11-20]]``) or, on the same day,
its time (``fixes the 10:30 bug``); among several bugs so cited, the one
sharing most words with the fix. A bug not linked that way is fixed by the
next fix, not linked otherwise, with the same (non-empty) tags within 14 days
(among several such bugs, the one sharing most words with the fix, then the
latest). Days to fix are the days between the two pages; the median is
reported overall and per category.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from statistics import median
from typing import Any

from reslog.analytics.data import Data, cite, example
from reslog.cells import cells, pad
from reslog.model import FIELD_VALUE
from reslog.search import Hit
from reslog.words import plural

_FIELD = re.compile(r"\[[^\[\]:]+::" + FIELD_VALUE + r"\]")
_LINK = re.compile(r"\[\[[^\[\]]*\]\]")
_DIGIT = re.compile(r"\d")
_EDGE = ".,:;!?()[]{}'\"`*_<>="
_STEMS: dict[str, str] = {}
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_SPELLINGS = (("memory", re.compile(r"\bout[ -]of[ -]memory\b"), "oom"),
              ("nans", re.compile(r"\bnans\b"), "nan"),
              ("by", re.compile(r"\boff[ -]by[ -]one\b"), "off-by-one"))
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_TIME = re.compile(r"\b([01]\d|2[0-3]):([0-5]\d)\b")
_STOP_WORDS = (
    "a about above after again against all also am an and any are as at be because been before being "
    "below between both but by can could did do does doing done down during each few for from further "
    "had has have having he her here hers him his how i if in into is it its just me more most my no "
    "nor not now of off on once only or other our out over own same she should so some such than that "
    "the their them then there these they this those through to too under until up very was we were "
    "what when where which while who whom why will with would you your yet via vs per still got get "
    "gets went go goes new one two three fix fixes fixed bug bugs today yesterday gave give given "
    "made make took take used use using put set instead"
)
STOP = frozenset(_STOP_WORDS.split())
FIX_WINDOW_DAYS = 14
_MIN_LIFT = 3.0
_STRONG_LIFT = 10.0


def _stem(word: str) -> str:
    if "-" in word or len(word) <= 3:
        return word
    for suffix, repl, keep in (("ies", "y", 3), ("sses", "ss", 3), ("ing", "", 4), ("ed", "", 4),
                               ("s", "", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


def words(text: str) -> list[str]:
    """The content words of an entry's first line, normalised and stemmed, in order."""
    line = text.split("\n", 1)[0].lower()
    if "[" in line:
        line = _FIELD.sub(" ", _LINK.sub(" ", line))
    for hint, pattern, repl in _SPELLINGS:
        if hint in line:
            line = pattern.sub(repl, line)
    out: list[str] = []
    for token in line.split():
        token = token.strip(_EDGE)
        if not token or token[0] == "#" or "/" in token or "\\" in token:
            continue
        if token.isalpha():
            if token not in STOP and len(token) > 1:
                out.append(_STEMS.get(token) or _STEMS.setdefault(token, _stem(token)))
        elif not _DIGIT.search(token):
            out.extend(_stem(w) for w in _WORD.findall(token) if w not in STOP and len(w) > 1)
    return out


def rough_words(text: str) -> list[str]:
    """The words of an entry's first line, as :func:`words` but faster and rougher: fragments of
    numbers, tags and paths stay (for frequencies over the whole log, where they hardly matter)."""
    line = text.split("\n", 1)[0].lower()
    if "[" in line:
        line = _FIELD.sub(" ", line)
    for hint, pattern, repl in _SPELLINGS:
        if hint in line:
            line = pattern.sub(repl, line)
    stems = _STEMS
    return [stems.get(w) or stems.setdefault(w, _stem(w)) for w in _WORD.findall(line) if w not in STOP]


def _terms(ws: list[str]) -> set[str]:
    return set(ws) | {f"{a} {b}" for a, b in itertools.pairwise(ws) if a != b}


def _lifts(bug_terms: list[set[str]], others: list[Hit]) -> dict[str, float]:
    """How much more often each recurring bug term occurs in bugs than in the other entries."""
    df_bug: Counter[str] = Counter(t for ts in bug_terms for t in ts)
    wanted = {t for t, n in df_bug.items() if n >= 2}
    unigrams = {t for t in wanted if " " not in t}
    df_rest: Counter[str] = Counter()
    for h in others:
        ws = [w for w in rough_words(h.text) if w in unigrams]
        found = set(ws)
        found.update(f"{a} {b}" for a, b in itertools.pairwise(ws))
        df_rest.update(found & wanted)
    n_bug, n_rest = len(bug_terms), max(1, len(others))
    return {t: (df_bug[t] / n_bug) / (df_rest[t] / n_rest) if df_rest[t] else math.inf for t in wanted}


def _categories(bugs: list[Hit], others: list[Hit]) -> list[tuple[str, list[int]]]:
    bug_words = [words(h.text) for h in bugs]
    bug_terms = [_terms(w) for w in bug_words]
    lift = _lifts(bug_terms, others)
    keys = {t for t, v in lift.items() if v >= _MIN_LIFT}
    holders: dict[str, list[int]] = defaultdict(list)
    place: Counter[str] = Counter()
    for i, ts in enumerate(bug_terms):
        first = {w: n for n, w in reversed(list(enumerate(bug_words[i])))}
        for t in ts & keys:
            holders[t].append(i)
            place[t] += first[t.split(" ", 1)[0]]
    free = set(range(len(bugs)))
    groups: list[tuple[str, list[int]]] = []
    while True:
        best: tuple[float, float, float, str] | None = None
        for t in sorted(keys):
            cover = sum(1 for i in holders[t] if i in free)
            if cover < 2:
                continue
            candidate = (float(lift[t] >= _STRONG_LIFT), cover + 0.5 * t.count(" "),
                         -place[t] / len(holders[t]), t)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
        if best is None:
            break
        members = [i for i in holders[best[3]] if i in free]
        free.difference_update(members)
        groups.append((best[3], members))
    merged = _merge(groups, bug_words, lift)
    if free:
        merged.append(("other", sorted(free)))
    return merged


def _shared(members: list[int], bug_words: list[list[str]]) -> list[str]:
    """Words found in at least half the members, most frequent first, then by position."""
    count: Counter[str] = Counter(w for i in members for w in set(bug_words[i]))
    position: dict[str, float] = defaultdict(float)
    for i in members:
        for at, w in enumerate(bug_words[i]):
            position[w] += at / len(members)
    shared = [w for w, n in count.items() if 2 * n >= len(members)]
    return sorted(shared, key=lambda w: (-count[w], position[w], w))


def _merge(groups: list[tuple[str, list[int]]], bug_words: list[list[str]],
           lift: dict[str, float]) -> list[tuple[str, list[int]]]:
    """Join categories that share most of their words, or a distinctive word nearly all members have."""
    profiles = [_shared(m, bug_words) for _, m in groups]
    common = [{w for w in p
               if lift.get(w, 0) >= _MIN_LIFT and 4 * sum(w in bug_words[i] for i in m) >= 3 * len(m)}
              for p, (_, m) in zip(profiles, groups, strict=True)]
    alive = [True] * len(groups)
    result = [(key, list(members)) for key, members in groups]
    for i in range(len(groups)):
        if not alive[i]:
            continue
        for j in range(i + 1, len(groups)):
            a, b = set(profiles[i]), set(profiles[j])
            if alive[j] and a and b and (len(a & b) * 2 >= len(a | b) or common[i] & common[j]):
                result[i][1].extend(result[j][1])
                alive[j] = False
    return [(_label(key, members, bug_words), sorted(members))
            for (key, members), live in zip(result, alive, strict=True) if live]


def _spelled(label: str, texts: list[str]) -> str:
    """A label of stems spelled as its words most often appear in the bugs (``evaluat`` -> ``evaluated``)."""
    wanted = set(label.split())
    seen: dict[str, Counter[str]] = {w: Counter() for w in wanted}
    for text in texts:
        for token in _WORD.findall(text.split("\n", 1)[0].lower()):
            stem = _stem(token)
            if stem in wanted:
                seen[stem][token] += 1
    return " ".join(min(seen[w].items(), key=lambda kv: (-kv[1], kv[0]))[0] if seen[w] else w
                    for w in label.split())


def _label(key: str, members: list[int], bug_words: list[list[str]]) -> str:
    """The key term, with the next most shared word when three quarters of the members have it."""
    extra = [w for w in _shared(members, bug_words) if w not in key.split()][:1]
    if not extra or 4 * sum(extra[0] in bug_words[i] for i in members) < 3 * len(members):
        return key
    shared = _shared(members, bug_words)
    parts = [w for w in shared if w in key.split() or w == extra[0]]
    return " ".join(parts) if len(parts) == key.count(" ") + 2 else key


def _count(members: list[int], bug_words: list[list[str]], word: str) -> int:
    return sum(word in bug_words[i] for i in members)


def _period(day: str, quarterly: bool) -> str:
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}" if quarterly else day[:7]


def _periods(first: str, last: str, quarterly: bool) -> list[str]:
    out: list[str] = []
    y, m = int(first[:4]), int(first[5:7])
    while f"{y:04d}-{m:02d}" <= last[:7]:
        p = _period(f"{y:04d}-{m:02d}-01", quarterly)
        if not out or out[-1] != p:
            out.append(p)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _link_fixes(bugs: list[Hit], fixes: list[Hit]) -> dict[int, int]:
    """bug index -> fix index."""
    by_day: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(bugs):
        by_day[b.date].append(i)
    bug_words = [set(words(b.text)) for b in bugs]
    fixed: dict[int, int] = {}
    linked: set[int] = set()
    for f, fix in enumerate(fixes):
        first = fix.text.split("\n", 1)[0]
        days = _DATE.findall(first)
        times = {f"{h}:{m}" for h, m in _TIME.findall(_DATE.sub(" ", first))}
        candidates = [i for d in (days or ([fix.date] if times else [])) for i in by_day.get(d, [])
                      if i not in fixed and (bugs[i].date, bugs[i].time or "") <= (fix.date, fix.time or "")]
        if times and not days:
            candidates = [i for i in candidates if bugs[i].time in times]
        if not candidates:
            continue
        fw = set(words(first))
        best = max(candidates, key=lambda i: (len(bug_words[i] & fw), -i))
        fixed[best] = f
        linked.add(f)
    open_bugs: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, b in enumerate(bugs):
        if i not in fixed and b.tags:
            open_bugs[tuple(sorted(b.tags))].append(i)
    for f, fix in enumerate(fixes):
        if f in linked or not fix.tags:
            continue
        day = dt.date.fromisoformat(fix.date)
        queue = open_bugs.get(tuple(sorted(fix.tags)), [])
        candidates = []
        for i in reversed(queue):  # in date order: walk back from the newest, stop past the window
            if (bugs[i].date, bugs[i].time or "") >= (fix.date, fix.time or ""):
                continue
            if (day - dt.date.fromisoformat(bugs[i].date)).days > FIX_WINDOW_DAYS:
                break
            candidates.append(i)
        if candidates:
            fw = set(words(fix.text))
            best = max(candidates, key=lambda i: (len(bug_words[i] & fw), i))
            fixed[best] = f
            queue.remove(best)
    return fixed


def compute(data: Data) -> dict[str, Any]:
    """Bug categories ranked by count, with examples, trend and days to fix."""
    bugs = [h for h in data.entries if h.kind == "bug"]
    fixes = [h for h in data.entries if h.kind == "fix"]
    result: dict[str, Any] = {"topic": "bugs", "bugs": len(bugs), "fixes": len(fixes), "categories": [],
                              "periods": [], "period": "month", "fixed": 0, "median_days_to_fix": None,
                              "citations": [cite(h) for h in bugs]}
    if not bugs:
        result["message"] = "no bug entries in scope yet (log one with `bug: ...`)"
        return result
    others = [h for h in data.entries if h.kind not in ("bug", "fix")]
    groups = _categories(bugs, others)
    fixed = _link_fixes(bugs, fixes)
    first, last = min(h.date for h in bugs), max(h.date for h in bugs)
    span_days = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    quarterly = span_days > 3 * 366
    periods = _periods(first, last, quarterly)
    end = dt.date.fromisoformat(last)
    categories: list[dict[str, Any]] = []
    for label, members in groups:
        hits = [bugs[i] for i in members]
        label = _spelled(label, [h.text for h in hits])
        per = Counter(_period(h.date, quarterly) for h in hits)
        recent = sum((end - dt.date.fromisoformat(h.date)).days < 90 for h in hits)
        average = len(hits) * 90 / max(span_days, 90)
        trend = ("rising" if recent > 1.5 * average + 0.5 else
                 "falling" if recent < 0.5 * average - 0.5 else "steady")
        pairs = [(bugs[i], fixes[fixed[i]]) for i in members if i in fixed]
        days = [(dt.date.fromisoformat(f.date) - dt.date.fromisoformat(b.date)).days for b, f in pairs]
        categories.append({
            "label": label, "count": len(hits), "tags": [t for t, _ in Counter(
                t for h in hits for t in h.tags).most_common(3)],
            "first": hits[0].date, "last": hits[-1].date,
            "examples": [cite(h) for h in hits[-3:]],
            "by_period": [per.get(p, 0) for p in periods],
            "last_90_days": recent, "per_90_days": round(average, 2), "trend": trend,
            "fixed": len(pairs), "median_days_to_fix": median(days) if days else None,
            "fixes": [{"bug": cite(b), "fix": cite(f), "days": d}
                      for (b, f), d in zip(pairs, days, strict=True)],
            "citations": [cite(h) for h in hits],
        })
    categories.sort(key=lambda c: (-c["count"], c["label"] == "other", c["label"]))
    all_days = [d["days"] for c in categories for d in c["fixes"]]
    result.update(categories=categories, periods=periods, period="quarter" if quarterly else "month",
                  fixed=len(all_days), median_days_to_fix=median(all_days) if all_days else None)
    return result


def _fmt_days(value: float | None) -> str:
    return "-" if value is None else f"{value:g} d"


def render(result: dict[str, Any]) -> list[str]:
    """Terminal lines: one line per category, with its last example."""
    if not result["categories"]:
        return [result.get("message", "no bug entries in scope yet")]
    lines = [f"{plural(result['bugs'], 'bug')} in {plural(len(result['categories']), 'category')}; "
             f"{result['fixed']} linked to a fix, median {_fmt_days(result['median_days_to_fix'])} to fix"]
    width = max(cells(c["label"]) for c in result["categories"])
    for c in result["categories"]:
        ex = c["examples"][-1]
        lines.append(f"  {pad(c['label'], width)}  {c['count']:>4}  {c['trend']:<7}  "
                     f"fix {_fmt_days(c['median_days_to_fix']):>6}  {c['first']}..{c['last']}")
        lines.append(example("    e.g. ", ex))  # the citation names the day
    return lines


def plot(result: dict[str, Any], path: Path) -> None:
    """Stacked bars of bug categories per month (or quarter)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 5.5))
    try:
        periods = result["periods"]
        cats = result["categories"]
        if not cats:
            ax.text(0.5, 0.5, "no bug entries in scope yet", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            shown = cats if len(cats) <= 10 else cats[:9]
            rest = ([sum(v) for v in zip(*(c["by_period"] for c in cats[9:]), strict=True)]
                    if len(cats) > 10 else [])
            series = [(c["label"], c["by_period"]) for c in shown] + ([("all others", rest)] if rest else [])
            bottom = [0] * len(periods)
            cmap = plt.get_cmap("tab10")
            for n, (label, values) in enumerate(series):
                ax.bar(range(len(periods)), values, bottom=bottom, label=f"{label}", color=cmap(n % 10),
                       width=0.85)
                bottom = [a + b for a, b in zip(bottom, values, strict=True)]
            step = max(1, len(periods) // 16)
            ax.set_xticks(range(0, len(periods), step))
            ax.set_xticklabels(periods[::step], rotation=45, ha="right")
            ax.set_xlabel(result["period"])
            ax.set_ylabel(f"bugs per {result['period']} (count)")
            ax.legend(title="bug category", fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.set_title(f"Bug categories over time ({plural(result['bugs'], 'bug')})")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
