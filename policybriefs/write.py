"""Write the whole site in one place, atomically.

Every output path is claimed here first: no two files may claim one path
(compared case-insensitively, as a Mac or Windows checkout would), and no
path may leave the output folder. Files are written into a staging folder
beside the output, which replaces it in one step at the end. A build killed
at any point leaves the previous site as it was.

A rebuild should cost what changed, not what the site holds. The site that a
swap retires is kept beside the output as the *spare*; the next build takes
it as its staging folder and only brings it up to date: a file whose key is
the one the spare was built with stays where it is, a file unchanged since
the last build is hard-linked from it, and only the rest is rendered. Linking
the 196,000 files of a fresh staging tree (in 98,000 folders, before pages
were files of their section) was half of a one-article rebuild. Files are
never changed in place (unchanged ones are hard links shared with the live
site, and a brief's data file one shared with the cache): a file to replace
is unlinked first. A spare stale almost everywhere (after a whole rebuild) is
not brought up to date but deleted, and the live site's files linked into an
empty folder: unlinking each stale file cost five times as much as a link.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .models import KeyedFile, OutputFile
from .urls import script_prefix

MARKER = ".policybriefs-site"
# Backslashes and NULs, and what would break the manifest's lines of path, tab, key.
_UNSAFE = re.compile(r"[\\\0\t\n\r]")


class DuplicateOutputError(Exception):
    pass


@dataclass(frozen=True)
class FileRange:
    """Bytes ``start`` to ``end`` of the open file ``fd`` (``path``), for
    ``write_chunks`` to copy as they are."""

    fd: int
    start: int
    end: int
    path: Path


_COPY_SLICE = 1 << 22


def copy_range(source: FileRange, out: int) -> None:
    """``source``'s bytes appended at ``out``'s position: copied by the kernel where
    it can (no pass through Python of the megabytes an unchanged run of
    commitments.csv holds), else read and written a few megabytes at a time."""
    start, end = source.start, source.end
    kernel = hasattr(os, "copy_file_range")
    while start < end:
        count = min(_COPY_SLICE, end - start)
        if kernel:
            try:
                done = os.copy_file_range(source.fd, out, count, start)
            except OSError:  # another file system, or a kernel without it
                kernel = False
                continue
        else:
            done = os.write(out, os.pread(source.fd, count, start))
        if not done:
            if kernel:  # some file systems copy nothing rather than refuse: read it
                kernel = False
                continue
            raise RuntimeError(f"{source.path} changed during the build")
        start += done


def spare_path(out_dir: Path) -> Path:
    """Where the site retired by the last swap is kept for the next build."""
    return out_dir.absolute().parent / f".{out_dir.absolute().name}.spare"


def manifest_chunks(manifest: Mapping[str, str]) -> Iterator[bytes]:
    """A site's manifest (path → key, one per line) as stored in the cache, a slice
    of lines at a time: hashed and written as it is made, it is never held whole
    (17 MB at N = 10,000, made at the peak of a build)."""
    items = iter(manifest.items())
    while lines := [f"{path}\t{key}\n" for path, key in islice(items, 4096)]:
        yield "".join(lines).encode("utf-8")


_MANIFEST_SLICE = 1 << 18


def read_manifest_bytes(data: bytes, keys: dict[str, str] | None = None) -> dict[str, str]:
    """``keys``: equal keys of manifests read with the same dictionary are one string.

    Paths are interned: the live site's, the spare's and the new manifest share them,
    each held once (tens of megabytes at 10,000 briefs). Keys are shared through
    ``keys`` instead: the live site's and the spare's are mostly equal, and the new
    manifest's are its pages' own. Interned too, the keys of a build that changed them
    all took the interpreter's table of interned strings past 700,000 entries, and the
    table doubles in one step (15 MiB more for a moment, measured on a million
    strings): at the end of the build, when its process is at its largest.
    """
    manifest: dict[str, str] = {}
    intern = sys.intern
    shared = {} if keys is None else keys
    start, size = 0, len(data)
    # Decoded a slice of lines at a time: the lines of the whole manifest, made at
    # once and dropped, left the heap 17 MiB larger for the rest of the build, the
    # strings kept scattered among the freed ones.
    while start < size:
        cut = data.rfind(b"\n", start, start + _MANIFEST_SLICE)
        if cut < 0:  # a line longer than a slice
            cut = data.find(b"\n", start)
            if cut < 0:
                break  # a last line without its end is no entry
        # split on "\n", not splitlines: U+2028 may be in a name
        for line in data[start:cut].decode("utf-8").split("\n"):
            path, key = line.split("\t", 1)
            manifest[intern(path)] = shared.setdefault(key, key)
        start = cut + 1
    return manifest


# The Traditional tree's root, whose name has capitals: folded as itself, so its
# pages' paths (half a site) are their own folded form rather than a copy each.
_KEPT_ROOT = script_prefix("zh-Hant")
_FOLDED_ROOT = _KEPT_ROOT.lower()


def fold_case(path: str) -> str:
    """What ``path`` is claimed as: paths that differ only in case (one file on a
    case-insensitive disk) fold alike. The lower-case path, but with the Traditional
    root spelled as it is named; ``path`` itself when it is that already (16 MiB
    of copies at N = 10,000, held while a build writes and by ``serve``)."""
    folded = path.lower()
    if folded.startswith(_FOLDED_ROOT):
        folded = _KEPT_ROOT + folded[len(_KEPT_ROOT) :]
    return path if folded == path else folded


def case_folded(paths: Iterable[str]) -> set[str]:
    """The paths folded as a writer claims them (``fold_case``)."""
    return {fold_case(path) for path in paths}


def site_id(manifest: Mapping[str, str], kept: list[bytes] | None = None) -> str:
    """Names a site by its files and their keys; its marker file holds it.
    ``kept`` is given the manifest's chunks, for a caller that stores them next."""
    digest = hashlib.sha256()
    for chunk in manifest_chunks(manifest):
        digest.update(chunk)
        if kept is not None:
            kept.append(chunk)
    return digest.hexdigest()


