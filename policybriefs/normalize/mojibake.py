"""Reverse a one-byte GBK misalignment in scraped text, and mark what it lost.

The damage: a farm's Traditional text was encoded as GBK and a span of it was
decoded starting one byte late, the skipped byte showing as ``?``. Each
character of the span then shows the trail byte of one character joined to the
lead byte of the next (``海康養`` = ``ba a3 | bf b5 | f0 42``, read from ``a3``,
gives ``a3 bf | b5 f0 | 42`` = ``？叼B``), and the farm later made full-width
punctuation ASCII (``？`` → ``?``). The decoder falls back into step by itself
at the first byte that cannot lead a pair: a trail byte below 0x80 (read as an
ASCII letter), or one GBK does not map (read as U+FFFD, later ``?``, one byte
consumed).

So a run is ``?`` + the shifted characters + an end: an ASCII letter (the last
character's trail byte), ``?`` (its trail byte lost) or the end of the text.
Re-encoding the run (ASCII punctuation as full-width) and decoding it with one
unknown byte in front gives the original back, except the first character,
of which only the trail byte survives, and after a ``?`` end the last, of
which only the lead byte does. Those are chosen from the words around them
when the surviving byte leaves one choice, and otherwise kept as LOST_MARK.

A run is repaired only when the realigned text is clearly more plausible than
the run as it stands. Plausibility is summed per character: a hanzi whose
Simplified form is among the 3,000 most frequent scores high, another GB2312
level 1 character a little, level 2 nothing, a GBK extension character that
no Simplified form explains below zero, and kana, Greek, Cyrillic, pinyin
letters, box drawing and other symbols far below. Pairs that are listed words
(``data/phrases.txt``) or recur in the article, and a reading annotation that
fits the recovered character, add evidence. Shifting clean text by a byte
produces exactly the junk that scores low, and often pairs GBK cannot map,
which end a candidate: so a question mark before clean text is kept. The bar
is higher after a word that can end a question than mid-clause.

A lone ``?`` or U+FFFD standing for a character the page could not hold
(``王?明``) becomes LOST_MARK; a ``?`` that can end a question (an
interrogative word in its clause, or before a closing quote or the end) is
left for the punctuation pass.

The code table and the weights are in ``gbk_tables``; how a lost character is
chosen from the words around it, in ``lost_characters``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ..models import LOST_MARK, Edit, new_edit
from .gbk_tables import (
    Tables,
    damaged_weight,
    gb2312_level,
    gbk_tables,
    is_ascii_alnum,
    is_hanzi,
    simplify,
    weight,
)
from .lost_characters import (
    TRAILING_ANNOTATION,
    Scope,
    article_without_annotations,
    fill_by_trail,
    infer,
    neighbour_after,
    neighbour_before,
    pair_count,
    paragraph_without_annotations,
    read_as,
    reading_after,
)
from .pinyin import toned_readings

_WORD_BONUS = 0.5  # per pair that is a listed word or recurs in the article
_WORD_BONUS_CAP = 2.0
_READING_BONUS = 2.0  # the reading annotation after the run fits the realigned character
_MID_RUN_QUESTION = 3.0  # a "?" read as ？ inside a run rather than as its end
_ENDS_AT_TEXT_END = 1.0  # a run cut by the end of the text rather than ended by a byte

# Realigned score minus damaged score needed to repair a run giving back two or
# more characters, and one: after a "?" that could end a question, and
# (lenient) where none can. A run giving back none (its junk is only removed)
# needs _MIN_GAIN_NONE, and a lenient place.
_MIN_GAIN = (2.0, 3.0)
_MIN_GAIN_LENIENT = (1.0, 1.5)
_MIN_GAIN_NONE = 1.0
_MIN_MEAN = 0.6  # mean weight of the recovered characters
_MAX_RUN = 80  # damaged characters examined after a "?"
_LOOK_BACK = 64  # characters of repaired text kept for the question test
_CLAUSE_END = frozenset("，。！？；：,.!?;:\n")
# After these a "?" cannot end a question (after 。 or ， it is no question mark).
_NO_QUESTION_AFTER = frozenset("，、；：“‘（《「『【〔,;:。")
_INTERROGATIVE_CHARS = frozenset("吗嗎呢么麼谁誰何哪怎几幾")
_INTERROGATIVE_WORDS = ("是否", "多少")
_QUESTION_WINDOW = 40  # characters looked back for an interrogative word
_STOP_BEFORE = frozenset("!;")  # a run starting ?! or ?; lost a 。 (a1 a3) first
_TRIGGER = re.compile("[?\ufffd]")
_QUESTION_MARKS = re.compile(r"\?+")


# -- finding runs ----------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """One way to read the text after a "?" as a misaligned run."""

    end: int  # index in the text just after the run
    body: str  # the damaged characters realigned (after the "?", before a "?" end)
    recovered: str  # their realigned text, the lost characters left out
    first_trail: int  # the trail byte of the lost first character
    last_lead: int | None  # the lead byte of a lost last character, if there is one
    last_before: str  # what stands for the lost last character: "?", U+FFFD or ""
    gain: float  # realigned score minus damaged score


def _runs(tables: Tables, text: str, start: int) -> list[_Run]:
    """Every way the text after the "?" at ``start`` can be realigned, each with its gain.

    The bytes of the damaged characters are paired up again behind an unknown
    first byte. The path stops where a pair is one GBK does not map (the
    original text cannot have held it); each place where the shifted decoder
    could have fallen back into step gives one reading.
    """
    decode, encode, full_width = tables.decode, tables.encode, tables.full_width
    found: list[_Run] = []
    recovered: list[str] = []
    damaged_score = recovered_score = 0.0
    first_trail = -1
    pending = -1  # the lead byte waiting for its trail, -1 before the first
    n = len(text)
    i = start + 1
    limit = min(n, start + 1 + _MAX_RUN)

    def add(end: int, tail: str, score: float, last_lead: int | None, last_before: str) -> None:
        if recovered or tail or last_lead is not None:
            found.append(
                _Run(
                    end=end,
                    body=text[start + 1 : end - len(last_before)],
                    recovered="".join(recovered) + tail,
                    first_trail=first_trail,
                    last_lead=last_lead,
                    last_before=last_before,
                    gain=recovered_score + score - damaged_score,
                )
            )

    while i < limit:
        d = text[i]
        code: int | None
        if d == "?" or d == "\ufffd":
            if pending >= 0:
                # The shifted decoder failed on the last character's trail byte.
                add(i + 1, "", -damaged_weight(tables, text, i), pending, d)
            if d == "\ufffd":
                break
            code = full_width.get(d)
            if pending >= 0:
                damaged_score += _MID_RUN_QUESTION
        elif d.isascii():
            if 0x40 <= ord(d) <= 0x7E and pending >= 0:
                # A trail byte below 0x80 read on its own: the decoder is back in step.
                ch = decode.get((pending << 8) | ord(d))
                if ch is not None:
                    score = weight(tables, ch) - damaged_weight(tables, text, i)
                    add(i + 1, ch, score, None, "")
            code = full_width.get(d)
        else:
            code = encode.get(d)
        if code is None:
            break
        lead, trail = code >> 8, code & 0xFF
        if pending < 0:
            first_trail = lead
        else:
            ch = decode.get((pending << 8) | lead)
            if ch is None:
                break
            recovered.append(ch)
            recovered_score += weight(tables, ch)
        damaged_score += damaged_weight(tables, text, i)
        i += 1
        if trail < 0x80:
            # The original byte after this pair was ASCII, and is read in step.
            add(i, chr(trail), 0.0, None, "")
            return found
        if trail == 0x80:
            return found  # no GBK character has this lead byte
        pending = trail
    if i == n and pending >= 0:
        add(n, "", -_ENDS_AT_TEXT_END, pending, "")
    return found


def _word_bonus(tables: Tables, text: str, ctx: str, paragraph: str) -> float:
    """Evidence from pairs in ``text`` that are listed words or recur in the article."""
    bonus = 0.0
    for k in range(len(text) - 1):
        pair = text[k : k + 2]
        if not (is_hanzi(pair[0]) and is_hanzi(pair[1])):
            continue
        if simplify(tables, pair) in tables.phrases or (
            # The paragraph's own uses do not count; it is stripped of readings only when asked.
            ctx
            and (seen := pair_count(ctx, pair))
            and seen > paragraph_without_annotations(paragraph).count(pair)
        ):
            bonus += _WORD_BONUS
            if bonus >= _WORD_BONUS_CAP:
                return _WORD_BONUS_CAP
    return bonus


def _acceptable(tables: Tables, run: _Run, lenient: bool) -> bool:
    if not lenient and all(_ordinary_text(tables, c) for c in run.body):
        # After a word that can end a question, the text after a "?" must show
        # damage: clean level-1 text shifted by a byte can decode to level-1 text
        # too (蓟靶靶吗 reads as 话邪新), and then the gain alone cannot tell.
        return False
    chars = [c for c in run.recovered if not c.isascii()]
    if not chars:
        return lenient and run.last_lead is not None and run.gain >= _MIN_GAIN_NONE
    mean = sum(weight(tables, c) for c in chars) / len(chars)
    many, one = _MIN_GAIN_LENIENT if lenient else _MIN_GAIN
    return run.gain >= (many if len(chars) > 1 else one) and mean >= _MIN_MEAN


def _ordinary_text(tables: Tables, ch: str) -> bool:
    """Whether ``ch`` is what clean text is made of: a GB2312 level 1 hanzi or
    ASCII punctuation. Real runs nearly always hold something else: a level 2 or
    extension character, a symbol, a lone letter."""
    if ch.isascii():
        return not ch.isalnum()
    return gb2312_level(tables.encode.get(ch, 0)) == 1


def _best_run(tables: Tables, text: str, start: int, context: str, lenient: bool) -> _Run | None:
    """The most plausible realignment after the "?" at ``start``, if it is clearly
    better than the text as it stands."""
    best: _Run | None = None
    ctx = ""
    slack = _WORD_BONUS_CAP + _READING_BONUS
    for run in _runs(tables, text, start):
        if run.gain + slack < _MIN_GAIN_LENIENT[0]:
            continue
        if context and not ctx:
            ctx = article_without_annotations(context)
        gain = run.gain + _word_bonus(tables, run.recovered, ctx, text)
        gain -= _word_bonus(tables, run.body, ctx, text)
        reading = reading_after(text, run.end)
        if reading is not None and run.last_lead is None:
            if reading in toned_readings(run.recovered[-1:]):
                gain += _READING_BONUS
            elif reading in toned_readings(run.body[-1:]):
                gain -= _READING_BONUS
        scored = replace(run, gain=gain)
        if _acceptable(tables, scored, lenient) and (best is None or gain > best.gain):
            best = scored
    return best


def _fill_first(tables: Tables, run: _Run, left: str, scope: Scope) -> tuple[str, str, str]:
    """(kind, character, note) for the run's lost first character."""
    if run.first_trail == 0xA3 and run.body[:1] in _STOP_BEFORE:
        return "mojibake-inferred", "。", "sentence end: trail byte a3 before a realigned ！/；"
    right = run.recovered[:1] if is_hanzi(run.recovered[:1]) else ""
    return fill_by_trail(tables, run.first_trail, left, right, scope)


