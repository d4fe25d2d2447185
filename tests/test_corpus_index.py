"""The corpus index: its schema and version, two writers and a reader at once, a corrupt or
newer index."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
from pathlib import Path

import pytest
from test_corpus import export
from test_export_cli import MODEL

from extract.corpus_index import SCHEMA_VERSION, CorpusIndex, CorpusIndexError, entity_key
from extract.model import Entity, Mention

pytestmark = pytest.mark.usefixtures("one_model_load")


def entities(text: str, number: int) -> tuple[Entity, ...]:
    mentions = (
        Mention(0, 6, "PERSON", text[0:6], "model", "PERSON"),
        Mention(11, 16, "GPE", text[11:16], "user", "ORG"),
    )
    return (
        Entity(f"e{number}", "Merkel", "person", mentions[:1]),
        Entity(f"p{number}", "Paris", "place", mentions[1:]),
    )


def put(
    index: CorpusIndex,
    path: str,
    found: tuple[Entity, ...] | None = None,
    stat: tuple[int | None, int | None] = (None, None),
) -> None:
    text = "Merkel, in Paris."
    number = int(re.sub(r"\D", "", path) or 0)
    index.put(
        path,
        sha256="0" * 64,
        fmt="text",
        text=text,
        model="en_test",
        model_version="1",
        view_key="v",
        entities=entities(text, number) if found is None else found,
        stat=stat,
    )


def test_a_new_index_has_the_schema_in_wal_mode(tmp_path: Path) -> None:
    with CorpusIndex(tmp_path / "i.sqlite", root="/corpus") as index:
        put(index, "/corpus/a.txt")
        assert index.current("/corpus/a.txt") == ("v", 2, 2)
    db = sqlite3.connect(tmp_path / "i.sqlite")
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert dict(db.execute("SELECT key, value FROM meta"))["root"] == "/corpus"
    rows = db.execute("SELECT label, model_label, source FROM mentions ORDER BY start")
    assert rows.fetchall() == [("PERSON", "PERSON", "model"), ("GPE", "ORG", "user")]
    assert db.execute("SELECT * FROM corpus_entities ORDER BY key").fetchall() == [
        ("person:merkel", "person", "Merkel", 1, 1),
        ("place:paris", "place", "Paris", 1, 1),
    ]


def test_a_document_indexed_again_replaces_what_it_had(tmp_path: Path) -> None:
    with CorpusIndex(tmp_path / "i.sqlite") as index:
        put(index, "/a.txt")
        put(index, "/a.txt")
        index.failed("/b.txt", "no such file")
        db = index._db
        assert db.execute("SELECT count(*) FROM entities").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM texts").fetchone() == (1,)
        assert db.execute("SELECT status, error FROM documents WHERE path = '/b.txt'").fetchone() == ("failed", "no such file")  # fmt: skip
        index.failed("/a.txt", "gone")
        assert db.execute("SELECT count(*) FROM mentions").fetchone() == (0,)
        assert index.current("/a.txt") is None


def test_the_entity_key_folds_names_as_a_document_does() -> None:
    assert entity_key("person", "Dólokhov") == entity_key("person", "DOLOKHOV") == "person:dolokhov"
    assert entity_key("place", "New  York") == "place:new york"
    assert entity_key("person", "Paris") != entity_key("place", "Paris")


def _writer(path: str, first: int, count: int) -> None:
    with CorpusIndex(Path(path)) as index:
        for number in range(first, first + count):
            put(index, f"/corpus/{number}.txt")


def test_two_writers_and_a_reader_share_an_index(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    CorpusIndex(path).close()
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM documents").fetchone()  # a read transaction held open
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(path), n * 100, 60)) for n in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(180)
        assert writer.exitcode == 0
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == (120,)
    assert reader.execute("SELECT count(*) FROM mentions").fetchone() == (240,)
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_index_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    CorpusIndex(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(CorpusIndexError, match="written by a newer entity-reader"):
        CorpusIndex(path)
    assert path.exists()  # left as it is


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_index_is_set_aside_and_rebuilt(
    damage: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    path = tmp_path / "index.sqlite"
    if damage == "garbage":
        path.write_bytes(b"this is no database\n" * 100)
    else:
        with CorpusIndex(path) as index:
            for number in range(300):
                put(index, f"/corpus/{number}.txt")
        data = path.read_bytes()
        path.write_bytes(data[:4096] + b"\xff" * 4096 + data[8192:])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Angela Merkel in Paris.\n", encoding="utf-8")
    assert export(tmp_path / "in", "--out-dir", tmp_path / "out", "--index", path) == 0
    err = capsys.readouterr().err
    assert "entity-reader: warning: the index was corrupt (" in err
    assert f"moved to {path}.corrupt, rebuilt" in err
    assert (tmp_path / "index.sqlite.corrupt").exists()
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_a_newer_index_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    path = tmp_path / "newer.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Angela Merkel in Paris.\n", encoding="utf-8")
    assert export(tmp_path / "in", "--out-dir", tmp_path / "out", "--index", path) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"entity-reader: error: the index {path} was written by a newer entity-reader "
        f"(schema 99, this one reads {SCHEMA_VERSION}): upgrade, or give another --index"
    )


def _counts(db: sqlite3.Connection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The corpus-wide counts the triggers keep, and the same counted from the entities."""
    kept = db.execute("SELECT * FROM corpus_keys ORDER BY key").fetchall()
    kept += db.execute("SELECT * FROM corpus_names ORDER BY key, name").fetchall()
    counted = db.execute(
        "SELECT key, category, count(DISTINCT document), sum(e.mentions), min(path) "
        "FROM entities AS e JOIN documents AS d ON d.id = e.document GROUP BY key ORDER BY key"
    ).fetchall()
    counted += db.execute(
        "SELECT key, name, count(*) FROM entities GROUP BY key, name ORDER BY key, name"
    ).fetchall()
    return kept, counted


