"""The last reading position in each file, remembered between sessions."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from extract.atomic import write_atomic
from extract.storage import data_dir

LIMIT = 500
"""Files remembered; the least recently read are forgotten first."""


class Positions:
    """Offsets of the top of the view, keyed by real path (links resolved) and checked by
    content hash."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else data_dir() / "positions.json"

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _key(source: str) -> str:
        return os.path.realpath(source)

    def get(self, source: str, sha256: str) -> int | None:
        """The remembered offset in this file, if its content is unchanged."""
        entries = self._read()
        # Positions saved before links were resolved are keyed by the path as given.
        entry = entries.get(self._key(source), entries.get(os.path.abspath(source)))
        if not isinstance(entry, dict) or entry.get("sha256") != sha256:
            return None
        offset = entry.get("offset")
        return offset if isinstance(offset, int) and offset >= 0 else None

    def paths(self) -> list[str]:
        """The files remembered (real paths), the one read least recently first."""
        return list(self._read())

    def put(self, source: str, sha256: str, offset: int) -> None:
        """Remember an offset; failures to write are ignored (only a convenience is lost)."""
        entries = self._read()
        key = self._key(source)
        entries.pop(key, None)
        entries.pop(os.path.abspath(source), None)
        entries[key] = {"sha256": sha256, "offset": offset}
        while len(entries) > LIMIT:
            entries.pop(next(iter(entries)))
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(entries, indent=1).encode("utf-8"))
