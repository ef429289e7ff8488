"""Across meetings: series, role-at-time, projects and repeated promises (three 闽西南 meetings)."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, SEED
from policybriefs.brief import build_brief
from policybriefs.catalog import Catalog, _unique_slugs, build_catalog, person_slug
from policybriefs.load import load_article
from policybriefs.normalize.article import normalize_article

ARTICLES = FIXTURES / "articles"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("content")
    shutil.copy(SEED, folder / "minxinan-2021-meeting-3.txt")
    (folder / "minxinan-2021-meeting-3.toml").write_text("date = 2021-01-08\n", encoding="utf-8")
    for name in ["minxinan-2020-meeting-2", "minxinan-2022-meeting-4", "mindongbei-2022"]:
        for suffix in (".txt", ".toml"):
            shutil.copy(ARTICLES / f"{name}{suffix}", folder / f"{name}{suffix}")
    briefs = [
        build_brief(normalize_article(load_article(path, folder)))
        for path in sorted(folder.glob("*.txt"))
    ]
    return build_catalog(briefs)


def test_briefs_newest_first(catalog: Catalog) -> None:
    assert [b.slug for b in catalog.briefs] == [
        "mindongbei-2022",
        "minxinan-2022-meeting-4",
        "minxinan-2021-meeting-3",
        "minxinan-2020-meeting-2",
    ]


def test_series_in_meeting_order(catalog: Catalog) -> None:
    series = {s.name: s for s in catalog.series}
    minxinan = next(s for name, s in series.items() if name.startswith("闽西南"))
    assert minxinan.briefs == (
        "minxinan-2020-meeting-2",
        "minxinan-2021-meeting-3",
        "minxinan-2022-meeting-4",
    )
    assert [catalog.brief(s).ordinal for s in minxinan.briefs] == [2, 3, 4]


def test_official_role_at_the_time(catalog: Catalog) -> None:
    official = next(o for o in catalog.officials if o.name == "司马文涛")
    assert official.slug == "sima-wentao"
    roles = [(a.brief, a.city, a.titles) for a in official.appearances]
    assert roles == [
        ("minxinan-2020-meeting-2", "漳州", ("漳州市长",)),
        ("minxinan-2022-meeting-4", "三明", ("三明市委书记",)),
    ]
    assert official.appearances[1].paragraphs  # spoke at the later meeting


def test_project_mentioned_across_meetings(catalog: Catalog) -> None:
    project = next(p for p in catalog.projects if p.name == "龙岩新机场")
    assert list(dict.fromkeys(slug for slug, _ in project.mentions)) == [
        "minxinan-2020-meeting-2",  # a resolution of the meeting
        "minxinan-2021-meeting-3",
        "minxinan-2022-meeting-4",
    ]


def test_repeated_promise_links_to_the_first(catalog: Catalog) -> None:
    later = catalog.brief("minxinan-2022-meeting-4")
    links = {
        later.commitments[i].text: origin
        for (slug, i), origin in catalog.first_promised.items()
        if slug == later.slug
    }
    airport = [origin for text, origin in links.items() if "龙岩新机场" in text]
    assert airport and airport[0][0] == "minxinan-2021-meeting-3"


def test_city_timeline_is_chronological(catalog: Catalog) -> None:
    longyan = next(c for c in catalog.cities if c.name == "龙岩")
    assert longyan.slug == "longyan"
    assert longyan.briefs == (
        "minxinan-2020-meeting-2",
        "minxinan-2021-meeting-3",
        "minxinan-2022-meeting-4",
    )
    dates = [catalog.brief(slug).date for slug, _ in longyan.commitments]
    assert dates == sorted(d for d in dates if d is not None)


def test_unit_that_is_not_a_city_has_a_page(catalog: Catalog) -> None:
    pingtan = next(c for c in catalog.cities if c.name == "平潭")
    assert pingtan.full_name == "平潭综合实验区"
    assert pingtan.commitments


@pytest.mark.parametrize(
    ("names", "make", "memo", "expected"),
    [
        (["泰州", "台州"], "slugify", {}, {"台州": "taizhou", "泰州": "taizhou-2"}),
        (["欧阳志远"], "person_slug", {}, {"欧阳志远": "ouyang-zhiyuan"}),
        # A slug remembered from an earlier build is used as it is, not read again.
        (["泰州"], "slugify", {"slugify:泰州": "remembered"}, {"泰州": "remembered"}),
        (["胡昌升"], "person_slug", {"slugify:胡昌升": "other-kind"}, {"胡昌升": "hu-changsheng"}),
        # A list page's name (a section's index.html, index-2.html …) is never an entry's.
        (
            ["Index", "INDEX 2", "Index Fund", "index-entry"],
            "slugify",
            {},
            {
                "INDEX 2": "index-2-entry",
                "Index": "index-entry",
                "Index Fund": "index-fund",
                "index-entry": "index-entry-2",
            },
        ),
    ],
)
def test_unique_slugs_remember_readings_per_kind(
    names: list[str], make: str, memo: dict[str, str], expected: dict[str, str]
) -> None:
    from policybriefs.load import slugify

    function = {"slugify": slugify, "person_slug": person_slug}[make]
    assert _unique_slugs(names, function, memo) == expected
    assert all(f"{make}:{name}" in memo for name in names)


def test_workers_give_every_name_the_catalog_slugs() -> None:
    """The memo entries a worker hands back with each brief cover every name the
    catalog gives a page, so a build's main process slugs nothing itself."""
    from policybriefs.catalog import slug_memo_entries

    briefs = [
        build_brief(normalize_article(load_article(path, ARTICLES)))
        for path in sorted(ARTICLES.glob("*.txt"))
        if not path.name.endswith(".clean.txt")
    ]
    given: dict[str, str] = {}
    for brief in briefs:
        given.update(slug_memo_entries(brief))
    memo = dict(given)
    catalog = build_catalog(briefs, slug_memo=memo)
    assert memo == given  # nothing added: no name was slugged that the workers left out
    assert len(catalog.officials) > 20 and len(catalog.projects) > 5 and catalog.series
    named = {e.name for e in (*catalog.cities, *catalog.officials, *catalog.series)}
    named |= {e.name for e in catalog.projects}
    assert {key.split(":", 1)[1] for key in given} == named


# (name, slug): a surname is read as a surname (曾 zeng, 朴 piao, 单 shan).
PERSON_SLUGS = [
    ("胡昌升", "hu-changsheng"),
    ("欧阳志远", "ouyang-zhiyuan"),
    ("曾晓敏", "zeng-xiaomin"),
    ("朴英哲", "piao-yingzhe"),
    ("单国强", "shan-guoqiang"),
    ("尉迟敬", "yuchi-jing"),
]


@pytest.mark.parametrize(("name", "slug"), PERSON_SLUGS)
def test_person_slug_reads_surnames_as_surnames(name: str, slug: str) -> None:
    assert person_slug(name) == slug
