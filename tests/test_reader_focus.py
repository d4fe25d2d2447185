"""Focus and layout, through Textual's pilot: the footer offers the keys that work where the
focus is, escape leaves the sidebar, the sidebar gives way to the text on narrow screens,
and ctrl+c says how to quit in plain words."""

from __future__ import annotations

import pytest
from reader_support import MakeReader, palette_lines, reader, wait_for
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from tui.app import ReaderApp
from tui.screens.export import ExportScreen
from tui.widgets.bars import StatusBar

pytestmark = pytest.mark.asyncio


def hits(app: ReaderApp) -> list[str]:
    """The first line of each command the palette lists."""
    return [line.split("\n")[0] for line in palette_lines(app)]


def footer(app: ReaderApp) -> set[str]:
    """What the footer offers, by the words it shows."""
    return {key.description for key in reader(app).query(FooterKey)}


async def test_the_footer_offers_the_keys_that_work_where_the_focus_is(
    make_reader: MakeReader,
) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        # The footer is composed again after each change of focus: on a loaded machine it
        # may take a while, so each check waits for the footer to settle on its keys.
        in_text_keys = {"next", "same", "search", "export", "help", "quit", "list"}
        await wait_for(pilot, lambda: in_text_keys <= footer(app), "the text's keys")
        in_text = footer(app)

        screen.sidebar.entity_tree.focus()
        await wait_for(pilot, lambda: "back" in footer(app), "the list's keys")
        in_list = footer(app)
        assert {"next", "prev", "search", "help", "back"} <= in_list  # these still work there
        assert not {"same", "export", "quit", "list"} & in_list  # letters go to the filter

        await pilot.press("q", "e")
        box = screen.query_one("#entity-filter", Input)
        assert box.value == "qe" and app.is_running and app.screen is screen
        await wait_for(pilot, lambda: "next" not in footer(app), "the filter's keys")
        in_filter = footer(app)
        assert "back" in in_filter
        assert not {"next", "prev", "same", "search", "help", "quit", "export"} & in_filter

        await pilot.press("escape", "escape")
        assert screen.article.has_focus
        await wait_for(pilot, lambda: footer(app) == in_text, "the text's keys again")


async def test_the_palette_runs_a_command_whatever_has_the_focus(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        screen.query_one("#entity-filter", Input).focus()
        await pilot.press("ctrl+p", *"Export annotations")
        await wait_for(pilot, lambda: "Export annotations…" in hits(app), "the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")


async def test_q_in_the_sidebar_filters_and_q_in_the_text_quits(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        screen.sidebar.entity_tree.focus()
        await pilot.press("q")
        assert app.is_running
        await pilot.press("escape", "escape", "q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_c_says_how_to_quit_in_plain_words(make_reader: MakeReader) -> None:
    async with make_reader(keymap={}) as (app, pilot, _screen, told):
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert told[-1] == "Press q to quit."
        assert "[b]" not in app.export_screenshot()
        assert app.is_running


async def test_below_100_columns_the_text_keeps_the_width_and_l_shows_the_sidebar_over_it(
    make_reader: MakeReader,
) -> None:
    async with make_reader(size=(60, 20)) as (_app, pilot, screen, _told):
        side = screen.query_one("#side")
        article = screen.article
        assert not side.display or side.region.width == 0
        assert article.region.width >= 55
        await pilot.press("right_square_bracket")
        await pilot.press("l")
        await pilot.pause()
        assert side.display and side.region.width >= 26
        assert article.region.width >= 55  # shown over the text, not beside it
        # between the top bar and the status line, which stay in sight
        assert side.region.y == 1 and side.region.bottom == screen.query_one(StatusBar).region.y
        assert screen.sidebar.entity_tree.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert article.has_focus and not side.display

        await pilot.press("l")
        await pilot.pause()
        await pilot.press("enter")  # going to an entity closes it too
        await pilot.pause()
        assert article.has_focus and not side.display

        await pilot.press("l")
        await pilot.pause()
        await pilot.press("slash")  # so does a prompt (it would cover the prompt)
        await pilot.pause()
        assert not side.display and screen.query_one("#search", Input).has_focus


async def test_a_tiny_terminal_gives_the_text_nearly_all_of_it(make_reader: MakeReader) -> None:
    async with make_reader(size=(40, 12)) as (_app, pilot, screen, _told):
        await pilot.pause()
        assert screen.article.region.width >= 38


async def test_a_wide_screen_shows_the_sidebar_and_l_hides_it(make_reader: MakeReader) -> None:
    async with make_reader(size=(120, 40)) as (_app, pilot, screen, _told):
        side = screen.query_one("#side")
        before = screen.article.region.width
        assert side.display and 26 <= side.region.width <= 43
        assert before >= 40
        await pilot.press("l")
        await pilot.pause()
        assert not side.display and screen.article.region.width > before
        await pilot.press("l")
        await pilot.pause()
        assert side.display and screen.article.region.width == before
