"""The catalog after a few briefs change, without walking the other thousands.

``build_catalog`` is one pass over every brief: two seconds at ten thousand.
When ``serve`` sees one article saved, only the cities, officials, series and
projects that brief names (before or after the edit) and the promises it
shares with other briefs can change. A city's or project's lists have the
changed briefs' items taken out and put back in their place in time; the other
entries are made again from their own briefs, in the order ``build_catalog``
would give them. What stands in
for the whole pass is checked against it in ``tests/test_catalog_patch.py``,
and whole sites against whole builds in ``tests/test_patch.py``.

Names' slugs are settled over every name at once (homophones are numbered in
name order), so when a name comes or goes and another name's slug would move,
there is no patch: the caller builds the site whole.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .catalog import (
    Appearance,
    Catalog,
    CityEntry,
    OfficialEntry,
    ProjectEntry,
    PromiseIndex,
    SeriesEntry,
    _anchors,
    _chronological_key,
    _speaking_paragraphs,
    _unique_slugs,
    city_names,
    first_promised_in,
    person_slug,
)
from .gazetteer import Gazetteer
from .load import slugify
from .models import Brief, Commitment
from .readings import city_slug, series_slug


@dataclass(frozen=True)
class CatalogChange:
    """What a patch touched: the names whose entries were made again, and the
    briefs whose first promises were looked up again."""

    cities: frozenset[str]
    officials: frozenset[str]
    series: frozenset[str]
    projects: frozenset[str]
    relinked: frozenset[str]  # brief slugs
    names_changed: bool  # a name came or went (the shared slug tables differ)
    # Each kind's entries made again, as (before, after): an index page whose
    # rows are all the same is not made again.
    remade: Mapping[str, Sequence[tuple[object, object]]]


def _commitment_cities(brief: Brief) -> set[str]:
    return {c.city for c in brief.commitments if c.city}


def _projects(brief: Brief) -> set[str]:
    return {e.text for c in brief.commitments for e in c.entities if e.kind == "project"}


def _newest_first_order(a: Brief, b: Brief) -> int:
    """``_newest_first``'s order as a comparison: dated briefs by (date, slug)
    descending, then undated ones by slug."""
    if a.date and b.date:
        x, y = (a.date, a.slug), (b.date, b.slug)
        return -1 if x > y else (1 if x < y else 0)
    if a.date or b.date:
        return -1 if a.date else 1
    return -1 if a.slug < b.slug else (1 if a.slug > b.slug else 0)


_NEWEST_FIRST = functools.cmp_to_key(_newest_first_order)


def _newest_first(
    old: Sequence[Brief], gone: set[str], added: Sequence[Brief]
) -> tuple[Brief, ...]:
    kept = [b for b in old if b.slug not in gone] if gone else list(old)
    for brief in added:
        at = bisect.bisect_left(kept, _NEWEST_FIRST(brief), key=_NEWEST_FIRST)
        kept.insert(at, brief)
    return tuple(kept)


def _chronological(slugs: Iterable[str], by_slug: Mapping[str, Brief]) -> list[Brief]:
    return sorted((by_slug[s] for s in dict.fromkeys(slugs)), key=_chronological_key)


def _city_entry(
    name: str, slug: str, chronological: Sequence[Brief], gazetteer: Gazetteer
) -> CityEntry | None:
    briefs = tuple(b.slug for b in chronological if name in city_names(b))
    if not briefs:
        return None
    place = gazetteer.lookup(name)
    return CityEntry(
        name=name,
        slug=slug,
        full_name=place.name if place else name,
        province=place.province if place else "",
        briefs=briefs,
        commitments=tuple(
            (b.slug, c) for b in chronological for c in b.commitments if c.city == name
        ),
    )


def _official_entry(name: str, slug: str, chronological: Sequence[Brief]) -> OfficialEntry | None:
    appearances: list[Appearance] = []
    name_hant = ""
    for b in chronological:
        found = [o for o in b.officials if o.name == name]
        if not found:
            continue
        speaking = _speaking_paragraphs(b)
        name_hant = name_hant if appearances else found[0].name_hant
        appearances += [Appearance(b.slug, o.city, o.titles, speaking.get(name, ())) for o in found]
    return OfficialEntry(name, slug, name_hant, tuple(appearances)) if appearances else None


def _series_entry(name: str, slug: str, briefs: Iterable[Brief]) -> SeriesEntry | None:
    members = [b for b in briefs if b.series == name]
    members.sort(key=lambda b: (b.ordinal or 0, b.date or dt.date.max, b.slug))
    return SeriesEntry(name, slug, tuple(b.slug for b in members)) if members else None


def _mentions(brief: Brief, project: str) -> list[tuple[str, Commitment]]:
    return [
        (brief.slug, c)
        for c in brief.commitments
        for e in c.entities
        if e.kind == "project" and e.text == project
    ]


def _project_entry(name: str, slug: str, chronological: Sequence[Brief]) -> ProjectEntry | None:
    mentions = [m for b in chronological for m in _mentions(b, name)]
    return ProjectEntry(name, slug, tuple(mentions)) if mentions else None


E = TypeVar("E", CityEntry, OfficialEntry, SeriesEntry, ProjectEntry)
T = TypeVar("T")


def _spliced(
    items: Sequence[T],
    slug_of: Callable[[T], str],
    changed: set[str],
    added: Iterable[tuple[Brief, list[T]]],
    by_slug: Mapping[str, Brief],
) -> list[T]:
    """``items``, in the chronological order of their briefs, without those of the
    briefs ``changed`` and with each added brief's items in its place. A city or
    project of thousands of briefs is patched, not made again from every one of
    them (70 ms of a patch at N = 10,000)."""
    kept = [item for item in items if slug_of(item) not in changed]

    def place(item: T) -> tuple[dt.date, int, str]:
        return _chronological_key(by_slug[slug_of(item)])

    for brief, new in added:
        if new:
            at = bisect.bisect_left(kept, _chronological_key(brief), key=place)
            kept[at:at] = new
    return kept


def _first(pair: tuple[str, Commitment]) -> str:
    return pair[0]


def _same(slug: str) -> str:
    return slug


def entries_named(entries: Sequence[E], names: Iterable[str]) -> dict[str, E]:
    """The entries (sorted by name, as the catalog keeps them) of those ``names``
    that have one, found by bisection: there are tens of thousands."""
    found: dict[str, E] = {}
    for name in names:
        at = bisect.bisect_left(entries, name, key=_name)
        if at < len(entries) and entries[at].name == name:
            found[name] = entries[at]
    return found


def _name(entry: CityEntry | OfficialEntry | SeriesEntry | ProjectEntry) -> str:
    return entry.name


def _patch_entries(
    old: Sequence[E],
    names: Iterable[str],
    make: Callable[[str, str], E | None],
    slug_of: Callable[[str], str],
    memo: Callable[[], MutableMapping[str, str]],
) -> tuple[tuple[E, ...], bool, list[tuple[E | None, E | None]]] | None:
    """``old`` with the entries of ``names`` made again; None when a name that
    comes or goes would move another name's slug. Also says whether any did,
    and gives each entry made again as (before, after). ``memo`` gives the
    names' slugs kept between builds, needed only when a name comes or goes."""
    touched = sorted(set(names))
    by_name = entries_named(old, touched)
    made: dict[str, E | None] = {}
    for name in touched:
        entry = by_name.get(name)
        remade = make(name, entry.slug if entry else "")
        # A city only a corrected promise names has no entry, before or after.
        if remade is not None or entry is not None:
            made[name] = remade
    came = [n for n, e in made.items() if e is not None and n not in by_name]
    went = {n for n, e in made.items() if e is None and n in by_name}
    if not came and not went:
        entries = list(old)
        for name, entry in made.items():
            assert entry is not None  # neither came nor went: it was there and still is
            entries[bisect.bisect_left(entries, name, key=_name)] = entry
        return tuple(entries), False, [(by_name[n], e) for n, e in made.items()]
    everyone = {e.name: e for e in old}
    remaining = [n for n in everyone if n not in went] + came
    slugs = _unique_slugs(remaining, slug_of, memo())
    if any(slugs[e.name] != e.slug for e in old if e.name not in went):
        return None
    result: dict[str, E] = {n: e for n, e in everyone.items() if n not in went}
    for name, entry in made.items():
        if entry is None:
            continue
        remade = entry if name in by_name else make(name, slugs[name])
        if remade is not None:
            result[name] = remade
    pairs = [(by_name.get(n), result.get(n)) for n in made]
    return tuple(result[n] for n in sorted(result)), True, pairs


