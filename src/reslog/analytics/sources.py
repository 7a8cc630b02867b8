"""Where did my important information and my ideas come from? (``reslog stats sources``)

The *source* of an entry is its ``[from:: ...]`` field (``- 08:05 Use external
tools in reward modeling [from:: chat with Yitao]``). Sources are grouped
lightly: case and spaces are folded, and ``chat with <anyone>`` counts as
``chat`` (the raw sources are kept beside, in ``*_by_raw_source``). An entry
without a source counts as ``(no source)``.

- *Ideas* are the entries of the *Random ideas* section; ``ideas_by_source``
  counts them by source.
- *Information*: the other entries that name a source (a paper read ``[from:: reading
  group]``, what a chat taught); ``information_by_source`` counts them by source.
- *Starred* entries (``★``), in any section; ``starred_by_source`` counts them
  by source, ``starred_by_kind`` by kind (exp, read, ...), since most starred
  facts have no ``from``.
- An idea is *followed up* by the first later entry (a later day, or the same
  day at a later time) that is an experiment (``exp:``), a decision
  (``decision:``) or a to-do, and that either
  * shares at least two of the idea's *distinctive words*, and at least half
    of them (content words of four letters or more found in at most 2% of the
    entries in scope, or in at most 5 entries of a small log, so that project
    names and everyday words do not count), or
  * cites the idea's day in its first line, outside ``[key:: value]`` fields
    (``[[2026-11-20]]`` or ``2026-11-20``), and shares at least one
    distinctive word with it (or the idea is that day's only one).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from reslog.analytics.bugs import rough_words
from reslog.analytics.data import Data, cite, example
from reslog.cells import pad, shorten
from reslog.markdown import strip_fields
from reslog.model import FIELD_VALUE
from reslog.search import Hit
from reslog.words import plural

NO_SOURCE = "(no source)"
MIN_SHARED = 2
MIN_LETTERS = 4
DISTINCT_SHARE = 0.02
MIN_LIMIT = 5
_FOLLOW_KINDS = frozenset({"exp", "decision"})
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_FIELD = re.compile(r"\[[^\[\]:]+::" + FIELD_VALUE + r"\]")
_CHAT = re.compile(r"^(chat|talk|call|meeting|conversation|discussion)\s+with\b")


def source_group(raw: str | None) -> str:
    """``chat with Yitao`` -> ``chat``; ``Twitter `` -> ``twitter``; none -> ``(no source)``."""
    if raw is None or not raw.strip():
        return NO_SOURCE
    folded = " ".join(raw.lower().split())
    match = _CHAT.match(folded)
    return match.group(1) if match else folded


def _raw(raw: str | None) -> str:
    return " ".join(raw.split()) if raw and raw.strip() else NO_SOURCE


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _by_source(hits: list[Hit]) -> dict[str, Any]:
    groups: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        groups[source_group(h.source)].append(h)
    return {
        "counts": _ranked(Counter({k: len(v) for k, v in groups.items()})),
        "raw": _ranked(Counter(_raw(h.source) for h in hits)),
        "citations": {k: [cite(h) for h in v] for k, v in sorted(groups.items())},
    }


def _key(h: Hit) -> tuple[str, str, int]:
    return (h.date, h.time or "", h.line)


def _follow_ups(data: Data, ideas: list[Hit]) -> list[dict[str, Any]]:
    entries = data.entries
    vocab = [{w for w in rough_words(h.text) if len(w) >= MIN_LETTERS} for h in entries]
    df: Counter[str] = Counter(w for ws in vocab for w in ws)
    limit = max(MIN_LIMIT, int(DISTINCT_SHARE * len(entries)))
    keys = [_key(h) for h in entries]
    later = [i for i, h in enumerate(entries) if h.kind in _FOLLOW_KINDS or h.section == "todo"]
    holders: dict[str, list[int]] = defaultdict(list)
    cites_day: dict[str, list[int]] = defaultdict(list)
    for i in later:
        for w in vocab[i]:
            if df[w] <= limit:
                holders[w].append(i)
        head = entries[i].text.split("\n", 1)[0]
        if "-" in head:
            for day in set(_DATE.findall(_FIELD.sub(" ", head))):
                cites_day[day].append(i)
    position = {id(h): n for n, h in enumerate(entries)}
    ideas_per_day = Counter(h.date for h in ideas)
    found: list[dict[str, Any]] = []
    for idea in ideas:
        n = position.get(id(idea))
        own = {w for w in (vocab[n] if n is not None else rough_words(idea.text)) if df[w] <= limit}
        start = _key(idea)
        shared: Counter[int] = Counter()
        for w in own:
            for i in holders[w]:
                if keys[i] > start:
                    shared[i] += 1
        need = max(MIN_SHARED, (len(own) + 1) // 2)
        hits = [i for i, k in shared.items() if k >= need]
        how = "words"
        linked = [i for i in cites_day.get(idea.date, []) if keys[i] > start
                  and (shared[i] >= 1 or ideas_per_day[idea.date] == 1)]
        by_words = min((keys[i] for i in hits), default=None)
        if linked and (by_words is None or min(keys[i] for i in linked) <= by_words):
            hits, how = linked, "link"
        if not hits:
            continue
        first = min(hits, key=lambda i: keys[i])
        follow = entries[first]
        common = sorted(w for w in own if first in holders[w])
        found.append({"idea": cite(idea), "source": source_group(idea.source), "follow_up": cite(follow),
                      "kind": follow.kind or ("todo" if follow.section == "todo" else "note"),
                      "by": how, "shared_words": common, "citations": [cite(idea), cite(follow)]})
    return found


def compute(data: Data) -> dict[str, Any]:
    """Ideas and starred entries by source, and which ideas were followed up."""
    ideas = [h for h in data.entries if h.section == "ideas"]
    starred = [h for h in data.entries if h.starred]
    informed = [h for h in data.entries if h.section != "ideas" and h.source and h.source.strip()]
    by_idea = _by_source(ideas)
    by_info = _by_source(informed)
    by_star = _by_source(starred)
    follow = _follow_ups(data, ideas) if ideas else []
    followed_by_source: Counter[str] = Counter(f["source"] for f in follow)
    rate = {k: {"ideas": n, "followed_up": followed_by_source.get(k, 0),
                "share": round(followed_by_source.get(k, 0) / n, 3)}
            for k, n in by_idea["counts"].items()}
    kinds: Counter[str] = Counter(h.kind or ("todo" if h.section == "todo" else h.section or "note")
                                  for h in starred)
    result: dict[str, Any] = {
        "topic": "sources", "ideas": len(ideas), "starred": len(starred),
        "ideas_by_source": by_idea["counts"], "ideas_by_raw_source": by_idea["raw"],
        "information": len(informed), "information_by_source": by_info["counts"],
        "information_by_raw_source": by_info["raw"],
        "starred_by_source": by_star["counts"], "starred_by_raw_source": by_star["raw"],
        "starred_by_kind": _ranked(kinds),
        "followed_up": follow, "followed_up_count": len(follow), "follow_up_by_source": rate,
        "citations": {"ideas": by_idea["citations"], "information": by_info["citations"],
                      "starred": by_star["citations"]},
    }
    if not ideas and not starred and not informed:
        result["message"] = ("no ideas and no starred entries in scope yet "
                             "(add ideas with a source: `[from:: paper]`, star what matters with ★)")
    return result


#: The sources of ideas of which the terminal quotes an idea (the latest).
EXAMPLES = 3


def render(result: dict[str, Any]) -> list[str]:
    """Terminal lines: the two tallies and the followed-up ideas."""
    if "message" in result:
        return [result["message"]]
    lines: list[str] = []
    tallies = ((("idea", "ideas"), "ideas_by_source", result["ideas"]),
               (("other entry", "other entries"), "information_by_source", result.get("information", 0)),
               (("starred entry", "starred entries"), "starred_by_source", result["starred"]))
    for (one, many), key, total in tallies:
        if key == "information_by_source":
            if not total:  # a log that names no source beyond its ideas: the ideas' tally says it
                continue
            lines.append(f"{plural(total, one, many)} name{'s' if total == 1 else ''} a source "
                         "(what was read, heard, discussed):")
        else:
            lines.append(f"{plural(total, one, many)} by source:" if total else f"no {many} in scope")
        for source, n in list(result[key].items())[:12]:
            lines.append(f"  {pad(source, 24)} {n:>5}  {100 * n / total:5.1f}%")
        if len(result[key]) > 12:
            lines.append(f"  ... and {plural(len(result[key]) - 12, 'more source')}")
        if key == "ideas_by_source":  # which ideas: the latest of each of the first sources
            cited = result["citations"]["ideas"]
            lines += [example(f"  e.g. {source}: ", cited[source][-1])
                      for source in list(result[key])[:EXAMPLES] if cited.get(source)]
    if result["ideas"]:
        some = result["followed_up_count"] > 0
        lines.append(f"{result['followed_up_count']} of {plural(result['ideas'], 'idea')} followed up later"
                     + (":" if some else "."))
        for f in result["followed_up"][-8:]:
            # without fields: the source is in brackets, and a cut inside one left it open
            idea, later = (shorten(strip_fields(f[key]["text"]), width) for key, width in
                           (("idea", 50), ("follow_up", 56)))
            lines.append(f"  {f['idea']['date']} {idea}  [{f['source']}]")
            lines.append(f"    -> {f['follow_up']['date']} {f['kind']}: {later}"
                         f"  ({f['follow_up']['file']}:{f['follow_up']['line']})")
    return lines


def plot(result: dict[str, Any], path: Path) -> None:
    """Horizontal bars: ideas by source, and starred entries by source."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 6))
    try:
        panels = ((axes[0], "Ideas by source", result["ideas_by_source"], result["ideas"], "ideas"),
                  (axes[1], "Starred entries by source", result["starred_by_source"], result["starred"],
                   "starred entries"))
        followed = {k: v["followed_up"] for k, v in result["follow_up_by_source"].items()}
        for ax, title, counts, total, what in panels:
            items = list(counts.items())[:15]
            if not items:
                ax.text(0.5, 0.5, f"no {what} in scope yet", ha="center", va="center", transform=ax.transAxes)
                ax.set_axis_off()
                ax.set_title(title)
                continue
            labels = [k for k, _ in items][::-1]
            values = [v for _, v in items][::-1]
            ax.barh(labels, values, color="tab:blue", label=what)
            if what == "ideas" and any(followed.values()):
                ax.barh(labels, [followed.get(k, 0) for k in labels], color="tab:orange",
                        label="followed up later")
                ax.legend(loc="lower right")
            for y, v in enumerate(values):
                ax.text(v, y, f" {v}", va="center", fontsize="small")
            ax.set_xlabel(f"{what} (count)")
            ax.set_title(f"{title} ({total})")
            ax.margins(x=0.12)
        fig.suptitle("Where ideas and important information came from")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
