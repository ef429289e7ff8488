"""Across briefs: cities, officials, meeting series and projects, each with a stable slug."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, MutableMapping, Sequence
from dataclasses import dataclass

from .gazetteer import Gazetteer, load_gazetteer
from .load import slugify
from .models import Brief, Commitment
from .names import surname_of
from .readings import city_slug, series_slug
from .urls import names_a_list_page


@dataclass(frozen=True, slots=True)
class CityEntry:
    name: str  # short name: 厦门
    slug: str
    full_name: str  # 厦门市
    province: str
    briefs: tuple[str, ...]  # brief slugs, chronological
    commitments: tuple[tuple[str, Commitment], ...]  # (brief slug, commitment)


@dataclass(frozen=True, slots=True)
class Appearance:
    brief: str
    city: str | None
    titles: tuple[str, ...]
    paragraphs: tuple[int, ...]  # the paragraphs where they speak


@dataclass(frozen=True, slots=True)
class OfficialEntry:
    name: str
    slug: str
    name_hant: str
    appearances: tuple[Appearance, ...]  # chronological


@dataclass(frozen=True, slots=True)
class SeriesEntry:
    name: str
    slug: str
    briefs: tuple[str, ...]  # by ordinal, then date


@dataclass(frozen=True, slots=True)
class ProjectEntry:
    name: str
    slug: str
    mentions: tuple[tuple[str, Commitment], ...]


@dataclass(frozen=True)
class Catalog:
    briefs: tuple[Brief, ...]  # newest first, undated last
    cities: tuple[CityEntry, ...]
    officials: tuple[OfficialEntry, ...]
    series: tuple[SeriesEntry, ...]
    projects: tuple[ProjectEntry, ...]
    first_promised: dict[tuple[str, int], tuple[str, str]]  # (brief, index) → (brief, text)
    by_slug: dict[str, Brief]

    def brief(self, slug: str) -> Brief:
        return self.by_slug[slug]


def _newest_first(briefs: Sequence[Brief]) -> tuple[Brief, ...]:
    dated = sorted((b for b in briefs if b.date), key=lambda b: (b.date, b.slug), reverse=True)
    undated = sorted((b for b in briefs if not b.date), key=lambda b: b.slug)
    return (*dated, *undated)


def _chronological_key(brief: Brief) -> tuple[dt.date, int, str]:
    return (brief.date or dt.date.max, brief.ordinal or 0, brief.slug)


# Surnames read otherwise than their character's common reading (曾 is zeng, not ceng).
SURNAME_READINGS = {
    "曾": "zeng", "朴": "piao", "单": "shan", "仇": "qiu", "解": "xie", "区": "ou", "查": "zha",
    "乐": "yue", "覃": "qin", "盖": "ge", "缪": "miao", "翟": "zhai", "种": "chong", "员": "yun",
    "秘": "bi", "万俟": "moqi", "尉迟": "yuchi",
}  # fmt: skip


def person_slug(name: str) -> str:
    """hu-changsheng, ouyang-zhiyuan: surname, then given name, as names are romanised."""
    surname = surname_of(name)
    given = name[len(surname) :]
    reading = SURNAME_READINGS.get(surname) or slugify(surname)
    return f"{reading}-{slugify(given)}" if given else slugify(name)


def _unique_slugs(
    names: Sequence[str],
    make: Callable[[str], str] = slugify,
    memo: MutableMapping[str, str] | None = None,
) -> dict[str, str]:
    """Pinyin slugs; homophones (泰州, 台州) get a numbered suffix in name order.
    A slug that names a list page (index, index-2…) beside the entries' pages
    gets "-entry" (a series called "Index" is at series/index-entry.html).

    ``memo`` keeps each name's slug between builds: readings cost tens of
    microseconds a name, and a site of thousands of briefs has tens of
    thousands of names.
    """
    memo = {} if memo is None else memo
    prefix = f"{make.__name__}:"
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        base = memo.get(prefix + name)
        if base is None:
            base = memo[prefix + name] = make(name)
        if names_a_list_page(base):
            base += "-entry"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[name] = slug
    return slugs


def _speaking_paragraphs(brief: Brief) -> dict[str, tuple[int, ...]]:
    """Each speaker's paragraphs in a brief, in order."""
    found: dict[str, dict[int, None]] = defaultdict(dict)
    for section in brief.sections:
        for part in section.parts:
            if part.speaker:
                found[part.speaker][part.paragraph] = None
    return {name: tuple(sorted(paragraphs)) for name, paragraphs in found.items()}


def _anchors(c: Commitment) -> list[tuple[str | None, str]]:
    """What makes two commitments the same promise: the city and a named project or document."""
    return [(c.city, e.text) for e in c.entities if e.kind in ("project", "document")]


PromiseIndex = dict[tuple[str | None, str], list[tuple[tuple[dt.date, int, str], str, str]]]


def promise_index(briefs: Sequence[Brief]) -> PromiseIndex:
    """Each anchor's commitments, chronological: (brief's place, brief, text)."""
    index: PromiseIndex = defaultdict(list)
    for brief in sorted(briefs, key=_chronological_key):
        place = _chronological_key(brief)
        for c in brief.commitments:
            for anchor in dict.fromkeys(_anchors(c)):
                index[anchor].append((place, brief.slug, c.text))
    return dict(index)


