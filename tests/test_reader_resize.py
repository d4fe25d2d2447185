"""Growing and shrinking the current mention by a word (``<`` ``,`` ``.`` ``>``) through
Textual's pilot: saved like any correction, undone with u, asking before a merge, and never
removing a one-word mention."""

from __future__ import annotations

import pytest
from reader_support import MakeReader, status, wait_for
from test_reader_corrections import go_to, saved, store  # noqa: F401 (a fixture)
from textual.pilot import Pilot

from extract.corrections import CorrectionStore
from tui.screens.confirm import Confirm

pytestmark = pytest.mark.asyncio


async def test_full_stop_shrinks_a_date_and_u_undoes_it(
    store: CorrectionStore,  # noqa: F811
    make_reader: MakeReader,
) -> None:
    async with make_reader(store=store) as (app, pilot, screen, told):
        await go_to(pilot, "May 1, 2018 ahead")
        assert status(app) == "May 1, 2018 ahead · Date · mention 1/1 · DATE"
        await pilot.press("full_stop")
        assert told[-1] == "Now 'May 1, 2018' (DATE). u undoes."
        assert status(app) == "May 1, 2018 · Date · mention 1/1 · DATE ✎"
        current = screen.current
        assert current is not None and current.text == "May 1, 2018"
        [edit] = saved(store)
        assert edit["op"] == "resize" and edit["from"]["text"] == "May 1, 2018 ahead"
        assert edit["anchor"]["text"] == "May 1, 2018"

        await pilot.press("comma")  # a word off the start too
        assert status(app).startswith("1, 2018 · Date · ")
        await pilot.press("u", "u")
        assert [e.name for e in screen.entities if e.category == "date"].count(
            "May 1, 2018 ahead"
        ) == 1
        assert saved(store) == []


async def test_a_one_word_mention_does_not_shrink(
    store: CorrectionStore,  # noqa: F811
    make_reader: MakeReader,
) -> None:
    async with make_reader(store=store) as (app, pilot, screen, told):
        await go_to(pilot, "ISIS")
        before = screen.entities
        for key in ("comma", "full_stop"):
            await pilot.press(key)
            assert told[-1] == "'ISIS' is one word: it cannot shrink (X removes the mention)."
        assert screen.entities == before
        assert not store.path.exists()
        assert status(app).startswith("ISIS · Organisation · mention 1/10")


async def grow_and_answer(pilot: Pilot[None], answer: str) -> str:
    """Grow the current mention at its end into another; answer the question it asks."""
    app, screen = pilot.app, pilot.app.screen
    await pilot.press("greater_than_sign")
    await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "the question")
    question = str(app.screen.question)  # type: ignore[attr-defined]
    await pilot.press(answer)
    await wait_for(pilot, lambda: app.screen is screen, "the question to close")
    return question


async def test_growing_into_a_neighbour_asks_before_merging(
    store: CorrectionStore,  # noqa: F811
    make_reader: MakeReader,
) -> None:
    async with make_reader(store=store) as (_app, pilot, screen, told):
        await go_to(pilot, "Iran")
        await pilot.press("greater_than_sign")
        assert told[-1] == "Now 'Iran and' (GPE). u undoes."
        question = await grow_and_answer(pilot, "n")
        assert question == "Grow into 'Russia'? 'Iran and Russia' becomes one mention."
        assert len(saved(store)) == 1
        assert any(e.name == "Russia" for e in screen.entities)

        await grow_and_answer(pilot, "y")
        current = screen.current
        assert current is not None and current.text == "Iran and Russia"
        assert current.source == "user" and current.label == "GPE"
        russia = [m for e in screen.entities for m in e.mentions if m.text == "Russia"]
        assert all(m.start != current.end - len("Russia") for m in russia)
        assert [c["op"] for c in saved(store)] == ["resize", "resize"]


async def test_less_than_grows_at_the_start(
    store: CorrectionStore,  # noqa: F811
    make_reader: MakeReader,
) -> None:
    async with make_reader(store=store) as (_app, pilot, screen, told):
        await go_to(pilot, "Mosul")
        await pilot.press("less_than_sign")
        assert told[-1] == "Now 'in Mosul' (GPE). u undoes."
        current = screen.current
        assert current is not None and current.text == "in Mosul"