def _remove_promises(index: PromiseIndex, brief: Brief) -> set[tuple[str | None, str]]:
    anchors = {a for c in brief.commitments for a in _anchors(c)}
    for anchor in anchors:
        kept = [entry for entry in index.get(anchor, ()) if entry[1] != brief.slug]
        if kept:
            index[anchor] = kept
        else:
            index.pop(anchor, None)
    return anchors


def _add_promises(index: PromiseIndex, brief: Brief) -> set[tuple[str | None, str]]:
    place = _chronological_key(brief)
    anchors: set[tuple[str | None, str]] = set()
    for c in brief.commitments:
        for anchor in dict.fromkeys(_anchors(c)):
            entries = index[anchor] = list(index.get(anchor, ()))
            entries.insert(
                bisect.bisect_right(entries, place, key=lambda e: e[0]), (place, brief.slug, c.text)
            )
            anchors.add(anchor)
    return anchors


def patch_catalog(
    old: Catalog,
    promises: PromiseIndex,
    removed: Sequence[Brief],
    added: Sequence[Brief],
    gazetteer: Gazetteer,
    slug_memo: Callable[[], MutableMapping[str, str]],
) -> tuple[Catalog, PromiseIndex, CatalogChange] | None:
    """``old`` (made from some briefs, with ``promises`` their promise index) with
    the briefs ``removed`` taken out and ``added`` put in: the catalog and index
    ``build_catalog`` and ``promise_index`` would make from the briefs that are
    left, and what changed. None when names' slugs would move. ``slug_memo``
    gives the names' slugs kept between builds (read only if a name comes or goes)."""
    gone = {b.slug for b in removed}
    by_slug = {s: b for s, b in old.by_slug.items() if s not in gone}
    for brief in added:
        by_slug[brief.slug] = brief
    touched = [*removed, *added]

    city_names_touched = {n for b in touched for n in [*city_names(b), *_commitment_cities(b)]}
    old_cities = entries_named(old.cities, city_names_touched)

    changed = {b.slug for b in touched}

    def city(name: str, slug: str) -> CityEntry | None:
        entry = old_cities.get(name)
        if entry is not None:
            briefs = _spliced(
                entry.briefs,
                _same,
                changed,
                ((b, [b.slug] if name in city_names(b) else []) for b in added),
                by_slug,
            )
            commitments = _spliced(
                entry.commitments,
                _first,
                changed,
                ((b, [(b.slug, c) for c in b.commitments if c.city == name]) for b in added),
                by_slug,
            )
            if not briefs:
                return None
            return dataclasses.replace(
                entry, slug=slug, briefs=tuple(briefs), commitments=tuple(commitments)
            )
        slugs = []
        # Briefs that name the city only in a commitment count for its commitments.
        slugs += [b.slug for b in added if name in city_names(b) or name in _commitment_cities(b)]
        # A new city: its commitments may come from any brief that names it.
        slugs += [s for s, b in by_slug.items() if name in _commitment_cities(b)]
        chronological = _chronological([s for s in slugs if s in by_slug], by_slug)
        return _city_entry(name, slug, chronological, gazetteer)

    official_names = {o.name for b in touched for o in b.officials}
    old_officials = entries_named(old.officials, official_names)

    def official(name: str, slug: str) -> OfficialEntry | None:
        entry = old_officials.get(name)
        slugs = [a.brief for a in entry.appearances] if entry else []
        slugs += [b.slug for b in added if any(o.name == name for o in b.officials)]
        return _official_entry(
            name, slug, _chronological([s for s in slugs if s in by_slug], by_slug)
        )

    series_names = {b.series for b in touched if b.series}
    old_series = entries_named(old.series, series_names)

    def series(name: str, slug: str) -> SeriesEntry | None:
        entry = old_series.get(name)
        slugs = [*(entry.briefs if entry else ()), *(b.slug for b in added if b.series == name)]
        return _series_entry(name, slug, [by_slug[s] for s in dict.fromkeys(slugs) if s in by_slug])

    project_names = {p for b in touched for p in _projects(b)}
    old_projects = entries_named(old.projects, project_names)

    def project(name: str, slug: str) -> ProjectEntry | None:
        entry = old_projects.get(name)
        if entry is not None:
            mentions = _spliced(
                entry.mentions,
                _first,
                changed,
                ((b, _mentions(b, name)) for b in added),
                by_slug,
            )
            return ProjectEntry(name, slug, tuple(mentions)) if mentions else None
        slugs = [b.slug for b in added if name in _projects(b)]
        return _project_entry(
            name, slug, _chronological([s for s in slugs if s in by_slug], by_slug)
        )

    patched_cities = _patch_entries(old.cities, city_names_touched, city, city_slug, slug_memo)
    patched_officials = _patch_entries(
        old.officials, official_names, official, person_slug, slug_memo
    )
    patched_series = _patch_entries(old.series, series_names, series, series_slug, slug_memo)
    patched_projects = _patch_entries(old.projects, project_names, project, slugify, slug_memo)
    if (
        patched_cities is None
        or patched_officials is None
        or patched_series is None
        or patched_projects is None
    ):
        return None
    cities, c1, p1 = patched_cities
    officials, c2, p2 = patched_officials
    series_entries, c3, p3 = patched_series
    projects, c4, p4 = patched_projects

    index = dict(promises)
    anchors: set[tuple[str | None, str]] = set()
    for brief in removed:
        anchors |= _remove_promises(index, brief)
    for brief in added:
        anchors |= _add_promises(index, brief)
    relinked = {slug for a in anchors for _, slug, _ in index.get(a, ())} | {b.slug for b in added}
    first = dict(old.first_promised)
    for brief in removed:
        for i in range(len(brief.commitments)):
            first.pop((brief.slug, i), None)
    for slug in relinked:
        if slug in old.by_slug and slug not in gone:
            for i in range(len(old.by_slug[slug].commitments)):
                first.pop((slug, i), None)
        for i, found in first_promised_in(by_slug[slug], index).items():
            first[(slug, i)] = found

    catalog = Catalog(
        briefs=_newest_first(old.briefs, gone, added),
        cities=cities,
        officials=officials,
        series=series_entries,
        projects=projects,
        first_promised=first,
        by_slug=by_slug,
    )
    change = CatalogChange(
        cities=frozenset(city_names_touched),
        officials=frozenset(official_names),
        series=frozenset(series_names),
        projects=frozenset(project_names),
        relinked=frozenset(relinked),
        names_changed=c1 or c2 or c3 or c4,
        remade={"cities": p1, "officials": p2, "series": p3, "projects": p4},
    )
    return catalog, index, change
