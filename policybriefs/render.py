"""Jinja rendering, and the Traditional edition made from the Simplified one.

Every page is rendered once from the Simplified context, with stand-ins for
what differs between the scripts, and each script's page is filled in from
that; the zh-Hant page is then converted by OpenCC with the build's protected
names. Regions between ``<!--noconv-->`` and ``<!--/noconv-->`` (the scraped
original, the other script's label) are left exactly as they are.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import posixpath
import re
import signal
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, TypeVar

from jinja2 import BaseLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from .heap import return_freed_memory
from .html import markdown_html, text_with_marks
from .models import PageSpec, SiteConfig
from .notes import brief_warning, repair_note
from .search import SEARCH_KINDS
from .template_files import page_templates
from .traditional import TraditionalConverter
from .urls import page_url
from .write import SiteWriter

SCRIPTS = ("zh-Hans", "zh-Hant")
_NOCONV = re.compile(r"(<!--noconv-->.*?<!--/noconv-->)", re.DOTALL)


def make_environment(templates: Path | BaseLoader) -> Environment:
    """The Jinja environment pages are drawn in: from a templates folder, or from a
    loader (a build's ``template_files.TemplateFiles``, read once)."""
    env = Environment(
        loader=templates if isinstance(templates, BaseLoader) else FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_keep_stand_ins_ours,
        # A build makes its own environment, so no template changes under it; left
        # on, every lookup of a page's template and of each include stats its file.
        auto_reload=False,
    )
    env.filters["marked"] = text_with_marks
    env.filters["markdown"] = markdown_html
    env.filters["repair_note"] = repair_note
    env.filters["brief_warning"] = brief_warning
    env.globals["search_kinds"] = SEARCH_KINDS
    env.globals["page_url"] = page_url
    return env


def compile_templates(env: Environment) -> None:
    """Compile every page template and partial into ``env``'s cache now.

    A whole build renders most pages in forked children, and a template its own
    process never used is compiled by the first patch that needs it: under
    ``serve``, the first promise naming a project compiled ``project.html`` and
    its partials, a quarter of a second of that patch. Only a head start: a
    template that does not compile, or cannot be read, is left for the render
    that needs it to report (this runs after the site is swapped in).
    """
    for name in page_templates(env):
        try:
            env.get_template(name)
        except Exception:  # any failure is the render's to report
            continue


def script_root(script: str) -> str:
    """Where a script's tree lives below the site root."""
    return "" if script == SCRIPTS[0] else "zh-Hant/"


def relative_prefix(page_path: str) -> str:
    """From ``page_path`` back to the folder it is relative to: "", "../", "../../"…"""
    depth = len(posixpath.dirname(page_path).split("/")) if "/" in page_path else 0
    return "../" * depth


def convert_outside_noconv(
    html: str, converter: TraditionalConverter, names: Collection[str] | None = None
) -> str:
    pieces = _NOCONV.split(html)
    # Split on a capturing group: the pieces outside are the even ones.
    pieces[0::2] = converter.convert_pieces(pieces[0::2], names)
    return "".join(pieces)


class _StandIn(str):
    """A character standing for a value that differs between the scripts."""


# Rendering a page twice, once per script, was a third of a build. A page is
# rendered once with stand-ins (private-use characters) for what differs between
# the scripts; each script's page is then made by putting its values in. The
# templates say what differs only through these variables, and wrap markup for
# the Simplified page alone in simplified_only … end_simplified_only.
_FILLED = (
    "script",
    "other_script",
    "other_script_url",
    "site_root",
    "script_prefix",
    "og_locale",
    "switch_label",
)
_STAND_INS = {
    name: _StandIn(chr(0xE000 + k))
    for k, name in enumerate((*_FILLED, "simplified_only", "end_simplified_only"))
}
_STAND_IN = re.compile(f"[{''.join(_STAND_INS[name] for name in _FILLED)}]")
_ANY_STAND_IN = re.compile(f"[{''.join(_STAND_INS.values())}]")
_SIMPLIFIED_ONLY = re.compile(
    f"{_STAND_INS['simplified_only']}(.*?){_STAND_INS['end_simplified_only']}", re.DOTALL
)


def _keep_stand_ins_ours(value: object) -> object:
    """Jinja's ``finalize``: text from content that happens to hold one of the
    stand-in characters (GBK's user-defined area decodes to them) gets U+FFFD
    instead, so only the template's own stand-ins are replaced later."""
    if isinstance(value, str) and not isinstance(value, _StandIn) and _ANY_STAND_IN.search(value):
        return type(value)(_ANY_STAND_IN.sub("\ufffd", value))
    return value


def _script_values(spec: PageSpec, script: str) -> dict[str, str]:
    site_root = relative_prefix(spec.path) + ("../" if script == "zh-Hant" else "")
    other = "zh-Hant" if script == "zh-Hans" else "zh-Hans"
    values = {
        "script": script,
        "other_script": other,
        "other_script_url": site_root + script_root(other) + spec.path,
        "site_root": site_root,
        "script_prefix": script_root(script),
        "og_locale": "zh_CN" if script == "zh-Hans" else "zh_TW",
        "switch_label": "繁體" if other == "zh-Hant" else "简体",
    }
    return {_STAND_INS[name]: str(escape(value)) for name, value in values.items()}


def _filled_in(values: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda match: values[match.group(0)]


def render_scripts(
    env: Environment,
    spec: PageSpec,
    scripts: Sequence[str],
    config: SiteConfig,
    traditional: TraditionalConverter,
    extra: Mapping[str, object] | None = None,
    shared: Mapping[str, object] | None = None,
) -> list[bytes]:
    """The page in each of ``scripts``, from one rendering of its template;
    ``shared`` is what every page's context starts from (its own keys win)."""
    context = {
        **(shared or {}),
        **spec.context,
        **(spec.deferred() if spec.deferred else {}),
        **(extra or {}),
        **_STAND_INS,
        "site": config,
        "root": relative_prefix(spec.path),
        "page_path": spec.path,
    }
    html = env.get_template(spec.template).render(context)
    pages: list[bytes] = []
    for script in scripts:
        values = _script_values(spec, script)
        page = _STAND_IN.sub(_filled_in(values), html)
        page = _SIMPLIFIED_ONLY.sub(r"\1" if script == "zh-Hans" else "", page)
        if script == "zh-Hant":
            page = convert_outside_noconv(page, traditional, spec.names)
        pages.append(page.encode("utf-8"))
    return pages


FullBriefContext = Callable[[str], Mapping[str, object]]


def render_into(
    writer: SiteWriter,
    env: Environment,
    specs: Sequence[PageSpec],
    config: SiteConfig,
    traditional: TraditionalConverter,
    *,
    shared: Mapping[str, object],
    full_brief: FullBriefContext,
    jobs: int,
    per_job: int = 32,
) -> int:
    """Render every page in both scripts into the writer's staging folder.

    Each page is claimed with its key per script; one the writer can put in
    place from an earlier build is not rendered. Pages to render are split among
    ``jobs`` forked processes, which write their own files. Returns how many
    pages were rendered. ``per_job``: fewer pages than that for each job are
    rendered in this process.
    """
    todo: list[tuple[PageSpec, list[tuple[str, str]]]] = []
    for spec in specs:
        needed: list[tuple[str, str]] = []
        for script in SCRIPTS:
            path = script_root(script) + spec.path
            writer.claim(path, spec.key)  # the path names the script
            if not writer.place(path):
                needed.append((script, path))
        if needed:
            todo.append((spec, needed))

    def render_slice(part: Sequence[tuple[PageSpec, list[tuple[str, str]]]]) -> None:
        for spec, needed in part:
            extra = full_brief(spec.full_brief) if spec.full_brief else None
            scripts = [script for script, _ in needed]
            pages = render_scripts(env, spec, scripts, config, traditional, extra, shared)
            for (_, path), page in zip(needed, pages, strict=True):
                writer.write(path, page)

    run_in_forks(render_slice, todo, jobs, per_job)
    return sum(len(needed) for _, needed in todo)


T = TypeVar("T")


def default_termination() -> None:
    """In a forked child: die on SIGTERM, whatever handler the parent set.

    ``serve`` handles SIGTERM to stop cleanly; children that inherited that
    handler shrugged off the SIGTERM with which multiprocessing closes a pool
    or ends its children at exit, and a rebuild could wait for them forever.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _in_child(
    work: Callable[[Sequence[T]], None], items: Sequence[T], taken: _Counter, step: int
) -> None:
    default_termination()
    _take_turns(work, items, taken, step)


class _Counter(Protocol):
    """A number in memory shared with the forked processes (multiprocessing.Value)."""

    value: int

    def get_lock(self) -> AbstractContextManager[object]: ...


def _take_turns(
    work: Callable[[Sequence[T]], None], items: Sequence[T], taken: _Counter, step: int
) -> None:
    """``work`` on the next ``step`` items no process has taken, until none are left."""
    while True:
        with taken.get_lock():
            start = taken.value
            taken.value = start + step
        if start >= len(items):
            return
        work(items[start : start + step])


def run_in_forks(
    work: Callable[[Sequence[T]], None], items: Sequence[T], jobs: int, per_job: int = 32
) -> None:
    """Run ``work`` over ``items`` in this process and ``jobs - 1`` forked ones (no
    pickling: the children inherit everything), each taking the next few items
    none has taken until all are done; or all in this process when one job will
    do: when there are fewer than ``per_job`` items for each."""
    # Forking a process that holds thousands of briefs costs more than rendering a
    # few dozen pages, which is all a small change needs.
    if jobs <= 1 or len(items) < per_job * jobs or not hasattr(os, "fork"):
        work(items)
        return
    # The children inherit the whole heap (briefs, catalog, templates): frozen, the
    # collector neither walks it in each child nor dirties the pages they share.
    # (The build unfreezes it at its end.)
    gc.freeze()
    return_freed_memory()
    context = multiprocessing.get_context("fork")
    # Taken in turns, not dealt out beforehand: a forked child is slower than this
    # process (it copies much of the heap it reads: reference counts, which at
    # 10,000 briefs was 340 MiB each), and a patch's few pages differ in size a
    # hundredfold. A step keeps a whole build's turns few.
    taken = context.Value("q", 0)
    step = max(1, len(items) // (jobs * 32))
    children = [
        context.Process(target=_in_child, args=(work, items, taken, step), daemon=True)
        for _ in range(1, jobs)
    ]
    try:
        for child in children:
            child.start()
        _take_turns(work, items, taken, step)
    except BaseException:
        # Killed, not asked to stop: a child that has not yet reset SIGTERM would
        # shrug it off under serve, and go on taking items for nothing.
        started = [child for child in children if child.pid is not None]
        for child in started:
            child.kill()
        for child in started:
            child.join()
        raise
    for child in children:
        child.join()
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} rendering process(es) failed (exit codes {failed})")
