"""Personal names and office titles, as rosters write them.

``parse_name`` reads the name at a position: two to four characters after a known
surname (more for the Mongolian, Tibetan and Uyghur names rosters also hold),
ending where punctuation, a verb or another title begins. ``TITLE`` matches an
office (``市委书记``, ``常务副市长``, ``政务司司长``) with the organ it belongs to.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_ORG = (
    r"(?:特别行政区政府|特区政府|自治[区州]党委|(?:省|市|区|县|州|旗|盟|地)?党委|(?:省|市|区|县|州|旗|盟|地)委|行署|"
    r"行政公署|"
    # A department named by its work (生态环境厅厅长, 交通运输局局长): no place in it.
    r"[^\s省市县区州盟旗，。、；：“”（）]{2,8}(?:厅(?=副?厅长)|局(?=副?局长))|"
    r"(?:省|市|自治区|区|县)?(?:发改委|发展改革委|发展和改革委员会|发展改革委员会|人大常委会|人大|政协|人民政府|政府)"
    r"|党工委|工委|党组|管委会|"
    r"(?:协同|合作|发展|改革)办(?:公室)?)"
)
# 代市长 is an acting mayor; 政务司司长 a secretary of a special administrative
# region's government (香港特别行政区政府政务司司长).
_ROLE = (
    r"(?:常务)?(?:副|代)?(?:书记|常委|省长|市长|区长|县长|州长|旗长|盟长|师长|主任|主席|秘书长|部长|局长|"
    r"厅长|组长|专员|(?:政务|财政|律政|行政法务|经济财政|保安|社会文化|运输工务)司司长|行政长官)"
)
TITLE = re.compile(rf"{_ORG}?{_ROLE}")
BARE_POST = re.compile(_ROLE)

# What may follow a name: punctuation, or the start of a verb or function word.
_AFTER_NAME = re.compile(
    r"^(?:[\s，。、；：！？（）“”,.;:!?()｜|／/]|$|主持|出席|表示|强调|指出|说|讲|谈|提出|建议|认为|要求|"
    r"汇报|介绍|补充|发言|致辞|讲话|率|带|陪同|会见|等|在|和|与|及|同|对|就|为|也|还|则|首先|随后|"
    r"分别|代表|一行|同志|以|通过|作|做|宣读|签|回顾|总结|希望|表态|先后|参加|参会|共同|围绕|"
    r"一同|出|主|认|称|坦|透露|答|受|应|向|从|于|到|已|将|要|亲自|专门|详细|重点|结合|通报|致|委托|"
    r"指着|当场|看来|回忆|回应|直言|笑着|感慨|举例|呼吁|谈到|提到|告诉|随即|接着)"
)


_CLOSES_NAME = re.compile(r"^(?:[，。、；（）｜|／/]|$)")
LIST_AFTER_NAME = re.compile(r"^[，、；,｜|／/]")
_ATTENDS = re.compile(r"^(?:出席|参加)")
# Uyghur, Kazakh and other names written with a middle dot (买买提江·阿不都热依木):
# the parts before the last dot; where the last part ends is read from what follows.
_DOTTED_HEAD = re.compile(r"[\u4e00-\u9fff]{2,8}·(?:[\u4e00-\u9fff]{2,8}·)?")


def _dotted_name(text: str, start: int, title_starts: frozenset[int]) -> str | None:
    """The dotted name at ``text[start:]``: no part holds a word a name is followed by
    (张三出席中国·东盟博览会 is no name), and the last part is the longest such
    that what follows it may follow a name (热依汗古丽·吐尔逊出席, 努尔兰·买买提出席)."""
    head = _DOTTED_HEAD.match(text, start)
    if head is None or _holds_follower(text[start : head.end()].replace("·", "")):
        return None
    for end in range(min(len(text), head.end() + 8), head.end() + 1, -1):
        last = text[head.end() : end]
        if not is_cjk(last) or _holds_follower(last):
            continue
        if _AFTER_NAME.match(text[end : end + 4]) or end in title_starts:
            return text[start:end]
    return None


def _holds_follower(part: str, first: int = 1) -> bool:
    """Whether a word that follows names starts inside ``part``, at ``first`` or later
    (past its surname by default)."""
    return any(_AFTER_NAME.match(part[k:]) for k in range(first, len(part)))


# What follows a name that ends in 和 (巴图孟和主持会议, 朝鲁孟和); not 出席 or 参加
# (王小明和参加会议的企业代表座谈: 王小明 and the others).
_AFTER_LINKED_NAME = re.compile(r"^(?:主持|表示|指出|强调|致辞|讲话|说|发言|介绍|提出)")
_SPEAKS = re.compile(r"^(?:表示|说|指出|强调|介绍|提出|认为|发言|致辞)")
# A note bracketed after a name (格桑拉姆（女）, 吾买尔（维吾尔族）) closes it as punctuation does.
_NOTE_AFTER_NAME = re.compile(r"^[（(](?:女|男|[\u4e00-\u9fff]{1,4}族)[）)]")
# Characters that seldom end a name and often follow one: 孙立在发言中表示 is 孙立,
# 贺川等出席 is 贺川, where the shorter reading is a name too.
_SELDOM_LAST = frozenset("在等也还将要向从就")
_PRONOUNS = frozenset("您你我他她它咱")
# Verbs of speech that end no name: 黄静说 is 黄静 speaking.
_SPEECH_CHARACTERS = frozenset("说讲谈称")


@functools.lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    text = resources.files("policybriefs").joinpath("data", "surnames.txt").read_text("utf-8")
    single: set[str] = set()
    compound: set[str] = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) == 2:
            compound.add(line)
        else:
            single.update(line)
    return frozenset(single), frozenset(compound)


def surname_of(name: str) -> str:
    """The surname a name starts with: a compound one (欧阳) from the table, else its
    first character."""
    _, compound = surnames()
    return name[: 2 if name[:2] in compound else 1]


def is_cjk(text: str) -> bool:
    return bool(text) and all("\u3400" <= c <= "\u9fff" for c in text)


def parse_name(text: str, start: int, title_starts: frozenset[int] = frozenset()) -> str | None:
    """The 2–4 character personal name at ``text[start:]``, or None.

    ``title_starts`` are positions where another title begins: a name may end
    there even without punctuation (``市长张孝成蚌埠市委书记…``).
    """
    dotted = _dotted_name(text, start, title_starts)
    if dotted:
        return dotted
    single, compound = surnames()
    head = text[start : start + 2]
    known = head in compound or head[:1] in single
    lengths: tuple[int, ...] = (4, 3) if head in compound else (3, 2)
    four = text[start : start + 4]
    after_four = text[start + 4 : start + 8]
    # Names of four characters (many Mongolian and Tibetan ones) hold no word a name
    # is followed by (旺堆表示 is no name).
    four_ok = (
        head not in compound
        and len(four) == 4
        and is_cjk(four)
        and not TITLE.match(four[1:])
        and not _holds_follower(four, first=1 if known else 0)
    )
    if four_ok or (head not in compound and four[3:] == "和"):
        # Where the three-character reading would end before a linking word (巴图孟和),
        # or, for a surname the table lacks, where punctuation closes all four.
        linked = four[3:] == "和" and bool(_AFTER_LINKED_NAME.match(after_four))
        # A list goes on after a name of a surname the table lacks (萨仁图雅，); a full
        # stop ends a clause whose last words are no name (各地市长高度评价。).
        listed = bool(LIST_AFTER_NAME.match(after_four) or _NOTE_AFTER_NAME.match(after_four))
        if (known and linked) or (not known and four_ok and listed):
            return four
    for length in lengths:
        candidate = text[start : start + length]
        if len(candidate) != length or not is_cjk(candidate) or TITLE.match(candidate[1:]):
            continue
        rest = text[start + length : start + length + 4]
        if length == 3 and candidate[2] in _SPEECH_CHARACTERS:
            continue  # 黄静说，: the name is 黄静
        if length == 3 and candidate[2] in _SELDOM_LAST and known:
            shorter = text[start + 2 : start + 6]
            if _AFTER_NAME.match(shorter):
                continue
        if known and (_AFTER_NAME.match(rest) or start + length in title_starts):
            return candidate
        # A rarer surname (or none: 旺堆, 扎西次仁): only where punctuation closes the
        # name and it holds no word a name is followed by (县长现场介绍, 市长随即表示).
        if not known and (candidate[0] in _PRONOUNS or _holds_follower(candidate, first=0)):
            continue  # 林书记您好。
        if not known and _CLOSES_NAME.match(rest):
            return candidate
        # Three characters before a verb of speaking (副盟长其木格表示): a name, where
        # two might be an adverb (市长随即表示).
        if not known and length == 3 and _SPEAKS.match(rest):
            return candidate
    # Four characters before 出席 or 参加, where no shorter reading is a name
    # (副市长德吉卓玛参加会议), or four or five that punctuation closes, when no
    # shorter reading ends where a name can (市长吉日木图，, 旗长巴特尔朝鲁，).
    if four_ok and (
        _ATTENDS.match(after_four)
        or LIST_AFTER_NAME.match(after_four)
        or _NOTE_AFTER_NAME.match(after_four)
    ):
        return four
    five = text[start : start + 5]
    if (
        four_ok
        and len(five) == 5
        and is_cjk(five)
        and not TITLE.search(five)
        and not _holds_follower(five, first=1 if known else 0)
        and LIST_AFTER_NAME.match(text[start + 5 : start + 6])
    ):
        return five
    return None
