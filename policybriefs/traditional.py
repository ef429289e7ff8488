"""The Traditional edition's converter: OpenCC, with protected names and phrases
written as given.

OpenCC segments by longest match from the left, so a phrase of its own that
starts before a protected name and ends inside it wins over the name: given
胡春华 as an entry in its own dictionary, s2tw still writes 副市长胡春华 as
副市長鬍春華 (长胡 is a phrase). So the protected entries are found first,
longest from the left, by an OpenCC converter that knows only them, and each
is replaced by a code OpenCC leaves alone; OpenCC's own pass then converts
the text around them, and the codes are replaced by the entries' Traditional
forms. Those forms go through the configuration's later steps (s2tw's Taiwan
variants), as OpenCC's own output does.

An entry found that way can be a false find inside other words: 出征 in
提出征求. OpenCC's phrases settle it: where its own segmentation (longest match
from the left, followed from a little before the entry) would take a phrase
across the entry's start (提出 in 提出征求, 长胡 in 市长胡春华), a longer phrase
wins, and so does one as long as a protected phrase; a name wins a tie (市长于东
keeps 于東). A phrase that segmentation never forms does not count: 台长于云
is 台长 + 于云.

A name would win a tie inside words too: 关于东西部 next to an official named
于东. After a word no name follows directly (关于, 将于, 其余, 十余) the phrase
wins instead. A name of two characters is found that way by chance about as often as it is
meant, a longer one seldom. So a page may say which names it holds: a brief's
pages name their own officials, and there another official's two-character name
is left to OpenCC (关于东西部 → 關於東西部), while longer names are kept on
every page (an official of one brief named in another's text). Left as it is:
a two-character name inside a word that is not listed, in the brief whose
official it is, and 于东 named, not listed, in another brief's text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import opencc

from .opencc_dicts import FirstStep, first_step
from .script import (
    TRADITIONAL_VARIANTS,
    convert_lines,
    opencc_data_dir,
    opencc_of,
    packaged_protected,
    plain_converter,
)

# How far before an entry OpenCC's segmentation is followed to see whether one of
# its phrases reaches into it (a found entry before that is a boundary too).
_LOOK_BACK = 12
# Names this long or shorter are kept only where a page says it holds them.
_SHORT_NAME = 2
# Words that a name cannot follow directly (prepositions such as 关于 and 对于, 其余
# "the rest", 十余 "more than ten"): where one of OpenCC's phrases ending in such a
# word reaches into a name as far as the name is long, the phrase wins the tie
# (关于东西部 is 關於東西部 beside an official named 于东), as it does not after a
# title (市长于东, 主任于东, 同志于庆). Left out, as a name often follows them:
# 由于 (会议由于东主持), 在于 (在于东的带领下), 有余 (出席的有余华), 年余 (今年余华表示),
# 月余 and 后于 (随后于东表示). 将于 stays: 将于东莞召开 is far more common than
# 将 (把) 于东….
_NO_NAME_AFTER_WORDS = (
    "关于 对于 至于 鉴于 基于 等于 将于 属于 位于 终于 用于 处于 限于 出于 源于 过于 免于 便于 "
    "易于 难于 善于 敢于 勇于 乐于 急于 忙于 利于 助于 归于 高于 低于 大于 小于 多于 "
    "少于 早于 晚于 先于 优于 亚于 已于 曾于 拟于 并于 均于 始于 其余 多余 剩余 业余 "
    "残余 盈余 结余 节余 富余 之余 课余 空余 闲余 十余 百余 千余 万余 亿余"
)
_NO_NAME_AFTER = frozenset(_NO_NAME_AFTER_WORDS.split())


def traditional_pairs(variant: str, protected: Mapping[str, str]) -> dict[str, str]:
    """The entries of ``traditionalizer``: the packaged phrases, then ``protected``."""
    if variant not in TRADITIONAL_VARIANTS:
        raise ValueError(f"unknown Traditional variant {variant!r}")
    return {**packaged_protected(variant), **protected}


def traditionalizer(
    variant: str,
    protected: Mapping[str, str],
    cache_root: Path | None = None,
    phrases: Iterable[str] = (),
) -> TraditionalConverter:
    """Simplified to Traditional with ``protected`` (Simplified → Traditional) kept
    intact. OpenCC's first step is read from dictionaries kept under ``cache_root``
    (see ``opencc_dicts``), or as OpenCC configures it without one. ``phrases``:
    the keys of ``protected`` that are phrases, not names (the packaged ones are)."""
    return TraditionalConverter(
        variant,
        traditional_pairs(variant, protected),
        first_step(variant, cache_root),
        {*packaged_protected(variant), *phrases},
    )


@functools.lru_cache(maxsize=8)
def _steps_converter(variant: str, steps: str) -> opencc.OpenCC | None:
    """A converter of the configuration's ``normalization`` steps, or of its
    conversion chain after the first step; None where there are none."""
    data_dir = opencc_data_dir()
    config = json.loads((data_dir / f"{variant}.json").read_text(encoding="utf-8"))
    if steps == "normalization":
        chain = config.get("normalization", [])
    else:
        chain = config["conversion_chain"][1:]
    if not chain:
        return None
    return opencc_of({"name": f"{variant} {steps}", "conversion_chain": chain}, data_dir)


@functools.lru_cache(maxsize=64)
def _normalized_names(variant: str, names: tuple[str, ...]) -> frozenset[str]:
    """A page's names as the text and keys are searched: normalized. (Pages of one
    brief ask with the same names, one after the other.)"""
    lines = [name for name in names if "\n" not in name]  # no such name is protected
    return frozenset(convert_lines(_steps_converter(variant, "normalization"), lines))


# A protected phrase found in the text is replaced, before OpenCC's own pass, by
# a code of two characters from the supplementary private-use planes, which no
# dictionary holds: no phrase of OpenCC's can reach into it from either side.
_CODE = re.compile("[\U000f0000-\U000ffffd][\U00100000-\U0010fffd]")
_CODE_PLANES = re.compile("([\U000f0000-\U0010ffff]+)")
_CODE_BASE = 0xFFFE


# Characters of lines kept converted by each converter, the lines and their
# conversions: 7.2 MiB of strings at most over 6,000 pages of the N = 10,000
# site. Pages repeat lines: the header and footer, and a promise shown on its
# brief's, cities', officials' and projects' pages. At 1,000 briefs, half of
# what the Traditional edition converted was a line converted before, even with
# only 5,000 lines kept. (20,000 lines, about 13 MiB, took the largest process
# of a build at N = 10,000 to 496 MiB of its 500.)
_KEPT_CHARS = 3_000_000


def _code(index: int) -> str:
    return chr(0xF0000 + index // _CODE_BASE) + chr(0x100000 + index % _CODE_BASE)


def _index(code: str) -> int:
    return (ord(code[0]) - 0xF0000) * _CODE_BASE + ord(code[1]) - 0x100000


class TraditionalConverter:
    """Simplified to Traditional, with protected phrases and names written as given
    (see the module's documentation)."""

    def __init__(
        self,
        variant: str,
        protected: Mapping[str, str],
        step: FirstStep | None = None,
        phrases: Collection[str] = (),
    ):
        """``phrases``: the keys of ``protected`` that are phrases; the others are
        names, which win a tie with a phrase of OpenCC's as long as they are."""
        self.config = variant
        self.first_step = step
        entries = sorted((k, v) for k, v in protected.items() if k and v)
        self.phrase_keys = frozenset(phrases)
        lines = [f"{k}\t{v}" for k, v in entries]
        lines += [f"phrase\t{k}" for k, _ in entries if k in self.phrase_keys]
        # Names what this converter writes beyond OpenCC's own: a page's key names it.
        self.fingerprint = hashlib.sha256("\n".join([variant, *lines]).encode()).hexdigest()
        self._plain = plain_converter(variant, step.dictionaries if step else None)
        # Without OpenCC's phrases (its dictionary tool missing) an entry always wins.
        self._phrases = step.phrases if step else frozenset()
        self._longest = min(max(map(len, self._phrases), default=0), _LOOK_BACK + 8)
        self._finder: opencc.OpenCC | None = None
        self._short_names: list[str] = []  # each entry's key where it is a short name
        self._short_name_set: frozenset[str] = frozenset()
        self._keys: list[str] = []
        self._values: list[str] = []
        # The short names a page holds (None: all) → its lines converted,
        # _kept_chars characters in all.
        self._lines: dict[frozenset[str] | None, dict[str, str]] = {}
        self._kept_chars = 0
        # No phrase of OpenCC's is ASCII alone, so a line of ASCII (markup) is left
        # as it is, unless an entry is ASCII alone.
        self._ascii_kept = not any(k.isascii() for k, _ in entries)
        if not entries:
            return
        # The text is normalized (compatibility ideographs) before it is searched,
        # as OpenCC normalizes it before segmenting; so are the keys, and a page's names.
        self._keys = convert_lines(
            _steps_converter(variant, "normalization"), [k for k, _ in entries]
        )
        self._short_names = [
            key if len(key) <= _SHORT_NAME and given not in self.phrase_keys else ""
            for key, (given, _) in zip(self._keys, entries, strict=True)
        ]
        self._short_name_set = frozenset(filter(None, self._short_names))
        self._values = convert_lines(_steps_converter(variant, "later"), [v for _, v in entries])
        data_dir = opencc_data_dir()
        config = json.loads((data_dir / f"{variant}.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as tmp:
            codes = Path(tmp) / "codes.txt"
            seen: set[str] = set()
            with codes.open("w", encoding="utf-8") as out:
                for index, key in enumerate(self._keys):
                    if key not in seen:  # two keys alike once normalized: the first wins
                        seen.add(key)
                        out.write(f"{key}\t{_code(index)}\n")
            finder: dict[str, object] = {
                "name": f"{variant} protected",
                "segmentation": {"type": "mmseg", "dict": {"type": "text", "file": str(codes)}},
                "conversion_chain": [{"dict": {"type": "text", "file": str(codes)}}],
            }
            if config.get("normalization"):
                finder["normalization"] = config["normalization"]
            self._finder = opencc_of(finder, data_dir)

    def convert(self, text: str, names: Collection[str] | None = None) -> str:
        """``text`` in Traditional. ``names``: the names this text is known to hold (a
        brief's officials); other protected names of two characters are left to
        OpenCC. None: every protected name is kept. Protected phrases always are."""
        if not text:
            return text
        if self._finder is None:
            return self._plain.convert(text)
        if "\x00" in text:  # OpenCC's segmenter reads up to a NUL
            return "\x00".join(self.convert(part, names) for part in text.split("\x00"))
        if _CODE_PLANES.search(text):
            # The text holds characters of the codes' planes itself: converted
            # around them, which OpenCC would leave alone anyway.
            parts = _CODE_PLANES.split(text)
            return "".join(
                p if i % 2 else self._convert_coded(p, names) for i, p in enumerate(parts)
            )
        return self._convert_coded(text, names)

    def convert_pieces(
        self, texts: Sequence[str], names: Collection[str] | None = None
    ) -> list[str]:
        """Each of ``texts`` as ``convert`` writes it, with one call of OpenCC for
        all of them, line by line: a line converted before is taken as it was.
        Conversion never reaches across a line break (no phrase, name or code
        holds one), so converting the lines apart writes what converting the
        whole text writes."""
        lines = [text.split("\n") for text in texts]
        names_key = self._names_key(names)
        kept = self._lines.setdefault(names_key, {})
        ascii_kept = self._ascii_kept
        found: dict[str, str] = {}
        missing: list[str] = []
        for text_lines in lines:
            for line in text_lines:
                if line in found:
                    continue
                converted = kept.get(line)
                if converted is not None:
                    found[line] = converted
                elif ascii_kept and line.isascii():
                    found[line] = line
                else:
                    found[line] = ""
                    missing.append(line)
        if missing:
            todo = "\n".join(missing)
            written = self.convert(todo, names).split("\n")
            if len(written) != len(missing):  # pragma: no cover - nothing joins lines
                return [self.convert(text, names) for text in texts]
            size = 2 * len(todo)  # each line and its conversion, as long
            if self._kept_chars + size > _KEPT_CHARS:
                self._lines.clear()  # simpler than least recently used, and as good here
                self._kept_chars = 0
                kept = self._lines.setdefault(names_key, {})
            self._kept_chars += size
            for line, converted in zip(missing, written, strict=True):
                found[line] = kept[line] = converted
        return ["\n".join([found[line] for line in text_lines]) for text_lines in lines]

    def _names_key(self, names: Collection[str] | None) -> frozenset[str] | None:
        """What of a page's ``names`` its conversion depends on: which short names
        it holds (see ``_settled``); most pages' lines are kept under one key."""
        if names is None:
            return None
        return self._normalized(names) & self._short_name_set

    def _convert_coded(self, text: str, names: Collection[str] | None) -> str:
        if not text:
            return text
        assert self._finder is not None
        coded = str(self._finder.convert(text))
        if coded == text:  # nothing found (nor normalized)
            return self._plain.convert(text)
        if self._phrases or names is not None:
            coded = self._settled(coded, None if names is None else self._normalized(names))
        written = self._plain.convert(coded)
        return _CODE.sub(lambda match: self._values[_index(match.group(0))], written)

    def _normalized(self, names: Collection[str]) -> frozenset[str]:
        return _normalized_names(self.config, tuple(sorted(names)))

    def _settled(self, coded: str, names: frozenset[str] | None) -> str:
        """``coded`` with its false finds undone (see the module's documentation), and
        the short names ``names`` lacks: those are left to OpenCC but their first
        character, and what follows is searched again, for a name the page holds may
        start there (主任余华: 任余 another brief's official, 余华 this page's)."""
        assert self._finder is not None
        pieces: list[str] = []
        at = 0
        while (match := _CODE.search(coded, at)) is not None:
            pieces.append(coded[at : match.start()])
            index = _index(match.group(0))
            key = self._keys[index]
            short = self._short_names[index]
            if names is not None and short and short not in names:
                after = _CODE.search(coded, match.end())
                end = after.start() if after else len(coded)
                again = str(self._finder.convert(key[1:] + coded[match.end() : end]))
                coded = coded[: match.start()] + key[0] + again + coded[end:]
                pieces.append(key[0])
                at = match.start() + 1
                continue
            if self._phrases:
                reach, word = self._phrase_reaching_into(coded, match.start(), key)
                if reach > len(key) or (
                    reach == len(key) and (key in self.phrase_keys or word in _NO_NAME_AFTER)
                ):
                    pieces.append(key)
                    at = match.end()
                    continue
            pieces.append(match.group(0))
            at = match.end()
        pieces.append(coded[at:])
        return "".join(pieces)

    def _phrase_reaching_into(self, coded: str, start: int, key: str) -> tuple[int, str]:
        """The length of the phrase of OpenCC's that its segmentation, longest match
        from the left, would take across the start of ``key`` at ``start`` (0 if
        none), and the two characters of it that end at the key's first (关于)."""
        since = max(0, start - _LOOK_BACK)
        before = coded[since:start]
        found = [m.end() for m in _CODE_PLANES.finditer(before)]
        if found:
            before = before[found[-1] :]  # a found entry ends a segment
        text = before + key
        i = 0
        while i < len(before):
            step = 1
            for length in range(min(self._longest, len(text) - i), 1, -1):
                if text[i : i + length] in self._phrases:
                    step = length
                    break
            if i + step > len(before):
                return step, text[max(i, len(before) - 1) : len(before) + 1]
            i += step
        return 0, ""
