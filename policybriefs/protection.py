"""Which officials' names the Traditional converter must be given.

OpenCC converts by longest match over its phrase and character tables. A name
is written right without an entry of its own when OpenCC writes each of its
characters the same way in any text: as it writes the character alone. That
holds for a character no phrase of the configuration writes otherwise than
alone (发 is not such a character: 头发 writes it 髮), in every step of the
conversion chain. Such names are left out of the converter's user
dictionary. Most names are; at 10,000 briefs that is tens of thousands of
entries fewer, each held by every process that renders, and a new official
with such a name no longer changes the converter, which every Traditional
page depends on.

The phrases are read from OpenCC's own dictionaries with the ``opencc_dict``
tool its package ships; where that cannot be done, every name is protected.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opencc

from . import opencc_dicts
from .opencc_dicts import dictionary_entries, dictionary_files, opencc_fingerprint
from .script import convert_lines, opencc_data_dir, opencc_of, packaged_protected

# The ranges of hanzi OpenCC's tables hold: where names' characters are looked up.
_CJK_RANGES = (
    (0x3400, 0xA000),
    (0xF900, 0xFB00),
    (0x20000, 0x2B740),
    (0x2B740, 0x2CEB0),
    (0x30000, 0x3134B),
)


def _alone(converter: opencc.OpenCC, chars: list[str]) -> dict[str, str]:
    """How ``converter`` writes each character on its own."""
    return dict(zip(chars, convert_lines(converter, chars), strict=True))


@dataclass(frozen=True)
class OpenCCFacts:
    """What a Traditional variant of OpenCC does with single characters."""

    sensitive: frozenset[str]  # characters it may write otherwise than alone, in some text
    written: Mapping[str, str]  # how it writes a character alone, where that changes it

    def alone(self, char: str) -> str | None:
        """How the character is written alone; None for one outside the tables' ranges."""
        code = ord(char)
        for start, end in _CJK_RANGES:
            if start <= code < end:
                return self.written.get(char, char)
        return None


def _analyse(variant: str) -> OpenCCFacts:
    tool = opencc_dicts.opencc_dict_tool()
    if tool is None:
        raise FileNotFoundError("OpenCC's opencc_dict tool is not installed")
    data_dir = opencc_data_dir()
    config = json.loads((data_dir / f"{variant}.json").read_text(encoding="utf-8"))
    everything = [chr(o) for start, end in _CJK_RANGES for o in range(start, end)]
    read: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}

    def entries_of(node: Any) -> list[tuple[str, list[str]]]:
        found = []
        for kind, file in dictionary_files(node):
            if (kind, file) not in read:  # segmentation reads the first step's phrases again
                read[kind, file] = list(dictionary_entries(tool, kind, data_dir / file))
            found += read[kind, file]
        return found

    steps = [*config.get("normalization", []), *config["conversion_chain"]]
    entries = [entries_of(step) for step in steps]
    # A character in no dictionary's key goes through every step as it is, alone or
    # not: only the others are followed.
    followed = {c for found in entries for key, _ in found for c in key}
    followed |= {c for key, _ in entries_of(config.get("segmentation", {})) for c in key}
    # Through the steps, normalization first: ``reaches`` maps each followed character
    # to what the steps so far wrote for it alone; a step's sensitive characters
    # make every character that reaches them sensitive.
    sensitive: set[str] = set()
    reaches = {char: char for char in followed}
    for step, found in zip(steps, entries, strict=True):
        converter = opencc_of({"name": variant, "conversion_chain": [step]}, data_dir)
        phrases = [(key, values) for key, values in found if len(key) > 1]
        alone = _alone(converter, sorted({c for key, _ in phrases for c in key}))
        at_step: set[str] = set()
        for key, values in phrases:
            for value in values:
                if len(value) != len(key):
                    at_step.update(key)
                else:
                    at_step.update(k for k, v in zip(key, value, strict=True) if alone[k] != v)
        sensitive.update(c for c, now in reaches.items() if not at_step.isdisjoint(now))
        written = _alone(converter, sorted(set("".join(reaches.values()))))
        reaches = {c: "".join(written.get(x, x) for x in now) for c, now in reaches.items()}
        del converter
    # The whole configuration, as the build's converter runs it, on each character alone.
    whole = _alone(opencc_of(config, data_dir), everything)
    # Where the steps taken one by one do not give what the whole does, trust neither.
    sensitive.update(c for c in everything if reaches.get(c, c) != whole[c])
    return OpenCCFacts(frozenset(sensitive), {c: w for c, w in whole.items() if w != c})


