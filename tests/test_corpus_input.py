"""Bad input to ``entity-reader FOLDER``: documents changed or deleted since they were indexed
(marked, then read again), binary files (listed as failed, the rest open), and what cannot
work at all (an empty folder, an index of a newer version, options of one file): one line."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from corpus_support import lines, make_session, open_corpus, settle, write_articles
from reader_support import wait_for

from extract.corpus_index import CorpusIndex
from tui.cli import main
from tui.screens.corpus_reader import CorpusReaderScreen
from tui.widgets.corpus_lists import DocumentList


@pytest.mark.asyncio
async def test_changed_deleted_and_binary_documents(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    index = tmp_path / "index.sqlite"
    async with open_corpus(make_session(folder, index)) as run:
        await settle(run)

    (folder / "b.txt").write_text("Angela Merkel flew to Warsaw.\n", encoding="utf-8")
    (folder / "d.txt").unlink()
    (folder / "e.txt").write_bytes(b"\x00\x01\x02 not text \x00\xff" * 40)
    (folder / "f.txt").write_text("Emmanuel Macron in Madrid.\n", encoding="utf-8")
    session = make_session(folder, index, held=True)  # the marks show before the model ends
    async with open_corpus(session) as run:
        documents = run.screen.query_one(DocumentList)
        await wait_for(run.pilot, lambda: run.screen.corpus.document(str(folder / "b.txt")).status == "changed", "b marked")  # type: ignore[union-attr]  # fmt: skip
        statuses = {d.name: d.status for d in run.screen.corpus.documents}
        assert statuses == {"a.txt": "done", "b.txt": "changed", "c.txt": "done", "d.txt": "gone", "e.txt": "pending", "f.txt": "pending"}  # fmt: skip
        shown = {line.split()[0]: line for line in lines(documents)}
        assert shown["b.txt"].endswith("· changed") and shown["d.txt"].endswith("· deleted")
        assert str(run.screen.query_one("#corpus-state").content) == "annotating 0/3"
        session.annotator.recognizer.go.set()  # type: ignore[attr-defined]
        await settle(run)
        statuses = {d.name: d.status for d in run.screen.corpus.documents}
        assert statuses == {"a.txt": "done", "b.txt": "done", "c.txt": "done", "d.txt": "gone", "e.txt": "failed", "f.txt": "done"}  # fmt: skip
        shown = {line.split()[0]: line for line in lines(documents)}
        assert "failed" in shown["e.txt"]
        state = str(run.screen.query_one("#corpus-state").content)
        assert state == "4 documents indexed · 1 failed"
        named = {e.name: e.documents for e in run.screen.corpus.entities}
        assert named["Emmanuel Macron"] == 2  # c and f: b no longer names him, d is gone
        assert named["Warsaw"] == 1 and named["Angela Merkel"] == 2

        await run.pilot.press("shift+tab")
        documents.move_to(str(folder / "e.txt"))
        await run.pilot.pause()
        where = str(run.screen.query_one("#corpus-where").content)
        assert where.startswith("e.txt · 600 B · failed: ") and "binary" in where
        documents.move_to(str(folder / "d.txt"))
        await run.pilot.press("enter")
        assert "d.txt was deleted from the folder." in run.told
        documents.move_to(str(folder / "b.txt"))
        await run.pilot.press("enter")
        await wait_for(run.pilot, lambda: isinstance(run.app.screen, CorpusReaderScreen), "b.txt")


def test_a_folder_of_nothing_readable_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    assert main([str(empty)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"entity-reader: error: {empty} holds no documents (") and error.count("\n") == 1  # fmt: skip


def test_an_index_of_a_newer_version_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_articles(tmp_path / "news")
    index = tmp_path / "index.sqlite"
    CorpusIndex(index).close()
    db = sqlite3.connect(index)
    db.execute("PRAGMA user_version = 99")
    db.close()
    assert main([str(folder), "--index", str(index)]) == 1
    error = capsys.readouterr().err
    assert "written by a newer entity-reader" in error and error.count("\n") == 1


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--no-ner"], "--no-ner applies to one FILE, not to a folder"),
        (["--annotations", "x.json"], "--annotations applies to one FILE, not to a folder"),
        (["--scheduler", "tcp://h:1", "--jobs", "2"], "--jobs sets the workers of a cluster"),
    ],
)
def test_options_of_one_file_are_refused_for_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], said: str
) -> None:
    folder = write_articles(tmp_path / "news")
    assert main([str(folder), *options]) == 1
    assert said in capsys.readouterr().err


def test_index_and_backend_are_for_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_articles(tmp_path / "news")
    assert main([str(folder / "a.txt"), "--backend", "dask"]) == 1
    assert "--index, --backend and --scheduler apply to a FOLDER" in capsys.readouterr().err


def test_the_corpus_screen_needs_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_articles(tmp_path / "news")
    assert main([str(folder), "--index", str(tmp_path / "i.sqlite")]) == 1
    assert "terminal" in capsys.readouterr().err
    assert os.path.exists(tmp_path / "i.sqlite")  # checked (and made) before the terminal
