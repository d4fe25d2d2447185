"""Small EPUB and PDF files built in memory for the format tests."""

from __future__ import annotations

import io
from pathlib import Path

from ebooklib import epub
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def make_pdf(pages: list[str], *, image_only: bool = False) -> bytes:
    """A PDF with one page per string (an empty string is a blank page)."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for body in pages:
        pdf.add_page()
        if body:
            pdf.multi_cell(0, 8, body)
    if image_only:
        from PIL import Image

        pdf.add_page()
        pdf.image(Image.new("RGB", (60, 20), "gray"), x=10, y=10, w=60)
    return bytes(pdf.output())


def encrypt(data: bytes, user_password: str) -> bytes:
    """The same PDF locked with ``user_password`` (the empty one only restricts permissions)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_epub(chapters: list[tuple[str, str]], *, spine: list[int] | None = None) -> bytes:
    """An EPUB of (table-of-contents title, body XHTML) chapters, read in ``spine`` order."""
    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title("A Test Book")
    book.set_language("en")
    items = []
    for number, (title, body) in enumerate(chapters, start=1):
        item = epub.EpubHtml(title=title, file_name=f"c{number}.xhtml", lang="en")
        item.content = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = tuple(items)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    order = spine if spine is not None else list(range(len(items)))
    book.spine = ["nav", *(items[index] for index in order)]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


BOOK = [
    (
        "The Letter",
        "<h1>The Letter</h1><p>Teresa Lobo read the letter from Porto twice.</p>"
        "<style>p { color: red }</style><script>alert('never text')</script>"
        "<p>It came from Afonso&#160;Vidal, a lawyer.</p>",
    ),
    ("The House", "<p>The house in Sesimbra had a blue door.<br/>A fig tree grew there.</p>"),
    ("", "<div><h2>Chapter Three</h2><ul><li>Lisbon</li><li>Barreiro</li></ul></div>"),
]
