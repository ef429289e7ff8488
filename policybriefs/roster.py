"""Who attended for which place: officials read from the article's own text.

A mention is a chain of titles joined by 、 and followed by a name:
``省委副书记、厦门市委书记胡昌升``. Each title may carry a place in front
(a city, a county, a zone or a unit from the gazetteer); a title without one
inherits the place of the title or the official just before it
(``漳州市委书记邵玉龙、市长刘远``: 刘远 is 漳州's mayor). Reporters, and
leaders only mentioned (``习近平总书记``), are not matched: their roles are
not office titles followed by a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import Gazetteer, Place, load_gazetteer
from .models import NormalizedArticle, Official
from .names import BARE_POST, TITLE, is_cjk, parse_name, surname_of, surnames
from .script import surname_length, traditional_name

# Roles whose place comes from the official before them when none is written.
_CITY_LEVEL = re.compile(
    r"^(?:市|区|县|州|旗|盟|常务副市|副市|副区|副县|副盟|代市|代区|代县|代州|行署|地委)"
)
_ZONE_OF_PLACE = re.compile(r"(.{2,6}?)(?:示范区|高新区|经开区|开发区|新区|产业集聚区)")
_BEFORE_A_MENTION = frozenset("、，,。；：:“（( \n")
_NOT_AFTER = ("总", "副总", "党总")  # 总书记 is a leader mentioned, not a title held here
_SEPARATORS = ("、", "兼")  # 党工委书记兼管委会主任
_LIST_SEPARATORS = ("、", "，", ",", "；", "｜", "|", "／", "/")  # tables: ｜


@dataclass(frozen=True)
class _Title:
    start: int  # where the place prefix (or the title) starts
    end: int
    title: str  # the title as written, place included
    place: Place | None
    zone: str | None
    parent: Place | None = None  # the prefecture written before a county


def _prefecture_of(county: Place, place: Place) -> bool:
    """Whether ``place`` is ``county``'s prefecture, not a municipality (重庆市荣昌区:
    a municipality's districts speak for themselves)."""
    return (
        place.level == "prefecture"
        and place.name != place.province
        and place.adcode[:4] == county.adcode[:4]
    )


def _place_before(
    text: str, start: int, gazetteer: Gazetteer
) -> tuple[int, Place | None, str | None]:
    """A place or zone name that ends right where a title starts."""
    for length in range(min(12, start), 1, -1):
        candidate = text[start - length : start]
        if not is_cjk(candidate):
            continue
        place = gazetteer.lookup(candidate)
        if place is not None:
            return start - length, place, None
        if gazetteer.is_zone(candidate):
            return start - length, None, candidate
        # A zone named for its place (济源示范区党工委书记: 济源's).
        named = _ZONE_OF_PLACE.fullmatch(candidate)
        place = gazetteer.lookup(named.group(1)) if named else None
        if place is not None and place.level != "province":
            return start - length, place, None
    return start, None, None


def find_titles(text: str, gazetteer: Gazetteer) -> list[_Title]:
    titles: list[_Title] = []
    single, _ = surnames()
    for match in TITLE.finditer(text):
        before = text[max(0, match.start() - 2) : match.start()]
        if any(before.endswith(word) for word in _NOT_AFTER):
            continue
        # 乔书记、蓝市长和范卫: a surname and a bare post name someone already met; the
        # post introduces no name after it.
        if (
            before[-1:] in single
            and (len(before) < 2 or before[0] in _BEFORE_A_MENTION)
            and BARE_POST.fullmatch(match.group(0))
        ):
            continue
        start, place, zone = _place_before(text, match.start(), gazetteer)
        if place is not None and place.level == "province" and match.group(0)[0] == "市":
            # 吉林市委书记: the city that shares its province's name.
            city = gazetteer.lookup(place.short + "市")
            if city is not None and city.level == "prefecture":
                place = city
        parent = None
        if place is not None and place.level == "county":
            # 乌兰察布市察哈尔右翼前旗旗长: the county written after its own prefecture.
            above, written, _ = _place_before(text, start, gazetteer)
            if written is not None and _prefecture_of(place, written):
                start, parent = above, written
        titles.append(_Title(start, match.end(), text[start : match.end()], place, zone, parent))
    return titles


def _city_of(place: Place | None) -> str | None:
    if place is None or place.level == "province":
        return None
    return place.short


def _qualified(title: _Title, inherited: Place | None) -> str:
    """The title with the inherited place written in front (市长 → 漳州市长)."""
    if title.place is not None or title.zone is not None or inherited is None:
        return title.title
    if title.title[0] in "市区县州旗盟" or title.title.startswith("行署"):
        return inherited.short + title.title
    return inherited.name + title.title


