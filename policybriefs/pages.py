"""The site map: every page as (path, template, context), computed before anything is written."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from .cache import digest
from .catalog import Catalog, CityEntry
from .matrix import build_matrix
from .models import EDIT_KINDS, ROUTINE_EDIT_KINDS, Brief, Commitment, Edit, PageSpec, StaticPage

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


HOME_PAGE_SIZE = 50


def brief_path(slug: str) -> str:
    return f"briefs/{slug}/index.html"


def shared_context(catalog: Catalog, static_pages: Sequence[StaticPage]) -> dict[str, object]:
    """Lookups every template may use to link to other pages. One dict for the whole
    build, given to every page as it is rendered: copied into each of a large site's
    hundreds of thousands of page contexts, it cost hundreds of megabytes."""
    return {
        "city_slugs": {c.name: c.slug for c in catalog.cities},
        "official_slugs": {o.name: o.slug for o in catalog.officials},
        "series_slugs": {s.name: s.slug for s in catalog.series},
        "project_slugs": {p.name: p.slug for p in catalog.projects},
        "briefs_by_slug": catalog.by_slug,
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "static_pages": [(p.slug, p.title) for p in static_pages],
    }


def repair_summary(brief: Brief) -> list[tuple[str, str, int]]:
    counts = dict(brief.article.edit_counts) or Counter(e.kind for e in brief.article.edits)
    return [(k, EDIT_LABELS.get(k, k), counts[k]) for k in EDIT_KINDS if counts.get(k)]


def reviewable_edits(brief: Brief) -> list[Edit]:
    """The edits an editor should look at one by one (not script or routine ones)."""
    return [
        e for e in brief.article.edits if e.kind != "script" and e.kind not in ROUTINE_EDIT_KINDS
    ]


def lost_edits(brief: Brief) -> list[Edit]:
    """The spans the bytes could not give back."""
    return [e for e in brief.article.edits if e.kind == "unrecoverable"]


def routine_groups(brief: Brief) -> list[tuple[str, str, str, int]]:
    """Routine edits merged: (kind, before, after, how many), most frequent first."""
    groups = Counter(
        (e.kind, e.before, e.after) for e in brief.article.edits if e.kind in ROUTINE_EDIT_KINDS
    )
    return [(k, b, a, n) for (k, b, a), n in sorted(groups.items(), key=lambda x: (-x[1], x[0]))]


def kind_status_counts(city: CityEntry) -> list[tuple[str, list[int], int]]:
    """(kind label, count per status, total) for a city's commitments."""
    counts = Counter((c.kind, c.status) for _, c in city.commitments)
    return [
        (
            label,
            [counts[(kind, status)] for status in STATUS_LABELS],
            sum(counts[(kind, status)] for status in STATUS_LABELS),
        )
        for kind, label in KIND_LABELS.items()
    ]


def _by_city(brief: Brief) -> dict[str | None, list[tuple[int, Commitment]]]:
    """A brief's commitments per city, each with its index in the brief."""
    grouped: dict[str | None, list[tuple[int, Commitment]]] = defaultdict(list)
    for index, commitment in enumerate(brief.commitments):
        grouped[commitment.city].append((index, commitment))
    return dict(grouped)


def _brief_context(brief: Brief) -> dict[str, object]:
    return {"commitments_by_city": _by_city(brief), "repair_summary": repair_summary(brief)}


def _city_context(city: CityEntry) -> dict[str, object]:
    return {"kind_status": kind_status_counts(city), "by_brief": _by_brief(city)}


def _by_brief(city: CityEntry) -> dict[str, list[Commitment]]:
    grouped: dict[str, list[Commitment]] = defaultdict(list)
    for slug, commitment in city.commitments:
        grouped[slug].append(commitment)
    return dict(grouped)


def full_brief_context(brief: Brief) -> dict[str, object]:
    """What a page drawn from the full brief (its repair report) is given."""
    return {
        "brief": brief,
        "script_pairs": script_pairs(brief),
        "repair_summary": repair_summary(brief),
        "reviewable": reviewable_edits(brief),
        "routine": routine_groups(brief),
        "lost": lost_edits(brief),
    }


def script_pairs(brief: Brief) -> list[tuple[str, str, int]]:
    pairs = Counter((e.before, e.after) for e in brief.article.edits if e.kind == "script")
    return [(b, a, n) for (b, a), n in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))]


def brief_pages(
    brief: Brief,
    first_promised: Mapping[int, tuple[str, str]],
    brief_key: str,
    page_key: str = "",
    repairs_key: str = "",
) -> list[PageSpec]:
    """A brief's own pages: the brief, and its repair report (drawn from the full
    brief, read from the cache by ``brief_key``)."""
    return [
        PageSpec(
            brief_path(brief.slug),
            "brief.html",
            {"brief": brief, "first_promised": first_promised},
            page_key,
            deferred=functools.partial(_brief_context, brief),
        ),
        PageSpec(
            f"briefs/{brief.slug}/repairs/index.html",
            "repairs.html",
            {"edit_labels": EDIT_LABELS},
            repairs_key,
            full_brief=brief_key,
        ),
    ]


def home_path(page: int) -> str:
    return "index.html" if page == 1 else f"page/{page}/index.html"


