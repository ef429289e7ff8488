"""The one place where text becomes trusted HTML.

Scraped text is always escaped; the only markup added to it is the mark
around characters the normalizer could not recover. Editor Markdown is
rendered and then sanitised with nh3, so a ``<script>`` in a note is gone.
"""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup, escape

from .models import LOST_MARK

_LOST_HTML = (
    f'<mark class="lost" title="此处原文已损坏，无法恢复 (unrecoverable)">{LOST_MARK}</mark>'
)
_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


def text_with_marks(text: str) -> Markup:
    """Escaped scraped text, with unrecoverable spans visibly marked."""
    return Markup(str(escape(text)).replace(LOST_MARK, _LOST_HTML))


def markdown_html(source: str) -> Markup:
    """Editor Markdown, rendered and sanitised."""
    rendered = markdown.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    return Markup(nh3.clean(rendered, tags=_ALLOWED_TAGS, link_rel="noopener noreferrer"))
