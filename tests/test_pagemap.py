from __future__ import annotations

import dataclasses

from policybriefs.cache import digest
from policybriefs.models import PageSpec
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


def test_a_page_is_keyed_by_the_build_and_keeps_every_other_field() -> None:
    page = _every_field_set("a1" * 16)
    (keyed,) = keyed_by_build([page], "build-1")
    assert keyed == dataclasses.replace(page, key=digest("build-1", page.key)[:32])
    assert len(keyed.key) == 32
    for field in dataclasses.fields(PageSpec):
        if field.name != "key":
            assert getattr(keyed, field.name) is getattr(page, field.name), field.name


def test_another_build_key_gives_other_keys_and_unkeyed_pages_stay_unkeyed() -> None:
    pages = [_every_field_set("a1" * 16), _every_field_set("")]
    first, second = keyed_by_build(pages, "build-1"), keyed_by_build(pages, "build-2")
    assert first[0].key != second[0].key
    assert first[1] is pages[1] and second[1] is pages[1]
