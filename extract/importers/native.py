"""entity-reader's own JSON: the text and every entity's mentions (their sources kept)."""

from __future__ import annotations

from pathlib import Path

from extract.importers import ImportFormat, Record, Records, register
from extract.importers.common import need, parse_json, span_of, utf8


def read(path: Path, data: bytes) -> Records:
    record = need(parse_json(path, utf8(path, data)), dict, path, "the file")
    text = need(record.get("text"), str, path, '"text"')
    spans = []
    for index, entity in enumerate(need(record.get("entities"), list, path, '"entities"')):
        entity = need(entity, dict, path, f"entity {index + 1}")
        mentions = need(entity.get("mentions"), list, path, f"entity {index + 1} mentions")
        spans += [
            span_of(path, f"entity {index + 1} mention {number}", mention)
            for number, mention in enumerate(mentions, start=1)
        ]
    model = record.get("model")
    made_by = ""
    if isinstance(model, dict):
        made_by = " ".join(str(model.get(key) or "") for key in ("name", "version")).strip()
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    return Records((Record(text, tuple(spans)),), model=made_by)


register(ImportFormat("json", "entity-reader's native JSON", read))
