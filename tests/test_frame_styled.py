"""`FrameStyled`: a Line-API widget's style is worked out once per frame, never kept stale."""

from __future__ import annotations

from typing import ClassVar

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from tui.widgets.styled import FrameStyled

pytestmark = pytest.mark.asyncio


class Lines(FrameStyled, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    Lines { height: 10; background: #102030; }
    Lines:focus { background: #405060; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.virtual_size = Size(20, 100)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        return Strip([Segment(f"line {y}", base)]).crop_extend(0, self.size.width, base)


class Two(App[None]):
    CSS: ClassVar[str] = "Static { height: 1; }"

    def compose(self) -> ComposeResult:
        yield Static("above", id="above")
        yield Lines()


def _backgrounds(widget: Lines) -> set[str]:
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return {
        str(segment.style.bgcolor.name)
        for strip in strips
        for segment in strip
        if segment.style is not None and segment.style.bgcolor is not None
    }


async def test_the_style_is_worked_out_once_per_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    async with Two().run_test(size=(40, 12)) as pilot:
        widget = pilot.app.query_one(Lines)
        await pilot.pause()
        worked_out = []
        plain = DOMNode.rich_style.fget  # type: ignore[attr-defined]

        def counted(node: DOMNode) -> Style:
            if node is widget:
                worked_out.append(node)
            return plain(node)  # type: ignore[no-any-return]

        monkeypatch.setattr(DOMNode, "rich_style", property(counted))
        widget.refresh()  # every line drawn again
        widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
        assert len(worked_out) == 1  # for ten lines
        outside = [widget.rich_style, widget.rich_style]  # outside a frame: each time
        assert len(worked_out) == 3
        assert outside[0] == outside[1]


async def test_focus_and_theme_show_in_the_next_frame() -> None:
    async with Two().run_test(size=(40, 12)) as pilot:
        widget = pilot.app.query_one(Lines)
        await pilot.pause()
        assert widget.has_focus  # (the screen's first focusable widget)
        assert _backgrounds(widget) == {"#405060"}
        pilot.app.screen.set_focus(None)
        await pilot.pause()
        assert _backgrounds(widget) == {"#102030"}
        widget.focus()
        await pilot.pause()
        assert _backgrounds(widget) == {"#405060"}
        widget.styles.background = "#aabbcc"
        await pilot.pause()
        assert _backgrounds(widget) == {"#aabbcc"}


async def test_a_widget_keeps_the_css_of_the_class_it_speeds_up() -> None:
    async with Two().run_test(size=(40, 12)) as pilot:
        widget = pilot.app.query_one(Lines)
        assert widget.styles.overflow_y == "auto"  # ScrollView's own DEFAULT_CSS
        assert widget.styles.height is not None and widget.styles.height.value == 10
