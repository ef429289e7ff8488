"""serve's search index made again after a patch (``reindex``), with Pagefind stubbed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from policybriefs import reindex, search
from policybriefs.reindex import IndexState, SearchRefresher
from policybriefs.search import IndexStats
from policybriefs.write import spare_path


def _refresher(site: Path, state: IndexState) -> SearchRefresher:
    lines: list[str] = []
    return SearchRefresher(site, threading.Lock(), threading.Event(), lines.append, state)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "pagefind-entry.json").write_text("old index", encoding="utf-8")
    (spare_path(site) / "pagefind").mkdir(parents=True)
    (spare_path(site) / "pagefind" / "pagefind-entry.json").write_text("old", encoding="utf-8")
    return site


def _indexing(monkeypatch: pytest.MonkeyPatch, meanwhile: object = None) -> None:
    """Pagefind stubbed: writes ``new index`` to the bundle folder, after ``meanwhile``."""

    def index_site(site_dir: Path, bundle_dir: Path | None = None, **_: object) -> IndexStats:
        if callable(meanwhile):
            meanwhile()
        assert bundle_dir is not None
        bundle_dir.mkdir()
        (bundle_dir / "pagefind-entry.json").write_text("new index", encoding="utf-8")
        return IndexStats(1, 0.0, 9)

    monkeypatch.setattr(reindex, "index_site", index_site)


def _entry(folder: Path) -> Path:
    return folder / "pagefind" / "pagefind-entry.json"


def test_the_new_index_replaces_the_sites_and_is_linked_into_the_spare(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = IndexState()
    state.patched()
    _indexing(monkeypatch)
    assert _refresher(site, state).refresh()
    assert _entry(site).read_text(encoding="utf-8") == "new index"
    assert _entry(spare_path(site)).stat().st_ino == _entry(site).stat().st_ino
    assert not state.behind
    assert [p.name for p in site.parent.iterdir() if ".new-" in p.name] == []


def test_a_patch_while_indexing_leaves_the_index_behind(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle is newer than the site's, so it goes in; but it may lack the
    patch's pages, so another round must follow."""
    state = IndexState()
    state.patched()
    _indexing(monkeypatch, meanwhile=state.patched)
    assert _refresher(site, state).refresh()
    assert _entry(site).read_text(encoding="utf-8") == "new index"
    assert state.behind


def test_a_whole_build_while_indexing_keeps_its_own_index(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole build indexes its site before its swap: a round that read the site
    before it must not put its older bundle over that one."""
    state = IndexState()
    state.patched()

    def whole_build() -> None:
        _entry(site).write_text("the whole build's index", encoding="utf-8")
        state.built()

    _indexing(monkeypatch, meanwhile=whole_build)
    assert not _refresher(site, state).refresh()
    assert _entry(site).read_text(encoding="utf-8") == "the whole build's index"
    assert not state.behind


def test_a_failed_round_keeps_the_thread_and_the_index(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = IndexState()
    state.patched()
    calls: list[int] = []

    def index_site(site_dir: Path, bundle_dir: Path | None = None, **_: object) -> IndexStats:
        calls.append(1)
        raise OSError("no space left on device")

    monkeypatch.setattr(reindex, "index_site", index_site)
    monkeypatch.setattr(reindex, "INDEX_IDLE_SECONDS", 0.01)
    refresher = _refresher(site, state)
    refresher.request()
    for _ in range(200):
        if calls:
            break
        threading.Event().wait(0.01)
    refresher.request()
    for _ in range(200):
        if len(calls) > 1:
            break
        threading.Event().wait(0.01)
    refresher.stopping.set()
    refresher.stop()
    assert len(calls) == 2
    assert _entry(site).read_text(encoding="utf-8") == "old index"
    assert state.behind


def test_stopping_serve_ends_a_running_pagefind(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind takes a minute at N = 10,000: serve must not leave it running."""
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    monkeypatch.setattr(reindex, "INDEX_IDLE_SECONDS", 0.01)
    state = IndexState()
    state.patched()
    refresher = _refresher(site, state)
    refresher.request()
    deadline = time.monotonic() + 10
    while refresher._pagefind is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process = refresher._pagefind
    assert process is not None
    started = time.monotonic()
    refresher.stopping.set()
    refresher.stop()
    assert process.wait(timeout=5) != 0
    assert time.monotonic() - started < 5
    assert _entry(site).read_text(encoding="utf-8") == "old index"
