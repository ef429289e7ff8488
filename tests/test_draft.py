"""Drafts: ``serve`` shows an edited article's own pages before the site is rebuilt."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_articles, copy_seed
from policybriefs.draft import DraftKit, Drafts, Reusable, draft_pages, drafted_articles
from policybriefs.pipeline import build
from policybriefs.serve import DRAFT_NOTICE_TEXT, RELOAD_PATH, Preview

ARTICLES = FIXTURES / "articles"
NAMES = ["changzhutan-2023", "jingjinji-2022", "minxinan-2020-meeting-2", "minxinan-2022-meeting-4"]
SENTENCE = "长沙将加快建设长株潭都市圈轨道交通项目。"


def _content(folder: Path) -> Path:
    return copy_articles(folder, NAMES)


def _built_kit(content: Path, out: Path, cache: Path, last_kit: DraftKit | None = None) -> DraftKit:
    """Build as ``serve`` does, and what it keeps to draft with."""
    kits: list[DraftKit] = []
    build(
        content,
        out,
        ROOT / "templates",
        cache_dir=cache,
        keep=lambda last: kits.append(last.kit),
        reuse=None if last_kit is None else last_kit.reusable(),
    )
    return kits[-1]


def _append_to_longest_line(path: Path, sentence: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += sentence
    path.write_text("\n".join(lines), encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _edit_sentence(content: Path) -> list[Path]:
    _append_to_longest_line(content / "changzhutan-2023.txt", SENTENCE)
    return [content / "changzhutan-2023.txt"]


def _edit_sidecar(content: Path) -> list[Path]:
    _replace(content / "changzhutan-2023.toml", "2023-04-20", "2019-04-20")
    return [content / "changzhutan-2023.toml"]


def _new_official(content: Path) -> list[Path]:
    """OpenCC writes each character of both names one way only: neither needs an entry."""
    _replace(content / "changzhutan-2023.txt", "易振坤", "龚建华")
    return [content / "changzhutan-2023.txt"]


def _new_official_needing_an_entry(content: Path) -> list[Path]:
    """周末 writes 周 as 週: the converter must be told 周建华 is a name."""
    _replace(content / "changzhutan-2023.txt", "易振坤", "周建华")
    return [content / "changzhutan-2023.txt"]


def _name_of_another_briefs_official(content: Path) -> list[Path]:
    """余红胜 is an official of the seed brief; here he is only named in the text.
    The build protects his name everywhere (OpenCC alone writes 餘紅勝)."""
    _append_to_longest_line(content / "jingjinji-2022.txt", "余红胜同志列席会议。")
    return [content / "jingjinji-2022.txt"]


def _new_article_repeating_promises(content: Path) -> list[Path]:
    """A later meeting of the same cities: its promises link to the first ones."""
    (content / "jingjinji-2024.txt").write_bytes((ARTICLES / "jingjinji-2022.txt").read_bytes())
    (content / "jingjinji-2024.toml").write_text(
        (ARTICLES / "jingjinji-2022.toml").read_text(encoding="utf-8").replace("2022-", "2024-", 1),
        encoding="utf-8",
    )
    return [content / "jingjinji-2024.toml", content / "jingjinji-2024.txt"]


@pytest.mark.parametrize(
    ("edit", "slug"),
    [
        (_edit_sentence, "changzhutan-2023"),
        (_edit_sidecar, "changzhutan-2023"),
        (_new_official, "changzhutan-2023"),
        (_new_official_needing_an_entry, "changzhutan-2023"),
        (_name_of_another_briefs_official, "jingjinji-2022"),
        (_new_article_repeating_promises, "jingjinji-2024"),
    ],
)
def test_drafts_equal_the_pages_the_next_build_writes(
    edit: Callable[[Path], list[Path]], slug: str, content_dir: Path, tmp_path: Path
) -> None:
    _content(content_dir)
    copy_seed(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    kit = _built_kit(content_dir, out, cache)
    changed = edit(content_dir)

    articles = drafted_articles(content_dir, changed)
    assert articles is not None
    drafts = draft_pages(kit, articles)
    assert sorted(drafts) == sorted(
        f"{root}{section}/{slug}.html"
        for root in ("", "zh-Hant/")
        for section in ("briefs", "repairs")
    )
    build(content_dir, out, ROOT / "templates", cache_dir=cache)
    for path, page in drafts.items():
        assert page == (out / path).read_bytes(), path
    if edit is _name_of_another_briefs_official:
        assert "余紅勝同志列席會議" in drafts[f"zh-Hant/briefs/{slug}.html"].decode("utf-8")


def test_a_renamed_brief_is_not_its_own_first_promise(content_dir: Path, tmp_path: Path) -> None:
    """An article whose slug changes is the same meeting: its promises do not
    repeat those of its own earlier version."""
    _content(content_dir)
    meta = (ARTICLES / "jingjinji-2022.toml").read_text(encoding="utf-8")
    body = (ARTICLES / "jingjinji-2022.txt").read_text(encoding="utf-8")
    (content_dir / "jingjinji-2022.toml").unlink()
    (content_dir / "jingjinji-2022.txt").unlink()
    article = content_dir / "jjj.md"
    article.write_text(f'+++\n{meta}slug = "jjj-a"\n+++\n{body}', encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    kit = _built_kit(content_dir, out, cache)
    assert "首次承诺于" not in (out / "briefs/jjj-a.html").read_text(encoding="utf-8")
    _replace(article, 'slug = "jjj-a"', 'slug = "jjj-b"')

    drafts = draft_pages(kit, drafted_articles(content_dir, [article]) or [])
    page = drafts["briefs/jjj-b.html"]
    assert "首次承诺于" not in page.decode("utf-8")
    build(content_dir, out, ROOT / "templates", cache_dir=cache)
    assert page == (out / "briefs/jjj-b.html").read_bytes()


def test_a_repeated_promise_is_linked_in_the_draft(content_dir: Path, tmp_path: Path) -> None:
    _content(content_dir)
    kit = _built_kit(content_dir, tmp_path / "site", tmp_path)
    changed = _new_article_repeating_promises(content_dir)
    drafts = draft_pages(kit, drafted_articles(content_dir, changed) or [])
    page = drafts["briefs/jingjinji-2024.html"].decode("utf-8")
    assert "首次承诺于" in page and "briefs/jingjinji-2022.html" in page


def test_drafted_articles_are_only_articles_and_their_sidecars(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    for name in (
        "a.txt",
        "a.toml",
        "b.md",
        "site.toml",
        "pages/about.md",
        ".a.txt.swp",
        "notes.jpg",
    ):
        (content / name).write_text("x", encoding="utf-8")
    cases: list[tuple[list[str], list[str] | None]] = [
        (["a.txt"], ["a.txt"]),
        (["a.toml"], ["a.txt"]),  # a sidecar is its article's front matter
        (["b.md", "a.txt"], ["a.txt", "b.md"]),
        (["a.txt", "a.toml"], ["a.txt"]),
        (["a.txt", "sedX4kq"], ["a.txt"]),  # an editor's temporary file, gone again
        (["notes.jpg"], []),  # not content: nothing to draft
        (["site.toml"], None),  # the configuration reaches every page
        (["pages/about.md"], None),  # static pages are in every footer
        (["gone.txt"], None),  # removed: only a build can take it away
        ([".a.txt.swp"], []),
        (["a.txt", "../templates/base.html"], None),
    ]
    for changed, expected in cases:
        found = drafted_articles(content, [content / name for name in changed])
        names = None if found is None else [p.relative_to(content).as_posix() for p in found]
        assert names == expected, changed


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def test_serve_shows_the_draft_until_the_rebuilt_site_is_in_place(
    content_dir: Path, tmp_path: Path
) -> None:
    _content(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    drafts = Drafts()
    build(content_dir, out, ROOT / "templates", cache_dir=cache, keep=drafts.keep)
    go_on = threading.Event()

    def rebuild(changed: Sequence[Path] = ()) -> int:
        go_on.wait(timeout=30)  # held until the test has seen the draft
        build(content_dir, out, ROOT / "templates", cache_dir=cache, keep=drafts.keep)
        return 0

    server = Preview(out, [content_dir], rebuild, port=0, drafts=drafts)
    server.start()
    try:
        time.sleep(0.3)  # let the watcher start
        _edit_sentence(content_dir)
        page = "briefs/changzhutan-2023.html"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _get(server.url + RELOAD_PATH) == "0":
            time.sleep(0.05)
        assert _get(server.url + RELOAD_PATH) == "1"
        drafted = _get(server.url + page)
        assert SENTENCE in drafted and DRAFT_NOTICE_TEXT["zh-Hans"] in drafted
        drafted = _get(server.url + "zh-Hant/" + page)
        assert "長株潭都市圈軌道交通項目" in drafted and DRAFT_NOTICE_TEXT["zh-Hant"] in drafted
        assert SENTENCE not in (out / page).read_text(encoding="utf-8")  # disk: builds only

        go_on.set()
        while time.monotonic() < deadline and _get(server.url + RELOAD_PATH) == "1":
            time.sleep(0.05)
        assert _get(server.url + RELOAD_PATH) == "2"
        assert drafts.pages == {}
        assert SENTENCE in (out / page).read_text(encoding="utf-8")
        rebuilt = _get(server.url + page)
        assert SENTENCE in rebuilt and DRAFT_NOTICE_TEXT["zh-Hans"] not in rebuilt
    finally:
        go_on.set()
        server.stop()


@pytest.mark.parametrize(
    ("edit", "same_names"),
    [(_edit_sentence, True), (_new_official, True), (_new_official_needing_an_entry, False)],
)
def test_a_build_reuses_what_serve_holds_and_equals_a_clean_build(
    edit: Callable[[Path], list[Path]], same_names: bool, content_dir: Path, tmp_path: Path
) -> None:
    _content(content_dir)
    out, cache = tmp_path / "site", tmp_path / "cache"
    kit = _built_kit(content_dir, out, cache)
    edit(content_dir)
    assert len(kit.held_briefs()) == len(NAMES)
    again = _built_kit(content_dir, out, cache, last_kit=kit)
    # The same protected names make the same converter; a new official who needs an
    # entry, another.
    assert (again.traditional is kit.traditional) == same_names
    before, after = (k.links["briefs_by_slug"] for k in (kit, again))
    for slug in after:  # type: ignore[attr-defined]
        reused = after[slug] is before[slug]  # type: ignore[index]
        assert reused == (slug != "changzhutan-2023"), slug

    clean = tmp_path / "clean"
    build(content_dir, clean, ROOT / "templates")
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    differing = [f for f in files if (out / f).read_bytes() != (clean / f).read_bytes()]
    assert [f.name for f in differing] == [".policybriefs-site"]  # the marker naming each build


def test_two_new_articles_with_one_slug_draft_the_first(content_dir: Path, tmp_path: Path) -> None:
    """As the build keeps the first in path order and reports the other."""
    _content(content_dir)
    kit = _built_kit(content_dir, tmp_path / "site", tmp_path)
    body = (ARTICLES / "chengyu-2022.txt").read_text(encoding="utf-8")
    first, second = content_dir / "a.md", content_dir / "b.md"
    first.write_text(f'+++\nslug = "same"\ntitle = "甲"\n+++\n{body}', encoding="utf-8")
    second.write_text(f'+++\nslug = "same"\ntitle = "乙"\n+++\n{body}', encoding="utf-8")
    drafts = draft_pages(kit, drafted_articles(content_dir, [second, first]) or [])
    assert len(drafts) == 4
    assert "<title>甲" in drafts["briefs/same.html"].decode("utf-8")


def test_what_serve_keeps_has_every_template_compiled(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Patches render in serve's own process: no template waits to be compiled by
    the first patch that needs it, even when serve starts on a built site and
    nothing was rendered."""
    content, out, cache = _content(content_dir), tmp_path / "site", tmp_path / "c"
    build(content, out, ROOT / "templates", cache_dir=cache)
    kit = _built_kit(content, out, cache)  # up to date: nothing rendered

    def refuse(*_: object) -> None:
        raise AssertionError("a template was read after the build")

    monkeypatch.setattr(type(kit.env.loader), "get_source", refuse)
    names = [
        p.relative_to(ROOT / "templates").as_posix()
        for p in sorted((ROOT / "templates").rglob("*.html"))
        if "static" not in p.parts
    ]
    assert "project.html" in names and "partials/commitment.html" in names
    for name in names:
        kit.env.get_template(name)


