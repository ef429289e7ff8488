from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybriefs.normalize.punctuation import (
    collapse_doubled_punctuation,
    full_width_punctuation,
    pair_quotes,
)

WIDTH = [
    ("昨日,閩西南", "昨日，閩西南"),
    ("共渡難關;攜手", "共渡難關；攜手"),
    ("具體著力:共建", "具體著力：共建"),
    ("是否可行?他說", "是否可行？他說"),
    ("太好了!大家", "太好了！大家"),
    ("(廈門日報記者 蔡鎮金)", "（廈門日報記者 蔡鎮金）"),
    ("下載(APP)後", "下載（APP）後"),
    ("共1,000元,用於", "共1,000元，用於"),  # thousands separator kept
    ("時間:10:30,地點", "時間：10:30，地點"),  # clock time kept
    ("見 http://a.cn/x?y=1,z 等", "見 http://a.cn/x?y=1,z 等"),  # URL kept
    ("Hello, world (test)", "Hello, world (test)"),  # Latin text kept
    ("已經完成。", "已經完成。"),
    # A mark whose only Chinese side is a bracket widened after it: widened in the
    # same pass, or a second normalization would still change the text.
    ("?(記者 蔡鎮金)", "？（記者 蔡鎮金）"),
    ("(記者)!", "（記者）！"),
    # A semicolon written twice, widened: collapsed as the doubled-punctuation pass would.
    (";;中文", "；中文"),
    (";;(記者)", "；（記者）"),
    # A mark whose Chinese side is a mark widened beside it.
    ("? !中文", "？ ！中文"),
    ("中文! ,", "中文！，"),  # the space goes with the mark, as after Chinese
    # An ASCII full stop ends a Chinese sentence; decimals, hosts and No.1 keep theirs.
    ("共建區域公用品牌.", "共建區域公用品牌。"),
    ("共建品牌.要推動發展.", "共建品牌。要推動發展。"),
    ("簽署《協議》.", "簽署《協議》。"),
    ("突破1.6萬億元", "突破1.6萬億元"),
    ("見www.example.cn等", "見www.example.cn等"),
    ("中歐班列No.1號", "中歐班列No.1號"),
    ("約3.5.", "約3.5."),
    # The space after an ASCII mark goes with it before Chinese.
    ("曹振華表示, 株洲將", "曹振華表示，株洲將"),
    ("Hello, world", "Hello, world"),
    # An item's number keeps its stop; a full-width stop ends a sentence.
    ("一.加快推進交通互聯互通", "一.加快推進交通互聯互通"),
    ("會議在寧德召開．四市代表出席會議．", "會議在寧德召開。四市代表出席會議。"),
    # A percentage ends the sentence; a decimal does not.
    ("本地化率已達到52%.長春將", "本地化率已達到52%。長春將"),
    ("增長3.5%", "增長3.5%"),
    # The dot inside a transcribed name takes one form.
    ("熱依汗古麗•吐爾遜補充說", "熱依汗古麗·吐爾遜補充說"),
    ("買買提江・阿不都熱依木", "買買提江·阿不都熱依木"),
]


@pytest.mark.parametrize(("damaged", "clean"), WIDTH)
def test_full_width_punctuation(damaged: str, clean: str) -> None:
    assert full_width_punctuation(damaged, paragraph=0)[0] == clean


DOUBLED = [
    ("發展,,協同", "發展,協同"),
    ("發展,。協同", "發展。協同"),
    ("教育,、醫療", "教育、醫療"),
    ("難關,;攜手", "難關;攜手"),
    ("難關，；攜手", "難關；攜手"),
    ("1,000", "1,000"),
    ("實現全覆蓋。。", "實現全覆蓋。"),
    ("教育、、醫療", "教育、醫療"),
    ("全覆盖。。。下一步", "全覆盖。下一步"),
    ("他說……", "他說……"),  # an ellipsis is not a doubled mark
    ("完成,。,。下一步", "完成。下一步"),  # the commas go first, then the twice-written stop
    ("會議議定：：", "會議議定："),
    ("加快推進前期工作！！", "加快推進前期工作！"),
    ("開通航線。.司馬麗華說", "開通航線。司馬麗華說"),  # an ASCII stop after the real one
    ("匯報..", "匯報."),  # one stop left, for the widening pass
    ("省略...號", "省略...號"),  # three are an ellipsis
    ("增長5.6%。", "增長5.6%。"),
]


