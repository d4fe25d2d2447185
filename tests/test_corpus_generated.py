"""The corpus screen on a generated corpus of hundreds of documents: pending documents read in
the background (the one read last first) with the lists following as they are indexed, lists
drawn a screenful at a time, counts that agree with the files, and the export of the whole
corpus from the screen."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from corpus_support import (
    HeldRecognizer,
    generate,
    generated_words,
    lines,
    make_session,
    open_corpus,
    settle,
    write_articles,
)
from reader_support import wait_for
from textual.widgets import Input

from extract.corpus_rules import open_rules
from extract.corrections import Correction
from extract.document import load
from extract.positions import Positions
from tui.screens.corpus_export import CorpusExportScreen
from tui.widgets.corpus_lists import DocumentList, EntityList

pytestmark = pytest.mark.asyncio

DOCUMENTS = 400


async def test_a_generated_corpus_fills_in_live_and_lists_what_the_files_say(
    tmp_path: Path,
) -> None:
    folder = generate(tmp_path / "wire", DOCUMENTS)
    index = tmp_path / "index.sqlite"
    read_last = folder / "north" / "item-00321.txt"
    Positions().put(str(read_last), load(str(read_last)).sha256, 0)
    session = make_session(folder, index, generated_words(), held=True)
    recognizer = session.annotator.recognizer
    assert isinstance(recognizer, HeldRecognizer)
    recognizer.pause = 0.3  # each batch (of 32 such documents) takes a while
    async with open_corpus(session, size=(120, 30)) as run:
        screen = run.screen
        documents = screen.query_one(DocumentList)
        await wait_for(run.pilot, lambda: screen.corpus.counts.get("pending") == DOCUMENTS, "pending")  # fmt: skip
        assert len(documents.rows) == DOCUMENTS
        assert len(documents._drawn) <= documents.size.height  # only the rows on screen
        recognizer.go.set()

        def partly() -> bool:
            counts = screen.corpus.counts
            return 0 < counts.get("done", 0) < DOCUMENTS and len(screen.corpus.entities) > 0

        await wait_for(run.pilot, partly, "a load with some documents indexed", timeout=60)
        await settle(run, timeout=120)
        assert screen.corpus.counts == {"done": DOCUMENTS}

        texts = {path: path.read_text(encoding="utf-8") for path in folder.rglob("*.txt")}
        found = {entity.name: entity for entity in screen.corpus.entities}
        assert sum(1 for e in found.values() if e.category == "person") <= 80
        assert found["Hanoi"].documents == sum("Hanoi" in text for text in texts.values())
        assert found["Hanoi"].mentions == sum(text.count("Hanoi") for text in texts.values())

        await run.pilot.press("f", *"hanoi", "enter")
        rows = screen.query_one(EntityList)
        assert [line.split()[:2] for line in lines(rows)] == [["▾", "Places"], ["Hanoi", str(found["Hanoi"].documents)]]  # fmt: skip
        await run.pilot.press("f", "escape", "tab", "G")
        assert documents.cursor == DOCUMENTS - 1
        assert len(documents._drawn) <= 2 * documents.size.height  # the top and the bottom

    db = sqlite3.connect(index)
    first = db.execute("SELECT path FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    assert first == str(read_last)  # the document read last was read first


async def test_the_whole_corpus_exported_from_the_screen(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    open_rules(str(folder)).do(
        Correction("relabel", label="ORG", forms=("emmanuel macron", "macron"), category="person")
    )
    out = tmp_path / "exported"
    async with open_corpus(make_session(folder, tmp_path / "index.sqlite")) as run:
        await settle(run)
        await run.pilot.press("e")
        await wait_for(run.pilot, lambda: isinstance(run.app.screen, CorpusExportScreen), "the dialog")  # fmt: skip
        dialog = run.app.screen
        assert dialog.query_one("#export-path", Input).value == str(tmp_path / "news-json")
        dialog.query_one("#export-path", Input).value = str(out)
        await run.pilot.press("enter")  # on the format (json)
        await wait_for(run.pilot, lambda: run.app.screen is run.screen, "the export", timeout=60)
        assert f"Exported 4 documents into {out}." in run.told
        await settle(run)

    written = sorted(p.name for p in out.iterdir())
    assert written == ["a.json", "b.json", "c.json", "d.json", "entity-reader.manifest.jsonl"]
    b = json.loads((out / "b.json").read_text(encoding="utf-8"))
    categories = {e["name"]: e["category"] for e in b["entities"]}
    assert categories["Emmanuel Macron"] == "organisation"  # the corpus rule, as on screen


async def test_in_a_browser_the_corpus_export_is_one_zip_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_articles(tmp_path / "news")
    delivered: list[tuple[str, bytes, str]] = []
    async with open_corpus(make_session(folder, tmp_path / "index.sqlite")) as run:
        app = run.app
        monkeypatch.setattr(type(app), "is_web", property(lambda self: True))

        def deliver(data: io.BytesIO, *, save_filename: str, mime_type: str) -> None:
            delivered.append((save_filename, data.getvalue(), mime_type))

        monkeypatch.setattr(app, "deliver_binary", deliver)
        await settle(run)
        await run.pilot.press("e")
        await wait_for(run.pilot, lambda: isinstance(app.screen, CorpusExportScreen), "the dialog")
        assert app.screen.query_one("#export-path", Input).value == "news-json.zip"
        await run.pilot.press("enter")
        await wait_for(run.pilot, lambda: bool(delivered), "the download", timeout=60)
        await wait_for(run.pilot, lambda: app.screen is run.screen, "the dialog to close")
        assert "Exported 4 documents: news-json.zip is downloading." in run.told
    [(name, data, kind)] = delivered
    assert (name, kind) == ("news-json.zip", "application/zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == [
            "a.json", "b.json", "c.json", "d.json", "entity-reader.manifest.jsonl"
        ]  # fmt: skip
        b = json.loads(archive.read("b.json"))
    assert b["text"] == (folder / "b.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "news-json").exists()  # nothing left beside the corpus
