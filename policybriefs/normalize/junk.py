"""Page chrome and spam that scrapers keep: whole lines and pasted host names.

Lines are judged on their Simplified form, so one rule serves pages in
either script. Rules only fire on short lines (chrome is short) except the
spam rule, which needs several signals at once.
"""

from __future__ import annotations

import re

from ..models import Edit
from .edits import delete

SHORT_LINE = 80  # chrome lines are short; a body paragraph that quotes "上一篇" is not

# Page chrome found anywhere in a short line. Each alternative starts with a
# character of _CHROME_FIRST: the look-ahead lets the scan skip every other
# position, where trying all the alternatives made this the slowest check of a
# clean paragraph (15 µs for a 50-character line, under 3 µs now). Case is
# ignored as Python's re ignores it, so the look-ahead's I also takes İ and ı.
_CHROME_ANYWHERE = (
    r"您(?:现在)?的?位置|当前位置|首页\s*[>›»＞]",
    r"打印本页|关闭窗口|列印本页|关闭视窗|【\s*打印\s*】|【\s*关闭\s*】|加入收藏|收藏本页|设为首页",
    r"字号\s*[:：]|字体\s*[:：]",
    r"ICP\s*备|ICP\s*证|公网安备|版权所有|Copyright|©|\(c\)\s*\d{4}",
    r"如有侵权.{0,12}删除|侵权请?联系.{0,12}删除|转载(?:自|于)网络",
    r"扫一扫|扫描二维码|二维码|分享到|微信扫|手机(?:打开|浏览|阅读)",
    r"发表评论|网友评论|我要评论|条评论|评论\s*[(（]\d+[)）]",
)
_CHROME_FIRST = "您当首打关列【加收设字IC公版©(如侵转扫二分微手发网我条评"
_CHROME = re.compile(
    f"(?=[{re.escape(_CHROME_FIRST)}])(?:{'|'.join(_CHROME_ANYWHERE)})", re.IGNORECASE
)
# Page chrome that makes up the start of a line: tried there only, on the stripped line.
_CHROME_AT_START_ALTERNATIVES = (
    r"[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小",
    r"[【\[]?\s*(?:免责声明|版权声明)",
    # An advertisement's label, or the site's own recommendations (※ 本站推荐：…).
    r"[※★☆●◆■▲►]?\s*[【\[]\s*(?:广告|推广)\s*[】\]]|[※★☆●◆■▲►]?\s*(?:本站推荐|站长推荐|友情链接)",
    r"(?:广告|推广)\s*$|(?:打开|下载)\s*(?:APP|App|app|客户端)|(?:阅读|查看)更多精彩内容",
    r"相关链接|相关新闻|相关阅读|更多(?:新闻|阅读)?\s*[>»＞]+|推荐阅读|热点推荐|热门推荐",
    r"上一篇|下一篇|上一条|下一条",
    r"评论\s*$",
    # A breadcrumb trail (潮汕在线 > 新闻 > 本地要闻), with or without 首页.
    r"[^\s>›»＞]{1,12}(?:\s*[>›»＞]\s*[^\s>›»＞]{1,12}){2,}\s*$",
    r"[【\[（(]?\s*(?:责任编辑|编辑|审核|校对|作者|来源|发布时间|发布日期|浏览次数|点击数|阅读数|时间|日期)"
    r"\s*[:：]",
    r"点击关注|点击上方|点击(?:查看|阅读|进入)|欢迎关注|关注我们|长按(?:识别|关注|二维码)",
    # A post's footer: ———— END ————, 阅读 10万+ 在看 2315.
    r"[—\-=_~\s]*END[—\-=_~\s]*$",
    r"阅读\s*[\d.]+万?\+?\s*(?:在看|点赞)",
    r"</?[a-zA-Z][^>]*>\s*$",
    r"[\w-]+\.(?:jpg|jpeg|png|gif|webp|bmp)\s*$",
    r"\[\s*详细\s*[>》＞]*\s*\]\s*$",
    # A post's byline: its account, date and place (兰州发布 2024-05-20 08:30 发表于甘肃).
    r"(?:[^\s，。]{1,20}\s+){1,2}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2})?\s*(?:发表于\S{0,10})?$",
    r"分享\s*[·•]\s*收藏|点赞\s*[·•]?\s*在看",
    # A dateline, alone or with the page's source (2024年3月22日 08:15  来源：某报).
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"\s*(?:(?:来源|作者|编辑|发布者?)\s*[:：].*)?$",
)
_CHROME_AT_START = re.compile("|".join(_CHROME_AT_START_ALTERNATIVES), re.IGNORECASE)
_SPAM_WORDS = re.compile(
    r"代理|代写|发票|彩票|博彩|贷款|网址|官网|注册|下载|免费|优惠|加微信|微信号|QQ|点击|娱乐|开户|"
    r"推广|客服|领取|获取|养生|理财|月入|赚钱|公众号|扫码|私信|秒杀|包邮|限时|诚招|加盟|"
    r"急售|首付|转发|朋友圈|抽奖|红包|小编|截图|咨询微信|微信[:：]?\s*[A-Za-z0-9_-]{5,}|"
    r"名额有限|详询|低至|抢购"
)
_HOST = re.compile(
    r"\s*(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]{1,40}(?:\.[a-z0-9-]{1,40})*"
    r"\.(?:com|cn|net|org|info|cc|top|xyz|vip)(?:\.cn)?(?:/[\w./-]*)?\s*",
    re.IGNORECASE,
)
_TOP_LEVEL_DOMAIN = re.compile(r"\.(?:com|cn|net|org|info|cc|top|xyz|vip)", re.IGNORECASE)
_NON_ASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")
_LATIN_OR_SYMBOL = re.compile(r"[A-Za-z0-9\s|/\\:_.=&?#%-]")


