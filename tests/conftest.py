"""Shared fixtures: the seed built once per session, and the golden-file flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "content" / "2021-minxinan-joint-meeting-3.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/fixtures/golden from the current build instead of comparing",
    )


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content built into a temporary site folder."""
    from policybriefs.pipeline import build

    out = tmp_path_factory.mktemp("seed") / "site"
    report = build(ROOT / "content", out, ROOT / "templates")
    assert not report.errors, report.errors
    return out


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """An empty content folder to fill in a test."""
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def copy_seed(folder: Path, name: str = "seed.txt") -> Path:
    target = folder / name
    shutil.copy(SEED, target)
    return target
