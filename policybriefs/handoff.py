"""One writer per site: ``build.py`` hands its build to a ``serve`` running on that site.

Two processes writing one site would each swap in a site the other's record
does not describe, and ``serve`` would go on patching from a site that is no
longer there. ``serve`` also holds the last build in memory, so it brings the
site up to date in a fraction of a second where a new process reads every
brief again (about 20 s at N = 10,000).

``serve`` listens on a Linux abstract Unix socket named after the site folder:
nothing is left on disk by a ``serve`` that was killed, and only the same user's
connections are answered (``SO_PEERCRED``, checked at both ends). Elsewhere
there is no handoff and ``build.py`` builds as it always has. What changed since
serve's last build is told by its watcher (``watching.py``), or else by the
files' stamps (``stamps.py``).

This module is imported by every ``build.py`` run before anything heavy: it uses
the standard library alone (``tool_check``, serve's, imports the cache).
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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # serve's: build.py imports this module before anything else
    import threading

Options = dict[str, object]
_MAX_REQUEST = 1 << 20
_REQUEST_SECONDS = 10.0


class SiteBusy(Exception):
    """Another ``serve`` is serving the site already."""


class HandoffError(Exception):
    """``serve`` took the build and gave no answer (it stopped meanwhile)."""


class Reply(NamedTuple):
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
            conn.sendall(json.dumps(reply._asdict()).encode())
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


def tool_check() -> Callable[[], bool]:
    """Whether the tool's code or libraries on disk differ from the ones serve
    built with. Its fingerprint reads every file of the package (25 ms): it is
    made again only when a file of the package or a folder of ``sys.path`` (where
    installing a library writes) has changed since it was last made."""
    from .cache import tool_fingerprint  # heavy: serve's alone

    built_with = tool_fingerprint()
    checked = _tool_stamp()

    def changed() -> bool:
        nonlocal checked
        now = _tool_stamp()
        if now == checked:
            return False
        if tool_fingerprint.__wrapped__() != built_with:
            return True
        checked = now
        return False

    return changed


def _tool_stamp() -> list[tuple[str, int, int]]:
    from .cache import package_files  # the files the fingerprint hashes

    found = []
    for path in package_files():
        with contextlib.suppress(FileNotFoundError):  # as it is replaced
            info = os.stat(path)
            found.append((path, info.st_size, info.st_mtime_ns))
    for place in sys.path:
        with contextlib.suppress(OSError):
            found.append((place, 0, os.stat(place).st_mtime_ns))
    return sorted(found)
