"""The frozen records that flow between the pipeline stages.

Every stage is a function from some of these to others; nothing here holds
behaviour beyond trivial derived properties, so the stages stay testable on
their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

ArticleFormat = Literal["txt", "md"]

# Kinds of normalizer edit, in the order the passes run.
EDIT_KINDS: tuple[str, ...] = (
    "junk-line",  # a whole line of page chrome or spam removed
    "junk-text",  # chrome pasted inside a line (a farm's host name in the byline)
    "mojibake",  # GBK misalignment, or UTF-8 read as GBK, reversed from the bytes
    "mojibake-inferred",  # a lost character chosen from context, constrained by the bytes
    "unrecoverable",  # text the bytes cannot give back, kept visibly as LOST_MARK
    "pinyin",  # an inline reading annotation removed
    "punctuation",  # ASCII punctuation made full-width
    "doubled-punctuation",  # an inserted mark before the real one removed
    "script",  # a Traditional (or stray) character made Simplified
    "correction",  # an editor's correction from front matter
)

# Edits made by the thousand and shown merged by kind on the repair report,
# without context: an editor reviews the others one by one.
ROUTINE_EDIT_KINDS = frozenset({"pinyin", "punctuation", "doubled-punctuation"})

LOST_MARK = "□"
"""Stands in the canonical text for a character that could not be recovered."""


class _Slotted:
    """Pickled as the class and its field values, unpickled through ``__init__``.

    Records held by the thousand (a site's briefs, its pages) take slots: a
    third less memory than a ``__dict__`` each. The field-by-field
    ``__setstate__`` dataclasses gives slotted classes doubled the time to
    load a brief from the cache; calling the class is as fast as before.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return (type(self), tuple(map(self.__getattribute__, self.__slots__)))


@dataclass(frozen=True)
class Edit:
    """One change the normalizer made, so an editor can audit it.

    ``offset`` is the position of ``after`` in the text the pass produced;
    ``paragraph`` indexes the brief's body paragraphs, or is ``None`` for
    lines that were removed or for the title.
    """

    kind: str
    before: str
    after: str
    paragraph: int | None
    offset: int
    note: str = ""
    context: str = ""  # the text around ``after`` right after the pass, for the report

    def __reduce__(self) -> tuple[Callable[..., Edit], tuple[object, ...]]:
        # Pickled as new_edit's arguments: a full brief holds hundreds of edits,
        # and read back as a class and a dict of fields each they took 30 % longer.
        fields = self.__dict__
        return new_edit, (
            fields["kind"],
            fields["before"],
            fields["after"],
            fields["paragraph"],
            fields["offset"],
            fields["note"],
            fields["context"],
        )


_new_object = object.__new__


def new_edit(
    kind: str,
    before: str,
    after: str,
    paragraph: int | None,
    offset: int,
    note: str = "",
    context: str = "",
) -> Edit:
    """``Edit(...)``, built at half the cost, for the normalizer's hot loops.

    A damaged article yields about one edit per ten characters, and a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``;
    filling ``__dict__`` directly gives an equal, equally frozen Edit.
    """
    edit = _new_object(Edit)
    fields = edit.__dict__
    fields["kind"] = kind
    fields["before"] = before
    fields["after"] = after
    fields["paragraph"] = paragraph
    fields["offset"] = offset
    fields["note"] = note
    fields["context"] = context
    return edit


@dataclass(frozen=True, slots=True)
class OfficialCorrection(_Slotted):
    name: str
    city: str | None
    titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommitmentReview(_Slotted):
    """An editor's verdict on one extracted commitment, keyed by paragraph and text."""

    paragraph: int
    match: str
    status: str = "pledged"
    evidence: tuple[tuple[str, str], ...] = ()  # (date, url)
    drop: bool = False
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Corrections(_Slotted):
    officials: tuple[OfficialCorrection, ...] = ()
    paragraph_cities: tuple[tuple[int, str | None], ...] = ()
    commitments: tuple[CommitmentReview, ...] = ()
    text: tuple[tuple[str, str], ...] = ()  # (wrong, right) applied to the normalized text


@dataclass(frozen=True, slots=True)
class ArticleMeta(_Slotted):
    title: str | None = None
    date: dt.date | None = None
    source_url: str | None = None
    meeting: str | None = None
    series: str | None = None
    tags: tuple[str, ...] = ()
    notes_markdown: str = ""
    corrections: Corrections = field(default_factory=Corrections)


@dataclass(frozen=True, slots=True)
class RawArticle(_Slotted):
    """An article as read from content/, decoded but otherwise untouched."""

    source: str  # path relative to the content folder, with forward slashes
    slug: str
    format: ArticleFormat
    encoding: str
    text: str  # the scraped text (the body, for .md)
    meta: ArticleMeta


@dataclass(frozen=True, slots=True)
class NormalizedArticle(_Slotted):
    raw: RawArticle
    title: str  # zh-Hans
    paragraphs: tuple[str, ...]  # zh-Hans body paragraphs, title and chrome excluded
    original_lines: tuple[str, ...]  # the scraped lines, for the "original" view
    edits: tuple[Edit, ...]
    warnings: tuple[str, ...]
    # The body paragraphs as they were before script conversion, so a name's
    # Traditional form can be taken from the source instead of guessed.
    source_paragraphs: tuple[str, ...] = ()
    # Edits per kind, kept when the edits themselves are left in the cache.
    edit_counts: tuple[tuple[str, int], ...] = ()

    @property
    def edit_total(self) -> int:
        return sum(n for _, n in self.edit_counts) if self.edit_counts else len(self.edits)


@dataclass(frozen=True, slots=True)
class Official(_Slotted):
    name: str  # zh-Hans
    city: str | None  # short place name without 市/区 (厦门, 平潭), None for provincial posts
    titles: tuple[str, ...]  # as written, place prefixes included (厦门市委书记)
    reviewed: bool = False
    name_hant: str = ""  # the Traditional form, from the source when it was Traditional


@dataclass(frozen=True, slots=True)
class Attribution(_Slotted):
    """A run of sentences in one paragraph, spoken for one city (None: the meeting)."""

    paragraph: int
    start: int  # character offsets in the paragraph
    end: int
    city: str | None
    speaker: str | None
    reviewed: bool = False


@dataclass(frozen=True, slots=True)
class Section(_Slotted):
    """The part of the brief that speaks for one city (or for the meeting, city None)."""

    city: str | None
    speakers: tuple[str, ...]
    paragraphs: tuple[int, ...]
    parts: tuple[Attribution, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity(_Slotted):
    kind: str  # document, slogan, project, quantity, deadline
    text: str


# Commitment.specificity's: made once, not on each of the thousands of calls a
# page with many promises makes.
_SPECIFICITY_WEIGHTS = {"quantity": 2, "deadline": 2, "project": 2, "document": 1, "slogan": 1}


@dataclass(frozen=True, slots=True)
class Commitment(_Slotted):
    city: str | None
    speaker: str | None
    text: str
    paragraph: int
    sentence: int
    kind: str  # pledge, directive, principle, proposal, joint
    partners: tuple[str, ...] = ()
    entities: tuple[Entity, ...] = ()
    status: str = "pledged"
    evidence: tuple[tuple[str, str], ...] = ()
    reviewed: bool = False

    @property
    def specificity(self) -> int:
        """Concrete anchors count more than slogans: a score from 0 upward."""
        weights = _SPECIFICITY_WEIGHTS
        return sum(weights.get(e.kind, 0) for e in self.entities)


@dataclass(frozen=True, slots=True)
class ListingKeys(_Slotted):
    """Digests of what each kind of page that lists a brief shows of it, set on
    the light brief, so an edit redraws only the listings that show what changed:
    a promise added for one city redraws that city's page, not the pages of every
    city and project the brief names. Held by every brief of a site at once, so
    in one string of bytes: at N = 10,000 (13 names a brief) pairs of a name and
    a hex digest took 26 MiB, this takes under 5."""

    # The cities the brief's promises are for, then the projects they name, each
    # sorted: the same strings as the commitments', shared with them in a pickle.
    names: tuple[str, ...]
    cities: int  # how many of ``names`` are cities
    # DIGEST_SIZE bytes each: the head (slug, title, meeting, date: every listing
    # shows these), the card (home, series: the head, cities, the lead's start,
    # counts), then one per name (the head and the promises for or naming it).
    digests: bytes

    DIGEST_SIZE = 16

    def _digest(self, index: int) -> bytes:
        size = self.DIGEST_SIZE
        return self.digests[index * size : (index + 1) * size]

    @property
    def head(self) -> bytes:
        return self._digest(0)

    @property
    def card(self) -> bytes:
        return self._digest(1)

    def city(self, name: str) -> bytes:
        """A city page's part for this brief: the head alone where none of the
        brief's promises are the city's."""
        try:
            return self._digest(2 + self.names.index(name, 0, self.cities))
        except ValueError:
            return self.head

    def project(self, name: str) -> bytes:
        """A project page's part for this brief (the head, which no project page uses
        alone: a page lists only the briefs whose promises name its project)."""
        try:
            return self._digest(2 + self.names.index(name, self.cities))
        except ValueError:
            return self.head


@dataclass(frozen=True, slots=True)
class Brief(_Slotted):
    """Everything the site shows about one article."""

    slug: str
    article: NormalizedArticle
    officials: tuple[Official, ...]
    sections: tuple[Section, ...]
    commitments: tuple[Commitment, ...]
    warnings: tuple[str, ...]
    meeting: str | None = None  # 闽西南协同发展区联席会议第三次会议
    series: str | None = None  # 闽西南协同发展区联席会议
    ordinal: int | None = None  # 3
    # Set on the light brief: a sentence that changes no promise, nor the start of
    # the lead, redraws the brief's own page, not every page that lists it.
    listing: ListingKeys | None = None
    # The lead's own full date (2023年11月16日), or, ``dated_by_page``, the lead's day
    # (6月3日, 昨天) in the year of the page's publication date.
    text_date: dt.date | None = None
    dated_by_page: bool = False

    @property
    def meta(self) -> ArticleMeta:
        return self.article.raw.meta

    @property
    def date(self) -> dt.date | None:
        """The editor's date (front matter or sidecar), else the lead's."""
        return self.article.raw.meta.date or self.text_date

    @property
    def date_source(self) -> str | None:
        if self.article.raw.meta.date:
            return "metadata"
        if self.text_date is None:
            return None
        return "page" if self.dated_by_page else "text"

    @property
    def cities(self) -> tuple[str, ...]:
        return tuple(s.city for s in self.sections if s.city is not None)


@dataclass(frozen=True)
class SiteConfig:
    title: str = "区域合作承诺录"
    description: str = "谁在区域合作会议上承诺了什么：从新闻报道中整理的各城市承诺。"
    base_url: str = ""
    default_script: str = "zh-Hans"
    language_names: tuple[tuple[str, str], ...] = (("zh-Hans", "简体"), ("zh-Hant", "繁體"))
    protected_phrases: tuple[tuple[str, str], ...] = ()  # (Simplified, Traditional)
    # Taiwan-standard character forms (開啟, 這裡) without s2twp's vocabulary
    # swaps, which would put words in officials' mouths they never said.
    traditional_variant: str = "s2tw"


@dataclass(frozen=True)
class StaticPage:
    """An editor-written page from content/pages/*.md."""

    slug: str
    title: str
    body_markdown: str
    source: str


@dataclass(frozen=True, slots=True)
class PageSpec(_Slotted):
    """One output file: where it goes, which template draws it, with what."""

    path: str  # relative to the script root (for example "briefs/x.html")
    template: str
    context: dict[str, object]
    # What the page shows, digested: the page is reused from the last build
    # when its key is unchanged. Empty: always rendered.
    key: str = ""
    # The cache key of a brief whose full record (every repair) the page needs;
    # the renderer loads it as ``brief``.
    full_brief: str = ""
    # More context, made only if the page is rendered: a rebuild reuses most pages,
    # and making every page's context was a quarter of gathering them.
    deferred: Callable[[], dict[str, object]] | None = None
    # The names the page is known to hold (a brief's pages: its officials); its
    # Traditional edition leaves other two-character names to OpenCC (see
    # ``traditional``). None: every protected name is kept.
    names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TemplateKeys:
    """What each template's output depends on among the templates: a digest of its
    text and of every template it extends, includes or imports (``by_name``), so a
    change to ``brief.html`` redraws the briefs' pages and no other. ``whole`` is the
    digest of every template: the key of a template that reaches another by a name
    only known when it renders, or one missing, unreadable or not parsed, and of
    any name not listed at all."""

    by_name: Mapping[str, str]
    whole: str

    def of(self, template: str) -> str:
        return self.by_name.get(template, self.whole)


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the site root
    content: bytes


@dataclass(frozen=True)
class KeyedFile:
    """A file made only when no earlier build holds it under the same key."""

    path: str  # relative to the site root
    key: str  # names everything the content is made from
    make: Callable[[], bytes]
