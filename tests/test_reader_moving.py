"""Moving like less, through Textual's pilot: half and whole pages, ``:`` to a line or a
share, 100% at the end, the help screen scrolling, the status line never naming an entity
out of sight, match i/N, a remembered position, and the model following the reader."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from reader_support import MakeReader, generated_text, reader, status, wait_chrome, wait_for
from sample import WordRecognizer
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import Input, Static

from extract.annotator import Annotator
from extract.document import Document, load, text_document
from extract.recognizer import Found
from tui.layout import line_starts
from tui.screens.help import HelpScreen
from tui.widgets.bars import StatusBar
from tui.widgets.density import DensityStrip

pytestmark = pytest.mark.asyncio


def side(app: object) -> str:
    """The right-hand part of the status line."""
    return reader(app).query_one(StatusBar).side  # type: ignore[arg-type]


async def test_ctrl_keys_page_like_less(long_document: Document, make_reader: MakeReader) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await wait_chrome(pilot)  # the footer takes its row after the first frame
        article = reader(app).article
        page = article.scrollable_content_region.height
        half = page // 2
        rows = []
        for key in ("ctrl+f", "ctrl+f", "ctrl+b", "ctrl+d", "ctrl+d", "ctrl+u", "ctrl+b"):
            await pilot.press(key)
            rows.append(article.scroll_y)
        assert rows == [page, 2 * page, page, page + half, page + 2 * half, page + half, half]


async def test_the_end_shows_100_percent(long_document: Document, make_reader: MakeReader) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await pilot.press("G")
        await pilot.pause()
        assert status(app).endswith(" · 100%")
        await pilot.press("k")
        await pilot.pause()
        assert not status(app).endswith(" · 100%")


async def test_a_click_on_the_density_strip_goes_to_that_share(
    long_document: Document, make_reader: MakeReader
) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await wait_chrome(pilot)
        strip = reader(app).query_one(DensityStrip)
        height = strip.size.height
        await pilot.click(DensityStrip, offset=(0, height * 3 // 4))
        text, article = long_document.text, reader(app).article
        wanted = int(height * 3 // 4 / height * len(text))
        await wait_for(pilot, lambda: article.top_offset > 0, "the jump")
        top = article.top_offset
        assert top <= wanted < top + 300  # the line holding that share is at the top
        assert "75%" in status(app) or "74%" in status(app)


async def test_colon_goes_to_a_line_or_a_share_and_explains_nonsense(
    long_document: Document, make_reader: MakeReader
) -> None:
    text = long_document.text
    lines = list(line_starts(text))
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (
        app,
        pilot,
        screen,
        told,
    ):
        await wait_chrome(pilot)  # the footer takes its row after the first frame
        box = screen.query_one("#goto", Input)
        assert not box.display
        await pilot.press("colon")
        assert box.display and box.has_focus
        await pilot.press(*"301", "enter")
        await pilot.pause()
        assert not box.display and screen.article.has_focus
        assert screen.article.top_offset == lines[300]
        assert status(app).startswith("line 301 of ")

        await pilot.press("colon", *"50%", "enter")
        await pilot.pause()
        top = screen.article.top_offset
        assert top in lines and top <= len(text) // 2 < text.index("\n", top) + 1

        for nonsense, said in (
            ("150%", "150% is past the end: give 0% to 100%."),
            ("abc", "Go to what? 'abc': give a line number or a share like 50%."),
        ):
            await pilot.press("colon", *nonsense, "enter")
            await pilot.pause()
            assert told[-1] == said
            assert screen.article.top_offset == top  # nonsense goes nowhere

        await pilot.press("colon", *"99999", "enter")
        await pilot.pause()
        assert told[-1] == f"The text has {len(lines):,} lines: this is the end."
        assert status(app).endswith(" · 100%")

        await pilot.press("colon", *"12", "escape")
        assert not box.display and screen.article.has_focus
        assert status(app).endswith(" · 100%")  # escape goes nowhere


async def test_digits_alone_still_toggle_categories(make_reader: MakeReader) -> None:
    async with make_reader() as (_app, pilot, screen, _told):
        await pilot.press("1")
        assert "person" not in screen.shown


async def test_the_help_screen_scrolls_with_the_reading_keys(make_reader: MakeReader) -> None:
    async with make_reader(size=(100, 24)) as (app, pilot, _screen, _told):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 10
        positions = []
        for key in ("j", "j", "k", "space", "b", "G", "g", "ctrl+f"):
            await pilot.press(key)
            positions.append(scroll.scroll_y)
        page = scroll.scrollable_content_region.height - 1
        assert positions == [1, 2, 1, 1 + page, 1, scroll.max_scroll_y, 0, page]
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_help_screen_has_a_legend_of_colours_and_labels(
    make_reader: MakeReader,
) -> None:
    async with make_reader(size=(120, 45)) as (app, pilot, _screen, _told):
        await pilot.press("question_mark")
        await pilot.pause()
        static = app.screen.query_one(Static)
        text = "\n".join(strip.text for strip in static.render_lines(Region(0, 0, *static.size)))
        for words in ("Colours and labels", "NORP", "nationalities, religious or political"):
            assert words in text, words
        assert "the current mention" in text and "the search match" in text


# -- the status line ------------------------------------------------------------------------


async def test_a_search_shows_match_i_of_n_and_n_keeps_it(
    sample_document: Document, make_reader: MakeReader
) -> None:
    count = sample_document.text.lower().count("syria")
    async with make_reader() as (app, pilot, _screen, _told):
        await pilot.press(*["right_square_bracket"] * 4)
        assert status(app).startswith("Haider al-Abadi · Person")
        await pilot.press("slash", *"syria", "enter")
        assert side(app) == f"search: syria · match 1/{count}  (n/N)"
        assert status(app).startswith("line ")  # no longer the entity of before the search
        await pilot.press("n", "n")
        assert side(app) == f"search: syria · match 3/{count}  (n/N)"
        await pilot.press("N")
        assert side(app) == f"search: syria · match 2/{count}  (n/N)"
        await pilot.press("slash", *"nowhere", "enter")
        assert side(app) == "search: nowhere · no match  (n/N)"
        await pilot.press("right_square_bracket")
        assert side(app) == "" and " · mention " in status(app)


async def test_the_status_line_leaves_a_mention_scrolled_out_of_sight(
    make_reader: MakeReader,
) -> None:
    async with make_reader(size=(100, 14)) as (app, pilot, screen, _told):
        await pilot.press("right_square_bracket")
        assert " · mention 1/" in status(app)
        for _ in range(15):
            await pilot.press("j")
        await pilot.pause()
        current = screen.current
        assert current is not None and current.start < screen.article.top_offset
        assert status(app).startswith("line ")
        await pilot.press("g")
        await pilot.pause()
        assert " · mention 1/" in status(app)  # back in sight, named again


async def test_a_remembered_position_is_drawn_whole_in_the_first_frame(
    long_document: Document, make_reader: MakeReader
) -> None:
    path = Path(long_document.source)
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await pilot.press("space", "space", "j")
        top = reader(app).article.top_offset
        await pilot.press("q")
    async with make_reader(load(path), None, size=(100, 30), wait=False) as (app, pilot, *_):
        await pilot.pause()
        article = reader(app).article
        assert article.top_offset == top
        first_row = article.render_line(0).text.strip()
        assert long_document.text[top:].startswith(first_row)
        screen_text = app.export_screenshot()
        row = long_document.text[top : long_document.text.index("\n", top)][:40]
        assert row.replace(" ", "&#160;") in screen_text
        assert "Paragraph&#160;0:" not in screen_text  # nothing left from the top of the text


# -- the model follows the reader -----------------------------------------------------------


class SlowWords(WordRecognizer):
    """Marks "Paragraph" wherever it stands, a tenth of a second per batch."""

    def __init__(self) -> None:
        super().__init__({"Paragraph": "ORG"}, name="slow-words")

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        time.sleep(0.1)
        return super().recognise(texts)


async def test_the_model_reads_where_the_reader_jumps_first(
    tmp_path: Path, make_reader: MakeReader
) -> None:
    path = tmp_path / "long.txt"
    path.write_text(generated_text(3000), encoding="utf-8")
    document = text_document(path.read_text(encoding="utf-8"), str(path))
    annotator = Annotator(recognizer=SlowWords(), jobs=0, cache=None)
    total = len(document.text)
    async with make_reader(document, annotator, size=(100, 30), wait=False) as (
        _app,
        pilot,
        screen,
        _told,
    ):
        await wait_for(pilot, lambda: bool(screen.model_mentions), "the first batch")
        await pilot.press("G")
        await wait_for(
            pilot,
            lambda: any(m.start > total - 2000 for m in screen.index.mentions),
            "the end of the text to be highlighted",
        )
        done = screen.reading.progress.done
        assert done < total // 2, "the end was read after most of the text"
        middle = total // 2
        assert not any(middle - 1000 < m.start < middle + 1000 for m in screen.model_mentions)
        await wait_for(pilot, lambda: screen.annotation_done, "the rest of the text", 60)
        assert len(screen.index.mentions) == document.text.count("Paragraph")
