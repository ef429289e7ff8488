"""The build, stage by stage: the whole site map of the tool in one function."""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from .articles import ArticleResult, default_jobs, process_articles
from .cache import (
    BriefCache,
    digest,
    load_manifests,
    save_manifest,
    tool_fingerprint,
    tree_fingerprint,
    unchanged_build,
)
from .catalog import Catalog, build_catalog, promise_index
from .chart import Series, brief_series, with_charts
from .config import load_config
from .draft import DraftKit, Reusable
from .errors import ContentError
from .export import (
    BriefExport,
    brief_exports,
    export_into,
    recorded_exports,
    save_exports,
    write_indexes,
)
from .feeds import base_url_note, feed_files, not_found_page
from .gazetteer import load_gazetteer
from .heap import long_lived
from .load import discover, load_page
from .models import Brief, PageSpec, SiteConfig, StaticPage, TemplateKeys
from .pagemap import gather_pages, keyed_by_build
from .pages import full_brief_reader, shared_context
from .patch import LastBuild
from .protection import NameProtection, protected_entries
from .render import compile_templates, make_environment, render_into
from .search import search_hook, search_page
from .template_files import TemplateFiles, read_templates, template_keys
from .traditional import TraditionalConverter, traditionalizer
from .urls import with_base_url
from .write import SiteWriter, case_folded, read_marker, spare_path, stale_paths

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    briefs: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False  # nothing was built: the inputs and the site were as last time


def saved_report(saved: dict[str, Any], *, seconds: float) -> BuildReport:
    """The report of an earlier build, read back from its record."""
    return BuildReport(
        briefs=int(saved.get("briefs", 0)),
        pages=int(saved.get("pages", 0)),
        files=int(saved.get("files", 0)),
        seconds=seconds,
        errors=[str(e) for e in saved.get("errors", [])],
        warnings=[str(w) for w in saved.get("warnings", [])],
        unchanged=True,
    )


def _load_pages(paths: Sequence[Path], content_dir: Path, report: BuildReport) -> list[StaticPage]:
    pages: list[StaticPage] = []
    for path in paths:
        try:
            pages.append(load_page(path, content_dir))
        except ContentError as exc:
            report.errors.append(str(exc))
    return pages


def _repair_line(source: str, brief: Brief) -> str:
    counts = brief.article.edit_counts
    parts = ", ".join(f"{kind} {n}" for kind, n in counts)
    return f"  {source}: {parts or 'no repairs'}"


def _unique_slugs(results: Sequence[ArticleResult], report: BuildReport) -> list[ArticleResult]:
    kept: list[ArticleResult] = []
    by_slug: dict[str, str] = {}
    for result in results:
        if result.error is not None or result.brief is None:
            report.errors.append(result.error or f"{result.source}: failed")
            continue
        slug = result.brief.slug
        if slug in by_slug:
            report.errors.append(
                f"{result.source}: slug {slug!r} is already used by {by_slug[slug]}"
            )
            continue
        by_slug[slug] = result.source
        kept.append(result)
    return kept


@dataclass(frozen=True)
class _Gathered:
    """The briefs and what is made across them, before any page."""

    briefs: list[Brief]
    sources: dict[str, str]  # brief slug → article source
    static_pages: list[StaticPage]
    keys: dict[str, str]  # brief slug → cache key
    catalog: Catalog
    links: dict[str, object]
    warnings: dict[str, tuple[str, ...]]  # by article source, in path order


def _gather(
    content_dir: Path,
    config: SiteConfig,
    cache: BriefCache,
    jobs: int,
    report: BuildReport,
    progress: Progress,
    held: Mapping[str, Brief] | None = None,
) -> _Gathered:
    article_paths, page_paths = discover(content_dir)
    progress(f"load, normalize, extract: {len(article_paths)} article(s), {jobs} process(es)")
    results = _unique_slugs(
        process_articles(article_paths, content_dir, config.traditional_variant, cache, jobs, held),
        report,
    )
    static_pages = _load_pages(page_paths, content_dir, report)
    briefs: list[Brief] = []
    for result in results:
        assert result.brief is not None
        briefs.append(result.brief)
        progress(_repair_line(result.source, result.brief))
        report.warnings.extend(f"{result.source}: {w}" for w in result.brief.warnings)
    keys = {r.brief.slug: r.key for r in results if r.brief is not None}
    sources = {r.brief.slug: r.source for r in results if r.brief is not None}

    slugs = cache.load_slugs()
    known = len(slugs)
    for result in results:
        slugs.update(result.slugs)
    catalog, links = catalog_and_links(briefs, static_pages, slugs)
    if len(slugs) != known:
        cache.save_slugs(slugs)
    warnings = {r.source: r.brief.warnings for r in results if r.brief is not None}
    return _Gathered(briefs, sources, static_pages, keys, catalog, links, warnings)


