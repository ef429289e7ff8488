"""Local preview: ``python build.py serve [--port N]``.

Serves the output folder on 127.0.0.1, rebuilds when content/ or templates/
change (``watching.py``), and reloads open pages: HTML is served with a small
script that polls ``/__reload`` for the build number. The script is added
to the response only; the files on disk never contain it.

When only articles changed, their own pages are first drafted in memory
(``draft.py``) and served in place of the files on disk until the rebuild
is in place: the page being edited shows the edit in a fraction of a second.

While it runs, ``build.py`` on the same site hands its build to it
(``handoff.py``): one process writes the site, and brings it up to date from
the build it holds.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .cache import record_spare_as_site
from .draft import Drafts
from .handoff import HandoffListener, Options, Reply, SiteBusy, differences, tool_check
from .heap import one_malloc_arena
from .patch import LastBuild
from .reindex import SearchRefresher
from .spare import discard_copy, install_spare, linked_copy, refresh_spare
from .stamps import Snapshot, names_folder, refresh, restamp, snapshot
from .watching import UNKNOWN, SourceWatcher
from .write import MARKER, mostly_stale, spare_path

RELOAD_PATH = "/__reload"
HTML = "text/html; charset=utf-8"
_RELOAD_SCRIPT = (
    "<script>/* added by build.py serve */(()=>{{const seen={version};"
    'const tick=()=>fetch("{path}",{{cache:"no-store"}}).then(r=>r.text()).then('
    "v=>{{if(v!==String(seen))location.reload();else setTimeout(tick,250)}},"
    "()=>setTimeout(tick,2000));setTimeout(tick,250)}})();</script>"
)


def reload_script(version: int) -> bytes:
    return _RELOAD_SCRIPT.format(version=version, path=RELOAD_PATH).encode("utf-8")


# Shown on a drafted page, so an editor knows the pages around it are not there yet.
_DRAFT_NOTICE = (
    '<div role="status" style="position:fixed;bottom:.6rem;right:.6rem;z-index:9999;'
    "background:#fff8db;border:1px solid #d4b24c;border-radius:4px;padding:.3rem .6rem;"
    'font-size:.85rem">{text}</div>'
)
DRAFT_NOTICE_TEXT = {
    "zh-Hans": "草稿预览：本页已更新，城市、官员和索引页正在重建",
    "zh-Hant": "草稿預覽：本頁已更新，城市、官員和索引頁正在重建",
}


def draft_notice(path: str) -> bytes:
    """The notice for a drafted page at ``path`` (below the site root), in its script."""
    script = "zh-Hant" if path.startswith("zh-Hant/") else "zh-Hans"
    return _DRAFT_NOTICE.format(text=DRAFT_NOTICE_TEXT[script]).encode("utf-8")


def inject(html: bytes, script: bytes) -> bytes:
    """``script`` just before ``</body>`` (or at the end)."""
    at = html.rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class BuildNumber:
    """Bumped after every rebuild; open pages reload when it changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    @property
    def value(self) -> int:
        with self._lock:
            return self._value

    def bump(self) -> None:
        with self._lock:
            self._value += 1


# How long a rebuild waits for the drafted page to be fetched: a rebuild takes
# the interpreter from the server's threads for seconds at a time, and an open
# page polls for the build number four times a second.
DRAFT_GRACE_SECONDS = 1.0
# Files of the spare brought up to date at a time, between which a rebuild may start.
SPARE_BATCH = 500
# How long a build handed over waits for the watcher to report its mark (see
# ``watching``) before it stats every file instead, as when the watcher is busy
# with a whole build.
MARK_WAIT_SECONDS = 2.0


