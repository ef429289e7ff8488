"""Commitments per city per brief, laid out at build time for a static SVG (partials/chart.html).

Python computes every coordinate; the template only draws. The home page
gets one stacked bar per city (a segment per brief), a city page one bar per
brief (one per year past ``CITY_CHART_BRIEFS``). Colours follow the brief, so a
meeting has the same colour on every page; the data table under the chart
carries the exact numbers.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .cache import digest
from .catalog import Catalog, CityEntry, city_names
from .models import Brief, PageSpec
from .urls import entry_path

# Dark enough for 3:1 against the page background and against each other's white rule.
PALETTE = (
    "#8a1c1c",
    "#1a56c4",
    "#0b6e4f",
    "#9c4a00",
    "#6a3d9a",
    "#4d5358",
    "#a6247a",
    "#216a8a",
)
WIDTH = 360
ROW = 26
BAR = 16
FONT = 13
GAP = 8
VALUE_ROOM = 36


@dataclass(frozen=True)
class Series:
    slug: str
    label: str  # the meeting, or the title
    short: str  # a date, for row labels and the table header
    color: str


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: int
    series: Series


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    total: int
    segments: tuple[Segment, ...]
    value_x: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_width: float
    rows: tuple[Row, ...]
    series: tuple[Series, ...]
    row_heading: str  # the data table's first column
    columns: tuple[str, ...]  # the data table's other columns
    table: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, cells)


def _short(brief: Brief) -> str:
    if brief.date:
        return brief.date.isoformat()
    if brief.ordinal:
        return f"第{brief.ordinal}次会议"
    return brief.article.title[:8]


def series_of(brief: Brief, color: str) -> Series:
    return Series(brief.slug, brief.meeting or brief.article.title, _short(brief), color)


def brief_series(catalog: Catalog) -> dict[str, Series]:
    """One colour per brief, in chronological order (oldest first)."""
    ordered = sorted(catalog.briefs, key=lambda b: (b.date is None, b.date or 0, b.slug))
    return {b.slug: series_of(b, PALETTE[i % len(PALETTE)]) for i, b in enumerate(ordered)}


def _layout(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Sequence[tuple[Series, int]]]],
    series: Sequence[Series],
    table: tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]],
) -> Chart:
    longest = max((len(label) for label, _ in rows), default=2)
    label_width = min(longest, 10) * FONT + GAP
    scale_max = max((sum(v for _, v in segs) for _, segs in rows), default=0) or 1
    room = WIDTH - label_width - VALUE_ROOM
    laid: list[Row] = []
    for i, (label, segs) in enumerate(rows):
        x = float(label_width)
        segments: list[Segment] = []
        for s, value in segs:
            if value:
                width = room * value / scale_max
                segments.append(Segment(round(x, 2), round(width, 2), value, s))
                x += width
        total = sum(v for _, v in segs)
        laid.append(Row(label, i * ROW + GAP, total, tuple(segments), round(x + 4, 2)))
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        width=WIDTH,
        height=len(rows) * ROW + GAP * 2,
        label_width=label_width,
        rows=tuple(laid),
        series=tuple(series),
        row_heading=table[0],
        columns=table[1],
        table=table[2],
    )


def promises_per_brief(city: CityEntry) -> Counter[str]:
    """How many of the city's promises each brief holds: the bars of its chart."""
    return Counter(slug for slug, _ in city.commitments)


OVERVIEW_BRIEFS = 8  # the home chart shows the latest meetings; the matrix page has more
OVERVIEW_CITIES = 24


def overview_chart(catalog: Catalog, colors: dict[str, Series] | None = None) -> Chart:
    """Home page: a bar per city, stacked by brief, for the latest briefs."""
    colors = colors if colors is not None else brief_series(catalog)
    recent = list(colors.values())[-OVERVIEW_BRIEFS:]
    # Drawn from the latest briefs themselves, not from every city's list of
    # briefs: a patch under serve draws it again for each edit (50 ms at N = 10,000).
    briefs = catalog.by_slug
    attending = {
        s.slug: set(city_names(briefs[s.slug])) if s.slug in briefs else set() for s in recent
    }
    series = [s for s in recent if attending[s.slug]]
    shown = {s.slug for s in series}
    counts = {slug: Counter(c.city for c in briefs[slug].commitments if c.city) for slug in shown}
    named = set().union(*attending.values())
    ranked = sorted(
        (city for city in catalog.cities if city.name in named),
        key=lambda city: (-sum(counts[s][city.name] for s in shown), city.slug),
    )
    rows: list[tuple[str, list[tuple[Series, int]]]] = []
    cells: list[tuple[str, tuple[str, ...]]] = []
    for city in ranked[:OVERVIEW_CITIES]:
        name = city.name
        rows.append(
            (name, [(s, counts[s.slug][name]) for s in series if name in attending[s.slug]])
        )
        per_brief = [
            str(counts[s.slug][name]) if name in attending[s.slug] else "—" for s in series
        ]
        cells.append((name, (*per_brief, str(sum(counts[s][name] for s in shown)))))
    summary = "；".join(f"{label}{sum(v for _, v in segs)}项" for label, segs in rows)
    return _layout(
        "chart-cities",
        "各城市在每次会议上的承诺数",
        f"横条长度为承诺数，颜色区分会议。{summary}。",
        rows,
        series,
        ("城市", (*(s.short for s in series), "合计"), tuple(cells)),
    )


