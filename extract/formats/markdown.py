"""Markdown: the source exactly, like plain text, so offsets index into the Markdown itself."""

from __future__ import annotations

from extract.document import Document
from extract.formats import InputFormat, register
from extract.formats.text import read_text


def read_markdown(data: bytes, source: str, what: str, limit: int) -> Document:
    """A Markdown file decoded as it is (its markup stays in the text)."""
    return read_text(data, source, what, limit, fmt="markdown")


MARKDOWN = register(
    InputFormat(
        name="markdown",
        title="Markdown",
        description="Markdown source, exactly as written",
        read=read_markdown,
        extensions=(".md", ".markdown"),
    )
)
