"""Script conversion: Simplified is canonical, names and phrases survive both directions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybriefs.normalize.article import normalize_text
from policybriefs.normalize.script_pass import _changed_runs, to_simplified
from policybriefs.opencc_dicts import dictionary_entries, opencc_dict_tool
from policybriefs.roster import find_mentions
from policybriefs.script import (
    opencc_data_dir,
    plain_converter,
    simplifier,
    traditional_name,
    unsettled_simplified,
)
from policybriefs.traditional import traditionalizer

TO_SIMPLIFIED = [
    ("三明市長余紅勝", "三明市长余红胜"),
    ("具體著力", "具体着力"),  # 著 is 着 when it means "apply"
    ("隨著發展", "随着发展"),
    ("著名的著作", "著名的著作"),  # ...and stays 著 in 著名, 著作
    ("共建雙迴圈戰略支點", "共建双循环战略支点"),  # Taiwan phrasing undone
    ("後來", "后来"),
    ("於是", "于是"),
    ("這裡和這裏", "这里和这里"),
    ("幹部", "干部"),
    ("乾淨", "干净"),
    ("臺灣", "台湾"),
    ("開啟新征程", "开启新征程"),
    # 沈 is a surname: OpenCC alone reads 沈靜 and 沈思 as 沉静 and 沉思.
    ("湖州市委書記沈靜表示", "湖州市委书记沈静表示"),
    ("副市長沈思出席會議", "副市长沈思出席会议"),
    ("沈浸於", "沈浸于"),
    ("沈陽市", "沈阳市"),
    # After another character it is 沉's old form, in a word.
    ("深沈的思考", "深沉的思考"),
    ("擊沈", "击沉"),
]


@pytest.mark.parametrize(("traditional", "simplified"), TO_SIMPLIFIED)
def test_to_simplified(traditional: str, simplified: str) -> None:
    assert simplifier().convert(traditional) == simplified


TO_TRADITIONAL = [
    ("三明市长余红胜表示", "三明市長余紅勝表示"),  # not 餘紅勝
    ("开启新征程", "開啟新征程"),  # not 新徵程
    ("余额", "餘額"),  # 余 outside the name still converts
    ("着力推动", "著力推動"),
    ("后来", "後來"),
    ("于是", "於是"),
    ("这里", "這裡"),
    ("干部", "幹部"),
    ("干净", "乾淨"),
    ("台湾", "臺灣"),
    ("台州", "台州"),
    # s2t_corrections: 并 "and" before 发布, not 并发 "concurrency"; 西咸 is 西安-咸阳.
    ("会上并发布了首批清单", "會上並發佈了首批清單"),
    ("合并发布数据", "合併發佈數據"),  # 合并 is taken first
    ("并发症", "併發症"),
    ("推进西咸一体化", "推進西咸一體化"),
]


@pytest.mark.parametrize(("simplified", "traditional"), TO_TRADITIONAL)
def test_to_traditional_protects_names(simplified: str, traditional: str) -> None:
    converter = traditionalizer("s2tw", {"余红胜": "余紅勝"})
    assert converter.convert(simplified) == traditional


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("余红胜", "余紅勝"),
        ("于伟国", "于偉國"),
        ("范冬云", "范冬雲"),
        ("刘远", "劉遠"),
        ("欧阳志远", "歐陽志遠"),
        ("钟山", "鍾山"),
    ],
)
def test_traditional_name(name: str, expected: str) -> None:
    assert traditional_name(name, "s2tw") == expected


def test_variants_differ_only_in_character_forms() -> None:
    text = "这里台湾"
    assert traditionalizer("s2t", {}).convert(text) == "這裏臺灣"
    assert traditionalizer("s2hk", {}).convert(text) == "這裏台灣"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30))
def test_converted_text_without_unsettled_characters_is_a_fixed_point(text: str) -> None:
    convert = simplifier().convert
    once = convert(text)
    if not unsettled_simplified().search(once):
        assert convert(once) == once


def test_unsettled_finds_what_openccs_phrases_leave_behind() -> None:
    once = simplifier().convert("么麼")
    assert unsettled_simplified().search(once)
    assert to_simplified("么麼", paragraph=0)[0] == simplifier().convert(once)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("后後发發干乾幹里裡a1𠀀"), max_size=40), st.data())
def test_changed_runs_are_the_maximal_runs_of_changed_characters(
    chars: list[str], data: st.DataObject
) -> None:
    before = "".join(chars)
    after = "".join(
        data.draw(st.sampled_from([c, "后", "干", "𠀁"]), label=f"at {i}")
        for i, c in enumerate(before)
    )
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    expected: list[tuple[int, int]] = []
    for i in changed:
        if expected and expected[-1][1] == i:
            expected[-1] = (expected[-1][0], i + 1)
        else:
            expected.append((i, i + 1))
    edits = _changed_runs(before, after, 3)
    assert [(e.offset, e.offset + len(e.before)) for e in edits] == expected
    assert [(e.before, e.after) for e in edits] == [(before[a:b], after[a:b]) for a, b in expected]
    assert all(e.kind == "script" and e.paragraph == 3 for e in edits)


@pytest.mark.parametrize("variant", ["s2t", "s2tw", "s2hk"])
def test_names_are_converted_without_openccs_phrases_as_with_them(variant: str) -> None:
    """A name is converted character by character; the converter that does it
    leaves OpenCC's phrases out (none is one character long), and writes every
    character as OpenCC's whole configuration does."""
    from policybriefs.script import _character_converter

    chars = [chr(o) for o in (*range(0x3400, 0xA000), *range(0xF900, 0xFB00))]
    lines = "\n".join(chars)
    assert _character_converter(variant).convert(lines) == plain_converter(variant).convert(lines)


