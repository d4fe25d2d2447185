"""The user's corrections: a log of edits over the model's mentions, kept safely.

The edits themselves are in `extract.edits`, how they apply in `extract.applying`; both are
re-exported here (imported when first asked for). This module keeps the log of one document:
locked, merged with other readers' edits, saved atomically, with this session's undo and redo.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.atomic import aside_path, read_regular, reason, remove_leftovers, write_atomic
from extract.correction_files import CorrectionsListing, default_path, key_path
from extract.document import utf8
from extract.errors import EntityReaderError

if TYPE_CHECKING:
    from extract.applying import Applied, apply, relabelled
    from extract.edits import (
        CONTEXT,
        OPS,
        RULE_OPS,
        Anchor,
        Correction,
        add,
        describe,
        forms_of,
        locate,
        loose_form,
        merge,
        occurrences,
        relabel,
        remove,
        remove_mention,
        resize,
        split,
        why_unplaced,
        with_rules,
    )

_APPLYING = ("Applied", "apply", "relabelled")


if not TYPE_CHECKING:  # (to a type checker, the names are those imported above)

    def __getattr__(name: str) -> Any:
        """The edits (`extract.edits`) and how they apply (`extract.applying`), imported
        when first asked for: a reader opening a document without corrections needs neither
        for its first frame."""
        if name in __all__ and name not in globals():
            from importlib import import_module

            module = "extract.applying" if name in _APPLYING else "extract.edits"
            return getattr(import_module(module), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


FORMAT = 2
"""The corrections file's format: 2 added ``resize``; files of format 1 are read as they are."""
READABLE = (1, 2)

__all__ = [
    "CONTEXT",
    "FORMAT",
    "OPS",
    "RULE_OPS",
    "Anchor",
    "Applied",
    "Correction",
    "CorrectionStore",
    "CorrectionsError",
    "CorrectionsListing",
    "CorrectionsReadError",
    "add",
    "apply",
    "default_path",
    "describe",
    "effective_edits",
    "forms_of",
    "locate",
    "loose_form",
    "merge",
    "occurrences",
    "open_for",
    "relabel",
    "relabelled",
    "remove",
    "remove_mention",
    "resize",
    "split",
    "why_unplaced",
    "with_rules",
]


class CorrectionsError(EntityReaderError):
    """A corrections file whose content is not corrections (it may be moved aside)."""


class CorrectionsReadError(CorrectionsError):
    """A corrections file that could not be read at all: never moved, never overwritten."""


def open_for(
    source: str,
    sha: str,
    explicit: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    rules: Sequence[CorrectionStore] | None = None,
) -> CorrectionStore:
    """The corrections of a document: ``explicit`` (``--annotations``) or the default place,
    with the corpus rules that apply to it: ``rules``, else those kept for the folders it is
    in (`extract.corpus_rules.rules_around`; their problems join the store's).

    ``read_only`` (export) never moves or writes anything: a corrupt file is only reported.
    """
    if explicit is not None:
        path, fallback = Path(explicit), None
    else:
        path = default_path(source)
        # Before links were resolved, the key was the path as given: still read from there.
        fallback = key_path(os.path.abspath(source))
    store = CorrectionStore.open(
        path,
        source=os.path.realpath(source),
        sha256=sha,
        explicit=explicit is not None,
        read_only=read_only,
        fallback=fallback if fallback != path else None,
    )
    if rules is None and source != "-":
        from extract.corpus_rules import rules_around

        rules = rules_around(source)
        for kept in rules:
            store.problems.extend(kept.problems)
    store.rules = list(rules or ())
    return store


def effective_edits(
    rules: Sequence[CorrectionStore], log: Sequence[Correction]
) -> list[Correction]:
    """What a document is derived with: the corpus rules of ``rules`` its own edits (``log``)
    leave, then its own edits (`with_rules`)."""
    kept = [correction for store in rules for correction in store.log]
    if not kept:
        return list(log)
    from extract.edits import with_rules

    return with_rules(kept, log)


