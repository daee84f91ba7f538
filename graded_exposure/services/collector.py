"""Pause Python's cyclic garbage collector around bulk work that makes no reference cycles.

A dispatch batch holds tens of thousands of rows, tuples and small objects until it ends; the
collector's generation passes kept walking all of them to find nothing (measured: a sixth of a
dispatch pass's CPU). Reference counting still frees everything as usual while it is paused;
any cycle made meanwhile is collected after it resumes.
"""
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Within the block, run no cyclic collection; resume after it unless it was already off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
