"""Crashes and silent loss: lone surrogates, batches that go on past a failure or a dead worker,
file names that are not UTF-8, a full or closed standard output, markup nested past the
parser's limits, texts that expand past every limit."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from faults import (
    FULL,
    SHORT,
    binary,
    device,
    export,
    needs_root,
    short_text,
)
from format_builders import make_epub, make_pdf
from reader_support import record_notifications
from spacy.tokens import DocBin
from test_cli import BINARY
from test_export_cli import one_error_line

from extract.document import MAX_CHARS, Document, load, text_document
from extract.errors import DocumentError
from extract.exporters import FORMATS
from extract.exporters.tokens import vocab
from extract.formats import from_bytes
from tui.app import ReaderApp
from tui.cli import main

pytestmark = pytest.mark.usefixtures("one_model_load")


# == crashes and silent loss ==================================================================


def _pdf_with_lone_surrogate() -> bytes:
    """A one-page PDF whose font maps "Q" to a lone surrogate (U+D800), as broken fonts do."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"1 beginbfchar <51> <D800> endbfchar endcmap\n"
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    content = b"BT /F1 24 Tf 72 700 Td (BQB met Angela Merkel in Paris.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_pdf_with_a_lone_surrogate_exports_in_every_format(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "broken-font.pdf"
    source.write_bytes(_pdf_with_lone_surrogate())
    document = load(source)
    assert document.text.startswith("B\ufffdB met Angela Merkel")
    target = tmp_path / f"out{FORMATS[name].extension}"
    assert export(source, "-f", name, "-o", target) == 0, capsys.readouterr().err
    if name == "json":
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["text"] == document.text
        for entity in data["entities"]:
            for mention in entity["mentions"]:
                assert data["text"][mention["start"] : mention["end"]] == mention["text"]


def test_a_lone_surrogate_becomes_one_replacement_character() -> None:
    document = text_document("Angela\ud800 Merkel \udfff.")
    assert document.text == "Angela\ufffd Merkel \ufffd."
    assert len(document.text) == len("Angela\ud800 Merkel \udfff.")
    document.text.encode("utf-8")


def test_a_batch_reports_each_failure_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = short_text(tmp_path, "good.txt")
    pdf = tmp_path / "broken-font.pdf"
    pdf.write_bytes(_pdf_with_lone_surrogate())
    bug = short_text(tmp_path, "bug.txt")
    missing = tmp_path / "missing.txt"
    from extract import corpus_export

    real_annotations_of = corpus_export.annotations_of

    def failing(document: Document, *args: Any, **kwargs: Any) -> Any:
        if document.source == str(bug):
            raise TypeError("something no one expected")
        return real_annotations_of(document, *args, **kwargs)

    monkeypatch.setattr(corpus_export, "annotations_of", failing)
    out = tmp_path / "out"
    args = [good, missing, bug, pdf, "-f", "conll", "--out-dir", out, "--jobs", "1"]
    assert export(*args) == 1
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "error" in line or " of " in line
    ]
    assert lines == [
        f"entity-reader: error: {missing}: no such file",
        f"entity-reader: error: {bug}: export failed (TypeError: something no one expected)",
        f"2 of 4 files exported to {out}: " + lines[-1].split(": ", 1)[1],
    ]
    assert lines[-1].endswith("; 2 failed")
    assert sorted(p.name for p in out.iterdir()) == [
        "broken-font.conll",
        "entity-reader.manifest.jsonl",
        "good.conll",
    ]


