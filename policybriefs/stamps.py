"""Which of a site's source files changed since ``serve`` last built, without
reading them: each file's size, modification and change times and inode, and
the digest of its bytes when it changed too recently for its times to tell a
later write apart ("racily clean", as git calls it)."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path

# A file's name and its stamp (``file_stamp``).
Snapshot = dict[str, bytes]
_STAMP = struct.Struct("<qqqq")
# Time stamps are as coarse as a clock tick on some kernels and 2 s on FAT: a file
# changed this close to a snapshot is told apart by its bytes.
_RACY_NS = 3_000_000_000


def snapshot(folders: Sequence[Path], dotted: Collection[Path] = ()) -> Snapshot:
    """Each file below ``folders`` by its stamp (``file_stamp``): what tells
    ``serve`` which files changed since it last built, reading only those. Below
    the ``dotted`` ones (the content folder), names starting with a dot are left
    out, as content discovery leaves them out."""
    seen: Snapshot = {}
    refresh(seen, folders, dotted)
    return seen


def refresh(seen: Snapshot, folders: Sequence[Path], dotted: Collection[Path] = ()) -> list[Path]:
    """Bring ``seen`` up to date in place; the files added, changed or removed since,
    in order. In place, so that a second snapshot of every file is not held beside
    the first in serve's long-lived heap."""
    racy_after = time.time_ns() - _RACY_NS
    pack = _STAMP.pack
    changed: list[str] = []
    found: set[str] = set()
    for path, info in source_files(folders, dotted):
        # _stamp, inline: this runs for every file of the site's sources.
        stamp = pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        if info.st_mtime_ns >= racy_after or info.st_ctime_ns >= racy_after:
            stamp = _stamp(path, info, racy_after)
        found.add(path)
        was = seen.get(path)
        if was != stamp:
            if _differs(was, stamp, path):
                changed.append(path)
            seen[path] = stamp
    if len(found) != len(seen):
        for path in seen.keys() - found:
            del seen[path]
            changed.append(path)
    return [Path(p) for p in sorted(changed)]


def restamp(
    seen: Snapshot, paths: Iterable[Path], folders: Sequence[Path], dotted: Collection[Path] = ()
) -> bool:
    """Bring ``seen`` up to date for ``paths`` alone (files the watcher named, below
    ``folders``); whether every one of them was as ``seen`` had it already. A name
    the snapshots leave out counts as changed (they cannot tell), and so does a
    folder (moved, its files were not named one by one)."""
    racy_after = time.time_ns() - _RACY_NS
    same = True
    for path in paths:
        key = str(path)
        if not _tracked(path, folders, dotted) or _is_folder(key, seen):
            same = False
            continue
        stamp = file_stamp(key, racy_after)
        same = same and not _differs(seen.get(key), stamp, key)
        if stamp is None:
            seen.pop(key, None)
        else:
            seen[key] = stamp
    return same


def names_folder(seen: Snapshot, paths: Iterable[Path]) -> bool:
    """Whether any of ``paths`` is a folder, or was one when ``seen`` was taken."""
    return any(_is_folder(str(path), seen) for path in paths)


def _is_folder(key: str, seen: Snapshot) -> bool:
    if key in seen:
        return False
    if os.path.isdir(key):
        return True
    below = key + os.sep
    return any(name.startswith(below) for name in seen)


def file_stamp(path: str, racy_after: int) -> bytes | None:
    """Size, modification and change times and inode, packed; and the digest of
    the bytes too when the file changed after ``racy_after`` (ns), too recently for
    its times to tell a later write apart ("racily clean", as git calls it). None
    when it is not there, or not a file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _stamp(path, info, racy_after) if stat.S_ISREG(info.st_mode) else None


def _stamp(path: str, info: os.stat_result, racy_after: int) -> bytes:
    digest = b""
    if max(info.st_mtime_ns, info.st_ctime_ns) >= racy_after:
        try:
            digest = _digest(path)
        except OSError:  # unreadable: changed every time, and the build says why
            digest = os.urandom(32)
    return _STAMP.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) + digest


def source_files(
    folders: Sequence[Path], dotted: Collection[Path]
) -> Iterator[tuple[str, os.stat_result]]:
    """The regular files below ``folders`` (dot-names left out below ``dotted``) and
    their ``stat``. Each folder is listed by its descriptor, so that a file is
    stat'ed by its name in it rather than by its whole path: 0.09 s for 18,800
    files where ``os.walk`` and ``os.stat`` took 0.18 s. Linked folders are followed
    below the others (templates: a build reads through them, ``read_templates``
    with this walk), a link back to a folder above left out, and not below
    ``dotted`` (content discovery does not)."""
    todo = [
        (str(folder), folder in dotted, frozenset({os.path.realpath(folder)})) for folder in folders
    ]
    while todo:
        here, skip_dotted, above = todo.pop()
        try:
            fd = os.open(here, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # a folder gone meanwhile
            continue
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    if skip_dotted and entry.name.startswith("."):
                        continue
                    path = os.path.join(here, entry.name)
                    if entry.is_dir(follow_symlinks=False):
                        todo.append((path, skip_dotted, above | {os.path.realpath(path)}))
                    elif not skip_dotted and entry.is_symlink() and entry.is_dir():
                        real = os.path.realpath(path)
                        if real not in above:
                            todo.append((path, skip_dotted, above | {real}))
                    elif entry.is_file():
                        try:
                            info = entry.stat()
                        except OSError:  # gone meanwhile
                            continue
                        yield path, info
        except OSError:
            continue
        finally:
            os.close(fd)


def _tracked(path: Path, folders: Sequence[Path], dotted: Collection[Path]) -> bool:
    for folder in folders:
        if path.is_relative_to(folder):
            parts = path.relative_to(folder).parts
            return folder not in dotted or not any(part.startswith(".") for part in parts)
    return False


def _digest(path: str) -> bytes:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").digest()


def _differs(was: bytes | None, stamp: bytes | None, path: str) -> bool:
    if was is None or stamp is None:
        return was is not stamp
    if was[: _STAMP.size] != stamp[: _STAMP.size]:
        return True
    if len(was) == _STAMP.size:
        return False
    # Written right before the last snapshot: a write since, in the same tick of
    # the clock and of the same size, shows in the bytes alone.
    try:
        return was[_STAMP.size :] != (stamp[_STAMP.size :] or _digest(path))
    except OSError:
        return True
