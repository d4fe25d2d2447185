"""The help screen, generated from the one list of keys."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.bindings import KEYS, Key


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


class HelpScreen(ModalScreen[None]):
    """Every key of the reader; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        /* A width of its own: `auto` measures the keys table at zero width and hides it. */
        width: 84; max-width: 90%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 2; background: $surface;
    }
    """

    def __init__(self, keys: tuple[Key, ...] = KEYS) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "entity-reader · keys"
            scroll.border_subtitle = "escape to close"
            yield Static(keys_table(self.keys))
