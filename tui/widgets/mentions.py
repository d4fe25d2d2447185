"""The mentions panel: every mention of the current entity with a line of context."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from extract.model import Entity, Mention
from tui.bindings import bindings_for
from tui.layout import display_text, plain
from tui.reading import Reading
from tui.theme import mention_style
from tui.widgets.styled import FrameStyled


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
    """The end of ``piece`` that fits in ``cells``."""
    piece = piece[-cells:]  # never more characters than cells: each takes at least one…
    while cell_len(piece) > cells:  # …but wide ones take two
        piece = piece[1:]
    return piece


def _first_cells(piece: str, cells: int) -> str:
    """The start of ``piece`` that fits in ``cells``."""
    piece = piece[:cells]
    while cell_len(piece) > cells:
        piece = piece[:-1]
    return piece


class MentionsPanel(FrameStyled, ScrollView, can_focus=True):
    """Keyword-in-context lines for one entity; Enter jumps to the mention.

    A Line-API widget: only the visible lines are made, so an entity with thousands of
    mentions shows as fast as one with three.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("MentionsPanel")

    reading: var[Reading | None] = var(None, init=False)
    """What is read: the current entity's mentions are listed, the current one marked."""

    DEFAULT_CSS = """
    MentionsPanel { overflow-x: hidden; }
    """

    @dataclass
    class MentionChosen(Message):
        """The reader chose a mention in the panel."""

        mention: Mention

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._mentions: tuple[Mention, ...] = ()
        self._starts: list[int] = []
        self._entity: Entity | None = None
        self._marked: Mention | None = None
        self._text = ""
        self._lines: dict[int, Strip] = {}
        self.highlighted: int | None = None
        """The line under the cursor (None when the panel is empty)."""
        self.border_title = "Mentions"

    @property
    def option_count(self) -> int:
        """How many mentions are listed."""
        return len(self._mentions)

    def on_resize(self) -> None:
        self._lines.clear()
        self._resize()

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._mentions))

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._redraw, init=False)

    def watch_reading(self, new: Reading | None) -> None:
        if new is None:
            return
        entity = new.entity
        # A new view holds new entities: the list stays where it is unless this one changed.
        if entity is not self._entity and entity != self._entity:
            self.show(entity, new.text)
        elif new.current == self._marked:
            return
        self._marked = new.current
        self.mark(new.current)

    def show(self, entity: Entity | None, text: str) -> None:
        """List the mentions of ``entity`` (or nothing)."""
        self._entity, self._text = entity, text
        self._mentions = entity.mentions if entity is not None else ()
        self._starts = [m.start for m in self._mentions]
        self._lines.clear()
        self.highlighted = 0 if self._mentions else None
        if entity is None:
            self.border_title = "Mentions"
        else:
            self.border_title = Content(plain(f"{entity.name} · {len(entity.mentions)}"))
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def mark(self, mention: Mention | None) -> None:
        """Put the cursor on the line of ``mention`` without moving focus."""
        if mention is None:
            return
        position = bisect_left(self._starts, mention.start)
        while position < len(self._mentions):
            candidate = self._mentions[position]
            if candidate.start != mention.start:
                return
            if candidate.end == mention.end:
                self._move(position)
                return
            position += 1

    def _move(self, position: int) -> None:
        if not self._mentions:
            return
        position = max(0, min(len(self._mentions) - 1, position))
        old = self.highlighted
        self.highlighted = position
        self.scroll_to_region(Region(0, position, 1, 1), animate=False, immediate=True)
        for row in (old, position):  # the other lines stay as drawn
            if row is not None:
                self._lines.pop(row, None)
                self.refresh_lines(row)

    def action_cursor(self, step: int) -> None:
        self._move((self.highlighted or 0) + step)

    def action_cursor_page(self, direction: int) -> None:
        self._move((self.highlighted or 0) + direction * max(1, self.size.height - 1))

    def action_cursor_to(self, position: int) -> None:
        self._move(position if position >= 0 else len(self._mentions) - 1)

    def action_choose(self) -> None:
        if self.highlighted is not None and self._mentions:
            self.post_message(self.MentionChosen(self._mentions[self.highlighted]))

    def on_click(self, event: Click) -> None:
        row = round(self.scroll_y) + event.y
        if 0 <= row < len(self._mentions):
            self._move(row)
            self.action_choose()

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= len(self._mentions) or self._entity is None:
            return Strip.blank(width, base)
        cached = self._lines.get(row)
        if cached is not None:
            return cached
        mention = self._mentions[row]
        left, middle, right = context_line(self._text, mention, max(12, width - 1))
        colours = self.reading.view.colours if self.reading is not None else None
        style = mention_style(
            self._entity.category,
            self.app.current_theme.dark,
            label=mention.label,
            generated=colours,
        )
        dim = base + Style(dim=True)
        segments = [Segment(left, dim), Segment(middle, base + style), Segment(right, dim)]
        if row == self.highlighted:
            cursor = Style(reverse=True) if self.has_focus else Style(underline=True)
            segments = [Segment(piece.text, (piece.style or base) + cursor) for piece in segments]
        strip = Strip(segments).crop_extend(0, width, base)
        if len(self._lines) > 400:
            self._lines.clear()
        self._lines[row] = strip
        return strip

    def _redraw(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_focus(self) -> None:
        self._redraw()

    def on_blur(self) -> None:
        self._redraw()