def first_promised_in(
    brief: Brief, index: PromiseIndex, replaced: Collection[str] = ()
) -> dict[int, tuple[str, str]]:
    """Which of ``brief``'s commitments repeat one of an earlier brief, as
    ``build_catalog`` finds them, against the briefs ``index`` was made from
    (those of ``brief``'s slug or of a ``replaced`` one are ``brief`` itself as
    it was: an earlier version of the article is not an earlier meeting)."""
    place = _chronological_key(brief)
    itself = {brief.slug, *replaced}

    def first_before(anchor: tuple[str | None, str]) -> tuple[str, str] | None:
        for seen, slug, text in index.get(anchor, ()):
            if seen >= place:
                break
            if slug not in itself:
                return (slug, text)
        return None

    first: dict[int, tuple[str, str]] = {}
    for i, c in enumerate(brief.commitments):
        earlier = [found for a in _anchors(c) if (found := first_before(a)) is not None]
        if earlier:
            first[i] = earlier[0]
    return first


def city_names(brief: Brief) -> list[str]:
    """The cities whose pages list ``brief`` (as ``build_catalog`` finds them)."""
    return [c for c in dict.fromkeys([*brief.cities, *(o.city for o in brief.officials)]) if c]


def slug_memo_entries(brief: Brief) -> dict[str, str]:
    """The ``slug_memo`` entries for every name ``build_catalog`` gives a page in
    ``brief``. Made by the workers that build briefs, so the main process of a
    build needs no readings of its own: pypinyin holds 60 MiB once loaded."""
    entries: dict[str, str] = {}
    for make, names in (
        (city_slug, city_names(brief)),
        (person_slug, [o.name for o in brief.officials]),
        (series_slug, [brief.series] if brief.series else []),
        (slugify, [e.text for c in brief.commitments for e in c.entities if e.kind == "project"]),
    ):
        for name in names:
            entries[f"{make.__name__}:{name}"] = make(name)
    return entries


def build_catalog(
    briefs: Sequence[Brief],
    gazetteer: Gazetteer | None = None,
    slug_memo: MutableMapping[str, str] | None = None,
) -> Catalog:
    """Every index across ``briefs``; ``slug_memo`` keeps names' slugs between builds."""
    gazetteer = gazetteer or load_gazetteer()
    chronological = sorted(briefs, key=_chronological_key)

    # One pass over the briefs fills every index, so the catalog stays linear in
    # the number of briefs (thousands of them).
    city_briefs: dict[str, list[str]] = defaultdict(list)
    city_commitments: dict[str, list[tuple[str, Commitment]]] = defaultdict(list)
    appearances: dict[str, list[Appearance]] = defaultdict(list)
    names_hant: dict[str, str] = {}
    series_briefs: dict[str, list[Brief]] = defaultdict(list)
    for b in chronological:
        # A city whose officials attended has a page even when none of them spoke.
        for city in city_names(b):
            city_briefs[city].append(b.slug)
        for c in b.commitments:
            if c.city:
                city_commitments[c.city].append((b.slug, c))
        speaking = _speaking_paragraphs(b)
        for o in b.officials:
            names_hant.setdefault(o.name, o.name_hant)
            appearances[o.name].append(
                Appearance(b.slug, o.city, o.titles, speaking.get(o.name, ()))
            )
        if b.series:
            series_briefs[b.series].append(b)

    city_slugs = _unique_slugs(sorted(city_briefs), city_slug, slug_memo)
    cities = []
    for name in sorted(city_briefs):
        place = gazetteer.lookup(name)
        cities.append(
            CityEntry(
                name=name,
                slug=city_slugs[name],
                full_name=place.name if place else name,
                province=place.province if place else "",
                briefs=tuple(city_briefs[name]),
                commitments=tuple(city_commitments[name]),
            )
        )

    official_slugs = _unique_slugs(sorted(appearances), person_slug, slug_memo)
    officials = [
        OfficialEntry(name, official_slugs[name], names_hant[name], tuple(appearances[name]))
        for name in sorted(appearances)
    ]

    series_slugs = _unique_slugs(sorted(series_briefs), series_slug, slug_memo)
    series = tuple(
        SeriesEntry(
            name,
            series_slugs[name],
            tuple(
                b.slug
                for b in sorted(
                    series_briefs[name],
                    key=lambda b: (b.ordinal or 0, b.date or dt.date.max, b.slug),
                )
            ),
        )
        for name in sorted(series_briefs)
    )

    project_mentions: dict[str, list[tuple[str, Commitment]]] = {}
    for b in chronological:
        for c in b.commitments:
            for e in c.entities:
                if e.kind == "project":
                    project_mentions.setdefault(e.text, []).append((b.slug, c))
    project_slugs = _unique_slugs(sorted(project_mentions), memo=slug_memo)
    projects = tuple(
        ProjectEntry(name, project_slugs[name], tuple(project_mentions[name]))
        for name in sorted(project_mentions)
    )

    # A later commitment repeats an earlier one when the same city names the same
    # project or document again; it links to the first brief that did.
    first_seen: dict[tuple[str | None, str], tuple[str, str]] = {}
    first: dict[tuple[str, int], tuple[str, str]] = {}
    for brief in chronological:
        seen_here: dict[tuple[str | None, str], tuple[str, str]] = {}
        for i, c in enumerate(brief.commitments):
            earlier = [first_seen[a] for a in _anchors(c) if a in first_seen]
            if earlier:
                first[(brief.slug, i)] = earlier[0]
            for anchor in _anchors(c):
                seen_here.setdefault(anchor, (brief.slug, c.text))
        for anchor, origin in seen_here.items():
            first_seen.setdefault(anchor, origin)

    return Catalog(
        by_slug={b.slug: b for b in briefs},
        briefs=_newest_first(briefs),
        cities=tuple(cities),
        officials=tuple(officials),
        series=series,
        projects=projects,
        first_promised=first,
    )
