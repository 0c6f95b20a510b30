"""Hand memory that Python has freed back to the operating system."""

import ctypes
import ctypes.util
import functools


@functools.cache
def _trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return None


def release_free_memory() -> None:
    """Building an index frees many small temporaries; glibc keeps their pages in the process
    (a hundred MB and more at 100,000 entries) unless asked to return them."""
    trim = _trim()
    if trim is not None:
        trim(0)
