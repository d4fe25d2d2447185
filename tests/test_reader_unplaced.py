"""The reader says which corrections it could not place: once, and only once every mention is
in (a relabel of a name the model has not reached yet is not unplaced)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from reader_support import MakeReader, wait_for
from sample import ReplayRecognizer, WordRecognizer

from extract.annotator import Annotator
from extract.cache import MentionCache
from extract.corrections import Correction, CorrectionStore, add, describe, open_for, relabel
from extract.document import Document, text_document
from extract.model import Entity, Mention
from extract.recognizer import Found

pytestmark = pytest.mark.asyncio

NAMES = {"Angela Merkel": "PERSON", "Emmanuel Macron": "PERSON", "Lisbon": "GPE"}
UNPLACED = "could not be placed"


class GatedWords(WordRecognizer):
    """Marks words, but holds every batch after the first until ``gate`` is set: the model
    still reading the rest of a long text."""

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__(words)
        self.gate = threading.Event()
        self.calls = 0

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        self.calls += 1
        if self.calls > 1:
            self.gate.wait(timeout=120)
        return super().recognise(texts)


def meetings(tmp_path: Path) -> Document:
    """A text whose last paragraph alone names Lisbon, long enough to come in several batches."""
    paragraphs = [f"Meeting {n}: Angela Merkel met Emmanuel Macron." for n in range(1200)]
    paragraphs.append("The last meeting was in Lisbon.")
    return text_document("\n\n".join(paragraphs), str(tmp_path / "meetings.txt"))


def named(name: str, label: str, category: str) -> Entity:
    """An entity as the reader would have shown it (edits name entities by their forms)."""
    return Entity(name, name, category, (Mention(0, len(name), label, name),))


def corrections(document: Document) -> tuple[CorrectionStore, list[Correction]]:
    """A store holding three edits: a relabel of Lisbon (placed once the model reaches the
    end), a relabel of a name the text never holds, and an add whose text is gone."""
    elsewhere = "Zaphod Beeblebrox came too."
    edits = [
        relabel(named("Lisbon", "GPE", "place"), "ORG"),
        relabel(named("Atlantis", "GPE", "place"), "ORG"),
        add(elsewhere, 0, len("Zaphod Beeblebrox"), "PERSON", everywhere=False),
    ]
    store = open_for(document.source, document.sha256)
    for edit in edits:
        store.do(edit)
    return store, edits


def told_unplaced(told: list[str]) -> list[str]:
    return [message for message in told if UNPLACED in message]


def expected(*edits: Correction) -> str:
    from extract.corrections import why_unplaced

    listed = "\n".join(f"{describe(c)} ({why_unplaced(c)})" for c in edits)
    return (
        f"{len(edits)} correction(s) could not be placed in this text; they are kept in the "
        f"file but not shown:\n{listed}"
    )


async def test_unplaced_corrections_are_told_once_all_mentions_are_in(
    tmp_path: Path, make_reader: MakeReader
) -> None:
    document = meetings(tmp_path)
    store, (lisbon, atlantis, zaphod) = corrections(document)
    recognizer = GatedWords(NAMES)
    annotator = Annotator(recognizer=recognizer, jobs=0)
    async with make_reader(document, annotator, store=store, wait=False) as session:
        _, pilot, screen, told = session
        try:
            await wait_for(pilot, lambda: bool(screen.entities), "the first entities")
            await pilot.pause(0.6)  # past the pause between two derivations
            assert not screen.annotation_done
            assert "Lisbon" not in {e.name for e in screen.entities}
            # Lisbon's relabel would look unplaced now; the lost add is not told alone either.
            assert told_unplaced(told) == []
        finally:
            recognizer.gate.set()
        await wait_for(pilot, lambda: screen.annotation_done, "the model to finish", timeout=120)
        await pilot.pause()
        assert told_unplaced(told) == [expected(atlantis, zaphod)]
        (place,) = [e for e in screen.entities if e.name == "Lisbon"]
        assert place.category == "organisation"  # the relabel found it in the end
        assert screen.reading.view.unplaced == (atlantis, zaphod)
        # A correction derives the view again: nothing new to tell, nothing told twice.
        await pilot.press("right_square_bracket")
        assert screen.current_entity is not None
        removed = screen.current_entity.name
        await pilot.press("x")
        assert removed not in {e.name for e in screen.entities}
        await pilot.pause()
        assert told_unplaced(told) == [expected(atlantis, zaphod)]
    assert lisbon not in screen.reading.view.unplaced


async def test_a_kept_view_tells_them_at_once(
    sample_document: Document,
    sample_annotator: Annotator,
    make_reader: MakeReader,
    cache_dir: Path,
) -> None:
    store, edits = corrections(sample_document)  # the sample names no Lisbon either
    async with make_reader(sample_document, sample_annotator, store=store) as session:
        await wait_for(session.pilot, lambda: bool(told_unplaced(session.told)), "the notice")
        assert told_unplaced(session.told) == [expected(*edits)]
    await wait_for_kept(cache_dir)
    # Opened again with the model's mentions gone and a model that cannot run: only the kept
    # view can show anything.
    for entry in (cache_dir / "mentions").glob("*.json"):
        entry.unlink()
    again = Annotator(
        recognizer=Unrunnable(sample_document.text), jobs=0, cache=MentionCache(cache_dir)
    )
    store = open_for(sample_document.source, sample_document.sha256)
    async with make_reader(sample_document, again, store=store, wait=False) as session:
        _, pilot, screen, told = session
        await wait_for(pilot, lambda: bool(told_unplaced(told)), "the notice")
        assert screen.annotation_done and screen.reading.progress.cached
        assert screen.entities
        assert told_unplaced(told) == [expected(*edits)]
        await pilot.pause(0.3)
        assert len(told_unplaced(told)) == 1


class Unrunnable(ReplayRecognizer):
    """The sample's model, as far as the cache's keys go, that must not be asked anything."""

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        raise AssertionError("the model ran")


async def wait_for_kept(cache_dir: Path) -> None:
    """The kept view is written by a worker; give it a moment to land."""
    import asyncio

    for _ in range(200):
        if any((cache_dir / "views").glob("*.json")):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no view was kept")


@pytest.mark.parametrize("model", ["none", "broken"])
async def test_without_the_model_only_edits_whose_text_is_gone_are_told(
    model: str, sample_document: Document, make_reader: MakeReader
) -> None:
    from sample import BrokenRecognizer

    store, (_, _, zaphod) = corrections(sample_document)
    annotator = None if model == "none" else Annotator(recognizer=BrokenRecognizer(), jobs=0)
    async with make_reader(sample_document, annotator, store=store, wait=False) as session:
        _, pilot, screen, told = session
        await wait_for(pilot, lambda: bool(told_unplaced(told)), "the notice")
        await pilot.pause(0.3)
        # Which names the model would have found cannot be known: only the add is told.
        assert told_unplaced(told) == [expected(zaphod)]
        assert screen.reading.progress.state == ("off" if model == "none" else "failed")
