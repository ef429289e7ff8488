"""The city chart: a bar per meeting, or a bar per year for a city at many meetings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest

from conftest import FIXTURES, ROOT
from policybriefs.brief import build_brief
from policybriefs.catalog import Catalog, build_catalog
from policybriefs.chart import (
    CITY_CHART_BRIEFS,
    PALETTE,
    UNDATED,
    Series,
    brief_series,
    city_chart,
    with_charts,
)
from policybriefs.load import load_article
from policybriefs.models import Brief, PageSpec
from policybriefs.normalize.article import normalize_article
from policybriefs.render import make_environment
from policybriefs.urls import entry_path

CITY = "长沙"


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Brief:
    """One 长株潭 brief, without its sidecar: its date is the one its lead gives."""
    folder = tmp_path_factory.mktemp("content")
    shutil.copy(FIXTURES / "articles" / "changzhutan-2023.txt", folder / "changzhutan.txt")
    made = build_brief(normalize_article(load_article(folder / "changzhutan.txt", folder)))
    assert any(c.city == CITY for c in made.commitments)
    return made


def _catalog(brief: Brief, dates: list[dt.date | None]) -> Catalog:
    """The brief again at each date, as if the city spoke at that many meetings."""
    return build_catalog(
        [
            dataclasses.replace(brief, slug=f"meeting-{i:03d}", text_date=date)
            for i, date in enumerate(dates)
        ]
    )


def _city(catalog: Catalog) -> tuple[str, int]:
    city = next(c for c in catalog.cities if c.name == CITY)
    return city.slug, sum(1 for _, c in city.commitments if c.city == CITY) // len(city.briefs)


def _many_dates() -> list[dt.date | None]:
    """Thirty meetings over five years, two of them undated."""
    dates: list[dt.date | None] = [
        dt.date(2019 + i % 5, 1 + i % 12, 10) for i in range(CITY_CHART_BRIEFS + 4)
    ]
    return [*dates, None, None]


def test_a_city_at_a_few_meetings_gets_a_bar_for_each(brief: Brief) -> None:
    catalog = _catalog(brief, [dt.date(2021, 5, 1), dt.date(2022, 5, 1), dt.date(2023, 5, 1)])
    city = next(c for c in catalog.cities if c.name == CITY)
    chart = city_chart(catalog, city)
    assert [row.label for row in chart.rows] == ["2021-05-01", "2022-05-01", "2023-05-01"]
    assert len(chart.series) == 3  # a legend: a colour per meeting
    assert chart.columns == ("会议", "承诺")


def test_a_city_at_many_meetings_gets_a_bar_for_each_year(brief: Brief) -> None:
    dates = _many_dates()
    catalog = _catalog(brief, dates)
    city = next(c for c in catalog.cities if c.name == CITY)
    _, per_meeting = _city(catalog)
    chart = city_chart(catalog, city)

    labels = ["2019年", "2020年", "2021年", "2022年", "2023年", UNDATED]
    assert [row.label for row in chart.rows] == labels
    meetings = [sum(1 for d in dates if d and d.year == 2019 + i) for i in range(5)] + [2]
    assert chart.table == tuple(
        (label, (str(n), str(n * per_meeting))) for label, n in zip(labels, meetings, strict=True)
    )
    assert [row.total for row in chart.rows] == [n * per_meeting for n in meetings]
    assert chart.series == ()  # no legend of thirty meetings
    assert chart.height < 10 * 26  # six rows, not thirty
    assert "30次会议" in chart.title


def test_the_yearly_chart_draws_a_labelled_bar_for_each_year(brief: Brief) -> None:
    catalog = _catalog(brief, _many_dates())
    city = next(c for c in catalog.cities if c.name == CITY)
    html = (
        make_environment(ROOT / "templates")
        .get_template("partials/chart.html")
        .render(chart=city_chart(catalog, city))
    )
    assert html.count("<rect") == 6
    assert "<title>2019年 · 6次会议：" in html
    assert "chart-legend" not in html


def _city_page_key(catalog: Catalog, colors: dict[str, Series]) -> str:
    slug, _ = _city(catalog)
    page = PageSpec(entry_path("cities", slug), "city.html", {}, key="page")
    (keyed,) = with_charts([page], catalog, colors)
    return keyed.key


def _recoloured(colors: dict[str, Series]) -> dict[str, Series]:
    """Every brief one colour on, as when a brief is added before them all."""
    return {
        slug: dataclasses.replace(s, color=PALETTE[(PALETTE.index(s.color) + 1) % len(PALETTE)])
        for slug, s in colors.items()
    }


def test_a_yearly_chart_is_keyed_by_its_years_not_by_the_colours(brief: Brief) -> None:
    dates = _many_dates()
    catalog = _catalog(brief, dates)
    colors = brief_series(catalog)
    key = _city_page_key(catalog, colors)
    assert _city_page_key(catalog, _recoloured(colors)) == key
    # A meeting moves from 2019 to 2020: the same years, other bars.
    assert dates[0] is not None and dates[0].year == 2019
    moved = _catalog(brief, [dt.date(2020, 6, 1), *dates[1:]])
    assert _city_page_key(moved, brief_series(moved)) != key


def test_a_chart_with_a_bar_per_meeting_is_keyed_by_the_colours(brief: Brief) -> None:
    catalog = _catalog(brief, [dt.date(2021, 5, 1), dt.date(2022, 5, 1)])
    colors = brief_series(catalog)
    assert _city_page_key(catalog, _recoloured(colors)) != _city_page_key(catalog, colors)


def test_the_chart_changes_at_the_threshold(brief: Brief) -> None:
    at = _catalog(brief, [dt.date(2020, 1, 1 + i) for i in range(CITY_CHART_BRIEFS)])
    over = _catalog(brief, [dt.date(2020, 1, 1 + i) for i in range(CITY_CHART_BRIEFS + 1)])
    at_city = next(c for c in at.cities if c.name == CITY)
    over_city = next(c for c in over.cities if c.name == CITY)
    assert len(city_chart(at, at_city).rows) == CITY_CHART_BRIEFS
    assert [row.label for row in city_chart(over, over_city).rows] == ["2020年"]
