"""``build.py serve``: serves the site, injects the reload script, rebuilds on changes."""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
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

    def rebuild(changed: Sequence[Path] = ()) -> int:
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
    # Its relative links and styles resolve from the site's root, however deep the path.
    assert '<base href="/">' in missing and 'href="static/style.css"' in missing
    status, missing = _get(server.url + "zh-Hant/briefs/no-such-brief.html")
    assert status == 404 and '<base href="/zh-Hant/">' in missing and 'lang="zh-Hant"' in missing


def test_a_change_rebuilds_and_bumps_the_version(preview: Running) -> None:
    server, watched, builds = preview
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _get(server.url + RELOAD_PATH)[1] == "0":
        # Written again until seen: a loaded machine may start the watcher late.
        (watched / "new.txt").write_text(f"厦门将加快发展。{time.monotonic()}\n", encoding="utf-8")
        time.sleep(0.5)
    assert builds, "no rebuild after a change"
    assert _get(server.url + RELOAD_PATH)[1] == "1"


def test_serve_is_a_subcommand_and_build_stays_the_default() -> None:
    from policybriefs.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--help"], project_dir=ROOT)
    assert exited.value.code == 0
    with pytest.raises(SystemExit):
        main(["--port", "1"], project_dir=ROOT)  # --port belongs to serve only


SERVED_ARTICLES = (
    "changzhutan-2023",
    "jingjinji-2022",
    "mindongbei-2022",
    "chengyu-2022",
    "dawanqu-2021",
)


def _serve(
    tmp_path: Path, *options: str, articles: Sequence[str] = SERVED_ARTICLES
) -> tuple[subprocess.Popen[str], str, list[str], Path, Path]:
    """``build.py serve`` as a user runs it, on fixture articles, once its watcher
    is seen to run: (process, URL, the lines it wrote, content, site)."""
    from conftest import FIXTURES

    content = tmp_path / "content"
    content.mkdir()
    for name in articles:
        for suffix in (".txt", ".toml"):
            source = FIXTURES / "articles" / f"{name}{suffix}"
            (content / source.name).write_bytes(source.read_bytes())
    out = tmp_path / "site"
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--jobs", "2"]
    command += ["--content", str(content), "--out", str(out), *options]
    command += ["--cache-dir", str(tmp_path / "cache")]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert proc.stderr is not None
        url = ""
        for line in proc.stderr:
            if line.startswith("serving ") and " at " in line:
                url = line.split(" at ", 1)[1].split()[0]
                break
        assert url, "serve did not start"
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(proc.stderr or []), daemon=True).start()
        # Until the watcher is seen to run (a loaded machine starts it late), a file
        # content discovery ignores is touched: it changes no page.
        started = _get(url + RELOAD_PATH)[1]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _get(url + RELOAD_PATH)[1] == started:
            (content / ".probe").write_text(str(time.monotonic()), encoding="utf-8")
            time.sleep(0.5)
        # A probe written before the first was built for is built for too, maybe
        # after this returns: a test counting builds from here would count it.
        _settled(url)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, url, lines, content, out


def _settled(url: str, quiet: float = 2.0, seconds: float = 60) -> None:
    """Once serve's build number has stood still for ``quiet`` seconds."""
    deadline = time.monotonic() + seconds
    number, since = _get(url + RELOAD_PATH)[1], time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "serve kept building"
        time.sleep(0.1)
        now = _get(url + RELOAD_PATH)[1]
        if now != number:
            number, since = now, time.monotonic()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_serve_from_the_command_line_drafts_rebuilds_and_stops(tmp_path: Path) -> None:
    """As a user runs it: the edit is drafted, then built by worker processes (which
    once ignored the SIGTERM that closes their pool, as serve handles it), then
    serve stops on SIGTERM."""
    import signal

    proc, url, lines, content, out = _serve(tmp_path, "--no-search")
    try:
        before = int(_get(url + RELOAD_PATH)[1])
        article = content / "chengyu-2022.txt"
        sentence = "成都将加快建设成渝地区双城经济圈轨道交通项目。"
        article.write_text(article.read_text(encoding="utf-8") + sentence + "\n", encoding="utf-8")
        assert _build_number_reaches(url, before + 2) == before + 2, "".join(lines)
        page = "briefs/chengyu-2022.html"
        assert sentence in (out / page).read_text(encoding="utf-8")
        assert sentence in _get(url + page)[1]
        assert any(line.startswith("serve: drafted 4 page(s)") for line in lines), lines

        # The spare is made as links to the site (serve does it while it waits): the
        # saves are patched.
        again = "成都将深化成渝地区双城经济圈建设。"
        article.write_text(article.read_text(encoding="utf-8") + again + "\n", encoding="utf-8")
        assert _build_number_reaches(url, before + 4) == before + 4, "".join(lines)
        assert again in (out / page).read_text(encoding="utf-8")
        assert sum(line.startswith("patch: 1 article(s)") for line in lines) == 2, lines
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        _stop(proc)


