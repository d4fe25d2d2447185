"""A spaCy ``DocBin``: each ``Doc``'s text and entities.

An export of this tool keeps every mention exactly in ``doc.spans["mentions"]`` (the user's in
``doc.spans["user"]``) and its place in the document in ``user_data``; those are read when
present, else ``doc.ents``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract.exporters.spacy_docbin import USER_DATA_KEY
from extract.importers import ImportFileError, ImportFormat, Record, Records, Span, register


def _record(doc: Any, number: int) -> tuple[Record, str]:
    stored = doc.user_data.get(USER_DATA_KEY) if isinstance(doc.user_data, dict) else None
    stored = stored if isinstance(stored, dict) else {}
    if "mentions" in doc.spans and stored:
        users = {(s.start_char, s.end_char, s.label_) for s in doc.spans.get("user", [])}
        chosen = list(doc.spans["mentions"])
    else:
        users = set()
        chosen = list(doc.ents)
    spans = tuple(
        Span(
            s.start_char,
            s.end_char,
            s.label_,
            None,
            "user" if (s.start_char, s.end_char, s.label_) in users else "model",
        )
        for s in chosen
    )
    offset = stored.get("offset")
    model = " ".join(str(stored.get(key) or "") for key in ("model", "model_version")).strip()
    place = offset if isinstance(offset, int) and not isinstance(offset, bool) else None
    return Record(doc.text, spans, place, where=f"Doc {number}"), model


def read(path: Path, data: bytes) -> Records:
    from spacy.tokens import DocBin

    from extract.exporters.tokens import vocab

    try:
        docs = list(DocBin(store_user_data=True).from_bytes(data).get_docs(vocab()))
    except Exception as error:  # msgpack, zlib and spaCy each raise their own kinds
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ImportFileError(
            f"{path} is not a spaCy DocBin ({reason or type(error).__name__})"
        ) from None
    records = []
    model = ""
    for number, doc in enumerate(docs, start=1):
        record, made_by = _record(doc, number)
        records.append(record)
        model = model or made_by
    return Records(tuple(records), model=model)


register(ImportFormat("spacy", "spaCy DocBin (.spacy)", read))
