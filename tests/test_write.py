"""The site writer: claims, atomic swaps, and the spare kept for the next build."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from conftest import site_files
from policybriefs import write
from policybriefs.write import (
    MARKER,
    DuplicateOutputError,
    SiteWriter,
    case_folded,
    fold_case,
    manifest_chunks,
    read_manifest_bytes,
    read_marker,
    site_id,
    spare_path,
)


def _build(
    out: Path,
    files: dict[str, tuple[str, bytes]],
    previous: dict[str, str],
    spare: dict[str, str],
) -> tuple[dict[str, str], list[str]]:
    """One build of ``files`` (path → (key, content)); returns its manifest and what it wrote."""
    written: list[str] = []
    with SiteWriter(out, previous=previous, spare=spare, recorded=True) as writer:
        for path, (key, content) in files.items():
            writer.claim(path, key)
            if not writer.place(path):
                writer.write(path, content)
                written.append(path)
        writer.commit()
    return dict(writer.manifest), written


def test_claims_refuse_unsafe_and_duplicate_paths(tmp_path: Path) -> None:
    with SiteWriter(tmp_path / "site") as writer:
        for unsafe in ("../x.html", "/etc/passwd", "a\\b.html", ""):
            with pytest.raises(ValueError, match="unsafe"):
                writer.claim(unsafe)
        writer.claim("Cities/index.html")
        with pytest.raises(DuplicateOutputError):
            writer.claim("cities/INDEX.html")


@pytest.mark.parametrize(
    "sequence",
    [
        # (key, content) per path, one dict per build
        [
            {"a/index.html": ("1", b"a1"), "b/index.html": ("1", b"b1")},
            {"a/index.html": ("2", b"a2"), "b/index.html": ("1", b"b1")},
            {"a/index.html": ("2", b"a2"), "b/index.html": ("2", b"b2")},
            {"a/index.html": ("3", b"a3"), "c/d/index.html": ("1", b"c1")},
        ],
        [
            {"x.html": ("1", b"x1"), "gone/deep/page.html": ("1", b"g")},
            {"x.html": ("1", b"x1")},
            {"x.html": ("2", b"x2"), "gone/deep/page.html": ("1", b"g")},
            {"x.html": ("", b"unkeyed"), "new/index.html": ("1", b"n")},
        ],
    ],
)
def test_every_build_through_the_spare_equals_its_files(
    tmp_path: Path, sequence: list[dict[str, tuple[str, bytes]]]
) -> None:
    out = tmp_path / "site"
    previous: dict[str, str] = {}
    spare: dict[str, str] = {}
    for files in sequence:
        manifest, _ = _build(out, files, previous, spare)
        assert site_files(out) == {path: content for path, (_, content) in files.items()}
        assert read_marker(out) == site_id(manifest)
        previous, spare = manifest, previous
    # Folders emptied by a removed page go too.
    assert (out / "gone").exists() == any(path.startswith("gone/") for path in sequence[-1])


def test_a_file_kept_by_key_is_not_written_and_live_files_are_never_changed(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    first = {"same/index.html": ("1", b"same"), "page/index.html": ("1", b"v1")}
    m1, _ = _build(out, first, {}, {})
    # Nothing of the first site changes: the second links every file of it.
    second = {**first, "other/index.html": ("1", b"other")}
    m2, written = _build(out, second, m1, {})
    assert written == ["other/index.html"]
    assert spare_path(out).is_dir()  # the first site, kept for the next build
    shared = (out / "page/index.html").stat().st_ino
    assert (spare_path(out) / "page/index.html").stat().st_ino == shared
    live_same = (out / "same/index.html").stat().st_ino
    # Third build: the spare (first site) is brought up to date in place; its
    # page/index.html is the very file the live site holds, so it must be unlinked
    # and written anew, never written into.
    third = {"same/index.html": ("1", b"same"), "page/index.html": ("3", b"v3")}
    _, written = _build(out, third, m2, m1)
    assert written == ["page/index.html"]
    assert (out / "same/index.html").stat().st_ino == live_same  # kept, untouched
    assert (out / "page/index.html").read_bytes() == b"v3"
    assert not (out / "other").exists()
    # The site retired by that swap (the second) is the new spare, and still whole.
    assert (spare_path(out) / "page/index.html").read_bytes() == b"v1"
    assert (spare_path(out) / "other/index.html").read_bytes() == b"other"


Files = dict[str, tuple[str, bytes]]


def _unlinks_in_third_build(
    monkeypatch: pytest.MonkeyPatch, out: Path, first: Files, second: Files, third: Files
) -> int:
    """Build ``first``, then ``second``, then ``third`` with site 1 as its spare: how
    many pages that last build deletes in this process (a spare dropped whole is
    deleted by a forked one). Its site must be ``third``."""
    m1, _ = _build(out, first, {}, {})
    m2, _ = _build(out, second, m1, {})
    unlinked: list[str] = []
    unlink = os.unlink

    def counting(path: str, *args: object, **kwargs: object) -> None:
        unlinked.append(str(path))
        unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(os, "unlink", counting)
        _build(out, third, m2, m1)
    assert site_files(out) == {path: content for path, (_, content) in third.items()}
    return sum(1 for path in unlinked if path.endswith(".html"))


def test_a_spare_a_whole_build_made_stale_is_dropped_not_relinked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    n = write.STALE_IN_PLACE + 200
    old = {f"p/{i}.html": ("1", b"old") for i in range(n)}
    new = {f"p/{i}.html": ("2", b"new") for i in range(n)}
    # Every page of site 2 changed, so its spare (site 1) is all stale. The next
    # build changes one page: the other pages are linked from the live site into a
    # new folder, not into the spare after unlinking its copy.
    changed = {**new, "p/0.html": ("3", b"changed")}
    assert _unlinks_in_third_build(monkeypatch, out, old, new, changed) == 0
    retired = spare_path(out)  # site 2: the live pages are its very files
    assert (retired / "p/1.html").read_bytes() == b"new"
    assert all(
        (out / p).stat().st_ino == (retired / p).stat().st_ino for p in new if p != "p/0.html"
    )


def test_a_spare_holding_many_pages_the_site_lost_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = {f"p/{i}.html": ("1", b"kept") for i in range(100)}
    lost = {f"q/{i}.html": ("1", b"lost") for i in range(write.STALE_IN_PLACE)}
    # Site 2 lost the q/ pages; its spare (site 1) still has them. Deleting them one
    # by one would cost more than linking the live site's 100.
    assert (
        _unlinks_in_third_build(monkeypatch, tmp_path / "site", {**kept, **lost}, kept, kept) == 0
    )


def test_a_small_spare_is_brought_up_to_date_in_place_however_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = write.STALE_IN_PLACE // 4
    first = {f"p/{i}.html": ("1", b"v1") for i in range(n)}
    second = {f"p/{i}.html": ("2", b"v2") for i in range(n)}
    # Every file of the spare is stale, but too few to be worth a new folder.
    assert _unlinks_in_third_build(monkeypatch, tmp_path / "site", first, second, second) == n


def test_a_spare_with_a_few_stale_files_is_brought_up_to_date_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = write.STALE_IN_PLACE + 200
    first = {f"p/{i}.html": ("1", b"v1") for i in range(n)}
    second = {**first, "p/0.html": ("2", b"v2")}
    # The spare (site 1) differs from the live site in p/0.html only: that copy is
    # unlinked and the live one linked in; the other files stay as they are.
    third = {**second, "p/1.html": ("3", b"v3")}
    assert _unlinks_in_third_build(monkeypatch, tmp_path / "site", first, second, third) == 2


def test_a_spare_that_does_not_match_its_manifest_is_dropped(tmp_path: Path) -> None:
    out = tmp_path / "site"
    m1, _ = _build(out, {"p.html": ("1", b"one"), "q.html": ("1", b"q")}, {}, {})
    m2, _ = _build(out, {"p.html": ("2", b"two"), "q.html": ("1", b"q")}, m1, {})
    (spare_path(out) / "p.html").write_bytes(b"tampered")
    (spare_path(out) / MARKER).write_text("another site", encoding="utf-8")
    _, written = _build(out, {"p.html": ("1", b"one"), "q.html": ("1", b"q")}, m2, m1)
    assert sorted(written) == ["p.html"]  # rendered again, not taken from the spare
    assert site_files(out) == {"p.html": b"one", "q.html": b"q"}


def test_what_the_spare_holds_beyond_its_manifest_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    m1, _ = _build(out, {"p.html": ("1", b"one")}, {}, {})
    m2, _ = _build(out, {"p.html": ("2", b"two")}, m1, {})
    (spare_path(out) / "pagefind").mkdir()
    (spare_path(out) / "pagefind" / "index.js").write_bytes(b"old index")
    _build(out, {"p.html": ("3", b"three")}, m2, m1)
    assert site_files(out) == {"p.html": b"three"}


def test_leftovers_of_killed_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(out, {"p.html": ("1", b"one")}, {}, {})
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    abandoned = tmp_path / f".site.new-{dead}"
    (abandoned / "briefs").mkdir(parents=True)
    mine = tmp_path / f".site.new-{os.getppid()}"  # a live process's: left alone
    mine.mkdir()
    _build(out, {"p.html": ("2", b"two")}, {}, {})
    for _ in range(100):  # deleted in the background
        if not any(p.name.startswith(f".site.new-{dead}") for p in tmp_path.iterdir()):
            break
        time.sleep(0.05)
    assert not any(p.name.startswith(f".site.new-{dead}") for p in tmp_path.iterdir())
    assert mine.is_dir()


def test_another_output_folders_leftovers_are_not_touched(tmp_path: Path) -> None:
    """site.v2's retired site (its only copy, after a build died between renames)
    is not a leftover of site's builds, though its name starts the same way."""
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    other = tmp_path / f".site.v2.old-{dead}"
    other.mkdir()
    (other / MARKER).write_text("site.v2's", encoding="utf-8")
    _build(tmp_path / "site", {"p.html": ("1", b"one")}, {}, {})
    _build(tmp_path / "site", {"p.html": ("2", b"two")}, {}, {})
    assert (other / MARKER).read_text(encoding="utf-8") == "site.v2's"


