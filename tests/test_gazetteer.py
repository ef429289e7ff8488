"""The packaged gazetteer on real strings from regional cooperation news."""

from __future__ import annotations

import pytest

from policybriefs.gazetteer import Gazetteer, Place, load_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_loader_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()


@pytest.mark.parametrize(
    ("name", "full", "level", "province"),
    [
        ("厦门市", "厦门市", "prefecture", "福建省"),
        ("厦门", "厦门市", "prefecture", "福建省"),
        ("龙岩", "龙岩市", "prefecture", "福建省"),
        ("龍巖", "龙岩市", "prefecture", "福建省"),  # Traditional short name
        ("廈門", "厦门市", "prefecture", "福建省"),
        ("廈門市", "厦门市", "prefecture", "福建省"),
        ("恩施", "恩施土家族苗族自治州", "prefecture", "湖北省"),
        ("延边", "延边朝鲜族自治州", "prefecture", "吉林省"),
        ("平潭", "平潭综合实验区", "unit", "福建省"),  # the unit, not 平潭县
        ("平潭县", "平潭县", "county", "福建省"),
        ("雄安", "雄安新区", "unit", "河北省"),
        ("横琴", "横琴粤澳深度合作区", "unit", "广东省"),
        ("浦东新区", "浦东新区", "unit", "上海市"),
        ("重庆", "重庆市", "prefecture", "重庆市"),  # a city, not only a province
        ("北京市", "北京市", "prefecture", "北京市"),
        ("香港", "香港特别行政区", "prefecture", "香港特别行政区"),
        ("朝阳", "朝阳市", "prefecture", "辽宁省"),  # not 北京's 朝阳区
        ("吉林", "吉林省", "province", "吉林省"),  # the city is 吉林市
        ("吉林市", "吉林市", "prefecture", "吉林省"),
        ("海南", "海南省", "province", "海南省"),
        ("河南", "河南省", "province", "河南省"),  # not 河南蒙古族自治县
        ("台州", "台州市", "prefecture", "浙江省"),
        ("臺北", "台北市", "prefecture", "台湾省"),
        ("台灣", "台湾省", "province", "台湾省"),  # 台 for 臺 is accepted
        ("永川区", "永川区", "county", "重庆市"),
    ],
)
def test_lookup(gaz: Gazetteer, name: str, full: str, level: str, province: str) -> None:
    place = gaz.lookup(name)
    assert place is not None
    assert (place.name, place.level, place.province) == (full, level, province)


@pytest.mark.parametrize("name", ["闽西南", "粤港澳大湾区", "长三角", "某某市", ""])
def test_lookup_unknown(gaz: Gazetteer, name: str) -> None:
    assert gaz.lookup(name) is None


def test_lookup_all_lists_ambiguity_in_preference_order(gaz: Gazetteer) -> None:
    levels = [p.level for p in gaz.lookup_all("平潭")]
    assert levels == ["unit", "county"]
    assert len(gaz.lookup_all("鼓楼区")) == 4


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("厦门市", "厦门"),
        ("平潭综合实验区", "平潭"),
        ("雄安新区", "雄安"),
        ("恩施土家族苗族自治州", "恩施"),
        ("延边朝鲜族自治州", "延边"),
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("香港特别行政区", "香港"),
        ("沙县区", "沙县"),  # a one-character stem keeps its 县
        ("城区", "城区"),
        ("廈門市", "厦门"),
        ("某某市", "某某"),  # unknown: trailing 市/区/县 stripped
        ("某区", "某区"),  # ... but not down to one character
    ],
)
def test_short_name(gaz: Gazetteer, name: str, short: str) -> None:
    assert gaz.short_name(name) == short


@pytest.mark.parametrize(
    ("text", "pos", "name", "end"),
    [
        ("三明市长余红胜", 0, "三明市", 3),  # longest match; the caller handles 市长
        ("吉安市长", 0, "吉安市", 3),
        ("雄安新区党工委书记", 0, "雄安新区", 4),
        ("平潭综合实验区党工委书记", 0, "平潭综合实验区", 7),
        ("重庆市永川区委书记", 0, "重庆市", 3),
        ("重庆市永川区委书记", 3, "永川区", 6),
        ("龍巖市委書記", 0, "龙岩市", 3),
        ("深圳市场主体", 0, "深圳市", 2),  # 市场 is "market": the short name matches
        ("恩施土家族苗族自治州州长", 0, "恩施土家族苗族自治州", 10),
    ],
)
def test_match_at(gaz: Gazetteer, text: str, pos: int, name: str, end: int) -> None:
    hit = gaz.match_at(text, pos)
    assert hit is not None
    place, got_end = hit
    assert (place.name, got_end) == (name, end)


