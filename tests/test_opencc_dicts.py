"""OpenCC's first step made one dictionary: the same text, less memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybriefs import opencc_dicts
from policybriefs.opencc_dicts import FirstStep, first_step
from policybriefs.script import ScriptConverter, s2t_corrections
from policybriefs.traditional import TraditionalConverter

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ["s2t", "s2tw", "s2hk"]


@pytest.fixture(scope="module")
def first_steps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("cache")
    made = {variant: first_step(variant, root) for variant in VARIANTS}
    found = {v: step.dictionaries for v, step in made.items() if step is not None}
    assert all(found.values()) and len(found) == len(VARIANTS), made
    return {v: pair for v, pair in found.items() if pair is not None}


FirstSteps = dict[str, tuple[Path, Path]]


def _pair(variant: str, first_steps: FirstSteps) -> tuple[ScriptConverter, ScriptConverter]:
    """OpenCC's configuration with our corrections in front, and the merged step."""
    standard = ScriptConverter(variant, s2t_corrections(variant))
    return standard, ScriptConverter(variant, {}, first_steps[variant])


TEXTS = [
    "副市长胡春华表示，头发周末在胡同里干净",
    "开启新征程，着力推动于是这里台湾",
    "后来的干部在乾隆年间理发，面条和里程",
    "山峰之巅，余额不足，其余的树叶",
    "只有一只鸟飞过钟表店，发展和发财",
    "注意：干涉、干燥、干杯、能干",
    # Phrases of OpenCC's second phrase dictionary (made from its regional ones).
    "傅里叶变换与关系数据库的复选框，索马里联系历史",
    # Phrases of the later steps (Hong Kong's and Taiwan's variants), which match
    # within a segment: found by review when characters were segments of their own.
    "机场快线和恒生指数，潘云峰、建群街，汇丰银行",
    "牛驥同皁",
    # Our corrections, and the phrases of OpenCC's around them.
    "会上并发布了清单，合并发布数据，兼并发挥作用，西咸一体化，陕西咸阳，并发症",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_phrase_of_the_later_steps_converts_alike(
    variant: str, first_steps: FirstSteps
) -> None:
    """Each key of the variants' phrase and character tables, and its Simplified
    form, alone and between other words."""
    from policybriefs.script import opencc_data_dir, simplifier

    tool = opencc_dicts.opencc_dict_tool()
    assert tool is not None
    data = opencc_data_dir()
    names = ["HKVariantsPhrases", "TWVariantsPhrases", "HKVariants", "TWVariants"]
    keys = [
        k
        for n in names
        for k, _ in opencc_dicts.dictionary_entries(tool, "ocd2", data / f"{n}.ocd2")
    ]
    keys += [simplifier().convert(k) for k in keys]
    texts = "\n".join(t for k in keys for t in (k, f"的{k}", f"{k}了", f"，{k}和"))
    standard, merged = _pair(variant, first_steps)
    assert merged.convert(texts) == standard.convert(texts)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("text", TEXTS)
def test_the_first_step_dictionary_converts_as_openccs_configuration(
    variant: str, text: str, first_steps: FirstSteps
) -> None:
    standard, merged = _pair(variant, first_steps)
    assert merged.convert(text) == standard.convert(text)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_fixture_article_converts_alike(variant: str, first_steps: FirstSteps) -> None:
    standard, merged = _pair(variant, first_steps)
    texts = [
        ROOT / "tests/fixtures/seed.clean.txt",
        *sorted((ROOT / "tests/fixtures/articles").glob("*.txt")),
    ]
    for path in texts:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert merged.convert(text) == standard.convert(text), path.name


# Pieces of OpenCC phrases and characters that convert differently in them.
_PHRASES = ["头发", "周末", "杂志", "干净", "面条", "里程", "余额", "钟表", "一只", "历史", "著名"]
_PHRASES += ["傅里叶", "联系历史", "索马里", "复选框", "关系数据库"]
_PHRASES += ["并发布", "并发", "合并", "发布", "西咸", "咸阳", "陕西"]
_PIECES = [*"长胡同头发周末杂志干面里余叶钟台后只系历制准松冲尽团划", *_PHRASES]


@settings(max_examples=300, deadline=None)
@given(variant=st.sampled_from(VARIANTS), pieces=st.lists(st.sampled_from(_PIECES), max_size=12))
def test_any_text_converts_alike(variant: str, pieces: list[str], first_steps: FirstSteps) -> None:
    if variant not in _CONVERTERS:
        _CONVERTERS[variant] = _pair(variant, first_steps)
    standard, merged = _CONVERTERS[variant]
    text = "".join(pieces)
    assert merged.convert(text) == standard.convert(text)


_CONVERTERS: dict[str, tuple[ScriptConverter, ScriptConverter]] = {}


def test_the_dictionaries_and_phrases_are_kept_and_read_again(tmp_path: Path) -> None:
    made = first_step("s2tw", tmp_path)
    assert made is not None and made.dictionaries is not None
    conversion, segmentation = made.dictionaries
    assert conversion.parent == segmentation.parent == tmp_path / "opencc"
    assert {"长胡", "头发", "提出", "关于"} <= made.phrases
    assert not any(len(p) < 2 for p in made.phrases)
    os.utime(conversion, (1, 1))
    again = first_step("s2tw", tmp_path)
    assert again is not None and again.dictionaries == made.dictionaries
    assert again.phrases == made.phrases
    assert conversion.stat().st_mtime == 1  # not made again
    assert len(list(conversion.parent.iterdir())) == 4  # the two, the phrases, the sums


@pytest.mark.parametrize("damage", ["flip", "cut", "phrases"])
def test_a_damaged_file_is_made_again(tmp_path: Path, damage: str) -> None:
    """A flipped bit can leave a dictionary OpenCC loads and converts otherwise, and
    a shorter phrase list changes which entries are undone: checked, made again."""
    made = first_step("s2tw", tmp_path)
    assert made is not None and made.dictionaries is not None
    conversion = made.dictionaries[0]
    before = conversion.read_bytes()
    if damage == "flip":
        data = bytearray(before)
        data[len(data) // 2] ^= 0x10
        conversion.write_bytes(bytes(data))
    elif damage == "cut":
        conversion.write_bytes(before[: len(before) // 2])
    else:
        phrases = conversion.with_name(conversion.name.removesuffix(".ocd2") + ".phrases")
        phrases.write_text("长胡\n", encoding="utf-8")
    again = first_step("s2tw", tmp_path)
    assert again is not None and again.dictionaries == made.dictionaries
    assert conversion.read_bytes() == before
    assert again.phrases == made.phrases


def test_a_cache_that_cannot_be_written_keeps_the_phrases(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    made = first_step("s2tw", blocked)
    assert made is not None and made.dictionaries is None and "关于" in made.phrases
    converter = TraditionalConverter("s2tw", {"出征": "出征"}, made, {"出征"})
    assert converter.convert("提出征求") == "提出徵求"


def test_without_a_cache_the_phrases_alone(tmp_path: Path) -> None:
    made = first_step("s2tw", None)
    assert made is not None and made.dictionaries is None and "长胡" in made.phrases


def test_without_openccs_tool_there_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opencc_dicts, "opencc_dict_tool", lambda: None)
    assert first_step("s2tw", tmp_path) is None


def test_a_damaged_dictionary_falls_back_to_openccs_configuration(tmp_path: Path) -> None:
    damaged = tmp_path / "first.ocd2"
    damaged.write_bytes(b"OPENCCDARTS1 cut off")
    step = FirstStep((damaged, damaged), frozenset())
    converter = TraditionalConverter("s2tw", {"胡春华": "胡春華"}, step)
    assert converter.convert("头发周末胡春华") == "頭髮週末胡春華"