# A city with more briefs than this gets a bar per year, not per brief: at 10,000
# briefs a city spoke at 248 meetings, a chart 6,464 px tall with a legend as long.
CITY_CHART_BRIEFS = 24
UNDATED = "未注明日期"


def city_chart(catalog: Catalog, city: CityEntry, colors: dict[str, Series] | None = None) -> Chart:
    """City page: a bar per brief the city spoke at, oldest first; or a bar per
    year, when it spoke at more than ``CITY_CHART_BRIEFS``."""
    colors = colors if colors is not None else brief_series(catalog)
    counts = promises_per_brief(city)
    series = _charted(city, colors)
    if len(series) > CITY_CHART_BRIEFS:
        return _yearly_city_chart(catalog, city, counts)
    rows = [(s.short, [(s, counts[s.slug])]) for s in series]
    summary = "；".join(f"{s.label}（{s.short}）{counts[s.slug]}项" for s in series)
    cells = tuple((s.short, (s.label, str(counts[s.slug]))) for s in series)
    return _layout(
        f"chart-{city.slug}",
        f"{city.name}在每次会议上的承诺数",
        f"横条长度为承诺数。{summary}。",
        rows,
        series,
        ("日期", ("会议", "承诺"), cells),
    )


def _charted(city: CityEntry, colors: dict[str, Series]) -> list[Series]:
    """The city's briefs that have a colour: its chart's bars, when they are few enough."""
    return [colors[slug] for slug in city.briefs if slug in colors]


def years_of(catalog: Catalog, city: CityEntry) -> list[tuple[str, tuple[str, ...]]]:
    """The city's briefs by year (``2021年``), oldest first, the undated last."""
    by_year: dict[int | None, list[str]] = {}
    for slug in city.briefs:
        date = catalog.by_slug[slug].date
        by_year.setdefault(date.year if date else None, []).append(slug)
    order = sorted(by_year, key=lambda year: (year is None, year or 0))
    return [(f"{year}年" if year else UNDATED, tuple(by_year[year])) for year in order]


def _yearly_city_chart(catalog: Catalog, city: CityEntry, counts: Counter[str]) -> Chart:
    years = years_of(catalog, city)
    totals = [(label, len(slugs), sum(counts[s] for s in slugs)) for label, slugs in years]
    # A segment's tooltip reads "2021年 · 6次会议：18"; no colour stands for a brief.
    rows = [
        (label, [(Series("", f"{meetings}次会议", "", PALETTE[1]), promises)])
        for label, meetings, promises in totals
    ]
    summary = "；".join(f"{label}{meetings}次会议{n}项" for label, meetings, n in totals)
    cells = tuple((label, (str(meetings), str(n))) for label, meetings, n in totals)
    return _layout(
        f"chart-{city.slug}",
        f"{city.name}每年的承诺数（{len(city.briefs)}次会议）",
        f"横条长度为当年各次会议的承诺数之和。{summary}。",
        rows,
        (),
        ("年份", ("会议", "承诺"), cells),
    )


def city_chart_inputs(
    catalog: Catalog, city: CityEntry, colors: dict[str, Series]
) -> list[tuple[str, ...]]:
    """What a city's chart is drawn from besides its promises, for its page's key.
    A bar per year shows no brief's colour: a brief added elsewhere, which moves
    every colour after it, leaves it as it was."""
    shown = _charted(city, colors)
    if len(shown) > CITY_CHART_BRIEFS:
        return [(label, *slugs) for label, slugs in years_of(catalog, city)]
    return [(s.slug, s.label, s.short, s.color) for s in shown]


def _deferred_chart(
    deferred: Callable[[], dict[str, object]] | None, make: Callable[[], Chart]
) -> Callable[[], dict[str, object]]:
    return lambda: {**(deferred() if deferred else {}), "chart": make()}


def with_charts(
    pages: Sequence[PageSpec], catalog: Catalog, colors: dict[str, Series] | None = None
) -> list[PageSpec]:
    """The pages, with a ``chart`` in the context of the home page and of each city page.

    A chart colours briefs by their place in time across the whole site, so it
    can change when the page's own briefs have not: what it is drawn from is part
    of the page's key. A city's chart is drawn only if its page is rendered.
    """
    cities = {entry_path("cities", c.slug): c for c in catalog.cities}
    colors = brief_series(catalog) if colors is None else colors
    out: list[PageSpec] = []
    for spec in pages:
        if spec.path == "index.html" and catalog.cities:
            chart = overview_chart(catalog, colors)
            key = digest(spec.key, chart) if spec.key else ""
            out.append(dataclasses.replace(spec, context={**spec.context, "chart": chart}, key=key))
        elif spec.path in cities:
            city = cities[spec.path]
            drawn_from = city_chart_inputs(catalog, city, colors)
            key = digest(spec.key, "chart", drawn_from) if spec.key else ""
            make = functools.partial(city_chart, catalog, city, colors)
            deferred = _deferred_chart(spec.deferred, make)
            out.append(dataclasses.replace(spec, key=key, deferred=deferred))
        else:
            out.append(spec)
    return out
