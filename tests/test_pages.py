"""Lists shown a page at a time: the pager's links, and every entry reachable from page 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, copy_patch_corpus
from policybriefs.listing import SHOWN_COMMITMENT_FIELDS
from policybriefs.pages import pager
from policybriefs.patch import LastBuild
from policybriefs.pipeline import build
from policybriefs.urls import entry_page_path, index_path, names_a_list_page

PATHS = [f"p{n}" for n in range(1, 11)]


@pytest.mark.parametrize(
    ("number", "count", "shown", "previous", "next_"),
    [
        (1, 1, [1], None, None),
        (1, 2, [1, 2], None, "p2"),
        (2, 2, [1, 2], "p1", None),
        (1, 10, [1, 2, 3, None, 10], None, "p2"),
        (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10], "p4", "p6"),
        (6, 10, [1, None, 4, 5, 6, 7, 8, 9, 10], "p5", "p7"),
        (10, 10, [1, None, 8, 9, 10], "p9", None),
    ],
)
def test_the_pager_links_the_ends_and_the_pages_near_this_one(
    number: int, count: int, shown: list[int | None], previous: str | None, next_: str | None
) -> None:
    made = pager(number, PATHS[:count])
    links = made["links"]
    assert isinstance(links, list)
    assert [link and link[0] for link in links] == shown
    assert all(link is None or link[1] == f"p{link[0]}" for link in links)
    assert (made["number"], made["count"]) == (number, count)
    assert (made["previous"], made["next"]) == (previous, next_)


@pytest.mark.parametrize(
    ("kind", "number", "path"),
    [("officials", 1, "officials/index.html"), ("projects", 3, "projects/index-3.html")],
)
def test_later_index_pages_sit_beside_the_first(kind: str, number: int, path: str) -> None:
    assert index_path(kind, number) == path


def _links(page: Path) -> list[str]:
    return re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8"))


def test_every_brief_and_official_is_reached_from_the_first_page_of_its_list(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policybriefs.pagemap

    monkeypatch.setattr(policybriefs.pagemap, "HOME_PAGE_SIZE", 3)
    monkeypatch.setattr(policybriefs.pagemap, "INDEX_PAGE_SIZE", 4)
    content = copy_patch_corpus(content_dir)
    out = tmp_path / "site"
    report = build(content, out, ROOT / "templates", jobs=1)
    assert report.errors == []

    for first, listed in (("index.html", "briefs/"), ("officials/index.html", "officials/")):
        for root in (out, out / "zh-Hant"):
            seen, todo, targets = set(), [root / first], []
            while todo:
                page = todo.pop()
                if page in seen:
                    continue
                seen.add(page)
                for link in _links(page):
                    target = (page.parent / link).resolve()
                    other_script = root == out and target.is_relative_to(out / "zh-Hant")
                    if other_script or not target.is_relative_to(root):
                        continue
                    if target == root / first or target.parent == root / "page":
                        todo.append(target)  # the home list
                    elif target.parent == root / listed and names_a_list_page(target.stem):
                        todo.append(target)
                    elif target.parent == root / listed:
                        targets.append(target)
            expected = sorted(
                p for p in (root / listed).glob("*.html") if not names_a_list_page(p.stem)
            )
            assert sorted(set(targets)) == expected, (root, first)
            pages = len(seen)
            assert pages == -(-len(expected) // (3 if listed == "briefs/" else 4))
    title = re.search(r"<title>(.*?)</title>", (out / "officials/index-2.html").read_text("utf-8"))
    assert title is not None and "第 2 页" in title.group(1)
    assert 'aria-current="page">2<' in (out / "zh-Hant/page/2.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("section", "slug", "number", "path"),
    [
        ("cities", "xiamen", 1, "cities/xiamen.html"),
        ("cities", "xiamen", 2, "cities/xiamen.2.html"),
        ("projects", "taizhou-2", 3, "projects/taizhou-2.3.html"),
    ],
)
def test_an_entry_s_later_pages_sit_beside_its_own(
    section: str, slug: str, number: int, path: str
) -> None:
    """A dot is in no slug: page 2 of 台州 (taizhou-2's page) is never an entry of its own."""
    assert entry_page_path(section, slug, number) == path


def _section_ids(page: Path) -> list[str]:
    return re.findall(r'<section aria-labelledby="b-([^"]+)"', page.read_text(encoding="utf-8"))


def test_a_city_series_or_project_lists_each_brief_or_promise_on_exactly_one_page(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policybriefs.pagemap

    monkeypatch.setattr(policybriefs.pagemap, "ENTRY_PAGE_SIZE", 2)
    content = copy_patch_corpus(content_dir)
    out = tmp_path / "site"
    kept: list[LastBuild] = []
    report = build(
        content, out, ROOT / "templates", jobs=1, cache_dir=tmp_path / "c", keep=kept.append
    )
    assert report.errors == []
    catalog = kept[-1].catalog

    for root in (out, out / "zh-Hant"):
        for city in catalog.cities:
            pages = [root / entry_page_path("cities", city.slug, n) for n in range(1, 10)]
            pages = [p for p in pages if p.is_file()]
            assert len(pages) == -(-len(city.briefs) // 2)
            assert [s for p in pages for s in _section_ids(p)] == list(city.briefs)
            # The counts and the chart are on the first page only.
            assert all(("city-counts" in p.read_text("utf-8")) == (p == pages[0]) for p in pages)
            if len(pages) > 1:
                title = re.search("<title>(.*?)</title>", pages[1].read_text("utf-8"))
                assert title is not None and "（第 2 " in title.group(1)
                assert re.search("<h1>[^<]*（第 2 [页頁]）</h1>", pages[1].read_text("utf-8"))
                assert 'rel="next"' in pages[0].read_text("utf-8")
        for series in catalog.series:
            pages = [root / entry_page_path("series", series.slug, n) for n in range(1, 10)]
            pages = [p for p in pages if p.is_file()]
            assert len(pages) == -(-len(series.briefs) // 2)
            shown = [
                link
                for p in pages
                for link in re.findall(
                    r'<h3><a href="[./]*briefs/([^"]+)\.html"', p.read_text("utf-8")
                )
            ]
            assert shown == list(series.briefs)
        for project in catalog.projects:
            pages = [root / entry_page_path("projects", project.slug, n) for n in range(1, 10)]
            pages = [p for p in pages if p.is_file()]
            briefs = list(dict.fromkeys(slug for slug, _ in project.mentions))
            assert len(pages) == -(-len(briefs) // 2)
            items = [p.read_text("utf-8").count('<li class="commitment') for p in pages]
            assert sum(items) == len(project.mentions)
    assert (out / "cities/xiamen.2.html").is_file()  # 厦门's three briefs: two pages
    assert (out / "projects/longyanxinjichang.2.html").is_file()  # named in three briefs


@pytest.mark.parametrize("template", ["partials/commitment.html", "city.html", "project.html"])
def test_list_pages_show_no_field_of_a_promise_their_keys_leave_out(template: str) -> None:
    """City and project pages are keyed by SHOWN_COMMITMENT_FIELDS of their promises
    (``listing.py``): a field a template reads beyond them would go stale there."""
    text = (ROOT / "templates" / template).read_text(encoding="utf-8")
    read = set(re.findall(r"\bc\.(\w+)", text))
    made_from_entities = {"specificity"}
    assert read - made_from_entities <= set(SHOWN_COMMITMENT_FIELDS)
    if template == "partials/commitment.html":
        assert "text" in read and "specificity" in read  # the pattern finds what it should
