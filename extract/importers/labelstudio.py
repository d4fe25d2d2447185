"""Label Studio tasks: a JSON list of tasks (or one task), ``data.text`` and ``labels`` results.

The results come from the first annotation not cancelled, else the first prediction (as our
export writes them, or as Label Studio exports a project). Only ``labels`` results over text
(``value`` with ``start`` and ``end``) are mentions; relations, choices and the rest are left
out. A result with several labels counts with its first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract.importers import ImportFileError, ImportFormat, Record, Records, Span, register
from extract.importers.common import need, optional_offset, parse_json, span, utf8


def _text(path: Path, where: str, data: dict[str, Any]) -> str:
    if "text" in data:
        return str(need(data["text"], str, path, f"{where} data.text"))
    texts = [value for value in data.values() if isinstance(value, str)]
    if len(texts) != 1:
        raise ImportFileError(f"{path}: {where} has no data.text")
    return texts[0]


def _layer(task: dict[str, Any]) -> tuple[list[Any], str]:
    """The results to import, and the model that made them (for predictions)."""
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
            return annotation.get("result") or [], ""
    for prediction in task.get("predictions") or []:
        if isinstance(prediction, dict):
            return prediction.get("result") or [], str(prediction.get("model_version") or "")
    return [], ""


def _spans(path: Path, where: str, results: list[Any]) -> tuple[Span, ...]:
    found: list[Span] = []
    for number, result in enumerate(need(results, list, path, f"{where} result"), start=1):
        what = f"{where} result {number}"
        result = need(result, dict, path, what)
        value = result.get("value")
        if result.get("type") != "labels" or not isinstance(value, dict):
            continue
        if "start" not in value or "end" not in value:
            continue  # labels on something other than text
        labels = need(value.get("labels"), list, path, f"{what} labels")
        if not labels:
            raise ImportFileError(f"{path}: {what} has no label")
        found.append(span(path, what, value["start"], value["end"], labels[0], value.get("text")))
    return tuple(found)


def read(path: Path, data: bytes) -> Records:
    parsed = parse_json(path, utf8(path, data))
    tasks = parsed if isinstance(parsed, list) else [parsed]
    records = []
    model = ""
    for number, task in enumerate(tasks, start=1):
        where = f"task {number}"
        task = need(task, dict, path, where)
        data_field = need(task.get("data"), dict, path, f"{where} data")
        results, made_by = _layer(task)
        model = model or made_by
        offset = optional_offset(data_field.get("offset"), path, f"{where} data.offset")
        text = _text(path, where, data_field)
        records.append(Record(text, _spans(path, where, results), offset, where=where))
    return Records(tuple(records), model=model)


register(ImportFormat("labelstudio", "Label Studio tasks (JSON)", read))
