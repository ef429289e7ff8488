"""The catalog patched for a few changed briefs equals the catalog made whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from conftest import ROOT, copy_patch_corpus
from policybriefs.catalog import Catalog, build_catalog, promise_index
from policybriefs.catalog_patch import entries_named, patch_catalog
from policybriefs.gazetteer import load_gazetteer
from policybriefs.patch import LastBuild
from policybriefs.pipeline import build


def _built_catalog(content_dir: Path, tmp_path: Path) -> Catalog:
    """The catalog a build under serve keeps, of the patch corpus."""
    content = copy_patch_corpus(content_dir)
    kept: list[LastBuild] = []
    build(
        content, tmp_path / "site", ROOT / "templates", cache_dir=tmp_path / "c", keep=kept.append
    )
    return kept[-1].catalog


def test_a_patched_catalog_equals_a_whole_one(content_dir: Path, tmp_path: Path) -> None:
    """Catalog by catalog, for each brief taken out, put back, and put back changed:
    a promise fewer and a new date (it moves in time, before every other brief)."""
    catalog = _built_catalog(content_dir, tmp_path)
    briefs = list(catalog.by_slug.values())
    gazetteer = load_gazetteer()
    for brief in briefs:
        others = [b for b in briefs if b is not brief]
        without = patch_catalog(catalog, promise_index(briefs), [brief], [], gazetteer, dict)
        assert without is not None
        assert without[0] == build_catalog(others, gazetteer), brief.slug
        assert without[1] == promise_index(others)
        back = patch_catalog(without[0], without[1], [], [brief], gazetteer, dict)
        assert back is not None
        assert back[0] == catalog, brief.slug
        meta = dataclasses.replace(brief.article.raw.meta, date=dt.date(2001, 1, 1))
        article = dataclasses.replace(
            brief.article, raw=dataclasses.replace(brief.article.raw, meta=meta)
        )
        changed = dataclasses.replace(brief, commitments=brief.commitments[1:], article=article)
        edited = patch_catalog(catalog, promise_index(briefs), [brief], [changed], gazetteer, dict)
        assert edited is not None
        assert edited[0] == build_catalog([*others, changed], gazetteer), brief.slug
        assert edited[1] == promise_index([*others, changed])


def test_entries_are_found_by_name() -> None:
    """Entries are kept sorted by name; names without one are passed over."""
    from policybriefs.catalog import SeriesEntry

    entries = tuple(SeriesEntry(name, f"s{i}", ()) for i, name in enumerate(["七", "三", "五"]))
    entries = tuple(sorted(entries, key=lambda e: e.name))
    found = entries_named(entries, ["五", "九", "七"])
    assert {name: e.slug for name, e in found.items()} == {"五": "s2", "七": "s0"}


def test_a_promise_of_a_city_no_brief_names_is_patched(content_dir: Path, tmp_path: Path) -> None:
    """An editor's correction may give a promise a city that no brief lists: that city
    has no entry before the edit or after it, and the patch still equals a whole build."""
    catalog = _built_catalog(content_dir, tmp_path)
    briefs = list(catalog.by_slug.values())
    brief = next(b for b in briefs if b.commitments)
    others = [b for b in briefs if b is not brief]
    first = dataclasses.replace(brief.commitments[0], city="无名市")
    changed = dataclasses.replace(brief, commitments=(first, *brief.commitments[1:]))
    gazetteer = load_gazetteer()
    edited = patch_catalog(catalog, promise_index(briefs), [brief], [changed], gazetteer, dict)
    assert edited is not None
    assert edited[0] == build_catalog([*others, changed], gazetteer)
    again = patch_catalog(edited[0], edited[1], [changed], [changed], gazetteer, dict)
    assert again is not None
    assert again[0] == edited[0]
