"""Reading HTML, Markdown, EPUB and PDF: the text, its sections, exact offsets, clear errors."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from format_builders import BOOK, SAMPLES, make_epub

import extract.formats.text
from extract.document import Document, Section, check_length, load
from extract.errors import DocumentError
from extract.formats import FORMATS, InputFormat, choices, formats_help, from_bytes, sniff
from extract.formats.headings import text_sections

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>The Harbour | Gazette</title>
<style>body { color: navy; } .secret-style { display: none }</style>
<script>var tracker = "script text never read";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>The Harbour</h1>
<p>Maria Lopez arrived in Lisbon on Monday to meet officials of the Tagus Heritage Foundation,
who had come from Porto for the opening of the restored ferry terminal.</p>
<script>document.write("injected by a script")</script>
<h2>Repairs</h2>
<p>The repairs took three years. Engineers from Glasgow rebuilt the engine of the old paddle
steamer, and the city council of Lisbon paid for the new pier at Cais do Sodré.</p>
<p>Passengers can cross to Barreiro every night until October, the council said on Tuesday.</p>
</article><footer>© 2024 Gazette. All rights reserved.</footer></body></html>
"""


# -- choosing the format ----------------------------------------------------------------------


class TestSniff:
    def test_pdf_magic_wins_over_the_name(self) -> None:
        assert sniff(b"%PDF-1.7\n...", "notes.txt") == "pdf"

    def test_epub_by_its_mimetype(self) -> None:
        assert sniff(make_epub(BOOK), "book.zip") == "epub"

    def test_other_zips_are_not_epub(self) -> None:
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        assert sniff(out.getvalue(), "doc.odt") == "text"

    @pytest.mark.parametrize(
        "start",
        [
            b"<!DOCTYPE html><html>",
            b"\xef\xbb\xbf  \n<!doctype HTML>",
            b"\n\n<html lang='en'>",
            b'<?xml version="1.0"?>\n<!-- a comment -->\n<html xmlns="x">',
        ],
    )
    def test_html_by_its_start(self, start: bytes) -> None:
        assert sniff(start + b"<body><p>x</p></body></html>", "page.txt") == "html"

    def test_html_in_utf16_with_a_bom(self) -> None:
        assert sniff("\ufeff<!doctype html><p>x</p>".encode("utf-16-le"), "") == "html"

    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("notes.md", "markdown"),
            ("NOTES.MARKDOWN", "markdown"),
            ("page.htm", "html"),
            ("story.txt", "text"),
            ("README", "text"),
            ("-", "text"),
        ],
    )
    def test_by_extension(self, name: str, fmt: str) -> None:
        assert sniff(b"# A title\n\nSome <b>text</b>.\n", name) == fmt

    def test_unknown_binary_is_still_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "image.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        with pytest.raises(DocumentError, match="looks binary"):
            load(path)


class TestRegistry:
    """A format added to the registry is chosen, read and offered like the built-in ones."""

    @pytest.fixture
    def tsv(self, monkeypatch: pytest.MonkeyPatch) -> InputFormat:
        def read_tsv(data: bytes, source: str, what: str, limit: int) -> Document:
            text = data.decode("utf-8").removeprefix("#tsv\n").replace("\t", " ")
            check_length(len(text), limit, what)
            return Document(text=text, source=source, encoding="utf-8", fmt="tsv")

        tsv = InputFormat(
            "tsv", "TSV", "cells as words", read_tsv, (".tsv",), lambda d: d.startswith(b"#tsv")
        )
        monkeypatch.setitem(FORMATS, "tsv", tsv)
        return tsv

    def test_the_built_in_formats_in_order(self) -> None:
        assert choices() == ["auto", "text", "html", "markdown", "epub", "pdf"]
        assert FORMATS["text"].sniff is None and FORMATS["text"].extensions == (".txt", ".text")

    @pytest.mark.usefixtures("tsv")
    def test_chosen_by_content_then_by_extension(self) -> None:
        assert sniff(b"#tsv\na\tb", "cells.txt") == "tsv"
        assert sniff(b"a\tb", "CELLS.TSV") == "tsv"
        assert sniff(b"a\tb", "cells.txt") == "text"
        assert "tsv" in choices() and "by extension: .tsv" in formats_help()

    @pytest.mark.usefixtures("tsv")
    def test_read_through_load_with_its_limit(self, tmp_path: Path) -> None:
        path = tmp_path / "cells.tsv"
        path.write_bytes(b"Angela\tMerkel")
        document = load(path)
        assert (document.fmt, document.text) == ("tsv", "Angela Merkel")
        assert load(path, "text").text == "Angela\tMerkel"
        with pytest.raises(DocumentError, match="holds more than 5 characters"):
            load(path, "tsv", limit=5)

    def test_an_unknown_name_is_refused_before_reading(self, tmp_path: Path) -> None:
        with pytest.raises(
            DocumentError, match=r"unknown input format 'docx' \(choose from auto, text"
        ):
            load(tmp_path / "missing.docx", "docx")
        with pytest.raises(DocumentError, match="unknown input format 'docx'"):
            from_bytes(b"text", "notes.docx", "docx")


