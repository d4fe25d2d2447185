"""The corpus export dialog: a format and a folder; every document is exported into it as
``entity-reader export FOLDER --out-dir DIR`` would (mirrored tree, manifest, the index kept),
in a thread with a progress bar. Escape stops it after the document under way: what was
written is kept, and the same export goes on from there next time. In a browser (``serve
FOLDER``) the folder is made on the server in a temporary place and downloaded as one ZIP
archive."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from textual import work
from textual.widgets import Input, Label, ProgressBar

from tui.corpus_app import CorpusSession
from tui.corpus_state import counted
from tui.screens.export import FormatDialog


def suggested_folder(folder: str, format_name: str) -> Path:
    """Beside the corpus folder, named after it and the format (``news-json``)."""
    real = Path(os.path.realpath(folder))
    return real.parent / f"{real.name or 'corpus'}-{format_name}"


class CorpusExportScreen(FormatDialog[bool]):
    """Choose a format and a folder; dismisses with whether anything was exported."""

    def __init__(self, session: CorpusSession) -> None:
        super().__init__()
        self.session = session
        self.TITLE_TEXT = f"Export {counted(len(session.sources), 'document')}"
        self.written = 0
        self.failed = 0

    def mounted(self) -> None:
        self.query_one(ProgressBar).update(total=len(self.session.sources))

    def destination(self) -> str:
        if self.app.is_web:
            return "Archive name (a ZIP downloaded by the browser)"
        return "Into the folder (its tree mirrored, a manifest beside)"

    def fill_path(self) -> None:
        path = suggested_folder(self.session.folder, self.format_name)
        shown = f"{path.name}.zip" if self.app.is_web else str(path)
        self.query_one("#export-path", Input).value = shown

    def action_cancel(self) -> None:
        """Close; an export under way stops after the document it is writing."""
        if self.has_class("exporting"):
            self._stop.set()
            self.notify("Export stopped: what was written is kept.", timeout=4)
        self.dismiss(self.written > 0)

    def go(self) -> None:
        if self.has_class("exporting"):
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.notify("Give a folder to export into.", severity="error")
            return
        if self.app.is_web:
            self.busy(True)
            self._export(self.format_name, Path(tempfile.mkdtemp(prefix="entity-reader-")), raw)
            return
        out = Path(raw).expanduser()
        if os.path.realpath(out) == os.path.realpath(self.session.folder):
            self.notify("That is the corpus folder itself: choose another.", severity="error")
            return
        from extract.atomic import check_writable, reason

        try:
            out.mkdir(parents=True, exist_ok=True)
            check_writable(out / ".entity-reader-probe")
        except OSError as error:
            self.notify(f"Cannot write into {out}: {reason(error)}", severity="error", timeout=8)
            return
        self.busy(True)
        self._export(self.format_name, out)

    @work(
        thread=True,
        exclusive=True,
        group="corpus-export",
        exit_on_error=False,
        description="export",
    )
    def _export(self, format_name: str, out: Path, archive: str | None = None) -> None:
        """Export into ``out``; with ``archive`` (in a browser), hand it over as that ZIP and
        remove ``out``."""
        try:
            if not self._export_into(format_name, out):
                return  # stopped, or told why it failed
            if archive is None:
                self.app.call_from_thread(self._finished, out)
            else:
                self.app.call_from_thread(self._download, archive, zipped(out))
        finally:
            if archive is not None:
                shutil.rmtree(out, ignore_errors=True)

    def _export_into(self, format_name: str, out: Path) -> bool:
        """Export every document into ``out``; whether it went to the end."""
        from extract.corpus import targets
        from extract.corpus_export import CorpusExport
        from extract.corpus_index import CorpusIndex
        from extract.errors import EntityReaderError

        session = self.session
        try:
            places = targets(format_name, session.sources, out)
            with CorpusIndex(session.index_path) as index:
                export = CorpusExport(
                    session.annotator,
                    format_name,
                    out,
                    index=index,
                    format_in=session.format_in,
                    limit=session.limit,
                    rules=session.all_rules,
                )
                run = export.run(session.sources, places)
                try:
                    for outcome in run:
                        self.written += outcome.status != "failed"
                        self.failed += outcome.status == "failed"
                        self.app.call_from_thread(self._advanced, outcome.error)
                        if self._stop.is_set():
                            return False
                finally:
                    getattr(run, "close", lambda: None)()  # the manifest closed, its lock let go
        except EntityReaderError as error:
            self.app.call_from_thread(self._failed, str(error))
            return False
        return True

    def _advanced(self, error: str | None) -> None:
        self.query_one(ProgressBar).advance(1)
        if error:
            said = f"{counted(self.failed, 'document')} failed; the last: {error}"
            self.query_one("#export-note", Label).update(said)

    def _failed(self, error: str) -> None:
        self.notify(error, title="Export", severity="error", timeout=10)
        self.dismiss(self.written > 0)

    def _finished(self, out: Path) -> None:
        self._told(f" into {out}")
        self.dismiss(True)

    def _told(self, where: str) -> None:
        """Say how many documents went ``where`` (" into DIR", and how many failed)."""
        failed = f"; {self.failed:,} failed (listed in the documents)" if self.failed else ""
        self.notify(f"Exported {self.written:,} documents{where}{failed}.", title="Exported", timeout=8)  # fmt: skip

    def _download(self, name: str, data: bytes) -> None:
        if not name.lower().endswith(".zip"):
            name += ".zip"
        self.app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type="application/zip")
        self._told(f": {name} is downloading")
        self.dismiss(True)


def zipped(folder: Path) -> bytes:
    """Every file under ``folder`` in a ZIP archive, by its path inside it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