def test_no_phrase_opening_with_the_surname_shen_turns_it_into_chen() -> None:
    """The packaged list of OpenCC's phrases that start with 沈 is whole for the
    OpenCC installed: a new version's phrase would mangle officials again."""
    tool = opencc_dict_tool()
    if tool is None:
        pytest.skip("this OpenCC package ships no opencc_dict tool")
    phrases = [
        key
        for key, values in dictionary_entries(tool, "ocd2", opencc_data_dir() / "TSPhrases.ocd2")
        if key.startswith("沈") and values[0].startswith("沉")
    ]
    assert len(phrases) > 40
    assert [p for p in phrases if not simplifier().convert(p).startswith("沈")] == []


def test_officials_named_shen_are_found_in_damaged_traditional_text() -> None:
    text = "湖州市委書記沈靜強，嘉興市長沈思出席會議。\n沈靜強表示，湖州將打造生態綠心。"
    simplified = normalize_text(text)
    assert "沈静强" in simplified and "沈思" in simplified
    assert [(m.name, m.city) for m in find_mentions(simplified)] == [
        ("沈静强", "湖州"),
        ("沈思", "嘉兴"),
    ]


# (a paragraph as written, as the normalizer leaves it)
NAME_FORMS = [
    # Written in Simplified: 昇 is the person's own form (通用规范汉字表), kept.
    ("辽宁省副省长韩东昇出席会议并致辞", "辽宁省副省长韩东昇出席会议并致辞"),
    # In Traditional text a farm may have made 昇 from 升 (东升 → 東昇): simplified.
    ("遼寧省副省長韓東昇出席會議並致辭", "辽宁省副省长韩东升出席会议并致辞"),
    ("思想昇華", "思想升华"),
]


@pytest.mark.parametrize(("text", "expected"), NAME_FORMS)
def test_a_simplified_paragraph_keeps_the_name_forms_it_writes(text: str, expected: str) -> None:
    assert to_simplified(text, paragraph=0)[0] == expected


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("汕头发挥中心城市作用", "汕頭發揮中心城市作用"),  # not 頭髮 (hair)
        ("六盘水市钟山区", "六盤水市鍾山區"),  # the gazetteer's form, not 鐘
        ("台州市的发展", "台州市的發展"),
        ("长治久安", "長治久安"),  # a place's name inside a phrase changes nothing
        ("社保卡累计发卡超过26万张", "社保卡累計發卡超過26萬張"),  # issuing cards, not 髮卡
    ],
)
def test_place_names_are_phrases_of_the_traditional_edition(
    simplified: str, traditional: str
) -> None:
    assert plain_converter("s2tw").convert(simplified) == traditional
