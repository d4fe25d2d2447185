"""`ReaderScreen`: the article, the sidebar, the mentions panel; navigation and annotation."""

from __future__ import annotations

import gc
import re
import threading
import time
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, ProgressBar
from textual.worker import get_current_worker

from extract import corrections
from extract.categories import (
    ALL_LABELS,
    CATEGORIES,
    CATEGORY_BY_KEY,
    LABEL_DESCRIPTIONS,
    category_of,
)
from extract.corrections import Correction, CorrectionStore, apply
from extract.document import Document
from extract.errors import EntityReaderError
from extract.index import MentionIndex, next_of, position_in
from extract.model import Entity, Mention
from extract.ner import Annotator
from extract.positions import Positions
from tui.bindings import READER_KEYS
from tui.layout import plain
from tui.messages import AnnotationFailed, MentionsArrived
from tui.screens.chooser import Chooser
from tui.screens.confirm import Confirm
from tui.screens.help import HelpScreen
from tui.widgets.article import ArticleView
from tui.widgets.density import DensityStrip
from tui.widgets.mentions import MentionsPanel
from tui.widgets.sidebar import Sidebar

ALL_CATEGORIES = frozenset(category.key for category in CATEGORIES)
SIDEBAR_PERIOD = 2.0
"""Seconds between sidebar rebuilds while the model streams (each costs tens of ms)."""


