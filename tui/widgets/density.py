"""The density strip: where in the document the current entity is mentioned."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.theme import category_colour, no_color


class DensityStrip(Widget):
    """One cell wide: a mark per stretch of text holding a mention, the view shaded."""

    DEFAULT_CSS = """
    DensityStrip { width: 1; height: 1fr; }
    """

    @dataclass
    class Jump(Message):
        """The reader clicked the strip: go to this share of the document."""

        fraction: float

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 1
        self.starts: list[int] = []
        self.category = "other"
        self.view = (0, 0)

    def show(self, starts: list[int], category: str, total: int) -> None:
        """Mark these mention offsets of a document ``total`` characters long."""
        self.starts = starts
        self.category = category
        self.total = max(1, total)
        self.refresh()

    def set_view(self, start: int, end: int) -> None:
        """The offsets on screen, shaded on the strip."""
        if (start, end) != self.view:
            self.view = (start, end)
            self.refresh()

    def render_line(self, y: int) -> Strip:
        height = max(1, self.size.height)
        low = self.total * y // height
        high = self.total * (y + 1) // height
        first = bisect_left(self.starts, low)
        hits = bisect_left(self.starts, max(high, low + 1)) - first
        in_view = self.view[0] < max(high, low + 1) and self.view[1] >= low
        dark = self.app.current_theme.dark
        if no_color():
            char = "█" if hits else ("│" if in_view else " ")
            return Strip([Segment(char, Style(reverse=in_view and bool(hits)))])
        colour = category_colour(self.category, dark)
        shade = "#3a3a3a" if dark else "#d0d0d0"
        char = "█" if hits > 1 else ("▆" if hits else " ")
        style = Style(color=colour, bgcolor=shade if in_view else None)
        return Strip([Segment(char, style)])

    def on_click(self, event: Click) -> None:
        height = max(1, self.size.height)
        self.post_message(self.Jump(min(1.0, max(0.0, event.y / height))))
