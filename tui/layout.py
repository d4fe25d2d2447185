"""Soft-wrapping a document into screen rows, and showing its characters safely.

Rows are offset ranges into the exact text; nothing here changes the text. What reaches the
terminal goes through `display_text`, which makes control characters visible.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import overload

from rich.cells import get_character_cell_size

from tui.visible import char_display as _char_display

TAB_SIZE = 8
_NEWLINE = re.compile(r"\n")
_PLAIN = re.compile(
    "[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u04ff"
    "\u2010-\u2027\u2030-\u205e\u20a0-\u20bf]*\\Z"
)
"""Characters shown as themselves in one cell each (ASCII, Latin, Greek, Cyrillic,
punctuation): the fast path for wrapping and drawing."""


class LineStarts(Sequence[int]):
    """Offsets where each line starts ("\\n" ends a line; a "\\r" before it is part of the
    break), found only as far as they are asked for: the first screen of a book needs its
    first hundred lines, and finding all 65,000 of War and Peace's took 10 ms before it."""

    STEP = 1 << 16
    """Characters looked through at a time."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._count = text.count("\n") + 1
        self._found = array("q", [0])
        self._through = 0
        """Characters looked through so far: every line starting up to here is found."""

    @property
    def text_of(self) -> str:
        """The text whose lines these are."""
        return self._text

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("line index out of range")
        return self.through(index)[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self.through(self._count - 1))

    def through(self, line: int) -> array[int]:
        """The starts found so far, at least through ``line`` (or every one): read them, never
        change them."""
        while len(self._found) <= line and self._through < len(self._text):
            self._look(self._through + self.STEP)
        return self._found

    def line_of(self, offset: int) -> int:
        """How many lines start at or before ``offset`` (its line, counted from 1)."""
        self._look(offset)
        return bisect_right(self._found, offset)

    def _look(self, offset: int) -> None:
        """Find the lines starting up to ``offset`` (every "\\n" before it)."""
        end = min(len(self._text), offset)
        if end > self._through:
            breaks = _NEWLINE.finditer(self._text, self._through, end)
            self._found.extend(match.end() for match in breaks)
            self._through = end


_KEPT: list[LineStarts] = []
"""The `LineStarts` of the two texts last asked about."""


def line_starts(text: str) -> LineStarts:
    """The `LineStarts` of a text, kept for the texts last asked about (the text, its status
    bar and the reader share one, found as far as any of them has asked). Kept by the text
    itself, not by its value: hashing a book to look it up took as long as counting its
    lines."""
    found = next((kept for kept in _KEPT if kept.text_of is text), None)
    if found is None:
        found = LineStarts(text)
    _KEPT[:] = [found, *(kept for kept in _KEPT if kept is not found)][:2]
    return found


def display_text(piece: str, column: int = 0) -> str:
    """A stretch of document text as it may be shown: literal, controls made visible.

    ``column`` is the screen column the piece starts at, for tab stops.
    """
    if _PLAIN.match(piece):
        return piece
    out: list[str] = []
    for char in piece:
        if char == "\t":
            spaces = TAB_SIZE - column % TAB_SIZE
            out.append(" " * spaces)
            column += spaces
            continue
        shown = _char_display(char) if not (" " <= char <= "~") else char
        out.append(shown)
        column += _cells(shown)
    return "".join(out)


def plain(text: str) -> str:
    """Document text for one line of a label: whitespace folded, controls made visible."""
    return " ".join(display_text(part) for part in text.split())


def _cells(shown: str) -> int:
    return sum(get_character_cell_size(c) for c in shown)


def char_width(char: str, column: int) -> int:
    """Cells a character takes at ``column`` once made displayable."""
    if char == "\t":
        return TAB_SIZE - column % TAB_SIZE
    if " " <= char <= "~":
        return 1
    return _cells(_char_display(char))


class Layout:
    """The rows of a text soft-wrapped at a width: ``row_starts[i]``..``row_ends[i]``."""

    def __init__(self, text: str, width: int, starts: LineStarts | None = None) -> None:
        self.text = text
        self.width = max(1, width)
        self.lines = starts if starts is not None else line_starts(text)
        self.row_starts: array[int] = array("q")
        self.row_ends: array[int] = array("q")
        self.line_first_row: array[int] = array("q")
        self._wrapped_lines = 0

    @property
    def complete(self) -> bool:
        """Whether every line has been wrapped."""
        return self._wrapped_lines >= len(self.lines)

    @property
    def row_count(self) -> int:
        """Rows wrapped so far (all of them once `complete`)."""
        return len(self.row_starts)

    def line_end(self, line: int) -> int:
        """Offset where a line's content ends (before "\\r\\n" or "\\n")."""
        return self._line_end(self.lines.through(line + 1), line)

    def _line_end(self, found: array[int], line: int) -> int:
        """`line_end`, with the line starts found through the next line."""
        text = self.text
        end = found[line + 1] - 1 if line + 1 < len(self.lines) else len(text)
        if end > found[line] and text[end - 1] == "\r" and end < len(text) and text[end] == "\n":
            end -= 1
        return end

    def wrap_until(self, rows: int | None = None, lines: int | None = None) -> None:
        """Wrap more lines until at least ``rows`` rows (or ``lines`` lines) exist, or all."""
        text = self.text
        width = self.width
        starts, ends, first_row = self.row_starts, self.row_ends, self.line_first_row
        total = len(self.lines)
        line = self._wrapped_lines
        row_goal = rows if rows is not None else 1 << 62
        line_goal = min(total, lines if lines is not None else total)
        found = self.lines.through(0)
        while line < line_goal and len(starts) < row_goal:
            if line + 1 >= len(found):
                found = self.lines.through(line + 1)
            start = found[line]
            end = self._line_end(found, line)
            first_row.append(len(starts))
            piece_length = end - start
            if piece_length <= width and (
                piece_length == 0 or _PLAIN.match(text, start, end) is not None
            ):
                starts.append(start)
                ends.append(end)
            elif _PLAIN.match(text, start, end) is not None:
                self._wrap_plain(start, end)
            else:
                self._wrap_general(start, end)
            line += 1
        self._wrapped_lines = line

    def wrap_all(self) -> None:
        """Wrap every remaining line."""
        self.wrap_until()

    def _wrap_plain(self, start: int, end: int) -> None:
        """Greedy word wrap for printable ASCII, where a character is a cell."""
        text, width = self.text, self.width
        starts, ends = self.row_starts, self.row_ends
        position = start
        while end - position > width:
            space = text.rfind(" ", position + 1, position + width + 1)
            cut = space + 1 if space > position else position + width
            starts.append(position)
            ends.append(cut)
            position = cut
        starts.append(position)
        ends.append(end)

    def _wrap_general(self, start: int, end: int) -> None:
        """Word wrap counting cells: wide characters, tabs, visible controls."""
        text, width = self.text, self.width
        starts, ends = self.row_starts, self.row_ends
        row_start = start
        column = 0
        last_break = -1
        position = start
        while position < end:
            char = text[position]
            cells = char_width(char, column)
            if column + cells > width and position > row_start:
                cut = last_break if last_break > row_start else position
                starts.append(row_start)
                ends.append(cut)
                row_start = cut
                column = 0
                last_break = -1
                position = cut
                continue
            column += cells
            position += 1
            if char == " " or char == "\t":
                last_break = position
        starts.append(row_start)
        ends.append(end)

    def row_of(self, offset: int) -> int:
        """The row holding ``offset`` (wrapping further when needed)."""
        if not self.complete and (not self.row_starts or offset >= self.row_starts[-1]):
            self.wrap_until(lines=self.lines.line_of(offset))
        return max(0, bisect_right(self.row_starts, offset) - 1)

    def line_of_row(self, row: int) -> int:
        """The 0-based document line a row belongs to."""
        return max(0, bisect_right(self.line_first_row, row) - 1)
