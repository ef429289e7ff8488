"""Across briefs: cities, officials, meeting series and projects, each with a stable slug."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .gazetteer import Gazetteer, load_gazetteer
from .load import slugify
from .models import Brief, Commitment, Official
from .roster import surnames


@dataclass(frozen=True)
class CityEntry:
    name: str  # short name: 厦门
    slug: str
    full_name: str  # 厦门市
    province: str
    briefs: tuple[str, ...]  # brief slugs, chronological
    commitments: tuple[tuple[str, Commitment], ...]  # (brief slug, commitment)


@dataclass(frozen=True)
class Appearance:
    brief: str
    city: str | None
    titles: tuple[str, ...]
    paragraphs: tuple[int, ...]  # the paragraphs where they speak


@dataclass(frozen=True)
class OfficialEntry:
    name: str
    slug: str
    name_hant: str
    appearances: tuple[Appearance, ...]  # chronological


@dataclass(frozen=True)
class SeriesEntry:
    name: str
    slug: str
    briefs: tuple[str, ...]  # by ordinal, then date


@dataclass(frozen=True)
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

    def brief(self, slug: str) -> Brief:
        return next(b for b in self.briefs if b.slug == slug)


def _newest_first(briefs: Sequence[Brief]) -> tuple[Brief, ...]:
    dated = sorted((b for b in briefs if b.date), key=lambda b: (b.date, b.slug), reverse=True)
    undated = sorted((b for b in briefs if not b.date), key=lambda b: b.slug)
    return (*dated, *undated)


def _chronological_key(brief: Brief) -> tuple[dt.date, int, str]:
    return (brief.date or dt.date.max, brief.ordinal or 0, brief.slug)


def person_slug(name: str) -> str:
    """hu-changsheng, ouyang-zhiyuan: surname, then given name, as names are romanised."""
    _, compound = surnames()
    split = 2 if name[:2] in compound else 1
    return (
        f"{slugify(name[:split])}-{slugify(name[split:])}" if len(name) > split else slugify(name)
    )


def _unique_slugs(names: Sequence[str], make: Callable[[str], str] = slugify) -> dict[str, str]:
    """Pinyin slugs; homophones (泰州, 台州) get a numbered suffix in name order."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        base = make(name)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[name] = slug
    return slugs


def _speaking_paragraphs(brief: Brief, official: Official) -> tuple[int, ...]:
    return tuple(
        dict.fromkeys(
            part.paragraph
            for section in brief.sections
            for part in section.parts
            if part.speaker == official.name
        )
    )


def _same_promise(a: Commitment, b: Commitment) -> bool:
    """A later commitment repeats an earlier one when they share a concrete anchor."""
    anchors_a = {e.text for e in a.entities if e.kind in ("project", "document")}
    anchors_b = {e.text for e in b.entities if e.kind in ("project", "document")}
    return a.city == b.city and bool(anchors_a & anchors_b)


def build_catalog(briefs: Sequence[Brief], gazetteer: Gazetteer | None = None) -> Catalog:
    gazetteer = gazetteer or load_gazetteer()
    chronological = sorted(briefs, key=_chronological_key)

    # A city whose officials attended has a page even when none of them spoke.
    def attends(brief: Brief, city: str) -> bool:
        return city in brief.cities or any(o.city == city for o in brief.officials)

    city_names = sorted(
        {c for b in briefs for c in b.cities}
        | {o.city for b in briefs for o in b.officials if o.city}
    )
    city_slugs = _unique_slugs(city_names)
    cities = []
    for name in city_names:
        place = gazetteer.lookup(name)
        cities.append(
            CityEntry(
                name=name,
                slug=city_slugs[name],
                full_name=place.name if place else name,
                province=place.province if place else "",
                briefs=tuple(b.slug for b in chronological if attends(b, name)),
                commitments=tuple(
                    (b.slug, c) for b in chronological for c in b.commitments if c.city == name
                ),
            )
        )

    official_names = sorted({o.name for b in briefs for o in b.officials})
    official_slugs = _unique_slugs(official_names, person_slug)
    officials = []
    for name in official_names:
        appearances = []
        name_hant = ""
        for b in chronological:
            for o in b.officials:
                if o.name == name:
                    name_hant = name_hant or o.name_hant
                    appearances.append(
                        Appearance(b.slug, o.city, o.titles, _speaking_paragraphs(b, o))
                    )
        officials.append(OfficialEntry(name, official_slugs[name], name_hant, tuple(appearances)))

    series_names = sorted({b.series for b in briefs if b.series})
    series_slugs = _unique_slugs(series_names)
    series = tuple(
        SeriesEntry(
            name,
            series_slugs[name],
            tuple(
                b.slug
                for b in sorted(
                    (b for b in briefs if b.series == name),
                    key=lambda b: (b.ordinal or 0, b.date or dt.date.max, b.slug),
                )
            ),
        )
        for name in series_names
    )

    project_mentions: dict[str, list[tuple[str, Commitment]]] = {}
    for b in chronological:
        for c in b.commitments:
            for e in c.entities:
                if e.kind == "project":
                    project_mentions.setdefault(e.text, []).append((b.slug, c))
    project_slugs = _unique_slugs(sorted(project_mentions))
    projects = tuple(
        ProjectEntry(name, project_slugs[name], tuple(project_mentions[name]))
        for name in sorted(project_mentions)
    )

    first: dict[tuple[str, int], tuple[str, str]] = {}
    for later_index, later in enumerate(chronological):
        for i, c in enumerate(later.commitments):
            for earlier in chronological[:later_index]:
                hit = next((e for e in earlier.commitments if _same_promise(e, c)), None)
                if hit is not None:
                    first[(later.slug, i)] = (earlier.slug, hit.text)
                    break

    return Catalog(
        briefs=_newest_first(briefs),
        cities=tuple(cities),
        officials=tuple(officials),
        series=series,
        projects=projects,
        first_promised=first,
    )
