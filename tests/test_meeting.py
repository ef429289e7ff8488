from __future__ import annotations

import pytest

from policybriefs.meeting import chinese_number, detect_meeting

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
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect_meeting(text: str, expected: tuple[str | None, str | None, int | None]) -> None:
    assert detect_meeting([text]) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [("三", 3), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23), ("12", 12)],
)
def test_chinese_number(text: str, number: int) -> None:
    assert chinese_number(text) == number
