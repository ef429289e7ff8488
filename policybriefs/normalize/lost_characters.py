"""Choosing a character the bytes lost, from the words around it, and the reading
annotations that help: the lost ``海`` in ``山??叼B(yǎng)卡`` comes back because only
one character with its surviving byte makes a word the article uses elsewhere.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..models import LOST_MARK
from .gbk_tables import Tables, gbk_tables, is_hanzi
from .pinyin import PINYIN_LETTERS, TONE_MARKS, toned_readings

ANNOTATION = re.compile(rf"[(（]\s?[{PINYIN_LETTERS}]{{1,7}}[1-5]?\s*[)）]")
TRAILING_ANNOTATION = re.compile(rf"[(（]\s?[{PINYIN_LETTERS}]{{1,7}}[1-5]?\s*[)）]$")
# An annotation starting right after a run: "(yǎng)", or "yǎng)" with "(" swallowed.
_ANNOTATION_AFTER = re.compile(
    rf"[(（]\s?([{PINYIN_LETTERS}]{{1,7}})[1-5]?\s*[)）]"
    rf"|([{PINYIN_LETTERS}]{{0,6}}[{TONE_MARKS}][{PINYIN_LETTERS}]{{0,6}})\s?[)）]"
)


def pair_count(ctx: str, pair: str) -> int:
    """How often ``pair`` occurs in ``ctx``, overlapping occurrences (ＡＡＡ has ＡＡ twice)
    included. Counted when asked: an article is asked about a few dozen pairs."""
    if pair[0] != pair[1]:
        return ctx.count(pair)
    found = 0
    k = ctx.find(pair)
    while k >= 0:
        found += 1
        k = ctx.find(pair, k + 1)
    return found


def without_annotations(text: str) -> str:
    return ANNOTATION.sub("", text)


# The article is asked for once per "?" in it: cached apart from the paragraphs,
# which would push it out of a shared cache.
article_without_annotations = functools.lru_cache(maxsize=2)(without_annotations)
paragraph_without_annotations = functools.lru_cache(maxsize=4)(without_annotations)


@functools.cache
def read_as(options: str, reading: str) -> str:
    """The characters of ``options`` (those of one lead byte) with ``reading``."""
    return "".join(c for c in options if reading in toned_readings(c))


def reading_after(text: str, end: int) -> str | None:
    """The reading in an annotation starting at ``end``, if one does."""
    match = _ANNOTATION_AFTER.match(text, end)
    if match is None:
        return None
    return (match.group(1) or match.group(2)).lower()


# -- choosing lost characters ------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What lost characters are chosen against."""

    ctx: str  # the article without reading annotations
    traditional: bool  # the paragraph is written in Traditional characters


_NOTHING: frozenset[str] = frozenset()


def _neighbours(ctx: str, left: str, right: str) -> set[str]:
    """The characters ``ctx`` has right after ``left`` and right before ``right``."""
    found: set[str] = set()
    if left:
        k = ctx.find(left)
        while k >= 0:
            found.add(ctx[k + 1 : k + 2])
            k = ctx.find(left, k + 1)
    if right:
        k = ctx.find(right, 1)
        while k >= 0:
            found.add(ctx[k - 1])
            k = ctx.find(right, k + 1)
    return found


@functools.lru_cache(maxsize=512)
def _by_simple_form(candidates: str) -> dict[str, str]:
    """``candidates`` (the hanzi of one byte value) grouped by their Simplified form."""
    simplified = gbk_tables().simplified
    groups: dict[str, str] = {}
    for c in candidates:
        simple = simplified.get(c, c)
        groups[simple] = groups.get(simple, "") + c
    return groups


def _with_evidence(candidates: str, seen_beside: set[str], listed: frozenset[str]) -> set[str]:
    """The candidates that make a pair the article has, or a listed pair: only
    those can have evidence. Set operations in C rather than a loop over ~150."""
    found = seen_beside.intersection(candidates)
    groups = _by_simple_form(candidates)
    for simple in groups.keys() & listed:
        found.update(groups[simple])
    return found


def infer(
    tables: Tables, candidates: str, left: str, right: str, scope: Scope
) -> tuple[str, str] | None:
    """The one candidate the words around it point to, and the evidence.

    Strong evidence is a pair with a neighbour that is a listed subject word or
    that the article uses elsewhere (twice, or once when it is a listed word):
    a single candidate with it wins. Without any, a single candidate making
    listed words on both sides wins. Anything else leaves the character lost.
    In a Traditional paragraph, characters Big5 lacks (员 for 員) are no candidates.
    """
    ctx = scope.ctx
    simplified = tables.simplified
    left_simple = simplified.get(left, left)
    right_simple = simplified.get(right, right)
    seen_beside = _neighbours(ctx, left, right)
    listed_after = tables.phrase_after.get(left_simple, _NOTHING) if left else _NOTHING
    listed_before = tables.phrase_before.get(right_simple, _NOTHING) if right else _NOTHING
    relevant = _with_evidence(candidates, seen_beside, listed_after | listed_before)
    strong: dict[str, str] = {}
    both: dict[str, str] = {}
    for c in candidates:
        if c not in relevant or (scope.traditional and c in tables.not_traditional):
            continue
        c_simple = simplified.get(c, c)
        sides: list[str] = []
        for pair, simple in (
            (left + c, left_simple + c_simple) if left else ("", ""),
            (c + right, c_simple + right_simple) if right else ("", ""),
        ):
            if not pair:
                continue
            seen = pair_count(ctx, pair) if ctx else 0
            listed = simple in tables.phrases
            if seen >= 2 or (seen and listed):
                strong.setdefault(c, f"{pair} (used elsewhere in the article)")
            elif simple in tables.subject:
                strong.setdefault(c, f"{pair} (a listed subject word)")
            if listed:
                sides.append(pair)
        if len(sides) == 2:
            both[c] = f"{sides[0]} and {sides[1]} (listed words)"
    chosen = strong if strong else both
    if len(chosen) != 1:
        return None
    ((c, evidence),) = chosen.items()
    return c, f"the only character with that byte that makes {evidence}"


def neighbour_before(text: str) -> str:
    """The hanzi ending ``text`` (a reading annotation skipped), or ""."""
    tail = text[-16:]
    stripped = ANNOTATION.sub("", tail) if ")" in tail or "）" in tail else tail
    return stripped[-1:] if is_hanzi(stripped[-1:]) else ""


def neighbour_after(text: str, pos: int) -> str:
    """The hanzi at ``pos`` (a reading annotation skipped), or ""."""
    match = ANNOTATION.match(text, pos)
    if match:
        pos = match.end()
    return text[pos] if pos < len(text) and is_hanzi(text[pos]) else ""


def fill_by_trail(
    tables: Tables, trail: int, left: str, right: str, scope: Scope
) -> tuple[str, str, str]:
    """(kind, character, note) for a lost character of which the trail byte survives."""
    inferred = infer(tables, tables.by_trail.get(trail, ""), left, right, scope)
    if inferred is not None:
        return "mojibake-inferred", inferred[0], f"trail byte {trail:02x}: {inferred[1]}"
    return "unrecoverable", LOST_MARK, f"only the trail byte {trail:02x} survives"
