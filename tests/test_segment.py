"""Attribution of sentences to cities (table-driven on real phrasing)."""

from __future__ import annotations

import pytest

from policybriefs.gazetteer import load_gazetteer
from policybriefs.models import Official
from policybriefs.segment import (
    attribute,
    build_sections,
    find_city_voice,
    find_speaker,
    split_clauses,
    split_sentences,
)

OFFICIALS = (
    Official("胡昌升", "厦门", ("厦门市委书记",)),
    Official("邵玉龙", "漳州", ("漳州市委书记",)),
    Official("刘远", "漳州", ("漳州市长",)),
    Official("余红胜", "三明", ("三明市长",)),
    Official("王晓峰", "吉安", ("吉安市长",)),
    Official("郑建国", None, ("省委书记",)),
)


def _cities(paragraphs: list[str]) -> list[tuple[int, str | None, str | None]]:
    return [(r.paragraph, r.city, r.speaker) for r in attribute(paragraphs, OFFICIALS)]


def test_speaker_paragraph_goes_to_speaker_city() -> None:
    assert _cities(["邵玉龙表示，漳州将念好新时代“山海经”。"]) == [(0, "漳州", "邵玉龙")]


def test_continuation_paragraph_stays_with_previous_speaker() -> None:
    paragraphs = [
        "邵玉龙表示，漳州将加快发展。",
        "坚持规划引领，推进《厦漳泉都市圈发展规划》编制。",
    ]
    assert _cities(paragraphs) == [(0, "漳州", "邵玉龙"), (1, "漳州", "邵玉龙")]


def test_meeting_paragraph_after_a_speaker_is_the_meeting() -> None:
    paragraphs = ["邵玉龙表示，漳州将加快发展。", "会议审议通过了重大工程清单。"]
    assert _cities(paragraphs)[1] == (1, None, None)


def test_pronoun_refers_to_current_speaker() -> None:
    text = "余红胜指出，过去一年合作取得成效。他建议，一是完善招商机制；二是发行康养卡。"
    assert _cities([text]) == [(0, "三明", "余红胜")]


def test_second_official_of_the_same_city_stays_in_its_section() -> None:
    paragraphs = ["邵玉龙表示，漳州将加快发展。", "刘远补充说，漳州将办好项目。"]
    sections = build_sections(attribute(paragraphs, OFFICIALS))
    zhangzhou = next(s for s in sections if s.city == "漳州")
    assert zhangzhou.paragraphs == (0, 1)
    assert zhangzhou.speakers == ("邵玉龙", "刘远")


def test_paragraph_with_two_cities_is_split_where_the_speaker_changes() -> None:
    text = "邵玉龙表示，漳州将加快发展。随后，王晓峰表示，吉安将深化合作。"
    runs = attribute([text], OFFICIALS)
    assert [(r.city, text[r.start : r.end]) for r in runs] == [
        ("漳州", "邵玉龙表示，漳州将加快发展。"),
        ("吉安", "随后，王晓峰表示，吉安将深化合作。"),
    ]


def test_a_second_speaker_of_the_same_city_mid_paragraph_gets_a_run_of_their_own() -> None:
    text = "邵玉龙表示，漳州将加快发展。副市长刘远补充说，漳州正在推进城际铁路。他说，年内开工。"
    runs = attribute([text], OFFICIALS)
    assert [(r.city, r.speaker, text[r.start : r.end]) for r in runs] == [
        ("漳州", "邵玉龙", "邵玉龙表示，漳州将加快发展。"),
        ("漳州", "刘远", "副市长刘远补充说，漳州正在推进城际铁路。他说，年内开工。"),
    ]
    zhangzhou = next(s for s in build_sections(runs) if s.city == "漳州")
    assert zhangzhou.paragraphs == (0,)
    assert zhangzhou.speakers == ("邵玉龙", "刘远")


def test_speaker_talking_about_another_city_keeps_own_city() -> None:
    assert _cities(["胡昌升表示，厦门将与漳州共建产业园区。"]) == [(0, "厦门", "胡昌升")]


def test_joint_subject_is_the_meeting() -> None:
    text = "会上，胡昌升与出席会议的各市领导充分肯定了建设成效。"
    assert _cities([text]) == [(0, None, None)]


def test_provincial_official_speaks_for_the_meeting() -> None:
    assert _cities(["郑建国强调，要加快协同发展。"]) == [(0, None, "郑建国")]


def test_opening_subject_with_a_long_adverbial_speaks() -> None:
    text = "余红胜代表三明市委、市政府向与会嘉宾表示热烈欢迎。他说，三明将深化合作。"
    assert _cities([text]) == [(0, "三明", "余红胜")]


