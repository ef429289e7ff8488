"""Officials read from the text itself, for any region (table-driven, real phrasing)."""

from __future__ import annotations

import pytest

from policybriefs.models import ArticleMeta, RawArticle
from policybriefs.names import parse_name
from policybriefs.normalize.article import normalize_article
from policybriefs.roster import extract_roster, find_mentions

# (text, [(name, city, titles)])
ROSTERS = [
    # A bracketed title after a quotation; names of four and five characters.
    (
        "“省会就要有省会的担当。”李文涛（南昌市委书记）表示",
        [("李文涛", "南昌", ("南昌市委书记",))],
    ),
    (
        "乌兰察布市委副书记、市长吉日木图，大同市长巴特尔朝鲁，张家口市长李强出席会议。",
        [
            ("吉日木图", "乌兰察布", ("乌兰察布市委副书记", "乌兰察布市长")),
            ("巴特尔朝鲁", "大同", ("大同市长",)),
            ("李强", "张家口", ("张家口市长",)),
        ],
    ),
    # A roster laid out as a table, its cells apart by ｜.
    (
        "出席会议：运城市市长 杜建国｜临汾市市长 薛海涛｜河南省发展改革委副主任 马晓东",
        [
            ("杜建国", "运城", ("运城市市长",)),
            ("薛海涛", "临汾", ("临汾市市长",)),
            ("马晓东", None, ("河南省发展改革委副主任",)),
        ],
    ),
    # The government written out in full keeps its province.
    ("吉林省人民政府副省长韩立军出席会议", [("韩立军", None, ("吉林省人民政府副省长",))]),
    (
        "省委副书记、厦门市委书记胡昌升主持会议并讲话",
        [("胡昌升", "厦门", ("省委副书记", "厦门市委书记"))],
    ),
    (
        "漳州市委书记邵玉龙、市长刘远，泉州市委书记康涛出席会议。",
        [
            ("邵玉龙", "漳州", ("漳州市委书记",)),
            ("刘远", "漳州", ("漳州市长",)),
            ("康涛", "泉州", ("泉州市委书记",)),
        ],
    ),
    (
        "三明市长余红胜，龙岩市委书记李建成出席。",
        [("余红胜", "三明", ("三明市长",)), ("李建成", "龙岩", ("龙岩市委书记",))],
    ),
    ("吉安市长王志伟表示", [("王志伟", "吉安", ("吉安市长",))]),
    (
        "厦门市委常委、常务副市长、闽西南协同办主任黄强汇报了工作",
        [("黄强", "厦门", ("厦门市委常委", "厦门市常务副市长", "闽西南协同办主任"))],
    ),
    ("雄安新区党工委书记陈立新出席", [("陈立新", "雄安", ("雄安新区党工委书记",))]),
    ("平潭综合实验区党工委书记林海峰致辞", [("林海峰", "平潭", ("平潭综合实验区党工委书记",))]),
    ("重庆市永川区委书记张晓东主持", [("张晓东", "永川", ("永川区委书记",))]),
    (
        "广州市委书记欧阳志远、市长诸葛明出席",
        [("欧阳志远", "广州", ("广州市委书记",)), ("诸葛明", "广州", ("广州市长",))],
    ),
    ("福建省委书记郑建国讲话", [("郑建国", None, ("福建省委书记",))]),
    # Names run together without punctuation: the next title ends the name.
    (
        "省人大常委会副主任、淮南市委书记周立群、市长方海涛蚌埠市委书记唐文静出席",
        [
            ("周立群", "淮南", ("省人大常委会副主任", "淮南市委书记")),
            ("方海涛", "淮南", ("淮南市长",)),
            ("唐文静", "蚌埠", ("蚌埠市委书记",)),
        ],
    ),
    (
        "湖北省委常委、武汉市委书记龚建明出席",
        [("龚建明", "武汉", ("湖北省委常委", "武汉市委书记"))],
    ),
    # A roster with each title in brackets after the name, or before it.
    (
        "出席会议的有：华志远（上海市副市长）、顾明辉（嘉兴市委副书记、市长）。",
        [
            ("华志远", "上海", ("上海市副市长",)),
            ("顾明辉", "嘉兴", ("嘉兴市委副书记", "嘉兴市长")),
        ],
    ),
    (
        "成都市委书记柯正明，吴宏岩（成都市市长），欧阳志远(广州市委书记)出席",
        [
            ("柯正明", "成都", ("成都市委书记",)),
            ("吴宏岩", "成都", ("成都市市长",)),
            ("欧阳志远", "广州", ("广州市委书记",)),
        ],
    ),
    (
        "银川市市长（马建军）、石嘴山市委书记（杨丽）到会",
        [("马建军", "银川", ("银川市市长",)), ("杨丽", "石嘴山", ("石嘴山市委书记",))],
    ),
    # A bracketed entry opening a sentence.
    (
        "会议召开。罗志恒（深圳市常务副市长）出席",
        [("罗志恒", "深圳", ("深圳市常务副市长",))],
    ),
    # An acting mayor; two posts joined by 兼; a verb the name list lacked (通报).
    (
        "长沙市委副书记、代市长易卫平出席",
        [("易卫平", "长沙", ("长沙市委副书记", "长沙市代市长"))],
    ),
    (
        "平潭综合实验区党工委书记兼管委会主任吴德胜讲话",
        [("吴德胜", "平潭", ("平潭综合实验区党工委书记", "管委会主任"))],
    ),
    ("宁德市长柯文彬通报了推进情况", [("柯文彬", "宁德", ("宁德市长",))]),
    # Four-character names: 和 is the name's, not "and"; a surname the table lacks
    # takes four characters where punctuation closes them. 等 is "and others".
    ("鄂尔多斯市长巴图孟和主持会议", [("巴图孟和", "鄂尔多斯", ("鄂尔多斯市长",))]),
    (
        "呼和浩特市长萨仁图雅，包头市长张立军出席",
        [
            ("萨仁图雅", "呼和浩特", ("呼和浩特市长",)),
            ("张立军", "包头", ("包头市长",)),
        ],
    ),
    ("珠海市长黎嘉明等参加会议", [("黎嘉明", "珠海", ("珠海市长",))]),
    ("北京市副市长王小明也表示同意", [("王小明", "北京", ("北京市副市长",))]),
    # Secretaries of a special administrative region's government speak for it.
    (
        "香港特别行政区政府政务司司长卓嘉仁、澳门特别行政区政府经济财政司司长梁慧珊出席",
        [
            ("卓嘉仁", "香港", ("香港特别行政区政府政务司司长",)),
            ("梁慧珊", "澳门", ("澳门特别行政区政府经济财政司司长",)),
        ],
    ),
    # A roster laid out as a table: a space before the name; 地委 and 行署 (a
    # prefecture before it was a city), the second post after ；.
    ("贵阳市委副书记、市长 袁建华", [("袁建华", "贵阳", ("贵阳市委副书记", "贵阳市长"))]),
    (
        "毕节地委书记 杨正刚；行署专员 吴光荣",
        [("杨正刚", "毕节", ("毕节地委书记",)), ("吴光荣", "毕节", ("毕节行署专员",))],
    ),
    # 党委 of an autonomous prefecture; names with a middle dot; a department's head.
    (
        "乌鲁木齐市长买买提江·阿不都热依木，昌吉州党委书记刘振东，州长热依汗古丽·吐尔逊出席",
        [
            ("买买提江·阿不都热依木", "乌鲁木齐", ("乌鲁木齐市长",)),
            ("刘振东", "昌吉", ("昌吉州党委书记",)),
            ("热依汗古丽·吐尔逊", "昌吉", ("昌吉州长",)),
        ],
    ),
    ("济南市发改委主任王立新补充介绍", [("王立新", "济南", ("济南市发改委主任",))]),
    ("中卫市委书记马文斌致欢迎辞。", [("马文斌", "中卫", ("中卫市委书记",))]),
    # Four characters before a verb, where no shorter reading is a name; a name with
    # no surname the table knows, before a verb of speaking; 黄静说 is 黄静 speaking.
    (
        "林芝市长旺堆、副市长德吉卓玛参加会议。",
        [("旺堆", "林芝", ("林芝市长",)), ("德吉卓玛", "林芝", ("林芝市副市长",))],
    ),
    # Words after a post are no names, though a name of an unknown surname may
    # stand there: only a list's punctuation, or 出席/参加 after four, says so.
    ("宁德市市长随即表示，各县县长依次发言，各地市长高度评价。", []),
    ("各市常务副市长列席会议。", []),
    # 和 ends a name only before presiding or speaking (巴图孟和主持), not 参加.
    ("副市长王小明和参加会议的企业代表座谈。", [("王小明", None, ("副市长",))]),
    # A dotted name holds no words a name is followed by; its last part is the longest
    # that leaves such a word after it.
    ("南宁市市长张三在中国·东盟博览会上致辞。", [("张三", "南宁", ("南宁市市长",))]),
    ("副市长努尔兰·买买提出席会议。", [("努尔兰·买买提", None, ("副市长",))]),
    # A note bracketed after the post is no name; the name follows it.
    ("宁德市副市长（挂职）李明出席会议。", [("李明", "宁德", ("宁德市副市长",))]),
    # A SAR's secretaries by their bureau, not any characters before 司司长.
    (
        "行政长官李家超与政务司司长陈国基出席。",
        [("李家超", None, ("行政长官",)), ("陈国基", None, ("政务司司长",))],
    ),
    ("上饶市代市长黄静说，上饶还将开放场景", [("黄静", "上饶", ("上饶市代市长",))]),
    # The city that shares its province's name (吉林市, not 吉林省).
    (
        "吉林市委书记何振东、市长周丽娜出席",
        [("何振东", "吉林", ("吉林市委书记",)), ("周丽娜", "吉林", ("吉林市长",))],
    ),
    # Verbs of manner and report end a name too.
    ("无锡市委书记杜晓辉指着大屏幕说", [("杜晓辉", "无锡", ("无锡市委书记",))]),
    ("苏州市常务副市长沈一鸣当场回应", [("沈一鸣", "苏州", ("苏州市常务副市长",))]),
    ("宜昌市副市长杜文斌回忆，过去十年", [("杜文斌", "宜昌", ("宜昌市副市长",))]),
    # An autonomous prefecture as it is written (恩施州), a league's heads (盟长,
    # 行政公署副盟长), a name of no known surname before a verb of speaking.
    ("恩施州州长田晓梅表示", [("田晓梅", "恩施", ("恩施州州长",))]),
    (
        "兴安盟委书记张国辉、盟长白音仓出席",
        [("张国辉", "兴安", ("兴安盟委书记",)), ("白音仓", "兴安", ("兴安盟长",))],
    ),
    ("锡林郭勒盟行政公署副盟长其木格表示", [("其木格", "锡林郭勒", ("锡林郭勒盟行政公署副盟长",))]),
    ("宁德市市长随即表示", []),  # two characters there may be an adverb
    # A department named by its work.
    ("江苏省生态环境厅厅长陆振邦在会上提出", [("陆振邦", None, ("江苏省生态环境厅厅长",))]),
    ("无锡市交通运输局局长王强出席", [("王强", "无锡", ("无锡市交通运输局局长",))]),
    # A bracketed note closes a four-character name; 在 and 等 seldom end one.
    (
        "阿坝州委副书记、州长格桑拉姆（女）出席",
        [("格桑拉姆", "阿坝", ("阿坝州委副书记", "阿坝州长"))],
    ),
    ("菏泽市委书记孙立在发言中表示", [("孙立", "菏泽", ("菏泽市委书记",))]),
    ("济宁市副市长贺川等出席会议", [("贺川", "济宁", ("济宁市副市长",))]),
    ("副市长李有为出席会议", [("李有为", None, ("副市长",))]),
    ("郴州市北湖区区长雷鸣随即回应", [("雷鸣", "北湖", ("郴州市北湖区区长",))]),
    # A surname and a bare post name someone met before, and introduce no name.
    ("座谈会后，乔书记、蓝市长和范卫一同调研", []),
    # A zone named for its place; a provincial commission in full; a division's 师长.
    ("济源示范区党工委书记张慧敏出席", [("张慧敏", "济源", ("济源示范区党工委书记",))]),
    (
        "广东省发展和改革委员会副主任梁志远介绍",
        [("梁志远", None, ("广东省发展和改革委员会副主任",))],
    ),
    ("新疆生产建设兵团第四师副师长乔永胜等出席", [("乔永胜", None, ("副师长",))]),
    # A greeting is no name.
    ("记者：林书记您好。", []),
    # Who sent a deputy: 委托 ends the name.
    (
        "受丽水市委副书记、市长林国栋委托，副市长吴敏在会上作交流发言。",
        [("林国栋", "丽水", ("丽水市委副书记", "丽水市长")), ("吴敏", None, ("副市长",))],
    ),
    # An organ of the province or autonomous region named by its level alone.
    (
        "自治区政府副主席马建华、自治区发展改革委主任杨立新出席。",
        [
            ("马建华", None, ("自治区政府副主席",)),
            ("杨立新", None, ("自治区发展改革委主任",)),
        ],
    ),
    ("省发改委副主任周宁主持会议", [("周宁", None, ("省发改委副主任",))]),
    # Brackets around a title with no name beside them name nobody.
    ("会议由（厦门市委书记）主持", []),
    ("由工作专班（泉州市副市长）统筹", []),
    # Reporters and leaders only mentioned are not officials.
    ("（厦门日报记者 蔡镇金 泉州晚报记者 陈林森）", []),
    ("深入学习贯彻习近平总书记关于区域协调发展的重要论述", []),
    ("市委书记们一致表示", []),
]