@pytest.mark.parametrize("name", ["a\tb.html", "a\nb.html", "a\rb.html", "a\\b.html", "a\0b"])
def test_names_that_would_break_the_manifest_are_refused(tmp_path: Path, name: str) -> None:
    with SiteWriter(tmp_path / "site") as writer, pytest.raises(ValueError, match="unsafe"):
        writer.claim(f"static/{name}")


def test_odd_but_safe_names_survive_the_manifest(tmp_path: Path) -> None:
    """U+2028 and form feeds are line breaks to str.splitlines, not to the manifest."""
    out = tmp_path / "site"
    files = {"static/odd\u2028name.txt": ("1", b"x"), "static/feed\x0cname.txt": ("1", b"y")}
    manifest, _ = _build(out, files, {}, {})
    assert read_manifest_bytes(b"".join(manifest_chunks(manifest))) == manifest


@pytest.mark.parametrize(
    ("path", "folded"),
    [
        ("briefs/a.html", "briefs/a.html"),
        ("cities/Xiamen.html", "cities/xiamen.html"),
        ("zh-Hant/官员/index.html", "zh-Hant/官员/index.html"),
        ("zh-hant/官员/index.html", "zh-Hant/官员/index.html"),
        ("ZH-HANT/Briefs/A.html", "zh-Hant/briefs/a.html"),
        ("zh-Hant", "zh-hant"),  # a file of that name, not the tree
        ("pages/zh-Hant/x.html", "pages/zh-hant/x.html"),
    ],
)
def test_paths_fold_to_lower_case_but_the_traditional_root(path: str, folded: str) -> None:
    assert fold_case(path) == folded


