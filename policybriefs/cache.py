"""What the build may reuse, and how it knows the reuse is not stale.

Every cached brief is keyed by the SHA-256 of everything that shapes it: the
article's bytes, its sidecar's bytes, its path, the Traditional variant, and
the tool's fingerprint (every source and data file of this package and the
versions of the libraries that change output). Change any of them and the
key changes, so a stale entry is never looked up, let alone served. A
damaged entry reads as a miss.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from .models import Brief
from .write import MARKER

_LIBRARIES = ("opencc", "pypinyin", "jinja2", "markdown", "nh3", "charset-normalizer")
CACHE_FORMAT = "1"


@functools.lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """A digest of this package's code and data and of the libraries it leans on."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def tree_fingerprint(folder: Path, *, skip_hidden: bool = False) -> str:
    """A digest of every file below ``folder``, names included (``skip_hidden``:
    leave out names starting with a dot, which content discovery ignores too)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if skip_hidden and any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file():
            digest.update(rel.as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def article_key(path: Path, content_dir: Path, variant: str) -> str:
    digest = hashlib.sha256(tool_fingerprint().encode())
    digest.update(variant.encode())
    digest.update(path.relative_to(content_dir).as_posix().encode())
    for part in (path, path.with_suffix(".toml")):
        digest.update(b"\0")
        if part.is_file() and (part == path or path.suffix == ".txt"):
            digest.update(part.read_bytes())
    return digest.hexdigest()


class BriefCache:
    """Briefs on disk, one pickle per key, written atomically: the full brief, and a
    light one (what the site-wide pages need) that a rebuild can read without
    unpickling every repair of every unchanged article."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str, kind: str = "") -> Path:
        return self.root / "briefs" / key[:2] / f"{key}{kind}.pickle"

    def get(self, key: str) -> Brief | None:
        return self._read(self._path(key))

    def get_light(self, key: str) -> Brief | None:
        """The light brief, if the full one is there too (pages may need it)."""
        if not self._path(key).is_file():
            return None
        return self._read(self._path(key, ".light"))

    def put(self, key: str, brief: Brief) -> None:
        self._write(self._path(key), brief)

    def put_light(self, key: str, brief: Brief) -> None:
        self._write(self._path(key, ".light"), brief)

    @staticmethod
    def _read(path: Path) -> Brief | None:
        try:
            with path.open("rb") as handle:
                brief = pickle.load(handle)
        except Exception:  # missing, truncated or from another version: a miss
            return None
        return brief if isinstance(brief, Brief) else None

    @staticmethod
    def _write(target: Path, brief: Brief) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(brief, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def digest(*parts: object) -> str:
    """SHA-256 of the reprs of ``parts`` (strings, numbers, tuples of them)."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(repr(part).encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


def _manifest_path(cache_root: Path, out_dir: Path) -> Path:
    return cache_root / "manifests" / f"{digest(str(out_dir.absolute()))}.json"


def _last_build(cache_root: Path, out_dir: Path) -> dict[str, Any]:
    """The record of the last build into ``out_dir``, if that site is still there.

    The record names the site it describes by the digest of its page keys,
    which the site's marker file also holds; a site replaced since is not trusted.
    """
    try:
        data = json.loads(_manifest_path(cache_root, out_dir).read_text(encoding="utf-8"))
        marker = (out_dir / MARKER).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("site") != marker or not marker:
        return {}
    return data


def load_manifest(cache_root: Path, out_dir: Path) -> dict[str, str]:
    """The keys of the pages of the last build into ``out_dir`` (empty if none can be trusted)."""
    pages = _last_build(cache_root, out_dir).get("pages")
    return dict(pages) if isinstance(pages, dict) else {}


def unchanged_build(cache_root: Path, out_dir: Path, inputs: str) -> dict[str, Any] | None:
    """The last build's report, when it was made from exactly ``inputs`` into the
    site that is still in ``out_dir``; None when anything differs."""
    data = _last_build(cache_root, out_dir)
    report = data.get("report")
    if data.get("inputs") != inputs or not isinstance(report, dict):
        return None
    return report


def site_id(manifest: dict[str, str]) -> str:
    return digest(sorted(manifest.items()))


def save_manifest(
    cache_root: Path,
    out_dir: Path,
    manifest: dict[str, str],
    *,
    inputs: str = "",
    report: dict[str, Any] | None = None,
) -> None:
    """Record the build: its pages' keys, and what it was made from and reported."""
    target = _manifest_path(cache_root, out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {"site": site_id(manifest), "pages": manifest, "inputs": inputs, "report": report}
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)
