"""The mentions panel: every mention of the current entity with a line of context."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from extract.model import Entity, Mention
from tui.layout import display_text
from tui.theme import mention_style

CONTEXT = 36
"""Characters of context on each side of a mention."""


def context_line(text: str, mention: Mention, width: int = CONTEXT) -> tuple[str, str, str]:
    """Left context, the mention, right context: on one line, displayable."""

    def flat(piece: str) -> str:
        return " ".join(display_text(part) for part in piece.split())

    left = flat(text[max(0, mention.start - width * 2) : mention.start])[-width:]
    right = flat(text[mention.end : mention.end + width * 2])[:width]
    if text[max(0, mention.start - 1) : mention.start].isspace():
        left += " "
    if text[mention.end : mention.end + 1].isspace():
        right = " " + right
    return left, flat(mention.text), right


class MentionsPanel(OptionList):
    """Keyword-in-context lines for one entity; Enter jumps to the mention."""

    @dataclass
    class MentionChosen(Message):
        """The reader chose a mention in the panel."""

        mention: Mention

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._mentions: tuple[Mention, ...] = ()
        self.border_title = "Mentions"

    def show(self, entity: Entity | None, text: str) -> None:
        """List the mentions of ``entity`` (or nothing)."""
        self.clear_options()
        if entity is None:
            self._mentions = ()
            self.border_title = "Mentions"
            return
        self._mentions = entity.mentions
        self.border_title = f"{entity.name} · {len(entity.mentions)}"
        dark = self.app.current_theme.dark
        style = mention_style(entity.category, dark)
        options = []
        for mention in entity.mentions:
            left, middle, right = context_line(text, mention)
            prompt = Text.assemble((left.rjust(CONTEXT), "dim"), (middle, style), (right, "dim"))
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