def test_a_batch_survives_a_worker_that_dies(tmp_path: Path) -> None:
    from faults import DyingRecognizer

    from extract.annotator import Annotator
    from extract.corpus import discover, targets
    from extract.corpus_export import CorpusExport
    from extract.recognizer import ProcessPool

    (tmp_path / "in").mkdir()
    for name in ("a", "dies", "b", "c"):
        (tmp_path / "in" / f"{name}.txt").write_text(f"{SHORT}{name}\n", encoding="utf-8")
    found = discover([str(tmp_path / "in")])
    out = tmp_path / "out"
    annotator = Annotator(recognizer=DyingRecognizer(), executor=ProcessPool(2), cache=None)
    export = CorpusExport(annotator, "json", out)
    seen = list(export.run(found.sources, targets("json", found.sources, out)))
    assert [(Path(o.source.path).name, o.status) for o in seen] == [
        ("a.txt", "exported"),
        ("b.txt", "exported"),
        ("c.txt", "exported"),
        ("dies.txt", "failed"),
    ]
    assert "stopped unexpectedly" in str(seen[-1].error)
    assert sorted(p.name for p in out.iterdir()) == [
        "a.json",
        "b.json",
        "c.json",
        "entity-reader.manifest.jsonl",
    ]


def _non_utf8_name(folder: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9 \xff.txt"))
    path.write_text(SHORT, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["json", "jsonl", "spacy", "labelstudio"])
def test_a_file_name_that_is_not_utf8_exports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _non_utf8_name(tmp_path)
    target = tmp_path / f"out{FORMATS[name].extension}"
    assert export(source, "-f", name, "-o", target) == 0
    err = capsys.readouterr().err
    assert "caf\ufffd \ufffd.txt" in err or err.startswith("wrote")
    data = target.read_bytes()
    shown = f"{tmp_path}/caf\ufffd \ufffd.txt"
    if name == "json":
        assert json.loads(data.decode("utf-8"))["source"] == shown
    elif name == "jsonl":
        assert json.loads(data.decode("utf-8").splitlines()[0])["meta"]["source"] == shown
    elif name == "labelstudio":
        assert json.loads(data.decode("utf-8"))[0]["data"]["source"] == shown
    else:
        (doc,) = DocBin().from_bytes(data).get_docs(vocab())
        assert doc.user_data["entity_reader"]["source"] == shown


@needs_root
def test_a_full_standard_output_is_one_error_line(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    full = device(tmp_path, "full", FULL)
    with full.open("wb") as stream:
        done = binary("export", str(source), "--no-cache", stdout=stream, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr == (
        "entity-reader: error: cannot write to standard output: no space left on the device\n"
    )


def test_a_closed_standard_output_is_one_error_line(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    done = subprocess.run(
        f'exec "{BINARY}" export "{source}" --no-cache >&-',
        shell=True,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("entity-reader: error: "), done.stderr
    assert "standard output" in lines[0] and "Traceback" not in done.stderr


DEPTH = 1500
"""Deeper than libxml2's default limit (256) and Python's recursion limit (1000)."""


def _deep(depth: int) -> str:
    return (
        "<p>Before it all, Vladimir Putin spoke in Moscow.</p>"
        + "<div>" * depth
        + "<p>Deep inside, Barack Obama spoke in Paris about the harbour at length.</p>"
        + "</div>" * depth
        + "<p>After the nest, Angela Merkel answered from Berlin the same evening.</p>"
    )


def test_deep_html_keeps_every_paragraph() -> None:
    page = (
        f"<!doctype html><html><head><title>Deep</title></head><body>{_deep(DEPTH)}</body></html>"
    )
    document = from_bytes(page.encode(), "deep.html")
    for name in ("Putin", "Obama", "Merkel"):
        assert name in document.text
    assert document.notes == ()


def test_a_huge_text_node_is_kept_whole() -> None:
    words = "word " * 2_400_000  # 12 MB in one text node: over libxml2's default 10 MB
    page = f"<html><body><p>Barack Obama. {words}Angela Merkel.</p><p>Last one.</p></body></html>"
    document = from_bytes(page.encode(), "huge.html")
    assert "Angela Merkel." in document.text and document.text.endswith("Last one.")


def raw_epub(body: str) -> bytes:
    """A one-chapter EPUB written byte for byte (ebooklib's writer would reparse the chapter
    with lxml's default limits and cut it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr(
            "content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<dc:identifier id="id">deep</dc:identifier><dc:title>Deep</dc:title>'
            "<dc:language>en</dc:language></metadata><manifest>"
            '<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="c1"/></spine></package>',
        )
        archive.writestr(
            "c1.xhtml",
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Deep</title></head>'
            f"<body>{body}</body></html>",
        )
    return out.getvalue()


def test_deep_epub_chapters_keep_every_paragraph() -> None:
    document = from_bytes(raw_epub(_deep(DEPTH)), "deep.epub")
    for name in ("Putin", "Obama", "Merkel"):
        assert name in document.text
    assert document.notes == ()


def test_nesting_past_the_parser_limit_warns_with_what_was_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = f"<html><head><title>Too deep</title></head><body>{_deep(5000)}</body></html>"
    source = tmp_path / "too-deep.html"
    source.write_text(page, encoding="utf-8")
    assert export(source, "-f", "csv") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"entity-reader: warning: {source}: the markup is nested too deep"
    )
    assert warnings[0].endswith("the text after that point was left out")


@pytest.mark.asyncio
async def test_the_reader_tells_what_was_read_differently(tmp_path: Path) -> None:
    source = tmp_path / "stray.txt"
    source.write_bytes("Caf\u00e9 in Z\u00fcrich with Fran\u00e7ois. ".encode() * 40 + b"\xff\n")
    app = ReaderApp(load(source), None)
    told = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert any("1 byte sequence that is not UTF-8" in message for message in told)


# -- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["reader", "export"])
def test_max_chars_refuses_a_longer_text(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    args = [str(source), "--max-chars", "20", "--no-ner" if command == "reader" else "--no-cache"]
    assert main(args if command == "reader" else ["export", *args]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        f"entity-reader: error: {source} holds more than 20 characters of text; "
        "raise the limit with --max-chars N or $ENTITY_READER_MAX_CHARS"
    )


def test_the_environment_sets_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    monkeypatch.setenv("ENTITY_READER_MAX_CHARS", "30")
    assert export(source) == 1
    assert "holds more than 30 characters" in one_error_line(capsys.readouterr().err)
    assert export(source, "--max-chars", "1000", "-f", "csv") == 0  # the option wins
    capsys.readouterr()
    monkeypatch.setenv("ENTITY_READER_MAX_CHARS", "lots")
    assert export(source) == 1
    assert one_error_line(capsys.readouterr().err) == (
        "entity-reader: error: $ENTITY_READER_MAX_CHARS takes a whole number of at least 1"
    )
    assert MAX_CHARS == 256 * 2**20


def test_a_pdf_is_refused_page_by_page(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    from extract.formats import pdf

    real = pdf._page_text

    def counting(page: object) -> str:
        read.append(1)
        return real(page)

    monkeypatch.setattr(pdf, "_page_text", counting)
    pages = [f"Page {n}: Angela Merkel met Emmanuel Macron in Paris." for n in range(40)]
    with pytest.raises(DocumentError, match="holds more than 200 characters"):
        from_bytes(make_pdf(pages), "long.pdf", limit=200)
    assert len(read) < 10  # stopped early, not after extracting all forty pages


def test_an_epub_that_unpacks_past_the_input_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extract.formats import epub

    book = make_epub([("One", "<p>" + "Angela Merkel met Emmanuel Macron. " * 3000 + "</p>")])
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    assert len(book) < unpacked // 10  # it compresses well, like a zip bomb
    monkeypatch.setattr(epub, "MAX_BYTES", unpacked - 1)
    with pytest.raises(DocumentError, match=r"unpacks to .* MiB, more than"):
        from_bytes(book, "bomb.epub")
    monkeypatch.setattr(epub, "MAX_BYTES", unpacked)
    assert from_bytes(book, "bomb.epub").fmt == "epub"
    with pytest.raises(DocumentError, match="holds more than 1,000 characters"):
        from_bytes(book, "bomb.epub", limit=1000)
