"""The normalizer's notes on its repairs, in the site's language.

The notes stay in English in the data (``data/<slug>.json``), where scripts read
them; the repair pages show them in Chinese. A note no rule knows is shown as
it is.
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
    if survives := _SURVIVES.match(note):
        return f"只剩{_BYTE[survives.group(1)]} {survives.group(2)}，无法确定原字"
    return note
