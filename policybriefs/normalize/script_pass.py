"""Make the text Simplified and record which characters changed."""

from __future__ import annotations

import difflib
import re
from operator import ne

from ..models import Edit, new_edit
from ..script import simplifier


_CHANGED = re.compile(rb"\x01+")


def _changed_runs(before: str, after: str, paragraph: int | None) -> list[Edit]:
    if len(before) == len(after):
        # A byte per character, 1 where it changed, compared in C; the runs of
        # changes are found by a regex rather than a Python loop per character.
        changed = bytes(map(ne, before, after))
        return [
            new_edit("script", before[a:b], after[a:b], paragraph, a)
            for a, b in (m.span() for m in _CHANGED.finditer(changed))
        ]
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(new_edit("script", before[i1:i2], after[j1:j2], paragraph, j1))
    return edits


_MAX_ROUNDS = 4


def to_simplified(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    convert = simplifier().convert
    converted = convert(text)
    # OpenCC is not always idempotent (a phrase entry 么麼 → 幺麽, then 麽 → 么):
    # convert again until the text no longer changes, so normalizing twice is a no-op.
    for _ in range(_MAX_ROUNDS):
        again = convert(converted)
        if again == converted:
            break
        converted = again
    if converted == text:
        return text, []
    return converted, _changed_runs(text, converted, paragraph)
