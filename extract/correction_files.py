"""Where the corrections files live: one per document in the user data folder, named from the
document's real path (`default_path`), and the listing of them a corpus reads once."""

from __future__ import annotations

import os
import stat
from hashlib import sha256
from pathlib import Path

from extract.storage import data_dir


def default_path(source: str) -> Path:
    """Where the corrections of a file live: the user data folder, keyed by its real path (the
    same file opened through a symbolic link finds the same corrections)."""
    return key_path(os.path.realpath(source))


def key_path(absolute: str) -> Path:
    """The corrections file of the document at ``absolute`` (a path as it is keyed)."""
    return data_dir() / "corrections" / key_name(absolute)


def key_name(absolute: str) -> str:
    return sha256(absolute.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".json"


class CorrectionsListing:
    """The corrections files of the user data folder, listed once: which of many documents (a
    corpus's) have none, told without looking for each document's file (`open_for` does)."""

    def __init__(self) -> None:
        self._names: set[str] | None
        try:
            self._names = set(os.listdir(data_dir() / "corrections"))
        except FileNotFoundError:
            self._names = set()
        except OSError:
            self._names = None  # unreadable: opening each document's says what is wrong
        self._folders: dict[str, str] = {}
        """Each folder's real path, resolved once."""

    def may_have(self, source: str) -> bool:
        """Whether ``source`` may have corrections of its own: False only when neither file
        `open_for` reads for it is listed."""
        if self._names is None:
            return True
        if not self._names:
            return False
        keys = (self._real(source), os.path.abspath(source))
        return any(key_name(key) in self._names for key in keys)

    def _real(self, source: str) -> str:
        """``os.path.realpath(source)``, with its folder's resolved once for all its files."""
        folder, name = os.path.split(source)
        try:
            plain = name not in ("", ".", "..") and not stat.S_ISLNK(os.lstat(source).st_mode)
        except OSError:
            plain = False
        if not plain:
            return os.path.realpath(source)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        return os.path.join(real, name)
