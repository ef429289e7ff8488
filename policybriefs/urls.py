"""Page paths as URLs, and the base URL that makes them absolute.

The site links relatively everywhere, so one build works from disk and under
any sub-path. Only what must be absolute (feeds, the sitemap, canonical
links) uses ``SiteConfig.base_url``, which comes from ``base_url`` in
content/site.toml unless ``--base-url`` or ``SITE_BASE_URL`` overrides it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:  # not imported for it: build.py reads BASE_URL_ENV before anything heavy
    from .models import SiteConfig

BASE_URL_ENV = "SITE_BASE_URL"
_LIST_PAGE_NAME = re.compile(r"index(-[0-9]+)?")


def normalize_base_url(value: str, source: str) -> str:
    """``https://host/repo`` → ``https://host/repo/``; "" stays "" (no base URL)."""
    value = value.strip()
    if not value:
        return ""
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
        raise ConfigError(f"{source}: base URL {value!r} must start with http:// or https://")
    return value.rstrip("/") + "/"


def with_base_url(config: SiteConfig, override: str | None, source: str) -> SiteConfig:
    """The configuration with ``override`` as its base URL; None keeps the configured one."""
    if override is None:
        return config
    import dataclasses  # not before: build.py reads BASE_URL_ENV first of all

    return dataclasses.replace(config, base_url=normalize_base_url(override, source))


# Every page of one entry (a brief, its repair report, a city, an official…) is
# a file of its section's folder, not a folder of its own: on this machine's ext4
# a new folder and the first file in it cost 0.6 ms of kernel time, against
# 0.05 ms for a file beside others, and a site of 1,000 briefs has 24,000 pages.
# A section's list is its index.html (later pages index-2.html …), names that
# no entry's slug may take (catalog._unique_slugs).


def entry_path(section: str, slug: str) -> str:
    return f"{section}/{slug}.html"


def entry_page_path(section: str, slug: str, number: int) -> str:
    """Page ``number`` of what an entry lists (a city's timeline, a series' briefs,
    a project's promises); the first is the entry's own page. Slugs have no dot,
    so xiamen.2.html is never another entry's page."""
    return entry_path(section, slug) if number == 1 else f"{section}/{slug}.{number}.html"


def brief_path(slug: str) -> str:
    return entry_path("briefs", slug)


def repairs_path(slug: str) -> str:
    return entry_path("repairs", slug)


def city_feed_path(slug: str) -> str:
    return f"cities/{slug}.xml"


def home_path(page: int) -> str:
    return "index.html" if page == 1 else f"page/{page}.html"


def index_path(section: str, number: int) -> str:
    """Page ``number`` of a section's list."""
    return f"{section}/index.html" if number == 1 else f"{section}/index-{number}.html"


def names_a_list_page(slug: str) -> bool:
    return _LIST_PAGE_NAME.fullmatch(slug) is not None


def page_url(path: str) -> str:
    """The public form of an output path: ``cities/index.html`` → ``cities/``; a page of
    one entry keeps its name (``briefs/x.html``), which GitHub Pages and ``file://`` both open."""
    if path == "index.html":
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def script_prefix(script: str) -> str:
    return "" if script == "zh-Hans" else "zh-Hant/"


def absolute_url(config: SiteConfig, path: str, script: str = "zh-Hans") -> str:
    """The absolute URL of a page; needs a base URL."""
    if not config.base_url:
        raise ValueError("no base URL configured")
    return config.base_url + script_prefix(script) + page_url(path)
