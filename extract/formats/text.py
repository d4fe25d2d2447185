"""Plain text and Markdown: the decoded bytes exactly, so offsets index into the source itself."""

from __future__ import annotations

from extract.document import Document, check_length, decode_noting, max_chars


def read_text(
    data: bytes, source: str, what: str, *, fmt: str = "text", limit: int | None = None
) -> Document:
    """A text file (``fmt`` "text" or "markdown") decoded as it is, nothing stripped or changed."""
    text, encoding, notes = decode_noting(data, what=what)
    check_length(len(text), max_chars(limit), what)
    return Document(text=text, source=source, encoding=encoding, fmt=fmt, notes=notes)
