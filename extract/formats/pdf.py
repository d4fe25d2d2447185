"""PDF files: the text layer of each page in reading order, pages separated by a blank line.

pypdf extracts each page's text with the page's own line breaks; the lines of a paragraph are
joined (`join_lines`), so the text is the joined one and paragraphs are separated by a blank
line, as in the other formats. Pages are joined with "\\n\\n" (not a form feed, which the
chunker and the screen would treat as an odd character, not a paragraph break); each page's
start is kept as a `Section`, so the reader can show and jump to page numbers. A PDF without a
text layer (scanned pages) or locked by a password is refused with one line.
"""

from __future__ import annotations

import io
import re

from extract.document import Document, Section, check_length
from extract.errors import DocumentError
from extract.formats import InputFormat, register

PAGE_BREAK = "\n\n"
"""What separates the text of two pages."""


def read_pdf(data: bytes, source: str, what: str, limit: int) -> Document:
    """A PDF's text, page by page, with a `Section` at the start of each page."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    from extract.formats.markup import quiet, reason

    try:
        with quiet("pypdf"):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentError(
                    f"{what} is an encrypted PDF that needs a password; "
                    "save an unlocked copy to read it"
                )
            pages: list[str] = []
            length = 0
            for pdf_page in reader.pages:
                pages.append(join_lines(_page_text(pdf_page)))
                if pages[-1]:
                    length += (len(PAGE_BREAK) if length else 0) + len(pages[-1])
                # Checked page by page: a few megabytes of PDF can draw a hundred million
                # characters, which should be refused before they are all in memory.
                check_length(length, limit, what)
    except DocumentError:
        raise
    except (DependencyError, FileNotDecryptedError) as error:
        raise DocumentError(f"{what} is an encrypted PDF that cannot be opened ({error})") from None
    except Exception as error:  # a damaged PDF may raise anything from deep in the parser
        raise DocumentError(f"{what} is not a readable PDF ({reason(error)})") from None
    if not any(pages):
        raise DocumentError(
            f"{what} has no text layer (a scanned or image-only PDF?): run it through OCR first"
        )
    text = PAGE_BREAK.join(page for page in pages if page)
    starts: list[int] = []
    position = 0
    waiting = 0
    """Pages without text so far, which start where the next page with text starts."""
    for page in pages:
        if not page:
            waiting += 1
            continue
        starts.extend([position] * (waiting + 1))
        waiting = 0
        position += len(page) + len(PAGE_BREAK)
    starts.extend([len(text)] * waiting)
    sections = [
        Section("page", f"page {number}", start) for number, start in enumerate(starts, start=1)
    ]
    return Document(
        text=text,
        source=source,
        encoding="n/a",
        fmt="pdf",
        sections=tuple(sections),
    )


def _page_text(page: object) -> str:
    """A page's text without the blank space around it."""
    text = str(page.extract_text() or "")  # type: ignore[attr-defined]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


_NEW_ITEM = r"(?:[•◦▪‣*\-–—]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s"
"""A line starting a list item: it begins a paragraph of its own (compiled when a PDF is read,
not each time the reader starts)."""
_FULL = 0.8
"""A line at least this share of the page's usual line length runs on into the next."""


def join_lines(page: str) -> str:
    """A page's text with the lines of each paragraph joined by a space (a word hyphenated
    across two lines joined whole) and a blank line between paragraphs.

    A line runs on into the next when it is nearly as long as the page's lines usually are
    (or the next one starts in lower case) and the next does not start a list item; a short
    line ends its paragraph.
    """
    lines = [line.strip() for line in page.split("\n")]
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 2:
        return page
    usual = lengths[round(0.9 * (len(lengths) - 1))]
    new_item = re.compile(_NEW_ITEM).match
    paragraphs: list[str] = []
    current = ""
    for number, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        current = _run_on(current, line) if current else line
        following = lines[number + 1] if number + 1 < len(lines) else ""
        runs_on = len(line) >= _FULL * usual or following[:1].islower()
        if not following or not runs_on or new_item(following):
            paragraphs.append(current)
            current = ""
    return "\n\n".join(paragraphs)


def _run_on(text: str, line: str) -> str:
    """``text`` continued by the next line of its paragraph."""
    if text.endswith("-") and text[-2:-1].isalpha():
        if line[:1].islower():
            return text[:-1] + line  # "transpor-" + "tation": one word hyphenated at the margin
        return text + line  # "al-" + "Abadi": a hyphenated name
    return f"{text} {line}"


def is_pdf(data: bytes) -> bool:
    """``%PDF-`` at the start."""
    return data.startswith(b"%PDF-")


PDF = register(
    InputFormat(
        name="pdf",
        title="PDF",
        description="a PDF's text layer, page by page",
        read=read_pdf,
        extensions=(".pdf",),
        sniff=is_pdf,
        sniffed_by="%PDF- at the start",
    )
)
