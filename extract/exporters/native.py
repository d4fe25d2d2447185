"""The native JSON format: the whole text, the model, and every entity with its mentions."""

from __future__ import annotations

import json
from typing import Any

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.model import Entity


def entity_record(entity: Entity) -> dict[str, Any]:
    """One entity as plain JSON-ready data."""
    return {
        "id": entity.id,
        "name": entity.name,
        "category": entity.category,
        "labels": list(entity.labels),
        "value": None if entity.value is None else str(entity.value),
        "mentions": [
            {
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "label": m.label,
                "model_label": m.model_label or None,
                "source": m.source,
            }
            for m in entity.mentions
        ],
    }


def as_data(annotations: Annotations) -> dict[str, Any]:
    """The native document record, entities in order of first mention."""
    document = annotations.document
    return {
        "source": document.source_utf8,
        "format": document.fmt,
        "encoding": document.encoding,
        "sha256": document.sha256,
        "model": {
            "name": annotations.model_name,
            "version": annotations.model_version,
            "language": annotations.language,
        },
        "text": document.text,
        "entities": [
            entity_record(e) for e in sorted(annotations.entities, key=lambda e: (e.first, e.id))
        ],
    }


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    text = json.dumps(as_data(annotations), ensure_ascii=False, indent=2) + "\n"
    return {"": text.encode("utf-8", "surrogatepass")}


register(
    ExportFormat(
        name="json",
        description="entity-reader's native JSON: text, model, entities with their mentions",
        extension=".json",
        render=render,
    )
)