def _latin_bound(line: str) -> int:
    """At least the number of _LATIN_OR_SYMBOL characters, counted in C: every
    character beyond ASCII takes two to four bytes in UTF-8."""
    beyond_ascii = -(-(len(line.encode("utf-8")) - len(line)) // 3)
    return len(line) - beyond_ascii + len(_NON_ASCII_SPACE.findall(line))


# A heading over a list of links to other articles; the headlines below it are
# short and end without a full stop, and they promise things too (贵阳力争三年建成…).
_LINK_LIST_HEADING = re.compile(
    r"^[【\[]?\s*(?:相关阅读|相关新闻|相关链接|相关报道|推荐阅读|延伸阅读|热点推荐|热门推荐|更多阅读|往期回顾|往期推荐|猜你喜欢)"
    r"\s*[】\]]?\s*[:：]?\s*$"
)
LINK_LIST_ITEM_MAX = 40


def opens_link_list(simplified_line: str) -> bool:
    return bool(_LINK_LIST_HEADING.match(simplified_line.strip()))


def is_link_list_item(simplified_line: str) -> bool:
    """A headline in a list of links: short, and not a sentence that ends."""
    line = simplified_line.strip()
    if _SECTION_HEADING.match(line):
        return False  # 一、会议概况: the article goes on (1. 雅安：… under the heading is a link)
    if len(line) > LINK_LIST_ITEM_MAX:
        return False
    # A bulleted headline may end as a sentence does (▶ 西安至延安高铁最新进展来了！).
    return line.startswith(_BULLETS) or not line.endswith(("。", "！", "？", "”"))


_BULLETS = ("▶", "►", "▸", "•", "·", "●", "◆", "■", "▪", "→")
_SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def is_junk_line(simplified_line: str) -> str | None:
    """Why ``simplified_line`` is page chrome or spam, or None if it is text."""
    return chrome_or_spam_reason(simplified_line) or link_reason(simplified_line)


def chrome_or_spam_reason(simplified_line: str) -> str | None:
    """The rules that read words, so need the Simplified form: page chrome, spam."""
    line = simplified_line.strip()
    if len(line) <= SHORT_LINE and (_CHROME_AT_START.match(line) or _CHROME.search(line)):
        return "page chrome"
    return spam_reason(line)


def spam_reason(simplified_line: str) -> str | None:
    """ "spam" when the line piles up advertising words; needs the Simplified form."""
    if len(set(_SPAM_WORDS.findall(simplified_line))) >= 3:
        return "spam"
    return None


def link_reason(line: str) -> str | None:
    """Why ``line`` is a bar of links or a bare host name; script plays no part."""
    line = line.strip()
    if line.count("|") >= 3 and len(line) <= 200:
        return "spam"
    if len(line) < 4 or "." not in line or _latin_bound(line) <= 0.8 * len(line):
        return None  # no host name, or a body paragraph: mostly Chinese, so no bare link
    latin = len(_LATIN_OR_SYMBOL.findall(line))
    if latin / len(line) > 0.8 and _HOST.search(line):
        return "link"
    return None


def strip_host_names(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    """Remove a farm's host name pasted into the text (often into the byline)."""
    # _HOST may start at any space, which makes its scan slow; most paragraphs
    # have no top-level domain at all.
    if "." not in text or not _TOP_LEVEL_DOMAIN.search(text):
        return text, []
    return delete(text, _HOST, kind="junk-text", paragraph=paragraph, note="host name")


_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]+")


def strip_invisible(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    return _strip(text, _INVISIBLE, paragraph=paragraph, note="invisible characters")


# Emoji a post sprinkles through its text (📢, 🎁, ⬆️): no article's words.
# Not ★ ☆ (U+2605, 2606) or ❶–➓ (U+2776–2793), which pages use as bullets and numbers.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u2604\u2607-\u26ff\u2700-\u2775\u2794-\u27bf"
    "\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\ufe0f\u20e3]+"
)


def strip_emoji(text: str, *, paragraph: int | None) -> tuple[str, list[Edit]]:
    return _strip(text, _EMOJI, paragraph=paragraph, note="emoji")


def _strip(
    text: str, pattern: re.Pattern[str], *, paragraph: int | None, note: str
) -> tuple[str, list[Edit]]:
    """``text`` without ``pattern``'s matches, recorded as junk text. Searched first:
    most paragraphs have none, and delete() builds a list and a copy."""
    if not pattern.search(text):
        return text, []
    return delete(text, pattern, kind="junk-text", paragraph=paragraph, note=note)
