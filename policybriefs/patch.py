"""``serve``'s rebuild after articles are saved: only what they touch is made again.

A whole build at ten thousand briefs spends a dozen seconds reading every
brief, making the catalog and keying ninety thousand pages, however little
changed. ``serve`` keeps what its last build made (``LastBuild``); when only
articles changed, ``patch_site`` processes those, patches the catalog
(``catalog_patch.py``), keys again only the pages that can show them (their
own, their cities', officials', series' and projects', briefs whose promises
they repeat, the home pages and indexes) and writes those into the spare,
which is then swapped in like any build's staging folder.

What a patch cannot settle cheaply it leaves to a whole build, by returning
None: a removed article or one that fails, a slug taken, a name whose slug
would move, a changed set of protected names (every Traditional page may
change), or a last build with errors or without a record of its site. The search
index is left as it was; ``serve`` makes it again once the saves stop (``reindex``).
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path

from .articles import ArticleResult, default_jobs, process_articles
from .cache import save_manifest
from .catalog import Catalog, CityEntry, ProjectEntry, SeriesEntry, city_names
from .catalog_patch import CatalogChange, entries_named, patch_catalog
from .chart import Series, brief_series, series_of, with_charts
from .draft import DraftKit, drafted_articles
from .export import BriefExport, export_into, same_indexes, write_indexes
from .feeds import fallback_time, feed_files, not_found_page
from .gazetteer import load_gazetteer
from .matrix import matrix_order
from .models import Brief, PageSpec, StaticPage, TemplateKeys
from .pagemap import PageMap, keyed_by_build
from .pages import full_brief_reader, shared_context
from .render import SCRIPTS, render_into, script_root
from .search import BUNDLE_DIR, search_page
from .spare import PatchWriter
from .urls import brief_path, city_feed_path, entry_path, index_path, repairs_path

Progress = Callable[[str], None]

# A patch of fewer pages than this renders them in serve's own process, whatever
# the number of cores: the Traditional converter keeps the lines it converted from
# one patch to the next there (a forked child's are lost with it), and a child
# copies much of the heap it reads. A promise edit at N = 10,000 redraws about 50.
PATCH_PAGES_IN_PROCESS = 200


@dataclass(frozen=True)
class LastBuild:
    """What a build under ``serve`` leaves for patching the site it made."""

    kit: DraftKit  # what drafts are drawn with, and the briefs and converter
    out_dir: Path
    base_url: str | None
    catalog: Catalog
    static_pages: Sequence[StaticPage]
    colors: Mapping[str, Series]
    pages: Mapping[str, PageSpec]  # by path below a script's root, keyed
    build_key: str
    template_keys: TemplateKeys  # each page template's key, as the build keyed its pages
    manifest: dict[str, str]  # the live site's files and keys (a patch changes it in place)
    claimed: set[str]  # its paths, case-folded
    stale: set[str]  # where the spare differs from it (see PatchWriter)
    extra: set[str]
    exports: Mapping[str, BriefExport]  # each brief's part of the live site's data files
    warnings: Mapping[str, tuple[str, ...]]  # by article source, in path order
    site: str
    patchable: bool  # a spare with known differences, and no errors to report


@dataclass(frozen=True)
class PatchReport:
    briefs: int
    pages: int
    files: int
    rendered: int
    warnings: list[str]  # the patched articles' (a build reports every article's)


def _page_path_of(page: PageSpec) -> list[str]:
    return [script_root(script) + page.path for script in SCRIPTS]


def _protected_unchanged(last: LastBuild, removed: Sequence[Brief], added: Sequence[Brief]) -> bool:
    """Whether the protected names stay as they were: every official the changed
    briefs name is protected already, in the same Traditional form, or needs no
    entry; and none of them drops out of its brief."""
    kit = last.kit
    protected = kit.protected
    after = {o.name: o.name_hant for b in added for o in b.officials}
    # A name that drops out may leave another brief's form of it first, which may need an entry.
    if any(o.name not in after for b in removed for o in b.officials):
        return False
    return all(
        protected.get(name) == hant
        or (name not in protected and not kit.protection.needs_entry(name, hant))
        for name, hant in after.items()
    )


def _colors(
    last: LastBuild, catalog: Catalog, removed: Sequence[Brief], added: Sequence[Brief]
) -> tuple[dict[str, Series], set[str]]:
    """Each brief's colour, and the briefs whose colour or label changed: while the
    briefs keep their order in time, each keeps its colour and only the changed
    ones' labels are made again."""
    # Colours follow time oldest first, undated last: the reverse of the newest-first
    # order for dated briefs. A brief that gains or loses its date can keep its
    # newest-first place (first undated, last dated) and still move in that order.
    undated = sum(b.date is None for b in added) - sum(b.date is None for b in removed)
    if undated or _reordered(last.catalog, catalog):
        colors = brief_series(catalog)
        return colors, {s for s, c in colors.items() if last.colors.get(s) != c}
    made = {b.slug: series_of(b, last.colors[b.slug].color) for b in added}
    return {**last.colors, **made}, {s for s, c in made.items() if last.colors[s] != c}


