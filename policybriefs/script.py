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


def opencc_of(config: dict[str, Any], data_dir: Path) -> opencc.OpenCC:
    """OpenCC made from a configuration held in memory (its files under ``data_dir``)."""
    with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as tmp:
        file = Path(tmp) / "config.json"
        text = json.dumps(absolutize_config(config, data_dir), ensure_ascii=False)
        file.write_text(text, encoding="utf-8")
        return opencc.OpenCC(str(file))


def convert_lines(converter: opencc.OpenCC | None, texts: list[str]) -> list[str]:
    """Each of ``texts`` converted on its own, in one call (None: as they are)."""
    if converter is None or not texts:
        return texts
    written = str(converter.convert("\n".join(texts))).split("\n")
    if len(written) != len(texts):  # pragma: no cover - OpenCC keeps lines apart
        raise RuntimeError("OpenCC joined lines")
    return written


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

    def __init__(
        self,
        config: str,
        user_pairs: Mapping[str, str],
        first_step: tuple[Path, Path] | None = None,
    ):
        """``first_step``: two ocd2 dictionaries, to convert and to segment with,
        read in place of the configuration's first step (``opencc_dicts``)."""
        data_dir = opencc_data_dir()
        base = json.loads((data_dir / f"{config}.json").read_text(encoding="utf-8"))
        if first_step is not None:
            conversion, segmentation = first_step
            base["conversion_chain"][0]["dict"] = {"type": "ocd2", "file": str(conversion)}
            if "segmentation" in base:
                base["segmentation"]["dict"] = {"type": "ocd2", "file": str(segmentation)}
        # OpenCC reads every dictionary when it is made: the folder can go at once.
        with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as folder:
            tmp = Path(folder)
            user_file = tmp / "user.txt"
            lines = [f"{k}\t{v}" for k, v in sorted(user_pairs.items()) if k and v]
            user_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            # Without entries, no group: OpenCC holds a group of dictionaries in
            # several times the memory of its members (42 MiB against 6).
            if lines:
                _put_in_front(base, user_file)
            self._converter = opencc_of(base, data_dir)
        self.config = config

    def convert(self, text: str) -> str:
        if not text:
            return text
        return str(self._converter.convert(text))


def _put_in_front(base: dict[str, Any], user_file: Path) -> None:
    """``user_file``'s entries first in the configuration's first step."""
    first = base["conversion_chain"][0]["dict"]
    base["conversion_chain"][0]["dict"] = {
        "type": "group",
        "match_policy": "short_circuit",
        "dicts": [{"type": "text", "file": str(user_file)}, first],
    }
    # Configs with a segmentation step cut the text before converting it:
    # the user entries must take part in the cutting too.
    if "segmentation" in base:
        base["segmentation"]["dict"] = {
            "type": "group",
            "match_policy": "union",
            "dicts": [{"type": "text", "file": str(user_file)}, base["segmentation"]["dict"]],
        }


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
    # An entry that keeps its phrase as it is (沈思) cannot change converted text.
    phrases = [
        key
        for key, value in sorted(read_pairs("t2s_corrections.tsv").items())
        if key != value and not changing.intersection(key)
    ]
    shared = set.intersection(*(set(p) for p in phrases)) if phrases else set()
    # Kept apart: an alternation in the character class's pattern would defeat its fast scan.
    return UnsettledText(
        re.compile(f"[{''.join(sorted(changing))}]"),
        re.compile("|".join(map(re.escape, phrases))) if phrases else None,
        "".join(sorted(shared)),
    )


def s2t_corrections(config: str) -> dict[str, str]:
    """Phrases OpenCC's first step gets wrong, for a Simplified-to-Traditional ``config``:
    ``s2t_corrections.tsv``, and place names as the gazetteer writes them."""
    if config not in TRADITIONAL_VARIANTS:
        return {}
    return {**_place_phrases(), **read_pairs("s2t_corrections.tsv")}


@functools.lru_cache(maxsize=1)
def _place_phrases() -> dict[str, str]:
    """Places' full names, and the short names of provinces and prefectures (those
    the gazetteer reads in text), in their Traditional forms. As phrases of OpenCC's
    segmentation a name is taken whole before a phrase that starts inside it: 汕头发挥
    is 汕頭發揮, where OpenCC alone takes 头发 (頭髮)."""
    from .gazetteer import load_gazetteer

    phrases: dict[str, str] = {}
    for place in load_gazetteer().places:
        names = [(place.name, place.name_hant)]
        if place.level in ("province", "prefecture"):
            names.append((place.short, place.short_hant))
        for name, hant in names:
            if len(name) > 1 and len(hant) == len(name):
                phrases.setdefault(name, hant)
    return phrases


@functools.lru_cache(maxsize=4)
def plain_converter(config: str, first_step: tuple[Path, Path] | None = None) -> ScriptConverter:
    """OpenCC's ``config`` with ``s2t_corrections`` (``first_step`` as for
    ``ScriptConverter``: made with the corrections in them, see ``opencc_dicts``)."""
    if first_step is not None:
        try:
            return ScriptConverter(config, {}, first_step)
        except RuntimeError:  # a damaged dictionary: OpenCC's own configuration will do
            pass
    return ScriptConverter(config, s2t_corrections(config))


@functools.lru_cache(maxsize=1)
def surname_forms() -> Mapping[str, str]:
    """Surnames whose Traditional form is not OpenCC's (read once: every official's
    Traditional name looks its surname up)."""
    return read_pairs("surnames_s2t.tsv")


@functools.lru_cache(maxsize=4)
def _character_converter(variant: str) -> ScriptConverter | opencc.OpenCC:
    """``variant`` for text of one character: its phrases left out (none of them is
    one character long), which saves holding them (43 MiB) where only names are
    converted; OpenCC's configuration as it is where its first step has another shape."""
    data_dir = opencc_data_dir()
    config = absolutize_config(
        json.loads((data_dir / f"{variant}.json").read_text(encoding="utf-8")), data_dir
    )
    first = config["conversion_chain"][0].get("dict", {})
    dicts = first.get("dicts", []) if first.get("match_policy") == "short_circuit" else []
    if len(dicts) != 2 or dicts[1].get("type") != "ocd2":
        return plain_converter(variant)
    config.pop("segmentation", None)
    config["conversion_chain"][0]["dict"] = dicts[1]
    return opencc_of(config, data_dir)


def surname_length(name: str) -> int:
    """How many characters of ``name`` are a surname the surname table knows (0: none)."""
    surnames = surname_forms()
    for length in (2, 1):
        if len(name) > length and name[:length] in surnames:
            return length
    return 0


def traditional_name(name: str, variant: str) -> str:
    """Traditional form of a person's name: OpenCC char by char, surnames kept.

    OpenCC has no notion of a name: it writes 余红胜 as 餘紅勝 and 范 as 範.
    """
    plain = _character_converter(variant)
    length = surname_length(name)
    head = surname_forms()[name[:length]] if length else ""
    return head + "".join(str(plain.convert(c)) for c in name[length:])


@functools.lru_cache(maxsize=4)
def packaged_protected(variant: str) -> dict[str, str]:
    """s2t_protected.tsv, its entries without a target written by OpenCC's own
    ``variant`` character by character (not with its phrases: a process that
    renders holds them in another form, ``opencc_dicts``, and memory freed by
    OpenCC is not given back)."""
    plain = _character_converter(variant)
    pairs = read_pairs("s2t_protected.tsv")
    for source, target in list(pairs.items()):
        if source == target and not _CJK.search(target):
            pairs[source] = "".join(str(plain.convert(c)) for c in source)
    return pairs