def catalog_and_links(
    briefs: Sequence[Brief], static_pages: Sequence[StaticPage], slugs: dict[str, str]
) -> tuple[Catalog, dict[str, object]]:
    """The catalog and the context every page shares, kept to the end of the build."""
    with long_lived():
        catalog = build_catalog(briefs, load_gazetteer(), slugs)
        return catalog, shared_context(catalog, static_pages)


def page_list(
    catalog: Catalog,
    static_pages: Sequence[StaticPage],
    links: Mapping[str, object],
    keys: Mapping[str, str],
) -> tuple[dict[str, Series], list[PageSpec]]:
    """The briefs' chart colours and every page of one script, kept to the end of
    the build like the briefs."""
    with long_lived():
        colors = brief_series(catalog)
        pages = gather_pages(catalog, static_pages, links, keys)
        return colors, [*with_charts(pages, catalog, colors), search_page(), not_found_page()]


def protected_names(
    config: SiteConfig, briefs: Sequence[Brief], cache_root: Path | None
) -> tuple[dict[str, str], NameProtection]:
    """What the Traditional edition must keep as written: the configured phrases,
    and each official's name in its Traditional form (the first brief's wins)
    where OpenCC might write it otherwise (see ``protection``); and whether
    another name would need an entry next to them."""
    officials = ((o.name, o.name_hant) for brief in briefs for o in brief.officials)
    return protected_entries(
        config.traditional_variant, dict(config.protected_phrases), officials, cache_root
    )


def _reusable_converter(
    reuse: Reusable | None, config: SiteConfig, protected: Mapping[str, str]
) -> TraditionalConverter | None:
    """The last build's converter, when this build would make the same one."""
    variant = config.traditional_variant
    if reuse is None or reuse.config.traditional_variant != variant:
        return None
    if reuse.protected != protected:
        return None
    if reuse.config.protected_phrases != config.protected_phrases:
        return None  # the same entries, but one is now a phrase, or a name again
    return reuse.traditional


def _draft_kit(
    content_dir: Path,
    cache: BriefCache,
    config: SiteConfig,
    env: Environment,
    found: _Gathered,
    protected: Mapping[str, str],
    protection: NameProtection,
    traditional: TraditionalConverter,
) -> DraftKit:
    return DraftKit(
        # Absolute, as the paths the watcher reports are (``--content C`` is relative).
        content_dir=Path(os.path.abspath(content_dir)),
        cache=cache,
        config=config,
        env=env,
        links=found.links,
        promises=promise_index(found.briefs),
        sources=found.sources,
        keys=found.keys,
        protected=protected,
        traditional=traditional,
        protection=protection,
    )


def build(
    content_dir: Path,
    out_dir: Path,
    templates_dir: Path,
    progress: Progress = lambda _: None,
    *,
    search: bool = False,
    base_url: str | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    keep: Callable[[LastBuild], None] | None = None,
    reuse: Reusable | None = None,
    release: Callable[[], None] | None = None,
) -> BuildReport:
    """Build ``content_dir`` into ``out_dir``.

    ``search`` runs Pagefind on the new site (the CLI's default); ``base_url``
    overrides the configured one; ``jobs`` worker processes share the
    per-article stages and the rendering; ``cache_dir`` keeps briefs and the
    record of the last build's pages between runs (None: a throwaway one).
    ``keep`` is given what ``serve`` needs to draft edited articles' pages
    until the next build (only with a ``cache_dir``: drafts read briefs from it);
    ``reuse`` is what the last build left for the next (``DraftKit.reusable``): its
    briefs and Traditional converter are taken again where they still hold;
    ``release`` lets ``serve``'s last build go, called once the inputs are found
    changed, before anything is made (an up-to-date build leaves it be). Without
    one, serve holds no build, and an up-to-date build gives ``keep`` one anew.
    """
    with tempfile.TemporaryDirectory(prefix="policybriefs-cache-") as scratch:
        cache = BriefCache(cache_dir or Path(scratch))
        try:
            return _build(
                content_dir,
                out_dir,
                templates_dir,
                progress,
                cache,
                search=search,
                base_url=base_url,
                jobs=jobs or default_jobs(),
                recorded=cache_dir is not None,
                keep=keep if cache_dir is not None else None,
                reuse=reuse,
                release=release,
            )
        finally:
            # The stages freeze the long-lived heap (briefs, catalog, pages) so the
            # collector stops walking it; collectable again, as `serve` builds over
            # and over in one process.
            gc.unfreeze()