def test_chairing_is_not_a_statement() -> None:
    assert find_speaker("省委副书记、厦门市委书记胡昌升主持会议并讲话。", OFFICIALS) is None


def test_split_sentences_cuts_before_enumerated_items() -> None:
    text = "他建议，一是完善机制；二是加强合作。好。"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "他建议，一是完善机制；",
        "二是加强合作。",
        "好。",
    ]


def test_a_paragraph_corrected_to_its_own_city_keeps_its_speakers_apart() -> None:
    from policybriefs.brief import _corrected_runs
    from policybriefs.gazetteer import load_gazetteer
    from policybriefs.models import Corrections

    text = "邵玉龙表示，漳州将加快发展。副市长刘远补充说，漳州正在推进城际铁路。"
    runs = attribute([text], OFFICIALS)
    corrections = Corrections(paragraph_cities=((0, "漳州"),))
    fixed = _corrected_runs(runs, 1, corrections, "a.txt", load_gazetteer())
    assert [(r.city, r.speaker) for r in fixed] == [("漳州", "邵玉龙"), ("漳州", "刘远")]


# (sentence, the city speaking in it without an official named)
CITY_VOICES = [
    ("内江市代表介绍，内江将主动承接产业转移。", "内江"),
    ("南京方面表示，南京将加快南京都市圈建设。", "南京"),
    ("沈阳市代表介绍了沈阳下一步的工作打算：一是将加快建设都市圈。", "沈阳"),
    ("会上，修水县在发言中表示，修水将牵头建立常设办公室。", "修水"),
    ("石家庄市代表介绍，石家庄将深度对接京津。", "石家庄"),
    ("新乡代表在发言中提到，新乡将对接郑州航空港。", "新乡"),
    ("北海市的代表介绍说，北海计划今年建成两个泊位。", "北海"),
    ("青岛市委主要负责同志在书面发言中指出，青岛要强化开放门户功能。", "青岛"),
    # A province speaks for no city; a city that only acts is no voice.
    ("河北省代表介绍，河北将加快建设。", None),
    ("内江市将主动承接产业转移。", None),
    ("会议商定，下一次联席会议将于2025年在内江市举行。", None),
]


@pytest.mark.parametrize(("sentence", "city"), CITY_VOICES)
def test_a_city_may_speak_without_an_official_named(sentence: str, city: str | None) -> None:
    assert find_city_voice(sentence, load_gazetteer()) == city


def test_what_a_city_voice_says_is_that_citys_until_another_speaks() -> None:
    paragraphs = [
        "内江市代表介绍，内江将主动承接产业转移。要推动配套工程年内开工。",
        "邵玉龙表示，漳州将念好新时代“山海经”。",
    ]
    assert _cities(paragraphs) == [(0, "内江", None), (1, "漳州", "邵玉龙")]


def test_another_city_named_in_a_statement_does_not_take_it_over() -> None:
    paragraphs = ["邵玉龙表示，漳州将加快发展。厦门将积极响应并提出具体方案，共同推进合作。"]
    assert _cities(paragraphs) == [(0, "漳州", "邵玉龙")]


# (a paragraph, the runs read from it: (city, speaker, the run's opening words))
CLAUSE_RUNS = [
    # Speakers taking turns inside one sentence, between semicolons.
    (
        "驻马店市长李晓光表示，驻马店将打造加工基地；六安市副市长汪海涛提出，六安要保护水源；"
        "淮南市副市长高文斌表示，淮南将推进综合治理。",
        [
            ("驻马店", "李晓光", "驻马店市长"),
            ("六安", "汪海涛", "六安市副"),
            ("淮南", "高文斌", "淮南市副"),
        ],
    ),
    # Outside an official's statement, cities that are the subjects of their tasks.
    (
        "关于下一步工作，各方明确了分工：宁德将打造锂电产业集群；南平将建设国家公园示范区。",
        [(None, None, "关于下一步"), ("宁德", None, "宁德将打造"), ("南平", None, "南平将建设")],
    ),
    ("宁德将打造世界级锂电新能源产业集群。", [("宁德", None, "宁德将打造")]),
    # Inside an official's statement another city as a subject stays the speaker's.
    (
        "驻马店市长李晓光表示，驻马店将打造加工基地；六安将配合。",
        [("驻马店", "李晓光", "驻马店市长")],
    ),
    # A county is such a subject only if it has officials at the meeting.
    ("平江将建设旅游环线。", [(None, None, "平江将建设")]),
    # Tasks given out city by city after commas, outside anyone's statement.
    (
        "根据会议议定，宁德市负责牵头编制旅游规划，南平市负责建设应急物资储备中心。",
        [(None, None, "根据会议"), ("宁德", None, "宁德市负责"), ("南平", None, "南平市负责")],
    ),
    (
        "会议明确，南平牵头建立人才交流平台。",
        [(None, None, "会议明确"), ("南平", None, "南平牵头")],
    ),
    # After a comma inside an official's statement, another city is still the speaker's.
    (
        "驻马店市长李晓光表示，驻马店将打造加工基地，六安负责配套冷链物流。",
        [("驻马店", "李晓光", "驻马店市长")],
    ),
]

