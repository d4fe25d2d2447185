"""`ReaderScreen`: the article, the sidebar, the mentions panel, and the reader's keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key as KeyEvent
from textual.events import Resize
from textual.widgets import Footer, Input

from extract.annotator import Annotator
from extract.categories import CATEGORIES
from extract.document import Document
from extract.model import Entity
from extract.positions import Positions
from tui.bindings import KEYS, Key, bindings_for
from tui.frames import stamp
from tui.reading import snap_to_words
from tui.screens.chooser import Chooser, entity_choices, label_choices, section_choices
from tui.screens.confirm import Confirm
from tui.screens.document import DocumentScreen
from tui.screens.help import HelpScreen
from tui.widgets.article import ArticleView
from tui.widgets.bars import StatusBar, TopBar
from tui.widgets.density import DensityStrip
from tui.widgets.mentions import MentionsPanel
from tui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from types import ModuleType

    from extract.corrections import CorrectionStore


def _edits() -> ModuleType:
    """The corrections module, imported on the first correction (not before the first frame)."""
    import extract.corrections

    return extract.corrections


class ReaderScreen(DocumentScreen):
    """Reads one document: every widget shows its part of the `Reading` it is bound to."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("ReaderScreen")

    def __init__(
        self,
        document: Document,
        annotator: Annotator | None,
        *,
        positions: Positions | None = None,
        store: CorrectionStore | None = None,
        keys: tuple[Key, ...] = KEYS,
    ) -> None:
        super().__init__(document, annotator, store)
        self.positions = positions
        self.keys = keys
        """The key list in force (remapped by a keymap): what help and the palette show."""
        self._panels_ready = False
        self._stamps: set[str] = set()

    def compose(self) -> ComposeResult:
        model = self.annotator.info.name if self.annotator else "no model (--no-ner)"
        title = f"{self.document.name} · {model}"
        yield TopBar(title, id="topbar").data_bind(ReaderScreen.reading)
        with Horizontal(id="main"):
            yield ArticleView(self.document.text, id="article").data_bind(ReaderScreen.reading)
            yield DensityStrip(id="density").data_bind(ReaderScreen.reading, ReaderScreen.in_view)
            # The sidebar and the mentions panel are mounted just after the first frame,
            # so the text shows as soon as a bare viewer's would.
            yield Vertical(id="side")
        yield StatusBar(self.document, id="statusbar").data_bind(
            ReaderScreen.reading, ReaderScreen.in_view
        )
        yield Input(placeholder="search the text (Enter to go, escape to cancel)", id="search")
        yield Footer()

    async def _mount_panels(self) -> None:
        side = self.query_one("#side")
        if not side.is_attached or self._panels_ready:
            return
        self._panels_ready = True
        await side.mount(
            Sidebar(id="sidebar").data_bind(ReaderScreen.reading),
            MentionsPanel(id="mentions").data_bind(ReaderScreen.reading),
        )
        self._stamp_drawn()

    def watch_reading(self) -> None:
        self._stamp_drawn()

    def _stamp_drawn(self) -> None:
        """For the first-paint benchmark: entities (with the sidebar) and the end, once drawn."""
        if "entities" not in self._stamps and self._panels_ready and self.reading.view.entities:
            self._stamps.add("entities")
            self.call_after_refresh(stamp, "entities")
        if "done" not in self._stamps and self.reading.progress.finished:
            self._stamps.add("done")
            self.call_after_refresh(stamp, "done")

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    def on_mount(self) -> None:
        self.call_after_refresh(stamp, "first-frame")
        self.call_after_refresh(self._mount_panels)
        article = self.article
        article.focus()
        self.query_one("#search").display = False
        if self.positions is not None:
            offset = self.positions.get(self.document.source, self.document.sha256)
            if offset is not None and offset < len(self.document.text):
                article.restore_top(offset)
        self.watch(article, "scroll_y", self._scrolled, init=False)
        self._scrolled()
        if not self.document.text.strip():
            self.notify("This file is empty: there is nothing to read.", title="Empty")
        if not self.read_cached():  # read before: its entities follow the first frame
            self.call_after_refresh(self.start_annotation)

    def start_annotation(self) -> None:
        start, end = self.article.visible_range()
        self.annotate((start, end + 2000))

    def _scrolled(self) -> None:
        self.in_view = self.article.visible_range()

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._scrolled)

    # -- moving ---------------------------------------------------------------------------

    def action_next_mention(self) -> None:
        """Next mention of any entity in the shown categories."""
        self.move(self.reading.step(forward=True, visible=self.article.visible_range()))

    def action_previous_mention(self) -> None:
        """Previous mention of any entity in the shown categories."""
        self.move(self.reading.step(forward=False, visible=self.article.visible_range()))

    def action_next_same(self) -> None:
        """Next mention of the current entity, or the next search match after a search."""
        self.move(self.reading.step_same(forward=True, visible=self.article.visible_range()))

    def action_previous_same(self) -> None:
        """Previous mention of the current entity, or the previous search match."""
        self.move(self.reading.step_same(forward=False, visible=self.article.visible_range()))

    def action_search(self) -> None:
        """Open the search box."""
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.reading.query or ""
        box.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#search", Input).display = False
        self.article.focus()
        if event.value:
            self.move(self.reading.search(event.value, visible=self.article.visible_range()))

    def on_key(self, event: KeyEvent) -> None:
        box = self.query_one("#search", Input)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.article.focus()

    def action_toggle_category(self, number: int) -> None:
        """Show or hide the highlights and sidebar section of a category."""
        self.move(self.reading.toggle(CATEGORIES[number - 1].key))

    def action_toggle_order(self) -> None:
        """Sort the sidebar by count, or by first appearance."""
        self.move(self.reading.toggle_order())

    def action_goto_entity(self) -> None:
        """Choose an entity by name (fuzzy) and go to its first mention."""
        shown = [e for e in self.entities if e.category in self.shown]

        def chosen(entity_id: str | None) -> None:
            if entity_id:
                self.choose_entity(entity_id)

        self.app.push_screen(Chooser("Go to entity", entity_choices(shown)), chosen)

    def action_goto_section(self) -> None:
        """Choose a chapter (EPUB) or page (PDF) and show it from its start."""
        sections = self.document.sections
        if not sections:
            self.notify("This document has no chapters or pages to go to.", timeout=3)
            return

        def chosen(number: str | None) -> None:
            if number is not None:
                self.go_to_section(int(number))

        title = f"Go to {sections[0].kind}"
        self.app.push_screen(Chooser(title, section_choices(self.document)), chosen)

    def go_to_section(self, number: int) -> None:
        """Scroll so that section ``number`` starts at the top of the article."""
        self.article.scroll_to_offset(self.document.sections[number].start, top=True)
        self.article.focus()

    def choose_entity(self, entity_id: str) -> None:
        """Make an entity current at its first mention."""
        self.reading = self.reading.choose(entity_id)

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
        self.app.push_screen(HelpScreen(self.keys))

    def action_export(self) -> None:
        """Export the annotations."""
        from tui.screens.export import ExportScreen

        self.app.push_screen(
            ExportScreen(self.document, self.entities, self.annotator, done=self.annotation_done)
        )

    def offers(self, key: Key) -> bool:
        """Whether the command palette offers a key's command now."""
        return key.action != "goto_section" or bool(self.document.sections)

    # -- corrections ----------------------------------------------------------------------

    def _need_entity(self) -> Entity | None:
        if self.current_entity is None or self.current is None:
            self.notify("No current entity: press ] or choose one in the sidebar.", timeout=3)
            return None
        return self.current_entity

    def action_relabel(self) -> None:
        """Choose a label for every mention of the current entity."""
        entity = self._need_entity()
        if entity is None:
            return

        def chosen(label: str | None) -> None:
            if label:
                said = f"{entity.name}: every mention is now {label}."
                self.correct(_edits().relabel(entity, label), said)

        self.app.push_screen(Chooser(f"Relabel {entity.name}", label_choices()), chosen)

    def action_remove_entity(self) -> None:
        """The current entity is not an entity."""
        entity = self._need_entity()
        if entity is not None:
            said = f"Removed {entity.name} ({len(entity.mentions)} mentions). u undoes."
            self.correct(_edits().remove(entity), said)

    def action_remove_mention(self) -> None:
        """Remove only the current mention."""
        current = self.current
        if self._need_entity() is not None and current is not None:
            said = f"Removed this mention of {current.text!r}. u undoes."
            self.correct(_edits().remove_mention(self.document.text, current), said)

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
            others = [o for o in _edits().occurrences(text, piece) if o != snapped]
            if not others:
                self._add(start, end, label, everywhere=False)
                return
            question = Confirm(
                f"Label the {len(others)} other occurrences of {piece!r} too?",
                yes="All (y)",
                no="Only this (n)",
            )
            self.app.push_screen(
                question, lambda everywhere: self._add(start, end, label, everywhere=everywhere)
            )

        self.app.push_screen(Chooser(f"Label for {piece!r}", label_choices()), chosen)

    def _add(self, start: int, end: int, label: str, *, everywhere: bool | None) -> None:
        self.article.clear_selection()
        text = self.document.text
        where = " everywhere" if everywhere else ""
        edit = _edits().add(text, start, end, label, everywhere=bool(everywhere))
        self.correct(edit, f"Added {text[start:end]!r} as {label}{where}.")
        reading = self.reading.leave_search()
        found = reading.view.index.find(start, end)
        self.reading = reading.at(found) if found is not None else reading

    def action_merge(self) -> None:
        """Merge the current entity into another one."""
        entity = self._need_entity()
        if entity is None:
            return
        others = [e for e in self.entities if e.id != entity.id]

        def chosen(target_id: str | None) -> None:
            target = next((e for e in self.entities if e.id == target_id), None)
            if target is not None:
                said = f"Merged {entity.name} into {target.name}."
                self.correct(_edits().merge(entity, target), said)

        title = f"Merge {entity.name} into…"
        self.app.push_screen(Chooser(title, entity_choices(others)), chosen)

    def action_split(self) -> None:
        """Make the current mention an entity of its own."""
        entity = self._need_entity()
        current = self.current
        if entity is None or current is None:
            return
        if len(entity.mentions) == 1:
            self.notify(f"{entity.name} has only this mention.", timeout=3)
            return
        said = f"Split this mention out of {entity.name}."
        self.correct(_edits().split(self.document.text, current), said)

    def action_undo(self) -> None:
        """Take back the last correction."""
        self.step_history("undo")

    def action_redo(self) -> None:
        """Do again the last correction undone."""
        self.step_history("redo")

    # -- leaving --------------------------------------------------------------------------

    def save_position(self) -> None:
        """Remember where the reader is in this file."""
        if self.positions is not None:
            self.positions.put(self.document.source, self.document.sha256, self.article.top_offset)

    def action_quit(self) -> None:
        """Remember the position and leave."""
        self.save_position()
        self.stop_reading()
        self.app.exit()
