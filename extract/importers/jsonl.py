"""Prodigy / spaCy tasks, one JSON object a line: ``text`` and character-offset ``spans``.

Tokens are not needed: spans carry character offsets. A task Prodigy marked ``reject`` or
``ignore`` is no annotation and is skipped; a split export's ``meta.offset`` places its task.
"""

from __future__ import annotations

from pathlib import Path

from extract.importers import ImportFormat, Record, Records, register
from extract.importers.common import json_lines, need, optional_offset, span_of, utf8


def read(path: Path, data: bytes) -> Records:
    records = []
    model = ""
    for line, task in json_lines(path, utf8(path, data)):
        where = f"line {line}"
        task = need(task, dict, path, where)
        if task.get("answer", "accept") != "accept":
            continue
        text = need(task.get("text"), str, path, f"{where} text")
        meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
        model = (
            model
            or " ".join(str(meta.get(key) or "") for key in ("model", "model_version")).strip()
        )
        found = need(task.get("spans", []), list, path, f"{where} spans")
        spans = [
            span_of(path, f"{where} span {number}", item)
            for number, item in enumerate(found, start=1)
        ]
        offset = optional_offset(meta.get("offset"), path, f"{where} offset")
        records.append(Record(text, tuple(spans), offset, where=where))
    return Records(tuple(records), model=model)


register(ImportFormat("jsonl", "Prodigy / spaCy tasks (JSON lines)", read))
