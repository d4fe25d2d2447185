"""Label Studio tasks: a JSON list of tasks, each ``data.text`` with its entities as results.

The results follow Label Studio's named entity recognition template (``<Labels name="label"
toName="text">`` over ``<Text name="text" value="$text"/>``): ``from_name`` "label",
``to_name`` "text", ``type`` "labels", and a ``value`` of ``start``, ``end`` (character
offsets, end exclusive, as Label Studio counts them: every character, ``\\r\\n`` as two),
``text`` and ``labels``. They go under ``predictions`` (for review, with the model as
``model_version``) or, with ``--labelstudio-as annotations``, under ``annotations``.
``data.source`` names the document; a split export gives each task its ``data.offset``.
"""

from __future__ import annotations

import json
from typing import Any

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import encode, segments

FROM_NAME = "label"
"""The name of the ``<Labels>`` control in the labeling configuration."""
TO_NAME = "text"
"""The name of the ``<Text>`` object it labels (whose value is ``$text``)."""
KINDS = ("predictions", "annotations")
"""Where the results may go: to review (predictions) or as finished annotations."""


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    kind = options.labelstudio_as
    if kind not in KINDS:
        raise ValueError(f"unknown Label Studio result kind {kind!r}")
    model = " ".join(filter(None, (annotations.model_name, annotations.model_version)))
    tasks: list[dict[str, Any]] = []
    number = 0
    for segment in segments(annotations, options.split):
        results = []
        for pair in segment.pairs:
            number += 1
            mention = pair.mention
            results.append(
                {
                    "id": f"m{number}",
                    "from_name": FROM_NAME,
                    "to_name": TO_NAME,
                    "type": "labels",
                    "value": {
                        "start": mention.start,
                        "end": mention.end,
                        "text": mention.text,
                        "labels": [mention.label],
                    },
                }
            )
        data: dict[str, Any] = {"text": segment.text, "source": annotations.document.source_utf8}
        if options.split is not None:
            data["offset"] = segment.offset
        layer: dict[str, Any] = {"result": results}
        if kind == "predictions":
            layer["model_version"] = model
        tasks.append({"data": data, kind: [layer]})
    return {"": encode(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")}


register(
    ExportFormat(
        name="labelstudio",
        description="Label Studio tasks (JSON list): data.text and NER results as predictions",
        extension=".json",
        render=render,
        splits=True,
    )
)
