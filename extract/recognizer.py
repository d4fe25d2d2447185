"""The seam between entity-reader and a named-entity engine: recognisers and executors.

A `Recognizer` finds entities in texts; an `Executor` runs it over batches of texts, here in
this process or in a local pool of worker processes. `extract.annotator.Annotator` cuts a
document into chunks and feeds them through both, so any engine gets streaming, the visible
region first, caching and cancellation for nothing. spaCy's is `extract.ner.SpacyRecognizer`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from typing import Protocol

Found = tuple[int, int, str]
"""An entity in one text: (start, end, label), character offsets into that text, end exclusive."""

Results = Generator[list[list[Found]], None, None]
"""What an executor yields: the entities of each text of each batch, batch by batch."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What found the entities: recorded in exports, and part of the cache key."""

    name: str
    version: str
    location: str
    """Where the engine loads from (for spaCy: a package name or a folder)."""
    settings: str = ""
    """Anything else that changes what it finds (a results cache is kept per settings)."""


class Recognizer(Protocol):
    """Finds named entities in texts.

    To run in worker processes it must pickle: keep what is heavy (a loaded model) out of
    its pickled state and load it on first use.
    """

    @property
    def info(self) -> ModelInfo:
        """The model, its version and settings."""
        ...

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        """The entities of each text, in order."""
        ...


class Executor(Protocol):
    """Runs a recogniser over batches of texts."""

    def run(self, recognizer: Recognizer, batches: Iterable[Sequence[str]]) -> Results:
        """The results of each batch, in the order of the batches. Batches are taken from
        ``batches`` only as the work needs them (never all at once), so whoever makes them
        may choose each one late. Closing the iterator stops the work (what is running is
        abandoned)."""
        ...


class InProcess:
    """Runs the recogniser in the calling thread, one batch at a time."""

    def run(self, recognizer: Recognizer, batches: Iterable[Sequence[str]]) -> Results:
        for texts in batches:
            yield recognizer.recognise(texts)


class ProcessPool:
    """Runs the recogniser in ``jobs`` spawned worker processes on this machine.

    Workers run niced (the process that shows the text keeps the CPU it needs), never print
    (their output may be a terminal a reader is drawing on), and end with the process that
    started them, however it ends. One batch more than there are workers is handed out at a
    time, so every worker stays busy and the next batch is taken only when one comes back.
    """

    def __init__(self, jobs: int, *, nice: int = 5) -> None:
        if jobs < 1:
            raise ValueError("a process pool needs at least one worker")
        self.jobs = jobs
        self.nice = nice

    def run(self, recognizer: Recognizer, batches: Iterable[Sequence[str]]) -> Results:
        context = multiprocessing.get_context("spawn")
        with _real_standard_streams():
            pool = context.Pool(
                self.jobs,
                initializer=_worker_start,
                initargs=(recognizer, self.nice, os.getpid()),
            )
        try:
            source = iter(batches)
            running: deque[AsyncResult[list[list[Found]]]] = deque()
            while True:
                while len(running) <= self.jobs:
                    texts = next(source, None)
                    if texts is None:
                        break
                    running.append(pool.apply_async(_worker_run, (texts,)))
                if not running:
                    break
                yield running.popleft().get()
            pool.close()
        finally:
            pool.terminate()
            pool.join()


_worker_recognizer: Recognizer | None = None


def stop_with_parent(parent: int) -> None:
    """End this worker process as soon as ``parent``, the process that started it, ends,
    however it ends (a killed reader must not leave workers annotating for nobody).

    ``parent`` comes from the parent itself: read here, after the worker's start-up, it could
    already be whatever process adopted the orphan."""
    with contextlib.suppress(Exception):  # Linux only: the kernel signals us when it goes
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)  # it went before the signal was asked for

    def watch() -> None:  # elsewhere, and as a fallback: the parent's pid changes
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="stop-with-parent", daemon=True).start()


def _worker_start(recognizer: Recognizer, nice: int, parent: int) -> None:
    global _worker_recognizer
    stop_with_parent(parent)
    _silence_output()
    with contextlib.suppress(OSError):
        os.nice(nice)
    # Nothing here may fail: a failing initializer makes the pool respawn workers forever.
    # A model that cannot load raises from the first batch instead.
    _worker_recognizer = recognizer


def _worker_run(texts: Sequence[str]) -> list[list[Found]]:
    assert _worker_recognizer is not None
    return _worker_recognizer.recognise(texts)


def _silence_output() -> None:
    """Point standard output and error of this process at nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, descriptor)
    os.close(devnull)


@contextlib.contextmanager
def _real_standard_streams() -> Iterator[None]:
    """Starting processes needs streams with real file descriptors (a TUI may replace them)."""
    saved = sys.stdout, sys.stderr
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            valid = stream is not None and stream.fileno() >= 0
        except (OSError, ValueError, AttributeError):
            valid = False
        if not valid:
            setattr(sys, name, getattr(sys, f"__{name}__") or open(os.devnull, "w"))  # noqa: SIM115
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
