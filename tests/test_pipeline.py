"""End to end: the shipped seed built into a temporary site, checked like a reader would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, assert_same_site, copy_articles, copy_seed

SLUG = "2021-minxinan-joint-meeting-3"
CITIES = ["厦门", "漳州", "泉州", "三明", "龙岩"]


def _data(site: Path) -> dict:
    return json.loads((site / "data" / f"{SLUG}.json").read_text(encoding="utf-8"))


def test_roster_of_the_seed(seed_site: Path) -> None:
    officials = {o["name"]: o for o in _data(seed_site)["officials"]}
    assert {n: o["city"] for n, o in officials.items()} == {
        "胡昌升": "厦门",
        "邵玉龙": "漳州",
        "刘远": "漳州",
        "康涛": "泉州",
        "王永礼": "泉州",
        "余红胜": "三明",
        "李建成": "龙岩",
        "黄强": "厦门",
    }
    assert officials["余红胜"]["titles"] == ["三明市长"]
    assert officials["刘远"]["titles"] == ["漳州市长"]
    assert "省委副书记" in officials["胡昌升"]["titles"]
    assert "蔡镇金" not in officials and "习近平" not in officials


def test_sections_of_the_seed(seed_site: Path) -> None:
    data = _data(seed_site)
    sections = {s["city"]: s["paragraphs"] for s in data["sections"]}
    assert [s["city"] for s in data["sections"] if s["city"]] == [
        "厦门",
        "泉州",
        "漳州",
        "三明",
        "龙岩",
    ]
    assert sections["漳州"] == [7, 8]  # the 坚持… paragraph continues 邵玉龙's statement
    assert sections["厦门"] == [3, 4, 5]
    assert sections[None] == [0, 1, 2, 11]
    paragraphs = data["paragraphs"]
    assert paragraphs[7].startswith("邵玉龙表示")
    assert paragraphs[8].startswith("坚持规划引领")


def test_commitments_of_the_seed(seed_site: Path) -> None:
    commitments = _data(seed_site)["commitments"]
    by_city = {city: [c for c in commitments if c["city"] == city] for city in CITIES}
    assert all(by_city[city] for city in CITIES), {c: len(v) for c, v in by_city.items()}
    texts = " ".join(c["text"] for c in commitments)
    for expected in [
        "泉州将站位大局",
        "坚持规划引领",
        "一是进一步完善协同招商运行机制",
        "龙岩新机场",
        "共建区域重要增长极",
    ]:
        assert expected in texts
    sanming = by_city["三明"]
    assert {c["kind"] for c in sanming} >= {"proposal", "pledge"}
    assert all(c["speaker"] == "余红胜" for c in sanming)


def test_normalized_text_of_the_seed(seed_site: Path) -> None:
    data = _data(seed_site)
    body = "\n".join(data["paragraphs"])
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\s?\)", body)  # no pinyin left
    assert not re.search(r"[,;:!?]", body)  # no ASCII punctuation left
    assert not re.search(r"[，,][，。、；]", body)  # no doubled punctuation
    assert body.count("山海康养卡") == 2
    assert data["title"] == "携手为新时代新福建建设贡献更大力量"
    kinds = {r["kind"] for r in data["repairs"]}
    assert {"pinyin", "punctuation", "script", "mojibake", "mojibake-inferred"} <= kinds


def test_export_fields(seed_site: Path) -> None:
    data = _data(seed_site)
    for key in [
        "slug",
        "title",
        "date",
        "paragraphs",
        "officials",
        "sections",
        "commitments",
        "repairs",
        "warnings",
    ]:
        assert key in data
    assert data["date"] is None
    for o in data["officials"]:
        assert set(o) >= {"name", "city", "titles"}
    for s in data["sections"]:
        assert set(s) >= {"city", "speakers", "paragraphs"}
    for c in data["commitments"]:
        assert set(c) >= {"city", "speaker", "text", "paragraph", "kind"}
        assert c["text"] in data["paragraphs"][c["paragraph"]]
    for r in data["repairs"]:
        assert set(r) >= {"kind", "before", "after", "paragraph", "offset"}
    index = json.loads((seed_site / "data" / "index.json").read_text(encoding="utf-8"))
    assert [b["slug"] for b in index] == [SLUG]
    csv_text = (seed_site / "data" / "commitments.csv").read_text(encoding="utf-8-sig")
    assert csv_text.count("\n") == len(data["commitments"]) + 1


def test_both_scripts_with_identical_paths(seed_site: Path) -> None:
    hans = sorted(
        p.relative_to(seed_site).as_posix()
        for p in seed_site.rglob("*.html")
        if "zh-Hant" not in p.parts
    )
    hant = sorted(
        p.relative_to(seed_site / "zh-Hant").as_posix()
        for p in (seed_site / "zh-Hant").rglob("*.html")
    )
    assert hans == hant
    for path in hans:
        assert '<html lang="zh-Hans">' in (seed_site / path).read_text(encoding="utf-8")
        assert '<html lang="zh-Hant">' in (seed_site / "zh-Hant" / path).read_text(encoding="utf-8")


def test_traditional_edition_protects_names(seed_site: Path) -> None:
    page = (seed_site / "zh-Hant" / "briefs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "余紅勝" in page and "餘紅勝" not in page
    assert "三明市長" in page
    assert "新征程" in page and "新徵程" not in page
    hans = (seed_site / "briefs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "余红胜" in hans and "三明市长" in hans


def test_script_switch_goes_to_the_same_page(seed_site: Path) -> None:
    page = (seed_site / "briefs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert f'href="../zh-Hant/briefs/{SLUG}.html"' in page
    hant = (seed_site / "zh-Hant" / "briefs" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert f'href="../../briefs/{SLUG}.html"' in hant
    assert ">简体</a>" in hant  # the label of the other script is not converted


def test_every_relative_link_points_at_a_file(seed_site: Path) -> None:
    for page in seed_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'(?:href|src)="([^"#]+)', html):
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            assert not href.startswith("/"), f"{page}: absolute link {href}"
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page.relative_to(seed_site)} links to missing {href}"


def test_scraped_text_is_escaped(content_dir: Path, tmp_path: Path) -> None:
    from policybriefs.pipeline import build

    (content_dir / "evil.txt").write_text(
        "标题<script>alert(1)</script>\n"
        "厦门市委书记张三表示，厦门将<b>加快</b>发展<img src=x onerror=alert(1)>。\n",
        encoding="utf-8",
    )
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert not report.errors
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>加快" not in html


def _run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_builds_any_folder_into_any_output(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir, "seed.txt")
    out = tmp_path / "deep" / "out"
    result = _run_cli("--content", str(content_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "briefs" / "seed.html").is_file()
    assert "normalize" in result.stderr and "write" in result.stderr
    quiet = _run_cli("--content", str(content_dir), "--out", str(out), "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_cli_reports_a_bad_file_by_name_and_builds_the_rest(
    content_dir: Path, tmp_path: Path
) -> None:
    copy_seed(content_dir, "good.txt")
    (content_dir / "bad.md").write_text("+++\ntitle = \n+++\n正文\n", encoding="utf-8")
    out = tmp_path / "site"
    result = _run_cli("--content", str(content_dir), "--out", str(out), "-q")
    assert result.returncode == 1
    assert "bad.md" in result.stderr
    assert (out / "briefs" / "good.html").is_file()


def test_strict_fails_on_warnings(content_dir: Path, tmp_path: Path) -> None:
    (content_dir / "plain.txt").write_text("一次会议\n会议审议通过了工作要点。\n", encoding="utf-8")
    args = ["--content", str(content_dir), "--out", str(tmp_path / "o"), "-q", "--no-search"]
    assert _run_cli(*args).returncode == 0
    strict = _run_cli(*args, "--strict")
    assert strict.returncode == 1 and "plain.txt" in strict.stderr


def test_bad_config_is_a_clear_error(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir)
    (content_dir / "site.toml").write_text('colour = "red"\n', encoding="utf-8")
    result = _run_cli("--content", str(content_dir), "--out", str(tmp_path / "o"), "-q")
    assert result.returncode == 2
    assert "site.toml" in result.stderr and "colour" in result.stderr


def test_missing_content_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = _run_cli("--content", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "nope" in result.stderr


def test_md_article_with_front_matter_and_notes(content_dir: Path, tmp_path: Path) -> None:
    from policybriefs.pipeline import build

    (content_dir / "ganzhou.md").write_text(
        '+++\ntitle = "赣州吉安抚州三市合作座谈会"\ndate = 2022-03-01\n'
        'source_url = "https://example.org/a"\n'
        'meeting = "赣州吉安抚州合作座谈会"\ntags = ["江西"]\n+++\n'
        "赣州市委书记李卫东、吉安市长王晓峰出席会议。\n"
        "李卫东表示，赣州将加快建设赣深高铁沿线产业带。\n"
        "<!-- notes -->\n## 编者按\n\n这是**编者**的分析。<script>alert(1)</script>\n",
        encoding="utf-8",
    )
    (content_dir / "pages").mkdir()
    (content_dir / "pages" / "about.md").write_text("# 关于\n\n方法说明。\n", encoding="utf-8")
    out = tmp_path / "site"
    report = build(content_dir, out, ROOT / "templates")
    assert not report.errors, report.errors
    data = json.loads((out / "data" / "ganzhou.json").read_text(encoding="utf-8"))
    assert data["date"] == "2022-03-01" and data["title"] == "赣州吉安抚州三市合作座谈会"
    assert data["paragraphs"][0].startswith("赣州市委书记")
    page = (out / "briefs" / "ganzhou.html").read_text(encoding="utf-8")
    assert "<strong>编者</strong>" in page and "<script>alert" not in page
    assert (out / "pages" / "about.html").is_file()


def test_sidecar_metadata_for_raw_txt(content_dir: Path, tmp_path: Path) -> None:
    from policybriefs.pipeline import build

    copy_seed(content_dir, "seed.txt")
    (content_dir / "seed.toml").write_text(
        'date = 2021-01-08\nsource_url = "https://example.org/seed"\n'
        '[[corrections.officials]]\nname = "蔡镇金"\ncity = "厦门"\ntitles = ["记者"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "site"
    report = build(content_dir, out, ROOT / "templates")
    assert not report.errors, report.errors
    data = json.loads((out / "data" / "seed.json").read_text(encoding="utf-8"))
    assert data["date"] == "2021-01-08"
    added = next(o for o in data["officials"] if o["name"] == "蔡镇金")
    assert added["reviewed"] is True


DATED_LEAD = (
    "兰西城市群四市联席会议在西宁举行\n"
    "2024年9月7日，兰西城市群四市联席会议在西宁举行。西宁市委书记余海洋、兰州市长司马明亮出席会议。\n"
    "司马明亮表示，兰州将在年内开通两市间城际公交。\n"
)


@pytest.mark.parametrize(
    ("sidecar", "date", "source"),
    [(None, "2024-09-07", "text"), ("date = 2024-09-08\n", "2024-09-08", "metadata")],
)
def test_a_raw_article_is_dated_by_its_lead_unless_an_editor_dates_it(
    content_dir: Path, tmp_path: Path, sidecar: str | None, date: str, source: str
) -> None:
    from policybriefs.pipeline import build

    (content_dir / "lanxi.txt").write_text(DATED_LEAD, encoding="utf-8")
    if sidecar is not None:
        (content_dir / "lanxi.toml").write_text(sidecar, encoding="utf-8")
    out = tmp_path / "site"
    report = build(content_dir, out, ROOT / "templates")
    assert not report.errors, report.errors
    data = json.loads((out / "data" / "lanxi.json").read_text(encoding="utf-8"))
    assert (data["date"], data["date_source"]) == (date, source)
    page = (out / "briefs" / "lanxi.html").read_text(encoding="utf-8")
    assert f'<time datetime="{date}">' in page
    assert ("（据导语）" in page) == (source == "text")


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        ('colour = "red"\n', "unknown front matter key 'colour'"),
        ('[corrections]\nparagraphs = { 99 = "厦门" }\n', "no paragraph 99"),
        ('[corrections]\nparagraphs = { 3 = "火星" }\n', "unknown city '火星'"),
        ('date = "yesterday"\n', "'date' must be a date"),
    ],
)
def test_bad_metadata_names_the_file(
    content_dir: Path, tmp_path: Path, sidecar: str, message: str
) -> None:
    from policybriefs.pipeline import build

    copy_seed(content_dir, "seed.txt")
    (content_dir / "seed.toml").write_text(sidecar, encoding="utf-8")
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert any("seed" in e and message in e for e in report.errors), report.errors


def test_two_builds_are_byte_identical(content_dir: Path, tmp_path: Path) -> None:
    from policybriefs.pipeline import build

    copy_seed(content_dir)
    a, b = tmp_path / "a", tmp_path / "b"
    build(content_dir, a, ROOT / "templates")
    build(content_dir, b, ROOT / "templates")
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_cli_says_an_unchanged_site_is_up_to_date(content_dir: Path, tmp_path: Path) -> None:
    copy_seed(content_dir)
    args = ["--content", str(content_dir), "--out", str(tmp_path / "site"), "--no-search"]
    args += ["--cache-dir", str(tmp_path / "cache")]
    first = _run_cli(*args)
    again = _run_cli(*args)
    assert first.returncode == again.returncode == 0
    assert "built 1 brief(s)" in first.stderr
    assert "up to date" in again.stderr and "built " not in again.stderr


def test_text_holding_a_renderers_stand_in_character_is_not_taken_for_one(
    content_dir: Path, tmp_path: Path
) -> None:
    """Pages are rendered once, with private-use characters standing for what differs
    between the scripts; GBK's user-defined area decodes to such characters, and text
    holding them must not be filled in with a script's values."""
    from policybriefs.pipeline import build

    (content_dir / "pua.txt").write_text(
        "厦门召开协作会议\n厦门市委书记张三表示，厦门将加快发展\ue003\ue007新材料\ue008产业。\n",
        encoding="utf-8",
    )
    report = build(content_dir, tmp_path / "site", ROOT / "templates")
    assert not report.errors
    for script_dir in ("", "zh-Hant/"):
        html = (tmp_path / "site" / script_dir / "briefs" / "pua.html").read_text(encoding="utf-8")
        assert not any(chr(c) in html for c in range(0xE000, 0xE009))
        assert "\ufffd\ufffd" in html
        assert "新材料" in html


