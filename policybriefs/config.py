"""Site configuration: ``site.toml`` in the content folder, read into a frozen SiteConfig.

Optional; every key has a default. Unknown keys and wrong types are errors
that name the file and the key, so a typo never silently does nothing.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import SiteConfig
from .script import TRADITIONAL_VARIANTS

CONFIG_NAME = "site.toml"
_STRING_KEYS = ("title", "description", "base_url")


def load_config(content_dir: Path) -> SiteConfig:
    path = content_dir / CONFIG_NAME
    if not path.exists():
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, str(path))


def parse_config(data: dict[str, Any], source: str) -> SiteConfig:
    known = {*_STRING_KEYS, "traditional_variant", "protected"}
    for key in sorted(data):
        if key not in known:
            raise ConfigError(f"{source}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    for key in _STRING_KEYS:
        if key in data:
            if not isinstance(data[key], str):
                raise ConfigError(f"{source}: {key!r} must be a string")
            values[key] = data[key]
    if "base_url" in values:
        base = values["base_url"]
        if base and not base.startswith(("http://", "https://")):
            raise ConfigError(f"{source}: 'base_url' must start with http:// or https://")
        values["base_url"] = base.rstrip("/") + "/" if base else ""
    if "traditional_variant" in data:
        variant = data["traditional_variant"]
        if variant not in TRADITIONAL_VARIANTS:
            raise ConfigError(
                f"{source}: 'traditional_variant' must be one of {', '.join(TRADITIONAL_VARIANTS)}"
            )
        values["traditional_variant"] = variant
    if "protected" in data:
        table = data["protected"]
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k for k, v in table.items()
        ):
            raise ConfigError(
                f"{source}: 'protected' must be a table of Simplified = \"Traditional\" strings"
            )
        for key, value in table.items():
            # Entries go into OpenCC's text dictionaries, one line each, tab between.
            if any(c.isspace() or unicodedata.category(c) == "Cc" for c in key + value):
                raise ConfigError(
                    f"{source}: 'protected' entry {key!r} holds whitespace or a control character"
                )
            if not value:
                raise ConfigError(f"{source}: 'protected' entry {key!r} has an empty value")
        values["protected_phrases"] = tuple(sorted(table.items()))
    return SiteConfig(**values)
