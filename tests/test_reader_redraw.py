"""Only what changes is drawn again: after moves, scrolls and new views coming in while the
model reads, the screen is what drawing every widget afresh gives."""

from __future__ import annotations

import pytest
from reader_support import MakeReader, reader, wait_annotated
from sample import WordRecognizer
from textual.geometry import Region
from textual.pilot import Pilot

from extract.annotator import Annotator
from extract.document import text_document
from tui.app import ReaderApp

pytestmark = pytest.mark.asyncio

NAMES = {"Anna": "PERSON", "Pierre": "PERSON", "Moscow": "GPE", "the Guards": "ORG"}


def story(paragraphs: int = 200) -> str:
    # Names come and go from one paragraph to the next: each new view changes some rows.
    return "\n\n".join(
        f"In paragraph {n} Anna wrote to Pierre from Moscow. "
        + ("The Guards rode past the window. " if n % 3 else "Nobody rode past the window. ")
        + ("Pierre answered at once." if n % 2 else "No answer came from anyone.")
        for n in range(paragraphs)
    )


def painted(app: ReaderApp) -> list[list[tuple[str, str]]]:
    """What the article, the density strip, the mentions panel and the status line paint:
    their lines as the screen takes them (through each widget's cache of drawn lines)."""
    screen = reader(app)
    rows: list[list[tuple[str, str]]] = []
    for name in ("#article", "#density", "#mentions", "#statusbar"):
        widget = screen.query_one(name)
        for strip in widget.render_lines(Region(0, 0, *widget.region.size)):
            rows.append([(segment.text, str(segment.style)) for segment in strip])
    return rows


async def painted_afresh(app: ReaderApp, pilot: Pilot[None]) -> list[list[tuple[str, str]]]:
    """`painted` once every widget has drawn itself again from scratch (a theme change and
    back makes each drop what it drew)."""
    theme = app.theme
    app.theme = "textual-light" if theme != "textual-light" else "textual-dark"
    await pilot.pause()
    app.theme = theme
    await pilot.pause()
    return painted(app)


async def test_moves_and_new_views_leave_the_screen_as_drawing_afresh_does(
    make_reader: MakeReader,
) -> None:
    document = text_document(story(), "story.txt")
    annotator = Annotator(recognizer=WordRecognizer(NAMES), jobs=0)
    async with make_reader(document, annotator, size=(100, 30), wait=False) as (
        app,
        pilot,
        screen,
        _,
    ):
        # While the views come in: to the next mention, the same entity's, a row down.
        for key in ("right_square_bracket", "n", "j", "right_square_bracket", "n", "j", "n"):
            await pilot.press(key)
            await pilot.pause(0.05)
        await wait_annotated(pilot, timeout=120)
        for key in ("right_square_bracket", "n", "n", "j", "left_square_bracket", "N"):
            await pilot.press(key)
            await pilot.pause()
            shown = painted(app)
            assert shown == await painted_afresh(app, pilot), f"stale rows after {key}"
        assert screen.current is not None


async def test_a_new_view_redraws_the_rows_whose_marks_it_changes(
    make_reader: MakeReader,
) -> None:
    document = text_document(story(40), "story.txt")
    annotator = Annotator(recognizer=WordRecognizer(NAMES), jobs=0)
    async with make_reader(document, annotator, size=(100, 30)) as (app, pilot, screen, _):
        await pilot.press("right_square_bracket")
        await pilot.pause()
        before = painted(app)
        # Pierre is shown no more, then again: his rows change, the others stay as drawn.
        screen.toggle_section("person")
        await pilot.pause()
        hidden = painted(app)
        assert hidden != before
        assert hidden == await painted_afresh(app, pilot)
        screen.toggle_section("person")
        await pilot.pause()
        assert painted(app) == await painted_afresh(app, pilot)
