"""Keep the map layers as versioned tables, with checks and repair.

Importing the package makes Arrow allocate through the C library's allocator
(:func:`use_system_allocator`) unless ``ARROW_DEFAULT_MEMORY_POOL`` names one.
"""

from __future__ import annotations

import pyarrow as pa

from geo import settings

__all__ = ["use_system_allocator"]


def use_system_allocator() -> str:
    """Make Arrow's default pool the C library's, unless the environment chose one; name it.

    Arrow's wheels default to mimalloc, which asks the kernel for transparent huge pages.
    Where the kernel makes them on request (Debian's default, ``madvise``), the first reads
    of a process spent most of their time in the kernel: reading the narrow columns of a
    million events took 1.1–1.5 s, 0.8–1.4 s of it system time, against 0.2–0.35 s with the
    C library's allocator, which reads as fast once the pages are there.
    """
    if settings.ARROW_POOL.value() is None:
        pa.set_memory_pool(pa.system_memory_pool())
    return str(pa.default_memory_pool().backend_name)


use_system_allocator()
