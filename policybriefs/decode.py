"""Turn a content file's bytes into text, naming the encoding or the byte at fault.

Farms serve UTF-8 (with or without a BOM), UTF-16, GB18030/GBK and Big5. The
order of trust: a BOM; UTF-16 without one, told by where its NUL bytes fall;
strict UTF-8; then the Chinese legacy encodings (and UTF-16 of text with no
ASCII, which has no NUL to tell it by), each verified by decoding strictly.
GB18030 stands for GBK and GB2312 (it is their superset). When more than one
decodes the bytes, the reading with more common hanzi wins (Big5 read as
GB18030, or the reverse, gives mostly rare characters); charset-normalizer's
guess only breaks a tie.
"""

from __future__ import annotations

import codecs
import functools

import charset_normalizer

from .errors import ContentError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BIG5 = ("big5", "cp950", "big5hkscs")  # the first of these that decodes strictly is used
_LEGACY = ("gb18030", *_BIG5)
# What charset-normalizer may call the candidates, mapped to the codec we use.
_GUESS_NAMES = {
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "hz": "gb18030",
    "big5": "big5",
    "cp950": "big5",
    "big5hkscs": "big5",
}
_SAMPLE = 65536  # bytes examined for NUL patterns and control characters
_CONTROL_SHARE = 0.10  # more control bytes than this and the file is not text
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\v\f\r") + b"\x7f"
_UTF16_PRINTABLE = 0.95  # share of printable characters a BOM-less UTF-16 reading needs
_UTF16_COMMON = 0.5  # share of common hanzi UTF-16 with no NUL at all needs


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """(text with "\\n" newlines and no BOM, the encoding used) for a file's bytes.

    Raises ContentError for an empty file, for binary content (naming the first
    NUL or control byte) and for bytes no candidate decodes (naming the byte
    where strict UTF-8 failed).
    """
    if not data:
        raise ContentError(source, "empty file")

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _newlines(_strict(data, len(bom), encoding, source)), encoding

    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return _newlines(utf16[0]), utf16[1]

    nul = data.find(b"\x00")
    if nul >= 0:
        raise ContentError(source, "binary content (a NUL byte), not text", byte=nul)
    sample = data[:_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _CONTROL_SHARE * len(sample):
        first = next(k for k, b in enumerate(sample) if b in _CONTROL_BYTES)
        raise ContentError(source, "binary content (control bytes), not text", byte=first)

    try:
        return _newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as error:
        utf8_failed_at = error.start

    text, encoding = _legacy(data, source, utf8_failed_at)
    return _newlines(text), encoding


def _strict(data: bytes, start: int, encoding: str, source: str) -> str:
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as error:
        name = encoding.removesuffix("-sig").upper()
        raise ContentError(source, f"not valid {name}", byte=start + error.start) from None


def _newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for other in ("\u2028", "\u2029", "\x85"):
        if other in text:
            text = text.replace(other, "\n")
    return text


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM, told by NUL bytes: the high byte of ASCII characters
    (and the low byte of a hanzi like 一, U+4E00). Of the byte orders giving
    printable text, the one with NULs mostly on the high side wins, then the
    one with more common hanzi."""
    sample = data[: _SAMPLE - _SAMPLE % 2]
    if len(data) % 2 or b"\x00" not in sample:
        return None
    nul_even = sample[0::2].count(0)  # high bytes in big-endian order
    nul_odd = sample[1::2].count(0)
    readings = {
        encoding: reading
        for encoding in ("utf-16-le", "utf-16-be")
        if (reading := _printable_utf16(data, encoding)) is not None
    }
    if not readings:
        return None

    def rank(encoding: str) -> tuple[bool, int]:
        high, low = (nul_odd, nul_even) if encoding == "utf-16-le" else (nul_even, nul_odd)
        return high >= 4 * low, _common_count(readings[encoding])

    best = max(readings, key=rank)
    return readings[best], best


def _printable_utf16(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    if not text or printable < _UTF16_PRINTABLE * len(text):
        return None
    return text


@functools.cache
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 and Big5's frequent characters, in either script."""
    found: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            found.add(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            found.add(bytes((lead, trail)).decode("big5", errors="ignore"))
    found.discard("")
    return frozenset(found)


def _common_count(text: str) -> int:
    common = _common_hanzi()
    return sum(1 for c in text if c in common)


def _guess(data: bytes) -> str | None:
    """charset-normalizer's pick among the Chinese legacy encodings, as our codec name."""
    try:
        best = charset_normalizer.from_bytes(
            data[:_SAMPLE], cp_isolation=["gb18030", "gbk", "gb2312", "big5", "cp950"]
        ).best()
    except Exception:  # pragma: no cover - a detector failure only loses the tie-break
        return None
    if best is None:
        return None
    return _GUESS_NAMES.get(str(best.encoding).lower().replace("_", ""))


def _legacy(data: bytes, source: str, utf8_failed_at: int) -> tuple[str, str]:
    """The best strict reading as GB18030, Big5 or UTF-16, or ContentError."""
    readings: dict[str, str] = {}
    for encoding in _LEGACY:
        if encoding in _BIG5 and any(name in _BIG5 for name in readings):
            break
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if len(data) % 2 == 0:
        # UTF-16 of text with no ASCII at all has no NUL to tell it by: let it compete.
        for encoding in ("utf-16-le", "utf-16-be"):
            reading = _printable_utf16(data, encoding)
            if reading is not None and _common_count(reading) >= _UTF16_COMMON * len(reading):
                readings[encoding] = reading
    if not readings:
        raise ContentError(source, "not valid UTF-8, GB18030 or Big5", byte=utf8_failed_at)
    scores = {name: _common_count(text) for name, text in readings.items()}
    guess = _guess(data) if len(readings) > 1 else None
    best = max(
        readings,
        key=lambda name: (scores[name], _GUESS_NAMES.get(name) == guess, name == "gb18030"),
    )
    # UTF-8 broken by a stray byte reads as GB18030 or Big5 too, as junk: it is
    # UTF-8 when its lenient reading has as many common hanzi and few faults.
    lenient = data.decode("utf-8", errors="replace")
    faults = lenient.count("\ufffd")
    if faults <= max(1, len(lenient) // 200) and _common_count(lenient) >= scores[best] > 0:
        raise ContentError(source, "not valid UTF-8", byte=utf8_failed_at)
    return readings[best], best
