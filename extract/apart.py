"""The document-level pass and grouping of a long text in a process of their own.

A book's pass takes most of a second of pure Python. Run on a thread of the reader, it holds
the interpreter's lock while the screen waits for it: every key and frame in that time
takes twice as long or more. Run here, in one worker process kept for the reader's life, it
takes a core of its own and the reader's thread stays free. Mentions go over as columns of
numbers and a table of labels, and the entities come back the same way (`extract.packed.pack`),
so neither side spends long turning them into bytes and back.

Used for long texts (`APART_TEXT`) and texts with many mentions (`APART_FROM`): for a short
text starting the process and sending the text would cost more than the pass.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from extract.categories import configure, label_mapping
from extract.edits import Correction
from extract.model import Mention, MentionSource, many_mentions
from extract.packed import KeptView, pack, unpack

APART_FROM = 4000
"""Model mentions from which the pass runs in its own process."""

APART_TEXT = 200_000
"""Characters from which a text's pass runs in its own process however few its mentions: the
pass looks for every name it is sure of across the whole text (a book's first thousand
mentions take a third of a second)."""

STARTING = 60.0
"""Seconds the worker may take to start before the pass is run here instead."""

_lock = threading.Lock()
_pools: list[ProcessPoolExecutor] = []
_warming: list[threading.Thread] = []
_stopped: list[threading.Event] = []
"""Set when the worker is stopped: the thread that started it may end then (`warm_soon`)."""
_failed: list[str] = []
"""Why the worker could not be started: it is not tried again."""


class Unavailable(Exception):
    """The worker process could not be started or died: run the pass here instead."""


def warm() -> None:
    """Start the worker now (it takes a few tenths of a second), so that the first pass sent
    to it does not wait for it."""
    with contextlib.suppress(Unavailable):
        _pool()


def wanted(length: int, mentions: int) -> bool:
    """Whether the pass over a text of ``length`` characters and so many model mentions is
    worth a process of its own."""
    return length >= APART_TEXT or mentions >= APART_FROM


def warm_soon(mentions: int, length: int = 0) -> None:
    """Start the worker in the background once a text is long or has half the mentions that
    send its pass there: the next passes will need it."""
    soon = length >= APART_TEXT or mentions >= APART_FROM // 2
    if soon and not _pools and not _failed and not _warming:
        _stopped.append(threading.Event())
        starting = threading.Thread(
            target=_warm_and_stay, args=(_stopped[-1],), name="pass-process", daemon=True
        )
        _warming.append(starting)
        starting.start()


def _warm_and_stay(stopped: threading.Event) -> None:
    """`warm`, then stay until the worker is stopped. The worker ends when the thread that
    started it ends (`stop_with_parent`: for the kernel a process's parent is that thread),
    so a thread that ended once the worker was up would take it down with it."""
    try:
        _pool()
    except Unavailable:
        return
    stopped.wait()
    if _pools and not _warming:  # stopped while it started: it would end with this thread
        stop()


def apply_apart(
    text: str,
    mentions: Sequence[Mention],
    corrections: Sequence[Correction],
    *,
    document_pass: bool,
    lang: str,
) -> tuple[KeptView, list[Correction]]:
    """`extract.corrections.apply` run in the worker process: the entities (with their
    mentions in text order, see `extract.packed.unpack`) and the corrections that could not be
    placed. Raises `Unavailable` when there is no worker (the caller runs the pass itself);
    an error of the pass itself is raised as it is."""
    columns = _columns(mentions)
    mapping = label_mapping()
    try:
        future = _pool().submit(
            _apply_columns, text, columns, list(corrections), document_pass, lang, mapping
        )
        data = future.result()
    except (BrokenProcessPool, OSError, EOFError, CancelledError) as error:
        stop()  # a worker that died: the next pass starts another
        raise Unavailable(str(error)) from error
    kept = unpack(data, "", text)
    wanted = set(kept.unplaced)
    return kept, [c for c in corrections if c.id in wanted]


def _pool() -> ProcessPoolExecutor:
    import multiprocessing

    from extract.recognizer import real_standard_streams

    with _lock:
        if _failed:
            raise Unavailable(_failed[0])
        if not _pools:
            try:
                with real_standard_streams():
                    pool = ProcessPoolExecutor(
                        1,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=_start,
                        initargs=(os.getpid(),),
                    )
                    pool.submit(int).result(STARTING)  # started, its modules imported
            except (BrokenProcessPool, OSError, EOFError, TimeoutError) as error:
                _failed.append(str(error) or type(error).__name__)
                raise Unavailable(_failed[0]) from error
            _pools.append(pool)
        return _pools[0]


@atexit.register
def stop() -> None:
    """End the worker now, whatever it is doing (a reader closing must not wait for a pass
    nobody will see)."""
    from extract.recognizer import stop_pool

    with _lock:
        _warming.clear()
        while _stopped:
            _stopped.pop().set()
        while _pools:
            stop_pool(_pools.pop())


def _start(parent: int) -> None:
    from extract.recognizer import stop_with_parent

    stop_with_parent(parent)
    # Ctrl+C reaches the whole process group: the reader alone answers it.
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The pass's modules, imported now rather than on the first pass.
    import extract.applying
    import extract.corrections  # noqa: F401


def _columns(mentions: Sequence[Mention]) -> dict[str, Any]:
    labels = sorted({m.label for m in mentions} | {m.model_label for m in mentions})
    number = {label: position for position, label in enumerate(labels)}
    return {
        "labels": labels,
        "starts": [m.start for m in mentions],
        "ends": [m.end for m in mentions],
        "label": [number[m.label] for m in mentions],
        "model_label": [number[m.model_label] for m in mentions],
        "user": [i for i, m in enumerate(mentions) if m.source == "user"],
    }


def _mentions(columns: dict[str, Any], text: str) -> list[Mention]:
    labels: list[str] = columns["labels"]
    starts: list[int] = columns["starts"]
    sources: list[MentionSource] = ["model"] * len(starts)
    for position in columns["user"]:
        sources[position] = "user"
    return many_mentions(
        starts,
        columns["ends"],
        map(labels.__getitem__, columns["label"]),
        map(text.__getitem__, map(slice, starts, columns["ends"])),
        sources,
        map(labels.__getitem__, columns["model_label"]),
    )


def _apply_columns(
    text: str,
    columns: dict[str, Any],
    corrections: list[Correction],
    document_pass: bool,
    lang: str,
    mapping: dict[str, str],
) -> dict[str, Any]:
    """In the worker: the pass over the mentions sent, under the reader's label mapping."""
    from extract.corrections import apply

    if label_mapping() != mapping:
        configure(mapping)  # keys are their own section names
    applied = apply(
        text, _mentions(columns, text), corrections, document_pass=document_pass, lang=lang
    )
    return pack(applied.entities, "", len(text), [c.id for c in applied.unplaced])
