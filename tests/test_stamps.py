"""Which source files changed since serve last built: stamps of size, times and
inode, and of the bytes of a file changed in the last seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybriefs import stamps
from policybriefs.stamps import file_stamp, refresh, snapshot


def test_a_refreshed_snapshot_names_files_added_changed_and_removed(tmp_path: Path) -> None:
    kept, edited, gone = (tmp_path / name for name in ("甲.txt", "乙.txt", "丙.txt"))
    (tmp_path / "pages").mkdir()
    (tmp_path / ".git").mkdir()
    nested = tmp_path / "pages" / "about.md"
    for path in (kept, edited, gone, nested, tmp_path / ".git" / "index", tmp_path / ".x.swp"):
        path.write_text("厦门市将推进山海协作。", encoding="utf-8")
    seen = snapshot([tmp_path], dotted=[tmp_path])
    assert sorted(seen) == sorted(str(p) for p in (kept, edited, gone, nested))
    assert refresh(seen, [tmp_path], [tmp_path]) == []
    edited.write_text("漳州市将推进山海协作。", encoding="utf-8")  # same size, new bytes
    gone.unlink()
    added = tmp_path / "丁.txt"
    added.write_text("龙岩市", encoding="utf-8")
    (tmp_path / ".x.swp").write_text("an editor's", encoding="utf-8")
    assert refresh(seen, [tmp_path], [tmp_path]) == sorted([edited, gone, added])
    assert seen == snapshot([tmp_path], [tmp_path])
    assert refresh(seen, [tmp_path], [tmp_path]) == []
    # Where the build reads dot-names (templates/static/.well-known), so do snapshots.
    assert str(tmp_path / ".x.swp") in snapshot([tmp_path])


def test_a_same_size_write_in_the_same_clock_tick_is_seen_by_its_bytes(tmp_path: Path) -> None:
    """On a kernel whose time stamps are a clock tick apart (or FAT's 2 s), a write
    right after the snapshot can leave size and times as they were: a file written
    in the last seconds is kept by its bytes too."""
    article = tmp_path / "甲.txt"
    article.write_text("厦门市将推进山海协作。", encoding="utf-8")
    key = str(article)
    seen = snapshot([tmp_path])
    racy = seen[key]
    assert len(racy) == 32 + 32, "a file written this second is kept by its digest too"
    never = 1 << 62  # no file's times are after this: its stamp without the digest
    old = file_stamp(key, racy_after=never)
    assert old is not None and len(old) == 32, "an older one by its times alone"

    def as_a_coarse_clock_leaves_it() -> dict[str, bytes]:
        # The file's times as they are now, with the digest the snapshot took.
        stamp = file_stamp(key, racy_after=never)
        assert stamp is not None
        return {key: stamp + racy[32:]}

    article.write_text("漳州市将推进山海协作。", encoding="utf-8")  # same size
    assert refresh(as_a_coarse_clock_leaves_it(), [tmp_path]) == [article]
    article.write_text("厦门市将推进山海协作。", encoding="utf-8")  # as it was
    assert refresh(as_a_coarse_clock_leaves_it(), [tmp_path]) == []


def test_a_file_recent_at_the_last_snapshot_is_compared_by_its_bytes_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seconds later the file is no longer recent: its stamp has no digest, and the
    one the last snapshot took is compared with its bytes as they are."""
    article = tmp_path / "甲.txt"
    article.write_text("厦门市将推进山海协作。", encoding="utf-8")
    seen = snapshot([tmp_path])
    kept = seen[str(article)]
    monkeypatch.setattr(stamps, "_RACY_NS", 0)  # from now on nothing is recent
    assert refresh(seen, [tmp_path]) == []
    assert len(seen[str(article)]) == 32  # kept by its times alone from now on
    article.write_text("漳州市将推进山海协作。", encoding="utf-8")
    stamp = file_stamp(str(article), racy_after=1 << 62)
    assert stamp is not None
    assert refresh({str(article): stamp + kept[32:]}, [tmp_path]) == [article]


def test_linked_folders_are_followed_below_the_templates_but_not_the_content(
    tmp_path: Path,
) -> None:
    """A build reads templates through a linked folder (a shared partials/), but
    content discovery does not follow links: a snapshot does as each does."""
    shared = tmp_path / "shared"
    shared.mkdir()
    footer = shared / "footer.html"
    footer.write_text("<footer>共用</footer>", encoding="utf-8")
    templates, content = tmp_path / "templates", tmp_path / "content"
    templates.mkdir()
    content.mkdir()
    (templates / "partials").symlink_to(shared, target_is_directory=True)
    (shared / "up").symlink_to(templates, target_is_directory=True)  # a loop, left out
    (content / "more").symlink_to(shared, target_is_directory=True)
    seen = snapshot([content, templates], dotted=[content])
    assert sorted(seen) == [str(templates / "partials" / "footer.html")]
    footer.write_text("<footer>改过的页脚</footer>", encoding="utf-8")
    assert refresh(seen, [content, templates], [content]) == [
        templates / "partials" / "footer.html"
    ]
