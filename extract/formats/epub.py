"""EPUB books: the chapters in reading order, each a run of text blocks, with their titles.

The spine gives the reading order. Each chapter's XHTML becomes text one block element at a
time (paragraphs, headings, list items, table rows; scripts and styles left out), blocks and
chapters separated by a blank line. Every chapter with text becomes a `Section` whose title
starts the chapter's text: its opening heading; else the table of contents' title, written as
the chapter's first line; else the start of its first line.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath
from typing import Any

from extract.document import MAX_BYTES, Document, Section, check_length
from extract.errors import DocumentError
from extract.formats import InputFormat, register

CHAPTER_BREAK = "\n\n"
"""What separates two chapters (and two blocks within a chapter)."""

MIMETYPE = b"application/epub+zip"
"""What an EPUB's ``mimetype`` member holds."""


def is_epub(data: bytes) -> bool:
    """A zip whose first member is ``mimetype`` holding the EPUB type (as the standard asks),
    or, failing that, whose ``mimetype`` member says so wherever it is."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    if data[30:38] == b"mimetype" and data[38 : 38 + len(MIMETYPE)] == MIMETYPE:
        return True
    import zipfile  # only for a zip: every file read is asked whether it is an EPUB

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip() == MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return False


def read_epub(data: bytes, source: str, what: str, limit: int) -> Document:
    """An EPUB's chapters as one text, with a `Section` at the start of each."""
    from ebooklib import ITEM_DOCUMENT, epub

    from extract.formats.markup import HEADINGS, blocks_of, cut_title, parse_xhtml, quiet, reason

    _check_unpacked_size(data, what)
    try:
        with quiet("ebooklib"):
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": False})
    except Exception as error:  # a damaged zip or package file may raise anything
        raise DocumentError(f"{what} is not a readable EPUB ({reason(error)})") from None
    titles = _toc_titles(getattr(book, "toc", ()))
    parts: list[str] = []
    sections: list[Section] = []
    notes: list[str] = []
    length = 0
    encoding = ""
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or isinstance(item, epub.EpubNav) or item.get_type() != ITEM_DOCUMENT:
            continue
        try:
            tree, dropped = parse_xhtml(item.content, f"{what}: chapter {item.file_name}")
            blocks = blocks_of(tree)
        except Exception as error:  # lxml on a damaged chapter
            raise DocumentError(
                f"{what}: chapter {item.file_name} cannot be read ({reason(error)})"
            ) from None
        if dropped is not None:
            notes.append(dropped)
        encoding = encoding or str(tree.getroottree().docinfo.encoding or "")
        if not blocks:
            continue  # a cover picture, a blank page
        texts = [block.text for block in blocks]
        listed = titles.get(item.file_name) or titles.get(PurePosixPath(item.file_name).name)
        if blocks[0].tag in HEADINGS:
            title = cut_title(texts[0])
        elif listed and not texts[0].startswith(listed):
            title = listed
            texts.insert(0, listed)
        else:
            title = listed or cut_title(texts[0])
        chapter = CHAPTER_BREAK.join(texts)
        if parts:
            length += len(CHAPTER_BREAK)
        sections.append(Section("chapter", title, length))
        parts.append(chapter)
        length += len(chapter)
        check_length(length, limit, what)
    if not parts:
        raise DocumentError(f"{what}: this EPUB has no text in its chapters")
    return Document(
        text=CHAPTER_BREAK.join(parts),
        source=source,
        encoding=(encoding or "utf-8").lower(),
        fmt="epub",
        sections=tuple(sections),
        notes=tuple(notes),
    )


def _check_unpacked_size(data: bytes, what: str) -> None:
    """Refuse a book whose files unpack to more than `MAX_BYTES` (a zip bomb), before any is
    unpacked. Sizes are the archive's own; a member larger than it says fails its check."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return  # the EPUB reader says what is wrong with it
    if unpacked > MAX_BYTES:
        raise DocumentError(
            f"{what} unpacks to {unpacked // 2**20:,} MiB, more than {MAX_BYTES // 2**20} MiB"
        )


def _toc_titles(toc: Any) -> dict[str, str]:
    """Chapter file → its title in the table of contents (the first entry naming the file)."""
    titles: dict[str, str] = {}

    def visit(entries: Any) -> None:
        for entry in entries:
            if isinstance(entry, (tuple, list)):
                if entry:
                    visit([entry[0]])
                if len(entry) > 1:
                    visit(entry[1])
                continue
            href = getattr(entry, "href", None) or getattr(entry, "file_name", None)
            title = " ".join(str(getattr(entry, "title", "") or "").split())
            if href and title:
                path = str(href).split("#", 1)[0]
                titles.setdefault(path, title)
                titles.setdefault(PurePosixPath(path).name, title)

    visit(toc)
    return titles


EPUB = register(
    InputFormat(
        name="epub",
        title="EPUB",
        description="an EPUB book's chapters in reading order",
        read=read_epub,
        extensions=(".epub",),
        sniff=is_epub,
        sniffed_by="a zip whose mimetype is application/epub+zip",
    )
)
