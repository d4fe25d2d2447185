"""Damaged surroundings: a corrupt cache entry or corrections file, a missing or broken model.
The reader notifies and opens, export warns or fails with one line; nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_support import (
    SIZE,
    export_json,
    rows,
    run_binary,
)
from reader_support import (
    reader,
    record_notifications,
    wait_for,
)
from sample import SAMPLE
from test_cli import assert_one_error_line
from test_export_cli import one_error_line

from extract.corrections import default_path, open_for
from extract.document import Document, load, text_document
from extract.ner import Annotator
from tui.app import ReaderApp
from tui.cli import main
from tui.widgets.bars import TopBar

pytestmark = pytest.mark.usefixtures("one_model_load")


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
        assert screen.query_one(TopBar).state == "no entities: the model failed"
        assert rows(app, 1) == [text.rstrip("\n")]
        assert screen.entities == []
