"""The templates as a build reads them (once) and the key of each: what it reaches."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import TemplateNotFound

from policybriefs.render import make_environment
from policybriefs.template_files import read_templates, template_keys

# What each template reaches, and whether its key is its own (True) or every
# template's (False): a name known only when it renders, a missing template or one
# that does not parse leave what it depends on unknown.
KEYED_TEMPLATES = {
    "base.html": (
        "<html>{% block main %}{% endblock %}{% include 'partials/foot.html' %}</html>",
        True,
    ),
    "partials/foot.html": ("<footer>政策简报</footer>", True),
    "partials/macros.html": ("{% macro city(name) %}<b>{{ name }}</b>{% endmacro %}", True),
    "brief.html": ("{% extends 'base.html' %}{% block main %}简报{% endblock %}", True),
    "city.html": (
        "{% extends 'base.html' %}{% from 'partials/macros.html' import city %}"
        "{% block main %}{{ city('厦门') }}{% endblock %}",
        True,
    ),
    "either.html": ("{% include ['partials/foot.html', 'partials/macros.html'] %}", True),
    "loop.html": ("{% if deep %}{% include 'loop.html' %}{% endif %}", True),
    "chosen.html": ("{% include kind ~ '.html' %}", False),
    "missing.html": ("{% include 'partials/gone.html' %}", False),
    "broken.html": ("{% if %}", False),
    "uses_broken.html": ("{% extends 'broken.html' %}", False),
}
# Which templates' texts each key is made of, for those keyed on their own.
REACHED = {
    "base.html": {"base.html", "partials/foot.html"},
    "partials/foot.html": {"partials/foot.html"},
    "partials/macros.html": {"partials/macros.html"},
    "brief.html": {"brief.html", "base.html", "partials/foot.html"},
    "city.html": {"city.html", "base.html", "partials/foot.html", "partials/macros.html"},
    "either.html": {"either.html", "partials/foot.html", "partials/macros.html"},
    "loop.html": {"loop.html"},
}


def _templates(folder: Path, texts: dict[str, str]) -> Path:
    for name, text in texts.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "static").mkdir(exist_ok=True)
    (folder / "static" / "style.html").write_text("<i>静态</i>", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", sorted(KEYED_TEMPLATES))
def test_each_template_is_keyed_by_what_it_reaches(tmp_path: Path, name: str) -> None:
    texts = {n: text for n, (text, _) in KEYED_TEMPLATES.items()}
    folder = _templates(tmp_path / "templates", texts)
    keys = template_keys(make_environment(read_templates(folder)), "every template")
    assert "static/style.html" not in keys.by_name  # copied as it is, not drawn
    own = KEYED_TEMPLATES[name][1]
    assert (keys.of(name) != "every template") is own
    if not own:
        return
    # Its key moves with each template it reaches, and with no other.
    for other in sorted(texts):
        edited = _templates(tmp_path / other.replace("/", "-"), texts)
        (edited / other).write_text(texts[other] + "<!-- 改 -->", encoding="utf-8")
        again = template_keys(make_environment(read_templates(edited)), "every template")
        assert (again.of(name) != keys.of(name)) is (other in REACHED[name]), other
    assert keys.of("not-there.html") == "every template"


def test_templates_are_read_once_and_drawn_from_what_was_read(tmp_path: Path) -> None:
    folder = _templates(tmp_path / "templates", {"page.html": "<p>{{ city }}：初稿</p>"})
    (folder / "notes.html").write_bytes("{{ 草稿".encode("gbk"))
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "foot.html").write_text("<footer>共用</footer>", encoding="utf-8")
    (folder / "partials").symlink_to(shared, target_is_directory=True)
    (shared / "up").symlink_to(folder, target_is_directory=True)  # a loop, walked once
    files = read_templates(folder)
    assert sorted(files.files) == [
        "notes.html",
        "page.html",
        "partials/foot.html",
        "static/style.html",
    ]
    assert [f.path for f in files.static_files()] == ["static/style.html"]
    (folder / "page.html").write_text("<p>{{ city }}：改稿</p>", encoding="utf-8")
    env = make_environment(files)
    assert env.get_template("page.html").render(city="漳州") == "<p>漳州：初稿</p>"
    assert env.get_template("partials//foot.html").render() == "<footer>共用</footer>"
    with pytest.raises(UnicodeDecodeError, match=r"notes\.html"):
        env.get_template("notes.html")
    with pytest.raises(TemplateNotFound, match=r"gone\.html.* not found in .*templates"):
        env.get_template("gone.html")
    # The digest covers names and bytes, through the linked folder.
    again = read_templates(folder)
    assert again.digest != files.digest
    (folder / "page.html").write_text("<p>{{ city }}：初稿</p>", encoding="utf-8")
    assert read_templates(folder).digest == files.digest
    (shared / "foot.html").write_text("<footer>改</footer>", encoding="utf-8")
    assert read_templates(folder).digest != files.digest


def test_every_name_a_linked_folder_is_reached_by_is_read(tmp_path: Path) -> None:
    """Two links to one folder, at different depths: Jinja loads through both, so
    both are read; only a link back to a folder above is left out."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "foot.html").write_text("<footer>共用</footer>", encoding="utf-8")
    folder = tmp_path / "templates"
    (folder / "b").mkdir(parents=True)
    (folder / "a").symlink_to(shared, target_is_directory=True)
    (folder / "b" / "c").symlink_to(shared, target_is_directory=True)
    (folder / "b" / "up").symlink_to(folder / "b", target_is_directory=True)
    files = read_templates(folder)
    assert sorted(files.files) == ["a/foot.html", "b/c/foot.html"]
    env = make_environment(files)
    assert env.get_template("b/c/foot.html").render() == "<footer>共用</footer>"
    # Where the folder is does not count, only what is in it.
    moved = tmp_path / "elsewhere"
    folder.rename(moved)
    assert read_templates(moved).digest == files.digest
