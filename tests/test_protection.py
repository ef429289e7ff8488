"""Which officials' names the Traditional converter is given an entry for."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybriefs import opencc_dicts, protection
from policybriefs.protection import names_to_protect, opencc_facts, protected_entries
from policybriefs.script import traditional_name
from policybriefs.traditional import TraditionalConverter, traditionalizer

NAMES = [
    # (name, its Traditional form, given an entry under s2tw, why)
    ("刘远", "劉遠", False, "OpenCC writes 刘 and 远 one way only"),
    ("王伟华", "王偉華", False, "nor 王, 伟, 华"),
    ("欧阳明", "歐陽明", False, "a double surname, written one way"),
    ("余红胜", "余紅勝", True, "the surname 余 is kept, OpenCC writes 餘"),
    ("王志刚", "王志剛", True, "杂志 writes 志 as 誌"),
    ("胡春华", "胡春華", True, "胡同 writes 胡 as 衚"),
    ("周海涛", "周海濤", True, "周末 writes 周 as 週"),
    ("叶平", "葉平", True, "叶 may stay 叶 (叶韵)"),
    ("林海涛", "林海涛", True, "the source kept 涛 where OpenCC writes 濤"),
    # U+F9E9, a compatibility form of 里: OpenCC normalizes it first, and 里程 keeps 里
    ("王\uf9e9", "王裡", True, "its normalized form is written two ways"),
]


@pytest.mark.parametrize(("name", "hant", "protected", "why"), NAMES)
def test_names_given_an_entry(name: str, hant: str, protected: bool, why: str) -> None:
    assert (name in names_to_protect("s2tw", {name: hant}, {}, None)) is protected, why


def test_a_phrase_that_writes_a_character_otherwise_protects_every_name_with_it() -> None:
    """A site that keeps 华为 as it is (a brand) makes 华 a character written two ways."""
    assert names_to_protect("s2tw", {"王伟华": "王偉華"}, {}, None) == {}
    kept = names_to_protect("s2tw", {"王伟华": "王偉華"}, {"华为": "华为"}, None)
    assert kept == {"王伟华": "王偉華"}


def test_another_name_written_otherwise_protects_its_characters() -> None:
    names = {"刘远": "劉遠", "林远": "林远"}  # a source kept 远 in the second
    assert names_to_protect("s2tw", names, {}, None) == names


def test_needs_entry_next_to_a_builds_entries() -> None:
    entries, protection = protected_entries("s2tw", {}, [("余红胜", "余紅勝")], None)
    assert entries == {"余红胜": "余紅勝"}
    assert not protection.needs_entry("刘远", "劉遠")
    assert protection.needs_entry("林远", "林远")  # the source kept 远
    assert protection.needs_entry("余华", "余華")  # 余 is written two ways on this site
    assert protection.needs_entry("王志刚", "王志剛")  # 杂志
    assert protected_entries("s2tw", {"远方": "远方"}, [], None)[1].needs_entry("刘远", "劉遠")


def test_every_name_is_protected_when_openccs_dictionaries_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(opencc_dicts, "opencc_dict_tool", lambda: None)
    protection._analysed.cache_clear()
    try:
        assert opencc_facts("s2tw", None) is None
        assert names_to_protect("s2tw", {"刘远": "劉遠"}, {}, None) == {"刘远": "劉遠"}
    finally:
        protection._analysed.cache_clear()


def test_the_facts_are_kept_in_the_cache(tmp_path: Path) -> None:
    facts = opencc_facts("s2hk", tmp_path)
    assert facts is not None
    (record,) = (tmp_path / "opencc").glob("s2hk-*.json")
    protection._analysed.cache_clear()  # read back from the file, not this process's memo
    assert opencc_facts("s2hk", tmp_path) == facts
    record.write_text('{"sensitive": "刘", "written": {}}', encoding="utf-8")
    assert opencc_facts("s2hk", tmp_path) == protection.OpenCCFacts(frozenset("刘"), {})
    # A damaged record is a miss: the facts are made again and kept again.
    for damaged in ["", "[]", '{"sensitive": null, "written": {}}', '{"sensitive": "x"}']:
        record.write_text(damaged, encoding="utf-8")
        assert opencc_facts("s2hk", tmp_path) == facts, damaged
        assert json.loads(record.read_text(encoding="utf-8"))["written"] == dict(facts.written)


@pytest.mark.parametrize("variant", ["s2t", "s2tw", "s2hk"])
def test_the_facts_agree_with_opencc_on_single_characters(variant: str) -> None:
    facts = opencc_facts(variant, None)
    assert facts is not None
    plain = traditionalizer(variant, {})
    for char in "余发台周刘远王伟华里后干于范钟":
        assert facts.alone(char) == plain.convert(char), char
    assert {"发", "台", "后", "里", "干"} <= facts.sensitive
    assert not {"刘", "王", "伟"} & facts.sensitive


# -- the names left out are written right in any text ------------------------------

_WORDS = [
    "头发", "发展", "台风", "台湾", "周末", "胡同", "树叶", "干部", "之后", "这里", "白云",
    "松弛", "杂志", "同志", "明天", "国家", "海洋", "刘海", "远方", "军队", "平安", "余额",
    "钟表", "于是", "出发", "发表", "讲话", "表示", "，", "。", "市长", "书记", "会见",
]  # fmt: skip
_SURNAMES = ["王", "刘", "林", "欧阳", "余", "胡", "钟", "范", "叶", "周", "于", "郑", "陈"]
_GIVEN = "志刚伟华东发台云松远明国强军平海涛长会见表"


@functools.lru_cache(maxsize=4)
def _converter(variant: str) -> TraditionalConverter:
    return traditionalizer(variant, {})


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["s2t", "s2tw", "s2hk"]),
    st.sampled_from(_SURNAMES),
    st.text(alphabet=_GIVEN, min_size=1, max_size=2),
    st.lists(st.sampled_from([*_WORDS, *_GIVEN]), max_size=4).map("".join),
    st.lists(st.sampled_from([*_WORDS, *_GIVEN]), max_size=4).map("".join),
)
def test_a_name_left_out_is_written_as_its_traditional_form_anywhere(
    variant: str, surname: str, given_name: str, left: str, right: str
) -> None:
    name = surname + given_name
    hant = traditional_name(name, variant)
    if names_to_protect(variant, {name: hant}, {}, None):
        return  # given an entry: the converter's own tests cover those
    text = left + name + right
    written = _converter(variant).convert(text)
    if len(written) == len(text):  # a phrase of another length leaves no place to look
        assert written[len(left) : len(left) + len(name)] == hant, (text, written)
