"""`Annotator`: a document's mentions from any recogniser, streamed, the visible part first;
or the mentions of many documents, read together in batches that run across their boundaries.

The text is cut into chunks (`extract.chunks`); each is read inside a window of its
neighbours and keeps the entities starting in its own span, so chunked entities equal
whole-text ones. Chunks go to the recogniser in groups through an executor (in this process,
in worker processes, or on a Dask cluster); a complete run is cached by text, model and
settings. For one document, each group is chosen only when the executor asks for it, from
around the reader's `Focus` at that moment: wherever the reader goes, what it sees is read next.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from extract.cache import MentionCache, cache_key
from extract.chunks import CHUNK_CAP, CHUNKER_VERSION, CONTEXT, Chunk, chunks
from extract.errors import EntityReaderError
from extract.model import Mention
from extract.recognizer import (
    Executor,
    InProcess,
    Lost,
    ModelInfo,
    Outcome,
    ProcessPool,
    Recognizer,
)

if TYPE_CHECKING:
    from spacy.language import Language

LONG_TEXT = 100_000
"""Texts at least this long are annotated in worker processes by default."""

BATCH_CHARS = 30_000
"""Characters of text per batch when many documents are read together: small enough that the
last batches of a run keep every worker busy, large enough that a batch costs far more than
sending it."""

FLUSH_EVERY = 32
"""When many documents are read, the documents taken since the last batch are let through after
this many, even if the batch is not full (documents found in the cache need no batch)."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Batch:
    """Mentions found in one stretch of annotation, and how far the whole run has come."""

    mentions: tuple[Mention, ...]
    done: int
    total: int
    cached: bool = False


Span = tuple[int, int]

FIRST_CHARS = 4_000
"""Characters of the first group read after the focus moves: the visible part, soon shown."""


class Focus:
    """Where the reader is looking. The annotator reads the chunks there before any other
    and looks again before each group, so moving it (from any thread) re-prioritises the run."""

    def __init__(self, span: Span | None = None) -> None:
        self.span = span
        """Offsets of the region to read first (None: the text in order)."""

    def move(self, span: Span) -> None:
        """Read around ``span`` next."""
        self.span = span  # one assignment: atomic, so no lock is needed


def region_first(all_chunks: Sequence[Chunk], first: Span | None) -> list[Chunk]:
    """Chunks touching ``first`` (start, end), then those after it, then those before."""
    if first is None:
        return list(all_chunks)
    start, end = first
    inside = [c for c in all_chunks if c.end > start and c.start < end]
    after = [c for c in all_chunks if c.start >= end]
    before = [c for c in all_chunks if c.end <= start]
    return inside + after + before


class _Plan:
    """The chunks still to read, handed out a group at a time from around the focus: a small
    group (the visible part) whenever the focus has moved, larger ones after it. A group is
    a run of neighbouring chunks, so it never reaches far from where it starts."""

    def __init__(self, all_chunks: Sequence[Chunk], focus: Focus, chars: int) -> None:
        self.left = list(all_chunks)
        self.focus = focus
        self.chars = chars
        self._place = {id(chunk): number for number, chunk in enumerate(all_chunks)}
        self._seen: Span | bool | None = False
        """The focus the last group was chosen for (False before the first)."""

    def take(self) -> list[Chunk] | None:
        """The next group, or None when every chunk has been handed out."""
        if not self.left:
            return None
        span = self.focus.span
        limit = FIRST_CHARS if span != self._seen else self.chars
        self._seen = span
        group: list[Chunk] = []
        size = 0
        for chunk in region_first(self.left, span):
            if group and (
                size >= limit or self._place[id(chunk)] != self._place[id(group[-1])] + 1
            ):
                break
            group.append(chunk)
            size += chunk.end - chunk.start
        taken = {id(chunk) for chunk in group}
        self.left = [chunk for chunk in self.left if id(chunk) not in taken]
        return group


