"""What several exporters share: mentions with their entities, overlaps, segments, JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from extract.annotations import Annotations
from extract.chunks import paragraphs
from extract.document import Document
from extract.errors import EntityReaderError
from extract.model import Entity, Mention


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention and the entity it belongs to."""

    mention: Mention
    entity: Entity


def placed(annotations: Annotations) -> list[Placed]:
    """Every mention with its entity, in document order."""
    pairs = [Placed(m, e) for e in annotations.entities for m in e.mentions]
    pairs.sort(key=lambda p: (p.mention, p.entity.id))
    return pairs


def exclusive(pairs: Iterable[Placed]) -> list[Placed]:
    """Mentions that do not overlap, for formats that cannot nest them.

    The model never overlaps mentions; where corrections do, the earlier (then longer) wins.
    """
    kept: list[Placed] = []
    reach = 0
    for pair in sorted(pairs, key=lambda p: (p.mention.start, -p.mention.end, p.entity.id)):
        if pair.mention.start >= reach:
            kept.append(pair)
            reach = pair.mention.end
    return kept


SPLITS: tuple[str, ...] = ("paragraph", "section")
"""What ``--split`` accepts: one record per paragraph, or per chapter or page."""


def paragraph_spans(text: str, mentions: Iterable[Mention]) -> list[tuple[int, int]]:
    """The paragraphs of ``text``, widened and joined so that each mention lies inside one."""
    return _joined(paragraphs(text), mentions)


def section_spans(document: Document, mentions: Iterable[Mention]) -> list[tuple[int, int]]:
    """The chapters or pages of a document (and any text before the first), blank edges left
    out, joined where a mention runs from one into the next."""
    if not document.sections:
        raise EntityReaderError(
            f"{document.name} has no chapters or pages to split at (EPUB and PDF have them); "
            "try --split paragraph"
        )
    text = document.text
    starts = sorted({0, *(section.start for section in document.sections)})
    pieces = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            left = start + len(piece) - len(piece.lstrip())
            pieces.append((left, left + len(stripped)))
    return _joined(pieces, mentions)


def _joined(
    pieces: Iterable[tuple[int, int]], mentions: Iterable[Mention]
) -> list[tuple[int, int]]:
    intervals = sorted([*pieces, *((m.start, m.end) for m in mentions)])
    spans: list[tuple[int, int]] = []
    for start, end in intervals:
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


@dataclass(frozen=True, slots=True)
class Segment:
    """A record's stretch of the document: the whole of it, or one paragraph or section."""

    offset: int
    """Where ``text`` starts in the document."""
    text: str
    pairs: tuple[Placed, ...]
    """Its mentions, with offsets relative to ``text``."""
    lang: str = "en"
    """The language of the text (spaCy's code): token-based formats use its tokenizer."""


def segments(annotations: Annotations, split: str | None) -> list[Segment]:
    """The document as one segment, or one per paragraph (``split="paragraph"``) or per
    chapter or page (``split="section"``)."""
    pairs = placed(annotations)
    document = annotations.document
    text = document.text
    lang = annotations.language
    if split is None:
        return [Segment(0, text, tuple(pairs), lang)]
    mentions = (p.mention for p in pairs)
    if split == "paragraph":
        spans = paragraph_spans(text, mentions)
    elif split == "section":
        spans = section_spans(document, mentions)
    else:
        raise ValueError(f"unknown split {split!r}")
    result: list[Segment] = []
    index = 0
    for start, end in spans:
        inside: list[Placed] = []
        while index < len(pairs) and pairs[index].mention.start < end:
            mention = pairs[index].mention
            shifted = replace(mention, start=mention.start - start, end=mention.end - start)
            inside.append(Placed(shifted, pairs[index].entity))
            index += 1
        result.append(Segment(start, text[start:end], tuple(inside), lang))
    return result


def one_word(label: str) -> str:
    """A label with its whitespace made ``_``, for formats that split lines at whitespace."""
    return "_".join(label.split()) or "_"


def encode(text: str) -> bytes:
    """UTF-8, as the native format writes it."""
    return text.encode("utf-8", "surrogatepass")


_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_lines(records: Iterable[dict[str, Any]]) -> bytes:
    """One compact JSON object per line, readable, with every line break inside escaped.

    JSON allows U+2028, U+2029 and U+0085 raw in strings, but line-splitting readers
    (``str.splitlines``) would cut a record at them.
    """
    lines = [
        json.dumps(record, ensure_ascii=False).translate(_LINE_SEPARATORS) + "\n"
        for record in records
    ]
    return encode("".join(lines))


def meta(annotations: Annotations) -> dict[str, str]:
    """Where the annotations came from, for a record's metadata."""
    document = annotations.document
    return {
        "source": document.source_utf8,
        "sha256": document.sha256,
        "model": annotations.model_name,
        "model_version": annotations.model_version,
    }
