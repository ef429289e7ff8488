"""Rewriting text while recording every change as an Edit."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from ..models import Edit, new_edit

Replacement = Callable[[re.Match[str]], str]
Change = tuple[int, int, str]  # start, end (in the text before), replacement


def splice(
    text: str,
    changes: Iterable[Change],
    *,
    kind: str,
    paragraph: int | None,
    note: str = "",
) -> tuple[str, list[Edit]]:
    """``text`` with ``changes`` (in order, not overlapping) made, and one Edit each.

    Offsets are positions in the returned text, so the report can show each
    edit in the context a reader sees. The two most frequent kinds of edit,
    reading annotations and ASCII marks, run the same loop inline in their own
    passes (pinyin.py, punctuation.py): fed through a generator here, they cost
    the normalizer 5% of its speed.
    """
    edits: list[Edit] = []
    pieces: list[str] = []
    last = shift = 0
    for start, end, after in changes:
        pieces.append(text[last:start])
        pieces.append(after)
        edits.append(new_edit(kind, text[start:end], after, paragraph, start + shift, note))
        shift += len(after) - (end - start)
        last = end
    if not edits:
        return text, edits
    pieces.append(text[last:])
    return "".join(pieces), edits


def _replacements(text: str, pattern: re.Pattern[str], replace: Replacement) -> Iterator[Change]:
    for match in pattern.finditer(text):
        after = replace(match)
        if after != match.group(0):
            yield match.start(), match.end(), after


def rewrite(
    text: str,
    pattern: re.Pattern[str],
    replace: Replacement,
    *,
    kind: str,
    paragraph: int | None,
    note: str = "",
) -> tuple[str, list[Edit]]:
    """Like ``pattern.sub(replace, text)`` but returns one Edit per real change."""
    changes = _replacements(text, pattern, replace)
    return splice(text, changes, kind=kind, paragraph=paragraph, note=note)


def delete(
    text: str, pattern: re.Pattern[str], *, kind: str, paragraph: int | None, note: str = ""
) -> tuple[str, list[Edit]]:
    """``rewrite`` with every match removed, without a callback per match."""
    changes = (
        (start, end, "")
        for start, end in (match.span() for match in pattern.finditer(text))
        if end > start
    )
    return splice(text, changes, kind=kind, paragraph=paragraph, note=note)
