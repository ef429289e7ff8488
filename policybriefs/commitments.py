"""What each city committed to: clause-level records with a kind and entities.

A statement is cut into sentences (or the part of one a speaker holds), a
sentence into the items of an enumeration (``一是…；二是…``, ``一要…，二要…``)
or of a ；-separated list, and an item again before a comma-joined 将/要 clause
that promises something else (``苏州要主动对接上海，将加快建设苏州南站``). An item is a
commitment when it looks forward: ``将…``/``争取…``/``今后…``, or
``承诺…``/``拟…``/``愿…``/``决定…`` when nothing stronger is said (pledge),
``要…``/``着力…`` (directive), ``坚持…`` (principle), ``建议``/``希望``/``一是…``
(proposal), ``共建…``/``共同…`` (joint). Retrospective sentences (``过去一年…取得``)
are not commitments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .entities import find_entities
from .gazetteer import Gazetteer, load_gazetteer
from .models import Attribution, Commitment
from .parties import (
    TASK_LEAD,
    clean_clause,
    partners_of,
    signed_agreements,
    table_tasks,
    tasked_city,
)
from .segment import SPEECH, split_sentences

_ITEM_SPLIT = re.compile(
    r"(?<=[；;：:])|(?=(?:[一二三四五六七八九十]是|第[一二三四五六七八九十][，、是]))"
    # 一要…，二要…: tasks listed after commas, each its own item.
    r"|(?<=，)(?=[一二三四五六七八九十]要(?!求))"
    # A numbered item after a comma, where a damaged page lost its ；(…工程，2.与海口…).
    r"|(?<=[，,])(?=(?:\d{1,2}[.．、](?!\d)|[（(][一二三四五六七八九十\d]{1,2}[）)]))"
    # A suggestion to others after the speaker's own pledge is an item of its own
    # (渭南将新建厂房，并建议五市联合申报…).
    r"|(?<=，)(?=并?(?:建议|希望|提议|倡议))"
)
# Who speaks, up to what they say: 某某表示， and 某市代表介绍了某市的工作打算：
_LEAD = re.compile(
    r"^(?:[^，。；“”]{1,8}方面，)?"  # 玉溪方面，赵晓东介绍，
    rf"[^，。；“”]{{0,24}}?{SPEECH}(?:道|说|了[^，。；“”：:]{{0,24}})?[，：:]\s*"
)
# A second pledge or task after a comma opens an item of its own (苏州要主动对接上海，
# 将加快建设苏州南站; 三县要…，九江市将给予支持): see _modal_clauses.
_MODAL_CLAUSE = re.compile(
    r"(?<=，)(?=(?:[\u4e00-\u9fff]{1,4}[市县区])?(?:还|并|同时|也)?"
    r"(?:将(?![来近于])|要(?![求素点])|承诺(?![制书])|拟(?!人)|愿意?(?=[与同为在把])"
    # 河池要把品牌做大做强，计划投资12亿元建设…: a plan of its own (not 计划总投资).
    r"|计划(?![总单内生])))"
    # ...and so does one done with a partner (…10万台，并与吴忠共同申报…).
    r"|(?<=，)(?=(?:还|并|同时|也)?[与同][^，。；]{1,12}?(?:共同|联合|携手|共建|一道|一起))"
    # ...and what is next after what was done (…此前已建成…，下一步淮安将…).
    r"|(?<=，)(?=下一步)"
    # ...and a task given to another city (由锦州市牵头…，由阜新市负责…).
    r"|(?<=，)(?=由[\u4e00-\u9fff]{2,8}?(?:牵头|负责))"
)
# Where and when the next meeting is held is no one's commitment.
_NEXT_MEETING = re.compile(
    r"^[^，。]{0,20}(?:会议?|峰会|论坛)(?:将于|将在|由|在)[^，。]{0,24}"
    r"(?:举行|召开|举办|承办)。?$"
)
_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十][，、是])")
# The first of these markers in an item decides its kind...
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("principle", re.compile(r"坚持")),
    # 一律不得新建: a prohibition is an instruction too.
    (
        "directive",
        re.compile(r"(?<![重主需只想必纲首仍])要(?![求素点])|着力|必须|务必|应当|不得(?!不)|严禁"),
    ),
    # 共同的 describes (四市共同的金字招牌), it promises nothing.
    # 共同使用 is shared use (供三市企业共同使用), not work done together.
    ("joint", re.compile(r"共建|共同(?!的|使用|享有|享受)|携手|联合|合力")),
    # 争取 is a pledge, not 争取到 or 已争取 (funds won); 今后, not 为今后 (for the future).
    (
        "pledge",
        re.compile(
            r"(?<![即必])将(?!来|近|军|领|士)|下一步|力争|(?<!已)争取(?!到)|(?<![为对])今后"
            # A task given out: 衢州市负责牵头编制…, 由上饶市牵头建立….
            r"|负责(?![人同任])|牵头(?![单城])"
            # Promised in so many words, wherever it stands (朝阳方面承诺…共同使用).
            r"|(?<!告知)承诺(?![制书])"
        ),
    ),
)
# ...but working with a named partner makes it joint wherever it stands,
_WITH_PARTNER = re.compile(
    # (同城化, 同步, 同比: no partner.)
    r"(?:与|(?<!共)同(?![城步等比时样]))[^，。；]{1,12}?(?:共同|共建|联合|携手|一道|一起)"
    # 携手巴州建设…: hand in hand with someone (携手并进 names no one).
    r"|携手(?![并共前奋同合])"
    r"|(?:[两三四五六七八九十]|各)(?:市|地|方|城|区)[^，。；]{0,6}?(?:共同(?!的|使用|享有|享受)|共建|联合|携手)"
    # 联合梧州共同申报: the partner named after 联合.
    r"|(?:联合|携手)[\u4e00-\u9fff]{2,8}?(?:共同|一道|一起)"
)
# Promised in so many words, or planned, decided, offered (吴忠拟于明年设立…, 固原决定
# 设立…, 愿与银川分享…) is a pledge when no marker above says more (拟联合三市: joint);
# not 告知承诺制, 模拟, 意愿, 愿景, 决定性.
_STATED_INTENT = re.compile(
    r"(?<!告知)承诺(?![制书])|表态(?!发言)|(?<![模虚草比])拟(?!人)"
    r"|(?<![意心志])愿(?![景望])|(?<!起)决定(?!性|作用|因素|了)"
)
# and verbs of doing only make a pledge when nothing stronger is there.
_WEAK_PLEDGE = re.compile(
    r"^[^，。]{0,4}?(?:推动|推进|加快|确保|计划|(?<!已)争取(?!到)|实施|打造|建设)"
)
# A deadline set for something to be done is a pledge (年底前实现“跨市通办”).
_DATED_PLEDGE = re.compile(
    r"(?:年底前|年内|月底前|(?:19|20)\d\d年(?:底前?|内|前)|明年|后年)[^，。；]{0,6}?"
    r"(?:实现|完成|建成|开通|投用|投产|开工|落地|上线)"
)
_UNDER_WAY = re.compile(r"正在|已经|已")
_DONE = re.compile(r"已|去|此前")  # just before the deadline: 已于2023年底前建成, 去年底前
_BACKWARD = re.compile(
    r"^(?:过去|近年来|去年|此前|截至|以往|这既是|这得益于|这是)|取得了?(?!新)[^，。]{0,8}成效|得益于"
    # A subject, then when it was done: 淮安此前已与宿迁合作建成….
    r"|^[^，。；]{1,6}?(?:此前|去年|过去|前期)已"
)
_FORWARD = re.compile(
    r"将|要|坚持|建议|共建|共同(?![\u4e00-\u9fff]{1,3}了)|下一步|力争|着力|必须|务必|应当|确保"
)
# How a meeting resolves: 会议强调, 与会城市代表一致认为, 与会各方表示.
_RESOLVES = (
    r"(?:(?:会议|会上|与会各方|各方)(?:强调|要求|明确|提出|决定|议定|同意|商定|部署|建议|倡议|呼吁)"
    r"|与会[^，。：]{0,6}?(?:一致)?(?:认为|表示|同意)|(?:会议|各方)一致认为"
    # 四市一致同意, 两市还商定: the cities together.
    r"|(?:[两三四五六七八九十]|各)(?:市|地|方|县|市州|城)(?:还|也)?(?:一致)?(?:同意|商定|议定|约定|决定))"
)
_RESOLUTION_LEAD = re.compile(rf"^(?:[^，。]{{0,6}}，)?{_RESOLVES}[，：:]?")
_MIN_CHARS = 8
_SUGGEST = re.compile(r"建议|提议|倡议|呼吁")
# An item that asks the others for something (希望四市联合申报…) proposes it.
_ASKS = re.compile(r"^(?:[^，。]{0,4}?还?)?并?(?:建议|希望|提议|倡议|呼吁)")
# The meeting commits as a whole only through its resolutions.
_RESOLUTION = re.compile(rf"^(?:[^，。]{{0,6}}，)?{_RESOLVES}")


_ENUMERATED_TASK = re.compile(
    r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十][，、是])由?[\u4e00-\u9fff]{2,6}?"
    r"(?:市|州|盟|地区)(?:还|也)?(?:要|将|负责|牵头)"
)
_LIST_HEADER = re.compile(r"(?:以下|如下)[^，。；]{0,8}$")
# A lead that promises what follows it, and the words of an item that reports, not promises.
_PROMISE_LEAD = re.compile(r"(?:承诺|表态|保证)[：:，,]\s*$")
_REPORTED = re.compile(r"了|正在|已|去年|过去")
# A count reached, with nothing forward-looking: an achievement (签约项目已达63个).
_REACHED = re.compile(r"已(?:达|经达到|超过|突破|累计|完成|建成|开通|签约|实现)")


# A principle named as one (应当坚持生态优先、绿色发展的原则), or one a city will hold
# to (深圳将坚持“飞地经济”与“反向飞地”双向发力; 要坚持 stays a directive).
_NAMED_PRINCIPLE = re.compile(
    r"坚持[^，。；]{2,30}(?:的?原则|的理念)|^[^，。；]{0,12}?将(?:始终|继续)?坚持"
)


# (Not after 要: 四市要坚持…，共同推进… is one directive throughout.)
_PRINCIPLE_HEAD = re.compile(
    r"^(?:[^，。；]{1,6}，)?[^，。；要]{0,12}?坚持[^，。；]{2,20}?(?:的?(?:理念|原则|方针|思路))?，"
)


def classify(item: str, proposed: bool) -> str | None:
    """The kind of commitment ``item`` states, or None when it states none."""
    if _BACKWARD.search(item) and "将" not in item:
        return None
    if _NEXT_MEETING.match(item):
        return None
    # Past aspect with nothing forward-looking: a report of what was done.
    if ("了" in item or _REACHED.search(item)) and not _FORWARD.search(item):
        return None
    if proposed or _ASKS.match(item):
        return "proposal"
    # An item of an enumeration proposes, unless it gives a named city its task
    # (三是淮北市要加快推进…, 一是由阜阳市牵头…).
    if _ENUMERATED.match(item) and not _ENUMERATED_TASK.match(item):
        return "proposal"
    if item.startswith("坚持") or _NAMED_PRINCIPLE.search(item):
        return "principle"
    if _WITH_PARTNER.search(item):
        return "joint"
    first: tuple[int, str] | None = None
    for kind, pattern in _MARKERS:
        match = pattern.search(item)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), kind)
    if first is not None:
        return first[1]
    if _STATED_INTENT.search(item):
        return "pledge"
    deadline = _DATED_PLEDGE.search(item)
    dated = deadline and not _DONE.search(item, max(0, deadline.start() - 4), deadline.start())
    # 正在加快建设…, 已达到…: what is under way is reported, not promised.
    weak = _WEAK_PLEDGE.search(item) and not _UNDER_WAY.search(item)
    return "pledge" if weak or dated else None


def split_items(sentence: str) -> list[tuple[int, str]]:
    """(offset, text) of each enumerated or ；-separated item of a sentence."""
    items: list[tuple[int, str]] = []
    start = 0
    for match in _ITEM_SPLIT.finditer(sentence):
        if match.start() > start:
            items.append((start, sentence[start : match.start()]))
            start = match.start()
    items.append((start, sentence[start:]))
    return [(o, t) for o, t in items if t.strip()]


def _modal_clauses(item: str, proposed: bool) -> list[str]:
    """``item`` cut before each comma-joined 将/要 clause that opens a commitment of
    its own, where the part before it states one too, by a marker of its own (not
    an adverbial such as 在推进…过程中), and both are long enough to stand alone
    (a 力争 clause stays: it is the deadline of what comes before)."""
    parts: list[str] = []
    start = 0
    cuts = [match.start() for match in _MODAL_CLAUSE.finditer(item)]
    # A principle held to in a few words, then what will be done (中卫将坚持生态优先，
    # 着手建设…): cut when what follows promises something on its own.
    if (held := _PRINCIPLE_HEAD.match(item)) and classify(
        clean_clause(item[held.end() :]), proposed
    ):
        cuts = sorted({held.end(), *cuts})
    for cut in cuts:
        head, tail = clean_clause(item[start:cut]), clean_clause(item[cut:])
        # (After a cut, the head opens with its own marker, or follows a principle.)
        marked = start or _STATED_INTENT.search(head) or any(p.search(head) for _, p in _MARKERS)
        if min(len(head), len(tail)) >= _MIN_CHARS and marked and classify(head, proposed):
            parts.append(head)
            start = cut
        elif _BACKWARD.search(head) and "将" not in head and classify(tail, proposed):
            start = cut  # what was done before what will be: a report, not a promise
    parts.append(item[start:])
    return parts


def extract_commitments(
    paragraphs: Sequence[str],
    runs: Sequence[Attribution],
    gazetteer: Gazetteer | None = None,
) -> tuple[Commitment, ...]:
    gazetteer = gazetteer or load_gazetteer()
    found: list[Commitment] = []
    # A county is a partner by its short name (平江将与通城、修水共同推进) when it
    # speaks at the meeting too; elsewhere a short county name is too often a word
    # (和平 in 福州和平潭), so it is looked for apart from the places read in the text.
    speaking = sorted({run.city for run in runs if run.city})
    tabled = table_tasks(paragraphs, gazetteer)
    for run in runs:
        if run.paragraph in tabled:
            if run.start == 0:
                found.append(tabled[run.paragraph])
            continue
        text = paragraphs[run.paragraph]
        proposed = False
        for number, (s_start, s_end) in enumerate(split_sentences(text)):
            if s_end <= run.start or s_start >= run.end:
                continue
            # A run may hold part of a sentence only (李晓光表示，…；汪海涛提出，…).
            said = text[max(s_start, run.start) : min(s_end, run.end)]
            # The meeting commits through its resolutions, and through a
            # provincial official speaking for it.
            task = TASK_LEAD.match(said) if run.city is None else None
            if run.city is None:
                # Agreements two cities sign are what they promise each other.
                found += signed_agreements(said, run, number, gazetteer)
            if run.city is None and not (run.speaker or _RESOLUTION.match(said) or task):
                continue
            tasked = tasked_city(task.group(0), gazetteer) if task else None
            # Who speaks (both patterns are anchored: each match is cut from the front).
            lead = _LEAD.match(said)
            unled = said[lead.end() :] if lead else said
            resolved = _RESOLUTION_LEAD.match(unled)
            sentence = unled[resolved.end() :] if resolved else unled
            suggests = bool(lead and _SUGGEST.search(lead.group(0))) or bool(
                resolved and _SUGGEST.search(resolved.group(0))
            )
            proposed = suggests or (proposed and bool(_ENUMERATED.match(sentence)))
            # Each clause, and whether it opens a list (ends with a colon).
            items: list[tuple[str, bool]] = []
            for _, item in split_items(sentence):
                clauses = _modal_clauses(clean_clause(item), proposed)
                opens = item.rstrip().endswith(("：", ":"))
                items += [(c, opens and i == len(clauses) - 1) for i, c in enumerate(clauses)]
            # A list that a promise opens (海口承诺：（一）…；（二）…, 湛江将…：（一）…)
            # is promised item by item, marked or not.
            promised = bool(lead and _PROMISE_LEAD.search(lead.group(0))) or bool(tasked)
            for raw, opens_list in items:
                item = clean_clause(raw)
                kind = classify(item, proposed) if len(item) >= _MIN_CHARS else None
                if kind is None and promised and not _REPORTED.search(item):
                    kind = "pledge"
                if opens_list:
                    promised = kind == "pledge" or (promised and kind is None)
                    if _LIST_HEADER.search(item):
                        continue  # 四市将重点抓好以下工作：: what follows is promised

                if kind is None or len(item) < _MIN_CHARS:
                    continue
                # A task of the meeting's, or one a city's unnamed voice names
                # another city for (…；张家界、怀化两市联合申报…), is the named city's.
                named = tasked_city(item, gazetteer) if not run.speaker or not run.city else None
                city = named or tasked or run.city
                partners = partners_of(item, city, speaking, gazetteer)
                found.append(
                    Commitment(
                        city=city,
                        speaker=run.speaker,
                        text=item,
                        paragraph=run.paragraph,
                        sentence=number,
                        kind=kind,
                        partners=partners,
                        entities=find_entities(item),
                    )
                )
    return tuple(found)
