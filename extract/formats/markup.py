"""Plain text out of a markup tree: one block of text per block element, scripts left out.

Shared by the HTML reader (trafilatura's cleaned tree) and the EPUB reader (XHTML chapters).
Inside a block, whitespace runs become one space; ``<br>`` becomes a line break and table
cells are separated by a tab. Blocks are returned separately so readers can join them with a
blank line and recognise a heading at the start of a chapter.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_SPACES = re.compile(r"\s+")
_BREAK = "\n"
_CELL = "\t"

SKIPPED = frozenset(
    {"script", "style", "head", "noscript", "template", "svg", "math", "object", "iframe"}
)
"""Elements whose text never becomes document text."""

XHTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot",
        "thead", "tr", "ul",
    }
)  # fmt: skip
"""HTML elements that start and end a block of text."""

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "head"})
"""Block elements that are headings (``head`` is trafilatura's name for them)."""

TRAFILATURA_BLOCKS = frozenset(
    {"body", "doc", "main", "p", "head", "list", "item", "quote", "table", "row", "div"}
)
"""Block elements of trafilatura's XML output (where ``head`` is a heading)."""

TRAFILATURA_SKIPPED = frozenset({"graphic", "comments"})
"""trafilatura's elements that hold no article text (scripts and styles are already gone)."""


@dataclass(frozen=True, slots=True)
class Block:
    """The text of one block element, and that element's tag."""

    tag: str
    text: str


def _local(tag: object) -> str:
    """An element's tag without its namespace; "" for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


class _Collector:
    """Gathers inline text into the block being built and closes blocks as the walk leaves them."""

    def __init__(self, blocks: frozenset[str], skipped: frozenset[str]) -> None:
        self.block_tags = blocks
        self.skipped = skipped
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.open: list[str] = []
        """Tags of the block elements the walk is inside, innermost last."""

    def add(self, text: str | None) -> None:
        if not text:
            return
        if self.open and self.open[-1] == "pre":
            self.pieces.append(text.replace("\r\n", "\n").replace("\r", "\n"))
        else:
            self.pieces.append(_SPACES.sub(" ", text))

    def flush(self) -> None:
        """Close the block being built, if it holds any text."""
        tag = self.open[-1] if self.open else ""
        joined = "".join(self.pieces)
        self.pieces = []
        if tag == "pre":
            lines = [line.rstrip() for line in joined.expandtabs(4).split(_BREAK)]
        else:
            lines = []
            for line in joined.split(_BREAK):
                cells = [_SPACES.sub(" ", cell).strip() for cell in line.split(_CELL)]
                while cells and not cells[-1]:
                    cells.pop()
                lines.append(_CELL.join(cells))
        text = "\n".join(lines).strip("\n")
        if text.strip():
            self.blocks.append(Block(tag, text))

    def walk(self, root: Any) -> None:
        """Visit the tree in document order without recursion (books nest thousands deep)."""
        # Each step is an element to enter, or the close of one entered (with its tail).
        steps: list[tuple[Any, bool]] = [(root, False)]
        while steps:
            element, leaving = steps.pop()
            if leaving:
                if _local(element.tag) in self.block_tags:
                    self.flush()
                    self.open.pop()
                if element is not root:
                    self.add(element.tail)
                continue
            tag = _local(element.tag)
            if not tag or tag in self.skipped:
                if element is not root:
                    self.add(element.tail)
                continue
            if tag in self.block_tags:
                self.flush()
                self.open.append(tag)
            if tag in ("br", "lb"):
                self.pieces.append(_BREAK)
            elif tag in ("td", "th", "cell") and any(piece.strip() for piece in self.pieces):
                self.pieces.append(_CELL)
            self.add(element.text)
            steps.append((element, True))
            steps.extend((child, False) for child in reversed(element))


def blocks_of(
    root: Any, block_tags: frozenset[str] = XHTML_BLOCKS, skipped: frozenset[str] = SKIPPED
) -> list[Block]:
    """The blocks of text under an lxml element, in document order, ``skipped`` left out."""
    collector = _Collector(block_tags, skipped)
    collector.walk(root)
    collector.flush()
    return collector.blocks


def parse_xhtml(content: bytes | str, what: str = "the page") -> tuple[Any, str | None]:
    """An lxml tree of an (X)HTML document, read leniently as browsers do, and a note on what
    was dropped, if anything.

    lxml's HTML parser copes with what real books contain: XHTML self-closing tags, HTML
    entities such as ``&nbsp;`` (which an XML parser drops without a DTD), and broken markup.
    Its safety limits are lifted (``huge_tree``: text nodes over 10 MB, nesting over 256
    deep), since the input is already capped in size; past the parser's last limit (nesting
    thousands deep) the rest of the document is lost, and the note says from where.
    """
    from lxml import html

    if isinstance(content, bytes) and not content.strip():
        raise ValueError("the document is empty")
    parser = html.HTMLParser(
        huge_tree=True, collect_ids=False, default_doctype=False, remove_pis=True
    )
    try:
        tree = html.document_fromstring(content, parser=parser)
    except ValueError:
        if not isinstance(content, str):
            raise
        # "Unicode strings with encoding declaration are not supported"
        tree = html.document_fromstring(content.encode("utf-8"), parser=parser)
    fatal = next((e for e in parser.error_log if e.level_name == "FATAL"), None)
    note = None
    if fatal is not None:
        why = "nested too deep" if "depth" in fatal.message.lower() else fatal.message.strip()
        note = (
            f"{what}: the markup is {why} at line {fatal.line}, column {fatal.column}; "
            "the text after that point was left out"
        )
    return tree, note


def cut_title(text: str, limit: int = 80) -> str:
    """The start of a text's first line, cut at a word under ``limit`` characters.

    The result is always a prefix of ``text``, so it still marks where the text starts.
    """
    line = text.split("\n", 1)[0].rstrip()
    if len(line) <= limit:
        return line
    cut = line[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


@contextlib.contextmanager
def quiet(*names: str) -> Iterator[None]:
    """Silence the named libraries' loggers, and Python warnings, for a while.

    Parsers log or warn about malformed input on standard error, around our own one-line error
    (and under the reader's screen).
    """
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def reason(error: BaseException) -> str:
    """A short, one-line account of a parser's exception."""
    message = " ".join(str(error).split())
    if "bad zip" in message.lower() or isinstance(error, zipfile.BadZipFile):
        return "the zip archive is damaged or cut short"
    name = type(error).__name__
    return f"{name}: {message}" if message else name
