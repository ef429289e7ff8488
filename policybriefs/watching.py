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
has been reported too.

The marks are trusted only where that holds, and serve stats every file elsewhere:
- the watcher must be inotify (``ordered``): a poller, forced by
  ``WATCHFILES_FORCE_POLLING`` or where inotify is missing, compares folders one
  after another and may see the mark before an earlier save;
- the watched folders must be on a local file system: a save on another machine
  to a network share (NFS, SMB, sshfs) or through FUSE makes no notification here;
- from a stat of every file on (``trust``), with no symbolic link below the
  folders: a link's target changes without a notification for the link;
- until a batch so large that the kernel's queue may have overflowed (the watcher
  drops the overflow's notice), a symbolic link saved, or a batch serve failed to
  build (``distrust``): for the rest of the session.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import watchfiles
from watchfiles import Change, DefaultFilter

# What the wait for a mark gives when the watcher cannot tell (see ``caught_up``).
UNKNOWN = -1
# The watcher reports a batch once no change came for a step, and looks every step:
# two steps at least after the first change. 50 ms groups the files of a save or of
# a checkout into one batch; while a build.py waits for its mark, which came while
# serve was building, the steps are shorter (0.1 s of its wait, else).
STEP_MS = 50
MARK_STEP_MS = 10
# Changes in one batch past which the marks are no longer trusted: inotify queues
# 16,384 events by default, and a checkout of thousands of files may overflow it.
LARGE_BATCH = 1000
# File systems whose every change this machine's kernel makes, and notifies.
LOCAL_FILE_SYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "f2fs", "jfs", "reiserfs", "zfs"}
    | {"tmpfs", "ramfs", "overlay"}
)
_PREFIX = "policybriefs-serve-marks-"


def _rust_notify(paths: list[str]) -> Any | None:
    """watchfiles' own watcher, as ``watchfiles.watch`` makes it: called directly, it
    tells which kind it made (its repr). None when this watchfiles makes it otherwise."""
    try:
        from watchfiles._rust_notify import RustNotify

        main = watchfiles.main
        return RustNotify(
            paths,
            main._default_debug(None),
            main._default_force_polling(None),
            main._default_poll_delay_ms(300),
            True,  # recursive
            main._default_ignore_permission_denied(None),
        )
    except (ImportError, AttributeError, TypeError):
        return None


