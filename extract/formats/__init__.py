"""Input formats: choose one by content and extension, and read the bytes into a `Document`.

Every reader yields the plain text that is annotated, shown and exported, so offsets are always
indices into ``Document.text`` whatever the source was. The libraries each format needs
(trafilatura, ebooklib, pypdf) are imported only when a file of that format is read.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import PurePath
from typing import BinaryIO

from extract.document import _BOMS, Document, Section, max_chars, read_bytes
from extract.errors import DocumentError

INPUT_FORMATS: tuple[str, ...] = ("auto", "text", "html", "markdown", "epub", "pdf")
"""What ``--format-in`` accepts: ``auto`` chooses by content, then by extension."""

EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",
    ".pdf": "pdf",
}
"""Formats chosen by a file's extension when its content does not say."""

_EPUB_MIMETYPE = b"application/epub+zip"
_HTML_START = re.compile(r"<(?:!doctype\s+html|html)[\s>]")
_PREAMBLE = re.compile(r"\s*(?:<\?xml[^>]*\?>|<!--.*?-->)", re.S)

__all__ = ["EXTENSIONS", "INPUT_FORMATS", "Section", "from_bytes", "read", "sniff"]


def sniff(data: bytes, name: str = "") -> str:
    """The format of some bytes: by their content first, then by the extension of ``name``.

    ``%PDF-`` at the start is a PDF; a zip whose ``mimetype`` is ``application/epub+zip`` is an
    EPUB; ``<!doctype html`` or ``<html`` at the start (after a byte-order mark, whitespace, an
    XML declaration or comments) is HTML. Otherwise the extension decides (``.md``/``.markdown``
    are Markdown), and anything else is text (binary data is refused when it is decoded).
    """
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and _is_epub(data):
        return "epub"
    if _looks_like_html(data):
        return "html"
    return EXTENSIONS.get(PurePath(name).suffix.lower(), "text") if name else "text"


def _is_epub(data: bytes) -> bool:
    """A zip whose first member is ``mimetype`` holding the EPUB type (as the standard asks),
    or, failing that, whose ``mimetype`` member says so wherever it is."""
    if data[30:38] == b"mimetype" and data[38 : 38 + len(_EPUB_MIMETYPE)] == _EPUB_MIMETYPE:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip() == _EPUB_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return False


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            start = head[len(bom) :].decode(encoding.removesuffix("-sig"), "ignore")
            break
    else:
        start = head.decode("latin-1")
    start = start.lower()
    position = 0
    while (preamble := _PREAMBLE.match(start, position)) is not None:
        position = preamble.end()
    return _HTML_START.match(start[position:].lstrip()) is not None


def from_bytes(
    data: bytes,
    source: str,
    fmt: str = "auto",
    *,
    what: str | None = None,
    limit: int | None = None,
) -> Document:
    """Read bytes that came from ``source`` as ``fmt`` (or the format they look like).

    Text longer than ``limit`` characters (default: `extract.document.max_chars`) is refused,
    as soon as a reader finds it has that much.
    """
    if fmt not in INPUT_FORMATS:
        choices = ", ".join(INPUT_FORMATS)
        raise DocumentError(f"unknown input format {fmt!r} (choose from {choices})")
    shown = what if what is not None else source
    if fmt == "auto":
        fmt = sniff(data, "" if source == "-" else source)
    if fmt == "pdf":
        from extract.formats.pdf import read_pdf

        return read_pdf(data, source, shown, limit)
    if fmt == "epub":
        from extract.formats.epub import read_epub

        return read_epub(data, source, shown, limit)
    if fmt == "html":
        from extract.formats.html import read_html

        return read_html(data, source, shown, limit)
    from extract.formats.text import read_text

    return read_text(data, source, shown, fmt=fmt, limit=limit)


def read(
    path: str | os.PathLike[str],
    fmt: str = "auto",
    *,
    stdin: BinaryIO | None = None,
    limit: int | None = None,
) -> Document:
    """Read a path (or "-" for standard input) as ``fmt``, or as the format it looks like."""
    if fmt not in INPUT_FORMATS:
        choices = ", ".join(INPUT_FORMATS)
        raise DocumentError(f"unknown input format {fmt!r} (choose from {choices})")
    limit = max_chars(limit)  # a bad $ENTITY_READER_MAX_CHARS is found before any reading
    data = read_bytes(path, stdin=stdin)
    source = str(path)
    what = "standard input" if source == "-" else source
    return from_bytes(data, source, fmt, what=what, limit=limit)
