"""Caching, reuse of unchanged pages, parallel workers and interrupted builds."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_rebuild_corpus, copy_seed
from policybriefs import cache as cache_module
from policybriefs import pipeline as pipeline_module
from policybriefs import write as write_module
from policybriefs.cache import BriefCache, article_key
from policybriefs.pipeline import build
from policybriefs.write import MARKER

ARTICLES = FIXTURES / "articles"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _snapshot(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _assert_same_site(site: Path, clean: Path, where: str = "") -> None:
    """Byte for byte the files of a clean build, apart from the marker naming each build."""
    built, expected = _snapshot(site), _snapshot(clean)
    assert built.pop(MARKER) and expected.pop(MARKER)
    assert built.keys() == expected.keys(), where
    assert [k for k in built if built[k] != expected[k]] == [], where


def _inode(site: Path, rel: str) -> int:
    return (site / rel).stat().st_ino


def test_rebuild_reuses_unchanged_pages_and_redoes_changed_ones(
    content_dir: Path, tmp_path: Path
) -> None:
    copy_rebuild_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=2)
    untouched = "briefs/mindongbei-2022.html"
    changed = "briefs/seed.html"
    before = _inode(out, untouched), (out / changed).read_bytes()
    # Indexes are keyed by what their rows show: a sentence more in one brief leaves
    # the list of officials (names, latest titles, counts) as it was.
    officials_index = _inode(out, "zh-Hant/officials/index.html")

    seed = content_dir / "seed.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("龍巖新機場", "龍巖新機場二期"), encoding="utf-8"
    )
    lines: list[str] = []
    build(content_dir, out, ROOT / "templates", lines.append, cache_dir=cache, jobs=2)
    assert _inode(out, untouched) == before[0]  # linked from the last build, not rewritten
    assert _inode(out, "zh-Hant/officials/index.html") == officials_index
    assert (out / changed).read_bytes() != before[1]
    assert "龙岩新机场二期" in (out / changed).read_text(encoding="utf-8")
    data = json.loads((out / "data" / "seed.json").read_text(encoding="utf-8"))
    assert any("龙岩新机场二期" in p for p in data["paragraphs"])
    rendered = next(line for line in lines if line.startswith("write:"))
    assert "reused" in rendered


@pytest.mark.parametrize(
    ("name", "needs_entry"),
    [
        ("楊立山", False),  # OpenCC writes 杨, 立 and 山 one way in any text
        ("楊立松", True),  # 松 is also 鬆 (放松): the converter is told the name
    ],
)
def test_a_new_official_changes_every_traditional_page_only_if_the_name_needs_an_entry(
    name: str, needs_entry: bool, content_dir: Path, tmp_path: Path
) -> None:
    copy_rebuild_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=1)
    untouched = ["briefs/chengyu-2022.html", "repairs/chengyu-2022.html"]
    before = {page: _inode(out, "zh-Hant/" + page) for page in untouched}
    article = content_dir / "mindongbei-2022.txt"
    text = article.read_text(encoding="utf-8")
    assert "楊立川" in text
    article.write_text(text.replace("楊立川", name), encoding="utf-8")
    build(content_dir, out, ROOT / "templates", cache_dir=cache, jobs=1)
    hant = (out / "zh-Hant" / "briefs" / "mindongbei-2022.html").read_text(encoding="utf-8")
    assert name in hant
    after = {page: _inode(out, "zh-Hant/" + page) for page in untouched}
    assert (after != before) is needs_entry
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    _assert_same_site(out, tmp_path / "clean")


def _edit_template(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


UNKEYED_PAGES = ("404.html", "search/index.html")  # drawn on every build


def _pages_by_inode(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html") if p.is_file()
    }


def test_a_template_change_redraws_only_the_pages_drawn_with_it(
    content_dir: Path, tmp_path: Path
) -> None:
    """Pages are keyed by the templates they are drawn with (their own, and what it
    extends, includes or imports): brief.html changed, the briefs' pages are drawn
    again and every other page is linked from the last site; a partial changed, the
    pages including it; base.html changed, every page. Each time the site equals a
    clean build of the same templates, byte for byte."""
    copy_rebuild_corpus(content_dir)
    out, cache, templates = tmp_path / "site", tmp_path / "cache", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    build(content_dir, out, templates, cache_dir=cache, jobs=2)

    def redrawn_after(template: str, old: str, new: str) -> set[str]:
        before = _pages_by_inode(out)
        _edit_template(templates / template, old, new)
        build(content_dir, out, templates, cache_dir=cache, jobs=2)
        after = _pages_by_inode(out)
        assert after.keys() == before.keys()
        clean = tmp_path / f"clean-{template.replace('/', '-')}"
        build(content_dir, clean, templates, jobs=1)
        _assert_same_site(out, clean, template)
        return {page for page in after if after[page] != before[page]}

    # A template no page uses: only the pages drawn on every build (no key) are drawn.
    (templates / "partials" / "unused.html").write_text("<p>未用</p>\n", encoding="utf-8")
    always = redrawn_after("partials/unused.html", "</p>", "</p><!-- 仍未用 -->")
    assert always == {f"{root}{page}" for root in ("", "zh-Hant/") for page in UNKEYED_PAGES}

    briefs = redrawn_after("brief.html", "{% block main %}", "{% block main %}<!-- 简报 -->")
    briefs -= always
    assert briefs == {
        f"{root}briefs/{p.stem}.html"
        for root in ("", "zh-Hant/")
        for p in content_dir.glob("*.txt")
    }
    assert "<!-- 简报 -->" in (out / "briefs" / "seed.html").read_text(encoding="utf-8")

    pager = redrawn_after("partials/pager.html", "", "<!-- 分页 -->") - always
    assert pager and not pager & briefs
    assert all(page.split("/")[-2:-1] != ["briefs"] for page in pager)
    assert {"cities/index.html", "zh-Hant/officials/index.html"} <= pager

    everything = redrawn_after("base.html", "<main", "<!-- 全站 --><main")
    assert everything == set(_pages_by_inode(out))


def test_incremental_build_equals_a_clean_build(content_dir: Path, tmp_path: Path) -> None:
    copy_rebuild_corpus(content_dir)
    cache = tmp_path / "cache"
    build(content_dir, tmp_path / "inc", ROOT / "templates", cache_dir=cache, jobs=2)
    (content_dir / "chengyu-2022.txt").unlink()
    (content_dir / "chengyu-2022.toml").unlink()
    copy_seed(content_dir, "extra.txt")
    build(content_dir, tmp_path / "inc", ROOT / "templates", cache_dir=cache, jobs=2)
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    _assert_same_site(tmp_path / "inc", tmp_path / "clean")


def test_parallel_and_serial_builds_are_identical(content_dir: Path, tmp_path: Path) -> None:
    copy_rebuild_corpus(content_dir)
    build(content_dir, tmp_path / "one", ROOT / "templates", jobs=1)
    build(content_dir, tmp_path / "two", ROOT / "templates", jobs=2)
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")


def test_stale_cache_is_never_served(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_seed(content_dir, "seed.txt")
    cache = BriefCache(tmp_path / "cache")
    key = article_key(path, content_dir, "s2tw")
    # Any change to the article, its sidecar, the variant or the tool gives another key.
    path.write_bytes(path.read_bytes() + b"\n")
    assert article_key(path, content_dir, "s2tw") != key
    (content_dir / "seed.toml").write_text("date = 2021-01-08\n", encoding="utf-8")
    with_sidecar = article_key(path, content_dir, "s2tw")
    assert with_sidecar != article_key(path, content_dir, "s2t")
    monkeypatch.setattr(cache_module, "tool_fingerprint", lambda: "another version")
    assert article_key(path, content_dir, "s2tw") != with_sidecar
    # A damaged entry is a miss, not an error.
    target = cache._path(with_sidecar)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a pickle")
    assert cache.get(with_sidecar) is None


def test_code_change_invalidates_cached_pages(content_dir: Path, tmp_path: Path) -> None:
    """A build with a different tool fingerprint re-renders every page."""
    copy_seed(content_dir, "seed.txt")
    out, cache = tmp_path / "site", tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path; import policybriefs.cache as c;"
        "c.tool_fingerprint = lambda: sys.argv[1];"
        "from policybriefs.pipeline import build;"
        f"build(Path({str(content_dir)!r}), Path({str(out)!r}), Path({str(ROOT / 'templates')!r}),"
        f" print, cache_dir=Path({str(cache)!r}), jobs=1)"
    )
    first = subprocess.run(
        [sys.executable, "-c", script, "v1"], capture_output=True, text=True, check=True
    )
    unchanged = subprocess.run(
        [sys.executable, "-c", script, "v1"], capture_output=True, text=True, check=True
    )
    assert "up to date" in unchanged.stdout
    # A file no page is made from: the inputs differ, every page can be reused.
    (content_dir / "notes.csv").write_text("a,b\n", encoding="utf-8")
    same = subprocess.run(
        [sys.executable, "-c", script, "v1"], capture_output=True, text=True, check=True
    )
    other = subprocess.run(
        [sys.executable, "-c", script, "v2"], capture_output=True, text=True, check=True
    )

    def rendered(output: str) -> int:
        found = re.search(r"\((\d+) page\(s\) rendered", output)
        assert found, output
        return int(found.group(1))

    assert rendered(same.stdout) < rendered(first.stdout)
    assert rendered(other.stdout) == rendered(first.stdout)


def test_unchanged_inputs_skip_the_build_and_replay_its_report(
    content_dir: Path, tmp_path: Path
) -> None:
    copy_seed(content_dir, "seed.txt")
    (content_dir / "broken.txt").write_bytes(b"")
    out, cache = tmp_path / "site", tmp_path / "cache"
    templates = ROOT / "templates"
    first = build(content_dir, out, templates, cache_dir=cache, jobs=1)
    assert first.errors and first.briefs == 1
    lines: list[str] = []
    again = build(content_dir, out, templates, lines.append, cache_dir=cache, jobs=1)
    assert again.unchanged and any("up to date" in line for line in lines)
    assert (again.briefs, again.pages, again.files) == (first.briefs, first.pages, first.files)
    assert (again.errors, again.warnings) == (first.errors, first.warnings)
    # A hidden file is no input (discover skips it); a changed template, the base URL,
    # the search flag, a replaced site or a changed article each are.
    (content_dir / ".seed.txt.swp").write_bytes(b"editor state")
    assert _up_to_date(content_dir, out, cache)
    assert not _up_to_date(content_dir, out, cache, base_url="https://example.org/briefs/")
    assert not _up_to_date(content_dir, out, cache)  # the build with a base URL replaced it
    assert _up_to_date(content_dir, out, cache)
    (out / MARKER).write_text("someone else's site", encoding="utf-8")
    assert not _up_to_date(content_dir, out, cache)
    with (content_dir / "seed.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n会议还通报了合作事项的进展情况。\n")
    assert not _up_to_date(content_dir, out, cache)


def _up_to_date(content_dir: Path, out: Path, cache: Path, base_url: str | None = None) -> bool:
    lines: list[str] = []
    build(
        content_dir,
        out,
        ROOT / "templates",
        lines.append,
        cache_dir=cache,
        jobs=1,
        base_url=base_url,
    )
    return any("up to date" in line for line in lines)


def test_killed_build_leaves_the_previous_site(content_dir: Path, tmp_path: Path) -> None:
    copy_rebuild_corpus(content_dir)
    out = tmp_path / "site"
    build(content_dir, out, ROOT / "templates", jobs=1)
    before = _snapshot(out)
    # Enough articles that the build has not reached its swap when it is killed
    # (80 were once enough; a faster build swapped within 3.5 s now and then).
    for n in range(240):
        copy_seed(content_dir, f"copy-{n:02d}.txt")
    for delay in (0.5, 2.0, 3.5):
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "--content",
                str(content_dir),
                "--out",
                str(out),
                "--no-cache",
                "--no-search",
                "--jobs",
                "1",
                "-q",
            ],
            start_new_session=True,
        )
        time.sleep(delay)
        assert process.poll() is None, "the build finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert _snapshot(out) == before, f"site changed by a build killed after {delay} s"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")]
    # Staging folders of killed builds may remain beside the site; the site itself is whole.
    assert all(".new-" in name for name in leftovers)


def test_an_older_brief_added_later_rebuilds_what_it_shifts(
    content_dir: Path, tmp_path: Path
) -> None:
    """Charts colour briefs by their place in time, and the home pages list them in
    order: an older brief arriving changes pages of cities it never mentions."""
    copy_rebuild_corpus(content_dir)
    cache = tmp_path / "cache"
    build(content_dir, tmp_path / "inc", ROOT / "templates", cache_dir=cache, jobs=2)
    # An earlier meeting of the 成渝 cities (its officials already known, so the
    # names protected in the Traditional edition stay the same), dated first of all.
    (content_dir / "chengyu-2019.txt").write_bytes((ARTICLES / "chengyu-2022.txt").read_bytes())
    sidecar = (ARTICLES / "chengyu-2022.toml").read_text(encoding="utf-8")
    (content_dir / "chengyu-2019.toml").write_text(
        re.sub(r"(?m)^date = .*$", "date = 2019-01-02", sidecar), encoding="utf-8"
    )
    # And a static page, which every page's footer links.
    (content_dir / "pages").mkdir(exist_ok=True)
    (content_dir / "pages" / "about.md").write_text(
        '+++\ntitle = "关于本站"\n+++\n本站整理区域合作会议的公开报道。\n', encoding="utf-8"
    )
    build(content_dir, tmp_path / "inc", ROOT / "templates", cache_dir=cache, jobs=2)
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    _assert_same_site(tmp_path / "inc", tmp_path / "clean")


def test_a_briefs_data_file_is_linked_from_the_cache_its_worker_wrote(
    content_dir: Path, tmp_path: Path
) -> None:
    """A cold build links each data/<slug>.json from the cache (the worker that made
    the brief encoded it), and one missing there is made from the full brief."""
    copy_rebuild_corpus(content_dir)
    out, cache_dir = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", cache_dir=cache_dir, jobs=2)
    cache = BriefCache(cache_dir)
    key = article_key(content_dir / "seed.txt", content_dir, "s2tw")
    data = cache.data_path(key)
    assert (out / "data/seed.json").stat().st_ino == data.stat().st_ino
    # A file of the site, readable as its others are (the cache's own are owner-only).
    site_mode = (out / "data/index.json").stat().st_mode & 0o777
    assert data.stat().st_mode & 0o777 == site_mode == 0o666 & ~_umask()
    assert len(list((cache_dir / "briefs").rglob("*.json"))) == 4

    data.unlink()
    shutil.rmtree(out)
    build(content_dir, out, ROOT / "templates", cache_dir=cache_dir, jobs=1)
    assert data.is_file()  # made from the full brief, and kept for the next build
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    _assert_same_site(out, tmp_path / "clean")

    for made in (cache_dir / "briefs").rglob("*.json"):
        made.unlink()
    (content_dir / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not up to date
    shutil.rmtree(out)
    report = build(content_dir, out, ROOT / "templates", cache_dir=cache_dir, jobs=1)
    assert report.errors == []
    _assert_same_site(out, tmp_path / "clean")


def test_light_briefs_are_cached_beside_their_full_briefs(
    content_dir: Path, tmp_path: Path
) -> None:
    """A rebuild reads the small light brief of an unchanged article; one whose full
    brief is gone is built again rather than trusted."""
    copy_rebuild_corpus(content_dir)
    out, cache_dir = tmp_path / "site", tmp_path / "cache"
    build(content_dir, out, ROOT / "templates", cache_dir=cache_dir, jobs=1)
    full = sorted(p for p in (cache_dir / "briefs").rglob("*.pickle") if ".light" not in p.name)
    light = sorted((cache_dir / "briefs").rglob("*.light.pickle"))
    assert len(full) == len(light) == 4
    key = article_key(content_dir / "seed.txt", content_dir, "s2tw")
    cache = BriefCache(cache_dir)
    light_seed = cache.get_light(key)
    assert light_seed is not None and light_seed.article.edits == ()
    cache._path(key).unlink()
    assert cache.get_light(key) is None
    (content_dir / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not up to date
    build(content_dir, out, ROOT / "templates", cache_dir=cache_dir, jobs=1)
    rebuilt = cache.get(key)
    assert rebuilt is not None and rebuilt.article.edits
    # A damaged light brief is made again from the full one, not trusted.
    light_path = cache._path(key, ".light")
    light_path.write_bytes(light_path.read_bytes()[:100])
    (content_dir / "notes.csv").write_text("a,b,c\n", encoding="utf-8")
    report = build(content_dir, out, ROOT / "templates", cache_dir=cache_dir, jobs=2)
    assert report.errors == []
    assert cache.get_light(key) is not None
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    _assert_same_site(out, tmp_path / "clean")


def test_light_briefs_read_from_the_cache_share_their_short_strings(
    content_dir: Path, tmp_path: Path
) -> None:
    """Every light brief is held at once: an equal short string (a city, a kind of
    commitment) read from two cached briefs is one object, long text is not pooled."""
    copy_rebuild_corpus(content_dir)
    cache_dir = tmp_path / "cache"
    build(content_dir, tmp_path / "site", ROOT / "templates", cache_dir=cache_dir, jobs=1)
    cache = BriefCache(cache_dir)
    first, second = (
        cache.get_light(article_key(content_dir / name, content_dir, "s2tw"))
        for name in ("seed.txt", "minxinan-2022-meeting-4.txt")
    )
    assert first is not None and second is not None
    kinds = {c.kind: c.kind for c in first.commitments}
    shared = [c.kind for c in second.commitments if c.kind in kinds]
    assert shared, "the two meetings share no kind of commitment"
    assert all(kind is kinds[kind] for kind in shared)
    cities = {s.city: s.city for s in first.sections if s.city}
    common = [s.city for s in second.sections if s.city in cities]
    assert common, "the two meetings of one zone share no city"
    assert all(city is cities[city] for city in common)
    # A paragraph is read as its own string, not looked up in the pool.
    again = cache.get_light(article_key(content_dir / "seed.txt", content_dir, "s2tw"))
    assert again is not None and again.article.paragraphs == first.article.paragraphs
    assert again.article.paragraphs[0] is not first.article.paragraphs[0]


def test_builds_that_bring_the_spare_up_to_date_equal_clean_builds(
    content_dir: Path, tmp_path: Path
) -> None:
    """From the third build on, the staging folder is the site retired two builds
    ago, updated in place; each result must still be exactly a clean build."""
    copy_rebuild_corpus(content_dir)
    out, cache = tmp_path / "inc", tmp_path / "cache"
    seed = content_dir / "seed.txt"
    original = seed.read_bytes()

    def edit_seed() -> None:
        text = seed.read_text(encoding="utf-8")
        seed.write_text(text.replace("龍巖新機場", "龍巖新機場二期", 1), encoding="utf-8")

    def drop_chengyu() -> None:
        (content_dir / "chengyu-2022.txt").unlink()
        (content_dir / "chengyu-2022.toml").unlink()

    steps: list[Callable[[], object]] = [
        lambda: None,
        edit_seed,
        drop_chengyu,
        lambda: seed.write_bytes(original),
        lambda: copy_seed(content_dir, "extra.txt"),
    ]
    for n, step in enumerate(steps):
        step()
        lines: list[str] = []
        build(content_dir, out, ROOT / "templates", lines.append, cache_dir=cache, jobs=2)
        if n >= 2:
            assert (tmp_path / ".inc.spare").is_dir()
        clean = tmp_path / f"clean-{n}"
        build(content_dir, clean, ROOT / "templates", jobs=1)
        _assert_same_site(out, clean, f"after step {n}")


def test_a_build_killed_while_it_updates_the_spare_leaves_the_site_whole(
    content_dir: Path, tmp_path: Path
) -> None:
    """The spare shares its unchanged files with the live site (hard links): a build
    killed while it rewrites the spare must leave every live file as it was, and the
    next build must still equal a clean one."""
    copy_rebuild_corpus(content_dir)
    for n in range(120):  # rendering lasts long enough to be killed in
        copy_seed(content_dir, f"copy-{n:03d}.txt")
    out, cache = tmp_path / "site", tmp_path / "cache"
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    build(content_dir, out, templates, cache_dir=cache, jobs=2)
    seed = content_dir / "seed.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n会议通报了合作进展。\n", encoding="utf-8")
    build(content_dir, out, templates, cache_dir=cache, jobs=2)
    assert (tmp_path / ".site.spare").is_dir()
    before = _snapshot(out)
    # Every page must be drawn again: the spare's files are all to be replaced.
    base_html = templates / "base.html"
    base_html.write_text(
        base_html.read_text(encoding="utf-8").replace("<main", "<!-- edited --><main", 1),
        encoding="utf-8",
    )
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        *("--content", str(content_dir), "--out", str(out), "--templates", str(templates)),
        *("--cache-dir", str(cache), "--no-search", "--jobs", "2"),
    ]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, encoding="utf-8", start_new_session=True
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("render:"):  # the spare has been taken as the staging folder
            break
    time.sleep(0.1)
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _snapshot(out) == before
    build(content_dir, out, templates, cache_dir=cache, jobs=2)
    build(content_dir, tmp_path / "clean", templates, jobs=1)
    _assert_same_site(out, tmp_path / "clean")


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda root: (root / ".notes" / "x.txt").write_text("y", encoding="utf-8"), True),
        (lambda root: (root / "sub" / ".a.txt.swp").write_bytes(b"\0"), True),
        (lambda root: (root / "empty").mkdir(), True),  # an empty folder
        (lambda root: (root / "sub" / "b.txt").write_text("二", encoding="utf-8"), False),
        (lambda root: (root / "a.txt").rename(root / "sub" / "a.txt"), False),
        (lambda root: (root / "a.txt").write_text("一。", encoding="utf-8"), False),
    ],
)
def test_the_content_fingerprint_sees_names_and_bytes_but_not_hidden_files(
    tmp_path: Path, change: Callable[[Path], object], same: bool
) -> None:
    root = tmp_path / "content"
    (root / "sub").mkdir(parents=True)
    (root / ".notes").mkdir()
    (root / "a.txt").write_text("一", encoding="utf-8")
    (root / "sub" / "b.txt").write_text("一", encoding="utf-8")
    before = cache_module.tree_fingerprint(root, skip_hidden=True)
    change(root)
    assert (cache_module.tree_fingerprint(root, skip_hidden=True) == before) is same


def test_a_template_changed_in_a_linked_folder_is_drawn_again(
    content_dir: Path, tmp_path: Path
) -> None:
    """Jinja reads templates through a linked folder (a shared partials/, say): a
    change there is a change of the templates, not a site 'up to date'."""
    copy_seed(content_dir)
    out, cache, templates = tmp_path / "site", tmp_path / "cache", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    shared = tmp_path / "shared-partials"
    shutil.move(templates / "partials", shared)
    (templates / "partials").symlink_to(shared, target_is_directory=True)
    (shared / "loop").symlink_to(templates, target_is_directory=True)  # walked once
    build(content_dir, out, templates, cache_dir=cache, jobs=1)
    _edit_template(shared / "footer.html", "<footer", "<!-- 共用页脚 --><footer")
    lines: list[str] = []
    build(content_dir, out, templates, lines.append, cache_dir=cache, jobs=1)
    assert not any("up to date" in line for line in lines), lines
    assert "<!-- 共用页脚 -->" in (out / "briefs" / "seed.html").read_text(encoding="utf-8")
    build(content_dir, tmp_path / "clean", templates, jobs=1)
    _assert_same_site(out, tmp_path / "clean")


def test_a_template_saved_while_a_build_renders_is_not_left_stale(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template saved after a build read the templates, and saved back before the
    next: the site must hold what the recorded inputs say, not the passing edit
    under the old text's key (the renderers read the templates when they first
    needed them, after the keys were made)."""
    copy_seed(content_dir)
    out, cache, templates = tmp_path / "site", tmp_path / "cache", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    brief_html = templates / "brief.html"
    original = brief_html.read_text(encoding="utf-8")
    render_into = pipeline_module.render_into

    def saved_meanwhile(*args: object, **kwargs: object) -> int:
        _edit_template(brief_html, "{% block main %}", "{% block main %}<!-- 一时的修改 -->")
        return render_into(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "render_into", saved_meanwhile)
    build(content_dir, out, templates, cache_dir=cache, jobs=2)
    monkeypatch.setattr(pipeline_module, "render_into", render_into)
    assert "一时的修改" not in (out / "briefs" / "seed.html").read_text(encoding="utf-8")
    brief_html.write_text(original, encoding="utf-8")  # saved back
    lines: list[str] = []
    build(content_dir, out, templates, lines.append, cache_dir=cache, jobs=2)
    assert any("up to date" in line for line in lines), lines
    build(content_dir, tmp_path / "clean", templates, jobs=1)
    _assert_same_site(out, tmp_path / "clean")


