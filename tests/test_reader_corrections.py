"""Correcting the model from the reader: r, x, X, a, m, s, u and ctrl+r through the pilot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from reader_support import (
    MakeReader,
    reader,
    sidebar_names,
    status,
    wait_for,
)
from textual.pilot import Pilot

from extract import corrections
from extract.corrections import CorrectionStore, default_path, open_for
from extract.document import Document
from extract.model import Entity
from tui.app import ReaderApp
from tui.screens.chooser import Chooser
from tui.screens.confirm import Confirm
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import TopBar
from tui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.asyncio


@pytest.fixture
def store(sample_document: Document) -> CorrectionStore:
    """The sample's corrections, in this test's data folder (empty at first)."""
    return open_for(sample_document.source, sample_document.sha256)


def saved(store: CorrectionStore) -> list[dict[str, Any]]:
    """The corrections as they are on disk now, checked by a store of their own."""
    data = json.loads(store.path.read_text(encoding="utf-8"))
    fresh = CorrectionStore.open(store.path, source=store.source, sha256=store.sha256)
    assert fresh.problems == []
    assert [c.as_data() for c in fresh.log] == data["corrections"]
    return data["corrections"]  # type: ignore[no-any-return]


def entity_named(screen: ReaderScreen, name: str) -> Entity | None:
    return next((e for e in screen.entities if e.name == name), None)


def sidebar_label(app: ReaderApp, name: str) -> str:
    """The sidebar's line for an entity (name, count, and ✎ when the user made it)."""
    screen = reader(app)
    for section in screen.query_one(Sidebar).entity_tree.root.children:
        for node in section.children:
            if node.data is not None and screen.index.entities[node.data[1]].name == name:
                return str(node.label)
    raise AssertionError(f"{name} is not in the sidebar")


async def go_to(pilot: Pilot[None], name: str) -> None:
    """Press ] until the status names ``name``."""
    for _ in range(80):
        await pilot.press("right_square_bracket")
        if status(pilot.app).startswith(f"{name} · "):  # type: ignore[arg-type]
            return
    raise AssertionError(f"] never reached {name}: {status(pilot.app)}")  # type: ignore[arg-type]