@pytest.mark.parametrize(("text", "expected"), ROSTERS)
def test_find_mentions(text: str, expected: list[tuple[str, str | None, tuple[str, ...]]]) -> None:
    found = [(m.name, m.city, m.titles) for m in find_mentions(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("胡昌升主持会议", "胡昌升"),
        ("刘远，泉州", "刘远"),
        ("黄强汇报了", "黄强"),
        ("欧阳志远表示", "欧阳志远"),
        ("余红胜", "余红胜"),
        ("表示感谢", None),
        ("关于区域协调", None),
    ],
)
def test_parse_name(text: str, name: str | None) -> None:
    assert parse_name(text, 0) == name


# (the source as a farm or a person wrote it, the official, their Traditional name)
HANT_NAMES = [
    # A farm's converter writes these surnames as no person is called.
    ("西寧市委書記餘海洋出席會議。", "余海洋", "余海洋"),
    ("白銀市長於東升出席會議。", "于东升", "于東升"),
    ("海東市委書記範錦程出席會議。", "范锦程", "范錦程"),
    ("梅州市長鐘國華出席會議。", "钟国华", "鍾國華"),
    # A given name keeps the source's own form: a person may write 昇 for 升.
    ("白銀市長於東昇出席會議。", "于东升", "于東昇"),
    ("湖州市委書記沈月華出席會議。", "沈月华", "沈月華"),
    # A Simplified source: built character by character, the surname from the table.
    ("西宁市委书记余海洋出席会议。", "余海洋", "余海洋"),
    # A Simplified source keeps a name's 昇 (the 2013 table's name form), and the
    # rest of the name is still built: 韓, not the source's 韩.
    ("辽宁省副省长韩东昇出席会议。", "韩东昇", "韓東昇"),
    ("大连市长刘思源出席会议。", "刘思源", "劉思源"),
]


