"""`ArticleView`: the document, soft-wrapped and highlighted, drawing only visible rows."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.events import MouseDown, MouseMove, MouseUp
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from extract.index import MentionIndex
from extract.model import Mention
from tui.bindings import bindings_for
from tui.layout import Layout, char_width, display_text, line_starts
from tui.reading import Reading
from tui.theme import CURRENT_STYLE, SEARCH_STYLE, compare_style, mention_style
from tui.view import View
from tui.widgets.styled import FrameStyled

if TYPE_CHECKING:
    from extract.colours import Pair as Shades
    from extract.evaluation import Pair

WRAP_STEP = 2000
"""Lines wrapped per background step after first paint (a few milliseconds: keys stay live)."""
WRAP_DELAY = 0.2
"""Seconds after the first frame before the background wrapping starts (the panels first)."""


class ArticleView(FrameStyled, ScrollView, can_focus=True):
    """The text with its mentions marked; the current mention and search match stand out."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("ArticleView")

    reading: var[Reading | None] = var(None, init=False)
    """What is read: the mentions shown, the current one, the search match."""

    DEFAULT_CSS = """
    ArticleView {
        padding: 0 1;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        self._lines = line_starts(text)
        self.virtual_size = Size(0, len(self._lines))  # unwrapped: its scroll bar from the start
        self._layout: Layout | None = None
        self.index = MentionIndex([])
        self.current: Mention | None = None
        self.match: tuple[int, int] | None = None
        self.view: View | None = None
        """With --compare, its pairs mark each mention (and gold's alone)."""
        self.item: Pair | None = None
        """With --compare, the current pair (marked when gold's alone)."""
        self.selection: tuple[int, int] | None = None
        """A span chosen with the mouse (press, drag, release), for adding an entity."""
        self._anchor: int | None = None
        self._strips: OrderedDict[int, Strip] = OrderedDict()
        self._colours: dict[str, Shades] | None = None
        """The generated colours the rows were drawn with."""
        self._pending_top: int | None = None
        self._wrapping = False
        """Whether the background wrapping is under way (`_wrap_more`)."""

    # -- layout -------------------------------------------------------------------------

    @property
    def wrapped(self) -> Layout:
        """The rows at the current width (made on first use)."""
        if self._layout is None or self._layout.width != self._wrap_width():
            self._relayout()
        assert self._layout is not None
        return self._layout

    def _wrap_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _relayout(self, *, settled: bool = False) -> None:
        """Wrap the text at the current width, keeping the top row's text at the top.
        ``settled``: the widget's size is final for now (a resize), so a remembered position
        is scrolled to at once; else (first drawn before its resize event) the resize does."""
        old = self._layout
        top = self._pending_top
        if top is None and old is not None and old.row_count:
            top = old.row_starts[min(round(self.scroll_y), old.row_count - 1)]
        self._layout = Layout(self.text, self._wrap_width(), self._lines)
        self._layout.wrap_until(rows=max(200, self.size.height * 2))
        self._strips.clear()
        self._update_virtual_size()
        if top and (not self.size.height or not settled):
            self._pending_top = top  # not laid out yet: scrolled to once resized (`on_resize`)
        else:
            self._pending_top = None  # (the start of the text: where a new layout is anyway)
            if top:
                self.scroll_to(y=self._layout.row_of(top), animate=False, immediate=True)
        if not self._layout.complete and not self._wrapping:  # the rest once this screen is drawn
            self._wrapping = True  # one chain of steps, whatever the relayouts meanwhile
            self.call_after_refresh(self.set_timer, WRAP_DELAY, self._wrap_more)

    def _update_virtual_size(self) -> None:
        """Rows so far, without laying the whole screen out again (as a reactive's change would)."""
        layout = self._layout
        if layout is None:
            return
        remaining = len(self._lines) - layout.line_of_row(layout.row_count) - 1
        rows = layout.row_count + (0 if layout.complete else max(0, remaining))
        size = Size(layout.width, max(rows, 1))
        if size != self.virtual_size:  # only the scroll bars follow, laid out if one comes/goes
            self.set_reactive(ArticleView.virtual_size, size)
            self._scroll_update(size)
            self.refresh()

    def _wrap_more(self) -> None:
        layout = self._layout
        if layout is None or layout.complete:
            self._wrapping = False
            return
        wrapped = layout.line_of_row(layout.row_count) + 1
        layout.wrap_until(lines=wrapped + WRAP_STEP)
        self._update_virtual_size()
        if layout.complete:
            self._wrapping = False
        else:
            self.set_timer(0.01, self._wrap_more)

    def on_resize(self) -> None:
        layout, top = self._layout, self._pending_top
        if layout is None or layout.width != self._wrap_width():
            self._relayout(settled=True)
            self.refresh()
        elif top is not None:  # wrapped at this width already: only the remembered place
            self._pending_top = None
            self.scroll_to_offset(top, top=True)

    # -- moving (instant, like less: a long book must not animate across thousands of rows)

    def action_scroll_down(self) -> None:
        self.scroll_to(y=self.scroll_y + 1, animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_y - 1), animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self._page(), animate=False)

    def action_page_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_y - self._page()), animate=False)

    def action_half_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + max(1, self._page() // 2), animate=False)

    def action_half_page_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_y - max(1, self._page() // 2)), animate=False)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        layout = self.wrapped
        layout.wrap_all()
        self._update_virtual_size()
        self.scroll_to(y=max(0, layout.row_count - self.size.height), animate=False)

    # -- the reading --------------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._invalidate, init=False)

    def watch_reading(self, old: Reading | None, new: Reading | None) -> None:
        if new is None:
            return
        drawn = (new.view.index, new.current, new.match)
        compared = (new.view if new.view.compared is not None else None, new.item)
        spans = (self.current, self.match, new.current, new.match)
        moved = [(s.start, s.end) if isinstance(s, Mention) else s for s in spans if s]
        same_kind = compared == (None, None) == (self.view, self.item)
        if same_kind and new.view.colours == self._colours:
            # Marks of the same kind (not compared with gold): only the rows whose marks
            # change are drawn again.
            index, marked = self.index, (self.current, self.match)
            self.index, self.current, self.match = drawn
            if index != self.index:
                self._redraw_changed(index)
            if marked != (self.current, self.match):
                self._redraw_spans(moved)
        elif drawn != (self.index, self.current, self.match) or compared != (self.view, self.item):
            self.index, self.current, self.match = drawn
            self.view, self.item = compared
            self._colours = new.view.colours
            self._invalidate()
        # Brought into view only after a move: a new view or a toggle leaves the reader be.
        if new.sent_to == "current" and new.current is not None:
            self.scroll_to_offset(new.current.start)
        elif new.sent_to == "match" and new.match is not None:
            self.scroll_to_offset(new.match[0])
        elif new.sent_to == "spot" and new.spot is not None:
            self.scroll_to_offset(new.spot[0])

    def _invalidate(self) -> None:
        self._strips.clear()
        self.refresh()

    def _redraw_changed(self, old: MentionIndex) -> None:
        """After a new index: the rows on screen whose marks it changes are drawn again; the
        others are kept, and rows off screen are drawn afresh when shown."""
        layout = self._layout
        if layout is None or layout.width != self._wrap_width():
            self._invalidate()
            return
        top, height = round(self.scroll_y), max(1, self.size.height)
        kept: dict[int, Strip] = {}
        for row in range(top, min(top + height, layout.row_count)):
            start, end = layout.row_starts[row], layout.row_ends[row]
            strip = self._strips.get(row)
            if strip is not None and _marks(old, start, end) == _marks(self.index, start, end):
                kept[row] = strip
            else:
                self.refresh_lines(row)
        self._strips.clear()
        self._strips.update(kept)

    def _redraw_spans(self, spans: list[tuple[int, int]]) -> None:
        """Draw again the rows holding these stretches of text (the others stay as drawn)."""
        layout = self._layout
        if layout is None or layout.width != self._wrap_width():
            self._invalidate()
            return
        top, height = round(self.scroll_y), max(1, self.size.height)
        for start, end in spans:
            first, last = layout.row_of(start), layout.row_of(max(start, end - 1))
            for row in range(first, last + 1):
                self._strips.pop(row, None)
            low, high = max(first, top), min(last, top + height - 1)
            if low <= high:
                self.refresh_lines(low, high - low + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # -- positions ------------------------------------------------------------------------

    @property
    def top_offset(self) -> int:
        """Document offset of the first visible row."""
        if self._layout is None and not self.size.height:  # never laid out
            return self._pending_top or 0
        layout = self.wrapped
        if not layout.row_count:
            return 0
        return layout.row_starts[min(round(self.scroll_y), layout.row_count - 1)]

    def visible_range(self) -> tuple[int, int]:
        """Offsets of the first and just past the last visible character (none before the
        widget is laid out: its rows are not wrapped at a width it does not have yet)."""
        if not self.size.height:
            start = self._pending_top or 0
            return start, start
        layout = self.wrapped
        first = min(round(self.scroll_y), max(0, layout.row_count - 1))
        last = first + max(1, self.size.height) - 1
        layout.wrap_until(rows=last + 1)
        if not layout.row_count:
            return 0, 0
        end_row = min(last, layout.row_count - 1)
        return layout.row_starts[first], layout.row_ends[end_row]

    def scroll_to_offset(self, offset: int, *, top: bool = False) -> None:
        """Bring the row holding ``offset`` into view (a third down the screen when it moves)."""
        if self._layout is None:
            self._pending_top = offset
            return
        row = self.wrapped.row_of(offset)
        self._update_virtual_size()
        height = max(1, self.size.height)
        if top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif not (self.scroll_y <= row < self.scroll_y + height):
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True)

    def restore_top(self, offset: int) -> None:
        """Start with ``offset`` at the top of the view (a remembered position)."""
        if self._layout is None:
            self._pending_top = offset
            if self.size.height:  # laid out, not wrapped yet: wrap from there now
                self._relayout(settled=True)
        else:
            self.scroll_to_offset(offset, top=True)

    def offset_at(self, x: int, y: int) -> int | None:
        """The document offset under a point of the widget (for the mouse)."""
        layout = self.wrapped
        row = round(self.scroll_y) + y
        if row >= layout.row_count:
            return None
        start, end = layout.row_starts[row], layout.row_ends[row]
        column = 0
        for position in range(start, end):
            column += char_width(self.text[position], column)
            if column > x - self.styles.padding.left:
                return position
        return end

    # -- mouse selection ------------------------------------------------------------------

    def on_mouse_down(self, event: MouseDown) -> None:
        offset = self.offset_at(event.x, event.y)
        self._anchor = offset
        if self.selection is not None:
            self.clear_selection()
        if offset is not None:
            self.capture_mouse()

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._anchor is None or not event.button:
            return
        offset = self.offset_at(event.x, event.y)
        if offset is not None:
            low, high = sorted((self._anchor, offset))
            if (low, high) != self.selection:
                self.selection = (low, high) if high > low else None
                self._invalidate()

    def on_mouse_up(self, event: MouseUp) -> None:
        self._anchor = None
        self.release_mouse()

    def clear_selection(self) -> None:
        """Forget the mouse selection."""
        self.selection = None
        self._invalidate()

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # The layout first (making it may scroll to a remembered position): every row of a
        # frame is drawn from the same scroll position, layout and width.
        shared = self._frame_shared
        if not isinstance(shared, tuple):
            shared = (self.wrapped, self.scrollable_content_region.width)
            self._frame_shared = shared if self._in_frame else None
        layout, width = shared
        row = round(self.scroll_y) + y
        if row >= layout.row_count:
            layout.wrap_until(rows=row + 1)
        base = self.rich_style
        if row >= layout.row_count:
            return Strip.blank(width, base)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._render_row(layout, row, base).crop_extend(0, width, base)
            self._strips[row] = strip
            if len(self._strips) > 600:
                self._strips.popitem(last=False)
        return strip

    def _render_row(self, layout: Layout, row: int, base: Style) -> Strip:
        start, end = layout.row_starts[row], layout.row_ends[row]
        dark = self.app.current_theme.dark if self.is_attached else True
        colours = self.reading.view.colours if self.reading is not None else None
        marks: list[tuple[int, int, Style]] = []
        compared = self.view.compared if self.view is not None else None
        for mention in self.index.overlapping(start, end):
            owner = self.index.entity_of(mention)
            category = owner.category if owner else "other"
            pair = compared.pair_of(mention) if compared is not None else None
            if pair is not None:
                style = compare_style(
                    pair.kind, category, dark, label=mention.label, generated=colours
                )
            else:
                style = mention_style(category, dark, label=mention.label, generated=colours)
            if self.current is not None and mention == self.current:
                style = style + CURRENT_STYLE
            marks.append((max(start, mention.start), min(end, mention.end), style))
        if compared is not None and self.view is not None:
            marks = self._gold_marks(marks, start, end, dark)
        for span in (self.match, self.selection):
            if span is not None and span[0] < end and span[1] > start:
                marks = [m for m in marks if m[1] <= span[0] or m[0] >= span[1]]
                marks.append((max(start, span[0]), min(end, span[1]), SEARCH_STYLE))
                marks.sort(key=lambda mark: mark[0])
        segments: list[Segment] = []
        column = 0
        position = start
        for mark_start, mark_end, style in marks:
            if mark_start < position:
                continue
            if mark_start > position:
                column = self._piece(segments, position, mark_start, column, base)
            column = self._piece(segments, mark_start, mark_end, column, base + style)
            position = mark_end
        if position < end:
            self._piece(segments, position, end, column, base)
        return Strip(segments)

    def _gold_marks(
        self, marks: list[tuple[int, int, Style]], start: int, end: int, dark: bool
    ) -> list[tuple[int, int, Style]]:
        """The row's marks with gold's own stretches where no mention is marked."""
        assert self.view is not None and self.view.compared is not None
        pieces = self.view.compared.gold_marks(start, end, self.view.shown)
        if not pieces:
            return marks
        taken = sorted((left, right) for left, right, _ in marks)
        for left, right, pair in pieces:
            style = compare_style("gold", "", dark)
            if pair is self.item and self.current is None:
                style = style + CURRENT_STYLE
            left, right = max(start, left), min(end, right)
            for low, high in taken:  # only where no mention is marked already
                if low <= left < high:
                    left = high
                elif left < low < right:
                    marks.append((left, low, style))
                    left = high
            if left < right:
                marks.append((left, right, style))
        return sorted(marks, key=lambda mark: mark[0])

    def _piece(
        self, segments: list[Segment], start: int, end: int, column: int, style: Style
    ) -> int:
        shown = display_text(self.text[start:end], column)
        if shown:
            segments.append(Segment(shown, style))
        return column + Segment(shown).cell_length


def _marks(index: MentionIndex, start: int, end: int) -> list[tuple[int, int, str, str]]:
    """What a row's marks depend on: its mentions' places, labels and categories."""
    marks = []
    for mention in index.overlapping(start, end):
        owner = index.entity_of(mention)
        marks.append(
            (mention.start, mention.end, mention.label, owner.category if owner else "other")
        )
    return marks
