from __future__ import annotations

import re
from pathlib import Path

import pytest

from policybriefs.config import load_config, parse_config
from policybriefs.errors import ConfigError
from policybriefs.models import SiteConfig


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_config(tmp_path) == SiteConfig()


def test_values_are_read(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(
        'title = "闽西南承诺录"\nbase_url = "https://example.org/briefs"\n'
        'traditional_variant = "s2hk"\n[protected]\n"山海协作" = "山海協作"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.title == "闽西南承诺录"
    assert config.base_url == "https://example.org/briefs/"
    assert config.traditional_variant == "s2hk"
    assert config.protected_phrases == (("山海协作", "山海協作"),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"titel": "x"}, "unknown key 'titel'"),
        ({"title": 3}, "'title' must be a string"),
        ({"base_url": "example.org"}, "'base_url' must start with http"),
        ({"traditional_variant": "s2twp"}, "'traditional_variant' must be one of"),
        ({"protected": ["余红胜"]}, "'protected' must be a table"),
        (
            {"protected": {"山海协作": "山海協作\n"}},
            "'protected' entry '山海协作' holds whitespace",
        ),
        ({"protected": {"山海\t协作": "山海協作"}}, "'protected' entry '山海\\t协作' holds"),
        ({"protected": {"山海协作": ""}}, "'protected' entry '山海协作' has an empty value"),
    ],
)
def test_bad_values_name_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        parse_config(data, "content/site.toml")
    assert "content/site.toml" in str(info.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text("title = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"site\.toml"):
        load_config(tmp_path)
