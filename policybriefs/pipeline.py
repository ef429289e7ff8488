"""The build, stage by stage: the whole site map of the tool in one function."""

from __future__ import annotations

import functools
import gc
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
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
from .chart import with_charts
from .config import load_config
from .draft import DraftKit
from .errors import ContentError
from .export import export_indexes, export_into
from .feeds import base_url_note, feed_files, not_found_page
from .gazetteer import load_gazetteer
from .load import discover, load_page
from .models import Brief, OutputFile, SiteConfig, StaticPage
from .pages import full_brief_context, gather_pages, shared_context
from .render import make_environment, render_into
from .script import ScriptConverter, segments_first, traditionalizer
from .search import search_hook, search_page
from .urls import with_base_url
from .write import SiteWriter

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


def static_files(templates_dir: Path) -> list[OutputFile]:
    static_dir = templates_dir / "static"
    if not static_dir.is_dir():
        return []
    return [
        OutputFile("static/" + p.relative_to(static_dir).as_posix(), p.read_bytes())
        for p in sorted(static_dir.rglob("*"))
        if p.is_file()
    ]


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
    catalog = build_catalog(briefs, load_gazetteer(), slugs)
    if len(slugs) != known:
        cache.save_slugs(slugs)
    links = shared_context(catalog, static_pages)
    return _Gathered(briefs, sources, static_pages, keys, catalog, links)


def protected_names(config: SiteConfig, briefs: Sequence[Brief]) -> dict[str, str]:
    """What the Traditional edition must keep as written: the configured phrases,
    and each official's name in its Traditional form (the first brief's wins)."""
    protected = dict(config.protected_phrases)
    for brief in briefs:
        for official in brief.officials:
            protected.setdefault(official.name, official.name_hant)
    return protected


def _traditional_edition(
    config: SiteConfig, protected: Mapping[str, str], briefs: Sequence[Brief]
) -> ScriptConverter:
    paragraphs = [p for b in briefs for p in b.article.paragraphs]
    return traditionalizer(config.traditional_variant, protected, paragraphs)


def _reusable_converter(
    last_kit: DraftKit | None, config: SiteConfig, protected: Mapping[str, str]
) -> ScriptConverter | None:
    """The last build's converter, when this build would make the same one: the
    same names, and a variant that does not also key entries on the text (s2t)."""
    variant = config.traditional_variant
    if last_kit is None or last_kit.config.traditional_variant != variant:
        return None
    if not segments_first(variant) or last_kit.protected != protected:
        return None
    return last_kit.traditional


