"""`Annotator`: a document's mentions from any recogniser, streamed, the visible part first.

The text is cut into chunks (`extract.chunks`); each is read inside a window of its
neighbours and keeps the entities starting in its own span, so chunked entities equal
whole-text ones. Chunks go to the recogniser in groups through an executor (in this process,
or in worker processes for long texts); a complete run is cached by text, model and settings.
Each group is chosen only when the executor asks for it, from around the reader's `Focus`
at that moment: wherever the reader goes, what it sees is read next.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.cache import MentionCache, cache_key
from extract.chunks import CHUNK_CAP, CHUNKER_VERSION, CONTEXT, Chunk, chunks
from extract.model import Mention
from extract.recognizer import Executor, Found, InProcess, ModelInfo, ProcessPool, Recognizer

if TYPE_CHECKING:
    from spacy.language import Language

LONG_TEXT = 100_000
"""Texts at least this long are annotated in worker processes by default."""


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
        self.info = ModelInfo(engine.name, engine.version, engine.location, settings)
        self.jobs = capped_jobs(jobs)
        self.executor = executor
        self.cache = cache
        self.cap = cap
        self.context = context
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
                found = _own(text, group, result)
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


def _own(text: str, group: Sequence[Chunk], results: list[list[Found]]) -> tuple[Mention, ...]:
    """The mentions each chunk's window holds that start in the chunk's own span, with
    offsets into the whole text."""
    found: list[Mention] = []
    for chunk, entities in zip(group, results, strict=True):
        base = chunk.window_start
        for start, end, label in entities:
            absolute = base + start
            if chunk.start <= absolute < chunk.end:
                found.append(Mention(absolute, base + end, label, text[absolute : base + end]))
    return tuple(found)
