"""The reader's panes and dialogs: sidebar, mentions panel, palette, export; text shown as it is."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from reader_support import (
    MakeReader,
    palette_lines,
    reader,
    sidebar_names,
    status,
    wait_for,
)
from sample import WordRecognizer, sample_mentions
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from extract.corrections import open_for
from extract.document import Document, load, text_document
from extract.ner import Annotator
from extract.recognizer import Found
from tui.app import ReaderApp
from tui.screens.chooser import Chooser
from tui.screens.confirm import Confirm
from tui.screens.export import ExportScreen
from tui.view import derive
from tui.widgets.bars import TopBar
from tui.widgets.mentions import MentionsPanel

pytestmark = pytest.mark.asyncio


# -- sidebar --------------------------------------------------------------------------------


async def test_letters_typed_in_the_tree_filter_it(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
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


async def test_enter_on_an_entity_jumps_to_its_first_mention(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        tree = screen.sidebar.entity_tree
        tree.focus()
        await pilot.press(*"isis", "down")  # from the filter to the list
        assert tree.has_focus
        await pilot.press("enter")
        assert status(app) == "ISIS · Organisation · mention 1/10 · ORG"
        assert screen.article.has_focus


async def test_enter_in_the_filter_goes_to_the_first_entity_listed_at_once(
    make_reader: MakeReader,
) -> None:
    async with make_reader() as (app, pilot, screen, told):
        screen.sidebar.entity_tree.focus()
        await pilot.press(*"abadi", "enter")
        assert status(app) == "Haider al-Abadi · Person · mention 1/5 · PERSON"
        entity = screen.current_entity
        assert entity is not None and entity.name == "Haider al-Abadi"
        assert screen.article.current == entity.mentions[0]
        assert screen.article.has_focus
        await pilot.press("n")
        assert status(app) == "Haider al-Abadi · Person · mention 2/5 · PERSON"

        screen.sidebar.entity_tree.focus()
        await pilot.press(*"zzz", "enter")  # nothing left: a notice, no jump
        assert told[-1] == "No entity shown matches 'abadizzz'."
        assert screen.current_entity == entity


async def test_escape_clears_the_filter_then_returns_to_the_text(make_reader: MakeReader) -> None:
    async with make_reader() as (_app, pilot, screen, _told):
        tree = screen.sidebar.entity_tree
        box = screen.query_one("#entity-filter", Input)
        tree.focus()
        await pilot.press(*"sy", "escape")
        assert box.value == "" and tree.has_focus
        await pilot.press("escape")
        assert screen.article.has_focus
        box.focus()
        await pilot.press("escape")  # an empty filter: straight back to the text
        assert screen.article.has_focus


async def test_enter_in_the_mentions_panel_jumps_to_that_mention(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert status(app) == "ISIS · Organisation · mention 1/10 · ORG"
        panel = screen.query_one(MentionsPanel)
        assert panel.option_count == 10 and panel.highlighted == 0
        assert str(panel.border_title) == "ISIS · 10"
        panel.focus()
        await pilot.press("down", "down", "down", "enter")
        assert status(app) == "ISIS · Organisation · mention 4/10 · ORG"
        entity = screen.current_entity
        assert entity is not None
        assert screen.article.current == entity.mentions[3]
        await pilot.press("up", "enter")
        assert screen.article.current == entity.mentions[2]


# -- command palette ------------------------------------------------------------------------


def hits(app: ReaderApp) -> list[str]:
    """The first line of each command the palette lists."""
    return [line.split("\n")[0] for line in palette_lines(app)]


async def test_palette_go_to_entity_opens_a_chooser(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
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
        assert status(app) == "Bashar Al Assad · Person · mention 1/2 · PERSON"
        assert screen.current_entity is not None
        assert screen.article.current == screen.current_entity.mentions[0]


async def test_palette_finds_an_entity_by_name(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        await pilot.press("ctrl+p", *"Mosul")
        await wait_for(pilot, lambda: hits(app) == ["Mosul"], "the entity among the hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "the palette to close")
        assert status(app) == "Mosul · Place · mention 1/1 · GPE"


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
    copied_sample: Document, sample_annotator: Annotator, tmp_path: Path, make_reader: MakeReader
) -> None:
    target = tmp_path / "article.json"
    async with make_reader(copied_sample) as (app, pilot, screen, _told):
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        assert app.screen.format_name == "json"
        assert app.screen.query_one("#export-path", Input).value == str(target)
        await pilot.press("enter")  # Enter on the format writes to the path proposed
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["text"] == copied_sample.text
        assert data["model"]["name"] == sample_annotator.info.name
        names = {entity["name"] for entity in data["entities"]}
        assert names == {entity.name for entity in screen.entities}
        assert sorted(p.name for p in tmp_path.iterdir()) == ["article.json", "article.txt"]

        target.write_text("old", encoding="utf-8")
        await pilot.press("e", "enter")
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
    copied_sample: Document, tmp_path: Path, make_reader: MakeReader
) -> None:
    async with make_reader(copied_sample) as (app, pilot, screen, _told):
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        assert app.screen is screen
    assert [p.name for p in tmp_path.iterdir()] == ["article.txt"]


# -- the text is shown as it is -------------------------------------------------------------


async def test_markup_and_escape_sequences_are_shown_literally(
    tmp_path: Path, make_reader: MakeReader
) -> None:
    text = (
        "Hello [bold red]Barack Obama[/] and [link=http://x]y[/link].\n"
        "Title \x1b]0;evil\x07 then \x1b[31mred\x1b[0m.\n"
    )
    document = text_document(text, str(tmp_path / "evil.txt"))
    async with make_reader(document, None, size=(160, 24), wait=False) as (app, pilot, *_):
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


# -- streaming ------------------------------------------------------------------------------


class SlowWords(WordRecognizer):
    """Marks words, taking its time over each batch, as a model on a long book does."""

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        time.sleep(0.3)
        return super().recognise(texts)


async def test_the_model_streams_from_a_recogniser_and_the_view_follows(
    sample_document: Document, replay_annotator: Annotator, make_reader: MakeReader
) -> None:
    async with make_reader(sample_document, replay_annotator) as (app, _, screen, _):
        expected = derive(
            sample_document.text, sample_mentions(sample_document.text), [], screen.shown
        )
        assert [(e.name, e.mentions) for e in screen.entities] == [
            (e.name, e.mentions) for e in expected.entities
        ]
        assert "Haider al-Abadi" in sidebar_names(app, "person")
        state = screen.query_one(TopBar).state
        assert state == f"{len(expected.entities)} entities · {expected.mention_count} mentions"


async def test_a_correction_made_while_the_model_streams_holds(
    tmp_path: Path, make_reader: MakeReader
) -> None:
    text = "\n\n".join(
        f"Meeting {n}: Angela Merkel met Emmanuel Macron in Berlin." for n in range(1500)
    )
    document = text_document(text, str(tmp_path / "meetings.txt"))
    names = {"Angela Merkel": "PERSON", "Emmanuel Macron": "PERSON"}
    annotator = Annotator(recognizer=SlowWords(names), jobs=0)
    store = open_for(document.source, document.sha256)
    async with make_reader(document, annotator, store=store, wait=False) as session:
        _, pilot, screen, told = session
        await wait_for(pilot, lambda: bool(screen.entities), "the first entities")
        assert not screen.annotation_done
        await pilot.press("right_square_bracket")
        assert screen.current_entity is not None
        assert screen.current_entity.name == "Angela Merkel"
        await pilot.press("x")
        assert told[-1].startswith("Removed Angela Merkel (")
        assert [e.name for e in screen.entities] == ["Emmanuel Macron"]
        await wait_for(pilot, lambda: screen.annotation_done, "the model to finish", timeout=120)
        # No view derived from the stream brought her back.
        assert [e.name for e in screen.entities] == ["Emmanuel Macron"]
        await pilot.press("u")
        (merkel,) = [e for e in screen.entities if e.name == "Angela Merkel"]
        assert len(merkel.mentions) == 1500


async def test_a_failing_derivation_is_reported_and_stops_the_model(
    sample_document: Document,
    replay_annotator: Annotator,
    make_reader: MakeReader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **options: object) -> None:
        raise ValueError("broken on purpose")

    monkeypatch.setattr("tui.screens.deriving.derive", broken)
    async with make_reader(sample_document, replay_annotator, wait=False) as session:
        _, pilot, screen, told = session
        await wait_for(pilot, lambda: bool(told), "the failure to be told")
        assert told == ["grouping stopped: ValueError: broken on purpose"]
        assert screen.query_one(TopBar).state == "no entities: the model failed"
        assert screen.entities == []
