"""What the JSON importers share: decoding, parsing with a one-line error, checked fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extract.importers import ImportFileError, Span
from extract.model import MentionSource


def utf8(path: Path, data: bytes) -> str:
    """The file as UTF-8 text (a byte-order mark is dropped)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None


def parse_json(path: Path, text: str, what: str = "") -> Any:
    """JSON, or a one-line error saying where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        place = f"{what}, " if what else ""
        raise ImportFileError(
            f"{path} is not valid JSON ({place}line {error.lineno} column {error.colno}: "
            f"{error.msg})"
        ) from None
    except RecursionError:
        raise ImportFileError(f"{path} is not valid JSON (nested too deeply)") from None


def json_lines(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """Each non-blank line's number and JSON value."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, parse_json(path, line, f"line {number}")


def need(value: Any, kind: type | tuple[type, ...], path: Path, what: str) -> Any:
    """``value`` if it is of ``kind`` (never a bool for an int), else a one-line error."""
    if isinstance(value, kind) and not (isinstance(value, bool) and kind is int):
        return value
    names = {int: "a whole number", str: "text", list: "a list", dict: "an object"}
    wanted = names.get(kind, "something else") if isinstance(kind, type) else "a value"
    raise ImportFileError(f"{path}: {what} should be {wanted}, not {json.dumps(value)[:40]}")


def offset(value: Any, path: Path, what: str) -> int:
    """A character offset: a whole number (``12.0`` counts)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return int(need(value, int, path, what))


def span(
    path: Path,
    what: str,
    start: Any,
    end: Any,
    label: Any,
    text: Any = None,
    source: Any = None,
) -> Span:
    """A span from JSON fields, each checked for its type."""
    said = need(text, str, path, f"{what} text") if text is not None else None
    origin: MentionSource = "user" if source == "user" else "model"
    return Span(
        offset(start, path, f"{what} start"),
        offset(end, path, f"{what} end"),
        need(label, str, path, f"{what} label"),
        said,
        origin,
    )


def span_of(path: Path, what: str, item: Any) -> Span:
    """A span from an object with ``start``, ``end``, ``label`` and maybe ``text`` and
    ``source`` (the native format's mentions, Prodigy's spans)."""
    item = need(item, dict, path, what)
    return span(
        path,
        what,
        item.get("start"),
        item.get("end"),
        item.get("label"),
        item.get("text"),
        item.get("source"),
    )


def optional_offset(value: Any, path: Path, what: str) -> int | None:
    """An offset a record may carry (a split export's), or None."""
    return None if value is None else offset(value, path, what)
