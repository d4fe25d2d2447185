"""The one list of the reader's keys, each with a stable id.

Every widget binds its own keys from this list (`bindings_for`); the help screen, ``--help``,
the README table and the command palette are all generated from it (`tui.key_listing` remaps it
with a keymap and writes it out as text).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from tui import key_groups  # builds its keys with `Key`, from here, when KEYS is made

if TYPE_CHECKING:  # ``--help`` reads this list without importing Textual
    from textual.binding import Binding, BindingType

Owner = Literal[
    "App",
    "ReaderScreen",
    "ArticleView",
    "Sidebar",
    "EntityTree",
    "MentionsPanel",
    "HelpScreen",
    "CorpusReaderScreen",
    "CorpusScreen",
    "RowList",
    "ListFilter",
]
"""The widget whose behaviour a key is: it is bound there (App: Textual's own keys)."""

NAMES = {
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "question_mark": "?",
    "slash": "/",
    "home": "Home",
    "end": "End",
    "colon": ":",
    "comma": ",",
    "full_stop": ".",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "backspace": "Backspace",
}
"""Textual's key names as a reader types them."""


@dataclass(frozen=True, slots=True)
class Key:
    """What a key does, where it is bound, and under which id it can be remapped."""

    id: str
    """Stable: keymaps name a key by it."""
    keys: str
    """Comma-separated, in Textual's notation; empty for a command only the palette offers."""
    action: str
    description: str
    group: str
    owner: Owner = "ReaderScreen"
    title: str = ""
    """Its name in the command palette; empty when the palette does not offer it."""
    show: bool = False
    """Whether the footer shows it."""
    short: str = ""
    """The footer's word for it, when shown."""

    @property
    def display(self) -> str:
        """Keys as a reader types them: ``j ↓``."""
        return " ".join(NAMES.get(key, key) for key in self.keys.split(","))

    def binding(self) -> Binding:
        """The Textual binding, carrying the id a keymap names."""
        from textual.binding import Binding

        return Binding(
            self.keys, self.action, self.short or self.description, show=self.show, id=self.id
        )


_PANEL = "Mentions panel"
"""The help group of the mentions panel's keys."""


def _toggles() -> tuple[Key, ...]:
    from extract.categories import CATEGORIES

    return tuple(
        Key(
            f"toggle_{category.key}",
            str(number),
            f"toggle_category({number})",
            f"show or hide {category.title}",
            "What is shown",
            title=f"Show or hide {category.title}",
        )
        for number, category in enumerate(CATEGORIES, start=1)
    )


_SCROLLING: tuple[Key, ...] = (
    Key("scroll_down", "j,down", "scroll_down", "down one line", "Move", "ArticleView"),
    Key("scroll_up", "k,up", "scroll_up", "up one line", "Move", "ArticleView"),
    Key("page_down", "space,pagedown,ctrl+f", "page_down", "down one page", "Move", "ArticleView"),
    Key("page_up", "b,pageup,ctrl+b", "page_up", "up one page", "Move", "ArticleView"),
    Key("scroll_home", "g,home", "scroll_home", "top of the text", "Move", "ArticleView"),
    Key("scroll_end", "G,end", "scroll_end", "end of the text", "Move", "ArticleView"),
)
"""The keys that move through the text, which move through the help screen too."""


def _help_scrolling() -> tuple[Key, ...]:
    """The help screen's own copies of the scrolling keys (the same keys, ids of their own)."""
    return tuple(
        replace(
            key,
            id=f"help_{key.id}",
            action=f"scroll('{key.action}')",
            description=key.description.replace(" of the text", ""),
            group="Help screen",
            owner="HelpScreen",
        )
        for key in _SCROLLING
    )


def _comparing() -> tuple[Key, ...]:
    """The compare view's keys: they work, and show, only with ``--compare GOLD``."""
    rows = (
        ("toggle_disagreements", "d", "] and [: disagreements only, or every mention", ""),
        ("take_gold", "t", "take gold's version of this disagreement", "gold's"),
        ("keep_model", "T", "keep the model's version, as yours", "model's"),
    )
    titles = (
        "Disagreements only, or every mention",
        "Take gold's version",
        "Keep the model's version",
    )
    made = []
    for (key_id, keys, said, short), title in zip(rows, titles, strict=True):
        key = Key(key_id, keys, key_id, f"{said} (--compare)", "Comparing with gold", title=title)
        made.append(replace(key, show=bool(short), short=short))
    return tuple(made)


KEYS: tuple[Key, ...] = (
    *_SCROLLING[:4],
    Key("half_page_down", "ctrl+d", "half_page_down", "down half a page", "Move", "ArticleView"),
    Key("half_page_up", "ctrl+u", "half_page_up", "up half a page", "Move", "ArticleView"),
    *_SCROLLING[4:],
    Key(
        "goto_line",
        "colon",
        "goto_line",
        "go to a line (:120) or a share of the text (:50%)",
        "Move",
        title="Go to line or %…",
    ),
    Key(
        "goto_section",
        "c",
        "goto_section",
        "go to a chapter (or a page of a PDF)",
        "Move",
        title="Go to chapter or page…",
    ),
    Key(
        "goto_entity",
        "",
        "goto_entity",
        "choose an entity by name and jump to it",
        "Mentions",
        title="Go to entity…",
    ),
    Key(
        "next_mention",
        "right_square_bracket",
        "next_mention",
        "next mention of any shown entity",
        "Mentions",
        title="Next mention",
        show=True,
        short="next",
    ),
    Key(
        "previous_mention",
        "left_square_bracket",
        "previous_mention",
        "previous mention of any shown entity",
        "Mentions",
        title="Previous mention",
        show=True,
        short="prev",
    ),
    Key(
        "next_same",
        "n",
        "next_same",
        "next mention of the current entity (or next search match)",
        "Mentions",
        title="Next mention of this entity",
        show=True,
        short="same",
    ),
    Key(
        "previous_same",
        "N",
        "previous_same",
        "previous mention of the current entity (or search match)",
        "Mentions",
        title="Previous mention of this entity",
    ),
    Key(
        "search",
        "slash",
        "search",
        "search the text",
        "Mentions",
        title="Search the text",
        show=True,
        short="search",
    ),
    *_toggles(),
    Key(
        "toggle_order",
        "o",
        "toggle_order",
        "sidebar order: by count or by first appearance",
        "What is shown",
        title="Sidebar order",
    ),
    Key(
        "toggle_sidebar",
        "l",
        "toggle_sidebar",
        "show or hide the sidebar (over the text below 100 columns)",
        "What is shown",
        title="Show or hide the sidebar",
        show=True,
        short="list",
    ),
    Key(
        "relabel",
        "r",
        "relabel",
        "relabel the current entity (all its mentions)",
        "Corrections",
        title="Relabel this entity…",
    ),
    Key(
        "remove_entity",
        "x",
        "remove_entity",
        "not an entity: remove all its mentions",
        "Corrections",
        title="Not an entity",
    ),
    Key(
        "remove_mention",
        "X",
        "remove_mention",
        "remove only the current mention",
        "Corrections",
        title="Remove this mention",
    ),
    Key(
        "add",
        "a",
        "add",
        "add the search match or mouse selection as an entity",
        "Corrections",
        title="Add as an entity…",
    ),
    Key(
        "merge",
        "m",
        "merge",
        "merge the current entity into another",
        "Corrections",
        title="Merge into another entity…",
    ),
    Key(
        "split",
        "s",
        "split",
        "split the current mention out of its entity",
        "Corrections",
        title="Split this mention out",
    ),
    *key_groups.resizing(),
    Key("undo", "u", "undo", "undo the last correction", "Corrections", title="Undo"),
    Key("redo", "ctrl+r", "redo", "redo", "Corrections", title="Redo"),
    *_comparing(),
    Key(
        "export",
        "e",
        "export",
        "export the annotations",
        "File",
        title="Export annotations…",
        show=True,
        short="export",
    ),
    *key_groups.in_a_corpus(),
    Key(
        "help",
        "question_mark",
        "help",
        "this help",
        "App",
        title="Help: keys",
        show=True,
        short="help",
    ),
    Key("quit", "q", "quit", "quit", "App", title="Quit", show=True, short="quit"),
    Key("focus_next", "tab", "focus_next", "focus: article → sidebar → mentions", "App", "App"),
    Key("focus_previous", "shift+tab", "focus_previous", "focus back", "App", "App"),
    Key(
        "command_palette",
        "ctrl+p",
        "command_palette",
        "command palette: go to entity, toggles, actions",
        "App",
        "App",
    ),
    Key(
        "choose_entity",
        "enter",
        "select_cursor",
        "go to the entity under the cursor",
        "Sidebar",
        "EntityTree",
    ),
    Key(
        "choose_first",
        "enter",
        "choose_first",
        "in the filter: go to the first entity listed",
        "Sidebar",
        "Sidebar",
        show=True,
        short="go",
    ),
    Key("filter_to_list", "down", "to_list", "from the filter to the list", "Sidebar", "Sidebar"),
    Key(
        "clear_filter",
        "escape",
        "clear_filter",
        "clear the filter; on an empty one, back to the text",
        "Sidebar",
        "Sidebar",
        show=True,
        short="back",
    ),
    Key("mention_down", "down", "cursor(1)", "next mention", _PANEL, "MentionsPanel"),
    Key("mention_up", "up", "cursor(-1)", "previous mention", _PANEL, "MentionsPanel"),
    Key("mention_page_down", "pagedown", "cursor_page(1)", "a page down", _PANEL, "MentionsPanel"),
    Key("mention_page_up", "pageup", "cursor_page(-1)", "a page up", _PANEL, "MentionsPanel"),
    Key("mention_first", "home", "cursor_to(0)", "first mention", _PANEL, "MentionsPanel"),
    Key("mention_last", "end", "cursor_to(-1)", "last mention", _PANEL, "MentionsPanel"),
    Key(
        "choose_mention",
        "enter",
        "choose",
        "go to the mention under the cursor",
        _PANEL,
        "MentionsPanel",
    ),
    *key_groups.corpus_screen(),
    *_help_scrolling(),
    Key(
        "help_close",
        "escape,q,question_mark",
        "dismiss",
        "close the help",
        "Help screen",
        "HelpScreen",
    ),
)
"""Every key, in the order help lists them."""

HELP_KEYS: tuple[Key, ...] = tuple(key for key in KEYS if key.keys)
"""The keys help lists (commands only the palette offers left out)."""

READER_KEYS: tuple[Key, ...] = tuple(key for key in HELP_KEYS if key.owner != "App")
"""Keys the reader binds itself."""

APP_KEYS: tuple[Key, ...] = tuple(key for key in HELP_KEYS if key.owner == "App")
"""Keys Textual provides that help lists too."""


FOOTER_FIRST = ("help", "quit", "toggle_sidebar")
"""Keys the footer shows before the others: still there on a narrow screen."""


def bindings_for(owner: Owner) -> list[BindingType]:
    """The bindings of one widget (for its ``BINDINGS``), in the footer's order."""
    keys = [key for key in KEYS if key.owner == owner and key.keys]
    first = {key_id: place for place, key_id in enumerate(FOOTER_FIRST)}
    keys.sort(key=lambda key: first.get(key.id, len(first)))  # stable: else the list's order
    return [key.binding() for key in keys]
