"""Rewriting text while recording every change as an Edit."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..models import Edit

Replacement = Callable[[re.Match[str]], str]


def rewrite(
    text: str,
    pattern: re.Pattern[str],
    replace: Replacement,
    *,
    kind: str,
    paragraph: int | None,
    note: str = "",
) -> tuple[str, list[Edit]]:
    """Like ``pattern.sub(replace, text)`` but returns one Edit per real change.

    Offsets are positions in the returned text, so the report can show each
    edit in the context a reader sees.
    """
    pieces: list[str] = []
    edits: list[Edit] = []
    last = 0
    out_len = 0
    for match in pattern.finditer(text):
        after = replace(match)
        before = match.group(0)
        head = text[last : match.start()]
        pieces.append(head)
        out_len += len(head)
        if after != before:
            edits.append(Edit(kind, before, after, paragraph, out_len, note))
        pieces.append(after)
        out_len += len(after)
        last = match.end()
    if not edits:
        return text, []
    pieces.append(text[last:])
    return "".join(pieces), edits
