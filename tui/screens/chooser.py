"""A modal chooser: type to filter a list fuzzily, Enter to pick."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from tui.layout import plain

SHOWN = 200
"""Choices listed at once; typing narrows the rest down."""


class Chooser(ModalScreen[str | None]):
    """Pick one of many (id, label, detail) choices; dismisses with the id or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "cancel")]

    DEFAULT_CSS = """
    Chooser { align: center top; }
    Chooser > Vertical {
        width: 70%; max-width: 90; height: auto; max-height: 80%;
        margin-top: 2; border: round $accent; background: $surface;
    }
    Chooser Input { border: none; height: 1; margin: 0 1 1 1; }
    Chooser OptionList { height: auto; max-height: 24; border: none; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self._shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(plain(self.title_text))
            yield Input(placeholder="type to filter")
            yield OptionList()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if query:
            matcher = Matcher(query)
            scored = [
                (matcher.match(label), index) for index, (_, label, _) in enumerate(self.choices)
            ]
            order = [index for score, index in sorted(scored, key=lambda s: -s[0]) if score > 0]
        else:
            order = list(range(len(self.choices)))
        self._shown = [self.choices[index][0] for index in order[:SHOWN]]
        prompts = []
        for index in order[:SHOWN]:
            _, label, detail = self.choices[index]
            label = plain(label)  # often document text: never raw controls on screen
            shown = matcher.highlight(label) if query else Content(label)
            prompts.append(Option(Content.assemble(shown, (f"  {detail}", "dim"))))
        options.add_options(prompts)
        if prompts:
            options.highlighted = 0

    def on_key(self, event: Key) -> None:
        options = self.query_one(OptionList)
        if event.key in ("down", "up") and self.query_one(Input).has_focus:
            event.stop()
            if event.key == "down":
                options.action_cursor_down()
            else:
                options.action_cursor_up()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and self._shown:
            self.dismiss(self._shown[options.highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index])
