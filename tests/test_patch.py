"""Patches: ``serve`` rebuilds only what saved articles touch, and the site equals a whole build."""

from __future__ import annotations

import shutil
import subprocess
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import policybriefs.patch
from conftest import FIXTURES, ROOT, assert_same_site, copy_patch_corpus, site_files
from policybriefs.models import Brief, PageSpec
from policybriefs.patch import LastBuild, patch_site
from policybriefs.pipeline import build
from policybriefs.write import spare_path

ARTICLES = FIXTURES / "articles"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append_to_longest_line(path: Path, sentence: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += sentence
    path.write_text("\n".join(lines), encoding="utf-8")


def _sentence(content: Path) -> list[Path]:
    _append_to_longest_line(content / "changzhutan-2023.txt", "长沙将加快推进长株潭一体化发展。")
    return [content / "changzhutan-2023.txt"]


def _date_moved(content: Path) -> list[Path]:
    """The brief moves in time: newest-first order, colours and first promises change."""
    _replace(content / "changzhutan-2023.toml", "2023-04-20", "2019-04-20")
    return [content / "changzhutan-2023.toml"]


def _new_article(content: Path) -> list[Path]:
    """A later meeting of the same cities: its promises repeat the first ones."""
    shutil.copyfile(ARTICLES / "jingjinji-2022.txt", content / "jingjinji-2024.txt")
    meta = (ARTICLES / "jingjinji-2022.toml").read_text(encoding="utf-8")
    (content / "jingjinji-2024.toml").write_text(
        meta.replace("2022-", "2024-", 1), encoding="utf-8"
    )
    return [content / "jingjinji-2024.toml", content / "jingjinji-2024.txt"]


def _new_project(content: Path) -> list[Path]:
    """A commitment naming a project no brief named: a new project page and slug."""
    article = content / "ganzhou-jian-fuzhou-2022.txt"
    lines = article.read_text(encoding="utf-8").split("\n")
    speech = next(i for i, line in enumerate(lines) if line.startswith("鄺振宇表示"))
    lines[speech] += "赣州将加快推进赣南苏区振兴发展示范区建设。"  # in 赣州's section
    article.write_text("\n".join(lines), encoding="utf-8")
    return [article]


def test_the_new_project_edit_names_a_project(content_dir: Path, tmp_path: Path) -> None:
    """The edit above is only a test of a new project page if its sentence is read
    as one (its first version, 示范园项目, was not)."""
    content = copy_patch_corpus(content_dir)
    _new_project(content)
    build(content, tmp_path / "site", ROOT / "templates", jobs=1)
    pages = [
        p.read_text(encoding="utf-8")
        for p in (tmp_path / "site" / "projects").glob("*.html")
        if p.name != "index.html"
    ]
    assert sum("赣南苏区振兴发展示范区" in page for page in pages) == 1  # its own page


def _two_articles(content: Path) -> list[Path]:
    _append_to_longest_line(content / "chengyu-2022.txt", "成都将深化成渝地区双城经济圈建设。")
    _replace(content / "minxinan-2022-meeting-4.toml", "2022-", "2018-")
    return [content / "chengyu-2022.txt", content / "minxinan-2022-meeting-4.toml"]


def _assert_like_a_clean_build(content: Path, out: Path, tmp_path: Path) -> None:
    """``out`` byte for byte as ``content`` built from scratch, without a cache."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(content, clean, ROOT / "templates")
    assert_same_site(out, clean)


def _patchable(content: Path, out: Path, cache: Path) -> list[LastBuild]:
    """Two builds under ``keep``, as ``serve`` makes them: the second has a spare."""
    kept: list[LastBuild] = []
    build(content, out, ROOT / "templates", cache_dir=cache, keep=kept.append)
    _append_to_longest_line(content / "jingjinji-2022.txt", "天津将推进港口协同。")
    build(content, out, ROOT / "templates", cache_dir=cache, keep=kept.append)
    assert kept[-1].patchable
    return kept


@pytest.mark.parametrize(
    "edit", [_sentence, _date_moved, _new_article, _new_project, _two_articles]
)
def test_a_patched_site_equals_a_whole_build(
    edit: Callable[[Path], list[Path]], content_dir: Path, tmp_path: Path
) -> None:
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    kept = _patchable(content, out, cache)
    patched = patch_site(kept[-1], edit(content))
    assert patched is not None
    report, last = patched
    assert 0 < report.rendered < report.pages  # not everything again
    _assert_like_a_clean_build(content, out, tmp_path)

    # And again from the patch's own record: the spare it left is brought up to date too.
    _append_to_longest_line(content / "minxinan-2020-meeting-2.txt", "龙岩将加快推进项目。")
    again = patch_site(last, [content / "minxinan-2020-meeting-2.txt"])
    assert again is not None
    _assert_like_a_clean_build(content, out, tmp_path)
    assert spare_path(out).is_dir()


def test_what_a_patch_leaves_to_a_whole_build(content_dir: Path, tmp_path: Path) -> None:
    """A new official changes the protected names (every Traditional page may
    change), a removed article, a slug another article holds: no patch, nothing written."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    before = site_files(out)
    _replace(content / "changzhutan-2023.txt", "易振坤", "龚建华")
    assert patch_site(last, [content / "changzhutan-2023.txt"]) is None
    (content / "dawanqu-2021.txt").unlink()
    assert patch_site(last, [content / "dawanqu-2021.txt"]) is None
    meta = (content / "chengyu-2022.toml").read_text(encoding="utf-8")
    body = (content / "chengyu-2022.txt").read_text(encoding="utf-8")
    taken = content / "a-copy.md"
    taken.write_text(f'+++\n{meta}slug = "chengyu-2022"\n+++\n{body}', encoding="utf-8")
    assert "chengyu-2022" in last.kit.sources
    assert patch_site(last, [taken]) is None
    assert site_files(out) == before
    assert spare_path(out).is_dir()


def test_a_first_build_is_patched_with_a_spare_made_as_links(
    content_dir: Path, tmp_path: Path
) -> None:
    """A first build retires no site, so there is no spare: every file is stale,
    and the first patch makes the spare anew as links to the live site rather
    than leaving the save to a whole build (minutes at N = 10,000 with search)."""
    content = copy_patch_corpus(content_dir)
    out = tmp_path / "site"
    kept: list[LastBuild] = []
    build(content, out, ROOT / "templates", cache_dir=tmp_path / "c", keep=kept.append)
    last = kept[-1]
    assert not spare_path(out).exists()
    assert last.patchable and last.stale == set(last.manifest) and not last.extra
    patched = patch_site(last, _sentence(content))
    assert patched is not None
    assert 0 < patched[0].rendered < patched[0].pages
    _assert_like_a_clean_build(content, out, tmp_path)
    assert spare_path(out).is_dir()


def test_serve_starting_on_a_built_site_can_patch_it(content_dir: Path, tmp_path: Path) -> None:
    """An up-to-date build under ``serve`` renders nothing, and still leaves what a
    patch needs: the site's and the spare's records tell where they differ."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    _patchable(content, out, cache)
    kept: list[LastBuild] = []
    report = build(content, out, ROOT / "templates", cache_dir=cache, keep=kept.append)
    assert report.unchanged and kept[-1].patchable
    patched = patch_site(kept[-1], _date_moved(content))
    assert patched is not None
    _assert_like_a_clean_build(content, out, tmp_path)


def test_a_sentence_that_is_no_promise_redraws_only_its_brief(
    content_dir: Path, tmp_path: Path
) -> None:
    """City, project and home pages are keyed by what they show of a brief: a
    sentence that changes none of it leaves them as they were (the same files),
    and a new date, which they show, redraws them."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    brief = last.catalog.by_slug["changzhutan-2023"]
    city = last.catalog.cities[[c.name for c in last.catalog.cities].index(brief.cities[0])]
    city_page = out / "cities" / f"{city.slug}.html"
    before = city_page.stat().st_ino
    home = (out / "index.html").stat().st_ino
    data = {name: (out / "data" / name).stat().st_ino for name in ("index.json", "commitments.csv")}
    article = content / "changzhutan-2023.txt"
    _append_to_longest_line(article, "会议还通报了第三批合作事项的进展情况。")
    patched = patch_site(last, [article])
    assert patched is not None
    report, last = patched
    # The brief, its repairs, search and 404, its officials' (they quote it): both scripts.
    assert report.rendered <= 2 * (4 + len(brief.officials))
    assert city_page.stat().st_ino == before
    assert (out / "index.html").stat().st_ino == home
    # Its entry and rows in the data files are as they were: the files are kept.
    assert {name: (out / "data" / name).stat().st_ino for name in data} == data
    assert "第三批合作事项" in (out / "briefs/changzhutan-2023.html").read_text(encoding="utf-8")
    patched = patch_site(last, _date_moved(content))  # which the city page shows
    assert patched is not None
    assert city_page.stat().st_ino != before
    assert "2019-04-20" in city_page.read_text(encoding="utf-8")
    assert (out / "data" / "commitments.csv").stat().st_ino != data["commitments.csv"]
    _assert_like_a_clean_build(content, out, tmp_path)


def test_serve_brings_the_spare_up_to_date_while_it_waits(
    content_dir: Path, tmp_path: Path
) -> None:
    """After a build that changed every page, the spare differs from the site in
    every file; serve relinks them while no edit comes, so the next patch writes
    only its own files, and the spare is trusted again by builds."""
    from policybriefs.cache import load_manifests
    from policybriefs.draft import Drafts
    from policybriefs.serve import Preview

    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    kept: list[LastBuild] = []
    build(content, out, templates, cache_dir=cache)
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(content, out, templates, cache_dir=cache, keep=kept.append)
    last = kept[-1]
    assert last.patchable and len(last.stale) > len(last.manifest) / 2

    drafts = Drafts()
    drafts.keep(last)
    preview = Preview(out, [content], lambda changed: 0, port=0, drafts=drafts)
    try:
        preview._refresh_spare(weakref.ref(last))
    finally:
        preview.server.server_close()
    assert not last.stale and not last.extra
    spare = spare_path(out)
    for path in ["index.html", "zh-Hant/briefs/chengyu-2022.html", "data/index.json"]:
        assert (spare / path).stat().st_ino == (out / path).stat().st_ino
    live, spare_manifest = load_manifests(cache, out)
    assert spare_manifest == live

    patched = patch_site(last, _sentence(content))
    assert patched is not None
    assert len(patched[1].stale) < len(last.manifest) / 4  # what it claimed, not every file
    clean = tmp_path / "clean"
    build(content, clean, templates)
    assert_same_site(out, clean)


def test_a_patch_keeps_the_search_index_the_last_build_made(
    content_dir: Path, tmp_path: Path
) -> None:
    """No manifest lists the search index: a patch takes the live site's as it is
    (the spare's is older), and the next whole build indexes the site again."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    index = out / "pagefind" / "fragment" / "zh_1.pf_fragment"
    index.parent.mkdir(parents=True)
    index.write_bytes(b"the last build's index")
    (spare_path(out) / "pagefind").mkdir()
    (spare_path(out) / "pagefind" / "old.pf_meta").write_bytes(b"an older index")
    patched = patch_site(last, _sentence(content))
    assert patched is not None
    assert (out / "pagefind" / "fragment" / "zh_1.pf_fragment").read_bytes() == (
        b"the last build's index"
    )
    assert not (out / "pagefind" / "old.pf_meta").exists()

    # The next patch finds the same index in its spare (links to the same files):
    # it is left where it is, not made again file by file.
    spare_index = spare_path(out) / "pagefind"
    folder = spare_index.stat().st_ino
    _append_to_longest_line(content / "changzhutan-2023.txt", "株洲将建设新的产业园。")
    again = patch_site(patched[1], [content / "changzhutan-2023.txt"])
    assert again is not None
    assert (out / "pagefind").stat().st_ino == folder
    assert (out / "pagefind" / "fragment" / "zh_1.pf_fragment").read_bytes() == (
        b"the last build's index"
    )
    # A spare whose index differs in one file gets the live site's again.
    (spare_index / "fragment" / "zh_1.pf_fragment").unlink()
    (spare_index / "fragment" / "zh_1.pf_fragment").write_bytes(b"another index")
    _append_to_longest_line(content / "changzhutan-2023.txt", "湘潭将建设新的物流园。")
    third = patch_site(again[1], [content / "changzhutan-2023.txt"])
    assert third is not None
    assert (out / "pagefind" / "fragment" / "zh_1.pf_fragment").read_bytes() == (
        b"the last build's index"
    )


def test_a_patch_leaves_no_search_index_where_the_live_site_had_none(
    content_dir: Path, tmp_path: Path
) -> None:
    """``build.py`` then ``build.py serve --no-search``: the spare is the site the
    first build made, with its index. The patched site must not serve that older
    index: the live site had none."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    assert not (out / "pagefind").exists()
    (spare_path(out) / "pagefind").mkdir()
    (spare_path(out) / "pagefind" / "old.pf_meta").write_bytes(b"an older index")
    patched = patch_site(last, _sentence(content))
    assert patched is not None
    assert not (out / "pagefind").exists()
    assert "pagefind" not in {p.name for p in out.iterdir()}


def test_a_save_that_changes_nothing_patches_nothing(content_dir: Path, tmp_path: Path) -> None:
    """An article saved as it was, or only an editor's temporary file: the site stands."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    before = site_files(out)
    article = content / "chengyu-2022.txt"
    article.write_bytes(article.read_bytes())
    (content / ".chengyu-2022.txt.swp").write_bytes(b"\0")
    for changed in ([article], [content / ".chengyu-2022.txt.swp"]):
        patched = patch_site(last, changed)
        assert patched is not None
        assert patched[0].rendered == 0 and patched[1] is last
    assert site_files(out) == before


def _seed_dated(content: Path) -> list[Path]:
    """The seed has no date: given the oldest, it keeps its newest-first place
    (first undated, then last dated) while its colour moves from last to first."""
    (content / "seed.toml").write_text("date = 2001-12-20\n", encoding="utf-8")
    return [content / "seed.toml"]


def _undated_then_newest(content: Path) -> list[Path]:
    """An undated brief's feed entries take the newest brief's date: when that
    moves, every city feed listing an undated brief moves with it."""
    (content / "changzhutan-2023.toml").unlink()
    _replace(content / "jingjinji-2022.toml", "2022-", "2031-")
    return [content / "changzhutan-2023.toml", content / "jingjinji-2022.toml"]


def _dated_by_its_lead(content: Path) -> list[Path]:
    """The undated seed's lead gets its full date: the brief moves in time as when
    an editor dates it, with no sidecar."""
    _replace(content / "seed.txt", "昨日,", "2021年1月7日,")
    return [content / "seed.txt"]


@pytest.mark.parametrize("edit", [_seed_dated, _undated_then_newest, _dated_by_its_lead])
def test_edits_that_move_dates_patch_what_depends_on_them(
    edit: Callable[[Path], list[Path]], content_dir: Path, tmp_path: Path
) -> None:
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    assert patch_site(last, edit(content)) is not None
    _assert_like_a_clean_build(content, out, tmp_path)


def test_a_relative_content_folder_is_patched(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve --content C``: the watcher reports absolute paths."""
    copy_patch_corpus(content_dir)
    monkeypatch.chdir(content_dir.parent)
    content = Path(content_dir.name)
    last = _patchable(content, Path("site"), Path("cache"))[-1]
    assert patch_site(last, [p.absolute() for p in _sentence(content)]) is not None
    build(content, Path("clean"), ROOT / "templates")
    assert_same_site(Path("site"), Path("clean"))


def test_with_a_base_url_a_brief_that_moves_takes_a_whole_build(
    content_dir: Path, tmp_path: Path
) -> None:
    """The sitemap lists pages in the order of the briefs: a date moved reorders them."""
    content = copy_patch_corpus(content_dir)
    (content / "site.toml").write_text('base_url = "https://example.org/b/"\n', encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    patched = patch_site(last, _sentence(content))
    assert patched is not None
    assert patch_site(patched[1], _date_moved(content)) is None
    build(content, out, ROOT / "templates", cache_dir=cache)
    _assert_like_a_clean_build(content, out, tmp_path)


@pytest.mark.parametrize("variant", ["s2t", "s2hk"])
def test_every_variant_is_patched_like_a_whole_build(
    variant: str, content_dir: Path, tmp_path: Path
) -> None:
    """The converter depends on the protected entries alone, not on the text:
    an edit that puts a protected phrase after a new character is patched too."""
    content = copy_patch_corpus(content_dir)
    (content / "site.toml").write_text(f'traditional_variant = "{variant}"\n', encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    article = content / "chengyu-2022.txt"
    _append_to_longest_line(article, "队伍重新出征的消息令人振奋。")
    patched = patch_site(last, [article])
    assert patched is not None
    assert 0 < patched[0].rendered < patched[0].pages
    _assert_like_a_clean_build(content, out, tmp_path)


def test_lists_paged_one_entry_a_page_are_patched_like_a_whole_build(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a page per brief and per index entry, an entry that comes adds a page
    to its list and one that goes takes the last page away, as a whole build does."""
    import policybriefs.pagemap

    monkeypatch.setattr(policybriefs.pagemap, "HOME_PAGE_SIZE", 1)
    monkeypatch.setattr(policybriefs.pagemap, "INDEX_PAGE_SIZE", 1)
    monkeypatch.setattr(policybriefs.pagemap, "ENTRY_PAGE_SIZE", 1)
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    projects = len(last.catalog.projects)
    assert (out / f"projects/index-{projects}.html").is_file()
    assert (out / f"page/{len(last.catalog.briefs)}.html").is_file()

    article = content / "ganzhou-jian-fuzhou-2022.txt"
    original = article.read_text(encoding="utf-8")
    _replace(article, "井岡山", "井岡山國際物流產業園和井岡山")
    patched = patch_site(last, [article])
    assert patched is not None
    assert len(patched[1].catalog.projects) == projects + 1
    _assert_like_a_clean_build(content, out, tmp_path)
    assert (out / f"zh-Hant/projects/index-{projects + 1}.html").is_file()

    article.write_text(original, encoding="utf-8")
    again = patch_site(patched[1], [article])
    assert again is not None
    _assert_like_a_clean_build(content, out, tmp_path)
    assert not (out / f"zh-Hant/projects/index-{projects + 1}.html").exists()


def test_a_promise_redraws_the_first_page_of_its_city_and_the_page_that_lists_it(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city's timeline a brief a page: a promise added to the brief on a middle
    page redraws that page and the first (which counts the promises), not the
    others; reworded, it redraws only the page that lists it."""
    import policybriefs.pagemap

    monkeypatch.setattr(policybriefs.pagemap, "ENTRY_PAGE_SIZE", 1)
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    city = next(c for c in last.catalog.cities if c.name == "厦门")
    middle = "minxinan-2022-meeting-4"
    assert len(city.briefs) == 3 and city.briefs[1] == middle
    paths = [out / "cities/xiamen.html", out / "cities/xiamen.2.html", out / "cities/xiamen.3.html"]
    before = [p.stat().st_ino for p in paths]
    promises = len(last.catalog.by_slug[middle].commitments)

    article = content / f"{middle}.txt"
    lines = article.read_text(encoding="utf-8").split("\n")
    speech = next(i for i, line in enumerate(lines) if line.startswith("石景川表示"))
    lines[speech] += "廈門將加快推進港口建設。"  # in 厦门's section
    article.write_text("\n".join(lines), encoding="utf-8")
    patched = patch_site(last, [article])
    assert patched is not None
    assert len(patched[1].catalog.by_slug[middle].commitments) == promises + 1
    after = [p.stat().st_ino for p in paths]
    changed = [n for n, (b, a) in enumerate(zip(before, after, strict=True), start=1) if b != a]
    assert changed == [1, 2]
    assert "港口建设" in paths[1].read_text(encoding="utf-8")
    assert "港口建设" not in paths[0].read_text(encoding="utf-8")
    _assert_like_a_clean_build(content, out, tmp_path)

    # Reworded, the promise leaves the counts of the first page as they were.
    before = [p.stat().st_ino for p in paths]
    lines[speech] = lines[speech].replace("港口建設", "港口和航道建設")
    article.write_text("\n".join(lines), encoding="utf-8")
    again = patch_site(patched[1], [article])
    assert again is not None
    assert len(again[1].catalog.by_slug[middle].commitments) == promises + 1
    after = [p.stat().st_ino for p in paths]
    changed = [n for n, (b, a) in enumerate(zip(before, after, strict=True), start=1) if b != a]
    assert changed == [2]
    assert "港口和航道建设" in paths[1].read_text(encoding="utf-8")
    _assert_like_a_clean_build(content, out, tmp_path)


def test_a_patch_keys_only_the_pages_of_a_list_that_show_the_brief(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city's timeline that lists the same briefs in the same order: the patch
    makes again its first page (the counts) and the page that shows the edited
    brief, and takes the others as the last build keyed them."""
    import policybriefs.pagemap

    monkeypatch.setattr(policybriefs.pagemap, "ENTRY_PAGE_SIZE", 1)
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    middle = "minxinan-2022-meeting-4"
    city = next(c for c in last.catalog.cities if c.name == "厦门")
    assert city.briefs[1] == middle and len(city.briefs) == 3
    made: list[str] = []
    render_into = policybriefs.patch.render_into

    def recording(*args: Any, **kwargs: Any) -> int:
        pages: list[PageSpec] = args[2]  # render_into(writer, env, pages, ...)
        made.extend(p.path for p in pages if last.pages.get(p.path) is not p)
        return render_into(*args, **kwargs)

    monkeypatch.setattr(policybriefs.patch, "render_into", recording)
    article = content / f"{middle}.txt"
    _append_to_longest_line(article, "会议还通报了第三批合作事项的进展情况。")
    patched = patch_site(last, [article])
    assert patched is not None
    assert sorted(p for p in made if p.startswith("cities/xiamen")) == [
        "cities/xiamen.2.html",
        "cities/xiamen.html",
    ]
    _assert_like_a_clean_build(content, out, tmp_path)


def _lists_of(
    last: LastBuild, out: Path, slug: str
) -> tuple[dict[str, list[Path]], dict[str, Path]]:
    """The page and feed of each city of brief ``slug``, and the page of each project
    its promises name."""
    slugs = {c.name: c.slug for c in last.catalog.cities}
    cities = {
        city: [out / "cities" / f"{slugs[city]}.{ext}" for ext in ("html", "xml")]
        for city in last.catalog.by_slug[slug].cities
    }
    projects = {
        p.name: out / "projects" / f"{p.slug}.html"
        for p in last.catalog.projects
        if any(s == slug for s, _ in p.mentions)
    }
    return cities, projects


def _first_speech(lines: list[str]) -> int:
    """The first line where someone speaks (X表示), as the benchmark's promise edit finds it."""
    return next(i for i, line in enumerate(lines) if "表示" in line[:24])


def test_a_promise_for_one_city_leaves_the_other_cities_of_its_brief_as_they_were(
    content_dir: Path, tmp_path: Path
) -> None:
    """A city's timeline and feed show only the city's own promises of each brief,
    a project's page only the promises that name it: a promise added for one city
    redraws that city's page and feed, and leaves the pages and feeds of the
    brief's other cities, and the pages of its projects, the same files."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    slug = "changzhutan-2023"
    brief = last.catalog.by_slug[slug]
    assert len(brief.cities) >= 3
    city_files, project_pages = _lists_of(last, out, slug)

    def counts(b: Brief) -> dict[str, int]:
        return {c: sum(p.city == c for p in b.commitments) for c in brief.cities}

    before = {city: [f.stat().st_ino for f in files] for city, files in city_files.items()}
    projects = {p.name: p for p in last.catalog.projects if p.name in project_pages}
    assert projects
    project_inodes = {name: page.stat().st_ino for name, page in project_pages.items()}
    article = content / f"{slug}.txt"
    lines = article.read_text(encoding="utf-8").split("\n")
    lines[_first_speech(lines)] += "下一步将加快建设第三批产业协作项目，年内完成投资12亿元。"
    article.write_text("\n".join(lines), encoding="utf-8")
    patched = patch_site(last, [article])
    assert patched is not None
    was, now = counts(brief), counts(patched[1].catalog.by_slug[slug])
    gained = [city for city in brief.cities if now[city] != was[city]]
    assert len(gained) == 1 and now[gained[0]] == was[gained[0]] + 1
    for city in brief.cities:
        inodes = [f.stat().st_ino for f in city_files[city]]
        if city in gained:
            assert all(a != b for a, b in zip(inodes, before[city], strict=True)), city
            assert "第三批产业协作项目" in city_files[city][0].read_text(encoding="utf-8")
        else:
            assert inodes == before[city], city
    # A project's page shows the promises that name it: those stay as they were.
    kept = [
        project.name
        for project in patched[1].catalog.projects
        if project.name in projects and project.mentions == projects[project.name].mentions
    ]
    assert kept
    for name in kept:
        assert project_pages[name].stat().st_ino == project_inodes[name], name
    _assert_like_a_clean_build(content, out, tmp_path)


def test_a_paragraph_inserted_before_the_promises_leaves_the_lists_that_show_them(
    content_dir: Path, tmp_path: Path
) -> None:
    """Lists show a promise's words, not where it stands in its article: a paragraph
    inserted before the promises moves them, and leaves the pages and feeds
    of the brief's cities and the pages of its projects the same files."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    slug = "changzhutan-2023"
    brief = last.catalog.by_slug[slug]
    city_files, project_pages = _lists_of(last, out, slug)
    files = [*(f for pair in city_files.values() for f in pair), *project_pages.values()]
    before = [f.stat().st_ino for f in files]
    article = content / f"{slug}.txt"
    lines = article.read_text(encoding="utf-8").split("\n")
    lines.insert(_first_speech(lines), "会议还通报了第三批合作事项的进展情况。")
    article.write_text("\n".join(lines), encoding="utf-8")
    patched = patch_site(last, [article])
    assert patched is not None
    after = patched[1].catalog.by_slug[slug].commitments
    assert [c.text for c in after] == [c.text for c in brief.commitments]
    shifts = [a.paragraph - b.paragraph for a, b in zip(after, brief.commitments, strict=True)]
    assert set(shifts) <= {0, 1} and 1 in shifts  # those after the new paragraph moved
    assert [f.stat().st_ino for f in files] == before
    assert "第三批合作事项" in (out / "briefs" / f"{slug}.html").read_text(encoding="utf-8")
    _assert_like_a_clean_build(content, out, tmp_path)


def test_a_brief_more_redraws_every_home_page_with_the_new_total(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older brief, listed on the last home page only: the pages before it list the
    same briefs as before, yet each shows the number of briefs, which changed."""
    import policybriefs.pagemap

    monkeypatch.setattr(policybriefs.pagemap, "HOME_PAGE_SIZE", 3)
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    assert len(last.catalog.briefs) == 8  # three pages, as with one brief more
    shutil.copyfile(ARTICLES / "jingjinji-2022.txt", content / "jingjinji-2010.txt")
    meta = (ARTICLES / "jingjinji-2022.toml").read_text(encoding="utf-8")
    (content / "jingjinji-2010.toml").write_text(meta.replace("2022-", "2010-", 1), "utf-8")
    patched = patch_site(last, [content / "jingjinji-2010.toml", content / "jingjinji-2010.txt"])
    assert patched is not None
    assert [b.slug for b in patched[1].catalog.briefs[-2:]] == ["jingjinji-2010", "seed"]
    _assert_like_a_clean_build(content, out, tmp_path)
    assert "简报（9）" in (out / "page/2.html").read_text(encoding="utf-8")


def test_a_patch_that_fails_leaves_the_manifest_it_changes_in_place_as_it_was(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A patch changes the live manifest and claimed paths in place (copies of them
    were the peak of serve): when it fails, they are put back, and the whole build
    that serve then runs equals a clean one."""
    content = copy_patch_corpus(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    last = _patchable(content, out, cache)[-1]
    manifest, claimed = dict(last.manifest), set(last.claimed)
    real = policybriefs.patch.write_indexes

    def fails_after_writing(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise OSError("no space left on device")

    monkeypatch.setattr(policybriefs.patch, "write_indexes", fails_after_writing)
    with pytest.raises(OSError, match="no space"):
        patch_site(last, _new_article(content))  # claims new paths and changes keys
    assert last.manifest == manifest
    assert last.claimed == claimed
    monkeypatch.undo()
    build(content, out, ROOT / "templates", cache_dir=cache)
    clean = tmp_path / "clean"
    build(content, clean, ROOT / "templates")
    assert_same_site(out, clean)


_WITHOUT_PHRASES = """
import sys
from pathlib import Path

from policybriefs.draft import draft_pages, drafted_articles
from policybriefs.patch import patch_site
from policybriefs.pipeline import build

content, out, cache, templates = (Path(a) for a in sys.argv[1:5])
kept = []
for sentence in ("", "天津将推进港口协同。"):
    if sentence:
        article = content / "jingjinji-2022.txt"
        article.write_text(article.read_text(encoding="utf-8") + sentence, encoding="utf-8")
    build(content, out, templates, cache_dir=cache, keep=kept.append, jobs=2)
assert "pypinyin" not in sys.modules, "the build's own process loaded pypinyin"
article = content / "changzhutan-2023.txt"
article.write_text(
    article.read_text(encoding="utf-8") + "长沙将加快推进长株潭一体化发展。",
    encoding="utf-8",
)
drafts = draft_pages(kept[-1].kit, drafted_articles(content, [article]) or [])
assert len(drafts) == 4, sorted(drafts)
patched = patch_site(kept[-1], [article])
assert patched is not None
# Patched without a draft first: the patch makes the brief itself.
article = content / "chengyu-2022.txt"
article.write_text(
    article.read_text(encoding="utf-8") + "成都将深化成渝地区双城经济圈建设。", encoding="utf-8"
)
assert patch_site(patched[1], [article]) is not None
print(sorted(m for m in sys.modules if m.startswith("pypinyin")))
"""


def test_serve_drafts_and_patches_without_pypinyin(content_dir: Path, tmp_path: Path) -> None:
    """A saved article whose names the site knows is drafted and patched without
    pypinyin: its phrase table would add 55 MiB to ``serve``, which keeps the last
    build in memory. (The build's workers load it, to make names' slugs.)"""
    content = copy_patch_corpus(content_dir)
    args = [content, tmp_path / "site", tmp_path / "cache", ROOT / "templates"]
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PHRASES, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
