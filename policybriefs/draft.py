"""Drafts for ``serve``: an edited article's own pages, drawn at once.

Rebuilding a site of thousands of briefs takes seconds, however little of it
changes: every brief is read and the catalog made again. An editor who saves
an article wants to see that article. So ``serve`` first draws the article's
own pages (the brief and its repair report, in both scripts) against what the
last build left (its links, the other briefs, the templates and converters),
serves them from memory, and only then rebuilds the site. The files on disk
are only ever written by a build, so a draft can never be left behind in
``site/``: it is dropped as soon as the build it stood in for is in place.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from .articles import process_articles
from .cache import BriefCache
from .catalog import PromiseIndex, first_promised_in, person_slug
from .config import CONFIG_NAME
from .load import PAGES_DIR, slugify
from .models import Brief, SiteConfig
from .opencc_dicts import FirstStep
from .pages import brief_pages, full_brief_context
from .protection import NameProtection
from .reindex import IndexState
from .render import SCRIPTS, render_scripts, script_root
from .traditional import TraditionalConverter, traditional_pairs

if TYPE_CHECKING:
    from .patch import LastBuild


@dataclass(frozen=True)
class DraftKit:
    """What one build leaves for drafting its articles' pages until the next."""

    content_dir: Path
    cache: BriefCache
    config: SiteConfig
    env: Environment
    links: Mapping[str, object]  # the build's shared context
    promises: PromiseIndex
    sources: Mapping[str, str]  # brief slug → its article's source
    keys: Mapping[str, str]  # brief slug → its cache key
    protected: Mapping[str, str]  # the build's protected phrases and names
    traditional: TraditionalConverter  # the build's converter, made with them
    protection: NameProtection  # whether another name would need an entry

    def held_briefs(self) -> dict[str, Brief]:
        """The build's light briefs by cache key, for the next build to reuse."""
        briefs: Mapping[str, Brief] = self.links["briefs_by_slug"]  # type: ignore[assignment]
        return {self.keys[slug]: brief for slug, brief in briefs.items() if slug in self.keys}

    def reusable(self) -> Reusable:
        """What the next build takes from this one where it still holds."""
        return Reusable(self.held_briefs(), self.config, self.protected, self.traditional)


@dataclass(frozen=True)
class Reusable:
    """What a build under ``serve`` takes from the last one where it still holds:
    its light briefs (by cache key), and its Traditional converter when the
    configuration and protected names are the same (else it is held to the end of
    the build regardless). Nothing else of the last build is held while the next
    one runs (see ``Drafts.let_go``)."""

    briefs: Mapping[str, Brief]
    config: SiteConfig
    protected: Mapping[str, str]
    traditional: TraditionalConverter


def drafted_articles(content_dir: Path, changed: Iterable[Path]) -> list[Path] | None:
    """The articles whose pages ``changed`` files alter, or None when a change
    reaches further than its article (configuration, static pages, templates)
    or removes one: only a build can show those. Files that are not content
    (an editor's temporary file, gone again by now) are passed over: none but
    those, and the list is empty."""
    root = Path(os.path.abspath(content_dir))
    articles: dict[Path, None] = {}
    for path in changed:
        path = Path(os.path.abspath(path))  # no ".." left to climb out of content/
        try:
            rel = path.relative_to(root)
        except ValueError:
            return None  # a template, or another watched folder
        if any(part.startswith(".") for part in rel.parts):
            continue  # hidden files are not content (an editor's swap file)
        if rel.parts[0] == PAGES_DIR or rel.as_posix() == CONFIG_NAME:
            return None
        if path.suffix == ".toml" and path.with_suffix(".txt").is_file():
            path = path.with_suffix(".txt")  # a sidecar: front matter of its .txt
        if path.suffix not in (".txt", ".md"):
            continue  # not content: the build would not read it either
        if not path.is_file():
            return None  # an article removed
        articles[path] = None
    return sorted(articles, key=lambda p: p.as_posix())


def _links_with(links: Mapping[str, object], brief: Brief) -> dict[str, object]:
    """The build's links, with ``brief`` and slugs for names it is the first to
    use (the next build settles them: homophones are numbered then)."""
    drafted = dict(links)
    briefs = dict(links["briefs_by_slug"])  # type: ignore[call-overload]
    briefs[brief.slug] = brief
    drafted["briefs_by_slug"] = briefs
    names: dict[str, tuple[list[str], Callable[[str], str]]] = {
        "city_slugs": ([*brief.cities, *(o.city for o in brief.officials if o.city)], slugify),
        "official_slugs": ([o.name for o in brief.officials], person_slug),
        "series_slugs": ([brief.series] if brief.series else [], slugify),
        "project_slugs": (
            [e.text for c in brief.commitments for e in c.entities if e.kind == "project"],
            slugify,
        ),
    }
    for field, (found, make) in names.items():
        known: Mapping[str, str] = links[field]  # type: ignore[assignment]
        new = {name: make(name) for name in found if name not in known}
        if new:
            drafted[field] = {**known, **new}
    return drafted


