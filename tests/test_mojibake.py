"""GBK misalignment repair: real damaged runs, runs made here, clean text, properties."""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policybriefs.models import LOST_MARK, Edit
from policybriefs.normalize.mojibake import repair_gbk_misalignment

# An article of our own that uses 山海 elsewhere, as the real page did.
CONTEXT = (
    "會上，五市黨政主要領導就山海協(xié)作、產業鏈對接進行深入交流。\n"
    "大家一致表示，要推動山海聯(lián)動，做深做實新時代山海協作。\n"
    "借鑒“廈明山??叼B(yǎng)卡”做法，由五地市共同發行“閩西南山??叼B(yǎng)卡”。\n"
)

# The farm's runs as scraped, with the text around them, and the repair.
REAL = [
    (
        "借鑒“廈明山??叼B(yǎng)卡”做法",
        "借鑒“廈明山海康養(yǎng)卡”做法",
        [("mojibake-inferred", "?", "海"), ("mojibake", "?叼B", "康養")],
    ),
    (
        "兩岸要加強交流?!瓣懧方煌ɑヂ摶ネā笔侵攸c。",
        "兩岸要加強交流。“陸路交通互聯互通”是重點。",
        [
            ("mojibake-inferred", "?", "。"),
            ("mojibake", "!瓣懧方煌ɑヂ摶ネā笔侵攸c", "“陸路交通互聯互通”是重點"),
        ],
    ),
    (
        "攜手推進?;浉郯拇鬄硡^建設",
        "攜手推進。粵港澳大灣區建設",
        [("mojibake-inferred", "?", "。"), ("mojibake", ";浉郯拇鬄硡^", "粵港澳大灣區")],
    ),
    (
        "推動跨市域?l展",  # 發 = b0 6c: only its trail byte "l" is left; 發展 is listed
        "推動跨市域發展",
        [("mojibake-inferred", "?l", "發")],
    ),
    (
        "共同打造工程?C械、軌道交通",  # 機 = 99 43: nothing points to one character
        "共同打造工程□械、軌道交通",
        [("unrecoverable", "?C", LOST_MARK)],
    ),
    (
        "王?明說，項目年底完工。",  # a name character the page could not hold
        "王□明說，項目年底完工。",
        [("unrecoverable", "?", LOST_MARK)],
    ),
    (
        "李\ufffd華表示",
        "李□華表示",
        [("unrecoverable", "\ufffd", LOST_MARK)],
    ),
]


def _check_offsets(text: str, edits: list[Edit]) -> None:
    for edit in edits:
        assert text[edit.offset : edit.offset + len(edit.after)] == edit.after, edit


@pytest.mark.parametrize(("damaged", "repaired", "expected"), REAL)
def test_real_runs(damaged: str, repaired: str, expected: list[tuple[str, str, str]]) -> None:
    text, edits = repair_gbk_misalignment(damaged, paragraph=3, context=CONTEXT)
    assert text == repaired
    assert [(e.kind, e.before, e.after) for e in edits] == expected
    assert all(e.paragraph == 3 for e in edits)
    _check_offsets(text, edits)


def test_inferred_character_says_how() -> None:
    _, edits = repair_gbk_misalignment(REAL[0][0], paragraph=0, context=CONTEXT)
    assert "山海" in edits[0].note and "article" in edits[0].note
    _, edits = repair_gbk_misalignment(REAL[1][0], paragraph=0, context=CONTEXT)
    assert "sentence end" in edits[0].note


def test_annotation_stays_behind_the_recovered_character() -> None:
    text, _ = repair_gbk_misalignment("山??叼B(yǎng)卡", paragraph=0, context=CONTEXT)
    assert text == "山海康養(yǎng)卡"


