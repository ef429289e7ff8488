"""Full-text search: a Pagefind index of the Simplified pages, built into the staging folder.

Only the zh-Hans tree is indexed (base.html marks its detail pages with
``data-pagefind-body``); Pagefind's extended binary segments the Chinese
text. The search page (templates/search.html, static/search.js) converts a
reader's query to Simplified with OpenCC's JavaScript port before searching,
so a query in either script finds the page, and links each result to the
page in the reader's own script.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .models import PageSpec

BUNDLE_DIR = "pagefind"
# Pagefind's ready-made UIs; the site has its own (static/search.js).
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# The sections whose Simplified detail pages are indexed, with the label a result
# shows. Official and project pages repeat commitments the brief pages hold:
# indexing them doubled every hit and made the index seven times larger.
SEARCH_KINDS = {"briefs": "简报", "cities": "城市", "series": "会议系列", "pages": "说明"}
# Pagefind reads only those pages; left to its default it parsed every page of both
# scripts to find them, two thirds of a search build's time at 1,000 briefs.
SEARCH_GLOB = "{" + ",".join(SEARCH_KINDS) + "}/*.html"
# Chrome around the text that would only clutter excerpts; and a brief's lists of
# commitments, sentences its paragraphs hold already: indexed twice, they were a
# third of the text Pagefind read (city pages keep theirs, their only text).
EXCLUDE_SELECTORS = ".pnum, .commitment .details, .chart, .brief .commitments"
TIMEOUT_SECONDS = 300


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the site is not swapped in."""


@dataclass(frozen=True)
class IndexStats:
    pages: int
    seconds: float
    bytes: int


def search_page() -> PageSpec:
    return PageSpec("search/index.html", "search.html", {})


def pagefind_executable() -> Path:
    """The extended binary (the one that segments Chinese), shipped in ``pagefind[extended]``."""
    try:
        import pagefind_bin_extended
    except ImportError as exc:
        raise SearchIndexError(
            "Pagefind's extended binary is not installed (pip install 'pagefind[extended]'); "
            "build with --no-search to skip the search index"
        ) from exc
    return Path(pagefind_bin_extended.get_executable())


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def index_site(
    site_dir: Path,
    executable: Path | None = None,
    bundle_dir: Path | None = None,
    running: Callable[[subprocess.Popen[str] | None], None] = lambda _: None,
) -> IndexStats:
    """Write ``<site_dir>/pagefind/`` (or the bundle to ``bundle_dir``, a folder put in
    its place afterwards); raises SearchIndexError with Pagefind's output.
    ``running`` is given Pagefind's process while it runs (then None), for a caller
    that may have to stop it."""
    command = [
        str(executable or pagefind_executable()),
        "--site",
        str(site_dir),
        *(("--output-path", str(bundle_dir)) if bundle_dir else ("--output-subdir", BUNDLE_DIR)),
        "--force-language",
        "zh",
        "--keep-index-url",
        "--exclude-selectors",
        EXCLUDE_SELECTORS,
        "--glob",
        SEARCH_GLOB,
    ]
    started = time.perf_counter()
    try:
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as process:
            running(process)
            try:
                stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                raise
            finally:
                running(None)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from exc
    seconds = time.perf_counter() - started
    output = stdout + stderr
    if process.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise SearchIndexError(f"Pagefind failed (exit {process.returncode}):\n{tail}")
    bundle = bundle_dir or site_dir / BUNDLE_DIR
    for name in UNUSED_BUNDLE_FILES:
        (bundle / name).unlink(missing_ok=True)
    shutil.rmtree(bundle / "playground", ignore_errors=True)
    found = re.search(r"Indexed (\d+) page", output)
    return IndexStats(int(found.group(1)) if found else 0, seconds, _size(bundle))


def search_hook(progress: Callable[[str], None]) -> Callable[[Path], None]:
    """A ``write_site`` before-swap hook that indexes the staging folder and reports the time."""

    def run(staging: Path) -> None:
        stats = index_site(staging)
        progress(
            f"search: indexed {stats.pages} page(s) in {stats.seconds:.2f} s, "
            f"{stats.bytes / 1024:.0f} KiB"
        )

    return run
