"""``serve``'s search index, made again after the pages rather than before them.

A patch leaves the Pagefind index as the last whole build made it: Pagefind
reads every searchable page, a minute at N = 10,000, and an edit must show in
a fraction of a second. Once the saves stop for ``INDEX_IDLE_SECONDS``, the
live site is indexed into a folder beside it, and that bundle is put in place
of the site's own (and linked into the spare, so that the next patch finds the
same files there and carries nothing). A save that comes meanwhile is patched
as usual; its pages are indexed by the next round.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .search import BUNDLE_DIR, SearchIndexError, index_site
from .spare import relink_tree
from .write import _doomed_name, _remove_in_background, spare_path, swap_in

# How long the saves must stop before the site is indexed again: a burst of
# saves is indexed once, after the last.
INDEX_IDLE_SECONDS = 2.0


@dataclass
class IndexState:
    """Whether the site's index is older than its pages, and how the site changed
    since: a round of indexing that saw it change must not pass for current."""

    behind: bool = False
    changes: int = 0  # patches that changed the site, and whole builds
    builds: int = 0  # whole builds: each indexes its own site before its swap

    def patched(self) -> None:
        self.behind = True
        self.changes += 1

    def built(self) -> None:
        self.behind = False
        self.changes += 1
        self.builds += 1


class SearchRefresher:
    """Indexes the live site again, on its own thread, once asked and idle.

    ``building`` is serve's lock over the site and its spare: the new bundle is
    put in place under it, between patches. ``state`` is kept by whoever builds
    and patches (``cli``), under the same lock.
    """

    def __init__(
        self,
        site_dir: Path,
        building: threading.Lock,
        stopping: threading.Event,
        progress: Callable[[str], None],
        state: IndexState,
    ) -> None:
        self.site_dir = site_dir.absolute()
        self.building = building
        self.stopping = stopping
        self.progress = progress
        self.state = state
        self._due: float | None = None
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pagefind: subprocess.Popen[str] | None = None  # while it runs

    def request(self) -> None:
        """Index the site once the saves have stopped for a while."""
        with self._wake:
            self._due = time.monotonic() + INDEX_IDLE_SECONDS
            self._wake.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """After ``stopping`` is set: Pagefind, if it runs, is ended with serve."""
        with self._wake:
            self._wake.notify()
            if self._pagefind is not None:
                self._pagefind.kill()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _running(self, process: subprocess.Popen[str] | None) -> None:
        with self._wake:
            self._pagefind = process
            if process is not None and self.stopping.is_set():
                process.kill()  # stopped before it could be told

    def _run(self) -> None:
        while not self.stopping.is_set():
            with self._wake:
                while not self.stopping.is_set() and (
                    self._due is None or time.monotonic() < self._due
                ):
                    wait = None if self._due is None else self._due - time.monotonic()
                    self._wake.wait(timeout=wait)
                self._due = None
            if self.stopping.is_set() or not self.state.behind:
                continue
            try:
                self.refresh()
            except Exception:  # the thread must live on: the next save asks again
                traceback.print_exc()

    def refresh(self) -> bool:
        """Index the live site now and put the bundle in place; whether it was."""
        started = time.perf_counter()
        changes, builds = self.state.changes, self.state.builds
        parent, name = self.site_dir.parent, self.site_dir.name
        # Named like a staging folder of this process: one a killed serve left is
        # removed by the next build.
        fresh = parent / f".{name}.new-{os.getpid()}-{time.monotonic_ns()}"
        try:
            stats = index_site(self.site_dir, bundle_dir=fresh, running=self._running)
        except SearchIndexError as exc:
            # The site may have been swapped under Pagefind: the next save asks again.
            _remove_in_background(fresh)
            if not self.stopping.is_set():
                self.progress(f"serve: the search index was not brought up to date: {exc}")
            return False
        with self.building:
            if self.stopping.is_set() or self.state.builds != builds:
                # A whole build indexed its own site meanwhile: this bundle is older.
                _remove_in_background(fresh)
                return False
            self._install(fresh)
            current = self.state.changes == changes
            if current:
                self.state.behind = False
        seconds = time.perf_counter() - started
        # A save patched meanwhile asked for the next round itself.
        self.progress(
            f"serve: search index brought up to date ({stats.pages} page(s)) in {seconds:.2f} s"
            + ("" if current else "; the site changed meanwhile: it is indexed again")
        )
        return True

    def _install(self, fresh: Path) -> None:
        """``fresh`` in place of the site's bundle, in one step where the system can
        swap two folders; then linked into the spare."""
        bundle = self.site_dir / BUNDLE_DIR
        old = swap_in(fresh, bundle, _doomed_name(self.site_dir, "extra"))
        if old is not None:
            _remove_in_background(old)
        spare = spare_path(self.site_dir)
        if spare.is_dir():
            relink_tree(bundle, spare / BUNDLE_DIR, self.site_dir)
