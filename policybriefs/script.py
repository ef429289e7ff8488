"""Script conversion through OpenCC, with user dictionaries for what it gets wrong.

Canonical text is Simplified. OpenCC's t2s keeps 著 where Simplified writes
着 and turns Taiwan phrasing (雙迴圈) into nonsense (双回圈): corrected the way
OpenCC intends, by a text dictionary placed first in the conversion chain, so
the fixes take part in OpenCC's own longest-match segmentation. Its s2t turns
the surname 余 into 餘 and 新征程 into 新徵程: what must be kept is found
before OpenCC's pass and kept out of it (``TraditionalConverter``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import opencc

TRADITIONAL_VARIANTS = ("s2t", "s2tw", "s2hk")
_CJK = re.compile(r"[\u3400-\u9fff]")


def opencc_data_dir() -> Path:
    package_dir = Path(opencc.__file__).parent
    for candidate in sorted(package_dir.rglob("s2t.json")):
        return candidate.parent
    raise RuntimeError(f"OpenCC's configuration files were not found under {package_dir}")


def absolutize_config(node: Any, data_dir: Path) -> Any:
    if isinstance(node, dict):
        out = {k: absolutize_config(v, data_dir) for k, v in node.items()}
        if "file" in out and isinstance(out["file"], str):
            out["file"] = str(data_dir / out["file"])
        return out
    if isinstance(node, list):
        return [absolutize_config(v, data_dir) for v in node]
    return node


def read_pairs(name: str) -> dict[str, str]:
    """A packaged tab-separated dictionary: ``source<TAB>target`` per line, # comments."""
    text = resources.files("policybriefs").joinpath("data", name).read_text(encoding="utf-8")
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, _, target = line.partition("\t")
        pairs[source.strip()] = target.strip() or source.strip()
    return pairs


class ScriptConverter:
    """An OpenCC converter for one direction with a user dictionary in front."""

    def __init__(self, config: str, user_pairs: Mapping[str, str], first_step: Path | None = None):
        """``first_step``: one ocd2 dictionary with what the configuration's first
        step reads (``opencc_dicts.first_step_dictionary``), read in its place."""
        data_dir = opencc_data_dir()
        base = json.loads((data_dir / f"{config}.json").read_text(encoding="utf-8"))
        base = absolutize_config(base, data_dir)
        if first_step is not None:
            merged = {"type": "ocd2", "file": str(first_step)}
            base["conversion_chain"][0]["dict"] = merged
            if "segmentation" in base:
                base["segmentation"]["dict"] = merged
        # OpenCC reads every dictionary when it is made: the folder can go at once.
        with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as folder:
            tmp = Path(folder)
            user_file = tmp / "user.txt"
            lines = [f"{k}\t{v}" for k, v in sorted(user_pairs.items()) if k and v]
            user_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            first = base["conversion_chain"][0]["dict"]
            base["conversion_chain"][0]["dict"] = {
                "type": "group",
                "match_policy": "short_circuit",
                "dicts": [{"type": "text", "file": str(user_file)}, first],
            }
            # Configs with a segmentation step cut the text before converting it:
            # the user entries must take part in the cutting too.
            if "segmentation" in base:
                seg = base["segmentation"]["dict"]
                base["segmentation"]["dict"] = {
                    "type": "group",
                    "match_policy": "union",
                    "dicts": [{"type": "text", "file": str(user_file)}, seg],
                }
            config_file = tmp / f"{config}-user.json"
            config_file.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
            self._converter = opencc.OpenCC(str(config_file))
        self.config = config

    def convert(self, text: str) -> str:
        if not text:
            return text
        return str(self._converter.convert(text))


@functools.lru_cache(maxsize=1)
def simplifier() -> ScriptConverter:
    """Traditional (or mixed) to Simplified, with the packaged corrections."""
    return ScriptConverter("t2s", read_pairs("t2s_corrections.tsv"))


