"""run_in_forks: items taken in turns, and what happens when a process fails; compiling
the templates ahead."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from conftest import ROOT
from policybriefs import render as render_module
from policybriefs.render import compile_templates, make_environment, run_in_forks


def _write_pids(items: Sequence[Path]) -> None:
    for path in items:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        time.sleep(0.01)  # long enough for every child to start and take turns


@pytest.mark.parametrize(
    ("count", "jobs", "processes"),
    [
        (10, 2, 1),  # too few to fork: all in this process
        (64, 1, 1),
        (64, 2, 2),  # this process and one child
        (99, 3, 3),
    ],
)
def test_every_item_is_done_once(tmp_path: Path, count: int, jobs: int, processes: int) -> None:
    items = [tmp_path / f"{i}.txt" for i in range(count)]
    run_in_forks(_write_pids, items, jobs)
    lines = [p.read_text(encoding="utf-8").split() for p in items]
    assert all(len(done) == 1 for done in lines)  # each item once
    pids = [int(done[0]) for done in lines]
    assert len(set(pids)) == processes
    assert os.getpid() in pids


def _slow_in_children(parent: int) -> Callable[[Sequence[Path]], None]:
    def work(items: Sequence[Path]) -> None:
        time.sleep(0.002 if os.getpid() == parent else 0.05)
        _write_pids(items)

    return work


def test_a_slow_process_takes_fewer_items(tmp_path: Path) -> None:
    """Items are taken in turns, not dealt out beforehand: a child slowed down (as a
    forked child is, copying the heap it reads) leaves more to this process."""
    items = [tmp_path / f"{i}.txt" for i in range(64)]
    run_in_forks(_slow_in_children(os.getpid()), items, 2)
    pids = [int(p.read_text(encoding="utf-8")) for p in items]
    here = pids.count(os.getpid())
    assert 32 < here < 64


def _fail_in_child(parent: int) -> Callable[[Sequence[Path]], None]:
    def work(items: Sequence[Path]) -> None:
        if os.getpid() != parent:
            raise RuntimeError("a child fails")
        _write_pids(items)

    return work


def test_a_failed_child_fails_the_run(tmp_path: Path) -> None:
    items = [tmp_path / f"{i}.txt" for i in range(64)]
    with pytest.raises(RuntimeError, match="1 rendering process"):
        run_in_forks(_fail_in_child(os.getpid()), items, 2)


def _failing_here(parent: int) -> Callable[[Sequence[Path]], None]:
    def work(items: Sequence[Path]) -> None:
        if os.getpid() == parent:
            raise ValueError("this process's share fails")
        time.sleep(30)  # a child still at work: ended by the parent, not waited for

    return work


def test_a_failure_in_this_process_ends_the_children(tmp_path: Path) -> None:
    """Even children that would ignore SIGTERM (serve's handler, inherited until
    they reset it) are ended at once."""
    items = [tmp_path / f"{i}.txt" for i in range(256)]
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    started = time.monotonic()
    try:
        with pytest.raises(ValueError, match="this process's share fails"):
            run_in_forks(_failing_here(os.getpid()), items, 8)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert time.monotonic() - started < 20


def test_a_fork_that_fails_ends_the_children_already_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second fork fails (out of memory, say): the child already started is
    ended, not left to take the remaining items into a folder being given up."""
    import multiprocessing.context

    real_start = multiprocessing.context.ForkProcess.start
    started: list[multiprocessing.context.ForkProcess] = []

    def start_once(process: multiprocessing.context.ForkProcess) -> None:
        if started:
            raise OSError("Cannot allocate memory")
        started.append(process)
        real_start(process)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", start_once)
    items = [tmp_path / f"{i}.txt" for i in range(300)]
    begun = time.monotonic()
    with pytest.raises(OSError, match="Cannot allocate"):
        run_in_forks(_slow_in_children(os.getpid()), items, 3)
    assert time.monotonic() - begun < 10  # 300 items at 0.05 s each, had it gone on
    assert started and not started[0].is_alive()
    assert sum(p.exists() for p in items) < 100


def test_compiling_the_templates_ahead_skips_one_that_cannot_be_read(tmp_path: Path) -> None:
    """A head start only: a stray template saved in GBK, which no page uses, must
    not fail what runs after the site is swapped in."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "notes.html").write_bytes("{{ 草稿".encode("gbk"))
    env = make_environment(templates)
    compile_templates(env)
    shutil.rmtree(templates)  # what was compiled no longer needs its file
    assert env.get_template("brief.html").name == "brief.html"


@pytest.mark.parametrize(("items", "trims"), [(8, 0), (200, 1)])
def test_freed_memory_is_handed_back_before_forking_and_only_then(
    monkeypatch: pytest.MonkeyPatch, items: int, trims: int
) -> None:
    children_then: list[int] = []

    def trim() -> None:
        children_then.append(len(multiprocessing.active_children()))

    monkeypatch.setattr(render_module, "return_freed_memory", trim)
    run_in_forks(lambda part: None, list(range(items)), 2)
    # A few items render in this process: no fork, so nothing to hand back first.
    assert children_then == [0] * trims
