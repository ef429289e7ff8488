"""The spare under ``serve``: patched in place of a staging folder, and refreshed while idle.

A build keeps the site its swap retired as the *spare* (see ``write.py``). A
patch (``patch.py``) takes the spare as its staging folder like a build does,
but knows from what the last build or patch left where the spare differs from
the live site, so it touches only those files and its own, never walking the
whole site.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from .write import (
    MARKER,
    DuplicateOutputError,
    SiteWriter,
    _doomed_name,
    _link_or_copy,
    _remove_in_background,
    fold_case,
    mostly_stale,
    prune_empty_folders,
    spare_path,
)


class PatchWriter(SiteWriter):
    """A writer that changes a few files of the live site, still swapping a whole folder.

    The spare is taken as the staging folder, as for a build, but nothing walks the
    whole site: the caller says where the spare differs from the live site
    (``stale``: files it lacks, holds in another version, or whose version is not
    known; ``extra``: files only it has), as the last build or patch left them.
    Only those and the files this patch claims are touched. The manifest starts as
    the live site's; ``claim`` replaces an entry, ``drop`` removes one. The
    ``unlisted`` folders, which no manifest lists, are made the live site's.
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        live: dict[str, str],
        claimed: set[str],
        stale: set[str],
        extra: set[str],
        unlisted: Iterable[str] = (),
    ):
        self.out_dir = out_dir.absolute()
        self.recorded = True
        self.kept_spare = False
        # Made once, for the site's id and for the record: each pass over 200,000
        # entries was a tenth of a patch at N = 10,000.
        self.manifest_data: list[bytes] | None = []
        # The live site's manifest and claimed paths, changed in place (copies of them
        # were 18 MiB at N = 10,000, at the peak of serve); ``abort`` puts them back.
        self.manifest = live
        self._claimed = claimed
        self._before: dict[str, str | None] = {}  # a changed path's live key (None: none)
        self._folded_added: set[str] = set()
        self._folded_removed: set[str] = set()
        self._stale, self._extra = stale, extra
        self.touched: set[str] = set()
        self.dropped: set[str] = set()
        self.staging = self.out_dir.parent / f".{self.out_dir.name}.new-{os.getpid()}"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        if mostly_stale(len(stale), live):
            # A whole build retired the spare, and serve has not refreshed it yet:
            # deleting its files one by one to link the live site's took 55 s at
            # N = 10,000. It is made anew as serve's refresh would, in a few seconds.
            install_spare(self.out_dir, linked_copy(self.out_dir))
            self._stale, self._extra = set(), set()
        os.rename(spare_path(self.out_dir), self.staging)
        (self.staging / MARKER).unlink(missing_ok=True)
        for folder in unlisted:
            self._carry(folder)
        self._spare = {}
        self._out, self._staging = str(self.out_dir), str(self.staging)

    def _carry(self, folder: str) -> None:
        """Make ``folder``, which no manifest lists (the search index), what the live
        site has: its files as they are, unless the spare's copy is the same files
        already (one patch after another carries the same index: 15,000 files at
        N = 10,000); none, when the live site has none (a spare retired by a build
        with search, under a ``serve --no-search``, holds an older index)."""
        target = self.staging / folder
        source = self.out_dir / folder
        if not source.is_dir():
            _remove_in_background(target, _doomed_name(self.out_dir, "extra"))
            return
        if target.is_dir() and _inodes(target) == _inodes(source):
            return
        relink_tree(source, target, self.out_dir)

    def claim(self, path: str, key: str = "") -> None:
        if path in self.touched:
            raise DuplicateOutputError(f"two pages would be written to {path!r}")
        self._remember(path)
        if path in self.manifest:
            self.manifest[path] = key
        else:
            folded = fold_case(path)
            known = folded in self._claimed
            super().claim(path, key)
            if not known:
                self._folded_added.add(folded)
        self.touched.add(path)
        self.dropped.discard(path)

    def drop(self, path: str) -> None:
        """The new site has no file at ``path`` (a page whose brief was renamed)."""
        if path in self.touched:
            raise ValueError(f"{path!r} is both claimed and dropped")
        self._remember(path)
        if self.manifest.pop(path, None) is not None:
            folded = fold_case(path)
            if folded in self._claimed:
                self._claimed.discard(folded)
                self._folded_removed.add(folded)
            self.dropped.add(path)

    def _remember(self, path: str) -> None:
        if path not in self._before:
            self._before[path] = self.manifest.get(path)

    def place(self, path: str) -> bool:
        key = self.manifest[path]
        live = self._before.get(path, key)
        if not key or live != key:
            return False
        if path not in self._stale and path not in self._extra:
            return True  # the spare holds the live site's version
        return self._reuse(path)

    def abort(self) -> None:
        """Put the live site's manifest and claimed paths back as they were."""
        for path, key in self._before.items():
            if key is None:
                self.manifest.pop(path, None)
            else:
                self.manifest[path] = key
        self._before.clear()
        self._claimed.difference_update(self._folded_added)
        self._claimed.update(self._folded_removed)
        self._folded_added.clear()
        self._folded_removed.clear()
        super().abort()

    def _reuse(self, path: str) -> bool:
        # The spare's file goes first, as in ``refresh_spare``: a link that fails on
        # it clears the way path part by path part (``_make_room``), which is slow.
        # A folder in the way (EISDIR; EPERM on some systems) is left to that.
        with contextlib.suppress(
            FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError
        ):
            os.unlink(f"{self._staging}/{path}")
        return super()._reuse(path)

    def _target(self, path: str) -> str:
        target = f"{self._staging}/{path}"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)  # may be a link shared with the live site
        return target

    def _remove_unclaimed(self) -> None:
        # The spare's files the patch did not claim: brought to the live site's version.
        for path in self._stale - self.touched:
            if path in self.manifest and not self._reuse(path):
                raise FileNotFoundError(f"{self.out_dir / path} vanished during the build")
        gone = (self._extra | self.dropped) - self.touched
        self._spare = dict.fromkeys(gone, "")
        super()._remove_unclaimed()

    def differences(self) -> tuple[set[str], set[str]]:
        """(stale, extra) for the next patch, whose spare is the site this one retires:
        files it did not claim are links to that site's own."""
        return set(self.touched), set(self.dropped)


