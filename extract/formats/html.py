"""HTML pages: the article's main text, found by trafilatura, with its title first.

The page is decoded like a text file (byte-order mark, UTF-8, then charset detection), then
trafilatura finds the main content and drops navigation, scripts, styles and boilerplate. The
text is the title, a blank line, then the article's blocks (paragraphs, headings, list items,
table rows) with a blank line between them.
"""

from __future__ import annotations

from typing import Any

from extract.document import Document, decode
from extract.errors import DocumentError
from extract.formats.markup import (
    TRAFILATURA_BLOCKS,
    TRAFILATURA_SKIPPED,
    blocks_of,
    quiet,
    reason,
)


def read_html(data: bytes, source: str, what: str) -> Document:
    """An HTML page's title and main text."""
    markup, encoding = decode(data, what=what)
    return Document(text=html_text(markup, what), source=source, encoding=encoding, fmt="html")


def html_text(markup: str, what: str = "the page") -> str:
    """The title and main text of an HTML page, blocks separated by a blank line."""
    extracted = _extract(markup, what)
    body = getattr(extracted, "body", None)
    blocks = (
        [block.text for block in blocks_of(body, TRAFILATURA_BLOCKS, TRAFILATURA_SKIPPED)]
        if body is not None
        else []
    )
    if not blocks:
        raise DocumentError(f"{what}: no article text found in this HTML page")
    title = " ".join(str(getattr(extracted, "title", None) or "").split())
    if title:
        if blocks[0] == title:
            blocks = blocks[1:]  # the page's own heading repeats the title
        blocks.insert(0, title)
    return "\n\n".join(blocks)


def _extract(markup: str, what: str) -> Any:
    import trafilatura

    try:
        with quiet("trafilatura", "htmldate", "courlan", "justext"):
            return trafilatura.bare_extraction(
                markup,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_formatting=False,
                include_links=False,
                favor_recall=True,
                deduplicate=False,
            )
    except Exception as error:  # a third-party parser on untrusted input may raise anything
        raise DocumentError(f"{what} cannot be read as HTML ({reason(error)})") from None
