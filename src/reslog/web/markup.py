"""Markdown to HTML for the web app, safe by construction.

Everything a person typed into the log (entry text, tags, sources, titles,
reflections) reaches the browser through this module and through Jinja2's
autoescaping, never as raw HTML:

* text is rendered by markdown-it-py with raw HTML **off**, so ``<script>`` or
  ``<img onerror=...>`` in an entry is shown as text;
* a link's target must be ``http:``, ``https:``, ``mailto:`` or relative (no
  scheme); ``javascript:``, ``data:``, ``vbscript:`` and every other scheme
  leave the text unlinked;
* images are not rendered (an image would be a request to another host): each is shown as
  ``[image: its alt text]``; a ``data:`` image printed as its base64 text had made one imported
  day page 77,566 px tall;
* the log's own marks are recognised before Markdown runs and put back after:
  ``#tags`` become chips linking to a search, ``[key:: value]`` fields small
  labels, ``[[2026-11-24]]`` a link to that day, ``★`` a star, bare http(s)
  URLs links. Each is escaped on its own. Inside an attribute (a link's title) a mark is put
  back as the text it was, escaped: a chip there had closed the attribute and broken the page;
* a word longer than 64 characters gets a ``<wbr>`` every 64 characters of text
  (:func:`reslog.markup.breakable`): one 200,000-character word otherwise widened
  the page and could keep the browser laying it out for seconds.

(The html export renders through :mod:`reslog.markup`, whose link check,
:func:`~reslog.markup.safe_url`, this module shares; the two renderers may be
unified later.)
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from reslog.markdown import TAG_PATTERN
from reslog.markup import breakable, safe_url
from reslog.model import FIELD_PATTERN, STAR

__all__ = ["block", "images_as_text", "inline"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOLD = re.compile("\ue000(\\d+)\ue001")
_HELD = re.compile("(\ue000\\d+\ue001)")
_URL = re.compile(r"(?<![(<\[\"'=])\bhttps?://[^\s<>\"'`]+")
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(\s*(?:<[^>\n]*>|[^\s()]*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_WIKI = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRAILING = ".,;:!?)]}'\""


def _breakable(text: str) -> str:
    """:func:`~reslog.markup.breakable` that keeps each held piece (a chip, a link) whole."""
    pieces = _HELD.split(text)  # text, held, text, held, ..., text
    return "".join(piece if n % 2 else breakable(piece, escapeHtml) for n, piece in enumerate(pieces))


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.validateLink = safe_url  # type: ignore[method-assign]

    def link_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if _SCHEME.match(href) or href.startswith(("//", "\\\\", "/\\")):  # another site (//host too)
            token.attrSet("rel", "noopener noreferrer nofollow")
        return self.renderToken(tokens, idx, options, env)

    def cell_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        # table alignment as a class: the pages' CSP forbids style attributes
        token = tokens[idx]
        style = str(token.attrs.pop("style", "") or "")
        if "text-align:" in style:
            token.attrSet("class", "a-" + style.split("text-align:", 1)[1].strip(" ;"))
        return self.renderToken(tokens, idx, options, env)

    def text(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        return _breakable(tokens[idx].content)

    def code_inline(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        return f"<code{self.renderAttrs(token)}>{_breakable(token.content)}</code>"

    md.add_render_rule("text", text)
    md.add_render_rule("code_inline", code_inline)
    md.add_render_rule("link_open", link_open)
    md.add_render_rule("th_open", cell_open)
    md.add_render_rule("td_open", cell_open)
    return md


_MD = _markdown()


_ATTRIBUTE = re.compile(r'(=")([^"]*)(")')


class _Held:
    """Pieces of finished HTML kept out of Markdown's way behind private-use characters, each
    with the text it stood for (what an attribute, a link's title, gets back)."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []

    def hold(self, piece: str, plain: str) -> str:
        self.parts.append((piece, plain))
        return f"\ue000{len(self.parts) - 1}\ue001"

    def restore(self, rendered: str) -> str:
        # Markdown escapes every quote of the text, so '="...."' is an attribute value
        plain = _ATTRIBUTE.sub(lambda a: a.group(1) + _HOLD.sub(
            lambda m: html.escape(self.parts[int(m.group(1))][1]), a.group(2)) + a.group(3), rendered)
        return _HOLD.sub(lambda m: self.parts[int(m.group(1))][0], plain)


def _tag_chip(tag: str) -> str:
    name = tag.rstrip("/-")
    return (f'<a class="tag" href="/search?tag={quote(name, safe="/")}">#{breakable(name)}</a>'
            + html.escape(tag[len(name):]))


def _field(key: str, value: str) -> str:
    key, value = key.strip(), value.strip()
    if key == "from":
        return f'<span class="field source" title="source">from {breakable(value)}</span>'
    return (f'<span class="field f-{html.escape(re.sub(r"[^a-z0-9_-]", "", key.lower()))}">'
            f'<span class="k">{breakable(key)}</span> {breakable(value)}</span>')


def _url(match: re.Match[str], held: _Held) -> str:
    url = match.group(0)
    trail = ""
    while url and url[-1] in _TRAILING:
        trail = url[-1] + trail
        url = url[:-1]
    link = f'<a href="{html.escape(url)}" rel="noopener noreferrer nofollow">{breakable(url)}</a>'
    return held.hold(link, url) + trail


def _image(match: re.Match[str], held: _Held) -> str:
    alt = " ".join(match.group(1).split())
    shown = f"[image: {alt}]" if alt else "[image]"
    return held.hold(f'<span class="image" title="an image, not shown">{breakable(shown)}</span>', shown)


def images_as_text(text: str) -> str:
    """``text`` with each Markdown image as ``[image: alt]`` (a menu's option shows no HTML)."""
    return _IMAGE.sub(lambda m: f"[image: {' '.join(m.group(1).split())}]" if m.group(1).strip()
                      else "[image]", text)


def _wiki(match: re.Match[str], held: _Held) -> str:
    target, alias = match.group(1).strip(), (match.group(2) or "").strip()
    shown = breakable(alias or target)
    if _DATE.match(target):
        return held.hold(f'<a class="wiki" href="/day/{target}">{shown}</a>', match.group(0))
    return held.hold(f'<span class="wiki">{shown}</span>', match.group(0))


def _prepare(text: str, held: _Held, fields: bool = True) -> str:
    text = text.replace("\ue000", "").replace("\ue001", "")
    text = _IMAGE.sub(lambda m: _image(m, held), text)
    text = _WIKI.sub(lambda m: _wiki(m, held), text)
    if fields:
        text = FIELD_PATTERN.sub(lambda m: held.hold(_field(m.group(1), m.group(2)), m.group(0)), text)
    text = _URL.sub(lambda m: _url(m, held), text)
    text = TAG_PATTERN.sub(lambda m: held.hold(_tag_chip(m.group(1)), m.group(0)), text)
    return text.replace(STAR, held.hold(f'<span class="star" title="starred">{STAR}</span>', STAR))


def inline(text: str, fields: bool = True) -> str:
    """One line of an entry as HTML: inline Markdown, tags as chips, fields as labels
    (left out with ``fields=False``, when the caller shows them elsewhere)."""
    held = _Held()
    if not fields:
        text = FIELD_PATTERN.sub("", text)
    prepared = _prepare(text, held, fields)
    return held.restore(_MD.renderInline(prepared)).strip()


def block(text: str) -> str:
    """Free text (hand-written paragraphs, a reflection, a generated review block) as HTML."""
    held = _Held()
    prepared = _prepare(text, held)
    return held.restore(_MD.render(prepared))
