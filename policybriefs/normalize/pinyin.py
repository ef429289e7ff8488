"""Remove reading annotations a content farm pasted after characters: 協(xié)同 → 協同.

An annotation is removed only when it is a valid reading of the character
before it (checked with pypinyin), so a real parenthesis such as
``(廈門日報記者 蔡鎮金)`` keeps its text.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from ..models import LOST_MARK, Edit, new_edit
from .edits import rewrite

# Regex class contents: the letters a reading is written in, and its tone marks.
PINYIN_LETTERS = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# "(", a syllable (spaces tolerated before ")"), ")", after a character. The
# character is a look-behind so the scan starts at "(", not at every hanzi.
_ANNOTATED = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]\s?([{PINYIN_LETTERS}]{{1,7}}[1-5]?)\s*[)）]"
)
# The base character and "(" swallowed by mojibake: "?yún)" or "□yún)".
# (Look-behinds come after the first character of each pattern so the scan
# tests one character class per position, not an assertion.)
_ORPHAN_AFTER = ("?", "？", LOST_MARK, "\ufffd")
_ORPHAN = re.compile(
    rf"([{PINYIN_LETTERS}](?<=[?？{LOST_MARK}\ufffd].)[{PINYIN_LETTERS}]{{0,6}})\s?[)）]"
)
# A toned syllable in parentheses after a character that is not Chinese: its
# base was broken by mojibake ("B(yǎng)"). After a Chinese character, the
# reading check above decides.
_STRAY = re.compile(
    rf"[(（](?<![\u3400-\u9fff\uf900-\ufaff][(（])\s?([{PINYIN_LETTERS}]{{1,7}})\s*[)）]"
)
_TONE_MARKS = set(TONE_MARKS)


def _fold(reading: str) -> str:
    """Reading without tone marks and with ü as v, for toneless annotations like 地(di)."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", reading) if unicodedata.category(c) != "Mn"
    )
    return stripped.replace("ü", "v").lower()


@functools.lru_cache(maxsize=1)
def character_readings() -> Mapping[int, str]:
    """pypinyin's table of single characters: code point → toned readings, comma
    separated. Read from its data file, not by importing the package: importing
    it also loads its phrase table (55 MiB resident, where this takes 10), and
    a character's readings never come from phrases. ``serve`` drafts with this
    alone; only a name new to the site needs the phrases for its slug."""
    spec = importlib.util.find_spec("pypinyin")  # finds the package, runs none of it
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    table = origin.parent / "pinyin_dict.json" if origin else None
    if table is None or not table.is_file():  # another layout: the documented way
        from pypinyin.constants import PINYIN_DICT

        return PINYIN_DICT
    data = json.loads(table.read_text(encoding="utf-8"))
    return {int(code): readings for code, readings in data.items()}


@functools.lru_cache(maxsize=4096)
def toned_readings(char: str) -> frozenset[str]:
    """The readings pypinyin knows for ``char``, with tone marks, in lower case: what
    ``pypinyin.pinyin(char, heteronym=True, style=Style.TONE)`` gives (a test
    checks every character of the table and of the CJK blocks)."""
    found = character_readings().get(ord(char), "") if len(char) == 1 else ""
    return frozenset(r.lower() for r in found.split(",") if r)


@functools.lru_cache(maxsize=32768)
def readings_of(char: str) -> frozenset[str]:
    """Every reading pypinyin knows for ``char``, with tone marks and folded."""
    toned = toned_readings(char)
    return toned | {_fold(r) for r in toned}


@functools.lru_cache(maxsize=65536)
def is_reading_of(annotation: str, char: str) -> bool:
    text = annotation.strip().lower().rstrip("12345")
    readings = readings_of(char)
    if text in readings:
        return True
    # Toneless annotations only count when written without any tone mark.
    return not (set(text) & _TONE_MARKS) and _fold(text) in readings


@functools.lru_cache(maxsize=1)
def _all_readings() -> frozenset[str]:
    """Every toned syllable pypinyin knows: what an orphaned annotation must be."""
    found: set[str] = set()
    for value in character_readings().values():
        for reading in value.split(","):
            found.add(reading.lower())
    return frozenset(found)


def _strip_valid_readings(text: str, paragraph: int | None) -> tuple[str, list[Edit]]:
    """協(xié)同 → 協同, recorded as 協(xié) → 協 at the character's offset.

    ``edits.splice``'s loop, inline: the edit spans the character in
    front of the match, and this is the normalizer's most frequent edit.
    """
    edits: list[Edit] = []
    pieces: list[str] = []
    last = shift = 0
    for match in _ANNOTATED.finditer(text):
        start, end = match.span()
        char = text[start - 1]
        if not is_reading_of(match.group(1), char):
            continue
        pieces.append(text[last:start])
        edits.append(new_edit("pinyin", text[start - 1 : end], char, paragraph, start - 1 + shift))
        shift -= end - start
        last = end
    if not edits:
        return text, edits
    pieces.append(text[last:])
    return "".join(pieces), edits


def strip_pinyin_annotations(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    if ")" not in text and "）" not in text:
        return text, []

    text, edits = _strip_valid_readings(text, paragraph)

    def drop_orphan(match: re.Match[str]) -> str:
        syllable = match.group(1).lower()
        # Only toned syllables: plain Latin before ")" may be real text.
        if set(syllable) & _TONE_MARKS and syllable in _all_readings():
            return ""
        return match.group(0)

    orphans: list[Edit] = []
    strays: list[Edit] = []
    # Each scan only where what it needs is there: most paragraphs have neither.
    if any(mark in text for mark in _ORPHAN_AFTER):
        text, orphans = rewrite(
            text, _ORPHAN, drop_orphan, kind="pinyin", paragraph=paragraph, note="orphan annotation"
        )
    if "(" in text or "（" in text:
        text, strays = rewrite(
            text,
            _STRAY,
            drop_orphan,
            kind="pinyin",
            paragraph=paragraph,
            note="annotation on a damaged character",
        )
    return text, edits + orphans + strays
