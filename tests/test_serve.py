"""``build.py serve``: serves the site, injects the reload script, rebuilds on changes."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from policybriefs.serve import RELOAD_PATH, Preview

Running = tuple[Preview, Path, list[int]]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture
def preview(seed_site: Path, tmp_path: Path) -> Iterator[Running]:
    watched = tmp_path / "content"
    watched.mkdir()
    builds: list[int] = []
    lock = threading.Lock()

    def rebuild() -> int:
        with lock:
            builds.append(len(builds))
        return 0

    server = Preview(seed_site, [watched], rebuild, port=0)
    server.start()
    yield server, watched, builds
    server.stop()


def test_serves_pages_with_the_reload_script(preview: Running) -> None:
    server, _, _ = preview
    status, html = _get(server.url + "index.html")
    assert status == 200 and RELOAD_PATH in html and html.rstrip().endswith("</html>")
    assert RELOAD_PATH not in (server.site_dir / "index.html").read_text(encoding="utf-8")
    status, folder = _get(server.url + "zh-Hant/")
    assert status == 200 and 'lang="zh-Hant"' in folder
    status, css = _get(server.url + "static/style.css")
    assert status == 200 and RELOAD_PATH not in css
    assert _get(server.url + RELOAD_PATH) == (200, "0")
    status, missing = _get(server.url + "no/such/page.html")
    assert status == 404 and "找不到页面" in missing


def test_a_change_rebuilds_and_bumps_the_version(preview: Running) -> None:
    server, watched, builds = preview
    time.sleep(0.3)  # let the watcher start
    (watched / "new.txt").write_text("厦门将加快发展。\n", encoding="utf-8")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _get(server.url + RELOAD_PATH)[1] == "0":
        time.sleep(0.1)
    assert builds, "no rebuild after a change"
    assert _get(server.url + RELOAD_PATH)[1] == "1"


def test_serve_is_a_subcommand_and_build_stays_the_default() -> None:
    from policybriefs.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--help"], project_dir=ROOT)
    assert exited.value.code == 0
    with pytest.raises(SystemExit):
        main(["--port", "1"], project_dir=ROOT)  # --port belongs to serve only