@dataclass(frozen=True)
class _Plan:
    """Everything a build makes before it writes: the briefs and catalog, and the
    pages keyed by what they show and by what shapes every page (``build_key``)."""

    config: SiteConfig
    found: _Gathered
    colors: dict[str, Series]
    pages: list[PageSpec]
    protected: dict[str, str]
    protection: NameProtection
    traditional: TraditionalConverter
    env: Environment
    build_key: str
    template_keys: TemplateKeys


def _plan(
    content_dir: Path,
    templates: TemplateFiles,
    cache: BriefCache,
    jobs: int,
    report: BuildReport,
    progress: Progress,
    base_url: str | None,
    reuse: Reusable | None,
) -> _Plan:
    config = with_base_url(load_config(content_dir), base_url, "--base-url")
    held = reuse.briefs if reuse is not None else None
    found = _gather(content_dir, config, cache, jobs, report, progress, held)
    catalog = found.catalog
    colors, pages = page_list(catalog, found.static_pages, found.links, found.keys)
    protected, protection = protected_names(config, found.briefs, cache.root)
    traditional = _reusable_converter(reuse, config, protected) or traditionalizer(
        config.traditional_variant,
        protected,
        cache.root,
        phrases=[key for key, _ in config.protected_phrases],
    )
    env = make_environment(templates)
    # The converter's entries: the packaged phrases too, which any page may need. The
    # templates key each page by those it is drawn with (feeds and data use none).
    build_key = digest(tool_fingerprint(), repr(config), traditional.fingerprint)
    drawn_with = template_keys(env, templates.digest)
    pages = keyed_by_build(pages, build_key, drawn_with)
    return _Plan(
        config, found, colors, pages, protected, protection, traditional, env, build_key, drawn_with
    )


def _last_build(
    plan: _Plan,
    content_dir: Path,
    cache: BriefCache,
    out_dir: Path,
    base_url: str | None,
    *,
    live: dict[str, str],
    claimed: set[str] | None = None,
    differences: _SpareDifferences | None,
    exports: dict[str, BriefExport],
    site: str,
    patchable: bool,
) -> LastBuild:
    """What ``serve`` keeps of a build: ``live`` is the manifest of the site in
    ``out_dir`` and ``differences`` where its spare differs from it (None: none
    known, as after a first build, so every file is stale and the spare is made
    anew as links to the site: in the background while serve waits, or by the
    first patch); ``claimed``, the live paths case-folded, when the writer holds
    them already."""
    found = plan.found
    # Patches render in this process, with this environment: its templates compiled
    # now, as part of the build serve runs anyway (0.1 s), not by the first patch
    # that needs one while an editor waits for it.
    compile_templates(plan.env)
    kit = _draft_kit(
        content_dir,
        cache,
        plan.config,
        plan.env,
        found,
        plan.protected,
        plan.protection,
        plan.traditional,
    )
    known = bool(live)
    stale, extra = differences or spare_differences(live, {})
    return LastBuild(
        kit=kit,
        out_dir=out_dir,
        base_url=base_url,
        catalog=found.catalog,
        static_pages=found.static_pages,
        colors=plan.colors,
        pages={p.path: p for p in plan.pages},
        build_key=plan.build_key,
        template_keys=plan.template_keys,
        manifest=live,
        claimed=case_folded(live) if claimed is None else claimed,
        # Where the spare differs from the live site: what a patch brings up to date.
        stale=stale if known else set(),
        extra=extra if known else set(),
        exports=exports,
        warnings=found.warnings,
        site=site,
        patchable=known and patchable,
    )


_SpareDifferences = tuple[set[str], set[str]]


def spare_differences(live: Mapping[str, str], spare: Mapping[str, str]) -> _SpareDifferences:
    """The live site's files that its spare lacks or holds in another version, and
    the spare's files the live site lacks: worked out as soon as both manifests
    are known, so the spare's (10 MiB at N = 10,000) is not held to the end."""
    return set(stale_paths(live, spare)), set(spare.keys() - live.keys())


def _live_exports(
    cache_root: Path, out_dir: Path, briefs: Sequence[Brief], keys: Mapping[str, str]
) -> dict[str, BriefExport]:
    """Each brief's part of the data files of the up-to-date site in ``out_dir``:
    as the build that made it recorded them, else made again (a second at N = 10,000)."""
    recorded = recorded_exports(cache_root, out_dir, keys)
    if all(b.slug in recorded for b in briefs) and len(recorded) == len(briefs):
        return {b.slug: recorded[b.slug] for b in briefs}
    return brief_exports(briefs)


