"""Cutting a text into pieces spaCy can take, each with its absolute offsets.

Chunks are runs of whole paragraphs up to a cap; a paragraph longer than the cap is cut at
sentence-like boundaries. Each chunk is annotated inside a window that reaches a little into
its neighbours, and keeps only entities that start in its own span, so the model sees the same
context at a cut as it would in the whole text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

CHUNK_CAP = 10_000
"""Longest chunk in characters: far under spaCy's max_length, small enough to stream."""

CONTEXT = 120
"""Characters of neighbouring text the model sees on each side of a chunk."""

CHUNKER_VERSION = 3
"""Bumped whenever the cuts change, so cached mentions made with other cuts are not reused."""

_LINE_END = r"(?:\r\n|\n|\r(?!\n))"
"""One line ending; a CR before an LF is part of it, never a line end of its own."""
# Compiled when first used (`_compiled`): the reader imports this module before its first
# frame, and cuts a text into chunks only after it.
_PARAGRAPH_BREAK = rf"{_LINE_END}[ \t\f\v\u00a0]*{_LINE_END}\s*"
_SENTENCE_END = r"[.!?…。！？][\"'”’»)\]]*\s+"
_WHITESPACE = r"\s+"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """One of the patterns above, compiled once."""
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class Chunk:
    """``text[start:end]`` is the chunk's own span; ``text[window_start:window_end]`` is read."""

    start: int
    end: int
    window_start: int
    window_end: int


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the text between blank lines, surrounding whitespace left out."""
    position = 0
    for match in _compiled(_PARAGRAPH_BREAK).finditer(text):
        yield from _trimmed(text, position, match.start())
        position = match.end()
    yield from _trimmed(text, position, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        yield start + lead, start + lead + len(stripped)


def spans(text: str, cap: int = CHUNK_CAP) -> Iterator[tuple[int, int]]:
    """Runs of whole paragraphs no longer than ``cap``; longer paragraphs cut under it."""
    run_start = run_end = -1
    for start, end in paragraphs(text):
        if run_start >= 0 and end - run_start <= cap:
            run_end = end
            continue
        if run_start >= 0:
            yield run_start, run_end
            run_start = -1
        while end - start > cap:
            cut = _cut_point(text, start, start + cap)
            yield start, cut
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            run_start, run_end = start, end
    if run_start >= 0:
        yield run_start, run_end


def chunks(text: str, cap: int = CHUNK_CAP, context: int = CONTEXT) -> list[Chunk]:
    """The chunks of a text, each with its reading window."""
    return [
        Chunk(start, end, _window_start(text, start, context), _window_end(text, end, context))
        for start, end in spans(text, cap)
    ]


def _window_start(text: str, start: int, context: int) -> int:
    """Some way before ``start``, at the beginning of a word."""
    if context <= 0 or start == 0:
        return start
    floor = max(0, start - context)
    if floor == 0:
        return 0
    match = _compiled(_WHITESPACE).search(text, floor, start)
    return match.end() if match else start


def _window_end(text: str, end: int, context: int) -> int:
    """Some way after ``end``, at the end of a word."""
    limit = min(len(text), end + context)
    if context <= 0 or limit == len(text):
        return limit
    last = -1
    for match in _compiled(_WHITESPACE).finditer(text, end, limit):
        last = match.start()
    return last if last > end else end


def _cut_point(text: str, start: int, limit: int) -> int:
    """The best place to cut ``text[start:limit]``: after a sentence end, else at a space."""
    # At least one character past ``start``, so every cut makes progress (even with cap 1).
    floor = start + max(1, (limit - start) // 2)
    best = -1
    for match in _compiled(_SENTENCE_END).finditer(text, floor, limit):
        best = match.end()
    if best > floor:
        return best
    for match in _compiled(_WHITESPACE).finditer(text, floor, limit):
        best = match.end()
    if best > floor:
        return best
    cut = limit
    # Never cut a combining mark from its base character.
    while cut > floor and unicodedata.combining(text[cut]):
        cut -= 1
    return cut
