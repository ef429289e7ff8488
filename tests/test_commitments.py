"""Commitment kinds and entities on real phrasing."""

from __future__ import annotations

import pytest

from policybriefs.commitments import classify, extract_commitments
from policybriefs.entities import find_entities
from policybriefs.models import Attribution

KINDS = [
    ("泉州将站位大局、服务全局，落实好11个专项平台", "pledge"),
    ("下一步，龙岩将深入贯彻落实会议精神", "pledge"),
    ("要着力促进区域规划协同，注重规划紧密对接", "directive"),
    ("在推进区域协同发展过程中，要坚持问题导向", "directive"),
    ("黄河金三角合作应当坚持生态优先、绿色发展的原则", "principle"),
    ("深圳将坚持“飞地经济”与“反向飞地”双向发力", "principle"),  # held to, not done
    ("同成都一道唱好“双城记”", "joint"),
    ("坚持规划引领，推进《厦漳泉都市圈发展规划》编制", "principle"),
    ("一是进一步完善协同招商运行机制", "proposal"),
    ("第二，共同打造区域旅游品牌", "proposal"),
    ("共建区域重要增长极，在产业链协作等方面加强联合", "joint"),
    ("过去一年，闽西南协同发展区交流合作仍然取得良好成效", None),
    ("龙岩确立了建设生态型现代化城市的目标定位", None),
    ("这得益于省委省政府的坚强领导", None),
    ("兰州正与西宁商议开通城际动车，争取明年春运前投入运营", "pledge"),
    ("海东已同兰州签订劳务协议，今后每年组织不少于2000名务工人员赴兰州就业", "pledge"),
    ("希望四市联合申报国家物流枢纽", "proposal"),
    ("该市还希望两地互认职业资格", "proposal"),
    ("去年争取到了中央预算内资金", None),  # 争取 with past aspect: done, not promised
    ("全年共争取到中央资金3亿元", None),  # funds won, not promised
    ("两市已争取中央资金3亿元", None),
    ("为今后合作奠定坚实基础", None),  # for the future, not from now on
    ("济南已梳理出共享事项128项，年底前实现“跨市通办”", "pledge"),  # a deadline set
    ("2022年底前完成了全部改造", None),  # a deadline met
    ("衢州市负责牵头编制四市旅游一体化规划", "pledge"),  # a task given out
    ("由上饶市牵头建立四市人才交流平台", "pledge"),
    ("丽水市负责人介绍了山区共富经验", None),  # 负责人: who, not a task
    ("各地要对群众负责", "directive"),
    # Promised, planned, decided or offered in so many words.
    ("银川承诺每年安排1亿元专项资金用于旅游推广", "pledge"),
    ("吴忠拟于明年设立都市圈协作办公室", "pledge"),
    ("固原决定设立10亿元生态产业基金", "pledge"),
    ("香港愿与大湾区内地城市深化规则衔接", "pledge"),
    ("景德镇拟联合三市举办陶瓷博览会分会场活动", "joint"),  # a stronger marker wins
    ("两市实行告知承诺制审批", None),
    ("各方合作意愿强烈，描绘了区域发展愿景", None),
    ("通过模拟演练检验联动机制", None),
    ("朝阳方面承诺年内开放物流园3个库区供三市企业共同使用", "pledge"),  # shared use
    ("不少群众看病仍要跑沈阳", None),  # still have to, no directive
    ("今年上半年，三市联合招商签约项目已达63个，计划总投资超过900亿元", None),
    ("肇庆将联合梧州共同申报西江黄金水道港口物流枢纽", "joint"),
    ("我们呼吁国家有关部委在重大项目布局上向辽西倾斜", "proposal"),
    ("三市要在今年内建立同城化重大项目联合调度机制", "directive"),  # 同城化: no partner
    ("长江岸线一公里范围内一律不得新建、扩建化工项目", "directive"),  # a prohibition
    ("我们必须把“说了算、定了干”落到实处", "directive"),  # 了 inside a quotation
    ("座谈会上，四地州还共同发布了《南疆区域协作发展倡议》", None),  # done together
    ("阿克苏将携手巴州建设塔里木河流域生态保护协作区", "joint"),  # hand in hand with
    ("三地必须坚持规划共绘、设施共建、产业共兴的理念", "principle"),
    ("三亚要坚持全域旅游理念，必须在邮轮旅游上形成合力", "directive"),  # 要坚持, no 的理念
    ("一是共同建设长三角算力调度平台", "proposal"),  # an item of a list proposes…
    ("三是淮北市要加快推进货运铁路专用线建设", "directive"),  # …unless it tasks a city
    ("二是宿州市负责搭建皖北产业转移项目信息共享平台", "pledge"),
    ("要共同建立项目共招、利益共享、园区共建机制", "directive"),  # 共同 of 共享 is no 同
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_classify(text: str, kind: str | None) -> None:
    assert classify(text, proposed=False) == kind


ENTITIES = [
    ("推进《厦漳泉都市圈发展规划》编制", {("document", "《厦漳泉都市圈发展规划》")}),
    ("发展“三大三新”产业", {("slogan", "“三大三新”")}),
    ("落实好11个专项平台和50个项目", {("quantity", "11个"), ("quantity", "50个")}),
    ("年底前建成，投资100亿元", {("deadline", "年底前"), ("quantity", "100亿元")}),
    (
        "推进龙龙铁路龙岩至武平段、龙岩新机场等重大项目",
        {("project", "龙龙铁路龙岩至武平段"), ("project", "龙岩新机场")},
    ),
    ("“十四五”期间，加快建设", {("deadline", "“十四五”期间"), ("slogan", "“十四五”")}),
    # Units and parts of a year the first fixtures did not have.
    (
        "新建标准化厂房40万平方米，开放科研仪器300台套",
        {("quantity", "40万平方米"), ("quantity", "300台套")},
    ),
    (
        "班列每周4列，动车每天对开20对，组织2000名务工人员",
        {("quantity", "4列"), ("quantity", "20对"), ("quantity", "2000名")},
    ),
    ("明年6月前实现互认，明年一季度开工", {("deadline", "明年6月前"), ("deadline", "明年一季度")}),
    (
        "预计2024年三季度投产，2025年秋季开始招生",
        {("deadline", "2024年三季度"), ("deadline", "2025年秋季")},
    ),
    # A line with its number; the longer of two project nouns (城际铁路, 线路).
    (
        "推动西安地铁14号线延伸至咸阳国际机场",
        {("project", "西安地铁14号线"), ("project", "咸阳国际机场")},
    ),
    ("推进宝鸡至西安城际铁路前期工作", {("project", "宝鸡至西安城际铁路")}),
    # 服务 inside a project's name (only 全力服务 cuts it).
    ("建设武夷山科技服务中心", {("project", "武夷山科技服务中心")}),
    # 港 inside a name (港珠澳, 广深港高铁), 和 of 呼和浩特, 开发 of 开发区.
    (
        "用好港珠澳大桥和广深港高铁",
        {("project", "港珠澳大桥"), ("project", "广深港高铁")},
    ),
    ("推进呼和浩特物流园区建设", {("project", "呼和浩特物流园区")}),
    ("支持准东经济技术开发区建设", {("project", "准东经济技术开发区")}),
    ("国家支持深中通道建设", {("project", "深中通道")}),
    ("加快建设滁州高铁站综合客运枢纽", {("project", "滁州高铁站综合客运枢纽")}),
    ("与温州市共同筹建浙南闽北产业合作园区", {("project", "浙南闽北产业合作园区")}),
    ("开放大型科研仪器共享平台", {("project", "大型科研仪器共享平台")}),
    ("实现长株潭公交一卡通", {("project", "长株潭公交一卡通")}),
    # A name goes on to a second project noun close after the first.
    ("力争年内建成菏泽至济宁城际快速通道", {("project", "菏泽至济宁城际快速通道")}),
    ("两市将共同建设连淮港航物流走廊", {("project", "连淮港航物流走廊")}),
    ("加快建设合湛高铁湛江段", {("project", "合湛高铁湛江段")}),
    ("完成郑蒲港铁路专用线建设", {("project", "郑蒲港铁路专用线")}),
    ("组建闽西南城市协作开发集团", {("project", "闽西南城市协作开发集团")}),
]


NOT_PROJECTS = [
    ("发挥国家中心城市的辐射带动作用", "国家中心"),
    ("推出10条精品文旅线路", "条精品文旅线路"),
    ("希望四市联合申报国家物流枢纽", "希望四市联合申报国家物流枢纽"),
    ("推动五地市合作迈向更加紧密的新阶段", "新阶段"),
    ("保定将全力服务雄安新区建设", "全力服务雄安新区"),
    ("年内完成平修公路平江段路面改造", "年内完成平修公路平江段"),
    ("年内新增海铁联运班列线路3条", "年内新增海铁联运班列线路"),
    # Words of a kind and a project noun name no project.
    ("打造快速通道", "快速通道"),
    ("建设农产品冷链物流中心", "农产品冷链物流中心"),
    ("推进二期工程建设", "二期工程"),
    # Verbs and words cut from the front of a name.
    ("力争2025年上线", "力争2025年上线"),
    ("坚决守住生态保护红线", "坚决守住生态保护红线"),
    ("共建一体化发展示范区", "化发展示范区"),
    ("向四市开放台胞台企服务中心", "向四市开放台胞台企服务中心"),
    # A route's far end, a count, a deadline, a city, an adjective, a shoreline.
    ("开通肇庆新港至梧州港的航线", "至梧州港"),
    ("推动不少于10家企业到贵港考察投资", "不少于10家企业到贵港"),
    ("推动企业到贵港考察投资", "贵港"),
    ("确保今年年底前滁宁城际铁路二期建成", "今年年底前滁宁城际铁路"),
    ("联合申报国家级临港经济示范区", "国家级临港"),
    ("守住长江岸线生态底线", "长江岸线"),
    ("推动铜陵与池州、安庆共享检验检测平台", "安庆共享检验检测平台"),
    ("与温州市共同筹建浙南闽北产业合作园区", "州市共同筹建浙南闽北产业合作园区"),
    # A verb phrase, a bare zone, words of a kind, a line's route, a machinery alliance.
    ("推动企业入驻苏北合作园区", "入驻苏北合作园区"),
    ("开发红色旅游精品线路", "开发红色旅游精品线路"),
    ("济宁拟在高新区设立三市联合孵化器", "高新区"),
    ("将安池跨江产业合作区纳入示范区重点平台", "示范区重点平台"),
    ("统筹川藏铁路沿线旅游资源", "川藏铁路沿线"),
    ("牵头组建苏北工程机械产业联盟", "苏北工程"),
]


@pytest.mark.parametrize(("text", "wrong"), NOT_PROJECTS)
def test_find_entities_does_not_cut_projects_wrong(text: str, wrong: str) -> None:
    assert ("project", wrong) not in {(e.kind, e.text) for e in find_entities(text)}


@pytest.mark.parametrize(("text", "expected"), ENTITIES)
def test_find_entities(text: str, expected: set[tuple[str, str]]) -> None:
    found = {(e.kind, e.text) for e in find_entities(text)}
    assert expected <= found


def test_extract_commitments_splits_enumerations_and_finds_partners() -> None:
    text = "余红胜建议，一是组建闽西南协同招商集团；二是与厦门共同发行山海康养卡。"
    run = Attribution(0, 0, len(text), "三明", "余红胜")
    found = extract_commitments([text], [run])
    assert [c.kind for c in found] == ["proposal", "proposal"]
    assert found[0].text.startswith("一是组建")
    assert found[1].partners == ("厦门",)
    assert all(c.city == "三明" and c.speaker == "余红胜" for c in found)


def test_a_suggestion_after_a_pledge_is_an_item_of_its_own() -> None:
    text = "李武斌指出，渭南将新建标准化厂房40万平方米，并建议五市联合申报生态保护示范区。"
    run = Attribution(0, 0, len(text), "渭南", "李武斌")
    found = extract_commitments([text], [run])
    assert [(c.kind, c.text) for c in found] == [
        ("pledge", "渭南将新建标准化厂房40万平方米"),
        ("proposal", "并建议五市联合申报生态保护示范区。"),
    ]


def test_meeting_commits_only_through_resolutions() -> None:
    text = "去年，各市要素流动加快。会议要求，各市要加快推进项目建设。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, None)])
    assert [(c.city, c.text) for c in found] == [(None, "各市要加快推进项目建设。")]


# (a city's statement, the commitments read from it)
CLAUSES = [
    # A second pledge or task after a comma is a commitment of its own...
    (
        "苏州要主动对接上海，推动沪苏同城化，将加快建设苏州南站综合交通枢纽。",
        ["苏州要主动对接上海，推动沪苏同城化", "将加快建设苏州南站综合交通枢纽。"],
    ),
    (
        "长春将围绕汽车产业链深化合作，要推动一汽配套企业在四市布局。",
        ["长春将围绕汽车产业链深化合作", "要推动一汽配套企业在四市布局。"],
    ),
    (
        "三县要以更大力度推进边界地区协同发展，九江市将在政策、资金、项目上给予支持。",
        ["三县要以更大力度推进边界地区协同发展", "九江市将在政策、资金、项目上给予支持。"],
    ),
    # ...but a 力争 clause is the deadline of what comes before it,
    (
        "重庆将加快推进成渝中线高铁建设，力争2027年建成通车。",
        ["重庆将加快推进成渝中线高铁建设，力争2027年建成通车。"],
    ),
    # an adverbial opens no commitment, and a short clause does not stand alone.
    (
        "在推进区域协同发展过程中，要坚持问题导向，注重统筹推动。",
        ["在推进区域协同发展过程中，要坚持问题导向，注重统筹推动。"],
    ),
    ("嘉兴将全面接轨上海，要快。", ["嘉兴将全面接轨上海，要快。"]),
    # Who speaks, and what they go on to list, is said before the list.
    (
        "沈阳市代表介绍了沈阳下一步的工作打算：一是将加快建设沈阳现代化都市圈；"
        "二是与长春共建东北装备制造业协同创新联盟。",
        ["一是将加快建设沈阳现代化都市圈", "二是与长春共建东北装备制造业协同创新联盟。"],
    ),
    # Tasks listed after commas, 一要…，二要….
    (
        "洛阳要发挥副中心城市作用，一要加快自创区洛阳片区建设，二要推动城际铁路规划建设。",
        ["洛阳要发挥副中心城市作用", "一要加快自创区洛阳片区建设", "二要推动城际铁路规划建设。"],
    ),
    # Where the next meeting is held is no one's commitment.
    ("会议商定，下一次联席会议将于2025年在内江市举行。", []),
    ("会议决定，第六次联席会议由通城县承办。", []),
    ("会议决定，浙西南合作区第十一次市长联席会议将在丽水举行。", []),
    # What a city does with a partner is a commitment of its own.
    (
        "某市将强化龙头带动作用，与各城市共同推进空间协同规划落地实施。",
        ["某市将强化龙头带动作用", "与各城市共同推进空间协同规划落地实施。"],
    ),
    (
        "某市将坚决扛起主体责任，同成都一道唱好“双城记”。",
        ["某市将坚决扛起主体责任", "同成都一道唱好“双城记”。"],
    ),
    # A long title and name before the verb of speech is still who speaks.
    (
        "乌兰察布市察哈尔右翼前旗旗长巴图孟和介绍，该旗将投入3.5亿元建设种薯繁育基地。",
        ["该旗将投入3.5亿元建设种薯繁育基地。"],
    ),
    # A list that a promise opens is promised item by item, marked or not.
    (
        "某市承诺：（一）年底前将航班增至每日120班次；（二）在综合保税区为两市企业设立专区；"
        "（三）去年已建成的园区继续运营。",
        ["（一）年底前将航班增至每日120班次", "（二）在综合保税区为两市企业设立专区"],
    ),
    # ...and so is a list that a pledge ending in a colon opens.
    (
        "某市将全力融入自贸港建设：（一）在综合保税区为两市企业设立专区；（二）举办对接会。",
        ["某市将全力融入自贸港建设", "（一）在综合保税区为两市企业设立专区", "（二）举办对接会。"],
    ),
    # Numbered items whose ；a damaged page turned into a comma.
    (
        "某市将全力融入自贸港建设：1.年内建成南山作业区扩建工程，2.与海口联合开展冷链试点。",
        ["某市将全力融入自贸港建设", "1.年内建成南山作业区扩建工程", "2.与海口联合开展冷链试点。"],
    ),
    # A plan of its own after a task (not 计划总投资): two rows.
    (
        "河池要把长寿养生品牌做大做强，计划投资12亿元建设巴马国际长寿养生旅游区二期。",
        ["河池要把长寿养生品牌做大做强", "计划投资12亿元建设巴马国际长寿养生旅游区二期。"],
    ),
    # A principle held to in a few words, then a pledge: two rows; under 要, one directive.
    (
        "某市将坚持生态优先，着手建设数据中心集群二期，确保2025年投入使用。",
        ["某市将坚持生态优先", "着手建设数据中心集群二期，确保2025年投入使用。"],
    ),
    (
        "某市将坚持生态优先，实现高质量发展。",
        ["某市将坚持生态优先，实现高质量发展。"],
    ),
    (
        "四市要坚持优势互补、共建共享，共同推进旅游一卡通。",
        ["四市要坚持优势互补、共建共享，共同推进旅游一卡通。"],
    ),
    (
        "产业方面，某市坚持“链式招商、错位发展”的理念，石化园区将为汕头企业提供新材料。",
        ["产业方面，某市坚持“链式招商、错位发展”的理念", "石化园区将为汕头企业提供新材料。"],
    ),
    # A second clause promised, planned or offered in so many words.
    (
        "某市力争到2026年建成临空经济区，并承诺每年安排1亿元专项资金。",
        ["某市力争到2026年建成临空经济区", "并承诺每年安排1亿元专项资金。"],
    ),
    (
        "某市拟于明年设立都市圈协作办公室，并愿与银川分享数据中心算力资源。",
        ["某市拟于明年设立都市圈协作办公室", "并愿与银川分享数据中心算力资源。"],
    ),
    # What was done before what will be is a report: the promise is what comes next.
    (
        "某市此前已与宿迁合作建成联合执法站，下一步某市将把联合执法范围扩大至骆马湖。",
        ["下一步某市将把联合执法范围扩大至骆马湖。"],
    ),
    # Describing, not promising: 共同的, and work under way.
    ("“桂林山水是四市共同的金字招牌。”", []),
    ("某市正在加快建设世界级汽车产业基地。", []),
]


@pytest.mark.parametrize(("text", "expected"), CLAUSES)
def test_commitments_are_cut_at_clauses_that_promise_again(text: str, expected: list[str]) -> None:
    city = None if text.startswith("会议") else "某"
    found = extract_commitments([text], [Attribution(0, 0, len(text), city, None)])
    assert [c.text for c in found] == expected


def test_a_county_speaking_at_the_meeting_is_a_partner_by_its_short_name() -> None:
    text = "平江将与通城、修水共同推进幕阜山旅游环线建设。"
    runs = [
        Attribution(0, 0, len(text), "平江", "易国华"),
        Attribution(1, 0, 4, "通城", "吴春燕"),
        Attribution(2, 0, 4, "修水", "冷志勇"),
    ]
    found = extract_commitments([text, "通城表示", "修水表示"], runs)
    assert found[0].partners == ("通城", "修水")
    # Without those counties speaking, their short names are not read as places.
    alone = extract_commitments([text], runs[:1])
    assert alone[0].partners == ()


def test_the_north_east_is_not_the_city_of_beihai() -> None:
    text = "大连要发挥东北海陆大通道枢纽作用，加快与沈阳内陆港联动发展。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), "大连", None)])
    assert found[0].partners == ("沈阳",)


def test_a_run_that_holds_part_of_a_sentence_gives_only_its_part() -> None:
    text = "李晓光表示，驻马店将打造农产品加工基地；汪海涛提出，六安要着力保护大别山水源涵养区。"
    cut = text.index("汪海涛")
    runs = [
        Attribution(0, 0, cut, "驻马店", "李晓光"),
        Attribution(0, cut, len(text), "六安", "汪海涛"),
    ]
    found = extract_commitments([text], runs)
    assert [(c.city, c.text) for c in found] == [
        ("驻马店", "驻马店将打造农产品加工基地"),
        ("六安", "六安要着力保护大别山水源涵养区。"),
    ]


# (a meeting's sentence, what it resolves)
RESOLUTIONS = [
    ("与会城市代表一致认为，要以交通互联带动科创协同。", ["要以交通互联带动科创协同。"]),
    ("与会各方表示，四市要坚持“一盘棋”思想。", ["四市要坚持“一盘棋”思想。"]),
    ("会议强调，各市要加快推进项目建设。", ["各市要加快推进项目建设。"]),
    ("会议商定，下一次推进会在澳门举行。", []),
    ("四市一致同意，将共同推动建立港口数据共享平台。", ["将共同推动建立港口数据共享平台。"]),
    ("两市还商定，将共同申报茶马古道文化线路。", ["将共同申报茶马古道文化线路。"]),
    ("大家认为，各市要加快推进项目建设。", []),  # no resolution of the meeting
]


@pytest.mark.parametrize(("text", "expected"), RESOLUTIONS)
def test_the_meeting_resolves_through_its_own_and_its_delegates_words(
    text: str, expected: list[str]
) -> None:
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, None)])
    assert [c.text for c in found] == expected


