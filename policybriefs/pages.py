"""The site map: every page as (path, template, context), computed before anything is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .catalog import Catalog
from .matrix import build_matrix
from .models import EDIT_KINDS, Brief, PageSpec, StaticPage

KIND_LABELS = {
    "pledge": "承诺",
    "directive": "部署",
    "principle": "原则",
    "proposal": "建议",
    "joint": "共建",
}
STATUS_LABELS = {
    "pledged": "已承诺",
    "in progress": "推进中",
    "done": "已完成",
    "stalled": "停滞",
    "no follow-up found": "未见后续",
}
EDIT_LABELS = {
    "junk-line": "删除页面杂项行",
    "junk-text": "删除夹杂文字",
    "mojibake": "乱码复原",
    "mojibake-inferred": "乱码推断复原",
    "unrecoverable": "无法恢复",
    "pinyin": "删除拼音注音",
    "punctuation": "标点全角化",
    "doubled-punctuation": "删除重复标点",
    "script": "繁转简",
    "correction": "编辑更正",
}


def brief_path(slug: str) -> str:
    return f"briefs/{slug}/index.html"


def _links(catalog: Catalog) -> dict[str, object]:
    """Lookups every template may use to link to other pages."""
    return {
        "city_slugs": {c.name: c.slug for c in catalog.cities},
        "official_slugs": {o.name: o.slug for o in catalog.officials},
        "series_slugs": {s.name: s.slug for s in catalog.series},
        "project_slugs": {p.name: p.slug for p in catalog.projects},
        "briefs_by_slug": {b.slug: b for b in catalog.briefs},
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
    }


def _repair_summary(brief: Brief) -> list[tuple[str, str, int]]:
    counts = Counter(e.kind for e in brief.article.edits)
    return [(k, EDIT_LABELS.get(k, k), counts[k]) for k in EDIT_KINDS if counts[k]]


def _script_pairs(brief: Brief) -> list[tuple[str, str, int]]:
    pairs = Counter((e.before, e.after) for e in brief.article.edits if e.kind == "script")
    return [(b, a, n) for (b, a), n in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))]


def gather_pages(catalog: Catalog, static_pages: Sequence[StaticPage]) -> list[PageSpec]:
    links = _links(catalog)
    pages = [
        PageSpec(
            "index.html", "index.html", {**links, "briefs": catalog.briefs, "catalog": catalog}
        ),
        PageSpec("cities/index.html", "cities.html", {**links, "cities": catalog.cities}),
        PageSpec(
            "officials/index.html", "officials.html", {**links, "officials": catalog.officials}
        ),
        PageSpec("series/index.html", "series_index.html", {**links, "series": catalog.series}),
        PageSpec("projects/index.html", "projects.html", {**links, "projects": catalog.projects}),
        PageSpec("matrix/index.html", "matrix.html", {**links, "matrix": build_matrix(catalog)}),
    ]
    for brief in catalog.briefs:
        first = {
            index: found
            for (slug, index), found in catalog.first_promised.items()
            if slug == brief.slug
        }
        pages.append(
            PageSpec(
                brief_path(brief.slug),
                "brief.html",
                {
                    **links,
                    "brief": brief,
                    "first_promised": first,
                    "repair_summary": _repair_summary(brief),
                },
            )
        )
        pages.append(
            PageSpec(
                f"briefs/{brief.slug}/repairs/index.html",
                "repairs.html",
                {
                    **links,
                    "brief": brief,
                    "repair_summary": _repair_summary(brief),
                    "script_pairs": _script_pairs(brief),
                    "edit_labels": EDIT_LABELS,
                },
            )
        )
    for city in catalog.cities:
        pages.append(
            PageSpec(f"cities/{city.slug}/index.html", "city.html", {**links, "city": city})
        )
    for official in catalog.officials:
        pages.append(
            PageSpec(
                f"officials/{official.slug}/index.html",
                "official.html",
                {**links, "official": official},
            )
        )
    for series in catalog.series:
        pages.append(
            PageSpec(f"series/{series.slug}/index.html", "series.html", {**links, "series": series})
        )
    for project in catalog.projects:
        pages.append(
            PageSpec(
                f"projects/{project.slug}/index.html", "project.html", {**links, "project": project}
            )
        )
    for page in static_pages:
        pages.append(
            PageSpec(f"pages/{page.slug}/index.html", "page.html", {**links, "page": page})
        )
    return pages
