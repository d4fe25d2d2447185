"""The top bar (file, model, progress), the status line (where the reader is) and, with
``--compare``, the summary line (the scores against gold)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Label

from extract.categories import section
from extract.document import Document
from extract.index import position_in
from tui.layout import line_starts, plain
from tui.reading import Progress, Reading, Span
from tui.view import View

if TYPE_CHECKING:
    from extract.evaluation import Pair


class TopBar(Widget):
    """The file and the model, a progress bar while the model runs, then what it found.

    One line drawn by the bar itself (the title, then the state as wide as its words); the
    progress bar is the one child, mounted once the model runs after the first frame."""

    DEFAULT_CSS = """
    TopBar { height: 1; }
    TopBar > .top-bar--title { text-style: bold; }
    TopBar > .top-bar--state { color: $text-muted; }
    TopBar > #progress { dock: right; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"top-bar--title", "top-bar--state"}

    reading: var[Reading | None] = var(None, init=False)
    """What is read: its progress and how many entities it has."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.state = ""
        """What the model's state says (on the right)."""
        self._said: tuple[Progress, View] | None = None
        self._bar_allowed = False

    def render(self) -> Content:
        return _line(
            self,
            (plain(self.title_text), "top-bar--title"),
            (self.state, "top-bar--state"),
            gap=self._bar_width(),
        )

    def _bar_width(self) -> int:
        """Cells the progress bar takes while it shows."""
        bars = self.query("#progress")
        width = bars.first().styles.width if bars and bars.first().display else None
        return int(width.value) if width is not None else 0

    def _place_bar(self) -> None:
        """The progress bar, docked right, just left of the state; on a screen too narrow
        for both, just after the title's padding, the state cut at the right (as a row of
        widgets would be)."""
        for bar in self.query("#progress"):
            room = max(0, self.size.width - self._bar_width() - 2)
            bar.styles.offset = (-min(cell_len(self.state) + 2, room), 0)  # (padded state)

    def on_resize(self) -> None:
        self._place_bar()

    def allow_bar(self) -> None:
        """The first frame is drawn: the progress bar shows from now on while the model runs."""
        self._bar_allowed = True
        if self.reading is not None:
            self._show_progress(self.reading.progress)

    def _show_progress(self, progress: Progress) -> None:
        running = progress.state == "running"
        total, done = max(1, progress.total), progress.done
        if not (running and self._bar_allowed) and not self.query("#progress"):
            return
        # Imported once a bar is wanted: the first frame never has one.
        from textual.widgets import ProgressBar

        bars = self.query(ProgressBar)
        if bars:
            bar = bars.first()
            if bar.display != running:
                bar.display = running
                self.refresh()  # the title has the bar's room, or has it back
            if running:
                bar.update(total=total, progress=done)
        else:
            bar = ProgressBar(total=total, show_eta=False, id="progress")
            bar.progress = done
            self.mount(bar)
            self._place_bar()
            self.refresh()

    def watch_reading(self, new: Reading | None) -> None:
        if new is None:
            return
        progress, view = new.progress, new.view
        if self._said is not None and self._said[0] == progress and self._said[1] is view:
            return
        self._said = (progress, view)
        if progress.state == "off":
            text = "no entities: started with --no-ner"
        elif progress.state == "failed":
            text = "no entities: the model failed"
        elif progress.state == "running":
            text = f"annotating… {len(view.listing)} entities"
        else:
            cached = " (cached)" if progress.cached else ""
            text = f"{len(view.listing)} entities · {view.mention_count} mentions{cached}"
        if text != self.state:
            self.state = text
            self.refresh()
            self._place_bar()
        self._show_progress(progress)


def _line(
    bar: Widget, left: tuple[str, str | None], right: tuple[str, str], gap: int = 0
) -> Content:
    """A bar's one line: ``left`` then ``right``, each ``(text, component class)`` (None: the
    bar's own style) with a cell of padding either side, and ``gap`` cells (a child's) just
    before ``right``. The right part is as wide as its words; the left takes what is left,
    its first line when it needs more (a long text wraps at a word), and at least its
    padding. On a screen too narrow for all that, the line is cut at the right, as a row of
    widgets would be."""
    ending = Content.styled(f" {right[0]} ", bar.get_visual_style(right[1]))
    inner = max(0, bar.size.width - ending.cell_length - gap - 2)
    text, component = left
    lines = Content(text).wrap(inner) if inner else []
    first = lines[0].truncate(inner) if lines else Content("")
    if component is not None:
        first = first.stylize(bar.get_visual_style(component))
    starting = Content(" ") + first.pad_right(inner - first.cell_length + 1 + gap)
    return (starting + ending).truncate(bar.size.width)


