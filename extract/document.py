"""Reading a path or standard input into a `Document`: exact decoded text, nothing altered.

Two things are made safe before any offset is counted: a lone surrogate (which extracted PDF
or EPUB text can hold, and which no UTF-8 writer accepts) becomes U+FFFD, one character for
one, so offsets are those of the cleaned text; and a stray undecodable byte in an otherwise
UTF-8 file becomes U+FFFD instead of turning the whole file into a legacy encoding.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import hashlib
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal, overload

from extract.atomic import (
    NotAFileError,
    TooLargeError,
    WouldBlockError,
    read_regular,
    reason,
)
from extract.errors import DocumentError, EntityReaderError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte-order marks and the encodings they announce (UTF-32 before UTF-16, whose mark it
starts with)."""

MAX_BYTES = 256 * 1024 * 1024
"""Larger inputs are refused rather than read into memory."""

MAX_CHARS = 256 * 1024 * 1024
"""Extracted text longer than this is refused (a small EPUB or PDF can hold a great deal)."""
MAX_CHARS_ENV = "ENTITY_READER_MAX_CHARS"

STRAY_BYTES = 100
"""A UTF-8 file may have one undecodable sequence in this many non-ASCII ones and stay UTF-8."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Section:
    """A place to jump to: a chapter of a book or a page of a PDF, starting at ``start``."""

    kind: Literal["chapter", "page"]
    title: str
    start: int


class FoundLater(Sequence[Section]):
    """Sections found in a text when first asked for: a plain text's chapters take a look
    through the whole text (5 ms for War and Peace), which the reader's first frame does not
    need. Equal to, and hashed as, the tuple found; pickled as it once found."""

    __slots__ = ("_find", "_found", "_text")

    def __init__(self, find: Callable[[str], tuple[Section, ...]], text: str) -> None:
        self._find, self._text = find, text
        self._found: tuple[Section, ...] | None = None

    @property
    def found(self) -> tuple[Section, ...]:
        if self._found is None:
            self._found = self._find(self._text)
        return self._found

    def __len__(self) -> int:
        return len(self.found)

    @overload
    def __getitem__(self, index: int) -> Section: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Section, ...]: ...

    def __getitem__(self, index: int | slice) -> Section | tuple[Section, ...]:
        return self.found[index]

    def __iter__(self) -> Iterator[Section]:
        return iter(self.found)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FoundLater):
            other = other.found
        return self.found == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.found)

    def __repr__(self) -> str:
        return repr(self.found)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as what was found, or as what finds it (the text is pickled once anyway).
        if self._found is not None:
            return tuple, (self._found,)
        return FoundLater, (self._find, self._text)


@dataclass(frozen=True)
class Document:
    """A decoded text and where it came from. Offsets everywhere index into ``text``.

    ``fmt`` is the input format read (a name in `extract.formats.FORMATS`); ``sections`` are the
    chapters of an EPUB or the pages of a PDF, in order, each with its start in ``text`` (a
    plain text's chapters are found when first asked for: `FoundLater`).
    """

    text: str
    source: str
    encoding: str
    fmt: str = "text"
    sha256: str = field(default="")
    sections: Sequence[Section] = ()
    notes: tuple[str, ...] = ()
    """What the user should know about how the text was read (bytes replaced, …)."""

    def __post_init__(self) -> None:
        if self.sha256:
            # Given only by a reader holding the very UTF-8 bytes the text was strictly decoded
            # from (`document_of_utf8`): no lone surrogate, and no need to encode a book again.
            return
        try:
            encoded = self.text.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates (from a PDF's or a parser's text) cannot be written as UTF-8 by
            # any exporter; one U+FFFD each keeps every offset where it was.
            object.__setattr__(self, "text", clean_text(self.text))
            encoded = self.text.encode("utf-8")
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(encoded).hexdigest())

    @property
    def name(self) -> str:
        """A short name for titles: the file name, or "<stdin>"."""
        return "<stdin>" if self.source == "-" else utf8(Path(self.source).name)

    @property
    def source_utf8(self) -> str:
        """``source`` as text any writer accepts: bytes of a file name that are not UTF-8
        (held as surrogates by Python) become U+FFFD."""
        return utf8(self.source)

    def section_at(self, offset: int) -> int | None:
        """Index in ``sections`` of the chapter or page holding ``offset``; None before the first."""
        found = bisect.bisect_right(self.sections, offset, key=lambda section: section.start)
        return found - 1 if found else None


def document_of_utf8(
    digest: Callable[[], str],
    text: str,
    encoding: str,
    notes: tuple[str, ...],
    **fields: Any,
) -> Document:
    """The `Document` of ``text`` decoded by `decode_noting` from bytes whose SHA-256
    ``digest`` gives (`hash_aside`). When that was plain strict UTF-8 (no mark, nothing
    replaced), the bytes are the text's UTF-8 and their hash is the text's."""
    exact = encoding == "utf-8" and not notes
    return Document(
        text=text, encoding=encoding, notes=notes, sha256=digest() if exact else "", **fields
    )


HASH_ASIDE = 1 << 20
"""Bytes from which `hash_aside` hashes on another thread."""


def hash_aside(data: bytes) -> Callable[[], str]:
    """The SHA-256 of ``data`` (hex), to be called for. A large file's is made on another
    thread, started now: hashlib lets go of the interpreter while it hashes, so a book is
    hashed on a second core while its text is decoded on this one (2 ms of War and Peace's
    first frame)."""
    if len(data) < HASH_ASIDE or data.startswith(tuple(bom for bom, _ in BOMS)):
        # (a text behind a byte-order mark is hashed as UTF-8 once decoded: see `Document`)
        return lambda: hashlib.sha256(data).hexdigest()
    made: list[str] = []

    def make() -> None:
        with contextlib.suppress(Exception):  # (made again on this thread if it failed)
            made.append(hashlib.sha256(data).hexdigest())

    worker = threading.Thread(target=make, daemon=True)
    worker.start()

    def digest() -> str:
        worker.join()
        return made[0] if made else hashlib.sha256(data).hexdigest()

    return digest


def clean_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (same length, same offsets)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def utf8(name: str) -> str:
    """A file name as valid text: undecodable bytes (surrogate escapes) become U+FFFD."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def max_chars(given: int | None = None) -> int:
    """The longest text read: ``given`` (``--max-chars``), else ``$ENTITY_READER_MAX_CHARS``,
    else `MAX_CHARS`."""
    if given is not None:
        if given < 1:
            raise EntityReaderError("--max-chars takes a whole number of at least 1")
        return given
    raw = os.environ.get(MAX_CHARS_ENV, "").strip()
    if not raw:
        return MAX_CHARS
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise EntityReaderError(f"${MAX_CHARS_ENV} takes a whole number of at least 1")
    return value


def check_length(length: int, limit: int, what: str) -> None:
    """Refuse text longer than ``limit`` characters, saying how to allow more."""
    if length > limit:
        raise DocumentError(
            f"{what} holds more than {limit:,} characters of text; "
            f"raise the limit with --max-chars N or ${MAX_CHARS_ENV}"
        )


def text_document(text: str, source: str = "<text>") -> Document:
    """A document made from a string already in memory (tests, other readers)."""
    return Document(text=text, source=source, encoding="utf-8")


def decode(data: bytes, *, what: str = "input") -> tuple[str, str]:
    """Decode bytes exactly as they are; return the text and the encoding chosen.

    A byte-order mark decides when present and is not part of the text. Then strict UTF-8,
    then UTF-8 with a few stray bytes (see `decode_noting`), then charset detection. NUL
    bytes (outside UTF-16/32) and undecodable data mean binary.
    """
    text, encoding, _ = decode_noting(data, what=what)
    return text, encoding


def decode_noting(data: bytes, *, what: str = "input") -> tuple[str, str, tuple[str, ...]]:
    """`decode`, with a note when bytes had to be replaced.

    A file with valid multi-byte UTF-8 in it whose undecodable sequences are at most one in
    `STRAY_BYTES` of its non-ASCII ones is UTF-8 with a stray byte or two: each bad sequence
    becomes U+FFFD (offsets index that text). A file whose only non-ASCII bytes are invalid
    UTF-8 (a cp1252 "café") goes to charset detection.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError as error:
                raise DocumentError(
                    f"{what} has a {encoding} byte-order mark but {error.reason} at byte {error.start + len(bom)}"
                ) from None
            return text, encoding, ()
    if b"\x00" in data:
        raise DocumentError(f"{what} looks binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, bad = mostly
        which = "byte sequence that is" if bad == 1 else "byte sequences that are"
        note = f"{what}: read as UTF-8; {bad} {which} not UTF-8 shown as \ufffd"
        return text, "utf-8", (note,)
    detected = _detect(data)
    if detected is None:
        raise DocumentError(f"{what} looks binary: no text encoding decodes it")
    text = data.decode(detected)
    if _looks_binary(text):
        raise DocumentError(
            f"{what} looks binary: it decodes as {detected} only to control characters"
        )
    return text, detected, ()


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """The text and the count of bad sequences, if ``data`` is UTF-8 with a few stray bytes."""
    text = data.decode("utf-8", "replace")
    # Each undecodable sequence became one U+FFFD; the file's own U+FFFDs are EF BF BD.
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    good = non_ascii - bad
    if good <= 0 or bad * STRAY_BYTES > good + bad:
        return None
    return text, bad


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
    """The bytes at a path, or of standard input for "-"; failures become `DocumentError`.

    Only a regular file is read, and never by waiting: a FIFO, a device or a kernel file that
    has nothing to give is refused at once.
    """
    if str(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = stream.read(MAX_BYTES + 1)
        except OSError as error:
            raise DocumentError(f"standard input cannot be read: {reason(error)}") from None
        if len(data) > MAX_BYTES:
            raise DocumentError(f"standard input is larger than {MAX_BYTES // 2**20} MiB")
        return data
    shown = str(path)
    try:
        return read_regular(path, MAX_BYTES)
    except IsADirectoryError:
        raise DocumentError(f"{shown} is a directory, not a text file") from None
    except FileNotFoundError:
        raise DocumentError(f"{shown}: no such file") from None
    except (NotAFileError, TooLargeError, WouldBlockError) as error:
        raise DocumentError(f"{shown} {error.strerror}") from None
    except OSError as error:
        raise DocumentError(f"{shown}: {reason(error)}") from None


def load(
    path: str | os.PathLike[str],
    fmt: str = "auto",
    *,
    stdin: BinaryIO | None = None,
    limit: int | None = None,
) -> Document:
    """Read a path (or "-" for standard input) into a `Document`.

    ``fmt`` is one of `extract.formats.choices`: a format's name, or "auto" to choose by
    content, then by extension. A text longer than ``limit`` characters (default:
    `max_chars`) is refused. An unknown format or a bad limit is refused before any reading.
    """
    from extract.formats import from_bytes, input_format

    input_format(fmt)
    limit = max_chars(limit)
    data = read_bytes(path, stdin=stdin)
    source = str(path)
    what = "standard input" if source == "-" else source
    return from_bytes(data, source, fmt, what=what, limit=limit)
