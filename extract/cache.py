"""A content-addressed store of model mentions, so a text is never annotated twice."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from extract.atomic import aside_path, write_atomic
from extract.model import Mention

CACHE_FORMAT = 1
T = TypeVar("T")

DAMAGED = (ValueError, KeyError, TypeError, IndexError)
"""What reading an entry that is not as written raises (it is then set aside)."""


def default_cache_dir() -> Path:
    """``$ENTITY_READER_CACHE_DIR``, else the platform's user cache folder."""
    override = os.environ.get("ENTITY_READER_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("entity-reader", appauthor=False))


def cache_key(text_sha256: str, model_name: str, model_version: str, settings: str) -> str:
    """The name a run's mentions are stored under."""
    material = "\x1f".join((str(CACHE_FORMAT), text_sha256, model_name, model_version, settings))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _parse(raw: bytes, text: str) -> list[Mention]:
    """Mentions from a stored entry; anything not exactly as `MentionCache.put` writes raises."""
    data = json.loads(raw)
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        raise ValueError(f"not a format {CACHE_FORMAT} entry")
    labels = data["labels"]
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise ValueError("labels are not a list of names")
    mentions = []
    for item in data["mentions"]:
        start, end, label_index = item
        if not all(type(number) is int for number in item):
            raise ValueError(f"mention {item!r} is not three whole numbers")
        if not (0 <= start < end <= len(text)):
            raise ValueError(f"offsets {start}-{end} outside the text")
        if not 0 <= label_index < len(labels):
            raise ValueError(f"label number {label_index} unknown")
        label = labels[label_index]
        mentions.append(Mention(start, end, label, text[start:end], "model", label))
    return mentions


class JsonStore:
    """Entries per key, as compact JSON files in one subfolder of the cache folder: read back
    or, when corrupt, set aside (kept for inspection, never deleted) and reported."""

    subfolder = ""
    what = "cache"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_cache_dir()
        self.problems: list[str] = []
        """Notes about entries that could not be used (shown by the reader, not raised)."""

    def _path(self, key: str) -> Path:
        return self.folder / self.subfolder / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (it may still turn out corrupt)."""
        return self._path(key).is_file()

    def _read(self, key: str, parse: Callable[[bytes], T]) -> T | None:
        """The parsed entry, or None when missing or corrupt (then set aside)."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            return parse(raw)
        except DAMAGED as error:
            self._set_aside(key, error)
            return None

    def _set_aside(self, key: str, error: Exception) -> None:
        """Move a corrupt entry aside (kept for inspection) and note it."""
        path = self._path(key)
        aside = aside_path(path.with_suffix(""))
        try:
            os.replace(path, aside)
            self.problems.append(f"corrupt {self.what} entry moved to {aside} ({error})")
        except OSError:
            self.problems.append(f"corrupt {self.what} entry {path} ignored ({error})")

    def _write(self, key: str, payload: dict[str, Any]) -> None:
        """Store an entry; a failure to write only loses the cache."""
        try:
            write_atomic(self._path(key), self._encode(payload))
        except OSError as error:
            self.problems.append(f"could not write the {self.what}: {error}")

    def _encode(self, payload: dict[str, Any]) -> bytes:
        """An entry's bytes: compact JSON."""
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return data.encode("utf-8", "surrogatepass")


class MentionCache(JsonStore):
    """Mentions per cache key."""

    subfolder = "mentions"

    def get(self, key: str, text: str) -> list[Mention] | None:
        """The stored mentions, or None when missing, corrupt or not matching ``text``."""
        return self._read(key, lambda raw: _parse(raw, text))

    def put(self, key: str, mentions: list[Mention]) -> None:
        """Store mentions under ``key``; a failure to write only loses the cache."""
        labels = sorted({mention.label for mention in mentions})
        index = {label: position for position, label in enumerate(labels)}
        payload = {
            "format": CACHE_FORMAT,
            "labels": labels,
            "mentions": [[m.start, m.end, index[m.label]] for m in mentions],
        }
        self._write(key, payload)