def test_a_build_with_workers_loads_no_readings_in_its_main_process(tmp_path: Path) -> None:
    """pypinyin holds 60 MiB: only the workers that normalize and name load it."""
    content = tmp_path / "content"
    content.mkdir()
    names = [
        "changzhutan-2023",
        "jingjinji-2022",
        "chengyu-2022",
        "dawanqu-2021",
        "mindongbei-2022",
    ]
    copy_articles(content, names)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from policybriefs.pipeline import build\n"
        f"report = build(Path({str(content)!r}), Path({str(tmp_path / 'site')!r}),"
        f" Path({str(ROOT / 'templates')!r}), jobs=2)\n"
        "assert report.briefs > 4, report.briefs\n"
        "print('pypinyin' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_brief_protects_its_own_officials_not_every_brief_s(
    content_dir: Path, tmp_path: Path
) -> None:
    """A two-character name wins a tie with OpenCC's phrases (市长于东 → 市長于東),
    so it would also be found inside words (关于东西部). A brief's own pages
    protect only its officials: another brief's 于东 leaves 关于 to OpenCC."""
    from policybriefs.pipeline import build

    copy_articles(content_dir, ["mindongbei-2022", "chengyu-2022"])
    official = content_dir / "mindongbei-2022.txt"
    official.write_text(
        official.read_text(encoding="utf-8").replace("楊立川", "于東"), encoding="utf-8"
    )
    words = content_dir / "chengyu-2022.txt"
    lines = words.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += "會議還研究了關于東西部協作的事項。"
    words.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "site"
    report = build(content_dir, out, ROOT / "templates", jobs=1)
    assert not report.errors

    def page(path: str) -> str:
        return (out / path).read_text(encoding="utf-8")

    assert "关于东西部协作" in page("briefs/chengyu-2022.html")
    assert "關於東西部協作" in page("zh-Hant/briefs/chengyu-2022.html")
    assert "關于東西部" not in page("zh-Hant/briefs/chengyu-2022.html")
    assert "于东" in page("briefs/mindongbei-2022.html")
    own = page("zh-Hant/briefs/mindongbei-2022.html")
    assert "于東" in own and "於東" not in own
    official_pages = list((out / "zh-Hant" / "officials").glob("*.html"))
    assert any("于東" in p.read_text(encoding="utf-8") for p in official_pages)


