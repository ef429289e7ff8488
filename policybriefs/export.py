"""Machine-readable data: site/data/index.json, one JSON per brief, commitments.csv."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from .cache import BriefCache, save_site_data, site_data_path, tool_fingerprint
from .catalog import Catalog
from .models import Brief
from .render import run_in_forks
from .urls import brief_path
from .write import FileRange, SiteWriter


def brief_record(brief: Brief) -> dict[str, Any]:
    article = brief.article
    return {
        "slug": brief.slug,
        "title": article.title,
        "date": brief.date.isoformat() if brief.date else None,
        # "metadata", "text" (the lead's), "page" (the lead's day, the page's year), or None
        "date_source": brief.date_source,
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


def brief_json(brief: Brief) -> bytes:
    """site/data/<slug>.json"""
    return _json(brief_record(brief))


def _json(data: Any) -> bytes:
    # Compact, so the C encoder does the work: these files are for programs.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def export_into(
    writer: SiteWriter,
    briefs: Sequence[Brief],
    keys: Mapping[str, str],
    cache: BriefCache,
    jobs: int,
) -> None:
    """One JSON file per brief: reused when unchanged, else linked from the cache,
    where the worker that made the brief put it, or made from the full brief (and
    put in the cache for the next build)."""
    todo: list[tuple[str, str]] = []
    for brief in briefs:
        path = f"data/{brief.slug}.json"
        key = keys[brief.slug]
        writer.claim(path, f"json:{key}")
        if not writer.place(path) and not writer.link_in(path, cache.data_path(key)):
            todo.append((path, key))

    def write_slice(part: Sequence[tuple[str, str]]) -> None:
        for path, key in part:
            data = brief_json(cache.full(key))
            cache.put_data(key, data)
            writer.write(path, data)

    run_in_forks(write_slice, todo, jobs)


@dataclass(frozen=True)
class BriefExport:
    """A brief's part of the site-wide data files, as a site holds it: its entry in
    data/index.json, and where its rows are in data/commitments.csv. ``serve``
    keeps one for every brief, and a build with a cache records them
    (``save_exports``); a patch or the next build reads the unchanged briefs' rows
    back from the live site: held, they were 40 MiB at N = 10,000."""

    entry: bytes
    rows_at: int
    rows_length: int


COMMITMENTS_CSV = "data/commitments.csv"


def index_entry(brief: Brief) -> bytes:
    """The brief's entry in data/index.json."""
    entry = {
        "slug": brief.slug,
        "title": brief.article.title,
        "date": brief.date.isoformat() if brief.date else None,
        "meeting": brief.meeting,
        "cities": list(brief.cities),
        "commitments": len(brief.commitments),
        "url": brief_path(brief.slug),
        "data": f"data/{brief.slug}.json",
    }
    return _json(entry)[:-1]


def brief_exports(briefs: Sequence[Brief]) -> dict[str, BriefExport]:
    """Each brief's part of the data files ``write_indexes`` writes for ``briefs``."""
    exports: dict[str, BriefExport] = {}
    at = len(_csv_header())
    for brief in briefs:
        length = len(commitment_rows(brief))
        exports[brief.slug] = BriefExport(index_entry(brief), at, length)
        at += length
    return exports


def _written(csv_path: Path) -> bytes:
    """What tells the commitments.csv a build wrote from any other: a site's files
    are never changed in place (a build writes new ones and swaps the folder), so
    its inode and times stay until the file is replaced. The tool's fingerprint
    too: after an upgrade no brief keeps its key, and the record is not even read."""
    st = csv_path.stat()
    return f"{tool_fingerprint()} {st.st_size} {st.st_ino} {st.st_mtime_ns}\n".encode()


def save_exports(
    cache_root: Path,
    out_dir: Path,
    site: str,
    exports: Mapping[str, BriefExport],
    keys: Mapping[str, str],
) -> None:
    """Keep each brief's part of the data files of the site ``site`` just swapped
    into ``out_dir``, with the cache key of the brief it shows: the next build
    copies the rows of briefs made from the same articles from that site, where
    making the 40 MB of commitments.csv again was a second of every build at
    N = 10,000, however little changed. (A patch under ``serve`` keeps none: it
    would cost every patch the time, and the next whole build makes them all.)"""
    try:
        header = _written(out_dir / COMMITMENTS_CSV)
    except OSError:
        return
    # A line a brief, written a slice at a time: this runs at the end of a build, when
    # its process is at its largest, and a pickle of the parts took 10 MiB more there.
    items = iter(exports.items())

    def lines() -> Iterator[bytes]:
        yield header
        while part := list(islice(items, 1024)):
            yield b"".join(
                b"%s\t%s\t%d\t%d\t%s\n"
                % (slug.encode(), keys.get(slug, "").encode(), e.rows_at, e.rows_length, e.entry)
                for slug, e in part
            )

    save_site_data(cache_root, out_dir, site, "exports", lines())


