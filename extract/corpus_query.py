"""The corpus index read: what the corpus reader lists, and the links between keys.

`CorpusQuery` reads an index (written by `extract.corpus_index.CorpusIndex`, perhaps while it
reads): the documents, the corpus's entities (`extract.corpus_groups`), the documents of an
entity with the place of its first mention, a keyword-in-context line, full-text search. It
never writes. `relink` computes the links between keys that name one entity and keeps them in
the index, with the counts they were computed from: a reader uses the links kept (they hold
until the corpus gains or loses keys) and asks for them again when they are stale.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, replace
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from extract.corpus_groups import CorpusEntity, KeyRow, combined, group_keys
from extract.names import fold

BUSY_TIMEOUT = 120.0
"""Seconds a read waits for a writer holding the database (checkpoints)."""


class DocumentRow(NamedTuple):
    """A document as the index knows it (a named tuple: a corpus's ten thousand are made in
    a few milliseconds)."""

    id: int
    path: str
    status: str
    """done or failed."""
    error: str | None
    length: int
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    view_key: str | None
    model: str | None
    model_version: str | None
    entities: int
    mentions: int


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One document naming an entity: where the first of its mentions there is, how many."""

    document: int
    path: str
    start: int
    end: int
    mentions: int


@dataclass(frozen=True, slots=True)
class Hit:
    """A document a full-text search found, with a passage around the match."""

    document: int
    path: str
    snippet: str
    """The passage, the matched words between U+0001 and U+0002."""


_CHUNK = 500
"""Keys asked for in one query (SQLite takes a limited number of parameters)."""

MARK, UNMARK = "\x01", "\x02"
"""Around the matched words in a `Hit`'s snippet."""


def fts_query(words: str) -> str:
    """A full-text query from what a reader types: every word must be there, a "quoted
    phrase" as it is; nothing typed is read as FTS5 syntax."""
    parts = re.findall(r'"([^"]*)"|(\S+)', words)
    terms = [phrase or word for phrase, word in parts]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms if term.strip())


