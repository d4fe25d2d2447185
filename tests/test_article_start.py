"""The article's first layout is its last before the first frame: before the text is
wrapped, the article is as tall as its lines (each wraps to one row or more), so a long text
has its scroll bar from the start and a short one never gets one. As the wrapping goes on,
the scroll bar follows it."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size

from tui.widgets.article import ArticleView


class Host(App[None]):
    """An article alone."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield ArticleView(self.text, id="article")


def test_before_it_is_wrapped_the_article_is_as_tall_as_its_lines() -> None:
    assert ArticleView("one\ntwo\r\nthree\n").virtual_size == Size(0, 4)
    assert ArticleView("").virtual_size == Size(0, 1)


@pytest.mark.asyncio
async def test_a_long_text_has_its_scroll_bar_and_rows_once_laid_out() -> None:
    lines = [f"line {n} " + "word " * (n % 30) for n in range(500)]
    app = Host("\n".join(lines))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        article = app.query_one(ArticleView)
        assert article.show_vertical_scrollbar
        assert article.virtual_size.height >= len(lines)
        assert article.virtual_size.width <= article.scrollable_content_region.width
        # Wrapped to the end (in steps, after the first screen): the scroll bar follows.
        for _ in range(100):
            if article.wrapped.complete:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert article.wrapped.complete
        assert article.virtual_size.height == article.wrapped.row_count > len(lines)
        assert article.vertical_scrollbar.window_virtual_size == article.virtual_size.height
        await pilot.press("end")
        await pilot.pause()
        assert article.scroll_y == article.max_scroll_y == article.virtual_size.height - 20


@pytest.mark.asyncio
async def test_a_short_text_has_no_scroll_bar() -> None:
    app = Host("a few words\non two lines")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        article = app.query_one(ArticleView)
        assert not article.show_vertical_scrollbar
        assert not article.show_horizontal_scrollbar
        assert article.virtual_size.height == 2
