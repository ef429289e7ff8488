"""Reverse UTF-8 text that was read as GBK (清洁能源 shown as 娓呮磥鑳芥簮).

The damage: a span's UTF-8 bytes were decoded as GBK, every three bytes of a
hanzi becoming one and a half GBK characters. Encoding the span as GBK gives
the bytes back, and decoding those as UTF-8 the text. When the span held an
odd number of hanzi, its last byte was left without a partner and shows as
U+FFFD (or ``?``): the last hanzi keeps two of its three bytes. A hanzi that
lost a byte is read from the article where only one of the characters its
other bytes allow fits its neighbours (see ``_inferred``); else it is marked
LOST_MARK.

A span is taken only when it decodes in full and reads better than it stands:
every character decoded is a hanzi, CJK punctuation or ASCII, and the decoded
characters are on average frequent (``gbk_tables.weight``) and, for fewer
than four hanzi, more so than the GBK characters they replace. The bytes are
most of the evidence: a span opens with a GBK character whose bytes open a
UTF-8 hanzi, all of them rare second-level ones (娓, 鑳, 涓), and clean text
seldom goes on as valid UTF-8.
"""

from __future__ import annotations

import functools
import itertools

from ..models import LOST_MARK, Edit, new_edit
from .gbk_tables import gbk_tables, is_hanzi, weight

# UTF-8 lead bytes of the BMP's CJK punctuation (E2, E3), ideographs (E4–E9) and
# full-width forms (EF), and the continuation bytes that can trail them in a GBK pair.
_UTF8_LEADS = frozenset((0xE2, 0xE3, *range(0xE4, 0xEA), 0xEF))
_CONTINUATION = range(0x80, 0xC0)
_CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—·％～")
_MIN_HANZI = 2
# How plausible, per character, the decoded text must be (a hanzi among the 2,000
# most frequent weighs 1.2, a rare one 0 or less). The span must also weigh less:
# often only a little, its Traditional characters weighed by their Simplified forms
# (人会 read as GBK is 浜轰細, 細 weighing as 细).
_MIN_WEIGHT = 1.0
_ENOUGH = 4
_MIN_WEIGHT_OF_MANY = 0.5
_LOST_BYTE = "\ufffd?"
_NOTE = "UTF-8 read as GBK, decoded again"
_NUMERALS = frozenset("〇零一二两三四五六七八九十百千万亿")
_LOST_NOTE = "UTF-8 read as GBK: bytes lost"
_INFERRED_NOTE = (
    "UTF-8 read as GBK, a byte lost: the only character its bytes allow that makes {pair}"
)


@functools.cache
def _openers() -> frozenset[str]:
    """GBK characters whose two bytes can open a UTF-8 hanzi: a lead, then a continuation."""
    return frozenset(
        ch
        for code, ch in gbk_tables().decode.items()
        if code >> 8 in _UTF8_LEADS and code & 0xFF in _CONTINUATION
    )


def _gbk_bytes(ch: str) -> bytes | None:
    code = gbk_tables().encode.get(ch)
    if code is not None:
        return bytes((code >> 8, code & 0xFF))
    return ch.encode("ascii") if ch.isascii() and ch.isprintable() else None


def _utf8_length(lead: int) -> int:
    """Bytes in the UTF-8 sequence ``lead`` opens (0: it opens none)."""
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    return 0


# (where in the text a character's first byte stands, the character or LOST_MARK,
# and for LOST_MARK the hanzi its surviving bytes allow when one byte is lost)
_Piece = tuple[int, str, str]


def _allowed(known: list[int | None]) -> str:
    """The hanzi whose UTF-8 bytes are ``known``, where the lead survives and one or
    two bytes after it were lost (None)."""
    lead = known[0] if known else None
    if lead is None or known.count(None) != 1:
        return ""  # (with two bytes lost, 4,096 hanzi: the article would choose too often wrong)
    options = [bytes((lead,))]
    for byte in known[1:]:
        nexts = range(0x80, 0xC0) if byte is None else (byte,)
        options = [made + bytes((b,)) for made in options for b in nexts]
    found = (made.decode("utf-8", errors="replace") for made in options)
    return "".join(char for char in found if len(char) == 1 and is_hanzi(char))


def _decode_from(text: str, start: int) -> tuple[int, list[_Piece]] | None:
    """The longest span from ``start`` whose GBK bytes are UTF-8 hanzi: its end and
    its characters, each with where in ``text`` its first byte stands. Each U+FFFD
    or ``?`` is one byte the decoder could not pair and dropped; a hanzi missing one
    is LOST_MARK, and decoding goes on after it."""
    pieces: list[_Piece] = []
    best: tuple[int, list[_Piece]] | None = None
    sequence = bytearray()
    known: list[int | None] = []
    lost = False
    need = 0  # bytes still to come of the character begun
    begun = start
    for end in range(start, len(text)):
        ch = text[end]
        raw = None if ch in _LOST_BYTE else _gbk_bytes(ch)
        if raw is None and ch not in _LOST_BYTE:
            break
        for byte in raw if raw is not None else (None,):
            if not need:
                if byte is None or not (length := _utf8_length(byte)):
                    return best
                sequence, lost, need, begun = bytearray(), False, length, end
                known = []
            known.append(byte)
            if byte is None:
                lost = True
            elif sequence and not 0x80 <= byte <= 0xBF:
                return best
            else:
                sequence.append(byte)
            need -= 1
            if need:
                continue
            if lost:
                pieces.append((begun, LOST_MARK, _allowed(known)))
                continue
            decoded = sequence.decode("utf-8", errors="replace")
            # Past the span, clean text's bytes may still be UTF-8, but not of hanzi.
            if not (is_hanzi(decoded) or decoded in _CJK_PUNCT or decoded.isascii()):
                return best
            pieces.append((begun, decoded, ""))
        if not need:
            best = (end + 1, list(pieces))
    return best


