"""Every key of the reader, pressed through Textual's pilot on a real app."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reader_support import (
    MakeReader,
    category_number,
    reader,
    sidebar_names,
    sidebar_sections,
    status,
    wait_chrome,
    wait_for,
    wait_panels,
)
from textual.geometry import Region
from textual.widgets import Input, Static

from extract.categories import CATEGORIES
from extract.document import Document, text_document
from extract.positions import Positions
from tui.bindings import APP_KEYS, READER_KEYS
from tui.screens.help import HelpScreen
from tui.widgets.article import ArticleView
from tui.widgets.bars import StatusBar, TopBar
from tui.widgets.mentions import MentionsPanel
from tui.widgets.sidebar import EntityTree

pytestmark = pytest.mark.asyncio

ABADI = re.compile(r"Haider al-Abadi · Person · mention (\d+)/(\d+) · PERSON")


# -- moving through the text ----------------------------------------------------------------


async def test_line_keys_scroll_one_row(long_document: Document, make_reader: MakeReader) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        article = reader(app).article
        rows = []
        for key in ("j", "down", "j", "k", "up"):
            await pilot.press(key)
            rows.append(article.scroll_y)
        assert rows == [1, 2, 3, 2, 1]


async def test_page_keys_scroll_one_screen(
    long_document: Document, make_reader: MakeReader
) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await wait_chrome(pilot)  # the footer takes its row after the first frame
        app.animation_level = "none"
        article = reader(app).article
        page = article.scrollable_content_region.height
        assert page > 10
        rows = []
        for key in ("space", "pagedown", "b", "space", "pageup", "pageup"):
            await pilot.press(key)
            rows.append(article.scroll_y)
        assert rows == [page, 2 * page, page, 2 * page, page, 0]
        assert status(app).startswith("line 1 of ")


async def test_top_and_end_keys(long_document: Document, make_reader: MakeReader) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await wait_chrome(pilot)  # the footer takes its row after the first frame
        app.animation_level = "none"
        article = reader(app).article
        end = len(long_document.text)
        for to_end, to_top in (("G", "g"), ("end", "home")):
            await pilot.press(to_end)
            await pilot.pause()
            assert article.visible_range()[1] == end
            assert article.scroll_y == article.max_scroll_y > 0
            assert status(app).endswith("· 100%")
            await pilot.press(to_top)
            assert article.scroll_y == 0
            assert article.top_offset == 0
            assert status(app) == "line 1 of 799 · 0%"


async def test_q_quits_and_remembers_the_position(
    long_document: Document, data_dir: Path, make_reader: MakeReader
) -> None:
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        article = reader(app).article
        await pilot.press("space", "space", "j")
        top = article.top_offset
        assert top > 0
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit", timeout=5)
    assert app.return_code == 0
    saved = json.loads((data_dir / "positions.json").read_text(encoding="utf-8"))
    assert saved == {long_document.source: {"sha256": long_document.sha256, "offset": top}}
    assert Positions().get(long_document.source, long_document.sha256) == top


@pytest.mark.parametrize("share", [0, 0.5])
async def test_a_remembered_place_opens_at_the_top_and_stays_there(
    long_document: Document, make_reader: MakeReader, share: float
) -> None:
    text = long_document.text
    offset = text.index("\n", int(len(text) * share)) + 1 if share else 0
    Positions().put(long_document.source, long_document.sha256, offset)
    async with make_reader(long_document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        await wait_chrome(pilot)
        article = reader(app).article
        assert article.top_offset == offset
        wrapped = article.wrapped
        await pilot.resize_terminal(100, 24)  # the same width: the rows stay as they were
        await pilot.pause()
        assert article.wrapped is wrapped
        assert article.top_offset == offset


# -- mentions -------------------------------------------------------------------------------


async def test_next_mention_reaches_abadi_then_n_and_shift_n(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        found = None
        for _ in range(20):
            await pilot.press("right_square_bracket")
            found = ABADI.fullmatch(status(app))
            if found:
                break
        assert found is not None, status(app)
        place, total = int(found[1]), int(found[2])
        assert total == 5 and place < total
        entity = screen.current_entity
        assert entity is not None and entity.name == "Haider al-Abadi"
        assert screen.article.current == entity.mentions[place - 1]

        await pilot.press("n")
        assert status(app) == f"Haider al-Abadi · Person · mention {place + 1}/{total} · PERSON"
        assert screen.article.current == entity.mentions[place]
        await pilot.press("N")
        assert status(app) == f"Haider al-Abadi · Person · mention {place}/{total} · PERSON"
        assert screen.article.current == entity.mentions[place - 1]


async def test_brackets_walk_the_mentions_in_order_and_wrap(make_reader: MakeReader) -> None:
    async with make_reader() as (_app, pilot, screen, told):
        mentions = screen.index.mentions
        assert len(mentions) > 50
        seen = []
        for _ in range(8):
            await pilot.press("right_square_bracket")
            seen.append(screen.article.current)
        assert seen == mentions[:8]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.article.current == mentions[5]
        assert told == []
        # The whole article is on screen: from its first mention, [ wraps to the last.
        await pilot.press("g", *["left_square_bracket"] * 5)
        assert screen.article.current == mentions[0]
        assert told == []
        await pilot.press("left_square_bracket")
        assert screen.article.current == mentions[-1]
        assert told == ["Wrapped to the last mention."]
        await pilot.press("right_square_bracket")
        assert screen.article.current == mentions[0]
        assert told[-1] == "Wrapped to the first mention."


async def test_n_wraps_within_the_entity(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, told):
        await pilot.press("n")
        assert told == ["No current entity: press ] or choose one in the sidebar."]
        await pilot.press("right_square_bracket", "right_square_bracket")  # ISIS, 1 of 10
        assert status(app) == "ISIS · Organisation · mention 1/10 · ORG"
        await pilot.press("N")
        assert status(app) == "ISIS · Organisation · mention 10/10 · ORG"
        assert told[-1] == "Wrapped to the last mention of ISIS."
        await pilot.press("n")
        assert status(app) == "ISIS · Organisation · mention 1/10 · ORG"
        assert told[-1] == "Wrapped to the first mention of ISIS."
        assert screen.article.current == screen.current_entity.mentions[0]  # type: ignore[union-attr]


# -- search ---------------------------------------------------------------------------------


async def test_slash_searches_and_n_repeats_until_an_entity_is_chosen(
    sample_document: Document, make_reader: MakeReader
) -> None:
    text = sample_document.text
    expected = [m.start() for m in re.finditer("syria", text, re.IGNORECASE)]
    async with make_reader() as (_app, pilot, screen, _told):
        box = screen.query_one("#search", Input)
        assert not box.display
        await pilot.press("slash")
        assert box.display and box.has_focus
        await pilot.press(*"sYrIa", "enter")
        assert not box.display and screen.article.has_focus
        assert screen.article.match == (expected[0], expected[0] + 5)
        side = screen.query_one(StatusBar).side
        assert side == f"search: sYrIa · match 1/{len(expected)}  (n/N)"
        starts = [expected[0]]
        for _ in range(3):
            await pilot.press("n")
            starts.append(screen.article.match[0])  # type: ignore[index]
        assert starts == expected[:4]
        await pilot.press("N")
        assert screen.article.match == (expected[2], expected[2] + 5)
        assert text[expected[2] : expected[2] + 5] == "Syria"

        await pilot.press("right_square_bracket")  # an entity again: n follows it
        assert screen.article.match is None
        current = screen.current_entity
        assert current is not None
        await pilot.press("n")
        assert screen.article.match is None
        assert screen.current_entity == current
        assert screen.article.current in current.mentions


async def test_escape_closes_the_search_box(make_reader: MakeReader) -> None:
    async with make_reader() as (_app, pilot, screen, _told):
        box = screen.query_one("#search", Input)
        await pilot.press("slash", "i", "r", "a", "escape")
        assert not box.display
        assert screen.article.has_focus
        assert screen.article.match is None and not screen.search_active
        await pilot.press("j")  # keys reach the article again
        assert box.value == "ira"


# -- focus ----------------------------------------------------------------------------------


async def test_tab_and_shift_tab_move_focus_around_the_panes(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, *_):
        assert isinstance(app.focused, ArticleView)
        forward = []
        for _ in range(4):
            await pilot.press("tab")
            forward.append(app.focused.id if app.focused else None)
        assert forward == ["entity-filter", "entity-tree", "mentions", "article"]
        backward = []
        for _ in range(4):
            await pilot.press("shift+tab")
            backward.append(app.focused.id if app.focused else None)
        assert backward == ["mentions", "entity-tree", "entity-filter", "article"]
        assert isinstance(app.focused, ArticleView)
        assert isinstance(reader(app).query_one("#entity-tree"), EntityTree)
        assert isinstance(reader(app).query_one("#mentions"), MentionsPanel)


# -- categories and order -------------------------------------------------------------------


async def test_number_keys_hide_and_show_each_category(make_reader: MakeReader) -> None:
    every = [category.key for category in CATEGORIES]
    async with make_reader() as (app, pilot, screen, _told):
        assert sidebar_sections(app) == every
        for number, category in enumerate(CATEGORIES, start=1):
            await pilot.press(str(number))
            assert sidebar_sections(app) == [key for key in every if key != category.key]
            assert all(
                screen.index.entity_of(m).category != category.key  # type: ignore[union-attr]
                for m in screen.index.mentions
            )
            await pilot.press(str(number))
            assert sidebar_sections(app) == every
        assert len(screen.index) == sum(len(e.mentions) for e in screen.entities)


async def test_next_mention_skips_hidden_categories(make_reader: MakeReader) -> None:
    async with make_reader() as (_app, pilot, screen, _told):
        await pilot.press(category_number("person"), category_number("other"))
        expected = [
            m for e in screen.entities if e.category not in ("person", "other") for m in e.mentions
        ]
        expected.sort()
        seen = []
        for _ in range(16):
            await pilot.press("right_square_bracket")
            seen.append(screen.article.current)
        assert seen == expected[:16]
        categories = {screen.index.entity_of(m).category for m in seen}  # type: ignore[union-attr]
        assert categories == {"organisation", "place", "date", "figure"}


async def test_hiding_the_current_category_drops_the_current_mention(
    make_reader: MakeReader,
) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        await pilot.press("right_square_bracket")  # "Iraqi", in Other
        assert screen.current_entity is not None
        assert screen.current_entity.category == "other"
        await pilot.press(category_number("other"))
        assert screen.current is None and screen.article.current is None
        assert status(app).startswith("line 1 of ")


async def test_o_switches_the_sidebar_between_count_and_first_appearance(
    make_reader: MakeReader,
) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        places = [e for e in screen.entities if e.category == "place"]
        by_count = [e.name for e in sorted(places, key=lambda e: (-len(e.mentions), e.first))]
        by_first = [e.name for e in sorted(places, key=lambda e: e.first)]
        assert by_count != by_first
        assert sidebar_names(app, "place") == by_count
        assert sidebar_names(app, "place")[:3] == ["Syria", "Iraq", "Deshaisha"]
        await pilot.press("o")
        assert sidebar_names(app, "place") == by_first
        assert sidebar_names(app, "place")[:3] == ["Syria", "Deshaisha", "Baghdad"]
        await pilot.press("o")
        assert sidebar_names(app, "place") == by_count


# -- help, quit, no model -------------------------------------------------------------------


async def test_question_mark_lists_every_key_and_escape_closes(make_reader: MakeReader) -> None:
    async with make_reader(size=(120, 45)) as (app, pilot, *_):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        keys = app.screen.query_one(Static)
        assert keys.region.width > 60 and keys.region.height > 20  # laid out, on screen
        lines = [strip.text.rstrip() for strip in keys.render_lines(Region(0, 0, *keys.size))]
        for key in (*READER_KEYS, *APP_KEYS):
            assert any(
                line.startswith(f"{key.display} ") and line.endswith(f" {key.description}")
                for line in lines
            ), key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        assert reader(app) is app.screen


async def test_without_a_model_the_text_shows_with_no_entities(
    tmp_path: Path, make_reader: MakeReader
) -> None:
    document = text_document("Angela Merkel met Emmanuel Macron in Paris.\n", str(tmp_path / "t"))
    async with make_reader(document, None, size=(100, 24), wait=False) as session:
        _app, pilot, screen, told = session
        assert screen.annotation_done
        assert screen.entities == [] and len(screen.index) == 0
        assert screen.query_one(TopBar).state == "no entities: started with --no-ner"
        assert screen.article.render_line(0).text.strip() == document.text.strip()
        await wait_panels(pilot)
        assert all(not section.children for section in screen.sidebar.entity_tree.root.children)
        await pilot.press("right_square_bracket")
        assert told == ["No mentions in the shown categories."]
        assert screen.current is None
