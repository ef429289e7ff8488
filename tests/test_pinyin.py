from __future__ import annotations

import pytest

from policybriefs.normalize.pinyin import is_reading_of, strip_pinyin_annotations

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