def test_lost_character_without_evidence_is_marked() -> None:
    # 今 lost its lead byte; nothing around points to one character with its trail byte.
    damaged = "記者從市發展和改革委員會獲悉，?衲陮⑿麻_工一批重大項目。"
    text, edits = repair_gbk_misalignment(damaged, paragraph=0)
    assert text == "記者從市發展和改革委員會獲悉，□年將新開工一批重大項目。"
    assert [(e.kind, e.before, e.after) for e in edits] == [
        ("unrecoverable", "?", LOST_MARK),
        ("mojibake", "衲陮⑿麻_", "年將新開"),
    ]
    assert "trail byte" in edits[0].note


# -- runs made here --------------------------------------------------------------

SENTENCES = [
    "閩西南五市將攜手打造區域重要增長極，共同推進產業鏈協作。",
    "廈門市委書記表示，要進一步解放思想，充分發揮龍頭示範作用。",
    "會議審議通過了協同發展區平臺建設總體方案和重大工程清單。",
    "雙方簽署了旅遊合作框架協議，將聯合發行區域旅遊年卡。",
    "要著力促進基礎設施協同，暢通區域聯通主幹路網和高快速通道。",
    "泉州將發揮城市化發動機作用，大力推進跨市域融合發展。",
    "漳州將念好新時代山海經，加快推進各具特色的區域發展。",
    "粵港澳大灣區建設是國家重大發展戰略，香港和澳門要積極融入。",
    "兩岸要加強交流，陸路交通互聯互通是重點工作。",
    "他強調，要持續推動教育、醫療、社會保障等民生事業均衡發展。",
    "記者從市發展和改革委員會獲悉，今年將新開工一批重大項目。",
    "長三角一體化發展取得明顯成效，區域經濟總量穩步提高。",
    "福州和寧德將聯合申報國家級海洋經濟發展示範區。",
    "省委副書記主持會議並講話，五市黨政主要領導出席。",
    "要加快構建現代化產業體系，提升產業集群的規模經濟效益。",
    "會議指出，要進一步密切城市間聯繫，共同培育對外開放新優勢。",
    "國務院批復同意設立海峽兩岸集成電路產業合作試驗區。",
    "深圳和汕頭將深化對口幫扶，在產業轉移方面加強合作。",
]


def _asciify(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)


def damage(sentence: str, start: int, end: int) -> str:
    """The farm's damage to ``sentence[start:end]``: GBK read one byte late, then ASCII."""
    shifted = sentence[start:end].encode("gbk")[1:].decode("gbk", errors="replace")
    return sentence[:start] + "?" + _asciify(shifted.replace("\ufffd", "?")) + sentence[end:]


def _verdict(original: str, text: str, edits: list[Edit]) -> str:
    """exact, marked (some characters □), wrong (a realigned character is not the
    original one), or missed (damage left as it was)."""
    want, got = _asciify(original), _asciify(text)
    if got == want:
        return "exact"
    realigned = {e.offset + k for e in edits if e.kind == "mojibake" for k in range(len(e.after))}
    if len(got) == len(want):
        if any(got[k] != want[k] for k in realigned):
            return "wrong"
        inferred = {e.offset for e in edits if e.kind == "mojibake-inferred"}
        if all(
            g in (w, LOST_MARK) or k in inferred
            for k, (g, w) in enumerate(zip(got, want, strict=True))
        ):
            return "marked"
    elif any(_asciify(e.after) not in want for e in edits if e.kind == "mojibake"):
        return "wrong"
    return "missed"


MADE = [
    # (sentence, span damaged, repair): realigned, lost ends chosen or marked
    (7, 0, 6, "粵港澳大灣區建設是國家重大發展戰略，香港和澳門要積極融入。"),
    (8, 9, 15, "兩岸要加強交流，陸路交通互聯互通是重點工作。"),
    (8, 9, 18, "兩岸要加強交流，陸路交通互聯互通是□點工作。"),
    (12, 3, 12, "福州和寧德將聯合申報國家級海洋經濟發展示範區。"),
    (10, 6, 12, "記者從市發展□改革委員會獲悉，今年將新開工一批重大項目。"),
    (16, 0, 6, "□務院批復□意設立海峽兩岸集成電路產業合作試驗區。"),
    (17, 18, 24, "深圳和汕頭將深化對口幫扶，在產業轉移□面加強合作。"),
]


