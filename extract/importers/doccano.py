"""doccano's JSON lines: ``text`` with ``label`` (or ``labels``) as ``[start, end, label]``, or
``entities`` as objects with ``start_offset``, ``end_offset`` and ``label``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract.importers import ImportFileError, ImportFormat, Record, Records, Span, register
from extract.importers.common import json_lines, need, optional_offset, span, utf8


def _spans(path: Path, where: str, record: dict[str, Any]) -> tuple[Span, ...]:
    found: list[Span] = []
    if "entities" in record:
        for number, item in enumerate(need(record["entities"], list, path, where), start=1):
            item = need(item, dict, path, f"{where} entity {number}")
            found.append(
                span(
                    path,
                    f"{where} entity {number}",
                    item.get("start_offset"),
                    item.get("end_offset"),
                    item.get("label"),
                )
            )
        return tuple(found)
    triples = record.get("label", record.get("labels", []))
    for number, item in enumerate(need(triples, list, path, f"{where} label"), start=1):
        what = f"{where} label {number}"
        item = need(item, list, path, what)
        if len(item) != 3:
            raise ImportFileError(f"{path}: {what} should be [start, end, label]")
        found.append(span(path, what, item[0], item[1], item[2]))
    return tuple(found)


def read(path: Path, data: bytes) -> Records:
    records = []
    for line, record in json_lines(path, utf8(path, data)):
        where = f"line {line}"
        record = need(record, dict, path, where)
        text = need(record.get("text"), str, path, f"{where} text")
        offset = optional_offset(record.get("offset"), path, f"{where} offset")
        records.append(Record(text, _spans(path, where, record), offset, where=where))
    return Records(tuple(records))


register(ImportFormat("doccano", "doccano sequence labelling (JSON lines)", read))