@pytest.mark.parametrize(
    ("text", "pos"),
    [
        ("各位来宾", 2),  # 来宾市 is never matched by its short name
        ("长治久安", 0),
        ("城区面积", 0),  # county names that are common words
        ("永川区委", 1),  # 川区 is not a place
        ("闽西南", 0),
        ("厦", 0),
        ("", 0),
    ],
)
def test_match_at_none(gaz: Gazetteer, text: str, pos: int) -> None:
    assert gaz.match_at(text, pos) is None


def _names(hits: list[tuple[int, int, Place]], text: str) -> list[tuple[str, str]]:
    return [(text[start:end], place.name) for start, end, place in hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "厦门、漳州、泉州、三明、龙岩五市党政主要领导齐聚一堂",
            [
                ("厦门", "厦门市"),
                ("漳州", "漳州市"),
                ("泉州", "泉州市"),
                ("三明", "三明市"),
                ("龙岩", "龙岩市"),
            ],
        ),
        (
            "省委副書記、廈門市委書記胡昌升主持會議並講話,漳州市委書記邵玉龍、市長劉遠,三明市長余紅勝",
            [("廈門市", "厦门市"), ("漳州市", "漳州市"), ("三明市", "三明市")],
        ),
        (
            "重庆市永川区委书记与四川省泸州市、浦东新区和平潭综合实验区负责同志出席",
            [
                ("重庆市", "重庆市"),
                ("永川区", "永川区"),
                ("四川省", "四川省"),
                ("泸州市", "泸州市"),
                ("浦东新区", "浦东新区"),
                ("平潭综合实验区", "平潭综合实验区"),
            ],
        ),
        # zones and common words are not places
        ("闽西南协同发展区、粤港澳大湾区和长三角", []),
        ("各位来宾,要确保长治久安,推进老城区改造和城区更新", []),
        # county short names (和平, 通道, 合作) only with counties_by_short
        ("和平发展,打通通道,深化合作", []),
        (
            "福州市鼓楼区和晋江市",
            [("福州市", "福州市"), ("鼓楼区", "鼓楼区"), ("晋江市", "晋江市")],
        ),
    ],
)
def test_find_all(gaz: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    assert _names(gaz.find_all(text), text) == expected


def test_find_all_counties_by_short(gaz: Gazetteer) -> None:
    text = "永川与江津两地签约"
    assert gaz.find_all(text) == []
    assert _names(gaz.find_all(text, counties_by_short=True), text) == [
        ("永川", "永川区"),
        ("江津", "江津区"),
    ]


def test_find_all_offsets_are_non_overlapping(gaz: Gazetteer) -> None:
    text = "大兴安岭地区和小兴安岭,福建省龙岩市"
    hits = gaz.find_all(text)
    assert _names(hits, text) == [
        ("大兴安岭地区", "大兴安岭地区"),
        ("福建省", "福建省"),
        ("龙岩市", "龙岩市"),
    ]
    ends = [0] + [end for _, end, _ in hits]
    assert all(start >= prev for (start, _, _), prev in zip(hits, ends, strict=False))


@pytest.mark.parametrize(
    ("name", "is_zone"),
    [
        ("闽西南", True),
        ("闽东北", True),
        ("粤港澳大湾区", True),
        ("成渝地区双城经济圈", True),
        ("山海协作", True),
        ("厦门", False),
        ("重庆", False),
    ],
)
def test_is_zone(gaz: Gazetteer, name: str, is_zone: bool) -> None:
    assert gaz.is_zone(name) is is_zone


def test_data_invariants(gaz: Gazetteer) -> None:
    adcodes = [p.adcode for p in gaz.places]
    assert adcodes == sorted(adcodes)
    assert len(set(adcodes)) == len(adcodes)
    for place in gaz.places:
        assert place.name.startswith(place.short)
        assert place.name_hant.startswith(place.short_hant)
        assert len(place.short) >= 2
    units = {p.short for p in gaz.places if p.level == "unit"}
    assert {"雄安", "平潭", "浦东", "两江", "天府", "横琴", "前海"} <= units
    assert not any(gaz.lookup(zone) for zone in gaz.zones)


def test_traditional_overrides(gaz: Gazetteer) -> None:
    def hant(name: str) -> str:
        place = gaz.lookup(name)
        assert place is not None
        return place.name_hant

    assert hant("台州市") == "台州市"  # 台, not 臺
    assert hant("台湾省") == "臺灣省"
    assert hant("赤峰市") == "赤峰市"  # not OpenCC's 赤峯
    assert hant("湖里区") == "湖里區"  # not 湖裏
    assert hant("新干县") == "新干縣"  # not 新幹


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("伊犁还将与博州携手打造赛里木湖旅游环线", ["伊犁", "博尔塔拉"]),  # 博州 as written
        ("汉中将牵头组建秦巴中药材产业联盟", ["汉中"]),  # 秦巴 + 中药材, no 巴中
    ],
)
def test_places_read_as_they_are_written_in_the_north_west(text: str, places: list[str]) -> None:
    assert [p.short for _, _, p in load_gazetteer().find_all(text)] == places