@pytest.mark.parametrize(("index", "start", "end", "repaired"), MADE)
def test_made_runs(index: int, start: int, end: int, repaired: str) -> None:
    sentence = SENTENCES[index]
    damaged = damage(sentence, start, end)
    assert damaged != sentence
    context = "\n".join(s for s in SENTENCES if s != sentence)
    text, edits = repair_gbk_misalignment(damaged, paragraph=0, context=context)
    assert _asciify(text) == _asciify(repaired)
    assert any(e.kind == "mojibake" for e in edits)
    _check_offsets(text, edits)


def test_made_runs_are_never_misread() -> None:
    """Every span of 3 to 12 characters damaged in turn: no realigned character is
    ever wrong, most damage is repaired or marked, lost characters rarely guessed wrong."""
    counts = {"exact": 0, "marked": 0, "wrong": 0, "missed": 0}
    guesses = wrong_guesses = 0
    for sentence in SENTENCES:
        context = "\n".join(s for s in SENTENCES if s != sentence)
        for start in range(0, len(sentence) - 3, 2):
            for length in (3, 5, 8, 12):
                end = min(len(sentence), start + length)
                damaged = damage(sentence, start, end)
                text, edits = repair_gbk_misalignment(damaged, paragraph=0, context=context)
                _check_offsets(text, edits)
                verdict = _verdict(sentence, text, edits)
                counts[verdict] += 1
                if len(text) == len(sentence):
                    for e in edits:
                        if e.kind == "mojibake-inferred":
                            guesses += 1
                            wrong_guesses += _asciify(sentence[e.offset]) != _asciify(e.after)
    total = sum(counts.values())
    assert counts["wrong"] == 0, counts
    assert counts["exact"] + counts["marked"] >= 0.55 * total, counts
    assert guesses and wrong_guesses <= 0.1 * guesses, (guesses, wrong_guesses)


# -- clean text --------------------------------------------------------------------

CLEAN = [
    "閩西南協同發展區聯席會議第三次會議在泉州舉行。",
    "闽西南协同发展区联席会议第三次会议在泉州举行。",
    "怎么办?我们要一起想办法。",
    "是否同意这个方案?同意的请举手。",
    "你知道吗?这条高铁年底就要通车了。",
    "这项工作做得怎么样?大家心里有数。",
    "今年到底能建成多少?还要看资金到位情况。",
    "他问:“真的能按期完工?”",
    "项目什么时候开工?",
    "谁来牵头?由厦门市牵头。",
    "哪些城市参加?五个城市都参加。",
    "為什麼要協同發展?因為單打獨鬥走不遠。",
    "好吗??当然好!",
    "今年一季度全市GDP同比增长8.5%，其中5G基站新建1200个。",
    "市民可通过APP查询PM2.5实时数据，也可以拨打12345热线。",
    "What?这个英文问号前是ASCII。",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_unchanged(text: str) -> None:
    assert repair_gbk_misalignment(text, paragraph=0, context="\n".join(CLEAN)) == (text, [])


def test_genuine_question_mark_before_clean_text_everywhere() -> None:
    """A question mark after an interrogative, before every clean sentence here."""
    for sentence in SENTENCES + CLEAN[:2]:
        for asking in ("是否可行?", "怎么办?", "他来吗?", "做多少?"):
            text = asking + sentence
            out, edits = repair_gbk_misalignment(text, paragraph=0)
            assert out == text, edits


def test_fast_on_clean_text() -> None:
    clean = "".join(SENTENCES) * 200  # about 0.6 MB, no "?": returned at once
    with_questions = ("是否可行?" + "".join(SENTENCES[:4])) * 200  # about 0.3 MB
    began = time.perf_counter()
    assert repair_gbk_misalignment(clean, paragraph=0)[0] == clean
    assert repair_gbk_misalignment(with_questions, paragraph=0)[0] == with_questions
    assert time.perf_counter() - began < 2.0


# -- properties ------------------------------------------------------------------

DAMAGE_ALPHABET = list(
    "山海康養卡叼瓣懧方煌ɑヂ浉郯拇鬄硡的是了吗呢什么是否王明說，。！？；：“”（）《》"
    "??????\ufffdBIl2019 ()yǎng,;!□"
)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(max_size=50))
def test_never_raises(text: str, context: str) -> None:
    out, edits = repair_gbk_misalignment(text, paragraph=None, context=context)
    _check_offsets(out, edits)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(DAMAGE_ALPHABET), max_size=40).map("".join))
