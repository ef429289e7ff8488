"""The repair notes shown in Chinese (table-driven on the normalizer's own notes)."""

from __future__ import annotations

import pytest

from policybriefs.models import ArticleMeta, RawArticle
from policybriefs.normalize.article import normalize_article
from policybriefs.notes import brief_warning, repair_note

NOTES = [
    ("line 3: page chrome", "第 3 行：页面杂项"),
    ("line 12: spam", "第 12 行：垃圾广告"),
    ("line 7: 相关阅读下的标题", "第 7 行：相关阅读下的标题"),
    ("host name", "网址"),
    (
        "UTF-8 read as GBK, a byte lost: the only character the rest allows that makes 集散中",
        "UTF-8 文字被当作 GBK 读出，丢了一个字节：其余字节容许的字中，只有它能组成“集散中”",
    ),
    ("GBK decoded one byte late, realigned", "GBK 解码错后一个字节，已重新对齐"),
    (
        "trail byte a3: the only character with that byte that makes 山海"
        " (used elsewhere in the article)",
        "尾字节 a3：有这个字节的字中，只有它能组成“山海”（本文他处用过）",
    ),
    (
        "lead byte b6: the only character with that byte that makes 协同 and 同发 (listed words)",
        "首字节 b6：有这个字节的字中，只有它能组成“协同”和“同发”（常用词表中的词）",
    ),
    ("only the trail byte a3 survives", "只剩尾字节 a3，无法确定原字"),
    ("an editor's own words", "an editor's own words"),  # no rule: shown as it is
]


@pytest.mark.parametrize(("note", "chinese"), NOTES)
def test_repair_note(note: str, chinese: str) -> None:
    assert repair_note(note) == chinese


def test_every_note_of_a_damaged_article_is_shown_in_chinese() -> None:
    text = (
        "會議召開\n首页 > 新闻\n閩西南協(xié)同發展,,推進。\nwww.example-farm.com\n責任編輯:林某\n"
    )
    article = normalize_article(RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta()))
    notes = [e.note for e in article.edits if e.note]
    assert notes
    assert all(not any("a" <= c <= "z" for c in repair_note(n)) for n in notes), notes


@pytest.mark.parametrize(
    ("warning", "chinese"),
    [
        ("3 span(s) could not be recovered and are marked □", "3 处文字无法恢复，以 □ 标出"),
        ("no officials recognised", "未识别出出席官员"),
        (
            "no city statements found: built as a meeting-only brief",
            "未找到各城市的表态：只按会议本身生成简报",
        ),
        ("text correction '厦门' matched nothing", "文字更正“厦门”在文中没有找到"),
        ("something new", "something new"),  # no rule: shown as it is
    ],
)
def test_brief_warnings_in_chinese(warning: str, chinese: str) -> None:
    assert brief_warning(warning) == chinese
