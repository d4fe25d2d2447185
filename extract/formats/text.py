"""Plain text: the decoded bytes exactly, so offsets index into the source itself.

Its chapters (and Markdown's, read as text) are found from their headings
(`extract.formats.headings`), without changing the text.
"""

from __future__ import annotations

from extract.document import (
    Document,
    FoundLater,
    check_length,
    decode_noting,
    document_of_utf8,
    hash_aside,
)
from extract.formats import InputFormat, register
from extract.formats.headings import markdown_sections, text_sections


def read_text(data: bytes, source: str, what: str, limit: int, *, fmt: str = "text") -> Document:
    """A text file decoded as it is, nothing stripped or changed (``fmt`` names the format it
    was read as: text, or a source kept as text, like Markdown), with a `Section` at each
    chapter heading (found when first asked for)."""
    digest = hash_aside(data)  # (a book's on another core, while its text is decoded)
    text, encoding, notes = decode_noting(data, what=what)
    check_length(len(text), limit, what)
    sections = FoundLater(markdown_sections if fmt == "markdown" else text_sections, text)
    return document_of_utf8(
        digest, text, encoding, notes, source=source, fmt=fmt, sections=sections
    )


TEXT = register(
    InputFormat(
        name="text",
        title="plain text",
        description="plain text, decoded exactly",
        read=read_text,
        # What it is anyway when nothing else is; a folder's .txt files are read by them.
        extensions=(".txt", ".text"),
    )
)
