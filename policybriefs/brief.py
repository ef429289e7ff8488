"""One article in, one Brief out: roster, attribution, commitments, then the editor's word.

Editor corrections win over extraction and are checked: a city the gazetteer
and the brief do not know, or a paragraph the brief does not have, is an
error naming the file.
"""

from __future__ import annotations

from dataclasses import replace

from .commitments import extract_commitments
from .errors import ContentError
from .gazetteer import Gazetteer, load_gazetteer
from .meeting import PAGE_DATE_LINES, date_from_page, detect_date, detect_meeting, page_date
from .models import Attribution, Brief, Commitment, Corrections, NormalizedArticle, Official
from .roster import extract_roster
from .script import traditional_name
from .segment import attribute, build_sections


def _check_city(city: str | None, source: str, gazetteer: Gazetteer, where: str) -> str | None:
    if city is None:
        return None
    place = gazetteer.lookup(city)
    if place is None:
        raise ContentError(source, f"{where}: unknown city {city!r}")
    return place.short


def _corrected_officials(
    officials: tuple[Official, ...],
    corrections: Corrections,
    source: str,
    variant: str,
    gazetteer: Gazetteer,
) -> tuple[Official, ...]:
    by_name = {o.name: o for o in officials}
    order = [o.name for o in officials]
    for fix in corrections.officials:
        city = _check_city(fix.city, source, gazetteer, f"corrections.officials {fix.name}")
        previous = by_name.get(fix.name)
        by_name[fix.name] = Official(
            name=fix.name,
            city=city,
            titles=fix.titles or (previous.titles if previous else ()),
            reviewed=True,
            name_hant=previous.name_hant if previous else traditional_name(fix.name, variant),
        )
        if fix.name not in order:
            order.append(fix.name)
    return tuple(by_name[name] for name in order)


def _corrected_runs(
    runs: list[Attribution],
    paragraphs: int,
    corrections: Corrections,
    source: str,
    gazetteer: Gazetteer,
) -> list[Attribution]:
    moved = {}
    for index, city in corrections.paragraph_cities:
        if not 0 <= index < paragraphs:
            raise ContentError(
                source, f"corrections.paragraphs: no paragraph {index} (the brief has {paragraphs})"
            )
        moved[index] = _check_city(city, source, gazetteer, f"corrections.paragraphs.{index}")
    if not moved:
        return runs
    out: list[Attribution] = []
    for run in runs:
        if run.paragraph in moved:
            city = moved[run.paragraph]
            speaker = run.speaker if run.city == city else None
            merged = out[-1] if out and out[-1].paragraph == run.paragraph else None
            # Two speakers of the city keep their runs apart, as attribution left them.
            if merged is not None and None not in (merged.speaker, speaker):
                merged = merged if merged.speaker == speaker else None
            if merged is not None:
                out[-1] = replace(merged, end=run.end, speaker=merged.speaker or speaker)
            else:
                out.append(replace(run, city=city, speaker=speaker, reviewed=True))
        else:
            out.append(run)
    return out


def _reviewed_commitments(
    commitments: tuple[Commitment, ...],
    corrections: Corrections,
    paragraphs: int,
    source: str,
    gazetteer: Gazetteer,
) -> tuple[Commitment, ...]:
    result = list(commitments)
    for review in corrections.commitments:
        if not 0 <= review.paragraph < paragraphs:
            raise ContentError(
                source,
                f"corrections.commitments: no paragraph {review.paragraph} "
                f"(the brief has {paragraphs})",
            )
        city = _check_city(review.city, source, gazetteer, "corrections.commitments")
        matches = [
            i
            for i, c in enumerate(result)
            if c.paragraph == review.paragraph and review.match in c.text
        ]
        if not matches:
            raise ContentError(
                source,
                f"corrections.commitments: nothing in paragraph {review.paragraph} "
                f"matches {review.match!r}",
            )
        for i in matches:
            c = result[i]
            result[i] = replace(
                c,
                status=review.status,
                evidence=review.evidence,
                city=city or c.city,
                reviewed=True,
                kind="dropped" if review.drop else c.kind,
            )
    return tuple(c for c in result if c.kind != "dropped")


def _top_chrome(article: NormalizedArticle) -> list[str]:
    """The chrome lines removed from the top of the page, where its date stands."""
    return [
        e.before
        for e in article.edits
        if e.kind == "junk-line" and e.paragraph is None and e.offset <= PAGE_DATE_LINES
    ]


def build_brief(
    article: NormalizedArticle, variant: str = "s2tw", gazetteer: Gazetteer | None = None
) -> Brief:
    gazetteer = gazetteer or load_gazetteer()
    raw = article.raw
    corrections = raw.meta.corrections
    officials = extract_roster(article, variant, gazetteer)
    officials = _corrected_officials(officials, corrections, raw.source, variant, gazetteer)
    runs = attribute(article.paragraphs, officials, gazetteer)
    runs = _corrected_runs(runs, len(article.paragraphs), corrections, raw.source, gazetteer)
    sections = build_sections(runs)
    commitments = extract_commitments(article.paragraphs, runs, gazetteer)
    commitments = _reviewed_commitments(
        commitments, corrections, len(article.paragraphs), raw.source, gazetteer
    )
    lead = [article.title, *article.paragraphs[:2]]
    meeting, series, ordinal = detect_meeting(lead)
    if meeting is None:  # a feature may name the meeting further on (今年3月召开的…会议上)
        meeting, series, ordinal = detect_meeting(list(article.paragraphs[2:]))
    text_date, by_page = None, False
    if not raw.meta.date:
        text_date = detect_date(lead)
        published = page_date(_top_chrome(article))
        if text_date is None and published is not None:
            # The lead, or the paragraph after a heading (一、会议概况).
            days = (date_from_page(p, published) for p in article.paragraphs[:2])
            text_date = next((day for day in days if day is not None), None)
            by_page = text_date is not None
    warnings = list(article.warnings)
    if not any(s.city for s in sections):
        warnings.append("no city statements found: built as a meeting-only brief")
    if not officials:
        warnings.append("no officials recognised")
    return Brief(
        slug=raw.slug,
        article=article,
        officials=officials,
        sections=sections,
        commitments=commitments,
        warnings=tuple(warnings),
        meeting=raw.meta.meeting or meeting,
        series=raw.meta.series or series,
        ordinal=ordinal,
        text_date=text_date,
        dated_by_page=by_page,
    )
