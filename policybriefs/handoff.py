"""One writer per site: ``build.py`` hands its build to a ``serve`` running on that site.

Two processes writing one site would each swap in a site the other's record
does not describe, and ``serve`` would go on patching from a site that is no
longer there. ``serve`` also holds the last build in memory, so it brings the
site up to date in a fraction of a second where a new process reads every
brief again (about 20 s at N = 10,000).

``serve`` listens on a Linux abstract Unix socket named after the site folder:
nothing is left on disk by a ``serve`` that was killed, and only the same user's
connections are answered (``SO_PEERCRED``). Elsewhere there is no handoff and
``build.py`` builds as it always has.

This module is imported by every ``build.py`` run before anything heavy: it uses
the standard library alone.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A file's name and its stamp (``file_stamp``).
Snapshot = dict[str, bytes]
_STAMP = struct.Struct("<qqqq")
Options = dict[str, object]
_MAX_REQUEST = 1 << 20
_REQUEST_SECONDS = 10.0
# Time stamps are as coarse as a clock tick on some kernels and 2 s on FAT: a file
# changed this close to a snapshot is told apart by its bytes.
_RACY_NS = 3_000_000_000


class SiteBusy(Exception):
    """Another ``serve`` is serving the site already."""


class HandoffError(Exception):
    """``serve`` took the build and gave no answer (it stopped meanwhile)."""


@dataclass(frozen=True)
class Reply:
    pid: int
    code: int
    message: str
    refused: bool


def socket_address(out_dir: Path) -> str | None:
    """The abstract socket of a ``serve`` on ``out_dir`` (None: not on Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    site = hashlib.sha256(os.fsencode(out_dir.resolve())).hexdigest()[:32]
    return f"\0policybriefs-serve-{os.getuid()}-{site}"


def build_options(
    content: Path,
    templates: Path,
    out: Path,
    cache: Path | None,
    *,
    search: bool,
    base_url: str | None,
    strict: bool,
) -> Options:
    """What a build makes of the files besides the files themselves: a build is
    handed over only to a ``serve`` started with the same."""
    return {
        "content": str(content.resolve()),
        "templates": str(templates.resolve()),
        "out": str(out.resolve()),
        "cache": str(cache.resolve()) if cache is not None else None,
        "search": search,
        "base_url": base_url,
        "strict": strict,
    }


def differences(asked: Mapping[str, object], held: Mapping[str, object]) -> list[str]:
    """The options in which a request differs from ``serve``'s own, described."""
    return [
        f"{key}: {held.get(key)!r} in serve, {asked.get(key)!r} here"
        for key in sorted(held.keys() | asked.keys())
        if asked.get(key) != held.get(key)
    ]


def ask_serve(
    out_dir: Path, options: Options, waiting: Callable[[int], None] = lambda _: None
) -> Reply | None:
    """Ask a ``serve`` on ``out_dir`` to bring the site up to date and wait for it;
    None when no ``serve`` is there. ``waiting`` is told serve's pid first: the
    build may take minutes (serve's own first build, a whole rebuild)."""
    address = socket_address(out_dir)
    if address is None:
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(address)
        except OSError:  # nobody listens: no serve on this site
            return None
        pid, uid = _peer(sock)
        if uid != os.getuid():  # another user's process holds the name: not serve
            return None
        waiting(pid)
        try:
            sock.sendall(json.dumps({"options": options}).encode() + b"\n")
            answer = b"".join(iter(lambda: sock.recv(65536), b""))
        except OSError:  # serve stopped while it had the request
            answer = b""
    try:
        data = json.loads(answer)
        return Reply(int(data["pid"]), int(data["code"]), str(data["message"]), data["refused"])
    except (ValueError, KeyError, TypeError) as exc:
        raise HandoffError(
            f"serve took the build of {out_dir} and stopped before it answered: "
            "build again (without serve, the build is made here)"
        ) from exc


class HandoffListener:
    """``serve``'s end: bound when made (so a second ``serve`` on the site is
    refused at once), answering once ``run`` is given a handler."""

    def __init__(self, out_dir: Path) -> None:
        self.sock: socket.socket | None = None
        address = socket_address(out_dir)
        if address is None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(address)
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                raise SiteBusy(
                    f"another 'build.py serve' is serving {out_dir}: stop it first, "
                    "or run 'build.py' while it runs and it builds the site for you"
                ) from exc
            return  # no handoff here; serve works as it did without one
        sock.listen(8)
        # Polled, so that ``run`` sees ``stopping`` without a connection to wake it.
        sock.settimeout(0.25)
        self.sock = sock
        # serve forks (worker pools, deleting old trees in the background): a child
        # holding the address would keep it taken after serve stopped.
        os.register_at_fork(after_in_child=sock.close)

    def run(self, handle: Callable[[Options], Reply], stopping: threading.Event) -> None:
        """Answer requests, one at a time, until ``stopping`` is set."""
        sock = self.sock
        if sock is None:
            return
        try:
            while not stopping.is_set():
                try:
                    conn, _ = sock.accept()
                except TimeoutError:
                    continue
                except OSError:  # closed, or broken: either way no more answers
                    return
                with conn:
                    self._answer(conn, handle)
        finally:
            # Whatever stopped it, nobody answers now: the address is let go, so that
            # build.py builds by itself rather than wait for an answer forever.
            self.close()

    @staticmethod
    def _answer(conn: socket.socket, handle: Callable[[Options], Reply]) -> None:
        if _peer(conn)[1] != os.getuid():
            return
        conn.settimeout(_REQUEST_SECONDS)  # a client that sends nothing is not waited for
        try:
            request = _read_request(conn)
        except OSError:
            return
        if request is None:
            return
        try:
            reply = handle(request)
        except Exception as exc:  # told to build.py rather than kill the listener
            reply = Reply(os.getpid(), 2, f"'build.py serve' (pid {os.getpid()}): {exc!r}", True)
        # The build.py that asked may have been stopped: the site is built anyway.
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps(reply.__dict__).encode())
            # Shut, not only closed: a process the build forked (a background
            # deletion, a minute at N = 10,000) holds a copy of the connection,
            # and build.py reads until the end of it.
            conn.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


