"""The built site in a real browser: Debian's Chromium driven by Playwright.

One site is built per session from the shipped content plus two fixture
articles (so series, cities and officials span meetings), with the search
index. It is crawled from disk (file://) and served under a sub-path
(``/repo-name/``, as GitHub Pages serves a project); every broken link,
failed request and console error fails. Screenshots land in tests/artifacts/.

Without /usr/bin/chromium these tests skip, except under CI=true, where
they fail.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from conftest import FIXTURES, ROOT

# Debian's chromium; CHROMIUM_PATH points elsewhere (the Pages workflow uses the runner's Chrome).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SEED = "2021-minxinan-joint-meeting-3"
EXTRA_ARTICLES = {"minxinan-2022-meeting-4": "2022-01-14", "mindongbei-2022": "2022-11-18"}
SITE_DIR = "repo-name"


def _require_chromium() -> None:
    reason = ""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content plus two dated fixture articles, built with the search index."""
    from policybriefs.pipeline import build

    root = tmp_path_factory.mktemp("browser")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    for name, date in EXTRA_ARTICLES.items():
        shutil.copy(FIXTURES / "articles" / f"{name}.txt", content / f"{name}.txt")
        (content / f"{name}.toml").write_text(f"date = {date}\n", encoding="utf-8")
    out = root / "www" / SITE_DIR
    report = build(content, out, ROOT / "templates", search=True)
    assert not report.errors, report.errors
    assert (out / "pagefind" / "pagefind.js").is_file()
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    """The site under /repo-name/ on a loopback port, as GitHub Pages serves a fork."""
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{SITE_DIR}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield instance
        instance.close()


@dataclass
class Crawl:
    problems: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    ids: dict[str, set[str]] = field(default_factory=dict)
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (from, page, id)


_LINKS_JS = """() => ({
  links: [...document.querySelectorAll('a[href], link[href]')]
    .filter(el => !['canonical', 'alternate'].includes(el.rel) || !/^https?:/.test(el.href)
                  || el.href.startsWith(location.origin))
    .map(el => el.href),
  ids: [...document.querySelectorAll('[id]')].map(el => el.id),
})"""


