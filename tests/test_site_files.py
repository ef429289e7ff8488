"""Feeds, sitemap, robots.txt, 404, .nojekyll, canonical and Open Graph; the base URL's sources."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, copy_seed
from policybriefs.pipeline import build

SLUG = "2021-minxinan-joint-meeting-3"
BASE = "https://example.org/repo/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def based_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from policybriefs.pipeline import build

    content = tmp_path_factory.mktemp("based-content")
    copy_seed(content, f"{SLUG}.txt")
    (content / f"{SLUG}.toml").write_text("date = 2021-01-08\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("based") / "site"
    report = build(content, out, ROOT / "templates", base_url="https://example.org/repo")
    assert not report.errors, report.errors
    return out


def test_atom_feed_with_base_url(based_site: Path) -> None:
    feed = ET.parse(based_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2021-01-08T00:00:00+08:00"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"{BASE}briefs/{SLUG}.html"
    assert entries[0].findtext(f"{ATOM}id") == f"{BASE}briefs/{SLUG}.html"
    assert {c.get("term") for c in entries[0].findall(f"{ATOM}category")} >= {"厦门", "三明"}


def test_a_feed_per_city(based_site: Path) -> None:
    feeds = sorted((based_site / "cities").glob("*.xml"))
    assert len(feeds) >= 5
    xiamen = ET.parse(based_site / "cities" / "xiamen.xml").getroot()
    entry = xiamen.find(f"{ATOM}entry")
    assert entry is not None
    assert "厦门" in (entry.findtext(f"{ATOM}summary") or "")
    page = (based_site / "cities" / "xiamen.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in page and 'href="../cities/xiamen.xml"' in page


def test_sitemap_lists_both_scripts_with_alternates(based_site: Path) -> None:
    root = ET.parse(based_site / "sitemap.xml").getroot()
    urls = root.findall(f"{SM}url")
    locs = [u.findtext(f"{SM}loc") for u in urls]
    assert f"{BASE}briefs/{SLUG}.html" in locs and f"{BASE}zh-Hant/briefs/{SLUG}.html" in locs
    assert BASE in locs and f"{BASE}zh-Hant/" in locs
    assert not any(loc and ("404" in loc or "search/" in loc) for loc in locs)
    html_pages = [p for p in based_site.rglob("*.html") if p.name != "404.html"]
    assert len(urls) == len(html_pages) - 2  # the two search pages are left out
    for url in urls:
        langs = {link.get("hreflang") for link in url.findall(f"{XHTML}link")}
        assert langs == {"zh-Hans", "zh-Hant", "x-default"}


def test_robots_nojekyll_and_404(based_site: Path) -> None:
    robots = (based_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    assert (based_site / ".nojekyll").is_file()
    page = (based_site / "404.html").read_text(encoding="utf-8")
    assert f'<base href="{BASE}">' in page  # GitHub Pages serves it at any depth
    assert '<meta name="robots" content="noindex">' in page


def test_canonical_hreflang_and_open_graph(based_site: Path) -> None:
    hant = (based_site / "zh-Hant" / "briefs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}zh-Hant/briefs/{SLUG}.html">' in hant
    assert f'hreflang="zh-Hans" href="{BASE}briefs/{SLUG}.html"' in hant
    assert f'hreflang="x-default" href="{BASE}briefs/{SLUG}.html"' in hant
    assert '<meta property="og:title" content="攜手為新時代新福建建設貢獻更大力量' in hant
    assert '<meta property="og:locale" content="zh_TW">' in hant
    assert f'<meta property="og:url" content="{BASE}zh-Hant/briefs/{SLUG}.html">' in hant
    home = (based_site / "index.html").read_text(encoding="utf-8")
    assert "<title>区域合作承诺录</title>" in home
    assert f'<link rel="canonical" href="{BASE}">' in home


def test_without_base_url_everything_stays_relative(seed_site: Path) -> None:
    assert not (seed_site / "sitemap.xml").exists()
    assert "Sitemap:" not in (seed_site / "robots.txt").read_text(encoding="utf-8")
    feed = ET.parse(seed_site / "feed.xml").getroot()
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"briefs/{SLUG}.html"
    assert (entry.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")
    page = (seed_site / "briefs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page and "og:url" not in page
    assert '<meta property="og:description"' in page


def test_feed_time_never_comes_from_the_clock() -> None:
    from policybriefs.feeds import fallback_time

    assert fallback_time([], {}) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert fallback_time([], {"SOURCE_DATE_EPOCH": "1700000000"}) == dt.datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC
    )


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "SITE_BASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--no-search", *args],
        capture_output=True,
        text=True,
        check=False,
        env=full_env,
    )


def _canonical_home(out: Path) -> str:
    html = (out / "index.html").read_text(encoding="utf-8")
    start = html.index('rel="canonical" href="') + len('rel="canonical" href="')
    return html[start : html.index('"', start)]


def test_base_url_precedence_flag_env_file(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir)
    (content_dir / "site.toml").write_text('base_url = "https://file.example/"\n', "utf-8")
    out = tmp_path / "site"
    common = ("--content", str(content_dir), "--out", str(out), "-q")
    assert _cli(*common).returncode == 0
    assert _canonical_home(out) == "https://file.example/"
    assert _cli(*common, env={"SITE_BASE_URL": "https://env.example/r"}).returncode == 0
    assert _canonical_home(out) == "https://env.example/r/"
    flagged = _cli(
        *common, "--base-url", "https://flag.example/x/", env={"SITE_BASE_URL": "https://e/"}
    )
    assert flagged.returncode == 0
    assert _canonical_home(out) == "https://flag.example/x/"
    bad = _cli(*common, "--base-url", "example.org")
    assert bad.returncode == 2 and "http" in bad.stderr


def test_missing_base_url_is_a_visible_warning(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir)
    result = _cli("--content", str(content_dir), "--out", str(tmp_path / "site"))
    assert result.returncode == 0
    assert "warning: no base_url" in result.stderr


def test_a_large_site_gets_a_sitemap_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """sitemaps.org allows 50,000 URLs per sitemap; past that, sitemap.xml is an index."""
    from policybriefs import feeds
    from policybriefs.models import PageSpec, SiteConfig

    config = SiteConfig(base_url=BASE)
    pages = [PageSpec(f"briefs/b{n}.html", "brief.html", {}) for n in range(5)]
    pages.append(PageSpec("404.html", "404.html", {}))  # never listed
    small = feeds.sitemap_files(pages, config, "salt")
    assert [f.path for f in small] == ["sitemap.xml"]
    assert len(ET.fromstring(small[0].make()).findall(f"{SM}url")) == 10  # both scripts

    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 4)  # two pages per sitemap
    files = feeds.sitemap_files(pages, config, "salt")
    assert [f.path for f in files] == [
        "sitemap.xml",
        "sitemaps/1.xml",
        "sitemaps/2.xml",
        "sitemaps/3.xml",
    ]
    index = ET.fromstring(files[0].make())
    assert index.tag == f"{SM}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SM}loc")] == [
        f"{BASE}sitemaps/{n}.xml" for n in (1, 2, 3)
    ]
    listed = [loc.text for f in files[1:] for loc in ET.fromstring(f.make()).iter(f"{SM}loc")]
    assert len(listed) == 10 and len(set(listed)) == 10
    assert f"{BASE}zh-Hant/briefs/b4.html" in listed
    # The key follows the page list: one page more, every sitemap file made again.
    more = feeds.sitemap_files([*pages, PageSpec("x/index.html", "page.html", {})], config, "salt")
    assert more[0].key != files[0].key


def test_a_slug_ending_in_index_keeps_its_canonical_url(content_dir: Path, tmp_path: Path) -> None:
    """Only a list's index.html stands for its folder: briefs/city-index.html is itself."""
    copy_seed(content_dir, "city-index.txt")
    out = tmp_path / "site"
    report = build(content_dir, out, ROOT / "templates", base_url=BASE)
    assert report.errors == []
    page = (out / "briefs" / "city-index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}briefs/city-index.html">' in page
    assert f'hreflang="zh-Hant" href="{BASE}zh-Hant/briefs/city-index.html"' in page
    lists = (out / "cities" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}cities/">' in lists