def _fill_last(tables: Tables, run: _Run, text: str, scope: Scope) -> tuple[str, str, str]:
    """(kind, character, note) for the run's lost last character."""
    lead = run.last_lead if run.last_lead is not None else -1
    options = tables.by_lead.get(lead, "")
    reading = reading_after(text, run.end)
    if reading is not None and options:
        fitting = read_as(options, reading)
        if len(fitting) == 1:
            return (
                "mojibake-inferred",
                fitting,
                f"lead byte {lead:02x}: the only one read {reading}",
            )
        options = fitting or options
    left = run.recovered[-1:] if is_hanzi(run.recovered[-1:]) else ""
    inferred = infer(tables, options, left, neighbour_after(text, run.end), scope)
    if inferred is not None:
        return "mojibake-inferred", inferred[0], f"lead byte {lead:02x}: {inferred[1]}"
    return "unrecoverable", LOST_MARK, f"only the lead byte {lead:02x} survives"


# -- question marks ----------------------------------------------------------------


def _asks(head: str) -> bool:
    """Whether the clause ending ``head`` has an interrogative word."""
    k = len(head) - 1
    stop = max(-1, k - _QUESTION_WINDOW)
    while k > stop and head[k] not in _CLAUSE_END:
        k -= 1
    clause = head[k + 1 :]
    return any(c in _INTERROGATIVE_CHARS for c in clause) or any(
        w in clause for w in _INTERROGATIVE_WORDS
    )


