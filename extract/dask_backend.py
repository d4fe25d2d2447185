"""The recogniser on a Dask cluster: `DaskExecutor`, and `dask_client` to reach one.

Dask (its ``distributed`` scheduler) is the optional extra ``entity-reader[dask]``; nothing here
imports it until a cluster is asked for. Batches of texts go to the workers as tasks, at most
four per worker thread ahead of the results; each worker loads the model once (the first task
it runs loads it and keeps it for the next) after checking that it has the model the client
asked for, and sends back compact records: offsets and labels, never spaCy objects. A worker
lost mid-batch is Dask's to retry: the scheduler runs the batch again elsewhere, and the
client takes each batch's result exactly once, so no text is lost or read twice.
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from extract.errors import EntityReaderError
from extract.formats.markup import quiet
from extract.recognizer import (
    Lost,
    ModelInfo,
    Outcome,
    Pending,
    Recognizer,
    Results,
    _silence_output,
    check_installed,
    in_order,
)

if TYPE_CHECKING:
    from distributed import Client

INSTALL_HINT = "pip install 'entity-reader[dask]'"

CONNECT_TIMEOUT = 10.0
"""Seconds a scheduler has to answer, and a cluster to have a worker."""

_LOADED: dict[ModelInfo, Recognizer] = {}
"""In a worker process: the recogniser of each model it has read with, loaded once."""


def recognise_on_worker(
    recognizer: Recognizer, texts: Sequence[str], quiet: bool = False
) -> list[Outcome]:
    """Run on a Dask worker: the entities of each text, as plain (start, end, label) lists.

    The first batch of a model in a worker process checks the model installed there against
    the one the client named (a mismatch raises `ModelError`) and keeps the recogniser, so
    its model is loaded once per worker and reused by every later batch. ``quiet`` (a
    cluster this computer started) points the worker's output at nothing: its streams are
    the terminal the command prints its progress on.
    """
    loaded = _LOADED.get(recognizer.info)
    if loaded is None:
        check_installed(recognizer)
        if quiet and not _LOADED:
            _silence_output()
        loaded = _LOADED.setdefault(recognizer.info, recognizer)
    return [list(found) for found in loaded.recognise(texts)]


def _distributed() -> Any:
    """Dask's distributed scheduler, or the one-line reason it cannot be had."""
    try:
        import distributed
    except ImportError:
        raise EntityReaderError(
            f"--backend dask needs Dask's distributed scheduler: {INSTALL_HINT}"
        ) from None
    return distributed


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[Client]:
    """A client of the Dask scheduler at ``scheduler`` (``tcp://HOST:PORT``), or of a
    `LocalCluster` started here with ``workers`` processes of one thread each (default: one
    per core) and closed on leaving. A scheduler that does not answer within ``timeout``
    seconds, or has no worker by then, is one error line."""
    distributed = _distributed()
    # Dask's log lines and warnings (ports taken, versions differing) are kept off the
    # terminal: the command says what matters in its own lines.
    with quiet("distributed"):
        if scheduler is None:
            from extract.annotator import usable_cores

            cluster = distributed.LocalCluster(
                n_workers=workers or usable_cores(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
            try:
                with distributed.Client(cluster) as client:
                    yield client
            finally:
                cluster.close()
            return
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as error:
            detail = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise EntityReaderError(
                f"the Dask scheduler at {scheduler} did not answer within {timeout:g} s ({detail})"
            ) from None
        with client:
            try:
                client.wait_for_workers(1, timeout=timeout)
            except (OSError, TimeoutError):
                raise EntityReaderError(
                    f"the Dask cluster at {scheduler} has no workers (waited {timeout:g} s)"
                ) from None
            yield client


class DaskExecutor:
    """Runs the recogniser on the workers of a Dask cluster, batch by batch, in order."""

    def __init__(self, client: Client, *, quiet: bool = False) -> None:
        """``quiet``: the workers were started here (a `LocalCluster`) and print on this
        terminal; their output is pointed at nothing."""
        self.client = client
        self.quiet = quiet

    def run(self, recognizer: Recognizer, batches: Iterable[Sequence[str]]) -> Results:
        distributed = _distributed()
        from distributed.scheduler import KilledWorker

        client: Any = self.client  # distributed's methods are not all typed
        quiet = self.quiet
        threads = sum(client.nthreads().values())
        running: weakref.WeakSet[Any] = weakref.WeakSet()

        def submit(texts: list[str]) -> Pending:
            future: Pending = client.submit(
                recognise_on_worker, recognizer, texts, quiet, pure=False
            )
            running.add(future)
            return future

        def wait_any(futures: list[Pending]) -> None:
            distributed.wait(futures, return_when="FIRST_COMPLETED")

        def killed(error: BaseException) -> bool:
            return isinstance(error, KilledWorker)

        def recover(lost: list[list[str]]) -> list[list[Outcome]]:
            """Batches Dask gave up on (their workers died again and again): each text
            alone, one after another (a text that kills workers must not take the tasks
            beside it down with it), so only a text that kills every worker it meets is
            `Lost`."""
            recovered: list[list[Outcome]] = []
            for texts in lost:
                outcomes: list[Outcome] = []
                for text in texts:
                    try:
                        outcomes.append(submit([text]).result()[0])
                    except KilledWorker:
                        outcomes.append(Lost())
                recovered.append(outcomes)
            return recovered

        try:
            yield from in_order(batches, submit, wait_any, killed, recover, 4 * max(1, threads))
        finally:
            unfinished = [future for future in running if not future.done()]
            if unfinished:
                with contextlib.suppress(Exception):
                    client.cancel(unfinished)


__all__ = ["CONNECT_TIMEOUT", "INSTALL_HINT", "DaskExecutor", "dask_client", "recognise_on_worker"]
