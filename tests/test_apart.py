"""The document-level pass in a process of its own (`extract.apart`): what comes back is what
the pass gives on this thread, under the same label mapping; without a process the reader
derives here; a reader on a long text derives its views there while the model streams."""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from reader_support import MakeReader, wait_annotated
from sample import WordRecognizer

from extract import apart, categories
from extract.corrections import Correction, apply, relabel, remove_mention
from extract.document import text_document
from extract.model import Mention, document_order
from extract.ner import Annotator
from extract.packed import KeptView
from tui.view import ALL_CATEGORIES, View, derive, stop_passes

NAMES = {
    "Anna Pávlovna": "PERSON",
    "Anna": "PERSON",
    "Pierre": "GPE",  # the model's mistake; "said Pierre" outvotes it
    "Moscow": "GPE",
    "Bald Hills": "PERSON",
    "the Guards": "ORG",
    "1805": "DATE",
}


def long_text(paragraphs: int = 300) -> str:
    return "\n\n".join(
        f"In {1805 + n % 3}, Anna Pávlovna left Moscow for Bald Hills. “Go,” said Pierre "
        f"to Anna, and he joined the Guards (paragraph {n})."
        for n in range(paragraphs)
    ).replace("1806", "1805")


def model_mentions(text: str) -> list[Mention]:
    [found] = WordRecognizer(NAMES).recognise([text])
    return [Mention(start, end, label, text[start:end]) for start, end, label in found]


