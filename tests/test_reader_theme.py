"""Category colours follow the theme: dark and light each have their own, NO_COLOR underlines."""

from __future__ import annotations

import pytest
from reader_support import MakeReader

from tui.app import ReaderApp
from tui.theme import CATEGORY_COLOURS

pytestmark = pytest.mark.asyncio


def _colours(app: ReaderApp) -> tuple[set[str], set[str]]:
    """Background colours of the article's first row and of the sidebar's section labels."""
    screen = app.screen
    article = screen.query_one("ArticleView")
    row = {
        str(segment.style.bgcolor.name)
        for segment in article.render_line(0)  # type: ignore[attr-defined]
        if segment.style is not None and segment.style.bgcolor is not None
    }
    tree = screen.sidebar.entity_tree  # type: ignore[attr-defined]
    labels = {str(span.style) for node in tree.root.children for span in node.label.spans}
    return row, labels


async def test_switching_to_a_light_theme_recolours_article_and_sidebar(
    make_reader: MakeReader,
) -> None:
    async with make_reader() as (app, pilot, *_):
        dark_person, light_person = CATEGORY_COLOURS["person"]
        row, labels = _colours(app)
        assert any(dark_person in label for label in labels)
        assert CATEGORY_COLOURS["other"][0] in row  # "Iraqi" (NORP) opens the text
        app.theme = "textual-light"
        await pilot.pause()
        row, labels = _colours(app)
        assert any(light_person in label for label in labels)
        assert not any(dark_person in label for label in labels)
        assert CATEGORY_COLOURS["other"][1] in row


async def test_without_colour_mentions_are_underlined(
    make_reader: MakeReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with make_reader() as (app, *_):
        row = list(app.screen.query_one("ArticleView").render_line(0))  # type: ignore[attr-defined]
        marked = [s.text for s in row if s.style is not None and s.style.underline]
        assert marked[:3] == ["Iraqi", "ISIS", "Syria"]
