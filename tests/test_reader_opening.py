"""The reader opening a text: where it was left, what was cached, the model in the background."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from reader_support import (
    MakeReader,
    reader,
    sidebar_names,
    wait_annotated,
    wait_for,
    wait_panels,
)
from sample import ReplayRecognizer
from textual.widgets import ProgressBar

from extract.cache import MentionCache
from extract.corrections import apply
from extract.document import Document, load, text_document
from extract.ner import Annotator
from extract.recognizer import Found
from tui.app import ReaderApp
from tui.layout import Layout, LineStarts
from tui.widgets.bars import TopBar

pytestmark = pytest.mark.asyncio


# -- resume, cache, worker ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "sidebar_width"),
    [((100, 30), None), ((80, 24), None), ((125, 30), None), ((139, 30), None), ((200, 30), None), ((140, 30), 30)],
)  # fmt: skip
async def test_the_text_is_wrapped_only_at_the_width_it_is_shown(
    long_document: Document,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    sidebar_width: int | None,
) -> None:
    # Before its first layout the article has no width: wrapping it then (at the least
    # width) was work thrown away before the first frame, and started a second chain of
    # background wrapping. The density strip and the sidebar come after the first frame:
    # their columns are kept free until then, so the text is not wrapped again when they come
    # (a narrow screen hides the sidebar; 30% of 125 or 139 columns is not a whole number).
    from tui.widgets import article as article_module

    widths: list[int] = []

    class Counted(Layout):
        def __init__(self, text: str, width: int, starts: LineStarts | None = None) -> None:
            widths.append(width)
            super().__init__(text, width, starts)

    monkeypatch.setattr(article_module, "Layout", Counted)
    app = ReaderApp(long_document, None, remember=False, sidebar_width=sidebar_width)
    async with app.run_test(size=size) as pilot:
        screen = await wait_panels(pilot)
        await pilot.pause()
        shown = screen.article.scrollable_content_region.width
        assert widths == [shown]
        assert screen.article.styles.margin.right == 0  # (no room kept once they are there)
        main = screen.size.width
        assert (
            screen.article.region.width
            + screen.query_one("#density").region.width
            + (screen.query_one("#side").outer_size.width if size[0] >= 100 else 0)
            == main
        )


async def test_reopening_a_file_resumes_where_the_reader_left(
    long_document: Document, make_reader: MakeReader
) -> None:
    document = long_document
    path = Path(document.source)
    async with make_reader(document, None, size=(100, 30), wait=False) as (app, pilot, *_):
        app.animation_level = "none"
        await pilot.press("space", "space", "space", "j", "j")
        top = reader(app).article.top_offset
        assert top > 1000
        await pilot.press("q")
    async with make_reader(load(path), None, size=(100, 30), wait=False) as (_, pilot, again, _):
        await pilot.pause()
        assert again.article.top_offset == top
        assert again.article.scroll_y > 0
    changed = text_document(document.text + "more\n", str(path))
    async with make_reader(changed, None, size=(100, 30), wait=False) as (_, pilot, screen, _):
        await pilot.pause()
        assert screen.article.top_offset == 0  # another text: start at the top


async def test_a_cached_text_shows_its_entities_just_after_first_paint(
    sample_document: Document, tmp_path: Path, make_reader: MakeReader
) -> None:
    cache_dir = tmp_path / "cache"

    async with make_reader(sample_document, replayed(sample_document, cache_dir)) as (
        _,
        pilot,
        screen,
        _,
    ):
        found = [(e.name, e.mentions) for e in screen.entities]
        assert found
        assert not screen.query_one(TopBar).state.endswith("(cached)")
    assert list((cache_dir / "mentions").glob("*.json"))

    async with make_reader(sample_document, replayed(sample_document, cache_dir), wait=False) as (
        second,
        pilot,
        screen,
        _,
    ):
        # The text first (as fast as a new text), its kept entities right after: no model.
        await wait_for(pilot, lambda: screen.annotation_done, "the kept entities")
        assert [(e.name, e.mentions) for e in screen.entities] == found
        assert all(worker.group != "annotation" for worker in screen.workers)
        await pilot.pause()
        paper = screen.article.rich_style.bgcolor
        first_row = list(screen.article.render_line(0))
        marked = [part.text for part in first_row if part.style and part.style.bgcolor != paper]
        assert marked[:3] == ["Iraqi", "ISIS", "Syria"]
        await wait_panels(pilot)
        assert "Haider al-Abadi" in sidebar_names(second, "person")
        state = screen.query_one(TopBar).state
        assert state == f"{len(found)} entities · {len(screen.index)} mentions (cached)"


async def test_a_kept_view_comes_with_the_panels_in_one_go(
    sample_document: Document,
    tmp_path: Path,
    make_reader: MakeReader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A book read before: its panels are mounted once its kept view is in, already filled,
    # not empty at first and filled just after (one layout of the screen, not two).
    from tui.widgets.sidebar import Sidebar

    cache_dir = tmp_path / "cache"

    async with make_reader(sample_document, replayed(sample_document, cache_dir)) as (
        _,
        pilot,
        screen,
        _,
    ):
        assert screen.entities
    await wait_for_file(cache_dir / "views")
    at_mount: list[int] = []
    mounted = Sidebar.on_mount

    def counting(sidebar: Sidebar) -> None:
        at_mount.append(len(reader(sidebar.app).entities))
        mounted(sidebar)

    monkeypatch.setattr(Sidebar, "on_mount", counting)
    async with make_reader(sample_document, replayed(sample_document, cache_dir), wait=False) as (
        app,
        pilot,
        screen,
        _,
    ):
        assert screen.kept_opening
        await wait_panels(pilot)
        assert at_mount and at_mount[0] == len(screen.entities) > 0
        assert "Haider al-Abadi" in sidebar_names(app, "person")
        assert not screen.query(ProgressBar)  # no model ran: no progress bar was ever made


def replayed(document: Document, cache_dir: Path) -> Annotator:
    """An annotator replaying the model's results on ``document``, with a cache."""
    replay = ReplayRecognizer(document.text)
    return Annotator(recognizer=replay, jobs=0, cache=MentionCache(cache_dir))