class PreviewHandler(SimpleHTTPRequestHandler):
    def __init__(
        self,
        *args: Any,
        number: BuildNumber,
        drafts: Drafts,
        directory: str,
        **kwargs: Any,
    ) -> None:
        self.number = number
        self.drafts = drafts
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, path: Path, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = inject(path.read_bytes(), reload_script(self.number.value))
        self._send(status, body, HTML)

    def _serve(self) -> bool:
        """Handle the reload endpoint and HTML; False leaves the rest to the base class."""
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        if route == RELOAD_PATH:
            self.drafts.polled_at = time.monotonic()
            self._send(HTTPStatus.OK, str(self.number.value).encode(), "text/plain")
            return True
        drafted = unquote(route).lstrip("/")
        drafted += "index.html" if not drafted or drafted.endswith("/") else ""
        if (draft := self.drafts.pages.get(drafted)) is not None:
            added = draft_notice(drafted) + reload_script(self.number.value)
            self._send(HTTPStatus.OK, inject(draft, added), HTML)
            self.drafts.served.set()
            return True
        target = Path(self.translate_path(self.path))
        if target.is_dir() and route.endswith("/"):
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            self._html(target)
            return True
        if not target.exists():
            return self._not_found(route)
        return False

    def _not_found(self, route: str) -> bool:
        """The 404 page of the script the path is in. Its links are relative to the
        script's root: a site built without a base URL has no ``<base>`` to say where
        that is, so one is put in here, where the root is known."""
        prefix = "/zh-Hant/" if route.startswith("/zh-Hant/") else "/"
        page = Path(self.directory) / prefix.lstrip("/") / "404.html"
        if not page.is_file():
            return False
        body = page.read_bytes()
        if b"<base " not in body:
            body = body.replace(b"<head>", b'<head>\n<base href="' + prefix.encode() + b'">', 1)
        self._send(HTTPStatus.NOT_FOUND, inject(body, reload_script(self.number.value)), HTML)
        return True

    def do_GET(self) -> None:
        if not self._serve():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._serve():
            super().do_HEAD()