def _reordered(old: Catalog, new: Catalog) -> bool:
    """Whether the briefs, newest first, are not the same slugs in the same order."""
    a, b = old.briefs, new.briefs
    return len(a) != len(b) or any(x.slug != y.slug for x, y in zip(a, b, strict=True))


def _affected_cities(catalog: Catalog, change: CatalogChange, recolored: set[str]) -> set[str]:
    """The cities the patched briefs name, and those whose charts colour a brief anew."""
    cities = set(change.cities)
    for slug in recolored:
        if slug in catalog.by_slug:
            cities.update(city_names(catalog.by_slug[slug]))
    return cities


def _home_pages(
    pagemap: PageMap, last: LastBuild, catalog: Catalog, added: Sequence[Brief]
) -> list[PageSpec]:
    """The first (its chart), and those that show other briefs than they did, or a
    changed one; all of them when the number of briefs changed (each page shows it)."""
    old = [b.slug for b in last.catalog.briefs]
    new = [b.slug for b in catalog.briefs]
    if len(new) != len(old):
        return pagemap.home_pages()
    count, size = PageMap.home_page_count(catalog), PageMap.home_page_size()
    changed = {b.slug for b in added}
    numbers = [
        n
        for n in range(1, count + 1)
        for shown in [slice((n - 1) * size, n * size)]
        if n == 1 or old[shown] != new[shown] or not changed.isdisjoint(new[shown])
    ]
    return [pagemap.home_page(n, count) for n in numbers]


def _index_pages(
    pagemap: PageMap, last: LastBuild, change: CatalogChange, changed: Sequence[Brief]
) -> list[PageSpec]:
    """The indexes whose rows the patch changed, and the matrix unless it
    shows none of the changed briefs before or after."""
    pages = []
    for kind in PageMap.INDEXES:
        same = not change.names_changed and all(
            before is not None
            and after is not None
            and PageMap.index_row(before) == PageMap.index_row(after)
            for before, after in change.remade[kind]
        )
        count = PageMap.index_page_count(pagemap.catalog, kind)
        kept = [last.pages.get(index_path(kind, n)) for n in range(1, count + 1)]
        if same and all(page is not None for page in kept):
            pages += [page for page in kept if page is not None]
        else:
            pages += pagemap.index_pages_of(kind)
    pages.append(_matrix_page(pagemap, last, change, changed))
    return pages


def _matrix_page(
    pagemap: PageMap, last: LastBuild, change: CatalogChange, changed: Sequence[Brief]
) -> PageSpec:
    kept = last.pages.get("matrix/index.html")
    if kept is None or change.names_changed:
        return pagemap.matrix_page()
    if len(pagemap.catalog.briefs) != len(last.catalog.briefs):
        return pagemap.matrix_page()
    columns = [c.slug for c in kept.context["matrix"].columns]  # type: ignore[attr-defined]
    if not columns or any(b.slug in columns for b in changed):
        return pagemap.matrix_page()
    # Its columns are the latest briefs: a brief that stays before them all
    # (before and after its edit) changes no cell, row or column.
    first = min(matrix_order(pagemap.catalog.by_slug[slug]) for slug in columns)
    if all(matrix_order(b) < first for b in changed):
        return kept
    return pagemap.matrix_page()


