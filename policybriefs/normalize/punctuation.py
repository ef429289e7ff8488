"""Punctuation as a Chinese newspaper prints it.

Farms turn full-width marks into ASCII and insert a stray comma in front of
real marks (``,,`` ``,。`` ``,、``) or write a full stop twice (``。。``).
ASCII marks are made full-width only inside Chinese text, so ``1,000``,
``10:30``, URLs and Latin phrases keep theirs.
"""

from __future__ import annotations

import re

from ..models import Edit, new_edit
from .edits import delete, rewrite, splice

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：！？（）“”‘’《》〈〉【】…—"
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}

# The inserted comma: ASCII or full-width, directly before another mark; and a
# full stop, enumeration comma or semicolon written twice (全覆盖。。).
_DOUBLED = re.compile(r"[,，](?=[,，、。；;！!？?：:])")
_TWICE_MARK = re.compile(r"([。、；：！])(?=\1)")
_TWICE = ("。。", "、、", "；；", "：：", "！！")
# An ASCII full stop after the real mark (航线。.司马), or written twice after Chinese
# (汇报..): the extra one goes (an ellipsis of three stays).
_STRAY_STOP = re.compile(rf"(?<=[。！？；：])[.．](?![\d.．])|(?<=[{_CJK}])[.．](?=[.．](?![.．]))")
# A run of ASCII marks (?? or ?!), taken whole so one pass widens all of it.
# It is widened when Chinese stands on at least one side, ignoring one space
# (a space before it goes with it); see _chinese_sides. The sides are checked
# in Python: a look-behind in the pattern is tried at every character and
# made this the slowest scan of the normalizer.
_ASCII_MARKS = re.compile(r"[,;:!?]+")
_CHINESE_SIDE = frozenset(_CJK_PUNCT + "□")
_ANY_ASCII_MARK = re.compile(r"[,;:!?()]")
_PAREN = re.compile(r"\(([^()]{0,200})\)")
_URL = re.compile(r"(?:https?://|www\.)[\w./%?#=&:+-]+")


def _has_cjk(text: str) -> bool:
    return re.search(rf"[{_CJK}]", text) is not None


def collapse_doubled_punctuation(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    # Nearly every Chinese paragraph has a comma; few have one doubled.
    if ("," in text or "，" in text) and _DOUBLED.search(text):
        text, edits = delete(text, _DOUBLED, kind="doubled-punctuation", paragraph=paragraph)
    if ("." in text or "．" in text) and _STRAY_STOP.search(text):
        text, stray = delete(text, _STRAY_STOP, kind="doubled-punctuation", paragraph=paragraph)
        edits += stray
    # After the commas: ，。，。 leaves 。。 to collapse in the same pass.
    text, twice = _collapse_twice(text, paragraph)
    return text, edits + twice


def _collapse_twice(text: str, paragraph: int | None) -> tuple[str, list[Edit]]:
    if not any(t in text for t in _TWICE):
        return text, []
    return delete(text, _TWICE_MARK, kind="doubled-punctuation", paragraph=paragraph)


def _is_chinese_side(ch: str) -> bool:
    o = ord(ch) if len(ch) == 1 else 0
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or ch in _CHINESE_SIDE


def _chinese_sides(text: str, start: int, end: int) -> int | None:
    """Where the widened span starts for the marks ``text[start:end]``, or None
    when no Chinese stands beside them (one space between ignored)."""
    before = text[start - 1] if start else ""
    if before and _is_chinese_side(before):
        return start
    if before.isspace() and start >= 2 and _is_chinese_side(text[start - 2]):
        return start - 1
    after = text[end : end + 1]
    if after.isspace():
        after = text[end + 1 : end + 2]
    if after and _is_chinese_side(after):
        return start
    return None


# An ASCII full stop ending a Chinese sentence: Chinese (or a closing mark) before
# it, and Chinese or the paragraph's end after it. 1.6万亿元, www.example.cn and
# No.1 keep theirs.
# 一.加快推进 numbers an item and keeps its stop; a percentage ends a sentence (达到52%.长春).
_ASCII_FULL_STOP = re.compile(
    rf"(?<=[{_CJK}）”’》%％])(?<![一二三四五六七八九十])[.．](?=[{_CJK}“‘《（]|\s*$)"
)


# The dot inside a transcribed name, written many ways (热依汗古丽•吐尔逊): one form,
# so the name is the same wherever it is written.
_NAME_DOT = re.compile(rf"(?<=[{_CJK}])[•・‧∙⋅](?=[{_CJK}])")


def full_width_punctuation(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    early: list[Edit] = []  # name dots and full stops, made before the other marks
    if any(dot in text for dot in "•・‧∙⋅") and _NAME_DOT.search(text):
        text, early = rewrite(
            text, _NAME_DOT, lambda _: "·", kind="punctuation", paragraph=paragraph
        )
    if ("." in text or "．" in text) and _ASCII_FULL_STOP.search(text):
        text, ends = rewrite(
            text, _ASCII_FULL_STOP, lambda _: "。", kind="punctuation", paragraph=paragraph
        )
        early += ends
    if not _ANY_ASCII_MARK.search(text):
        return text, early
    text, edits = _widen_all_marks(text, paragraph)
    edits = early + edits

    def widen_parens(match: re.Match[str]) -> str:
        inner = match.group(1)
        head = text_now[max(0, match.start() - 1) : match.start()]
        if _has_cjk(inner) or _has_cjk(head):
            return f"（{inner}）"
        return match.group(0)

    if "(" not in text:
        return text, edits
    text_now = text
    text, paren_edits = rewrite(text, _PAREN, widen_parens, kind="punctuation", paragraph=paragraph)
    if paren_edits and _ASCII_MARKS.search(text):
        # A mark beside a bracket just widened (?(中)) now stands beside Chinese.
        text, again = _widen_all_marks(text, paragraph)
        paren_edits += again
    return text, edits + paren_edits


def _widen_all_marks(text: str, paragraph: int | None) -> tuple[str, list[Edit]]:
    """``_widen_marks`` until no mark is left to widen: a mark widened is a Chinese
    side for the one beside it (? ！中: the ？ only once the ！ is). Then the marks
    now written twice are collapsed: ;; widened is ；；, which the doubled-punctuation
    pass, run before, did not see."""
    text, edits = _widen_marks(text, paragraph)
    while edits and _ASCII_MARKS.search(text):
        text, more = _widen_marks(text, paragraph)
        if not more:
            break
        edits += more
    text, twice = _collapse_twice(text, paragraph)
    return text, edits + twice


def _widen_marks(text: str, paragraph: int | None) -> tuple[str, list[Edit]]:
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)] if "." in text else []
    edits: list[Edit] = []
    pieces: list[str] = []
    last = shift = 0
    for match in _ASCII_MARKS.finditer(text):
        mark_start, end = match.span()
        start = _chinese_sides(text, mark_start, end)
        if start is None or (urls and any(a <= start < b for a, b in urls)):
            continue
        mark = match.group(0)
        # 10:30 and 1,000 are numbers, not Chinese text.
        if (
            mark in (",", ":")
            and text[start - 1 : start].isdigit()
            and text[end : end + 1].isdigit()
        ):
            continue
        # A full-width mark holds its own space: the one an ASCII mark had after it
        # goes too, before Chinese (表示, 株洲 → 表示，株洲).
        if text[end : end + 1] == " " and _has_cjk(text[end + 1 : end + 2]):
            end += 1
        before = text[start:end]
        after = "".join(_FULL_WIDTH[c] for c in mark)
        pieces.append(text[last:start])
        pieces.append(after)
        edits.append(new_edit("punctuation", before, after, paragraph, start + shift))
        shift += len(after) - len(before)
        last = end
    if edits:
        pieces.append(text[last:])
        text = "".join(pieces)
    return text, edits


