"""The cyclic collector is paused while a pass runs, and comes back as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from extract import collector
from extract.corrections import apply
from extract.model import Mention


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_turns_collection_off_and_back_on() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_leaves_it_off_when_it_was_off() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_collection_returns_when_the_last_of_two_threads_is_done() -> None:
    inside = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            leave.wait(30)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(30)
    with collector.paused():
        pass
    assert not gc.isenabled()  # the other thread's pass is still running
    leave.set()
    thread.join(30)
    assert gc.isenabled()


def test_enable_during_a_pause_waits_for_its_end() -> None:
    gc.disable()  # as the command line starts the reader
    with collector.paused():
        collector.enable()  # the first frame is drawn meanwhile
        assert not gc.isenabled()
    assert gc.isenabled()


def test_enable_outside_a_pause_is_immediate() -> None:
    gc.disable()
    collector.enable()
    assert gc.isenabled()


def test_apply_runs_without_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    from extract import document_pass

    states: list[bool] = []
    real = document_pass.prepare

    def spy(*args: Any, **kwargs: Any) -> list[Mention]:
        states.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(document_pass, "prepare", spy)
    apply("Anna went home.", [Mention(0, 4, "PERSON", "Anna")], [])
    assert states == [False]
    assert gc.isenabled()
