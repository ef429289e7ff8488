"""Place names' slugs: readings pypinyin guesses wrong for names it does not know."""

from __future__ import annotations

import pytest

from policybriefs.load import slugify
from policybriefs.readings import city_slug, series_slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("长治", "changzhi"),  # pypinyin: zhangzhi
        ("长泰", "changtai"),
        ("昌都", "changdu"),  # pypinyin: changdou
        ("都匀", "duyun"),
        ("郫都区", "piduqu"),
        ("长子", "zhangzi"),  # the one 长 read zhang
        ("朝阳", "chaoyang"),
        ("漯河", "luohe"),
        ("洪洞县", "hongtongxian"),
        ("单县", "shanxian"),
        ("厦门", "xiamen"),  # names pypinyin reads right are read as before
        ("重庆", "chongqing"),
        ("长春", "changchun"),
        ("Macau", "macau"),
    ],
)
def test_city_slug(name: str, slug: str) -> None:
    assert city_slug(name) == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("长三角城市经济协调会", "changsanjiaochengshijingjixietiaohui"),
        ("长吉图联席会议", "changjitulianxihuiyi"),  # not a zone: read from its first place
        ("哈长城市群合作会议", "hachangchengshiqunhezuohuiyi"),
        ("昌都与林芝对口协作会议", "changduyulinzhiduikouxiezuohuiyi"),
        # Outside place names pypinyin's readings stand: 市长 is shizhang.
        ("兰西城市群市长联席会议", "lanxichengshiqunshizhanglianxihuiyi"),
        ("成都都市圈第2次会议", "chengdudushiquandi-2-cihuiyi"),
    ],
)
def test_series_slug(name: str, slug: str) -> None:
    assert series_slug(name) == slug


@pytest.mark.parametrize("name", ["泰州", "平潭综合实验区", "闽西南协同发展区", "A-1 会议", "𠀾城"])
def test_names_without_misread_characters_keep_their_slugify_slug(name: str) -> None:
    assert city_slug(name) == slugify(name)
    assert series_slug(name) == slugify(name)