def test_a_name_made_a_protected_phrase_gets_a_new_converter(
    content_dir: Path, tmp_path: Path
) -> None:
    """``serve`` reuses the last build's converter when the protected entries are the
    same; an official's name added to ``[protected]`` keeps the entries but makes
    the name a phrase, kept on every page: the rebuild must not reuse it."""
    from policybriefs.patch import LastBuild
    from policybriefs.pipeline import build

    copy_articles(content_dir, ["mindongbei-2022", "chengyu-2022"])
    official = content_dir / "mindongbei-2022.txt"
    official.write_text(
        official.read_text(encoding="utf-8").replace("楊立川", "于東"), encoding="utf-8"
    )
    other = content_dir / "chengyu-2022.txt"
    other.write_text(other.read_text(encoding="utf-8") + "于東同志列席會議。", encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    kept: list[LastBuild] = []
    build(content_dir, out, ROOT / "templates", cache_dir=cache, keep=kept.append, jobs=1)
    assert "於東同志" in (out / "zh-Hant/briefs/chengyu-2022.html").read_text(encoding="utf-8")

    (content_dir / "site.toml").write_text('[protected]\n"于东" = "于東"\n', encoding="utf-8")
    reuse = kept[-1].kit.reusable()
    build(content_dir, out, ROOT / "templates", cache_dir=cache, reuse=reuse, jobs=1)
    assert "于東同志" in (out / "zh-Hant/briefs/chengyu-2022.html").read_text(encoding="utf-8")
    build(content_dir, tmp_path / "clean", ROOT / "templates", jobs=1)
    assert_same_site(out, tmp_path / "clean")
