"""Cities × briefs, with commitment counts: laid out here, drawn as static SVG by matrix.html.

A reader sees at a glance which city promised how much at which meeting. The
grid shows the most recent briefs and the cities most active in them; the
table under it carries every number.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog
from .models import Brief

CELL = 30
LABEL = 84
HEADER = 96
MAX_BRIEFS = 40
MAX_CITIES = 60


@dataclass(frozen=True)
class Column:
    slug: str
    label: str  # date or ordinal, short enough for a rotated header
    title: str
    x: int


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    count: int
    shade: str  # fill colour: darker for more commitments
    ink: str  # text colour with enough contrast on that fill


@dataclass(frozen=True)
class MatrixRow:
    city: str
    slug: str
    y: int
    cells: tuple[Cell, ...]
    total: int


@dataclass(frozen=True)
class Matrix:
    width: int
    height: int
    columns: tuple[Column, ...]
    rows: tuple[MatrixRow, ...]
    truncated: bool


_SHADES = ("#f3f1ec", "#f2d5cf", "#e3a597", "#c9604f", "#8a1c1c")


def _shade(count: int, peak: int) -> tuple[str, str]:
    if count == 0:
        return _SHADES[0], "#55575c"
    level = 1 + min(3, (count - 1) * 4 // max(1, peak))
    return _SHADES[level], "#ffffff" if level >= 3 else "#1d1d1f"


def matrix_order(brief: Brief) -> tuple[bool, Any, int, str]:
    """The matrix's columns are the last MAX_BRIEFS briefs in this order."""
    return (brief.date is None, brief.date or 0, brief.ordinal or 0, brief.slug)


def build_matrix(catalog: Catalog) -> Matrix:
    chronological = sorted(catalog.briefs, key=matrix_order)
    briefs = chronological[-MAX_BRIEFS:]
    shown = {b.slug for b in briefs}
    counts: Counter[tuple[str, str]] = Counter()
    for city in catalog.cities:
        for slug, _ in city.commitments:
            if slug in shown:
                counts[(city.name, slug)] += 1
    totals = Counter(
        {c.name: sum(counts[(c.name, b.slug)] for b in briefs) for c in catalog.cities}
    )
    active = [c for c in catalog.cities if any(s in shown for s in c.briefs)]
    active.sort(key=lambda c: (-totals[c.name], c.slug))
    cities = active[:MAX_CITIES]
    peak = max(counts.values(), default=1)
    columns = tuple(
        Column(
            b.slug,
            b.date.isoformat() if b.date else (f"第{b.ordinal}次" if b.ordinal else b.slug[:10]),
            b.meeting or b.article.title,
            LABEL + i * CELL,
        )
        for i, b in enumerate(briefs)
    )
    rows = []
    for r, city in enumerate(cities):
        y = HEADER + r * CELL
        cells = []
        for column in columns:
            count = counts[(city.name, column.slug)]
            shade, ink = _shade(count, peak)
            cells.append(Cell(column.x, y, count, shade, ink))
        rows.append(MatrixRow(city.name, city.slug, y, tuple(cells), totals[city.name]))
    return Matrix(
        width=LABEL + len(columns) * CELL + 64,  # room for the last rotated date
        height=HEADER + len(rows) * CELL + 8,
        columns=columns,
        rows=tuple(rows),
        truncated=len(chronological) > len(briefs) or len(active) > len(cities),
    )
