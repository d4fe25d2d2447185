"""Corpus rules: corrections made for every document of a folder ("Deshaisha is a place").

A rule is an edit that names an entity by its forms (relabel, remove, merge), kept in a
corrections file of its own (the same format, `extract.corrections`) for the folder: in the
user data folder under ``rules/``, or a file the user names (``--rules PATH``). Every document
inside the folder, now or added later, is derived with the folder's rules before its own
edits, and its own edits win (`extract.edits.with_rules`): the corpus reader, the reader of one
of its files, ``export FILE`` and the corpus export all apply them, so what is shown and what
is written agree.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from extract.corrections import CorrectionStore
from extract.storage import data_dir


def rules_path(folder: str) -> Path:
    """Where the rules of a folder live unless ``--rules`` says: the user data folder, under a
    name made from the folder's real path (links resolved)."""
    real = os.path.realpath(folder)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()
    stem = Path(real).name or "root"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:40]
    return data_dir() / "rules" / f"{safe}-{digest[:16]}.json"


def open_rules(
    folder: str, explicit: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> CorrectionStore:
    """The rules of a folder: ``explicit`` (``--rules PATH``) or the default place. A file that
    cannot be read raises; one that is not a corrections file is set aside (in the data folder)
    or refused (a file the user named), as for a document's corrections."""
    path = Path(explicit) if explicit is not None else rules_path(folder)
    return CorrectionStore.open(
        path,
        source=os.path.realpath(folder),
        sha256="",  # the rules of a folder, not of one text: never "changed since"
        explicit=explicit is not None,
        read_only=read_only,
    )


def rules_around(source: str) -> list[CorrectionStore]:
    """The rules kept in the data folder for the folders a file is in, outermost first (so a
    nearer folder's rules come later, and win), read only."""
    found: list[CorrectionStore] = []
    folder = os.path.dirname(os.path.realpath(source))
    while True:
        if rules_path(folder).is_file():
            found.append(open_rules(folder, read_only=True))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    found.reverse()
    return found


def given_rules(path: str | None, source: str) -> list[CorrectionStore] | None:
    """The rules ``--rules PATH`` names, read only, for a document (or a folder) at ``source``;
    None when no path is given: then those kept for the folders it is in apply."""
    if path is None:
        return None
    return [open_rules(os.path.dirname(os.path.abspath(source)), path, read_only=True)]
