"""``build.py`` while ``serve`` runs on the same site: serve makes the build."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from test_serve import _serve, _stop

from conftest import ROOT
from policybriefs.cli import main
from policybriefs.handoff import (
    HandoffError,
    HandoffListener,
    Reply,
    SiteBusy,
    ask_serve,
    build_options,
    differences,
    socket_address,
)
from policybriefs.serve import Preview
from policybriefs.stamps import snapshot
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
    # Its thread ended, the listener let go of the address by itself.
    assert ask_serve(out, _options(tmp_path)) is None
    HandoffListener(out).close()


def test_a_serve_that_stops_without_answering_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "site"
    address = socket_address(out)
    assert address is not None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(address)
        server.listen(1)

        def hang_up() -> None:
            conn, _ = server.accept()
            conn.recv(65536)
            conn.close()

        thread = threading.Thread(target=hang_up)
        thread.start()
        with pytest.raises(HandoffError, match="stopped before it answered"):
            ask_serve(out, _options(tmp_path))
        thread.join()


def _preview(tmp_path: Path, builds: list[list[Path]], lines: list[str]) -> Preview:
    """A Preview on ``tmp_path``/content whose rebuilds are recorded, not made."""
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (tmp_path / "site").mkdir(exist_ok=True)

    def rebuild(changed: Sequence[Path]) -> int:
        builds.append(list(changed))
        return 0

    return Preview(
        tmp_path / "site",
        [content],
        rebuild,
        port=0,
        progress=lines.append,
        options=_options(tmp_path),
        seen=snapshot([content], [content]),
        dotted=[content],
    )


def test_a_change_is_built_once_by_serve_or_the_build_py_that_asked(tmp_path: Path) -> None:
    """Whether serve's watcher or a handed-over build comes first, the change is
    built once: the other finds nothing changed since."""
    article = tmp_path / "content" / "chengyu-2023.txt"
    article.parent.mkdir()
    article.write_text("成都市将推进成渝地区双城经济圈建设。\n", encoding="utf-8")
    builds: list[list[Path]] = []
    lines: list[str] = []
    preview = _preview(tmp_path, builds, lines)
    options = _options(tmp_path)
    preview.start()
    try:
        # Until the watcher is seen to run (a loaded machine starts it late): a
        # dot-name, which the snapshots leave out, is rebuilt for.
        deadline = time.monotonic() + 60
        while not builds:
            assert time.monotonic() < deadline, "the watcher did not start"
            (tmp_path / "content" / ".probe").write_text(str(time.monotonic()), encoding="utf-8")
            time.sleep(0.5)
        # A probe written before the first was built for is built for too: once
        # the builds stand still for two seconds.
        counted, since = len(builds), time.monotonic()
        while time.monotonic() - since < 2:
            assert time.monotonic() < deadline, "serve kept building"
            time.sleep(0.1)
            if len(builds) != counted:
                counted, since = len(builds), time.monotonic()
        builds.clear()
        lines.clear()
        assert preview.hand_over(options).message.startswith("up to date")
        assert builds == []
        article.write_text("成都市将建设天府国际会展中心。\n", encoding="utf-8")
        reply = preview.hand_over(options)
        assert reply.code == 0 and not reply.refused
        # The watcher's turn (300 ms of debounce), unless it came first.
        deadline = time.monotonic() + 20
        skipped = "serve: nothing changed since the last build"
        while not reply.message.startswith("up to date") and skipped not in lines:
            assert time.monotonic() < deadline, (reply, lines)
            time.sleep(0.05)
        assert builds == [[article.absolute()]], builds
        refused = preview.hand_over(_options(tmp_path, strict=True))
        assert refused.refused and refused.code == 2 and "strict" in refused.message
        assert len(builds) == 1
    finally:
        preview.stop()


def test_a_file_saved_while_the_watcher_named_another_is_built_in_its_turn(
    tmp_path: Path,
) -> None:
    """The watcher names A; B, saved meanwhile, is built when the watcher names it
    (it is not taken for built with A), and a build handed over after both finds
    nothing left to do."""
    content = tmp_path / "content"
    content.mkdir()
    first, second = content / "chengyu-2023.txt", content / "jingjinji-2023.txt"
    for path in (first, second):
        path.write_text("成都市将推进成渝地区双城经济圈建设。\n", encoding="utf-8")
    builds: list[list[Path]] = []
    lines: list[str] = []
    preview = _preview(tmp_path, builds, lines)  # not started: no watcher
    first.write_text("成都市将建设天府国际会展中心。\n", encoding="utf-8")
    second.write_text("北京市将推进京津冀协同发展。\n", encoding="utf-8")
    assert preview.rebuild_now([first.absolute()]) == 0
    assert preview.rebuild_now([second.absolute()]) == 0
    assert builds == [[first.absolute()], [second.absolute()]]
    assert preview.rebuild_now([second.absolute()]) is None
    assert preview.rebuild_now(pending=True) is None
    assert len(builds) == 2
    assert lines == ["serve: nothing changed since the last build"] * 2
    # Saved, and not yet told of by the watcher: a build handed over finds it.
    first.write_text("成都市将建设蓝鲸湾数字港。\n", encoding="utf-8")
    assert preview.rebuild_now(pending=True) == 0
    assert builds[-1] == [first.absolute()]
    assert preview.rebuild_now([first.absolute()]) is None
    # A name the snapshots leave out is rebuilt for, as before there were snapshots.
    probe = content / ".probe"
    probe.write_text("1", encoding="utf-8")
    assert preview.rebuild_now([probe.absolute()]) == 0
    assert builds[-1] == [probe.absolute()]


def test_a_folder_moved_is_built_for_its_files(tmp_path: Path) -> None:
    """The watcher names a moved folder, not its files: they are found and built."""
    builds: list[list[Path]] = []
    lines: list[str] = []
    year = tmp_path / "content" / "2023"
    year.mkdir(parents=True)
    article = year / "chengyu-2023.txt"
    article.write_text("成都市将推进成渝地区双城经济圈建设。\n", encoding="utf-8")
    preview = _preview(tmp_path, builds, lines)
    moved = tmp_path / "content" / "2023-old"
    year.rename(moved)
    assert preview.rebuild_now([year.absolute(), moved.absolute()]) == 0
    assert builds == [sorted([year, moved, article, moved / article.name])]
    assert preview.rebuild_now([moved / article.name]) is None


def test_strict_fails_on_the_warnings_of_briefs_the_patch_did_not_make(tmp_path: Path) -> None:
    from types import SimpleNamespace

    builds: list[list[Path]] = []
    preview = _preview(tmp_path, builds, [])
    preview.options = _options(tmp_path, strict=True)
    warnings = {"a.txt": (), "b.txt": ("2 span(s) could not be recovered",)}
    last = SimpleNamespace(warnings=warnings, kit=None)
    preview.drafts.keep(last)  # type: ignore[arg-type]
    reply = preview.hand_over(_options(tmp_path, strict=True))
    assert reply.code == 1 and "warnings" in reply.message
    last.warnings["b.txt"] = ()
    assert preview.hand_over(_options(tmp_path, strict=True)).code == 0


def test_a_failing_answer_is_told_and_the_listener_answers_on(tmp_path: Path) -> None:
    out = tmp_path / "site"
    listener = HandoffListener(out)
    answers: Iterator[Reply | Exception] = iter([OSError("disk full"), Reply(7, 0, "built", False)])

    def handle(options: dict[str, object]) -> Reply:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    stopping = threading.Event()
    thread = threading.Thread(target=listener.run, args=(handle, stopping))
    thread.start()
    try:
        failed = ask_serve(out, _options(tmp_path))
        assert failed is not None and failed.refused and failed.code == 2
        assert "disk full" in failed.message
        assert ask_serve(out, _options(tmp_path)) == Reply(7, 0, "built", False)
    finally:
        stopping.set()
        thread.join()


def test_a_forked_child_does_not_keep_the_site_taken(tmp_path: Path) -> None:
    """serve forks workers and background deletions: once serve is gone, a child
    still running must not hold its address."""
    out = tmp_path / "site"
    listener = HandoffListener(out)
    ready, told = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child, once the fork's hooks have run
        os.write(told, b"1")
        time.sleep(3)
        os._exit(0)
    try:
        assert os.read(ready, 1) == b"1"
        listener.close()
        HandoffListener(out).close()  # free while the child lives
    finally:
        os.waitpid(child, 0)
        os.close(ready)
        os.close(told)


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != MARKER
    }


def test_build_py_hands_its_build_to_serve(tmp_path: Path) -> None:
    """As a user runs it: with serve on the site, build.py has serve build the edit
    (the site equals a clean build) and fails, as --strict asks, on the warnings
    of briefs the patch did not make; it is refused with other options, and a
    second serve on the site is refused."""
    proc, _, lines, content, out = _serve(tmp_path, "--no-search", "--strict")
    build = [sys.executable, str(ROOT / "build.py"), "--no-search", "--strict"]
    build += ["--content", str(content), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    try:
        article = content / "jingjinji-2022.txt"
        sentence = "北京市将加快建设京津冀协同发展轨道交通项目。"
        article.write_text(article.read_text(encoding="utf-8") + sentence + "\n", encoding="utf-8")
        done = subprocess.run(build, capture_output=True, text=True, encoding="utf-8", timeout=300)
        # Other briefs of the site have warnings (spans marked □): --strict fails.
        assert done.returncode == 1, done.stderr
        assert f"'build.py serve' (pid {proc.pid})" in done.stderr, done.stderr
        assert "serve's output lists them" in done.stderr
        assert not re.search(r"^built \d+ brief", done.stderr, re.M)  # none built here
        assert sentence in (out / "briefs" / "jingjinji-2022.html").read_text(encoding="utf-8")

        clean = tmp_path / "clean"
        argv = ["-q", "--no-search", "--no-cache", "--content", str(content), "--out", str(clean)]
        assert main(argv, project_dir=ROOT) == 0
        assert _files(out) == _files(clean)

        lenient = [arg for arg in build if arg != "--strict"]
        refused = subprocess.run(
            lenient, capture_output=True, text=True, encoding="utf-8", timeout=300
        )
        assert refused.returncode == 2
        assert "with other options (strict: True in serve, False here)" in refused.stderr
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
    done = subprocess.run(lenient, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0 and "'build.py serve'" not in done.stderr, done.stderr


def test_serve_refuses_builds_once_the_tool_on_disk_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint is made again only when the package's files or a library
    folder changed; a build is refused when it differs from serve's."""
    from policybriefs import cache, handoff

    stamps = iter([["first"], ["first"], ["second"], ["second"], ["third"]])
    monkeypatch.setattr(handoff, "_tool_stamp", lambda: next(stamps))
    made: list[str] = []
    fingerprints = iter([cache.tool_fingerprint(), "after an upgrade"])

    def fingerprint() -> str:
        made.append("again")
        return next(fingerprints)

    monkeypatch.setattr(cache.tool_fingerprint, "__wrapped__", fingerprint)
    changed = handoff.tool_check()
    assert changed() is False and made == []  # nothing touched: not made again
    assert changed() is False and made == ["again"]  # touched, the same code
    assert changed() is False and made == ["again"]
    assert changed() is True

    builds: list[list[Path]] = []
    preview = _preview(tmp_path, builds, [])
    preview.tool_changed = lambda: True
    reply = preview.hand_over(_options(tmp_path))
    assert reply.refused and reply.code == 2 and "before it was updated" in reply.message
    assert builds == []


def test_build_py_does_not_wait_for_what_the_build_forked(tmp_path: Path) -> None:
    """A whole build forks a process that deletes the old site in the background (a
    minute at N = 10,000) and holds a copy of the connection: the answer ends it."""
    out = tmp_path / "site"
    listener = HandoffListener(out)
    children: list[int] = []

    def handle(options: dict[str, object]) -> Reply:
        child = os.fork()
        if child == 0:  # pragma: no cover - the child
            time.sleep(5)
            os._exit(0)
        children.append(child)
        return Reply(os.getpid(), 0, "built", False)

    stopping = threading.Event()
    thread = threading.Thread(target=listener.run, args=(handle, stopping))
    thread.start()
    try:
        started = time.monotonic()
        assert ask_serve(out, _options(tmp_path)) == Reply(os.getpid(), 0, "built", False)
        assert time.monotonic() - started < 4
    finally:
        stopping.set()
        thread.join()
        for child in children:
            os.waitpid(child, 0)
