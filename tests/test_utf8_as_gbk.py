"""UTF-8 read as GBK: decoded again from the bytes, or marked where bytes were lost."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybriefs.models import LOST_MARK
from policybriefs.normalize.article import normalize_text
from policybriefs.normalize.gbk_tables import _FREQUENT
from policybriefs.normalize.utf8_as_gbk import repair_utf8_read_as_gbk


def read_as_gbk(text: str) -> str:
    """What a page shows when ``text``'s UTF-8 bytes are decoded as GBK."""
    return text.encode("utf-8").decode("gbk", errors="replace")


# (the words damaged, what the repair gives back): an odd number of hanzi loses the
# last one's last byte; a byte GBK could not pair loses the hanzi it belonged to.
SPANS = [
    ("清洁能源", "清洁能源"),
    ("风光储一体化", "风光储一体化"),
    ("旅游专线", "旅游专线"),
    ("三市", "三市"),
    ("发展", "发展"),
    ("协同发展2025年", "协同发展2025" + LOST_MARK),
    ("区域合作，共同发展。", "区域合作，共同发展" + LOST_MARK),
    ("不搞大水漫灌式开发", f"不搞大水{LOST_MARK}灌式{LOST_MARK}{LOST_MARK}"),
]


@pytest.mark.parametrize(("words", "repaired"), SPANS)
def test_a_span_read_as_gbk_is_decoded_again(words: str, repaired: str) -> None:
    damaged = f"区域内{read_as_gbk(words)}装机规模突破3000万千瓦。"
    text, edits = repair_utf8_read_as_gbk(damaged, paragraph=2)
    assert text == f"区域内{repaired}装机规模突破3000万千瓦。"
    assert {e.kind for e in edits} <= {"mojibake", "unrecoverable"}
    assert (LOST_MARK in repaired) == any(e.kind == "unrecoverable" for e in edits)
    for edit in edits:  # each edit's text stands where it says
        assert text[edit.offset : edit.offset + len(edit.after)] == edit.after
        assert edit.paragraph == 2


CLEAN = [
    "厦门、漳州、泉州三市将共建闽西南协同发展区。",
    "娓娓道来的讲解员介绍了鑫源公司的历史。",  # rare characters, no UTF-8 behind them
    "乌兰察布市察哈尔右翼前旗旗长巴图孟和介绍。",
    "山??叼B(yǎng)卡",  # GBK read a byte late: the other pass's damage
    "的" + read_as_gbk("的")[:1],  # one hanzi is too little to tell
]


@pytest.mark.parametrize("text", CLEAN)
def test_other_text_is_left_alone(text: str) -> None:
    assert repair_utf8_read_as_gbk(text, paragraph=0) == (text, [])


def test_the_normalizer_repairs_it_before_the_script_pass() -> None:
    # The script pass would have changed the GBK characters (撳 → 揿) and lost the bytes.
    damaged = f"通辽将牵头建设{read_as_gbk('风光储一体化')}基地"
    assert normalize_text(damaged) == "通辽将牵头建设风光储一体化基地"


_COMMON = st.sampled_from(_FREQUENT[:2000])


@given(st.lists(_COMMON, min_size=4, max_size=40).map("".join))
def test_a_span_of_common_hanzi_comes_back_or_is_marked_lost(words: str) -> None:
    damaged = read_as_gbk(words)
    repaired, edits = repair_utf8_read_as_gbk(f"会议指出，{damaged}。", paragraph=0)
    if "\ufffd" not in damaged:  # every byte there: every hanzi back
        assert repaired == f"会议指出，{words}。"
    # Bytes lost: what is decoded is the words', the rest marked or left as it was.
    assert all(e.after in words for e in edits if e.kind == "mojibake")
    assert all(set(e.after) == {LOST_MARK} for e in edits if e.kind == "unrecoverable")


@given(st.lists(_COMMON, max_size=60).map("".join))
def test_common_hanzi_are_never_taken_for_damage(text: str) -> None:
    assert repair_utf8_read_as_gbk(text, paragraph=0) == (text, [])


def test_a_hanzi_that_lost_a_byte_is_read_where_the_article_tells_which() -> None:
    damaged = f"加快建设{read_as_gbk('农产品集散')}中心"
    article = "雨城区将规划建设农产品集散中心。\n" + damaged
    text, edits = repair_utf8_read_as_gbk(damaged, paragraph=1, context=article)
    assert text == "加快建设农产品集散中心"
    assert [(e.kind, e.after) for e in edits] == [
        ("mojibake", "农产品集"),
        ("mojibake-inferred", "散"),
    ]
    assert "集散中" in edits[1].note
    # Without the article's words nothing says which (listed words alone would read
    # 统筹开发中心 as 统筹开口中心): the hanzi stays lost.
    alone, _ = repair_utf8_read_as_gbk(damaged, paragraph=1, context=damaged)
    assert alone == f"加快建设农产品集{LOST_MARK}中心"


def test_a_figure_is_never_guessed() -> None:
    damaged = f"力争明年{read_as_gbk('一季')}度开工"
    text, _ = repair_utf8_read_as_gbk(damaged, paragraph=0, context="明年一季度开工，三季度投产")
    assert "一" not in text.removeprefix("力争明年")
