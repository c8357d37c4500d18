"""The contest's own pages (the rules `the-le`, the instructions `huong-dan`, any other slug) and announcements,
written in Markdown by organizers and shown as HTML with anything unsafe removed.

Markdown goes through markdown-it-py (CommonMark, plus tables and strikethrough; raw HTML allowed) and the result
through nh3 (the Ammonia sanitizer): only the tags Markdown produces survive, links keep http(s), mailto and tel
addresses only and open with rel="noopener noreferrer nofollow", and scripts, styles, event handlers and frames
are dropped with their content. Rendered once when saved, never when read."""
from __future__ import annotations

import re
from functools import cache

from chalicelib.contest.records import Struct

SLUG = re.compile(r"[a-z0-9-]{1,40}")
RULES, INSTRUCTIONS = "the-le", "huong-dan"

_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "sub",
         "sup", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
         "td", "mark", "small"}
# No style attributes: the pages' Content-Security-Policy refuses inline styles anyway.
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


@cache
def _markdown():
    """The parser, made on first use: only the functions that render pages import markdown-it (cold start)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])


def render(markdown: str) -> str:
    """Markdown → safe HTML."""
    import nh3

    return nh3.clean(_markdown().render(markdown), tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow")


class Page(Struct, frozen=True):
    slug: str
    title: str
    body: str             # Markdown, as the organizer wrote it
    body_html: str
    updated_at: int


class Announcement(Struct, frozen=True):
    id: str
    title: str
    body: str
    body_html: str
    published_at: int


def page(slug: str, title: str, body: str, now: int) -> Page:
    return Page(slug, title, body, render(body), now)


def announcement(announcement_id: str, title: str, body: str, now: int) -> Announcement:
    return Announcement(announcement_id, title, body, render(body), now)
