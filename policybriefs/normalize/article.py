"""The normalizer's order of passes, applied to a whole article.

decode (done by load) → strip junk → repair mojibake (UTF-8 read as GBK, then
GBK read a byte late) → strip annotations →
punctuation → script. Mojibake comes before annotations because a farm
annotated first and broke the bytes after: the annotation of a recovered
character sits right behind the run.

Junk lines are dropped in two places: bars of links before anything else,
page chrome and spam once the line is normalized, since those rules read
Simplified words and the script pass makes that text anyway. A dropped
line's edits go with it; only its removal is recorded.
"""

from __future__ import annotations

import re
import unicodedata
from operator import attrgetter

from ..models import ROUTINE_EDIT_KINDS, Edit, NormalizedArticle, RawArticle, new_edit
from ..script import simplifier
from .junk import (
    chrome_or_spam_reason,
    is_junk_line,
    is_link_list_item,
    link_reason,
    opens_link_list,
    strip_emoji,
    strip_host_names,
    strip_invisible,
)
from .mojibake import repair_gbk_misalignment
from .pinyin import strip_pinyin_annotations
from .punctuation import collapse_doubled_punctuation, full_width_punctuation, pair_quotes
from .script_pass import to_simplified
from .utf8_as_gbk import repair_utf8_read_as_gbk

_FROM_GBK = frozenset({"mojibake", "mojibake-inferred"})  # edits that insert GBK characters
_CONTEXT = 12  # characters of context kept on each side of a repair
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


_PUNCTUATION_ROUNDS = 4
# What the punctuation passes may still change: ASCII marks, a comma before a mark, a
# mark written twice.
# What another round may still change; a full stop after a mark widened or curled
# late in a round (（第三次）. and “链主”.) included.
_UNSETTLED_PUNCTUATION = re.compile(
    r'[,;:!?()"]|，(?=[，、。；：！？])|([。、；：！])\1|[）”’》][.．]'
)


