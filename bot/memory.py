"""After an index is built: hand freed memory back to the operating system, and keep the
garbage collector from walking the index again and again."""

import ctypes
import ctypes.util
import functools
import gc


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


def settle_after_build() -> None:
    """Call once an index is built and the temporaries of building it are gone.

    The index is hundreds of thousands of long-lived objects, and every full collection would
    walk them all again (a pause of about 100 ms at 100,000 entries): they are moved out of the
    collector's sight. Reference counting still frees them when the index is replaced.
    """
    gc.collect()
    gc.freeze()
    release_free_memory()

