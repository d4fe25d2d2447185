"""Timestamps of what the reader has drawn, for the first-paint benchmark (bench/first_paint.py),
and what is done once the first frame is drawn (`first_frame`).

Written only when ``$ENTITY_READER_FRAME_LOG`` names a file: one "EVENT UNIX-TIME" line each,
at most once per event. Costs nothing otherwise.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from extract import collector
from extract.collector import paused

FRAME_LOG = "ENTITY_READER_FRAME_LOG"
_written: set[str] = set()


def stamp(event: str) -> None:
    """Note that ``event`` ("first-frame", "entities", "done") is on screen now."""
    path = os.environ.get(FRAME_LOG)
    if not path or event in _written:
        return
    _written.add(event)
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{event} {time.time():.6f}\n")
    except OSError:
        pass  # a benchmark aid must never disturb the reader


def first_frame() -> None:
    """The reader's first screen is drawn: note it, and hand what starting made to the
    collector's permanent generation. Textual, the text and its rows live as long as the
    reader; the command line keeps the collector off until now (`tui.cli.run_reader`), since
    passing over them again and again before the first frame only delays it."""
    stamp("first-frame")
    gc.freeze()
    collector.enable()


@contextmanager
def uncollected() -> Iterator[None]:
    """No cyclic garbage collection while a view is made: its tens of thousands of mentions
    would set off a collection every few hundred, each going over the growing lists again.
    What was made is then frozen (see `DocumentScreen._take`), so the next collections do not
    go over it either; a view is mostly free of cycles, and freed by its references anyway."""
    with paused():
        try:
            yield
        finally:
            gc.freeze()