def _kind_of(piece: tuple[int, str, str]) -> str:
    if piece[1] == LOST_MARK:
        return "unrecoverable"
    return "mojibake-inferred" if piece[2] else "mojibake"


def _plausible(span: str, decoded: str) -> bool:
    shown = decoded.replace(LOST_MARK, "")
    if sum(map(is_hanzi, shown)) < _MIN_HANZI:
        return False
    tables = gbk_tables()
    before = sum(weight(tables, ch) for ch in span if ch not in _LOST_BYTE) / len(span)
    after = sum(weight(tables, ch) for ch in shown) / len(shown)
    # Four hanzi or more decoded from the bytes are evidence enough, if they are
    # mostly ones GB2312 holds in its first level.
    if sum(map(is_hanzi, shown)) >= _ENOUGH:
        return after >= _MIN_WEIGHT_OF_MANY
    return after >= _MIN_WEIGHT and after > before


def _hanzi_pair(pair: str) -> bool:
    return len(pair) == 2 and is_hanzi(pair[0]) and is_hanzi(pair[1])


def _inferred(
    pieces: list[_Piece], before: str, after: str, context: str
) -> list[tuple[int, str, str]]:
    """``pieces`` (where, text, note) with each hanzi that lost one byte read where
    one character alone of the 64 its other bytes allow fits both neighbours: the
    three together elsewhere in the article, or each pair there."""
    chars = [c for _, c, _ in pieces]
    out: list[tuple[int, str, str]] = []
    for k, (where, char, allowed) in enumerate(pieces):
        if char != LOST_MARK:
            out.append((where, char, ""))
            continue
        left = chars[k - 1] if k else before
        right = chars[k + 1] if k + 1 < len(chars) else after
        # Both neighbours must agree, in the article's own words: the three characters
        # together elsewhere, or each pair (建议 and 建设 differ by a byte; listed words
        # alone read 统筹开发中心 as 统筹开口中心).
        fits: dict[str, str] = {}
        for option in allowed:
            pairs = [p for p in (left + option, option + right) if _hanzi_pair(p)]
            if len(pairs) < 2:
                continue
            if left + option + right in context or all(p in context for p in pairs):
                fits[option] = left + option + right
        # (A figure is never guessed: 一季度 and 三季度 both read.)
        if len(fits) == 1 and not _NUMERALS.intersection(fits):
            ((option, pair),) = fits.items()
            chars[k] = option
            out.append((where, option, _INFERRED_NOTE.format(pair=pair)))
        else:
            out.append((where, LOST_MARK, ""))
    return out


def repair_utf8_read_as_gbk(
    text: str, *, paragraph: int | None, context: str = ""
) -> tuple[str, list[Edit]]:
    """``text`` with each span of UTF-8 read as GBK decoded again; one Edit per
    span, and one for each hanzi that lost bytes: ``mojibake-inferred`` where the
    article tells which it was (``context``: its whole text), else ``unrecoverable``."""
    openers = _openers()
    if openers.isdisjoint(text):
        return text, []
    out: list[str] = []
    edits: list[Edit] = []
    at = 0  # how far ``text`` has been copied to ``out``
    length = 0  # the length of ``out`` joined
    i = 0
    while i < len(text):
        if text[i] not in openers:
            i += 1
            continue
        found = _decode_from(text, i)
        if found is None or not _plausible(text[i : found[0]], "".join(c for _, c, _ in found[1])):
            i += 1
            continue
        end, found_pieces = found
        after = text[end : end + 1]
        pieces = _inferred(found_pieces, text[i - 1 : i], after, context)
        out.append(text[at:i])
        length += i - at
        # One edit for each run of characters decoded, one for each lost or inferred.
        runs = [list(g) for _, g in itertools.groupby(pieces, key=_kind_of)]
        bounds = [run[0][0] for run in runs[1:]] + [end]
        for run, until in zip(runs, bounds, strict=True):
            decoded = "".join(c for _, c, _ in run)
            kind = _kind_of(run[0])
            note = {"mojibake": _NOTE, "unrecoverable": _LOST_NOTE}.get(kind, run[0][2])
            edits.append(new_edit(kind, text[run[0][0] : until], decoded, paragraph, length, note))
            out.append(decoded)
            length += len(decoded)
        at = i = end
    out.append(text[at:])
    return "".join(out), edits
