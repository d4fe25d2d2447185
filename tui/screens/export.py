"""The export dialog: a format, a destination, confirmation before overwriting; the export
runs in a thread with a progress bar (escape stops it, and then nothing is written). In a
browser (``entity-reader serve``) the export is a download: a file name instead of a path."""

from __future__ import annotations

import io
import mimetypes
import os
import threading
import time
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from extract.annotations import Annotations
from extract.annotator import Annotator
from extract.document import Document
from extract.exporters import (
    FORMATS,
    ExportOptions,
    default_target,
    files_for,
    overwrites_source,
    write,
)
from extract.exporters.progress import ExportCancelled, reporting
from extract.model import Entity
from tui.screens.confirm import Confirm

R = TypeVar("R")


def suggested_target(document: Document, format_name: str) -> Path:
    """Beside the file when that folder is writable, else in the current folder."""
    folder = Path(document.source).parent
    if not os.access(folder, os.W_OK):
        folder = Path.cwd()
    return default_target(format_name, document.source, folder)


class FormatDialog(ModalScreen[R], Generic[R]):
    """A format and where to write it, Enter to write, escape to cancel; while it writes,
    only Cancel (or escape) is on offer. Subclasses say what is proposed (`fill_path`), what
    writing is (`go`) and what cancelling does (`action_cancel`)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    DEFAULT_CSS = """
    FormatDialog { align: center middle; }
    FormatDialog #export-progress { display: none; margin-bottom: 1; }
    FormatDialog.exporting #export-progress { display: block; }
    FormatDialog > Vertical {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    FormatDialog OptionList { height: auto; max-height: 12; margin-bottom: 1; min-width: 8; }
    FormatDialog Input { margin-bottom: 1; }
    FormatDialog #export-note { color: $warning; height: auto; }
    FormatDialog Horizontal { height: auto; }
    FormatDialog Button { margin-right: 2; }
    """

    TITLE_TEXT = ""
    """The box's title."""

    def __init__(self) -> None:
        super().__init__()
        self._names = list(FORMATS)
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.TITLE_TEXT
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
            yield Label(self.destination())
            # Typing goes after the proposed path, never over it (a stray key would name the file).
            yield Input(id="export-path", select_on_focus=False)
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Label(self.note(), id="export-note", markup=False)
            with Horizontal():
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    def note(self) -> str:
        """What to know before writing (under the path)."""
        return ""

    def destination(self) -> str:
        """What the path is."""
        return "Destination"

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self.fill_path()
        options.focus()
        self.mounted()

    def mounted(self) -> None:
        """What a kind of dialog does once mounted (see `ReaderScreen.mounted`)."""

    @property
    def format_name(self) -> str:
        highlighted = self.query_one(OptionList).highlighted or 0
        return self._names[highlighted]

    def fill_path(self) -> None:
        """Propose where the format chosen goes."""
        raise NotImplementedError

    def go(self) -> None:
        """Write (asking first if it must)."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        raise NotImplementedError

    @on(OptionList.OptionHighlighted)
    def _format_changed(self) -> None:
        if not self.has_class("exporting"):
            self.fill_path()

    @on(OptionList.OptionSelected)
    def _format_chosen(self) -> None:
        self.go()  # Enter on a format writes to the path proposed, as the dialog says

    @on(Input.Submitted)
    def _path_submitted(self) -> None:
        self.go()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-go":
            self.go()
        else:
            self.action_cancel()

    def busy(self, busy: bool) -> None:
        """While the export runs, only Cancel (or escape) is on offer."""
        self.set_class(busy, "exporting")
        for widget in (
            self.query_one(OptionList),
            self.query_one(Input),
            self.query_one("#export-go"),
        ):
            widget.disabled = busy
        subtitle = "escape to stop" if busy else "Enter to write · escape to cancel"
        self.query_one(Vertical).border_subtitle = subtitle
        if busy:
            self.query_one("#export-cancel", Button).focus()


class ExportScreen(FormatDialog[Path | None]):
    """Choose a format and a path; the file is written atomically."""

    TITLE_TEXT = "Export annotations"

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
        self._shown_at = 0.0

    def note(self) -> str:
        return "" if self.done else "The model is still running: the export holds what is found so far."  # fmt: skip

    def destination(self) -> str:
        return "File name (downloaded by the browser)" if self._web else "Destination"

    @property
    def _web(self) -> bool:
        """Whether the reader is in a browser: the export is then a download."""
        return self.app.is_web

    def fill_path(self) -> None:
        fmt = FORMATS[self.format_name]
        target = suggested_target(self.document, fmt.name)
        self.query_one("#export-path", Input).value = target.name if self._web else str(target)

    def action_cancel(self) -> None:
        """Close the dialog; an export under way stops and writes nothing."""
        if self.has_class("exporting"):
            self._stop.set()
            self.notify("Export stopped: nothing was written.", timeout=4)
        self.dismiss(None)

    def go(self) -> None:
        self._ask()

    @work(exclusive=True, group="ask")
    async def _ask(self) -> None:
        """Check the path, ask before overwriting, then write."""
        if self.has_class("exporting"):
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.notify("Give a destination path.", severity="error")
            return
        fmt = FORMATS[self.format_name]
        if self._web:
            self._start(fmt.name, Path(Path(raw).name or fmt.name + fmt.extension))
            return
        target = Path(raw).expanduser()
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
        self._start(fmt.name, target)

    def _start(self, name: str, target: Path) -> None:
        info = self.annotator.info if self.annotator else None
        annotations = Annotations(
            document=self.document,
            entities=tuple(self.entities),
            model_name=info.name if info else "none",
            model_version=info.version if info else "",
            language=info.lang if info else "en",
        )
        self.busy(True)
        self._export(name, annotations, target)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False, description="export")
    def _export(self, name: str, annotations: Annotations, target: Path) -> None:
        """Render and write in this thread, telling the dialog how far it has come."""
        done = 0

        def report(characters: int) -> None:
            nonlocal done
            if self._stop.is_set():
                raise ExportCancelled
            done += characters
            if characters and time.monotonic() - self._shown_at > 0.1:
                self._shown_at = time.monotonic()
                self.app.call_from_thread(self._advanced, done)

        try:
            with reporting(report):
                if self._web:
                    files = files_for(name, annotations, target, ExportOptions(), merge=False)
                else:
                    written = write(name, annotations, target, force=True)  # asked above
        except ExportCancelled:
            return
        except OSError as error:
            self.app.call_from_thread(self._failed, target, error)
            return
        if self._web:
            self.app.call_from_thread(self._deliver, target, files)
        else:
            self.app.call_from_thread(self._written, target, written)

    def _deliver(self, target: Path, files: dict[Path, bytes]) -> None:
        """Hand the files to the browser as downloads."""
        if self._stop.is_set():
            return
        for path, data in files.items():
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.app.deliver_binary(io.BytesIO(data), save_filename=path.name, mime_type=kind)
        mentions = sum(len(e.mentions) for e in self.entities)
        names = ", ".join(path.name for path in files)
        self.notify(
            f"Downloading {names}: {mentions} mentions of {len(self.entities)} entities.",
            title="Exported",
            timeout=6,
        )
        self.dismiss(target)

    def _advanced(self, done: int) -> None:
        self.query_one(ProgressBar).update(total=max(1, len(self.document.text)), progress=done)

    def _failed(self, target: Path, error: OSError) -> None:
        self.notify(
            f"Could not write {target}: {error.strerror or error}", severity="error", timeout=8
        )
        self.busy(False)

    def _written(self, target: Path, written: list[Path]) -> None:
        if self._stop.is_set():
            return
        mentions = sum(len(e.mentions) for e in self.entities)
        names = ", ".join(str(p) for p in written)
        self.notify(
            f"Wrote {names}: {mentions} mentions of {len(self.entities)} entities.",
            title="Exported",
            timeout=6,
        )
        self.dismiss(target)
