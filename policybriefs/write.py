"""Write the whole site in one place, atomically.

Every output path is claimed here first: no two files may claim one path
(compared case-insensitively, as a Mac or Windows checkout would), and no
path may leave the output folder. Files are written into a fresh folder
beside the output, which replaces it in one step at the end. A build killed
at any point leaves the previous site as it was. A page unchanged since the
last build is hard-linked from the previous site instead of written again.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType

from .models import OutputFile

MARKER = ".policybriefs-site"


class DuplicateOutputError(Exception):
    pass


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


def recover_interrupted(out_dir: Path) -> None:
    """Put back a site retired by a build that died between its two renames."""
    if out_dir.exists():
        return
    for retired in sorted(out_dir.parent.glob(f".{out_dir.name}.old-*")):
        os.rename(retired, out_dir)
        return


def _looks_like_ours(out_dir: Path) -> bool:
    return not out_dir.exists() or not any(out_dir.iterdir()) or (out_dir / MARKER).exists()


def _remove_in_background(folder: Path) -> None:
    """Delete the retired site without making the build wait for it (thousands of files)."""
    if not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:  # the child: detach, delete, leave without running the parent's cleanup
        try:
            if os.fork() == 0:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)  # the intermediate child exits at once; the grandchild is orphaned


def _link_or_copy(previous: str, target: str) -> None:
    try:
        os.link(previous, target)
    except FileNotFoundError:
        raise  # no such file, or no such folder yet: the caller decides
    except OSError:  # another file system, or links not allowed
        shutil.copy2(previous, target)


class SiteWriter:
    """The one place output is written: claim paths, write or reuse files, then swap."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.absolute()
        recover_interrupted(self.out_dir)
        if not _looks_like_ours(self.out_dir):
            raise FileExistsError(
                f"{self.out_dir} exists and was not built by this tool ({MARKER} is missing); "
                "refusing to replace it"
            )
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.out_dir.name}.new-", dir=self.out_dir.parent)
        )
        self._claimed: set[str] = set()
        self._dirs: set[Path] = set()
        self._out, self._staging = str(self.out_dir), str(self.staging)

    def claim(self, path: str) -> None:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
            raise ValueError(f"unsafe output path {path!r}")
        folded = pure.as_posix().lower()
        if folded in self._claimed:
            raise DuplicateOutputError(f"two pages would be written to {path!r}")
        self._claimed.add(folded)

    def _target(self, path: str) -> Path:
        target = self.staging / path
        if target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        return target

    def write(self, path: str, content: bytes) -> None:
        """Write a claimed file (workers call this for the paths they were given)."""
        self._target(path).write_bytes(content)

    def write_files(self, files: Iterable[OutputFile]) -> int:
        count = 0
        for file in files:
            self.claim(file.path)
            self.write(file.path, file.content)
            count += 1
        return count

    def reuse(self, path: str) -> bool:
        """Link the previous build's file into the new site; False when there is none.

        A rebuild links every unchanged file: plain strings and one ``link``
        call in the common case, the folder made only when the link finds none.
        """
        previous = os.path.join(self._out, path)
        target = os.path.join(self._staging, path)
        try:
            _link_or_copy(previous, target)
        except FileNotFoundError:
            if not os.path.isfile(previous):
                return False
            folder = os.path.dirname(target)
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(Path(folder))
            _link_or_copy(previous, target)
        return True

    def commit(self, before_swap: Callable[[Path], None] | None = None, site: str = "") -> None:
        """``before_swap(staging)`` may add to the new site first (the search index);
        if it raises, the old site stays as it was. ``site`` names the build in the
        marker file, so the next build knows which pages it may reuse."""
        if before_swap is not None:
            before_swap(self.staging)
        (self.staging / MARKER).write_text(site, encoding="utf-8")
        os.chmod(self.staging, 0o755)
        if self.out_dir.exists() and _exchange(self.staging, self.out_dir):
            retired = self.staging  # after the swap, staging holds the old site
        else:
            retired = self.out_dir.parent / f".{self.out_dir.name}.old-{os.getpid()}"
            if self.out_dir.exists():
                os.rename(self.out_dir, retired)
            os.rename(self.staging, self.out_dir)
        _remove_in_background(retired)

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
