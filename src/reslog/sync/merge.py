"""Merge two versions of a day page that grew apart on two machines. Pure: text in, text out.

Git's own text merge stops whenever both sides touched the same place, and on
a day page they nearly always do: two machines that each captured today both
appended at the end of *What was done*. Git's ``union`` merge never stops, but
it can repeat a line both sides share or put a nested thought under the wrong
entry, and it keeps both ``- [ ]`` and ``- [>]`` of a to-do that one side
carried over. This merge knows what a day page is:

1. A line-level three-way merge (base, ours, theirs): a region changed on one
   side only takes that side, as in git.
2. A region both sides changed is resolved when both only *added* there:
   their additions are woven together entry by entry (a block is a list item
   with the lines nested under it, as :mod:`reslog.markdown` reads them). An
   entry both sides added identically, nested lines and all, is kept once (two
   machines carrying the same to-dos into a new page write the same lines); a
   line shared by two different entries is kept under each; nested lines added under the
   entry before the place go first, then new entries, in the order of their
   ``HH:MM`` times when all of them have one, else ours before theirs. So is
   a region one side changed while the other only added lines before or
   after it (a line edited in an editor, an entry captured after it, a
   thought nested under it): the change, with the additions around it. A
   changed line is the base line in new words (:func:`_pairs`).
3. Where both sides changed the *same* line, the line merges when it is the
   same to-do on both sides (the same text once the checkbox and the
   ``[key:: value]`` fields are set aside): each field takes the side that
   changed it, and the checkbox the side that moved it, a carry-over mark
   ``[>]`` giving way to done ``[x]`` or dropped ``[-]`` from the other side;
   not when the merged to-do would be over with a timer the other side started.
4. Anything else (the same words edited differently on both sides, a field
   set to two values) is a real conflict: both versions stay in the file
   between ``<<<<<<<``, ``=======`` and ``>>>>>>>`` lines, and the merge says so.

Nothing is lost: before a merge without conflict is returned, every line that
either side has and the base has not is checked to be in the result, under
the same line it was nested under (a to-do with its fields and state set
aside; a line the other side changed, in its new words); should that fail,
both versions are returned in full as one conflict, save the lines around
it that they share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

from reslog import markdown
from reslog.model import DONE, DROPPED, FIELD_VALUE
from reslog.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

OURS_LABEL = "this machine"
THEIRS_LABEL = "the other machine"

_TASK = re.compile(r"^([ \t]*[-*+][ \t]+)\[([^\d\]])\]([ \t].*|)$")
_FIELD = re.compile(r"(?<![ \t])[ \t]*\[[\w][\w .-]*?::" + FIELD_VALUE + r"\]")
#: A checkbox moved on both sides: the one that says more about the task wins.
_STATE_WINS = {frozenset(">x"): "x", frozenset(">-"): "-"}
#: A run of changed lines longer than this (a page rewritten) is paired in order, not by likeness,
#: which costs the square of its length.
_LIKENESS_AT_MOST = 64
#: The share of a line that its changed version keeps for the last check to call it the same line.
_KEPT_AT_LEAST = 0.5
#: States of a to-do that is over: a ``started`` field (a running timer) does not belong there.
_CLOSED = frozenset((DONE, "X", DROPPED))
_STARTED = "started"
#: Without a base (two pages made apart): the state furthest along.
_STATE_RANK = {" ": 0, ">": 1, "-": 2, "x": 3}


class Merged(Record):
    """The merged page, and how many regions are left as conflicts in it."""

    __slots__ = ("conflicts", "text")
    text: Final[str]
    conflicts: Final[int]

    def __init__(self, text: str, conflicts: int) -> None:
        self.text = text
        self.conflicts = conflicts


# --- lines ---


def _body(line: str) -> str:
    return line.rstrip("\r\n")


def _ending(line: str) -> str:
    return line[len(_body(line)):]


def _key(line: str) -> str:
    """What identifies a line across edits: a to-do without its checkbox state and fields."""
    body = _body(line)
    match = _TASK.match(body)
    if match is None:
        return body
    return match.group(1) + "[]" + _FIELD.sub("", match.group(3)).rstrip()


def _fields(body: str) -> dict[str, str]:
    return dict(markdown.read_fields(body))


def _merge_fields(
    base: dict[str, str], ours: dict[str, str], theirs: dict[str, str]
) -> dict[str, str | None]:
    """The value of every field either side changed; raises KeyError when both changed it apart."""
    merged: dict[str, str | None] = {}
    for key in dict.fromkeys([*ours, *theirs, *base]):
        was, a, b = base.get(key), ours.get(key), theirs.get(key)
        if a == b or b == was:
            merged[key] = a
        elif a == was:
            merged[key] = b
        else:
            raise KeyError(key)
    return merged


def _merge_line(base: str | None, ours: str, theirs: str) -> str | None:
    """One line both sides changed (``base`` None: both added it); None if it cannot merge."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    a, b = _TASK.match(_body(ours)), _TASK.match(_body(theirs))
    if a is None or b is None or _key(ours) != _key(theirs):
        return None
    was = _TASK.match(_body(base)) if base is not None else None
    state_a, state_b = a.group(2), b.group(2)
    if was is not None:
        if state_a == state_b or state_b == was.group(2):
            state = state_a
        elif state_a == was.group(2):
            state = state_b
        else:
            found = _STATE_WINS.get(frozenset(state_a + state_b))
            if found is None:
                return None
            state = found
        base_fields = _fields(_body(base or ""))
    else:
        state = max(state_a, state_b, key=lambda s: _STATE_RANK.get(s, 0))
        base_fields = {}
    try:
        fields = _merge_fields(base_fields, _fields(_body(ours)), _fields(_body(theirs)))
    except KeyError:
        return None
    if state in _CLOSED and fields.get(_STARTED) not in (None, base_fields.get(_STARTED)):
        # a timer started on one machine, the to-do done or dropped on the other: ``done`` would
        # have stopped it and counted its time, and ``reopen`` would restart it from long ago;
        # which of the two is true only the person knows
        return None
    body = _body(ours)
    mine = _fields(body)
    for key, value in fields.items():
        if value is None:
            body = markdown.remove_field(body, key)
        elif mine.get(key) != value:
            body = markdown.set_field(body, key, value)
    return markdown.set_state(body, state) + _ending(ours)


