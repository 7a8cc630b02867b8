"""Read a Logseq graph's journals: ``reslog import logseq PATH``.

Logseq keeps one journal page per day in ``journals/``, named by
``:journal/file-name-format`` (default ``yyyy_MM_dd``: ``2021_03_09.md``), in
Markdown or Org. A page is an outline of *blocks*: ``- `` list items in
Markdown (nested by indentation), ``*`` headings in Org (nested by level).

How it maps onto day pages:

* **Which files.** PATH is the graph folder (its ``journals/`` is read), the
  ``journals/`` folder itself, or one journal file. Names are read with the
  graph's ``logseq/config.edn`` ``:journal/file-name-format`` if it sets one,
  ``--date-format`` (strftime) if given, and ``yyyy_MM_dd``, ``yyyy-MM-dd``,
  ``yyyyMMdd``; a ``.md``/``.markdown``/``.org`` file whose name is not a date
  is skipped with that reason, and so is any other file. The day is the name's.
* **Page properties are not items**: YAML front matter, ``key:: value`` lines
  before the first block (or a first block of properties only), Org ``#+``
  lines before the first heading. The page's tags (``tags::`` there, or
  ``tags:`` in the front matter) are tags of every item of the page, as
  Obsidian's front matter tags are: ``tags:: private`` keeps the whole page
  private. An old-style first block whose text is just
  the page's date (``* Thursday, 05/14/2020``, ``* Jun 1st, 2020``) is a
  wrapper: its children are read as the page's top-level blocks.
* **Each top-level block is one item** in *What was done*; its text is the
  block's first line as typed (``[[links]]``, ``#tags``, ``[#A]`` priorities
  kept), a leading ``HH:MM`` its time. Its further lines are its body as
  written (relative indentation kept; fenced code stays one block, an Org
  ``#+BEGIN_SRC`` block becomes one), and its child blocks nested list items
  ``- text``, as deep as the outline, each with its own lines under it. Child
  blocks keep their text as typed, but for a marker, which becomes the checkbox
  of a nested to-do as on a top-level block (``- DONE Review PR`` gives
  ``- [x] Review PR``; ``NOW`` also its ``[logseq:: NOW]`` field); their internal
  properties are dropped, others kept as ``key:: value`` lines. A block whose
  text opens fenced code (``- ```python``) takes the language, else ``code``, as
  its text, and the fence goes under it with the block's lines, so the code
  stays whole (on the entry's line a fence opens nothing, and its closing line
  would open a new block).
* **Markers**: ``TODO``/``LATER`` make an open to-do (``[ ]``), ``DONE`` a
  done one (``[x]``), ``CANCELED``/``CANCELLED`` a dropped one (``[-]``);
  ``DOING``, ``NOW``, ``WAIT``, ``WAITING`` and ``IN-PROGRESS`` an open to-do
  with the marker kept as a field ``[logseq:: NOW]``. To-dos go to *What to
  do next* (a child block's to-do stays nested, above); the marker word itself
  leaves the text. A Markdown checkbox typed into a block (``- [ ] ...``,
  ``- [x] ...``) is read as a to-do too.
* **Block properties** (``key:: value`` lines in Markdown, the PROPERTIES
  drawer in Org) become ``[key:: value]`` fields, keys as typed, except
  Logseq's internal ones, which are dropped: ``id``, ``collapsed``,
  ``heading``, ``custom_id``, ``query-table``, ``query-properties``,
  ``query-sort-by``, ``query-sort-desc`` and ``logseq.*``. The time stamps
  Logseq writes in milliseconds (``done:: 1614350275750``, ``created-at::``)
  become ISO UTC times (``2021-02-26T14:37:55Z``). ``tags::`` gives the item's
  tags (``[[a b]]`` brackets and ``#`` dropped); a name reslog cannot spell as a
  tag (a space in it) keeps the whole property as a body line, and so does any
  property a field cannot hold (a ``]`` in the value). Closed ``CLOCK`` lines
  of a ``:LOGBOOK:`` stay as body lines and add up into ``[took:: ...]``.
* Empty blocks give nothing; a page with no text is reported as empty.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog.dates import format_duration
from reslog.errors import InputError, ReslogError
from reslog.frontmatter import front_matter, front_tags
from reslog.importers.base import ImportItem, Reading, Skipped, code_title, nested_todo, source_files
from reslog.importers.org import (
    Node,
    block_lines,
    clock_minutes,
    field_or_line,
    flatten,
    headline,
    outline,
    read_text,
    split_lines,
    split_time,
    tag_name,
    title_date,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from reslog.importers.base import ImportOptions

#: Marker -> (task state, whether the marker is kept as a [logseq:: MARKER] field).
MARKERS = {
    "TODO": (" ", False), "LATER": (" ", False), "DONE": ("x", False),
    "CANCELED": ("-", False), "CANCELLED": ("-", False),
    "DOING": (" ", True), "NOW": (" ", True), "WAIT": (" ", True), "WAITING": (" ", True),
    "IN-PROGRESS": (" ", True),
}
_INTERNAL = {"id", "collapsed", "heading", "custom_id", "query-table", "query-properties",
             "query-sort-by", "query-sort-desc"}
_STAMPED = {"created-at", "updated-at", *(marker.lower() for marker in MARKERS), "started"}
_MARKER = re.compile(r"^(#{1,6}[ \t]+)?(" + "|".join(sorted(MARKERS, key=len, reverse=True))
                     + r")(?=[ \t]|$)[ \t]*")
_CHECKBOX = re.compile(r"^\[([ xX])\][ \t]+")  # a Markdown task typed into a block
_BLOCK = re.compile(r"^([ \t]*)-(?:[ \t]+(.*?))?[ \t]*$")
_PROP = re.compile(r"^[ \t]*([\w][\w.?/-]*)::(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~|#\+BEGIN_|#\+begin_)")
_EXTENSIONS = (".md", ".markdown", ".org")
_FALLBACK_FORMATS = ("%Y_%m_%d", "%Y-%m-%d", "%Y%m%d")


def _internal(key: str) -> bool:
    return key.lower() in _INTERNAL or key.lower().startswith("logseq.")


def _value(key: str, value: str) -> str:
    """A millisecond time stamp Logseq wrote as an ISO UTC time; any other value as it is."""
    if key.lower() in _STAMPED and re.fullmatch(r"\d{12,13}", value):
        moment = dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def _child_prop(key: str, value: str) -> str | None:
    return None if _internal(key) else f"{key}:: {value}".rstrip()


# --- Markdown pages --------------------------------------------------------------------------

def _front_matter_end(lines: Sequence[str]) -> int:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


def _markdown_outline(lines: Sequence[str]) -> tuple[list[tuple[str, str]], list[Node]]:
    """The page's properties, and the tree of blocks; a block's properties are the ``key:: value``
    lines right after its first."""
    roots: list[Node] = []
    stack: list[Node] = []
    page: list[tuple[str, str]] = []
    start = _front_matter_end(lines)
    while start < len(lines):
        prop = _PROP.match(lines[start])
        if prop is not None:
            page.append((prop.group(1), prop.group(2) or ""))
        elif lines[start].strip():
            break
        start += 1
    fenced = False
    props_open = False
    for number, line in enumerate(lines[start:], start + 1):
        match = None if fenced else _BLOCK.match(line)
        if match is None and (stack or line.strip()):
            if not stack:  # text at the top of the page before any "- ": a block of its own
                node = Node(0, number, line.strip(), [], [], [])
                roots.append(node)
                stack.append(node)
                props_open = True
                continue
            prop = _PROP.match(line) if props_open and not fenced else None
            if prop:
                stack[-1].props.append((prop.group(1), prop.group(2) or ""))
            else:
                props_open = False
                stack[-1].lines.append(line)
            fenced = fenced != bool(_FENCE.match(line) or re.match(r"^[ \t]*#\+(END|end)_", line))
            continue
        if match is None:
            continue
        width = len(match.group(1).expandtabs(4))
        text = match.group(2) or ""
        code = code_title(text)
        if code is None:
            node = Node(width, number, text, [], [], [])
        else:  # "- ```python": the fence goes under the block's text, where it opens code
            node = Node(width, number, code, [], [match.group(1) + " " + line[len(match.group(1)) + 1:]], [])
        while stack and stack[-1].level >= width:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        props_open = code is None
        fenced = bool(_FENCE.match(text))
    if roots and not roots[0].lines and not roots[0].children and (prop := _PROP.match(roots[0].title)):
        first = roots.pop(0)  # a first block of properties only holds the page's properties
        page += [(prop.group(1), prop.group(2) or ""), *first.props]
    return page, roots


def _page_tags(lines: Sequence[str], properties: Sequence[tuple[str, str]]) -> list[str]:
    """The tags of a whole page, for every block of it (as Obsidian's front matter tags are):
    its front matter's ``tags:`` and its page properties' ``tags::``; a name reslog cannot spell
    as a tag is left out."""
    values, _ = front_matter(list(lines))
    tags = front_tags(values, ("tags", "tag"))
    for key, value in properties:
        if key.lower() in ("tags", "tag"):
            tags += _tags(value)[0]
    return list(dict.fromkeys(tags))


# --- blocks to items -------------------------------------------------------------------------

def _unwrap(roots: list[Node], day: dt.date) -> list[Node]:
    """Children of a top-level block whose text is just the page's date, in its place."""
    out: list[Node] = []
    for node in roots:
        bare = not node.props and not any(line.strip() for line in node.lines)
        if bare and node.children and title_date(node.title) == day:
            out += node.children
        else:
            out.append(node)
    return out


def _tags(value: str) -> tuple[list[str], bool]:
    """The names in a ``tags::`` value, and whether reslog can spell all of them as tags."""
    names = [name.strip().removeprefix("#").strip("[]").strip() for name in value.split(",")]
    names = [name for name in names if name]
    good = [name for name in names if tag_name(name)]
    return good, len(good) == len(names)


def _marker(title: str) -> tuple[str | None, str, list[tuple[str, str]]]:
    """A block's task state (from its marker, or a checkbox typed into it), its title without
    the marker, and the ``[logseq:: NOW]`` field of a marker that is kept."""
    marker = _MARKER.match(title)
    if marker:
        state, keep = MARKERS[marker.group(2)]
        rest = (marker.group(1) or "") + title[marker.end():]
        return state, rest, [("logseq", marker.group(2))] if keep else []
    if box := _CHECKBOX.match(title):
        return ("x" if box.group(1) in "xX" else " "), title[box.end():], []
    return None, title, []


def _child_text(title: str) -> str:
    """A child block's title as a nested item's text: a marker becomes the checkbox of a nested
    to-do (``DONE Review PR`` gives ``[x] Review PR``), as it does on a top-level block."""
    if _MARKER.match(title) is None:  # a checkbox typed into it makes it a nested to-do already
        return title
    state, rest, fields = _marker(title)
    if not rest.strip():
        return title
    return nested_todo(state, rest.strip(), fields)


def _item(
    node: Node, day: dt.date, origin: str, org: bool, page_tags: Sequence[str] = (),
) -> ImportItem | None:
    title = node.title
    tags: list[str] = []
    if org:
        _, title, tags = headline(title, ())
        bad = [tag for tag in tags if not tag_name(tag)]
        tags = [tag for tag in tags if tag_name(tag)]
        if bad:
            title = f"{title} :{':'.join(bad)}:"
    state, title, fields = _marker(title)
    time, title = split_time(title)
    body: list[str] = []
    for key, value in node.props:
        if _internal(key):
            continue
        if key.lower() == "tags":
            names, clean = _tags(value)
            tags += names
            if clean:
                continue
            body.append(f"{key}:: {value}")
            continue
        field, line = field_or_line(key, _value(key, value))
        fields += [field] if field else []
        body += [line] if line else []
    minutes = clock_minutes(node.lines)
    if minutes and not any(key == "took" for key, _ in fields):
        fields.append(("took", format_duration(minutes)))
    body += block_lines(node.lines)
    body += flatten(node.children, _child_prop, _child_text)
    if not title.strip() and body:  # its first line is never blank (block_lines, flatten)
        title = body.pop(0).strip()
    if not title.strip() and not fields and not tags:
        return None
    return ImportItem(day, title.strip(), section="done" if state is None else "todo", body=body,
                      time=time, state=state, tags=list(dict.fromkeys([*tags, *page_tags])), fields=fields,
                      origin=origin)


def _read_page(text: str, org: bool, origin: str, day: dt.date, out: Reading) -> None:
    lines = split_lines(text)
    page_tags: list[str] = []
    if org:
        preamble, roots = outline(lines)
        loose = [line for line in preamble if line.strip() and not line.lstrip().startswith("#+")]
        if loose:
            roots.insert(0, Node(0, 1, loose[0].strip(), [], loose[1:], []))
    else:
        properties, roots = _markdown_outline(lines)
        page_tags = _page_tags(lines, properties)
    items = [item for node in _unwrap(roots, day) if (item := _item(node, day, origin, org, page_tags))]
    if not items:
        out.skipped.append(Skipped(origin, "empty page: no text in its blocks"))
    out.items.extend(items)


# --- files and names -------------------------------------------------------------------------

def _configured_format(graph: Path) -> str | None:
    """``:journal/file-name-format`` of the graph's config.edn, as a strptime format."""
    config = graph / "logseq" / "config.edn"
    try:
        text = config.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        match = re.match(r'^\s*:journal/file-name-format\s+"([^"]+)"', line)
        if match:
            tokens = re.split(r"(yyyy|yy|MM|M|dd|d)", match.group(1))
            codes = {"yyyy": "%Y", "yy": "%y", "MM": "%m", "M": "%m", "dd": "%d", "d": "%d"}
            return "".join(codes.get(token, token.replace("%", "%%")) for token in tokens)
    return None


def _name_day(stem: str, formats: Sequence[str]) -> dt.date | None:
    for fmt in formats:
        try:
            return dt.datetime.strptime(stem, fmt).date()
        except ValueError:
            continue
    return None


def _journal_files(path: Path, follow_links: bool, out: Reading) -> tuple[Path, list[tuple[Path, str]]]:
    """The graph folder (for config.edn) and the journal files with their names for the report
    (what :func:`source_files` leaves out goes to ``out``)."""
    if path.is_file():
        return path.parent.parent, [(path, path.name)]
    if not path.is_dir():
        raise InputError(f"{path} is neither a file nor a folder; give a Logseq graph folder")
    folder, graph, prefix = path, path.parent, ""
    if (path / "journals").is_dir():
        folder, graph, prefix = path / "journals", path, "journals/"
    found, skipped = source_files(folder, follow_links, skip_dir=lambda _: "")  # journals/ only
    files = [(file, prefix + name) for file, name in found]
    out.skipped.extend(Skipped(prefix + s.origin, s.reason) for s in skipped)
    if not any(file.suffix.lower() in _EXTENSIONS for file, _ in files):
        raise InputError(f"no Logseq journal pages in {path}: give the graph folder (the one holding "
                         "journals/) or its journals/ folder")
    return graph, files


def read(path: Path, options: ImportOptions) -> Reading:
    """Read a Logseq graph's journal pages (see the module's docstring)."""
    out = Reading([], [])
    graph, files = _journal_files(path, options.follow_links, out)
    formats = [fmt for fmt in (options.date_format, _configured_format(graph)) if fmt]
    formats += _FALLBACK_FORMATS
    dated = locked = 0
    for file, origin in files:
        if file.suffix.lower() not in _EXTENSIONS:
            out.skipped.append(Skipped(origin, "not a Markdown or Org journal page"))
            continue
        day = _name_day(file.name[: -len(file.suffix)], formats)
        if day is None:
            out.skipped.append(Skipped(origin, "file name is not a date (Logseq names journal pages "
                                               "yyyy_MM_dd; see --date-format)"))
            continue
        dated += 1
        text = read_text(file, origin)
        if isinstance(text, Skipped):
            out.skipped.append(text)
        elif text.startswith("-----BEGIN AGE ENCRYPTED FILE-----"):
            locked += 1
            out.skipped.append(Skipped(origin, "encrypted by Logseq; decrypt the graph in Logseq first"))
        else:
            _read_page(text, file.suffix.lower() == ".org", origin, day, out)
    if dated and locked == dated:
        raise ReslogError(f"the Logseq graph in {path} is encrypted; turn encryption off in Logseq "
                          "and import again")
    return out
