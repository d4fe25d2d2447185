"""The seam between entity-reader and a named-entity engine: recognisers and executors.

A `Recognizer` finds entities in texts; an `Executor` runs it over batches of texts, here in
this process, in a local pool of worker processes, or on a Dask cluster
(`extract.dask_backend`). `extract.annotator.Annotator` cuts documents into chunks and feeds
them through both, so any engine gets streaming, the visible region first, batches across
documents, caching and cancellation for nothing. spaCy's is `extract.ner.SpacyRecognizer`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from extract.errors import ModelError

if TYPE_CHECKING:
    # Imported when a pool runs: the reader's first frame never needs them.
    from concurrent.futures import Future, ProcessPoolExecutor

Found = tuple[int, int, str]
"""An entity in one text: (start, end, label), character offsets into that text, end exclusive."""


@dataclass(frozen=True, slots=True)
class Lost:
    """In place of a text's entities: the worker process reading it died each time it tried
    (out of memory, killed), so the text has no result. The other texts go on."""

    reason: str = "the process reading it stopped unexpectedly (out of memory?)"


Outcome = list[Found] | Lost
"""What an executor gives for one text."""

Results = Generator[list[Outcome], None, None]
"""What an executor yields: the outcome of each text of each batch, batch by batch."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What found the entities: recorded in exports, and part of the cache key."""

    name: str
    version: str
    location: str
    """Where the engine loads from (for spaCy: a package name or a folder)."""
    settings: str = ""
    """Anything else that changes what it finds (a results cache is kept per settings)."""
    lang: str = "en"
    """The language of the texts it reads, as spaCy names it (``nlp.lang``: "en", "fr"):
    token-based exports use that language's tokenizer, and the document-level pass's
    English cues fire only for English."""


class Recognizer(Protocol):
    """Finds named entities in texts.

    To run in worker processes it must pickle: keep what is heavy (a loaded model) out of
    its pickled state and load it on first use. A recogniser may also have an
    ``installed() -> ModelInfo`` method, saying which model this process would load for it;
    executors on other machines (Dask) call it to refuse a worker with another model.
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
        may choose each one late, and a corpus is never read ahead whole; an empty batch is
        answered at once. Closing the iterator stops the work (what is running is
        abandoned). A text whose worker dies each time it is read is `Lost`."""
        ...


def check_installed(recognizer: Recognizer) -> None:
    """Raise `ModelError` when this process would load another model than ``recognizer``
    names (the recogniser's ``installed()``, where it has one, tells)."""
    installed = getattr(recognizer, "installed", None)
    if installed is None:
        return
    expected = recognizer.info
    here: ModelInfo = installed()
    if (here.name, here.version, here.settings) != (
        expected.name,
        expected.version,
        expected.settings,
    ):
        raise ModelError(
            f"a worker has {here.name} {here.version} ({here.settings}) where this computer "
            f"has {expected.name} {expected.version} ({expected.settings}): install the same "
            "model and spaCy on every worker"
        )


class InProcess:
    """Runs the recogniser in the calling thread, one batch at a time."""

    def run(self, recognizer: Recognizer, batches: Iterable[Sequence[str]]) -> Results:
        for texts in batches:
            yield list(recognizer.recognise(texts)) if texts else []


class Pending(Protocol):
    """A batch running somewhere: a `concurrent.futures.Future` or a Dask future."""

    def done(self) -> bool: ...

    def exception(self) -> BaseException | None: ...

    def result(self) -> list[Outcome]: ...