# --- weaving what both sides added at one place ---


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _blocks(lines: Sequence[str]) -> list[list[str]]:
    """Lines in blocks: an entry with its nested lines (a blank line stays with the block before)."""
    found: list[list[str]] = []
    top = min((_indent(line) for line in lines if line.strip()), default=0)
    for line in lines:
        if found and (not line.strip() or _indent(line) > top):
            found[-1].append(line)
        else:
            found.append([line])
    return found


def _time(block: list[str]) -> str | None:
    page = markdown.parse(block[0])
    return page.preamble[0].time if page.preamble else None


def _nested(block: list[str]) -> bool:
    return block[0][:1] in (" ", "\t")


def _interleave(ours: Sequence[str], theirs: Sequence[str]) -> list[str]:
    """Both sides' new lines at one place: nested lines first, then entries by time (or ours first).
    A to-do both sides added (pages made apart) merges into one line when it can."""
    mine, other = _blocks(ours), _blocks(theirs)
    keys = {_key(block[0]): n for n, block in enumerate(mine)}
    rest: list[list[str]] = []
    for block in other:
        n = keys.get(_key(block[0]))
        if n is not None and _TASK.match(_body(block[0])) and len(block) == 1 == len(mine[n]):
            merged = _merge_line(None, mine[n][0], block[0])
            if merged is not None:
                mine[n] = [merged]
                continue
        rest.append(block)
    out = [line for block in mine + rest if _nested(block) for line in block]
    # Each entry's time read once (a parse of its first line), not at every comparison.
    timed = [(_time(b), b) for b in mine if not _nested(b)]
    other_timed = [(_time(b), b) for b in rest if not _nested(b)]
    if all(time is not None for time, _ in timed + other_timed):
        while timed and other_timed:  # a stable merge of two lists each in its own order
            take = timed if (timed[0][0] or "") <= (other_timed[0][0] or "") else other_timed
            out += take.pop(0)[1]
    out += [line for _, block in timed + other_timed for line in block]
    return out