CLAUSE_OFFICIALS = (
    Official("李晓光", "驻马店", ("驻马店市长",)),
    Official("汪海涛", "六安", ("六安市副市长",)),
    Official("高文斌", "淮南", ("淮南市副市长",)),
)


@pytest.mark.parametrize(("text", "expected"), CLAUSE_RUNS)
def test_clauses_speak_for_their_speaker_or_subject_city(
    text: str, expected: list[tuple[str | None, str | None, str]]
) -> None:
    runs = attribute([text], CLAUSE_OFFICIALS)
    assert [
        (r.city, r.speaker, text[r.start : r.start + len(w)])
        for r, (_, _, w) in zip(runs, expected, strict=True)
    ] == expected


def test_a_county_with_officials_at_the_meeting_is_a_subject() -> None:
    officials = (Official("易国华", "平江", ("平江县委书记",)),)
    runs = attribute(["会议明确分工：平江将建设旅游环线。"], officials)
    assert [(r.city, r.speaker) for r in runs] == [(None, None), ("平江", None)]


def test_a_quotation_opening_a_paragraph_is_its_speakers() -> None:
    paragraphs = ["“漳州愿意当好山海协作的排头兵。”邵玉龙在发言中表示，漳州将加快发展。"]
    assert _cities(paragraphs) == [(0, "漳州", "邵玉龙")]
    # Not when no speaker is named right after it.
    assert _cities(["“山海协作大有可为。”会议强调，要加快发展。"]) == [(0, None, None)]


@pytest.mark.parametrize("label", ["漳州：", "（二）漳州市：", "二、漳州市："])
def test_a_label_opening_a_paragraph_is_the_speakers_who_follows(label: str) -> None:
    assert _cities([f"{label}邵玉龙说，漳州将加快发展。"]) == [(0, "漳州", "邵玉龙")]


def test_saying_something_as_well_is_no_partner() -> None:
    assert _cities(["刘远同时强调，漳州要加快发展。"]) == [(0, "漳州", "刘远")]


def test_later_mentions_by_surname_and_post_are_the_official() -> None:
    officials = (
        Official("孙宏亮", "长春", ("长春市委书记",)),
        Official("李国栋", "长春", ("长春市长",)),
        Official("金永哲", "延边", ("延边州委书记",)),
        Official("朴成浩", "延边", ("延边州长",)),
    )
    paragraphs = [
        "孙书记在会上开门见山：长春要做枢纽。他表示，长春将开行班列500列。",
        "金书记坦言，任务很重。他说，延边要推进口岸扩能改造。朴州长则表示，延边将争取设立分区。",
        "李市长在会后接受采访时说，长春将尽快拿出方案。",
    ]
    runs = attribute(paragraphs, officials)
    assert [(r.paragraph, r.city, r.speaker) for r in runs] == [
        (0, "长春", "孙宏亮"),
        (1, "延边", "金永哲"),
        (1, "延边", "朴成浩"),
        (2, "长春", "李国栋"),
    ]


def test_he_is_the_official_the_paragraph_has_just_named() -> None:
    officials = (Official("陈立新", None, ("江西省副省长",)), *OFFICIALS)
    runs = attribute(["江西省副省长陈立新出席会议并讲话。他指出，四市要打破行政壁垒。"], officials)
    assert [(r.city, r.speaker, r.start) for r in runs][-1][:2] == (None, "陈立新")


def test_an_official_after_the_citys_unnamed_voice_opens_a_run_of_their_own() -> None:
    officials = (Official("黄静", "上饶", ("上饶市代市长",)),)
    text = "上饶方面表示，将加快建设数字经济产业园。代市长黄静说，上饶还将开放应用场景。"
    runs = attribute([text], officials)
    assert [(r.city, r.speaker) for r in runs] == [("上饶", None), ("上饶", "黄静")]


