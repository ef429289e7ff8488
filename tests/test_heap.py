"""The long-lived heap: what a build makes to keep is made without the collector
and then frozen, so full collections stop walking it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import copy_patch_corpus
from policybriefs import cache, heap
from policybriefs.brief import build_brief
from policybriefs.heap import long_lived
from policybriefs.load import load_article
from policybriefs.models import StaticPage
from policybriefs.normalize.article import normalize_article
from policybriefs.pipeline import catalog_and_links, page_list


@pytest.fixture
def clean_heap() -> Iterator[None]:
    """The collector on, nothing frozen, before and after."""
    was_enabled = gc.isenabled()
    gc.enable()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if not was_enabled:
        gc.disable()


def test_no_collection_runs_inside_and_what_was_made_is_frozen_after(clean_heap: None) -> None:
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with long_lived():
            assert not gc.isenabled()
            kept = [[n] for n in range(50_000)]  # tracked containers: past any threshold
        assert collections == []
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.callbacks.remove(count)


def test_a_collector_switched_off_before_stays_off(clean_heap: None) -> None:
    gc.disable()
    with long_lived():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_on_when_the_work_fails(clean_heap: None) -> None:
    with pytest.raises(ValueError), long_lived():
        raise ValueError("a failed stage")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # a stage that failed keeps nothing


def test_the_catalog_and_pages_the_build_keeps_are_made_without_reference_cycles(
    tmp_path: Path, clean_heap: None
) -> None:
    """What ``pipeline`` makes inside ``long_lived``: a reference cycle made there
    and dropped would stay frozen, and held, until the build ends."""
    content = tmp_path / "content"
    content.mkdir()
    copy_patch_corpus(content)
    briefs = [
        build_brief(normalize_article(load_article(path, content)))
        for path in sorted(content.glob("*.txt"))
    ]
    about = StaticPage("about", "关于", "关于本站。", "pages/about.md")
    gc.collect()
    gc.disable()
    try:
        catalog, links = catalog_and_links(briefs, [about], {})
        _, pages = page_list(catalog, [about], links, {b.slug: b.slug * 2 for b in briefs})
        unreachable = gc.collect()
    finally:
        gc.enable()
        gc.unfreeze()
    assert len(catalog.briefs) == 8 and len(pages) > 50
    assert "pages/about.html" in {page.path for page in pages}
    assert unreachable == 0


def test_handing_back_freed_memory_runs_here() -> None:
    heap.return_freed_memory()  # glibc here: malloc_trim is found and called


def test_handing_back_freed_memory_does_nothing_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the C library was loaded")

    monkeypatch.setattr(heap.sys, "platform", "darwin")
    monkeypatch.setattr(heap.ctypes, "CDLL", refuse)
    heap.return_freed_memory()


def test_reading_the_manifests_hands_their_freed_bytes_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    trims: list[None] = []
    monkeypatch.setattr(cache, "return_freed_memory", lambda: trims.append(None))
    assert cache.load_manifests(tmp_path / "cache", tmp_path / "site") == ({}, {})
    assert len(trims) == 1