@pytest.mark.parametrize(("damaged", "clean"), DOUBLED)
def test_collapse_doubled_punctuation(damaged: str, clean: str) -> None:
    text, edits = collapse_doubled_punctuation(damaged, paragraph=0)
    assert text == clean
    assert all(e.kind == "doubled-punctuation" and e.after == "" for e in edits)


def test_ascii_quotes_around_chinese_are_curled() -> None:
    assert pair_quotes('打造"一區兩園"載體', paragraph=0)[0] == "打造“一區兩園”載體"
    assert pair_quotes('say "hi" now', paragraph=0)[0] == 'say "hi" now'


# The rule full_width_punctuation implements, as the single regex it once was
# (a look-behind tried at every character made it the normalizer's slowest scan).
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_SIDE = _CJK + "，。、；：！？（）“”‘’《》〈〉【】…—□"
# A space after the marks goes with them when Chinese follows it.
_MARK_RULE = re.compile(
    rf"(?<=[{_SIDE}])\s?[,;:!?]+(?: (?=[{_CJK}]))?|[,;:!?]+(?: (?=[{_CJK}])|(?=\s?[{_SIDE}]))"
)


_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}


def _rule_pass(text: str) -> tuple[str, list[tuple[int, str]]]:
    """One pass of the rule: the text widened, and (offset in it, what was there)."""
    found = []
    pieces = []
    last = shift = 0
    for match in _MARK_RULE.finditer(text):
        before = match.group(0)
        start, end = match.span()
        mark = before.strip()
        digits = text[start - 1 : start].isdigit() and text[end : end + 1].isdigit()
        if mark in (",", ":") and digits:
            continue
        found.append((start + shift, before))
        pieces += [text[last:start], "".join(_FULL[c] for c in mark)]
        shift += len(mark) - len(before)
        last = end
    return "".join([*pieces, text[last:]]), found


@given(st.text(alphabet="中文,;:!? 。，a1(", max_size=40))
def test_marks_widened_exactly_where_the_regex_rule_says(text: str) -> None:
    """Pass after pass: a mark widened is a Chinese side for the one beside it."""
    _, edits = full_width_punctuation(text, paragraph=0)
    widened = [
        (e.offset, e.before) for e in edits if e.kind == "punctuation" and "(" not in e.before
    ]
    expected: list[tuple[int, str]] = []
    while True:
        text, found = _rule_pass(text)
        if not found:
            break
        expected += found
    assert widened == expected


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("打造「一區兩園」載體", "打造“一區兩園”載體"),
        ("他說：「推動『山海協作』走深走實」。", "他說：“推動‘山海協作’走深走實”。"),
        ('打造"一區兩園"與「雙城」', "打造“一區兩園”與“雙城”"),
    ],
)
def test_corner_brackets_become_curly_quotes(text: str, quoted: str) -> None:
    result, edits = pair_quotes(text, paragraph=0)
    assert result == quoted
    assert all(e.kind == "punctuation" for e in edits)
    assert pair_quotes(result, paragraph=0) == (result, [])


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ('服务阿坝的"后勤保障基地”，拟', "服务阿坝的“后勤保障基地”，拟"),  # one side ASCII
        ('推出“大香格里拉"环线', "推出“大香格里拉”环线"),
        ("政务服务”跨市通办”全覆盖", "政务服务“跨市通办”全覆盖"),  # an opener turned
        ("”甲”和”乙”", "“甲”和“乙”"),
        ("他说“好”，又说“行”。", "他说“好”，又说“行”。"),
        ("“甲乙” 丙丁”", "“甲乙” 丙丁”"),  # the first closes: the second stays as it is
    ],
)
def test_quotes_half_curled_or_turned_are_paired(damaged: str, clean: str) -> None:
    assert pair_quotes(damaged, paragraph=0)[0] == clean