def _no_question_here(head: str) -> bool:
    """Whether a "?" after ``head`` cannot end a question: first in the text,
    after clause-internal or sentence-final punctuation, or after a hanzi in a
    clause without an interrogative word. A reading annotation is skipped."""
    if head.endswith((")", "）")):  # the pattern would be tried at every position
        head = TRAILING_ANNOTATION.sub("", head)
    prev = head[-1:]
    if not prev or prev in _NO_QUESTION_AFTER:
        return True
    return is_hanzi(prev) and not _asks(head)


def _lone_trail_byte(text: str, start: int, before: str) -> bool:
    """Whether ``?X`` at ``start`` is one character of which the trail byte X is left.

    A span whose first character has a trail byte below 0x80 shows as "?" and
    that byte as an ASCII letter, the text in step after it. ``before`` is the
    repaired text before ``start``.
    """
    if start + 2 >= len(text):
        return False
    letter = text[start + 1]
    if not (0x40 <= ord(letter) <= 0x7E and is_hanzi(text[start + 2])):
        return False
    if is_ascii_alnum(before[-1:]):
        return False
    return text[start] == "\ufffd" or _no_question_here(before)


# -- the passes ----------------------------------------------------------------------


class _Output:
    """The repaired text being built, with the edits and a tail for look-backs."""

    def __init__(self, paragraph: int | None) -> None:
        self.paragraph = paragraph
        self.pieces: list[str] = []
        self.length = 0
        self.tail = ""
        self.edits: list[Edit] = []

    def add(self, piece: str, kind: str = "", before: str = "", note: str = "") -> None:
        if kind:
            self.edits.append(new_edit(kind, before, piece, self.paragraph, self.length, note))
        self.pieces.append(piece)
        self.length += len(piece)
        self.tail = (self.tail + piece)[-_LOOK_BACK:]


