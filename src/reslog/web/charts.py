"""Server-rendered SVG charts and the citations behind the figures of ``reslog stats``.

No script and no style attribute (the pages' Content-Security-Policy forbids
inline style): shapes carry classes that the stylesheet colours, and every
label is escaped. Each topic gets the chart that answers its question:

* time: took/est by tag (1.0 marked), and by month;
* bugs: recurring bug categories; sources: ideas by source;
* focus: each project's share of the latest periods; weeks: entries per week
  (and the rating when there is one); habits: entries by hour of the day.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

__all__ = ["bars", "behind", "chart"]

_W = 480
_TITLE = re.compile(r"<title>([^<]*)</title>")
_ROW = 22
_LEFT = 150


def _esc(value: object) -> str:
    return html.escape(str(value))


def bars(title: str, rows: list[tuple[str, float, str]], unit: str = "", mark: float | None = None,
         href: str | None = None) -> str:
    """A horizontal bar chart: (label, value, value as shown) per row, largest scale first.

    ``mark`` draws a reference line (1.0 for took/est); ``href`` with ``{label}`` links each
    row to a search for its label."""
    if not rows:
        return ""
    top = max(max(v for _, v, _ in rows), mark or 0) or 1.0
    width = _W - _LEFT - 95
    height = _ROW * len(rows) + 30
    parts = [f'<svg class="chart" viewBox="0 0 {_W} {height}" role="img" aria-label="{_esc(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{_esc(title)}</title>']
    for n, (label, value, shown) in enumerate(rows):
        y = 10 + n * _ROW
        w = max(1.0, value / top * width)
        text = f'<text class="label" x="{_LEFT - 8}" y="{y + 14}" text-anchor="end">{_esc(label[:24])}</text>'
        if href:
            link = href.format(label=quote(label, safe="/"))
            text = f'<a href="{_esc(link)}">{text}</a>'
        parts.append(text)
        parts.append(f'<rect class="bar" x="{_LEFT}" y="{y + 3}" width="{w:.1f}" height="{_ROW - 7}" '
                     'rx="2"/>')
        parts.append(f'<text class="value" x="{_LEFT + w + 6:.1f}" y="{y + 14}">'
                     f'{_esc(shown)}{_esc(unit)}</text>')
    if mark is not None:
        x = _LEFT + mark / top * width
        parts.append(f'<line class="mark" x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 18}"/>')
        parts.append(f'<text class="axis" x="{x:.1f}" y="{height - 4}" text-anchor="middle">{mark:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(title: str, labels: list[str], values: list[float], every: int = 1) -> str:
    """A vertical column chart over an ordered axis (hours, weeks, months)."""
    if not values or not any(values):
        return ""
    top = max(values) or 1.0
    n = len(values)
    plot_w, plot_h = _W - 40, 130
    step = plot_w / n
    parts = [f'<svg class="chart" viewBox="0 0 {_W} {plot_h + 40}" role="img" aria-label="{_esc(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{_esc(title)}</title>']
    for i, value in enumerate(values):
        h = value / top * plot_h
        x = 30 + i * step
        parts.append(f'<rect class="bar" x="{x + 1:.1f}" y="{10 + plot_h - h:.1f}" '
                     f'width="{max(step - 2, 1):.1f}" '
                     f'height="{h:.1f}"><title>{_esc(labels[i])}: {value:g}</title></rect>')
        if i % every == 0:
            parts.append(f'<text class="axis" x="{x + step / 2:.1f}" y="{plot_h + 28}" '
                         f'text-anchor="middle">{_esc(labels[i])}</text>')
    parts.append(f'<text class="axis" x="24" y="18" text-anchor="end">{top:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ratio_rows(groups: dict[str, Any]) -> list[tuple[str, float, str]]:
    rows = [(label, float(g["ratio_median"]), f'{g["ratio_median"]:.2f}x (n={g["n"]})')
            for label, g in groups.items() if g.get("ratio_median") is not None]
    return sorted(rows, key=lambda r: -r[1])[:14]


def chart(topic: str, result: dict[str, Any]) -> list[dict[str, str]]:
    """The SVG charts of one topic's result, each with its caption (none when there is nothing to
    draw)."""
    out: list[str] = []
    if topic == "time":
        out.append(bars("took / est by tag", _ratio_rows(result.get("by_tag", {})), mark=1.0,
                        href="/search?tag={label}"))
        points = result.get("trend", {}).get("points", [])
        out.append(bars("took / est by " + result.get("trend", {}).get("period", "period"),
                        [(p["period"], float(p["ratio_median"]), f'{p["ratio_median"]:.2f}x')
                         for p in points if p.get("ratio_median") is not None][-14:], mark=1.0))
    elif topic == "bugs":
        out.append(bars("recurring bug categories",
                        [(c["label"], float(c["count"]), str(c["count"]))
                         for c in result.get("categories", [])][:12]))
    elif topic == "sources":
        out.append(bars("ideas by source", [(k, float(v), str(v)) for k, v in
                                            result.get("ideas_by_source", {}).items()][:12]))
        out.append(bars("starred entries by source", [(k, float(v), str(v)) for k, v in
                                                      result.get("starred_by_source", {}).items()][:12]))
    elif topic == "focus":
        periods = result.get("periods", [])
        shares = result.get("shares", {})
        if periods:
            last = len(periods) - 1
            rows = [(p, float(s[last]) * 100, f"{float(s[last]) * 100:.0f}") for p, s in shares.items() if s]
            out.append(bars(f"share of tagged entries, {periods[-1]}", sorted(rows, key=lambda r: -r[1])[:12],
                            unit="%", href="/search?tag={label}"))
    elif topic == "weeks":
        weeks = result.get("weeks", [])[-26:]
        out.append(columns("entries per week", [w["week"][5:] for w in weeks],
                           [float(w.get("entries", 0)) for w in weeks], every=max(1, len(weeks) // 8)))
        rated = [w for w in weeks if w.get("rating") is not None]
        if rated:
            out.append(columns("rating per week", [w["week"][5:] for w in rated],
                               [float(w["rating"]) for w in rated], every=max(1, len(rated) // 8)))
    elif topic == "habits":
        hours = result.get("by_hour", {}).get("hours", [])
        if hours:
            values = [float(h.get("n", 0)) for h in hours]
            out.append(columns("entries by hour of the day", [f"{i:02d}" for i in range(len(values))],
                               values, every=3))
    found = []
    for svg in out:
        title = _TITLE.search(svg)
        if svg and title:
            found.append({"title": html.unescape(title.group(1)), "svg": svg})
    return found


def _label(path: list[str]) -> str:
    return " · ".join(p for p in path if p) or "all"


#: The keys that say which figure of a list a group of citations backs (13 groups read
#: "by_hour · hours" alike, 3 "shifts · 2026-W49"): the first that a figure has, then a project,
#: a kind, a source.
_WHICH = ("label", "week", "period", "month", "weekday", "day", "hour")
_WHAT = ("project", "tag", "source", "category", "kind")


def _names(figure: dict[str, Any]) -> list[str]:
    which = next((figure[key] for key in _WHICH if figure.get(key) not in (None, "")), None)
    if isinstance(which, int) and "hour" in figure and figure["hour"] == which:
        which = f"{which:02d}:00"
    what = [str(figure[key]) for key in _WHAT if isinstance(figure.get(key), str) and figure[key]][:1]
    if figure.get("kind") in ("lead", "share") and what:  # a shift of focus: the new leader, or a share
        what = [f"{what[0]} ({'took the lead' if figure['kind'] == 'lead' else 'share moved'})"]
    return [str(which)] * (which is not None) + what


def behind(result: dict[str, Any], limit: int = 40) -> list[dict[str, Any]]:
    """Every figure's citations, as (figure, entries) groups: what each number is made of."""
    groups: list[dict[str, Any]] = []

    def walk(value: Any, path: list[str]) -> None:
        if len(groups) >= limit:
            return
        if isinstance(value, dict):
            cites = value.get("citations")
            if isinstance(cites, list) and cites and isinstance(cites[0], dict) and "file" in cites[0]:
                groups.append({"figure": _label([*path, *_names(value)]), "citations": cites[:50],
                               "more": max(0, len(cites) - 50)})
            for key, sub in value.items():
                if key != "citations":
                    walk(sub, [*path, str(key)])
        elif isinstance(value, list):
            for item in value:
                walk(item, path)

    walk(result, [])
    return groups
