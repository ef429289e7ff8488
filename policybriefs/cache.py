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
import io
import json
import os
import pickle
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from .heap import return_freed_memory
from .models import Brief
from .write import MARKER, manifest_chunks, read_manifest_bytes, read_marker, spare_path

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
    for name in package_files():
        path = Path(name)
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package_files() -> list[str]:
    """Every file of this package but compiled bytecode, sorted: what the tool's
    fingerprint hashes, and what serve's check for an updated tool stats."""
    found: list[str] = []
    for here, folders, names in os.walk(Path(__file__).resolve().parent):
        folders[:] = [name for name in folders if name != "__pycache__"]
        found += (os.path.join(here, name) for name in names)
    return sorted(found)


def tree_fingerprint(folder: Path, *, skip_hidden: bool = False) -> str:
    """A digest of every file below ``folder``, names included (``skip_hidden``:
    leave out names starting with a dot, which content discovery ignores too)."""
    # Plain strings and os.walk: Path objects (sorted, made relative) cost as much as
    # reading and hashing the 10,000 articles of a large site.
    digest = hashlib.sha256()
    root = str(folder)
    for here, folders, files in os.walk(root):
        if skip_hidden:
            folders[:] = [name for name in folders if not name.startswith(".")]
        folders.sort()
        prefix = os.path.relpath(here, root).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in sorted(files):
            path = os.path.join(here, name)
            if (skip_hidden and name.startswith(".")) or not os.path.isfile(path):
                continue
            digest.update((prefix + name).encode())
            digest.update(b"\0")
            with open(path, "rb") as handle:
                digest.update(handle.read())
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


_SHARED_LENGTH = 32  # a name, a city, a title or an entity; not a sentence