def weave(ours: Sequence[str], theirs: Sequence[str]) -> list[str]:
    """Lines both sides added at one place (or two whole pages made apart): shared entries once,
    the rest interleaved by :func:`_interleave`.

    Shared is judged by whole blocks (an entry with its nested lines), never line by line: two
    machines that each wrote a different bug with the same thought under it ("check the seed")
    share that line, not an entry, and matched line by line one thought was lost and the other
    moved under the wrong bug."""
    out: list[str] = []
    mine, other = _entries(ours), _entries(theirs)
    matcher = SequenceMatcher(None, [tuple(b) for b in mine], [tuple(b) for b in other], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or op == "delete":
            out += _joined(mine[i1:i2])
        elif op == "insert":
            out += _joined(other[j1:j2])
        else:
            out += _interleave(_joined(mine[i1:i2]), _joined(other[j1:j2]))
    return out


def _entries(lines: Sequence[str]) -> list[list[str]]:
    """:func:`_blocks`, each block's trailing blank lines split off, each on its own: the blank
    line that ends a section is the same on both sides, whichever entry comes before it."""
    found: list[list[str]] = []
    for block in _blocks(lines):
        end = len(block)
        while end > 1 and not block[end - 1].strip():
            end -= 1
        found += [block[:end], *([line] for line in block[end:])]
    return found


def _joined(blocks: Sequence[list[str]]) -> list[str]:
    return [line for block in blocks for line in block]


# --- the three-way merge ---


def _sync_regions(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[tuple[int, ...]]:
    """Runs of base lines that both sides kept, as (base, ours, theirs) start/end positions."""
    a = SequenceMatcher(None, list(base), list(ours), autojunk=False).get_matching_blocks()
    b = SequenceMatcher(None, list(base), list(theirs), autojunk=False).get_matching_blocks()
    regions: list[tuple[int, ...]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        a_base, a_at, a_len = a[i]
        b_base, b_at, b_len = b[j]
        start, end = max(a_base, b_base), min(a_base + a_len, b_base + b_len)
        if start < end:
            regions.append((start, end, a_at + start - a_base, a_at + end - a_base,
                            b_at + start - b_base, b_at + end - b_base))
        if a_base + a_len < b_base + b_len:
            i += 1
        else:
            j += 1
    regions.append((len(base), len(base), len(ours), len(ours), len(theirs), len(theirs)))
    return regions


def _regions(
    base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]
) -> Iterator[tuple[str, Sequence[str], Sequence[str], Sequence[str]]]:
    """(what, base lines, our lines, their lines) in file order; what is same, ours, theirs or both."""
    z = x = y = 0
    for z_at, z_end, x_at, x_end, y_at, y_end in _sync_regions(base, ours, theirs):
        was, mine, other = base[z:z_at], ours[x:x_at], theirs[y:y_at]
        if mine or other:
            if list(mine) == list(other):
                yield "same", was, mine, other
            elif list(mine) == list(was):
                yield "theirs", was, mine, other
            elif list(other) == list(was):
                yield "ours", was, mine, other
            else:
                yield "both", was, mine, other
        if z_end > z_at:
            yield "same", base[z_at:z_end], ours[x_at:x_end], theirs[y_at:y_end]
        z, x, y = z_end, x_end, y_end


def _alike(line: str, other: str) -> bool:
    return _indent(line) == _indent(other) and bool(line.strip()) == bool(other.strip())


def _pairs(was: Sequence[str], side: Sequence[str]) -> Iterator[tuple[int, int | None]]:
    """Each base line with where it is in ``side``: the same line (by :func:`_key`), else the line
    that replaced it, else None (the side deleted it). In a run of lines a side changed, a base
    line is paired with the line most like it among those of its indentation, in order: an entry
    reworded, or a run's entry completed, is the same entry in new words."""
    keys = [_key(line) for line in side]
    matcher = SequenceMatcher(None, [_key(line) for line in was], keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from zip(range(i1, i2), range(j1, j2), strict=True)
            continue
        at = j1
        for k in range(i1, i2):
            options = [j for j in range(at, j2) if _alike(was[k], side[j])]
            later = sum(1 for n in range(k + 1, i2) if _alike(was[k], was[n]))  # each needs a line of its own
            options = options[:max(0, len(options) - later)]
            if not options:
                yield k, None
                continue
            best = options[0]
            if len(options) > 1 and j2 - j1 <= _LIKENESS_AT_MOST:
                line = was[k]
                best = max(options, key=lambda j: (_kept(line, side[j]), -j))
            yield k, best
            at = best + 1


def _kept(line: str, other: str) -> float:
    """How much of ``line`` is still in ``other`` (1.0: all of it, as when fields were added)."""
    matcher = SequenceMatcher(None, line, other, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(line))


def _matched(was: Sequence[str], side: Sequence[str]) -> list[int] | None:
    """Where each base line is in ``side`` (see :func:`_pairs`), or None if a side deleted one."""
    where = [at for _, at in _pairs(was, side)]
    return None if None in where else [at for at in where if at is not None]


def _resolve(was: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[str] | None:
    """A region both sides changed, merged when both only added lines or changed the same to-dos."""
    if not was:
        return weave(ours, theirs)
    in_ours, in_theirs = _matched(was, ours), _matched(was, theirs)
    if in_ours is None or in_theirs is None:
        return _beside(was, ours, theirs)
    out: list[str] = []
    x = y = 0
    for k, line in enumerate(was):
        out += weave(ours[x:in_ours[k]], theirs[y:in_theirs[k]])
        merged = _merge_line(line, ours[in_ours[k]], theirs[in_theirs[k]])
        if merged is None:
            return None
        out.append(merged)
        x, y = in_ours[k] + 1, in_theirs[k] + 1
    return out + weave(ours[x:], theirs[y:])


def _beside(was: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[str] | None:
    """A region one side changed while the other only added lines before or after it (a line
    edited here, an entry captured under it there): the change, with the additions around it."""
    for changed, added in ((ours, theirs), (theirs, ours)):
        for start in range(len(added) - len(was) + 1):
            if list(added[start:start + len(was)]) == list(was):
                return [*added[:start], *changed, *added[start + len(was):]]
    return None


def _conflict(ours: Sequence[str], theirs: Sequence[str], newline: str,
              labels: tuple[str, str] = (OURS_LABEL, THEIRS_LABEL)) -> list[str]:
    def closed(lines: Sequence[str]) -> list[str]:
        out = list(lines)
        if out and not _ending(out[-1]):
            out[-1] += newline
        return out

    return [f"<<<<<<< {labels[0]}{newline}", *closed(ours), f"======={newline}", *closed(theirs),
            f">>>>>>> {labels[1]}{newline}"]


def _replaced(base: Sequence[str], side: Sequence[str]) -> dict[str, str]:
    """The lines a side changed in place, by :func:`_key`, each to the key of the base line it
    replaced (paired by :func:`_pairs`), when it kept at least half of that line: the check of
    :func:`_keeps_everything` must not take the merge's own pairing on trust."""
    found: dict[str, str] = {}
    for k, at in _pairs(base, side):
        if at is not None and _key(side[at]) != _key(base[k]) and _kept(base[k], side[at]) >= _KEPT_AT_LEAST:
            found.setdefault(_key(side[at]), _key(base[k]))
    return found


def _placed(lines: Sequence[str], replaced: dict[str, str]) -> Counter[tuple[str, str]]:
    """Each line by :func:`_key`, with the key of the line it is nested under ("" at the top): a
    nested line kept but moved under another entry counts as lost. A parent one side changed
    counts as the line it replaced (``replaced``, from :func:`_replaced`): a thought added under
    an entry on one machine stays under that entry when the other machine reworded it."""
    found: Counter[tuple[str, str]] = Counter()
    above: list[tuple[int, str]] = []  # the open parents, by indentation
    for line in lines:
        key = _key(line)
        if not line.strip():
            found["", key] += 1
            continue
        indent = _indent(line)
        while above and above[-1][0] >= indent:
            above.pop()
        found[above[-1][1] if above else "", key] += 1
        above.append((indent, replaced.get(key, key)))
    return found


def _keeps_everything(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str],
                      out: Sequence[str]) -> bool:
    replaced = {**_replaced(base, ours), **_replaced(base, theirs)}
    have, was = _placed(out, replaced), _placed(base, replaced)
    return all(not (_placed(side, replaced) - was - have) for side in (ours, theirs))


def merge(base: str, ours: str, theirs: str, labels: tuple[str, str] = (OURS_LABEL, THEIRS_LABEL)) -> Merged:
    """Merge ``ours`` and ``theirs``, two versions of a day page grown from ``base`` (empty when
    both sides made the page apart); ``labels`` name the two sides in a conflict."""
    if ours == theirs or theirs == base:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    was, mine, other = (markdown.split_lines(text) for text in (base, ours, theirs))
    newline = markdown.parse(ours).newline
    out: list[str] = []
    conflicts = 0
    for what, region_base, region_ours, region_theirs in _regions(was, mine, other):
        if what in ("same", "ours"):
            out += region_ours
        elif what == "theirs":
            out += region_theirs
        else:
            resolved = _resolve(region_base, region_ours, region_theirs)
            if resolved is None:
                if out and not _ending(out[-1]):
                    out[-1] += newline
                out += _conflict(region_ours, region_theirs, newline, labels)
                conflicts += 1
            else:
                out += resolved
    if not conflicts and not _keeps_everything(was, mine, other, out):
        # not reached by ordinary edits (tests/test_sync_merge.py draws them at random); if it ever
        # were, both versions are kept whole, save the lines around them that they share
        return Merged("".join(_fallback(mine, other, newline, labels)), 1)
    return Merged("".join(out), conflicts)


def _fallback(ours: Sequence[str], theirs: Sequence[str], newline: str, labels: tuple[str, str]) -> list[str]:
    """Both versions, whole, as one conflict, but without the lines before and after it that they
    share (the front matter, the title, the sections neither changed), so that the page still
    reads as one page; the conflict starts and ends at a line that is not nested (a heading, an
    entry), never between an entry and its nested lines."""
    def top(lines: Sequence[str], at: int) -> bool:  # the next line that is not blank is not nested
        while at < len(lines) and not lines[at].strip():
            at += 1
        return at >= len(lines) or not _indent(lines[at])

    shortest = min(len(ours), len(theirs))
    start = 0
    while start < shortest and ours[start] == theirs[start]:
        start += 1
    while start and not (top(ours, start) and top(theirs, start) and _ending(ours[start - 1])):
        start -= 1
    end = 0  # lines shared at the end
    while end < shortest - start and ours[-1 - end] == theirs[-1 - end]:
        end += 1
    while end and not top(ours, len(ours) - end):
        end -= 1
    tail = len(ours) - end
    return [*ours[:start], *_conflict(ours[start:tail], theirs[start:len(theirs) - end], newline, labels),
            *ours[tail:]]


__all__ = ["OURS_LABEL", "THEIRS_LABEL", "Merged", "merge", "weave"]
