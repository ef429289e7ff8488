from __future__ import annotations

import subprocess
import sys

import pytest

from policybriefs.normalize.pinyin import (
    character_readings,
    is_reading_of,
    strip_pinyin_annotations,
    toned_readings,
)

CASES = [
    ("閩西南協(xié)同發(fā)展區(qū)", "閩西南協同發展區", 3),
    ("會(huì )議", "會議", 1),  # a space before ")"
    ("地(di)方", "地方", 1),  # toneless
    ("閩(mǐn)南", "閩南", 1),
    ("率(lǜ)先", "率先", 1),
    (
        "(廈門日報記者 蔡鎮(zhèn)金)",
        "(廈門日報記者 蔡鎮金)",
        1,
    ),  # a real parenthesis keeps its text
    ("下載(APP)應用", "下載(APP)應用", 0),  # Latin in parentheses is not a reading
    ("協(fā)同", "協(fā)同", 0),  # fā is not a reading of 協
    ("山??叼B(yǎng)卡", "山??叼B卡", 1),  # annotation left on a damaged base
    ("日?qǐng)?bào)", "日??", 2),  # orphans whose base was swallowed
    ("中國(guó)", "中國", 1),
]


@pytest.mark.parametrize(("damaged", "clean", "edits"), CASES)
def test_strip_pinyin_annotations(damaged: str, clean: str, edits: int) -> None:
    text, made = strip_pinyin_annotations(damaged, paragraph=0)
    assert text == clean
    assert len(made) == edits
    assert all(e.kind == "pinyin" for e in made)


@pytest.mark.parametrize(
    ("annotation", "char", "valid"),
    [
        ("xié", "協", True),
        ("xie", "協", True),
        ("xie2", "協", True),
        ("fā", "發", True),
        ("bō", "發", True),
        ("fa", "協", False),
        ("lǜ", "率", True),
        ("shuài", "率", True),
    ],
)
def test_is_reading_of(annotation: str, char: str, valid: bool) -> None:
    assert is_reading_of(annotation, char) is valid


def test_offsets_point_at_the_kept_character() -> None:
    text, made = strip_pinyin_annotations("推動協(xié)同", paragraph=2)
    assert made[0].paragraph == 2
    assert text[made[0].offset] == "協"


@pytest.mark.parametrize(
    ("char", "readings"),
    [
        ("行", {"xíng", "háng", "hàng", "héng", "xìng"}),
        ("重", {"zhòng", "chóng", "tóng"}),
        ("地", {"de", "dì"}),
        ("閩", {"mǐn"}),
        ("嗯", {"ń", "ńg", "ň", "ňg", "ǹ", "ǹg"}),  # syllables with no vowel
        ("𠀀", {"hē"}),  # beyond the BMP
        ("a", set()),
        ("", set()),
        ("中国", set()),  # one character only
    ],
)
def test_toned_readings(char: str, readings: set[str]) -> None:
    assert toned_readings(char) == readings


def test_character_table_reads_as_pypinyin_does() -> None:
    """The table read from pypinyin's data file gives each character the readings
    ``pypinyin.pinyin`` gives it, for every character of the table and of the
    CJK blocks: reading the file is only a way not to load the phrases."""
    from pypinyin import Style, pinyin

    codes = set(character_readings()) | set(range(0x3400, 0xA000)) | set(range(0xF900, 0xFB00))
    differing = []
    for code in sorted(codes):
        char = chr(code)
        expected = {
            r.lower()
            for g in pinyin(char, heteronym=True, style=Style.TONE, errors="ignore")
            for r in g
        }
        if toned_readings(char) != expected:
            differing.append(char)
    assert len(codes) > 40_000
    assert differing == []


def test_normalizing_loads_no_phrase_table() -> None:
    """The normalizer reads characters' readings without importing pypinyin, whose
    import loads its 55 MiB phrase table (``serve`` drafts in its own process)."""
    script = (
        "import sys\n"
        "from policybriefs.normalize.pinyin import strip_pinyin_annotations\n"
        "damaged = '閩西南協(xié)同發(fā)展區，日?qǐng)?bào)'\n"
        "text, edits = strip_pinyin_annotations(damaged, paragraph=0)\n"
        "assert text == '閩西南協同發展區，日??', text\n"
        "assert len(edits) == 4, edits\n"
        "print(sorted(m for m in sys.modules if m.startswith('pypinyin')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert done.stdout.strip() == "[]"
