"""The export dialog: a format, a destination, confirmation before overwriting."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from extract.annotations import Annotations
from extract.annotator import Annotator
from extract.document import Document
from extract.exporters import FORMATS, default_target, overwrites_source, write
from extract.model import Entity
from tui.screens.confirm import Confirm


def suggested_target(document: Document, format_name: str) -> Path:
    """Beside the file when that folder is writable, else in the current folder."""
    folder = Path(document.source).parent
    if not os.access(folder, os.W_OK):
        folder = Path.cwd()
    return default_target(format_name, document.source, folder)


class ExportScreen(ModalScreen[Path | None]):
    """Choose a format and a path; the file is written atomically."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "cancel")]

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    ExportScreen OptionList { height: auto; max-height: 12; margin-bottom: 1; min-width: 8; }
    ExportScreen Input { margin-bottom: 1; }
    ExportScreen #export-note { color: $warning; height: auto; }
    ExportScreen Horizontal { height: auto; }
    ExportScreen Button { margin-right: 2; }
    """

    def __init__(
        self,
        document: Document,
        entities: list[Entity],
        annotator: Annotator | None,
        *,
        done: bool,
    ) -> None:
        super().__init__()
        self.document = document
        self.entities = entities
        self.annotator = annotator
        self.done = done
        self._names = list(FORMATS)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Export annotations"
            box.border_subtitle = "Enter to write · escape to cancel"
            yield Label("Format")
            width = max(map(len, self._names)) + 1
            yield OptionList(
                *(
                    Option(Text.assemble((f"{name:<{width}}", "bold"), FORMATS[name].description))
                    for name in self._names
                ),
                id="export-format",
            )
            yield Label("Destination")
            yield Input(id="export-path")
            note = (
                ""
                if self.done
                else "The model is still running: the export holds what is found so far."
            )
            yield Label(note, id="export-note")
            with Horizontal():
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self._fill_path()
        options.focus()

    @property
    def format_name(self) -> str:
        highlighted = self.query_one(OptionList).highlighted or 0
        return self._names[highlighted]

    def _fill_path(self) -> None:
        fmt = FORMATS[self.format_name]
        self.query_one("#export-path", Input).value = str(suggested_target(self.document, fmt.name))

    @on(OptionList.OptionHighlighted)
    def _format_changed(self) -> None:
        self._fill_path()

    @on(OptionList.OptionSelected)
    def _format_chosen(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted)
    def _path_submitted(self) -> None:
        self._go()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-go":
            self._go()
        else:
            self.dismiss(None)

    @work(exclusive=True)
    async def _go(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.notify("Give a destination path.", severity="error")
            return
        target = Path(raw).expanduser()
        fmt = FORMATS[self.format_name]
        if target.is_dir():
            self.notify(f"{target} is a folder: give a file name.", severity="error")
            return
        try:
            clash = overwrites_source(fmt.name, target, self.document.source)
            existing = [p for p in fmt.paths(target) if os.path.lexists(p)]
        except OSError as error:  # a name its companion would take (brat to NAME.txt)
            self.notify(f"{error.strerror}.", severity="error", timeout=8)
            return
        if clash is not None:
            self.notify(f"{clash} is the document itself: choose another name.", severity="error")
            return
        if existing and not await self.app.push_screen_wait(
            Confirm(
                f"Replace {', '.join(str(p) for p in existing)}?",
                yes="Overwrite (y)",
                no="Keep it (n)",
            )
        ):
            return
        annotations = Annotations(
            document=self.document,
            entities=tuple(self.entities),
            model_name=self.annotator.info.name if self.annotator else "none",
            model_version=self.annotator.info.version if self.annotator else "",
        )
        try:
            written = write(fmt.name, annotations, target, force=True)  # asked above
        except OSError as error:
            self.notify(
                f"Could not write {target}: {error.strerror or error}", severity="error", timeout=8
            )
            return
        mentions = sum(len(e.mentions) for e in self.entities)
        names = ", ".join(str(p) for p in written)
        self.notify(
            f"Wrote {names}: {mentions} mentions of {len(self.entities)} entities.",
            title="Exported",
            timeout=6,
        )
        self.dismiss(target)
