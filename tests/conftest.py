"""Shared fixtures: the seed built once per session, and the golden-file flag."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
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


def copy_articles(folder: Path, names: Iterable[str]) -> Path:
    """Fixture articles (``tests/fixtures/articles/<name>.txt``) with their sidecars."""
    for name in names:
        for suffix in (".txt", ".toml"):
            shutil.copyfile(FIXTURES / "articles" / f"{name}{suffix}", folder / f"{name}{suffix}")
    return folder


# The seed (as seed.txt) and three fixture briefs of three regions: the corpus of the
# rebuild tests (test_incremental, test_export).
REBUILD_ARTICLES = ("minxinan-2022-meeting-4", "mindongbei-2022", "chengyu-2022")


def copy_rebuild_corpus(folder: Path) -> Path:
    """The seed and ``REBUILD_ARTICLES`` with their sidecars."""
    copy_seed(folder, "seed.txt")
    return copy_articles(folder, REBUILD_ARTICLES)


# The seed and seven fixture briefs of five regions: the corpus that patches are
# compared with whole builds on (test_patch, test_catalog_patch).
PATCH_ARTICLES = (
    "changzhutan-2023",
    "jingjinji-2022",
    "minxinan-2020-meeting-2",
    "minxinan-2022-meeting-4",
    "chengyu-2022",
    "dawanqu-2021",
    "ganzhou-jian-fuzhou-2022",
)


def copy_patch_corpus(folder: Path) -> Path:
    """The seed and ``PATCH_ARTICLES`` with their sidecars."""
    copy_seed(folder)
    return copy_articles(folder, PATCH_ARTICLES)


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by path, but the marker naming each build."""
    from policybriefs.write import MARKER

    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def assert_same_site(site: Path, clean: Path, where: str = "") -> None:
    """Byte for byte the files of ``clean``, apart from the marker naming each build."""
    built, expected = site_files(site), site_files(clean)
    assert sorted(built.keys() - expected.keys()) == [], where
    assert sorted(expected.keys() - built.keys()) == [], where
    assert [k for k in built if built[k] != expected[k]] == [], where
