"""The export dialog through Textual's pilot: Enter on a format writes to the path proposed,
typing never replaces the path, and a long export runs in a thread with a progress bar, the
reader live, until it is done or stopped (then nothing is written)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reader_support import MakeReader, wait_for
from textual.widgets import Input, ProgressBar

from extract.annotations import Annotations
from extract.document import Document, load
from extract.exporters import FORMATS, ExportFormat, ExportOptions
from extract.exporters.progress import advance
from tui.screens.export import ExportScreen

pytestmark = pytest.mark.asyncio


@pytest.fixture
def copied_sample(sample_document: Document, tmp_path: Path) -> Document:
    """The sample in a folder of its own, so exports land beside it there."""
    path = tmp_path / "article.txt"
    path.write_text(sample_document.text, encoding="utf-8")
    return load(path)


async def test_enter_on_a_format_writes_to_the_path_proposed(
    copied_sample: Document, tmp_path: Path, make_reader: MakeReader
) -> None:
    async with make_reader(copied_sample) as (app, pilot, screen, told):
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        await pilot.press("down", "enter")  # jsonl
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        target = tmp_path / "article.jsonl"
        [task] = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
        assert task["text"] == copied_sample.text
        assert told[-1].startswith(f"Wrote {target}: ")


async def test_typing_in_the_path_adds_to_it_instead_of_replacing_it(
    copied_sample: Document, tmp_path: Path, make_reader: MakeReader
) -> None:
    async with make_reader(copied_sample) as (app, pilot, screen, _told):
        await pilot.press("e")
        box = app.screen.query_one("#export-path", Input)
        proposed = box.value
        await pilot.press("tab")
        assert box.has_focus
        await pilot.press("e")  # a stray key, as from the reader's own e
        assert box.value == proposed + "e"
        await pilot.press("backspace", "enter")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        assert (tmp_path / "article.json").is_file()
        assert not (tmp_path / "e").exists()


HALFWAY = threading.Event()
"""While set, the slow export waits halfway (telling it is still there) until it is stopped, so a
test that stops it never finds it finished on a machine too busy to press a key in time."""


def slow_render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    """An export that takes five seconds, telling how far it has come as the real ones do."""
    text = annotations.document.text
    for step in range(100):
        time.sleep(0.05)
        advance(len(text) // 100)
        deadline, more = time.monotonic() + 120, len(text) // 4
        while step == 49 and HALFWAY.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
            advance(1 if more > 0 else 0)  # on, never to the end; stopping it raises here
            more -= 1
    return {"": text.encode("utf-8")}


@pytest.fixture
def slow_format(monkeypatch: pytest.MonkeyPatch) -> str:
    """A slow export format, listed first in the dialog for this test."""
    slow = ExportFormat("slow", "a slow export for tests", ".slow", slow_render)
    monkeypatch.setattr("tui.screens.export.FORMATS", {"slow": slow, **FORMATS})
    monkeypatch.setitem(FORMATS, "slow", slow)
    return "slow"


@pytest.fixture
def held() -> Iterator[None]:
    """The slow export waits halfway until it is stopped."""
    HALFWAY.set()
    yield
    HALFWAY.clear()


async def test_a_long_export_shows_progress_keeps_the_reader_live_and_can_be_stopped(
    slow_format: str, held: None, copied_sample: Document, tmp_path: Path, make_reader: MakeReader
) -> None:
    target = tmp_path / "article.slow"
    threads = threading.active_count()
    async with make_reader(copied_sample) as (app, pilot, screen, told):
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen) and dialog.format_name == slow_format
        await pilot.press("enter")
        bar = dialog.query_one("#export-progress", ProgressBar)
        await wait_for(pilot, lambda: bar.display and (bar.progress or 0) > 0, "progress")
        first = bar.progress
        await wait_for(pilot, lambda: bar.progress > first, "more progress")  # the UI is live
        assert bar.percentage is not None and bar.percentage < 1
        assert dialog.query_one("#export-path", Input).disabled
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        assert told[-1] == "Export stopped: nothing was written."
        await wait_for(pilot, lambda: threading.active_count() <= threads + 1, "the export to stop")
        assert not target.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


async def test_a_long_export_runs_to_the_end_and_writes(
    slow_format: str, copied_sample: Document, tmp_path: Path, make_reader: MakeReader
) -> None:
    async with make_reader(copied_sample) as (app, pilot, screen, told):
        await pilot.press("e", "enter")
        await wait_for(pilot, lambda: app.screen is screen, "the export", timeout=60)
        assert (tmp_path / "article.slow").read_text(encoding="utf-8") == copied_sample.text
        assert told[-1].startswith(f"Wrote {tmp_path / 'article.slow'}: ")