class CorpusQuery:
    """Reads a corpus index (see the module's description); use it on one thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        self._db.execute("PRAGMA query_only = ON")

    def close(self) -> None:
        self._db.close()

    def version(self) -> int:
        """Changes each time another connection commits a write (a document indexed)."""
        (value,) = self._db.execute("PRAGMA data_version").fetchone()
        return int(value)

    def _table(self, columns: str, rest: str) -> list[list[Any]]:
        """Every row of ``SELECT columns FROM rest``, in no particular order, read in one
        step: SQLite makes one JSON array of them. Read row by row, each row would let the
        UI thread take the interpreter for a while, and a corpus of ten thousand documents
        would wait that long ten thousand times."""
        try:
            (found,) = self._db.execute(
                f"SELECT json_group_array(json_array({columns})) FROM {rest}"
            ).fetchone()
        except sqlite3.OperationalError as error:  # an SQLite built without JSON
            if "json" not in str(error):
                raise
            return [list(row) for row in self._db.execute(f"SELECT {columns} FROM {rest}")]
        rows: list[list[Any]] = json.loads(found)
        return rows

    def documents(self) -> list[DocumentRow]:
        """Every document, in path order."""
        rows = self._table(
            "id, path, status, error, coalesce(length, 0), size, mtime_ns, sha256, view_key, "
            "model, model_version, entities, mentions",
            "documents",
        )
        return sorted(map(DocumentRow._make, rows), key=attrgetter("path"))

    def keys(self) -> list[KeyRow]:
        """Every key with its most frequent name and its counts, in key order."""
        names = dict(
            self._table(
                "key, name",
                "(SELECT key, name, row_number() OVER (PARTITION BY key ORDER BY entities DESC, "
                "name) AS place FROM corpus_names) WHERE place = 1",
            )
        )
        rows = self._table("key, category, documents, mentions, first_path", "corpus_keys")
        rows.sort(key=itemgetter(0))
        return [
            KeyRow(key, category, names.get(key, key.partition(":")[2]), docs, mentions, first)
            for key, category, docs, mentions, first in rows
        ]

    def fingerprint(self) -> str:
        """What the links depend on: the keys and how often each is written."""
        count, mentions, total = self._db.execute(
            "SELECT count(*), coalesce(sum(mentions), 0), coalesce(sum(length(key)), 0) "
            "FROM corpus_keys"
        ).fetchone()
        return f"{count}:{mentions}:{total}"

    def key_count(self) -> int:
        """How many keys the corpus has."""
        (count,) = self._db.execute("SELECT count(*) FROM corpus_keys").fetchone()
        return int(count)

    def row(self, path: str) -> DocumentRow | None:
        """A document as the index knows it (by the name the index gives it)."""
        found = self._db.execute(
            "SELECT id, path, status, error, coalesce(length, 0), size, mtime_ns, sha256, "
            "view_key, model, model_version, entities, mentions FROM documents WHERE path = ?",
            (path,),
        ).fetchone()
        return None if found is None else DocumentRow(*found)

    def links_current(self) -> bool:
        """Whether the links kept were computed from the keys the index holds now."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'linked'").fetchone()
        return row is not None and row[0] == self.fingerprint()

    def entities(self) -> list[CorpusEntity]:
        """The corpus's entities: its keys, grouped by the links kept (a key the links do not
        know yet stands alone), each group's documents counted once."""
        rows = {row.key: row for row in self.keys()}
        roots = dict(self._table("key, root", "corpus_links"))
        members: dict[str, list[KeyRow]] = defaultdict(list)
        for key, row in rows.items():
            root = roots.get(key, key)
            members[root if root in rows else key].append(row)
        groups = [combined(rows[root], found) for root, found in members.items()]
        several = {g.key: g for g in groups if len(g.keys) > 1}
        if several:
            counts = self._group_documents(several)
            groups = [replace(g, documents=counts.get(g.key, g.documents)) for g in groups]
        return groups

    def _group_documents(self, groups: dict[str, CorpusEntity]) -> dict[str, int]:
        root_of = {key: root for root, group in groups.items() for key in group.keys}
        seen: dict[str, set[int]] = defaultdict(set)
        keys = list(root_of)
        for first in range(0, len(keys), _CHUNK):
            chunk = keys[first : first + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, document FROM entities WHERE key IN ({marks})", chunk
            )
            for key, document in rows:
                seen[root_of[key]].add(document)
        return {root: len(documents) for root, documents in seen.items()}

    def occurrences(self, keys: tuple[str, ...]) -> list[Occurrence]:
        """The documents naming any of ``keys``, in path order, each with its first mention
        of them and how many mentions it has."""
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            "SELECT e.document, d.path, e.first_start, e.first_end, e.mentions "
            f"FROM entities AS e JOIN documents AS d ON d.id = e.document WHERE e.key IN ({marks}) "
            "ORDER BY d.path, e.first_start",
            keys,
        )
        found: dict[int, Occurrence] = {}
        for document, path, start, end, mentions in rows:
            seen = found.get(document)
            if seen is None:
                found[document] = Occurrence(document, path, start or 0, end or 0, mentions)
            else:
                found[document] = replace(seen, mentions=seen.mentions + mentions)
        return list(found.values())

    def passage(self, document: int, start: int, end: int, reach: int) -> str:
        """The text from ``reach`` characters before ``start`` to as many after ``end``."""
        low = max(0, start - reach)
        row = self._db.execute(
            "SELECT substr(text, ?, ?) FROM texts WHERE rowid = ?",
            (low + 1, end + reach - low, document),
        ).fetchone()
        return "" if row is None else str(row[0])

    def forms(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The folded texts of every mention of ``keys`` in the corpus: how a corpus rule
        names the entity (`extract.edits.forms_of` for one document)."""
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            "SELECT DISTINCT m.text FROM mentions AS m JOIN entities AS e ON e.id = m.entity "
            f"WHERE e.key IN ({marks})",
            keys,
        )
        return tuple(sorted({fold(text) for (text,) in rows}))

    def labels(self) -> set[str]:
        """Every label the corpus's mentions have."""
        return {str(label) for (label,) in self._db.execute("SELECT DISTINCT label FROM mentions")}

    def documents_of(self, keys: tuple[str, ...]) -> set[str]:
        """The paths of the documents naming any of ``keys``."""
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            "SELECT DISTINCT d.path FROM entities AS e JOIN documents AS d ON d.id = e.document "
            f"WHERE e.key IN ({marks})",
            keys,
        )
        return {str(path) for (path,) in rows}

    def holding(self, query: str) -> set[int]:
        """The documents whose text matches a full-text query (`fts_query`)."""
        if not query:
            return set()
        rows = self._db.execute("SELECT rowid FROM texts WHERE texts MATCH ?", (query,))
        return {int(document) for (document,) in rows}

    def meta(self, key: str) -> str | None:
        """A value of the index's ``meta`` table."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def search(self, words: str, limit: int = 500) -> list[Hit]:
        """The documents holding every word typed (FTS5), best first, with a passage."""
        query = fts_query(words)
        if not query:
            return []
        rows = self._db.execute(
            f"SELECT t.rowid, d.path, snippet(texts, 0, '{MARK}', '{UNMARK}', '…', 16) "
            "FROM texts AS t JOIN documents AS d ON d.id = t.rowid "
            "WHERE texts MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [Hit(int(document), str(path), str(snippet)) for document, path, snippet in rows]

    def match_in(self, document: int, words: str) -> tuple[int, int] | None:
        """Where the first match of a search is in a document's text (offsets into it)."""
        query = fts_query(words)
        if not query:
            return None
        row = self._db.execute(
            f"SELECT highlight(texts, 0, '{MARK}', '{UNMARK}') FROM texts "
            "WHERE texts MATCH ? AND rowid = ?",
            (query, document),
        ).fetchone()
        if row is None or MARK not in row[0]:
            return None
        marked: str = row[0]
        start = marked.index(MARK)
        end = marked.index(UNMARK, start) - 1
        return start, end


def relink(path: Path) -> int:
    """Compute the links between the keys of an index (`extract.corpus_groups.group_keys`) and
    keep them there, with the fingerprint of the keys they were computed from; return how many
    keys joined another. Its own connection: run it in a thread or a process of its own."""
    query = CorpusQuery(path)
    try:
        fingerprint = query.fingerprint()
        groups = group_keys(query.keys())
    finally:
        query.close()
    links = [(key, group.key) for group in groups for key in group.keys[1:]]
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM corpus_links")
        db.executemany("INSERT INTO corpus_links VALUES (?, ?)", links)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('linked', ?)", (fingerprint,))
        db.execute("COMMIT")
    finally:
        db.close()
    return len(links)


def relink_if_stale(path: Path) -> bool:
    """`relink` unless the links kept are current; whether it ran."""
    query = CorpusQuery(path)
    try:
        if query.links_current():
            return False
    finally:
        query.close()
    relink(path)
    return True
