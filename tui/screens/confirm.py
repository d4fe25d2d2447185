"""Questions in a small modal: `Confirm` (y or Enter for yes, n or escape for no) and
`Ask`, the same with other answers, each a key and a button."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

R = TypeVar("R")


class Ask(ModalScreen[R], Generic[R]):
    """A question with a button per answer (the first focused, so Enter gives it); a
    subclass binds a key to each answer (``dismiss(…)``)."""

    DEFAULT_CSS = """
    Ask { align: center middle; }
    Ask > Vertical {
        width: auto; max-width: 80%; height: auto; border: thick $accent; padding: 1 2;
        background: $surface;
    }
    Ask Horizontal { height: auto; margin-top: 1; }
    Ask Button { margin-right: 2; }
    """

    def __init__(self, question: str, answers: Sequence[tuple[str, R]]) -> None:
        """``answers``: each button's words and the answer it gives."""
        super().__init__()
        self.question = question
        self.answers = list(answers)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question))
            with Horizontal():
                for number, (words, _) in enumerate(self.answers):
                    first = number == 0
                    yield Button(
                        words, variant="primary" if first else "default", id=f"answer-{number}"
                    )

    def on_mount(self) -> None:
        self.query_one("#answer-0", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        number = int((event.button.id or "answer-0").removeprefix("answer-"))
        self.dismiss(self.answers[number][1])


class Confirm(Ask[bool]):
    """Dismisses with True (yes) or False (no)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "yes"),
        Binding("n,escape", "dismiss(False)", "no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes (y)", no: str = "No (n)") -> None:
        super().__init__(question, [(yes, True), (no, False)])
