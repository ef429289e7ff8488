"""The normalizer's notes on its repairs, and a brief's warnings, in the site's language.

The notes and warnings stay in English in the data (``data/<slug>.json``) and on
the command line, where scripts read them; the pages show them in Chinese. A
note or warning no rule knows is shown as it is.
"""

from __future__ import annotations

import re

_EVIDENCE = (
    (re.compile(r"^(.+) \(used elsewhere in the article\)$"), r"“\1”（本文他处用过）"),
    (re.compile(r"^(.+) \(a listed subject word\)$"), r"“\1”（常用词表中的词）"),
    (re.compile(r"^(.+) and (.+) \(listed words\)$"), r"“\1”和“\2”（常用词表中的词）"),
)
_LINE_REASONS = {
    "page chrome": "页面杂项",
    "spam": "垃圾广告",
    "link": "链接",
    "a headline under a related-reading heading": "“相关阅读”下的标题",
}
_FIXED = {
    "host name": "网址",
    "invisible characters": "不可见字符",
    "emoji": "表情符号",
    "GBK decoded one byte late, realigned": "GBK 解码错后一个字节，已重新对齐",
    "sentence end: trail byte a3 before a realigned ！/；": (
        "句末：重新对齐的！/；之前残留尾字节 a3，应为句号"
    ),
    "replacement character": "替换字符（U+FFFD），原字已丢失",
    "UTF-8 read as GBK, decoded again": "UTF-8 文字被当作 GBK 读出，已重新解码",
    "UTF-8 read as GBK: bytes lost": "UTF-8 文字被当作 GBK 读出，字节已丢失，原字无法恢复",
    "replacement characters read as GBK": "“锟斤拷”：替换字符按 GBK 读出，原字已丢失",
    "orphan annotation": "没有对应汉字的拼音注音",
    "annotation on a damaged character": "损坏的字后面的拼音注音",
}
_LINE = re.compile(r"^line (\d+): (.+)$")
_UTF8_INFERRED = re.compile(
    r"^UTF-8 read as GBK, a byte lost: the only character the rest allows that makes (.+)$"
)
_MADE = re.compile(
    r"^(trail|lead) byte ([0-9a-f]{2}): the only character with that byte that makes (.+)$"
)
_SURVIVES = re.compile(r"^only the (trail|lead) byte ([0-9a-f]{2}) survives$")
_BYTE = {"trail": "尾字节", "lead": "首字节"}


def _evidence(text: str) -> str:
    for pattern, chinese in _EVIDENCE:
        if pattern.match(text):
            return pattern.sub(chinese, text)
    return text


def repair_note(note: str) -> str:
    """``note`` in Chinese, where a rule knows its form."""
    if note in _FIXED:
        return _FIXED[note]
    if line := _LINE.match(note):
        reason = line.group(2)
        return f"第 {line.group(1)} 行：{_LINE_REASONS.get(reason, reason)}"
    if made := _MADE.match(note):
        byte, value, evidence = made.groups()
        return f"{_BYTE[byte]} {value}：有这个字节的字中，只有它能组成{_evidence(evidence)}"
    if inferred := _UTF8_INFERRED.match(note):
        three = inferred.group(1)
        return f"UTF-8 文字被当作 GBK 读出，丢了一个字节：其余字节容许的字中，只有它能组成“{three}”"
    if survives := _SURVIVES.match(note):
        return f"只剩{_BYTE[survives.group(1)]} {survives.group(2)}，无法确定原字"
    return note


_WARNINGS = (
    (
        re.compile(r"^(\d+) span\(s\) could not be recovered and are marked □$"),
        r"\1 处文字无法恢复，以 □ 标出",
    ),
    (
        re.compile(r"^no city statements found: built as a meeting-only brief$"),
        "未找到各城市的表态：只按会议本身生成简报",
    ),
    (re.compile(r"^no officials recognised$"), "未识别出出席官员"),
    (re.compile(r"^no text left after removing page chrome$"), "去除页面杂项后没有正文"),
    (re.compile(r"^no body paragraphs$"), "没有正文段落"),
    (re.compile(r"^text correction '(.*)' matched nothing$"), r"文字更正“\1”在文中没有找到"),
)


def brief_warning(warning: str) -> str:
    """A brief's ``warning`` in Chinese, where a rule knows its form."""
    for pattern, chinese in _WARNINGS:
        if pattern.match(warning):
            return pattern.sub(chinese, warning)
    return warning
