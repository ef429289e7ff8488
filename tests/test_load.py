"""Loading content/: formats, metadata, and bad input that must name the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT, SEED, copy_seed
from policybriefs.errors import ContentError
from policybriefs.load import discover, load_article, slugify
from policybriefs.pipeline import build

TEXT = "厦门漳州泉州联席会议召开\n厦门市委书记张三表示，厦门将加快建设。\n"


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16-le"),
    ],
)
def test_encodings_are_detected_and_named(content_dir: Path, encoding: str, expected: str) -> None:
    path = _write(content_dir, "a.txt", TEXT.encode(encoding))
    raw = load_article(path, content_dir)
    assert raw.text.startswith("厦门漳州泉州联席会议召开")
    assert raw.encoding == expected


def test_big5_article(content_dir: Path) -> None:
    path = _write(
        content_dir,
        "a.txt",
        "廈門漳州聯席會議召開\n廈門市委書記張三表示，廈門將加快建設。\n".encode("big5"),
    )
    raw = load_article(path, content_dir)
    assert raw.encoding == "big5" and "廈門將加快建設" in raw.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "byte"),
        ("spaces.md", '+++\ntitle = "x"\n+++\n\n', "no article text"),
        ("bad-front.md", "+++\ntitle = \n+++\n正文", "invalid front matter"),
        ("open-front.md", '+++\ntitle = "x"\n正文', "never closed"),
        ("yaml.md", "---\ntitle: x\n---\n正文", "TOML between +++"),
        ("unknown.md", '+++\ncolour = "red"\n+++\n正文', "unknown front matter key 'colour'"),
        ("badslug.md", '+++\nslug = "../etc"\n+++\n正文', "slug"),
        ("long-line.txt", "标题\n" + "字" * 1_000_000, "line is 1000000 characters"),
    ],
)
def test_bad_input_names_the_file(
    content_dir: Path, name: str, data: bytes | str, message: str
) -> None:
    path = _write(content_dir, name, data)
    with pytest.raises(ContentError) as info:
        load_article(path, content_dir)
    assert name in str(info.value) and message in str(info.value)


# (files, the error's start: file and line of the fault)
LOCATED = [
    ({"a.md": '+++\ntitle = "测试"\ntitel = "x"\n+++\n正文'}, "a.md:3: unknown front matter key"),
    ({"a.md": '+++\ndate = "2023年11月16日"\n+++\n正文'}, "a.md:2: front matter 'date'"),
    ({"a.md": '+++\ntitle = "x"\ntags = [\n+++\n正文'}, "a.md:3: invalid front matter"),
    ({"a.md": '+++\r\ntitle = "abc\r\ndate = 2023-01-01\r\n+++\r\n正文'}, "a.md:2: invalid front"),
    (
        {"a.md": '+++\ntitle = "x"\nsource_url = "ftp://x"\n+++\n正文'},
        "a.md:3: front matter 'source_url'",
    ),
    (
        {
            "a.txt": "正文",
            "a.toml": 'date = 2023-01-01\n\n[corrections]\nparagraphs = { x = "厦门" }\n',
        },
        "a.toml:4: corrections.paragraphs key 'x'",
    ),
    (
        {"a.txt": "正文", "a.toml": "[corrections]\nparagraph = 1\n"},
        "a.toml:2: unknown key 'corrections.paragraph'",
    ),
    (
        {
            "a.txt": "正文",
            "a.toml": '[[corrections.commitments]]\nparagraph = 0\nmatch = "x"\nstatus = "maybe"\n',
        },
        "a.toml:4: commitment status 'maybe'",
    ),
    ({"a.txt": "正文", "a.toml": 'tags = ["a",\n'}, "a.toml:1: invalid TOML"),
    # The entry at fault, not the first of its table.
    (
        {
            "a.md": '+++\ntitle = "x"\n[[corrections.officials]]\nname = "张三"\n'
            '[[corrections.officials]]\nname = "李四"\ncty = "厦门"\n+++\n正文'
        },
        "a.md:7: unknown key 'corrections.officials.cty'",
    ),
    (
        {
            "a.txt": "正文",
            "a.toml": '[[corrections.commitments]]\nparagraph = 0\nmatch = "福州"\n\n'
            '[[corrections.commitments]]\nparagraph = 0\nmatch = "x"\nstatus = "maybe"\n',
        },
        "a.toml:8: commitment status 'maybe'",
    ),
    (
        {
            "a.txt": "正文",
            "a.toml": '[corrections]\nofficials = [{ name = "张三" }, { nme = "李" }]\n',
        },
        "a.toml:2: unknown key 'corrections.officials.nme'",
    ),
]


@pytest.mark.parametrize(("files", "message"), LOCATED)
def test_bad_metadata_names_the_line(
    content_dir: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        _write(content_dir, name, text)
    with pytest.raises(ContentError) as info:
        load_article(content_dir / next(iter(files)), content_dir)
    assert str(info.value).startswith(message), str(info.value)


def test_long_line_error_names_the_line(content_dir: Path) -> None:
    path = _write(content_dir, "long.txt", "标题\n正文\n" + "字" * 30_000)
    with pytest.raises(ContentError, match=r"long\.txt:3"):
        load_article(path, content_dir)


def test_undecodable_bytes_name_the_offset(content_dir: Path) -> None:
    path = _write(
        content_dir, "broken.txt", "厦门市委书记".encode() + b"\xff\xfe\xfa" + "表示".encode()
    )
    with pytest.raises(ContentError, match=r"broken\.txt.*byte 18"):
        load_article(path, content_dir)


def test_huge_file_is_refused_without_reading_it_whole(content_dir: Path) -> None:
    path = content_dir / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(ContentError, match=r"huge\.txt.*50\.0 MiB"):
        load_article(path, content_dir)


def test_symlink_outside_content_is_refused(content_dir: Path, tmp_path: Path) -> None:
    outside = _write(tmp_path, "secret.txt", TEXT)
    link = content_dir / "link.txt"
    os.symlink(outside, link)
    with pytest.raises(ContentError, match="outside the content folder"):
        load_article(link, content_dir)


def test_discover_skips_hidden_files_and_collects_pages(content_dir: Path) -> None:
    _write(content_dir, "a.txt", TEXT)
    _write(content_dir, ".hidden.txt", TEXT)
    _write(content_dir, "a.toml", "date = 2021-01-01\n")
    (content_dir / "pages").mkdir()
    _write(content_dir / "pages", "about.md", "# 关于\n")
    articles, pages = discover(content_dir)
    assert [p.name for p in articles] == ["a.txt"]
    assert [p.name for p in pages] == ["about.md"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("厦门", "xiamen"),
        ("闽西南 第三次 会议", "minxinan-disanci-huiyi"),
        ("Meeting 2021", "meeting-2021"),
        ("../../etc", "etc"),
        ("", "untitled"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_duplicate_slugs_fail_and_name_both_files(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir, "same.txt")
    _write(content_dir, "other.md", '+++\nslug = "same"\n+++\n' + TEXT)
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert any("other.md" in e and "same.txt" in e for e in report.errors), report.errors
    assert (tmp_path / "site" / "briefs" / "same.html").is_file()


def test_a_brief_named_index_keeps_clear_of_the_sites_data_index(
    content_dir: Path, tmp_path: Path
) -> None:
    """data/<slug>.json sits beside data/index.json, the list of every brief."""
    copy_seed(content_dir, "index.txt")
    _write(content_dir, "chosen.md", '+++\nslug = "index"\n+++\n' + TEXT)
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert [e for e in report.errors if "chosen.md" in e and "data/index.json" in e]
    assert len(report.errors) == 1, report.errors
    out = tmp_path / "site"
    assert (out / "briefs" / "index-entry.html").is_file()
    listed = json.loads((out / "data" / "index.json").read_text(encoding="utf-8"))
    assert [b["slug"] for b in listed] == ["index-entry"]
    assert json.loads((out / "data" / "index-entry.json").read_text(encoding="utf-8"))["slug"]


def test_article_without_city_builds_as_meeting_only_brief(
    content_dir: Path, tmp_path: Path
) -> None:
    _write(content_dir, "plain.txt", "一次没有城市发言的会议\n会议审议通过了年度工作要点。\n")
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert not report.errors
    assert any("plain.txt" in w and "meeting-only" in w for w in report.warnings)
    assert (tmp_path / "site" / "briefs" / "plain.html").is_file()


def test_good_articles_survive_a_bad_one(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir, "good.txt")
    _write(content_dir, "empty.txt", b"")
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert [e for e in report.errors if "empty.txt" in e]
    assert (tmp_path / "site" / "briefs" / "good.html").is_file()


def test_seed_is_shipped_unchanged() -> None:
    original = ROOT.parent / "shared" / "seed" / "000_eebe44ad1ac442b2.txt"
    if not original.is_file():
        pytest.skip("the user's seed folder is not beside this checkout")
    assert SEED.read_bytes() == original.read_bytes()