async def wait_for_file(folder: Path, timeout: float = 20.0) -> None:
    """Wait until a file is written in ``folder`` (the reader keeps a view in the background)."""
    import asyncio

    deadline = time.monotonic() + timeout
    while not list(folder.glob("*.json")):
        assert time.monotonic() < deadline, f"nothing written in {folder}"
        await asyncio.sleep(0.05)


async def test_the_model_runs_in_the_background_when_nothing_is_cached(
    sample_document: Document, sample_results: Path, tmp_path: Path, make_reader: MakeReader
) -> None:
    # The real model: what it finds in the reader is what it finds on its own.
    async with make_reader(sample_document, Annotator(cache=None), wait=False) as session:
        app, pilot, screen, _ = session
        assert not screen.annotation_done
        assert screen.entities == []
        await wait_annotated(pilot)
        assert "Haider al-Abadi" in sidebar_names(app, "person")
        assert "(cached)" not in screen.query_one(TopBar).state
    shutil.copytree(sample_results, tmp_path / "expected")
    expected = Annotator(cache=MentionCache(tmp_path / "expected")).cached(
        sample_document.text, sample_document.sha256
    )
    assert expected is not None
    assert screen.entities == apply(sample_document.text, expected, []).entities


class HeldRecognizer(ReplayRecognizer):
    """The sample's recorded entities, given only once released."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.release = threading.Event()

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        assert self.release.wait(60), "never released"
        return super().recognise(texts)


async def test_the_progress_bar_shows_while_the_model_runs_and_goes_when_it_is_done(
    sample_document: Document, make_reader: MakeReader
) -> None:
    held = HeldRecognizer(sample_document.text)
    annotator = Annotator(recognizer=held, jobs=0, cache=None)
    async with make_reader(sample_document, annotator, wait=False) as (_, pilot, screen, _):
        await wait_panels(pilot)
        await wait_for(pilot, lambda: bool(screen.query(ProgressBar)), "the progress bar")
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.display and bar.total == len(sample_document.text) and bar.progress == 0
        state = screen.query_one(TopBar).state
        assert state == "annotating… 0 entities"
        held.release.set()
        await wait_annotated(pilot)
        await pilot.pause()
        assert not bar.display
        assert screen.query_one(TopBar).state.endswith(" mentions")
