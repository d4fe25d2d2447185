"""HTML pages: the article's main text, found by trafilatura, with its title first.

The page is decoded like a text file (byte-order mark, UTF-8, then charset detection), then
trafilatura finds the main content and drops navigation, scripts, styles and boilerplate. The
text is the title, a blank line, then the article's blocks (paragraphs, headings, list items,
table rows) with a blank line between them. The page is parsed with the parser's limits on
text size and nesting lifted (the input is already capped); what still cannot be parsed is
reported in the document's notes, never dropped silently.
"""

from __future__ import annotations

import re
from typing import Any

from extract.document import BOMS, Document, check_length, decode_noting
from extract.errors import DocumentError
from extract.formats import InputFormat, register

_HTML_START = re.compile(r"<(?:!doctype\s+html|html)[\s>]")
_PREAMBLE = re.compile(r"\s*(?:<\?xml[^>]*\?>|<!--.*?-->)", re.S)


def looks_like_html(data: bytes) -> bool:
    """``<!doctype html`` or ``<html`` at the start, after a byte-order mark, whitespace, an
    XML declaration or comments."""
    head = data[:4096]
    for bom, encoding in BOMS:
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


def read_html(data: bytes, source: str, what: str, limit: int) -> Document:
    """An HTML page's title and main text."""
    markup, encoding, notes = decode_noting(data, what=what)
    text, dropped = html_text_noting(markup, what)
    check_length(len(text), limit, what)
    return Document(
        text=text, source=source, encoding=encoding, fmt="html", notes=(*notes, *dropped)
    )


def html_text(markup: str, what: str = "the page") -> str:
    """The title and main text of an HTML page, blocks separated by a blank line."""
    return html_text_noting(markup, what)[0]


def html_text_noting(markup: str, what: str = "the page") -> tuple[str, tuple[str, ...]]:
    """`html_text`, and a note on any part of the page the parser could not read."""
    from extract.formats.markup import (
        TRAFILATURA_BLOCKS,
        TRAFILATURA_SKIPPED,
        blocks_of,
        parse_xhtml,
        reason,
    )

    try:
        tree, dropped = parse_xhtml(markup, what)
    except Exception as error:  # lxml on untrusted input may raise anything
        raise DocumentError(f"{what} cannot be read as HTML ({reason(error)})") from None
    extracted = _extract(tree, what)
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
    return "\n\n".join(blocks), (() if dropped is None else (dropped,))


def _extract(tree: Any, what: str) -> Any:
    import trafilatura

    from extract.formats.markup import quiet, reason

    try:
        with quiet("trafilatura", "htmldate", "courlan", "justext"):
            # Given the tree, trafilatura parses nothing itself: none of its size limits apply.
            return trafilatura.bare_extraction(
                tree,
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


HTML = register(
    InputFormat(
        name="html",
        title="HTML",
        description="an HTML page's title and main text",
        read=read_html,
        extensions=(".html", ".htm", ".xhtml"),
        sniff=looks_like_html,
        sniffed_by="<!doctype html or <html at the start",
    )
)