class ReaderScreen(Screen[None]):
    """Reads one document; everything shown derives from its entities and the index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key.keys, key.action, key.short or key.description, show=key.show)
        for key in READER_KEYS
        if key.group != "Move"
    ]

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
        self.version = 0
        """Bumped on every correction, so stale background results are recomputed."""
        self.model_mentions: list[Mention] = []
        self.entities: list[Entity] = []
        self.shown: frozenset[str] = ALL_CATEGORIES
        self.index = MentionIndex([])
        self.current: Mention | None = None
        self.current_entity: Entity | None = None
        self.search_text: str | None = None
        self.search_active = False
        self.match: tuple[int, int] | None = None
        self.annotation_done = annotator is None
        self._panels_ready = False
        self._sidebar_built = 0.0
        self._sidebar_timer: Timer | None = None
        self._cancel = threading.Event()

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
        self.sidebar.show(self.entities, self.shown)
        self._show_entity(self.current_entity)

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_panels)
        self.article.focus()
        self.query_one("#search").display = False
        if self.positions is not None:
            offset = self.positions.get(self.document.source, self.document.sha256)
            if offset is not None and offset < len(self.document.text):
                self.article.restore_top(offset)
        self.watch(self.article, "scroll_y", self._scrolled, init=False)
        if self.annotator is None:
            self.query_one("#progress").display = False
            self._set_ner_state("no entities: started with --no-ner")
        else:
            cached = self.annotator.cached(self.document.text, self.document.sha256)
            if self.annotator.cache is not None:
                for problem in self.annotator.cache.problems:
                    self.notify(problem, title="Cache", severity="warning", timeout=8)
            if cached is not None:
                entities = self._entities_from(cached)
                total = len(self.document.text)
                index = MentionIndex(entities, self.shown)
                self._apply(
                    MentionsArrived(
                        cached, entities, index, self.shown, self.version, total, total, True
                    )
                )
            else:
                self.call_after_refresh(self._start_annotation)
        if not self.document.text.strip():
            self.notify("This file is empty: there is nothing to read.", title="Empty")
        self._update_status()

    def _start_annotation(self) -> None:
        start, end = self.article.visible_range()
        self._annotate((start, end + 2000))

    @work(thread=True, exclusive=True, group="annotation", exit_on_error=False)
    def _annotate(self, first: tuple[int, int]) -> None:
        """Run the model in the background; post the regrouped state as batches arrive."""
        assert self.annotator is not None
        worker = get_current_worker()
        mentions: list[Mention] = []
        last_post = 0.0
        interval = 0.25
        try:
            for batch in self.annotator.annotate(
                self.document.text, self.document.sha256, first=first, cancel=self._cancel
            ):
                if worker.is_cancelled:
                    self._cancel.set()
                    return
                mentions.extend(batch.mentions)
                now = time.monotonic()
                final = batch.done >= batch.total
                if final or now - last_post >= interval:
                    shown, version = self.shown, self.version
                    entities = self._entities_from(mentions)
                    index = MentionIndex(entities, shown)
                    spent = time.monotonic() - now
                    # Regrouping holds the interpreter; keep it a small share of the time.
                    interval = max(0.25, spent * 4)
                    last_post = time.monotonic()
                    self.post_message(
                        MentionsArrived(
                            list(mentions),
                            entities,
                            index,
                            shown,
                            version,
                            batch.done,
                            batch.total,
                            batch.cached,
                        )
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

    # -- annotation state -----------------------------------------------------------------

    @on(MentionsArrived)
    def _arrived(self, message: MentionsArrived) -> None:
        self._apply(message)

    def _entities_from(self, mentions: list[Mention]) -> list[Entity]:
        """Entities of the model's mentions with the user's corrections (any thread)."""
        log = list(self.store.log) if self.store is not None else []
        document_pass = getattr(self.annotator, "document_pass", True)
        return apply(self.document.text, mentions, log, document_pass=document_pass).entities

    def _apply(self, message: MentionsArrived) -> None:
        self._apply_state(message)
        # Tens of thousands of mentions and entities live as long as the reader: keep them out
        # of the cyclic collector, whose full passes over them stalled the screen for 30-70 ms.
        gc.freeze()

    def _apply_state(self, message: MentionsArrived) -> None:
        self.model_mentions = message.mentions
        if message.done >= message.total:
            self.annotation_done = True
        if message.version != self.version:
            self._set_entities(self._entities_from(message.mentions))
        elif message.shown != self.shown:
            self._set_entities(message.entities)
        else:
            self._set_entities(message.entities, message.index)
        progress = self.query_one(ProgressBar)
        progress.update(total=max(1, message.total), progress=message.done)
        finished = message.done >= message.total
        if finished:
            self.annotation_done = True
            progress.display = False
            mentions = sum(len(e.mentions) for e in self.entities)
            cached = " (cached)" if message.cached else ""
            self._set_ner_state(f"{len(self.entities)} entities · {mentions} mentions{cached}")
        else:
            self._set_ner_state(f"annotating… {len(self.entities)} entities")

    def _set_entities(self, entities: list[Entity], index: MentionIndex | None = None) -> None:
        """Show a new set of entities everywhere on screen."""
        self.entities = entities
        self.index = index if index is not None else MentionIndex(entities, self.shown)
        self.article.set_index(self.index)
        self._refresh_sidebar()
        self._reattach_current()

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
            self.sidebar.show(self.entities, self.shown)
        elif self._sidebar_timer is None:
            self._sidebar_timer = self.set_timer(wait, self._deferred_sidebar)

    def _deferred_sidebar(self) -> None:
        self._sidebar_timer = None
        self._refresh_sidebar(now=True)

    @on(AnnotationFailed)
    def _failed(self, message: AnnotationFailed) -> None:
        self.query_one(ProgressBar).display = False
        self._set_ner_state("no entities: the model failed")
        self.notify(message.reason, title="Model", severity="error", timeout=10)

    def _set_ner_state(self, text: str) -> None:
        self.query_one("#ner-state", Label).update(text)

    def _reattach_current(self) -> None:
        """After regrouping, find the current mention and its entity again."""
        if self.current is None:
            self._show_entity(None)
            return
        found = self.index.find(self.current.start, self.current.end)
        if found is None:
            self._set_current(None)
            return
        self.current = found
        entity = self.index.entity_of(found)
        changed = entity is None or self.current_entity is None or entity != self.current_entity
        self.current_entity = entity
        if changed:
            self._show_entity(entity)
        self._update_status()

    # -- current mention ------------------------------------------------------------------

    def _set_current(self, mention: Mention | None, *, entity_changed: bool | None = None) -> None:
        entity = self.index.entity_of(mention) if mention is not None else None
        if entity_changed is None:
            entity_changed = (entity.id if entity else None) != (
                self.current_entity.id if self.current_entity else None
            )
        self.current = mention
        self.current_entity = entity
        self.article.set_current(mention)
        if entity_changed:
            self._show_entity(entity)
        if self._panels_ready:
            self.query_one(MentionsPanel).mark(mention)
        self._update_status()

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
        if entity is not None and self.current is not None:
            self.query_one(MentionsPanel).mark(self.current)

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
            f"search: {plain(self.search_text)}  (n/N)"
            if self.search_active and self.search_text
            else ""
        )

    def _scrolled(self) -> None:
        start, end = self.article.visible_range()
        self.query_one(DensityStrip).set_view(start, end)
        if self.current is None:
            self._update_status()

    def _from_offset(self) -> int:
        """Where `]` and `[` count from: the current mention when on screen, else the view's top."""
        start, end = self.article.visible_range()
        if self.current is not None and start <= self.current.start < end:
            return self.current.start
        return start - 1

    # -- actions --------------------------------------------------------------------------

    def action_next_mention(self) -> None:
        """Next mention of any entity in the shown categories."""
        self._step_any(forward=True)

    def action_previous_mention(self) -> None:
        """Previous mention of any entity in the shown categories."""
        self._step_any(forward=False)

    def _step_any(self, *, forward: bool) -> None:
        origin = self._from_offset()
        if forward:
            mention = self.index.next_after(origin)
            wrapped = self.index.next_from(0)
        else:
            if self.current is None or origin != self.current.start:
                origin = self.article.visible_range()[1]
            mention = self.index.previous_before(origin)
            wrapped = self.index.previous_before(len(self.document.text) + 1)
        if mention is None:
            if wrapped is None:
                self.notify(
                    "No mentions to go to yet."
                    if not self.annotation_done
                    else "No mentions in the shown categories."
                )
                return
            mention = wrapped
            self.notify(f"Wrapped to the {'first' if forward else 'last'} mention.", timeout=2)
        self._leave_search()
        self._set_current(mention)

    def action_next_same(self) -> None:
        """Next mention of the current entity, or the next search match after a search."""
        self._step_same(forward=True)

    def action_previous_same(self) -> None:
        """Previous mention of the current entity, or the previous search match."""
        self._step_same(forward=False)

    def _step_same(self, *, forward: bool) -> None:
        if self.search_active and self.search_text:
            self._find(self.search_text, forward=forward)
            return
        entity = self.current_entity
        if entity is None or self.current is None:
            self.notify("No current entity: press ] or choose one in the sidebar.", timeout=3)
            return
        mention, wrapped = next_of(entity, self.current.start, forward=forward)
        if wrapped:
            where = "first" if forward else "last"
            self.notify(f"Wrapped to the {where} mention of {entity.name}.", timeout=2)
        self._set_current(mention, entity_changed=False)

    def action_search(self) -> None:
        """Open the search box."""
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.search_text or ""
        box.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        box = self.query_one("#search", Input)
        box.display = False
        self.article.focus()
        if event.value:
            self.search_text = event.value
            self.search_active = True
            self._find(event.value, forward=True, fresh=True)

    def on_key(self, event: Key) -> None:
        box = self.query_one("#search", Input)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.article.focus()

    def _find(self, query: str, *, forward: bool, fresh: bool = False) -> None:
        text = self.document.text
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        if self.match is not None and not fresh:
            origin = self.match[0]
        else:
            origin = self.article.top_offset - 1
        found: re.Match[str] | None
        wrapped = False
        if forward:
            found = pattern.search(text, origin + 1)
            if found is None:
                found, wrapped = pattern.search(text), True
        else:
            found = None
            for candidate in pattern.finditer(text, 0, max(0, origin)):
                found = candidate
            if found is None:
                for candidate in pattern.finditer(text):
                    found = candidate
                wrapped = True
        if found is None:
            self.match = None
            self.article.set_match(None)
            self.notify(f"Not found: {query}", severity="warning", timeout=3)
            self._update_status()
            return
        if wrapped:
            self.notify("Search wrapped around.", timeout=2)
        self.match = (found.start(), found.end())
        self.article.set_match(self.match)
        self._update_status()

    def _leave_search(self) -> None:
        if self.search_active or self.match is not None:
            self.search_active = False
            self.match = None
            self.article.set_match(None)

    def action_toggle_category(self, number: int) -> None:
        """Show or hide the highlights and sidebar section of a category."""
        category = CATEGORIES[number - 1]
        shown = set(self.shown)
        hidden = category.key in shown
        if hidden:
            shown.discard(category.key)
        else:
            shown.add(category.key)
        self.shown = frozenset(shown)
        self.index = MentionIndex(self.entities, self.shown)
        self.article.set_index(self.index)
        if self._panels_ready:
            self.sidebar.show(self.entities, self.shown)
        if (
            self.current is not None
            and self.index.find(self.current.start, self.current.end) is None
        ):
            self._set_current(None)
        self.notify(f"{category.title} {'hidden' if hidden else 'shown'}.", timeout=2)

    def action_toggle_order(self) -> None:
        """Sort the sidebar by count, or by first appearance."""
        by_first = self.sidebar.toggle_order()
        self.notify(
            "Sidebar: order of first appearance." if by_first else "Sidebar: most mentioned first.",
            timeout=2,
        )

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

    def _section_status(self, offset: int) -> str:
        """`` · page 3/10`` or `` · chapter 2/12`` for the section holding ``offset``, if any."""
        sections = self.document.sections
        found = self.document.section_at(offset)
        if found is None:
            return ""
        return f" · {sections[found].kind} {found + 1}/{len(sections)}"

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
        entity = self.index.entities.get(entity_id)
        if entity is None:
            return
        self._leave_search()
        self._set_current(entity.mentions[0])
        self.sidebar.select_entity(entity_id)

    @on(Sidebar.EntityChosen)
    def _entity_chosen(self, message: Sidebar.EntityChosen) -> None:
        self.choose_entity(message.entity_id)
        self.article.focus()

    @on(MentionsPanel.MentionChosen)
    def _mention_chosen(self, message: MentionsPanel.MentionChosen) -> None:
        self._leave_search()
        self._set_current(message.mention)

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
        self._recompute()
        self.notify(done, timeout=3)

    def _recompute(self) -> None:
        self.version += 1
        self._set_entities(self._entities_from(self.model_mentions))
        if self.annotation_done:
            mentions = sum(len(e.mentions) for e in self.entities)
            self._set_ner_state(f"{len(self.entities)} entities · {mentions} mentions")

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
        if self._need_entity() is None or self.current is None:
            return
        self._correct(
            corrections.remove_mention(self.document.text, self.current),
            f"Removed this mention of {self.current.text!r}. u undoes.",
        )

    def action_add(self) -> None:
        """Mark the search match or the mouse selection as an entity."""
        span = self.article.selection or self.match
        if span is None or span[0] >= span[1]:
            self.notify(
                "Select text with the mouse, or search for it with /, then press a.", timeout=4
            )
            return
        start, end = span
        text = self.document.text
        if self.article.selection is not None:
            # A mouse selection snaps to whole words, as annotation tools do.
            while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
                start -= 1
            while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
                end += 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            return
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
        self._leave_search()
        found = self.index.find(start, end)
        if found is not None:
            self._set_current(found)

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
        if entity is None or self.current is None:
            return
        if len(entity.mentions) == 1:
            self.notify(f"{entity.name} has only this mention.", timeout=3)
            return
        self._correct(
            corrections.split(self.document.text, self.current),
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
        self._recompute()
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
