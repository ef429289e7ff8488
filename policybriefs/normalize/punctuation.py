"""Punctuation as a Chinese newspaper prints it.

Farms turn full-width marks into ASCII and insert a stray comma in front of
real marks (``,,`` ``,。`` ``,、``). ASCII marks are made full-width only
inside Chinese text, so ``1,000``, ``10:30``, URLs and Latin phrases keep theirs.
"""

from __future__ import annotations

import re

from ..models import Edit
from .edits import rewrite

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：！？（）“”‘’《》〈〉【】…—"
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}

# The inserted comma: ASCII or full-width, directly before another mark.
_DOUBLED = re.compile(r"[,，](?=[,，、。；;！!？?：:])")
# An ASCII mark with Chinese on at least one side (ignoring one space).
# A run of marks (?? or ?!) is taken whole, so one pass widens all of it.
_ASCII_MARK = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}□])\s?[,;:!?]+|[,;:!?]+(?=\s?[{_CJK}{_CJK_PUNCT}□])"
)
_ANY_ASCII_MARK = re.compile(r"[,;:!?()]")
_PAREN = re.compile(r"\(([^()]{0,200})\)")
_URL = re.compile(r"(?:https?://|www\.)[\w./%?#=&:+-]+")


def _has_cjk(text: str) -> bool:
    return re.search(rf"[{_CJK}]", text) is not None


def collapse_doubled_punctuation(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    if "," not in text and "，" not in text:
        return text, []
    return rewrite(text, _DOUBLED, lambda m: "", kind="doubled-punctuation", paragraph=paragraph)


def full_width_punctuation(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    if not _ANY_ASCII_MARK.search(text):
        return text, []
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]

    def in_url(pos: int) -> bool:
        return any(start <= pos < end for start, end in urls)

    def widen(match: re.Match[str]) -> str:
        mark = match.group(0).strip()
        if in_url(match.start()):
            return match.group(0)
        # 10:30 and 1,000 are numbers, not Chinese text.
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        if mark in (",", ":") and before.isdigit() and after.isdigit():
            return match.group(0)
        return "".join(_FULL_WIDTH[c] for c in mark)

    text, edits = rewrite(text, _ASCII_MARK, widen, kind="punctuation", paragraph=paragraph)

    def widen_parens(match: re.Match[str]) -> str:
        inner = match.group(1)
        head = text_now[max(0, match.start() - 1) : match.start()]
        if _has_cjk(inner) or _has_cjk(head):
            return f"（{inner}）"
        return match.group(0)

    text_now = text
    text, paren_edits = rewrite(text, _PAREN, widen_parens, kind="punctuation", paragraph=paragraph)
    return text, edits + paren_edits


_ASCII_QUOTES = re.compile(r'"([^"\n]{1,200})"')


def pair_quotes(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    """ASCII double quotes around Chinese become “ ”."""

    if '"' not in text:
        return text, []

    def curl(match: re.Match[str]) -> str:
        inner = match.group(1)
        return f"“{inner}”" if _has_cjk(inner) else match.group(0)

    return rewrite(text, _ASCII_QUOTES, curl, kind="punctuation", paragraph=paragraph)
