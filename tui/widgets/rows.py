"""`RowList`: a list of any length drawn with the Line API, with a cursor, and `ListFilter`,
the filter box above one.

Only the rows on screen are made (and a few hundred kept), so a list of a hundred thousand
entities scrolls and filters as fast as one of ten. Subclasses say how a row looks
(`render_row`) and what identifies it (`identity`, so the cursor stays on it when the rows
change); Enter sends `RowList.Chosen`, and every move `RowList.Moved`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from tui.bindings import bindings_for
from tui.widgets.styled import FrameStyled

T = TypeVar("T")

KEPT = 400
"""Rows kept drawn; more are made again when they come back into view."""


class RowList(FrameStyled, ScrollView, Generic[T], can_focus=True):
    """Rows with a cursor; see the module's description."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("RowList")

    DEFAULT_CSS = """
    RowList { overflow-x: hidden; }
    """

    @dataclass
    class Chosen(Message):
        """Enter (or a click) on a row."""

        rows: RowList[object]
        index: int

        @property
        def control(self) -> RowList[object]:
            return self.rows

    @dataclass
    class Moved(Message):
        """The cursor moved (or the rows under it changed)."""

        rows: RowList[object]

        @property
        def control(self) -> RowList[object]:
            return self.rows

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[T] = ()
        self.cursor: int | None = None
        """The row under the cursor (None when there are none)."""
        self.empty = ""
        """What the list says when it has no rows."""
        self._drawn: dict[int, Strip] = {}
        self._chose = False
        """Whether the reader moved the cursor (else it starts where `first` says)."""

    @property
    def current(self) -> T | None:
        """The row under the cursor."""
        if self.cursor is None or not 0 <= self.cursor < len(self.rows):
            return None
        return self.rows[self.cursor]

    def identity(self, row: T) -> Hashable:
        """What the cursor follows when the rows change."""
        return id(row)

    def selectable(self, row: T) -> bool:
        """Whether the cursor may rest on a row."""
        return True

    def render_row(self, row: T, width: int, style: Style) -> list[Segment]:
        """How a row looks, in ``width`` cells, on a base ``style``."""
        raise NotImplementedError

    def first(self, rows: Sequence[T]) -> int:
        """Where the cursor starts on new rows."""
        return 0

    def show(self, rows: Sequence[T], *, top: bool = False, empty: str | None = None) -> None:
        """List ``rows``; the cursor stays on the row it was on, if it is still listed (else
        where `first` says, and there after ``top``). ``empty``: what to say when there are
        none."""
        if empty is not None:
            self.empty = empty
        was = self.current if self._chose and not top else None
        wanted = self.identity(was) if was is not None else None
        self._chose = self._chose and not top
        self.rows = rows
        self._drawn.clear()
        place = None
        if wanted is not None:
            place = next((i for i, row in enumerate(rows) if self.identity(row) == wanted), None)
        self.cursor = None
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        start = place if place is not None else self.first(rows)
        self._move(start, forward=True, scroll=place is not None)
        if place is None:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Moved(self))  # type: ignore[arg-type]

    def on_resize(self) -> None:
        self._drawn.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))

    def _move(self, place: int, *, forward: bool, scroll: bool = True) -> None:
        if not self.rows:
            self.cursor = None
            return
        place = max(0, min(len(self.rows) - 1, place))
        step = 1 if forward else -1
        probe = place
        while 0 <= probe < len(self.rows) and not self.selectable(self.rows[probe]):
            probe += step
        if not 0 <= probe < len(self.rows):
            probe = place
            while 0 <= probe < len(self.rows) and not self.selectable(self.rows[probe]):
                probe -= step
        if not 0 <= probe < len(self.rows):
            probe = place
        for row in (self.cursor, probe):
            if row is not None:
                self._drawn.pop(row, None)
        self.cursor = probe
        if scroll:
            self.scroll_to_region(Region(0, probe, 1, 1), animate=False, immediate=True)
        self.refresh()

    def _moved(self, place: int, forward: bool) -> None:
        self._chose = True
        before = self.cursor
        self._move(place, forward=forward)
        if self.cursor != before:
            self.post_message(self.Moved(self))  # type: ignore[arg-type]

    def move_to(self, identity: Hashable) -> bool:
        """Put the cursor on the row with this identity, if it is listed; whether it is."""
        place = next((i for i, row in enumerate(self.rows) if self.identity(row) == identity), None)
        if place is not None:
            self._moved(place, True)
        return place is not None

    def action_cursor(self, step: int) -> None:
        self._moved((self.cursor or 0) + step, step > 0)

    def action_cursor_page(self, direction: int) -> None:
        self._moved((self.cursor or 0) + direction * max(1, self.size.height - 1), direction > 0)

    def action_cursor_to(self, place: int) -> None:
        self._moved(place if place >= 0 else len(self.rows) - 1, place >= 0)

    def action_choose(self) -> None:
        self._chose = True
        if self.cursor is not None and self.rows:
            self.post_message(self.Chosen(self, self.cursor))  # type: ignore[arg-type]

    def on_click(self, event: Click) -> None:
        row = round(self.scroll_y) + event.y
        if 0 <= row < len(self.rows) and self.selectable(self.rows[row]):
            self._moved(row, True)
            self.action_choose()

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= len(self.rows):
            if row == 0 and self.empty:
                said = Segment(f" {self.empty}", base + Style(dim=True, italic=True))
                return Strip([said]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        drawn = self._drawn.get(row)
        if drawn is not None:
            return drawn
        segments = self.render_row(self.rows[row], width, base)
        if row == self.cursor:
            cursor = Style(reverse=True) if self.has_focus else Style(underline=True)
            segments = [Segment(s.text, (s.style or base) + cursor) for s in segments]
        strip = Strip(segments).crop_extend(0, width, base)
        if len(self._drawn) > KEPT:
            self._drawn.clear()
        self._drawn[row] = strip
        return strip

    def redraw(self) -> None:
        """Draw every row again (the theme changed)."""
        self._drawn.clear()
        self.refresh()

    def on_focus(self) -> None:
        self.redraw()

    def on_blur(self) -> None:
        self.redraw()


class ListFilter(Input):
    """The filter box of a list: Enter or ↓ goes back to the list, escape clears it first."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("ListFilter")

    @dataclass
    class Done(Message):
        """The reader is done filtering: the list takes the focus."""

        box: ListFilter

        @property
        def control(self) -> ListFilter:
            return self.box

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)

    def action_done(self) -> None:
        self.post_message(self.Done(self))

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Done(self))
