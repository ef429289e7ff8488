"""Print accuracy over the test fixtures: normalizer CER, roster, attribution, commitment recall.

python scripts/evaluate.py            # a Markdown table, as in the README
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policybriefs.evaluation import FixtureScore, fixture_triples, score  # noqa: E402


def main() -> int:
    fixtures = ROOT / "tests" / "fixtures"
    triples = [
        (
            ROOT / "content" / "2021-minxinan-joint-meeting-3.txt",
            fixtures / "seed.clean.txt",
            fixtures / "seed.expected.json",
        ),
        *fixture_triples(fixtures / "articles"),
    ]
    scores = [score(*t) for t in triples]
    print(
        "| fixture | CER | officials (name+city) | paragraphs attributed "
        "| commitments recalled | kind right | extracted |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in scores:
        print(_row(s.name, s))
    total = FixtureScore(
        "all",
        *(sum(getattr(s, f) for s in scores) for f in list(FixtureScore.__dataclass_fields__)[1:]),
    )
    print(_row("**all**", total))
    return 0


def _row(name: str, s: FixtureScore) -> str:
    return (
        f"| {name} | {s.cer:.2%} | {s.officials_correct}/{s.officials_expected}"
        f" (found {s.officials_found}) | {s.paragraphs_correct}/{s.paragraphs} | "
        f"{s.commitments_recalled}/{s.commitments_expected} | {s.commitments_kind_correct}/"
        f"{s.commitments_recalled} | {s.commitments_found} |"
    )


if __name__ == "__main__":
    sys.exit(main())
