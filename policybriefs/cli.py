"""Command line: ``python build.py [--content DIR] [--out DIR] [-q] [--strict]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ConfigError
from .pipeline import build


def main(argv: list[str] | None = None, *, project_dir: Path | None = None) -> int:
    project_dir = project_dir or Path.cwd()
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the policy-brief site from a content folder."
    )
    parser.add_argument("--content", type=Path, default=project_dir / "content")
    parser.add_argument("--out", type=Path, default=project_dir / "site")
    parser.add_argument("--templates", type=Path, default=project_dir / "templates")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    args = parser.parse_args(argv)

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr)

    if not args.content.is_dir():
        print(f"error: content folder {args.content} does not exist", file=sys.stderr)
        return 2
    if not (args.templates / "base.html").is_file():
        print(f"error: no templates in {args.templates} (base.html is missing)", file=sys.stderr)
        return 2
    try:
        report = build(args.content, args.out, args.templates, progress)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    progress(
        f"built {report.briefs} brief(s), {report.pages} page(s) x 2 scripts, "
        f"{report.files} file(s) in {args.out}"
    )
    if report.errors or (args.strict and report.warnings):
        return 1
    return 0
