"""A bare Textual viewer: the file's lines through the Line API, nothing else.

The baseline `first_paint.py` compares entity-reader's first screen against.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LinesView(ScrollView, can_focus=True):
    """Shows lines as they are, without wrapping or highlighting."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines
        self.virtual_size = Size(max((len(line) for line in lines[:1000]), default=1), len(lines))

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        if row >= len(self.lines):
            return Strip.blank(self.size.width)
        return Strip([Segment(self.lines[row])]).crop_extend(0, self.size.width, None)


class BareViewer(App[None]):
    """Quit with q."""

    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "quit")]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.lines = Path(path).read_text(encoding="utf-8").splitlines()

    def compose(self) -> ComposeResult:
        yield LinesView(self.lines)

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        """Write the time of the first screen where first_paint.py reads it (as the reader)."""
        log = os.environ.get("ENTITY_READER_FRAME_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"first-frame {time.time():.6f}\n")


if __name__ == "__main__":
    BareViewer(sys.argv[1]).run()