# Notes bracketed after a post: 挂职, 时任, 列席, 正处级, 女, 回族.
_POST_NOTE = re.compile(r"^(?:挂职|时任|列席|代理|兼任|女|[正副][处厅局部省军科]级|.{1,3}族)$")
_OPEN = "（("
_CLOSE = "）)"
# What may stand before a name that its bracketed title follows: a list's punctuation,
# the start of the text, or the 有 of 出席会议的有.
_BEFORE_BRACKETED_NAME = frozenset("、，,：:；;（(。！？”’」\n 有")


def _bracketed_name(
    text: str, chain_start: int, chain_end: int, title_starts: frozenset[int]
) -> tuple[str, int, int] | None:
    """(name, start, end) of a roster entry whose title chain, ``text[chain_start:
    chain_end]``, is bracketed: after the name (华志远（上海市副市长）), the brackets
    included in the span, or before it (成都市市长（吴宏岩）)."""
    after = text[chain_end : chain_end + 1]
    if after and after in _OPEN:
        name = parse_name(text, chain_end + 1, title_starts)
        close = chain_end + 1 + len(name or "")
        closed = text[close : close + 1] in tuple(_CLOSE)
        single, _ = surnames()
        if name and closed and _POST_NOTE.match(name):
            # 副市长（挂职）李明: a note on the post, and the name after it.
            after_note = parse_name(text, close + 1, title_starts)
            if after_note:
                return after_note, chain_start, close + 1 + len(after_note)
        elif name and closed and (name[0] in single or "·" in name):
            return name, chain_start, close + 1
    opened = chain_start - 1
    if opened < 1 or text[opened] not in _OPEN or not text[chain_end : chain_end + 1]:
        return None
    if text[chain_end] not in _CLOSE:
        return None
    single, compound = surnames()
    for length in (3, 2, 4):
        start = opened - length
        candidate = text[start:opened]
        if start < 0 or not is_cjk(candidate):
            continue
        known = candidate[:2] in compound if length == 4 else candidate[0] in single
        before = text[start - 1] if start > 0 else "\n"
        if known and before in _BEFORE_BRACKETED_NAME and not TITLE.search(candidate):
            return candidate, start, chain_end + 1
    return None


@dataclass(frozen=True)
class Mention:
    """One official named in the text, with the titles written around the name."""

    name: str
    city: str | None
    place: Place | None
    titles: tuple[str, ...]
    start: int
    end: int
    parent_city: str | None = None  # the prefecture its county was written in


