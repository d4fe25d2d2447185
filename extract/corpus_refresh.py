"""Keeping a corpus index in step with its folder, for the corpus reader.

`CorpusRefresh.plan` compares the documents found in the folder with what the index holds:
new documents are pending; a file whose size or time changed, or whose view key (model,
corrections, corpus rules) is not the one indexed, is changed; files gone are forgotten.
`run` then does the work in order (the documents read most recently first, and any the reader
asks for next), through the recogniser seam (`Annotator.annotate_many`: local workers or Dask),
with each document's corrections and the corpus rules applied (`annotations_of`, the one way
entities are made), one transaction per document. A document that cannot be read is recorded
as failed with its reason, and the others go on.

A corpus rule changes every document's view key, but only the documents whose text holds what
it names need deriving again: the index's full-text table finds them, and the others only take
the new key.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from extract.annotations import annotations_of
from extract.annotator import Annotator
from extract.corpus import Source
from extract.corpus_index import CorpusIndex, index_name
from extract.corpus_query import CorpusQuery, DocumentRow, fts_query
from extract.corrections import (
    Correction,
    CorrectionsListing,
    CorrectionStore,
    effective_edits,
    open_for,
)
from extract.document import Document, read_bytes
from extract.edits import named_loosely
from extract.errors import EntityReaderError
from extract.formats import from_bytes
from extract.model import Mention
from extract.recognizer import Lost
from extract.views import edits_digest, view_key, view_key_of

Status = Literal["pending", "changed", "done", "failed", "gone"]
"""Where a document is: not indexed yet, indexed but out of date, indexed, failed, gone."""


@dataclass(frozen=True, slots=True)
class Change:
    """What became of a document (by the name the index gives it)."""

    path: str
    status: Status
    error: str | None = None


@dataclass(eq=False)
class _Work:
    """A document to bring up to date."""

    source: Source
    name: str
    row: DocumentRow | None
    store: CorrectionStore | None = None
    document: Document | None = None
    key: str = ""
    only_key: bool = False
    """Its entities are current: only the view key changed (a rule naming nothing in it)."""
    change: Change | None = None
    stat: tuple[int, int] = field(default=(0, 0))
    recent: int = 0
    """Its place among the documents read lately (any other after them)."""


class CorpusRefresh:
    """Brings a corpus index up to date with its folder (see the module's description)."""

    def __init__(
        self,
        index_path: Path,
        annotator: Annotator,
        *,
        rules: Sequence[CorrectionStore] | None = None,
        format_in: str = "auto",
        limit: int | None = None,
    ) -> None:
        self.index_path = index_path
        self.annotator = annotator
        self.rules = rules
        self.format_in = format_in
        self.limit = limit
        self._queue: deque[_Work] = deque()
        self._lock = threading.Lock()
        self.gone: list[str] = []
        self._kept: str | None = None
        """The rules the index was last brought up to date with (its ``meta``), as planned."""

    # -- what needs doing ---------------------------------------------------------------------

    def plan(
        self,
        sources: Sequence[Source],
        recent: Sequence[str] = (),
        indexed: Sequence[DocumentRow] | None = None,
    ) -> dict[str, Status]:
        """Compare the folder with the index; return the documents that need work (pending or
        changed) and those gone, by index name. ``recent`` names documents read most
        recently first (by any path, links resolved): they go first. ``indexed``: the
        index's documents, if they were just read (else they are read here)."""
        query = CorpusQuery(self.index_path)
        try:
            listed = query.documents() if indexed is None else indexed
            rows = {row.path: row for row in listed}
            self._kept = query.meta("rules")
            touched = self._touched(query)
            own = _Own(self.rules)
            found: dict[str, Status] = {}
            work: list[_Work] = []
            for source in sources:
                name = index_name(source.path)
                item = _Work(source, name, rows.pop(name, None))
                item.stat = (source.size, source.mtime_ns)
                status = self._check(item, touched, own)
                if status is not None:
                    work.append(item)
                    if not item.only_key:  # its entities are current: nothing to tell
                        found[item.name] = status
        finally:
            query.close()
        self.gone = [path for path in rows if path != "<stdin>"]
        found.update({path: "gone" for path in self.gone})
        first = {os.path.realpath(path): place for place, path in enumerate(recent)}
        if first:
            for item in work:
                item.recent = first.get(os.path.realpath(item.source.path), len(first))
        # Documents read lately first; then those a change of edits made out of date (their
        # mentions are cached), the new ones, and last those that only take a new key.
        work.sort(key=lambda item: (item.recent, _kind(item)))
        with self._lock:
            self._queue = deque(work)
        return found

    def _check(self, item: _Work, touched: set[int] | None, own: _Own) -> Status | None:
        """Whether a document needs work: new, or its file or its view key changed (the
        model, its corrections or the rules); a document with no corrections of its own (the
        most, told by one listing of their folder) is not looked for one."""
        row = item.row
        if row is None:
            return "pending"
        if (row.size, row.mtime_ns) != item.stat:
            return "changed"
        if row.status == "failed" or row.sha256 is None:
            return None  # the same file would fail the same way
        mentions = self.annotator.key(row.sha256)
        if own.listing is not None and not own.listing.may_have(item.source.path):
            edited = False
            item.key = view_key_of(mentions, own.rules_digest, document_pass=True)
        else:
            store = open_for(item.source.path, row.sha256, None, read_only=True, rules=self.rules)
            edited = bool(store.log)
            item.key = view_key(mentions, store.effective, document_pass=True)
        if item.key == row.view_key:
            return None
        info = self.annotator.info
        moved = edited or (row.model, row.model_version) != (info.name, info.version)
        if not moved and touched is not None and row.id not in touched:
            item.only_key = True
        return "changed"

    def _touched(self, query: CorpusQuery) -> set[int] | None:
        """The documents whose text holds what a rule added or taken back since the last
        refresh names (None when that is not known: every changed document is derived)."""
        if self._kept is None or self.rules is None:  # the rules of each document's own folders
            return None
        kept = [Correction.from_data(item) for item in json.loads(self._kept)]
        before, now = _rule_set(kept), _rule_set(self._rules())
        touched: set[int] = set()
        for rule in before ^ now:
            for name in named_loosely(Correction.from_data(json.loads(rule))):
                touched |= query.holding(fts_query(f'"{name}"'))
        return touched

    def _rules(self) -> list[Correction]:
        return [c for store in self.rules or () for c in store.log]

    def first(self, path: str) -> None:
        """Do this document (a real path) next, if it waits."""
        name = index_name(path)
        with self._lock:
            for item in self._queue:
                if item.name == name:
                    self._queue.remove(item)
                    self._queue.appendleft(item)
                    return

    # -- doing it -----------------------------------------------------------------------------

    def run(self, cancel: threading.Event) -> Iterator[Change]:
        """Do the work planned, yielding what became of each document as it is done (an
        index with nothing to do is not even opened for writing)."""
        rules = json.dumps([c.as_data() for c in self._rules()], sort_keys=True)
        with self._lock:
            idle = not self._queue
        if idle and not self.gone and rules == self._kept:
            return
        with CorpusIndex(self.index_path) as index:
            if self.gone:
                index.forget(self.gone)
            for item, found in self.annotator.annotate_many(self._items(cancel), _text_of):
                change = self._finish(index, item, found)
                yield change
                if cancel.is_set():
                    return
            if not cancel.is_set():
                index.set_meta("rules", rules)

    def _items(self, cancel: threading.Event) -> Iterator[_Work]:
        while not cancel.is_set():
            with self._lock:
                if not self._queue:
                    return
                item = self._queue.popleft()
            yield self._read(item)

    def _read(self, item: _Work) -> _Work:
        """Read a document unless only its key changes; a failure is its change."""
        if item.only_key:
            return item
        try:
            data = read_bytes(item.source.path)
            document = from_bytes(data, item.source.path, self.format_in, limit=self.limit)
            store = open_for(
                item.source.path, document.sha256, None, read_only=True, rules=self.rules
            )
        except EntityReaderError as error:
            item.change = Change(item.name, "failed", str(error))
            return item
        except Exception as error:  # one file's bug must not stop the others
            item.change = Change(item.name, "failed", f"{type(error).__name__}: {error}")
            return item
        item.document, item.store = document, store
        item.key = view_key(
            self.annotator.key(document.sha256), store.effective, document_pass=True
        )
        return item

    def _finish(
        self, index: CorpusIndex, item: _Work, found: tuple[Mention, ...] | Lost | None
    ) -> Change:
        if item.only_key:
            index.set_view_key(item.name, item.key)
            return Change(item.name, "done")
        if item.change is not None:
            index.failed(item.name, item.change.error or "", item.stat)
            return item.change
        document, store = item.document, item.store
        assert document is not None and store is not None
        if not isinstance(found, tuple):
            error = found.reason if isinstance(found, Lost) else "not annotated"
            index.failed(item.name, error, item.stat)
            return Change(item.name, "failed", error)
        annotations = annotations_of(document, found, store.effective, self.annotator.info)
        index.put_annotations(item.name, annotations, item.key, item.stat)
        return Change(item.name, "done")


class _Own:
    """What tells, during one plan, the documents with corrections of their own: the folder
    of corrections listed once, and the digest of the rules alone (the view key's part for
    every other document). Without ``rules`` (each document's own folders' rules apply),
    every document's corrections are opened."""

    def __init__(self, rules: Sequence[CorrectionStore] | None) -> None:
        self.listing = CorrectionsListing() if rules is not None else None
        self.rules_digest = edits_digest(effective_edits(rules or (), ()))


def _kind(item: _Work) -> int:
    return 2 if item.only_key else 1 if item.row is None else 0


def _text_of(item: _Work) -> tuple[str, str] | None:
    if item.document is None:
        return None
    return item.document.text, item.document.sha256


def _rule_set(rules: list[Correction]) -> set[str]:
    return {json.dumps(rule.as_data(), sort_keys=True) for rule in rules}
