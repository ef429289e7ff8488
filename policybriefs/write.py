"""Write the whole site in one place, atomically.

Pages are gathered first; here the list is checked (no two files may claim
one path, no path may leave the output folder) and written into a fresh
folder beside the output, which then replaces it. A build killed at any
point leaves the previous site as it was.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from .models import OutputFile

MARKER = ".policybriefs-site"


class DuplicateOutputError(Exception):
    pass


def check_paths(files: Sequence[OutputFile]) -> None:
    seen: set[str] = set()
    for file in files:
        path = PurePosixPath(file.path)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"unsafe output path {file.path!r}")
        key = path.as_posix().lower()
        if key in seen:
            raise DuplicateOutputError(f"two pages would be written to {file.path!r}")
        seen.add(key)


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


def write_site(
    files: Sequence[OutputFile],
    out_dir: Path,
    before_swap: Callable[[Path], None] | None = None,
) -> None:
    """Write ``files`` and swap them in; ``before_swap(staging)`` may add to the new site
    first (the search index): if it raises, the old site stays as it was."""
    check_paths(files)
    out_dir = out_dir.absolute()
    recover_interrupted(out_dir)
    if out_dir.exists() and not _looks_like_ours(out_dir):
        raise FileExistsError(
            f"{out_dir} exists and was not built by this tool ({MARKER} is missing); "
            "refusing to replace it"
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        for file in sorted(files, key=lambda f: f.path):
            target = staging / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
        if before_swap is not None:
            before_swap(staging)
        (staging / MARKER).write_bytes(b"")
        os.chmod(staging, 0o755)
        if out_dir.exists() and _exchange(staging, out_dir):
            retired = staging  # after the swap, staging holds the old site
        else:
            retired = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            if out_dir.exists():
                os.rename(out_dir, retired)
            os.rename(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)
