"""The per-article stages (load, normalize, extract), cached and spread over the cores.

Each article is independent until the catalog, so workers take articles
from a queue. A worker keeps the full brief (every repair, the scraped
original) in the cache and hands back a light one: what the site-wide pages
need. Pages that need the full brief load it from the cache by key.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .brief import build_brief
from .cache import BriefCache, article_key
from .catalog import slug_memo_entries
from .errors import ContentError
from .export import brief_json
from .heap import long_lived
from .listing import listing_keys
from .load import load_article
from .models import Brief
from .normalize.article import normalize_article
from .normalize.gbk_tables import gbk_tables
from .render import default_termination
from .script import unsettled_simplified


@dataclass(frozen=True)
class ArticleResult:
    source: str
    key: str
    brief: Brief | None  # light: no edits, no original lines
    error: str | None
    # A worker hands back the light brief as its pickle, read from the cache as
    # it is: unpickled once, in the main process, not also in the worker.
    light_pickle: bytes | None = None
    # ``catalog.slug_memo_entries`` of a brief the worker had in hand (made, or read
    # whole from the cache). A light brief from the cache usually has its names'
    # slugs in the cache's memo already; where not (``serve`` made it, with
    # ``name_slugs=False``), the catalog makes those it lacks.
    slugs: tuple[tuple[str, str], ...] = ()


def lighten(brief: Brief) -> Brief:
    """The brief without what only its own repair page and JSON show."""
    article = brief.article
    counts = Counter(e.kind for e in article.edits)
    light = replace(
        article,
        raw=replace(article.raw, text=""),
        edits=(),
        original_lines=(),
        source_paragraphs=(),
        edit_counts=tuple(sorted(counts.items())),
    )
    return replace(brief, article=light, listing=listing_keys(brief))


def process_article(
    path: Path,
    *,
    content_dir: Path,
    variant: str,
    cache: BriefCache,
    light_ok: bool = True,
    name_slugs: bool = True,
) -> ArticleResult:
    source = path.relative_to(content_dir).as_posix()
    key = article_key(path, content_dir, variant)
    light = cache.get_light_pickle(key) if light_ok else None
    if light is not None:
        return ArticleResult(source, key, None, None, light)
    brief = cache.get(key)
    if brief is None:
        try:
            raw = load_article(path, content_dir)
            brief = build_brief(normalize_article(raw), variant)
        except ContentError as exc:
            return ArticleResult(source, key, None, str(exc))
        cache.put(key, brief)
    if not cache.data_path(key).is_file():  # the key names the brief, so any one there is its
        cache.put_data(key, brief_json(brief))
    light = cache.put_light(key, lighten(brief))
    slugs = tuple(slug_memo_entries(brief).items()) if name_slugs else ()
    return ArticleResult(source, key, None, None, light, slugs)


def _opened(
    result: ArticleResult,
    path: Path,
    again: Callable[..., ArticleResult],
    held: Mapping[str, Brief],
) -> ArticleResult:
    """The result with its light brief unpickled (or the one ``held`` under its
    key, the same brief already in memory); a damaged one is made again."""
    if result.light_pickle is None:
        return result
    brief = held.get(result.key) or BriefCache.loads(result.light_pickle)
    if brief is None:
        result = again(path, light_ok=False)
        brief = BriefCache.loads(result.light_pickle) if result.light_pickle else None
        if brief is None:
            error = result.error or f"{result.source}: its cached brief cannot be read"
            return ArticleResult(result.source, result.key, None, error)
    return ArticleResult(result.source, result.key, brief, None, slugs=result.slugs)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def worker_pool(jobs: int) -> multiprocessing.pool.Pool:
    """Forked workers: they start with the gazetteer and converters already loaded."""
    return multiprocessing.get_context("fork").Pool(jobs, initializer=default_termination)


def prepare_workers() -> None:
    """Load the normalizer's tables here, once, for forked workers to inherit, then
    freeze the heap: the collector stops walking the long-lived tables (pypinyin's
    alone hold hundreds of thousands of lists) on every full collection, which
    was 5% of the normalizer's time, and stops dirtying the pages workers share."""
    gbk_tables()
    unsettled_simplified()
    gc.freeze()


def process_articles(
    paths: Sequence[Path],
    content_dir: Path,
    variant: str,
    cache: BriefCache,
    jobs: int,
    held: Mapping[str, Brief] | None = None,
    name_slugs: bool = True,
) -> list[ArticleResult]:
    """Each article's light brief. ``held`` maps cache keys to light briefs already
    in memory (``serve`` keeps the last build's): those are not unpickled again.
    The cache is still asked for every key, so a brief it lost is made again.

    ``name_slugs=False`` hands back no names' slugs: ``serve`` processes a saved
    article in its own process, where making them would load pypinyin's phrase
    table (55 MiB) for names the slug memo has, mostly; a name it lacks gets
    its slug where it is first needed."""
    work = partial(
        process_article,
        content_dir=content_dir,
        variant=variant,
        cache=cache,
        name_slugs=name_slugs,
    )
    held = held or {}
    if jobs <= 1 or len(paths) < 2 * jobs:
        return _open_all(map(work, paths), paths, work, held)
    prepare_workers()
    with worker_pool(jobs) as pool:
        chunks = max(1, min(64, len(paths) // (jobs * 8)))
        # Opened as they come: the main process unpickles while the workers work,
        # and holds each result's pickle only until its brief is made from it.
        return _open_all(pool.imap(work, paths, chunksize=chunks), paths, work, held)


def _open_all(
    results: Iterable[ArticleResult],
    paths: Sequence[Path],
    work: Callable[..., ArticleResult],
    held: Mapping[str, Brief],
) -> list[ArticleResult]:
    # The briefs live for the whole build: millions of objects that full collections
    # would walk again and again while they are unpickled and after.
    with long_lived():
        return [_opened(r, p, work, held) for r, p in zip(results, paths, strict=True)]
