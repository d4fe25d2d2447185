"""The mentions panel: every mention of the current entity with a line of context."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from extract.model import Entity, Mention
from tui.layout import display_text, plain
from tui.theme import mention_style


def context_line(text: str, mention: Mention, width: int) -> tuple[str, str, str]:
    """Left context, the mention, right context: one displayable line ``width`` cells wide."""

    def flat(piece: str) -> str:
        return " ".join(display_text(part) for part in piece.split())

    middle = flat(mention.text)
    side = max(3, (width - cell_len(middle)) // 2)
    left = flat(text[max(0, mention.start - side * 3) : mention.start])
    right = flat(text[mention.end : mention.end + side * 3])
    if text[max(0, mention.start - 1) : mention.start].isspace():
        left += " "
    if text[mention.end : mention.end + 1].isspace():
        right = " " + right
    return _last_cells(left, side).rjust(side), middle, _first_cells(right, side)


def _last_cells(piece: str, cells: int) -> str:
    while cell_len(piece) > cells:
        piece = piece[1:]
    return piece


def _first_cells(piece: str, cells: int) -> str:
    while cell_len(piece) > cells:
        piece = piece[:-1]
    return piece


class MentionsPanel(OptionList):
    """Keyword-in-context lines for one entity; Enter jumps to the mention."""

    @dataclass
    class MentionChosen(Message):
        """The reader chose a mention in the panel."""

        mention: Mention

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._mentions: tuple[Mention, ...] = ()
        self._entity: Entity | None = None
        self._text = ""
        self._width = 0
        self.border_title = "Mentions"

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            if self._entity is not None:
                highlighted = self.highlighted
                self.show(self._entity, self._text)
                self.highlighted = highlighted

    def show(self, entity: Entity | None, text: str) -> None:
        """List the mentions of ``entity`` (or nothing)."""
        self.clear_options()
        if entity is None:
            self._mentions = ()
            self._entity = None
            self.border_title = "Mentions"
            return
        self._mentions = entity.mentions
        self._entity, self._text = entity, text
        self.border_title = Content(plain(f"{entity.name} · {len(entity.mentions)}"))
        dark = self.app.current_theme.dark
        style = mention_style(entity.category, dark)
        width = max(12, self.scrollable_content_region.width - 1)
        options = []
        for mention in entity.mentions:
            left, middle, right = context_line(text, mention, width)
            prompt = Text.assemble((left, "dim"), (middle, style), (right, "dim"))
            prompt.no_wrap = True
            prompt.overflow = "ellipsis"
            options.append(Option(prompt))
        self.add_options(options)

    def mark(self, mention: Mention | None) -> None:
        """Highlight the line of ``mention`` without moving focus."""
        if mention is None:
            return
        for position, candidate in enumerate(self._mentions):
            if candidate.start == mention.start and candidate.end == mention.end:
                self.highlighted = position
                return

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._mentions):
            self.post_message(self.MentionChosen(self._mentions[event.option_index]))