async def choose(pilot: Pilot[None], typed: str) -> Chooser:
    """Type into the open chooser and press Enter; return the chooser."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, Chooser), "the chooser")
    chooser = pilot.app.screen
    assert isinstance(chooser, Chooser)
    await pilot.press(*typed)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen is not chooser, "the chooser to close")
    return chooser


async def search(pilot: Pilot[None], word: str) -> None:
    await pilot.press("slash", *word, "enter")
    screen = reader(pilot.app)  # type: ignore[arg-type]
    assert screen.match is not None
    assert screen.document.text[screen.match[0] : screen.match[1]] == word


async def test_r_relabels_every_mention_and_moves_the_entity_to_organisations(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (app, pilot, screen, _told):
        # The model said ORG; the document-level pass made it a place ("the town of
        # Deshaisha"). The user's label wins over both.
        assert "Deshaisha" in sidebar_names(app, "place")
        assert "✎" not in sidebar_label(app, "Deshaisha")
        await go_to(pilot, "Deshaisha")
        assert status(app) == "Deshaisha · Place · mention 1/4 · GPE"
        await pilot.press("r")
        chooser = await choose(pilot, "ORG")
        assert chooser.title_text == "Relabel Deshaisha"

        assert "Deshaisha" in sidebar_names(app, "organisation")
        assert "Deshaisha" not in sidebar_names(app, "place")
        entity = entity_named(screen, "Deshaisha")
        assert entity is not None and entity.category == "organisation"
        assert [(m.text, m.label, m.source) for m in entity.mentions] == [
            ("Deshaisha", "ORG", "user"),
            ("Deshaisha", "ORG", "user"),
            ("Al Deshaisha", "ORG", "user"),
            ("Deshaisha", "ORG", "user"),
        ]
        assert status(app) == "Deshaisha · Organisation · mention 1/4 · ORG ✎"
        assert sidebar_label(app, "Deshaisha").endswith(" ✎")
        assert "✎" not in sidebar_label(app, "Syria")
        assert saved(store) == [
            {
                "id": store.log[0].id,
                "op": "relabel",
                "label": "ORG",
                "forms": ["al deshaisha", "deshaisha"],
                "category": "place",
            }
        ]


async def test_escape_in_the_chooser_changes_nothing(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (app, pilot, _screen, _told):
        await go_to(pilot, "Deshaisha")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, Chooser), "the chooser")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        assert status(app) == "Deshaisha · Place · mention 1/4 · GPE"
        assert store.log == []
        assert not store.path.exists()


async def test_x_removes_the_entity_and_shift_x_one_mention(
    sample_document: Document, store: CorrectionStore, make_reader: MakeReader
) -> None:
    text = sample_document.text
    async with make_reader(store=store) as (app, pilot, screen, told):
        await go_to(pilot, "Syria")
        syria = entity_named(screen, "Syria")
        assert syria is not None
        first = syria.mentions[0]
        await pilot.press("X")
        syria_now = entity_named(screen, "Syria")
        assert syria_now is not None
        assert syria_now.mentions == syria.mentions[1:]
        assert screen.index.find(first.start, first.end) is None
        assert told[-1] == "Removed this mention of 'Syria'. u undoes."
        [removed] = saved(store)
        assert removed["op"] == "remove_mention"
        assert removed["anchor"] == {
            "start": first.start,
            "end": first.end,
            "text": "Syria",
            "before": text[first.start - 24 : first.start],
            "after": text[first.end : first.end + 24],
        }

        await go_to(pilot, "Deshaisha")
        await pilot.press("x")
        assert entity_named(screen, "Deshaisha") is None
        assert "Deshaisha" not in sidebar_names(app, "place")
        assert not any("Deshaisha" in m.text for m in screen.index.mentions)
        assert screen.current is None
        assert status(app).startswith("line ")
        assert told[-1] == "Removed Deshaisha (4 mentions). u undoes."
        assert [c["op"] for c in saved(store)] == ["remove_mention", "remove"]


async def test_a_adds_a_searched_word_once_or_everywhere(
    sample_document: Document, store: CorrectionStore, make_reader: MakeReader
) -> None:
    text = sample_document.text
    towns = corrections.occurrences(text, "town")
    assert len(corrections.occurrences(text, "AFP")) == 1 and len(towns) == 3
    async with make_reader(store=store) as (app, pilot, screen, told):
        await pilot.press("a")
        assert told[-1] == "Select text with the mouse, or search for it with /, then press a."
        assert isinstance(app.screen, ReaderScreen)

        # A word found once: no question about other occurrences.
        await search(pilot, "AFP")
        await pilot.press("a")
        chooser = await choose(pilot, "ORG")
        assert chooser.title_text == "Label for 'AFP'"
        afp = entity_named(screen, "AFP")
        assert afp is not None and afp.category == "organisation"
        assert [(m.start, m.label, m.source) for m in afp.mentions] == [
            (text.index("AFP"), "ORG", "user")
        ]
        assert "AFP" in sidebar_names(app, "organisation")
        assert sidebar_label(app, "AFP").endswith(" ✎")
        assert status(app) == "AFP · Organisation · mention 1/1 · ORG ✎"

        # n: only the match.
        await search(pilot, "town")
        first = screen.match
        await pilot.press("a")
        await choose(pilot, "ORG")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "the question")
        assert app.screen.question == "Label the 2 other occurrences of 'town' too?"  # type: ignore[attr-defined]
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        town = entity_named(screen, "town")
        assert town is not None and town.category == "organisation"
        assert [(m.start, m.end) for m in town.mentions] == [first]
        assert [(c["op"], c.get("everywhere")) for c in saved(store)] == [
            ("add", False),
            ("add", False),
        ]

        # y: every occurrence.
        await pilot.press("u")
        await search(pilot, "town")
        await pilot.press("a")
        await choose(pilot, "ORG")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        town = entity_named(screen, "town")
        assert town is not None
        assert [(m.start, m.end) for m in town.mentions] == towns
        assert {(m.label, m.source) for m in town.mentions} == {("ORG", "user")}
        assert told[-1] == "Added 'town' as ORG everywhere."
        stored = saved(store)
        assert [(c["op"], c["label"], c["everywhere"]) for c in stored] == [
            ("add", "ORG", False),
            ("add", "ORG", True),
        ]
        assert stored[1]["anchor"]["text"] == "town"


async def test_entities_added_before_show_without_a_model(
    sample_document: Document, store: CorrectionStore, make_reader: MakeReader
) -> None:
    # --no-ner: what the user added in an earlier session is all there is, and it shows.
    async with make_reader(store=store) as (app, pilot, screen, _told):
        await search(pilot, "AFP")
        await pilot.press("a")
        await choose(pilot, "ORG")
    async with make_reader(None, None, store=store) as (app, pilot, screen, _told):
        await wait_for(pilot, lambda: entity_named(screen, "AFP") is not None, "AFP")
        assert [e.name for e in screen.entities] == ["AFP"]
        await wait_for(pilot, lambda: "AFP" in sidebar_names(app, "organisation"), "the sidebar")
        await pilot.press("right_square_bracket")
        assert status(app) == "AFP · Organisation · mention 1/1 · ORG ✎"


async def test_m_merges_into_an_entity_chosen_by_name(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (app, pilot, screen, _told):
        hasakeh = entity_named(screen, "Hasakeh province")
        deshaisha = entity_named(screen, "Deshaisha")
        assert hasakeh is not None and deshaisha is not None
        await go_to(pilot, "Deshaisha")
        await pilot.press("m")
        chooser = await choose(pilot, "Hasakeh")
        assert chooser.title_text == "Merge Deshaisha into…"
        names = [name for _, name, _ in chooser.choices]
        assert "Hasakeh province" in names and "Syria" in names
        assert "Deshaisha" not in names

        assert entity_named(screen, "Deshaisha") is None
        merged = entity_named(screen, "Hasakeh province")
        assert merged is not None and merged.category == "place"
        assert merged.mentions == tuple(sorted(hasakeh.mentions + deshaisha.mentions))
        assert status(app) == "Hasakeh province · Place · mention 1/5 · GPE"
        [merge] = saved(store)
        assert {k: merge[k] for k in ("op", "forms", "category", "into", "into_category")} == {
            "op": "merge",
            "forms": ["al deshaisha", "deshaisha"],
            "category": "place",
            "into": ["hasakeh province"],
            "into_category": "place",
        }


async def test_s_splits_the_current_mention_out(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (app, pilot, screen, told):
        await go_to(pilot, "Deshaisha")
        await pilot.press("n")
        assert status(app) == "Deshaisha · Place · mention 2/4 · GPE"
        second = screen.current
        assert second is not None
        await pilot.press("s")
        assert status(app) == "Deshaisha · Place · mention 1/1 · GPE ✎"
        assert told[-1] == "Split this mention out of Deshaisha."
        parts = sorted(
            (e for e in screen.entities if e.name == "Deshaisha"), key=lambda e: len(e.mentions)
        )
        assert [len(e.mentions) for e in parts] == [1, 3]
        assert parts[0].mentions[0].start == second.start
        assert parts[0].id != parts[1].id
        names = sidebar_names(app, "place")
        assert names.count("Deshaisha") == 2
        [split] = saved(store)
        assert split["op"] == "split" and split["anchor"]["start"] == second.start

        # One mention cannot be split again.
        await pilot.press("s")
        assert told[-1] == "Deshaisha has only this mention."
        assert len(saved(store)) == 1


async def test_u_and_ctrl_r_undo_and_redo_across_several_actions(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (_app, pilot, screen, told):
        model = sorted(m for e in screen.entities for m in e.mentions)

        def mentions() -> list[tuple[int, str]]:
            return sorted((m.start, m.label) for e in screen.entities for m in e.mentions)

        await pilot.press("u")
        assert told[-1] == "Nothing to undo."
        states = [mentions()]
        await go_to(pilot, "Deshaisha")
        await pilot.press("r")
        await choose(pilot, "ORG")
        states.append(mentions())
        await go_to(pilot, "Syria")
        await pilot.press("X")
        states.append(mentions())
        await go_to(pilot, "Baghdad")
        await pilot.press("x")
        states.append(mentions())
        assert len({tuple(s) for s in states}) == 4
        ops = ["relabel", "remove_mention", "remove"]
        assert [c["op"] for c in saved(store)] == ops

        for undone in (3, 2, 1):
            await pilot.press("u")
            assert mentions() == states[undone - 1]
            assert [c["op"] for c in saved(store)] == ops[: undone - 1]
        assert told[-1] == "Undid relabel. ctrl+r redoes."
        assert sorted(m for e in screen.entities for m in e.mentions) == model
        await pilot.press("u")
        assert told[-1] == "Nothing to undo."

        for redone in (1, 2):
            await pilot.press("ctrl+r")
            assert mentions() == states[redone]
            assert [c["op"] for c in saved(store)] == ops[:redone]
        assert told[-1] == "Redid remove mention."

        # A new edit forgets what was left to redo.
        await go_to(pilot, "Sadr City")
        await pilot.press("x")
        await pilot.press("ctrl+r")
        assert told[-1] == "Nothing to redo."
        assert [c["op"] for c in saved(store)] == ["relabel", "remove_mention", "remove"]
        assert saved(store)[-1]["forms"] == ["sadr city"]


async def test_a_corrupt_corrections_file_is_kept_aside_and_the_reader_opens(
    sample_document: Document, make_reader: MakeReader
) -> None:
    path = default_path(sample_document.source)
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "corrections": [{"op": "rel', encoding="utf-8")
    store = open_for(sample_document.source, sample_document.sha256)
    assert len(store.problems) == 1 and "corrupt" in store.problems[0]
    aside = Path(f"{path}.corrupt")
    assert aside.read_text(encoding="utf-8") == '{"format": 1, "corrections": [{"op": "rel'
    assert not path.exists()

    async with make_reader(store=store) as (_app, pilot, screen, told):
        assert told == store.problems
        assert len(screen.entities) > 20
        # Corrections work again, into a fresh file; the corrupt one stays aside.
        await go_to(pilot, "Deshaisha")
        await pilot.press("x")
        assert [c["op"] for c in saved(store)] == ["remove"]
        assert aside.exists()


async def test_a_failed_save_is_reported_and_leaves_nothing_behind(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (app, pilot, screen, told):
        await go_to(pilot, "Deshaisha")

        def refuse() -> None:
            raise PermissionError(13, "Permission denied")

        store.save = refuse  # type: ignore[method-assign]
        await pilot.press("x")
        assert told[-1].startswith("Could not save the correction:")
        assert store.log == []
        assert entity_named(screen, "Deshaisha") is not None
        await pilot.press("u")
        assert told[-1] == "Nothing to undo."

        del store.save
        await pilot.press("x")
        assert entity_named(screen, "Deshaisha") is None
        store.save = refuse  # type: ignore[method-assign]
        await pilot.press("u")
        assert told[-1] == "Could not save the undo: [Errno 13] Permission denied"
        assert app.is_running
        assert entity_named(screen, "Deshaisha") is None
        assert [c.op for c in store.log] == ["remove"]


async def test_the_top_bar_counts_what_the_corrections_leave(
    store: CorrectionStore, make_reader: MakeReader
) -> None:
    async with make_reader(store=store) as (_app, pilot, screen, _told):

        def said() -> str:
            return screen.query_one(TopBar).state

        entities = len(screen.entities)
        mentions = sum(len(e.mentions) for e in screen.entities)
        assert said() == f"{entities} entities · {mentions} mentions (cached)"
        await go_to(pilot, "Syria")
        await pilot.press("X")
        assert said() == f"{entities} entities · {mentions - 1} mentions (cached)"
        await go_to(pilot, "Deshaisha")
        await pilot.press("x")
        assert said() == f"{entities - 1} entities · {mentions - 5} mentions (cached)"