_ASCII_QUOTES = re.compile(r'"([^"\n]{1,200})"')
_HALF_CURLED = re.compile(r'"([^"“”\n]{1,60})”|“([^"“”\n]{1,60})"')
_TWO_CLOSING = re.compile(r"”[^“”\n]{1,30}”")
_QUOTE_MARK = re.compile("[“”]")


def _curled(match: re.Match[str]) -> str:
    """The quotation curled, if it holds Chinese (its one group that matched)."""
    inner = match.group(1) if match.group(1) is not None else match.group(2)
    return f"“{inner}”" if _has_cjk(inner) else match.group(0)


def _turned_openers(text: str) -> list[int]:
    """Where a ” stands with no quotation open and the next quote mark, close after
    it, is a ” too: an opening quote turned the wrong way."""
    marks = [(m.start(), m.group()) for m in _QUOTE_MARK.finditer(text)]
    turned: list[int] = []
    open_ = False
    for k, (at, mark) in enumerate(marks):
        if mark == "“":
            open_ = True
        elif open_:
            open_ = False
        elif k + 1 < len(marks) and marks[k + 1][1] == "”" and marks[k + 1][0] - at <= 31:
            turned.append(at)
            open_ = True
    return turned


# Corner brackets, as Traditional (and some mainland) pages quote: Simplified text
# quotes with “ ” and ‘ ’ (GB/T 15834), which is what extraction reads.
_CORNER_QUOTES = re.compile("[「」『』]")
_CURLY = {"「": "“", "」": "”", "『": "‘", "』": "’"}


def pair_quotes(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    """ASCII double quotes around Chinese, and corner brackets, become “ ”."""
    edits: list[Edit] = []
    if '"' in text:
        text, edits = rewrite(text, _ASCII_QUOTES, _curled, kind="punctuation", paragraph=paragraph)
    if '"' in text and _HALF_CURLED.search(text):
        # One side curled by the farm, the other left ASCII ("后勤保障基地”).
        text, halves = rewrite(text, _HALF_CURLED, _curled, kind="punctuation", paragraph=paragraph)
        edits += halves
    if "”" in text and _TWO_CLOSING.search(text):
        # An opening quote turned the wrong way: 政务服务”跨市通办” with nothing open.
        changes = ((at, at + 1, "“") for at in _turned_openers(text))
        text, turned = splice(text, changes, kind="punctuation", paragraph=paragraph)
        edits += turned
    if _CORNER_QUOTES.search(text):
        text, cornered = rewrite(
            text,
            _CORNER_QUOTES,
            lambda m: _CURLY[m.group()],
            kind="punctuation",
            paragraph=paragraph,
        )
        edits += cornered
    return text, edits
