"""A correction's view is derived off the UI thread: keys are answered meanwhile, the status
says it is being applied, and a second correction made before the first's view came in wins
with both kept (a view derived before an edit is never shown after it)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest
from reader_support import MakeReader, ReaderPilot, status, wait_applied, wait_for

from extract.corrections import Correction, CorrectionStore, open_for
from extract.document import Document
from extract.model import Mention
from tui.screens.reader import ReaderScreen
from tui.view import View, derive
from tui.widgets.bars import StatusBar

pytestmark = pytest.mark.asyncio


class HeldDerive:
    """`derive` as a book's takes long: a derivation with corrections waits until released
    (the model's mentions alone go through). Remembers how many corrections each view
    holds."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.held = threading.Event()
        self.edits_of: dict[int, int] = {}

    def __call__(
        self,
        text: str,
        mentions: Sequence[Mention],
        log: Sequence[Correction],
        shown: frozenset[str],
        **options: Any,
    ) -> View:
        if log and not self.release.is_set():
            self.held.set()
            assert self.release.wait(60), "never released"
        view = derive(text, mentions, log, shown, **options)
        self.edits_of[id(view)] = len(log)
        return view


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldDerive:
    slow = HeldDerive()
    monkeypatch.setattr("tui.screens.deriving.derive", slow)
    return slow


@pytest.fixture
def store(sample_document: Document) -> CorrectionStore:
    return open_for(sample_document.source, sample_document.sha256)


def side(screen: ReaderScreen) -> str:
    return screen.query_one(StatusBar).side


async def go_to(pilot: ReaderPilot, name: str) -> None:
    """Press ] until the status names ``name`` (not waiting for a correction's view)."""
    for _ in range(80):
        await pilot.press_only("right_square_bracket")
        if status(pilot.app).startswith(f"{name} · "):  # type: ignore[arg-type]
            return
    raise AssertionError(f"] never reached {name}")


async def test_keys_are_answered_while_a_correction_is_derived(
    store: CorrectionStore, make_reader: MakeReader, held: HeldDerive
) -> None:
    async with make_reader(store=store) as (_app, pilot, screen, told):
        assert isinstance(pilot, ReaderPilot)
        await go_to(pilot, "Deshaisha")
        before = screen.current
        await pilot.press_only("x")
        await wait_for(pilot, held.held.is_set, "the derivation to start")
        # Saved at once, and told; the view is still the one before.
        assert [c.op for c in store.log] == ["remove"]
        assert told[-1] == "Removed Deshaisha (4 mentions). u undoes."
        assert any(e.name == "Deshaisha" for e in screen.entities)
        await wait_for(pilot, lambda: side(screen) == "applying…", "the status to say so")

        # While the view is being derived, keys move the reader.
        await pilot.press_only("right_square_bracket")
        assert screen.current is not None and screen.current != before
        moved = screen.current
        await pilot.press_only("j")
        assert not screen.applied and held.held.is_set() and not held.release.is_set()

        held.release.set()
        await wait_applied(pilot)
        assert not any(e.name == "Deshaisha" for e in screen.entities)
        assert screen.current == moved  # found again in the new view, where the reader went
        assert side(screen) == ""


async def test_a_second_correction_before_the_first_view_wins_with_both_kept(
    store: CorrectionStore,
    make_reader: MakeReader,
    held: HeldDerive,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with make_reader(store=store) as (_app, pilot, screen, _told):
        assert isinstance(pilot, ReaderPilot)
        taken: list[int] = []
        take = screen._take

        def recording(view: View, *, complete: bool) -> None:
            taken.append(held.edits_of[id(view)])
            take(view, complete=complete)

        monkeypatch.setattr(screen, "_take", recording)
        await go_to(pilot, "Deshaisha")
        await pilot.press_only("x")
        await wait_for(pilot, held.held.is_set, "the first derivation to start")
        await go_to(pilot, "Syria")  # (the old view is shown: Deshaisha is still in it)
        await pilot.press_only("x")
        assert [c.op for c in store.log] == ["remove", "remove"]

        held.release.set()
        await wait_applied(pilot)
        names = {e.name for e in screen.entities}
        assert "Deshaisha" not in names and "Syria" not in names
        assert taken == [2]  # the view of the first alone came after the second: dropped

        # Undone while its view is on its way: back as it was, with the first kept.
        held.release.clear()
        held.held.clear()
        await pilot.press_only("u")
        await wait_for(pilot, held.held.is_set, "the undo's derivation to start")
        await pilot.press_only("u")
        held.release.set()
        await wait_applied(pilot)
        names = {e.name for e in screen.entities}
        assert "Deshaisha" in names and "Syria" in names
        assert taken == [2, 0]
