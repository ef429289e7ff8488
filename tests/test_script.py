"""Script conversion: Simplified is canonical, names and phrases survive both directions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybriefs.normalize.script_pass import _changed_runs, to_simplified
from policybriefs.script import (
    simplifier,
    traditional_name,
    traditionalizer,
    unsettled_simplified,
)

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
]


@pytest.mark.parametrize(("simplified", "traditional"), TO_TRADITIONAL)
def test_to_traditional_protects_names(simplified: str, traditional: str) -> None:
    converter = traditionalizer("s2tw", {"余红胜": "余紅勝"})
    assert converter.convert(simplified) == traditional


# A phrase of OpenCC's that starts before a protected name and ends inside it
# (长胡 → 長鬍, 发周 …) must not split the name, in any variant.
PROTECTED_AFTER_A_PHRASE = [
    ("副市长胡春华表示", "副市長胡春華表示"),  # not 市長鬍春華
    ("市长胡春华", "市長胡春華"),
    ("长胡春华", "長胡春華"),
    ("常务副市长周海涛", "常務副市長周海濤"),
    ("县长叶平", "縣長叶平"),  # 叶 kept, as the entry writes it
    ("开创新征程", "開創新征程"),  # a packaged phrase after 创
    ("胡春华周海涛", "胡春華周海濤"),  # two names side by side
    ("长胡子", "長鬍子"),  # OpenCC's own phrases stay OpenCC's
]
ENTRIES = {"胡春华": "胡春華", "周海涛": "周海濤", "叶平": "叶平"}


@pytest.mark.parametrize("variant", ["s2t", "s2tw", "s2hk"])
@pytest.mark.parametrize(("simplified", "traditional"), PROTECTED_AFTER_A_PHRASE)
def test_a_phrase_ending_inside_a_name_does_not_split_it(
    variant: str, simplified: str, traditional: str
) -> None:
    assert traditionalizer(variant, ENTRIES).convert(simplified) == traditional


def test_protected_forms_take_the_variants_later_steps() -> None:
    """s2tw writes Taiwan's forms after converting (峯 → 峰); a protected form
    takes that step as OpenCC's own output does, and s2t has no such step."""
    assert traditionalizer("s2tw", {"林峰": "林峯"}).convert("市长林峰") == "市長林峰"
    assert traditionalizer("s2t", {"林峰": "林峯"}).convert("市长林峰") == "市長林峯"


def test_text_holding_the_codes_planes_converts_around_them() -> None:
    """The converter marks what it found with characters of the supplementary
    private-use planes; such characters in the text itself are left as they are."""
    converter = traditionalizer("s2tw", ENTRIES)
    text = "长\U000f0000胡春华\U00100001头发\U0010fffd"
    assert converter.convert(text) == "長\U000f0000胡春華\U00100001頭髮\U0010fffd"


def test_compatibility_ideographs_are_found_as_openccs_normalization_reads_them() -> None:
    converter = traditionalizer("s2tw", {"王里程": "王里程"})
    assert converter.convert("市长王\uf9e9程") == "市長王里程"


# Text around a name: OpenCC phrases that share characters with the names.
_AROUND = [
    "长",
    "副市长",
    "长胡",
    "胡同",
    "头发",
    "发",
    "周末",
    "周",
    "杂志",
    "志",
    "叶",
    "一叶",
    "干",
    "树叶",
    "余",
    "其余",
    "平面",
    "海涛",
    "，",
    "a",
    "新征",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["s2t", "s2tw", "s2hk"]),
    st.lists(st.sampled_from(_AROUND), max_size=4),
    st.sampled_from(sorted(ENTRIES)),
    st.lists(st.sampled_from(_AROUND), max_size=4),
)
def test_a_protected_name_is_kept_whatever_surrounds_it(
    variant: str, left: list[str], name: str, right: list[str]
) -> None:
    """Whatever comes before and after it, a protected name comes out as its
    entry, and the text around it as that text converted on its own."""
    before, after = "".join(left), "".join(right)
    text = before + name + after
    span = range(len(before), len(before) + len(name))
    others = [*ENTRIES, "新征程", "征程"]
    # Another protected entry reaching into the name is found first, as it should be.
    for key in others:
        start = text.find(key)
        while start != -1:
            if key != name and set(range(start, start + len(key))) & set(span):
                return
            start = text.find(key, start + 1)
    converter = traditionalizer(variant, ENTRIES)
    expected = converter.convert(before) + ENTRIES[name] + converter.convert(after)
    assert converter.convert(text) == expected


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
