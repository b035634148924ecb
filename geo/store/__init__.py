"""Keep the map layers as versioned tables, with checks and repair.

Importing the package chooses Arrow's allocator (:func:`choose_arrow_allocator`) unless
``ARROW_DEFAULT_MEMORY_POOL`` names one.
"""

from __future__ import annotations

import pyarrow as pa

from geo import settings

__all__ = ["choose_arrow_allocator"]


def choose_arrow_allocator() -> str:
    """Make Arrow's default pool jemalloc (else the C library's) unless the environment chose.

    Returns the name of the pool in use. Arrow's wheels default to mimalloc, which asks the
    kernel for transparent huge pages: where the kernel makes them on request (Debian's
    ``madvise``), the first reads of a process spent most of their time in the kernel.
    Reading the narrow columns of a million events took 1.1–1.5 s, 0.8–1.4 s of it system
    time, against 0.2–0.35 s with the C library's allocator or jemalloc; the first view of a
    million events 3.1 s (2.3–3.9 s) against 2.3 s for both. jemalloc also held the least
    memory after ten views (about 980 MB, against 1,120 MB for mimalloc and 1,250 MB for
    the C library's).
    """
    if settings.ARROW_POOL.value() is None:
        try:
            pool = pa.jemalloc_memory_pool()
        except NotImplementedError:  # a build of Arrow without it
            pool = pa.system_memory_pool()
        pa.set_memory_pool(pool)
    return str(pa.default_memory_pool().backend_name)


choose_arrow_allocator()