def test_a_promise_said_before_a_comma_is_promised() -> None:
    text = "阜新承诺，为辽西各市企业提供优惠绿电。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), "阜新", None)])
    assert [(c.city, c.kind, c.text) for c in found] == [
        ("阜新", "pledge", "为辽西各市企业提供优惠绿电。")
    ]


def test_what_the_meeting_suggests_is_proposed() -> None:
    text = "会议建议，各市人社部门建立就业信息互通平台；希望省发展改革委协调推动异地就医结算扩面。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), None, None)])
    assert [c.kind for c in found] == ["proposal", "proposal"]


def test_a_sides_lead_in_is_not_part_of_the_promise() -> None:
    text = "玉溪方面，赵晓东介绍，玉溪将依托抚仙湖保护治理经验，与昆明共同推进流域联防联治。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), "玉溪", "赵晓东")])
    assert found[0].text.startswith("玉溪将依托")


def test_a_speaking_county_is_looked_for_apart_from_the_places_read() -> None:
    text = "宁德将与福州和平潭共同推进海上风电合作。"
    runs = [Attribution(0, 0, len(text), "宁德", None), Attribution(1, 0, 4, "平潭", None)]
    assert extract_commitments([text, "平潭表示"], runs)[0].partners == ("福州", "平潭")


def test_a_deadline_stays_with_its_project() -> None:
    text = "宁德将与南平共同推进闽东北生态产品交易平台建设，将于2025年底前建成投用。"
    found = extract_commitments([text], [Attribution(0, 0, len(text), "宁德", None)])
    assert [c.text for c in found] == [text]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("龙龙铁路龙岩至武平段已于2023年底前建成通车", None),
        ("两市去年底前完成可研批复", None),
        ("提前至2025年底前建成投用", "pledge"),
    ],
)
def test_a_deadline_met_is_no_pledge(text: str, kind: str | None) -> None:
    assert classify(text, False) == kind