class _TrackedManifest(dict[str, str]):
    """A manifest a test can hold a weak reference to (a plain dict takes none)."""


def test_a_spare_the_writer_drops_is_not_held_while_the_pages_render(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a template change every file of the spare (the site two builds old) is
    # stale, and at N = 10,000 its manifest was 25 MiB held to the end of the build.
    copy_seed(content_dir)
    out, cache, templates = tmp_path / "site", tmp_path / "cache", tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    base = templates / "base.html"
    monkeypatch.setattr(write_module, "STALE_IN_PLACE", 0)  # a small site's spare counts too
    for n in (1, 2):
        base.write_text(base.read_text(encoding="utf-8") + f"<!-- {n} -->", encoding="utf-8")
        build(content_dir, out, templates, cache_dir=cache, jobs=1)

    spares: list[weakref.ref[_TrackedManifest]] = []
    load_manifests = pipeline_module.load_manifests

    def tracked(*args: Path) -> tuple[dict[str, str], dict[str, str]]:
        live, spare = load_manifests(*args)
        assert spare, "the second build left a spare with a manifest"
        held = _TrackedManifest(spare)
        spares.append(weakref.ref(held))
        return live, held

    render_into = pipeline_module.render_into
    alive_while_rendering: list[bool] = []

    def rendering(*args: object, **kwargs: object) -> int:
        gc.collect()
        alive_while_rendering.append(spares[0]() is not None)
        return render_into(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "load_manifests", tracked)
    monkeypatch.setattr(pipeline_module, "render_into", rendering)
    base.write_text(base.read_text(encoding="utf-8") + "<!-- 3 -->", encoding="utf-8")
    build(content_dir, out, templates, cache_dir=cache, jobs=1)
    assert alive_while_rendering == [False]
