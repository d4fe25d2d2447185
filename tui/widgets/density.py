"""The density strip: where in the document the current entity is mentioned."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from extract.colours import Pair
from extract.model import Entity
from tui.reading import Reading, Span
from tui.theme import category_colour, no_color


class DensityStrip(Widget):
    """One cell wide: a mark per stretch of text holding a mention of the current entity, the
    view shaded, and the chapters' starts ticked where there is room for them."""

    DEFAULT_CSS = """
    DensityStrip { width: 1; height: 1fr; }
    """

    reading: var[Reading | None] = var(None, init=False)
    """What is read: the current entity is marked."""
    in_view: var[Span] = var((0, 0), init=False)
    """The offsets on screen, shaded."""

    @dataclass
    class Jump(Message):
        """The reader clicked the strip: go to this share of the document."""

        fraction: float

    def __init__(self, chapters: Sequence[int] = (), *, id: str | None = None) -> None:
        """``chapters``: where each chapter (or page) starts."""
        super().__init__(id=id)
        self.chapters = list(chapters)
        self.total = 1
        self.starts: list[int] = []
        self.category = "other"
        self.colours: dict[str, Pair] = {}
        """Generated colours of the sections on show."""
        self._entity: Entity | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._redraw, init=False)

    def _redraw(self) -> None:
        self.refresh()

    def watch_reading(self, new: Reading | None) -> None:
        if new is None or (new.entity is self._entity and self.total == max(1, len(new.text))):
            return
        entity = self._entity = new.entity
        self.starts = [m.start for m in entity.mentions] if entity is not None else []
        self.category = entity.category if entity is not None else "other"
        self.colours = new.view.colours
        self.total = max(1, len(new.text))
        self.refresh()

    def watch_in_view(self) -> None:
        self._redraw()

    def render_line(self, y: int) -> Strip:
        height = max(1, self.size.height)
        low = self.total * y // height
        high = self.total * (y + 1) // height
        first = bisect_left(self.starts, low)
        hits = bisect_left(self.starts, max(high, low + 1)) - first
        start, end = self.in_view
        shaded = start < max(high, low + 1) and end >= low
        dark = self.app.current_theme.dark
        # One tick per chapter start, when every chapter can have a row of its own.
        chapter = 0 < len(self.chapters) <= height and (
            bisect_left(self.chapters, max(high, low + 1)) > bisect_left(self.chapters, low)
        )
        if no_color():
            char = "█" if hits else ("─" if chapter else ("│" if shaded else " "))
            return Strip([Segment(char, Style(reverse=shaded and bool(hits)))])
        colour = category_colour(self.category, dark, generated=self.colours)
        shade = "#3a3a3a" if dark else "#d0d0d0"
        if hits:
            char = "█" if hits > 1 else "▆"
        else:
            char = "─" if chapter else " "
            colour = "#8a8a8a" if dark else "#6c6c6c"
        style = Style(color=colour, bgcolor=shade if shaded else None)
        return Strip([Segment(char, style)])

    def on_click(self, event: Click) -> None:
        height = max(1, self.size.height)
        self.post_message(self.Jump(min(1.0, max(0.0, event.y / height))))
