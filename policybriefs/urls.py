"""Page paths as URLs, and the base URL that makes them absolute.

The site links relatively everywhere, so one build works from disk and under
any sub-path. Only what must be absolute (feeds, the sitemap, canonical
links) uses ``SiteConfig.base_url``, which comes from ``base_url`` in
content/site.toml unless ``--base-url`` or ``SITE_BASE_URL`` overrides it.
"""

from __future__ import annotations

import dataclasses

from .errors import ConfigError
from .models import SiteConfig

BASE_URL_ENV = "SITE_BASE_URL"


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
    return dataclasses.replace(config, base_url=normalize_base_url(override, source))


def page_url(path: str) -> str:
    """The public form of an output path: ``briefs/x/index.html`` → ``briefs/x/``."""
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