def _repair_runs(
    tables: Tables, text: str, paragraph: int | None, context: str
) -> tuple[str, list[Edit]]:
    out = _Output(paragraph)
    scope: Scope | None = None
    last = pos = 0
    while (match := _TRIGGER.search(text, pos)) is not None:
        start = match.start()
        before = (out.tail + text[last:start])[-_LOOK_BACK:]
        lenient = text[start] == "\ufffd" or _no_question_here(before)
        run = _best_run(tables, text, start, context, lenient)
        if run is None and not _lone_trail_byte(text, start, before):
            pos = start + 1
            continue
        if scope is None:
            traditional = any(tables.simplified.get(c, c) != c for c in text)
            scope = Scope(article_without_annotations(context) if context else "", traditional)
        out.add(text[last:start])
        left = neighbour_before(out.tail)
        if run is None:  # "?X": one character, of which the trail byte X is left
            right = neighbour_after(text, start + 2)
            kind, ch, note = fill_by_trail(tables, ord(text[start + 1]), left, right, scope)
            out.add(ch, kind, text[start : start + 2], note)
            last = pos = start + 2
            continue
        kind, ch, note = _fill_first(tables, run, left, scope)
        out.add(ch, kind, text[start], note)
        out.add(run.recovered, "mojibake", run.body, "GBK decoded one byte late, realigned")
        if run.last_lead is not None:
            kind, ch, note = _fill_last(tables, run, text, scope)
            out.add(ch, kind, run.last_before, note)
        last = pos = run.end
    if not out.edits:
        return text, []
    out.add(text[last:])
    return "".join(out.pieces), out.edits