def file_system_type(path: Path, mountinfo: str | None = None) -> str:
    """The type of the file system ``path`` is on, from ``/proc/self/mountinfo``
    (its text may be given); "" where that is not known."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8")
        except OSError:
            return ""
    target = os.path.realpath(path)
    best, kind = "", ""
    for line in mountinfo.splitlines():
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or not rest:
            continue
        # Spaces, tabs, newlines and backslashes are written as octal escapes (\040).
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), parts[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, rest.split()[0]
    return kind


def _links_below(folders: Iterable[Path]) -> bool:
    todo = [str(folder) for folder in folders]
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        return True
                    if entry.is_dir():
                        todo.append(entry.path)
        except OSError:
            continue
    return False


def _remove_stale_marks() -> None:
    """Marks folders of serve processes that are gone (killed before they closed)."""
    with contextlib.suppress(OSError), os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            pid = entry.name.removeprefix(_PREFIX).partition("-")[0]
            if entry.name.startswith(_PREFIX) and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: alive
        return True
    return True


class SourceWatcher:
    """The files changed below ``folders``, a batch at a time, and the marks
    (``caught_up``) that came with them."""

    def __init__(self, folders: Sequence[Path], *, debounce_ms: int = 300):
        _remove_stale_marks()
        self.folders = list(folders)
        self.marks_dir = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
        self._notify = _rust_notify([*(str(p) for p in folders), str(self.marks_dir)])
        self.ordered = (
            sys.platform.startswith("linux")
            and repr(self._notify).startswith("RustNotify(Recommended(")
            and all(file_system_type(p) in LOCAL_FILE_SYSTEMS for p in self.folders)
        )
        self._debounce_ms = debounce_ms
        self._filter = DefaultFilter()
        self._numbers = itertools.count(1)
        self.trusted = False  # see ``trust``
        self._distrusted = False
        # The marks waited for, and what the watcher's turn for each made.
        self._marked = threading.Condition()
        self._awaited: dict[str, int | None] = {}
        self._reached: set[str] = set()

    def trust(self) -> None:
        """Serve stat'ed every file since the watcher began: from now on, what the
        watcher reports is every change, unless a link below the folders may hide one."""
        with self._marked:
            self.trusted = not self._distrusted and not _links_below(self.folders)

    def distrust(self) -> None:
        """For the rest of the session, builds handed over stat every file."""
        with self._marked:
            self._distrusted = True
            self.trusted = False
            self._marked.notify_all()

    def batches(
        self, stopping: threading.Event
    ) -> Iterator[tuple[list[tuple[Change, str]], list[str]]]:
        """Each batch of changes (``DefaultFilter``'s ignored names left out, as
        ``watchfiles.watch`` leaves them out) and the marks waited for that came with
        it, until ``stopping`` is set."""
        if self._notify is None:  # no marks: the watcher as watchfiles.watch makes it
            for found in watchfiles.watch(
                *self.folders,
                stop_event=stopping,
                debounce=self._debounce_ms,
                raise_interrupt=False,
            ):
                yield sorted(found), []
            return
        marks_dir = str(self.marks_dir)
        while not stopping.is_set():
            step = MARK_STEP_MS if self._awaited else STEP_MS
            raw = self._notify.watch(self._debounce_ms, step, 0, stopping)
            if isinstance(raw, str):  # "stop", "signal" or "timeout"
                if raw == "timeout":
                    continue
                return
            changes: list[tuple[Change, str]] = []
            marks: list[str] = []
            for number, path in raw:
                folder, name = os.path.split(path)
                if folder == marks_dir:
                    if name in self._awaited:  # not a mark's removal, nor one given up
                        marks.append(name)
                elif self._filter(Change(number), path):
                    changes.append((Change(number), path))
            if self.trusted and (
                len(changes) >= LARGE_BATCH or any(os.path.islink(p) for _, p in changes)
            ):
                self.distrust()
            if changes or marks:
                yield changes, marks

    def caught_up(self, timeout: float) -> int | None:
        """Make a mark and wait for the watcher to report it, and so every change
        made before it, and for serve to build what came with it (``reached``):
        that build's exit code, None when there was nothing to build, ``UNKNOWN``
        when the watcher cannot tell (see the module's notes), or when it is busy
        for longer than ``timeout`` seconds."""
        if not (self.ordered and self.trusted):
            return UNKNOWN
        with self._marked:
            mark = f"mark-{next(self._numbers)}"
            self._awaited[mark] = UNKNOWN
            try:
                fd = os.open(self.marks_dir / mark, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                self._marked.wait_for(
                    lambda: mark in self._reached or not self.trusted, timeout=timeout
                )
                return self._awaited[mark] if mark in self._reached else UNKNOWN
            except OSError:
                return UNKNOWN
            finally:
                del self._awaited[mark]
                self._reached.discard(mark)

    def reached(self, marks: Sequence[str], built: int | None) -> None:
        """Serve has built what came with ``marks``: ``built`` as ``caught_up`` gives it."""
        with self._marked:
            for mark in marks:
                if mark in self._awaited:
                    self._awaited[mark] = built if self.trusted else UNKNOWN
                    self._reached.add(mark)
            self._marked.notify_all()
        for name in marks:
            (self.marks_dir / name).unlink(missing_ok=True)

    def close(self) -> None:
        with self._marked:
            self.trusted = False
            self._marked.notify_all()
        if self._notify is not None:
            self._notify.close()
        shutil.rmtree(self.marks_dir, ignore_errors=True)
