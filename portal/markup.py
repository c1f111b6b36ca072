"""User text as Markdown, rendered once to safe HTML when it is saved.

markdown-it in CommonMark mode with raw HTML off, then nh3 (ammonia) with an allowlist:
what ../shared/STACK.md found to hold against the XSS payloads tried.
"""

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Render Markdown to sanitised HTML: no script, no event handlers, no javascript: links."""
    html = _markdown.render(text or "")
    # Headings inside a post must not compete with the page's own h1/h2.
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def plain_text(text, limit=None):
    """Strip Markdown to plain text (for notifications, e-mails and excerpts)."""
    html = _markdown.render(text or "")
    flat = nh3.clean(html, tags=set())
    flat = re.sub(r"\s+", " ", flat).strip()
    flat = flat.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat
