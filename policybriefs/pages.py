"""The site map: every page as (path, template, context), computed before anything is written."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from .cache import BriefCache
from .catalog import Catalog, CityEntry
from .models import EDIT_KINDS, ROUTINE_EDIT_KINDS, Brief, Commitment, Edit, PageSpec, StaticPage
from .urls import brief_path, repairs_path

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
# Rows of an index page (officials, projects, cities, series). Unpaginated, the
# officials of 10,000 briefs made one page of 6 MB, slow to open and 80 MiB to render.
INDEX_PAGE_SIZE = 1000
# Briefs a page of a city's timeline, a series or a project lists. Unpaginated, at
# N = 10,000 a project page listed 1,700 promises in 1.8 MB, and under serve one
# promise more redrew all of it.
ENTRY_PAGE_SIZE = 50


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def pager(number: int, paths: Sequence[str]) -> dict[str, object]:
    """Links between the pages of one list: the previous and next page, and the
    first, the last and those near this one by number (None stands for a gap)."""
    count = len(paths)
    near = {1, count, *range(max(1, number - 2), min(count, number + 2) + 1)}
    links: list[tuple[int, str] | None] = []
    last = 0
    for n in sorted(near):
        if n == last + 2:  # a gap of one page: the page itself takes no more room
            links.append((n - 1, paths[n - 2]))
        elif n > last + 2:
            links.append(None)
        links.append((n, paths[n - 1]))
        last = n
    return {
        "number": number,
        "count": count,
        "links": links,
        "previous": paths[number - 2] if number > 1 else None,
        "next": paths[number] if number < count else None,
    }


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


def city_context(
    city: CityEntry, shown: Sequence[str], kind_status: list[tuple[str, list[int], int]] | None
) -> dict[str, object]:
    """A page of a city's timeline: the promises of the briefs ``shown``, and on
    the first page the city's counts by kind and status (``kind_status_counts``,
    made once for the page's key)."""
    context: dict[str, object] = {"by_brief": _by_brief(city, set(shown))}
    if kind_status is not None:
        context["kind_status"] = kind_status
    return context


def _by_brief(city: CityEntry, shown: set[str]) -> dict[str, list[Commitment]]:
    grouped: dict[str, list[Commitment]] = defaultdict(list)
    for slug, commitment in city.commitments:
        if slug in shown:
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


def full_brief_reader(cache: BriefCache) -> Callable[[str], dict[str, object]]:
    """What the renderer gives pages drawn from a full brief, by cache key. A
    brief's page and its repair report come one after the other in a worker's
    share: the brief is read from the cache and digested once."""

    @functools.lru_cache(maxsize=2)
    def full_brief(key: str) -> dict[str, object]:
        return full_brief_context(cache.full(key))

    return full_brief


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
    brief, read from the cache by ``brief_key``). They hold the brief's own
    officials' names: another brief's official of two characters (于东) is left
    to OpenCC in their Traditional editions (关于东西部 → 關於東西部)."""
    names = tuple(dict.fromkeys(o.name for o in brief.officials))  # a tuple: a seventh of a set
    return [
        PageSpec(
            brief_path(brief.slug),
            "brief.html",
            {"brief": brief, "first_promised": first_promised},
            page_key,
            deferred=functools.partial(_brief_context, brief),
            names=names,
        ),
        PageSpec(
            repairs_path(brief.slug),
            "repairs.html",
            {"edit_labels": EDIT_LABELS},
            repairs_key,
            full_brief=brief_key,
            names=names,
        ),
    ]