def in_a_thread(make: Any) -> Any:
    """What ``make()`` returns, run off the main thread (as the reader's workers are)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(make()))
    thread.start()
    thread.join(120)
    assert result, "the thread gave nothing back"
    return result[0]


def count_passes_apart(monkeypatch: pytest.MonkeyPatch, least: int) -> list[int]:
    """Send passes of ``least`` mentions or more apart; the list fills with the mentions of
    each pass sent."""
    calls: list[int] = []
    real = apart.apply_apart

    def counted(*args: Any, **options: Any) -> tuple[KeptView, list[Correction]]:
        calls.append(len(args[1]))
        return real(*args, **options)

    monkeypatch.setattr(apart, "apply_apart", counted)
    monkeypatch.setattr(apart, "APART_FROM", least)
    return calls


@pytest.fixture
def mapping() -> Iterator[None]:
    yield
    categories.configure({})


@pytest.fixture
def stopped_after() -> Iterator[None]:
    """The worker (and the thread that started it) stopped after the test."""
    yield
    apart.stop()


def corrections_of(text: str, mentions: Sequence[Mention]) -> list[Correction]:
    entities = apply(text, mentions, []).entities
    moscow = next(e for e in entities if e.name == "Moscow")
    lost = Mention(0, 4, "PERSON", "Gone")
    return [
        relabel(moscow, "LOC"),
        remove_mention(text, mentions[5]),
        remove_mention("Gone here", lost),  # names nothing in this text
    ]


def test_the_pass_apart_gives_what_it_gives_here() -> None:
    text = long_text()
    mentions = model_mentions(text)
    log = corrections_of(text, mentions)
    here = apply(text, mentions, log)
    kept, unplaced = apart.apply_apart(text, mentions, log, document_pass=True, lang="en")
    entities = kept.entities
    assert entities == here.entities
    assert kept.in_order == sorted((m for e in entities for m in e.mentions), key=document_order)
    assert unplaced == here.unplaced and len(unplaced) == 1
    pierre = next(e for e in entities if e.name == "Pierre")
    assert pierre.category == "person"
    assert {m.model_label for m in pierre.mentions} == {"GPE"}
    bare = apart.apply_apart(text, mentions, [], document_pass=False, lang="en")[0].entities
    assert bare == apply(text, mentions, [], document_pass=False).entities


def test_the_label_mapping_in_force_goes_with_the_pass(mapping: None) -> None:
    text = long_text(40)
    mentions = model_mentions(text)
    categories.configure({"DATE": "Years"})
    entities = apart.apply_apart(text, mentions, [], document_pass=True, lang="en")[0].entities
    assert entities == apply(text, mentions, []).entities
    assert {e.category for e in entities if e.name == "1805"} == {"Years"}
    categories.configure({})
    again = apart.apply_apart(text, mentions, [], document_pass=True, lang="en")[0].entities
    assert {e.category for e in again if e.name == "1805"} == {"date"}


def test_off_the_main_thread_a_long_text_is_derived_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = long_text()
    mentions = model_mentions(text)
    assert len(mentions) >= apart.APART_FROM // 2
    calls = count_passes_apart(monkeypatch, 100)
    here = derive(text, mentions, [], ALL_CATEGORIES)  # the main thread: here
    assert calls == []
    there: View = in_a_thread(lambda: derive(text, mentions, [], ALL_CATEGORIES))
    assert calls == [len(mentions)]
    assert there.entities == here.entities
    assert there.mention_count == here.mention_count
    short = mentions[:50]
    in_a_thread(lambda: derive(text, short, [], ALL_CATEGORIES))
    assert calls == [len(mentions)]  # a short list stays on the thread


def test_without_a_process_the_pass_runs_on_the_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_text(60)
    mentions = model_mentions(text)

    def no_process() -> None:
        raise apart.Unavailable("cannot start processes here")

    monkeypatch.setattr(apart, "_pool", no_process)
    monkeypatch.setattr(apart, "APART_FROM", 10)
    view: View = in_a_thread(lambda: derive(text, mentions, [], ALL_CATEGORIES))
    assert view.entities == apply(text, mentions, []).entities


@pytest.mark.asyncio
async def test_a_reader_on_a_long_text_shows_the_views_derived_apart(
    make_reader: MakeReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = long_text()
    document = text_document(text, "long.txt")
    calls = count_passes_apart(monkeypatch, 200)
    annotator = Annotator(recognizer=WordRecognizer(NAMES), jobs=0)
    async with make_reader(document, annotator, wait=False) as (_, pilot, screen, _):
        await wait_annotated(pilot, timeout=120)
        assert calls and max(calls) == len(screen.model_mentions)
        expected = apply(text, screen.model_mentions, []).entities
        assert screen.entities == expected
        await pilot.press("right_square_bracket")
        assert screen.current_entity is not None
        assert screen.current_entity.name == "1805"  # the first mention: "In 1805"


def test_a_stopped_worker_ends_and_the_next_pass_starts_another() -> None:
    text = long_text(20)
    mentions = model_mentions(text)
    apart.apply_apart(text, mentions, [], document_pass=True, lang="en")
    [pool] = apart._pools
    processes = list(pool._processes.values())  # type: ignore[union-attr]
    assert processes and all(p.is_alive() for p in processes)
    apart.stop()
    assert not apart._pools
    assert not any(p.is_alive() for p in processes)
    kept, _ = apart.apply_apart(text, mentions, [], document_pass=True, lang="en")
    assert kept.entities == apply(text, mentions, []).entities


def test_a_worker_started_in_the_background_outlives_the_thread_that_started_it() -> None:
    # The kernel ends the worker with the thread that started it (`stop_with_parent`).
    apart.stop()
    apart.warm_soon(0, apart.APART_TEXT)
    [starting] = apart._warming
    deadline = time.monotonic() + 120
    while not apart._pools and time.monotonic() < deadline:
        time.sleep(0.05)
    [pool] = apart._pools
    starting.join(0.5)
    time.sleep(0.5)
    processes = list(pool._processes.values())  # type: ignore[union-attr]
    assert processes and all(p.is_alive() for p in processes)
    text = long_text(20)
    mentions = model_mentions(text)
    kept, _ = apart.apply_apart(text, mentions, [], document_pass=True, lang="en")
    assert apart._pools == [pool]  # the pass ran there, not here after the worker died
    assert kept.entities == apply(text, mentions, []).entities
    apart.stop()
    starting.join(10)
    assert not starting.is_alive()


def test_a_long_text_is_derived_apart_however_few_its_mentions(
    monkeypatch: pytest.MonkeyPatch, stopped_after: None
) -> None:
    text = long_text()
    mentions = model_mentions(text)[:50]
    calls = count_passes_apart(monkeypatch, apart.APART_FROM)
    monkeypatch.setattr(apart, "APART_TEXT", len(text))
    there: View = in_a_thread(lambda: derive(text, mentions, [], ALL_CATEGORIES))
    assert calls == [50]
    assert there.entities == apply(text, mentions, []).entities


def test_stopping_while_the_module_is_still_being_imported_stops_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A reader closed at once: the annotation thread may be importing the module just then.
    monkeypatch.setitem(sys.modules, "extract.apart", types.ModuleType("extract.apart"))
    stop_passes()
