"""The density strip: where in the document the current entity is mentioned."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from extract.colours import Pair
from extract.model import Entity
from tui.reading import Reading, Span
from tui.theme import category_colour, no_color
from tui.widgets.styled import FrameStyled


class DensityStrip(FrameStyled, Widget):
    """One cell wide: a mark per stretch of text holding a mention of the current entity, the
    view shaded, and the chapters' starts ticked where there is room for them."""

    DEFAULT_CSS = """
    DensityStrip { width: 1; height: 1fr; }
    """

    reading: var[Reading | None] = var(None, init=False)
    """What is read: the current entity is marked."""
    in_view: var[Span] = var((0, 0), init=False)
    """The offsets on screen, shaded."""

    class Jump(Message):
        """The reader clicked the strip: go to this share of the document."""

        def __init__(self, fraction: float) -> None:
            super().__init__()
            self.fraction = fraction

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chapters: list[int] = []
        """Where each chapter (or page) starts, once shown (`show_chapters`)."""
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

    def show_chapters(self, chapters: Sequence[int]) -> None:
        """Tick these chapter (or page) starts from now on."""
        if list(chapters) != self.chapters:
            self.chapters = list(chapters)
            self.refresh()

    def watch_reading(self, new: Reading | None) -> None:
        if new is None or (new.entity is self._entity and self.total == max(1, len(new.text))):
            return
        entity = self._entity = new.entity
        starts = [m.start for m in entity.mentions] if entity is not None else []
        category = entity.category if entity is not None else "other"
        total = max(1, len(new.text))
        if (category, new.view.colours, total) == (self.category, self.colours, self.total):
            # The same entity in a new view, or another of the same colour: only the rows
            # whose marks change are drawn again.
            before = [self._hits(y) for y in range(max(1, self.size.height))]
            self.starts = starts
            for y, hits in enumerate(before):
                if min(hits, 2) != min(self._hits(y), 2):
                    self.refresh(Region(0, y, 1, 1))
            return
        self.starts, self.category, self.total = starts, category, total
        self.colours = new.view.colours
        self.refresh()

    def watch_in_view(self, old: Span, new: Span) -> None:
        # Only the rows whose shading changes are drawn again (a row holds many screens).
        for y in range(max(1, self.size.height)):
            if self._shaded(y, old) != self._shaded(y, new):
                self.refresh(Region(0, y, 1, 1))

    def _rows(self, y: int, height: int = 0) -> tuple[int, int]:
        """The offsets row ``y`` stands for: from the first, to before the second (``height``:
        the strip's, when known already)."""
        height = height or max(1, self.size.height)
        low = self.total * y // height
        return low, max(self.total * (y + 1) // height, low + 1)

    def _shaded(self, y: int, view: Span) -> bool:
        return _overlaps(view, *self._rows(y))

    def _hits(self, y: int) -> int:
        """How many mentions start in the stretch row ``y`` stands for."""
        return _between(self.starts, *self._rows(y))

    def render_line(self, y: int) -> Strip:
        # What every row of a frame shares (the strip's size, the theme's colours) is worked
        # out once for all of them: it costs more to look up than a row costs to draw.
        frame = self._frame_shared
        if not isinstance(frame, _Frame):
            frame = _Frame(self)
            self._frame_shared = frame if self._in_frame else None
        height = frame.height
        low, high = self._rows(y, height)
        hits = _between(self.starts, low, high)
        shaded = _overlaps(self.in_view, low, high)
        # One tick per chapter start, when every chapter can have a row of its own.
        chapter = 0 < len(self.chapters) <= height and _between(self.chapters, low, high) > 0
        if frame.plain:
            char = "█" if hits else ("─" if chapter else ("│" if shaded else " "))
            return Strip([Segment(char, Style(reverse=shaded and bool(hits)))])
        char = ("█" if hits > 1 else "▆") if hits else ("─" if chapter else " ")
        return Strip([Segment(char, frame.style(bool(hits), shaded))])

    def on_click(self, event: Click) -> None:
        height = max(1, self.size.height)
        self.post_message(self.Jump(min(1.0, max(0.0, event.y / height))))


def _between(points: Sequence[int], low: int, high: int) -> int:
    """How many of the sorted ``points`` are in ``[low, high)``."""
    return bisect_left(points, high) - bisect_left(points, low)


def _overlaps(view: Span, low: int, high: int) -> bool:
    return view[0] < high and view[1] >= low


class _Frame:
    """What the rows of one frame of a `DensityStrip` share: its height, and its styles."""

    def __init__(self, strip: DensityStrip) -> None:
        self.height = max(1, strip.size.height)
        self.plain = no_color()
        self._strip = strip
        self._dark = strip.app.current_theme.dark
        self._styles: dict[tuple[bool, bool], Style] = {}

    def style(self, hit: bool, shaded: bool) -> Style:
        """A row's style: the category's colour on a hit, grey otherwise; shaded in view."""
        style = self._styles.get((hit, shaded))
        if style is None:
            dark, strip = self._dark, self._strip
            if hit:
                colour = category_colour(strip.category, dark, generated=strip.colours)
            else:
                colour = "#8a8a8a" if dark else "#6c6c6c"
            shade = "#3a3a3a" if dark else "#d0d0d0"
            style = Style(color=colour, bgcolor=shade if shaded else None)
            self._styles[(hit, shaded)] = style
        return style