def test_case_folded_paths_are_the_paths_themselves_where_they_fold_to_themselves() -> None:
    # Made at run time: literals would be one interned string anyway.
    paths = ["".join(["briefs/", "a.html"]), "cities/Xiamen.html", "".join(["zh-Hant/", "b.html"])]
    folded = case_folded(paths)
    assert folded == {"briefs/a.html", "cities/xiamen.html", "zh-Hant/b.html"}
    assert {id(p) for p in folded} >= {id(paths[0]), id(paths[2])}  # no copies


def test_paths_that_differ_only_in_case_are_one_path_to_the_writer(tmp_path: Path) -> None:
    for first, second in [("zh-Hant/a.html", "ZH-hant/A.html"), ("a.html", "A.HTML")]:
        with SiteWriter(tmp_path / "site") as writer:
            writer.claim(first, "1")
            with pytest.raises(DuplicateOutputError):
                writer.claim(second, "2")


def test_two_manifests_read_together_share_their_equal_keys_without_interning_them() -> None:
    # Keys made at run time: a literal would be interned by the compiler.
    same, other, only = (f"{n:032x}" for n in (7, 8, 9))
    live = {"briefs/a.html": same, "briefs/b.html": other}
    spare = {"briefs/a.html": same, "briefs/b.html": only}
    keys: dict[str, str] = {}
    read_live = read_manifest_bytes(b"".join(manifest_chunks(live)), keys)
    read_spare = read_manifest_bytes(b"".join(manifest_chunks(spare)), keys)
    assert (read_live, read_spare) == (live, spare)
    assert read_live["briefs/a.html"] is read_spare["briefs/a.html"]
    # An interned key would be what interning an equal, separate string gives back.
    key = read_live["briefs/a.html"]
    assert sys.intern("".join(list(key))) is not key
    assert next(iter(read_live)) is sys.intern("briefs/a.html")  # paths are interned