def _build_under_serve(
    content: Path,
    tmp_path: Path,
    drafts: Drafts,
    reuse: Reusable | None = None,
    release: Callable[[], None] | None = None,
) -> None:
    """A build as ``serve`` runs it, into ``tmp_path``'s site and cache."""
    build(
        content,
        tmp_path / "site",
        ROOT / "templates",
        cache_dir=tmp_path / "cache",
        keep=drafts.keep,
        reuse=reuse,
        release=release,
        jobs=1,
    )


def test_a_whole_build_under_serve_holds_nothing_of_the_last_but_what_it_reuses(
    content_dir: Path, tmp_path: Path
) -> None:
    """A build under ``serve`` that finds its inputs changed lets the last build go
    (``Drafts.let_go``) before it makes anything: freed at once, without the
    collector, while the briefs and converter it takes stay. One that finds
    nothing changed leaves serve its last build."""
    import gc
    import weakref

    _content(content_dir)
    drafts = Drafts()
    _build_under_serve(content_dir, tmp_path, drafts)
    first = drafts.last
    assert first is not None

    let_go: list[bool] = []
    _build_under_serve(
        content_dir, tmp_path, drafts, drafts.reusable(), lambda: let_go.append(True)
    )
    assert let_go == [] and drafts.last is first  # up to date: nothing let go or made

    # (Its Jinja environment is a cycle, left to the collector: its compiled
    # templates took no measurable memory at N = 10,000.)
    gone: list[weakref.ref[object]] = [weakref.ref(o) for o in (first, first.kit, first.catalog)]
    briefs = dict(first.kit.held_briefs())
    reuse = drafts.reusable()
    del first
    _edit_sentence(content_dir)
    freed: list[list[object]] = []

    def release() -> None:
        gc.disable()  # nothing left to the collector: the build runs with it off
        try:
            drafts.let_go()
            freed.append([ref() for ref in gone])
        finally:
            gc.enable()

    _build_under_serve(content_dir, tmp_path, drafts, reuse, release)
    assert freed == [[None] * len(gone)]
    assert reuse is not None and reuse.briefs == briefs
    assert drafts.last is not None and drafts.last.patchable
    held = drafts.last.kit.held_briefs()
    assert held.keys() - briefs.keys() and briefs.keys() - held.keys()  # the edited brief
    assert all(held[key] is brief for key, brief in briefs.items() if key in held)
    assert drafts.last.kit.traditional is reuse.traditional


