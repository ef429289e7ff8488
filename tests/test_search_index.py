"""The Pagefind index: built into the staging folder, Simplified pages only, never half-written."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_seed


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    content = tmp_path_factory.mktemp("search-content")
    copy_seed(content)
    out = tmp_path_factory.mktemp("search") / "site"
    result = _cli("--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def test_cli_indexes_and_reports_the_time(indexed: tuple[Path, str]) -> None:
    out, stderr = indexed
    assert (out / "pagefind" / "pagefind.js").is_file()
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh"]
    line = next(x for x in stderr.splitlines() if x.startswith("search: indexed"))
    assert " s, " in line and "KiB" in line
    assert not (out / "pagefind" / "pagefind-ui.js").exists()  # the site has its own UI


def test_only_simplified_detail_pages_are_indexed(indexed: tuple[Path, str]) -> None:
    out, _ = indexed
    brief = (out / "briefs" / "seed.html").read_text(encoding="utf-8")
    assert 'data-pagefind-body data-pagefind-meta="kind:简报"' in brief
    assert 'data-pagefind-meta="cities:厦门、' in brief
    assert "data-pagefind-body" in (out / "cities" / "xiamen.html").read_text(encoding="utf-8")
    official = next(p for p in (out / "officials").glob("*.html") if p.name != "index.html")
    not_indexed = [
        out / "zh-Hant/briefs/seed.html",
        out / "index.html",
        out / "repairs/seed.html",
        out / "cities/index.html",
        official,  # official and project pages repeat the briefs' commitments
    ]
    for path in not_indexed:
        assert "data-pagefind-body" not in path.read_text(encoding="utf-8"), path


def test_search_page_in_both_scripts(indexed: tuple[Path, str]) -> None:
    out, _ = indexed
    hans = (out / "search" / "index.html").read_text(encoding="utf-8")
    hant = (out / "zh-Hant" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundle="../pagefind/pagefind.js"' in hans
    assert 'data-bundle="../../pagefind/pagefind.js"' in hant
    assert 'data-opencc="../../static/vendor/opencc-t2cn.js"' in hant
    assert 'data-root="../"' in hant  # results link into the reader's own script
    assert ".venv/bin/python build.py serve" in hans and "python3 -m http.server -d site" in hant
    assert (out / "static" / "vendor" / "opencc-t2cn.js").is_file()


def test_no_search_skips_the_index(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir)
    out = tmp_path / "site"
    result = _cli("--content", str(content_dir), "--out", str(out), "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (out / "pagefind").exists()
    assert "search: indexed" not in result.stderr


def test_a_failed_index_leaves_the_old_site(tmp_path: Path) -> None:
    from policybriefs.models import OutputFile
    from policybriefs.search import SearchIndexError, index_site
    from policybriefs.write import write_site

    out = tmp_path / "site"
    write_site([OutputFile("index.html", b"old")], out)

    def broken(staging: Path) -> None:
        index_site(staging, executable=tmp_path / "no-such-pagefind")

    with pytest.raises(SearchIndexError):
        write_site([OutputFile("index.html", b"new")], out, before_swap=broken)
    assert (out / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging left behind


def test_two_indexed_builds_are_byte_identical(tmp_path: Path) -> None:
    from policybriefs.pipeline import build

    content = tmp_path / "content"
    content.mkdir()
    copy_seed(content)
    a, b = tmp_path / "a", tmp_path / "b"
    build(content, a, ROOT / "templates", search=True)
    build(content, b, ROOT / "templates", search=True)
    files = sorted(p.relative_to(a) for p in (a / "pagefind").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in (b / "pagefind").rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_pagefind_reads_every_searchable_page(indexed: tuple[Path, str]) -> None:
    """Pagefind is told to read only some sections: none of the pages marked for
    the index may fall outside them."""
    out, _ = indexed
    marked = [
        p for p in out.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")
    ]
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert len(marked) > 5
    assert entry["languages"]["zh"]["page_count"] == len(marked)


def _indexed_text(out: Path, page: str) -> str:
    """What Pagefind holds of ``page``: its fragment, gzipped JSON after a signature."""
    for fragment in (out / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        if record["url"].endswith(page):
            # Without the zero-width spaces Pagefind puts between the words it segments.
            return re.sub(r"[\u200b\s]", "", record["content"])
    raise AssertionError(f"{page} is not in the index")


def test_a_briefs_commitments_are_indexed_once_in_its_paragraphs(
    indexed: tuple[Path, str],
) -> None:
    out, _ = indexed
    text = _indexed_text(out, "briefs/seed.html")
    record = json.loads((out / "data" / "seed.json").read_text(encoding="utf-8"))
    body = "".join(record["paragraphs"])
    sentences = [c["text"] for c in record["commitments"] if body.count(c["text"]) == 1]
    assert len(sentences) > 3
    for sentence in sentences:
        assert text.count(sentence) == 1, sentence
    assert "具体度" not in text  # nor the details
    city = _indexed_text(out, "cities/xiamen.html")  # a city page's promises are its text
    assert any(sentence in city for sentence in sentences)


def test_a_build_without_cache_is_never_taken_for_a_recorded_one(
    content_dir: Path, tmp_path: Path
) -> None:
    """A --no-cache build keeps no record, and its marker matches none: a cached build
    after it must not say "up to date" from an older record and leave out the index."""
    from policybriefs.pipeline import build

    copy_seed(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", search=True, cache_dir=cache)
    assert (out / "pagefind").is_dir()
    build(content_dir, out, ROOT / "templates", search=False)  # --no-cache --no-search
    assert not (out / "pagefind").exists()
    report = build(content_dir, out, ROOT / "templates", search=True, cache_dir=cache)
    assert not report.unchanged
    assert (out / "pagefind").is_dir()
