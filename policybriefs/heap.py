"""The build's long-lived heap, and the cyclic garbage collector.

A build at 10,000 briefs holds millions of objects until it ends: the briefs,
the catalog, the page list. A full collection walks every tracked object that
is not frozen, and the collector runs one each time the objects made since the
last outgrow a quarter of those that survived it: while the catalog and pages
were made, at 10,000 briefs, ten of them took 1.5 s and found nothing to free.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Make, inside, objects that live to the end of the build: no collection runs
    while they are made, and afterwards they are frozen (``gc.freeze``), so later
    collections pass them over. The build unfreezes the heap at its end.

    Only for code that makes no reference cycles it then drops: a cycle made
    inside is frozen with the rest and freed at the earliest when the heap is
    unfrozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
