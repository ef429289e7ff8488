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
import struct
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Snapshot = dict[str, tuple[int, int, int, int]]
Options = dict[str, object]
_MAX_REQUEST = 1 << 20


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
    site = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:32]
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


def ask_serve(out_dir: Path, options: Options) -> Reply | None:
    """Ask a ``serve`` on ``out_dir`` to bring the site up to date and wait for it;
    None when no ``serve`` is there."""
    address = socket_address(out_dir)
    if address is None:
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(address)
        except OSError:  # nobody listens: no serve on this site
            return None
        sock.sendall(json.dumps({"options": options}).encode() + b"\n")
        answer = b"".join(iter(lambda: sock.recv(65536), b""))
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

    def run(self, handle: Callable[[Options], Reply], stopping: threading.Event) -> None:
        """Answer requests, one at a time, until ``stopping`` is set."""
        if self.sock is None:
            return
        while not stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            with conn:
                conn.settimeout(None)
                if not _same_user(conn):
                    continue
                request = _read_request(conn)
                if request is None:
                    continue
                reply = handle(request)
                # The build.py that asked may have been stopped: the site is built anyway.
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps(reply.__dict__).encode())

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


def _same_user(conn: socket.socket) -> bool:
    credentials = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def _read_request(conn: socket.socket) -> Options | None:
    with conn.makefile("rb") as stream:
        line = stream.readline(_MAX_REQUEST)
    try:
        data: Any = json.loads(line)
    except ValueError:
        return None
    options = data.get("options") if isinstance(data, dict) else None
    return options if isinstance(options, dict) else None


def snapshot(folders: Iterable[Path]) -> Snapshot:
    """Each file below ``folders`` by size, change times and inode: what tells
    ``serve`` which files changed since it last built, without reading them."""
    found: Snapshot = {}
    for folder in folders:
        for here, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(here, name)
                try:
                    info = os.stat(path)
                except OSError:  # gone meanwhile
                    continue
                found[path] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return found


def changed_files(before: Snapshot, now: Snapshot) -> list[Path]:
    """Files added, removed or changed between two snapshots, in order."""
    changed = {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
    return [Path(p) for p in sorted(changed)]