def _indexed(out: Path, text: str) -> bool:
    """Whether a page of the site's Pagefind index holds ``text``."""
    for fragment in (out / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        if text in re.sub(r"[\u200b\s]", "", record["content"]):
            return True
    return False


def test_serve_indexes_a_patched_site_once_the_saves_stop(tmp_path: Path) -> None:
    """A patch leaves the search index as it was, so the pages show at once; the
    index is made again after them, and linked into the spare."""
    proc, url, lines, content, out = _serve(tmp_path, articles=("chengyu-2022", "jingjinji-2022"))
    try:
        before = int(_get(url + RELOAD_PATH)[1])
        article = content / "chengyu-2022.txt"
        first = "成都将加快建设天府国际会展中心二期。"
        again = "成都将建设蓝鲸湾数字港。"
        for n, sentence in enumerate((first, again), start=1):
            text = article.read_text(encoding="utf-8")
            article.write_text(text + sentence + "\n", encoding="utf-8")
            assert _build_number_reaches(url, before + 2 * n) == before + 2 * n, "".join(lines)
            # The pages are in place before the index is: each save is patched.
            assert sentence in (out / "briefs" / "chengyu-2022.html").read_text(encoding="utf-8")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not _indexed(out, sentence):
                time.sleep(0.2)
            assert _indexed(out, sentence), "".join(lines)
        assert sum(line.startswith("patch: 1 article(s)") for line in lines) == 2, lines

        def refreshes() -> int:  # serve says so once the bundle is in place
            return sum("search index brought up to date" in line for line in lines)

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and refreshes() < 2:
            time.sleep(0.1)
        assert refreshes() >= 2, lines
        spare = out.parent / ".site.spare" / "pagefind" / "pagefind-entry.json"
        assert spare.stat().st_ino == (out / "pagefind" / "pagefind-entry.json").stat().st_ino
        assert not [p.name for p in tmp_path.iterdir() if ".new-" in p.name]
    finally:
        _stop(proc)


def _build_number_reaches(url: str, number: int, seconds: float = 90) -> int:
    """The build number once it reaches ``number`` (or the time is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and int(_get(url + RELOAD_PATH)[1]) < number:
        time.sleep(0.1)
    return int(_get(url + RELOAD_PATH)[1])


def _sigterm_is_default() -> bool:
    import signal

    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_article_workers_die_on_sigterm_whatever_the_parent_handles() -> None:
    """A pool is closed with SIGTERM; serve's own handler must not reach its workers
    (a worker that inherited it outlived the pool, and the rebuild waited forever)."""
    import signal

    from policybriefs.articles import worker_pool

    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        with worker_pool(2) as pool:
            assert pool.apply(_sigterm_is_default)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report_sigterm(items: list[Path]) -> None:
    import os
    import signal

    for path in items:
        default = signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        path.write_text(f"{os.getpid()} {default}", encoding="utf-8")
        time.sleep(0.01)  # every child starts and takes a turn


def test_render_children_die_on_sigterm_whatever_the_parent_handles(tmp_path: Path) -> None:
    import os
    import signal

    from policybriefs.render import run_in_forks

    items = [tmp_path / f"{i}.txt" for i in range(96)]  # enough to fork
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        run_in_forks(_report_sigterm, items, 3)
    finally:
        signal.signal(signal.SIGTERM, previous)
    reports = [p.read_text(encoding="utf-8").split() for p in items]
    in_children = {default for pid, default in reports if int(pid) != os.getpid()}
    assert in_children == {"True"}
    # This process took turns too: two children, not three.
    assert len({pid for pid, _ in reports}) == 3
    assert any(int(pid) == os.getpid() for pid, _ in reports)


_ARENAS = """
import ctypes, sys, threading
from policybriefs.serve import one_malloc_arena
print(one_malloc_arena() if sys.argv[1] == "set" else "-")
def allocate():
    kept = [bytearray(1000) for _ in range(20000)]
threads = [threading.Thread(target=allocate) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()  # one "Arena n:" block per arena, on stderr
"""


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
@pytest.mark.parametrize(("how", "arenas"), [("set", 1), ("unset", 2)])
def test_serve_asks_glibc_for_one_malloc_arena(how: str, arenas: int) -> None:
    """Threads that allocate share the one arena once it is asked for; without it
    glibc gives them arenas of their own (which cost ``serve`` 34 MiB at
    N = 10,000). In child processes: the setting lasts for the process."""
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", _ARENAS, how],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=ROOT,
        env=env,
    )
    assert done.stdout.strip() == ("True" if how == "set" else "-")
    counted = len(re.findall(r"^Arena \d+:", done.stderr, re.MULTILINE))
    assert counted == arenas if how == "set" else counted >= arenas


def test_a_users_malloc_arena_max_stands() -> None:
    script = "from policybriefs.serve import one_malloc_arena; print(one_malloc_arena())"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=ROOT,
        env={**os.environ, "MALLOC_ARENA_MAX": "4"},
    )
    assert done.stdout.strip() == "False"


def test_serve_asks_for_one_arena_before_its_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before any thread starts: glibc only stops making arenas from then on."""
    import argparse

    import policybriefs.serve

    calls: list[str] = []
    monkeypatch.setattr(policybriefs.serve, "one_malloc_arena", lambda: calls.append("arena"))

    def rebuild(changed: Sequence[Path]) -> int:
        calls.append("build")
        return 1

    args = argparse.Namespace(out=str(tmp_path / "none"), content=".", templates=".", port=0)
    assert policybriefs.serve.serve_site(args, rebuild, print) == 1
    assert calls == ["arena", "build"]
