"""Which city each clause speaks for.

Sentences are cut again after ；and ：, where speakers take turns
(``李晓光表示，…；汪海涛提出，…``). A clause whose subject is an official
followed by a verb of speech (``康涛表示``) opens that official's statement;
``他``/``她`` continue the current speaker; a paragraph without a speaker
continues the previous statement when it opens like one (``坚持…``, ``一是…``)
and otherwise belongs to the meeting. A speaker talking about another city is
still attributed to the speaker's own city. A city may speak without a name
(``内江市代表介绍``, ``南京方面表示``), and outside an official's statement a city
that is the subject of a promise speaks for itself (``各方明确了分工：宁德将…；
南平将…``). A quotation or a label opening a paragraph (``贵阳：袁建华说``) is
the words of the speaker named right after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .gazetteer import Gazetteer, Place, load_gazetteer
from .models import Attribution, Official, Section
from .names import surname_of

SPEECH = (
    r"(?:表示|强调|指出|说|认为|建议|要求|提出|补充说|补充道|补充|谈到|提到|希望|表态|坦言|介绍|称|感慨|"
    r"透露|呼吁|倡议|提议|承诺|发言|讲话时说|致辞时说|告诉记者|对记者说|向记者介绍|"
    # 杜文斌回忆, 沈一鸣当场回应, 在蒋文涛看来 (not 汇报: 协同办主任黄强汇报了 the zone's work).
    r"回忆|回应|直言|看来|明确|"
    # 代表东道主致辞: a city's welcome (not 主持会议并致辞, the chair's).
    r"代表[^，。；]{1,8}致辞)"
)
# Between the subject and the verb: adverbs and short adverbials, never another clause.
_GAP = r"[^，。；！？“”]{0,14}?"
_OPENING_GAP = r"[^。；！？“”]{0,40}?"
_JOINT = re.compile(r"^(?:[与和及]|同(?!时)|以及)")  # 黄子航同时强调: no partner
_SENTENCE_END = re.compile(
    r"[。！？!?](?:[”’」）)])*|[；;](?=\s*(?:[一二三四五六七八九十]是|第[一二三四五六七八九十]))"
)
_PRONOUN = re.compile(rf"^(?:[^，。]{{0,6}}，)?(?:他|她){_GAP}{SPEECH}")
_CONTINUES = re.compile(
    r"^(?:坚持|一是|二是|三是|四是|五是|第[一二三四五六七八九十][，、是]|首先|其次|再次|最后|同时|此外|另外|"
    r"要|将|着力|加快|推动|推进|共同|共建|进一步|具体|下一步|围绕|聚焦|力争|确保|继续|深化|加强|强化|"
    r"积极|主动|全力|大力|努力|扎实|持续|在[^，。]{1,12}(?:方面|上|中))"
)
_MEETING_AGAIN = re.compile(r"^(?:会议|会上)(?!上)")
_MEETING = re.compile(
    r"^(?:会议|会上|会前|会后|大家|与会|现场|据悉|据了解|记者|本次|此次|当天|当日|昨日|昨天|今天|日前|近日|去年|今年以来)"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a ； before an enumerated item (二是…) also ends one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


# A city speaking through an unnamed voice: its delegate, its side, its government.
# The verb follows closely: 成都将积极响应并提出方案, said in another city's
# statement, is that statement's, not 成都 speaking.
_CITY_VOICE = re.compile(
    r"的?(?:(?:市|县|区|州)?(?:委|政府|党委))?"
    r"(?:代表团?|方面|政府|党委|有关负责人|相关负责人|主要负责人|主要负责同志|负责同志|负责人)?"
    rf"(?:在[^，。；]{{0,4}}?(?:会上|会议上|发言中|讲话中|致辞中))?(?:也|还|则|随后|首先|分别)?{SPEECH}"
    # 宁德提出的“链主”模式, 成都称得上: the verb modifies, no one speaks.
    r"(?![的得])"
)
# Lead-ins before the subject of a sentence (会上，南京市代表介绍).
_LEAD_IN = re.compile(
    r"(?:会上|随后|接着|最后|此外|同时|发言中|下一步|据介绍|据了解|据悉)[，,]?"
    # 一是由阜阳市牵头…, 二是宿州市负责…: an item of the tasks given out.
    r"|[一二三四五六七八九十]是由?|由(?=[\u4e00-\u9fff]{2,6}?(?:市|州|盟|地区)?(?:牵头|负责))"
)


@dataclass(frozen=True)
class _Voice:
    """Who a sentence speaks for: a city (None: the meeting), and the official
    speaking, if one is named."""

    city: str | None
    speaker: str | None


def _voice_of(official: Official | None) -> _Voice | None:
    return _Voice(official.city, official.name) if official else None


def find_city_voice(sentence: str, gazetteer: Gazetteer) -> str | None:
    """The city (or county) opening ``sentence`` as its speaking subject, with no
    official named (内江市代表介绍, 南京方面表示, 修水县在发言中表示), if one is."""
    found = _place_opening(sentence, gazetteer)
    if found is None:
        return None
    place, end = found
    if place.level == "province" or not _CITY_VOICE.match(sentence, end):
        return None
    return place.short


def _place_opening(
    clause: str, gazetteer: Gazetteer, *, counties_by_short: bool = False
) -> tuple[Place, int] | None:
    """The place ``clause`` opens with, after a lead-in (会上，), and where it ends."""
    lead_in = _LEAD_IN.match(clause)
    start = lead_in.end() if lead_in else 0
    return gazetteer.match_at(clause, start, counties_by_short=counties_by_short)


# The posts a later mention names an official by, after the surname (孙书记, 朴州长).
_POST = re.compile(r"(副?(?:书记|市长|州长|县长|区长|省长|主席|主任|专员))$")


def short_names(officials: Sequence[Official]) -> list[tuple[str, Official]]:
    """(name, official) for each full name, and for each surname-and-post a later
    mention may use instead (孙书记, 李市长), where it fits only one official."""
    found: dict[str, list[Official]] = {}
    for official in officials:
        surname = surname_of(official.name)
        for title in official.titles:
            post = _POST.search(title)
            if post and len(official.name) > len(surname):
                found.setdefault(surname + post.group(1), []).append(official)
    named = [(o.name, o) for o in officials]
    named += [(alias, os[0]) for alias, os in sorted(found.items()) if len(set(os)) == 1]
    return sorted(named, key=lambda pair: -len(pair[0]))


def find_speaker(
    sentence: str, officials: Sequence[Official] | Sequence[tuple[str, Official]]
) -> Official | None:
    """The official who is the speaking subject of ``sentence``, if one is.
    ``officials`` may give each with the name to look for (``short_names``)."""
    best: tuple[int, Official] | None = None
    for entry in officials:
        name, official = entry if isinstance(entry, tuple) else (entry.name, entry)
        at = sentence.find(name)
        if at < 0 or at > 30:
            continue
        rest = sentence[at + len(name) :]
        if _JOINT.match(rest):
            continue
        # The subject opening a sentence may be followed by a long adverbial
        # (代表…向…表示); anywhere else the verb must follow closely.
        gap = _OPENING_GAP if at <= 3 else _GAP
        if re.match(rf"{gap}{SPEECH}", rest) and (best is None or at < best[0]):
            best = (at, official)
    return best[1] if best else None


def attribute(
    paragraphs: Sequence[str],
    officials: Sequence[Official],
    gazetteer: Gazetteer | None = None,
) -> list[Attribution]:
    """One Attribution per run of sentences that speak for the same city."""
    gazetteer = gazetteer or load_gazetteer()
    by_length = short_names(officials)
    speaking = frozenset(o.city for o in officials if o.city)
    runs: list[Attribution] = []
    current: _Voice | None = None  # the statement that is open
    interviewed: _Voice | None = None  # the last official named speaking: who answers
    for index, text in enumerate(paragraphs):
        spans = split_clauses(text)
        first = text[spans[0][0] : spans[0][1]] if spans else ""
        continues = bool(_CONTINUES.match(first)) and not _MEETING.match(first)
        clause_owner: list[_Voice | None] = []
        named: list[bool] = []  # whether the clause names who speaks
        mentioned: Official | None = None  # named first in the latest clause naming one
        number = 0
        while number < len(spans):
            start, end = spans[number]
            clause = text[start:end]
            speaker = _voice_of(find_speaker(clause, by_length))
            if speaker is None:
                city = find_city_voice(clause, gazetteer)
                speaker = _Voice(city, None) if city else None
            if speaker is None and _COLON_OPENED.match(clause):
                # An official opening a short clause that a colon ends is speaking
                # (孙书记在会上开门见山：…), not one reading out a list (张三宣读了
                # 协议，主要内容如下：…).
                speaker = _voice_of(_first_named(clause[:6], by_length))
            if speaker is not None and speaker.speaker is not None:
                interviewed = speaker
            elif speaker is None and number == 0 and _ANSWER.match(clause):
                speaker = interviewed  # 答：… in an interview: the official asked
            named.append(speaker is not None)
            if speaker is None and _PRONOUN.match(clause):
                # 他/她 is the official the paragraph has just named (陈立新出席会议并
                # 讲话。他指出，…), else the speaker whose statement is open.
                if mentioned is not None and (current is None or current.speaker is None):
                    speaker = _voice_of(mentioned)
                elif current is not None:
                    speaker = current
            mentioned = _first_named(clause, by_length) or mentioned
            # The statement still open: a paragraph that does not read as going on
            # with the last one opens outside it.
            statement = current if number or continues else None
            if speaker is None and (statement is None or statement.speaker is None):
                # Outside an official's statement, a city that is the subject of
                # a promise speaks for itself (各方明确了分工：宁德将…；南平将…),
                # also after a comma (根据会议议定，衢州市负责…，丽水市负责…).
                if len(tasks := _task_cuts(text, start, end, gazetteer, speaking)) > 1:
                    spans[number : number + 1] = tasks
                    start, end = tasks[0]
                    clause = text[start:end]
                city = find_city_subject(clause, gazetteer, speaking)
                speaker = _Voice(city, None) if city else None
            if speaker is not None:
                current = speaker
            elif number and _MEETING_AGAIN.match(clause):
                current = None  # …。会议要求，各市州要…: the meeting's again
            elif number == 0 and not continues:
                # No speaker opens the paragraph and it does not read as the
                # statement going on: it is the meeting's own.
                current = None
            clause_owner.append(current)
            number += 1
        # A quotation opening the paragraph is the words of the speaker named
        # right after it (“株洲愿意当好链主。”曹振华在发言中表示，…), and a label
        # is the heading of what follows it (贵阳：袁建华说，…).
        if len(spans) > 1 and named[1] and _QUOTATION_OR_LABEL.match(text, 0, spans[0][1]):
            clause_owner[0] = clause_owner[1]
        # So is a short sentence about the city whose official speaks next (常州的诉求
        # 更为直接。常州市长钱玉清坦言，…).
        elif len(spans) > 1 and named[1] and not named[0] and clause_owner[1] is not None:
            city = clause_owner[1].city
            opening = text[spans[0][0] : spans[0][1]]
            if city and len(opening) <= _SHORT_LEAD and opening.startswith(city):
                clause_owner[0] = clause_owner[1]
        _merge_runs(runs, index, spans, clause_owner)
    return runs


_QUOTATION_OR_LABEL = re.compile(
    r"\s*(?:“[^“”]+”|(?:[（(][一二三四五六七八九十\d]{1,2}[）)]|[一二三四五六七八九十]、)?"
    r"[\u4e00-\u9fff]{2,8}[：:])\s*$"
)


_ANSWER = re.compile(r"^\s*答[：:]")
_SHORT_LEAD = 20

_COLON_OPENED = re.compile(r"^(?:会上，)?[^，。；]{2,20}[：:]\s*$")


def _first_named(clause: str, named: Sequence[tuple[str, Official]]) -> Official | None:
    """The official ``clause`` names first, by full name or surname and post."""
    found = [(at, o) for name, o in named if (at := clause.find(name)) >= 0]
    return min(found, key=lambda pair: pair[0])[1] if found else None


_CLAUSE_END = re.compile(r"[；;：]|(?<!\d):(?!\d)")  # not 9:30


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Sentence spans cut again after each ；and ：, where a statement may pass to
    another speaker (李晓光表示，…；汪海涛提出，…) or to a list of cities' tasks."""
    clauses: list[tuple[int, int]] = []
    for start, end in split_sentences(text):
        for match in _CLAUSE_END.finditer(text, start, end):
            if match.end() < end and text[start : match.end()].strip():
                clauses.append((start, match.end()))
                start = match.end()
        clauses.append((start, end))
    return clauses


