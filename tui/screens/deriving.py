"""`DerivingScreen`: the view of one document kept derived from the model's mentions and the
user's corrections, always off the UI thread, so keys are answered while a book's view is made.

One exclusive worker derives at a time. While the model streams, derivations are at least
`DERIVE_PAUSE` seconds apart (longer when they take longer); a correction (or an undo, a redo,
a corpus rule) asks for one at once, or as soon as the one under way is done. Each view comes
back with the corrections it was derived with: one derived before the latest correction is
dropped, so a view never goes back on an edit and no edit is lost, with no version numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from extract.document import Document
from extract.model import Entity, Mention
from tui.frames import uncollected
from tui.messages import AnnotationFailed, ViewDerived
from tui.reading import Reading
from tui.view import View, derive

if TYPE_CHECKING:
    from extract.annotator import Annotator
    from extract.corrections import Correction, CorrectionStore
    from tui.comparing import Gold

DERIVE_PAUSE = 0.25
"""Least seconds between two derivations while the model streams."""

APPLYING_AFTER = 0.2
"""Seconds a correction's view may take before the status says it is being applied."""

Landing = Callable[[Reading], Reading]
"""Where a correction takes the reader once its view is in (onto the mention it made)."""


class DerivingScreen(Screen[None]):
    """A screen whose `Reading` holds the view derived from the model's mentions and the
    user's corrections, derived again off the UI thread whenever either changes."""

    reading: var[Reading] = var(Reading(""), init=False, always_update=True)
    """The state of the reading: every change replaces it."""

    gold: Gold | None = None  # with --compare, what every view is compared with

    def __init__(
        self, document: Document, annotator: Annotator | None, store: CorrectionStore | None
    ) -> None:
        super().__init__()
        self.document = document
        self.annotator = annotator
        self.store = store
        self.model_mentions: list[Mention] = []
        """Every mention the model has found so far, in the order found."""
        self._all_found = False
        self._mentions_read = True
        """False while a kept view is shown whose model mentions have not been read."""
        self._document_pass: bool = getattr(annotator, "document_pass", True)
        """Whether the mentions go through the document-level pass (not imported ones)."""
        self._lang: str = annotator.info.lang if annotator is not None else "en"
        """The model's language: the pass's English cues fire only for English."""
        self._derive_timer: Timer | None = None
        self._deriving = False
        self._stale = False
        """Something changed since the derivation under way started: derive again after it."""
        self._urgent = False
        """And at once (a correction waits for it)."""
        self._next_derive = 0.0
        self._derive_worker: Worker[None] | None = None
        self._awaited = False
        """A correction is saved whose view has not come in yet."""
        self._applying: Timer | None = None
        self._landing: tuple[Landing, Mention | None] | None = None
        """The move the latest correction asks for, and the current mention when it was made."""

    def corrections(self) -> tuple[Correction, ...]:
        """The edits the view is derived with: the corpus rules that apply, then the
        document's own (see `CorrectionStore.effective`)."""
        return tuple(self.store.effective) if self.store is not None else ()

    @property
    def view_current(self) -> bool:
        """Whether the view shown holds every correction made and every mention found (no
        derivation under way or due)."""
        return not (self._deriving or self._derive_timer is not None or self._awaited)

    @property
    def applied(self) -> bool:
        """Whether the view shown holds every correction made (its view may be on its way)."""
        return not self._awaited

    def derive_edited(self, land: Landing | None = None) -> None:
        """A correction (or undo, redo, corpus rule) is saved: derive the view with it now, or
        as soon as the derivation under way is done (its view is dropped when it comes). Its
        effect shows when the view comes; if that takes long, the status says so. ``land``:
        the move to make then, unless the reader has moved meanwhile."""
        self._landing = (land, self.reading.current) if land is not None else None
        self._awaited = True
        if self._applying is None:
            self._applying = self.set_timer(APPLYING_AFTER, self._say_applying)
        self._derive_soon(at_once=True)

    def _say_applying(self) -> None:
        self._applying = None
        if self._awaited:
            self.reading = self.reading.with_applying(True)

    def _derive_soon(self, *, at_once: bool = False) -> None:
        """Derive the view again in the background: once the last derivation has settled,
        or (``at_once``) as soon as the one under way is done."""
        if self._deriving:
            self._stale = True
            self._urgent = self._urgent or at_once
        elif at_once:
            if self._derive_timer is not None:
                self._derive_timer.stop()
            self._derive_later()
        elif self._derive_timer is None:
            wait = max(0.01, self._next_derive - time.monotonic())  # a timer of 0 never fires
            self._derive_timer = self.set_timer(wait, self._derive_later)

    def _derive_later(self) -> None:
        self._derive_timer = None
        self._deriving, self._stale, self._urgent = True, False, False
        # The inputs are copied here, on the UI thread; the model's mentions are read from the
        # cache in the worker if a kept view was shown instead of them.
        mentions = tuple(self.model_mentions) if self._mentions_read else None
        shown, entities = self.reading.shown, self.reading.view.entities
        self._derive_worker = self._derive(
            mentions, self.corrections(), shown, self._all_found, entities
        )

    @work(thread=True, exclusive=True, group="derive", exit_on_error=False, description="derive")
    def _derive(
        self,
        mentions: Sequence[Mention] | None,
        log: tuple[Correction, ...],
        shown: frozenset[str],
        complete: bool,
        entities: list[Entity],
    ) -> None:
        """Group the model's mentions with the corrections, off the UI thread."""
        worker = get_current_worker()
        started = time.monotonic()
        read = None
        try:
            with uncollected():
                if mentions is None:
                    mentions = read = self._model_part(entities)
                view = self._view_of(mentions, log, shown)
        except Exception as error:  # a bug must not pass silently in a background thread
            self.post_message(
                AnnotationFailed(f"grouping stopped: {type(error).__name__}: {error}")
            )
            raise
        if not worker.is_cancelled:
            spent = time.monotonic() - started
            self.post_message(ViewDerived(view, worker, spent, complete, log, read))

    def _model_part(self, entities: list[Entity]) -> list[Mention]:
        """The model's mentions, when a kept view was shown instead of them: from the cache,
        else (the view outlived them) the model's part of the view's ``entities``."""
        assert self.annotator is not None
        cached = self.annotator.cached(self.document.text, self.document.sha256)
        if cached is not None:
            return cached
        return [
            Mention(m.start, m.end, m.model_label, m.text, "model", m.model_label)
            for e in entities
            for m in e.mentions
            if m.source == "model" and m.model_label
        ]

    def _view_of(
        self, mentions: Sequence[Mention], log: Sequence[Correction], shown: frozenset[str]
    ) -> View:
        text, document_pass = self.document.text, self._document_pass
        return derive(
            text, mentions, log, shown, document_pass=document_pass, gold=self.gold, lang=self._lang
        )

    @on(ViewDerived)
    def _derived(self, message: ViewDerived) -> None:
        if message.worker.is_cancelled:
            return
        self._deriving = False
        if message.mentions is not None:
            self.model_mentions, self._mentions_read = message.mentions, True
        # Grouping holds the interpreter: keep it a small share of the time.
        self._next_derive = time.monotonic() + max(DERIVE_PAUSE, message.spent * 4)
        if message.log == self.corrections():  # else a correction came since: derive again
            self._take(message.view, complete=message.complete)
        if self._stale:
            self._derive_soon(at_once=self._urgent)

    def _take(self, view: View, *, complete: bool) -> None:
        """Show a view that holds every correction made so far."""
        raise NotImplementedError

    def _landed(self, reading: Reading) -> Reading:
        """``reading`` (the new view's): what the corrections waited for is in; the move the
        latest asked for is made, unless the reader moved since."""
        self._awaited = False
        if self._applying is not None:
            self._applying.stop()
            self._applying = None
        landing, self._landing = self._landing, None
        if reading.applying:
            reading = reading.with_applying(False)
        if landing is not None and self.reading.current is landing[1]:
            reading = landing[0](reading)
        return reading
