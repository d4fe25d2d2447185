"""Hostile input files: what is not text, empty files, every encoding and line end, wide,
combining and right-to-left characters, very long lines and files. Each gets one clear line,
or opens and exports exactly."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from faults import refuse_open
from hostile_support import (
    PNG,
    SIZE,
    export_json,
    mentions_of,
    rows,
    run_binary,
)
from reader_support import (
    reader,
    record_notifications,
    status,
    wait_for,
)
from rich.cells import cell_len
from sample import SAMPLE
from test_cli import assert_one_error_line
from test_export_cli import one_error_line

from extract.cache import MentionCache
from extract.corrections import apply
from extract.document import load, text_document
from extract.model import Mention
from extract.ner import Annotator
from tui.app import ReaderApp
from tui.cli import main
from tui.widgets.bars import TopBar

pytestmark = pytest.mark.usefixtures("one_model_load")


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
    "directory": (_directory, "is a directory"),  # export: with --out-dir it reads the folder
    "png": (_png, "looks binary"),
    "nul-bytes": (_nul_bytes, "looks binary"),
}


@pytest.mark.parametrize("command", ["reader", "export"])
@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_a_file_that_is_not_text_is_one_error_line(kind: str, command: str, tmp_path: Path) -> None:
    make, why = NOT_TEXT[kind]
    if (kind, command) == ("directory", "reader"):  # read as a corpus: an empty one
        why = "holds no documents"
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
        assert screen.query_one(TopBar).state.startswith("0 entities")
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
        ner_state = reader(app).query_one(TopBar).state
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
        assert status(app).endswith("100%")
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