def _inodes(folder: Path) -> dict[str, int]:
    """Each file below ``folder`` (relative path) and its inode: two trees with the
    same are links to the same files."""
    found: dict[str, int] = {}
    todo = [("", str(folder))]
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found[prefix + entry.name] = entry.inode()
    return found


def relink_tree(source: Path, target: Path, out_dir: Path) -> None:
    """``target`` made anew as links to the files below ``source``; what was there
    is deleted in the background, under a name beside ``out_dir``."""
    _remove_in_background(target, _doomed_name(out_dir, "extra"))
    link_tree(source, target)


def link_tree(source: Path, target: Path) -> None:
    """``target`` (which is not there) made as links to the files below ``source``."""
    for root, _, files in os.walk(source):
        here = target / Path(root).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            _link_or_copy(os.path.join(root, name), str(here / name))


def linked_copy(out_dir: Path) -> Path:
    """A new folder beside ``out_dir`` whose files are links to every file of the
    live site but its marker, to be installed as the spare (``install_spare``).
    Named like a staging folder of this process, so that one left by a killed
    ``serve`` is removed by the next build."""
    live = out_dir.absolute()
    # A name of its own: two refreshes of serve may make copies at once.
    fresh = live.parent / f".{live.name}.new-{os.getpid()}-{time.monotonic_ns()}"
    top = str(live)
    try:
        for root, _, files in os.walk(top):
            here = os.path.join(fresh, os.path.relpath(root, top))
            os.makedirs(here, exist_ok=True)
            for name in files:
                if root != top or name != MARKER:
                    _link_or_copy(os.path.join(root, name), os.path.join(here, name))
    except BaseException:
        discard_copy(out_dir, fresh)
        raise
    return fresh


def discard_copy(out_dir: Path, fresh: Path) -> None:
    """Delete a ``linked_copy`` that is not wanted after all, in the background."""
    _remove_in_background(fresh, _doomed_name(out_dir, "extra"))


def install_spare(out_dir: Path, fresh: Path) -> None:
    """Make ``fresh`` the spare; the old one is deleted in the background."""
    _remove_in_background(spare_path(out_dir), _doomed_name(out_dir, "spare"))
    os.rename(fresh, spare_path(out_dir))


def refresh_spare(out_dir: Path, stale: Iterable[str], extra: Iterable[str]) -> list[str]:
    """Make ``stale`` files of the spare links to the live site's, and delete the
    ``extra`` ones only it has; returns the paths done. The spare's marker must be
    gone first: until it names a site again, no build takes it for a known one.

    ``serve`` runs this while it waits for edits, so that its first patch does not
    bring a spare several builds old up to date file by file (minutes at ten
    thousand briefs). It stops at the first file it cannot place.
    """
    live, spare = out_dir.absolute(), spare_path(out_dir)
    done: list[str] = []
    try:
        for path in extra:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spare / path)
            prune_empty_folders(spare / path, spare)
            done.append(path)
        for path in stale:
            target = spare / path
            target.unlink(missing_ok=True)
            try:
                _link_or_copy(str(live / path), str(target))
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(str(live / path), str(target))
            done.append(path)
    except OSError:
        pass  # a folder in the way, a file gone: the next patch sees to the rest
    return done