# A city as the subject of what it will do: 宁德将…, 平潭还将…, 莆田要着力….
_SUBJECT_VERB = re.compile(
    r"(?:市|县|区|州)?(?:还|也|则|亦)?"
    r"(?:将(?![来近军])|要(?![素求点])|计划|拟|力争|愿意|愿|负责(?![人同任])|牵头(?![单城])|承担)"
)


def _task_cuts(
    text: str, start: int, end: int, gazetteer: Gazetteer, speaking: frozenset[str]
) -> list[tuple[int, int]]:
    """The clause ``text[start:end]`` cut before each comma-led city that is the
    subject of its task (…，衢州市负责牵头编制…，丽水市负责…)."""
    cuts = [start]
    if _LOOKING_BACK.match(text, start):  # 近年来，宁德将旅游作为…: 将 is 把, not "will"
        return [(start, end)]
    for comma in _COMMA.finditer(text, start, end):
        if _REPORTED_LEAD.fullmatch(text, cuts[-1], comma.end()):
            continue  # 据介绍，梅州拟…: the lead-in goes with what it reports
        if comma.end() < end and find_city_subject(text[comma.end() : end], gazetteer, speaking):
            cuts.append(comma.end())
    return list(zip(cuts, [*cuts[1:], end], strict=True))