def _tidy(line: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip()


def repair_paragraph(
    text: str, *, paragraph: int | None, context: str = ""
) -> tuple[str, list[Edit]]:
    """Every pass but the script one, in order, with the edits they made."""
    edits: list[Edit] = []
    realigned = False

    def take(made: list[Edit]) -> None:
        nonlocal realigned
        if not made:
            return
        if made[0].kind in ROUTINE_EDIT_KINDS:
            edits.extend(made)  # shown merged by kind on the report: no context needed
            return
        realigned = realigned or any(e.kind in _FROM_GBK for e in made)
        edits.extend(
            # Built directly: dataclasses.replace costs more than the pass itself.
            new_edit(
                e.kind,
                e.before,
                e.after,
                e.paragraph,
                e.offset,
                e.note,
                text[max(0, e.offset - _CONTEXT) : e.offset + len(e.after) + _CONTEXT],
            )
            for e in made
        )

    # Called in turn rather than from a list of closures: this runs for every paragraph.
    text, made = strip_invisible(text, paragraph=paragraph)
    take(made)
    text, made = strip_emoji(text, paragraph=paragraph)
    take(made)
    text, made = strip_host_names(text, paragraph=paragraph)
    take(made)
    text, made = repair_utf8_read_as_gbk(text, paragraph=paragraph, context=context)
    take(made)
    text, made = repair_gbk_misalignment(text, paragraph=paragraph, context=context)
    take(made)
    text, made = strip_pinyin_annotations(text, paragraph=paragraph)
    take(made)
    # Each punctuation pass can leave work for another (， , widened is ，，; ,"中"
    # curled is ,“中” with its comma now beside Chinese): again while a round changed
    # something and left something they change. Rarely more than one round.
    for _ in range(_PUNCTUATION_ROUNDS):
        text, doubled = collapse_doubled_punctuation(text, paragraph=paragraph)
        take(doubled)
        text, widened = full_width_punctuation(text, paragraph=paragraph)
        take(widened)
        text, curled = pair_quotes(text, paragraph=paragraph)
        take(curled)
        if not (doubled or widened or curled) or not _UNSETTLED_PUNCTUATION.search(text):
            break
    if realigned:  # GBK holds compatibility ideographs, which NFC replaces
        text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip(), edits


def normalize_paragraph(
    text: str, *, paragraph: int | None, context: str = ""
) -> tuple[str, str, list[Edit]]:
    """(Simplified text, the repaired text before script conversion, edits)."""
    repaired, edits = repair_paragraph(text, paragraph=paragraph, context=context)
    simplified, script_edits = to_simplified(repaired, paragraph=paragraph)
    edits.extend(script_edits)
    return simplified, repaired, edits


def _junk_line_edit(line: str, number: int, why: str) -> Edit:
    return Edit("junk-line", line, "", None, number, f"line {number}: {why}")


def _early_junk_reason(line: str, *, is_title: bool) -> str | None:
    """Why ``line`` is junk, as far as is judged before it is normalized.

    Links are judged on the raw line (normalizing strips host names). Chrome
    and spam are judged on the normalized Simplified text, which the body pass
    makes anyway, rather than converting every line to Simplified twice (a
    tenth of the normalizer's time); the title candidate is judged in full at
    once, since which line is the title depends on it.
    """
    if is_title:
        return is_junk_line(simplifier().convert(line))
    return link_reason(line)


def normalize_article(raw: RawArticle) -> NormalizedArticle:
    original_lines = tuple(raw.text.split("\n"))
    edits: list[Edit] = []
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(original_lines, start=1):
        tidy = _tidy(line)
        if not tidy:
            continue
        why = _early_junk_reason(tidy, is_title=not kept and raw.meta.title is None)
        if why:
            edits.append(_junk_line_edit(tidy, number, why))
            continue
        kept.append((number, tidy))

    warnings: list[str] = []
    title = raw.meta.title
    body = kept
    if title is None:
        if not kept:
            warnings.append("no text left after removing page chrome")
            title = raw.slug
        else:
            title, body = kept[0][1], kept[1:]
    context = "\n".join(line for _, line in kept)
    title_text, _, title_edits = normalize_paragraph(title, paragraph=None, context=context)
    edits.extend(title_edits)

    paragraphs: list[str] = []
    sources: list[str] = []
    in_link_list = False  # under a 相关阅读 heading, until a line that is no headline
    for number, line in body:
        index = len(paragraphs)
        text, repaired, made = normalize_paragraph(line, paragraph=index, context=context)
        if not text:
            continue
        why = chrome_or_spam_reason(text)  # links were judged on the raw line
        if opens_link_list(text):
            in_link_list, why = True, "page chrome"
        elif in_link_list and is_link_list_item(text):
            why = "a headline under a related-reading heading"
        else:
            in_link_list = False
        if why:
            edits.append(_junk_line_edit(line, number, why))
            continue
        paragraphs.append(text)
        sources.append(repaired)
        edits.extend(made)

    for wrong, right in raw.meta.corrections.text:
        found = False
        for index, text in enumerate(paragraphs):
            if wrong in text:
                found = True
                paragraphs[index] = text.replace(wrong, right)
                edits.append(Edit("correction", wrong, right, index, text.index(wrong)))
        if not found:
            warnings.append(f"text correction {wrong!r} matched nothing")

    lost = list(map(attrgetter("kind"), edits)).count("unrecoverable")
    if lost:
        warnings.append(f"{lost} span(s) could not be recovered and are marked □")
    if not paragraphs:
        warnings.append("no body paragraphs")
    return NormalizedArticle(
        raw=raw,
        title=title_text,
        paragraphs=tuple(paragraphs),
        original_lines=original_lines,
        edits=tuple(edits),
        warnings=tuple(warnings),
        source_paragraphs=tuple(sources),
    )


def normalize_text(text: str) -> str:
    """The whole normalizer over a bare string, for checks and properties."""
    out: list[str] = []
    for line in text.split("\n"):
        tidy = _tidy(line)
        if not tidy or _early_junk_reason(tidy, is_title=False):
            continue
        normalized, _, _ = normalize_paragraph(tidy, paragraph=None, context=text)
        if normalized and not chrome_or_spam_reason(normalized):
            out.append(normalized)
    return "\n".join(out)
