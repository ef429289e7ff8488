"""``serve``'s watcher of the site's sources, and the marks by which a ``build.py``
run handed over learns that the watcher has caught up with every save made
before it asked.

A build handed over must build whatever was saved before it, including a file
saved a moment ago that the watcher has not reported yet. Stat'ing every source
file tells (``stamps.refresh``), but at N = 10,000 that is 19,000 calls and
0.1-0.2 s of the half second an editor waits. Here ``serve`` writes a mark, a new
file in a folder of its own that the same watcher watches, and waits for the
watcher to report it. The kernel's notifications (inotify) come in one queue, in
the order the files changed: once the mark is reported, every save made before it
has been reported too. A watcher that polls (forced by ``WATCHFILES_FORCE_POLLING``,
or where inotify is missing) compares folders one after another and may see the
mark before an earlier save: it is not ``ordered``, and serve stats every file.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import watchfiles
from watchfiles import Change, DefaultFilter

# watchfiles.watch() is this loop around RustNotify; called directly, it tells
# which kind of watcher it made (its repr), which the marks depend on.
from watchfiles._rust_notify import RustNotify

# What the wait for a mark gives when the watcher cannot tell (see ``caught_up``).
UNKNOWN = -1


def _force_polling() -> bool:
    """As ``watchfiles.watch`` decides by default: ``WATCHFILES_FORCE_POLLING``, or WSL."""
    decide = getattr(watchfiles.main, "_default_force_polling", None)
    if decide is not None:
        return bool(decide(None))
    value = os.environ.get("WATCHFILES_FORCE_POLLING", "")
    return bool(value) and value.lower() not in {"false", "disable", "disabled"}


class SourceWatcher:
    """The files changed below ``folders``, a batch at a time, and the marks
    (``mark``) reported since the last batch."""

    def __init__(self, folders: Sequence[Path], *, debounce_ms: int = 300, step_ms: int = 50):
        self.marks_dir = Path(tempfile.mkdtemp(prefix="policybriefs-serve-marks-"))
        try:
            self._notify = RustNotify(
                [*(str(p) for p in folders), str(self.marks_dir)],
                False,  # debug
                _force_polling(),
                300,  # poll delay, ms, when polling
                True,  # recursive
                False,  # ignore_permission_denied
            )
        except BaseException:
            shutil.rmtree(self.marks_dir, ignore_errors=True)
            raise
        self.ordered = sys.platform.startswith("linux") and repr(self._notify).startswith(
            "RustNotify(Recommended("
        )
        self._debounce_ms = debounce_ms
        self._step_ms = step_ms
        self._filter = DefaultFilter()
        self._numbers = itertools.count(1)
        # Set by serve once every change since its last snapshot is the watcher's to
        # report: the changes made before the watcher began were stat'ed.
        self.trusted = False
        # The marks waited for, and what the watcher's turn for each made.
        self._marked = threading.Condition()
        self._awaited: dict[str, int | None] = {}
        self._reached: set[str] = set()

    def batches(
        self, stopping: threading.Event
    ) -> Iterator[tuple[list[tuple[Change, str]], list[str]]]:
        """Each batch of changes (``DefaultFilter``'s ignored names left out, as
        ``watchfiles.watch`` leaves them out) and the marks that came with it, until
        ``stopping`` is set."""
        marks_dir = str(self.marks_dir)
        while not stopping.is_set():
            raw = self._notify.watch(self._debounce_ms, self._step_ms, 0, stopping)
            if isinstance(raw, str):  # "stop", "signal" or "timeout"
                if raw == "timeout":
                    continue
                return
            changes: list[tuple[Change, str]] = []
            marks: list[str] = []
            for number, path in raw:
                folder, name = os.path.split(path)
                if folder == marks_dir:
                    marks.append(name)
                elif self._filter(Change(number), path):
                    changes.append((Change(number), path))
            if changes or marks:
                yield changes, marks

    def caught_up(self, timeout: float) -> int | None:
        """Make a mark and wait for the watcher to report it, and so every change
        made before it, and for serve to build what came with it (``reached``):
        that build's exit code, None when there was nothing to build, ``UNKNOWN``
        when the watcher cannot tell (not ``trusted``, stopped, or busy for longer
        than ``timeout`` seconds)."""
        if not (self.ordered and self.trusted):
            return UNKNOWN
        with self._marked:
            mark = f"mark-{next(self._numbers)}"
            try:
                fd = os.open(self.marks_dir / mark, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError:
                return UNKNOWN
            os.close(fd)
            self._awaited[mark] = UNKNOWN
            try:
                self._marked.wait_for(
                    lambda: mark in self._reached or not self.trusted, timeout=timeout
                )
                return self._awaited[mark] if mark in self._reached else UNKNOWN
            finally:
                del self._awaited[mark]
                self._reached.discard(mark)

    def reached(self, marks: Sequence[str], built: int | None) -> None:
        """Serve has built what came with ``marks`` (``built``: as ``caught_up`` says)."""
        with self._marked:
            for mark in marks:
                if mark in self._awaited:
                    self._awaited[mark] = built
                    self._reached.add(mark)
            self._marked.notify_all()
        for name in marks:
            (self.marks_dir / name).unlink(missing_ok=True)

    def close(self) -> None:
        with self._marked:
            self.trusted = False
            self._marked.notify_all()
        self._notify.close()
        shutil.rmtree(self.marks_dir, ignore_errors=True)
