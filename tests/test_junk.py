from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policybriefs.models import ArticleMeta, RawArticle
from policybriefs.normalize.article import normalize_article, normalize_text
from policybriefs.normalize.junk import (
    _CHROME,
    _CHROME_ANYWHERE,
    _CHROME_AT_START,
    _CHROME_AT_START_ALTERNATIVES,
    _CHROME_FIRST,
    _LATIN_OR_SYMBOL,
    _latin_bound,
    is_junk_line,
    strip_host_names,
)

JUNK = [
    "【广告】加微信 hx8899 领取2024最新公务员考试资料，名额有限！",
    "※ 本站推荐：三亚海景房低至5折，详询400-8XX-XXXX",
    "您现在的位置：首页 > 新闻中心 > 要闻",
    "当前位置：首页>时政",
    "【打印本页】【关闭窗口】",
    "字号：大 中 小",
    "闽ICP备05012345号-1",
    "扫一扫在手机打开当前页",
    "相关链接",
    "上一篇：厦门召开工作会议",
    "责任编辑：林某",
    "（责任编辑：许晓丹）",
    "潮汕在线 > 新闻 > 本地要闻",  # a breadcrumb trail without 首页
    "打开APP 阅读更多精彩内容",
    "陕西日报 陕西日报 2024-05-17 07:45 发表于陕西",  # a post's byline, the account twice
    "分享 · 收藏 · 点赞 · 在看",
    "广告",
    "</p>",
    "8.jpg",
    "[详细>]",
    "发表评论",
    "2021-01-12 08:30",
    "代理注册 免费下载 官网开户 优惠推广",
    "www.example-news.com | 新闻 | 财经 | 体育",
    "免责声明：本站部分内容转载自网络，如有侵权请联系删除。",
    "【版权声明】本文来源于网络，版权归原作者所有",
    "文章转载于网络，侵权请联系删除",
    "时间：2024-09-12  来源：秦陇在线",
    "2024年3月22日 08:15  来源：燕赵观察",
    "2023-11-02 来源: 某某日报",
    "点击关注“川渝快报”，获取更多权威资讯",
    "点击关注我们，第一时间获取东北振兴新闻",
    "欢迎关注“某某发布”公众号",
    "【列印本页】 【关闭视窗】",
    "【编辑：马小燕】",
    "本站推荐：特产批发 诚招代理 联系QQ 12345678",
    "点击上方蓝字关注我们",
    "———— END ————",
    "兰州发布 2024-05-20 08:30 发表于甘肃",
    "点击查看更多精彩内容>>>",
    "阅读 10万+ 在看 2315",
    "转发本文到朋友圈，截图发给小编，抽10位送牛肉面券！！",
    "兰州新区学区房急售，首付仅需15万，咨询微信 lz88886666",
]
TEXT = [
    "昨日，闽西南协同发展区联席会议第三次会议在泉州举行。",
    "他表示，要推进《厦漳泉都市圈发展规划》编制。",
    "会议审议通过了平台建设总体方案。",
    "（厦门日报记者 蔡镇金 泉州晚报记者 陈林森）",
    "会议强调，要依法打击侵权假冒行为，维护企业合法权益。",
    "两市将建立知识产权协作机制，如有侵权行为将联合查处。",
    "两地联合打击侵权，群众发现侵权请联系12345热线。",
    # Words spam uses, in a paragraph of policy: no spam.
    "两地将推广“一网通办”经验，为企业提供政策咨询，落实税费优惠政策。",
    "共建农产品批发市场，推广订单农业，落实用地优惠政策。",
    # A list's numbers and a subheading after the list of links.
    "❶加快推进交通互联互通；❷深化产业协作。",
    "2024年3月21日，京津冀协同发展城市联席会议在廊坊市召开。",
    "时间紧、任务重，各方要坚持“一盘棋”。",
    "会议要求，各市要关注群众急难愁盼问题。",
]


@pytest.mark.parametrize("line", JUNK)
def test_chrome_lines_are_junk(line: str) -> None:
    assert is_junk_line(line)


@pytest.mark.parametrize("line", TEXT)
def test_article_lines_are_kept(line: str) -> None:
    assert is_junk_line(line) is None


def test_host_name_pasted_into_byline_is_removed() -> None:
    text, edits = strip_host_names("（记者 张三 www.fake-news.com 李四）", paragraph=5)
    assert text == "（记者 张三李四）"
    assert edits[0].kind == "junk-text" and "fake-news" in edits[0].before


def test_long_spam_paragraph_in_traditional_is_removed_with_its_line_number() -> None:
    # Longer than SHORT_LINE, so its spam check runs on the normalized text.
    spam = "本站提供免費下(xià)載服務,詳情請加微信諮詢客服,新用戶註冊即送好禮" * 3
    text = "\n".join(["閩東北協同發展區會議召開", "會議在福州舉行。", spam, "會議強調要加強合作。"])
    article = normalize_article(RawArticle("s.txt", "s", "txt", "utf-8", text, ArticleMeta()))
    assert article.paragraphs == ("会议在福州举行。", "会议强调要加强合作。")
    (junk,) = [e for e in article.edits if e.kind == "junk-line"]
    assert (junk.offset, junk.before, junk.note) == (3, spam, "line 3: spam")
    assert not [e for e in article.edits if e.paragraph == 1 and e.kind == "pinyin"]
    assert (
        normalize_text(text) == "闽东北协同发展区会议召开\n会议在福州举行。\n会议强调要加强合作。"
    )


