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
    edit in the context a reader sees. ``re.sub`` builds the text in C; the
    callback only keeps count of how far earlier changes moved the offsets.
    """
    edits: list[Edit] = []
    shift = 0

    def record(match: re.Match[str]) -> str:
        nonlocal shift
        after = replace(match)
        before = match.group(0)
        if after != before:
            edits.append(Edit(kind, before, after, paragraph, match.start() + shift, note))
            shift += len(after) - len(before)
        return after

    result = pattern.sub(record, text)
    return (result, edits) if edits else (text, edits)