# -- each format ------------------------------------------------------------------------------


class TestHtml:
    def test_title_then_paragraphs_with_blank_lines(self) -> None:
        document = from_bytes(PAGE.encode(), "page.html")
        assert document.fmt == "html"
        assert document.encoding == "utf-8"
        assert document.sections == ()
        blocks = document.text.split("\n\n")
        assert blocks[0] == "The Harbour"
        assert blocks[1].startswith("Maria Lopez arrived in Lisbon on Monday")
        assert "Repairs" in blocks
        assert blocks[-1].startswith("Passengers can cross to Barreiro")
        assert document.text.count("The Harbour") == 1  # the heading repeating the title

    def test_paragraph_lines_are_joined(self) -> None:
        text = from_bytes(PAGE.encode(), "page.html").text
        assert "Tagus Heritage Foundation,\nwho" not in text
        assert "Tagus Heritage Foundation, who had come from Porto" in text

    def test_scripts_styles_and_boilerplate_never_become_text(self) -> None:
        text = from_bytes(PAGE.encode(), "page.html").text
        for never in ("script text", "injected", "color: navy", "secret-style", "Home", "©"):
            assert never not in text

    def test_charset_is_decoded_before_extraction(self) -> None:
        data = PAGE.replace('<meta charset="utf-8">', "").encode("utf-16")
        document = from_bytes(data, "page.html")
        assert document.encoding == "utf-16-le"
        assert "Cais do Sodré" in document.text

    def test_a_page_without_a_body_is_refused(self) -> None:
        page = b"<!doctype html><html><head><title>Only a title</title></head></html>"
        with pytest.raises(DocumentError, match="no article text found"):
            from_bytes(page, "empty.html")

    def test_the_sample(self) -> None:
        document = load(SAMPLES / "article.html")
        assert document.text.startswith("Night ferry returns to the Tagus after forty years\n\n")
        assert "Tracking script" not in document.text
        assert "A boat with a history" in document.text
        assert "cookies" not in document.text


class TestMarkdown:
    def test_read_exactly_as_decoded(self) -> None:
        raw = (SAMPLES / "notes.md").read_text(encoding="utf-8")
        document = load(SAMPLES / "notes.md")
        assert document.fmt == "markdown"
        assert document.text == raw
        assert [(s.title, raw[s.start :].split("\n", 1)[0]) for s in document.sections] == [
            ("Field notes: the river crossings", "# Field notes: the river crossings"),
            ("People to call", "## People to call"),
            ("Background", "## Background"),
            ("To check", "## To check"),
        ]

    def test_the_two_highest_heading_levels_are_chapters_outside_code(self) -> None:
        text = (
            "Intro line\n\n## One\n\ntext\n\n### One, a\n\n```\n## not a heading\n```\n\n"
            "Two\n---\n\n#### Deep\n\n## Three ##\n"
        )
        document = from_bytes(text.encode(), "notes.md")
        assert [s.title for s in document.sections] == ["One", "One, a", "Two", "Three"]
        for section in document.sections:
            assert section.title in text[section.start :].split("\n", 1)[0]

    def test_crlf_and_markup_are_kept(self, tmp_path: Path) -> None:
        path = tmp_path / "n.markdown"
        path.write_bytes(b"# Title\r\n\r\n*Angela Merkel* met [Macron](x).\r\n")
        assert load(path).text == "# Title\r\n\r\n*Angela Merkel* met [Macron](x).\r\n"


PROSE = "The ferry left Lisbon at dawn and Teresa Lobo watched the river go by. " * 4