@pytest.mark.parametrize(("source", "name", "hant"), HANT_NAMES)
def test_traditional_names_take_the_surname_from_the_table(
    source: str, name: str, hant: str
) -> None:
    raw = RawArticle("a.txt", "a", "txt", "utf-8", f"会议召开\n{source}\n", ArticleMeta())
    officials = extract_roster(normalize_article(raw), "s2t")
    assert [(o.name, o.name_hant) for o in officials] == [(name, hant)]


# (the article's lines, the official's titles)
TITLE_MERGES = [
    # A bare title said again later is the same one, with its place.
    (
        ["宝鸡市长欧阳一鸣、副市长于小川出席会议。", "副市长于小川补充说，宝鸡将开工。"],
        ("宝鸡市副市长",),
    ),
    # The bare title first: the one with its place takes its place.
    (["副市长于小川主持会议。", "宝鸡市副市长于小川表示，宝鸡将开工。"], ("宝鸡市副市长",)),
    # 市市长 is 市长 written in full.
    (
        ["柳州市委副书记、市长于小川出席。", "柳州市市长于小川表示，柳州将开工。"],
        ("柳州市委副书记", "柳州市长"),
    ),
    # Another rank is another title.
    (
        ["宝鸡市副市长于小川出席。", "常务副市长于小川表示，宝鸡将开工。"],
        ("宝鸡市副市长", "常务副市长"),
    ),
]


