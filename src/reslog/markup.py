"""Entry text as safe HTML: CommonMark by markdown-it-py, raw HTML off, plus the log's own marks.

One renderer for every place that shows the log as HTML (the html export, and the web app
at the edge when there is one), so that an entry reads the same everywhere and is made safe
in one place:

* **Markdown** is CommonMark with GitHub's tables and ~~strikethrough~~, as markdown-it-py
  reads it: code blocks and code spans, ``[text](url)`` links, emphasis, headings (shifted
  down two levels inside an entry: ``## Heading`` becomes ``<h4>``), quotes, lists. A line
  break in an entry is a line break (``breaks``): the log is written line by line.
* **Raw HTML is off**: ``<script>``, ``<img onerror=...>`` and every other tag typed into an
  entry show as text. Link targets are limited to ``http:``, ``https:``, ``mailto:`` and
  relative URLs (no ``javascript:``, ``data:``, ``vbscript:``, ``file:``); a link with any
  other target stays text. Images are shown as links to the image (``▣ alt``): a page never
  loads anything by itself.
* **Long words break**: a run of non-whitespace longer than :data:`WBR_EVERY` characters
  (a pasted hash, a base64 blob) gets a ``<wbr>`` every :data:`WBR_EVERY` characters of
  text, never inside a tag, an attribute or an entity (:func:`breakable`). Without it a
  200,000-character word kept Chromium laying out a page for ~23 s and made the page
  wider than the screen; copied text is unchanged (``<wbr>`` is no character).
* **The log's marks**, outside code and links: bare ``http(s)://`` URLs become links
  (trailing punctuation left out, parentheses balanced), ``#tags`` link to their tag page
  when the caller knows one (``tag_href``), ``[key:: value]`` fields become small labels,
  ``[[wikilinks]]`` plain text marked as such, and ``★`` a star; a list item that opens
  with a checkbox ``[ ]``, a time ``HH:MM`` or a kind ``exp:`` shows them as labels, as
  the day pages read them.

markdown-it-py is imported on first use, never on the capture path.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from reslog.model import FIELD_VALUE, KINDS, STAR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

__all__ = ["GLYPHS", "WBR_EVERY", "Markup", "breakable", "safe_url"]

#: A to-do's state as a glyph and its name: ☐ open, ☑ done, ⇥ deferred, ☒ dropped.
GLYPHS = {" ": ("☐", "open"), "x": ("☑", "done"), "X": ("☑", "done"), ">": ("⇥", "deferred"),
          "-": ("☒", "dropped")}

#: A run of non-whitespace longer than this is given a break opportunity every this many characters.
WBR_EVERY = 64

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LONG_RUN = re.compile(rf"\S{{{WBR_EVERY + 1},}}")
_MARKS = re.compile(
    r"(?P<url>(?<![\w/])https?://[^\s<>\"]+)"
    r"|\[\[(?P<wiki>[^\[\]|]+)(?:\|(?P<alias>[^\[\]]+))?\]\]"
    r"|\[(?P<key>\w[\w .-]*?)::[ \t]*(?P<value>" + FIELD_VALUE + r"?)[ \t]*\]"
    r"|(?<![\w&/#\[])\#(?P<tag>(?=[\w/-]*[^\W\d])\w[\w/-]*)"
    r"|(?P<star>" + STAR + ")"
)
_ITEM_HEAD = re.compile(
    r"^(?:\[(?P<state>[^\d\]])\](?:[ \t]+|$))?(?:(?P<time>(?:[01]?\d|2[0-3]):[0-5]\d)(?:[ \t]+|$))?"
    r"(?:(?P<kind>" + "|".join(KINDS) + r"):(?:[ \t]+|$))?"
)
_TRAILING = ".,;:!?'\""
#: A line of a simple list: two spaces a level, "- ", then text that opens no other block.
_SIMPLE_ITEM = re.compile(r"^((?:  )*)- ([^\s#>`~|<=*+\-\d\\!\[][^\n]*)$")


def _simple_list(text: str) -> list[tuple[int, str]] | None:
    """``text`` as (level, text) items when it is nothing but a tight bullet list of one-line
    items, each indented two spaces per level and at most one level deeper than the one before,
    whose text opens no other block; else None (markdown-it renders it)."""
    items: list[tuple[int, str]] = []
    depth = -1
    for line in text.split("\n"):
        match = _SIMPLE_ITEM.match(line)
        if match is None:
            return None
        level = len(match.group(1)) // 2
        if level > depth + 1:
            return None
        content = match.group(2).rstrip()
        if "\t" in content or content.endswith("\\"):
            return None
        items.append((level, content))
        depth = level
    return items or None


def safe_url(url: str) -> bool:
    """Whether a link may point there: http(s), mailto, or a relative URL (no other scheme).

    Browsers drop tabs, newlines and control characters inside a URL, and markdown-it
    percent-encodes them: the URL is judged as a browser would read it, and as it is written.
    (The html export and the web app both render links through this one check.)"""
    from urllib.parse import unquote

    for form in (url, unquote(url)):
        cleaned = "".join(ch for ch in form if ch > " " and ch != "\x7f")
        match = _SCHEME.match(cleaned)
        if match is not None and match.group(1).lower() not in ("http", "https", "mailto"):
            return False
    return True


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def breakable(text: str, escape: Callable[[str], str] = _esc) -> str:
    """``text`` escaped for an HTML text node, with ``<wbr>`` every :data:`WBR_EVERY` characters
    inside each longer run of non-whitespace. The text is cut before it is escaped and each
    piece escaped on its own, so no entity (``&amp;``) is ever split; ``escape`` is the
    escaping the caller would use anyway (markdown-it's, to keep its bytes elsewhere)."""
    if len(text) <= WBR_EVERY:
        return escape(text)
    out: list[str] = []
    at = 0
    for match in _LONG_RUN.finditer(text):
        run = match.group()
        out.append(escape(text[at:match.start()]))
        out.append("<wbr>".join(escape(run[i:i + WBR_EVERY]) for i in range(0, len(run), WBR_EVERY)))
        at = match.end()
    out.append(escape(text[at:]))
    return "".join(out)


class Markup:
    """A renderer; ``tag_href(tag)`` gives the link of a tag's page, or None for no link."""

    def __init__(self, tag_href: Callable[[str], str | None] | None = None) -> None:
        self.tag_href = tag_href
        self._md: MarkdownIt | None = None

    @property
    def md(self) -> MarkdownIt:
        if self._md is None:
            self._md = self._build()
        return self._md

    def inline(self, text: str) -> str:
        """One line (an entry's first line) as inline HTML: no paragraph around it."""
        return str(self.md.renderInline(text))

    def block(self, text: str) -> str:
        """Several lines (an entry's nested lines, a week page) as HTML blocks."""
        simple = _simple_list(text)
        if simple is not None:
            return self._list(simple)
        return str(self.md.render(text))

    def _list(self, items: list[tuple[int, str]]) -> str:
        """A tight bullet list of one-line items (:func:`_simple_list`), as markdown-it renders it
        (the same bytes, a test checks), without its block parser: most entries' nested lines
        are such a list, and the block parser costs ~1 ms an entry."""
        out: list[str] = []
        depth = -1
        for level, content in items:
            if level > depth:
                out.append("<ul>\n" if depth < 0 else "\n<ul>\n")
            else:
                out.append("</li>\n")
                while depth > level:
                    out.append("</ul>\n</li>\n")
                    depth -= 1
            depth = level
            out.append("<li>" + str(self.md.renderInline(content, {"item_head": True})))
        out.append("</li>\n")
        while depth > 0:
            out.append("</ul>\n</li>\n")
            depth -= 1
        out.append("</ul>\n")
        return "".join(out)

    # -- the parser and its rules -------------------------------------------------------------

    def _build(self) -> MarkdownIt:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
        md.enable(["table", "strikethrough"])
        md.validateLink = safe_url  # type: ignore[method-assign]
        md.core.ruler.push("reslog_marks", self._marks)
        for kind in ("text", "code_inline", "mark", "image", "heading_open", "heading_close", "link_open"):
            md.add_render_rule(kind, getattr(self, f"_render_{kind}"))
        return md

    def _marks(self, state: StateCore) -> None:
        tokens = state.tokens
        for i, token in enumerate(tokens):
            if token.type != "inline" or token.children is None:
                continue
            item_head = (i >= 2 and tokens[i - 1].type == "paragraph_open" and (
                tokens[i - 2].type == "list_item_open")) or bool(state.env.get("item_head"))
            token.children = self._mark_children(token.children, item_head)

    def _mark_children(self, children: Sequence[Token], item_head: bool) -> list[Token]:
        out: list[Token] = []
        in_link = 0
        for n, child in enumerate(children):
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            if child.type != "text" or in_link:
                out.append(child)
                continue
            text = child.content
            if item_head and n == 0:
                head = _ITEM_HEAD.match(text)
                if head is not None and head.end():
                    for name in ("state", "time", "kind"):
                        if head.group(name) is not None:
                            out.append(self._token(name, head.group(name)))
                    text = text[head.end():]
            out.extend(self._split(text))
        return out

    def _split(self, text: str) -> list[Token]:
        out: list[Token] = []
        at = 0
        for match in _MARKS.finditer(text):
            start, end, kind = match.start(), match.end(), match.lastgroup
            if kind == "url":
                url = match.group("url")
                while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
                    url = url[:-1]
                end = start + len(url)
                if not url or not safe_url(url):
                    continue
            if start < at:
                continue
            if start > at:
                out.append(self._text(text[at:start]))
            if kind == "url":
                out += self._link(text[start:end])
            elif kind in ("wiki", "alias"):
                out.append(self._token("wiki", match.group("wiki"), match.group("alias")))
            elif kind == "value":
                out.append(self._token("field", match.group("key"), match.group("value")))
            elif kind == "tag":
                name = match.group("tag").rstrip("/-")
                href = self.tag_href(name) if self.tag_href is not None else None
                if href is None:
                    out.append(self._text("#" + name))
                else:
                    out.append(self._token("tag", name, href))
                end = start + 1 + len(name)
            else:
                out.append(self._token("star", STAR))
            at = end
        if at < len(text):
            out.append(self._text(text[at:]))
        return out

    @staticmethod
    def _text(content: str) -> Token:
        from markdown_it.token import Token

        token = Token("text", "", 0)
        token.content = content
        return token

    @staticmethod
    def _token(name: str, value: str, extra: str | None = None) -> Token:
        from markdown_it.token import Token

        token = Token("mark", "", 0)
        token.meta = {"name": name, "value": value, "extra": extra}
        return token

    @staticmethod
    def _link(url: str) -> list[Token]:
        from markdown_it.token import Token

        opening = Token("link_open", "a", 1)
        opening.attrs = {"href": url}
        closing = Token("link_close", "a", -1)
        return [opening, Markup._text(url), closing]

    # -- rendering ------------------------------------------------------------------------------

    @staticmethod
    def _render_text(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: EnvType) -> str:
        from markdown_it.common.utils import escapeHtml

        return breakable(tokens[idx].content, escapeHtml)

    @staticmethod
    def _render_code_inline(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                            env: EnvType) -> str:
        from markdown_it.common.utils import escapeHtml

        token = tokens[idx]
        return f"<code{renderer.renderAttrs(token)}>{breakable(token.content, escapeHtml)}</code>"

    @staticmethod
    def _render_mark(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: EnvType) -> str:
        meta = tokens[idx].meta
        name, value, extra = meta["name"], meta["value"], meta["extra"]
        if name == "state":
            glyph, label = GLYPHS.get(value, (f"[{value}]", "other"))
            return f'<span class="check" title="{label}">{_esc(glyph)}</span>'
        if name == "time":
            return f"<time>{_esc(value)}</time>"
        if name == "kind":
            return f'<span class="kind k-{value}">{value}</span>'
        if name == "wiki":
            return f'<span class="wikilink" title="{_esc(value)}">{breakable(extra or value)}</span>'
        if name == "field":
            return f'<span class="field">{breakable(value)}: {breakable(extra or "")}</span>'
        if name == "tag":
            return f'<a class="tag" href="{_esc(extra or "")}">#{breakable(value)}</a>'
        return f'<span class="star" title="starred">{STAR}</span>'

    @staticmethod
    def _render_image(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                      env: EnvType) -> str:
        token = tokens[idx]
        alt = "".join(child.content for child in token.children or ()) or str(token.attrGet("src") or "")
        src = str(token.attrGet("src") or "")
        return f'<a class="image" href="{_esc(src)}" rel="noopener">▣ {breakable(alt)}</a>'

    @staticmethod
    def _render_heading_open(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                             env: EnvType) -> str:
        return f"<h{min(6, int(tokens[idx].tag[1]) + 2)}>"

    @staticmethod
    def _render_heading_close(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                              env: EnvType) -> str:
        return f"</h{min(6, int(tokens[idx].tag[1]) + 2)}>\n"

    @staticmethod
    def _render_link_open(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                          env: EnvType) -> str:
        tokens[idx].attrSet("rel", "noopener")
        return renderer.renderToken(tokens, idx, options, env)
