"""The build's long-lived heap, and the cyclic garbage collector.

A build at 10,000 briefs holds millions of objects until it ends: the briefs,
the catalog, the page list. A full collection walks every tracked object that
is not frozen, and the collector makes one whenever the objects that reached
its oldest generation since the last outnumber a quarter of those that
survived it: while the catalog and pages were made, at 10,000 briefs, ten of
them took 1.5-2 s and found nothing to free.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress


@contextmanager
def long_lived() -> Iterator[None]:
    """Make, inside, objects that live to the end of the build: no collection runs
    while they are made, and afterwards the whole heap is frozen (``gc.freeze``),
    so later collections pass it over. Whoever runs the stage unfreezes it:
    ``pipeline.build`` at its end, ``patch.patch_site`` when it returns.

    Everything alive is frozen, and with it any reference cycle dropped but not
    yet collected, made inside or before: such a cycle is freed at the earliest
    when the heap is unfrozen. So only for code that drops no cycles
    (``tests/test_heap.py`` checks the stages that use it)."""
    enabled = gc.isenabled()
    try:
        gc.disable()
        yield
    finally:
        if enabled:
            gc.enable()
    gc.freeze()


_M_ARENA_MAX = -8  # glibc's malloc.h


def one_malloc_arena() -> bool:
    """Ask glibc's malloc for one arena; whether it could be asked.

    glibc gives each thread that allocates an arena of its own, and keeps what
    it frees there for that thread. ``serve`` drafts and patches on the watcher's
    thread, brings the spare up to date on another and answers on more: at
    N = 10,000 its memory grew by 34 MiB over three saves, and stayed flat with
    one arena (``MALLOC_ARENA_MAX=1``). The threads take turns under the GIL,
    so they lose nothing by sharing one. Other C libraries have no such setting,
    and a ``MALLOC_ARENA_MAX`` the user set is left to stand."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # not glibc, or not a Unix
        return False
    return bool(mallopt(_M_ARENA_MAX, 1))


def return_freed_memory() -> None:
    """Hand the memory the C allocator holds free back to the system (glibc's
    ``malloc_trim``; elsewhere nothing is done). Called before any fork, and once
    the site's manifests are read.

    Reading ten thousand briefs from worker processes leaves their pickles' freed
    space scattered in the heap, resident for the rest of the build: at N = 10,000
    after a tool change, 34 of the main process's 424 MiB before rendering, which a
    forked renderer would start with too. Reading the site's manifests leaves 35 MiB
    (``cache.load_manifests``). Trimming takes milliseconds.
    """
    if sys.platform != "linux":
        return
    with suppress(OSError, AttributeError):  # not glibc: musl has no malloc_trim
        ctypes.CDLL(None).malloc_trim(0)
