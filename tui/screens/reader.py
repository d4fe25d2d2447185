"""`ReaderScreen`: the article, the sidebar, the mentions panel, and the reader's keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import DescendantFocus, Resize
from textual.events import Key as KeyEvent
from textual.widgets import Input

from extract.annotator import Annotator
from extract.categories import CATEGORIES
from extract.document import Document
from extract.positions import Positions
from tui.bindings import KEYS, Key, bindings_for
from tui.frames import first_frame
from tui.layout import line_starts
from tui.reading import END, go_to
from tui.screens.document import AHEAD
from tui.screens.staged import NARROW, StagedScreen, compact_footer
from tui.widgets.article import ArticleView
from tui.widgets.bars import CompareBar, StatusBar, TopBar
from tui.widgets.density import DensityStrip

COMPARING = frozenset({"toggle_disagreements", "take_gold", "keep_model"})
"""Actions of the compare view: offered only while comparing with gold."""

if TYPE_CHECKING:
    from extract.corrections import CorrectionStore
    from tui.comparing import Gold
    from tui.widgets.mentions import MentionsPanel
    from tui.widgets.sidebar import Sidebar


class ReaderScreen(StagedScreen):
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
        gold: Gold | None = None,
        sidebar_width: int | None = None,
    ) -> None:
        super().__init__(document, annotator, store)
        self.gold = gold
        self.sidebar_width = sidebar_width
        self.positions = positions
        self.keys = keys
        """The key list in force (remapped by a keymap): what help and the palette show."""
        self._commanding = False

    def compose(self) -> ComposeResult:
        model = self.annotator.info.name if self.annotator else "no model (--no-ner)"
        title = f"{self.document.name} · {model}"
        yield TopBar(title, id="topbar").data_bind(ReaderScreen.reading)
        # The density strip, the sidebar and the mentions panel are mounted beside the text
        # just after the first frame (`StagedScreen`), so it shows as soon as a bare viewer's
        # would; their columns are kept free meanwhile (`_keep_room`). The bars are split off
        # the screen's edges in this order (the status line at the bottom, the compare bar
        # above it), the text takes what is left.
        yield ArticleView(self.document.text, id="article").data_bind(ReaderScreen.reading)
        yield StatusBar(self.document, id="statusbar").data_bind(
            ReaderScreen.reading, ReaderScreen.in_view
        )
        if self.gold is not None:
            yield CompareBar(self.gold.name, id="comparebar").data_bind(ReaderScreen.reading)
        # The panels, the footer and the prompts follow the first frame (`StagedScreen`).

    def on_mount(self) -> None:
        self.set_class(self.gold is not None, "comparing")
        self._keep_room()
        self.call_after_refresh(first_frame)
        self.call_after_refresh(self._mount_panels)
        article = self.article
        article.focus()
        if self.positions is not None:
            offset = self.positions.get(self.document.source, self.document.sha256)
            if offset is not None and offset < len(self.document.text):
                article.restore_top(offset)
        self.watch(article, "scroll_y", self._scrolled, init=False)
        self._scrolled()
        if not self.document.text or self.document.text.isspace():  # (no copy of a book)
            self.notify("This file is empty: there is nothing to read.", title="Empty")
        if not self.read_cached():  # read before: its entities follow the first frame
            self.call_after_refresh(self.start_annotation)
        self.mounted()

    def mounted(self) -> None:
        """What a kind of reader does once mounted (Textual calls each class's ``on_mount``
        itself: one that called its base's would run it twice)."""

    def start_annotation(self) -> None:
        start, end = self.article.visible_range()
        self.annotate((start, end + AHEAD))

    def _scrolled(self) -> None:
        self.in_view = self.article.visible_range()

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW
        self.set_class(narrow, "narrow")
        compact_footer(self, narrow)
        self._keep_room()
        self.call_after_refresh(self._scrolled)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sidebar; on a narrow screen it shows over the text, focused."""
        if not self.has_class("narrow"):
            self.toggle_class("side-hidden")
            self._keep_room()
            if self.has_class("side-hidden") and not self.article.has_focus:
                self.article.focus()
            return
        self.toggle_class("side-open")
        if self.has_class("side-open") and self._panels_ready:
            self.sidebar.action_to_list()
        else:
            self.article.focus()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # Back in the text, the sidebar shown over it goes away; keys follow the focus.
        if event.widget is self.article:
            self.remove_class("side-open")
        self.refresh_bindings()

    async def command(self, action: str) -> None:
        """Run a command chosen in the palette, wherever the focus is."""
        self._commanding = True
        try:
            await self.run_action(action)
        finally:
            self._commanding = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key the focused box types as text is not offered (the footer leaves it out), nor
        are the compare view's keys when there is no gold."""
        if action in COMPARING and self.gold is None:
            return False
        if self._commanding:
            return True
        from tui.widgets.sidebar import EntityTree

        focused = self.focused
        types_letters = isinstance(focused, EntityTree)
        if not (isinstance(focused, Input) or types_letters):
            return True
        for key in self.keys:
            if key.owner != "ReaderScreen" or parse_action(key.action)[1:] != (action, parameters):
                continue
            typed = [k for k in key.keys.split(",") if _typed(k, letters_only=types_letters)]
            return len(typed) < len(key.keys.split(","))
        return True

    # -- moving ---------------------------------------------------------------------------

    def action_next_mention(self) -> None:
        """Next mention of any entity in the shown categories."""
        self.move(self.settled().step(forward=True, visible=self.article.visible_range()))

    def action_previous_mention(self) -> None:
        """Previous mention of any entity in the shown categories."""
        self.move(self.settled().step(forward=False, visible=self.article.visible_range()))

    def action_next_same(self) -> None:
        """Next mention of the current entity, or the next search match after a search."""
        self.move(self.settled().step_same(forward=True, visible=self.article.visible_range()))

    def action_previous_same(self) -> None:
        """Previous mention of the current entity, or the previous search match."""
        self.move(self.settled().step_same(forward=False, visible=self.article.visible_range()))

    async def _prompt(self, name: str, value: str = "") -> None:
        await self._mount_chrome()
        self.remove_class("side-open")  # (over the text, it would cover the prompt)
        for prompt in self.query(".prompt"):
            prompt.display = False
        box = self.query_one(f"#{name}", Input)
        box.display = True
        box.value = value
        box.focus()

    def _close_prompt(self, name: str) -> None:
        self.query_one(f"#{name}", Input).display = False
        self.article.focus()

    async def action_search(self) -> None:
        """Open the search box."""
        await self._prompt("search", self.reading.query or "")

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._close_prompt("search")
        if event.value:
            self.move(self.reading.search(event.value, visible=self.article.visible_range()))

    async def action_goto_line(self) -> None:
        """Ask for a line number or a share of the text to go to."""
        await self._prompt("goto")

    @on(Input.Submitted, "#goto")
    def _goto_submitted(self, event: Input.Submitted) -> None:
        self._close_prompt("goto")
        if not event.value.strip():
            return
        offset, notice = go_to(
            event.value, line_starts(self.document.text), len(self.document.text)
        )
        if notice is not None:
            self.notify(notice.text, severity=notice.severity, timeout=notice.timeout)
        if offset == END:
            self.article.action_scroll_end()
        elif offset is not None:
            self.article.scroll_to_offset(offset, top=True)

    def on_key(self, event: KeyEvent) -> None:
        if event.key != "escape":
            return
        for prompt in self.query(".prompt"):
            if prompt.has_focus:
                self._close_prompt(str(prompt.id))

    def action_toggle_category(self, number: int) -> None:
        """Show or hide the highlights and sidebar section of a category."""
        self.toggle_section(CATEGORIES[number - 1].key)

    def toggle_section(self, key: str) -> None:
        """Show or hide a section by its category key (those past the six built in have no
        key: the command palette offers them)."""
        self.move(self.settled().toggle(key))

    def action_toggle_disagreements(self) -> None:
        """With --compare: ] and [ stop at disagreements only, or at every pair."""
        from tui.comparing import toggle_every

        self.move(toggle_every(self.reading))

    def action_toggle_order(self) -> None:
        """Sort the sidebar by count, or by first appearance."""
        self.move(self.reading.toggle_order())

    def action_goto_entity(self) -> None:
        """Choose an entity by name (fuzzy) and go to its first mention."""
        from tui.screens.chooser import Chooser, entity_choices

        shown = [e for e in self.entities if e.category in self.shown]

        def chosen(entity_id: str | None) -> None:
            if entity_id:
                self.choose_entity(entity_id)

        self.app.push_screen(Chooser("Go to entity", entity_choices(shown)), chosen)

    def action_goto_section(self) -> None:
        """Choose a chapter (EPUB) or page (PDF) and show it from its start."""
        from tui.screens.chooser import Chooser, section_choices

        sections = self.document.sections
        if not sections:
            self.notify("No chapter headings or pages found in this document.", timeout=3)
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
        self.reading = self.settled().choose(entity_id)

    # Handlers named after the messages (not @on, which would import the panels' modules).

    def on_sidebar_entity_chosen(self, message: Sidebar.EntityChosen) -> None:
        self.choose_entity(message.entity_id)
        self.article.focus()

    def on_sidebar_left(self) -> None:
        self.article.focus()

    def on_mentions_panel_mention_chosen(self, message: MentionsPanel.MentionChosen) -> None:
        self.reading = self.settled().at(message.mention)

    @on(DensityStrip.Jump)
    def _density_jump(self, message: DensityStrip.Jump) -> None:
        self.article.scroll_to_offset(int(message.fraction * len(self.document.text)), top=True)

    def action_help(self) -> None:
        """Show every key, and what each colour and label means."""
        from tui.screens.help import HelpScreen

        self.app.push_screen(
            HelpScreen(self.keys, self.settled().view, comparing=self.gold is not None)
        )

    def action_export(self) -> None:
        """Export the annotations."""
        from tui.screens.export import ExportScreen

        self.app.push_screen(
            ExportScreen(self.document, self.entities, self.annotator, done=self.annotation_done)
        )

    def offers(self, key: Key) -> bool:
        """Whether the command palette offers a key's command now."""
        if key.action in COMPARING:
            return self.gold is not None
        return key.action != "goto_section" or bool(self.document.sections)

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


def _typed(key: str, *, letters_only: bool) -> bool:
    """Whether a key (Textual's name) types a character into a text box: any printable one,
    or only letters (the sidebar's list sends those to its filter)."""
    from textual.keys import _character_to_key

    if len(key) == 1:
        return key.isalpha() or not letters_only
    if letters_only or key.startswith(("ctrl+", "shift+", "alt+")):
        return False
    return key == "space" or any(_character_to_key(c) == key for c in _PRINTABLE)


_PRINTABLE = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
"""Printable characters Textual names by a word (``right_square_bracket``)."""
