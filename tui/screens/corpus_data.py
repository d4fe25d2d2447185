"""`CorpusData`: a screen holding a `Corpus`, loaded from the index off the UI thread and kept
in step with the folder by a background refresh (`extract.corpus_refresh`): pending documents
are read by the model, changed ones again, and the lists follow as documents are indexed."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from extract.corpus_query import CorpusQuery, DocumentRow
from extract.corpus_refresh import Change, CorpusRefresh
from extract.errors import EntityReaderError
from tui.corpus_app import CorpusSession
from tui.corpus_state import Corpus, DocumentItem, Status, load, with_statuses

RELOAD_PERIOD = 1.0
"""Least seconds between two loads of the lists while documents are being indexed."""

LINK_APART = 5000
"""Keys above which the links between them are computed in a process of their own (seconds
of work that would make the screen stutter)."""


class CorpusData(Screen[None]):
    """Holds the corpus the screen lists (see the module's description)."""

    corpus: var[Corpus] = var(Corpus(""), init=False, always_update=True)
    """What is listed: every load replaces it."""
    progress: var[tuple[int, int]] = var((0, 0), init=False)
    """Documents brought up to date, of those that needed it."""

    @dataclass
    class Loaded(Message):
        """A load of the index is done."""

        corpus: Corpus
        seconds: float
        rows: list[DocumentRow]
        """The documents as the index held them (the first refresh plans with them)."""

    @dataclass
    class Planned(Message):
        """A refresh knows what needs doing."""

        statuses: dict[str, Status]

    @dataclass
    class Refreshed(Message):
        """A document was brought up to date (or failed)."""

        change: Change

    @dataclass
    class Stopped(Message):
        """A refresh ended: done, or with this error (the model cannot run)."""

        error: str | None
        cancel: threading.Event
        """The refresh's own (a newer refresh has another)."""
        changed: bool = True
        """Whether it wrote anything the lists show (else they need no new load)."""

    def __init__(self, session: CorpusSession) -> None:
        super().__init__()
        self.session = session
        self._statuses: dict[str, Status] = {}
        self._gone: dict[str, DocumentItem] = {}
        """Documents seen gone from the folder: listed as such for the rest of the session."""
        self._query: CorpusQuery | None = None
        self._cancel = threading.Event()
        self._dirty = False
        self._loading = False
        self._refreshing = False
        self._first_refresh = True
        """The first refresh waits for the first load (they would slow each other down)."""
        self._recent: list[str] = []
        self._refresher: CorpusRefresh | None = None
        self.last_read: str | None = None
        """The document opened in the reader last."""
        self.load_seconds = 0.0
        """How long the last load took (the benchmark reads it)."""

    @property
    def corpus_query(self) -> CorpusQuery:
        """The index, read on this (the UI) thread."""
        if self._query is None:
            self._query = CorpusQuery(self.session.index_path)
        return self._query

    def on_mount(self) -> None:
        self._refreshing = True  # from now: the refresh starts when the lists show
        # What the app made to open lives as long as it: out of the cyclic collector, whose
        # full passes (the load makes tens of thousands of objects) would walk it again.
        gc.freeze()
        self.load_index()
        self.set_interval(RELOAD_PERIOD, self._reload_if_dirty)

    def on_unmount(self) -> None:
        self._cancel.set()
        if self._query is not None:
            self._query.close()

    # -- loading --------------------------------------------------------------------------

    def load_index(self) -> None:
        """Read the documents and entities from the index again, off the UI thread."""
        self._loading = True
        self._load(dict(self._statuses), list(self._gone.values()))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def _load(self, statuses: dict[str, Status], gone: list[DocumentItem]) -> None:
        started = time.monotonic()
        try:
            query = CorpusQuery(self.session.index_path)
            try:
                rows, entities = query.documents(), query.entities()
            finally:
                query.close()
        except sqlite3.Error as error:  # the index is told, and read again at the next change
            self.app.call_from_thread(self._unreadable, str(error))
            return
        session = self.session
        corpus = load(session.folder, session.sources, rows, entities, statuses, gone)
        self.post_message(self.Loaded(corpus, time.monotonic() - started, rows))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._loading = False
        self.load_seconds = message.seconds
        self._gone.update((d.path, d) for d in message.corpus.documents if d.status == "gone")
        # What a refresh said since the load began (it reads in a thread of its own) holds too.
        self.corpus = with_statuses(message.corpus, self._statuses)
        # A corpus's tens of thousands of documents and entities live until the next load:
        # kept out of the cyclic collector, whose full passes over them stall the screen.
        gc.freeze()
        if self._first_refresh:  # once the lists are drawn
            self._first_refresh = False
            self.call_after_refresh(self._refresh_first, self._cancel, message.rows)

    def _unreadable(self, error: str) -> None:
        self._loading = False
        if self._first_refresh:
            self.refresh_index()
        self.notify(f"Cannot read the index {self.session.index_path}: {error}", title="Corpus", severity="error", timeout=10)  # fmt: skip

    def _reload_if_dirty(self) -> None:
        if self._dirty and not self._loading:
            self._dirty = False
            self.load_index()

    @property
    def settled(self) -> bool:
        """Whether the lists show the index as it is, with nothing left to bring up to date."""
        working = self._refreshing or self._dirty or self._loading
        return self.corpus.loaded and not working

    def index_changed(self) -> None:
        """Something wrote to the index (a document read in the reader): load it again."""
        self._dirty = True

    # -- refreshing -----------------------------------------------------------------------

    def refresh_index(self, rows: list[DocumentRow] | None = None) -> None:
        """Bring the index up to date with the folder, the corrections and the rules, in the
        background (a refresh under way stops between two documents); ``rows``: the
        documents as the index holds them, if just read."""
        self._first_refresh = False
        self._cancel.set()
        self._cancel = threading.Event()
        self._refreshing = True
        self._refresh(self._cancel, rows)

    def _refresh_first(self, before: threading.Event, rows: list[DocumentRow]) -> None:
        """The first refresh, unless the screen was left, an export took over or another
        refresh began meanwhile (``before``: the cancel event when it was asked for)."""
        if self._cancel is before and not before.is_set():
            self.refresh_index(rows)

    def opened(self, path: str) -> None:
        """A document is opened in the reader: it goes first, in this refresh and the next."""
        self.last_read = path
        if path in self._recent:
            self._recent.remove(path)
        self._recent.insert(0, path)
        if self._refresher is not None:
            self._refresher.first(path)

    def recent(self) -> list[str]:
        """Documents read lately, most recent first: this session's, then the remembered."""
        remembered = []
        positions = getattr(self.app, "positions", None)
        if positions is not None:
            remembered = list(reversed(positions.paths()))
        return [*self._recent, *(p for p in remembered if p not in self._recent)]

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False, description="refresh")
    def _refresh(self, cancel: threading.Event, rows: list[DocumentRow] | None) -> None:
        session = self.session
        refresher = CorpusRefresh(
            session.index_path,
            session.annotator,
            rules=session.all_rules,
            format_in=session.format_in,
            limit=session.limit,
        )
        try:
            statuses = refresher.plan(session.sources, self.recent(), rows)
            self._refresher = refresher
            self.post_message(self.Planned(statuses))
            changed = bool(refresher.gone)
            for change in refresher.run(cancel):
                changed = True
                self.post_message(self.Refreshed(change))
            if not cancel.is_set():
                changed = _relink(session) or changed
        except EntityReaderError as error:
            self.post_message(self.Stopped(str(error), cancel))
            return
        except Exception as error:  # a bug must not pass silently in a background thread
            self.post_message(self.Stopped(f"{type(error).__name__}: {error}", cancel))
            raise
        self.post_message(self.Stopped(None, cancel, changed))

    @on(Planned)
    def _planned(self, message: Planned) -> None:
        self._statuses.update(message.statuses)
        work = sum(1 for status in message.statuses.values() if status != "gone")
        self.progress = (0, work)
        if message.statuses:
            self.corpus = with_statuses(self.corpus, self._statuses)

    @on(Refreshed)
    def _refreshed(self, message: Refreshed) -> None:
        change = message.change
        self._statuses[change.path] = change.status
        done, total = self.progress
        self.progress = (min(total, done + 1), total)
        self._dirty = True

    @on(Stopped)
    def _stopped(self, message: Stopped) -> None:
        self._dirty = self._dirty or message.changed
        if message.cancel is not self._cancel:
            return  # a refresh replaced by a newer one
        self._refreshing = False
        self.progress = (self.progress[1], self.progress[1])
        self.mutate_reactive(CorpusData.progress)  # what the state line says, now it stopped
        if message.error is not None:
            self.notify(message.error, title="Model", severity="error", timeout=10)


def _relink(session: CorpusSession) -> bool:
    """Link the keys again if documents brought new ones: here for a small corpus, in a
    process of its own for a large one. Whether it did."""
    from extract.corpus_query import CorpusQuery, relink_if_stale

    query = CorpusQuery(session.index_path)
    try:
        if query.links_current():
            return False
        large = query.key_count() > LINK_APART
    finally:
        query.close()
    if not large:
        return relink_if_stale(session.index_path)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(relink_if_stale, session.index_path).result()
