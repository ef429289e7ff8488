"""Whose a commitment is, and with whom (``parties``), as extract_commitments uses it."""

from __future__ import annotations

import pytest

from policybriefs.commitments import extract_commitments
from policybriefs.models import Attribution


def test_tasks_given_to_named_cities_are_theirs() -> None:
    text = (
        "李振邦要求，锦州市要牵头做好辽西港口资源整合，阜新市要加快建设国家新能源基地；"
        "由朝阳市牵头编制生态保护规划，由盘锦市负责建立石化项目库。"
    )
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, "李振邦")])
    assert [(c.city, c.kind) for c in found] == [
        ("锦州", "directive"),
        ("阜新", "directive"),
        ("朝阳", "pledge"),
        ("盘锦", "pledge"),
    ]


def test_a_task_opening_a_sentence_of_the_meeting_is_the_named_citys() -> None:
    text = "（二）由温州市牵头，加快推进温州至武夷山高速铁路前期工作。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, None)])
    assert [(c.city, c.kind) for c in found] == [("温州", "pledge")]


def test_a_task_a_city_voice_names_another_city_for_is_that_citys() -> None:
    text = "湘西州牵头编制片区旅游公路网规划；张家界、怀化两市联合申报城际铁路项目。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), "湘西", None)])
    assert [(c.city, c.kind) for c in found] == [("湘西", "pledge"), ("张家界", "joint")]


def test_agreements_two_cities_sign_are_their_joint_commitments() -> None:
    text = (
        "签约仪式上，梧州市与肇庆市签署了《梧州—肇庆跨省产业合作园区共建协议》，"
        "佛山市与贵港市签署了《佛山—贵港产业转移合作协议》。"
    )
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, None)])
    assert [(c.city, c.kind, c.partners, c.text) for c in found] == [
        ("梧州", "joint", ("肇庆",), "梧州市与肇庆市签署了《梧州—肇庆跨省产业合作园区共建协议》"),
        ("佛山", "joint", ("贵港",), "佛山市与贵港市签署了《佛山—贵港产业转移合作协议》。"),
    ]
    # Two cities unnamed, or a city signing alone, promise no one anything here.
    text = "会上，两市签署了《产业链协同发展合作协议》等12项协议。"
    assert extract_commitments([text], [Attribution(0, 0, len(text), None, None)]) == ()


@pytest.mark.parametrize(
    ("text", "partners"),
    [
        ("黄冈将与六安、信阳共同推进武汉经麻城至六安铁路前期工作", ("六安", "信阳")),
        ("黄冈将重点承接武汉都市圈的汽车零部件产业转移", ()),
        ("哈尔滨将在年内开通至大庆、松原的城际旅游专列", ()),
        ("宝鸡正在推进宝鸡至西安城际铁路前期工作，争取明年一季度开工", ()),
    ],
)
def test_a_route_end_or_an_area_named_is_no_partner(text: str, partners: tuple[str, ...]) -> None:
    city = text[:3] if text.startswith("哈尔滨") else text[:2]
    found = extract_commitments([text], [Attribution(0, 0, len(text), city, None)])
    assert [c.partners for c in found] == [partners]


def test_a_table_of_tasks_gives_each_row_to_its_lead_city() -> None:
    paragraphs = [
        "会议确定了三项重点项目：",
        "项目名称｜牵头城市｜完成时限",
        "菏泽至济宁城际快速通道｜菏泽｜2025年12月",
        "运河文化旅游带建设工程｜济宁｜2026年6月",
        "会议要求各市抓好落实。",
    ]
    runs = [Attribution(k, 0, len(p), None, None) for k, p in enumerate(paragraphs)]
    found = extract_commitments(paragraphs, runs)
    assert [(c.paragraph, c.city, c.kind) for c in found if c.paragraph in (1, 2, 3)] == [
        (2, "菏泽", "pledge"),
        (3, "济宁", "pledge"),
    ]
    assert ("project", "菏泽至济宁城际快速通道") in {(e.kind, e.text) for e in found[0].entities}


def test_a_list_of_tasks_after_a_heading_gives_each_to_its_city() -> None:
    text = (
        "下一步，四市将重点抓好以下工作：一是由阜阳市牵头，会同亳州市制定产业链协同方案；"
        "二是宿州市负责搭建产业转移项目信息共享平台；三是淮北市要加快推进货运铁路专用线建设。"
    )
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, "赵立群")])
    # The heading promises nothing itself; each task is its city's.
    assert [(c.city, c.kind) for c in found] == [
        ("阜阳", "pledge"),
        ("宿州", "pledge"),
        ("淮北", "directive"),
    ]
