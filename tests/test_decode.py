"""Decoding content files: every encoding farms serve, and the errors that name a byte."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybriefs.decode import decode_bytes
from policybriefs.errors import ContentError

TRADITIONAL = "閩西南協同發展區聯席會議在泉州舉行，五市黨政主要領導齊聚一堂。"
SIMPLIFIED = "闽西南协同发展区联席会议在泉州举行，五市党政主要领导齐聚一堂。"
MIXED = "2023年GDP增长5.2%\r\n长三角一体化发展取得明显成效。\r\n"

GOOD = [
    # (bytes, text, encoding name)
    (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
    (TRADITIONAL.encode("utf-8"), TRADITIONAL, "utf-8"),
    (codecs.BOM_UTF8 + TRADITIONAL.encode("utf-8"), TRADITIONAL, "utf-8-sig"),
    (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
    (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),  # GBK is read as its superset
    (SIMPLIFIED.encode("gb2312"), SIMPLIFIED, "gb18030"),
    ("䶮和𠀀是罕用字。".encode("gb18030"), "䶮和𠀀是罕用字。", "gb18030"),  # four-byte sequences
    (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
    ("會議".encode("big5"), "會議", "big5"),  # short: Big5 beats a GB18030 reading
    ("会议".encode("gbk"), "会议", "gb18030"),
    (codecs.BOM_UTF16_LE + TRADITIONAL.encode("utf-16-le"), TRADITIONAL, "utf-16-le"),
    (codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), TRADITIONAL, "utf-16-be"),
    (MIXED.encode("utf-16-le"), MIXED.replace("\r\n", "\n"), "utf-16-le"),  # no BOM: NULs
    (MIXED.encode("utf-16-be"), MIXED.replace("\r\n", "\n"), "utf-16-be"),
    (TRADITIONAL.encode("utf-16-le"), TRADITIONAL, "utf-16-le"),  # no BOM, no ASCII
    (MIXED.encode("gb18030"), MIXED.replace("\r\n", "\n"), "gb18030"),
    (b"plain ASCII\rold Mac line\r\n", "plain ASCII\nold Mac line\n", "utf-8"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), GOOD)
def test_decodes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data, "a.txt") == (text, encoding)


def test_newlines_and_bom_are_normalized() -> None:
    text, _ = decode_bytes(codecs.BOM_UTF8 + "一\r\n二\r三\n".encode(), "a.txt")
    assert text == "一\n二\n三\n"


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
UTF8 = TRADITIONAL.encode("utf-8")

BAD = [
    # (bytes, words in the message, byte offset named)
    (b"", "empty file", None),
    (PNG, "binary", 8),  # the first NUL
    (b"text\x00with a NUL", "binary", 4),
    (bytes(range(1, 9)) * 20 + b"abc", "binary", 0),  # mostly control bytes
    (UTF8[:-1], "not valid", len(UTF8) - 3),  # truncated in the last character
    (b"abc\xffdef", "not valid", 3),
    (UTF8[:7] + b"\xff" + UTF8[7:], "not valid UTF-8", 6),  # a stray byte in UTF-8
    ("會議".encode("big5")[:-1], "not valid", 0),
    (codecs.BOM_UTF8 + "中文".encode()[:-1], "not valid UTF-8", 6),
    (codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "not valid UTF-16-LE", 2),  # lone surrogate
]


@pytest.mark.parametrize(("data", "words", "byte"), BAD)
def test_errors_name_the_byte(data: bytes, words: str, byte: int | None) -> None:
    with pytest.raises(ContentError) as caught:
        decode_bytes(data, "content/x.txt")
    error = caught.value
    assert error.source == "content/x.txt"
    assert words in error.message
    assert error.byte == byte
    if byte is not None:
        assert f"(byte {byte})" in str(error)


def test_utf8_broken_by_one_byte_is_not_read_as_gb18030() -> None:
    # GB18030 would decode this strictly, into junk.
    data = "長三角一體化發展取得明顯成效".encode() + b"\x80"
    with pytest.raises(ContentError) as caught:
        decode_bytes(data, "a.txt")
    assert caught.value.byte == len(data) - 1


def test_real_farm_files_keep_their_encoding() -> None:
    page = (TRADITIONAL + "\n" + "（廈門日報記者 陳林森）\n") * 20
    for encoding in ("utf-8", "gb18030", "big5"):
        assert decode_bytes(page.encode(encoding), "a.txt") == (page, encoding)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_content_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data, "a.txt")
    except ContentError as error:
        assert error.source == "a.txt"
        assert error.byte is None or 0 <= error.byte < len(data)
    else:
        assert "\r" not in text and not text.startswith("\ufeff")
        assert encoding


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=4))
def test_utf8_text_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-8"), "a.txt") == (text, "utf-8")
