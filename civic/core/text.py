"""User-written text: a small Markdown subset rendered to HTML and cleaned against an allowlist.

This is the one place that decides which HTML a user may produce; swap the sanitizer here.
"""

from __future__ import annotations

import re
from html import unescape

import bleach
from bleach.linkifier import Linker
from flask_babel import gettext as _
from markdown_it import MarkdownIt

from civic.core.errors import DomainError

# Control characters other than tab and line breaks: nothing a person types means them, PostgreSQL
# refuses NUL in text, and XML (feeds) refuses the rest.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_error(text: str, *, field: str, longest: int, required: str | None = None) -> DomainError | None:
    """The first thing wrong with a text someone wrote: empty when it is ``required`` (that message),
    longer than ``longest`` once trimmed, or holding control characters. None when it may be saved."""
    if required and not text.strip():
        return DomainError(required, field=field)
    if len(text.strip()) > longest:
        return DomainError(_("At most %(max)d characters.", max=longest), field=field)
    if CONTROL_CHARACTERS.search(text):
        return DomainError(_("The text holds characters that cannot be saved."), field=field)
    return None


ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "rel", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Only paragraphs, emphasis, lists, links, quotes and inline code; raw HTML is text.
_markdown = (
    MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True})
    .enable(["emphasis", "list", "link", "blockquote", "newline", "backticks", "escape"])
)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
)
# No skip_tags: bleach escapes the text of skipped tags a second time (`a < b` in inline code
# came out as `a &lt; b` on the page). An address inside inline code becomes a link too.
_linker = Linker(callbacks=[_set_rel])


def render_markdown(source: str) -> str:
    """Render ``source`` to HTML that is safe to show: allowlisted tags, safe links only."""
    html = _markdown.render(source)
    return _linker.linkify(_cleaner.clean(html))


_text_only = bleach.Cleaner(tags=set(), attributes={}, strip=True)


def plain_text(source: str) -> str:
    """What a reader sees of ``source``, without Markdown marks or tags: for search snippets."""
    html = _markdown.render(source)
    # Block ends become spaces, so list items and paragraphs do not run together.
    html = html.replace("</p>", " </p>").replace("</li>", " </li>").replace("<br />", " ")
    return " ".join(unescape(_text_only.clean(html)).split())


def excerpt(source: str, length: int = 80) -> str:
    """The first ``length`` characters a reader sees of ``source`` as plain text, cut with "…"."""
    text = plain_text(source)
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


# Ids are 32-bit integer columns on PostgreSQL.
LARGEST_ID = 2**31 - 1


def bounded_number(text: str, largest: int) -> int | None:
    """``text`` as a whole number from 1 to ``largest``, written in ASCII digits; None otherwise:
    never a Unicode digit that isdigit() accepts, never an overflow in the database later."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(largest))):
        return None
    number = int(text)
    return number if 1 <= number <= largest else None


def parse_id(text: str) -> int | None:
    """``text`` as an id: 1 to LARGEST_ID."""
    return bounded_number(text, LARGEST_ID)