def test_an_index_of_version_1_is_migrated(tmp_path: Path) -> None:
    from extract.corpus_schema import MIGRATIONS, statements

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    for statement in statements(MIGRATIONS[1]):
        old.execute(statement)
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO documents (id, path, status, entities, mentions, indexed_at) VALUES (1, '/c/a.txt', 'done', 2, 3, 'then')")  # fmt: skip
    old.execute("INSERT INTO entities VALUES (1, 1, 'e1', 'Merkel', 'person', 'person:merkel', 2)")
    old.execute("INSERT INTO entities VALUES (2, 1, 'p1', 'Paris', 'place', 'place:paris', 1)")
    for row in ((1, 1, 1, 20, 26), (2, 1, 1, 0, 6), (3, 1, 2, 11, 16)):
        old.execute(
            "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, 'x', 'PERSON', NULL, 'model')", row
        )
    old.commit()
    old.close()

    with CorpusIndex(path) as index:
        db = index._db
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        firsts = db.execute("SELECT id, first_start, first_end FROM entities ORDER BY id")
        assert firsts.fetchall() == [(1, 0, 6), (2, 11, 16)]
        assert db.execute("SELECT size, mtime_ns FROM documents").fetchall() == [(None, None)]
        assert db.execute("SELECT * FROM corpus_entities ORDER BY key").fetchall() == [
            ("person:merkel", "person", "Merkel", 1, 2),
            ("place:paris", "place", "Paris", 1, 1),
        ]
        put(index, "/c/b.txt")  # the triggers count what is added from now on
        kept, counted = _counts(db)
        assert kept == counted
        assert db.execute("SELECT documents FROM corpus_keys WHERE key = 'person:merkel'").fetchone() == (2,)  # fmt: skip


def test_the_corpus_wide_counts_follow_every_change(tmp_path: Path) -> None:
    with CorpusIndex(tmp_path / "i.sqlite") as index:
        db = index._db
        for number in range(4):
            put(index, f"/c/{number}.txt")
        put(index, "/c/1.txt")  # indexed again: replaced, not counted twice
        index.failed("/c/2.txt", "gone bad")
        merkel = entities("Merkel, in Paris.", 9)
        put(
            index,
            "/c/9.txt",
            (*merkel, Entity("e9b", "MERKEL", "person", merkel[0].mentions)),
            (17, 123),
        )
        kept, counted = _counts(db)
        assert kept == counted
        merkel = db.execute("SELECT * FROM corpus_entities WHERE key = 'person:merkel'").fetchone()
        assert merkel == ("person:merkel", "person", "Merkel", 4, 5)  # 0, 1, 3 and 9 (twice)
        assert db.execute("SELECT size, mtime_ns FROM documents WHERE path = '/c/9.txt'").fetchone() == (17, 123)  # fmt: skip
        index.prune(["/c"], lambda path: path == "/c/0.txt")
        kept, counted = _counts(db)
        assert kept == counted
        assert db.execute("SELECT key, documents, mentions FROM corpus_keys").fetchall() == [
            ("person:merkel", 1, 1),
            ("place:paris", 1, 1),
        ]
