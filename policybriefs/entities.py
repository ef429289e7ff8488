"""Concrete anchors inside a commitment: documents, slogans, projects, numbers, deadlines."""

from __future__ import annotations

import functools
import re
from importlib import resources

from .gazetteer import load_gazetteer
from .models import Entity

_DOCUMENT = re.compile(r"《[^》]{2,40}》")
_SLOGAN = re.compile(r"“([^”]{2,30})”")
# Digits, or Chinese numerals big enough to be a real figure (十一个, not 一批).
_NUMBER = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九]?[十百千万亿][一二三四五六七八九十百千万亿]*)"
_QUANTITY = re.compile(
    rf"{_NUMBER}(?:多|余)?"
    r"(?:亿元|万元|元|平方公里|万平方米|平方米|公里|千米|万吨|吨|万标箱|标箱|人次|万人|人|名|"
    r"万亩|亩|%|个百分点|个|项|家|条|所|座|批|台套|台|套|场|列|对|辆|架|户|张|万千瓦|千瓦)"
)
# A year, then the part of it (一季度, 6月, 秋季, 年底), then 前: 明年6月前, 2024年三季度.
_DEADLINE = re.compile(
    r"(?:到|至|在)?(?:20\d\d年|明年|今年|后年)"
    r"(?:[一二三四]季度|上半年|下半年|[春夏秋冬]季|\d{1,2}月(?:底|份)?|年?底|初|内)?(?:前|以前|之前)?|"
    r"年内|年底前|年底|“十[一二三四五六七八九]五”期间|十[一二三四五六七八九]五期间|"
    r"近期|三年内|两年内|[一二三四五]年内|上半年|下半年|本月|月底前"
)
# 港 of 港珠澳, 粤港澳, 港口, 深港 or 广深港高铁 ends no name, nor does 临港 (by a port);
# 上线, 红线, 岸线 and 底线 are no lines; 高铁站 goes on (滁州高铁站综合客运枢纽).
_PROJECT_SUFFIX = (
    r"(?:新?机场|铁路|高铁(?!站)|城际铁路|城际|轨道交通|高速(?:公路)?|大桥|隧道|"
    r"(?<!临)港区?(?![珠澳口深城高])|码头|"
    r"枢纽|产业园|园区|合作区|示范区|试验区|实验区|开发区|新区|集团|平台|基地|中心(?!城市)|工程(?![机师])|走廊|"
    r"通道|(?<![阶手片])段|线路|(?<![上下红岸底沿])线|一卡通|卡(?!通))"
)
# A line and its section are one project: 龙龙铁路龙岩至武平段; a line may hold
# digits (西安地铁14号线).
_PROJECT = re.compile(
    rf"[\u4e00-\u9fff][\u4e00-\u9fff0-9]{{1,17}}?{_PROJECT_SUFFIX}"
    r"(?:[\u4e00-\u9fff]{1,6}至[\u4e00-\u9fff]{1,6}段)?"
)
_PROJECT_BREAK = re.compile(
    r".*(?:推进|建设|打造|加快|推动|完善|落实|组建|发行|共建|建成|启动|实施|开工|谋划|抓好|突出|"
    r"借鉴|建立|依托|发挥|提升|做强|培育|争取|整合|列入|纳入|申报|设立|开通|推出|延伸至|延伸到|"
    r"希望|建议|联合|一体化?|一批|重大|各类|专项|全力服务|对接|衔接|完成|新增|实现|融入|承接|年内|"
    r"全力|确保|支持|引导|布局|守住|开放|开辟|搭建|抢抓|更多|期间|"
    # A deadline, a partner's work, a count (今年年底前滁宁城际铁路, 共享检验检测平台,
    # 不少于10家企业到贵港).
    r"月前|年前|底前|上线|共同|筹建|共享(?!平台|中心)|力争|不少于|到|入驻|打通|开发(?![区集])|"
    # 和 of 呼和浩特 links nothing.
    r"等|(?<!呼)和(?!浩)|与|及|的|了|、|好|将|要|在|把|对|为|向|以|并|个|项|条)"
)


@functools.lru_cache(maxsize=1)
def _generic_words() -> tuple[frozenset[str], int]:
    """The words of data/generic_project_words.txt, and the longest one's length."""
    text = resources.files("policybriefs").joinpath("data", "generic_project_words.txt")
    lines = text.read_text("utf-8").splitlines()
    words = frozenset(w for line in lines if not line.startswith("#") for w in line.split())
    return words, max(map(len, words))


_SUFFIX_ONLY = re.compile(_PROJECT_SUFFIX)


def _generic(name: str) -> bool:
    """Whether ``name`` is only words of a kind and project nouns (快速通道, 示范区重点平台,
    高新区): split into such pieces in some way."""
    words, longest = _generic_words()
    ends = {0}  # where a split into such pieces can have got to
    for at in range(len(name)):
        if at not in ends:
            continue
        for length in range(1, min(max(longest, 6), len(name) - at) + 1):
            piece = name[at : at + length]
            if piece in words or _SUFFIX_ONLY.fullmatch(piece):
                ends.add(at + length)
    return len(name) in ends


# What is left after the cut must name something: not digits and a measure word, nor
# the far end of a route (至梧州港: 肇庆新港至梧州港).
_PROJECT_NAME = re.compile(r"^(?![至经万千百亿级吨])[\u4e00-\u9fff]")


def _is_city(name: str) -> bool:
    """贵港, 防城港: a city whose name ends as a project's does (雄安新区 is both)."""
    place = load_gazetteer().lookup(name)
    return place is not None and place.level in ("province", "prefecture")


# A name goes on past its first project noun to a second one close after it
# (菏泽至济宁城际快速通道, 连淮港航物流走廊, 自由贸易试验区联动创新区).
_CONTINUED = re.compile(rf"[\u4e00-\u9fff]{{0,6}}?{_PROJECT_SUFFIX}")


def _projects(text: str) -> list[str]:
    """Named projects: a run ending in a project noun, cut after the last verb or particle."""
    found: list[str] = []
    for chunk in re.split(r"[，。；、“”《》：（）\s]", text):
        at = 0
        while match := _PROJECT.search(chunk, at):
            end = match.end()
            while (more := _CONTINUED.match(chunk, end)) and not _PROJECT_BREAK.match(more[0]):
                end = more.end()
            at = end
            name = _PROJECT_BREAK.sub("", chunk[match.start() : end], count=1)
            if (
                3 <= len(name) <= 16
                and _PROJECT_NAME.match(name)
                and name not in found
                and not _generic(name)
                and not _is_city(name)
            ):
                found.append(name)
    return found


def find_entities(text: str) -> tuple[Entity, ...]:
    entities: list[Entity] = []
    for match in _DOCUMENT.finditer(text):
        entities.append(Entity("document", match.group(0)))
    for match in _SLOGAN.finditer(text):
        entities.append(Entity("slogan", match.group(0)))
    for match in _QUANTITY.finditer(text):
        entities.append(Entity("quantity", match.group(0)))
    for match in _DEADLINE.finditer(text):
        entities.append(Entity("deadline", match.group(0)))
    for name in _projects(text):
        entities.append(Entity("project", name))
    seen: set[tuple[str, str]] = set()
    unique: list[Entity] = []
    for entity in entities:
        if (entity.kind, entity.text) not in seen:
            seen.add((entity.kind, entity.text))
            unique.append(entity)
    return tuple(unique)
