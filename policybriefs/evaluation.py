"""Accuracy against hand-made references: character error rate, roster, attribution, recall.

Used by ``scripts/evaluate.py`` (the numbers in the README) and by the
fixture tests (the thresholds they must keep).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .brief import build_brief
from .load import load_article
from .models import Brief
from .normalize.article import normalize_article


def edit_distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))


@dataclass(frozen=True)
class FixtureScore:
    name: str
    characters: int
    char_errors: int
    officials_expected: int
    officials_found: int
    officials_correct: int  # name and city both right
    paragraphs: int
    paragraphs_correct: int
    commitments_expected: int
    commitments_recalled: int
    commitments_kind_correct: int
    commitments_found: int

    @property
    def cer(self) -> float:
        return self.char_errors / max(1, self.characters)


def _paragraph_cities(brief: Brief) -> dict[int, str | None]:
    """The city each paragraph opens with (a split paragraph counts for its first speaker)."""
    cities: dict[int, str | None] = {}
    for section in brief.sections:
        for part in section.parts:
            if part.start == 0 or part.paragraph not in cities:
                if part.start == 0:
                    cities[part.paragraph] = part.city
                else:
                    cities.setdefault(part.paragraph, part.city)
    return cities


def score(damaged: Path, clean: Path, expected_path: Path) -> FixtureScore:
    raw = load_article(damaged, damaged.parent)
    brief = build_brief(normalize_article(raw))
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    reference = "\n".join(line for line in clean.read_text(encoding="utf-8").splitlines() if line)
    produced = "\n".join([brief.article.title, *brief.article.paragraphs])

    want = {(o["name"], o["city"]) for o in expected["officials"]}
    got = {(o.name, o.city) for o in brief.officials}

    cities = _paragraph_cities(brief)
    truth: dict[int, str | None] = {}
    for section in expected["sections"]:
        for index in section["paragraphs"]:
            truth[index] = section["city"]
    correct_paragraphs = sum(1 for i, city in truth.items() if cities.get(i, "?") == city)

    recalled = kind_ok = 0
    for item in expected["commitments"]:
        hits = [
            c for c in brief.commitments if c.city == item["city"] and item["contains"] in c.text
        ]
        if hits:
            recalled += 1
            kind_ok += any(c.kind == item["kind"] for c in hits)
    return FixtureScore(
        name=damaged.name.removesuffix(".txt"),
        characters=len(reference),
        char_errors=edit_distance(produced, reference),
        officials_expected=len(want),
        officials_found=len(got),
        officials_correct=len(want & got),
        paragraphs=len(truth),
        paragraphs_correct=correct_paragraphs,
        commitments_expected=len(expected["commitments"]),
        commitments_recalled=recalled,
        commitments_kind_correct=kind_ok,
        commitments_found=sum(1 for c in brief.commitments if c.city),
    )


def fixture_triples(folder: Path) -> list[tuple[Path, Path, Path]]:
    triples = []
    for expected in sorted(folder.glob("*.expected.json")):
        stem = expected.name.removesuffix(".expected.json")
        triples.append((folder / f"{stem}.txt", folder / f"{stem}.clean.txt", expected))
    return triples