def read_marker(folder: Path) -> str:
    try:
        return (folder / MARKER).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not available."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def swap_in(new: Path, target: Path, aside: Path) -> Path | None:
    """``new`` in place of ``target``, in one step where the system can swap two
    folders (else ``target`` is renamed ``aside`` first); where the old ``target``
    is now (None: there was none)."""
    if target.exists() and _exchange(new, target):
        return new  # after the swap, ``new`` holds the old one
    if target.exists():
        os.rename(target, aside)
        os.rename(new, target)
        return aside
    os.rename(new, target)
    return None


def _siblings(out_dir: Path, kinds: str) -> list[tuple[Path, str, int]]:
    """Folders beside ``out_dir`` named ``.<name>.<kind>-<pid>`` for ``kinds`` (a regex
    alternation): exact names, so another output folder's (``site.v2``) never match."""
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.({kinds})-(\d+)(?:-\d+)?")
    found = []
    with os.scandir(out_dir.parent) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match and entry.is_dir(follow_symlinks=False):
                found.append((Path(entry.path), match.group(1), int(match.group(2))))
    return sorted(found)


def recover_interrupted(out_dir: Path) -> None:
    """Put back a site retired by a build that died between its two renames."""
    if out_dir.exists() or not out_dir.parent.is_dir():
        return
    for retired, _, _ in _siblings(out_dir, "old"):
        os.rename(retired, out_dir)
        return


def _looks_like_ours(out_dir: Path) -> bool:
    return not out_dir.exists() or not any(out_dir.iterdir()) or (out_dir / MARKER).exists()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


def _doomed_name(out_dir: Path, kind: str) -> Path:
    """``.<name>.<kind>.doomed-<pid>-<n>``: beside the output, and recognisably ours."""
    return out_dir.parent / f".{out_dir.name}.{kind}.doomed-{os.getpid()}-{time.monotonic_ns()}"