_FAILURES = (OSError, ValueError, KeyError, RuntimeError, subprocess.SubprocessError)


@functools.lru_cache(maxsize=4)
def _analysed(variant: str, fingerprint: str) -> OpenCCFacts:
    """Once a process (tests build many sites, each with its own cache)."""
    return _analyse(variant)


def _read_record(record: Path) -> OpenCCFacts | None:
    """The facts kept in ``record``; None when it is missing or damaged (a miss)."""
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        sensitive, written = data["sensitive"], data["written"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(sensitive, str) or not isinstance(written, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in written.items()):
        return None
    return OpenCCFacts(frozenset(sensitive), dict(written))


def opencc_facts(variant: str, cache_root: Path | None) -> OpenCCFacts | None:
    """The facts of ``variant``, kept under ``cache_root`` too (reading OpenCC's
    dictionaries takes a second); None when they cannot be read. A damaged
    record reads as a miss and is made again; a cache that cannot be written
    keeps none."""
    try:
        fingerprint = opencc_fingerprint(variant)
        record = cache_root / "opencc" / f"{variant}-{fingerprint}.json" if cache_root else None
        if record is not None and (kept := _read_record(record)) is not None:
            return kept
        facts = _analysed(variant, fingerprint)
    except _FAILURES:
        return None
    if record is not None:
        data = {
            "sensitive": "".join(sorted(facts.sensitive)),
            "written": dict(sorted(facts.written.items())),
        }
        tmp = record.with_name(f".tmp-{os.getpid()}-{record.name}")
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, record)
        except OSError:
            tmp.unlink(missing_ok=True)
    return facts


def _written_otherwise(facts: OpenCCFacts, entries: Iterable[tuple[str, str]]) -> set[str]:
    """The characters ``entries`` (Simplified → Traditional) write otherwise than
    OpenCC writes them alone."""
    found: set[str] = set()
    for key, value in entries:
        if len(value) != len(key):
            found.update(key)
            continue
        for char, wanted in zip(key, value, strict=True):
            if facts.alone(char) != wanted:
                found.add(char)
    return found


@dataclass(frozen=True)
class NameProtection:
    """Whether a name would need an entry next to a build's entries: made once a
    build, asked for each official of each article ``serve`` drafts or patches."""

    facts: OpenCCFacts | None  # None: every name needs one
    characters: frozenset[str]  # a name with one of these needs one

    def needs_entry(self, name: str, hant: str) -> bool:
        if self.facts is None:
            return True
        return not self.characters.isdisjoint(name) or bool(
            _written_otherwise(self.facts, [(name, hant)])
        )


def _names_and_protection(
    variant: str,
    names: Mapping[str, str],
    phrases: Mapping[str, str],
    cache_root: Path | None,
) -> tuple[dict[str, str], NameProtection]:
    facts = opencc_facts(variant, cache_root)
    if facts is None:
        return dict(names), NameProtection(None, frozenset())
    # A name left out writes no character otherwise than alone (it would be in
    # ``protect``), so the set is the same next to the entries kept.
    protect = facts.sensitive | _written_otherwise(facts, (*phrases.items(), *names.items()))
    kept = {name: hant for name, hant in names.items() if not protect.isdisjoint(name)}
    return kept, NameProtection(facts, frozenset(protect))


def names_to_protect(
    variant: str,
    names: Mapping[str, str],
    phrases: Mapping[str, str],
    cache_root: Path | None,
) -> dict[str, str]:
    """The ``names`` (Simplified → Traditional) the converter must be given.

    A name is left out when OpenCC writes it as it should be written anyway:
    each character as OpenCC writes it alone, and none of them one it may write
    otherwise in some text. The protected ``phrases`` and the names themselves
    count as such text: a character they write otherwise than alone (the
    surname 余, kept as 余 where OpenCC writes 餘) is protected in every name.
    """
    return _names_and_protection(variant, names, phrases, cache_root)[0]


def protected_entries(
    variant: str,
    phrases: Mapping[str, str],
    officials: Iterable[tuple[str, str]],
    cache_root: Path | None,
) -> tuple[dict[str, str], NameProtection]:
    """The configured ``phrases`` and the names of ``officials`` (name, Traditional
    form; the first of a name wins, a phrase over a name) that need an entry, and
    whether another name would need one next to them."""
    names: dict[str, str] = {}
    for name, hant in officials:
        if name not in phrases:
            names.setdefault(name, hant)
    context = {**packaged_protected(variant), **phrases}
    kept, protection = _names_and_protection(variant, names, context, cache_root)
    return {**phrases, **kept}, protection
