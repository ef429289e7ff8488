from __future__ import annotations

import datetime as dt

import pytest

from policybriefs.brief import build_brief
from policybriefs.meeting import chinese_number, date_from_page, detect_date, detect_meeting
from policybriefs.models import ArticleMeta, RawArticle
from policybriefs.normalize.article import normalize_article

CASES = [
    (
        "昨日，闽西南协同发展区联席会议第三次会议在泉州举行。",
        ("闽西南协同发展区联席会议第三次会议", "闽西南协同发展区联席会议", 3),
    ),
    (
        "3月5日，闽东北协同发展区第四次党政联席会议在福州召开",
        ("闽东北协同发展区第四次党政联席会议", "闽东北协同发展区党政联席会议", 4),
    ),
    (
        "长江中游城市群省会城市第九届会商会以视频形式举行",
        ("长江中游城市群省会城市第九届会商会", "长江中游城市群省会城市会商会", 9),
    ),
    ("京津冀协同发展座谈会在雄安新区举行", ("京津冀协同发展座谈会", "京津冀协同发展座谈会", None)),
    ("三市领导实地考察了产业园区", (None, None, None)),
    # The lead-in cut at 召开 leaves no 的 in front.
    (
        "今年3月召开的三峡库区城市协作联席会议上，万州区委书记表示",
        ("三峡库区城市协作联席会议", "三峡库区城市协作联席会议", None),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect_meeting(text: str, expected: tuple[str | None, str | None, int | None]) -> None:
    assert detect_meeting([text]) == expected


def test_a_lead_that_numbers_the_meeting_wins_over_a_title_that_does_not() -> None:
    title = "关中平原城市群五市党政联席会议在渭南召开"
    lead = "2023年11月16日，关中平原城市群党政联席会议第二次会议在渭南市召开。"
    assert detect_meeting([title, lead]) == (
        "关中平原城市群党政联席会议第二次会议",
        "关中平原城市群党政联席会议",
        2,
    )
    assert detect_meeting([title]) == (
        "关中平原城市群五市党政联席会议",
        "关中平原城市群五市党政联席会议",
        None,
    )


def test_an_earlier_meeting_looked_back_to_does_not_take_over() -> None:
    title = "闽西南协同发展区党政联席会议召开"
    lead = "会议总结第二次联席会议以来协同发展区建设成效。"
    assert detect_meeting([title, lead]) == (
        "闽西南协同发展区党政联席会议",
        "闽西南协同发展区党政联席会议",
        None,
    )


def test_a_dash_joins_two_names_in_a_meeting() -> None:
    lead = "9月7日，兰州—西宁城市群第三次市长联席会议在西宁市举行。"
    assert detect_meeting([lead]) == (
        "兰州—西宁城市群第三次市长联席会议",
        "兰州—西宁城市群市长联席会议",
        3,
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [("三", 3), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23), ("12", 12)],
)
def test_chinese_number(text: str, number: int) -> None:
    assert chinese_number(text) == number


DATES = [
    (
        ["关中五市会议召开", "2023年11月16日，关中平原城市群党政联席会议在渭南召开。"],
        dt.date(2023, 11, 16),
    ),
    (["2024年9月7日 兰西城市群四市联席会议举行"], dt.date(2024, 9, 7)),
    (["昨日，闽西南协同发展区联席会议第三次会议在泉州举行。"], None),  # no date given
    (["11月8日，上海大都市圈空间协同规划联席会议在苏州召开。"], None),  # no year: not guessed
    (["2023年2月30日，会议召开；2023年3月1日续会。"], dt.date(2023, 3, 1)),  # not a real day
    (["投资12023年5月8日"], None),  # digits run on: not a year
]


@pytest.mark.parametrize(("texts", "expected"), DATES)
def test_detect_date(texts: list[str], expected: dt.date | None) -> None:
    assert detect_date(texts) == expected


# (the lead, the page's publication date, the meeting's date)
DATES_FROM_PAGE = [
    ("3月21日，京津冀协同发展城市联席会议在廊坊召开。", dt.date(2024, 3, 22), dt.date(2024, 3, 21)),
    ("昨天，呼包鄂乌市长联席会议在鄂尔多斯举行。", dt.date(2023, 11, 4), dt.date(2023, 11, 3)),
    ("今日，会议在宁德召开。", dt.date(2023, 11, 4), dt.date(2023, 11, 4)),
    # A December meeting reported in January is last year's.
    ("12月28日，联席会议在合肥召开。", dt.date(2024, 1, 3), dt.date(2023, 12, 28)),
    ("联席会议在合肥召开。", dt.date(2024, 1, 3), None),
    ("2月30日，会议召开。", dt.date(2024, 3, 1), None),  # no such day
    # A meeting still to come is this year's, or next year's for a day gone by.
    ("联席会议将于3月15日召开。", dt.date(2024, 1, 5), dt.date(2024, 3, 15)),
    ("联席会议将于1月3日召开。", dt.date(2024, 12, 20), dt.date(2025, 1, 3)),
]


@pytest.mark.parametrize(("lead", "published", "expected"), DATES_FROM_PAGE)
def test_date_from_page(lead: str, published: dt.date, expected: dt.date | None) -> None:
    assert date_from_page(lead, published) == expected


def test_a_brief_takes_its_year_from_the_pages_dateline() -> None:
    text = (
        "联席会议在廊坊召开\n2024年3月22日 08:15  来源：某某报\n3月21日，联席会议在廊坊市召开。\n"
    )
    raw = RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta())
    brief = build_brief(normalize_article(raw))
    assert (brief.date, brief.date_source) == (dt.date(2024, 3, 21), "page")
    # Without the dateline the year is not guessed.
    raw = RawArticle(
        "a.txt", "a", "txt", "utf-8", text.replace("2024年3月22日 08:15  ", ""), ArticleMeta()
    )
    assert build_brief(normalize_article(raw)).date is None


def test_a_feature_that_names_its_meeting_further_on_is_of_that_series() -> None:
    text = (
        "抱团发展谱新篇\n库区正在经历深刻变化。\n库区常住人口约1500万。\n"
        "今年3月召开的三峡库区城市协作联席会议上，各方达成共识。\n"
    )
    raw = RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta())
    assert build_brief(normalize_article(raw)).series == "三峡库区城市协作联席会议"