def _lists_shortened(old: Catalog, new: Catalog, change: CatalogChange) -> set[str]:
    """The last pages of lists that are a page shorter: home, an index, the
    timeline of a city or series, a project's briefs. Only an entry made again
    (``change.remade``) can list fewer briefs."""
    gone = PageMap.list_paths(old) - PageMap.list_paths(new)
    for kind in PageMap.PAGED_ENTRIES:
        for before, after in change.remade[kind]:
            gone |= _later_pages(kind, before) - _later_pages(kind, after)
    return gone


def _later_pages(kind: str, entry: object) -> set[str]:
    if isinstance(entry, CityEntry | SeriesEntry | ProjectEntry):
        return set(PageMap.later_entry_paths(kind, entry))
    return set()  # an entry that came or went


def _entries_before(change: CatalogChange) -> dict[tuple[str, str], object]:
    """The entries the patch made again, as they were, by kind and name."""
    found: dict[tuple[str, str], object] = {}
    for kind in PageMap.PAGED_ENTRIES:
        for before, after in change.remade[kind]:
            if isinstance(after, CityEntry | SeriesEntry | ProjectEntry):
                found[kind, after.name] = before
    return found


def _entry_pages_showing(
    before: Mapping[tuple[str, str], object],
    kind: str,
    entry: CityEntry | SeriesEntry | ProjectEntry,
    changed: AbstractSet[str],
    names_changed: bool,
) -> list[int] | None:
    """The pages of a city's, series' or project's list that show a changed brief,
    when the list is the briefs it was in the order it was: the others show what
    they showed (None: all of its pages)."""
    old = before.get((kind, entry.name))
    if names_changed or not isinstance(old, CityEntry | SeriesEntry | ProjectEntry):
        return None
    listed = PageMap.entry_listing(entry)
    if PageMap.entry_listing(old) != listed:
        return None
    return PageMap.entry_pages_showing(listed, changed)


def _affected_pages(
    pagemap: PageMap,
    last: LastBuild,
    change: CatalogChange,
    cities: set[str],
    removed: Sequence[Brief],
    added: Sequence[Brief],
) -> list[PageSpec]:
    catalog = pagemap.catalog
    pages = _home_pages(pagemap, last, catalog, added)
    pages += _index_pages(pagemap, last, change, [*removed, *added])
    for slug in sorted(change.relinked):
        pages += pagemap.brief_pages(catalog.by_slug[slug])
    changed = {b.slug for b in (*removed, *added)}
    before = _entries_before(change)
    for city in entries_named(catalog.cities, sorted(cities)).values():
        only = _entry_pages_showing(before, "cities", city, changed, change.names_changed)
        pages += pagemap.city_pages(city, None if only is None else {1, *only})  # 1: counts, chart
    officials = entries_named(catalog.officials, sorted(change.officials))
    pages += [pagemap.official_page(o) for o in officials.values()]
    for series in entries_named(catalog.series, sorted(change.series)).values():
        only = _entry_pages_showing(before, "series", series, changed, change.names_changed)
        pages += pagemap.series_pages(series, only)
    for project in entries_named(catalog.projects, sorted(change.projects)).values():
        only = _entry_pages_showing(before, "projects", project, changed, change.names_changed)
        pages += pagemap.project_pages(project, only)
    pages += [search_page(), not_found_page()]
    return pages


def _results(last: LastBuild, articles: Sequence[Path]) -> list[ArticleResult] | str:
    """The saved articles processed, or why only a whole build can take them."""
    kit = last.kit
    results = process_articles(
        articles, kit.content_dir, kit.config.traditional_variant, kit.cache, 1, name_slugs=False
    )
    if any(r.brief is None for r in results):
        return "an article failed to load"  # the whole build reports it
    slugs = [r.brief.slug for r in results if r.brief is not None]
    if len(set(slugs)) != len(slugs):
        return "two saved articles take one slug"
    for result in results:
        assert result.brief is not None
        if kit.sources.get(result.brief.slug, result.source) != result.source:
            return f"slug {result.brief.slug!r} is another article's"
    return results


class _Whole(Exception):
    """Why only a whole build can take this change (nothing is written yet)."""


