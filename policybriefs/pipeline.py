"""The build, stage by stage: the whole site map of the tool in one function."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .brief import build_brief
from .catalog import build_catalog
from .chart import with_charts
from .config import load_config
from .errors import ContentError
from .export import export_data
from .feeds import base_url_note, feed_files, not_found_page
from .gazetteer import load_gazetteer
from .load import discover, load_article, load_page
from .models import Brief, OutputFile, RawArticle, StaticPage
from .normalize.article import normalize_article
from .pages import gather_pages
from .render import make_environment, render_pages
from .script import traditionalizer
from .search import search_hook, search_page
from .urls import with_base_url
from .write import write_site

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    briefs: int = 0
    pages: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _load_all(paths: Sequence[Path], content_dir: Path, report: BuildReport) -> list[RawArticle]:
    raws: list[RawArticle] = []
    by_slug: dict[str, RawArticle] = {}
    for path in paths:
        try:
            raw = load_article(path, content_dir)
        except ContentError as exc:
            report.errors.append(str(exc))
            continue
        if raw.slug in by_slug:
            report.errors.append(
                f"{raw.source}: slug {raw.slug!r} is already used by {by_slug[raw.slug].source}"
            )
            continue
        by_slug[raw.slug] = raw
        raws.append(raw)
    return raws


def _load_pages(paths: Sequence[Path], content_dir: Path, report: BuildReport) -> list[StaticPage]:
    pages: list[StaticPage] = []
    for path in paths:
        try:
            pages.append(load_page(path, content_dir))
        except ContentError as exc:
            report.errors.append(str(exc))
    return pages


def _repair_line(brief: Brief) -> str:
    counts = Counter(e.kind for e in brief.article.edits)
    parts = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
    return f"  {brief.article.raw.source}: {parts or 'no repairs'}"


def static_files(templates_dir: Path) -> list[OutputFile]:
    static_dir = templates_dir / "static"
    if not static_dir.is_dir():
        return []
    return [
        OutputFile("static/" + p.relative_to(static_dir).as_posix(), p.read_bytes())
        for p in sorted(static_dir.rglob("*"))
        if p.is_file()
    ]


def build(
    content_dir: Path,
    out_dir: Path,
    templates_dir: Path,
    progress: Progress = lambda _: None,
    *,
    search: bool = False,
    base_url: str | None = None,
) -> BuildReport:
    """``search`` runs Pagefind on the new site (the CLI's default); ``base_url`` overrides
    the configured one."""
    report = BuildReport()
    config = with_base_url(load_config(content_dir), base_url, "--base-url")
    gazetteer = load_gazetteer()

    article_paths, page_paths = discover(content_dir)
    progress(f"load: {len(article_paths)} article file(s), {len(page_paths)} page(s)")
    raws = _load_all(article_paths, content_dir, report)
    static_pages = _load_pages(page_paths, content_dir, report)

    progress("normalize")
    articles = [normalize_article(raw) for raw in raws]

    progress("roster, sections, commitments")
    briefs: list[Brief] = []
    for article in articles:
        try:
            brief = build_brief(article, config.traditional_variant, gazetteer)
        except ContentError as exc:
            report.errors.append(str(exc))
            continue
        briefs.append(brief)
        progress(_repair_line(brief))
        report.warnings.extend(f"{article.raw.source}: {w}" for w in brief.warnings)

    catalog = build_catalog(briefs, gazetteer)
    pages = with_charts(gather_pages(catalog, static_pages), catalog)
    pages += [search_page(), not_found_page()]
    progress(f"render: {len(pages)} page(s) in 2 scripts")
    protected = dict(config.protected_phrases)
    for brief in briefs:
        for official in brief.officials:
            protected.setdefault(official.name, official.name_hant)
    traditional = traditionalizer(
        config.traditional_variant,
        protected,
        [p for b in briefs for p in b.article.paragraphs],
    )
    env = make_environment(templates_dir)
    files = render_pages(env, pages, config, traditional)
    files += export_data(catalog)
    files += static_files(templates_dir)
    files += feed_files(catalog, pages, config)
    if note := base_url_note(config):
        progress(note)

    progress(f"write: {len(files)} file(s) to {out_dir}")
    write_site(files, out_dir, before_swap=search_hook(progress) if search else None)
    report.briefs = len(briefs)
    report.pages = len(pages)
    report.files = len(files)
    return report
