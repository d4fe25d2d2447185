"""`FrameStyled`: a Line-API widget whose `rich_style` is worked out once per frame.

Textual's `rich_style` walks every ancestor's styles each time it is read, and a Line-API
widget reads it for each line it draws (Textual's `Tree` too): a screen of text paid for it
dozens of times per frame. While the widget's lines are made (`render_lines`), nothing can
change its styles (no event is handled meanwhile), so the style read first holds for the
rest of them; outside `render_lines`, and in the next frame, it is worked out afresh, so a
change of theme, focus or hover shows in the very next frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    # Not a widget class itself: Textual takes a widget's CSS and component classes from the
    # first widget class among its bases, which must stay the one it speeds up.
    _Base = object


class FrameStyled(_Base):
    """Put before the Line-API widget class it speeds up: ``class A(FrameStyled, ScrollView)``."""

    _in_frame = False
    """Whether one frame's lines are being made."""
    _frame_style: Style | None = None
    """The widget's style in that frame, once read."""
    _frame_shared: object = None
    """Whatever else the widget works out once for all the lines of that frame."""

    def render_lines(self, crop: Region) -> list[Strip]:
        self._in_frame, self._frame_style, self._frame_shared = True, None, None
        try:
            return super().render_lines(crop)
        finally:
            self._in_frame, self._frame_style, self._frame_shared = False, None, None

    @property
    def rich_style(self) -> Style:
        if not self._in_frame:
            return super().rich_style
        style = self._frame_style
        if style is None:
            style = self._frame_style = super().rich_style
        return style
