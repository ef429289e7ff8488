"""What pages that list a brief show of it, as digests: a page is made again
only when what it shows of its briefs changed.

A brief card (home pages, series) shows a brief's head, cities, the start of
its lead and its counts; a city's timeline shows the head and the city's own
promises; a project's page the head and the promises that name the project.
The templates read nothing else of a listed brief.
"""

from __future__ import annotations

from .cache import digest
from .models import Brief, Commitment, ListingKeys


def listing_keys(brief: Brief) -> ListingKeys:
    """What a brief card (home, series), a city page, a project page or a feed shows
    of ``brief``; the templates read nothing else of it."""
    head = digest(brief.slug, brief.article.title, brief.date, brief.meeting)
    first = brief.article.paragraphs[0][:91] if brief.article.paragraphs else ""
    card = digest(head, brief.cities, first, len(brief.officials), len(brief.commitments))
    by_city: dict[str, list[Commitment]] = {}
    by_project: dict[str, list[Commitment]] = {}
    for c in brief.commitments:
        if c.city:
            by_city.setdefault(c.city, []).append(c)
        for e in c.entities:
            if e.kind == "project":  # as the catalog lists a project's mentions
                by_project.setdefault(e.text, []).append(c)
    return ListingKeys(
        head,
        card,
        tuple((name, digest(head, shown)) for name, shown in sorted(by_city.items())),
        tuple((name, digest(head, shown)) for name, shown in sorted(by_project.items())),
    )


def listing_of(brief: Brief) -> ListingKeys:
    """``brief``'s listing keys: those the light brief carries, or made now."""
    return brief.listing or listing_keys(brief)
