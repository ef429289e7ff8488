"""Accuracy over hand-made fixtures: forty-seven articles and the seed, with floors to keep.

The same numbers are printed by ``python scripts/evaluate.py`` for the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, SEED
from policybriefs.evaluation import FixtureScore, fixture_triples, score

TRIPLES = [
    (SEED, FIXTURES / "seed.clean.txt", FIXTURES / "seed.expected.json"),
    *fixture_triples(FIXTURES / "articles"),
]


@pytest.fixture(scope="module")
def scores() -> dict[str, FixtureScore]:
    return {s.name: s for s in (score(*t) for t in TRIPLES)}


def test_there_are_enough_fixtures_from_other_regions() -> None:
    assert len(TRIPLES) >= 7


def test_seed_character_error_rate(scores: dict[str, FixtureScore]) -> None:
    assert scores[SEED.stem].cer <= 0.002


@pytest.mark.parametrize("triple", TRIPLES[1:], ids=lambda t: t[0].stem)
def test_other_regions_character_error_rate(
    triple: tuple[Path, Path, Path], scores: dict[str, FixtureScore]
) -> None:
    assert scores[triple[0].stem].cer <= 0.01


@pytest.mark.parametrize("triple", TRIPLES, ids=lambda t: t[0].stem)
def test_roster_and_attribution(
    triple: tuple[Path, Path, Path], scores: dict[str, FixtureScore]
) -> None:
    s = scores[triple[0].stem]
    assert s.officials_correct == s.officials_expected
    assert s.officials_found == s.officials_expected  # no reporters or mentioned leaders
    assert s.paragraphs_correct == s.paragraphs


def test_commitment_recall_and_kinds(scores: dict[str, FixtureScore]) -> None:
    expected = sum(s.commitments_expected for s in scores.values())
    recalled = sum(s.commitments_recalled for s in scores.values())
    kinds = sum(s.commitments_kind_correct for s in scores.values())
    assert recalled / expected >= 0.95
    assert kinds / recalled >= 0.9
