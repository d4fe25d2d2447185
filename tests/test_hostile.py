"""Hostile input: every bad file gets one clear line, and no document can attack the terminal.

Each case is tried in the reader (a process of its own where it must fail before the screen
starts; the pilot where it opens) and in ``export`` (in-process through ``main``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from export_support import (
    as_parsed,
    check_task,
    entities_from_bio,
    parse_html,
    read_conll,
    read_csv,
    read_jsonl,
    shown_text,
    unguard,
)
from faults import refuse_open
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_support import (
    reader,
    record_notifications,
    sidebar_names,
    status,
    wait_for,
    wait_panels,
)
from rich.cells import cell_len
from rich.segment import Segment
from sample import SAMPLE
from spacy.tokens import DocBin
from test_cli import BINARY, assert_one_error_line
from test_export_cli import one_error_line
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Label
from textual.widgets._toast import Toast

from extract import ner
from extract.annotations import Annotations
from extract.cache import MentionCache
from extract.categories import ALL_LABELS
from extract.corrections import CorrectionStore, add, apply, default_path, open_for
from extract.document import Document, load, text_document
from extract.exporters import FORMATS, ExportOptions
from extract.exporters.csv_table import FORMULA_STARTS
from extract.exporters.tokens import vocab
from extract.grouping import group
from extract.model import Mention
from extract.ner import Annotator, resolve_model
from tui.app import ReaderApp
from tui.cli import main
from tui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "extract" / "exporters" / "native.schema.json").read_text("utf-8"))
SIZE = (120, 30)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c"
    "6360000200000500017a5eab3f0000000049454e44ae426082"
)
"""A one-pixel PNG."""


@pytest.fixture(autouse=True)
def _one_model_load(ner_pipeline: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotators the command line makes share the session's pipeline of the default model."""
    default = resolve_model().location
    real = ner.load_ner

    def load_ner(location: str) -> Language:
        return ner_pipeline if location == default else real(location)

    monkeypatch.setattr(ner, "load_ner", load_ner)


