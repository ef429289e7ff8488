"""Make the text Simplified and record which characters changed."""

from __future__ import annotations

import difflib
import re
from itertools import accumulate, islice

from ..models import Edit, new_edit
from ..script import simplifier, unsettled_simplified

_NONZERO_TO_ONE = bytes([0, *[1] * 255])
_UNCHANGED = re.compile(rb"(\x00+)")


def _changed_mask(before: str, after: str) -> bytes:
    """A byte per character, 1 where ``after`` differs from ``before`` (same length).

    Done on whole strings in C: the UTF-32 code units are XORed as one big
    integer, every non-zero byte becomes 1, and a character's four bytes are
    ORed together. Comparing character by character cost four times as much.
    """
    n = len(before)
    code_units = int.from_bytes(before.encode("utf-32-le"), "little") ^ int.from_bytes(
        after.encode("utf-32-le"), "little"
    )
    lanes = code_units.to_bytes(4 * n, "little").translate(_NONZERO_TO_ONE)
    merged = 0
    for lane in range(4):
        merged |= int.from_bytes(lanes[lane::4], "little")
    return merged.to_bytes(n, "little")


def _changed_runs(before: str, after: str, paragraph: int | None) -> list[Edit]:
    if len(before) == len(after):
        # The mask cut into runs of changes and of unchanged characters, the
        # offset of each part summed up in C: Python only visits the changes.
        parts = _UNCHANGED.split(_changed_mask(before, after))
        offsets = accumulate(map(len, parts), initial=0)
        runs: list[Edit] = []
        for a, changed in zip(islice(offsets, 0, None, 2), parts[0::2], strict=True):
            if changed:
                b = a + len(changed)
                runs.append(new_edit("script", before[a:b], after[a:b], paragraph, a))
        return runs
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(new_edit("script", before[i1:i2], after[j1:j2], paragraph, j1))
    return edits


_MAX_ROUNDS = 4
# Characters OpenCC simplifies that mainland Simplified still writes in personal
# names (通用规范汉字表, 2013): a paragraph written in Simplified keeps them (韩东昇);
# in Traditional text a farm may have made them from the common character (东升 →
# 東昇), so there they are simplified with the rest.
_NAME_FORMS_SIMPLIFIED = str.maketrans("昇", "升")


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
    if converted == text or converted == text.translate(_NAME_FORMS_SIMPLIFIED):
        return text, []
    return converted, _changed_runs(text, converted, paragraph)
