"""Hostile text: markup and terminal control sequences in a document are shown and exported
as text, never run (in the reader through the pilot, in exports read back by their consumers),
and every exporter writes what its reader accepts, whatever the text (fuzzed).

Hostile files are in ``test_hostile_inputs``, damaged caches, corrections and models in
``test_hostile_damage``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

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
from hostile_support import (
    SCHEMA,
    SIZE,
    assert_no_raw_controls,
    mentions_of,
    rows,
    screen_text,
    toasts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_support import (
    record_notifications,
    sidebar_names,
    status,
    wait_for,
    wait_panels,
)
from spacy.tokens import DocBin
from textual.pilot import Pilot

from extract.annotations import Annotations
from extract.cache import MentionCache
from extract.categories import ALL_LABELS
from extract.corrections import CorrectionStore, add
from extract.document import load, text_document
from extract.exporters import FORMATS, ExportOptions
from extract.exporters.csv_table import FORMULA_STARTS
from extract.exporters.tokens import vocab
from extract.grouping import group
from extract.model import Mention
from extract.ner import Annotator
from tui.app import ReaderApp
from tui.cli import main
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import StatusBar

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.usefixtures("one_model_load")


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
        assert status(app) == f"{MARKUP_NAME} · Person · mention 1/1 · PERSON"
        await pilot.press("n")
        await pilot.pause(0.2)
        assert told[-1] == f"Wrapped to the first mention of {MARKUP_NAME}."
        # looked at while it is up: a toast times out, and a loaded machine can be slow
        assert f"Wrapped to the first mention of {MARKUP_NAME}." in toasts(app)
        await pilot.press("slash", *"[b]x", "enter")
        await pilot.pause(0.2)
        assert told[-1] == "Not found: [b]x"
        assert screen.query_one(StatusBar).side == "search: [b]x · no match  (n/N)"
        shown = screen_text(app)
        assert f"{MARKUP_NAME}  1" in shown  # the sidebar's line
        assert f"{MARKUP_NAME} · 1" in shown  # the mentions panel's title
        assert f" {MARKUP_NAME} met " in shown  # its keyword-in-context line
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
        assert status(app) == f"{CONTROL_SHOWN} · Person · mention 1/1 · PERSON"
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