@pytest.mark.parametrize(
    "chrome",
    [
        "您現在的位置:首頁 > 新聞中心",
        "評論(12)",
        "字號:大 中 小",
        "上一篇:閩東北會議召開",
        "掃一掃(sǎo)在手機打開",
    ],
)
def test_traditional_chrome_is_judged_on_its_normalized_text(chrome: str) -> None:
    text = "\n".join(["閩東北協同發展區會議召開", chrome, "會議在福州舉行。"])
    article = normalize_article(RawArticle("c.txt", "c", "txt", "utf-8", text, ArticleMeta()))
    assert article.paragraphs == ("会议在福州举行。",)
    (junk,) = [e for e in article.edits if e.kind == "junk-line"]
    assert (junk.offset, junk.before, junk.note) == (2, chrome, "line 2: page chrome")
    assert all(e.paragraph in (None, 0) for e in article.edits)


@given(st.text(max_size=60))
def test_latin_bound_never_undercounts(line: str) -> None:
    assert _latin_bound(line) >= len(_LATIN_OR_SYMBOL.findall(line))


# The chrome rules as one pattern, as they were written before the split: every
# alternative tried at every position, those of a line's start anchored there.
_ONE_CHROME_PATTERN = re.compile(
    "|".join([*_CHROME_ANYWHERE, *(rf"^\s*(?:{a})" for a in _CHROME_AT_START_ALTERNATIVES)]),
    re.IGNORECASE,
)
# Lines made of the patterns' own characters, so their words come up often, and of
# characters that only match letters with case ignored (İ ı ſ and the Kelvin sign).
_CHROME_ALPHABET = "".join(
    sorted(
        set("".join([*_CHROME_ANYWHERE, *_CHROME_AT_START_ALTERNATIVES])) - set("\\")
        | set("中文 1İıſ\u212a")
    )
)


def _split_chrome(line: str) -> bool:
    line = line.strip()
    return bool(_CHROME_AT_START.match(line) or _CHROME.search(line))


@given(st.text(alphabet=_CHROME_ALPHABET, max_size=40))
def test_the_split_chrome_patterns_judge_a_line_as_the_one_pattern_does(line: str) -> None:
    assert _split_chrome(line) == bool(_ONE_CHROME_PATTERN.search(line.strip()))


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("本网版权所有，谢谢", True),
        ("闽ICP备05012345号", True),
        ("本站icp证", True),
        ("本站İCP备", True),  # case ignored as re ignores it
        ("copyright 本站", True),
        ("(C) 2021 本站", True),
        ("共有评论(3)条", True),
        ("评论", True),
        ("<BR>", True),
        ("<ſ>", True),
        ("X.JPG", True),
        ("【大】【中】【小】", True),
        ("免责声明：本文仅供参考", True),
        ("会议回顾上一篇报道的内容", False),  # only at a line's start
        ("两市评论员认为合作前景广阔", False),
    ],
)
def test_chrome_rules_found_anywhere_or_at_the_start(line: str, chrome: bool) -> None:
    assert _split_chrome(line) is chrome
    assert bool(_ONE_CHROME_PATTERN.search(line)) is chrome


def _top_level_branches(pattern: str) -> list[str]:
    """``pattern`` cut at each "|" outside groups and character classes."""
    branches, depth, start, escaped, in_class = [], 0, 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    return [*branches, pattern[start:]]


@pytest.mark.parametrize(
    "branch", [b for pattern in _CHROME_ANYWHERE for b in _top_level_branches(pattern)]
)
def test_every_chrome_branch_starts_with_a_gate_character(branch: str) -> None:
    # A branch opening with a group could start with a character the gate lacks.
    assert not branch.startswith("(")
    first = branch.removeprefix("\\")[0]
    assert first.upper() in _CHROME_FIRST


def test_headlines_under_a_related_reading_heading_are_removed() -> None:
    text = "会议召开\n银川将推进合作。\n相关阅读：\n"
    text += "银川：今年将建成5G基站3000个\n2. 中卫将打造算力网络枢纽节点\n一、会议概况\n"
    text += "会后，四市签署了合作协议。\n"
    raw = RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta())
    article = normalize_article(raw)
    assert article.paragraphs == ("银川将推进合作。", "一、会议概况", "会后，四市签署了合作协议。")
    removed = [e.before for e in article.edits if e.kind == "junk-line"]
    # (A numbered headline is a link too; 一、 opens a section of the article.)
    assert removed == [
        "相关阅读：",
        "银川：今年将建成5G基站3000个",
        "2. 中卫将打造算力网络枢纽节点",
    ]


def test_emoji_are_removed_and_recorded() -> None:
    article = normalize_article(
        RawArticle(
            "a.txt", "a", "txt", "utf-8", "会议召开\n📢兰州将加快建设✅试验区。\n", ArticleMeta()
        )
    )
    assert article.paragraphs == ("兰州将加快建设试验区。",)
    assert [(e.kind, e.before) for e in article.edits if e.note == "emoji"] == [
        ("junk-text", "📢"),
        ("junk-text", "✅"),
    ]


def test_a_post_s_list_of_earlier_posts_is_a_list_of_links() -> None:
    text = (
        "会议召开\n汉中将推进合作。\n往期推荐\n▶ 西安至延安高铁最新进展\n▶ 秦岭生态保护新规出台\n"
    )
    raw = RawArticle("a.txt", "a", "txt", "utf-8", text, ArticleMeta())
    assert normalize_article(raw).paragraphs == ("汉中将推进合作。",)
