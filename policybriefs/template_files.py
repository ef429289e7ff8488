"""The templates folder as a build reads it: once, at its start.

The build's record of its inputs, each page's key and what each page is drawn
with all come from the same bytes. Read from disk as they were needed, a
template saved while a build ran (by the forked renderers, after the keys were
made) could go into the site under the key of its text before the save; saved
back, the next build found every input as recorded and the page stale.

A page's key takes in the templates it is drawn with (``template_keys``): its
own, and those it extends, includes or imports.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound, meta
from jinja2.loaders import split_template_path

from .cache import digest
from .models import OutputFile, TemplateKeys
from .stamps import source_files

STATIC_DIR = "static"


@dataclass(frozen=True, eq=False)  # Jinja keys its template cache by the loader itself
class TemplateFiles(BaseLoader):
    """Every file below a templates folder (linked folders followed, but not a
    link back to a folder above), by its path below it, and their digest; a
    Jinja loader of them."""

    root: Path
    files: Mapping[str, bytes]
    digest: str

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        name = "/".join(split_template_path(template))
        data = self.files.get(name)
        if data is None:
            raise TemplateNotFound(template, f"{template!r} not found in {self.root}")
        try:
            return data.decode("utf-8"), str(self.root / name), lambda: True
        except UnicodeDecodeError as error:  # FileSystemLoader's did not name the file
            error.reason += f" in template {self.root / name}"
            raise

    def list_templates(self) -> list[str]:
        return sorted(self.files)

    def static_files(self) -> list[OutputFile]:
        """What the site copies as it is: ``static/`` below the templates."""
        prefix = STATIC_DIR + "/"
        return [
            OutputFile(name, data)
            for name, data in sorted(self.files.items())
            if name.startswith(prefix)
        ]


def read_templates(folder: Path) -> TemplateFiles:
    """Read every file below ``folder``, as ``serve``'s stamps find them (the same
    walk: linked folders followed); its digest covers names and bytes."""
    root = str(folder)
    found = sorted(
        (os.path.relpath(path, root).replace(os.sep, "/"), path)
        for path, _ in source_files([folder], ())
    )
    files: dict[str, bytes] = {}
    hasher = hashlib.sha256()
    for name, path in found:
        with open(path, "rb") as handle:
            data = handle.read()
        files[name] = data
        hasher.update(name.encode())
        hasher.update(b"\0")
        hasher.update(data)
        hasher.update(b"\0")
    return TemplateFiles(folder, files, hasher.hexdigest())


def page_templates(env: Environment) -> list[str]:
    """The templates pages are drawn with, and their partials: not ``static/``."""
    prefix = STATIC_DIR + "/"
    return [
        name
        for name in env.list_templates(extensions=("html", "xml"))
        if not name.startswith(prefix)
    ]


def template_keys(env: Environment, whole: str) -> TemplateKeys:
    """Each template's key: its text and that of every template it reaches by
    ``extends``, ``include``, ``import`` or ``from``, found by Jinja's own parser
    (``jinja2.meta``). ``whole`` (every template's digest) stands for a template
    that reaches another by a name made when it renders, or one that is missing or
    does not parse: what it depends on is not known, so any change redraws it."""
    loader = env.loader
    if loader is None:  # nothing to read them with: every page hangs on every template
        return TemplateKeys({}, whole)
    sources: dict[str, str] = {}
    reached: dict[str, list[str] | None] = {}  # None: not known

    def read(name: str) -> list[str] | None:
        if name not in reached:
            try:
                source = loader.get_source(env, name)[0]
                names = list(meta.find_referenced_templates(env.parse(source)))
            except Exception:  # not found, unreadable, or not Jinja: the render says so
                reached[name] = None
            else:
                sources[name] = source
                reached[name] = None if None in names else [n for n in names if n]
        return reached[name]

    keys: dict[str, str] = {}
    for name in page_templates(env):
        closure: set[str] = set()
        todo = [name]
        while todo and name not in keys:
            here = todo.pop()
            if here in closure:
                continue
            closure.add(here)
            found = read(here)
            if found is None:
                keys[name] = whole
            else:
                todo.extend(found)
        if name not in keys:
            keys[name] = digest(*((n, sources[n]) for n in sorted(closure)))
    return TemplateKeys(keys, whole)
