"""The help screen, generated from the one list of keys, with a legend of colours and labels."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from extract.categories import LABEL_DESCRIPTIONS, sections_in
from tui.bindings import KEYS, Key, bindings_for
from tui.layout import plain
from tui.theme import CURRENT_STYLE, SEARCH_STYLE, compare_style, mention_style
from tui.view import EMPTY_VIEW, View

Scroll = Literal["scroll_down", "scroll_up", "page_down", "page_up", "scroll_home", "scroll_end"]
"""The article's scrolling actions, which the help screen takes over."""


def keys_table(keys: tuple[Key, ...]) -> Table:
    """A two-column table of keys and what they do, grouped."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    group = ""
    for key in keys:
        if not key.keys:
            continue
        if key.group != group:
            if group:
                table.add_row("", "")
            group = key.group
            table.add_row(Text(group, style="bold underline"), "")
        table.add_row(Text(key.display), Text(key.description))
    return table


COMPARE_LEGEND = (
    ("agree", " agrees ", "gold has the same span and label"),
    ("model", " model only ", "not in gold (a false positive)"),
    ("gold", " gold only ", "in gold, not shown (a false negative)"),
    ("label", " differs ", "gold has another label or span here (the status line says which)"),
)
"""How the compare view marks each kind of pair (``--compare``)."""


def legend(dark: bool, view: View = EMPTY_VIEW, *, comparing: bool = False) -> Table:
    """Each section in its colour with the labels it holds and what they mean (the built-in
    categories' own, then the others the text has: a French model's PER, a model's DISEASE in
    a section of its own); then how the current mention, a search match and the user's own
    mentions look (and, comparing with gold, how agreements and disagreements are marked).
    Labels from a model are shown literally."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column(no_wrap=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row(Text("Colours and labels", style="bold underline"), "", "")
    used: dict[str, set[str]] = {}
    for entity in view.entities:
        used.setdefault(entity.category, set()).update(m.label for m in entity.mentions)
    for category in sections_in(view.categories):
        style = mention_style(category.key, dark, generated=view.colours)
        sample = Text(f" {plain(category.title)} ", style=style)
        extra = sorted(used.get(category.key, set()) - set(category.labels))
        for place, label in enumerate([*category.labels, *extra]):
            meaning = LABEL_DESCRIPTIONS.get(label, "")
            table.add_row(sample if place == 0 else "", Text(plain(label)), Text(meaning))
    table.add_row("", "", "")
    person = mention_style("person", dark)
    table.add_row(Text(" current ", style=person + CURRENT_STYLE), "", "the current mention")
    table.add_row(Text(" match ", style=SEARCH_STYLE), "", "the search match, or a selection")
    table.add_row(Text(" ✎ "), "", "in the sidebar: an entity you corrected")
    table.add_row(
        Text(""), "", Text("The status line names the current mention's label.", style="dim")
    )
    if comparing:
        table.add_row("", "", "")
        table.add_row(Text("Comparing with gold", style="bold underline"), "", "")
        for kind, word, meaning in COMPARE_LEGEND:
            table.add_row(Text(word, style=compare_style(kind, "person", dark)), "", meaning)
    return table


class HelpScreen(ModalScreen[None]):
    """Every key of the reader and a legend of its colours; scrolls like the text (j, k,
    space, b, g, G); escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("HelpScreen")

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        /* A width of its own: `auto` measures the keys table at zero width and hides it. */
        width: 100; max-width: 90%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 2; background: $surface;
    }
    """

    def __init__(
        self, keys: tuple[Key, ...] = KEYS, view: View = EMPTY_VIEW, *, comparing: bool = False
    ) -> None:
        """``view``: what is read, whose sections and labels the legend lists."""
        super().__init__()
        self.keys = keys
        self.view = view
        self.comparing = comparing

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "entity-reader · keys"
            scroll.border_subtitle = "j k space b g G scroll · escape to close"
            scroll.can_focus = False  # its keys are the screen's, listed in help
            yield Static(self._content())

    def _content(self) -> Group:
        dark = self.app.current_theme.dark if self.is_attached else True
        return Group(
            keys_table(self.keys), Text(""), legend(dark, self.view, comparing=self.comparing)
        )

    def on_mount(self) -> None:
        self.query_one(Static).update(self._content())

    def action_scroll(self, how: Scroll) -> None:
        """Move through the help as through the text."""
        scroll = self.query_one(VerticalScroll)
        page = max(1, scroll.scrollable_content_region.height - 1)
        targets = {
            "scroll_down": scroll.scroll_y + 1,
            "scroll_up": scroll.scroll_y - 1,
            "page_down": scroll.scroll_y + page,
            "page_up": scroll.scroll_y - page,
            "scroll_home": 0,
            "scroll_end": scroll.max_scroll_y,
        }
        scroll.scroll_to(y=max(0, min(scroll.max_scroll_y, targets[how])), animate=False)