class StatusBar(Widget):
    """``<name> · <Category> · mention <i>/<N> · <LABEL>`` for the current mention while it is
    on screen, else the position; on the right, the search that n and N repeat, at which
    match of how many, and "applying…" while a correction's view is being derived.

    One line drawn by the bar itself (the status, then the side as wide as its words): no
    child widgets to lay out before the first frame, and nothing laid out again when the
    side changes."""

    DEFAULT_CSS = """
    StatusBar { height: 1; }
    StatusBar > .status-bar--side { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"status-bar--side"}

    reading: var[Reading | None] = var(None, init=False)
    """What is read: the current mention and the search."""
    in_view: var[Span] = var((0, 0), init=False)
    """The offsets on screen: the position is the first one's."""

    def __init__(self, document: Document, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document = document
        self._lines = line_starts(document.text)
        self._sections_shown = False
        """Whether the chapter (or page) is named: from just after the first frame, when a
        plain text's chapters are found (`show_sections`)."""
        self.status = ""
        """What the left part says."""
        self.side = ""
        """What the right part says."""

    def render(self) -> Content:
        return _line(self, (self.status, None), (self.side, "status-bar--side"))

    def watch_reading(self) -> None:
        self._say()

    def show_sections(self) -> None:
        """Name the chapter (or page) the position is in from now on."""
        self._sections_shown = True
        self._say()

    def watch_in_view(self) -> None:
        self._say()

    def _say(self) -> None:
        reading = self.reading
        if reading is None or not self.is_mounted:
            return
        query = reading.query if reading.searching else None
        side = ""
        if query:
            place = reading.match_place
            found = f"match {place[0]}/{place[1]}" if place else "no match"
            side = f"search: {plain(query)} · {found}  (n/N)"
        if reading.applying:  # a correction's view is still being derived
            side = f"applying…  {side}" if side else "applying…"
        said = (self._where(reading), side)
        if said != (self.status, self.side):
            self.status, self.side = said
            self.refresh()

    def _where(self, reading: Reading) -> str:
        current, entity = reading.current, reading.entity
        top, bottom = self.in_view
        # After a search, or once the current mention is scrolled away, the position is what
        # the reader wants to know, not an entity no longer in sight.
        on_screen = current is not None and (top <= current.start < bottom or bottom == 0)
        if current is not None and entity is not None and on_screen and not reading.searching:
            category = plain(section(entity.category).singular)
            place = position_in(entity, current)
            mine = " ✎" if current.source == "user" else ""
            item = reading.item
            against = f" · {_described(item)}" if item is not None else ""
            return (
                f"{plain(entity.name)} · {category} · mention {place}/{len(entity.mentions)}"
                f" · {plain(current.label)}{mine}{against}"
            )
        item = reading.item
        if current is None and item is not None and (top <= item.start < bottom or bottom == 0):
            return _described(item)
        line = self._lines.line_of(top)
        length = len(self.document.text)
        share = 100 if bottom >= length else 100 * top // max(1, length)
        return f"line {line} of {len(self._lines)}{self._section(top)} · {share}%"

    def _section(self, offset: int) -> str:
        """`` · page 3/10`` or `` · chapter 2/12`` for the section holding ``offset``, if any."""
        if not self._sections_shown:
            return ""
        sections = self.document.sections
        found = self.document.section_at(offset)
        if found is None:
            return ""
        return f" · {sections[found].kind} {found + 1}/{len(sections)}"


class CompareBar(Horizontal):
    """With ``--compare``: precision, recall and F1 against gold, strict and lenient, and on
    the right the current disagreement's place or how many there are."""

    reading: var[Reading | None] = var(None, init=False)
    """What is read: its view compared with gold."""

    def __init__(self, gold_name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.gold_name = gold_name

    def compose(self) -> ComposeResult:
        yield Label("", id="compare-scores", markup=False)
        yield Label("", id="compare-tally", markup=False)

    def watch_reading(self, new: Reading | None) -> None:
        if new is None or not self.is_mounted:
            return
        finished = new.progress.finished
        from tui.comparing import summary, tally

        said = summary(new.view.compared, self.gold_name, new.shown, finished=finished)
        for label, text in (("#compare-scores", said), ("#compare-tally", tally(new))):
            shown = self.query_one(label, Label)
            if str(shown.content) != text:
                shown.update(text)


def _described(item: Pair) -> str:
    """With --compare, what the status line says of a pair (the comparing module, which only
    --compare needs, is imported then)."""
    from tui.comparing import described

    return described(item)
