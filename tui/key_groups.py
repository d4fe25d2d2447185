"""Groups of keys kept beside `tui.bindings` (which lists every key, in order): growing and
shrinking a mention, and the corpus reader's keys.

Each function builds its keys when `tui.bindings` lists them, importing `Key` from it then (so
this module never imports it first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.bindings import Key

_LISTS = "Corpus lists"
_SCREEN = "Corpus screen"


def resizing() -> tuple[Key, ...]:
    """``<`` ``,`` ``.`` ``>``: the comma key works on a mention's start, the full stop key on
    its end; with shift they grow it, without they shrink it."""
    from tui.bindings import Key

    return tuple(
        Key(
            f"{way}_{edge}",
            keys,
            f"{way}('{edge}')",
            f"{way} the current mention by a word at its {edge}",
            "Corrections",
            title=f"{way.capitalize()} this mention at its {edge}",
        )
        for way, edge, keys in (
            ("grow", "start", "less_than_sign"),
            ("shrink", "start", "comma"),
            ("shrink", "end", "full_stop"),
            ("grow", "end", "greater_than_sign"),
        )
    )


def in_a_corpus() -> tuple[Key, ...]:
    """The reader's keys for a document opened from the corpus screen."""
    from tui.bindings import Key

    return (
        Key(
            "next_document",
            "right_curly_bracket",
            "next_document",
            "next document naming the current entity (a folder opened as a corpus)",
            "Corpus",
            "CorpusReaderScreen",
            show=True,
            short="next doc",
        ),
        Key(
            "previous_document",
            "left_curly_bracket",
            "previous_document",
            "previous document naming the current entity",
            "Corpus",
            "CorpusReaderScreen",
        ),
        Key(
            "back_to_corpus",
            "backspace",
            "back_to_corpus",
            "back to the corpus screen, where you left it",
            "Corpus",
            "CorpusReaderScreen",
            show=True,
            short="corpus",
        ),
    )


def corpus_screen() -> tuple[Key, ...]:
    """The corpus screen's keys, its lists' and their filters'."""
    from tui.bindings import Key

    def screen(key_id: str, keys: str, action: str, description: str, short: str = "") -> Key:
        return Key(key_id, keys, action, description, _SCREEN, "CorpusScreen", show=bool(short), short=short)  # fmt: skip

    def lists(key_id: str, keys: str, action: str, description: str) -> Key:
        return Key(key_id, keys, action, description, _LISTS, "RowList")

    return (
        screen(
            "corpus_search",
            "slash",
            "search",
            "search every document's words (full text)",
            "search",
        ),
        screen("corpus_filter", "f", "filter", "filter the list (documents or entities)", "filter"),
        screen(
            "corpus_order",
            "o",
            "order",
            "order: by count or by first appearance",
        ),
        screen(
            "corpus_relabel", "r", "relabel", "relabel the entity in every document (a corpus rule)"
        ),
        screen("corpus_remove", "x", "remove", "not an entity: remove it from every document"),
        screen("corpus_merge", "m", "merge", "merge the entity into another, in every document"),
        screen("corpus_undo", "u", "undo", "undo the last corpus-wide correction"),
        screen("corpus_redo", "ctrl+r", "redo", "redo"),
        screen("corpus_export", "e", "export", "export every document, to a folder", "export"),
        screen("corpus_close", "escape", "close", "close an entity's documents or a search"),
        screen("corpus_next_pane", "tab", "pane(1)", "next list: documents → entities → results"),
        screen("corpus_previous_pane", "shift+tab", "pane(-1)", "previous list"),
        lists("row_down", "j,down", "cursor(1)", "down one row"),
        lists("row_up", "k,up", "cursor(-1)", "up one row"),
        lists("row_page_down", "pagedown", "cursor_page(1)", "a page down"),
        lists("row_page_up", "pageup", "cursor_page(-1)", "a page up"),
        lists("row_first", "g,home", "cursor_to(0)", "first row"),
        lists("row_last", "G,end", "cursor_to(-1)", "last row"),
        lists(
            "row_choose",
            "enter",
            "choose",
            "open: a document, an entity's documents, a section (or close it)",
        ),
        Key(
            "filter_done",
            "enter,down",
            "done",
            "in a filter: back to the list",
            _LISTS,
            "ListFilter",
        ),
        Key(
            "filter_clear",
            "escape",
            "clear",
            "clear the filter, back to the list",
            _LISTS,
            "ListFilter",
        ),
    )