def find_mentions(text: str, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Every title chain followed by a name in ``text`` (one paragraph)."""
    gazetteer = gazetteer or load_gazetteer()
    titles = find_titles(text, gazetteer)
    starts = frozenset(t.start for t in titles)
    mentions: list[Mention] = []
    chain: list[_Title] = []
    previous: Mention | None = None
    for index, title in enumerate(titles):
        chain.append(title)
        following = titles[index + 1] if index + 1 < len(titles) else None
        if following is not None and text[title.end : following.start] in _SEPARATORS:
            continue
        # A roster laid out as a table may put a space before the name.
        gap = 1 if text[title.end : title.end + 1] in (" ", "\u3000") else 0
        name = parse_name(text, title.end + gap, starts)
        start, end = chain[0].start, title.end + gap + len(name or "")
        if name is None:
            # A roster may put the title in brackets, after the name (张三（某市市长）)
            # or before it (某市市长（张三）).
            bracketed = _bracketed_name(text, chain[0].start, title.end, starts)
            if bracketed is None:
                chain = []
                continue
            name, start, end = bracketed
        # A chain that opens without a place continues the official just listed.
        adjacent = previous is not None and text[previous.end : chain[0].start] in _LIST_SEPARATORS
        current: Place | None = previous.place if adjacent and previous else None
        written: list[str] = []
        city_place: Place | None = None
        parent = next((item.parent for item in chain if item.parent is not None), None)
        for item in chain:
            if item.place is not None:
                current = item.place
                holder: Place | None = item.place
                written.append(item.title)
            elif item.zone is None and _CITY_LEVEL.match(item.title):
                holder = current
                written.append(_qualified(item, current))
            else:  # a provincial post, or an office of a zone
                holder = None
                written.append(item.title)
            if city_place is None and _city_of(holder) is not None:
                city_place = holder
        mention = Mention(
            name=name,
            city=_city_of(city_place),
            place=city_place,
            parent_city=_city_of(parent),
            titles=tuple(written),
            start=start,
            end=end,
        )
        mentions.append(mention)
        previous = mention
        chain = []
    return mentions


def _hant_name(article: NormalizedArticle, name: str, variant: str) -> str:
    """The name as the Traditional source wrote it, else built character by character.

    The surname is always the table's: a farm's converter writes the surnames 余,
    于 and 范 as 餘, 於 and 範, which no person is called; a given name's character
    is taken from the source where the source wrote it otherwise than the
    Simplified text (a person's own form, 昇 for 升), and is built where the source
    is Simplified itself."""
    built = traditional_name(name, variant)
    surname = surname_length(name) or len(surname_of(name))
    for simplified, source in zip(article.paragraphs, article.source_paragraphs, strict=False):
        at = simplified.find(name)
        if at >= 0 and len(simplified) == len(source):
            candidate = source[at : at + len(name)]
            if candidate != name:
                given = zip(candidate[surname:], name[surname:], built[surname:], strict=True)
                return built[:surname] + "".join(s if s != n else b for s, n, b in given)
    return built


def _covers(full: str, bare: str) -> bool:
    """Whether ``full`` is ``bare`` with its place in front (宝鸡市副市长, 副市长), not
    another rank of it (副市长 is not 市长)."""
    return full != bare and full.endswith(bare) and not full[: -len(bare)].endswith(("副", "常务"))


def _add_title(titles: list[str], title: str) -> None:
    """``title`` among ``titles``, unless one says it with its place already; a title
    with its place takes the place of the bare one."""
    # 柳州市市长 is 柳州市长 written in full.
    same = {t.replace("市市长", "市长") for t in titles}
    if title in titles or title.replace("市市长", "市长") in same:
        return
    if any(_covers(t, title) for t in titles):
        return
    bare = [i for i, t in enumerate(titles) if _covers(title, t)]
    if bare:
        titles[bare[0]] = title
        for i in reversed(bare[1:]):
            del titles[i]
        return
    titles.append(title)


_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})


def _delegations(
    merged: dict[str, tuple[str | None, list[str]]],
    parents: dict[str, str],
    gazetteer: Gazetteer,
) -> dict[str, str]:
    """The county officials who are of a prefecture's delegation, with its city.

    A county's official belongs to the prefecture the county lies in when that
    prefecture has officials at the meeting too (乌兰察布市察哈尔右翼前旗旗长 beside
    乌兰察布's mayor, 江华瑶族自治县县委书记 beside 永州's): unless counties are as
    many as the prefectures there, a meeting of counties (萍株醴's six places: 醴陵,
    攸县, 上栗 and 芦溪 beside 萍乡 and 株洲). A municipality's districts (重庆市荣昌区)
    always speak for themselves."""
    places = {city: gazetteer.lookup(city) for city, _ in merged.values() if city}
    prefectures = {
        place.adcode[:4]: city
        for city, place in places.items()
        if place is not None and place.level == "prefecture"
    }
    counties = {
        city: place
        for city, place in places.items()
        if place is not None and place.level == "county" and place.province not in _MUNICIPALITIES
    }
    if not counties or len(counties) >= len(prefectures):
        return {}
    found: dict[str, str] = {}
    for name, (city, _) in merged.items():
        county = counties.get(city or "")
        if county is None:
            continue
        prefecture = parents.get(name) or prefectures.get(county.adcode[:4])
        if prefecture is not None and prefecture in prefectures.values():
            found[name] = prefecture
    return found


def extract_roster(
    article: NormalizedArticle, variant: str = "s2tw", gazetteer: Gazetteer | None = None
) -> tuple[Official, ...]:
    """The officials of one article, in order of first mention, each with every title seen."""
    gazetteer = gazetteer or load_gazetteer()
    order: list[str] = []
    merged: dict[str, tuple[str | None, list[str]]] = {}
    parents: dict[str, str] = {}  # a county official's prefecture, where written
    for paragraph in article.paragraphs:
        for mention in find_mentions(paragraph, gazetteer):
            if mention.parent_city and mention.name not in parents:
                parents[mention.name] = mention.parent_city
            if mention.name not in merged:
                order.append(mention.name)
                merged[mention.name] = (mention.city, list(mention.titles))
                continue
            city, titles = merged[mention.name]
            for title in mention.titles:
                _add_title(titles, title)
            merged[mention.name] = (city or mention.city, titles)
    for name, city in _delegations(merged, parents, gazetteer).items():
        merged[name] = (city, merged[name][1])
    return tuple(
        Official(
            name=name,
            city=merged[name][0],
            titles=tuple(merged[name][1]),
            name_hant=_hant_name(article, name, variant),
        )
        for name in order
    )
