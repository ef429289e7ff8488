"""Make the text Simplified and record which characters changed."""

from __future__ import annotations

import difflib
import re
from operator import ne

from ..models import Edit, new_edit
from ..script import simplifier, unsettled_simplified

_CHANGED = re.compile(rb"\x01+")


def _changed_runs(before: str, after: str, paragraph: int | None) -> list[Edit]:
    if len(before) == len(after):
        # A byte per character, 1 where it changed, compared in C; the runs of
        # changes are found by a regex rather than a Python loop per character.
        changed = bytes(map(ne, before, after))
        runs: list[Edit] = []
        for match in _CHANGED.finditer(changed):
            a, b = match.span()
            runs.append(new_edit("script", before[a:b], after[a:b], paragraph, a))
        return runs
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
    if converted == text:
        return text, []
    # Converted again until it no longer changes, so normalizing twice is a
    # no-op; only text that can change again is converted again.
    unsettled = unsettled_simplified()
    for _ in range(_MAX_ROUNDS):
        if not unsettled.search(converted):
            break
        again = convert(converted)
        if again == converted:
            break
        converted = again
    if converted == text:
        return text, []
    return converted, _changed_runs(text, converted, paragraph)