@dataclass(frozen=True)
class UnsettledText:
    """What ``simplifier()`` may still change in text it has already converted.

    OpenCC is not always idempotent: a phrase entry can leave a character that
    its character table converts (么麼 → 幺麽, then 麽 → 么). Converted text
    can only change again if it holds a character that converts on its own,
    or one of our own phrase entries made of characters that do not; looking
    for those costs a tenth of a second conversion, which is then rarely needed.
    """

    characters: re.Pattern[str]
    phrases: re.Pattern[str] | None
    gate: str  # characters every such phrase has (著): without them, no phrase is there

    def search(self, text: str) -> bool:
        if self.characters.search(text) is not None:
            return True
        if self.phrases is None or (self.gate and not any(c in text for c in self.gate)):
            return False
        return self.phrases.search(text) is not None


@functools.lru_cache(maxsize=1)
def unsettled_simplified() -> UnsettledText:
    convert = simplifier().convert
    chars = [chr(o) for o in (*range(0x3400, 0xA000), *range(0xF900, 0xFB00))]
    converted = convert("\n".join(chars)).split("\n")
    changing = {c for c, out in zip(chars, converted, strict=True) if out != c}
    phrases = [
        key for key in sorted(read_pairs("t2s_corrections.tsv")) if not changing.intersection(key)
    ]
    shared = set.intersection(*(set(p) for p in phrases)) if phrases else set()
    # Kept apart: an alternation in the character class's pattern would defeat its fast scan.
    return UnsettledText(
        re.compile(f"[{''.join(sorted(changing))}]"),
        re.compile("|".join(map(re.escape, phrases))) if phrases else None,
        "".join(sorted(shared)),
    )


@functools.lru_cache(maxsize=4)
def _plain(config: str, first_step: Path | None = None) -> ScriptConverter:
    if first_step is not None:
        try:
            return ScriptConverter(config, {}, first_step)
        except RuntimeError:  # a damaged dictionary: OpenCC's own configuration will do
            pass
    return ScriptConverter(config, {})


def surname_forms() -> dict[str, str]:
    return read_pairs("surnames_s2t.tsv")


def traditional_name(name: str, variant: str) -> str:
    """Traditional form of a person's name: OpenCC char by char, surnames kept.

    OpenCC has no notion of a name: it writes 余红胜 as 餘紅勝 and 范 as 範.
    """
    plain = _plain(variant)
    surnames = surname_forms()
    for length in (2, 1):
        head = name[:length]
        if len(name) > length and head in surnames:
            return surnames[head] + "".join(plain.convert(c) for c in name[length:])
    return "".join(plain.convert(c) for c in name)


def traditionalizer(
    variant: str, protected: Mapping[str, str], first_step: Path | None = None
) -> TraditionalConverter:
    """Simplified to Traditional with ``protected`` (Simplified → Traditional) kept
    intact; ``first_step`` as for ``ScriptConverter``."""
    return TraditionalConverter(variant, traditional_pairs(variant, protected), first_step)


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
    with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as tmp:
        file = Path(tmp) / "steps.json"
        steps_config = {"name": f"{variant} {steps}", "conversion_chain": chain}
        file.write_text(json.dumps(absolutize_config(steps_config, data_dir)), encoding="utf-8")
        return opencc.OpenCC(str(file))


def _convert_lines(converter: opencc.OpenCC | None, texts: list[str]) -> list[str]:
    if converter is None or not texts:
        return texts
    written = str(converter.convert("\n".join(texts))).split("\n")
    if len(written) != len(texts):  # pragma: no cover - OpenCC keeps lines apart
        raise RuntimeError("OpenCC joined lines")
    return written


# A protected phrase found in the text is replaced, before OpenCC's own pass, by
# a code of two characters from the supplementary private-use planes, which no
# dictionary holds: no phrase of OpenCC's can reach into it from either side.
_CODE = re.compile("[\U000f0000-\U000ffffd][\U00100000-\U0010fffd]")
_CODE_PLANES = re.compile("([\U000f0000-\U0010ffff]+)")
_CODE_BASE = 0xFFFE


