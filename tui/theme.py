"""Category colours for dark and light themes, and the styles that mark mentions."""

from __future__ import annotations

import os
from collections.abc import Mapping

from rich.style import Style

from extract.colours import BUILTIN, TEXT_ON, Pair, background

CATEGORY_COLOURS: dict[str, Pair] = BUILTIN
"""Background colour of each built-in category's mentions: (dark theme, light theme). Other
sections get generated ones (`extract.colours.palette`); the settings may give any its own."""

__all__ = [
    "CATEGORY_COLOURS",
    "CURRENT_STYLE",
    "SEARCH_STYLE",
    "TEXT_ON",
    "category_colour",
    "mention_style",
    "no_color",
]


def no_color() -> bool:
    """Whether the user asked for no colour (https://no-color.org)."""
    return bool(os.environ.get("NO_COLOR"))


def category_colour(
    category: str, dark: bool, *, label: str = "", generated: Mapping[str, Pair] | None = None
) -> str:
    """The background colour of a category (or of one of its labels) in a theme;
    ``generated``: the palette of the sections on show."""
    return background(category, dark=dark, label=label, generated=generated)


def mention_style(
    category: str, dark: bool, *, label: str = "", generated: Mapping[str, Pair] | None = None
) -> Style:
    """How a mention of a category is marked: a coloured background, or underlined without colour."""
    if no_color():
        return Style(underline=True)
    bgcolor = category_colour(category, dark, label=label, generated=generated)
    return Style(bgcolor=bgcolor, color=TEXT_ON[0 if dark else 1])


CURRENT_STYLE = Style(reverse=True, bold=True)
"""The current mention: reversed on top of its category style, so it stands out in any theme."""

SEARCH_STYLE = Style(reverse=True, underline=True)
"""The current search match."""

GOLD_COLOURS: tuple[str, str] = ("#ffd75f", "#7a4f00")
"""The compare view's mark of a gold mention the reader does not show: (dark, light)."""

COMPARE_MARKS: dict[str, Style] = {
    "model": Style(strike=True),
    "span": Style(bold=True, underline=True),
    "label": Style(bold=True, underline=True),
    "gold": Style(bold=True, italic=True),
}
"""What the compare view adds to a mention's style, besides colour (so ``NO_COLOR`` tells them
apart too): struck through where gold has none, bold and underlined where gold has another
span or label; gold's alone, in bold italics (underlined, in the gold colour, with colour)."""


def compare_style(
    kind: str,
    category: str,
    dark: bool,
    *,
    label: str = "",
    generated: Mapping[str, Pair] | None = None,
) -> Style:
    """How the compare view marks a pair's shown mention (``kind``: `extract.evaluation.Pair`'s),
    or, for ``gold``, the text of a gold mention nothing shown covers."""
    added = COMPARE_MARKS.get(kind, Style())
    if kind == "gold":
        if no_color():
            return added
        return added + Style(color=GOLD_COLOURS[0 if dark else 1], underline=True)
    return mention_style(category, dark, label=label, generated=generated) + added
