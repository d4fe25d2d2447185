"""Plain text: the decoded bytes exactly, so offsets index into the source itself."""

from __future__ import annotations

from extract.document import Document, check_length, decode_noting
from extract.formats import InputFormat, register


def read_text(data: bytes, source: str, what: str, limit: int, *, fmt: str = "text") -> Document:
    """A text file decoded as it is, nothing stripped or changed (``fmt`` names the format it
    was read as: text, or a source kept as text, like Markdown)."""
    text, encoding, notes = decode_noting(data, what=what)
    check_length(len(text), limit, what)
    return Document(text=text, source=source, encoding=encoding, fmt=fmt, notes=notes)


TEXT = register(
    InputFormat(
        name="text",
        title="plain text",
        description="plain text, decoded exactly",
        read=read_text,
    )
)
