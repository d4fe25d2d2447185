"""Prodigy's task format (spaCy's span format): text, tokens and token-aligned spans, as JSONL."""

from __future__ import annotations

from typing import Any

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import Segment, json_lines, meta, segments
from extract.exporters.tokens import token_bounds, tokenize


def task(segment: Segment, record_meta: dict[str, Any]) -> dict[str, Any]:
    """One Prodigy task: ``token_end`` inclusive, the entity and source as extra span keys."""
    mentions = [pair.mention for pair in segment.pairs]
    tokens = tokenize(segment.text, mentions, segment.lang)
    bounds = token_bounds(tokens, mentions)
    return {
        "text": segment.text,
        "tokens": [
            {
                "text": token.text(segment.text),
                "start": token.start,
                "end": token.end,
                "id": index,
                "ws": token.ws,
            }
            for index, token in enumerate(tokens)
        ],
        "spans": [
            {
                "start": pair.mention.start,
                "end": pair.mention.end,
                "token_start": first,
                "token_end": last,
                "label": pair.mention.label,
                "text": pair.mention.text,
                "entity_id": pair.entity.id,
                "entity": pair.entity.name,
                "source": pair.mention.source,
            }
            for pair, (first, last) in zip(segment.pairs, bounds, strict=True)
        ],
        "meta": record_meta,
    }


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    base = meta(annotations)
    tasks = [
        task(segment, base if options.split is None else {**base, "offset": segment.offset})
        for segment in segments(annotations, options.split)
    ]
    return {"": json_lines(tasks)}


register(
    ExportFormat(
        name="jsonl",
        description="Prodigy / spaCy tasks: text, tokens, spans with token indices (JSON lines)",
        extension=".jsonl",
        render=render,
        splits=True,
    )
)