def recorded_exports(
    cache_root: Path, out_dir: Path, keys: Mapping[str, str]
) -> dict[str, BriefExport]:
    """The parts of the data files of the site in ``out_dir`` (as ``save_exports``
    kept them) whose briefs have the same cache keys in ``keys`` now, for
    ``write_indexes`` to copy from that site; none unless its commitments.csv is
    the file that build wrote, untouched since, and the tool the same.

    The site's id, which the record is named by, fixes the bytes of its files but
    not of its data files (they have no key): the file's identity stands in."""
    path = site_data_path(cache_root, out_dir, "exports")
    if path is None:
        return {}
    try:
        # Read from the file, not whole: the process is near its peak here, and after
        # an upgrade the header alone says nothing is to be kept.
        with path.open("rb") as record:
            if record.readline() != _written(out_dir / COMMITMENTS_CSV):
                return {}
            kept: dict[str, BriefExport] = {}
            for line in record:
                slug, key, at, length, entry = line.rstrip(b"\n").split(b"\t", 4)
                name = slug.decode()
                if key and keys.get(name, "").encode() == key:
                    kept[name] = BriefExport(entry, int(at), int(length))
            return kept
    except (OSError, ValueError):  # missing or damaged: made again
        return {}


def same_indexes(
    catalog: Catalog, before: Mapping[str, BriefExport], changed: Sequence[Brief], site: Path
) -> bool:
    """Whether the data files of the site in folder ``site``, whose briefs' parts are
    ``before``, are already those of ``catalog`` after the briefs ``changed`` were
    made again: the same briefs in the same order, and each changed one with the
    same entry and the same rows. An edit outside the commitments changes neither
    file, and a patch keeps them rather than write 40 MB at N = 10,000."""
    if len(before) != len(catalog.briefs) or list(before) != [b.slug for b in catalog.briefs]:
        return False
    try:
        with open(site / COMMITMENTS_CSV, "rb") as source:
            for brief in changed:
                part = before[brief.slug]
                if index_entry(brief) != part.entry:
                    return False
                rows = commitment_rows(brief)
                if len(rows) != part.rows_length:
                    return False
                if os.pread(source.fileno(), part.rows_length, part.rows_at) != rows:
                    return False
    except OSError:
        return False
    return True


def write_indexes(
    writer: SiteWriter,
    catalog: Catalog,
    kept: Mapping[str, BriefExport] | None = None,
    site: Path | None = None,
) -> dict[str, BriefExport]:
    """The site-wide data files: the list of briefs and every commitment as CSV.
    ``kept``: briefs' parts of them in the site in folder ``site``, copied from there.
    Returns each brief's part of the files written.

    The CSV is written as each brief's rows are made: at 10,000 briefs it is
    40 MB, and joined from its parts it held twice that at the build's peak.
    """
    kept = kept or {}
    briefs = catalog.briefs
    entries = [kept[b.slug].entry if b.slug in kept else index_entry(b) for b in briefs]
    writer.claim("data/index.json")
    writer.write("data/index.json", b"[" + b",".join(entries) + b"]\n")
    exports: dict[str, BriefExport] = {}

    def chunks() -> Iterator[bytes | FileRange]:
        header = _csv_header()
        yield header
        at = len(header)
        earlier = site / COMMITMENTS_CSV if kept and site is not None else None
        with open(earlier, "rb") if earlier is not None else nullcontext() as source:
            # Unchanged briefs' rows lie end to end in the earlier file: copied as runs,
            # not brief by brief (10,000 reads were a third of a patch at N = 10,000).
            fd = source.fileno() if source is not None else None
            run_at = run_end = 0
            for brief, entry in zip(briefs, entries, strict=True):
                part = kept.get(brief.slug)
                if part is not None and fd is not None:
                    if part.rows_at != run_end:
                        yield from _run(fd, run_at, run_end, earlier)
                        run_at = run_end = part.rows_at
                    run_end += part.rows_length
                    length = part.rows_length
                else:
                    yield from _run(fd, run_at, run_end, earlier)
                    run_at = run_end = 0
                    rows = commitment_rows(brief)
                    length = len(rows)
                    yield rows
                if part is None or part.rows_at != at or part.rows_length != length:
                    part = BriefExport(entry, at, length)
                exports[brief.slug] = part  # unchanged where the brief's rows did not move
                at += length
            yield from _run(fd, run_at, run_end, earlier)

    writer.claim(COMMITMENTS_CSV)
    writer.write_chunks(COMMITMENTS_CSV, chunks())
    return exports


def _run(fd: int | None, start: int, end: int, path: Path | None) -> Iterator[FileRange]:
    """Bytes ``start`` to ``end`` of the earlier file, if any."""
    if fd is not None and path is not None and start < end:
        yield FileRange(fd, start, end, path)


CSV_HEADER = [
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


def commitment_rows(brief: Brief) -> bytes:
    """One brief's rows of commitments.csv, encoded: a patch, or a build with a
    cache, copies the others' from the live site."""
    raw = io.StringIO()
    writer = csv.writer(raw, lineterminator="\n")
    date = brief.date.isoformat() if brief.date else ""
    for c in brief.commitments:
        writer.writerow(
            [
                brief.slug,
                date,
                brief.meeting or "",
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
    return raw.getvalue().encode("utf-8")


def _csv_header() -> bytes:
    """The first line of commitments.csv. With a BOM, so spreadsheet programs open
    the Chinese text as UTF-8."""
    raw = io.StringIO()
    csv.writer(raw, lineterminator="\n").writerow(CSV_HEADER)
    return b"\xef\xbb\xbf" + raw.getvalue().encode("utf-8")
