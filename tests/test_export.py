"""The site-wide data files: a rebuild copies unchanged briefs' rows of
commitments.csv from the live site instead of making them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REBUILD_ARTICLES, ROOT, copy_articles, copy_rebuild_corpus
from policybriefs import export as export_module
from policybriefs.cache import article_key, site_data_path
from policybriefs.export import COMMITMENTS_CSV, brief_exports, recorded_exports
from policybriefs.models import Brief
from policybriefs.patch import LastBuild
from policybriefs.pipeline import build
from policybriefs.write import MARKER

SLUGS = ["seed", *REBUILD_ARTICLES]


def _edit(content_dir: Path, name: str) -> None:
    """A sentence more in a speaker's paragraph: the brief's rows stay as they were."""
    path = content_dir / f"{name}.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += "会议还通报了合作事项的进展情况。"
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def rows_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the briefs whose rows of commitments.csv were made."""
    made: list[str] = []
    real = export_module.commitment_rows

    def recording(brief: Brief) -> bytes:
        made.append(brief.slug)
        return real(brief)

    monkeypatch.setattr(export_module, "commitment_rows", recording)
    return made


def _data_files(site: Path) -> tuple[bytes, bytes]:
    return (site / "data" / "index.json").read_bytes(), (site / COMMITMENTS_CSV).read_bytes()


def _built_then_edited(content_dir: Path, tmp_path: Path) -> Path:
    """The site of a build with a cache, one article edited since; returns the site."""
    copy_rebuild_corpus(content_dir)
    out = tmp_path / "site"
    build(content_dir, out, ROOT / "templates", cache_dir=tmp_path / "cache", jobs=1)
    _edit(content_dir, "chengyu-2022")
    return out


def test_a_rebuild_makes_only_the_changed_briefs_rows(
    content_dir: Path, tmp_path: Path, rows_made: list[str]
) -> None:
    out = _built_then_edited(content_dir, tmp_path)
    rows_made.clear()
    build(content_dir, out, ROOT / "templates", cache_dir=tmp_path / "cache", jobs=1)
    assert rows_made == ["chengyu-2022"]
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    assert _data_files(out) == _data_files(tmp_path / "clean")


def test_rows_that_move_when_briefs_come_and_go_equal_a_clean_build(
    content_dir: Path, tmp_path: Path, rows_made: list[str]
) -> None:
    out = _built_then_edited(content_dir, tmp_path)
    for suffix in (".txt", ".toml"):
        (content_dir / f"mindongbei-2022{suffix}").unlink()
    copy_articles(content_dir, ["dawanqu-2021", "jingjinji-2022"])
    rows_made.clear()
    build(content_dir, out, ROOT / "templates", cache_dir=tmp_path / "cache", jobs=1)
    assert sorted(rows_made) == ["chengyu-2022", "dawanqu-2021", "jingjinji-2022"]
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    assert _data_files(out) == _data_files(tmp_path / "clean")


def test_each_site_keeps_one_record_and_another_folder_its_own(
    content_dir: Path, tmp_path: Path
) -> None:
    out = _built_then_edited(content_dir, tmp_path)
    cache = tmp_path / "cache"
    build(content_dir, tmp_path / "other", ROOT / "templates", cache_dir=cache, jobs=1)
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=1)
    assert len(list((cache / "manifests").glob("*.exports"))) == 2
    keys = {p.stem: article_key(p, content_dir, "s2tw") for p in content_dir.glob("*.txt")}
    assert sorted(recorded_exports(cache, out, keys)) == sorted(SLUGS)
    assert sorted(recorded_exports(cache, tmp_path / "other", keys)) == sorted(SLUGS)


@pytest.mark.parametrize("damage", ["longer", "rewritten", "gone"])
def test_a_live_csv_that_is_not_as_it_was_written_is_not_copied_from(
    content_dir: Path, tmp_path: Path, rows_made: list[str], damage: str
) -> None:
    out = _built_then_edited(content_dir, tmp_path)
    live = out / COMMITMENTS_CSV
    if damage == "longer":
        with live.open("ab") as handle:
            handle.write(b"x\n")
    elif damage == "rewritten":  # the same size: a hand edit of one character
        data = bytearray(live.read_bytes())
        data[-2:-1] = b"X"
        live.write_bytes(bytes(data))
    else:
        live.unlink()
    rows_made.clear()
    build(content_dir, out, ROOT / "templates", cache_dir=tmp_path / "cache", jobs=1)
    assert sorted(rows_made) == sorted(SLUGS)
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    assert _data_files(out) == _data_files(tmp_path / "clean")


def test_the_record_of_another_site_or_a_damaged_one_gives_nothing(
    content_dir: Path, tmp_path: Path
) -> None:
    copy_rebuild_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=1)
    keys = {p.stem: article_key(p, content_dir, "s2tw") for p in content_dir.glob("*.txt")}
    assert sorted(recorded_exports(cache, out, keys)) == sorted(SLUGS)
    # A brief made from another article (another key) has none.
    assert sorted(recorded_exports(cache, out, {**keys, "seed": "0" * 64})) == sorted(SLUGS[1:])
    (record,) = (cache / "manifests").glob("*.exports")
    kept = record.read_bytes()
    record.write_bytes(b"not a record")
    assert recorded_exports(cache, out, keys) == {}
    # Another site in the folder than the one the record names: not read.
    record.write_bytes(kept)
    assert recorded_exports(cache, out, keys)
    (out / MARKER).write_text("another\n", encoding="utf-8")
    assert site_data_path(cache, out, "exports") is None
    assert recorded_exports(cache, out, keys) == {}


def test_serve_starting_on_an_up_to_date_site_takes_the_recorded_parts(
    content_dir: Path, tmp_path: Path, rows_made: list[str]
) -> None:
    copy_rebuild_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=1)
    rows_made.clear()
    kept: list[LastBuild] = []
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=1, keep=kept.append)
    (last,) = kept
    assert rows_made == []
    assert list(last.exports) == [b.slug for b in last.catalog.briefs]
    assert last.exports == brief_exports(last.catalog.briefs)
