"""serve's watcher and its marks (``policybriefs.watching``): a build handed over
learns from a mark that every save made before it has been reported."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import policybriefs.serve
import policybriefs.watching
from policybriefs.handoff import HandoffListener, Options
from policybriefs.serve import Preview
from policybriefs.stamps import refresh as real_refresh
from policybriefs.stamps import snapshot
from policybriefs.watching import LOCAL_FILE_SYSTEMS, UNKNOWN, SourceWatcher, file_system_type


class _Consumer:
    """What serve's watcher thread does with the batches, recorded: every change,
    and each mark reached once its batch is 'built'."""

    def __init__(self, watcher: SourceWatcher) -> None:
        self.watcher = watcher
        self.changed: list[str] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        for changes, marks in self.watcher.batches(self.stopping):
            self.changed.extend(path for _, path in changes)
            if marks:
                self.watcher.reached(marks, len(changes))


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, SourceWatcher, _Consumer]]:
    content = tmp_path / "content"
    content.mkdir()
    watcher = SourceWatcher([content])
    consumer = _Consumer(watcher)
    consumer.thread.start()
    try:
        yield content, watcher, consumer
    finally:
        consumer.stopping.set()
        consumer.thread.join(timeout=10)
        watcher.close()


@pytest.fixture
def trusted(
    watched: tuple[Path, SourceWatcher, _Consumer],
) -> tuple[Path, SourceWatcher, _Consumer]:
    """``watched``, its marks trusted; skipped where the watcher polls."""
    _, watcher, _ = watched
    if not watcher.ordered:
        pytest.skip("the watcher polls here: its marks are not used")
    watcher.trust()
    return watched


def test_a_mark_is_reported_after_every_save_made_before_it(
    trusted: tuple[Path, SourceWatcher, _Consumer],
) -> None:
    content, watcher, consumer = trusted
    # Each save right before the mark, with no pause: the case a stat of every
    # file was there for.
    for i, (name, text) in enumerate(
        [
            ("成渝-2023.txt", "成都市将推进成渝地区双城经济圈建设。"),
            ("jingjinji-2024.txt", "北京市将推进京津冀协同发展。"),
            ("成渝-2023.txt", "重庆市将建设西部陆海新通道。"),
            ("beibuwan-2022.md", "---\ntitle: 北部湾城市群联席会议\n---\n南宁市表示将加快建设。"),
        ]
    ):
        article = content / name
        article.write_text(text + str(i), encoding="utf-8")
        outcome = watcher.caught_up(timeout=30)
        assert outcome != UNKNOWN
        assert str(article) in consumer.changed, (i, consumer.changed)
        consumer.changed.clear()
    # With nothing saved since, the mark comes alone: nothing was built with it.
    assert watcher.caught_up(timeout=30) == 0
    assert consumer.changed == []


def test_names_the_watcher_ignores_are_left_out(
    trusted: tuple[Path, SourceWatcher, _Consumer],
) -> None:
    content, watcher, consumer = trusted
    (content / "闽西南-2021.txt~").write_text("编辑器的备份", encoding="utf-8")
    (content / ".git").mkdir()
    (content / ".git" / "index").write_text("x", encoding="utf-8")
    article = content / "闽西南-2021.txt"
    article.write_text("厦门市将深化山海协作。", encoding="utf-8")
    assert watcher.caught_up(timeout=30) != UNKNOWN
    assert consumer.changed == [str(article)]


def test_marks_are_not_used_until_trusted_nor_after_close(tmp_path: Path) -> None:
    watcher = SourceWatcher([tmp_path])
    marks = watcher.marks_dir
    try:
        assert watcher.caught_up(timeout=0.1) == UNKNOWN  # not trusted yet
        watcher.trust()
    finally:
        watcher.close()
    assert watcher.caught_up(timeout=0.1) == UNKNOWN
    assert not marks.exists()


def test_a_mark_not_reported_in_time_is_unknown(tmp_path: Path) -> None:
    """Nobody reads the batches (serve's watcher busy with a whole build): the
    build handed over does not wait for it, and stats every file instead."""
    watcher = SourceWatcher([tmp_path])
    try:
        watcher.trust()
        if not watcher.ordered:
            pytest.skip("the watcher polls here: its marks are not used")
        started = time.monotonic()
        assert watcher.caught_up(timeout=0.3) == UNKNOWN
        assert time.monotonic() - started < 5
    finally:
        watcher.close()


def test_a_polling_watcher_is_not_ordered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A poller compares folders one after another: it may see a mark before a save
    made earlier, so its marks are never trusted."""
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    watcher = SourceWatcher([tmp_path])
    try:
        assert not watcher.ordered
        watcher.trust()
        assert watcher.caught_up(timeout=0.1) == UNKNOWN
    finally:
        watcher.close()


def _options(tmp_path: Path) -> Options:
    return {"content": str(tmp_path / "content"), "out": str(tmp_path / "site")}


@contextlib.contextmanager
def _serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Preview, Path, list[list[Path]], list[int]]]:
    """serve on one article, its rebuilds recorded, not made; its stats of every file
    counted; once its watcher trusts the marks."""
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "site").mkdir()
    article = content / "chengyu-2023.txt"
    article.write_text("成都市将推进成渝地区双城经济圈建设。\n", encoding="utf-8")
    builds: list[list[Path]] = []

    def rebuild(changed: Sequence[Path]) -> int:
        builds.append(list(changed))
        return 0

    stats: list[int] = []

    def counted_refresh(*args: object, **kwargs: object) -> list[Path]:
        stats.append(1)
        return real_refresh(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(policybriefs.serve, "refresh", counted_refresh)
    preview = Preview(
        tmp_path / "site",
        [content],
        rebuild,
        port=0,
        options=_options(tmp_path),
        seen=snapshot([content], [content]),
        dotted=[content],
        listener=HandoffListener(tmp_path / "site"),  # marks are for builds handed over
    )
    monkeypatch.setattr(policybriefs.serve, "MARK_WAIT_SECONDS", 60.0)  # a loaded machine
    preview.start()
    try:
        deadline = time.monotonic() + 60
        while preview.watcher is None or not preview.watcher.trusted:
            assert time.monotonic() < deadline, "the watcher did not start"
            if preview.watcher is not None and not preview.watcher.ordered:
                pytest.skip("the watcher polls here: builds handed over stat every file")
            time.sleep(0.05)
        assert stats == [1]  # the catch-up when the watcher began
        yield preview, article, builds, stats
    finally:
        preview.stop()


def test_a_build_handed_over_is_answered_by_the_marks_without_a_stat_of_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _serving(tmp_path, monkeypatch) as (preview, article, builds, stats):
        for text in ("成都市将建设天府国际会展中心。\n", "成都市将建设蓝鲸湾数字港。\n"):
            builds.clear()
            article.write_text(text, encoding="utf-8")
            reply = preview.hand_over(_options(tmp_path))
            assert reply.code == 0 and not reply.refused, reply
            assert builds == [[article.absolute()]], (builds, reply)
        assert stats == [1]


def test_a_build_handed_over_ends_the_wait_for_a_page_to_fetch_the_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page polled a moment ago, then closed: serve drafts the save and waits for
    the page to fetch it. A build.py asking meanwhile wants the build, not the
    draft: the wait ends at once (it took the whole grace, a second, before)."""
    monkeypatch.setattr(policybriefs.serve, "DRAFT_GRACE_SECONDS", 20.0)
    with _serving(tmp_path, monkeypatch) as (preview, article, builds, _):
        drafts = preview.drafts
        drawn: list[Sequence[Path]] = []

        def draw(changed: Sequence[Path]) -> int:
            drafts.served.clear()  # as a real draw does
            drawn.append(changed)
            return 2

        waits: list[bool] = []
        waiting = threading.Event()
        real_wait = drafts.served.wait

        def wait(timeout: float | None = None) -> bool:
            waiting.set()
            waits.append(real_wait(timeout))
            return waits[-1]

        monkeypatch.setattr(drafts, "draw", draw)
        monkeypatch.setattr(drafts.served, "wait", wait)
        drafts.polled_at = time.monotonic() + 60  # the page's last poll, a moment ago
        article.write_text("成都市将建设天府国际会展中心。\n", encoding="utf-8")
        # The build asked for once serve waits (asked while it drafts, the wait is
        # skipped instead: draft_now's own check, not reached here).
        assert waiting.wait(timeout=30), "the watcher did not draft the save"
        deadline = time.monotonic() + 30
        reply = preview.hand_over(_options(tmp_path))
        assert reply.code == 0 and not reply.refused, reply
        assert builds == [[article.absolute()]], (builds, reply)
        assert waits == [True]  # woken by the build asked for, not timed out

        # A save the watcher reports while a build.py waits is built without a draft.
        builds.clear()
        with drafts.asking_for_build():
            article.write_text("成都市将建设蓝鲸湾数字港。\n", encoding="utf-8")
            while not builds:
                assert time.monotonic() < deadline + 30, "the save was not built"
                time.sleep(0.05)
        assert len(drawn) == 1 and waits == [True]


def test_a_batch_serve_failed_to_build_is_found_by_the_next_build_handed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher's rebuild raised before it built the save: a mark reported later
    must not say the site is up to date."""
    with _serving(tmp_path, monkeypatch) as (preview, article, builds, stats):
        real = preview.rebuild_now
        failed: list[Sequence[Path]] = []

        def failing_once(changed: Sequence[Path] = (), **kwargs: bool) -> int | None:
            if changed and not failed:
                failed.append(changed)
                raise OSError("disk full")
            return real(changed, **kwargs)

        monkeypatch.setattr(preview, "rebuild_now", failing_once)
        article.write_text("成都市将建设天府国际会展中心。\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while not failed:
            assert time.monotonic() < deadline, "the watcher did not see the save"
            time.sleep(0.05)
        reply = preview.hand_over(_options(tmp_path))
        assert reply.code == 0 and not reply.refused, reply
        assert builds == [[article.absolute()]], (builds, reply)
        assert len(stats) == 2  # every file stat'ed: the marks are not trusted since


MOUNTINFO = "\n".join(
    [
        "22 27 0:21 / /proc rw,relatime - proc proc rw",
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard",
        "40 27 0:40 / /tmp rw,nosuid - tmpfs tmpfs rw",
        "41 27 0:41 /exports/briefs /home/editor/nfs rw - nfs4 server:/exports rw",
        r"42 27 0:42 / /mnt/my\040share rw - fuse.sshfs editor@host: rw",
        "43 27 0:43 / /srv/政策简报 rw - cifs //nas/briefs rw",
        "44 41 0:44 / /home/editor/nfs/local rw - ext4 /dev/vdb rw",
    ]
)


@pytest.mark.parametrize(
    ("path", "kind", "trusted"),
    [
        ("/home/editor/闽西南/content", "ext4", True),
        ("/tmp/policybriefs/templates", "tmpfs", True),
        ("/home/editor/nfs/content", "nfs4", False),
        ("/home/editor/nfsx/content", "ext4", True),  # a sibling's name, not inside it
        ("/home/editor/nfs/local/content", "ext4", True),  # mounted inside the share
        ("/mnt/my share/content", "fuse.sshfs", False),
        ("/srv/政策简报/content", "cifs", False),
    ],
)
def test_the_file_system_of_a_folder_is_read_from_mountinfo(
    path: str, kind: str, trusted: bool
) -> None:
    assert file_system_type(Path(path), MOUNTINFO) == kind
    assert (kind in LOCAL_FILE_SYSTEMS) is trusted


def test_a_large_batch_ends_the_trust_in_marks(
    trusted: tuple[Path, SourceWatcher, _Consumer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """So many changes at once that inotify's queue may have overflowed, and the
    watcher drops the overflow's notice: the marks are no longer trusted."""
    content, watcher, consumer = trusted
    monkeypatch.setattr(policybriefs.watching, "LARGE_BATCH", 5)
    for i in range(8):
        (content / f"成渝-{i}.txt").write_text("重庆市将建设西部陆海新通道。", encoding="utf-8")
    deadline = time.monotonic() + 30
    while watcher.trusted:
        assert time.monotonic() < deadline, consumer.changed
        time.sleep(0.05)
    assert watcher.caught_up(timeout=1) == UNKNOWN
    watcher.trust()  # for good: a stat of every file does not bring it back
    assert not watcher.trusted


def test_symbolic_links_keep_the_marks_from_being_trusted(
    watched: tuple[Path, SourceWatcher, _Consumer],
) -> None:
    """A link's target may change with no notice for the link."""
    content, watcher, consumer = watched
    (content / "闽西南-2021.txt").write_text("厦门市将深化山海协作。", encoding="utf-8")
    (content / "link.txt").symlink_to(content / "闽西南-2021.txt")
    watcher.trust()
    assert not watcher.trusted
    (content / "link.txt").unlink()
    watcher.trust()
    assert watcher.trusted == watcher.ordered
    if not watcher.ordered:
        return
    (content / "later.txt").symlink_to(content / "闽西南-2021.txt")
    deadline = time.monotonic() + 30
    while watcher.trusted:
        assert time.monotonic() < deadline, consumer.changed
        time.sleep(0.05)


def test_marks_folders_of_serve_processes_gone_are_removed(tmp_path: Path) -> None:
    import tempfile

    gone = Path(tempfile.gettempdir()) / "policybriefs-serve-marks-999999999-x"
    gone.mkdir(exist_ok=True)
    (gone / "mark-1").touch()
    watcher = SourceWatcher([tmp_path])
    try:
        assert not gone.exists()
        assert watcher.marks_dir.is_dir()
    finally:
        watcher.close()
