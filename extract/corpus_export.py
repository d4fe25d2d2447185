"""Exporting a corpus: each document's annotations into the output folder, and the index.

`CorpusExport` reads the documents one after another while the model reads batches of their
chunks (`Annotator.annotate_many`), then writes each document's export, a line of the
`Manifest` and its rows of the `CorpusIndex`.

A rerun skips a document whose export and index entry are current: same content (its size
and modification time, else its bytes' hash), same model and settings, same corrections, same
export format and options. An interrupted run loses nothing it finished: exports are written
atomically, the manifest line only after its export, the index one document per transaction.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from extract.annotations import Annotations, annotations_of
from extract.annotator import Annotator
from extract.atomic import reason, remove_leftovers, write_atomic
from extract.corpus import MANIFEST, Source
from extract.corpus_index import CorpusIndex, Stat, index_name
from extract.corrections import Correction, CorrectionStore, open_for
from extract.document import Document, read_bytes, utf8
from extract.errors import EntityReaderError
from extract.exporters import (
    FORMATS,
    CompanionExistsError,
    ExportOptions,
    clobbered,
    companions_refused,
    files_for,
    write,
    write_failed,
)
from extract.formats import from_bytes
from extract.model import Mention
from extract.recognizer import Lost
from extract.views import view_key

MANIFEST_FORMAT = 1


class Manifest:
    """The manifest of an output folder: a header line, then one JSON line per export written
    (the last line of a target wins). Lines are only ever appended, each in one write, so an
    interrupted run leaves at worst a cut last line, which is ignored. A run holds a lock on
    it from `open` to `close`: one export at a time writes into a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST
        self.records: dict[str, dict[str, Any]] = {}
        self._lines = 0
        self._handle: int | None = None

    def open(self) -> None:
        """Take the folder for this run and read what earlier runs wrote."""
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.path, flags, 0o666)
        except OSError as error:
            raise EntityReaderError(f"cannot write {self.path}: {reason(error)}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            raise EntityReaderError(
                f"another export is writing into {self.folder}: let it end, or choose "
                "another --out-dir"
            ) from None
        self._handle = handle
        self.load()
        if os.fstat(handle).st_size == 0:
            os.write(handle, _line({"entity-reader": "export manifest", "format": MANIFEST_FORMAT}))

    def load(self) -> None:
        """Read what earlier runs wrote (nothing if there is no manifest yet)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            raise EntityReaderError(f"cannot read {self.path}: {reason(error)}") from None
        for line in raw.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # cut short by an interruption
            if isinstance(record, dict) and isinstance(record.get("target"), str):
                self.records[record["target"]] = record
                self._lines += 1

    def get(self, target: str) -> dict[str, Any] | None:
        return self.records.get(target)

    def add(self, record: dict[str, Any]) -> None:
        """Append a record (after its export is in place)."""
        assert self._handle is not None, "the manifest is not open"
        os.write(self._handle, _line(record))
        self.records[record["target"]] = record
        self._lines += 1

    def close(self) -> None:
        """Sync what was appended, rewrite the manifest without its superseded lines when
        they are most of it, and let the folder go."""
        if self._handle is None:
            return
        try:
            os.fsync(self._handle)
            if self._lines > 2 * len(self.records) + 64:
                header = {"entity-reader": "export manifest", "format": MANIFEST_FORMAT}
                lines = [_line(header), *(_line(r) for r in self.records.values())]
                write_atomic(self.path, b"".join(lines))
        finally:
            os.close(self._handle)
            self._handle = None


def _stat(source: Source) -> Stat:
    """What the index keeps of a file to tell it changed: its size and modification time."""
    return (None, None) if source.path == "-" else (source.size, source.mtime_ns)


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n"


Status = Literal["exported", "current", "failed"]


class _Refused(EntityReaderError):
    """An export that cannot be written; the message names the file."""


@dataclass(frozen=True)
class Outcome:
    """What became of one document."""

    source: Source
    status: Status
    target: Path | None = None
    chars: int = 0
    entities: int = 0
    mentions: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(eq=False)
class _Item:
    """A document on its way through a corpus export."""

    source: Source
    target: Path
    document: Document | None = None
    outcome: Outcome | None = None
    """Set when the model is not needed: the document failed, or is current."""
    log: list[Correction] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    view: str = ""
    write_output: bool = True
    write_index: bool = True
    warnings: list[str] = field(default_factory=list)

    def failed(self, message: str, *, named: bool = False) -> _Item:
        """This document failed; the message names it unless ``named`` (it names a file)."""
        if not named and self.source.path not in message:
            message = f"{self.source.path}: {message}"
        self.outcome = Outcome(self.source, "failed", error=message, warnings=tuple(self.warnings))
        self.document = None
        return self


def _text_of(item: _Item) -> tuple[str, str] | None:
    if item.outcome is not None or item.document is None:
        return None
    return item.document.text, item.document.sha256


class CorpusExport:
    """Exports a corpus: each document's annotations into the output folder, and the index."""

    def __init__(
        self,
        annotator: Annotator,
        format_name: str,
        out_dir: Path,
        *,
        options: ExportOptions | None = None,
        index: CorpusIndex | None = None,
        format_in: str = "auto",
        limit: int | None = None,
        force: bool = False,
        rules: Sequence[CorrectionStore] | None = None,
    ) -> None:
        """``rules``: the corpus rules every document is derived with (``--rules``); by
        default, those kept for the folders each document is in."""
        from extract import __version__

        self.annotator = annotator
        self.format_name = format_name
        self.out_dir = out_dir
        self.options = options or ExportOptions()
        self.index = index
        self.format_in = format_in
        self.limit = limit
        self.force = force
        self.rules = rules
        self.manifest = Manifest(out_dir)
        settings = {
            "format": format_name,
            "options": asdict(self.options),
            "format_in": format_in,
            "version": __version__,
        }
        self.export_key = hashlib.sha256(_line(settings)).hexdigest()
        """What, besides the entities, the export files depend on."""

    def run(self, sources: Sequence[Source], places: Sequence[Path]) -> Iterator[Outcome]:
        """Export each source to its place (see `targets`), yielding what became of each in
        order. An error of the model (it cannot load; a worker has another one) ends the run
        and is raised; any other failure is one document's outcome."""
        self.manifest.open()
        items = (self._prepare(s, p) for s, p in zip(sources, places, strict=True))
        try:
            for item, found in self.annotator.annotate_many(items, _text_of):
                yield self._finish(item, found)
        finally:
            self.manifest.close()

    def _name(self, target: Path) -> str:
        return target.relative_to(self.out_dir).as_posix()

    def index_path(self, source: Source) -> str:
        """How the index names a document (`extract.corpus_index.index_name`)."""
        return index_name(source.path)

    def _prepare(self, source: Source, target: Path) -> _Item:
        """Read a document unless its export and index entry are current."""
        item = _Item(source, target)
        try:
            return self._check(item)
        except _Refused as refused:
            return item.failed(str(refused), named=True)
        except EntityReaderError as error:
            return item.failed(str(error))
        except Exception as error:  # one file's bug must not stop the others
            return item.failed(f"export failed ({type(error).__name__}: {error})".strip())

    def _check(self, item: _Item) -> _Item:
        source = item.source
        record = self.manifest.get(self._name(item.target))
        data: bytes | None = None
        text_sha: str | None = None
        if (
            source.path != "-"  # standard input has no size or time to go by
            and record is not None
            and (record.get("size"), record.get("mtime_ns")) == (source.size, source.mtime_ns)
        ):
            bytes_sha = str(record.get("bytes_sha256"))
            text_sha = str(record.get("sha256"))
        else:
            data = read_bytes(source.path)
            bytes_sha = hashlib.sha256(data).hexdigest()
            if record is not None and record.get("bytes_sha256") == bytes_sha:
                text_sha = str(record.get("sha256"))
        item.record = {
            "target": self._name(item.target),
            "source": utf8(source.path),
            "size": source.size,
            "mtime_ns": source.mtime_ns,
            "bytes_sha256": bytes_sha,
            "export": self.export_key,
        }
        if text_sha is not None:
            self._corrections(item, text_sha)
            item.write_output = not self._output_current(record, item.view)
            item.write_index = not self._index_current(item)
            if not item.write_output and not item.write_index:
                assert record is not None
                item.outcome = Outcome(
                    source,
                    "current",
                    item.target,
                    int(record.get("length", 0)),
                    int(record.get("entities", 0)),
                    int(record.get("mentions", 0)),
                    warnings=tuple(item.warnings),
                )
                return item
            item.warnings.clear()
        if data is None:
            data = read_bytes(source.path)
            item.record["bytes_sha256"] = hashlib.sha256(data).hexdigest()
        document = from_bytes(data, source.path, self.format_in, limit=self.limit)
        item.warnings.extend(document.notes)
        self._corrections(item, document.sha256)
        item.write_output = not self._output_current(record, item.view)
        item.write_index = not self._index_current(item)
        item.document = document
        if item.write_output and not self.force:
            self._refuse_companions(item, document)
        return item

    def _corrections(self, item: _Item, text_sha: str) -> None:
        """The document's corrections (read only), and the key of the view they make."""
        if item.source.path != "-":  # standard input has no corrections kept
            store = open_for(item.source.path, text_sha, None, read_only=True, rules=self.rules)
            item.warnings.extend(store.problems)
            item.log = store.effective
        mentions_key = self.annotator.key(text_sha)
        document_pass = self.annotator.document_pass
        item.view = view_key(mentions_key, item.log, document_pass=document_pass)
        item.record["sha256"] = text_sha
        item.record["view"] = item.view

    def _output_current(self, record: dict[str, Any] | None, view: str) -> bool:
        if record is None or record.get("view") != view or record.get("export") != self.export_key:
            return False
        files = record.get("files")
        if not isinstance(files, list):
            return False
        return all(os.path.lexists(self.out_dir / str(name)) for name in files)

    def _index_current(self, item: _Item) -> bool:
        if self.index is None:
            return True
        current = self.index.current(self.index_path(item.source))
        return current is not None and current[0] == item.view

    def _refuse_companions(self, item: _Item, document: Document) -> None:
        """Refuse now, before the model reads it, an export that would replace a companion
        file (brat's ``.txt``) that is there with other content."""
        if len(FORMATS[self.format_name].suffixes) < 2:
            return
        info = self.annotator.info
        bare = Annotations(document, (), info.name, info.version)
        files = files_for(self.format_name, bare, item.target, self.options)
        taken = clobbered(self.format_name, files, item.target)
        if taken:
            raise _Refused(companions_refused(CompanionExistsError(taken)))

    def _finish(self, item: _Item, found: tuple[Mention, ...] | Lost | None) -> Outcome:
        """Write a read document's export, manifest line and index entry."""
        if item.outcome is not None:
            if item.outcome.status == "failed" and self.index is not None:
                self._forget(item.source, str(item.outcome.error))
            return item.outcome
        try:
            return self._write(item, found)
        except _Refused as refused:
            item.failed(str(refused), named=True)
        except EntityReaderError as error:
            item.failed(str(error))
        except Exception as error:  # one file's bug or fault must not stop the others
            item.failed(f"export failed ({type(error).__name__}: {error})".strip())
        assert item.outcome is not None
        if self.index is not None:
            self._forget(item.source, str(item.outcome.error))
        return item.outcome

    def _forget(self, source: Source, error: str) -> None:
        assert self.index is not None
        # The document's failure is what gets reported; the index's own would only hide it.
        with contextlib.suppress(Exception):
            self.index.failed(self.index_path(source), error, _stat(source))

    def _write(self, item: _Item, found: tuple[Mention, ...] | Lost | None) -> Outcome:
        document = item.document
        assert document is not None
        if isinstance(found, Lost) or found is None:
            raise EntityReaderError(found.reason if found is not None else "not annotated")
        info = self.annotator.info
        annotations = annotations_of(document, found, item.log, info, self.annotator.document_pass)
        item.warnings.extend(annotations.unplaced_notes)
        entities = annotations.entities
        mentions = sum(len(entity.mentions) for entity in entities)
        if item.write_output:
            for path in FORMATS[self.format_name].paths(item.target):
                remove_leftovers(path)  # of a run killed while writing it
            try:
                write(self.format_name, annotations, item.target, self.options, force=self.force)
            except OSError as error:
                raise _Refused(write_failed(item.target, error)) from None
            item.record.update(
                files=[self._name(p) for p in FORMATS[self.format_name].paths(item.target)],
                length=len(document.text),
                entities=len(entities),
                mentions=mentions,
            )
            self.manifest.add(item.record)
        if self.index is not None and item.write_index:
            try:
                self.index.put_annotations(
                    self.index_path(item.source), annotations, item.view, _stat(item.source)
                )
            except Exception as error:
                raise EntityReaderError(
                    f"cannot add it to the index {self.index.path}: {error}"
                ) from None
        return Outcome(
            item.source,
            "exported",
            item.target,
            len(document.text),
            len(entities),
            mentions,
            warnings=tuple(item.warnings),
        )