def _remove_in_background(folder: Path, doomed: Path | None = None) -> None:
    """Delete a retired tree without making the build wait for it (thousands of files).

    Renamed to ``doomed`` first (when given), so the name is free at once and
    nothing mistakes it for a site."""
    if not folder.exists():
        return
    if doomed is not None:
        os.rename(folder, doomed)
    else:
        doomed = folder
    if not hasattr(os, "fork"):
        shutil.rmtree(doomed, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:  # the child: detach, delete, leave without running the parent's cleanup
        try:
            if os.fork() == 0:
                shutil.rmtree(doomed, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)  # the intermediate child exits at once; the grandchild is orphaned


def _remove_abandoned(out_dir: Path) -> None:
    """What killed builds left beside the site: staging folders and retired sites
    (named with the build's process id, so a live build's are left alone), and
    trees whose deletion may not have finished (deleted again, in the background)."""
    for leftover, kind, pid in _siblings(out_dir, r"new|old|[a-z]+\.doomed"):
        if kind.endswith("doomed"):
            _remove_in_background(leftover)
        elif not _pid_alive(pid):
            _remove_in_background(leftover, _doomed_name(out_dir, "abandoned"))


def prune_empty_folders(removed: Path, root: Path) -> None:
    """The folders between ``root`` and a removed file that it left empty."""
    for folder in removed.parents:
        if folder == root:
            break
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone): its parents are not either
            break


MOSTLY_STALE = 5  # a spare with more than 1/5 of the live site's files stale is made anew
# A command-line build brings a spare with fewer stale files than this up to date
# in place whatever their share: a quarter of a second at most. (``serve`` makes its
# spare anew by ``mostly_stale`` alone, in the background.)
STALE_IN_PLACE = 1000


def mostly_stale(stale: int, live: Mapping[str, str]) -> bool:
    """Whether linking the live site's files into a new tree costs less than
    relinking the spare's ``stale`` ones: unlinking a file a whole build retired frees
    it (about 0.25 ms each on this machine's ext4), linking one costs about 0.05 ms."""
    return stale > len(live) // MOSTLY_STALE


def stale_paths(live: Mapping[str, str], spare: Mapping[str, str]) -> Iterator[str]:
    """The live site's files that its spare lacks or holds in another version (an
    unkeyed file's version is never known)."""
    return (path for path, key in live.items() if not key or spare.get(path) != key)


def stale_in_spare(live: Mapping[str, str], spare: Mapping[str, str]) -> int:
    """How many files of the spare a build would replace or delete to make it the
    live site again: its stale ones, and those only it has."""
    return sum(1 for _ in stale_paths(live, spare)) + len(spare.keys() - live.keys())


def _link_or_copy(previous: str, target: str) -> None:
    try:
        os.link(previous, target)
    except (FileNotFoundError, FileExistsError):
        raise  # no such file or folder yet: the caller decides; never copy over a file
    except OSError:  # another file system, or links not allowed
        shutil.copy2(previous, target)


