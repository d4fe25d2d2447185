"""Helpers for the reader's pilot tests: waiting, reading the screen, generated texts."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import NamedTuple

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Footer

from extract.categories import CATEGORIES
from tui.app import ReaderApp
from tui.screens.document import DocumentScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import StatusBar
from tui.widgets.sidebar import EntityTree, Sidebar

SIZE = (120, 40)
"""The terminal the reader's tests run in, unless they need another."""


class Session(NamedTuple):
    """A reader running under Textual's pilot (what the ``make_reader`` fixture opens)."""

    app: ReaderApp
    pilot: Pilot[None]
    screen: ReaderScreen
    told: list[str]
    """Every notification, in order."""


MakeApp = Callable[..., ReaderApp]
"""The ``make_app`` fixture: a reader app, on the sample unless told otherwise."""

MakeReader = Callable[..., AbstractAsyncContextManager[Session]]
"""The ``make_reader`` fixture: ``async with make_reader(...) as (app, pilot, screen, told)``."""


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 30.0
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.02)


def reader(app: ReaderApp) -> ReaderScreen:
    """The reader screen, wherever it is in the stack."""
    screen = next(s for s in app.screen_stack if isinstance(s, ReaderScreen))
    return screen


def panels_shown(screen: ReaderScreen) -> bool:
    """Whether the sidebar is mounted and lists the entities (it may come after the text)."""
    trees = screen.query(EntityTree)
    if not trees or not trees.first().is_mounted:
        return False
    return bool(trees.first().root.children) or not screen.entities


async def wait_panels(pilot: Pilot[None], timeout: float = 10.0) -> ReaderScreen:
    """Wait until the sidebar and mentions panel are mounted and showing."""
    screen = reader(pilot.app)  # type: ignore[arg-type]
    await wait_for(pilot, lambda: panels_shown(screen), "the panels to show", timeout)
    return screen


async def wait_chrome(pilot: Pilot[None], timeout: float = 10.0) -> ReaderScreen:
    """Wait until the footer (which comes just after the first frame) is mounted."""
    screen = reader(pilot.app)  # type: ignore[arg-type]
    await wait_for(pilot, lambda: bool(screen.query(Footer)), "the footer", timeout)
    await pilot.pause()
    return screen


async def wait_annotated(pilot: Pilot[None], timeout: float = 30.0) -> ReaderScreen:
    """Wait until the model has finished and the panels show it; return the reader screen."""
    screen = reader(pilot.app)  # type: ignore[arg-type]
    await wait_for(
        pilot,
        lambda: screen.annotation_done and screen.view_current,
        "the annotation to finish",
        timeout,
    )
    await wait_panels(pilot)
    await pilot.pause()
    return screen


class ReaderPilot(Pilot[None]):
    """Textual's pilot, whose keys wait for the view of any correction they made: it is
    derived off the UI thread and shows a moment later (on a loaded machine, a while)."""

    async def press(self, *keys: str) -> None:
        await super().press(*keys)
        await wait_applied(self)

    async def press_only(self, *keys: str) -> None:
        """The keys, not waiting for the view of a correction they make."""
        await super().press(*keys)


async def wait_applied(pilot: Pilot[None], timeout: float = 30.0) -> None:
    """Wait until every reader open shows the view of every correction made."""
    screens = [s for s in pilot.app.screen_stack if isinstance(s, DocumentScreen)]
    if not all(screen.applied for screen in screens):
        await wait_for(
            pilot, lambda: all(s.applied for s in screens), "the view of the corrections", timeout
        )
        await pilot.pause()


def status(app: ReaderApp) -> str:
    """The status line's text."""
    return reader(app).query_one(StatusBar).status


def record_notifications(app: ReaderApp) -> list[str]:
    """Every message notified from now on (the toasts still appear)."""
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, *args: object, **kwargs: object) -> None:
        seen.append(message)
        notify(message, *args, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return seen


def sidebar_sections(app: ReaderApp) -> list[str]:
    """Category keys of the sidebar's sections, top to bottom."""
    tree = reader(app).query_one(Sidebar).entity_tree
    return [node.data[1] for node in tree.root.children if node.data is not None]


def sidebar_names(app: ReaderApp, category: str) -> list[str]:
    """Names of the entities listed under a category, top to bottom."""
    screen = reader(app)
    tree = screen.query_one(Sidebar).entity_tree
    names = []
    for section in tree.root.children:
        if section.data == ("section", category):
            for node in section.children:
                if node.data is not None:
                    names.append(screen.index.entities[node.data[1]].name)
    return names


def category_number(key: str) -> str:
    """The digit that toggles a category."""
    return str(next(n for n, c in enumerate(CATEGORIES, start=1) if c.key == key))


def generated_text(paragraphs: int = 400) -> str:
    """A generated text many screens long, every paragraph distinct."""
    return "\n\n".join(
        f"Paragraph {n}: the quick brown fox jumps over the lazy dog, " * 3
        for n in range(paragraphs)
    )


def palette_lines(app: ReaderApp) -> list[str]:
    """Each command the open palette lists: its name, a newline, its help."""
    if not isinstance(app.screen, CommandPalette):
        return []
    commands = app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
