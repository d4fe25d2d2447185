"""Python's cyclic garbage collector, paused while a pass makes tens of thousands of objects.

A collection starts after every few hundred new objects that outlive their creation, and the
oldest generation's goes over everything alive: while a book's mentions, nodes and entities
are made it ran again and again over the growing lists, about a tenth of a book's pass.
What a pass makes is freed by reference counting; cycles are rare and collected later.
Threads may pause it at once (the reader derives on one while another loads): the collector
comes back when the last of them is done, and only if it was running before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (nor in other threads meanwhile)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def pausing(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """``function`` run with collection `paused`."""

    @wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with paused():
            return function(*args, **kwargs)

    return run


def enable() -> None:
    """Turn collection on, now or, if a block has it paused, when the last block ends."""
    global _resume
    with _lock:
        if _pauses:
            _resume = True
        else:
            gc.enable()