def patch_site(
    last: LastBuild, changed: Sequence[Path], progress: Progress = lambda _: None
) -> tuple[PatchReport, LastBuild] | None:
    """The site with the articles ``changed`` touches made again, swapped in;
    None when only a whole build can do it (nothing is written then)."""
    try:
        return _patched(last, changed, progress)
    except _Whole as reason:
        progress(f"patch: not possible ({reason}): building the whole site")
        return None
    finally:
        gc.unfreeze()  # rendering in forks froze the heap; serve freezes what it keeps


def _patched(
    last: LastBuild, changed: Sequence[Path], progress: Progress
) -> tuple[PatchReport, LastBuild]:
    started = time.perf_counter()
    kit = last.kit
    if not last.patchable:
        raise _Whole("the last build had errors, or left no record of its site")
    articles = drafted_articles(kit.content_dir, changed)
    if articles is None:
        raise _Whole("the configuration, a static page or a template changed, or an article went")
    results = _results(last, articles)
    if isinstance(results, str):
        raise _Whole(results)
    by_source = {source: slug for slug, source in kit.sources.items()}
    removed: list[Brief] = []
    added: list[Brief] = []
    keys = dict(kit.keys)
    sources = dict(kit.sources)
    for result in results:
        assert result.brief is not None
        old_slug = by_source.get(result.source)
        if old_slug is not None and kit.keys[old_slug] == result.key:
            continue  # saved unchanged
        if old_slug is not None:
            removed.append(kit.links["briefs_by_slug"][old_slug])  # type: ignore[index]
            del keys[old_slug], sources[old_slug]
        added.append(result.brief)
        keys[result.brief.slug] = result.key
        sources[result.brief.slug] = result.source
    if not added:  # saved as it was, or an editor's temporary file: the site stands
        progress(f"patch: no article changed ({time.perf_counter() - started:.2f} s)")
        return _report(last, 0, set()), last
    if not _protected_unchanged(last, removed, added):
        raise _Whole("an official's name came or went: every Traditional page protects them")
    memo: list[dict[str, str]] = []  # read only if a name comes or goes

    def slugs() -> dict[str, str]:
        if not memo:
            memo.append(kit.cache.load_slugs())
        return memo[0]

    patched = patch_catalog(last.catalog, kit.promises, removed, added, load_gazetteer(), slugs)
    if memo:
        kit.cache.save_slugs(memo[0])  # as a build would: names keep their slugs
    if patched is None:
        raise _Whole("a name came or went, and another name's slug would move")
    catalog, promises, change = patched
    if change.names_changed:
        links = shared_context(catalog, last.static_pages)
    else:
        links = {**kit.links, "briefs_by_slug": catalog.by_slug}
    colors, recolored = _colors(last, catalog, removed, added)
    cities = _affected_cities(catalog, change, recolored)
    pagemap = PageMap(catalog, last.static_pages, links, keys)
    pages = _affected_pages(pagemap, last, change, cities, removed, added)
    kept = [p for p in pages if last.pages.get(p.path) is p]  # already keyed
    fresh = [p for p in pages if last.pages.get(p.path) is not p]
    pages = [
        *keyed_by_build(with_charts(fresh, catalog, colors), last.build_key, last.template_keys),
        *kept,
    ]
    # Pages that are no longer there: a renamed brief's, a name no brief has now.
    gone_briefs = {b.slug for b in removed} - {b.slug for b in added}
    all_pages = dict(last.pages)
    for page in pages:
        all_pages[page.path] = page
    made = {p.path for p in pages}
    gone_paths, gone_files = _gone(last.catalog, catalog, gone_briefs, change.names_changed)
    gone_paths += sorted(_lists_shortened(last.catalog, catalog, change))
    gone_paths = [path for path in gone_paths if path not in made]
    for path in gone_paths:
        all_pages.pop(path, None)
    if kit.config.base_url and (
        gone_paths or len(all_pages) != len(last.pages) or _reordered(last.catalog, catalog)
    ):
        # The sitemap lists the pages in the build's order.
        raise _Whole("the sitemap's pages changed or moved")

    # The search index is the live site's as it is (Pagefind takes a minute at
    # N = 10,000): serve makes it again after the pages, once the saves stop.
    indexed = (last.out_dir / BUNDLE_DIR).is_dir()
    writer = PatchWriter(
        last.out_dir,
        live=last.manifest,
        claimed=last.claimed,
        stale=last.stale,
        extra=last.extra,
        unlisted=[BUNDLE_DIR],
    )
    try:
        for path in gone_paths:
            for site_path in _page_path_of(PageSpec(path, "", {})):
                writer.drop(site_path)
        for path in gone_files:
            writer.drop(path)

        jobs = default_jobs()
        rendered = render_into(
            writer,
            kit.env,
            pages,
            kit.config,
            kit.traditional,
            shared=links,
            full_brief=full_brief_reader(kit.cache),
            jobs=jobs,
            per_job=-(-PATCH_PAGES_IN_PROCESS // jobs),  # rounded up
        )
        export_into(writer, added, keys, kit.cache, 1)
        if same_indexes(catalog, last.exports, added, last.out_dir):
            exports = dict(last.exports)  # left unclaimed: the live site's files stay
        else:
            changed_slugs = {b.slug for b in (*removed, *added)}
            unchanged = {s: e for s, e in last.exports.items() if s not in changed_slugs}
            exports = write_indexes(writer, catalog, unchanged, last.out_dir)
        # Undated entries take the newest brief's date: when it moves, every feed does.
        newest = fallback_time(catalog.briefs[:1], os.environ)
        same = newest == fallback_time(last.catalog.briefs[:1], os.environ)
        feeds = feed_files(
            catalog,
            list(all_pages.values()),
            kit.config,
            keys,
            last.build_key,
            cities=cities if same else None,
        )
        writer.write_keyed(f for f in feeds if f.key)  # robots.txt, .nojekyll: as they were
        site = writer.commit()
    except BaseException:
        writer.abort()
        raise
    stale, extra = writer.differences()
    warnings = dict(last.warnings)
    for result in results:
        assert result.brief is not None
        warnings[result.source] = result.brief.warnings
    new_kit = dataclasses.replace(kit, links=links, promises=promises, sources=sources, keys=keys)
    next_build = replace(
        last,
        kit=new_kit,
        catalog=catalog,
        colors=colors,
        pages=all_pages,
        manifest=writer.manifest,
        claimed=writer._claimed,
        stale=stale,
        extra=extra,
        exports=exports,
        warnings=warnings,
        site=site,
    )
    report = _report(next_build, rendered, {r.source for r in results})
    save_manifest(
        kit.cache.root, last.out_dir, writer.manifest, site=site, data=writer.manifest_data
    )
    progress(
        f"patch: {len(added)} article(s), {rendered} page(s) rendered, "
        f"{len(writer.touched)} file(s) claimed, in {time.perf_counter() - started:.2f} s"
        + (" (the search index follows once the saves stop)" if indexed else "")
    )
    return report, next_build


def _report(last: LastBuild, rendered: int, sources: set[str]) -> PatchReport:
    warnings = last.warnings
    return PatchReport(
        briefs=len(last.catalog.by_slug),
        pages=len(last.pages),
        files=len(last.manifest),
        rendered=rendered,
        warnings=[f"{s}: {w}" for s in sorted(sources) for w in warnings.get(s, ())],
    )


def _gone(
    old: Catalog, new: Catalog, gone_briefs: set[str], names_changed: bool
) -> tuple[list[str], list[str]]:
    """(pages, files) of the last site that the patched one no longer has."""
    pages: list[str] = []
    files = [f"data/{slug}.json" for slug in sorted(gone_briefs)]
    for slug in sorted(gone_briefs):
        pages += [brief_path(slug), repairs_path(slug)]
    if not names_changed:
        return pages, files
    for kind, before, after in (
        ("cities", old.cities, new.cities),
        ("officials", old.officials, new.officials),
        ("series", old.series, new.series),
        ("projects", old.projects, new.projects),
    ):
        kept = {e.slug for e in after}
        pages += [entry_path(kind, e.slug) for e in before if e.slug not in kept]
        if kind == "cities":
            files += [city_feed_path(e.slug) for e in before if e.slug not in kept]
    return pages, files