def test_after_a_whole_build_fails_serve_still_has_the_briefs_to_build_from(
    content_dir: Path, tmp_path: Path
) -> None:
    """A build that lets the last one go and then fails (here a broken site.toml)
    leaves serve nothing to draft or patch with, but the briefs to take: the
    build after it, finding the site as it was, gives serve a build again, made
    from those briefs."""
    from policybriefs.errors import ConfigError

    _content(content_dir)
    drafts = Drafts()
    _build_under_serve(content_dir, tmp_path, drafts)
    assert drafts.last is not None
    briefs = drafts.last.kit.held_briefs()
    config = content_dir / "site.toml"
    config.write_text("title = \n", encoding="utf-8")
    with pytest.raises(ConfigError):
        _build_under_serve(content_dir, tmp_path, drafts, drafts.reusable(), drafts.let_go)
    assert drafts.last is None and drafts.kit is None
    reuse = drafts.reusable()
    assert reuse is not None and all(reuse.briefs[k] is b for k, b in briefs.items())

    config.unlink()  # as it was: nothing changed since the last build that finished
    _build_under_serve(content_dir, tmp_path, drafts, reuse, release=None)
    assert drafts.last is not None and drafts.last.patchable
    held = drafts.last.kit.held_briefs()
    assert all(held[k] is b for k, b in briefs.items())
    assert drafts.kit is drafts.last.kit  # drafts are drawn again
