from __future__ import annotations

import dataclasses

from policybriefs.cache import digest
from policybriefs.models import PageSpec, TemplateKeys
from policybriefs.pagemap import keyed_by_build


def _every_field_set(key: str) -> PageSpec:
    values: dict[str, object] = {
        "path": "cities/xiamen.html",
        "template": "city.html",
        "context": {"city": "厦门"},
        "key": key,
        "full_brief": "f" * 64,
        "deferred": dict,
        "names": ("林某",),
    }
    # A field added to PageSpec must be set here, or re-keying could drop it unseen.
    assert set(values) == {field.name for field in dataclasses.fields(PageSpec)}
    return PageSpec(**values)  # type: ignore[arg-type]


TEMPLATES = TemplateKeys({"city.html": "city-templates"}, "every-template")


def test_a_page_is_keyed_by_the_build_and_its_templates_and_keeps_every_other_field() -> None:
    page = _every_field_set("a1" * 16)
    (keyed,) = keyed_by_build([page], "build-1", TEMPLATES)
    expected = digest("build-1", "city-templates", page.key)[:32]
    assert keyed == dataclasses.replace(page, key=expected)
    assert len(keyed.key) == 32
    for field in dataclasses.fields(PageSpec):
        if field.name != "key":
            assert getattr(keyed, field.name) is getattr(page, field.name), field.name


def test_another_build_key_gives_other_keys_and_unkeyed_pages_stay_unkeyed() -> None:
    pages = [_every_field_set("a1" * 16), _every_field_set("")]
    first = keyed_by_build(pages, "build-1", TEMPLATES)
    second = keyed_by_build(pages, "build-2", TEMPLATES)
    assert first[0].key != second[0].key
    assert first[1] is pages[1] and second[1] is pages[1]
    # Its templates changed, the page is keyed anew; another template's change leaves it.
    redrawn = TemplateKeys({"city.html": "city-templates, edited"}, "every-template")
    assert keyed_by_build(pages, "build-1", redrawn)[0].key != first[0].key
    elsewhere = TemplateKeys({**TEMPLATES.by_name, "brief.html": "x"}, "every-template, edited")
    assert keyed_by_build(pages, "build-1", elsewhere)[0].key == first[0].key
    # A template without a key of its own takes that of every template.
    unknown = [dataclasses.replace(pages[0], template="gone.html")]
    assert (
        keyed_by_build(unknown, "build-1", TEMPLATES)[0].key
        == (digest("build-1", "every-template", pages[0].key)[:32])
    )
