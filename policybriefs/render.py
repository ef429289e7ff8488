"""Jinja rendering, and the Traditional edition made from the Simplified one.

Every page is rendered once per script from the same Simplified context;
the zh-Hant page is then converted by OpenCC with the build's protected
names. Regions between ``<!--noconv-->`` and ``<!--/noconv-->`` (the scraped
original, the other script's label) are left exactly as they are.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .html import markdown_html, text_with_marks
from .models import PageSpec, SiteConfig
from .script import ScriptConverter
from .search import SEARCH_KINDS
from .write import SiteWriter

SCRIPTS = ("zh-Hans", "zh-Hant")
_NOCONV = re.compile(r"(<!--noconv-->.*?<!--/noconv-->)", re.DOTALL)


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["marked"] = text_with_marks
    env.filters["markdown"] = markdown_html
    env.globals["search_kinds"] = SEARCH_KINDS
    return env


def script_root(script: str) -> str:
    """Where a script's tree lives below the site root."""
    return "" if script == SCRIPTS[0] else "zh-Hant/"


def relative_prefix(page_path: str) -> str:
    """From ``page_path`` back to the folder it is relative to: "", "../", "../../"…"""
    depth = len(posixpath.dirname(page_path).split("/")) if "/" in page_path else 0
    return "../" * depth


def convert_outside_noconv(html: str, converter: ScriptConverter) -> str:
    pieces = _NOCONV.split(html)
    return "".join(p if p.startswith("<!--noconv-->") else converter.convert(p) for p in pieces)


def render_page(
    env: Environment,
    spec: PageSpec,
    script: str,
    config: SiteConfig,
    traditional: ScriptConverter,
    extra: Mapping[str, object] | None = None,
) -> bytes:
    root = relative_prefix(spec.path)
    site_root = root + ("../" if script == "zh-Hant" else "")
    other = "zh-Hant" if script == "zh-Hans" else "zh-Hans"
    html = env.get_template(spec.template).render(
        **spec.context,
        **(extra or {}),
        site=config,
        script=script,
        other_script=other,
        other_script_url=site_root + script_root(other) + spec.path,
        root=root,
        site_root=site_root,
        page_path=spec.path,
    )
    if script == "zh-Hant":
        html = convert_outside_noconv(html, traditional)
    return html.encode("utf-8")


FullBriefContext = Callable[[str], Mapping[str, object]]


def render_into(
    writer: SiteWriter,
    env: Environment,
    specs: Sequence[PageSpec],
    config: SiteConfig,
    traditional: ScriptConverter,
    *,
    full_brief: FullBriefContext,
    previous: Mapping[str, str],
    jobs: int,
) -> tuple[dict[str, str], int]:
    """Render every page in both scripts into the writer's staging folder.

    A page whose key equals the one recorded for the same path in ``previous``
    is linked from the last build instead. Pages to render are split among
    ``jobs`` forked processes, which write their own files. Returns the new
    manifest (path → key) and how many pages were rendered.
    """
    manifest: dict[str, str] = {}
    todo: list[tuple[PageSpec, str, str]] = []
    for spec in specs:
        for script in SCRIPTS:
            path = script_root(script) + spec.path
            writer.claim(path)
            key = f"{script}:{spec.key}" if spec.key else ""
            manifest[path] = key
            if key and previous.get(path) == key and writer.reuse(path):
                continue
            todo.append((spec, script, path))

    def render_slice(part: Sequence[tuple[PageSpec, str, str]]) -> None:
        for spec, script, path in part:
            extra = full_brief(spec.full_brief) if spec.full_brief else None
            writer.write(path, render_page(env, spec, script, config, traditional, extra))

    run_in_forks(render_slice, todo, jobs)
    return manifest, len(todo)


T = TypeVar("T")


def run_in_forks(work: Callable[[Sequence[T]], None], items: Sequence[T], jobs: int) -> None:
    """Run ``work`` over ``items`` split into ``jobs`` forked processes (no pickling:
    the children inherit everything), or in this process when one job will do."""
    if jobs <= 1 or len(items) < 4 * jobs or not hasattr(os, "fork"):
        work(items)
        return
    # The children inherit the whole heap (briefs, catalog, templates): frozen, the
    # collector neither walks it in each child nor dirties the pages they share.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=work, args=(items[i::jobs],), daemon=True) for i in range(jobs)
    ]
    try:
        for child in children:
            child.start()
        for child in children:
            child.join()
    finally:
        gc.unfreeze()  # collectable again: `serve` builds over and over in one process
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} rendering process(es) failed (exit codes {failed})")