class CorrectionStore:
    """The corrections of one document, saved at once on every change, atomically and merged.

    Several readers may have the same file open: each save takes a lock, re-reads the file,
    adds what this reader did, drops what it undid, and replaces the file in one rename.
    """

    def __init__(
        self,
        path: Path,
        *,
        source: str,
        sha256: str,
        explicit: bool = False,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.explicit = explicit
        """Named by the user (``--annotations``): never moved aside, a bad one is an error."""
        self.read_only = read_only
        """Only read (export): nothing is ever moved or written."""
        self.source = source
        self.sha256 = sha256
        self.log: list[Correction] = []
        self._undone: list[Correction] = []
        self._mine: list[str] = []
        self._withdrawn: set[str] = set()
        self.stored_sha256: str | None = None
        self.problems: list[str] = []
        self.rules: list[CorrectionStore] = []
        """The corpus rules that apply to this document too (`extract.corpus_rules`)."""

    @property
    def effective(self) -> list[Correction]:
        """What the document is derived with: the corpus rules its own edits leave, then its
        own edits (`effective_edits`)."""
        return effective_edits(self.rules, self.log)

    @property
    def real_path(self) -> Path:
        """The file itself: ``path`` with symbolic links resolved, so a link is written
        through (never replaced) and every way of naming the file shares one lock."""
        return Path(os.path.realpath(self.path))

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        source: str,
        sha256: str,
        explicit: bool = False,
        read_only: bool = False,
        fallback: Path | None = None,
    ) -> CorrectionStore:
        """Load the corrections at ``path`` (none if it does not exist yet; then those at
        ``fallback``, if any, to be saved at ``path``).

        A file that cannot be read (permissions, a folder in the way, any I/O error) raises
        `CorrectionsReadError` and is left alone. A corrupt file in the data folder is moved
        aside (kept, never deleted) and reported in ``problems``, unless ``read_only``; one
        the user named (``explicit``) is left alone and raises `CorrectionsError`. Single
        edits that do not make sense (an anchor outside the text, a label that cannot be one) are
        skipped and reported; they stay in the file.
        """
        store = cls(path, source=source, sha256=sha256, explicit=explicit, read_only=read_only)
        try:
            data = store._read()
            if data is None and fallback is not None:
                data = store._read(fallback)
        except CorrectionsReadError:
            raise
        except CorrectionsError as error:
            if explicit:
                raise CorrectionsError(
                    f"{error}; --annotations takes a corrections file (not an export)"
                ) from None
            if read_only:
                store.problems.append(f"{error}; exported without its corrections")
            else:
                store._set_aside(error)
            data = None
        if data is not None:
            store.log = data.log
            store.stored_sha256 = data.sha256
            store.problems.extend(data.skipped)
        return store

    def _set_aside(self, error: CorrectionsError) -> None:
        """Move a corrupt file out of the way (kept, never deleted) and report it."""
        real = self.real_path
        aside = aside_path(real)
        try:
            os.replace(real, aside)
        except OSError as failure:
            raise CorrectionsReadError(
                f"{error}; it could not be moved aside ({reason(failure)})"
            ) from None
        self.problems.append(f"{error}; kept it as {aside} and started afresh")

    def unplaced(self, text: str) -> list[Correction]:
        """Edits of single mentions that cannot be found in ``text`` any more."""
        from extract.edits import locate

        return [c for c in self.log if c.anchor is not None and locate(text, c.anchor) is None]

    @property
    def changed_since(self) -> bool:
        """Whether the corrections were made on other content than the document now has."""
        return self.stored_sha256 is not None and self.stored_sha256 != self.sha256

    def _read(self, path: Path | None = None) -> _Stored | None:
        """The file's corrections; None if there is no file. Raises `CorrectionsReadError`
        when it cannot be read, `CorrectionsError` when it is not a corrections file."""
        path = path if path is not None else self.path
        try:
            raw = read_regular(path, MAX_FILE)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CorrectionsReadError(
                f"cannot read corrections file {path}: {reason(error)}; it was left as it is"
            ) from None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") not in READABLE:
                raise ValueError("not an entity-reader corrections file")
            if not isinstance(data["corrections"], list):
                raise ValueError("corrections is not a list")
        except (ValueError, KeyError, TypeError) as error:
            raise CorrectionsError(f"corrections file {path} is corrupt ({error})") from None
        from extract.edits import Correction

        stored = _Stored(sha256=data.get("sha256") if isinstance(data.get("sha256"), str) else None)
        for number, item in enumerate(data["corrections"], start=1):
            try:
                stored.log.append(Correction.from_data(item))
            except (ValueError, KeyError, TypeError) as error:
                stored.kept.append(item)
                stored.skipped.append(
                    f"corrections file {path}: edit {number} skipped ({error}); "
                    "it stays in the file"
                )
        return stored

    @contextlib.contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """If saving fails, forget the change too: what the reader sees is what is stored."""
        state = (list(self.log), list(self._mine), list(self._undone), set(self._withdrawn))
        try:
            yield
        except BaseException:
            self.log, self._mine, self._undone, self._withdrawn = state
            raise

    def do(self, correction: Correction) -> None:
        """Record an edit and save."""
        with self._all_or_nothing():
            self.log.append(correction)
            self._mine.append(correction.id)
            self._undone.clear()
            self.save()

    def undo(self) -> Correction | None:
        """Take back this session's last edit and save."""
        with self._all_or_nothing():
            while self._mine:
                wanted = self._mine.pop()
                correction = next((c for c in self.log if c.id == wanted), None)
                if correction is not None:
                    break
            else:
                return None
            self.log.remove(correction)
            self._undone.append(correction)
            self._withdrawn.add(correction.id)
            self.save()
            return correction

    def redo(self) -> Correction | None:
        """Do again the last edit undone and save."""
        if not self._undone:
            return None
        with self._all_or_nothing():
            correction = self._undone.pop()
            self._withdrawn.discard(correction.id)
            self.log.append(correction)
            self._mine.append(correction.id)
            self.save()
            return correction

    def save(self) -> None:
        """Merge with what is on disk under a lock, then replace the file atomically.

        A symbolic link is written through (its target replaced). A file that cannot be
        read raises `CorrectionsReadError` and is not written: what it holds is not lost.
        """
        if self.read_only:
            raise CorrectionsError(f"corrections file {self.path} is open only for reading")
        real = self.real_path
        real.parent.mkdir(parents=True, exist_ok=True)
        lock_path = real.with_name(real.name + ".lock")
        with open(lock_path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    stored = self._read()
                except CorrectionsReadError:
                    raise
                except CorrectionsError as error:
                    if self.explicit:
                        raise
                    self._set_aside(error)
                    stored = None
                kept: list[Any] = []
                if stored is None:
                    merged = list(self.log)
                else:
                    # The file's order is kept (edits apply in order); this reader adds only
                    # its own new edits, so what another reader undid stays undone.
                    merged = [c for c in stored.log if c.id not in self._withdrawn]
                    on_disk = {c.id for c in merged}
                    mine = set(self._mine)
                    merged.extend(c for c in self.log if c.id in mine and c.id not in on_disk)
                    kept = stored.kept
                self.log = merged
                payload = {
                    "format": FORMAT,
                    "source": utf8(self.source),
                    "sha256": self.sha256,
                    "corrections": [*(c.as_data() for c in merged), *kept],
                }
                text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
                remove_leftovers(real)
                write_atomic(real, text.encode("utf-8"))
                self.stored_sha256 = self.sha256
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


MAX_FILE = 64 * 2**20
"""Corrections files larger than this are not read (a wrong path, not a log of edits)."""


@dataclass
class _Stored:
    """What a corrections file holds: the edits understood, and those kept but skipped."""

    sha256: str | None
    log: list[Correction] = field(default_factory=list)
    kept: list[Any] = field(default_factory=list)
    """Edits that could not be understood, written back as they were."""
    skipped: list[str] = field(default_factory=list)
    """One report per edit skipped."""
