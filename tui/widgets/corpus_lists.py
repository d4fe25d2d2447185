"""The corpus screen's lists: documents, entities (in the sidebar's style), an entity's
documents with a keyword-in-context line each, and the documents a search found."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from extract.categories import section
from extract.colours import Pair
from extract.corpus_groups import CorpusEntity
from extract.corpus_query import MARK, UNMARK, Hit, Occurrence
from tui.corpus_state import DocumentItem, Row, counted, size_text
from tui.layout import plain
from tui.theme import mention_style, no_color
from tui.widgets.mentions import _first_cells, _last_cells
from tui.widgets.rows import RowList

STATUS_WORDS = {"pending": "pending", "changed": "changed", "failed": "failed", "gone": "deleted"}
"""What a document's status says in its row (its entities, once it is indexed)."""

DIM = Style(dim=True)

NAME_ROOM = 20
"""Cells a document's name keeps before its size is left out of its row."""


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    return _first_cells(text, max(0, width - 1)) + "…"


def _columns(left: str, right: str, width: int) -> tuple[str, str]:
    """``left`` then ``right`` against the right edge, ``left`` cut to make room."""
    shown = _fit(left, max(1, width - cell_len(right) - 1))
    return shown + " " * max(1, width - cell_len(shown) - cell_len(right)), right


def _name_column(path: str, width: int) -> str:
    """A document's file name, cut and padded to a quarter of ``width``."""
    cells = min(24, max(8, width // 4))
    return _fit(plain(path.rsplit("/", 1)[-1]), cells - 1).ljust(cells)


def entity_counts(entity: CorpusEntity) -> str:
    """ "3 docs · 12 mentions": an entity's documents and mentions, as its row ends."""
    return f"{counted(entity.documents, 'doc')} · {counted(entity.mentions, 'mention')}"


def kwic(passage: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """Left context, the words, right context, in ``width`` cells: one line of a passage in
    which ``passage[start:end]`` is a mention or a match."""
    middle = plain(passage[start:end])
    side = max(3, (width - cell_len(middle)) // 2)
    left = plain(passage[:start]) + (" " if passage[max(0, start - 1) : start].isspace() else "")
    right = (" " if passage[end : end + 1].isspace() else "") + plain(passage[end:])
    return _last_cells(left, side).rjust(side), middle, _first_cells(right, side)


class DocumentList(RowList[DocumentItem]):
    """The documents: name, then size and entities, or where they are (pending, failed…)."""

    def identity(self, row: DocumentItem) -> Hashable:
        return row.path

    def render_row(self, row: DocumentItem, width: int, style: Style) -> list[Segment]:
        name = plain(row.name)
        if row.status == "done":
            what = f"{row.entities:,} {'entity' if row.entities == 1 else 'entities'}"
            look = style + DIM
        else:
            what = STATUS_WORDS[row.status]
            look = style + Style(italic=True, dim=row.status in ("pending", "gone"))
        # The size goes first when the name would be cut for it.
        right = f"{size_text(row.size)} · {what}"
        if width - 2 - cell_len(right) < min(cell_len(name), NAME_ROOM):
            right = what
        left, right = _columns(name, right, width - 1)
        return [Segment(" "), Segment(left, style), Segment(right, look)]


class EntityList(RowList[Row]):
    """The corpus's entities under their categories' headings, each with its documents and
    mentions; Enter on a heading opens or closes it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.colours: dict[str, Pair] = {}
        """The generated colours of the sections that are not built in."""

    def identity(self, row: Row) -> Hashable:
        return ("section", row[1]) if row[0] == "section" else ("entity", row[1].key)

    def selectable(self, row: Row) -> bool:
        return row[0] == "entity" or row[2] > 0  # an empty section has nothing to open

    def first(self, rows: Sequence[Row]) -> int:
        return next((place for place, row in enumerate(rows) if row[0] == "entity"), 0)

    def render_row(self, row: Row, width: int, style: Style) -> list[Segment]:
        dark = self.app.current_theme.dark
        if row[0] == "section":
            _, category, count, shut = row
            title = plain(section(category).title)
            look = Style(bold=True, underline=True) if no_color() else Style(bold=True)
            if not no_color():
                look += mention_style(category, dark, generated=self.colours)
            return [
                Segment("  " if not count else "▸ " if shut else "▾ ", style),
                Segment(f" {title} ", style + look),
                Segment(f" {count:,}", style + DIM),
            ]
        left, right = _columns(plain(row[1].name), entity_counts(row[1]), width - 4)
        return [Segment("    "), Segment(left, style), Segment(right, style + DIM)]


Passage = Callable[[Occurrence, int], tuple[str, int, int]]
"""The text around an occurrence, ``reach`` characters on each side, and where the mention is
in it."""


class OccurrenceList(RowList[Occurrence]):
    """An entity's documents, each with its first mention there in context (and how many
    more it has)."""

    def __init__(self, passage: Passage, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.passage = passage
        self.category = "other"
        self.colours: dict[str, Pair] = {}

    def identity(self, row: Occurrence) -> Hashable:
        return row.document

    def render_row(self, row: Occurrence, width: int, style: Style) -> list[Segment]:
        name = _name_column(row.path, width)
        room = max(12, width - cell_len(name) - 6)
        text, start, end = self.passage(row, room)
        left, middle, right = kwic(text, start, end, room)
        more = f" +{row.mentions - 1}" if row.mentions > 1 else ""
        mark = mention_style(self.category, self.app.current_theme.dark, generated=self.colours)
        return [
            Segment(name, style + Style(bold=True)),
            Segment(left, style + DIM),
            Segment(middle, style + mark),
            Segment(right, style + DIM),
            Segment(more, style + DIM),
        ]


class HitList(RowList[Hit]):
    """The documents a search found, best first, each with the passage of its match."""

    def identity(self, row: Hit) -> Hashable:
        return row.document

    def render_row(self, row: Hit, width: int, style: Style) -> list[Segment]:
        segments = [Segment(_name_column(row.path, width), style + Style(bold=True))]
        marked = False
        for piece in row.snippet.replace(UNMARK, MARK).split(MARK):
            shown = plain(piece)
            if piece[:1].isspace():
                shown = " " + shown
            if piece[-1:].isspace() and shown.strip():
                shown += " "
            if shown:
                look = Style(reverse=True, underline=True) if marked else DIM
                segments.append(Segment(shown, style + look))
            marked = not marked
        return segments