_COMMA = re.compile("[，,]")
_REPORTED_LEAD = re.compile(r"(?:据介绍|据了解|据悉|另据介绍|此外|另外|同时|对此)[，,]")
_LOOKING_BACK = re.compile(r"近年来|近年|过去|去年|此前|以往|截至|今年以来|多年来|长期以来")


def find_city_subject(clause: str, gazetteer: Gazetteer, speaking: frozenset[str]) -> str | None:
    """The city (or a county that has officials at the meeting) opening ``clause``
    as the subject of a promise, if one does."""
    found = _place_opening(clause, gazetteer, counties_by_short=True)
    if found is None:
        return None
    place, end = found
    if place.level == "province" or (place.level == "county" and place.short not in speaking):
        return None
    return place.short if _SUBJECT_VERB.match(clause, end) else None


def _merge_runs(
    runs: list[Attribution],
    paragraph: int,
    spans: Sequence[tuple[int, int]],
    owners: Sequence[_Voice | None],
) -> None:
    for (start, end), owner in zip(spans, owners, strict=True):
        city = owner.city if owner else None
        # A provincial official (no city) speaks for the meeting, still as its speaker.
        speaker = owner.speaker if owner else None
        last = runs[-1] if runs else None
        # A second official of the same city taking over mid-paragraph
        # (副市长于小川补充说) opens a run of their own: what they promise is theirs.
        # An official named after the city's unnamed voice (上饶方面表示，…。代市长黄静
        # 说，…) opens a run of their own too.
        same_voice = last is not None and (speaker is None or last.speaker == speaker)
        if last and last.paragraph == paragraph and last.city == city and same_voice:
            runs[-1] = Attribution(paragraph, last.start, end, city, last.speaker or speaker)
        else:
            runs.append(Attribution(paragraph, start, end, city, speaker))


def build_sections(runs: Sequence[Attribution]) -> tuple[Section, ...]:
    """City sections in order of first statement; the meeting's section first."""
    order: list[str | None] = [None]
    for run in runs:
        if run.city not in order:
            order.append(run.city)
    sections: list[Section] = []
    for city in order:
        parts = tuple(r for r in runs if r.city == city)
        if not parts and city is not None:
            continue
        speakers: list[str] = []
        for part in parts:
            if part.speaker and part.speaker not in speakers:
                speakers.append(part.speaker)
        paragraphs = tuple(dict.fromkeys(p.paragraph for p in parts))
        sections.append(Section(city, tuple(speakers), paragraphs, parts))
    return tuple(sections)
