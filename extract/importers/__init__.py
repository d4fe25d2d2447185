"""Reading annotations back: every format the exporters write, from this tool or another.

Each importer module registers an `ImportFormat` that turns a file's bytes into `Records`:
texts (or, for CoNLL, tokens) with their spans, as the file has them. `read_annotations` then
places them on a document, the one given or the text the file carries, checking every offset
against that text, and returns `Imported` annotations: the mentions exactly as the file holds
them, with no model run. A problem is one `ImportFileError` line naming the file and, for a bad
span, the first one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extract.document import Document, read_bytes
from extract.errors import EntityReaderError
from extract.model import Mention, MentionSource
from extract.ner import Batch, ModelInfo

if TYPE_CHECKING:
    import threading

    from extract.annotations import Annotations
    from extract.corrections import Correction


class ImportFileError(EntityReaderError):
    """An annotation file that cannot be read, or that does not fit the text."""


@dataclass(frozen=True, slots=True)
class Span:
    """A mention as a file gives it: offsets into its record's text, end exclusive."""

    start: int
    end: int
    label: str
    text: str | None = None
    """What the file says the span's text is, when it says (checked against the text)."""
    source: MentionSource = "model"
    fragments: tuple[tuple[int, int], ...] = ()
    """brat's pieces of a span cut at line breaks; its text is them joined by a space."""


@dataclass(frozen=True, slots=True)
class Row:
    """A CoNLL token line: the token, its tag, and its line in the file."""

    token: str
    tag: str
    line: int


@dataclass(frozen=True)
class Record:
    """One text of a file (a task, a line, a Doc) with its spans, or CoNLL's tagged tokens."""

    text: str | None
    spans: tuple[Span, ...] = ()
    offset: int | None = None
    """Where the text starts in the document, when the file says (a split export)."""
    rows: tuple[Row, ...] = ()
    where: str = ""
    """How to name the record in a message ("line 3", "task 2"); empty for a whole file."""


@dataclass(frozen=True)
class Records:
    """What a file holds."""

    records: tuple[Record, ...]
    model: str = ""
    """What the file says made the annotations (a model's name and version), if it says."""
    text_path: str | None = None
    """The document the file names as its text (brat's ``.txt``)."""
    brat: bool = False
    """Offsets index the text as brat reads it (universal newlines)."""
    tokens: bool = False
    """The records hold tagged tokens to find in the document, not offsets (CoNLL)."""


@dataclass(frozen=True)
class ImportFormat:
    """One kind of annotation file the tool reads."""

    name: str
    description: str
    read: Callable[[Path, bytes], Records]
    carries_text: bool = True
    """Whether the file holds its text (CoNLL does not: it needs the document)."""


IMPORTERS: dict[str, ImportFormat] = {}


def register(import_format: ImportFormat) -> ImportFormat:
    """Add a format to the registry (each importer module registers itself on import)."""
    IMPORTERS[import_format.name] = import_format
    return import_format


def shown(text: str, limit: int = 40) -> str:
    """Some document text for a message: quoted, escapes for anything unprintable."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return repr(cut)


@dataclass(frozen=True)
class Imported:
    """Annotations read from a file and placed on their document."""

    document: Document
    mentions: tuple[Mention, ...]
    path: str
    format: str
    model: str = ""

    @property
    def info(self) -> ModelInfo:
        """What the reader and the exports name as the annotations' maker."""
        return ModelInfo(
            name=f"imported from {Path(self.path).name}",
            version=self.model,
            location=self.path,
            settings=f"import:{self.format}",
        )

    def annotations(self, corrections: Sequence[Correction] = ()) -> Annotations:
        """The imported mentions with the user's corrections on top, grouped."""
        from extract.annotations import Annotations
        from extract.corrections import apply

        # Taken as they are: no document-level pass, only grouping and the user's edits.
        applied = apply(self.document.text, self.mentions, corrections, document_pass=False)
        info = self.info
        return Annotations(
            document=self.document,
            entities=tuple(applied.entities),
            model_name=info.name,
            model_version=info.version,
            unplaced=tuple(applied.unplaced),
        )


class ImportedAnnotator:
    """Imported annotations offered to the reader the way it asks a model for mentions:
    ``info``, ``cache``, ``cached()`` and ``annotate()``, which yields them as one batch."""

    def __init__(self, imported: Imported) -> None:
        self.imported = imported
        self.info = imported.info
        self.cache = None
        """No cache: the file is read again each time."""
        self.document_pass = False
        """Imported annotations are taken as they are: no document-level pass."""

    def cached(self, text: str, text_sha256: str) -> list[Mention] | None:
        """Nothing is cached; `annotate` has the mentions at once."""
        return None

    def annotate(
        self,
        text: str,
        text_sha256: str | None = None,
        *,
        first: object = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """The imported mentions as one finished batch (for the document they were read for);
        ``first`` (the region to read first) makes no difference."""
        if text != self.imported.document.text:
            raise ImportFileError(f"{self.imported.path} was imported for another text")
        yield Batch(self.imported.mentions, len(text), len(text))


def detect(path: Path, data: bytes) -> str:
    """The format of an annotation file, by its extension and content."""
    from extract.importers.sniff import sniff

    return sniff(path, data)


def read_records(path: str, fmt: str = "auto") -> tuple[str, Records]:
    """The records of an annotation file, and the format they were read as."""
    if fmt != "auto" and fmt not in IMPORTERS:
        raise ImportFileError(
            f"unknown import format {fmt!r} (choose from auto, {', '.join(IMPORTERS)})"
        )
    try:
        data = read_bytes(path)
    except EntityReaderError as error:
        raise ImportFileError(str(error)) from None
    target = Path(path)
    name = detect(target, data) if fmt == "auto" else fmt
    return name, IMPORTERS[name].read(target, data)


def read_annotations(path: str, fmt: str = "auto", document: Document | None = None) -> Imported:
    """Annotations from a file, placed on ``document`` or on the text the file carries."""
    from extract.importers.placing import carried_document, place

    name, found = read_records(path, fmt)
    carried = document is None
    if document is None:
        if not IMPORTERS[name].carries_text:
            raise ImportFileError(
                f"{path}: a {name} file holds no text; name the document it annotates "
                f"(entity-reader export FILE --import {path})"
            )
        document = carried_document(path, found)
    mentions = place(path, found, document, carried=carried)
    return Imported(document, tuple(mentions), path, name, found.model)


BUILTIN: tuple[str, ...] = (
    "native",
    "jsonl",
    "doccano",
    "labelstudio",
    "brat",
    "conll",
    "spacy_docbin",
)
"""The importer modules shipped, in the order their formats are listed."""


def _load_builtin() -> None:
    for module in BUILTIN:
        importlib.import_module(f"extract.importers.{module}")


_load_builtin()

__all__ = [
    "IMPORTERS",
    "ImportFileError",
    "ImportFormat",
    "Imported",
    "ImportedAnnotator",
    "Record",
    "Records",
    "Row",
    "Span",
    "read_annotations",
    "read_records",
    "register",
]
