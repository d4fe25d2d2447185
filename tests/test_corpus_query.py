"""The corpus index read for the corpus reader: its entities grouped across documents by the
rules of one document, their documents, passages, full-text search."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from extract.corpus_groups import KeyRow, group_keys
from extract.corpus_index import CorpusIndex, entity_key
from extract.corpus_query import MARK, UNMARK, CorpusQuery, fts_query, relink
from extract.model import Entity, Mention


def row(name: str, category: str, documents: int, mentions: int, first: str = "/c/a") -> KeyRow:
    return KeyRow(entity_key(category, name), category, name, documents, mentions, first)


def grouped(*rows: KeyRow) -> dict[str, tuple[str, ...]]:
    return {entity.name: entity.keys for entity in group_keys(rows)}


def test_keys_are_grouped_by_the_rules_of_one_document() -> None:
    groups = grouped(
        row("Angela Merkel", "person", 40, 90),
        row("Merkel", "person", 3, 4),
        row("United Nations", "organisation", 12, 20),
        row("UN", "organisation", 5, 9),
        row("Merkel", "place", 1, 1),  # another category: another thing
    )
    assert groups == {
        "Angela Merkel": ("person:angela merkel", "person:merkel"),
        "United Nations": ("organisation:united nations", "organisation:un"),
        "Merkel": ("place:merkel",),
    }
    # A surname two people share, equally often, stays apart; so do Mrs and Miss.
    assert grouped(
        row("Anna Rossi", "person", 5, 9),
        row("Marco Rossi", "person", 5, 8),
        row("Rossi", "person", 2, 2),
        row("Mrs. Bennet", "person", 3, 30),
        row("Miss Bennet", "person", 2, 20),
    ) == {
        "Anna Rossi": ("person:anna rossi",),
        "Marco Rossi": ("person:marco rossi",),
        "Rossi": ("person:rossi",),
        "Mrs. Bennet": ("person:mrs. bennet",),
        "Miss Bennet": ("person:miss bennet",),
    }


def entities_of(text: str, names: dict[str, str]) -> tuple[Entity, ...]:
    """An entity per name, with a mention wherever it stands in ``text`` (not inside a longer
    name's)."""
    found = []
    taken: list[tuple[int, int]] = []
    for name, category in sorted(names.items(), key=lambda item: -len(item[0])):
        spans = [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
        spans = [(s, e) for s, e in spans if not any(s < b and a < e for a, b in taken)]
        taken.extend(spans)
        label = {"person": "PERSON", "place": "GPE", "organisation": "ORG"}[category]
        mentions = tuple(Mention(s, e, label, text[s:e]) for s, e in spans)
        found.append(Entity(f"{category}:{name}", name, category, mentions))
    return tuple(found)


DOCUMENTS = {
    "/c/a.txt": (
        "Angela Merkel flew to Paris. Angela Merkel spoke.",
        {"Angela Merkel": "person", "Paris": "place"},
    ),
    "/c/b.txt": (
        "In Paris, Merkel met Angela Merkel's aides.",
        {"Merkel": "person", "Angela Merkel": "person", "Paris": "place"},
    ),
    "/c/c.txt": (
        "Merkel was not there; the air strike was in Mosul.",
        {"Merkel": "person", "Mosul": "place"},
    ),
    "/c/d.txt": (
        "Angela Merkel left. Angela Merkel came back to Berlin.",
        {"Angela Merkel": "person", "Berlin": "place"},
    ),
}


def index_of(path: Path, documents: dict[str, tuple[str, dict[str, str]]]) -> Path:
    with CorpusIndex(path) as index:
        for name, (text, names) in documents.items():
            index.put(
                name,
                sha256="0" * 64,
                fmt="text",
                text=text,
                model="m",
                model_version="1",
                view_key="v",
                entities=entities_of(text, names),
                stat=(len(text), 1),
            )
    return path


def test_the_corpus_entities_use_the_links_kept_and_count_each_document_once(
    tmp_path: Path,
) -> None:
    path = index_of(tmp_path / "i.sqlite", DOCUMENTS)
    query = CorpusQuery(path)
    assert [d.path for d in query.documents()] == list(DOCUMENTS)
    assert not query.links_current()
    alone = {e.name: (e.documents, e.mentions) for e in query.entities()}
    assert alone["Angela Merkel"] == (3, 5) and alone["Merkel"] == (2, 2)
    assert relink(path) == 1
    assert query.links_current()
    merkel = next(e for e in query.entities() if e.name == "Angela Merkel")
    assert merkel.keys == ("person:angela merkel", "person:merkel")
    assert (merkel.documents, merkel.mentions, merkel.first) == (4, 7, "/c/a.txt")  # b once
    assert merkel.folded == "angela merkel\nmerkel"
    assert [o.path for o in query.occurrences(merkel.keys)] == list(DOCUMENTS)
    b = query.occurrences(merkel.keys)[1]
    assert (b.start, b.end, b.mentions) == (10, 16, 2)  # its first mention of either name
    assert query.passage(b.document, b.start, b.end, 10) == "In Paris, Merkel met Angel"
    assert query.forms(merkel.keys) == ("angela merkel", "merkel")
    assert query.documents_of(("place:paris",)) == {"/c/a.txt", "/c/b.txt"}
    # A document with a new key: the links are stale, the new key stands alone meanwhile.
    with CorpusIndex(path) as index:
        text, names = "Merkel in Kyiv.", {"Merkel": "person", "Kyiv": "place"}
        index.put("/c/e.txt", sha256="1" * 64, fmt="text", text=text, model="m",
                  model_version="1", view_key="v", entities=entities_of(text, names))  # fmt: skip
    assert not query.links_current()
    names = {e.name for e in query.entities()}
    assert "Kyiv" in names and "Merkel" not in names  # still joined, by the link kept
    query.close()


def test_search_finds_documents_by_their_words_and_the_match_in_each(tmp_path: Path) -> None:
    path = index_of(tmp_path / "i.sqlite", DOCUMENTS)
    query = CorpusQuery(path)
    (hit,) = query.search("air strike")
    assert hit.path == "/c/c.txt"
    assert f"{MARK}air{UNMARK} {MARK}strike{UNMARK}" in hit.snippet
    text = DOCUMENTS["/c/c.txt"][0]
    start, end = query.match_in(hit.document, "air strike") or (0, 0)
    assert text[start:end] == "air"
    assert [h.path for h in query.search('"angela merkel" paris')] == ["/c/a.txt", "/c/b.txt"]
    assert query.search('"unbalanced') == []  # never FTS5 syntax
    assert query.search("   ") == []
    assert fts_query('say "no more" AND x*') == '"say" "no more" "AND" "x*"'
    query.close()


class _WithoutJson(sqlite3.Connection):
    """A connection to an SQLite built without its JSON functions."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if "json_" in sql:
            raise sqlite3.OperationalError("no such function: json_group_array")
        return super().execute(sql, *args)


def test_an_sqlite_without_json_reads_the_same_row_by_row(tmp_path: Path) -> None:
    path = index_of(tmp_path / "i.sqlite", DOCUMENTS)
    relink(path)
    query = CorpusQuery(path)
    plain = CorpusQuery(path)
    plain._db.close()
    plain._db = sqlite3.connect(path, factory=_WithoutJson)
    assert plain.documents() == query.documents()
    assert [d.path for d in plain.documents()] == list(DOCUMENTS)
    assert plain.keys() == query.keys()
    assert plain.entities() == query.entities()
    assert any(len(e.keys) > 1 for e in plain.entities())  # the links were read too
    query.close()
    plain.close()
