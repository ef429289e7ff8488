"""The site map: every page as (path, template, context, key), before anything is written.

``PageMap`` makes each kind of page on its own, so that a patch (``patch.py``)
can make again just the pages one edit touches, with the very code and keys
the whole build uses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

from .cache import digest_after
from .catalog import Catalog, CityEntry, OfficialEntry, ProjectEntry, SeriesEntry
from .chart import promises_per_brief
from .listing import listing_of
from .matrix import build_matrix
from .models import Brief, PageSpec, StaticPage, TemplateKeys
from .pages import (
    ENTRY_PAGE_SIZE,
    HOME_PAGE_SIZE,
    INDEX_PAGE_SIZE,
    brief_pages,
    city_context,
    kind_status_counts,
    page_count,
    pager,
)
from .urls import city_feed_path, entry_page_path, entry_path, home_path, index_path

SLUG_TABLES = {
    "city": "city_slugs",
    "official": "official_slugs",
    "series": "series_slugs",
    "project": "project_slugs",
}


def keyed_by_build(
    pages: Iterable[PageSpec], build_key: str, templates: TemplateKeys
) -> list[PageSpec]:
    """``pages`` with each page's key (an unkeyed page stays as it is) digested
    together with ``build_key`` (what shapes every page: the code, configuration
    and converter) and its template's key (the templates it is drawn with), as
    ``digest(build_key, template key, key)`` cut to 128 bits, which name a page's
    inputs well enough and halve the manifest kept per site.

    Written out for speed: a site of 10,000 briefs has 100,000 keyed pages, and
    ``dataclasses.replace`` and ``digest`` per page took a second of each build.
    """
    by_template: dict[str, Callable[[object], str]] = {}
    keyed: list[PageSpec] = []
    for p in pages:
        if p.key:
            with_build = by_template.get(p.template)
            if with_build is None:
                with_build = digest_after(build_key, templates.of(p.template))
                by_template[p.template] = with_build
            key = with_build(p.key)[:32]
            p = PageSpec(p.path, p.template, p.context, key, p.full_brief, p.deferred, p.names)
        keyed.append(p)
    return keyed


class PageMap:
    """The pages of one script. ``links`` is the ``shared_context`` every page is
    rendered with; ``brief_keys`` (slug → cache key) key a brief's own pages and its
    officials'; pages that list briefs are keyed by what they show of each
    (``listing.py``). A page is reused while its key is unchanged."""

    def __init__(
        self,
        catalog: Catalog,
        static_pages: Sequence[StaticPage],
        links: Mapping[str, object],
        brief_keys: Mapping[str, str] | None = None,
    ):
        self.catalog = catalog
        self.static_pages = static_pages
        self.links = links
        self.keys: Mapping[str, str] = brief_keys or {}
        # Every page's footer links the static pages: hashed once, not once a page.
        self._digest_after_footer = digest_after(links["static_pages"])

    def key(self, *parts: object) -> str:
        return self._digest_after_footer(parts) if self.keys else ""

    def slug(self, kind: str, name: str | None) -> str:
        table: Mapping[str, str] = self.links[SLUG_TABLES[kind]]  # type: ignore[assignment]
        return table.get(name or "", "")

    def _brief_keys_of(self, brief_slugs: Sequence[str]) -> list[str]:
        return [self.keys.get(slug, "") for slug in brief_slugs]

    def _cards_of(self, shown: Sequence[Brief]) -> list[tuple[bytes, list[str]]]:
        """What brief cards show: each brief, and the slugs its city links use."""
        return [(listing_of(b).card, [self.slug("city", c) for c in b.cities]) for b in shown]

    def _city_listings_of(self, city: str, brief_slugs: Iterable[str]) -> list[bytes]:
        """What a city's timeline shows of each brief: its head and the city's promises."""
        by_slug = self.catalog.by_slug
        return [listing_of(by_slug[slug]).city(city) for slug in brief_slugs]

    def _project_listings_of(self, project: str, brief_slugs: Iterable[str]) -> list[bytes]:
        """What a project's page shows of each brief: its head and the promises naming it."""
        by_slug = self.catalog.by_slug
        return [listing_of(by_slug[slug]).project(project) for slug in brief_slugs]

    def _slugs_of(self, brief: Brief) -> list[tuple[str, str]]:
        names = [("city", c) for c in brief.cities]
        names += [("city", o.city) for o in brief.officials if o.city]
        names += [("official", o.name) for o in brief.officials]
        names += [("series", brief.series)] if brief.series else []
        return sorted((f"{kind}:{name}", self.slug(kind, name)) for kind, name in set(names))

    # The one place page sizes are read (a patch counts pages through these too).
    @staticmethod
    def home_page_size() -> int:
        return HOME_PAGE_SIZE

    @staticmethod
    def home_page_count(catalog: Catalog) -> int:
        return page_count(len(catalog.briefs), HOME_PAGE_SIZE)

    @staticmethod
    def index_page_count(catalog: Catalog, kind: str) -> int:
        return page_count(len(getattr(catalog, kind)), INDEX_PAGE_SIZE)

    @staticmethod
    def entry_listing(entry: CityEntry | SeriesEntry | ProjectEntry) -> Sequence[str]:
        """The briefs an entry's pages list, in order, ``ENTRY_PAGE_SIZE`` a page: a
        city's timeline, a series' meetings, the briefs that name a project (each
        with its promises that do). Paged by brief, a promise more or less moves
        no brief to another page."""
        if isinstance(entry, ProjectEntry):
            return tuple(dict.fromkeys(slug for slug, _ in entry.mentions))
        return entry.briefs

    @staticmethod
    def entry_paths(kind: str, slug: str, listed: Sequence[str]) -> list[str]:
        """The pages of the entry ``slug`` whose ``entry_listing`` is ``listed``."""
        count = page_count(len(listed), ENTRY_PAGE_SIZE)
        return [entry_page_path(kind, slug, n) for n in range(1, count + 1)]

    @staticmethod
    def entry_pages_showing(listed: Sequence[str], slugs: AbstractSet[str]) -> list[int]:
        """The numbers of the pages of a listing ``listed`` that show any of ``slugs``."""
        size = ENTRY_PAGE_SIZE
        count = page_count(len(listed), size)
        return [
            n
            for n in range(1, count + 1)
            if not slugs.isdisjoint(listed[(n - 1) * size : n * size])
        ]

    def _entry_pages(
        self,
        kind: str,
        entry: CityEntry | SeriesEntry | ProjectEntry,
        page: Callable[[str, int, Sequence[str], dict[str, object]], PageSpec],
        only: Collection[int] | None = None,
    ) -> list[PageSpec]:
        """``page(path, number, the briefs it lists, pager)`` for each page of the
        entry, or for the page numbers ``only``."""
        listed = self.entry_listing(entry)
        paths = self.entry_paths(kind, entry.slug, listed)
        return [
            page(path, n, listed[(n - 1) * ENTRY_PAGE_SIZE : n * ENTRY_PAGE_SIZE], pager(n, paths))
            for n, path in enumerate(paths, start=1)
            if only is None or n in only
        ]

    def home_pages(self) -> list[PageSpec]:
        count = self.home_page_count(self.catalog)
        return [self.home_page(n, count) for n in range(1, count + 1)]

    def home_page(self, n: int, count: int) -> PageSpec:
        shown = self.catalog.briefs[(n - 1) * HOME_PAGE_SIZE : n * HOME_PAGE_SIZE]
        return PageSpec(
            home_path(n),
            "index.html",
            {
                "briefs": shown,
                "pager": pager(n, [home_path(i) for i in range(1, count + 1)]),
                "catalog": self.catalog,
            },
            key=self.key("home", n, count, len(self.catalog.briefs), self._cards_of(shown)),
        )

    # Each index is keyed by exactly what its rows show, so a change that leaves
    # them alone (a sentence in one brief) does not redraw pages of megabytes.
    INDEXES = ("cities", "officials", "series", "projects")

    @staticmethod
    def index_row(e: object) -> tuple[object, ...]:
        """What an index page shows of one entry (a city, official, series, project)."""
        if isinstance(e, CityEntry):
            return (e.name, e.slug, e.province, len(e.briefs), len(e.commitments))
        if isinstance(e, OfficialEntry):
            return (e.name, e.slug, e.appearances[-1].titles, len(e.appearances))
        if isinstance(e, SeriesEntry):
            return (e.name, e.slug, len(e.briefs))
        if isinstance(e, ProjectEntry):
            return (e.name, e.slug, len(e.mentions))
        raise TypeError(f"no index shows {e!r}")

    def index_pages_of(self, kind: str) -> list[PageSpec]:
        """An index, a page per ``INDEX_PAGE_SIZE`` entries."""
        count = self.index_page_count(self.catalog, kind)
        return [self.index_page(kind, n, count) for n in range(1, count + 1)]

    def index_page(self, kind: str, n: int, count: int) -> PageSpec:
        entries: Sequence[object] = getattr(self.catalog, kind)
        shown = entries[(n - 1) * INDEX_PAGE_SIZE : n * INDEX_PAGE_SIZE]
        template, label = {
            "cities": ("cities.html", "cities"),
            "officials": ("officials.html", "officials"),
            "series": ("series_index.html", "series index"),
            "projects": ("projects.html", "projects"),
        }[kind]
        rows = [self.index_row(e) for e in shown]
        return PageSpec(
            index_path(kind, n),
            template,
            {kind: shown, "pager": pager(n, [index_path(kind, i) for i in range(1, count + 1)])},
            self.key(label, n, count, rows),
        )

    def matrix_page(self) -> PageSpec:
        matrix = build_matrix(self.catalog)
        return PageSpec(
            "matrix/index.html", "matrix.html", {"matrix": matrix}, self.key("matrix", matrix)
        )

    def index_pages(self) -> list[PageSpec]:
        indexes = [page for kind in self.INDEXES for page in self.index_pages_of(kind)]
        return [*indexes, self.matrix_page()]

    PAGED_ENTRIES = ("cities", "series", "projects")

    @staticmethod
    def list_paths(catalog: Catalog) -> set[str]:
        """The paths of the pages that list a catalog page by page: home and indexes."""
        count = PageMap.home_page_count(catalog)
        paths = {home_path(n) for n in range(1, count + 1)}
        for kind in PageMap.INDEXES:
            count = PageMap.index_page_count(catalog, kind)
            paths.update(index_path(kind, n) for n in range(1, count + 1))
        return paths

    @staticmethod
    def later_entry_paths(kind: str, entry: CityEntry | SeriesEntry | ProjectEntry) -> list[str]:
        """The pages after the first of an entry that lists its briefs page by page
        (a city, series or project)."""
        # A project names no more briefs than it has mentions: most are passed
        # over without listing their briefs.
        listed = entry.mentions if isinstance(entry, ProjectEntry) else entry.briefs
        if len(listed) <= ENTRY_PAGE_SIZE:
            return []
        return PageMap.entry_paths(kind, entry.slug, PageMap.entry_listing(entry))[1:]

    def first_promised(self, brief: Brief) -> dict[int, tuple[str, str]]:
        first = self.catalog.first_promised
        return {
            i: first[(brief.slug, i)]
            for i in range(len(brief.commitments))
            if (brief.slug, i) in first
        }

    def brief_pages(self, brief: Brief) -> list[PageSpec]:
        first = self.first_promised(brief)
        shown = sorted(first.items())
        catalog = self.catalog
        brief_key = self.keys.get(brief.slug, "")
        return brief_pages(
            brief,
            first,
            brief_key,
            self.key(
                "brief",
                self.keys.get(brief.slug),
                self._slugs_of(brief),
                shown,
                [
                    (s, catalog.brief(s).meeting, catalog.brief(s).article.title)
                    for _, (s, _) in shown
                ],
            ),
            self.key("repairs", self.keys.get(brief.slug)),
        )

    def city_pages(self, city: CityEntry, only: Collection[int] | None = None) -> list[PageSpec]:
        """A city's timeline, ``ENTRY_PAGE_SIZE`` briefs a page; the first page also
        counts the city's promises, by kind and status and per brief."""
        # Keyed by the counts, not by every promise: a promise reworded on a later
        # page leaves the first alone. (Its commitments may come from a brief that
        # does not list the city.)
        kind_status = kind_status_counts(city)
        counted = (
            len(city.briefs),
            len(city.commitments),
            kind_status,
            sorted(promises_per_brief(city).items()),
        )

        def page(path: str, n: int, shown: Sequence[str], nav: dict[str, object]) -> PageSpec:
            return PageSpec(
                path,
                "city.html",
                {
                    "city": city,
                    "shown": shown,
                    "pager": nav,
                    "feed_path": city_feed_path(city.slug),
                },
                self.key(
                    "city",
                    city.slug,
                    n,
                    nav["count"],
                    shown,
                    self._city_listings_of(city.name, shown),
                    counted if n == 1 else None,
                ),
                deferred=functools.partial(
                    city_context, city, shown, kind_status if n == 1 else None
                ),
            )

        return self._entry_pages("cities", city, page, only)

    def official_page(self, official: OfficialEntry) -> PageSpec:
        return PageSpec(
            entry_path("officials", official.slug),
            "official.html",
            {"official": official},
            self.key(
                "official",
                official.slug,
                self._brief_keys_of([a.brief for a in official.appearances]),
                sorted((a.city or "", self.slug("city", a.city)) for a in official.appearances),
            ),
        )

    def series_pages(
        self, series: SeriesEntry, only: Collection[int] | None = None
    ) -> list[PageSpec]:
        def page(path: str, n: int, shown: Sequence[str], nav: dict[str, object]) -> PageSpec:
            cards = self._cards_of([self.catalog.brief(slug) for slug in shown])
            return PageSpec(
                path,
                "series.html",
                {"series": series, "shown": shown, "pager": nav},
                self.key("series", series.slug, series.name, n, nav["count"], cards),
            )

        return self._entry_pages("series", series, page, only)

    def project_pages(
        self, project: ProjectEntry, only: Collection[int] | None = None
    ) -> list[PageSpec]:
        def page(path: str, n: int, shown: Sequence[str], nav: dict[str, object]) -> PageSpec:
            briefs = set(shown)
            return PageSpec(
                path,
                "project.html",
                {
                    "project": project,
                    "shown": [m for m in project.mentions if m[0] in briefs],
                    "pager": nav,
                },
                self.key(
                    "project",
                    project.slug,
                    n,
                    nav["count"],
                    shown,
                    self._project_listings_of(project.name, shown),
                ),
            )

        return self._entry_pages("projects", project, page, only)

    def static_page(self, page: StaticPage) -> PageSpec:
        return PageSpec(
            entry_path("pages", page.slug), "page.html", {"page": page}, self.key("page", page)
        )

    def all_pages(self) -> list[PageSpec]:
        catalog = self.catalog
        pages = [*self.home_pages(), *self.index_pages()]
        for brief in catalog.briefs:
            pages += self.brief_pages(brief)
        for city in catalog.cities:
            pages += self.city_pages(city)
        pages += [self.official_page(o) for o in catalog.officials]
        for series in catalog.series:
            pages += self.series_pages(series)
        for project in catalog.projects:
            pages += self.project_pages(project)
        pages += [self.static_page(p) for p in self.static_pages]
        return pages


def gather_pages(
    catalog: Catalog,
    static_pages: Sequence[StaticPage],
    links: Mapping[str, object],
    brief_keys: Mapping[str, str] | None = None,
) -> list[PageSpec]:
    """Every page of one script, each with its own context (``links``, the
    ``shared_context``, goes to every page when it is rendered)."""
    return PageMap(catalog, static_pages, links, brief_keys).all_pages()
