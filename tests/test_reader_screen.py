"""The reader's panes and dialogs: sidebar, mentions panel, palette, export, resume, cache."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from reader_support import (
    generated_text,
    palette_lines,
    reader,
    sidebar_names,
    status,
    wait_annotated,
    wait_for,
    wait_panels,
)
from textual.command import CommandPalette
from textual.widgets import Input, Label, OptionList

from extract.cache import MentionCache
from extract.corrections import apply
from extract.document import Document, load, text_document
from extract.ner import Annotator
from tui.app import ReaderApp
from tui.screens.chooser import Chooser
from tui.screens.confirm import Confirm
from tui.screens.export import ExportScreen
from tui.widgets.mentions import MentionsPanel

pytestmark = pytest.mark.asyncio


# -- sidebar --------------------------------------------------------------------------------


async def test_letters_typed_in_the_tree_filter_it(
    sample_document: Document, sample_annotator: Annotator
) -> None:
    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        tree = screen.sidebar.entity_tree
        tree.focus()
        await pilot.press(*"syr")
        box = screen.query_one("#entity-filter", Input)
        assert box.value == "syr" and box.has_focus
        listed = {
            key: sidebar_names(app, key) for key in ("person", "organisation", "place", "other")
        }
        assert listed == {"person": [], "organisation": [], "place": ["Syria"], "other": ["Syrian"]}
        await pilot.press("escape")
        assert box.value == "" and tree.has_focus
        assert "Haider al-Abadi" in sidebar_names(app, "person")


async def test_enter_on_an_entity_jumps_to_its_first_mention(
    sample_document: Document, sample_annotator: Annotator
) -> None:
    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        screen.sidebar.entity_tree.focus()
        await pilot.press(*"abadi", "enter")  # the filter's Enter puts the tree on the first hit
        assert screen.sidebar.entity_tree.has_focus
        await pilot.press("enter")
        assert status(app) == "Haider al-Abadi · Person · mention 1/5"
        entity = screen.current_entity
        assert entity is not None and entity.name == "Haider al-Abadi"
        assert screen.article.current == entity.mentions[0]
        assert screen.article.has_focus
        await pilot.press("n")
        assert status(app) == "Haider al-Abadi · Person · mention 2/5"


async def test_enter_in_the_mentions_panel_jumps_to_that_mention(
    sample_document: Document, sample_annotator: Annotator
) -> None:
    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert status(app) == "ISIS · Organisation · mention 1/10"
        panel = screen.query_one(MentionsPanel)
        assert panel.option_count == 10 and panel.highlighted == 0
        assert str(panel.border_title) == "ISIS · 10"
        panel.focus()
        await pilot.press("down", "down", "down", "enter")
        assert status(app) == "ISIS · Organisation · mention 4/10"
        entity = screen.current_entity
        assert entity is not None
        assert screen.article.current == entity.mentions[3]
        await pilot.press("up", "enter")
        assert screen.article.current == entity.mentions[2]


# -- command palette ------------------------------------------------------------------------


def hits(app: ReaderApp) -> list[str]:
    """The first line of each command the palette lists."""
    return [line.split("\n")[0] for line in palette_lines(app)]


async def test_palette_go_to_entity_opens_a_chooser(
    sample_document: Document, sample_annotator: Annotator
) -> None:
    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Go to entity")
        await wait_for(pilot, lambda: hits(app) == ["Go to entity…"], "the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Chooser), "the entity chooser")
        await pilot.press(*"assad")
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "the chooser to close")
        assert status(app) == "Bashar Al Assad · Person · mention 1/2"
        assert screen.current_entity is not None
        assert screen.article.current == screen.current_entity.mentions[0]


async def test_palette_finds_an_entity_by_name(
    sample_document: Document, sample_annotator: Annotator
) -> None:
    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        await pilot.press("ctrl+p", *"Mosul")
        await wait_for(pilot, lambda: hits(app) == ["Mosul"], "the entity among the hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "the palette to close")
        assert status(app) == "Mosul · Place · mention 1/1"


# -- export dialog --------------------------------------------------------------------------


@pytest.fixture
def copied_sample(sample_document: Document, tmp_path: Path) -> Document:
    """The sample in a folder of its own, so exports land beside it there."""
    path = tmp_path / "article.txt"
    path.write_text(sample_document.text, encoding="utf-8")
    document = load(path)
    assert document.sha256 == sample_document.sha256
    return document


async def test_export_writes_json_and_asks_before_overwriting(
    copied_sample: Document, sample_annotator: Annotator, tmp_path: Path
) -> None:
    target = tmp_path / "article.json"
    app = ReaderApp(copied_sample, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        assert app.screen.format_name == "json"
        assert app.screen.query_one("#export-path", Input).value == str(target)
        await pilot.press("enter", "enter")  # choose the format, then write to the path
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["text"] == copied_sample.text
        assert data["model"]["name"] == sample_annotator.info.name
        names = {entity["name"] for entity in data["entities"]}
        assert names == {entity.name for entity in screen.entities}
        assert sorted(p.name for p in tmp_path.iterdir()) == ["article.json", "article.txt"]

        target.write_text("old", encoding="utf-8")
        await pilot.press("e", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "a question")
        assert app.screen.question == f"Replace {target}?"  # type: ignore[attr-defined]
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), "the dialog again")
        assert target.read_text(encoding="utf-8") == "old"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "a question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        assert json.loads(target.read_text(encoding="utf-8")) == data
        assert sorted(p.name for p in tmp_path.iterdir()) == ["article.json", "article.txt"]


async def test_export_escape_writes_nothing(
    copied_sample: Document, sample_annotator: Annotator, tmp_path: Path
) -> None:
    app = ReaderApp(copied_sample, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        assert app.screen is screen
    assert [p.name for p in tmp_path.iterdir()] == ["article.txt"]


# -- resume, cache, worker ------------------------------------------------------------------


async def test_reopening_a_file_resumes_where_the_reader_left(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(generated_text(), encoding="utf-8")
    document = load(path)
    app = ReaderApp(document, None)
    async with app.run_test(size=(100, 30)) as pilot:
        app.animation_level = "none"
        await pilot.press("space", "space", "space", "j", "j")
        top = reader(app).article.top_offset
        assert top > 1000
        await pilot.press("q")
    again = ReaderApp(load(path), None)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        article = reader(again).article
        assert article.top_offset == top
        assert article.scroll_y > 0
    changed = ReaderApp(text_document(document.text + "more\n", str(path)), None)
    async with changed.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert reader(changed).article.top_offset == 0  # another text: start at the top


async def test_a_cached_text_shows_its_entities_at_first_paint(
    sample_document: Document, cache_dir: Path
) -> None:
    first = ReaderApp(sample_document, Annotator(cache=MentionCache(cache_dir)))
    async with first.run_test(size=(120, 40)) as pilot:
        screen = await wait_annotated(pilot)
        found = [(e.name, e.mentions) for e in screen.entities]
        assert found
        assert not screen.query_one("#ner-state", Label).content.endswith("(cached)")  # type: ignore[union-attr]
    assert list((cache_dir / "mentions").glob("*.json"))

    second = ReaderApp(sample_document, Annotator(cache=MentionCache(cache_dir)))
    async with second.run_test(size=(120, 40)) as pilot:
        screen = reader(second)
        assert screen.annotation_done
        assert [(e.name, e.mentions) for e in screen.entities] == found
        assert not screen.workers
        paper = screen.article.rich_style.bgcolor
        first_row = list(screen.article.render_line(0))
        marked = [part.text for part in first_row if part.style and part.style.bgcolor != paper]
        assert marked[:3] == ["Iraqi", "ISIS", "Syria"]  # highlighted in the very first frame
        await wait_panels(pilot)
        assert "Haider al-Abadi" in sidebar_names(second, "person")
        state = screen.query_one("#ner-state", Label).content
        assert state == f"{len(found)} entities · {len(screen.index)} mentions (cached)"


async def test_the_model_runs_in_the_background_when_nothing_is_cached(
    sample_document: Document, sample_results: Path, tmp_path: Path
) -> None:
    app = ReaderApp(sample_document, Annotator(cache=None))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = reader(app)
        assert not screen.annotation_done
        assert screen.entities == []
        await wait_annotated(pilot)
        assert "Haider al-Abadi" in sidebar_names(app, "person")
        assert "(cached)" not in str(screen.query_one("#ner-state", Label).content)
    shutil.copytree(sample_results, tmp_path / "expected")
    expected = Annotator(cache=MentionCache(tmp_path / "expected")).cached(
        sample_document.text, sample_document.sha256
    )
    assert expected is not None
    assert screen.entities == apply(sample_document.text, expected, []).entities


# -- the text is shown as it is -------------------------------------------------------------


async def test_markup_and_escape_sequences_are_shown_literally(tmp_path: Path) -> None:
    text = (
        "Hello [bold red]Barack Obama[/] and [link=http://x]y[/link].\n"
        "Title \x1b]0;evil\x07 then \x1b[31mred\x1b[0m.\n"
    )
    app = ReaderApp(text_document(text, str(tmp_path / "evil.txt")), None)
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        article = reader(app).article
        lines = [article.render_line(y).text.rstrip() for y in range(3)]
        assert lines[0] == "Hello [bold red]Barack Obama[/] and [link=http://x]y[/link]."
        assert lines[1] == "Title ␛]0;evil␇ then ␛[31mred␛[0m."
        assert lines[2] == ""
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        shown = html.unescape(svg).replace("\xa0", " ")
        assert "[bold red]Barack Obama[/]" in shown
        assert "␛]0;evil␇" in shown