@pytest.mark.parametrize(("lines", "titles"), TITLE_MERGES)
def test_a_title_said_twice_is_listed_once(lines: list[str], titles: tuple[str, ...]) -> None:
    text = "会议召开\n" + "\n".join(lines) + "\n"
    raw = RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta())
    officials = extract_roster(normalize_article(raw), "s2t")
    assert [(o.name, o.titles) for o in officials if o.name == "于小川"] == [("于小川", titles)]


@pytest.mark.parametrize(
    ("lines", "city"),
    [
        # A banner written within a prefecture whose mayor is at the meeting: its delegation.
        (
            [
                "乌兰察布市长吉日木图、大同市长张强出席。",
                "乌兰察布市察哈尔右翼前旗旗长巴图孟和介绍，该旗将投资。",
            ],
            "乌兰察布",
        ),
        # Without the prefecture at the meeting, the county speaks for itself.
        (
            ["大同市长张强出席。", "乌兰察布市察哈尔右翼前旗旗长巴图孟和介绍，该旗将投资。"],
            "察哈尔右翼前",
        ),
        # A municipality's districts always do (成渝: 重庆 and its districts side by side).
        (["重庆市副市长张强出席。", "重庆市荣昌区委书记巴图孟和表示，荣昌将投资。"], "荣昌"),
        # Written alone, a county beside its own prefecture's officials is of its delegation.
        (
            [
                "永州市委书记王平、郴州市长李强、衡阳市长张明出席。",
                "江华瑶族自治县县委书记巴图孟和介绍，江华将投资。",
            ],
            "永州",
        ),
        # At a meeting of counties, where others speak for themselves, so does this one.
        (
            [
                "株洲市副市长邓建平、醴陵市市长刘晓东、浏阳市市长周志强出席。",
                "株洲市攸县县长巴图孟和介绍，攸县将投资。",
            ],
            "攸县",
        ),
    ],
)
def test_a_county_within_a_prefecture_at_the_meeting_is_its_delegation(
    lines: list[str], city: str
) -> None:
    text = "会议召开\n" + "\n".join(lines) + "\n"
    raw = RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta())
    officials = extract_roster(normalize_article(raw), "s2t")
    assert [o.city for o in officials if o.name == "巴图孟和"] == [city]
