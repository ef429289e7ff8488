"""The files every site generator ships: Atom feeds, sitemap.xml, robots.txt, .nojekyll, 404.

Absolute URLs come from ``SiteConfig.base_url``. Without one the feeds still
ship, with links relative to the feed's own location (Atom resolves them
against the feed URL) and ``urn:uuid:`` ids; sitemap.xml, which must list
absolute URLs, is left out and robots.txt names no sitemap.

Timestamps come from the briefs' dates (midnight, China time). An undated
brief takes ``SOURCE_DATE_EPOCH`` when it is set, else the newest brief
date, else 1970-01-01: never the wall clock, so two builds are identical.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Mapping, Sequence

from .cache import digest
from .catalog import Catalog, CityEntry
from .listing import listing_of
from .models import Brief, KeyedFile, PageSpec, SiteConfig
from .urls import absolute_url, brief_path, city_feed_path, entry_path, page_url

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
NOT_FOUND_PATH = "404.html"
NOT_IN_SITEMAP = frozenset({NOT_FOUND_PATH, "search/index.html"})
NO_BASE_URL_NOTE = (
    "warning: no base_url (content/site.toml, --base-url or SITE_BASE_URL): "
    "sitemap.xml, canonical links and og:url are left out; feeds use relative links"
)


def not_found_page() -> PageSpec:
    """404.html, which GitHub Pages serves for any missing path."""
    return PageSpec(NOT_FOUND_PATH, "404.html", {})


def base_url_note(config: SiteConfig) -> str | None:
    return None if config.base_url else NO_BASE_URL_NOTE


def fallback_time(briefs: Sequence[Brief], environ: Mapping[str, str]) -> dt.datetime:
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    dates = [b.date for b in briefs if b.date]
    if dates:
        return _midnight(max(dates))
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CHINA_TIME)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


class _Links:
    """URLs as a feed at ``feed_path`` writes them: absolute with a base URL, else relative."""

    def __init__(self, config: SiteConfig, feed_path: str) -> None:
        self.config = config
        self.feed_dir = posixpath.dirname(feed_path)

    def url(self, path: str) -> str:
        if self.config.base_url:
            return absolute_url(self.config, path)
        relative = posixpath.relpath(path, self.feed_dir or ".")
        return page_url(relative) or "./"

    def id(self, path: str) -> str:
        if self.config.base_url:
            return absolute_url(self.config, path)
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'policybriefs:' + page_url(path))}"


def _brief_label(brief: Brief) -> str:
    return brief.meeting or brief.article.title


def _entry(
    feed: ET.Element, links: _Links, brief: Brief, updated: dt.datetime, summary: str, content: str
) -> None:
    path = brief_path(brief.slug)
    entry = _sub(feed, "entry")
    _sub(entry, "id", links.id(path))
    _sub(entry, "title", brief.article.title)
    _sub(entry, "updated", _stamp(updated))
    if brief.date:
        _sub(entry, "published", _stamp(updated))
    _sub(entry, "link", rel="alternate", type="text/html", href=links.url(path))
    for city in brief.cities:
        _sub(entry, "category", term=city)
    _sub(entry, "summary", summary)
    _sub(entry, "content", content, type="text")


def _feed(
    config: SiteConfig,
    feed_path: str,
    home_path: str,
    title: str,
    entries: Sequence[tuple[Brief, str, str]],
    fallback: dt.datetime,
) -> bytes:
    links = _Links(config, feed_path)
    times = [(_midnight(b.date) if b.date else fallback) for b, _, _ in entries]
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "zh-Hans"})
    _sub(feed, "id", links.id(feed_path))
    _sub(feed, "title", title)
    _sub(feed, "subtitle", config.description)
    _sub(feed, "updated", _stamp(max(times, default=fallback)))
    author = _sub(feed, "author")
    _sub(author, "name", config.title)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=links.url(feed_path))
    _sub(feed, "link", rel="alternate", type="text/html", href=links.url(home_path))
    _sub(feed, "generator", "policybriefs")
    for (brief, summary, content), moment in zip(entries, times, strict=True):
        _entry(feed, links, brief, moment, summary, content)
    return _serialize(feed)


def _brief_summary(brief: Brief) -> tuple[str, str]:
    counts = {city: 0 for city in brief.cities}
    for c in brief.commitments:
        if c.city in counts:
            counts[c.city] += 1
    date = brief.date.isoformat() if brief.date else "日期不详"
    summary = f"{_brief_label(brief)}（{date}）：{len(brief.commitments)} 项承诺"
    lines = [f"{city}：{n} 项承诺" for city, n in counts.items()]
    return summary, "\n".join(lines) or summary


def _city_summary(city: CityEntry, brief: Brief) -> tuple[str, str]:
    texts = [c.text for slug, c in city.commitments if slug == brief.slug]
    summary = f"{city.name}在{_brief_label(brief)}上的 {len(texts)} 项承诺"
    return summary, "\n".join(f"· {t}" for t in texts) or summary


FEED_ENTRIES = 50  # the newest; readers subscribe for what is new, the site keeps the rest


SITEMAP_LIMIT = 50_000  # URLs a sitemap may list (sitemaps.org); beyond it, an index


def feed_files(
    catalog: Catalog,
    pages: Sequence[PageSpec],
    config: SiteConfig,
    brief_keys: Mapping[str, str],
    salt: str = "",
    environ: Mapping[str, str] | None = None,
    cities: Collection[str] | None = None,
) -> list[KeyedFile]:
    """feed.xml, cities/<slug>.xml, sitemap.xml (with a base URL), robots.txt, .nojekyll.

    Each feed is keyed by what it shows of its briefs (``salt``: the build's own
    key), so a rebuild makes only the feeds whose entries changed: a promise added
    for one city remakes that city's feed, not those of every city of the brief.
    Without ``brief_keys`` (each brief's cache key; a build without a cache has
    none) nothing is keyed, as no page is. ``cities``: only those cities' feeds
    (a patch's).
    """
    # Newest first: the first brief has the latest date, if any brief has one.
    fallback = fallback_time(catalog.briefs[:1], os.environ if environ is None else environ)

    def keyed(path: str, parts: object, make: Callable[[], bytes]) -> KeyedFile:
        # As for pages: a build without a cache keys nothing and writes everything.
        if not brief_keys:
            return KeyedFile(path, "", make)
        site = (config.base_url, config.title, config.description, fallback)
        return KeyedFile(path, digest(salt, path, site, parts), make)

    def entries_of(briefs: Sequence[Brief]) -> list[object]:
        """What the site feed shows of each brief."""
        return [(listing_of(b).head, b.cities, _brief_summary(b)) for b in briefs]

    def city_entries_of(city: CityEntry, briefs: Sequence[Brief]) -> list[object]:
        """What a city's feed shows of each brief: the city's promises in it."""
        return [(listing_of(b).city(city.name), b.cities) for b in briefs]

    def site_feed(briefs: Sequence[Brief]) -> bytes:
        entries = [(b, *_brief_summary(b)) for b in briefs]
        return _feed(config, "feed.xml", "index.html", config.title, entries, fallback)

    def city_feed(city: CityEntry, briefs: Sequence[Brief]) -> bytes:
        entries = [(b, *_city_summary(city, b)) for b in briefs]
        title = f"{city.full_name} · {config.title}"
        path = city_feed_path(city.slug)
        return _feed(config, path, entry_path("cities", city.slug), title, entries, fallback)

    newest = catalog.briefs[:FEED_ENTRIES]
    files = [keyed("feed.xml", entries_of(newest), functools.partial(site_feed, newest))]
    by_slug = catalog.by_slug
    for city in catalog.cities:
        if cities is not None and city.name not in cities:
            continue
        briefs = [by_slug[s] for s in reversed(city.briefs) if s in by_slug][:FEED_ENTRIES]
        files.append(
            keyed(
                city_feed_path(city.slug),
                (city.name, city.full_name, city_entries_of(city, briefs)),
                functools.partial(city_feed, city, briefs),
            )
        )
    if config.base_url:
        files += sitemap_files(pages, config, salt)
    robots_txt = robots(config).encode("utf-8")
    files.append(KeyedFile("robots.txt", "", lambda: robots_txt))
    files.append(KeyedFile(".nojekyll", "", lambda: b""))
    return files


def sitemap_files(pages: Sequence[PageSpec], config: SiteConfig, salt: str) -> list[KeyedFile]:
    """sitemap.xml, or past SITEMAP_LIMIT URLs a sitemap index of sitemaps/<n>.xml."""
    paths = [spec.path for spec in pages if spec.path not in NOT_IN_SITEMAP]
    key = digest(salt, "sitemap", config.base_url, paths)
    per_file = SITEMAP_LIMIT // 2  # each page is listed in both scripts
    if len(paths) <= per_file:
        return [KeyedFile("sitemap.xml", key, functools.partial(sitemap, paths, config))]
    chunks = [paths[i : i + per_file] for i in range(0, len(paths), per_file)]
    names = [f"sitemaps/{n}.xml" for n in range(1, len(chunks) + 1)]
    index = functools.partial(_sitemap_index, names, config)
    return [
        KeyedFile("sitemap.xml", key, index),
        *(
            KeyedFile(name, key, functools.partial(sitemap, chunk, config))
            for name, chunk in zip(names, chunks, strict=True)
        ),
    ]


def sitemap(paths: Sequence[str], config: SiteConfig) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for path in paths:
        for script in ("zh-Hans", "zh-Hant"):
            url = _sub(root, "url")
            _sub(url, "loc", absolute_url(config, path, script))
            for lang in ("zh-Hans", "zh-Hant"):
                href = absolute_url(config, path, lang)
                _sub(url, "xhtml:link", rel="alternate", hreflang=lang, href=href)
            default = absolute_url(config, path)
            _sub(url, "xhtml:link", rel="alternate", hreflang="x-default", href=default)
    return _serialize(root)


def _sitemap_index(names: Sequence[str], config: SiteConfig) -> bytes:
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for name in names:
        _sub(_sub(root, "sitemap"), "loc", config.base_url + name)
    return _serialize(root)


def robots(config: SiteConfig) -> str:
    lines = ["User-agent: *", "Disallow:"]
    if config.base_url:
        lines += ["", f"Sitemap: {config.base_url}sitemap.xml"]
    return "\n".join(lines) + "\n"
