"""`DocumentScreen`: a screen reading one document. The model's mentions stream in, the user's
corrections are recorded, and the one `Reading` derived from both is what its widgets show."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.reactive import var
from textual.worker import get_current_worker

from extract.annotator import Annotator, Focus
from extract.document import Document
from extract.errors import EntityReaderError
from extract.index import MentionIndex
from extract.model import Entity, Mention
from tui.frames import uncollected
from tui.messages import AnnotationFailed, MentionsFound, NothingCached, ViewDerived
from tui.reading import Notice, Progress, Reading, Span
from tui.screens.deriving import DerivingScreen, Landing
from tui.view import View, stop_passes, warm_passes

if TYPE_CHECKING:
    from extract.corrections import Correction, CorrectionStore

SHOWN_UNPLACED = 5
"""How many unplaced corrections a notification lists by name."""

AHEAD = 2000
"""Characters past the end of the view the model reads with it (the next page or two)."""


class DocumentScreen(DerivingScreen):
    """Holds the `Reading` of a document and keeps it derived from the model's mentions and
    the user's corrections. Widgets bind to ``reading`` (and ``in_view``) and show their part.

    The annotation worker only streams the model's mentions; the view is derived off this
    thread (`DerivingScreen`), after a correction too.
    """

    in_view: var[Span] = var((0, 0), init=False)
    """The offsets on screen in the article."""

    kept_opening = False  # whether a view kept from before is read (not derived) on opening

    def __init__(
        self, document: Document, annotator: Annotator | None, store: CorrectionStore | None
    ) -> None:
        super().__init__(document, annotator, store)
        progress = Progress("off" if annotator is None else "running", 0, len(document.text))
        self.set_reactive(DocumentScreen.reading, Reading(document.text, progress=progress))
        self._cancel = threading.Event()
        from extract.views import views_for

        self._views = views_for(annotator, document.sha256, self._document_pass)
        """Where derived views of this document are kept (None without a cache)."""
        self._kept_key = ""
        self._told: dict[int, int] = {}
        self._told_unplaced: set[str] = set()
        """Ids of the corrections the user was told could not be placed (told once each)."""
        self.model_focus = Focus()
        """Where the model reads next: wherever the view goes."""

    # -- what the rest of the program reads ---------------------------------------------------

    @property
    def entities(self) -> list[Entity]:
        """Every entity, with the user's corrections."""
        return self.reading.view.entities

    @property
    def index(self) -> MentionIndex:
        """The mentions of the shown categories."""
        return self.reading.view.index

    @property
    def shown(self) -> frozenset[str]:
        """Categories whose mentions are highlighted and listed."""
        return self.reading.shown

    @property
    def current(self) -> Mention | None:
        """The current mention."""
        return self.reading.current

    @property
    def current_entity(self) -> Entity | None:
        """The entity of the current mention."""
        return self.reading.entity

    @property
    def match(self) -> Span | None:
        """The search match marked in the text."""
        return self.reading.match

    @property
    def search_active(self) -> bool:
        """Whether n and N repeat the last search."""
        return self.reading.searching

    @property
    def annotation_done(self) -> bool:
        """Whether every mention is in (or there is no model)."""
        return self.reading.progress.finished

    # -- the model ----------------------------------------------------------------------------

    def read_cached(self) -> bool:
        """Whether this text was read before: then its entities come from the cache just
        after the first frame (False: `start_annotation` runs the model). A view derived
        before with the same corrections comes back as it was kept, without deriving it
        again; else the model's mentions are read and derived off this thread."""
        if self.annotator is None:
            self._tell_unplaced(self._lost_anchors())
            if self.gold is not None or (self.store is not None and self.store.log):
                # What is shown is only the user's: the entities they added, compared with
                # gold if given.
                self.call_after_refresh(self._derive_soon, at_once=True)
            return True
        log = self.corrections()
        self.kept_opening = kept = self._views is not None and self._views.exists(log)
        key = getattr(self.annotator, "key", None)
        cache = getattr(self.annotator, "cache", None)
        if not kept and (cache is None or key is None or not cache.has(key(self.document.sha256))):
            return False
        total = len(self.document.text)
        self.reading = self.reading.with_progress(Progress("running", 0, total, True))
        self._all_found = True
        self._deriving = True
        # After the first frame: the thread would hold the interpreter while it is drawn.
        self.call_after_refresh(self._begin_open, log)
        return True

    def _begin_open(self, log: tuple[Correction, ...]) -> None:
        self._derive_worker = self._open_cached(log, self.shown)

    def start_annotation(self) -> None:
        """Run the model on the text, from its start (the reader starts from what is shown)."""
        self.annotate((0, 4000))

    @work(thread=True, exclusive=True, group="derive", exit_on_error=False, description="open")
    def _open_cached(self, log: tuple[Correction, ...], shown: frozenset[str]) -> None:
        """The view of a text read before, off the UI thread: kept, or derived from the
        model's cached mentions; if neither can be read after all, the model runs."""
        assert self.annotator is not None
        worker = get_current_worker()
        started = time.monotonic()
        with uncollected():
            kept = self._views.get(self.document.text, log) if self._views is not None else None
            if kept is not None and self._views is not None:
                view = View.kept(kept, log, shown, self.gold)
                self._mentions_read = False
                self._kept_key = self._views.key(log)
            else:
                cached = self.annotator.cached(self.document.text, self.document.sha256)
                if cached is None:
                    self.post_message(NothingCached())
                    return
                self.model_mentions = cached
                view = self._view_of(cached, log, shown)
        if not worker.is_cancelled:
            self.post_message(ViewDerived(view, worker, time.monotonic() - started, True, log))

    @on(NothingCached)
    def _nothing_cached(self) -> None:
        self._deriving = False
        self._all_found = False
        total = len(self.document.text)
        self.reading = self.reading.with_progress(Progress("running", 0, total))
        self.start_annotation()

    def _cache_problems(self) -> None:
        """Say once what could not be read from the caches (set aside, rebuilt)."""
        caches = [getattr(self.annotator, "cache", None)]
        caches.append(self._views.cache if self._views is not None else None)
        for cache in filter(None, caches):
            for problem in cache.problems[self._told.get(id(cache), 0) :]:
                self.notify(problem, title="Cache", severity="warning", timeout=8)
            self._told[id(cache)] = len(cache.problems)

    def watch_in_view(self, view: Span) -> None:
        self.model_focus.move((view[0], view[1] + AHEAD))  # wherever it is, read that next

    @work(
        thread=True, exclusive=True, group="annotation", exit_on_error=False, description="annotate"
    )
    def annotate(self, first: Span) -> None:
        """Run the model in the background, on ``first`` (the part on screen) before the
        rest (then wherever the reader goes), posting the mentions of each batch."""
        assert self.annotator is not None
        worker = get_current_worker()
        warm_passes(len(self.document.text))  # (a long text's passes run in a process)
        if self.model_focus.span is None:  # else the view is known, and read first
            self.model_focus.move(first)
        focus, cancel = self.model_focus, self._cancel
        try:
            for batch in self.annotator.annotate(
                self.document.text, self.document.sha256, first=focus, cancel=cancel
            ):
                if worker.is_cancelled:
                    self._cancel.set()
                    return
                found = MentionsFound(batch.mentions, batch.done, batch.total, batch.cached)
                self.post_message(found)
        except EntityReaderError as error:
            self.post_message(AnnotationFailed(str(error)))
        except Exception as error:  # a bug must not pass silently in a background thread
            self.post_message(
                AnnotationFailed(f"annotation stopped: {type(error).__name__}: {error}")
            )
            raise

    def stop_reading(self) -> None:
        """Stop the model (between two batches)."""
        self._cancel.set()

    def on_unmount(self) -> None:
        self.stop_reading()
        stop_passes()  # a pass in the works is for no one now

    @on(MentionsFound)
    def _found(self, message: MentionsFound) -> None:
        if self.reading.progress.state == "failed":
            return  # sent before the failure stopped the model
        self.model_mentions.extend(message.mentions)
        self._all_found = message.done >= message.total
        # "done" only once the view holds every mention (see _take).
        progress = Progress("running", message.done, message.total, message.cached)
        self.reading = self.reading.with_progress(progress)
        self._derive_soon()

    @on(AnnotationFailed)
    def _failed(self, message: AnnotationFailed) -> None:
        self.stop_reading()
        self._deriving = False
        self.reading = self.reading.with_progress(Progress("failed"))
        self.notify(message.reason, title="Model", severity="error", timeout=10)
        self._tell_unplaced(self._lost_anchors())

    @work(thread=True, group="keep-view", exit_on_error=False, description="keep view")
    def _keep_view(self, view: View, log: tuple[Correction, ...]) -> None:
        """Keep a complete view for the next time this document is opened (best effort)."""
        if self._views is not None:
            self._views.put(view.entities, self.document.text, log, [c.id for c in view.unplaced])

    def _take(self, view: View, *, complete: bool) -> None:
        if complete and self._views is not None:
            log = self.corrections()
            key = self._views.key(log)
            if key != self._kept_key:
                self._kept_key = key
                self._keep_view(view, log)
        reading = self._landed(self.reading.with_view(view))
        if complete and reading.progress.state == "running":
            reading = reading.with_progress(replace(reading.progress, state="done"))
        self.reading = reading
        # Tens of thousands of mentions and entities live as long as the reader: keep them out
        # of the cyclic collector, whose full passes over them stalled the screen for 30-70 ms.
        gc.freeze()
        if complete:
            self._tell_unplaced(view.unplaced)
        self._cache_problems()

    # -- corrections that name nothing --------------------------------------------------------

    def _lost_anchors(self) -> list[Correction]:
        """Edits of single mentions whose stretch of text is gone: all that can be known to be
        unplaced without the model's mentions (no model, or it failed)."""
        return self.store.unplaced(self.document.text) if self.store is not None else []

    def _tell_unplaced(self, unplaced: Sequence[Correction]) -> None:
        """Say which corrections could not be placed, each once. Only from a view holding
        every mention: while they stream in, a relabel of a name not found yet would look
        unplaced."""
        new = [c for c in unplaced if c.id not in self._told_unplaced]
        if not new:
            return
        self._told_unplaced.update(c.id for c in new)
        from extract.corrections import describe, why_unplaced

        listed = "\n".join(f"{describe(c)} ({why_unplaced(c)})" for c in new[:SHOWN_UNPLACED])
        more = len(new) - SHOWN_UNPLACED
        self.notify(
            f"{len(new)} correction(s) could not be placed in this text; they are kept in the "
            f"file but not shown:\n{listed}" + (f"\n… and {more} more" if more > 0 else ""),
            title="Corrections",
            severity="warning",
            timeout=15,
        )

    # -- moving and correcting ----------------------------------------------------------------

    def move(self, step: tuple[Reading, Notice | None]) -> None:
        """Take a step of the reading, and say what it has to say."""
        reading, notice = step
        self.reading = reading
        if notice is not None:
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)

    def correct(self, correction: Correction, done: str, land: Landing | None = None) -> None:
        """Record an edit (saved at once); its effect shows everywhere once the view is
        derived with it (``land``: where the reader goes then, see `derive_edited`)."""
        if self.store is None:
            self.notify("Corrections are off for this file.", severity="warning")
            return
        try:
            self.store.do(correction)
        except (OSError, EntityReaderError) as error:
            self.notify(f"Could not save the correction: {error}", severity="error", timeout=8)
            return
        self.derive_edited(land)
        self.notify(done, timeout=3)

    def step_history(self, way: Literal["undo", "redo"]) -> None:
        """Undo the last correction of this session, or redo the last one undone."""
        from tui.screens.undoing import step, stepped

        if self.store is None:
            self.notify(f"Nothing to {way}.", timeout=2)
            return
        changed = step(self.store, way, self, f"Nothing to {way}.")
        if changed is not None:
            self.derive_edited()
            self.notify(stepped(changed, way), timeout=3)
