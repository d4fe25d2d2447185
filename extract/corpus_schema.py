"""The tables of the corpus index (`extract.corpus_index`), version by version.

Each version's script takes an index from the version before it to that one; a new index runs
them all. The README's "The corpus index" describes what the tables hold.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2
"""The version of the tables below; an index of a higher version is refused."""

_SCHEMA_1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    format TEXT,
    length INTEGER,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error TEXT,
    model TEXT,
    model_version TEXT,
    view_key TEXT,
    entities INTEGER NOT NULL DEFAULT 0,
    mentions INTEGER NOT NULL DEFAULT 0,
    indexed_at TEXT NOT NULL
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    key TEXT NOT NULL,
    mentions INTEGER NOT NULL
);
CREATE INDEX entities_by_key ON entities(key);
CREATE INDEX entities_by_document ON entities(document);
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    document INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    model_label TEXT,
    source TEXT NOT NULL CHECK (source IN ('model', 'user'))
);
CREATE INDEX mentions_by_document ON mentions(document, start);
CREATE INDEX mentions_by_entity ON mentions(entity);
CREATE VIRTUAL TABLE texts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIEW corpus_entities AS
    SELECT key,
           category,
           (SELECT name FROM entities AS same WHERE same.key = e.key
            GROUP BY name ORDER BY count(*) DESC, name LIMIT 1) AS name,
           count(DISTINCT document) AS documents,
           sum(mentions) AS mentions
    FROM entities AS e
    GROUP BY key;
"""

_SCHEMA_2 = """
ALTER TABLE documents ADD COLUMN size INTEGER;
ALTER TABLE documents ADD COLUMN mtime_ns INTEGER;
ALTER TABLE entities ADD COLUMN first_start INTEGER;
ALTER TABLE entities ADD COLUMN first_end INTEGER;
UPDATE entities SET
    first_start = (SELECT start FROM mentions AS m WHERE m.entity = entities.id
                   ORDER BY start, end LIMIT 1),
    first_end = (SELECT end FROM mentions AS m WHERE m.entity = entities.id
                 ORDER BY start, end LIMIT 1);
DROP INDEX entities_by_key;
CREATE INDEX entities_by_key ON entities(key, document);
CREATE TABLE corpus_keys (
    key TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    documents INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    first_path TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE corpus_names (
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    entities INTEGER NOT NULL,
    PRIMARY KEY (key, name)
) WITHOUT ROWID;
CREATE TABLE corpus_links (
    key TEXT PRIMARY KEY,
    root TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO corpus_keys
    SELECT e.key, e.category, count(DISTINCT e.document), sum(e.mentions), min(d.path)
    FROM entities AS e JOIN documents AS d ON d.id = e.document
    GROUP BY e.key;
INSERT INTO corpus_names SELECT key, name, count(*) FROM entities GROUP BY key, name;
CREATE TRIGGER entity_counted AFTER INSERT ON entities BEGIN
    INSERT INTO corpus_keys VALUES (
        new.key,
        new.category,
        NOT EXISTS (SELECT 1 FROM entities WHERE key = new.key AND document = new.document
                    AND id <> new.id),
        new.mentions,
        (SELECT path FROM documents WHERE id = new.document))
    ON CONFLICT (key) DO UPDATE SET documents = documents + excluded.documents,
                                    mentions = mentions + excluded.mentions,
                                    first_path = min(first_path, excluded.first_path);
    INSERT INTO corpus_names VALUES (new.key, new.name, 1)
    ON CONFLICT (key, name) DO UPDATE SET entities = entities + 1;
END;
CREATE TRIGGER entity_uncounted AFTER DELETE ON entities BEGIN
    UPDATE corpus_keys SET
        documents = documents - NOT EXISTS (SELECT 1 FROM entities WHERE key = old.key
                                            AND document = old.document),
        mentions = mentions - old.mentions,
        first_path = coalesce((SELECT min(d.path) FROM entities AS e
                               JOIN documents AS d ON d.id = e.document
                               WHERE e.key = old.key), first_path)
    WHERE key = old.key;
    DELETE FROM corpus_keys WHERE key = old.key AND documents <= 0;
    UPDATE corpus_names SET entities = entities - 1 WHERE key = old.key AND name = old.name;
    DELETE FROM corpus_names WHERE key = old.key AND name = old.name AND entities <= 0;
END;
DROP VIEW corpus_entities;
CREATE VIEW corpus_entities AS
    SELECT key,
           category,
           (SELECT name FROM corpus_names AS n WHERE n.key = k.key
            ORDER BY n.entities DESC, n.name LIMIT 1) AS name,
           documents,
           mentions
    FROM corpus_keys AS k;
"""
"""Version 2: each file's size and modification time (to tell a changed file without reading
it), each entity's first mention (where a jump lands, and its keyword-in-context line), the
corpus-wide counts of each key and name kept by triggers (what the corpus reader lists at once,
however large the corpus), and the links between keys that name one entity
(`extract.corpus_query.relink`)."""

MIGRATIONS: dict[int, str] = {1: _SCHEMA_1, 2: _SCHEMA_2}
"""The SQL that takes an index from the version before each key to that version."""


def statements(script: str) -> list[str]:
    """The statements of a schema script (a trigger's body holds several)."""
    found: list[str] = []
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                found.append(pending.strip())
            pending = ""
    return found
