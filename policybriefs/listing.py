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

# What partials/commitment.html shows of a commitment on a list page (``specificity``
# is made from the entities). Not its paragraph or sentence: a sentence inserted
# before a promise leaves the lists that show it alone. A test holds the partial to
# these fields.
SHOWN_COMMITMENT_FIELDS = (
    "city",
    "speaker",
    "text",
    "kind",
    "partners",
    "entities",
    "status",
    "evidence",
    "reviewed",
)


def _shown(commitments: list[Commitment]) -> list[tuple[object, ...]]:
    return [tuple(getattr(c, name) for name in SHOWN_COMMITMENT_FIELDS) for c in commitments]


def _key(*parts: object) -> bytes:
    """``cache.digest`` of ``parts``, its first DIGEST_SIZE bytes."""
    return bytes.fromhex(digest(*parts))[: ListingKeys.DIGEST_SIZE]


def listing_keys(brief: Brief) -> ListingKeys:
    """What a brief card (home, series), a city's page and feed, or a project's page
    shows of ``brief``; the templates read nothing else of it. (The site feed's
    entries are keyed in feeds.py, by the head and the summary they show.)"""
    head = _key(brief.slug, brief.article.title, brief.date, brief.meeting)
    first = brief.article.paragraphs[0][:91] if brief.article.paragraphs else ""
    card = _key(head, brief.cities, first, len(brief.officials), len(brief.commitments))
    by_city: dict[str, list[Commitment]] = {}
    by_project: dict[str, list[Commitment]] = {}
    for c in brief.commitments:
        if c.city:
            by_city.setdefault(c.city, []).append(c)
        for e in c.entities:
            if e.kind == "project":  # as the catalog lists a project's mentions
                by_project.setdefault(e.text, []).append(c)
    cities, projects = sorted(by_city.items()), sorted(by_project.items())
    listed = [*cities, *projects]
    return ListingKeys(
        tuple(name for name, _ in listed),
        len(cities),
        b"".join([head, card, *(_key(head, _shown(shown)) for _, shown in listed)]),
    )


def listing_of(brief: Brief) -> ListingKeys:
    """``brief``'s listing keys: those the light brief carries, or made now."""
    return brief.listing or listing_keys(brief)