def test_idempotent(text: str) -> None:
    once, edits = repair_gbk_misalignment(text, paragraph=0, context=CONTEXT)
    _check_offsets(once, edits)
    assert repair_gbk_misalignment(once, paragraph=0, context=CONTEXT) == (once, [])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, len(SENTENCES) - 1),
    st.integers(0, 40),
    st.integers(2, 14),
)
def test_idempotent_on_made_runs(index: int, start: int, length: int) -> None:
    sentence = SENTENCES[index]
    start = min(start, len(sentence) - 2)
    damaged = damage(sentence, start, min(len(sentence), start + length))
    once, _ = repair_gbk_misalignment(damaged, paragraph=0, context=CONTEXT)
    assert repair_gbk_misalignment(once, paragraph=0, context=CONTEXT) == (once, [])


_HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_CJK_PUNCT = st.sampled_from(list("，。、；：！？“”《》（）"))
# GB2312 level 1: the 3,755 characters of ordinary text. A genuine question mark
# followed by a run of rare characters (労乖丠) cannot be told from a broken run.
_COMMON_HANZI = st.sampled_from(
    [
        bytes([lead, trail]).decode("gb2312")
        for lead in range(0xB0, 0xD8)
        for trail in range(0xA1, 0xFF)
        if (lead, trail) < (0xD7, 0xFA)
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_HANZI, _CJK_PUNCT), max_size=80).map("".join))
def test_clean_cjk_text_unchanged(text: str) -> None:
    assert repair_gbk_misalignment(text, paragraph=0, context=text) == (text, [])


@settings(max_examples=200, deadline=None)
@example([("啊", "吗"), ("蓟靶靶", "吗")])  # shifted, 蓟靶靶吗 reads as 话邪新, all common
@given(
    st.lists(
        st.tuples(
            st.lists(_COMMON_HANZI, min_size=1, max_size=12).map("".join),
            st.sampled_from(["吗", "呢", "什么", "谁", "哪里", "是否可行", "多少", "几个"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_questions_are_kept(clauses: list[tuple[str, str]]) -> None:
    text = "".join(f"{words}{asking}?" for words, asking in clauses)
    assert repair_gbk_misalignment(text, paragraph=0) == (text, [])


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("会议指锟斤拷，近年来", "会议指□，近年来"),
        ("锟斤拷锟斤拷会议指锟斤拷，座?会", "□□会议指□，座□会"),
        # With a realigned run before it, each edit still points at its own text.
        ("借鑒“廈明山??叼B(yǎng)卡”做法锟斤拷", "借鑒“廈明山海康養(yǎng)卡”做法□"),
    ],
)
def test_replacement_characters_read_as_gbk_are_marked_lost(damaged: str, repaired: str) -> None:
    text, edits = repair_gbk_misalignment(damaged, paragraph=0, context=CONTEXT)
    assert text == repaired
    for edit in edits:
        assert text[edit.offset : edit.offset + len(edit.after)] == edit.after
    assert [e.before for e in edits if e.after == LOST_MARK].count("锟斤拷") == damaged.count(
        "锟斤拷"
    )
