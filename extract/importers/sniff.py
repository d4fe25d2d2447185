"""Telling an annotation file's format by its extension and content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from extract.importers import ImportFileError

_ZLIB_HEADERS = (b"x\x01", b"x^", b"x\x9c", b"x\xda")
"""The first bytes of zlib data: a spaCy ``DocBin`` is compressed msgpack."""
_COLUMNS = re.compile(r"^\S+(?:[ \t]+\S+)+$")


def _first_line(text: str) -> str:
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


def sniff(path: Path, data: bytes) -> str:
    """One of the import formats' names, or a one-line error."""
    suffix = path.suffix.lower()
    if suffix == ".spacy" or data[:2] in _ZLIB_HEADERS:
        return "spacy"
    if suffix == ".ann":
        return "brat"
    text = data.decode("utf-8-sig", "replace")
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
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
        raise ImportFileError(
            f"{path} is JSON but not a format entity-reader imports (json, jsonl, doccano, "
            "labelstudio); name one with --import-format"
        )
    first = _first_line(text).strip()
    if first.startswith("-DOCSTART-") or _COLUMNS.match(first):
        return "conll"
    raise ImportFileError(
        f"{path}: cannot tell its format (it imports json, jsonl, doccano, labelstudio, brat "
        ".ann, conll, spacy); name one with --import-format"
    )
