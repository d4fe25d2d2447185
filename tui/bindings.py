"""The one list of the reader's keys: the app binds them, help and --help print them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Key:
    """A key (or keys, comma-separated in Textual's notation) and what it does."""

    keys: str
    action: str
    description: str
    group: str
    show: bool = False
    """Whether the footer shows it."""
    short: str = ""
    """The footer's word for it, when shown."""

    @property
    def display(self) -> str:
        """Keys as a reader types them: ``j / down``."""
        names = {
            "down": "↓",
            "up": "↑",
            "pagedown": "PgDn",
            "pageup": "PgUp",
            "right_square_bracket": "]",
            "left_square_bracket": "[",
            "question_mark": "?",
            "slash": "/",
            "space": "space",
            "shift+tab": "shift+tab",
            "home": "Home",
            "end": "End",
        }
        return " ".join(names.get(key, key) for key in self.keys.split(","))


READER_KEYS: tuple[Key, ...] = (
    Key("j,down", "scroll_down", "down one line", "Move"),
    Key("k,up", "scroll_up", "up one line", "Move"),
    Key("space,pagedown", "page_down", "down one page", "Move"),
    Key("b,pageup", "page_up", "up one page", "Move"),
    Key("g,home", "scroll_home", "top of the text", "Move"),
    Key("G,end", "scroll_end", "end of the text", "Move"),
    Key("c", "screen.goto_section", "go to chapter or page (EPUB, PDF)", "Move"),
    Key(
        "right_square_bracket",
        "next_mention",
        "next mention of any shown entity",
        "Mentions",
        True,
        "next",
    ),
    Key(
        "left_square_bracket",
        "previous_mention",
        "previous mention of any shown entity",
        "Mentions",
        True,
        "prev",
    ),
    Key(
        "n",
        "next_same",
        "next mention of the current entity (or next search match)",
        "Mentions",
        True,
        "same",
    ),
    Key(
        "N", "previous_same", "previous mention of the current entity (or search match)", "Mentions"
    ),
    Key("slash", "search", "search the text", "Mentions", True, "search"),
    Key("1", "toggle_category(1)", "show or hide People", "Categories"),
    Key("2", "toggle_category(2)", "show or hide Organisations", "Categories"),
    Key("3", "toggle_category(3)", "show or hide Places", "Categories"),
    Key("4", "toggle_category(4)", "show or hide Figures", "Categories"),
    Key("5", "toggle_category(5)", "show or hide Dates", "Categories"),
    Key("6", "toggle_category(6)", "show or hide Other", "Categories"),
    Key("o", "toggle_order", "sidebar order: by count or by first appearance", "Categories"),
    Key("r", "relabel", "relabel the current entity (all its mentions)", "Corrections"),
    Key("x", "remove_entity", "not an entity: remove all its mentions", "Corrections"),
    Key("X", "remove_mention", "remove only the current mention", "Corrections"),
    Key("a", "add", "add the search match or mouse selection as an entity", "Corrections"),
    Key("m", "merge", "merge the current entity into another", "Corrections"),
    Key("s", "split", "split the current mention out of its entity", "Corrections"),
    Key("u", "undo", "undo the last correction", "Corrections"),
    Key("ctrl+r", "redo", "redo", "Corrections"),
    Key("e", "export", "export the annotations", "File", True, "export"),
    Key("question_mark", "help", "this help", "App", True, "help"),
    Key("q", "quit", "quit", "App", True, "quit"),
)
"""Keys of the reader screen, in the order help lists them."""

APP_KEYS: tuple[Key, ...] = (
    Key("tab", "focus_next", "focus: article → sidebar → mentions", "App"),
    Key("shift+tab", "focus_previous", "focus back", "App"),
    Key("ctrl+p", "command_palette", "command palette: go to entity, toggles, actions", "App"),
)
"""Keys Textual provides that help lists too."""


def keys_help() -> str:
    """Every key with its description, grouped, for ``--help`` and the README."""
    lines: list[str] = []
    group = ""
    for key in (*READER_KEYS, *APP_KEYS):
        if key.group != group:
            group = key.group
            lines.append(f"  {group}")
        lines.append(f"    {key.display:<14} {key.description}")
    return "\n".join(lines)


def keys_markdown() -> str:
    """Every key as a Markdown table, for the README (a test keeps the two in step)."""
    rows = ["| keys | what it does |", "| --- | --- |"]
    for key in (*READER_KEYS, *APP_KEYS):
        shown = " ".join(f"`{name}`" for name in key.display.split())
        rows.append(f"| {shown} | {key.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(keys_markdown())
