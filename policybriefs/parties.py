"""Whose a commitment is, and with whom: the city a task names, partners, signed agreements.

A commitment is the city's that speaks, unless the meeting, a provincial leader
or a city's unnamed voice names another city to do it (锦州市要…, 由阜新市负责…,
张家界、怀化两市联合申报…). Its partners are the other cities it names, but not a
place named as a route's end or an area (宝鸡至西安城际铁路, 武汉都市圈). Agreements one
city signs with another (梧州市与肇庆市签署了《…》) are a joint commitment of the first,
and a table of tasks (项目名称｜牵头城市｜完成时限) gives each row to its lead city.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .entities import find_entities
from .gazetteer import Gazetteer
from .models import Attribution, Commitment

# A task the meeting, or a provincial leader, gives a named city: 锦州市要牵头…,
# 由阜新市负责建立….
_ITEM_NUMBER = r"(?:[（(][一二三四五六七八九十\d]{1,2}[）)]|[一二三四五六七八九十][、是])"
_GIVEN_TO = re.compile(rf"^{_ITEM_NUMBER}?由?")
_TASKED = re.compile(
    r"(?:市|州|盟|地区)?(?:、[\u4e00-\u9fff]{2,6}?)*(?:[两三四五六七八九十][市地县州])?(?:还|也)?"
    r"(?:要|将|负责|牵头|应当|必须|承诺|力争|联合|共同)"
)
# A task opening a sentence of the meeting's (（二）由温州市牵头，加快推进…): the
# sentence is the named city's, promised.
TASK_LEAD = re.compile(rf"^{_ITEM_NUMBER}?由[\u4e00-\u9fff]{{2,8}}?(?:牵头|负责)[，,]")


def tasked_city(item: str, gazetteer: Gazetteer) -> str | None:
    """The city ``item`` opens by naming as the one to do it, if any."""
    opened = _GIVEN_TO.match(item)
    at = opened.end() if opened else 0
    found = gazetteer.match_at(item, at)
    if found is None:
        return None
    place, end = found
    if place.level not in ("prefecture", "unit") or not _TASKED.match(item, end):
        return None
    return place.short


# A place that names a route's end or an area (武汉经麻城至六安铁路, 武汉都市圈) is no partner.
_AREA_OR_ROUTE_AFTER = re.compile(r"都市圈|城市圈|城市群|经济圈|经济带|至|经(?!济)|方向")
# (开通至大庆、松原的专列: each place of the list after 至.)
_ROUTE_BEFORE = re.compile(r"[至经](?:[^，。；、至经]{2,8}、)*$")


def _named_in_passing(item: str, start: int, end: int) -> bool:
    return bool(_AREA_OR_ROUTE_AFTER.match(item, end) or _ROUTE_BEFORE.search(item, 0, start))


# 梧州市与肇庆市签署了《…协议》《…》: a clause (after its 签约仪式上，) of the meeting's.
_SIGNED = re.compile(r"(?:与|和|同)(?P<partner>[\u4e00-\u9fff]{2,10}?)(?:共同)?(?:签署|签订)了?《")
_SIGNING_LEAD = re.compile(r"^[^，。；]{0,10}?(?:上|期间|现场)，")


def signed_agreements(
    said: str, run: Attribution, sentence: int, gazetteer: Gazetteer
) -> list[Commitment]:
    """A joint commitment for each clause of ``said`` in which one city signs
    documents with another: the first city's, the other its partner."""
    signed: list[Commitment] = []
    for clause in re.split(r"(?<=[，；])", said):
        text = clean_clause(clause)
        lead = _SIGNING_LEAD.match(text)
        at = lead.end() if lead else 0
        first = gazetteer.match_at(text, at)
        if first is None or first[0].level not in ("prefecture", "unit"):
            continue
        signing = _SIGNED.match(text, first[1] + (text[first[1] : first[1] + 1] == "市"))
        other = gazetteer.match_at(signing.group("partner")) if signing else None
        if other is None or other[0].level not in ("prefecture", "unit"):
            continue
        city, partner = first[0].short, other[0].short
        if city == partner:
            continue
        signed.append(
            Commitment(
                city=city,
                speaker=run.speaker,
                text=text[at:],
                paragraph=run.paragraph,
                sentence=sentence,
                kind="joint",
                partners=(partner,),
                entities=find_entities(text),
            )
        )
    return signed


_CELL = re.compile(r"\s*[｜|]\s*")
_LEAD_COLUMN = re.compile(r"牵头|责任|负责")


def table_tasks(paragraphs: Sequence[str], gazetteer: Gazetteer) -> dict[int, Commitment]:
    """Tasks laid out as a table (项目名称｜牵头城市｜完成时限, then a row per task): each
    row a pledge of the city in its lead column, by paragraph."""
    tasks: dict[int, Commitment] = {}
    lead: int | None = None  # the lead column of the table being read
    width = 0
    for index, paragraph in enumerate(paragraphs):
        cells = _CELL.split(paragraph.strip())
        if len(cells) < 2:
            lead = None
            continue
        heading = [k for k, cell in enumerate(cells) if _LEAD_COLUMN.search(cell)]
        if heading and not any(gazetteer.lookup(cell) for cell in cells):
            lead, width = heading[0], len(cells)
            continue
        if lead is None or len(cells) != width:
            lead = None
            continue
        place = gazetteer.lookup(cells[lead])
        if place is None or place.level not in ("prefecture", "unit"):
            continue
        tasks[index] = Commitment(
            city=place.short,
            speaker=None,
            text=paragraph.strip(),
            paragraph=index,
            sentence=0,
            kind="pledge",
            partners=(),
            entities=find_entities(" ".join(c for k, c in enumerate(cells) if k != lead)),
        )
    return tasks


def partners_of(
    item: str, city: str | None, speaking: Iterable[str], gazetteer: Gazetteer
) -> tuple[str, ...]:
    """The cities ``item`` names besides ``city``, in the order named: prefectures and
    units read in the text, and the cities speaking at the meeting (counties by
    their short names among them)."""
    found_at = [
        (at, place.short)
        for at, end, place in gazetteer.find_all(item)
        if place.level in ("prefecture", "unit") and not _named_in_passing(item, at, end)
    ]
    found_at += [
        (at, c)
        for c in speaking
        if (at := item.find(c)) >= 0 and not _named_in_passing(item, at, at + len(c))
    ]
    return tuple(dict.fromkeys(c for _, c in sorted(found_at) if c != city))


def clean_clause(text: str) -> str:
    """A clause without the spaces around it and the mark that ends it (not 。)."""
    return text.strip().rstrip("；;，,：:")
