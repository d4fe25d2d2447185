"""`ReaderScreen`: the article, the sidebar, the mentions panel; navigation and annotation."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from dataclasses import replace
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, ProgressBar
from textual.worker import Worker, get_current_worker

from extract import corrections
from extract.categories import (
    ALL_LABELS,
    CATEGORIES,
    CATEGORY_BY_KEY,
    LABEL_DESCRIPTIONS,
    category_of,
)
from extract.corrections import Correction, CorrectionStore
from extract.document import Document
from extract.errors import EntityReaderError
from extract.index import MentionIndex, position_in
from extract.model import Entity, Mention
from extract.ner import Annotator
from extract.positions import Positions
from tui.bindings import READER_KEYS
from tui.layout import plain
from tui.messages import AnnotationFailed, MentionsFound
from tui.reading import Notice, Progress, Reading, View, derive, snap_to_words
from tui.screens.chooser import Chooser
from tui.screens.confirm import Confirm
from tui.screens.help import HelpScreen
from tui.widgets.article import ArticleView
from tui.widgets.density import DensityStrip
from tui.widgets.mentions import MentionsPanel
from tui.widgets.sidebar import Sidebar

SIDEBAR_PERIOD = 2.0
"""Seconds between sidebar rebuilds while the model streams (each costs tens of ms)."""

DERIVE_PAUSE = 0.25
"""Least seconds between two derivations while the model streams."""


class ReaderScreen(Screen[None]):
    """Reads one document; everything shown derives from its `Reading`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key.keys, key.action, key.short or key.description, show=key.show)
        for key in READER_KEYS
        if key.group != "Move"
    ]

    reading: var[Reading] = var(Reading(""), init=False, always_update=True)
    """The state of the reading: every change replaces it."""

    def __init__(
        self,
        document: Document,
        annotator: Annotator | None,
        *,
        positions: Positions | None = None,
        store: CorrectionStore | None = None,
    ) -> None:
        super().__init__()
        self.document = document
        self.annotator = annotator
        self.positions = positions
        self.store = store
        self.model_mentions: list[Mention] = []
        """Every mention the model has found so far, in the order found."""
        progress = Progress("off" if annotator is None else "running", 0, len(document.text))
        self.set_reactive(ReaderScreen.reading, Reading(document.text, progress=progress))
        self._ready = False
        self._panels_ready = False
        self._sidebar_built = 0.0
        self._sidebar_timer: Timer | None = None
        self._cancel = threading.Event()
        self._derive_timer: Timer | None = None
        self._deriving = False
        self._stale = False
        self._derive_pause = DERIVE_PAUSE
        self._next_derive = 0.0
        self._all_found = False
        """Whether the model has found every mention (the last batch is in)."""

    # -- what the rest of the program reads -----------------------------------------------

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
    def match(self) -> tuple[int, int] | None:
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

    # -- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label(plain(self._title()), id="title", markup=False)
            yield ProgressBar(total=max(1, len(self.document.text)), show_eta=False, id="progress")
            yield Label("", id="ner-state", markup=False)
        with Horizontal(id="main"):
            yield ArticleView(self.document.text, id="article")
            yield DensityStrip(id="density")
            # The sidebar and the mentions panel are mounted just after the first frame,
            # so the text shows as soon as a bare viewer's would.
            yield Vertical(id="side")
        with Horizontal(id="statusbar"):
            yield Label("", id="status", markup=False)
            yield Label("", id="status-side", markup=False)
        yield Input(placeholder="search the text (Enter to go, escape to cancel)", id="search")
        yield Footer()

    def _title(self) -> str:
        model = self.annotator.info.name if self.annotator else "no model (--no-ner)"
        return f"{self.document.name} · {model}"

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    async def _mount_panels(self) -> None:
        side = self.query_one("#side")
        if not side.is_attached or self._panels_ready:
            return
        await side.mount(Sidebar(id="sidebar"), MentionsPanel(id="mentions"))
        self._panels_ready = True
        self._show(self.reading, None)

    def on_mount(self) -> None:
        self._ready = True
        self.call_after_refresh(self._mount_panels)
        self.article.focus()
        self.query_one("#search").display = False
        if self.positions is not None:
            offset = self.positions.get(self.document.source, self.document.sha256)
            if offset is not None and offset < len(self.document.text):
                self.article.restore_top(offset)
        self.watch(self.article, "scroll_y", self._scrolled, init=False)
        if self.annotator is not None:
            cached = self.annotator.cached(self.document.text, self.document.sha256)
            if self.annotator.cache is not None:
                for problem in self.annotator.cache.problems:
                    self.notify(problem, title="Cache", severity="warning", timeout=8)
            if cached is not None:
                total = len(self.document.text)
                self.model_mentions = cached
                self.reading = self.reading.with_progress(Progress("done", total, total, True))
                self._all_found = True
                self._derive_here()
            else:
                self.call_after_refresh(self._start_annotation)
        if not self.document.text.strip():
            self.notify("This file is empty: there is nothing to read.", title="Empty")
        self._show(self.reading, None)

    def _start_annotation(self) -> None:
        start, end = self.article.visible_range()
        self._annotate((start, end + 2000))

    @work(thread=True, exclusive=True, group="annotation", exit_on_error=False)
    def _annotate(self, first: tuple[int, int]) -> None:
        """Run the model in the background, posting the mentions of each batch."""
        assert self.annotator is not None
        worker = get_current_worker()
        try:
            for batch in self.annotator.annotate(
                self.document.text, self.document.sha256, first=first, cancel=self._cancel
            ):
                if worker.is_cancelled:
                    self._cancel.set()
                    return
                self.post_message(
                    MentionsFound(batch.mentions, batch.done, batch.total, batch.cached)
                )
        except EntityReaderError as error:
            self.post_message(AnnotationFailed(str(error)))
        except Exception as error:  # a bug must not pass silently in a background thread
            self.post_message(
                AnnotationFailed(f"annotation stopped: {type(error).__name__}: {error}")
            )
            raise

    def on_unmount(self) -> None:
        self._cancel.set()

    # -- deriving the view ----------------------------------------------------------------

    @on(MentionsFound)
    def _found(self, message: MentionsFound) -> None:
        self.model_mentions.extend(message.mentions)
        self._all_found = message.done >= message.total
        # Done only once the view holds every mention (see _take).
        progress = Progress("running", message.done, message.total, message.cached)
        self.reading = self.reading.with_progress(progress)
        self._derive_soon()

    def _derive_soon(self) -> None:
        """Derive the view again, in the background, once the last derivation has settled."""
        if self._deriving:
            self._stale = True
            return
        if self._derive_timer is None:
            wait = max(0.01, self._next_derive - time.monotonic())  # a timer of 0 never fires
            self._derive_timer = self.set_timer(wait, self._derive_later)

    def _derive_later(self) -> None:
        self._derive_timer = None
        self._deriving, self._stale = True, False
        log = tuple(self.store.log) if self.store is not None else ()
        self._derive(tuple(self.model_mentions), log, self.shown, self._all_found)

    @work(thread=True, exclusive=True, group="derive", exit_on_error=False)
    def _derive(
        self,
        mentions: tuple[Mention, ...],
        log: tuple[Correction, ...],
        shown: frozenset[str],
        complete: bool,
    ) -> None:
        """Group the model's mentions with the corrections off the UI thread."""
        worker = get_current_worker()
        started = time.monotonic()
        view = derive(self.document.text, mentions, log, shown)
        spent = time.monotonic() - started
        if worker.is_cancelled:
            return
        # Applied while this worker still runs: a correction made meanwhile cancels it, and
        # then this older view is dropped. (RuntimeError: the app has stopped.)
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self._derived, view, worker, spent, complete)

    def _derived(self, view: View, worker: Worker[None], spent: float, complete: bool) -> None:
        if worker.is_cancelled:
            return
        self._deriving = False
        # Grouping holds the interpreter: keep it a small share of the time.
        self._derive_pause = max(DERIVE_PAUSE, spent * 4)
        self._next_derive = time.monotonic() + self._derive_pause
        self._take(view, complete=complete)
        if self._stale:
            self._derive_soon()

    def _derive_here(self) -> None:
        """Derive the view at once, on this thread (a correction, the cached first frame)."""
        self.workers.cancel_group(self, "derive")
        if self._derive_timer is not None:
            self._derive_timer.stop()
            self._derive_timer = None
        self._deriving = self._stale = False
        log = list(self.store.log) if self.store is not None else []
        view = derive(self.document.text, self.model_mentions, log, self.shown)
        self._take(view, complete=self._all_found)

    def _take(self, view: View, *, complete: bool) -> None:
        reading = self.reading.with_view(view)
        progress = reading.progress
        if complete and progress.state == "running":
            reading = reading.with_progress(replace(progress, state="done"))
        self.reading = reading
        # Tens of thousands of mentions and entities live as long as the reader: keep them out
        # of the cyclic collector, whose full passes over them stalled the screen for 30-70 ms.
        gc.freeze()

    @on(AnnotationFailed)
    def _failed(self, message: AnnotationFailed) -> None:
        self.reading = self.reading.with_progress(Progress("failed"))
        self.notify(message.reason, title="Model", severity="error", timeout=10)

    # -- showing the reading --------------------------------------------------------------

    def watch_reading(self, old: Reading, new: Reading) -> None:
        self._show(new, old)

    def _show(self, new: Reading, old: Reading | None) -> None:
        """Bring every part of the screen in step with the reading."""
        if not self._ready:
            return
        article = self.article
        if old is None or new.view is not old.view:
            article.set_index(new.view.index)
        if old is None or new.current is not old.current:
            # Scrolled into view only when it moved: a new view finds it again in place.
            moved = old is None or _span(new.current) != _span(old.current)
            article.set_current(new.current, scroll=moved)
        if old is None or new.match != old.match:
            article.set_match(new.match)
        self._show_progress(new)
        if self._panels_ready:
            if old is None or new.view is not old.view or new.by_first != old.by_first:
                self._refresh_sidebar(now=old is None or new.by_first != old.by_first)
            if old is None or new.entity != old.entity:
                self._show_entity(new.entity)
            self.query_one(MentionsPanel).mark(new.current)
        self._update_status()

    def _show_progress(self, reading: Reading) -> None:
        progress = reading.progress
        bar = self.query_one(ProgressBar)
        view = reading.view
        if progress.state == "off":
            bar.display = False
            text = "no entities: started with --no-ner"
        elif progress.state == "failed":
            bar.display = False
            text = "no entities: the model failed"
        elif progress.state == "running":
            bar.update(total=max(1, progress.total), progress=progress.done)
            text = f"annotating… {len(view.entities)} entities"
        else:
            bar.display = False
            cached = " (cached)" if progress.cached else ""
            text = f"{len(view.entities)} entities · {view.mention_count} mentions{cached}"
        self.query_one("#ner-state", Label).update(text)

    def recolour(self) -> None:
        """Redraw everything drawn in category colours (after a change of theme)."""
        self.article.set_index(self.index)
        if self._panels_ready:
            self._refresh_sidebar(now=True)
            self._show_entity(self.current_entity)
        self.query_one(DensityStrip).refresh()

    def _refresh_sidebar(self, *, now: bool = False) -> None:
        """Rebuild the sidebar; while the model streams, at most every couple of seconds."""
        if not self._panels_ready:
            return
        wait = SIDEBAR_PERIOD - (time.monotonic() - self._sidebar_built)
        if now or self.annotation_done or wait <= 0:
            if self._sidebar_timer is not None:
                self._sidebar_timer.stop()
                self._sidebar_timer = None
            self._sidebar_built = time.monotonic()
            self.sidebar.show(self.entities, self.shown, by_first=self.reading.by_first)
        elif self._sidebar_timer is None:
            self._sidebar_timer = self.set_timer(wait, self._deferred_sidebar)

    def _deferred_sidebar(self) -> None:
        self._sidebar_timer = None
        self._refresh_sidebar(now=True)

    def _show_entity(self, entity: Entity | None) -> None:
        if not self._panels_ready:
            return
        self.query_one(MentionsPanel).show(entity, self.document.text)
        density = self.query_one(DensityStrip)
        if entity is None:
            density.show([], "other", len(self.document.text))
        else:
            density.show(
                [m.start for m in entity.mentions], entity.category, len(self.document.text)
            )

    def _update_status(self) -> None:
        status = self.query_one("#status", Label)
        if self.current is not None and self.current_entity is not None:
            entity = self.current_entity
            category = CATEGORY_BY_KEY[entity.category].singular
            place = position_in(entity, self.current)
            status.update(
                f"{plain(entity.name)} · {category} · mention {place}/{len(entity.mentions)}"
            )
        else:
            article = self.article
            layout = article.layout
            top = article.top_offset
            line = layout.line_of_row(layout.row_of(top)) + 1
            lines = len(layout.lines)
            share = 100 * top // max(1, len(self.document.text))
            status.update(f"line {line} of {lines}{self._section_status(top)} · {share}%")
        side = self.query_one("#status-side", Label)
        side.update(
            f"search: {plain(self.reading.query)}  (n/N)"
            if self.search_active and self.reading.query
            else ""
        )

    def _section_status(self, offset: int) -> str:
        """`` · page 3/10`` or `` · chapter 2/12`` for the section holding ``offset``, if any."""
        sections = self.document.sections
        found = self.document.section_at(offset)
        if found is None:
            return ""
        return f" · {sections[found].kind} {found + 1}/{len(sections)}"

    def _scrolled(self) -> None:
        start, end = self.article.visible_range()
        self.query_one(DensityStrip).set_view(start, end)
        if self.current is None:
            self._update_status()

    # -- actions --------------------------------------------------------------------------

    def _move(self, step: tuple[Reading, Notice | None]) -> None:
        """Take a step of the reading, and say what it has to say."""
        reading, notice = step
        self.reading = reading
        if notice is not None:
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)

    def action_next_mention(self) -> None:
        """Next mention of any entity in the shown categories."""
        self._move(self.reading.step(forward=True, visible=self.article.visible_range()))

    def action_previous_mention(self) -> None:
        """Previous mention of any entity in the shown categories."""
        self._move(self.reading.step(forward=False, visible=self.article.visible_range()))

    def action_next_same(self) -> None:
        """Next mention of the current entity, or the next search match after a search."""
        self._move(self.reading.step_same(forward=True, visible=self.article.visible_range()))

    def action_previous_same(self) -> None:
        """Previous mention of the current entity, or the previous search match."""
        self._move(self.reading.step_same(forward=False, visible=self.article.visible_range()))

    def action_search(self) -> None:
        """Open the search box."""
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.reading.query or ""
        box.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        box = self.query_one("#search", Input)
        box.display = False
        self.article.focus()
        if event.value:
            self._move(self.reading.search(event.value, visible=self.article.visible_range()))

    def on_key(self, event: Key) -> None:
        box = self.query_one("#search", Input)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.article.focus()

    def action_toggle_category(self, number: int) -> None:
        """Show or hide the highlights and sidebar section of a category."""
        self._move(self.reading.toggle(CATEGORIES[number - 1].key))

    def action_toggle_order(self) -> None:
        """Sort the sidebar by count, or by first appearance."""
        self._move(self.reading.toggle_order())

    def action_goto_entity(self) -> None:
        """Choose an entity by name (fuzzy) and go to its first mention."""
        choices = [
            (e.id, e.name, f"{CATEGORY_BY_KEY[e.category].singular} · {len(e.mentions)}")
            for e in sorted(self.entities, key=lambda e: -len(e.mentions))
            if e.category in self.shown
        ]

        def chosen(entity_id: str | None) -> None:
            if entity_id:
                self.choose_entity(entity_id)

        self.app.push_screen(Chooser("Go to entity", choices), chosen)

    def action_goto_section(self) -> None:
        """Choose a chapter (EPUB) or page (PDF) and show it from its start."""
        sections = self.document.sections
        if not sections:
            self.notify("This document has no chapters or pages to go to.", timeout=3)
            return
        total = max(1, len(self.document.text))
        text = self.document.text
        choices = []
        for number, section in enumerate(sections):
            share = f"{100 * section.start // total}%"
            if section.kind == "page":
                first = text[section.start : section.start + 60].split("\n", 1)[0]
                choices.append((str(number), section.title, f"{share} · {plain(first)}"))
            else:
                choices.append(
                    (str(number), section.title, f"chapter {number + 1}/{len(sections)} · {share}")
                )

        def chosen(number: str | None) -> None:
            if number is not None:
                self.go_to_section(int(number))

        self.app.push_screen(Chooser(f"Go to {sections[0].kind}", choices), chosen)

    def go_to_section(self, number: int) -> None:
        """Scroll so that section ``number`` starts at the top of the article."""
        self.article.scroll_to_offset(self.document.sections[number].start, top=True)
        self.article.focus()
        self._update_status()

    def choose_entity(self, entity_id: str) -> None:
        """Make an entity current at its first mention."""
        self.reading = self.reading.choose(entity_id)
        if self._panels_ready:
            self.sidebar.select_entity(entity_id)

    @on(Sidebar.EntityChosen)
    def _entity_chosen(self, message: Sidebar.EntityChosen) -> None:
        self.choose_entity(message.entity_id)
        self.article.focus()

    @on(MentionsPanel.MentionChosen)
    def _mention_chosen(self, message: MentionsPanel.MentionChosen) -> None:
        self.reading = self.reading.at(message.mention)

    @on(DensityStrip.Jump)
    def _density_jump(self, message: DensityStrip.Jump) -> None:
        self.article.scroll_to_offset(int(message.fraction * len(self.document.text)), top=True)

    def action_help(self) -> None:
        """Show every key."""
        self.app.push_screen(HelpScreen())

    def action_export(self) -> None:
        """Export the annotations."""
        from tui.screens.export import ExportScreen

        self.app.push_screen(
            ExportScreen(self.document, self.entities, self.annotator, done=self.annotation_done)
        )

    # -- corrections ----------------------------------------------------------------------

    def _correct(self, correction: Correction, done: str) -> None:
        """Record an edit (saved at once), then show its effect everywhere."""
        if self.store is None:
            self.notify("Corrections are off for this file.", severity="warning")
            return
        try:
            self.store.do(correction)
        except (OSError, EntityReaderError) as error:
            self.notify(f"Could not save the correction: {error}", severity="error", timeout=8)
            return
        self._derive_here()
        self.notify(done, timeout=3)

    def _need_entity(self) -> Entity | None:
        if self.current_entity is None or self.current is None:
            self.notify("No current entity: press ] or choose one in the sidebar.", timeout=3)
            return None
        return self.current_entity

    def _label_choices(self) -> list[tuple[str, str, str]]:
        return [
            (
                label,
                label,
                f"{CATEGORY_BY_KEY[category_of(label)].singular} · {LABEL_DESCRIPTIONS.get(label, '')}",
            )
            for label in ALL_LABELS
        ]

    def action_relabel(self) -> None:
        """Choose a label for every mention of the current entity."""
        entity = self._need_entity()
        if entity is None:
            return

        def chosen(label: str | None) -> None:
            if label:
                self._correct(
                    corrections.relabel(entity, label),
                    f"{entity.name}: every mention is now {label}.",
                )

        self.app.push_screen(Chooser(f"Relabel {entity.name}", self._label_choices()), chosen)

    def action_remove_entity(self) -> None:
        """The current entity is not an entity."""
        entity = self._need_entity()
        if entity is not None:
            self._correct(
                corrections.remove(entity),
                f"Removed {entity.name} ({len(entity.mentions)} mentions). u undoes.",
            )

    def action_remove_mention(self) -> None:
        """Remove only the current mention."""
        current = self.current
        if self._need_entity() is None or current is None:
            return
        self._correct(
            corrections.remove_mention(self.document.text, current),
            f"Removed this mention of {current.text!r}. u undoes.",
        )

    def action_add(self) -> None:
        """Mark the search match or the mouse selection as an entity."""
        selection = self.article.selection
        span = selection or self.match
        if span is None or span[0] >= span[1]:
            self.notify(
                "Select text with the mouse, or search for it with /, then press a.", timeout=4
            )
            return
        text = self.document.text
        snapped = snap_to_words(text, span, words=selection is not None)
        if snapped is None:
            return
        start, end = snapped
        piece = text[start:end]

        def chosen(label: str | None) -> None:
            if not label:
                return
            others = [o for o in corrections.occurrences(text, piece) if o != (start, end)]
            if not others:
                self._add(start, end, label, everywhere=False)
                return

            def confirmed(everywhere: bool | None) -> None:
                self._add(start, end, label, everywhere=bool(everywhere))

            self.app.push_screen(
                Confirm(
                    f"Label the {len(others)} other occurrences of {piece!r} too?",
                    yes="All (y)",
                    no="Only this (n)",
                ),
                confirmed,
            )

        self.app.push_screen(Chooser(f"Label for {piece!r}", self._label_choices()), chosen)

    def _add(self, start: int, end: int, label: str, *, everywhere: bool) -> None:
        self.article.clear_selection()
        self._correct(
            corrections.add(self.document.text, start, end, label, everywhere=everywhere),
            f"Added {self.document.text[start:end]!r} as {label}{' everywhere' if everywhere else ''}.",
        )
        reading = self.reading.leave_search()
        found = reading.view.index.find(start, end)
        self.reading = reading.at(found) if found is not None else reading

    def action_merge(self) -> None:
        """Merge the current entity into another one."""
        entity = self._need_entity()
        if entity is None:
            return
        choices = [
            (e.id, e.name, f"{CATEGORY_BY_KEY[e.category].singular} · {len(e.mentions)}")
            for e in sorted(self.entities, key=lambda e: -len(e.mentions))
            if e.id != entity.id
        ]

        def chosen(target_id: str | None) -> None:
            target = next((e for e in self.entities if e.id == target_id), None)
            if target is not None:
                self._correct(
                    corrections.merge(entity, target), f"Merged {entity.name} into {target.name}."
                )

        self.app.push_screen(Chooser(f"Merge {entity.name} into…", choices), chosen)

    def action_split(self) -> None:
        """Make the current mention an entity of its own."""
        entity = self._need_entity()
        current = self.current
        if entity is None or current is None:
            return
        if len(entity.mentions) == 1:
            self.notify(f"{entity.name} has only this mention.", timeout=3)
            return
        self._correct(
            corrections.split(self.document.text, current),
            f"Split this mention out of {entity.name}.",
        )

    def action_undo(self) -> None:
        """Take back the last correction."""
        self._step_history("undo")

    def action_redo(self) -> None:
        """Do again the last correction undone."""
        self._step_history("redo")

    def _step_history(self, way: Literal["undo", "redo"]) -> None:
        if self.store is None:
            self.notify(f"Nothing to {way}.", timeout=2)
            return
        try:
            changed = self.store.undo() if way == "undo" else self.store.redo()
        except (OSError, EntityReaderError) as error:
            self.notify(f"Could not save the {way}: {error}", severity="error", timeout=8)
            return
        if changed is None:
            self.notify(f"Nothing to {way}.", timeout=2)
            return
        self._derive_here()
        what = changed.op.replace("_", " ")
        hint = " ctrl+r redoes." if way == "undo" else ""
        self.notify(f"{'Undid' if way == 'undo' else 'Redid'} {what}.{hint}", timeout=3)

    def save_position(self) -> None:
        """Remember where the reader is in this file."""
        if self.positions is not None:
            self.positions.put(self.document.source, self.document.sha256, self.article.top_offset)

    def action_quit(self) -> None:
        """Remember the position and leave."""
        self.save_position()
        self._cancel.set()
        self.app.exit()


def _span(mention: Mention | None) -> tuple[int, int] | None:
    return (mention.start, mention.end) if mention is not None else None
