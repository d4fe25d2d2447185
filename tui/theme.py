"""Category colours for dark and light themes, and the styles that mark mentions."""

from __future__ import annotations

import os

from rich.style import Style

CATEGORY_COLOURS: dict[str, tuple[str, str]] = {
    "person": ("#7b3f9e", "#e7c9ff"),
    "organisation": ("#235f8f", "#bfdcff"),
    "place": ("#2f6d36", "#c6efc0"),
    "figure": ("#8c5a10", "#ffdca3"),
    "date": ("#80303e", "#ffc9d2"),
    "other": ("#4c525b", "#dedede"),
}
"""Background colour of each category's mentions: (dark theme, light theme)."""

TEXT_ON: tuple[str, str] = ("#f4f4f4", "#111111")
"""Foreground on those backgrounds: (dark theme, light theme)."""


def no_color() -> bool:
    """Whether the user asked for no colour (https://no-color.org)."""
    return bool(os.environ.get("NO_COLOR"))


def category_colour(category: str, dark: bool) -> str:
    """The background colour of a category in a theme."""
    dark_colour, light_colour = CATEGORY_COLOURS.get(category, CATEGORY_COLOURS["other"])
    return dark_colour if dark else light_colour


def mention_style(category: str, dark: bool) -> Style:
    """How a mention of a category is marked: a coloured background, or underlined without colour."""
    if no_color():
        return Style(underline=True)
    return Style(bgcolor=category_colour(category, dark), color=TEXT_ON[0 if dark else 1])


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


def compare_style(kind: str, category: str, dark: bool) -> Style:
    """How the compare view marks a pair's shown mention (``kind``: `extract.evaluation.Pair`'s),
    or, for ``gold``, the text of a gold mention nothing shown covers."""
    added = COMPARE_MARKS.get(kind, Style())
    if kind == "gold":
        if no_color():
            return added
        return added + Style(color=GOLD_COLOURS[0 if dark else 1], underline=True)
    return mention_style(category, dark) + added
