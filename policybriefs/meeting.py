"""Which meeting an article reports, and which series of meetings it belongs to."""

from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_MEETING = re.compile(
    # A dash may join two names (兰州—西宁城市群).
    r"((?:[\u4e00-\u9fff]|(?<=[\u4e00-\u9fff])[—–－-](?=[\u4e00-\u9fff])){2,24}?(?:联席会议|联席会|座谈会|推进会|协调会|会商会议|会商会|峰会|论坛|"
    r"合作会议|工作会议|市长联席会议|市长联席会|党政联席会议|高层会议|合作大会|全体会议))"
    r"(第([一二三四五六七八九十两\d]{1,4})(?:次|届)(?:会议|全体会议|市长联席会议)?)?"
)
_ORDINAL = re.compile(
    r"第([一二三四五六七八九十两\d]{1,4})(?:次|届)(?:会议|全体会议)?$|第([一二三四五六七八九十两\d]{1,4})(?:次|届)"
)
_LEADING = re.compile(r"^.*?(?:召开|举行|举办|参加|出席|在|的|，|、)")


def chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text)


def detect_meeting(texts: list[str]) -> tuple[str | None, str | None, int | None]:
    """(meeting, series, ordinal) of the first meeting ``texts`` name with its number
    (a title often names it without one, the lead with it: 第二次会议), else of the
    first they name."""
    first: tuple[str, str, int | None] | None = None
    for text in texts:
        for match in _MEETING.finditer(text):
            # (召开的三峡库区…联席会议: the lead-in cut at 召开 leaves 的.)
            meeting = _LEADING.sub("", match.group(0)).lstrip("的在，、") or match.group(0)
            number = _ORDINAL.search(meeting)
            ordinal = chinese_number(number.group(1) or number.group(2)) if number else None
            series = _ORDINAL.sub("", meeting)
            if len(series) < 4:
                continue
            if first is None and ordinal is None:
                first = (meeting, series, ordinal)
            elif ordinal is not None and (
                first is None or _same_series(first[1], series, text, match)
            ):
                return meeting, series, ordinal
    return first or (None, None, None)


# After a meeting named in passing: 第二次联席会议以来, 会上, 精神.
_LOOKING_BACK = re.compile(r"以来|上|精神|的精神|部署")


def _same_series(named: str, numbered: str, text: str, match: re.Match[str]) -> bool:
    """Whether a numbered meeting found after ``named`` (the title's, say) is the one
    the article reports, not an earlier one it looks back to (总结第二次会议以来…)."""
    if numbered.startswith("会") or _LOOKING_BACK.match(text, match.end()):
        return False
    return numbered[0] == named[0]


# A full date as a lead gives it (2023年11月16日); a date without its year (11月16日,
# 昨日) says nothing a reader could check, and is not guessed.
_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")


def detect_date(texts: list[str]) -> dt.date | None:
    """The first full date in ``texts`` (the title and the lead), if it is a real day."""
    return _first_real_day(texts, _FULL_DATE)


def _first_real_day(texts: list[str], pattern: re.Pattern[str]) -> dt.date | None:
    """The first match of ``pattern`` (year, month, day groups) in ``texts`` that is a
    real day."""
    for text in texts:
        for match in pattern.finditer(text):
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
    return None


# A page's publication date, in a line of chrome the normalizer removed (2024年3月22日
# 08:15 来源：…, 时间：2024-09-12, 发布时间：2010-11-13 08:32).
_PAGE_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_RELATIVE_DAY = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0}
_RELATIVE = re.compile("|".join(_RELATIVE_DAY))
_COMING = re.compile(r"将于|将在|拟于|定于")
PAGE_DATE_LINES = 15  # a page's date stands above the article, among its first lines


def page_date(lines: list[str]) -> dt.date | None:
    """The first full date in ``lines`` (chrome removed from the page's top)."""
    return _first_real_day(lines, _PAGE_DATE)


def date_from_page(lead: str, published: dt.date) -> dt.date | None:
    """The meeting's date from a lead that gives it without its year (6月3日, 昨天)
    and the page's publication date: the year of the publication, or the year
    before for a day after it (a December meeting reported in January), or the
    year after for a day before it that is still to come (将于1月3日召开)."""
    relative = _RELATIVE.search(lead[:40])
    month_day = _MONTH_DAY.search(lead[:60])
    if month_day and (not relative or month_day.start() < relative.start()):
        month, day = int(month_day.group(1)), int(month_day.group(2))
        ahead = (month, day) > (published.month, published.day)
        # A day after the publication is last year's, unless the meeting is still to
        # come (将于3月15日召开), when one before it is next year's.
        before = lead[max(0, month_day.start() - 4) : month_day.start()]
        if _COMING.search(before):
            passed = (month, day) < (published.month, published.day)
            year = published.year + (1 if passed else 0)
        else:
            year = published.year - (1 if ahead else 0)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    if relative:
        return published + dt.timedelta(days=_RELATIVE_DAY[relative.group(0)])
    return None