def _code(index: int) -> str:
    return chr(0xF0000 + index // _CODE_BASE) + chr(0x100000 + index % _CODE_BASE)


def _index(code: str) -> int:
    return (ord(code[0]) - 0xF0000) * _CODE_BASE + ord(code[1]) - 0x100000


class TraditionalConverter:
    """Simplified to Traditional, with protected phrases and names written as given.

    OpenCC segments by longest match from the left, so a phrase of its own that
    starts before a protected name and ends inside it wins over the name: given
    胡春华 as an entry, s2tw still writes 副市长胡春华 as 副市長鬍春華 (长胡 is a
    phrase). So the protected entries are found first, longest from the left,
    by an OpenCC converter that knows only them, and each is replaced by a code
    OpenCC leaves alone; OpenCC's own pass then converts the text around them,
    and the codes are replaced by the entries' Traditional forms. Those forms
    go through the configuration's later steps (s2tw's Taiwan variants), as
    OpenCC's own output does.
    """

    def __init__(self, variant: str, protected: Mapping[str, str], first_step: Path | None = None):
        self.config = variant
        self.first_step = first_step
        entries = sorted((k, v) for k, v in protected.items() if k and v)
        lines = [f"{k}\t{v}" for k, v in entries]
        # Names what this converter writes beyond OpenCC's own: a page's key names it.
        self.fingerprint = hashlib.sha256("\n".join([variant, *lines]).encode()).hexdigest()
        self._plain = _plain(variant, first_step)
        self._finder: opencc.OpenCC | None = None
        if not entries:
            self._values: list[str] = []
            return
        # The text is normalized (compatibility ideographs) before it is searched,
        # as OpenCC normalizes it before segmenting; so are the keys.
        keys = _convert_lines(_steps_converter(variant, "normalization"), [k for k, _ in entries])
        self._values = _convert_lines(_steps_converter(variant, "later"), [v for _, v in entries])
        data_dir = opencc_data_dir()
        config = json.loads((data_dir / f"{variant}.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as tmp:
            codes = Path(tmp) / "codes.txt"
            seen: set[str] = set()
            with codes.open("w", encoding="utf-8") as out:
                for index, key in enumerate(keys):
                    if key not in seen:  # two keys alike once normalized: the first wins
                        seen.add(key)
                        out.write(f"{key}\t{_code(index)}\n")
            finder: dict[str, Any] = {
                "name": f"{variant} protected",
                "segmentation": {"type": "mmseg", "dict": {"type": "text", "file": str(codes)}},
                "conversion_chain": [{"dict": {"type": "text", "file": str(codes)}}],
            }
            if config.get("normalization"):
                finder["normalization"] = absolutize_config(config["normalization"], data_dir)
            config_file = Path(tmp) / "finder.json"
            config_file.write_text(json.dumps(finder, ensure_ascii=False), encoding="utf-8")
            self._finder = opencc.OpenCC(str(config_file))

    def convert(self, text: str) -> str:
        if not text:
            return text
        if self._finder is None:
            return self._plain.convert(text)
        if _CODE_PLANES.search(text):
            # The text holds characters of the codes' planes itself: converted
            # around them, which OpenCC would leave alone anyway.
            parts = _CODE_PLANES.split(text)
            return "".join(p if i % 2 else self._convert_coded(p) for i, p in enumerate(parts))
        return self._convert_coded(text)

    def _convert_coded(self, text: str) -> str:
        if not text:
            return text
        assert self._finder is not None
        coded = str(self._finder.convert(text))
        written = self._plain.convert(coded)
        if coded == text:  # nothing found (nor normalized)
            return written
        return _CODE.sub(lambda match: self._values[_index(match.group(0))], written)


@functools.lru_cache(maxsize=4)
def packaged_protected(variant: str) -> dict[str, str]:
    """s2t_protected.tsv, its entries without a target made by OpenCC's own ``variant``.

    With a converter of its own, dropped once the table is made: a build's main
    process needs no other plain converter (the workers name officials), and
    one holds 40 MiB.
    """
    plain = ScriptConverter(variant, {})
    pairs = read_pairs("s2t_protected.tsv")
    for source, target in list(pairs.items()):
        if source == target:
            pairs[source] = plain.convert(source) if not _CJK.search(target) else target
    return pairs


def traditional_pairs(variant: str, protected: Mapping[str, str]) -> dict[str, str]:
    """The entries of ``traditionalizer``: the packaged phrases, then ``protected``."""
    if variant not in TRADITIONAL_VARIANTS:
        raise ValueError(f"unknown Traditional variant {variant!r}")
    return {**packaged_protected(variant), **protected}