def _peer(conn: socket.socket) -> tuple[int, int]:
    """The pid and uid of the process at the other end."""
    credentials = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _ = struct.unpack("3i", credentials)
    return pid, uid


def _read_request(conn: socket.socket) -> Options | None:
    with conn.makefile("rb") as stream:
        line = stream.readline(_MAX_REQUEST)
    try:
        data: Any = json.loads(line)
    except ValueError:
        return None
    options = data.get("options") if isinstance(data, dict) else None
    return options if isinstance(options, dict) else None


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
    in order. (In place: a second snapshot of 10,000 files was 5 MiB more at
    serve's high-water mark.)"""
    racy_after = time.time_ns() - _RACY_NS
    pack = _STAMP.pack
    changed: list[str] = []
    found: set[str] = set()
    for path, info in _files(folders, dotted):
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


def _files(
    folders: Sequence[Path], dotted: Collection[Path]
) -> Iterator[tuple[str, os.stat_result]]:
    """The regular files below ``folders`` (dot-names left out below ``dotted``) and
    their ``stat``. Each folder is listed by its descriptor, so that a file is
    stat'ed by its name in it rather than by its whole path: 0.09 s for 18,800
    files where ``os.walk`` and ``os.stat`` took 0.18 s."""
    todo = [(str(folder), folder in dotted) for folder in folders]
    while todo:
        here, skip_dotted = todo.pop()
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
                    if entry.is_dir(follow_symlinks=False):  # as os.walk: no loops
                        todo.append((path, skip_dotted))
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
