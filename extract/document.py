"""Reading a path or standard input into a `Document`: exact decoded text, nothing altered."""

from __future__ import annotations

import bisect
import codecs
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from extract.errors import DocumentError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

MAX_BYTES = 256 * 1024 * 1024
"""Larger inputs are refused rather than read into memory."""


@dataclass(frozen=True, slots=True)
class Section:
    """A place to jump to: a chapter of a book or a page of a PDF, starting at ``start``."""

    kind: Literal["chapter", "page"]
    title: str
    start: int


@dataclass(frozen=True)
class Document:
    """A decoded text and where it came from. Offsets everywhere index into ``text``.

    ``fmt`` is the source format (text, html, markdown, epub, pdf); ``sections`` are the
    chapters of an EPUB or the pages of a PDF, in order, each with its start in ``text``.
    """

    text: str
    source: str
    encoding: str
    fmt: str = "text"
    sha256: str = field(default="")
    sections: tuple[Section, ...] = ()

    def __post_init__(self) -> None:
        if not self.sha256:
            digest = hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()
            object.__setattr__(self, "sha256", digest)

    @property
    def name(self) -> str:
        """A short name for titles: the file name, or "<stdin>"."""
        return "<stdin>" if self.source == "-" else Path(self.source).name

    def section_at(self, offset: int) -> int | None:
        """Index in ``sections`` of the chapter or page holding ``offset``; None before the first."""
        found = bisect.bisect_right(self.sections, offset, key=lambda section: section.start)
        return found - 1 if found else None


def text_document(text: str, source: str = "<text>") -> Document:
    """A document made from a string already in memory (tests, other readers)."""
    return Document(text=text, source=source, encoding="utf-8")


def decode(data: bytes, *, what: str = "input") -> tuple[str, str]:
    """Decode bytes exactly as they are; return the text and the encoding chosen.

    A byte-order mark decides when present and is not part of the text. Then strict UTF-8,
    then charset detection. NUL bytes (outside UTF-16/32) and undecodable data mean binary.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError as error:
                raise DocumentError(
                    f"{what} has a {encoding} byte-order mark but {error.reason} at byte {error.start + len(bom)}"
                ) from None
            return text, encoding
    if b"\x00" in data:
        raise DocumentError(f"{what} looks binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    detected = _detect(data)
    if detected is None:
        raise DocumentError(f"{what} looks binary: no text encoding decodes it")
    text = data.decode(detected)
    if _looks_binary(text):
        raise DocumentError(
            f"{what} looks binary: it decodes as {detected} only to control characters"
        )
    return text, detected


WESTERN = "cp1252"
"""The legacy encoding preferred when detection finds it about as likely as the best guess."""

_CLOSE_CHAOS = 0.1
"""How much more "chaos" (charset-normalizer's measure of mess) a Western reading may show."""


def _detect(data: bytes) -> str | None:
    """The most likely legacy encoding of bytes that are not UTF-8, or None for binary.

    On short texts charset-normalizer often ranks a Central European code page first for
    French or German text (cp1250 reads "è" as "č"). An English reader meets Western text far
    more often, so cp1252 wins whenever it reads the bytes nearly as cleanly as the best guess;
    Cyrillic, Greek or Polish text is not clean in cp1252 and keeps its own encoding.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if WESTERN in match.could_be_from_charset and match.chaos <= best.chaos + _CLOSE_CHAOS:
            return WESTERN
    return str(best.encoding)


def _looks_binary(text: str) -> bool:
    """Decoded text that is mostly C0/C1 controls (other than whitespace) is not prose."""
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(
        1
        for char in sample
        if (ord(char) < 32 and char not in "\t\n\r\f\v") or 0x7F <= ord(char) < 0xA0
    )
    return controls > len(sample) // 10


def read_bytes(path: str | os.PathLike[str], *, stdin: BinaryIO | None = None) -> bytes:
    """The bytes at a path, or of standard input for "-"; failures become `DocumentError`."""
    if str(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise DocumentError(f"standard input is larger than {MAX_BYTES // 2**20} MiB")
        return data
    target = Path(path)
    shown = str(path)
    try:
        if target.is_dir():
            raise DocumentError(f"{shown} is a directory, not a text file")
        if not target.exists():
            raise DocumentError(f"{shown}: no such file")
        if not target.is_file():
            raise DocumentError(f"{shown} is not a regular file")
        if target.stat().st_size > MAX_BYTES:
            raise DocumentError(f"{shown} is larger than {MAX_BYTES // 2**20} MiB")
        return target.read_bytes()
    except PermissionError:
        raise DocumentError(f"{shown}: permission denied") from None
    except OSError as error:
        raise DocumentError(f"{shown}: {error.strerror or error}") from None


def load(
    path: str | os.PathLike[str], fmt: str = "auto", *, stdin: BinaryIO | None = None
) -> Document:
    """Read a path (or "-" for standard input) into a `Document`.

    ``fmt`` is one of `extract.formats.INPUT_FORMATS`; "auto" chooses by content and extension.
    """
    from extract.formats import read

    return read(path, fmt, stdin=stdin)
