"""Line starts and wrapping: found only as far as asked, exactly as finding them all at once."""

from __future__ import annotations

import re
from bisect import bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.layout import Layout, LineStarts, line_starts

PIECES = st.sampled_from(
    ["a", "word ", " ", "\n", "\r\n", "\r", "\t", "é", "東京", "\x1b", "x" * 30]
)
TEXTS = st.lists(PIECES, max_size=60).map("".join)


def every_start(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer("\n", text))]


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_starts_found_a_little_at_a_time_are_those_of_the_whole_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LineStarts, "STEP", 3)
        expected = every_start(text)
        assert list(LineStarts(text)) == expected
        asked = LineStarts(text)
        assert len(asked) == len(expected)
        assert [asked[line] for line in reversed(range(len(expected)))] == expected[::-1]
        assert asked[-1] == expected[-1] and asked[1:3] == expected[1:3]
        found = LineStarts(text)
        for offset in range(len(text) + 2):
            assert found.line_of(offset) == bisect_right(expected, offset)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, width=st.integers(1, 12), offset=st.integers(0, 400))
def test_wrapping_as_lines_are_found_is_wrapping_them_all(
    text: str, width: int, offset: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LineStarts, "STEP", 2)
        lazy = Layout(text, width, LineStarts(text))
        lazy.row_of(min(offset, len(text)))
        lazy.wrap_until(rows=4)
        lazy.wrap_all()
    whole = LineStarts(text)
    whole.through(len(whole))
    eager = Layout(text, width, whole)
    eager.wrap_all()
    assert list(lazy.row_starts) == list(eager.row_starts)
    assert list(lazy.row_ends) == list(eager.row_ends)
    assert list(lazy.line_first_row) == list(eager.line_first_row)


def test_the_first_screen_of_a_long_text_looks_at_its_start_only() -> None:
    text = "A line of the book, and another clause after it.\n" * 200_000
    lines = LineStarts(text)
    layout = Layout(text, 80, lines)
    layout.wrap_until(rows=100)
    assert len(lines) == 200_001
    assert len(lines.through(0)) < 10_000  # of 200,001
    assert layout.row_of(len(text) - 10) == 199_999
    assert lines.line_of(len(text) - 10) == 200_000


def test_line_starts_are_kept_for_the_two_texts_last_asked_about() -> None:
    """By the text itself (a book is not hashed to find them), most recently asked first."""
    first, second, third = "a\nb", "c\nd\ne", "f"
    kept = line_starts(first)
    assert line_starts(first) is kept and list(kept) == [0, 2]
    assert line_starts("".join(["a\n", "b"])) is not kept  # an equal text, not the same one
    older = line_starts(second)
    newer = line_starts(first)
    assert line_starts(second) is older  # asked about again: now the most recent
    line_starts(third)  # pushes out the first, not the second
    assert line_starts(second) is older and line_starts(first) is not newer