def _draft_kit(
    content_dir: Path,
    cache: BriefCache,
    config: SiteConfig,
    env: Environment,
    found: _Gathered,
    protected: Mapping[str, str],
    traditional: ScriptConverter,
) -> DraftKit:
    return DraftKit(
        content_dir=content_dir,
        cache=cache,
        config=config,
        env=env,
        links=found.links,
        promises=promise_index(found.briefs),
        sources=found.sources,
        keys=found.keys,
        protected=protected,
        traditional=traditional,
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
    keep: Callable[[DraftKit], None] | None = None,
    last_kit: DraftKit | None = None,
) -> BuildReport:
    """Build ``content_dir`` into ``out_dir``.

    ``search`` runs Pagefind on the new site (the CLI's default); ``base_url``
    overrides the configured one; ``jobs`` worker processes share the
    per-article stages and the rendering; ``cache_dir`` keeps briefs and the
    record of the last build's pages between runs (None: a throwaway one).
    ``keep`` is given what ``serve`` needs to draft edited articles' pages
    until the next build (only with a ``cache_dir``: drafts read briefs from it);
    ``last_kit`` is the kit the last build left: its briefs and Traditional
    converter are taken again where they still hold, and an up-to-date build
    keeps it instead of making another.
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
                last_kit=last_kit,
            )
        finally:
            # The stages freeze the long-lived heap (briefs, catalog, pages) so the
            # collector stops walking it; collectable again, as `serve` builds over
            # and over in one process.
            gc.unfreeze()


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
    keep: Callable[[DraftKit], None] | None,
    last_kit: DraftKit | None,
) -> BuildReport:
    report = BuildReport()
    started = time.perf_counter()
    # Everything the site is made from. When none of it changed and the last
    # site is still in place, there is nothing to do but say so.
    templates = tree_fingerprint(templates_dir)
    inputs = digest(
        tool_fingerprint(),
        templates,
        tree_fingerprint(content_dir, skip_hidden=True),
        base_url,
        search,
    )
    if (last := unchanged_build(cache.root, out_dir, inputs)) is not None:
        progress(f"nothing changed since the last build of {out_dir}: it is up to date")
        if keep is not None and last_kit is None:
            config = with_base_url(load_config(content_dir), base_url, "--base-url")
            found = _gather(content_dir, config, cache, jobs, BuildReport(), lambda _: None)
            protected = protected_names(config, found.briefs)
            traditional = _traditional_edition(config, protected, found.briefs)
            env = make_environment(templates_dir)
            keep(_draft_kit(content_dir, cache, config, env, found, protected, traditional))
        return saved_report(last, seconds=time.perf_counter() - started)
    config = with_base_url(load_config(content_dir), base_url, "--base-url")
    held = last_kit.held_briefs() if last_kit is not None else None
    found = _gather(content_dir, config, cache, jobs, report, progress, held)
    briefs, keys, catalog, links = found.briefs, found.keys, found.catalog, found.links
    pages = with_charts(gather_pages(catalog, found.static_pages, links, keys), catalog)
    pages += [search_page(), not_found_page()]
    gc.freeze()  # the page list lives until the end, like the briefs
    protected = protected_names(config, briefs)
    traditional = _reusable_converter(last_kit, config, protected) or _traditional_edition(
        config, protected, briefs
    )
    env = make_environment(templates_dir)
    build_key = digest(tool_fingerprint(), templates, repr(config), sorted(protected.items()))
    # 128 bits name a page's inputs well enough, and halve the manifest kept per site.
    pages = [replace(p, key=digest(build_key, p.key)[:32]) if p.key else p for p in pages]
    previous, spare = load_manifests(cache.root, out_dir)

    # A brief's page and its repair report come one after the other in a
    # worker's share: the brief is read from the cache and digested once.
    @functools.lru_cache(maxsize=2)
    def full_brief(key: str) -> dict[str, object]:
        brief = cache.get(key)
        if brief is None:
            raise RuntimeError(f"brief {key} vanished from the cache during the build")
        return full_brief_context(brief)

    with SiteWriter(out_dir, previous=previous, spare=spare, recorded=recorded) as writer:
        progress(f"render: {len(pages)} page(s) in 2 scripts")
        rendered = render_into(
            writer,
            env,
            pages,
            config,
            traditional,
            shared=links,
            full_brief=full_brief,
            jobs=jobs,
        )
        export_into(writer, catalog, keys, cache, jobs)
        placed = len(writer.manifest) - rendered
        writer.write_files([*export_indexes(catalog), *static_files(templates_dir)])
        writer.write_keyed(feed_files(catalog, pages, config, keys, build_key))
        if note := base_url_note(config):
            progress(note)
        progress(
            f"write: {len(writer.manifest)} file(s) to {out_dir} "
            f"({rendered} page(s) rendered, {placed} reused or exported)"
        )
        site = writer.commit(before_swap=search_hook(progress) if search else None)
    if keep is not None:
        keep(_draft_kit(content_dir, cache, config, env, found, protected, traditional))
    report.briefs = len(briefs)
    report.pages = len(pages)
    report.files = len(writer.manifest)
    save_manifest(
        cache.root, out_dir, writer.manifest, site=site, inputs=inputs, report=asdict(report)
    )
    report.seconds = time.perf_counter() - started
    return report
