"""`ReaderApp`: the Textual application that hosts the reader screen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen

from extract.annotator import Annotator
from extract.document import Document
from extract.positions import Positions
from tui.bindings import KEYS, remapped
from tui.commands import ReaderCommands
from tui.layout import plain
from tui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from extract.corrections import CorrectionStore


class ReaderApp(App[None]):
    """Reads one document with its entities; the annotator may be None (no model)."""

    CSS_PATH = "reader.tcss"
    TITLE = "entity-reader"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        ReaderCommands
    }
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        document: Document,
        annotator: Annotator | None,
        *,
        positions: Positions | None = None,
        remember: bool = True,
        store: CorrectionStore | None = None,
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        """``keymap`` gives other keys to actions, by their ids in `tui.bindings.KEYS`
        (``{"next_mention": "ctrl+n"}``); an unknown id raises ValueError."""
        super().__init__()
        self.document = document
        self.annotator = annotator
        self.store = store
        self.positions = positions if positions is not None else (Positions() if remember else None)
        self.title = f"entity-reader · {document.name}"
        self.keys = remapped(keymap or {}, KEYS)
        """The keys in force: what help and the palette show."""
        if keymap:
            self.set_keymap(dict(keymap))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications often quote the document: never read them as markup, show controls.

        ``markup`` is ignored: widgets' and screens' ``notify`` pass ``markup=True`` by default.
        """
        shown = "\n".join(plain(line) for line in message.splitlines())
        super().notify(shown, title=plain(title), severity=severity, timeout=timeout, markup=False)

    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen(
            self.document,
            self.annotator,
            positions=self.positions,
            store=self.store,
            keys=self.keys,
        )

    def on_mount(self) -> None:
        if self.store is not None:
            for problem in self.store.problems:
                self.notify(problem, title="Corrections", severity="warning", timeout=10)
            if self.store.changed_since and self.store.log:
                self.notify(
                    "The file changed since the corrections were made: they were re-anchored "
                    "by their text.",
                    title="Corrections",
                    timeout=8,
                )
            lost = self.store.unplaced(self.document.text)
            if lost:
                from extract.corrections import describe

                listed = "\n".join(describe(c) for c in lost[:5])
                more = f"\n… and {len(lost) - 5} more" if len(lost) > 5 else ""
                self.notify(
                    f"{len(lost)} correction(s) could not be placed in the changed text; they "
                    f"are kept in the file but not shown:\n{listed}{more}",
                    title="Corrections",
                    severity="warning",
                    timeout=15,
                )