# What the review of the clause rules found: none of these is a city or official speaking.
NOT_SPEAKING = [
    "会上，张三宣读了合作框架协议，主要内容如下：四市将共建物流枢纽；南平将牵头推进。",
    "宁德提出的“链主”模式得到与会代表一致认可。",
    "宁德要素市场化配置改革试点获批。",
    "下一步，宁德将军民融合作为重点。",
    "会议由宁德市负责同志主持，南平市牵头单位作了交流发言。",
    "近年来，宁德将旅游作为支柱产业，南平将生态作为底色。",
]


@pytest.mark.parametrize("text", NOT_SPEAKING)
def test_no_one_speaks_in(text: str) -> None:
    officials = (Official("张三", "宁德", ("宁德市长",)),)
    runs = attribute([text], officials)
    assert runs[0].city is None and runs[0].speaker is None, runs


def test_a_clock_time_does_not_cut_a_clause() -> None:
    text = "会议于上午9:30开幕，张三表示，宁德将加快发展。"
    assert split_clauses(text) == [(0, len(text))]


def test_an_official_telling_a_reporter_speaks() -> None:
    officials = (Official("覃立明", "梧州", ("梧州市长",)),)
    text = "记者了解到，梧州港吞吐量有望突破100万标箱。覃立明告诉记者，梧州将加快扩能改造。"
    runs = attribute([text], officials)
    assert [(r.city, r.speaker) for r in runs] == [(None, None), ("梧州", "覃立明")]


def test_a_paragraph_of_tasks_after_a_statement_is_not_the_speakers() -> None:
    officials = (
        Official("汪海涛", "衢州", ("衢州市长",)),
        Official("陈一鸣", "上饶", ("上饶市长",)),
    )
    paragraphs = [
        "陈一鸣表示，上饶将加快推进衢饶示范区建设。",
        "根据会议议定，上饶市将承办下一次联席会议，衢州市负责牵头编制合作规划。",
    ]
    runs = attribute(paragraphs, officials)
    assert [(r.paragraph, r.city, r.speaker) for r in runs] == [
        (0, "上饶", "陈一鸣"),
        (1, None, None),
        (1, "上饶", None),
        (1, "衢州", None),
    ]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("张彦斌代表东道主致辞。", "张彦斌"),  # the host city's welcome is its statement
        ("张彦斌主持会议并致辞。", None),  # the chair's is the meeting's
    ],
)
def test_a_welcome_on_a_citys_behalf_is_a_statement(text: str, speaker: str | None) -> None:
    found = find_speaker(text, (Official("张彦斌", "三门峡", ("三门峡市长",)),))
    assert (found.name if found else None) == speaker


def test_answers_in_an_interview_are_the_officials_asked() -> None:
    paragraphs = [
        "邵玉龙：漳州将加快发展。",
        "记者：下一步有什么打算？",
        "答：漳州将加快建设厦漳同城大道。",
    ]
    assert _cities(paragraphs) == [(0, "漳州", "邵玉龙"), (1, None, None), (2, "漳州", "邵玉龙")]


def test_a_short_sentence_about_the_city_whose_official_speaks_next_is_theirs() -> None:
    text = "漳州的诉求更为直接。漳州市长刘远坦言，漳州要加快发展。"
    assert _cities([text]) == [(0, "漳州", "刘远")]
    other = "三明的诉求更为直接。漳州市长刘远坦言，漳州要加快发展。"  # not about 漳州
    assert [city for _, city, _ in _cities([other])] == [None, "漳州"]


@pytest.mark.parametrize(
    "text",
    [
        "漳州市长刘远回忆，过去十年两市签署了二十多份协议。",
        "对此，漳州市长刘远当场回应：“没问题。”",
        "在漳州市长刘远看来，合作园区的经验可以复制。",
        "漳州市长刘远明确，漳州要牵头建立协作办公室。",
    ],
)
def test_recalling_answering_and_a_view_are_speaking(text: str) -> None:
    assert _cities([text]) == [(0, "漳州", "刘远")]


def test_a_lead_in_goes_with_the_city_it_reports_on() -> None:
    assert _cities(["据介绍，漳州拟设立10亿元的产业协作基金。"]) == [(0, "漳州", None)]


def test_the_meeting_speaks_again_after_a_city_s_task() -> None:
    text = "会议议定，由漳州市牵头成立旅游联盟。会议要求，各市要实现景区门票互认。"
    cities = [city for _, city, _ in _cities([text])]
    assert cities[-1] is None and "漳州" in cities