@pytest.mark.parametrize("slice_size", [1, 7, 40, 1 << 18])
def test_the_manifest_reads_back_slice_by_slice(
    monkeypatch: pytest.MonkeyPatch, slice_size: int
) -> None:
    """Read in slices of lines: lines longer than a slice, and slices of many lines."""
    monkeypatch.setattr(write, "_MANIFEST_SLICE", slice_size)
    manifest = {
        "index.html": "a" * 32,
        "zh-Hant/cities/厦门\u2028市.html": "",
        f"officials/{'x' * 90}.html": "b" * 32,
        **{f"briefs/b{n}.html": f"{n:032x}" for n in range(50)},
    }
    data = b"".join(manifest_chunks(manifest))
    assert read_manifest_bytes(data) == manifest
    assert read_manifest_bytes(data + b"half/a/line") == manifest  # an entry needs its end
    assert read_manifest_bytes(b"") == {}
    with pytest.raises(ValueError):
        read_manifest_bytes(data + b"no-tab\n")


@pytest.mark.parametrize(
    "shapes",
    [
        # a file that becomes a folder, and back
        ["static/extra", "static/extra/x.css", "static/extra/x.css", "static/extra"],
        # a folder that becomes a file
        ["static/extra/x.css", "static/extra/x.css", "static/extra", "static/extra"],
    ],
)
def test_a_file_and_a_folder_may_trade_places(tmp_path: Path, shapes: list[str]) -> None:
    out = tmp_path / "site"
    previous: dict[str, str] = {}
    spare: dict[str, str] = {}
    for n, path in enumerate(shapes):
        files = {"index.html": ("1", b"home"), path: ("", f"build {n}".encode())}
        manifest, _ = _build(out, files, previous, spare)
        assert site_files(out) == {"index.html": b"home", path: f"build {n}".encode()}
        previous, spare = manifest, previous


@pytest.mark.parametrize("exchange", [True, False])
def test_swap_in_puts_the_new_folder_in_place_and_says_where_the_old_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:  # a system without renameat2
        monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    new, target, aside = tmp_path / "new", tmp_path / "target", tmp_path / "aside"
    for folder, text in ((new, "新"), (target, "旧")):
        folder.mkdir()
        (folder / "f.txt").write_text(text, encoding="utf-8")
    old = write.swap_in(new, target, aside)
    assert (target / "f.txt").read_text(encoding="utf-8") == "新"
    assert old is not None and (old / "f.txt").read_text(encoding="utf-8") == "旧"
    assert not new.exists() or old == new
    again = tmp_path / "again"
    again.mkdir()
    assert write.swap_in(again, tmp_path / "none", aside) is None
    assert (tmp_path / "none").is_dir() and not again.exists()


@pytest.mark.parametrize("kernel", [True, False])
def test_write_chunks_copies_ranges_of_an_earlier_file_between_its_own_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: bool
) -> None:
    if not kernel:  # a system without copy_file_range
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    monkeypatch.setattr(write, "_COPY_SLICE", 5)  # several copies a range
    earlier = tmp_path / "earlier.csv"
    earlier.write_bytes("甲,1\n乙,2\n丙,3\n".encode())
    writer = SiteWriter(tmp_path / "site")
    writer.claim("data/commitments.csv")
    with earlier.open("rb") as source:
        fd = source.fileno()
        size = earlier.stat().st_size
        middle = len("甲,1\n".encode())
        writer.write_chunks(
            "data/commitments.csv",
            [
                b"head\n",
                write.FileRange(fd, 0, middle, earlier),
                "新,9\n".encode(),
                write.FileRange(fd, middle, size, earlier),
                b"tail\n",
            ],
        )
        written = (writer.staging / "data/commitments.csv").read_bytes()
        assert written.decode() == "head\n甲,1\n新,9\n乙,2\n丙,3\ntail\n"
        # A range the earlier file no longer holds: the build stops, naming it.
        writer.claim("data/other.csv")
        with pytest.raises(RuntimeError, match=r"earlier\.csv changed"):
            writer.write_chunks("data/other.csv", [write.FileRange(fd, 0, size + 10, earlier)])
    writer.abort()
