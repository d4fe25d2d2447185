"""Plain text and Markdown: the decoded bytes exactly, so offsets index into the source itself."""

from __future__ import annotations

from extract.document import Document, decode


def read_text(data: bytes, source: str, what: str, *, fmt: str = "text") -> Document:
    """A text file (``fmt`` "text" or "markdown") decoded as it is, nothing stripped or changed."""
    text, encoding = decode(data, what=what)
    return Document(text=text, source=source, encoding=encoding, fmt=fmt)