def _crawl(browser: Any, base: str, site: Path) -> Crawl:
    """Every page reachable from the home pages and 404s, each checked as a reader loads it."""
    result = Crawl()
    context = browser.new_context()
    page = context.new_page()
    current = {"url": ""}

    def problem(text: str) -> None:
        result.problems.append(f"{current['url'].removeprefix(base)}: {text}")

    page.on(
        "console", lambda m: problem(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problem(f"script error: {e}"))
    # ERR_ABORTED: the next navigation cut a late request (the favicon) short; a missing file
    # fails with ERR_FILE_NOT_FOUND or a 404 instead, and every link is checked below anyway.
    page.on(
        "requestfailed",
        lambda r: (
            None
            if r.failure == "net::ERR_ABORTED"
            else problem(f"request failed: {r.url} {r.failure}")
        ),
    )
    page.on("response", lambda r: problem(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def exists(url: str) -> bool:
        if url.startswith("file://"):
            return Path(unquote(urlparse(url).path)).is_file()
        return bool(context.request.head(url).ok)

    checked: set[str] = set()
    queue = deque([base + "index.html", base + "404.html", base + "zh-Hant/404.html"])
    while queue:
        url = queue.popleft()
        if url in result.visited:
            continue
        result.visited.add(url)
        current["url"] = url
        try:
            page.goto(url, wait_until="load")
        except Exception as exc:  # a missing file:// page raises instead of answering 404
            problem(f"cannot open: {exc}")
            continue
        found = page.evaluate(_LINKS_JS)
        result.ids[url] = set(found["ids"])
        for href in found["links"]:
            target, fragment = urldefrag(href)
            if not target.startswith(base):
                if target.startswith(("file:", "http://127.0.0.1")):
                    problem(f"link leaves the site: {href}")
                continue
            if target.endswith("/"):
                problem(f"link to a folder, which file:// cannot open: {href}")
                continue
            if fragment:
                result.fragments.append((url, target, fragment))
            if target.endswith(".html"):
                queue.append(target)
            elif target not in checked:
                checked.add(target)
                if not exists(target):
                    problem(f"broken link: {href}")
    context.close()
    for source, target, fragment in result.fragments:
        if target in result.ids and fragment not in result.ids[target]:
            result.problems.append(f"{source.removeprefix(base)}: no #{fragment} in {target}")
    on_disk = {base + p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    result.problems += [f"never reached by a link: {u}" for u in sorted(on_disk - result.visited)]
    return result


@pytest.mark.parametrize("where", ["file", "served"])
def test_crawl_every_page(browser: Any, site: Path, served: str, where: str) -> None:
    base = site.as_uri() + "/" if where == "file" else served
    started = time.perf_counter()
    crawl = _crawl(browser, base, site)
    elapsed = time.perf_counter() - started
    # The seed's site: 144 pages in two scripts (every page on disk is checked below).
    assert len(crawl.visited) >= 140, sorted(crawl.visited)
    assert not crawl.problems, "\n".join(crawl.problems[:40])
    print(f"{where}: {len(crawl.visited)} pages in {elapsed:.1f} s")


def test_search_page_from_disk_says_how_to_serve(browser: Any, site: Path) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((site / "zh-Hant" / "search" / "index.html").as_uri())
    notice = page.locator("#search-file")
    notice.wait_for(state="visible")
    assert ".venv/bin/python build.py serve" in notice.inner_text()
    assert "python3 -m http.server -d site" in notice.inner_text()
    assert page.locator("#search-q").is_disabled()
    assert not errors
    page.close()


def test_script_switch_lands_on_the_same_brief(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}briefs/{SEED}.html")
    assert "余红胜" in page.inner_text("main")
    page.click(".script-switch")
    page.wait_for_url(f"{served}zh-Hant/briefs/{SEED}.html")
    assert page.get_attribute("html", "lang") == "zh-Hant"
    text = page.inner_text("main")
    assert "余紅勝" in text and "餘紅勝" not in text
    assert page.get_attribute(".script-switch", "lang") == "zh-Hans"
    page.click(".script-switch")
    page.wait_for_url(f"{served}briefs/{SEED}.html")
    page.close()


def _search(page: Any, query: str) -> list[str]:
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.locator(".search-result").first.wait_for(timeout=15_000)
    links: list[str] = page.eval_on_selector_all(
        ".search-result h2 a", "els => els.map(a => a.href)"
    )
    return links


QUERIES = [
    ("協同發展", "协同发展"),
    ("沈靜強", "沈静强"),  # the surname, as the build reads it; OpenCC alone: 沉静强
    ("湖州沈思", "湖州沈思"),
    ("沈陽", "沈阳"),
    ("深沈", "深沉"),  # after a character it makes a word with, 沉's old form
    ("意志消沈", "意志消沉"),
    ("破釜沈舟", "破釜沉舟"),  # inside an idiom, as the build writes it
    ("死氣沈沈", "死气沉沉"),
]


def test_queries_are_made_simplified_as_the_build_makes_text(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}search/index.html")
    got = page.evaluate(
        """async (queries) => {
            const form = document.getElementById("search-form").dataset;
            const opencc = await import(new URL(form.opencc, location.href).href);
            const query = await import(new URL(form.query, location.href).href);
            const convert = opencc.Converter({ from: "tw", to: "cn" });
            return queries.map((q) => query.simplifyQuery(convert, q));
        }""",
        [q for q, _ in QUERIES],
    )
    assert got == [simplified for _, simplified in QUERIES]
    page.close()


@pytest.mark.parametrize(
    ("script", "query"),
    [("zh-Hans", "协同"), ("zh-Hans", "協同"), ("zh-Hant", "協同"), ("zh-Hant", "康养")],
)
def test_search_in_either_script(browser: Any, served: str, script: str, query: str) -> None:
    prefix = "" if script == "zh-Hans" else "zh-Hant/"
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{served}{prefix}search/index.html")
    links = _search(page, query)
    assert f"{served}{prefix}briefs/{SEED}.html" in links, links
    assert all(link.startswith(served + prefix) for link in links), links
    first = page.locator(".search-result").first
    assert first.locator("mark").count() >= 1  # the matching sentence, highlighted
    assert page.locator(".result-cities").count() >= 1  # the city a result speaks for
    assert "个页面" in page.inner_text("#search-status") or "個頁面" in page.inner_text(
        "#search-status"
    )
    page.click(f".search-result h2 a[href$='briefs/{SEED}.html']")
    page.wait_for_url(f"{served}{prefix}briefs/{SEED}.html")
    assert page.get_attribute("html", "lang") == script
    assert not errors
    page.close()


PAGE_TYPES = {
    "home": "index.html",
    "brief": f"briefs/{SEED}.html",
    "repairs": f"repairs/{SEED}.html",
    "cities": "cities/index.html",
    "city": "cities/xiamen.html",
    "officials": "officials/index.html",
    "official": "officials/yu-hongsheng.html",
    "series-index": "series/index.html",
    "series": None,  # the first series, found on disk
    "projects": "projects/index.html",
    "project": None,
    "matrix": "matrix/index.html",
    "search": "search/index.html?q=协同",
    "404": "404.html",
}


def _page_path(site: Path, kind: str) -> str:
    path = PAGE_TYPES[kind]
    if path is None:
        folder = "series" if kind == "series" else "projects"
        first = sorted(p for p in (site / folder).glob("*.html") if not p.name.startswith("index"))[
            0
        ]
        path = first.relative_to(site).as_posix()
    return path


def _kinds(site: Path) -> list[str]:
    """The page types this build has (a page type may be added or dropped by content)."""
    kinds = [k for k in PAGE_TYPES if (site / _page_path(site, k).split("?")[0]).is_file()]
    assert {"home", "brief", "repairs", "city", "official", "search", "404"} <= set(kinds)
    return kinds


@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_axe_on_every_page_type(browser: Any, site: Path, served: str, script: str) -> None:
    prefix = "" if script == "zh-Hans" else "zh-Hant/"
    page = browser.new_page()
    found: list[str] = []
    for kind in _kinds(site):
        page.goto(served + prefix + _page_path(site, kind))
        if kind == "search":
            page.locator(".search-result").first.wait_for(timeout=15_000)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                            target: v.nodes[0].target.join(' ')}))"""
        )
        found += [
            f"{kind}: {v['id']} ({v['impact']}, {v['nodes']} node(s), e.g. {v['target']})"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
    page.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", [375, 1280])
def test_layout_and_screenshots(browser: Any, site: Path, served: str, width: int) -> None:
    """No page is wider than the screen; home, brief and city are saved as screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    shots = {
        "home": "index.html",
        "brief": f"briefs/{SEED}.html",
        "city": "cities/xiamen.html",
    }
    too_wide = []
    for kind in _kinds(site):
        page.goto(served + _page_path(site, kind))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide.append(f"{kind} is {overflow}px wider than {width}px")
    assert not too_wide, too_wide
    for name, path in shots.items():
        page.goto(served + path)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        if name != "brief":
            chart = page.locator("figure.chart svg[role=img]")
            assert chart.count() == 1 and chart.bounding_box()["width"] <= width
            assert page.locator("figure.chart table th[scope=row]").count() >= 1
    page.close()


def test_print_stylesheet(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}briefs/{SEED}.html")
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    assert not page.locator(".script-switch").is_visible()
    assert page.locator("h1").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "brief-print.pdf"), format="A4")
    page.close()


def test_keyboard_reaches_main_by_the_skip_link(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()