class TestChapters:
    """Plain text's chapters, found from its headings without changing the text."""

    def test_chapter_book_and_epilogue_headings_are_sections(self) -> None:
        text = (
            f"BOOK ONE: 1805\n\n\n\nCHAPTER I\n\n{PROSE}\n\nCHAPTER II\n\n{PROSE}\n\n"
            f"BOOK TWO\n\nCHAPTER I\n\n{PROSE}\n\nFIRST EPILOGUE: 1813 - 20\n\n{PROSE}\n"
        )
        document = from_bytes(text.encode(), "war.txt")
        assert document.text == text
        assert [s.title for s in document.sections] == [
            "BOOK ONE: 1805",
            "BOOK ONE: 1805 · CHAPTER I",
            "BOOK ONE: 1805 · CHAPTER II",
            "BOOK TWO",
            "BOOK TWO · CHAPTER I",
            "FIRST EPILOGUE: 1813 - 20",
        ]
        for section in document.sections:
            assert text[section.start :].startswith(section.title.split(" · ")[-1])

    @pytest.mark.parametrize(
        "heading",
        [
            "Chapter 1",
            "CHAPTER 12. Loomings.",
            "Chapter Twenty-One",
            "PART TWO — THE SEA",
            "CHAPTER IX",
        ],
    )
    def test_heading_forms(self, heading: str) -> None:
        text = f"Intro.\n\n{heading}\n\n{PROSE}\n\n{heading}\n\n{PROSE}\r\n"
        document = from_bytes(text.encode(), "book.txt")
        assert [s.title for s in document.sections] == [heading, heading]

    def test_a_title_running_onto_a_second_line_is_one_heading(self) -> None:
        text = (
            f"CHAPTER 56. Of the Less Erroneous Pictures of Whales, and the True\r\n"
            f"Pictures of Whaling Scenes.\r\n\r\n{PROSE}\r\n"
        )
        (section,) = from_bytes(text.encode(), "moby.txt").sections
        assert section.title == (
            "CHAPTER 56. Of the Less Erroneous Pictures of Whales, and the True "
            "Pictures of Whaling Scenes."
        )
        assert section.start == 0

    def test_found_when_first_asked_for_and_as_a_tuple(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Reading a book does not look through it for chapters (the reader's first frame
        needs none); asking for them does, once, and they are the tuple found."""
        looked: list[str] = []

        def counted(text: str) -> tuple[Section, ...]:
            looked.append(text)
            return text_sections(text)

        monkeypatch.setattr(extract.formats.text, "text_sections", counted)
        text = f"CHAPTER I\n\n{PROSE}\n\nCHAPTER II\n\n{PROSE}\n"
        document = from_bytes(text.encode(), "t.txt")
        assert looked == []
        second = text.index("CHAPTER II")
        found = (Section("chapter", "CHAPTER I", 0), Section("chapter", "CHAPTER II", second))
        assert document.sections == found and found == document.sections
        assert len(document.sections) == 2 and document.sections[1:] == found[1:]
        assert document.section_at(second + 5) == 1 and looked == [text]
        assert document == replace(document, sections=found)
        assert hash(document) == hash(replace(document, sections=found))
        assert pickle.loads(pickle.dumps(document)).sections == found
        monkeypatch.undo()
        unread = from_bytes(text.encode(), "t.txt")  # pickled before its chapters are found
        assert pickle.loads(pickle.dumps(unread)).sections == found
        assert repr(document.sections) == repr(found) and looked == [text]

    def test_roman_numerals_alone_count_when_there_are_several(self) -> None:
        three = f"I.\n\n{PROSE}\n\nII.\n\n{PROSE}\n\nIII.\n\n{PROSE}\n"
        assert [s.title for s in from_bytes(three.encode(), "t.txt").sections] == [
            "I.",
            "II.",
            "III.",
        ]
        one = f"{PROSE}\n\nI\n\n{PROSE}\n"
        assert from_bytes(one.encode(), "t.txt").sections == ()

    def test_prose_and_a_table_of_contents_are_not_chapters(self) -> None:
        prose = f"{PROSE}\n\nChapter 3 of the report says so.\n\nCHAPTER IV\nstarts a line here.\n"
        assert from_bytes(prose.encode(), "t.txt").sections == ()
        contents = "CONTENTS\n\nCHAPTER I\n\nCHAPTER II\n\nCHAPTER III\n\n"
        body = f"CHAPTER I\n\n{PROSE}\n\nCHAPTER II\n\n{PROSE}\n\nCHAPTER III\n\n{PROSE}\n"
        document = from_bytes((contents + body).encode(), "t.txt")
        starts = [s.start for s in document.sections]
        assert starts[-3:] == [
            len(contents),
            len(contents) + body.index("CHAPTER II"),
            len(contents) + body.index("CHAPTER III"),
        ]
        assert len(starts) == 3  # the contents list is no chapter

    def test_markdown_headings_need_the_markdown_format(self) -> None:
        assert from_bytes(b"# Title\n\ntext\n", "notes.txt").sections == ()


def test_import_extract_loads_no_format_library() -> None:
    code = (
        "import sys, extract, extract.document, extract.formats;"
        "print([m for m in ('trafilatura', 'ebooklib', 'pypdf', 'lxml', 'fpdf') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