class _Done:
    """A finished future holding outcomes already known (a batch run again on its own)."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes

    def done(self) -> bool:
        return True

    def exception(self) -> BaseException | None:
        return None

    def result(self) -> list[Outcome]:
        return self.outcomes


def in_order(
    batches: Iterable[Sequence[str]],
    submit: Callable[[list[str]], Pending],
    wait_any: Callable[[list[Pending]], None],
    lost: Callable[[BaseException], bool],
    recover: Callable[[list[list[str]]], list[list[Outcome]]],
    window: int,
) -> Results:
    """Hand out ``window`` batches at a time, take the next from ``batches`` only when one is
    given back (so each is chosen late), and yield the results in order.

    ``submit`` starts a batch and returns its future (``done()``, ``exception()``,
    ``result()``); ``wait_any`` blocks until one of some futures is done. A batch whose
    future failed as ``lost`` says (its worker died) is handed, with every other batch lost
    with it, to ``recover``, which gives their outcomes.
    """
    source = iter(batches)
    pending: deque[tuple[list[str], Pending]] = deque()
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            try:
                texts = list(next(source))
            except StopIteration:
                exhausted = True
                break
            pending.append((texts, submit(texts) if texts else _Done([])))
        if not pending:
            return
        texts, future = pending[0]
        if not future.done():
            wait_any([future])  # nothing more is handed out before it comes back
            continue
        error = future.exception()
        if error is not None and lost(error):
            broken = [
                index
                for index, (_, other) in enumerate(pending)
                if other.done() and (failed := other.exception()) is not None and lost(failed)
            ]
            outcomes = recover([pending[index][0] for index in broken])
            for index, outcome in zip(broken, outcomes, strict=True):
                pending[index] = (pending[index][0], _Done(outcome))
            continue
        pending.popleft()
        yield future.result()


class ProcessPool:
    """Runs the recogniser in ``jobs`` spawned worker processes on this machine, each loading
    the model once and reading batch after batch.

    Workers run niced by ``nice`` (the process that shows the text keeps the CPU it needs;
    0 for a batch export), never print (their output may be a terminal a reader is drawing
    on), ignore ctrl+c (the parent answers it) and end with the process that started them,
    however it ends. ``ahead`` batches are handed out before their results are taken (by
    default one more than there are workers, so every worker stays busy and the next batch
    is chosen only when one comes back; a corpus export hands out more, so that one slow
    batch never leaves a worker idle). A worker that dies (killed, out of memory) is
    replaced: the batches it may have held run again one at a time, and a batch that kills
    its worker again runs text by text; a text that kills its worker on its own is `Lost`.
    """

    def __init__(self, jobs: int, *, nice: int = 5, ahead: int | None = None) -> None:
        if jobs < 1:
            raise ValueError("a process pool needs at least one worker")
        self.jobs = jobs
        self.nice = nice
        self.ahead = ahead if ahead is not None else jobs + 1

    def run(self, recognizer: Recognizer, batches: Iterable[Sequence[str]]) -> Results:
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        pools: list[ProcessPoolExecutor] = []

        def pool() -> ProcessPoolExecutor:
            if not pools:
                pools.append(
                    ProcessPoolExecutor(
                        self.jobs,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=_worker_start,
                        initargs=(recognizer, self.nice, os.getpid()),
                    )
                )
            return pools[0]

        def submit(texts: list[str]) -> Future[list[Outcome]]:
            try:
                with real_standard_streams():  # workers are started as batches are offered
                    return pool().submit(_worker_run, texts)
            except BrokenProcessPool as error:  # offered to a pool already broken
                failed: Future[list[Outcome]] = Future()
                failed.set_exception(error)
                return failed

        def alone(texts: list[str]) -> list[Outcome] | None:
            """The outcomes of one batch run on its own; None if its worker died."""
            try:
                return submit(texts).result()
            except BrokenProcessPool:
                stop_pool(pools.pop())
                return None

        def recover(lost: list[list[str]]) -> list[list[Outcome]]:
            if pools:
                stop_pool(pools.pop())
            recovered: list[list[Outcome]] = []
            for texts in lost:
                outcomes = alone(texts)
                if outcomes is None:
                    outcomes = [
                        found[0] if (found := alone([text])) is not None else Lost()
                        for text in texts
                    ]
                recovered.append(outcomes)
            return recovered

        def wait_any(futures: list[Pending]) -> None:
            wait(futures, return_when=FIRST_COMPLETED)  # type: ignore[arg-type]

        def broken(error: BaseException) -> bool:
            return isinstance(error, BrokenProcessPool)

        try:
            yield from in_order(batches, submit, wait_any, broken, recover, self.ahead)
        finally:
            while pools:
                stop_pool(pools.pop())


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now (shutting down would wait for the batches they are on)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # Taken before shutting down, which forgets it: the pool's own thread reaps the workers
    # too, and until it is done a worker it reaped may still look alive.
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(10)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(10)


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
    # Ctrl+C reaches the whole process group: the parent alone answers it, ending the pool.
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Nothing here may fail: a failing initializer breaks the pool. A model that cannot load
    # raises from the first batch instead.
    _worker_recognizer = recognizer


def _worker_run(texts: Sequence[str]) -> list[Outcome]:
    assert _worker_recognizer is not None
    return list(_worker_recognizer.recognise(texts))


def _silence_output() -> None:
    """Point standard output and error of this process at nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, descriptor)
    os.close(devnull)


@contextlib.contextmanager
def real_standard_streams() -> Iterator[None]:
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
