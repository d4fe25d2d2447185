"""A modal chooser: type to filter a list fuzzily, Enter to pick."""

from __future__ import annotations

from collections.abc import Iterable
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

from extract.categories import ALL_LABELS, LABEL_DESCRIPTIONS, category_of, section
from extract.document import Document
from extract.model import Entity
from tui.layout import plain

SHOWN = 200
"""Choices listed at once; typing narrows the rest down."""

Choice = tuple[str, str, str]
"""(id, label, detail): the id is what the chooser dismisses with."""


def entity_choices(entities: Iterable[Entity]) -> list[Choice]:
    """Entities by name, the most mentioned first, with their category and count."""
    return [
        (e.id, e.name, f"{plain(section(e.category).singular)} · {len(e.mentions)}")
        for e in sorted(entities, key=lambda e: -len(e.mentions))
    ]


def label_choices(in_use: Iterable[str] = ()) -> list[Choice]:
    """The labels in use that spaCy's English models do not have (a French model's PER, a
    model's own DISEASE, the settings'), then every English one, with its section and what it
    means."""
    others = sorted(set(in_use) - set(ALL_LABELS), key=lambda label: (label.casefold(), label))
    choices = []
    for label in [*others, *ALL_LABELS]:
        place = plain(section(category_of(label)).singular)
        meaning = LABEL_DESCRIPTIONS.get(label)
        choices.append((label, label, f"{place} · {meaning}" if meaning else place))
    return choices


def section_choices(document: Document) -> list[Choice]:
    """The chapters (with their place in the book) or pages (with their first words)."""
    total = max(1, len(document.text))
    sections = document.sections
    choices = []
    for number, part in enumerate(sections):
        share = f"{100 * part.start // total}%"
        if part.kind == "page":
            first = document.text[part.start : part.start + 60].split("\n", 1)[0]
            detail = f"{share} · {plain(first)}"
        else:
            detail = f"chapter {number + 1}/{len(sections)} · {share}"
        choices.append((str(number), part.title, detail))
    return choices


class Chooser(ModalScreen[str | None]):
    """Pick one of many (id, label, detail) choices; dismisses with the id or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "cancel")]

    DEFAULT_CSS = """
    Chooser { align: center top; }
    Chooser > Vertical {
        width: 70%; max-width: 90; height: auto; max-height: 80%;
        margin-top: 2; border: round $accent; background: $surface;
    }
    Chooser Input, Chooser Input:focus { border: none; height: 1; margin: 0 1 1 1; }
    Chooser OptionList { height: auto; max-height: 24; border: none; min-width: 8; }
    """

    def __init__(self, title: str, choices: list[Choice]) -> None:
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
