"""serve's watcher and its marks (``policybriefs.watching``): a build handed over
learns from a mark that every save made before it has been reported."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import policybriefs.serve
from policybriefs.handoff import HandoffListener, Options
from policybriefs.serve import Preview
from policybriefs.stamps import snapshot
from policybriefs.watching import UNKNOWN, SourceWatcher


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


def test_a_mark_is_reported_after_every_save_made_before_it(
    watched: tuple[Path, SourceWatcher, _Consumer],
) -> None:
    content, watcher, consumer = watched
    if not watcher.ordered:
        pytest.skip("the watcher polls here: its marks are not used")
    watcher.trusted = True
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
    watched: tuple[Path, SourceWatcher, _Consumer],
) -> None:
    content, watcher, consumer = watched
    if not watcher.ordered:
        pytest.skip("the watcher polls here: its marks are not used")
    watcher.trusted = True
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
        watcher.trusted = True
    finally:
        watcher.close()
    assert watcher.caught_up(timeout=0.1) == UNKNOWN
    assert not marks.exists()


def test_a_mark_not_reported_in_time_is_unknown(tmp_path: Path) -> None:
    """Nobody reads the batches (serve's watcher busy with a whole build): the
    build handed over does not wait for it, and stats every file instead."""
    watcher = SourceWatcher([tmp_path])
    try:
        watcher.trusted = True
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
        watcher.trusted = True
        assert watcher.caught_up(timeout=0.1) == UNKNOWN
    finally:
        watcher.close()


def _options(tmp_path: Path) -> Options:
    return {"content": str(tmp_path / "content"), "out": str(tmp_path / "site")}


def test_a_build_handed_over_is_answered_by_the_marks_without_a_stat_of_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    real_refresh = policybriefs.serve.refresh

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
    preview.start()
    try:
        deadline = time.monotonic() + 60
        while preview.watcher is None or not preview.watcher.trusted:
            assert time.monotonic() < deadline, "the watcher did not start"
            time.sleep(0.05)
        if not preview.watcher.ordered:
            pytest.skip("the watcher polls here: builds handed over stat every file")
        assert stats == [1]  # the catch-up when the watcher began
        for text in ("成都市将建设天府国际会展中心。\n", "成都市将建设蓝鲸湾数字港。\n"):
            builds.clear()
            article.write_text(text, encoding="utf-8")
            reply = preview.hand_over(_options(tmp_path))
            assert reply.code == 0 and not reply.refused, reply
            assert builds == [[article.absolute()]], (builds, reply)
        assert stats == [1]
    finally:
        preview.stop()