class _SharedStrings(pickle.Pickler):
    """Pickles a light brief's short strings by value, for ``BriefCache.loads`` to
    give every equal one the same string object.

    A build holds every light brief at once, each unpickled on its own: the
    same city, title, kind of commitment or named entity was a separate string
    in each. At 10,000 briefs those copies were half the briefs' strings
    (53 of 112 MiB). Long text (paragraphs, commitments) rarely repeats and is
    pickled as usual.
    """

    def persistent_id(self, obj: Any) -> str | None:
        return obj if type(obj) is str and len(obj) <= _SHARED_LENGTH else None


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

    def full(self, key: str) -> Brief:
        """The full brief a build processed (or found) moments ago: gone now, the
        build cannot go on."""
        brief = self.get(key)
        if brief is None:
            raise RuntimeError(f"brief {key} vanished from the cache during the build")
        return brief

    def get_light(self, key: str) -> Brief | None:
        """The light brief, if the full one is there too (pages may need it)."""
        data = self.get_light_pickle(key)
        return None if data is None else self.loads(data)

    def get_light_pickle(self, key: str) -> bytes | None:
        """The light brief's pickle as stored, if the full brief is there too."""
        if not self._path(key).is_file():
            return None
        try:
            return self._path(key, ".light").read_bytes()
        except OSError:
            return None

    def put(self, key: str, brief: Brief) -> None:
        self._write(self._path(key), pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL))

    def put_light(self, key: str, brief: Brief) -> bytes:
        """Store the light brief; returns its pickle."""
        buffer = io.BytesIO()
        _SharedStrings(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(brief)
        data = buffer.getvalue()
        self._write(self._path(key, ".light"), data)
        return data

    def data_path(self, key: str) -> Path:
        """The brief's data file (site/data/<slug>.json), made by the worker that made
        the brief: a build links it into the site rather than read the full brief
        back and encode it again."""
        return self.root / "briefs" / key[:2] / f"{key}.json"

    def put_data(self, key: str, data: bytes) -> None:
        # Linked into the site as it is: made with the umask's permissions, as the
        # site's other files are, not mkstemp's owner-only ones.
        self._write(self.data_path(key), data, shared=True)

    def _slugs_path(self) -> Path:
        return self.root / "slugs" / f"{tool_fingerprint()[:32]}.json"

    def load_slugs(self) -> dict[str, str]:
        """Names' slugs from earlier builds by this version of the tool."""
        try:
            data = json.loads(self._slugs_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        ok = isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
        return data if ok else {}

    def save_slugs(self, slugs: dict[str, str]) -> None:
        target = self._slugs_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("*.json"):
            if old != target:
                old.unlink(missing_ok=True)
        self._write(target, json.dumps(slugs, ensure_ascii=False, sort_keys=True).encode())

    @staticmethod
    def loads(data: bytes) -> Brief | None:
        try:
            unpickler = pickle.Unpickler(io.BytesIO(data))
            unpickler.persistent_load = sys.intern  # type: ignore[method-assign]
            brief = unpickler.load()
        except Exception:  # truncated or from another version: a miss
            return None
        return brief if isinstance(brief, Brief) else None

    def _read(self, path: Path) -> Brief | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return self.loads(data)

    @staticmethod
    def _write(target: Path, data: bytes, *, shared: bool = False) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if shared:  # as open() makes a file: 0o666 less the umask
            tmp = str(target.parent / f".tmp-{os.getpid()}-{secrets.token_hex(8)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        else:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
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


def digest_after(*prefix: object) -> Callable[[object], str]:
    """``digest(*prefix, part)`` as a function of ``part``, the prefix hashed once:
    for digesting a hundred thousand pages' keys with the build's."""
    hasher = hashlib.sha256()
    for part in prefix:
        hasher.update(repr(part).encode())
        hasher.update(b"\0")

    def finish(part: object) -> str:
        last = hasher.copy()
        last.update(repr(part).encode())
        last.update(b"\0")
        return last.hexdigest()

    return finish


def _record_path(cache_root: Path, out_dir: Path) -> Path:
    return cache_root / "manifests" / f"{digest(str(out_dir.absolute()))}.json"


def _site_file(cache_root: Path, out_dir: Path, site: str, kind: str) -> Path:
    return _record_path(cache_root, out_dir).with_suffix(f".{site}.{kind}")


def _pages_path(cache_root: Path, out_dir: Path, site: str) -> Path:
    return _site_file(cache_root, out_dir, site, "pages")


def save_site_data(
    cache_root: Path, out_dir: Path, site: str, kind: str, data: bytes | Iterable[bytes]
) -> None:
    """Keep ``data`` of kind ``kind`` about the site ``site`` just swapped into
    ``out_dir``, in place of what was kept about an earlier site."""
    target = _site_file(cache_root, out_dir, site, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, data)
    for old in target.parent.glob(f"{_record_path(cache_root, out_dir).stem}.*.{kind}"):
        if old != target:
            old.unlink(missing_ok=True)


def site_data_path(cache_root: Path, out_dir: Path, kind: str) -> Path | None:
    """Where ``save_site_data`` kept data of kind ``kind`` about the site in
    ``out_dir``, if that is still the site last recorded there (by a build or a
    patch), and so the data is about it."""
    site = _last_build(cache_root, out_dir).get("site")
    if not isinstance(site, str) or not site:
        return None
    return _site_file(cache_root, out_dir, site, kind)


def _read_record(cache_root: Path, out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads(_record_path(cache_root, out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _last_build(cache_root: Path, out_dir: Path) -> dict[str, Any]:
    """The record of the last build into ``out_dir``, if that site is still there.

    The record names the site it describes by the digest of its files' keys,
    which the site's marker file also holds; a site replaced since is not trusted.
    """
    data = _read_record(cache_root, out_dir)
    marker = read_marker(out_dir)
    return data if marker and data.get("site") == marker else {}


def _site_pages(
    cache_root: Path, out_dir: Path, site: object, folder: Path, keys: dict[str, str]
) -> dict[str, str]:
    """The manifest of the site in ``folder``, if it is the one named ``site``."""
    if not isinstance(site, str) or not site or read_marker(folder) != site:
        return {}
    try:
        data = _pages_path(cache_root, out_dir, site).read_bytes()
    except OSError:
        return {}
    if hashlib.sha256(data).hexdigest() != site:  # damaged: trust none of it
        return {}
    try:
        return read_manifest_bytes(data, keys)
    except ValueError:  # written by a version that kept other names: trust none of it
        return {}


def load_manifests(cache_root: Path, out_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The keys of the files of the live site in ``out_dir`` and of its spare (the
    site before it), each empty when it cannot be trusted."""
    data = _read_record(cache_root, out_dir)
    keys: dict[str, str] = {}  # one string for a key both hold: most of them
    live = _site_pages(cache_root, out_dir, data.get("site"), out_dir, keys)
    spare = _site_pages(cache_root, out_dir, data.get("spare"), spare_path(out_dir), keys)
    # Their bytes, read whole and decoded a slice at a time, leave 35 MiB free but
    # resident at N = 10,000, where serve's start and a build after a tool change
    # reached their high-water marks soon after.
    del keys
    return_freed_memory()
    return live, spare


def unchanged_build(cache_root: Path, out_dir: Path, inputs: str) -> dict[str, Any] | None:
    """The last build's report, when it was made from exactly ``inputs`` into the
    site that is still in ``out_dir``; None when anything differs."""
    data = _last_build(cache_root, out_dir)
    report = data.get("report")
    if data.get("inputs") != inputs or not isinstance(report, dict):
        return None
    return report


def _write_atomically(target: Path, data: bytes | Iterable[bytes]) -> None:
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    with tmp.open("wb") as handle:
        handle.writelines([data] if isinstance(data, bytes) else data)
    os.replace(tmp, target)


def save_manifest(
    cache_root: Path,
    out_dir: Path,
    manifest: dict[str, str],
    *,
    site: str,
    inputs: str = "",
    report: dict[str, Any] | None = None,
    data: list[bytes] | None = None,
) -> None:
    """Record the build of site ``site``: its files' keys, what it was made from and
    what it reported. The site it replaced is now the spare: its record is kept.
    ``data``: the manifest as ``manifest_chunks`` makes it, if the caller has it."""
    target = _record_path(cache_root, out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    spare = _read_record(cache_root, out_dir).get("site", "")
    chunks = manifest_chunks(manifest) if data is None else data
    _write_atomically(_pages_path(cache_root, out_dir, site), chunks)
    record = {"site": site, "spare": spare, "inputs": inputs, "report": report}
    _write_atomically(target, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    for old in target.parent.glob(f"{target.stem}.*.pages"):
        if old.name.split(".")[1] not in (site, spare):
            old.unlink(missing_ok=True)


def record_spare_as_site(cache_root: Path, out_dir: Path, site: str) -> bool:
    """Record that the spare now holds the same files as the live site ``site``
    (``refresh_spare`` made it so), and mark it so: builds may take it again."""
    data = _read_record(cache_root, out_dir)
    if data.get("site") != site or read_marker(out_dir) != site:
        return False
    _write_atomically(spare_path(out_dir) / MARKER, site.encode("utf-8"))
    data["spare"] = site
    record = json.dumps(data, ensure_ascii=False).encode("utf-8")
    _write_atomically(_record_path(cache_root, out_dir), record)
    return True
