"""Reading EPUB and PDF: chapters in spine order, pages as sections, exact offsets, encrypted,
image-only and cut files refused with one clear line."""

from __future__ import annotations

from typing import ClassVar

import pytest
from format_builders import BOOK, SAMPLES, encrypt, make_epub, make_pdf
from pypdf import PdfReader

from extract.document import Document, Section, load
from extract.errors import DocumentError
from extract.formats import from_bytes


class TestEpub:
    def test_chapters_in_spine_order_with_titles_at_their_starts(self) -> None:
        document = from_bytes(make_epub(BOOK, spine=[1, 0, 2]), "book.epub")
        assert document.fmt == "epub"
        assert document.text == (
            "The House\n\n"
            "The house in Sesimbra had a blue door.\nA fig tree grew there.\n\n"
            "The Letter\n\n"
            "Teresa Lobo read the letter from Porto twice.\n\n"
            "It came from Afonso Vidal, a lawyer.\n\n"
            "Chapter Three\n\n"
            "Lisbon\n\n"
            "Barreiro"
        )
        assert [s.title for s in document.sections] == ["The House", "The Letter", "Chapter Three"]
        for section in document.sections:
            assert section.kind == "chapter"
            assert document.text[section.start :].startswith(section.title)
        assert document.sections[0].start == 0
        assert document.text[document.sections[1].start - 2 : document.sections[1].start] == "\n\n"

    def test_scripts_and_styles_never_become_text(self) -> None:
        text = from_bytes(make_epub(BOOK), "book.epub").text
        assert "alert" not in text and "never text" not in text and "color" not in text

    def test_a_chapter_without_a_heading_or_title_is_named_by_its_start(self) -> None:
        chapters = [("", "<p>Nameless opening words of a chapter that goes on.</p>")]
        document = from_bytes(make_epub(chapters), "book.epub")
        (section,) = document.sections
        assert document.text.startswith(section.title)
        assert section.title.startswith("Nameless opening words")

    def test_empty_chapters_are_skipped(self) -> None:
        chapters = [("Cover", '<img src="cover.jpg" alt=""/>'), *BOOK]
        document = from_bytes(make_epub(chapters), "book.epub")
        assert [s.title for s in document.sections] == ["The Letter", "The House", "Chapter Three"]

    def test_the_sample(self) -> None:
        document = load(SAMPLES / "short-story.epub")
        assert [s.title for s in document.sections] == [
            "I. The Letter from Porto",
            "The House in Sesimbra",
            "III. The Night Ferry",
        ]
        for section in document.sections:
            assert document.text[section.start :].startswith(section.title)

    def test_a_truncated_epub_is_refused(self) -> None:
        data = make_epub(BOOK)
        with pytest.raises(DocumentError, match="is not a readable EPUB"):
            from_bytes(data[: len(data) // 2], "book.epub")

    def test_an_epub_without_text_is_refused(self) -> None:
        with pytest.raises(DocumentError, match="no text"):
            from_bytes(make_epub([("Cover", '<img src="c.jpg" alt=""/>')]), "book.epub")


class TestPdf:
    PAGES: ClassVar[list[str]] = [
        "Angela Merkel met Emmanuel Macron in Paris on Monday.\nThey talked about trade.",
        "",
        "Page three mentions Microsoft and Berlin.",
    ]

    def test_pages_joined_by_a_blank_line_with_their_starts(self) -> None:
        document = from_bytes(make_pdf(self.PAGES), "report.pdf")
        assert document.fmt == "pdf"
        assert document.text == (
            "Angela Merkel met Emmanuel Macron in Paris on Monday. They talked about trade."
            "\n\nPage three mentions Microsoft and Berlin."
        )
        assert document.sections == (
            Section("page", "page 1", 0),
            Section("page", "page 2", document.text.index("Page three")),
            Section("page", "page 3", document.text.index("Page three")),
        )

    def test_lines_of_a_paragraph_are_joined_and_paragraphs_kept(self) -> None:
        long = (
            "Carlos Mendes, head of the transport office of the city council of Lisbon, "
            "proposed a night service between Barreiro and the Terreiro do Paco from March. "
        ) * 3
        document = from_bytes(
            make_pdf([f"Annual report\n{long}\nA new para-\ngraph ends."]), "r.pdf"
        )
        first, second, third = document.text.split("\n\n")
        assert first == "Annual report"
        assert second == long.strip()  # the page's own line breaks are gone
        assert third == "A new paragraph ends."  # hyphenated at the margin: one word again
        assert document.sections == (Section("page", "page 1", 0),)

    def test_list_items_and_short_lines_end_a_paragraph(self) -> None:
        from extract.formats.pdf import join_lines

        page = (
            "This line is long enough to be a full line of the page it is on.\n"
            "and this one continues it in lower case.\n"
            "Short line.\n"
            "- an item that is long enough to count as nearly a full line here\n"
            "2. another item\n"
            "The prime minister of the country and its people, Haider al-\nAbadi, keeps his hyphen."
        )
        assert join_lines(page).split("\n\n") == [
            "This line is long enough to be a full line of the page it is on. "
            "and this one continues it in lower case.",
            "Short line.",
            "- an item that is long enough to count as nearly a full line here",
            "2. another item",
            "The prime minister of the country and its people, Haider al-Abadi, keeps his hyphen.",
        ]

    def test_page_starts_point_at_each_page(self) -> None:
        document = load(SAMPLES / "report.pdf")
        reader = PdfReader(SAMPLES / "report.pdf")
        assert len(document.sections) == len(reader.pages) == 3
        for section, page in zip(document.sections, reader.pages, strict=True):
            first_line = page.extract_text().strip().splitlines()[0]
            assert document.text[section.start :].startswith(first_line)

    def test_section_at(self) -> None:
        document = load(SAMPLES / "report.pdf")
        starts = [s.start for s in document.sections]
        assert document.section_at(0) == 0
        assert document.section_at(starts[1] - 1) == 0
        assert document.section_at(starts[1]) == 1
        assert document.section_at(len(document.text)) == 2
        assert Document("x", "x", "utf-8").section_at(0) is None

    def test_a_pdf_with_an_empty_password_is_read(self) -> None:
        document = from_bytes(encrypt(make_pdf(self.PAGES[:1]), ""), "open.pdf")
        assert document.text.startswith("Angela Merkel met Emmanuel Macron")

    def test_an_encrypted_pdf_is_refused(self) -> None:
        with pytest.raises(DocumentError, match="encrypted PDF that needs a password"):
            from_bytes(encrypt(make_pdf(self.PAGES), "secret"), "locked.pdf")

    @pytest.mark.parametrize("image_only", [False, True])
    def test_a_pdf_without_a_text_layer_is_refused(self, image_only: bool) -> None:
        with pytest.raises(DocumentError, match="no text layer"):
            from_bytes(make_pdf(["", ""], image_only=image_only), "scan.pdf")

    def test_a_damaged_pdf_is_refused(self) -> None:
        with pytest.raises(DocumentError, match="is not a readable PDF"):
            from_bytes(make_pdf(self.PAGES)[:400], "cut.pdf")