def run_binary(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command with nothing on standard input: it must fail before any screen."""
    return subprocess.run(
        [str(BINARY), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def export_json(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """``entity-reader export PATH`` (native JSON on standard output), read back and checked."""
    assert main(["export", str(path), *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    for entity in data["entities"]:
        for mention in entity["mentions"]:
            assert data["text"][mention["start"] : mention["end"]] == mention["text"]
    return data


def mentions_of(data: dict[str, Any]) -> list[tuple[int, int, str]]:
    return sorted(
        (m["start"], m["end"], m["label"]) for e in data["entities"] for m in e["mentions"]
    )


def rows(app: ReaderApp, count: int) -> list[str]:
    """The first rows of the article as drawn, trailing padding removed; each fills the width."""
    article = reader(app).article
    width = article.scrollable_content_region.width
    drawn = [article.render_line(y) for y in range(count)]
    assert all(strip.cell_length == width for strip in drawn)
    return [strip.text.rstrip() for strip in drawn]


def screen_strips(app: ReaderApp) -> list[Strip]:
    """The whole screen, notifications and dialogs included, as the driver would write it."""
    return app.screen._compositor.render_strips()  # no public API gives the composed screen


def screen_segments(app: ReaderApp) -> list[Segment]:
    return [segment for strip in screen_strips(app) for segment in strip]


def screen_text(app: ReaderApp) -> str:
    """The screen's text, a line per row."""
    return "\n".join(strip.text for strip in screen_strips(app))


def assert_no_raw_controls(app: ReaderApp) -> None:
    leaked = [s.text for s in screen_segments(app) if "\x1b" in s.text or "\x07" in s.text]
    assert leaked == []


def toasts(app: ReaderApp) -> list[str]:
    """The text of the notifications on screen, as rendered."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


# -- files that are not text ------------------------------------------------------------------


def _missing(folder: Path) -> Path:
    return folder / "nowhere.txt"


def _directory(folder: Path) -> Path:
    (folder / "a-folder").mkdir()
    return folder / "a-folder"


def _png(folder: Path) -> Path:
    (folder / "picture.png").write_bytes(PNG)
    return folder / "picture.png"


def _nul_bytes(folder: Path) -> Path:
    (folder / "nul.txt").write_bytes(b"Angela Merkel\x00met\x00Macron\n")
    return folder / "nul.txt"


NOT_TEXT: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (_missing, "no such file"),
    "directory": (_directory, "is a directory, not a text file"),
    "png": (_png, "looks binary"),
    "nul-bytes": (_nul_bytes, "looks binary"),
}


@pytest.mark.parametrize("command", ["reader", "export"])
@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_a_file_that_is_not_text_is_one_error_line(kind: str, command: str, tmp_path: Path) -> None:
    make, why = NOT_TEXT[kind]
    path = make(tmp_path)
    args = [str(path)] if command == "reader" else ["export", str(path)]
    done = run_binary(*args)
    assert_one_error_line(done, str(path), why)
    assert done.stdout == ""  # the reader's screen never started


@pytest.mark.parametrize("command", ["reader", "export"])
def test_an_unreadable_file_is_one_error_line(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Angela Merkel met Emmanuel Macron.\n", encoding="utf-8")
    refuse_open(monkeypatch, path)  # as it fails without permission (tests may run as root)
    args = [str(path)] if command == "reader" else ["export", str(path)]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert one_error_line(captured.err) == f"entity-reader: error: {path}: permission denied"
    assert captured.out == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
@pytest.mark.parametrize("command", ["reader", "export"])
def test_an_unreadable_file_is_one_error_line_from_the_binary(command: str, tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Angela Merkel met Emmanuel Macron.\n", encoding="utf-8")
    path.chmod(0)
    try:
        done = run_binary(*([str(path)] if command == "reader" else ["export", str(path)]))
    finally:
        path.chmod(0o600)
    assert_one_error_line(done, f"{path}: permission denied")


# -- empty files ------------------------------------------------------------------------------

EMPTY = {"empty": "", "whitespace": " \n\t\r\n  \n"}


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", sorted(EMPTY))
async def test_an_empty_file_opens_and_says_so(kind: str, tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / f"{kind}.txt"
    path.write_text(EMPTY[kind], encoding="utf-8", newline="")
    document = load(path)
    assert document.text == EMPTY[kind]
    app = ReaderApp(document, Annotator(cache=MentionCache(cache_dir)))
    told = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await wait_for(pilot, lambda: screen.annotation_done, "the (empty) annotation")
        assert screen.entities == []
        assert any("empty" in message for message in told)
        assert str(screen.query_one("#ner-state", Label).content).startswith("0 entities")
        await pilot.press("G", "right_square_bracket")
        assert told[-1] == "No mentions in the shown categories."


@pytest.mark.parametrize("kind", sorted(EMPTY))
def test_an_empty_file_exports_no_entities(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{kind}.txt"
    path.write_text(EMPTY[kind], encoding="utf-8", newline="")
    data = export_json(path, capsys)
    assert data["text"] == EMPTY[kind] and data["entities"] == []


# -- encodings, line ends, wide and combining characters, right-to-left -----------------------


def _bom(bom: bytes, encoding: str) -> Callable[[str], bytes]:
    return lambda text: bom + text.encode(encoding)


ENCODED: dict[str, tuple[str, Callable[[str], bytes], list[str]]] = {
    # name: (the text, its bytes on disk, the article's first rows as drawn)
    "windows-1252": (
        "The \u201cEuro\u201d costs \u20ac5 at Caf\u00e9 M\u00fcller, said Fran\u00e7ois Hollande.\n",
        lambda text: text.encode("cp1252"),
        ["The “Euro” costs €5 at Café Müller, said François Hollande.", ""],
    ),
    "latin-1": (
        "Fran\u00e7oise Dupr\u00e9 met \u00c5sa Lindstr\u00f6m in Gen\u00e8ve, na\u00efvely.\n",
        lambda text: text.encode("latin-1"),
        ["Françoise Dupré met Åsa Lindström in Genève, naïvely.", ""],
    ),
    "utf-16-bom": (
        "Angela Merkel met Emmanuel Macron in Paris.\r\nThey spoke in Berlin.\r\n",
        _bom(b"\xff\xfe", "utf-16-le"),
        ["Angela Merkel met Emmanuel Macron in Paris.", "They spoke in Berlin.", ""],
    ),
    "utf-8-bom": (
        "Angela Merkel visited Tokyo.\n",
        _bom(b"\xef\xbb\xbf", "utf-8"),
        ["Angela Merkel visited Tokyo.", ""],
    ),
    "crlf-and-lf": (
        "Angela Merkel\r\nmet Emmanuel Macron\nin Paris.\r\n\r\nBarack Obama\nspoke.\n",
        lambda text: text.encode("utf-8"),
        ["Angela Merkel", "met Emmanuel Macron", "in Paris.", "", "Barack Obama", "spoke."],
    ),
    "tabs": (
        "Name\tCity\tCountry\nAngela Merkel\tBerlin\tGermany\n",
        lambda text: text.encode("utf-8"),
        ["Name    City    Country", "Angela Merkel   Berlin  Germany", ""],
    ),
    "emoji-and-cjk": (
        "Angela Merkel \U0001f600 met \u5b89\u500d\u664b\u4e09 in \u6771\u4eac.\n\u6771\u4eac\tX\n",
        lambda text: text.encode("utf-8"),
        ["Angela Merkel 😀 met 安倍晋三 in 東京.", "東京    X", ""],
    ),
    "combining-accents": (
        "Jose\u0301 Garci\u0301a met Franc\u0327ois in Madrid.\nCafe\u0301\tZ\n",
        lambda text: text.encode("utf-8"),
        ["Jose\u0301 Garci\u0301a met Franc\u0327ois in Madrid.", "Cafe\u0301    Z", ""],
    ),
    "right-to-left": (
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd: Barack Obama visited "
        "Jerusalem.\n\u202eevil\u202c \u0645\u0631\u062d\u0628\u0627 Cairo.\n",
        lambda text: text.encode("utf-8"),
        # Bidi controls would reorder the terminal's line: dropped on screen only.
        ["שלום עולם: Barack Obama visited Jerusalem.", "evil مرحبا Cairo.", ""],
    ),
}


@pytest.fixture(params=sorted(ENCODED))
def encoded(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A file in one of the encodings (or shapes) above: its path, text and expected rows."""
    text, encode, shown = ENCODED[request.param]
    path = tmp_path / f"{request.param}.txt"
    path.write_bytes(encode(text))
    return path, text, shown


def test_export_decodes_exactly_and_every_offset_slices(
    encoded: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, text, _ = encoded
    data = export_json(path, capsys)
    assert data["text"] == text
    names = {m["text"] for e in data["entities"] for m in e["mentions"]}
    assert names  # every sample names someone or somewhere; offsets were checked on read


@pytest.mark.asyncio
async def test_the_reader_shows_the_decoded_text_in_aligned_columns(
    encoded: tuple[Path, str, list[str]],
) -> None:
    path, text, shown = encoded
    document = load(path)
    assert document.text == text
    app = ReaderApp(document, None)  # as with --no-ner
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rows(app, len(shown)) == shown
        ner_state = reader(app).query_one("#ner-state", Label).content
        assert ner_state == "no entities: started with --no-ner"


@pytest.mark.asyncio
async def test_wide_characters_take_two_cells_and_tabs_stop_at_multiples_of_eight() -> None:
    lines = ["a\tb\tc", "東京\tX", "😀\tY", "Cafe\u0301\tZ", "東京" * 60]
    app = ReaderApp(text_document("\n".join(lines) + "\n", "/nowhere/wide.txt"), None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = reader(app).article
        width = article.scrollable_content_region.width
        drawn = rows(app, 12)
        assert drawn[:4] == ["a       b       c", "東京    X", "😀      Y", "Cafe\u0301    Z"]
        for row in drawn[:4]:
            assert cell_len(row[: row.rindex(" ") + 1]) % 8 == 0  # the last column sits on a stop
        wrapped = drawn[4 : drawn.index("")]
        assert len(wrapped) > 1
        assert all(width - 1 <= cell_len(row) <= width for row in wrapped[:-1])
        assert "".join(wrapped) == lines[4]  # nothing lost or doubled at the wraps


# -- markup and terminal control sequences in the text ----------------------------------------

HOSTILE = (
    "[bold red]Barack Obama[/] met [link=https://example.com]Acme[/link] in Paris.\n"
    "Title \x1b]0;pwned\x07 then \x1b[31mAngela Merkel\x1b[0m moved \x1b[2J\x1b[H on.\n"
)
MARKUP_NAME = "[bold red]Barack Obama[/]"
CONTROL_NAME = "\x1b[31mAngela Merkel\x1b[0m"
CONTROL_SHOWN = "␛[31mAngela Merkel␛[0m"


def _hostile_mentions() -> list[Mention]:
    found = []
    for piece, label in (
        (MARKUP_NAME, "PERSON"),
        ("[link=https://example.com]Acme[/link]", "ORG"),
        ("Paris", "GPE"),
        (CONTROL_NAME, "PERSON"),
    ):
        start = HOSTILE.index(piece)
        found.append(Mention(start, start + len(piece), label, piece))
    return found


@pytest.fixture
def hostile_app(tmp_path: Path, cache_dir: Path) -> ReaderApp:
    """The hostile text, with its mentions already in the cache (no model needed)."""
    document = text_document(HOSTILE, str(tmp_path / "hostile.txt"))
    annotator = Annotator(cache=MentionCache(cache_dir))
    assert annotator.cache is not None
    annotator.cache.put(annotator.key(document.sha256), _hostile_mentions())
    return ReaderApp(document, annotator)


async def hostile_entities_shown(pilot: Pilot[None]) -> ReaderScreen:
    """Wait until the panels list the hostile text's four entities."""
    screen = await wait_panels(pilot)
    await wait_for(pilot, lambda: len(screen.entities) == 4, "the cached entities")
    return screen


@pytest.mark.asyncio
async def test_markup_is_shown_literally_everywhere(hostile_app: ReaderApp) -> None:
    app = hostile_app
    told = record_notifications(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await hostile_entities_shown(pilot)
        assert rows(app, 1) == [
            "[bold red]Barack Obama[/] met [link=https://example.com]Acme[/link] in Paris."
        ]
        assert sidebar_names(app, "person") == [MARKUP_NAME, CONTROL_NAME]
        assert "[link=https://example.com]Acme[/link]" in sidebar_names(app, "organisation")
        await pilot.press("right_square_bracket")
        assert status(app) == f"{MARKUP_NAME} · Person · mention 1/1"
        await pilot.press("n")
        await pilot.pause(0.2)
        assert told[-1] == f"Wrapped to the first mention of {MARKUP_NAME}."
        await pilot.press("slash", *"[b]x", "enter")
        await pilot.pause(0.2)
        assert told[-1] == "Not found: [b]x"
        assert str(screen.query_one("#status-side", Label).content) == "search: [b]x  (n/N)"
        shown = screen_text(app)
        assert f"{MARKUP_NAME}  1" in shown  # the sidebar's line
        assert f"{MARKUP_NAME} · 1" in shown  # the mentions panel's title
        assert f" {MARKUP_NAME} met " in shown  # its keyword-in-context line
        assert f"Wrapped to the first mention of {MARKUP_NAME}." in toasts(app)
        assert "Not found: [b]x" in toasts(app)


@pytest.mark.asyncio
async def test_control_sequences_never_reach_the_terminal(hostile_app: ReaderApp) -> None:
    app = hostile_app
    told = record_notifications(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await hostile_entities_shown(pilot)
        assert rows(app, 2)[1] == f"Title ␛]0;pwned␇ then {CONTROL_SHOWN} moved ␛[2J␛[H on."
        assert f"{CONTROL_SHOWN}  1" in screen_text(app)
        assert_no_raw_controls(app)
        # The current mention: status line, mentions panel, and a notification quoting it.
        await pilot.press(*["right_square_bracket"] * 4)
        assert screen.current is not None and screen.current.text == CONTROL_NAME
        assert status(app) == f"{CONTROL_SHOWN} · Person · mention 1/1"
        await pilot.press("n")
        await pilot.pause(0.2)
        assert told[-1] == f"Wrapped to the first mention of {CONTROL_NAME}."
        assert f"Wrapped to the first mention of {CONTROL_SHOWN}." in toasts(app)
        assert f"{CONTROL_SHOWN} · 1" in screen_text(app)
        assert_no_raw_controls(app)
        # A chooser listing entities by name.
        await pilot.press("left_square_bracket", "left_square_bracket", "m")
        await wait_for(pilot, lambda: CONTROL_SHOWN in screen_text(app), "the merge chooser")
        assert_no_raw_controls(app)
        await pilot.press("escape")
        # The command palette's entity hits.
        await pilot.press("ctrl+p", *"Merkel")
        await wait_for(pilot, lambda: "Angela Merkel" in screen_text(app), "the palette's hit")
        assert_no_raw_controls(app)


@pytest.mark.parametrize("name", ["json", "jsonl", "csv", "html"])
def test_markup_and_control_sequences_are_exported_exactly(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.txt"
    path.write_bytes(HOSTILE.encode("utf-8"))
    assert main(["export", str(path), "--format", name]) == 0
    out = capsys.readouterr().out
    if name != "csv":  # JSON escapes controls and HTML shows them: safe on a terminal too
        assert "\x1b" not in out and "\x07" not in out
    if name == "json":
        data = json.loads(out)
        assert data["text"] == HOSTILE
    elif name == "jsonl":
        (task,) = read_jsonl(out.encode("utf-8"))
        check_task(task)
        assert task["text"] == HOSTILE
    elif name == "csv":
        table = read_csv(out.encode("utf-8"))
        assert table and all(
            unguard(row["text"]) == HOSTILE[int(row["start"]) : int(row["end"])] for row in table
        )
    else:
        article = parse_html(out.encode("utf-8")).find(".//article")
        assert article is not None
        assert shown_text(article) == as_parsed(HOSTILE).replace("\x1b", "␛").replace("\x07", "␇")


# -- HTML and CSV exports of hostile text, through the command line ---------------------------

INJECTION = (
    'Report: <script>alert("x")</script> & Sons said "hi" to O\'Neil.\n'
    '=HYPERLINK("http://evil") and +SUM(1) and -2+3 and @cmd in Paris.\n'
)
INJECTED = ('<script>alert("x")</script>', '=HYPERLINK("http://evil")', "+SUM(1)", "-2+3", "@cmd")


@pytest.fixture
def injection_file(tmp_path: Path) -> tuple[Path, Path]:
    """The text, and a corrections file marking each hostile piece as an entity."""
    path = tmp_path / "injection.txt"
    path.write_bytes(INJECTION.encode("utf-8"))
    document = load(path)
    store = CorrectionStore(tmp_path / "marks.json", source=str(path), sha256=document.sha256)
    for piece in INJECTED:
        start = INJECTION.index(piece)
        store.do(add(INJECTION, start, start + len(piece), "ORG", everywhere=False))
    return path, store.path


def test_exported_html_escapes_the_text(
    injection_file: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, marks = injection_file
    target = tmp_path / "out.html"
    assert (
        main(["export", str(path), "--annotations", str(marks), "-f", "html", "-o", str(target)])
        == 0
    )
    data = target.read_bytes()
    root = parse_html(data)  # strict: any parse error fails
    assert root.find(".//script") is None
    assert b"<script>" not in data
    article = root.find(".//article")
    assert article is not None
    assert shown_text(article) == as_parsed(INJECTION)
    marked = [shown_text(mark) for mark in article.iter("mark")]
    assert set(INJECTED) <= set(marked)


def test_exported_csv_neutralises_formula_cells(
    injection_file: tuple[Path, Path], tmp_path: Path
) -> None:
    path, marks = injection_file
    target = tmp_path / "out.csv"
    assert (
        main(["export", str(path), "--annotations", str(marks), "-f", "csv", "-o", str(target)])
        == 0
    )
    table = read_csv(target.read_bytes())
    for row in table:
        for column in ("entity_id", "entity", "text", "context"):
            assert row[column][:1] not in FORMULA_STARTS, row
    texts = [unguard(row["text"]) for row in table]
    assert set(INJECTED) <= set(texts)
    for row in table:
        assert INJECTION[int(row["start"]) : int(row["end"])] == unguard(row["text"])


# -- very long lines and files ----------------------------------------------------------------


def sample_sentences() -> list[str]:
    text = " ".join(SAMPLE.read_text(encoding="utf-8").split())
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20]


def one_line(size: int) -> str:
    """Sample sentences joined by spaces into a single line of at least ``size`` characters."""
    sentences = sample_sentences()
    pieces: list[str] = []
    length = 0
    while length < size:
        piece = sentences[len(pieces) % len(sentences)]
        pieces.append(piece)
        length += len(piece) + 1
    return " ".join(pieces)


def many_lines(count: int) -> str:
    sentences = sample_sentences()
    return "\n".join(f"{n}: {sentences[n % len(sentences)]}" for n in range(count)) + "\n"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text", [one_line(300_000), many_lines(100_000)], ids=["300KB-line", "100k-lines"]
)
async def test_the_reader_opens_a_huge_text_and_answers_keys(text: str, tmp_path: Path) -> None:
    app = ReaderApp(text_document(text, str(tmp_path / "huge.txt")), None)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = reader(app).article
        await pilot.press("G")
        await pilot.pause()
        assert article.scroll_y == article.max_scroll_y > 1000
        last_row = [row for row in rows(app, article.size.height) if row][-1]
        assert text.rstrip().endswith(last_row)
        assert status(app).endswith("99%")
        await pilot.press("g")
        await pilot.pause()
        assert article.scroll_y == 0
        assert rows(app, 1)[0] == text[: len(rows(app, 1)[0])]


@pytest.fixture(scope="module")
def long_line() -> str:
    """About 40 KB of sample sentences on one line."""
    return one_line(40_000)


def test_small_chunks_lose_no_mention_at_their_edges(
    long_line: str, make_annotator: Callable[..., Annotator]
) -> None:
    def found(cap: int) -> list[Mention]:
        annotator = make_annotator(cap=cap)
        return sorted(m for batch in annotator.annotate(long_line) for m in batch.mentions)

    whole = found(10**6)
    assert len(whole) > 500
    assert found(2000) == whole


def test_export_of_a_long_line_finds_what_one_pass_finds(
    long_line: str,
    make_annotator: Callable[..., Annotator],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "long.txt"
    path.write_text(long_line, encoding="utf-8")
    data = export_json(path, capsys, "--no-cache")
    assert data["text"] == long_line
    whole = make_annotator(cap=10**6)
    raw = [m for batch in whole.annotate(long_line) for m in batch.mentions]
    expected = apply(long_line, raw, []).entities
    assert mentions_of(data) == sorted(
        (m.start, m.end, m.label) for entity in expected for m in entity.mentions
    )


# -- corrupt cache and corrections files ------------------------------------------------------


def _corrupt(path: Path) -> bytes:
    garbage = b'{"format": 1, "labels": ["PERSON"], "mentions": [[0, 9\xff'
    path.write_bytes(garbage)
    return garbage


def test_export_with_a_corrupt_cache_entry_warns_keeps_it_and_succeeds(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export_json(SAMPLE, capsys)
    (entry,) = (cache_dir / "mentions").glob("*.json")
    garbage = _corrupt(entry)
    assert main(["export", str(SAMPLE), "-o", str(tmp_path / "out.json")]) == 0
    err = capsys.readouterr().err.splitlines()
    aside = entry.with_suffix(".corrupt")
    assert err[0].startswith(f"entity-reader: warning: corrupt cache entry moved to {aside}")
    assert err[1].startswith("wrote ")
    assert aside.read_bytes() == garbage
    assert json.loads((tmp_path / "out.json").read_bytes())["entities"] == first["entities"]
    assert entry.exists()  # rebuilt


@pytest.mark.asyncio
async def test_the_reader_with_a_corrupt_cache_entry_notifies_and_opens(
    sample_document: Document, sample_annotator: Annotator, cache_dir: Path
) -> None:
    (entry,) = (cache_dir / "mentions").glob("*.json")
    garbage = _corrupt(entry)
    app = ReaderApp(sample_document, sample_annotator)
    told = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await wait_for(pilot, lambda: screen.annotation_done, "the model to run again")
        assert any(m.startswith("corrupt cache entry moved to") for m in told)
        assert len(screen.entities) > 20
    assert entry.with_suffix(".corrupt").read_bytes() == garbage


def _corrupt_corrections(source: Path) -> tuple[Path, bytes]:
    path = default_path(str(source))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, _corrupt(path)


def test_export_with_a_corrupt_corrections_file_warns_leaves_it_and_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("Angela Merkel met Emmanuel Macron in Paris.\n", encoding="utf-8")
    path, garbage = _corrupt_corrections(source)
    assert main(["export", str(source), "-o", str(tmp_path / "out.json")]) == 0
    (warning, wrote) = capsys.readouterr().err.splitlines()
    assert warning.startswith(f"entity-reader: warning: corrections file {path} is corrupt")
    assert warning.endswith("exported without its corrections")
    assert wrote.startswith("wrote ")
    # An export only reads: the reader is the one to set the file aside, and says so.
    assert path.read_bytes() == garbage
    assert not Path(f"{path}.corrupt").exists()


@pytest.mark.asyncio
async def test_the_reader_with_a_corrupt_corrections_file_notifies_and_opens(
    tmp_path: Path,
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("Angela Merkel met Emmanuel Macron in Paris.\n", encoding="utf-8")
    path, garbage = _corrupt_corrections(source)
    document = load(source)
    app = ReaderApp(document, None, store=open_for(str(source), document.sha256))
    told = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(told) == 1 and f"kept it as {path}.corrupt" in told[0]
        assert rows(app, 1) == ["Angela Merkel met Emmanuel Macron in Paris."]
    assert Path(f"{path}.corrupt").read_bytes() == garbage


# -- missing or broken model ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["reader", "export"])
def test_a_missing_model_is_one_line_saying_how_to_install_one(
    command: str, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Angela Merkel met Emmanuel Macron.\n", encoding="utf-8")
    args = ["--model", "nope", str(path)]
    done = run_binary(*(args if command == "reader" else ["export", *args]))
    line = assert_one_error_line(done, "'nope' is not installed", "pip install")
    assert done.stdout == ""
    assert ("--no-ner" in line) == (command == "reader")


@pytest.fixture
def broken_model(tmp_path: Path) -> Path:
    """A folder that looks like a model (a meta.json) but whose config is garbage."""
    folder = tmp_path / "broken-model"
    folder.mkdir()
    meta = {"lang": "en", "name": "broken", "version": "1.0.0"}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "config.cfg").write_bytes(b"this is [not a config\n\x00\x01")
    return folder


def test_export_with_a_broken_model_is_one_error_line(
    broken_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Angela Merkel met Emmanuel Macron.\n", encoding="utf-8")
    assert main(["export", str(path), "--model", str(broken_model)]) == 1
    captured = capsys.readouterr()
    line = one_error_line(captured.err)
    assert f"spaCy model '{broken_model}' cannot be loaded: Config validation error;" in line
    assert captured.out == ""


@pytest.mark.asyncio
async def test_the_reader_with_a_broken_model_notifies_and_shows_the_text(
    broken_model: Path,
) -> None:
    text = "Angela Merkel met Emmanuel Macron.\n"
    app = ReaderApp(text_document(text, "/nowhere/notes.txt"), Annotator(str(broken_model)))
    told = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await wait_for(pilot, lambda: bool(told), "the model's failure")
        assert "cannot be loaded: Config validation error" in told[0]
        assert screen.query_one("#ner-state", Label).content == "no entities: the model failed"
        assert rows(app, 1) == [text.rstrip("\n")]
        assert screen.entities == []


# -- fuzzing every exporter -------------------------------------------------------------------

AWKWARD = [
    "\r\n", "\n", "\r", " ", "\t", "\u00a0", "\u2028", "\u2029", "\x85", "\x0b", "\x0c",
    "\x00", "\x07", "\x1b[31m", "\x7f", "\ufeff", "\U0001f600", "e\u0301", "\u0301",
    "東京", "שלום", "Barack Obama", "<script>", "&amp;", '"', "=1+1", "-2", "@x", "+3",
]  # fmt: skip
"""Whitespace, controls, astral and combining characters, markup and formula starts."""

PIECES = st.one_of(st.text(max_size=8), st.sampled_from(AWKWARD))


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[Mention]]:
    """Random text, and random (possibly overlapping) spans over it as mentions."""
    text = "".join(draw(st.lists(PIECES, max_size=20)))
    mentions = []
    if text:
        spans = st.tuples(
            st.integers(0, len(text) - 1),
            st.integers(1, 24),
            st.sampled_from(ALL_LABELS),
            st.sampled_from(["model", "user"]),
        )
        for start, length, label, source in draw(st.lists(spans, max_size=8)):
            end = min(len(text), start + length)
            mentions.append(Mention(start, end, label, text[start:end], source))  # type: ignore[arg-type]
    return text, mentions


def check_read_back(name: str, annotations: Annotations) -> None:
    """Read one format's output with the reader it is meant for."""
    text = annotations.document.text
    expected = sorted((m.start, m.end, m.label) for m in annotations.mentions)
    rendered = FORMATS[name].render(annotations, ExportOptions())
    if name == "json":
        data = json.loads(rendered[""])
        jsonschema.validate(data, SCHEMA)
        assert data["text"] == text and mentions_of(data) == expected
    elif name == "jsonl":
        (task,) = read_jsonl(rendered[""])
        check_task(task)  # spans slice the text, tokens cover it
        assert task["text"] == text
    elif name == "doccano":
        (record,) = read_jsonl(rendered[""])
        assert record["text"] == text
        assert sorted(tuple(label) for label in record["label"]) == expected
    elif name == "csv":
        for row in read_csv(rendered[""]):
            assert unguard(row["text"]) == text[int(row["start"]) : int(row["end"])]
    elif name == "conll":
        entities_from_bio(read_conll(rendered[""]))  # checks the tags are BIO
    elif name == "conll-tsv":
        for line in rendered[""].decode("utf-8").split("\n"):
            assert line == "" or len(line.split("\t")) == 2
    elif name == "labelstudio":
        (task,) = json.loads(rendered[""])
        assert task["data"]["text"] == text
        results = task["predictions"][0]["result"]
        assert sorted((r["value"]["start"], r["value"]["end"]) for r in results) == [
            (start, end) for start, end, _ in expected
        ]
    elif name == "brat":
        # brat reads the text with universal newlines, so that is how it is written.
        seen = text.replace("\r\n", "\n").replace("\r", "\n")
        assert rendered[".txt"] == seen.encode("utf-8")
        for line in rendered[".ann"].decode("utf-8").splitlines():
            key, data, tail = line.split("\t", 2)
            if key.startswith("T"):
                spans = [piece.split(" ") for piece in data.split(" ", 1)[1].split(";")]
                assert tail == " ".join(seen[int(s) : int(e)] for s, e in spans)
    elif name == "spacy":
        (doc,) = DocBin().from_bytes(rendered[""]).get_docs(vocab())
        assert doc.text == text
    elif name == "html":
        parse_html(rendered[""])  # strict: any parse error fails
    else:
        raise AssertionError(f"no reader for the {name} format")
    if name in ("jsonl", "doccano"):
        for record in read_jsonl(FORMATS[name].render(annotations, ExportOptions("paragraph"))[""]):
            offset = record["meta"]["offset"] if name == "jsonl" else record["offset"]
            assert text[offset : offset + len(record["text"])] == record["text"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_exporter_writes_what_its_reader_accepts(case: tuple[str, list[Mention]]) -> None:
    text, mentions = case
    assert all(text[m.start : m.end] == m.text for m in mentions)
    # Offsets and grouping themselves are test_properties.py's; here, what exporters make of them.
    annotations = Annotations(text_document(text, "fuzz.txt"), tuple(group(mentions)), "m", "1")
    for name in FORMATS:
        check_read_back(name, annotations)
