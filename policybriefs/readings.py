"""Pinyin slugs for place names, where pypinyin's guess for a name it does not know is wrong.

pypinyin reads a word it has no entry for character by character, each in its
commonest reading: 长治 comes out zhangzhi, 昌都 changdou, 长三角 zhangsanjiao.
In place names 长 is chang and 都 is du, bar the few names listed below.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .gazetteer import load_gazetteer
from .load import slug_of_reading, slugify

_PLACE_CHAR_READINGS = {"长": "chang", "都": "du"}
# Whole names read otherwise again: 长子 keeps zhang; the rest pypinyin misreads.
_PLACE_NAME_READINGS = {
    "长子": ("zhang", "zi"),
    "朝阳": ("chao", "yang"),
    "曾都": ("zeng", "du"),
    "南乐": ("nan", "le"),
    "民乐": ("min", "le"),
    "洪洞": ("hong", "tong"),
    "涡阳": ("guo", "yang"),
    "单县": ("shan", "xian"),
    "筠连": ("jun", "lian"),
    "浚县": ("xun", "xian"),
    "繁峙": ("fan", "shi"),
    "漯河": ("luo", "he"),
    "六合": ("lu", "he"),
    "解州": ("xie", "zhou"),
}
_NAME_READING = re.compile("|".join(sorted(_PLACE_NAME_READINGS, key=len, reverse=True)))


def _readings(text: str) -> list[str]:
    """One reading per character of ``text``: a Han character's pinyin, or the
    character itself set off by spaces (what ``slugify`` joins into hyphens)."""
    from pypinyin import lazy_pinyin

    out: list[str] = []
    for token in lazy_pinyin(text, errors=lambda s: f"\0{s}"):
        if token.startswith("\0"):
            out.extend(f" {ch} " for ch in token[1:])
        else:
            out.append(token)
    return out


def read_places(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` in pinyin, the characters in ``spans`` read as a place name's."""
    readings = _readings(text)
    if len(readings) != len(text):  # not one reading a character: leave it to pypinyin
        return "".join(readings)
    for start, end in spans:
        for i in range(start, end):
            readings[i] = _PLACE_CHAR_READINGS.get(text[i], readings[i])
        for found in _NAME_READING.finditer(text, start, end):
            readings[found.start() : found.end()] = _PLACE_NAME_READINGS[found.group()]
    return "".join(readings)


@functools.lru_cache(maxsize=65536)
def city_slug(name: str) -> str:
    """A city's slug, the whole name read as a place: 长治 → changzhi, 昌都 → changdu."""
    if name.isascii():
        return slugify(name)
    return slug_of_reading(read_places(name, [(0, len(name))]))


@functools.lru_cache(maxsize=65536)
def series_slug(name: str) -> str:
    """A meeting series' slug, its place and zone names read as places:
    长三角城市经济协调会 → changsanjiao-…, but 市长联席会议 keeps shizhang."""
    if name.isascii():
        return slugify(name)
    return slug_of_reading(read_places(name, place_spans(name)))


def place_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a place or zone; and its first character, since a
    series or zone name that opens with 长 opens with a place (长吉图, 长株潭)."""
    gazetteer = load_gazetteer()
    spans = [(start, end) for start, end, _ in gazetteer.find_all(text)]
    for zone in gazetteer.zones:
        at = text.find(zone)
        while at >= 0:
            spans.append((at, at + len(zone)))
            at = text.find(zone, at + 1)
    if text:
        spans.append((0, 1))
    return spans
