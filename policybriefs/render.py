"""Jinja rendering, and the Traditional edition made from the Simplified one.

Every page is rendered once per script from the same Simplified context;
the zh-Hant page is then converted by OpenCC with the build's protected
names. Regions between ``<!--noconv-->`` and ``<!--/noconv-->`` (the scraped
original, the other script's label) are left exactly as they are.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .html import markdown_html, text_with_marks
from .models import OutputFile, PageSpec, SiteConfig
from .script import ScriptConverter

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


def render_pages(
    env: Environment,
    specs: Sequence[PageSpec],
    config: SiteConfig,
    traditional: ScriptConverter,
) -> list[OutputFile]:
    files: list[OutputFile] = []
    for spec in specs:
        for script in SCRIPTS:
            root = relative_prefix(spec.path)
            site_root = root + ("../" if script == "zh-Hant" else "")
            other = "zh-Hant" if script == "zh-Hans" else "zh-Hans"
            other_url = site_root + script_root(other) + spec.path
            html = env.get_template(spec.template).render(
                **spec.context,
                site=config,
                script=script,
                other_script=other,
                other_script_url=other_url,
                root=root,
                site_root=site_root,
                page_path=spec.path,
            )
            if script == "zh-Hant":
                html = convert_outside_noconv(html, traditional)
            files.append(OutputFile(script_root(script) + spec.path, html.encode("utf-8")))
    return files