def gather_pages(
    catalog: Catalog,
    static_pages: Sequence[StaticPage],
    links: Mapping[str, object],
    brief_keys: Mapping[str, str] | None = None,
) -> list[PageSpec]:
    """Every page of one script, each with its own context (``links``, the
    ``shared_context``, goes to every page when it is rendered). ``brief_keys``
    (slug → cache key) lets a page that shows only some briefs be reused while
    those briefs are unchanged."""
    keys = dict(brief_keys or {})
    slugs = {
        **{f"city:{k}": v for k, v in links["city_slugs"].items()},  # type: ignore[attr-defined]
        **{f"official:{k}": v for k, v in links["official_slugs"].items()},  # type: ignore[attr-defined]
        **{f"series:{k}": v for k, v in links["series_slugs"].items()},  # type: ignore[attr-defined]
        **{f"project:{k}": v for k, v in links["project_slugs"].items()},  # type: ignore[attr-defined]
    }
    # Every page's footer links the static pages.
    common = links["static_pages"]

    def key(*parts: object) -> str:
        return digest(common, *parts) if keys else ""

    def brief_keys_of(brief_slugs: Sequence[str]) -> list[str]:
        return [keys.get(slug, "") for slug in brief_slugs]

    def cards_of(shown: Sequence[Brief]) -> list[tuple[str, list[str]]]:
        """What brief cards show: each brief, and the slugs its city links use."""
        return [
            (keys.get(b.slug, ""), [slugs.get(f"city:{c}", "") for c in b.cities]) for b in shown
        ]

    def slugs_of(brief: Brief) -> list[tuple[str, str]]:
        names = [f"city:{c}" for c in brief.cities]
        names += [f"city:{o.city}" for o in brief.officials if o.city]
        names += [f"official:{o.name}" for o in brief.officials]
        names += [f"series:{brief.series}"] if brief.series else []
        return sorted((n, slugs.get(n, "")) for n in set(names))

    pages_count = max(1, -(-len(catalog.briefs) // HOME_PAGE_SIZE))
    pages = [
        PageSpec(
            home_path(n),
            "index.html",
            {
                "briefs": shown,
                "page_number": n,
                "page_count": pages_count,
                "home_pages": [home_path(i) for i in range(1, pages_count + 1)],
                "catalog": catalog,
            },
            key=key("home", n, pages_count, cards_of(shown)),
        )
        for n in range(1, pages_count + 1)
        for shown in [catalog.briefs[(n - 1) * HOME_PAGE_SIZE : n * HOME_PAGE_SIZE]]
    ]
    # Each index is keyed by exactly what its rows show, so a change that leaves
    # them alone (a sentence in one brief) does not redraw pages of megabytes.
    matrix = build_matrix(catalog)
    pages += [
        PageSpec(
            "cities/index.html",
            "cities.html",
            {"cities": catalog.cities},
            key(
                "cities",
                [
                    (c.name, c.slug, c.province, len(c.briefs), len(c.commitments))
                    for c in catalog.cities
                ],
            ),
        ),
        PageSpec(
            "officials/index.html",
            "officials.html",
            {"officials": catalog.officials},
            key(
                "officials",
                [
                    (o.name, o.slug, o.appearances[-1].titles, len(o.appearances))
                    for o in catalog.officials
                ],
            ),
        ),
        PageSpec(
            "series/index.html",
            "series_index.html",
            {"series": catalog.series},
            key("series index", [(s.name, s.slug, len(s.briefs)) for s in catalog.series]),
        ),
        PageSpec(
            "projects/index.html",
            "projects.html",
            {"projects": catalog.projects},
            key("projects", [(p.name, p.slug, len(p.mentions)) for p in catalog.projects]),
        ),
        PageSpec("matrix/index.html", "matrix.html", {"matrix": matrix}, key("matrix", matrix)),
    ]
    first_by_brief: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
    for (slug, index), found in catalog.first_promised.items():
        first_by_brief[slug][index] = found
    for brief in catalog.briefs:
        first = first_by_brief.get(brief.slug, {})
        shown = sorted(first.items())
        pages += brief_pages(
            brief,
            first,
            keys.get(brief.slug, ""),
            key(
                "brief",
                keys.get(brief.slug),
                slugs_of(brief),
                shown,
                [
                    (s, catalog.brief(s).meeting, catalog.brief(s).article.title)
                    for _, (s, _) in shown
                ],
            ),
            key("repairs", keys.get(brief.slug)),
        )
    for city in catalog.cities:
        pages.append(
            PageSpec(
                f"cities/{city.slug}/index.html",
                "city.html",
                {"city": city},
                key("city", city.slug, brief_keys_of(city.briefs)),
                deferred=functools.partial(_city_context, city),
            )
        )
    for official in catalog.officials:
        shown_briefs = [a.brief for a in official.appearances]
        pages.append(
            PageSpec(
                f"officials/{official.slug}/index.html",
                "official.html",
                {"official": official},
                key(
                    "official",
                    official.slug,
                    brief_keys_of(shown_briefs),
                    sorted(
                        (a.city or "", slugs.get(f"city:{a.city}", ""))
                        for a in official.appearances
                    ),
                ),
            )
        )
    for series in catalog.series:
        pages.append(
            PageSpec(
                f"series/{series.slug}/index.html",
                "series.html",
                {"series": series},
                key(
                    "series",
                    series.slug,
                    series.name,
                    cards_of([catalog.brief(slug) for slug in series.briefs]),
                ),
            )
        )
    for project in catalog.projects:
        pages.append(
            PageSpec(
                f"projects/{project.slug}/index.html",
                "project.html",
                {"project": project},
                key("project", project.slug, brief_keys_of([s for s, _ in project.mentions])),
            )
        )
    for page in static_pages:
        pages.append(
            PageSpec(
                f"pages/{page.slug}/index.html",
                "page.html",
                {"page": page},
                key("page", page),
            )
        )
    return pages
