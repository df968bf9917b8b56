"""Openings' descriptions are Markdown written by staff: rendered to HTML a browser may show.

Two walls: markdown-it never passes raw HTML through (html=False escapes it, and it refuses
javascript:/vbscript:/data: links), and nh3 (the ammonia sanitiser) then keeps only the tags
and attributes below, whatever a future parser option or bug lets through.
"""

from __future__ import annotations

import html as html_lib
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = frozenset(
    {
        "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
        "blockquote", "code", "pre", "hr",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@cache
def _parser() -> MarkdownIt:
    # CommonMark with tables and strikethrough off: a job ad needs paragraphs, lists, links.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to sanitised HTML: no raw HTML, no scripts, links open nothing local."""
    if not text:
        return Markup("")
    html = _parser().render(text)
    # Headings in a description sit under the page's h1: # and ## become h2.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    # Sanitised just above: Markup marks it as safe to insert.
    return Markup(clean)  # noqa: S704  # nosec B704


def markdown_text(text: str | None) -> str:
    """Return the plain text of a Markdown description (for previews and cards)."""
    # Tags dropped, then the entities undone: the template escapes the text once, as any text.
    return html_lib.unescape(nh3.clean(str(render_markdown(text)), tags=set())).strip()
