"""A sidebar's first listing of a long list comes in two steps: the entries a screen shows at
once, the rest just after that frame. It ends exactly as a listing made in one step, and the
tree answers keys and follows the current entity meanwhile."""

from __future__ import annotations

import pytest
from test_sidebar import Cast, Host, cursor, lines, reading_of
from textual.pilot import Pilot

from tui.reading import Reading
from tui.widgets.sidebar import SECTION_LIMIT, Sidebar

pytestmark = pytest.mark.asyncio

HEIGHT = 30
"""Rows of the test's screen: far fewer than the entries of a long book's sidebar."""


def long_cast() -> Cast:
    """More people than a section lists, some places and dates (collapsed)."""
    cast = Cast()
    for n in range(SECTION_LIMIT + 20):
        cast.entities[f"person:p{n:03}"] = (f"Person {n:03}", "person", 500 - n, False)
    for n in range(40):
        cast.entities[f"place:q{n:03}"] = (f"Place {n:03}", "place", 100 - n, False)
    for n in range(10):
        cast.entities[f"date:d{n:03}"] = (f"Date {n:03}", "date", 10, False)
    return cast


def entries(sidebar: Sidebar) -> int:
    return sum(1 for line in lines(sidebar.entity_tree) if line[0] == 1)


async def listed_at_once(pilot: Pilot[None], reading: Reading) -> Sidebar:
    """A sidebar listing ``reading`` in one step, as every listing after the first does."""
    other = Sidebar()
    await pilot.app.mount(other)
    other.reading = reading
    other._rebuild()
    await pilot.pause()
    return other


async def settled(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()


async def test_the_first_listing_shows_a_screenful_then_ends_as_one_made_at_once() -> None:
    reading = reading_of(long_cast().view())
    app = Host()
    async with app.run_test(size=(60, HEIGHT)) as pilot:
        sidebar = app.query_one(Sidebar)
        sidebar.reading = reading
        first = entries(sidebar)
        assert 0 < first <= HEIGHT  # only what a screen shows, sections first
        sections = [line[2].split()[0] for line in lines(sidebar.entity_tree) if line[0] == 0]
        assert sections == ["People", "Organisations", "Places", "Figures", "Dates", "Other"]
        await settled(pilot)
        assert entries(sidebar) == SECTION_LIMIT + 1 + 40  # people, "… more", places
        other = await listed_at_once(pilot, reading)
        assert lines(sidebar.entity_tree) == lines(other.entity_tree)


async def test_the_cursor_moves_while_listing_and_ends_on_the_current_entity() -> None:
    cast = long_cast()
    app = Host()
    async with app.run_test(size=(60, HEIGHT)) as pilot:
        sidebar = app.query_one(Sidebar)
        # The current entity is far down the list: not among the entries shown first.
        sidebar.reading = reading_of(cast.view(), "place:q030")
        tree = sidebar.entity_tree
        assert cursor(tree) is None
        await settled(pilot)
        assert cursor(tree) == ("entity", "place:q030")

    app = Host()
    async with app.run_test(size=(60, HEIGHT)) as pilot:
        sidebar = app.query_one(Sidebar)
        sidebar.reading = reading_of(cast.view())
        tree = sidebar.entity_tree
        tree.focus()
        await pilot.press("down", "down")  # keys as soon as the first entries show
        await settled(pilot)
        assert cursor(tree) == ("entity", "person:p000")
        assert entries(sidebar) == SECTION_LIMIT + 1 + 40


async def test_a_new_view_or_a_filter_before_the_rest_is_listed_lists_it_in_full() -> None:
    cast = long_cast()
    app = Host()
    async with app.run_test(size=(60, HEIGHT)) as pilot:
        sidebar = app.query_one(Sidebar)
        sidebar.reading = reading_of(cast.view())
        del cast.entities["person:p000"]
        newer = reading_of(cast.view())
        sidebar.reading = newer  # before the frame: listed in one step, the first no more
        assert entries(sidebar) == SECTION_LIMIT + 1 + 40
        await settled(pilot)
        other = await listed_at_once(pilot, newer)
        assert lines(sidebar.entity_tree) == lines(other.entity_tree)
        await other.remove()

        sidebar = Sidebar()
        await app.mount(sidebar)
        sidebar.reading = reading_of(cast.view())
        await pilot.press("tab")
        sidebar.type_into_filter("l")  # (only the places have an l)
        await settled(pilot)
        listed = [line[1] for line in lines(sidebar.entity_tree) if line[0] == 1]
        assert listed and all(data is not None and data[1].startswith("place:") for data in listed)