@functools.lru_cache(maxsize=1)
def _converter(
    variant: str,
    pairs: tuple[tuple[str, str], ...],
    first_step: FirstStep | None,
    phrases: frozenset[str],
) -> TraditionalConverter:
    """An editor saving one article again and again drafts with the same names
    each time. (One is kept.)"""
    entries = traditional_pairs(variant, dict(pairs))
    return TraditionalConverter(variant, entries, first_step, phrases)


def _traditional_for(kit: DraftKit, brief: Brief) -> TraditionalConverter:
    """The converter the next build will use for ``brief``'s pages: every name the
    build protects (a name may be written in one brief and listed as an official in
    another), and the brief's own officials that need an entry."""
    variant = kit.config.traditional_variant
    added = {
        o.name: o.name_hant
        for o in brief.officials
        if o.name not in kit.protected and kit.protection.needs_entry(o.name, o.name_hant)
    }
    if not added:
        return kit.traditional
    pairs = tuple(sorted({**kit.protected, **added}.items()))
    return _converter(variant, pairs, kit.traditional.first_step, kit.traditional.phrase_keys)


def draft_pages(kit: DraftKit, articles: Sequence[Path]) -> dict[str, bytes]:
    """Each article's own pages, both scripts, by path below the site root.

    An article that fails to load, or whose slug another article holds, gets
    no draft; the build that follows reports it.
    """
    results = process_articles(
        articles, kit.content_dir, kit.config.traditional_variant, kit.cache, 1, name_slugs=False
    )
    drafts: dict[str, bytes] = {}
    drafted: set[str] = set()
    for result in results:
        brief = result.brief
        if brief is None or kit.sources.get(brief.slug, result.source) != result.source:
            continue
        if brief.slug in drafted:
            continue  # two new articles, one slug: the build keeps the first in path order
        drafted.add(brief.slug)
        # The article as the last build knew it, under whatever slug it had then.
        replaced = {slug for slug, source in kit.sources.items() if source == result.source}
        full = kit.cache.get(result.key)
        if full is None:
            continue
        traditional = _traditional_for(kit, brief)
        links = _links_with(kit.links, brief)
        for spec in brief_pages(
            brief, first_promised_in(brief, kit.promises, replaced), result.key
        ):
            extra = full_brief_context(full) if spec.full_brief else None
            pages = render_scripts(
                kit.env, spec, SCRIPTS, kit.config, traditional, extra, shared=links
            )
            for script, page in zip(SCRIPTS, pages, strict=True):
                drafts[script_root(script) + spec.path] = page
    return drafts


class Drafts:
    """What the last build left (to draft and patch with), and the pages drafted since."""

    def __init__(self) -> None:
        self.last: LastBuild | None = None
        self._reusable: Reusable | None = None  # what the last build left, once let go
        self.pages: Mapping[str, bytes] = {}  # replaced whole: handlers read it unlocked
        # Set since the last draw when a drafted page went out, or a build.py asked for
        # the site: either ends serve's wait for an open page to fetch the draft.
        self.served = threading.Event()
        self.polled_at = float("-inf")  # when an open page last asked for the build number
        # Whether the site's search index is older than its pages (a patch leaves it).
        self.index = IndexState()
        self._asking = 0  # build.py runs waiting for the site
        self._lock = threading.Lock()

    @property
    def build_asked(self) -> bool:
        """Whether a build.py run is waiting for the site: it wants the build, not a
        draft, and an open page that stopped polling a moment ago would make it wait
        the whole grace for nothing (a second at a time in the benchmark)."""
        with self._lock:
            return self._asking > 0

    @contextmanager
    def asking_for_build(self) -> Iterator[None]:
        """While a build.py run waits for the site."""
        with self._lock:
            self._asking += 1
        try:
            # After the count: a draft drawn (and the event cleared) before it is
            # seen here is woken; one drawn after it sees the count (``draft_now``).
            self.served.set()
            yield
        finally:
            with self._lock:
                self._asking -= 1

    def keep(self, last: LastBuild | None) -> None:
        self.last = last
        self._reusable = None

    def reusable(self) -> Reusable | None:
        """What the next whole build may take from the last one kept (still held
        after ``let_go``, until a build is kept: a build that failed meanwhile
        leaves the next one these briefs to take)."""
        return self.last.kit.reusable() if self.last is not None else self._reusable

    def let_go(self) -> None:
        """Drop the last build, once a whole one is found to be needed (it makes
        it all again, taking only ``reusable`` from it): held through it, the
        catalog, page keys, manifests and draft kit took ``serve`` to 647 MiB over a
        template change at N = 10,000. Until a build is kept, nothing is drafted
        (the watcher that drafts is the thread that builds) or patched."""
        self._reusable = self.reusable()
        self.last = None

    def draw(self, changed: Sequence[Path]) -> int:
        """Draft the pages of the articles ``changed`` edits; how many were drawn."""
        kit = self.kit
        articles = None if kit is None else drafted_articles(kit.content_dir, changed)
        if kit is None or not articles:
            return 0
        drawn = draft_pages(kit, articles)
        self.served.clear()
        self.pages = {**self.pages, **drawn}
        return len(drawn)

    @property
    def kit(self) -> DraftKit | None:
        """The last build's kit, to draft with."""
        return None if self.last is None else self.last.kit

    def clear(self) -> None:
        self.pages = {}
