"""The spare patched in place of a staging folder, and refreshed while serve waits."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import site_files
from policybriefs.spare import PatchWriter, linked_copy, refresh_spare
from policybriefs.write import (
    MARKER,
    DuplicateOutputError,
    SiteWriter,
    case_folded,
    mostly_stale,
    spare_path,
)


def _build(out: Path, files: dict[str, tuple[str, bytes]]) -> dict[str, str]:
    with SiteWriter(out, recorded=True) as writer:
        for path, (key, content) in files.items():
            writer.claim(path, key)
            writer.write(path, content)
        writer.commit()
    return dict(writer.manifest)


# The site before last (now the spare) and the last one (live): 甲 changed, 乙 came, 丙 went.
SPARE = {
    "index.html": ("k1", "首页".encode()),
    "briefs/jia/index.html": ("j1", "甲 一".encode()),
    "briefs/bing/index.html": ("b1", "丙".encode()),
    "static/site.css": ("", b"body{}"),
}
LIVE = {
    "index.html": ("k1", "首页".encode()),
    "briefs/jia/index.html": ("j2", "甲 二".encode()),
    "briefs/yi/index.html": ("y1", "乙".encode()),
    "static/site.css": ("", b"body{}"),
}


def _two_builds(out: Path) -> tuple[dict[str, str], set[str], set[str]]:
    """The two sites, and where the spare differs from the live one (as a build says)."""
    before = _build(out, SPARE)
    live = _build(out, LIVE)
    stale = {p for p, k in live.items() if not k or before.get(p) != k}
    return live, stale, set(before.keys() - live.keys())


def test_a_patch_brings_the_spare_up_to_date_and_swaps_it_in(tmp_path: Path) -> None:
    out = tmp_path / "site"
    live, stale, extra = _two_builds(out)
    assert stale == {"briefs/jia/index.html", "briefs/yi/index.html", "static/site.css"}
    assert extra == {"briefs/bing/index.html"}
    writer = PatchWriter(out, live=live, claimed=case_folded(live), stale=stale, extra=extra)
    writer.claim("briefs/yi/index.html", "y2")
    assert not writer.place("briefs/yi/index.html")
    writer.write("briefs/yi/index.html", "乙 改".encode())
    writer.claim("briefs/ding/index.html", "d1")
    writer.write("briefs/ding/index.html", "丁".encode())
    writer.drop("index.html")
    with pytest.raises(DuplicateOutputError):
        writer.claim("briefs/yi/index.html", "y3")
    writer.commit()
    assert site_files(out) == {
        "briefs/jia/index.html": "甲 二".encode(),  # linked from the live site
        "briefs/yi/index.html": "乙 改".encode(),
        "briefs/ding/index.html": "丁".encode(),
        "static/site.css": b"body{}",
    }
    # The site this patch retired is the spare now: it differs where the patch wrote.
    assert writer.differences() == (
        {"briefs/yi/index.html", "briefs/ding/index.html"},
        {"index.html"},
    )
    assert site_files(spare_path(out))["briefs/jia/index.html"] == "甲 二".encode()


def test_refreshing_the_spare_makes_it_the_live_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    _, stale, extra = _two_builds(out)
    done = refresh_spare(out, sorted(stale), sorted(extra))
    assert sorted(done) == sorted(stale | extra)
    assert site_files(spare_path(out)) == site_files(out)
    for path in stale:
        assert (spare_path(out) / path).stat().st_ino == (out / path).stat().st_ino


def test_refreshing_the_spare_leaves_no_empty_folders(tmp_path: Path) -> None:
    """A page only the spare has goes with its folders (a browser would list them)."""
    out = tmp_path / "site"
    _, stale, extra = _two_builds(out)
    refresh_spare(out, sorted(stale), sorted(extra))
    assert not (spare_path(out) / "briefs" / "bing").exists()
    assert (spare_path(out) / "briefs" / "jia").is_dir()


def test_a_stale_file_is_relinked_over_a_file_or_a_folder_in_the_spare(tmp_path: Path) -> None:
    """Stale files are relinked from the live site whatever the spare holds there:
    an older version (unlinked first) or a folder (cleared out of the way)."""
    out = tmp_path / "site"
    # Pages both sites share: few enough files stale that the spare is patched, not made anew.
    shared = {f"pages/p{i}.html": (f"p{i}", f"页{i}".encode()) for i in range(12)}
    spare = {**SPARE, **shared, "static/extra/x.css": ("", b"a{}")}
    live_files = {**LIVE, **shared, "static/extra": ("e1", b"extra")}
    _build(out, spare)
    live = _build(out, live_files)
    stale = {"briefs/jia/index.html", "static/extra"}
    assert not mostly_stale(len(stale), live)
    writer = PatchWriter(out, live=live, claimed=case_folded(live), stale=stale, extra=set())
    writer.commit()
    files = site_files(out)
    assert files["briefs/jia/index.html"] == "甲 二".encode()
    assert files["static/extra"] == b"extra"
    assert (out / "static/extra").stat().st_ino == (spare_path(out) / "static/extra").stat().st_ino


def test_a_linked_copy_is_the_live_site_as_links(tmp_path: Path) -> None:
    """A spare made anew holds every file of the live site, as links, but its marker."""
    out = tmp_path / "site"
    _build(out, LIVE)
    fresh = linked_copy(out)
    assert site_files(fresh) == site_files(out)
    jia = "briefs/jia/index.html"
    assert (fresh / jia).stat().st_ino == (out / jia).stat().st_ino
    assert not (fresh / MARKER).exists()
