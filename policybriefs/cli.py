"""Command line: ``python build.py [options]`` builds the site.

``python build.py serve [--port N]`` builds, serves and rebuilds on changes;
while it runs, ``python build.py`` on the same site has it do the build.

Options: ``--content DIR --out DIR --templates DIR -q --strict --no-search
--base-url URL --jobs N --cache-dir DIR --no-cache`` (the base URL may also
come from ``SITE_BASE_URL``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .handoff import HandoffError, Options, ask_serve, build_options
from .urls import BASE_URL_ENV

if TYPE_CHECKING:
    from .draft import Drafts, Reusable
    from .patch import LastBuild
    from .pipeline import BuildReport

Progress = Callable[[str], None]


def _parser(project_dir: Path, serve: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py serve" if serve else "build.py",
        usage=None if serve else "%(prog)s [serve] [options]",
        description=(
            "Serve the site on 127.0.0.1, rebuilding and reloading on changes."
            if serve
            else "Build the policy-brief site from a content folder. "
            "'build.py serve [--port N]' builds, previews it locally and rebuilds on changes "
            "('build.py serve --help')."
        ),
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=project_dir / "content",
        help="articles (.txt as scraped, .md with front matter), site.toml and pages/ "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=project_dir / "site",
        help="where the site is written (default: %(default)s)",
    )
    parser.add_argument(
        "--templates",
        type=Path,
        default=project_dir / "templates",
        help="Jinja templates: base.html, one per page type, partials/, static/ "
        "(default: %(default)s)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    parser.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: the number of cores)"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=project_dir / ".cache" / "policybriefs",
        help="where briefs and the last build's page keys are kept between builds",
    )
    parser.add_argument("--no-cache", action="store_true", help="build everything from scratch")
    parser.add_argument(
        "--base-url",
        default=None,
        help=f"absolute URL the site is published at (overrides site.toml and ${BASE_URL_ENV})",
    )
    if serve:
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1")
    return parser


def _base_url(args: argparse.Namespace) -> str | None:
    if args.base_url is not None:
        return str(args.base_url)
    return os.environ.get(BASE_URL_ENV) or None


def run_build(
    args: argparse.Namespace,
    progress: Progress,
    keep: Callable[[LastBuild], None] | None = None,
    reuse: Reusable | None = None,
    release: Callable[[], None] | None = None,
) -> tuple[int, BuildReport | None]:
    """One build as the options say; prints warnings and errors. (exit code, report).
    ``keep`` takes what ``serve`` drafts and patches with, ``reuse`` is what this
    build may take from the last one, and ``release`` lets serve's last build go
    (``Drafts.let_go``), called only when something is to be built (None: serve
    holds none)."""
    from .errors import ConfigError
    from .pipeline import build
    from .search import SearchIndexError

    try:
        report = build(
            args.content,
            args.out,
            args.templates,
            progress,
            search=not args.no_search,
            base_url=_base_url(args),
            jobs=args.jobs,
            cache_dir=None if args.no_cache else args.cache_dir,
            keep=keep,
            reuse=reuse,
            release=release,
        )
    except (ConfigError, SearchIndexError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2, None
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.unchanged:
        # The build has said it is up to date; this says what was checked.
        progress(
            f"checked {report.briefs} brief(s), {report.pages} page(s) x 2 scripts "
            f"in {report.seconds:.2f} s (--no-cache rebuilds everything)"
        )
    else:
        progress(
            f"built {report.briefs} brief(s), {report.pages} page(s) x 2 scripts, "
            f"{report.files} file(s) in {args.out} in {report.seconds:.2f} s"
        )
    if report.errors or (args.strict and report.warnings):
        return 1, report
    return 0, report


def run_patch(
    last: LastBuild, changed: Sequence[Path], drafts: Drafts, progress: Progress, strict: bool
) -> int | None:
    """Patch the site ``last`` left for the ``changed`` files (``serve``); None
    when it takes a whole build. A patch that fails leaves that to the build too."""
    from .patch import patch_site

    try:
        patched = patch_site(last, changed, progress)
    except Exception:
        import traceback  # not before: every build.py run imports this module

        traceback.print_exc()
        drafts.keep(None)
        return None
    if patched is None:
        return None
    report, now = patched
    drafts.keep(now)
    if now is not last:
        # Pages first: serve indexes the patched site once the saves stop.
        drafts.index.patched()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    progress(
        f"built {report.briefs} brief(s), {report.pages} page(s) x 2 scripts, "
        f"{report.files} file(s) in {last.out_dir} ({report.rendered} page(s) rendered)"
    )
    return 1 if report.warnings and strict else 0


def _options(args: argparse.Namespace) -> Options:
    return build_options(
        args.content,
        args.templates,
        args.out,
        None if args.no_cache else args.cache_dir,
        search=not args.no_search,
        base_url=_base_url(args),
        strict=args.strict,
    )


def _handed_to_serve(args: argparse.Namespace, progress: Progress) -> int | None:
    """The exit code of the build a ``serve`` on the site made for this run; None
    when no ``serve`` runs there (the build is made here)."""

    def waiting(pid: int) -> None:
        progress(f"'build.py serve' (pid {pid}) is serving {args.out}: it makes the build")

    try:
        reply = ask_serve(args.out, _options(args), waiting)
    except HandoffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped waiting; 'build.py serve' goes on with the build", file=sys.stderr)
        return 130
    if reply is None:
        return None
    if reply.refused:
        print(f"error: {reply.message}", file=sys.stderr)
    else:
        progress(reply.message)
    return reply.code


def main(argv: list[str] | None = None, *, project_dir: Path | None = None) -> int:
    project_dir = project_dir or Path.cwd()
    argv = sys.argv[1:] if argv is None else argv
    serve = bool(argv) and argv[0] == "serve"
    args = _parser(project_dir, serve).parse_args(argv[1:] if serve else argv)

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr)

    if not args.content.is_dir():
        print(f"error: content folder {args.content} does not exist", file=sys.stderr)
        return 2
    if not (args.templates / "base.html").is_file():
        print(f"error: no templates in {args.templates} (base.html is missing)", file=sys.stderr)
        return 2
    if serve:
        from .draft import Drafts
        from .serve import serve_site

        drafts = Drafts()

        def rebuild(changed: Sequence[Path]) -> int:
            # No name here holds the last build while a whole one runs (Drafts.let_go).
            patched = (
                run_patch(drafts.last, changed, drafts, progress, args.strict)
                if changed and drafts.last is not None and not args.no_cache
                else None
            )
            if patched is not None:
                return patched
            # Without a last build to let go (serve starting, or a build failed), one
            # that finds nothing changed makes what serve patches with again.
            release = drafts.let_go if drafts.last is not None else None
            code, report = run_build(args, progress, drafts.keep, drafts.reusable(), release)
            if report is not None:
                drafts.index.built()  # with search, indexed before its swap
            return code

        return serve_site(args, rebuild, progress, drafts, _options(args))
    handed = _handed_to_serve(args, progress)
    if handed is not None:
        return handed
    return run_build(args, progress)[0]
