"""Golden test: the site built from the shipped content, compared byte for byte.

Regenerate only on purpose, after reading the diff of what changed:

    .venv/bin/python -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
# The search index is Pagefind's binary output, versioned with Pagefind, not with us;
# the marker names the build by a digest that includes the tool's own code.
SKIP_DIRS = {"pagefind", ".policybriefs-site"}


def _files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and not SKIP_DIRS & set(p.relative_to(root).parts)
    }


def test_site_matches_golden(seed_site: Path, request: pytest.FixtureRequest) -> None:
    built = _files(seed_site)
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, path in built.items():
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        pytest.skip(f"golden files rewritten: {len(built)} files in {GOLDEN}")
    assert GOLDEN.is_dir(), "no golden files: run pytest tests/test_golden.py --update-golden"
    golden = _files(GOLDEN)
    assert sorted(built) == sorted(golden), "the set of files changed"
    changed = [rel for rel in built if built[rel].read_bytes() != golden[rel].read_bytes()]
    assert not changed, f"{len(changed)} file(s) differ from golden, first: {changed[:5]}"