def _mark_lost(text: str, paragraph: int | None) -> tuple[str, list[Edit]]:
    """U+FFFD, and "?" standing where no question mark can, become LOST_MARK.

    That is one to three "?" before a hanzi where no question can end (see
    _no_question_here), or a "?" carrying a reading annotation. A "?" after an
    interrogative word, before a closing quote or at the end is left alone.
    """
    chars = list(text)
    edits: list[Edit] = []
    k = text.find("\ufffd")
    while k >= 0:
        chars[k] = LOST_MARK
        edits.append(
            Edit("unrecoverable", "\ufffd", LOST_MARK, paragraph, k, "replacement character")
        )
        k = text.find("\ufffd", k + 1)
    for match in _QUESTION_MARKS.finditer(text):
        a, b = match.span()
        if b - a > 3:
            continue
        if reading_after(text, b) is not None and not is_ascii_alnum(chars[a - 1] if a else ""):
            note = "a character the page could not hold, before its reading"
        elif (
            b < len(chars)
            and is_hanzi(chars[b])
            and _no_question_here("".join(chars[max(0, a - _LOOK_BACK) : a]))
        ):
            note = "a character the page could not hold"
        else:
            continue
        for k in range(a, b):
            chars[k] = LOST_MARK
            edits.append(new_edit("unrecoverable", "?", LOST_MARK, paragraph, k, note))
    if not edits:
        return text, []
    edits.sort(key=lambda e: e.offset)
    return "".join(chars), edits


def repair_gbk_misalignment(
    text: str, *, paragraph: int | None, context: str = ""
) -> tuple[str, list[Edit]]:
    """Repair GBK runs decoded one byte late, and mark characters the page lost.

    ``context`` is the whole article, for choosing lost characters by the words
    around them. Returns the repaired text and one Edit per change, each with
    the offset of its ``after`` in the returned text. Clean text (no "?" and no
    U+FFFD) is returned at once.
    """
    if "?" not in text and "\ufffd" not in text:
        return _mark_replaced_as_gbk(text, paragraph, [])
    tables = gbk_tables()
    text, run_edits = _repair_runs(tables, text, paragraph, context)
    text, lost_edits = _mark_lost(text, paragraph)
    return _mark_replaced_as_gbk(text, paragraph, run_edits + lost_edits)


# Two U+FFFD written in UTF-8 (ef bf bd ef bf bd) and read as GBK: the page lost a
# character before it was ever decoded wrongly.
_REPLACED_AS_GBK = "锟斤拷"


def _mark_replaced_as_gbk(
    text: str, paragraph: int | None, edits: list[Edit]
) -> tuple[str, list[Edit]]:
    """Each 锟斤拷 becomes one LOST_MARK; ``edits`` (of ``text``) move with the text after it."""
    if _REPLACED_AS_GBK not in text:
        return text, edits
    pieces = text.split(_REPLACED_AS_GBK)
    marks: list[int] = []  # where each 锟斤拷 stood in ``text``
    for piece in pieces[:-1]:
        marks.append((marks[-1] + len(_REPLACED_AS_GBK) if marks else 0) + len(piece))
    shrink = len(_REPLACED_AS_GBK) - len(LOST_MARK)
    moved = [
        replace(e, offset=e.offset - shrink * bisect.bisect_left(marks, e.offset)) for e in edits
    ]
    note = "replacement characters read as GBK"
    lost = [
        Edit("unrecoverable", _REPLACED_AS_GBK, LOST_MARK, paragraph, at - shrink * i, note)
        for i, at in enumerate(marks)
    ]
    return LOST_MARK.join(pieces), sorted(moved + lost, key=lambda e: e.offset)
