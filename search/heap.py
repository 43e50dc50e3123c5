"""Give back to the system the memory a retired generation freed (glibc ``malloc_trim``).

glibc keeps freed memory in its heaps for reuse; after a generation switch, the caches of
the generation retired (tens of MB: columns, encodings, vocabulary, autocomplete) stay
resident, spread over the arenas of the threads that built them, and a worker's RSS stays
at the high-water mark of the switch, when both generations were alive. ``trim_soon``
returns those free pages once the old generation is gone; on a C library without
``malloc_trim`` (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Callable

TRIM_DELAY_S = 1.0  # the retired generation's other values are freed right after its store


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_TRIM = _malloc_trim()
trims = 0  # trims done in this process (read by tests and debugging)


def trim() -> bool:
    """Return the free pages of the C heap to the system now; False where it is not possible."""
    global trims
    if _TRIM is None:
        return False
    _TRIM(0)
    trims += 1
    return True


def trim_soon() -> None:
    """``trim`` in ``TRIM_DELAY_S``, off the caller's thread (a finalizer, a request)."""
    timer = threading.Timer(TRIM_DELAY_S, trim)
    timer.daemon = True
    timer.start()
