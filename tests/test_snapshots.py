"""SVG snapshots of the reader on the sample article (pytest-textual-snapshot).

The model's results (replayed, see sample.py) are cached before the app starts, so entities
are there at first paint and every run draws the same screen. Update with ``pytest --snapshot-update`` and look at
the SVGs in ``tests/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from compare_support import sample_gold
from reader_support import MakeApp, wait_annotated, wait_for
from sample import SAMPLE
from textual.pilot import Pilot

SnapCompare = Callable[..., bool]


async def at_fourth_mention(pilot: Pilot[None]) -> None:
    """Step to the fourth mention (Haider al-Abadi), so the sidebar, panel and strip show him."""
    await wait_annotated(pilot)
    await pilot.press(*["right_square_bracket"] * 4)
    await pilot.pause()


class TestReader:
    """The main screen with a current entity, at a large and at a small terminal."""

    @pytest.mark.parametrize(
        "size", [(120, 40), (80, 24), (60, 20)], ids=["120x40", "80x24", "60x20"]
    )
    def test_main_screen(
        self, snap_compare: SnapCompare, make_app: MakeApp, size: tuple[int, int]
    ) -> None:
        assert snap_compare(make_app(), terminal_size=size, run_before=at_fourth_mention)


class TestNarrow:
    """Below 100 columns the text has the width; l shows the sidebar over it."""

    def test_sidebar_over_the_text(self, snap_compare: SnapCompare, make_app: MakeApp) -> None:
        async def open_sidebar(pilot: Pilot[None]) -> None:
            await at_fourth_mention(pilot)
            await pilot.press("l")
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=(60, 20), run_before=open_sidebar)


class TestHelp:
    """The help screen lists every key."""

    def test_help_screen(self, snap_compare: SnapCompare, make_app: MakeApp) -> None:
        async def open_help(pilot: Pilot[None]) -> None:
            await wait_annotated(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=open_help)


class TestCompare:
    """With --compare: each kind of disagreement marked, the current one gold's span beyond the
    model's, the summary line and the status line."""

    def test_compare_view(self, snap_compare: SnapCompare, make_app: MakeApp) -> None:
        async def to_the_span_disagreement(pilot: Pilot[None]) -> None:
            await wait_annotated(pilot)
            await pilot.press("right_square_bracket", "right_square_bracket")
            await pilot.pause()

        text = SAMPLE.read_text(encoding="utf-8")
        app = make_app(gold=sample_gold(text))
        assert snap_compare(app, terminal_size=(120, 40), run_before=to_the_span_disagreement)


class TestCorpus:
    """The corpus screen on the four articles: both lists, Emmanuel Macron's documents with
    a line of context each."""

    def test_corpus_screen(self, snap_compare: SnapCompare, tmp_path: Path) -> None:
        from corpus_support import make_session, write_articles

        from tui.corpus_app import CorpusApp

        session = make_session(write_articles(tmp_path / "news"), tmp_path / "index.sqlite")

        async def his_documents(pilot: Pilot[None]) -> None:
            screen = pilot.app.corpus_screen  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: screen.settled, "the corpus indexed")
            await pilot.press("enter")
            await pilot.pause()

        app = CorpusApp(session, remember=False)
        assert snap_compare(app, terminal_size=(120, 34), run_before=his_documents)
