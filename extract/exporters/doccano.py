"""doccano's sequence-labelling JSONL: the text and its ``[start, end, label]`` triples."""

from __future__ import annotations

from typing import Any

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import json_lines, segments


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    records: list[dict[str, Any]] = []
    for segment in segments(annotations, options.split):
        record: dict[str, Any] = {
            "text": segment.text,
            "label": [[p.mention.start, p.mention.end, p.mention.label] for p in segment.pairs],
        }
        if options.split is not None:
            record["offset"] = segment.offset
        records.append(record)
    return {"": json_lines(records)}


register(
    ExportFormat(
        name="doccano",
        description="doccano sequence labelling: text and [start, end, label] (JSON lines)",
        extension=".jsonl",
        render=render,
        splits=True,
    )
)