def usable_cores() -> int:
    """The processor cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def capped_jobs(jobs: int | None) -> int | None:
    """``jobs`` worker processes, but never more than the cores (more only compete for them)."""
    return None if jobs is None else min(jobs, usable_cores())


def default_jobs(text_length: int) -> int:
    """Both cores (at most two workers) for long texts; in-process for short ones."""
    if text_length < LONG_TEXT:
        return 0
    return max(1, min(2, usable_cores()))


class Annotator:
    """Runs a recogniser over documents, streaming mentions and caching complete runs."""

    def __init__(
        self,
        model: str | None = None,
        *,
        jobs: int | None = None,
        cache: MentionCache | None = None,
        cap: int = CHUNK_CAP,
        context: int = CONTEXT,
        pipeline: Language | None = None,
        recognizer: Recognizer | None = None,
        executor: Executor | None = None,
    ) -> None:
        """The recogniser is spaCy's for ``model`` (resolved now, loaded on first use; a
        ``pipeline`` already loaded for it is used as it is) unless one is given. ``jobs``
        worker processes run it (0: in this process; None: by the text's length) unless an
        ``executor`` is given."""
        if recognizer is None:
            from extract.ner import SpacyRecognizer

            recognizer = SpacyRecognizer.for_model(model, pipeline)
        self.recognizer = recognizer
        engine = recognizer.info
        settings = f"chunks={CHUNKER_VERSION}/{cap}/{context};{engine.settings}"
        self.info = ModelInfo(engine.name, engine.version, engine.location, settings, engine.lang)
        self.jobs = capped_jobs(jobs)
        self.executor = executor
        self.cache = cache
        self.cap = cap
        self.context = context
        self.batch_chars = BATCH_CHARS
        """Characters per batch in `annotate_many`."""
        self.document_pass = True
        """The model's mentions go through the document-level pass (see extract.document_pass)."""

    def key(self, text_sha256: str) -> str:
        """The cache key of a text for this model and these settings."""
        return cache_key(text_sha256, self.info.name, self.info.version, self.info.settings)

    def cached(self, text: str, text_sha256: str) -> list[Mention] | None:
        """Mentions of a previous complete run over this text, if stored; never loads a model."""
        if self.cache is None:
            return None
        return self.cache.get(self.key(text_sha256), text)

    def executor_for(self, text_length: int) -> Executor:
        """The executor given, else worker processes for ``jobs`` (or a long text)."""
        if self.executor is not None:
            return self.executor
        jobs = self.jobs if self.jobs is not None else default_jobs(text_length)
        return ProcessPool(jobs) if jobs > 0 else InProcess()

    def annotate(
        self,
        text: str,
        text_sha256: str | None = None,
        *,
        first: Span | Focus | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """Yield mentions batch by batch, the ``first`` region before the rest (a `Focus`
        moved while the run goes on brings its new region forward).

        A complete run is stored in the cache; a cached text yields one batch without
        loading the model. Setting ``cancel`` stops the run between batches.
        """
        sha = text_sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        total = len(text)
        stored = self.cached(text, sha)
        if stored is not None:
            yield Batch(tuple(stored), total, total, cached=True)
            return
        focus = first if isinstance(first, Focus) else Focus(first)
        executor = self.executor_for(total)
        pooled = not isinstance(executor, InProcess)
        plan = _Plan(chunks(text, self.cap, self.context), focus, 60_000 if pooled else 20_000)
        handed: deque[list[Chunk]] = deque()
        """Groups given to the executor whose results have not come back, in order."""

        def windows() -> Iterator[list[str]]:
            # Run when the executor asks for more work, so each group is chosen late.
            while not (cancel is not None and cancel.is_set()):
                group = plan.take()
                if group is None:
                    return
                handed.append(group)
                yield [text[c.window_start : c.window_end] for c in group]

        results = executor.run(self.recognizer, windows())
        collected: list[Mention] = []
        done = 0
        try:
            while True:
                # Checked before asking for the next result, so a cancelled in-process run
                # does not annotate one more group first.
                if cancel is not None and cancel.is_set():
                    return
                result = next(results, None)
                if result is None:
                    break
                group = handed.popleft()
                found = _own(text, group, _found(result))
                done += sum(c.end - c.start for c in group)
                collected.extend(found)
                yield Batch(found, done if done < total else total, total)
        finally:
            results.close()
        if cancel is not None and cancel.is_set():
            return
        if done < total or not done:
            yield Batch((), total, total)  # what is left is whitespace between paragraphs
        if self.cache is not None:
            collected.sort()
            self.cache.put(self.key(sha), collected)

    def annotate_many(
        self, items: Iterable[T], text_of: Callable[[T], tuple[str, str] | None]
    ) -> Iterator[tuple[T, tuple[Mention, ...] | Lost | None]]:
        """The mentions of many documents, in their order: each item with its mentions
        (sorted), `Lost` if a worker died on part of it each time, or None when ``text_of``
        gives it no (text, sha256) to read.

        Items are taken from ``items`` only as the executor has room for their text. The
        chunks of every document go into batches of about `batch_chars` characters that run
        across document boundaries, so every worker stays busy however short the documents
        are (a batch per document would leave workers idle, and one per worker would load the
        model again and again). A document found in the cache needs no model; a complete
        run of a document is cached.
        """
        queue: deque[_Reading[T]] = deque()
        plans: deque[list[tuple[_Reading[T], int]]] = deque()

        def batches() -> Iterator[list[str]]:
            texts: list[str] = []
            plan: list[tuple[_Reading[T], int]] = []
            size = taken = 0
            for item in items:
                reading = _Reading(item)
                queue.append(reading)
                taken += 1
                got = text_of(item)
                if got is not None:
                    reading.text, reading.sha = got
                    stored = self.cached(*got)
                    if stored is not None:
                        reading.found = tuple(stored)
                    else:
                        reading.chunks = chunks(reading.text, self.cap, self.context)
                        reading.outcomes = [[] for _ in reading.chunks]
                        reading.waiting = len(reading.chunks)
                    for index, chunk in enumerate(reading.chunks):
                        texts.append(reading.text[chunk.window_start : chunk.window_end])
                        plan.append((reading, index))
                        size += chunk.window_end - chunk.window_start
                        if size >= self.batch_chars:
                            plans.append(plan)
                            yield texts
                            texts, plan, size, taken = [], [], 0, 0
                if taken >= FLUSH_EVERY:
                    plans.append(plan)
                    yield texts  # perhaps empty: it lets the documents taken go through
                    texts, plan, size, taken = [], [], 0, 0
            if texts or taken:
                plans.append(plan)
                yield texts

        results = self.executor_for(LONG_TEXT).run(self.recognizer, batches())
        try:
            for outcomes in results:
                for (reading, index), outcome in zip(plans.popleft(), outcomes, strict=True):
                    reading.outcomes[index] = outcome
                    reading.waiting -= 1
                while queue and queue[0].waiting == 0:
                    reading = queue.popleft()
                    yield reading.item, self._finished(reading)
        finally:
            results.close()
        while queue:  # taken after the last batch: none of them waits for the model
            reading = queue.popleft()
            yield reading.item, self._finished(reading)

    def _finished(self, reading: _Reading[T]) -> tuple[Mention, ...] | Lost | None:
        """What `annotate_many` gives for a document whose every chunk is back."""
        if reading.found is not None:
            return reading.found
        if not reading.sha:
            return None
        lost = next((o for o in reading.outcomes if isinstance(o, Lost)), None)
        if lost is not None:
            return lost
        found = sorted(_own(reading.text, reading.chunks, _found(reading.outcomes)))
        if self.cache is not None:
            self.cache.put(self.key(reading.sha), found)
        return tuple(found)


@dataclass(eq=False)
class _Reading(Generic[T]):
    """A document of `Annotator.annotate_many` on its way through the executor."""

    item: T
    text: str = ""
    sha: str = ""
    chunks: list[Chunk] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    """Per chunk, what the executor gave for its window."""
    waiting: int = 0
    """Chunks whose outcome has not come back yet."""
    found: tuple[Mention, ...] | None = None
    """The mentions, when known without the model (the cache)."""


def _found(outcomes: list[Outcome]) -> list[list[tuple[int, int, str]]]:
    """The entities of each text of a batch; a text whose worker died raises."""
    found = []
    for outcome in outcomes:
        if isinstance(outcome, Lost):
            raise EntityReaderError(f"annotation stopped: {outcome.reason}")
        found.append(outcome)
    return found


def _own(
    text: str, group: Sequence[Chunk], results: Sequence[Sequence[tuple[int, int, str]]]
) -> tuple[Mention, ...]:
    """The mentions each chunk's window holds that start in the chunk's own span, with
    offsets into the whole text."""
    found: list[Mention] = []
    for chunk, entities in zip(group, results, strict=True):
        base = chunk.window_start
        for start, end, label in entities:
            absolute = base + start
            if chunk.start <= absolute < chunk.end:
                written = text[absolute : base + end]
                found.append(Mention(absolute, base + end, label, written, "model", label))
    return tuple(found)
