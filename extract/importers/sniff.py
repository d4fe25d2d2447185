"""Telling an annotation file's format by its extension and content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from extract.importers import ImportFileError

_ZLIB_HEADERS = (b"x\x01", b"x^", b"x\x9c", b"x\xda")
"""The first bytes of zlib data: a spaCy ``DocBin`` is compressed msgpack."""
_TAGGED = re.compile(r"\S+(?:[ \t]+\S+)*[ \t]+(?:O|[BIESLU]-\S+)")
"""A CoNLL token line: columns, the last a BIO (BIOES, BILOU) tag."""


def _first_line(text: str) -> str:
    """The first line with something on it."""
    return next((line for line in text.split("\n") if line.strip()), "")


def _json_kind(value: Any) -> str | None:
    """The format a parsed JSON value is in, if it is one of ours."""
    if isinstance(value, list):
        if all(isinstance(item, dict) and "data" in item for item in value):
            return "labelstudio"
        return None
    if not isinstance(value, dict):
        return None
    if "data" in value and isinstance(value["data"], dict):
        return "labelstudio"
    if "entities" in value and "text" in value and isinstance(value["entities"], list):
        first = value["entities"][0] if value["entities"] else {}
        # doccano's relation format has flat entities with offsets; ours nest mentions.
        if isinstance(first, dict) and "start_offset" in first:
            return "doccano"
        return "json"
    if "spans" in value or "tokens" in value:
        return "jsonl"
    if "label" in value or "labels" in value:
        return "doccano"
    return None


EXTENSIONS: dict[str, str] = {
    ".ann": "brat",
    ".spacy": "spacy",
    ".conll": "conll",
    ".conll03": "conll",
    ".tsv": "conll",
    ".bio": "conll",
    ".iob": "conll",
}
"""Extensions that say the format (JSON files say it by their content)."""


def _looks_tagged(text: str) -> bool:
    """Whether the first lines are CoNLL token lines (or only ``-DOCSTART-`` ones)."""
    lines = [line.strip() for line in text.split("\n")[:200] if line.strip()]
    if lines and all(line.startswith("-DOCSTART-") for line in lines):
        return True
    lines = [line for line in lines if not line.startswith("-DOCSTART-")][:5]
    return bool(lines) and all(_TAGGED.fullmatch(line) for line in lines)


def sniff(path: Path, data: bytes) -> str:
    """One of the import formats' names, or a one-line error."""
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    if data[:2] in _ZLIB_HEADERS:
        return "spacy"
    text = data.decode("utf-8-sig", "replace")
    looks_json = text.lstrip()[:1] in ("[", "{")
    if looks_json:
        try:
            kind = _json_kind(json.loads(text))
        except (json.JSONDecodeError, RecursionError):
            # JSON lines: one object a line.
            try:
                kind = _json_kind(json.loads(_first_line(text)))
            except (json.JSONDecodeError, RecursionError):
                kind = None
            if kind == "json":
                kind = "jsonl"
        if kind is not None:
            return kind
    if _looks_tagged(text):
        return "conll"
    if looks_json:
        raise ImportFileError(
            f"{path} is JSON but not a format entity-reader imports (json, jsonl, doccano, "
            "labelstudio); name one with --import-format"
        )
    raise ImportFileError(
        f"{path}: cannot tell its format (it imports json, jsonl, doccano, labelstudio, brat "
        ".ann, conll, spacy); name one with --import-format"
    )