class Preview:
    """The server and the watcher, started and stopped together (tests use port 0)."""

    def __init__(
        self,
        site_dir: Path,
        watch: Sequence[Path],
        rebuild: Callable[[Sequence[Path]], int],
        port: int = 8000,
        progress: Callable[[str], None] = lambda _: None,
        drafts: Drafts | None = None,
        search: bool = False,
        *,
        options: Options | None = None,
        listener: HandoffListener | None = None,
        seen: Snapshot | None = None,
        tool_changed: Callable[[], bool] = lambda: False,
        dotted: Sequence[Path] = (),
    ) -> None:
        """``options``: the build's (``handoff.build_options``), which a build handed
        over must share; ``listener`` answers ``build.py`` runs on the site;
        ``seen``, the watched files as the last build found them (a ``snapshot``);
        ``dotted``, the watched folders whose dot-names the build leaves out (the
        content folder)."""
        self.site_dir = site_dir.absolute()
        # Absolute, as the watcher reports changes: the snapshots' names are the same.
        self.watch = [p.absolute() for p in watch if p.exists()]
        self.dotted = [p.absolute() for p in dotted]
        self.rebuild = rebuild
        self.progress = progress
        self.number = BuildNumber()
        self.drafts = drafts or Drafts()
        handler = partial(
            PreviewHandler, number=self.number, drafts=self.drafts, directory=str(self.site_dir)
        )
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.stopping = threading.Event()
        # Held by a rebuild, and by the spare's refresh between batches of files.
        self.building = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.options = options
        self.listener = listener
        self.seen = seen
        self.tool_changed = tool_changed
        self.last_code = 0
        self.watcher: SourceWatcher | None = None
        state = self.drafts.index
        self.refresher = (
            SearchRefresher(self.site_dir, self.building, self.stopping, progress, state)
            if search
            else None
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def rebuild_now(
        self, changed: Sequence[Path] = (), *, pending: bool = False, quiet: bool = False
    ) -> int | None:
        """Rebuild for the ``changed`` files (the watcher's news), or (``pending``, a
        build handed over) for every file changed since the last build. Returns the
        build's exit code; None when there was nothing to build, as when a build
        handed over by ``build.py`` made it before the watcher told of it."""
        with self.building:
            if pending:
                # Every file, stat'ed (0.1 s at N = 10,000): one saved a moment ago
                # may not have reached the watcher yet.
                if self.seen is None:
                    self.seen = snapshot(self.watch, self.dotted)
                    nothing = False
                else:
                    changed = refresh(self.seen, self.watch, self.dotted)
                    nothing = not changed
            elif self.seen is not None and names_folder(self.seen, changed):
                # A folder moved: its files, which the watcher does not name.
                changed = sorted({*changed, *refresh(self.seen, self.watch, self.dotted)})
                nothing = False
            else:
                # The files named alone: the watcher tells of the others in turn.
                seen = self.seen
                nothing = (
                    seen is not None
                    and bool(changed)
                    and restamp(seen, changed, self.watch, self.dotted)
                )
            if nothing:
                self._nothing_to_build(quiet)
                return None
            try:
                code = self.rebuild(changed)
            except Exception:  # a template typo must not stop the preview
                traceback.print_exc()
                code = 2
            if code >= 2:  # a build that did not finish: the next one is made whole
                self.seen = None
            self.last_code = code
        self._after_build()
        return code

    def _nothing_to_build(self, quiet: bool) -> None:
        if self.drafts.pages:  # drafts of what the site has already
            self.drafts.clear()
            self.number.bump()
        if not quiet:
            self.progress("serve: nothing changed since the last build")

    def _after_build(self) -> None:
        # Drafts stood in for this build; once it is in place (or failed,
        # and says so), the files on disk are the truth again, and open
        # pages reload to show them.
        self.drafts.clear()
        self.number.bump()
        # What the build kept for drafting lives until the next one: frozen,
        # the collector stops walking it while a draft is drawn.
        gc.freeze()
        self.refresh_spare_soon()
        if self.refresher is not None and self.drafts.index.behind:
            self.refresher.request()

    def hand_over(self, options: Options) -> Reply:
        """A ``build.py`` run on the site asks for it to be brought up to date."""
        pid = os.getpid()
        if self.options is None:
            return Reply(pid, 2, f"serve (pid {pid}) takes no builds of {self.site_dir}", True)
        if wrong := differences(options, self.options):
            return Reply(
                pid,
                2,
                f"'build.py serve' (pid {pid}) is serving {self.site_dir} with other "
                f"options ({'; '.join(wrong)}): stop it, or build with its options",
                True,
            )
        try:
            stale_tool = self.tool_changed()
        except Exception:  # files read while they are replaced: an update under way
            stale_tool = True
        if stale_tool:
            return Reply(
                pid,
                2,
                f"'build.py serve' (pid {pid}) runs the tool as it was before it was "
                "updated: stop it and start it again",
                True,
            )
        started = time.perf_counter()
        # Every save made before this is built once the watcher has reported a mark
        # made now and serve has built what came with it (``watching``); where the
        # watcher cannot tell, every file is stat'ed.
        watcher = self.watcher
        built: int | None = UNKNOWN
        with self.drafts.asking_for_build():
            if watcher is not None and self.seen is not None:
                built = watcher.caught_up(MARK_WAIT_SECONDS)
            if built == UNKNOWN:
                built = self.rebuild_now(pending=True)
        seconds = time.perf_counter() - started
        code = self.last_code if built is None else built
        last = self.drafts.last
        # As a build of its own would: --strict fails on any brief's warnings, not
        # only on those of the briefs this patch made.
        if code == 0 and options.get("strict") and last is not None:
            code = 1 if any(last.warnings.values()) else 0
        done = (
            f"up to date: 'build.py serve' (pid {pid}) had built every change"
            if built is None
            else f"'build.py serve' (pid {pid}) brought {self.site_dir} up to date "
            f"in {seconds:.2f} s"
        )
        if code:
            done += " (with errors or, with --strict, warnings: serve's output lists them)"
        if self.refresher is not None and self.drafts.index.behind:
            done += "; its search index follows once the saves stop"
        return Reply(pid, code, done, False)

    def refresh_spare_soon(self) -> None:
        """Bring the spare up to date with the site while no edit comes (see
        ``write.refresh_spare``), so that the next patch has only its own files
        to write."""
        last = self.drafts.last
        if last is not None and last.patchable and (last.stale or last.extra):
            # A weak reference: a whole build lets go of the last one (Drafts.let_go),
            # and this thread, waiting for the lock meanwhile, must not keep it alive.
            thread = threading.Thread(
                target=self._refresh_spare, args=(weakref.ref(last),), daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _current(self, ref: weakref.ref[LastBuild]) -> LastBuild | None:
        """The build ``ref`` names while it is still serve's last and serve runs."""
        last = ref()
        if last is None or self.stopping.is_set() or self.drafts.last is not last:
            return None
        return last

    def _refresh_spare(self, ref: weakref.ref[LastBuild]) -> None:
        started = time.perf_counter()
        last = self._current(ref)
        if last is None:
            return
        out_dir = last.out_dir
        if mostly_stale(len(last.stale), last.manifest):
            del last
            self._replace_spare(ref, out_dir, started)
            return
        todo = sorted(last.stale)
        del last  # each step below takes it again under the lock
        with self.building:
            if (last := self._current(ref)) is None:
                return
            # No longer the site its record names, until the refresh is done.
            (spare_path(out_dir) / MARKER).unlink(missing_ok=True)
            extra = sorted(last.extra)
            last.extra.difference_update(refresh_spare(out_dir, (), extra))
            del last
        for start in range(0, len(todo), SPARE_BATCH):
            time.sleep(0)  # let the server's threads answer between batches
            with self.building:
                if (last := self._current(ref)) is None:
                    return
                batch = todo[start : start + SPARE_BATCH]
                done = refresh_spare(out_dir, batch, ())
                last.stale.difference_update(done)
                del last
                if len(done) < len(batch):
                    return
        with self.building:
            # Recorded even as serve stops: the spare is the site's, and the next
            # start trusts it.
            last = ref()
            if last is not None and self.drafts.last is last and not last.stale and not last.extra:
                record_spare_as_site(last.kit.cache.root, out_dir, last.site)
                self.progress(
                    f"serve: spare brought up to date ({len(todo)} file(s)) "
                    f"in {time.perf_counter() - started:.2f} s"
                )

    def _replace_spare(self, ref: weakref.ref[LastBuild], out_dir: Path, started: float) -> None:
        """A spare a whole build retired is replaced by a tree of links to the live
        site rather than relinked file by file: about a minute of deleting at
        N = 10,000, which a save that came meanwhile had to finish."""
        try:
            # Without the lock: it only reads the live site. A build or patch that
            # swaps it meanwhile makes another ``last``, and the copy is dropped.
            fresh = linked_copy(out_dir)
        except OSError:
            return  # the live site changed under it: the next patch sees to the spare
        with self.building:
            last = self._current(ref)
            if last is None:
                discard_copy(out_dir, fresh)
                return
            install_spare(out_dir, fresh)
            last.stale.clear()
            last.extra.clear()
            record_spare_as_site(last.kit.cache.root, out_dir, last.site)
            seconds = time.perf_counter() - started
            self.progress(f"serve: spare made anew as links to the site in {seconds:.2f} s")

    def draft_now(self, changed: Sequence[Path]) -> None:
        """Draft what ``changed`` edits and let open pages fetch it before the rebuild."""
        started = time.perf_counter()
        try:
            drawn = self.drafts.draw(changed)
        except Exception:  # the build that follows reports what went wrong
            traceback.print_exc()
            return
        if drawn:
            self.number.bump()
            self.progress(
                f"serve: drafted {drawn} page(s) in {time.perf_counter() - started:.2f} s"
            )
            # Only an open page fetches the draft: with none, nothing is waited for;
            # nor when a build.py waits for the site (``Drafts.asking_for_build``).
            recently = time.monotonic() - self.drafts.polled_at < 2 * DRAFT_GRACE_SECONDS
            if recently and not self.drafts.build_asked:
                self.drafts.served.wait(timeout=DRAFT_GRACE_SECONDS)

    def _watch(self) -> None:
        try:
            watcher = SourceWatcher(self.watch)
        except Exception:  # the preview serves on; builds handed over stat every file
            traceback.print_exc()
            return
        self.watcher = watcher
        try:
            if watcher.ordered and self.listener is not None and self.seen is not None:
                # A file saved since the first build's snapshot reached no watcher:
                # every file is stat'ed once, and from now on the marks tell.
                self.rebuild_now(pending=True, quiet=True)
                watcher.trust()
            for changes, marks in watcher.batches(self.stopping):
                built = self._rebuild_for(changes, drafted=not marks) if changes else None
                if marks:
                    watcher.reached(marks, built)
        finally:
            watcher.close()  # and a build.py waiting for a mark stats every file

    def _rebuild_for(self, changes: Sequence[tuple[object, str]], drafted: bool) -> int | None:
        changed = [Path(path) for _, path in changes]
        # With a build.py waiting for the site (a mark in this batch, or one asked
        # for), no draft before the build.
        if drafted and not self.drafts.build_asked:
            self.draft_now(changed)
        if self.stopping.is_set():
            return UNKNOWN  # not built
        self.progress(f"serve: {len(changes)} change(s), rebuilding")
        try:
            return self.rebuild_now(changed)
        except Exception:  # the watcher goes on; the next save is built
            traceback.print_exc()
            # Not built: a build.py asking later stats every file, and finds them.
            if self.watcher is not None:
                self.watcher.distrust()
            return UNKNOWN

    def start(self) -> None:
        self._threads = [
            threading.Thread(target=self.server.serve_forever, daemon=True),
            threading.Thread(target=self._watch, daemon=True),
        ]
        if self.listener is not None:
            self._threads.append(
                threading.Thread(
                    target=self.listener.run, args=(self.hand_over, self.stopping), daemon=True
                )
            )
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        if self.refresher is not None:
            self.refresher.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.listener is not None:
            self.listener.close()


def serve_site(
    args: argparse.Namespace,
    rebuild: Callable[[Sequence[Path]], int],
    progress: Callable[[str], None],
    drafts: Drafts | None = None,
    options: Options | None = None,
) -> int:
    """Build once, then serve ``args.out`` until Ctrl-C. ``options``: the build's,
    for ``build.py`` runs on the site to hand their builds over."""
    one_malloc_arena()  # before any thread starts
    try:
        # Bound before the first build: a build.py run meanwhile waits for serve.
        listener = HandoffListener(Path(args.out)) if options is not None else None
    except SiteBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return _build_and_serve(args, rebuild, progress, drafts, options, listener)
    finally:
        if listener is not None:
            listener.close()


def _build_and_serve(
    args: argparse.Namespace,
    rebuild: Callable[[Sequence[Path]], int],
    progress: Callable[[str], None],
    drafts: Drafts | None,
    options: Options | None,
    listener: HandoffListener | None,
) -> int:
    # Absolute, as the watcher names files.
    watched = [Path(args.content).absolute(), Path(args.templates).absolute()]
    dotted = watched[:1]
    # Before the first build, as what it reads: a change meanwhile is built next.
    seen: Snapshot | None = snapshot([p for p in watched if p.exists()], dotted)
    tool_changed = tool_check()
    code = rebuild(())
    if code >= 2:  # it did not finish: the first build handed over is made whole
        seen = None
    gc.freeze()  # what the build kept for drafting: see Preview.rebuild_now
    if not Path(args.out).is_dir():
        return code or 1
    try:
        preview = Preview(
            Path(args.out),
            watched,
            rebuild,
            args.port,
            progress,
            drafts,
            search=not args.no_search,
            options=options,
            listener=listener,
            seen=seen,
            tool_changed=tool_changed,
            dotted=dotted,
        )
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    preview.last_code = code
    preview.start()
    preview.refresh_spare_soon()
    signal.signal(signal.SIGTERM, lambda *_: preview.stopping.set())
    print(f"serving {args.out} at {preview.url} (Ctrl-C stops)", file=sys.stderr)
    try:
        preview.stopping.wait()
    except KeyboardInterrupt:
        print("", file=sys.stderr)
    finally:
        preview.stop()
    return 0