def _build(
    content_dir: Path,
    out_dir: Path,
    templates_dir: Path,
    progress: Progress,
    cache: BriefCache,
    *,
    search: bool,
    base_url: str | None,
    jobs: int,
    recorded: bool,
    keep: Callable[[LastBuild], None] | None,
    reuse: Reusable | None,
    release: Callable[[], None] | None,
) -> BuildReport:
    report = BuildReport()
    started = time.perf_counter()
    # Everything the site is made from. When none of it changed and the last
    # site is still in place, there is nothing to do but say so.
    # Read once: the inputs' digest, the pages' keys and the pages come from these bytes.
    templates = read_templates(templates_dir)
    inputs = digest(
        tool_fingerprint(),
        templates.digest,
        tree_fingerprint(content_dir, skip_hidden=True),
        base_url,
        search,
    )
    if (last := unchanged_build(cache.root, out_dir, inputs)) is not None:
        progress(f"nothing changed since the last build of {out_dir}: it is up to date")
        if keep is not None and release is None:
            # serve starting on a built site, or after a build that failed: what the
            # site was made from, to draft and patch with, is made again (nothing is
            # rendered). Otherwise serve holds its last build still.
            plan = _plan(
                content_dir, templates, cache, jobs, BuildReport(),
                lambda _: None, base_url, reuse,
            )  # fmt: skip
            live, spare = load_manifests(cache.root, out_dir)
            in_place = bool(spare) and spare_path(out_dir).is_dir()
            known = spare_differences(live, spare) if in_place else None
            del spare
            briefs = plan.found.catalog.briefs
            keep(
                _last_build(
                    plan,
                    content_dir,
                    cache,
                    out_dir,
                    base_url,
                    live=live,
                    differences=known,
                    exports=_live_exports(cache.root, out_dir, briefs, plan.found.keys),
                    site=read_marker(out_dir),
                    patchable=not last.get("errors"),
                )
            )
        return saved_report(last, seconds=time.perf_counter() - started)
    if release is not None:
        release()
    plan = _plan(
        content_dir,
        templates,
        cache,
        jobs,
        report,
        progress,
        base_url,
        reuse,
    )
    config, pages, found = plan.config, plan.pages, plan.found
    catalog, keys = found.catalog, found.keys
    previous, spare = load_manifests(cache.root, out_dir)

    with SiteWriter(out_dir, previous=previous, spare=spare, recorded=recorded) as writer:
        # The writer holds the spare's manifest if it took the spare; a spare it
        # dropped (after a whole rebuild, stale everywhere) was 25 MiB held to the end.
        del spare
        progress(f"render: {len(pages)} page(s) in 2 scripts")
        rendered = render_into(
            writer,
            plan.env,
            pages,
            config,
            plan.traditional,
            shared=found.links,
            full_brief=full_brief_reader(cache),
            jobs=jobs,
        )
        export_into(writer, catalog.briefs, keys, cache, jobs)
        placed = len(writer.manifest) - rendered
        kept = recorded_exports(cache.root, out_dir, keys) if recorded else {}
        exports = write_indexes(writer, catalog, kept, out_dir)
        del kept
        writer.write_files(templates.static_files())
        writer.write_keyed(feed_files(catalog, pages, config, keys, plan.build_key))
        if note := base_url_note(config):
            progress(note)
        progress(
            f"write: {len(writer.manifest)} file(s) to {out_dir} "
            f"({rendered} page(s) rendered, {placed} reused or exported)"
        )
        site = writer.commit(before_swap=search_hook(progress) if search else None)
    report.briefs = len(found.briefs)
    report.pages = len(pages)
    report.files = len(writer.manifest)
    save_manifest(
        cache.root,
        out_dir,
        writer.manifest,
        site=site,
        inputs=inputs,
        report=asdict(report),
    )
    if recorded:
        save_exports(cache.root, out_dir, site, exports, keys)
    if keep is not None:
        keep(
            _last_build(
                plan,
                content_dir,
                cache,
                out_dir,
                base_url,
                live=writer.manifest,
                claimed=writer.claimed,
                # The site just retired is the spare, when the writer kept it.
                differences=(
                    spare_differences(writer.manifest, previous) if writer.kept_spare else None
                ),
                exports=exports,
                site=site,
                patchable=not report.errors,
            )
        )
    report.seconds = time.perf_counter() - started
    return report