class SiteWriter:
    """The one place output is written: claim paths with their keys, place or write
    files, then swap. The claimed paths and keys are the new site's ``manifest``.

    ``previous`` holds the keys of the live site's files and ``spare`` those of the
    spare's (empty when unknown). ``recorded``: the build keeps this site's manifest
    (in its cache). Only then is the retired site kept as the next build's spare,
    and only then does the marker name the site plainly; the marker of an
    unrecorded build (``--no-cache``) matches no record, so no recorded build
    takes that site for one it knows (it may lack the index a record promises).
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        previous: Mapping[str, str] | None = None,
        spare: Mapping[str, str] | None = None,
        recorded: bool = False,
    ):
        self.out_dir = out_dir.absolute()
        recover_interrupted(self.out_dir)
        if not _looks_like_ours(self.out_dir):
            raise FileExistsError(
                f"{self.out_dir} exists and was not built by this tool ({MARKER} is missing); "
                "refusing to replace it"
            )
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(self.out_dir)
        self.recorded = recorded
        self.kept_spare = False  # the site this one replaced is kept as the spare
        self.manifest: dict[str, str] = {}
        # None: the manifest is made again to be stored (a build holds no 15 MB more
        # at its peak); a list: ``commit`` keeps it here, made once (see PatchWriter).
        self.manifest_data: list[bytes] | None = None
        self._previous = previous or {}
        self._claimed: set[str] = set()
        self.staging = self.out_dir.parent / f".{self.out_dir.name}.new-{os.getpid()}"
        if self.staging.exists():  # this process's own, from an earlier build that failed
            shutil.rmtree(self.staging)
        self._spare = self._adopt_spare(spare or {})
        if not self._spare:
            self.staging.mkdir()
        self._out, self._staging = str(self.out_dir), str(self.staging)

    def _adopt_spare(self, spare: Mapping[str, str]) -> Mapping[str, str]:
        """Take the spare as the staging folder if its manifest is known; else drop it."""
        folder = spare_path(self.out_dir)
        if not folder.is_dir():
            return {}
        # The cheap tests first: the id is a hash of the whole manifest.
        if not spare or not self.recorded or read_marker(folder) != site_id(spare):
            _remove_in_background(folder, _doomed_name(self.out_dir, "spare"))
            return {}
        # After a whole build (a template, the tool or the configuration changed) the
        # spare, two sites old, differs from the live site almost everywhere: each of
        # its files unlinked to link the live one's took 41 s of a one-article build at
        # N = 10,000. Linking them into an empty folder takes 4 s.
        stale = stale_in_spare(self._previous, spare)
        if stale >= STALE_IN_PLACE and mostly_stale(stale, self._previous):
            _remove_in_background(folder, _doomed_name(self.out_dir, "spare"))
            return {}
        os.rename(folder, self.staging)
        (self.staging / MARKER).unlink()  # no longer the site it named
        # Whatever the spare's manifest does not account for (a search index) goes.
        tops = {path.split("/", 1)[0] for path in spare}
        with os.scandir(self.staging) as entries:
            extra = [entry for entry in entries if entry.name not in tops]
        for entry in extra:
            if entry.is_dir(follow_symlinks=False):
                # Out of the staging folder, under a name of ours, then deleted.
                _remove_in_background(Path(entry.path), _doomed_name(self.out_dir, "extra"))
            else:
                os.unlink(entry.path)
        return spare

    @property
    def claimed(self) -> set[str]:
        """The claimed paths, case-folded."""
        return self._claimed

    def claim(self, path: str, key: str = "") -> None:
        """Claim ``path`` for the new site; ``key`` names its content ("" : none, never reused)."""
        # Plain string tests: this runs for every file of the site, on every build.
        if not path or path[0] == "/" or _UNSAFE.search(path) or ".." in path.split("/"):
            raise ValueError(f"unsafe output path {path!r}")
        folded = fold_case(path)
        if folded in self._claimed:
            raise DuplicateOutputError(f"two pages would be written to {path!r}")
        path = sys.intern(path)
        self._claimed.add(path if folded == path else folded)
        self.manifest[path] = key  # see read_manifest_bytes: paths interned, keys not

    def place(self, path: str) -> bool:
        """Put a claimed file in place without making it: True when the spare already
        holds it with the same key, or the live site does and it is linked from
        there; False when it must be written."""
        key = self.manifest[path]
        if not key:
            return False
        if self._spare.get(path) == key:
            return True
        return self._previous.get(path) == key and self._reuse(path)

    def _target(self, path: str) -> str:
        # Plain strings, as in ``_reuse``: this runs for every file a build writes.
        target = f"{self._staging}/{path}"
        if path in self._spare:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)  # may be a link shared with the live site
        return target

    def _open(self, path: str) -> BinaryIO:
        # A folder is made when opening fails: once for each of a site's few dozen.
        target = self._target(path)
        in_the_way = (FileExistsError, NotADirectoryError, IsADirectoryError)
        try:
            return open(target, "wb")
        except FileNotFoundError:
            pass  # the common case in a new staging folder: the page's folder is not there
        except in_the_way:
            self._make_room(path)
            return open(target, "wb")
        try:
            os.makedirs(target.rpartition("/")[0], exist_ok=True)
            return open(target, "wb")
        except (FileNotFoundError, *in_the_way):
            self._make_room(path)
            return open(target, "wb")

    def write(self, path: str, content: bytes) -> None:
        """Write a claimed file (workers call this for the paths they were given)."""
        with self._open(path) as handle:
            handle.write(content)

    def write_chunks(self, path: str, chunks: Iterable[bytes | FileRange]) -> None:
        """Write a claimed file made piece by piece, none of it held whole in memory;
        a ``FileRange`` is copied from the file it names."""
        with self._open(path) as handle:
            for chunk in chunks:
                if isinstance(chunk, FileRange):
                    handle.flush()
                    copy_range(chunk, handle.fileno())
                    handle.seek(0, os.SEEK_END)  # the buffer's idea of where it is
                else:
                    handle.write(chunk)

    def _make_room(self, path: str) -> None:
        """Clear the way to ``path`` in a staging folder made from the spare: a file
        where the new site has a folder (static/extra became static/extra/x.css), a
        folder where it has a file, or a folder the spare no longer had."""
        target = self.staging / path
        folder = self.staging
        for part in path.split("/")[:-1]:
            folder = folder / part
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                folder.unlink()
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)

    def write_files(self, files: Iterable[OutputFile]) -> int:
        count = 0
        for file in files:
            self.claim(file.path)
            self.write(file.path, file.content)
            count += 1
        return count

    def write_keyed(self, files: Iterable[KeyedFile]) -> int:
        """Claim each file with its key; make and write it unless it can be placed.
        Returns how many were made."""
        made = 0
        for file in files:
            self.claim(file.path, file.key)
            if not self.place(file.path):
                self.write(file.path, file.make())
                made += 1
        return made

    def link_in(self, path: str, source: Path) -> bool:
        """Put a claimed file in place as a link to ``source``, a file that is never
        written again (the cache replaces its files, as this writer does); False
        when there is no such file."""
        return self._link_from(str(source), path)

    def _reuse(self, path: str) -> bool:
        """Link the live site's file into the new site; False when there is none."""
        return self._link_from(os.path.join(self._out, path), path)

    def _link_from(self, previous: str, path: str) -> bool:
        # Plain strings and one ``link`` call in the common case; the folder is
        # made only when the link finds none.
        target = os.path.join(self._staging, path)
        if path in self._spare:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        in_the_way = (FileExistsError, NotADirectoryError, IsADirectoryError)
        try:
            _link_or_copy(previous, target)
        except FileNotFoundError:
            if not os.path.isfile(previous):
                return False
            folder = os.path.dirname(target)
            try:  # the common case: the folder is not there yet
                os.makedirs(folder, exist_ok=True)
                _link_or_copy(previous, target)
            except in_the_way:
                self._make_room(path)
                _link_or_copy(previous, target)
        except in_the_way:
            self._make_room(path)
            _link_or_copy(previous, target)
        return True

    def _remove_unclaimed(self) -> None:
        """Files of the spare the new site does not have, and folders left empty."""
        for path in self._spare:
            if path in self.manifest:
                continue
            target = self.staging / path
            try:
                target.unlink(missing_ok=True)
            except (IsADirectoryError, NotADirectoryError):
                continue  # the new site has a folder there, or a file above it
            except PermissionError:  # what some systems say for a folder
                if target.is_dir():
                    continue
                raise
            prune_empty_folders(target, self.staging)

    def commit(self, before_swap: Callable[[Path], None] | None = None) -> str:
        """``before_swap(staging)`` may add to the new site first (the search index);
        if it raises, the old site stays as it was. Returns the new site's id, which
        its marker file holds, so the next build knows which files it may reuse."""
        self._remove_unclaimed()
        if before_swap is not None:
            before_swap(self.staging)
        site = site_id(self.manifest, self.manifest_data)
        marker = site if self.recorded else f"{site}-unrecorded"
        (self.staging / MARKER).write_text(marker, encoding="utf-8")
        os.chmod(self.staging, 0o755)
        aside = self.out_dir.parent / f".{self.out_dir.name}.old-{os.getpid()}"
        retired = swap_in(self.staging, self.out_dir, aside)
        if retired is not None:
            if self.recorded and (retired / MARKER).exists():
                spare = spare_path(self.out_dir)
                _remove_in_background(spare, _doomed_name(self.out_dir, "spare"))
                os.rename(retired, spare)
                self.kept_spare = True
            else:
                _remove_in_background(retired, _doomed_name(self.out_dir, "retired"))
        return site

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abort()


def write_site(
    files: Iterable[OutputFile],
    out_dir: Path,
    before_swap: Callable[[Path], None] | None = None,
) -> None:
    """Write ``files`` as the whole site and swap it in."""
    with SiteWriter(out_dir) as writer:
        writer.write_files(files)
        writer.commit(before_swap)
