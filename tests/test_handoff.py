"""``build.py`` while ``serve`` runs on the same site: serve makes the build."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_serve import _serve, _stop

from conftest import ROOT
from policybriefs.cli import main
from policybriefs.handoff import (
    HandoffListener,
    Reply,
    SiteBusy,
    ask_serve,
    build_options,
    changed_files,
    differences,
    snapshot,
)
from policybriefs.serve import Preview
from policybriefs.write import MARKER

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the handoff uses Linux's abstract sockets"
)


def _options(tmp_path: Path, **changed: object) -> dict[str, object]:
    options = build_options(
        tmp_path / "content",
        ROOT / "templates",
        tmp_path / "site",
        tmp_path / "cache",
        search=False,
        base_url=None,
        strict=False,
    )
    return {**options, **changed}


def test_snapshot_sees_files_added_changed_and_removed(tmp_path: Path) -> None:
    kept, edited, gone = (tmp_path / name for name in ("甲.txt", "乙.txt", "丙.txt"))
    (tmp_path / "pages").mkdir()
    nested = tmp_path / "pages" / "about.md"
    for path in (kept, edited, gone, nested):
        path.write_text("厦门市将推进山海协作。", encoding="utf-8")
    before = snapshot([tmp_path])
    assert snapshot([tmp_path]) == before
    edited.write_text("漳州市将推进山海协作。", encoding="utf-8")  # same size, new bytes
    gone.unlink()
    added = tmp_path / "丁.txt"
    added.write_text("龙岩市", encoding="utf-8")
    assert changed_files(before, snapshot([tmp_path])) == sorted([edited, gone, added])
    assert changed_files(before, before) == []


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"strict": True}, "strict: False in serve, True here"),
        ({"search": True}, "search: False in serve, True here"),
        ({"base_url": "https://example.org/"}, "base_url: None in serve"),
        ({"cache": None}, "cache: "),
        ({"templates": "/elsewhere"}, "templates: "),
    ],
)
def test_differences_name_each_option(
    tmp_path: Path, changed: dict[str, object], named: str
) -> None:
    held = _options(tmp_path)
    found = differences(_options(tmp_path, **changed), held)
    assert len(found) == 1 and found[0].startswith(named), found
    assert differences(held, held) == []


def test_no_serve_no_handoff(tmp_path: Path) -> None:
    assert ask_serve(tmp_path / "site", _options(tmp_path)) is None


def test_a_listener_answers_and_a_second_one_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    listener = HandoffListener(out)
    asked: list[dict[str, object]] = []

    def handle(options: dict[str, object]) -> Reply:
        asked.append(options)
        return Reply(123, 1, "built, with an error", False)

    stopping = threading.Event()
    thread = threading.Thread(target=listener.run, args=(handle, stopping))
    thread.start()
    try:
        with pytest.raises(SiteBusy, match=r"another 'build\.py serve' is serving"):
            HandoffListener(out)
        # Another site is another address.
        HandoffListener(tmp_path / "other").close()
        assert ask_serve(out, _options(tmp_path)) == Reply(123, 1, "built, with an error", False)
        assert asked == [_options(tmp_path)]
    finally:
        stopping.set()
        thread.join()
        listener.close()
    assert ask_serve(out, _options(tmp_path)) is None
    HandoffListener(out).close()  # the address is free again


def test_a_change_is_built_once_by_serve_or_the_build_py_that_asked(tmp_path: Path) -> None:
    """Whether serve's watcher or a handed-over build comes first, the change is
    built once: the other finds nothing changed since."""
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "site").mkdir()
    article = content / "chengyu-2023.txt"
    article.write_text("成都市将推进成渝地区双城经济圈建设。\n", encoding="utf-8")
    builds: list[list[Path]] = []

    def rebuild(changed: Sequence[Path]) -> int:
        builds.append(list(changed))
        return 0

    options = _options(tmp_path)
    preview = Preview(
        tmp_path / "site",
        [content],
        rebuild,
        port=0,
        options=options,
        seen=snapshot([content]),
    )
    preview.start()
    try:
        assert preview.hand_over(options).message.startswith("up to date")
        assert builds == []
        article.write_text("成都市将建设天府国际会展中心。\n", encoding="utf-8")
        reply = preview.hand_over(options)
        assert reply.code == 0 and not reply.refused
        time.sleep(1.5)  # the watcher's turn (300 ms of debounce)
        assert [article] in builds and len(builds) == 1, builds
        refused = preview.hand_over(_options(tmp_path, strict=True))
        assert refused.refused and refused.code == 2 and "strict" in refused.message
        assert len(builds) == 1
    finally:
        preview.stop()


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != MARKER
    }


def test_build_py_hands_its_build_to_serve(tmp_path: Path) -> None:
    """As a user runs it: with serve on the site, build.py has serve build the edit
    (the site equals a clean build), is refused with other options, and a second
    serve on the site is refused."""
    proc, _, lines, content, out = _serve(tmp_path, "--no-search")
    build = [sys.executable, str(ROOT / "build.py"), "--no-search"]
    build += ["--content", str(content), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    try:
        article = content / "chengyu-2022.txt"
        sentence = "成都将加快建设成渝地区双城经济圈轨道交通项目。"
        article.write_text(article.read_text(encoding="utf-8") + sentence + "\n", encoding="utf-8")
        done = subprocess.run(build, capture_output=True, text=True, encoding="utf-8", timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"'build.py serve' (pid {proc.pid})" in done.stderr, done.stderr
        assert "built " not in done.stderr  # nothing was built in this process
        assert sentence in (out / "briefs" / "chengyu-2022.html").read_text(encoding="utf-8")

        clean = tmp_path / "clean"
        assert (
            main(
                ["-q", "--no-search", "--no-cache", "--content", str(content), "--out", str(clean)],
                project_dir=ROOT,
            )
            == 0
        )
        assert _files(out) == _files(clean)

        strict = subprocess.run(
            [*build, "--strict"], capture_output=True, text=True, encoding="utf-8", timeout=300
        )
        assert strict.returncode == 2
        assert "with other options (strict: False in serve, True here)" in strict.stderr
        assert _files(out) == _files(clean)  # nothing written

        second = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", *build[2:]],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        assert second.returncode == 2
        assert "another 'build.py serve' is serving" in second.stderr
        assert proc.poll() is None, "".join(lines)
    finally:
        _stop(proc)
    # serve gone, build.py builds by itself again.
    done = subprocess.run(build, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0 and "'build.py serve'" not in done.stderr, done.stderr
