"""Make the text Simplified and record which characters changed."""

from __future__ import annotations

import difflib
from itertools import compress, count
from operator import ne

from ..models import Edit
from ..script import simplifier


def _changed_runs(before: str, after: str, paragraph: int | None) -> list[Edit]:
    edits: list[Edit] = []
    if len(before) == len(after):
        # Compared in C: itertools over operator.ne, not a Python loop per character.
        changed = list(compress(count(), map(ne, before, after)))
        start = previous = -2
        for i in [*changed, -2]:  # -2 closes the last run
            if i != previous + 1:
                if start >= 0:
                    end = previous + 1
                    edits.append(
                        Edit("script", before[start:end], after[start:end], paragraph, start)
                    )
                start = i
            previous = i
        return edits
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit("script", before[i1:i2], after[j1:j2], paragraph, j1))
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
