"""Machine-readable data: site/data/index.json, one JSON per brief, commitments.csv."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .cache import BriefCache
from .catalog import Catalog
from .models import Brief, OutputFile
from .render import run_in_forks
from .write import SiteWriter


def brief_record(brief: Brief) -> dict[str, Any]:
    article = brief.article
    return {
        "slug": brief.slug,
        "title": article.title,
        "date": brief.date.isoformat() if brief.date else None,
        "source": article.raw.source,
        "source_url": brief.meta.source_url,
        "encoding": article.raw.encoding,
        "meeting": brief.meeting,
        "series": brief.series,
        "ordinal": brief.ordinal,
        "tags": list(brief.meta.tags),
        "paragraphs": list(article.paragraphs),
        "officials": [
            {
                "name": o.name,
                "name_hant": o.name_hant,
                "city": o.city,
                "titles": list(o.titles),
                "reviewed": o.reviewed,
            }
            for o in brief.officials
        ],
        "sections": [
            {
                "city": s.city,
                "speakers": list(s.speakers),
                "paragraphs": list(s.paragraphs),
                "parts": [
                    {"paragraph": p.paragraph, "start": p.start, "end": p.end, "speaker": p.speaker}
                    for p in s.parts
                ],
            }
            for s in brief.sections
        ],
        "commitments": [
            {
                "city": c.city,
                "speaker": c.speaker,
                "text": c.text,
                "paragraph": c.paragraph,
                "sentence": c.sentence,
                "kind": c.kind,
                "partners": list(c.partners),
                "entities": [{"kind": e.kind, "text": e.text} for e in c.entities],
                "specificity": c.specificity,
                "status": c.status,
                "evidence": [{"date": d, "url": u} for d, u in c.evidence],
                "reviewed": c.reviewed,
            }
            for c in brief.commitments
        ],
        "repairs": [
            {
                "kind": e.kind,
                "before": e.before,
                "after": e.after,
                "paragraph": e.paragraph,
                "offset": e.offset,
                "note": e.note,
                "context": e.context,
            }
            for e in article.edits
        ],
        "warnings": list(brief.warnings),
    }


def _json(data: Any) -> bytes:
    # Compact, so the C encoder does the work: these files are for programs.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def export_into(
    writer: SiteWriter,
    catalog: Catalog,
    keys: Mapping[str, str],
    cache: BriefCache,
    jobs: int,
) -> None:
    """One JSON file per brief, from the full brief in the cache; reused when unchanged."""
    todo: list[tuple[str, str]] = []
    for brief in catalog.briefs:
        path = f"data/{brief.slug}.json"
        writer.claim(path, f"json:{keys[brief.slug]}")
        if not writer.place(path):
            todo.append((path, keys[brief.slug]))

    def write_slice(part: Sequence[tuple[str, str]]) -> None:
        for path, key in part:
            full = cache.get(key)
            if full is None:
                raise RuntimeError(f"brief {key} vanished from the cache during the build")
            writer.write(path, _json(brief_record(full)))

    run_in_forks(write_slice, todo, jobs)


def export_indexes(catalog: Catalog) -> list[OutputFile]:
    """The site-wide data files: the list of briefs and every commitment as CSV."""
    files: list[OutputFile] = []
    index = [
        {
            "slug": b.slug,
            "title": b.article.title,
            "date": b.date.isoformat() if b.date else None,
            "meeting": b.meeting,
            "cities": list(b.cities),
            "commitments": len(b.commitments),
            "url": f"briefs/{b.slug}/index.html",
            "data": f"data/{b.slug}.json",
        }
        for b in catalog.briefs
    ]
    files.append(OutputFile("data/index.json", _json(index)))
    files.append(OutputFile("data/commitments.csv", commitments_csv(catalog.briefs)))
    return files


def commitments_csv(briefs: Sequence[Brief]) -> bytes:
    # Encoded as it is written, with a BOM so spreadsheet programs open the Chinese
    # text as UTF-8: at ten thousand briefs the text held whole, then copied with its
    # BOM and encoded, was the build's peak of memory.
    raw = io.BytesIO()
    buffer = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "brief",
            "date",
            "meeting",
            "city",
            "speaker",
            "kind",
            "status",
            "reviewed",
            "paragraph",
            "partners",
            "entities",
            "text",
        ]
    )
    for b in briefs:
        for c in b.commitments:
            writer.writerow(
                [
                    b.slug,
                    b.date.isoformat() if b.date else "",
                    b.meeting or "",
                    c.city or "",
                    c.speaker or "",
                    c.kind,
                    c.status,
                    "yes" if c.reviewed else "no",
                    c.paragraph,
                    "、".join(c.partners),
                    "、".join(e.text for e in c.entities),
                    c.text,
                ]
            )
    buffer.flush()
    return raw.getvalue()
