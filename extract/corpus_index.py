"""The corpus index: one SQLite database of a corpus's documents, entities and mentions.

Every corpus export writes one (`CorpusIndex`), so the corpus can be queried with ``sqlite3``
(the README shows how) and read by the corpus reader. What it holds is what the reader shows
and every export writes: the entities after the document-level pass and the user's
corrections, each mention with its label and the model's own. An entity's ``key`` (its
category and its folded display name) names the same entity across documents.

The database is in WAL mode and written one document per transaction, so a run and a reader,
or two runs, can share it; an interrupted run leaves every document it finished. Its schema is
versioned (``PRAGMA user_version``): an older index is migrated, one written by a newer
entity-reader is refused, and a corrupt one is set aside and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from extract.atomic import aside_path, reason
from extract.corpus_schema import MIGRATIONS, SCHEMA_VERSION, statements

__all__ = [
    "SCHEMA_VERSION",
    "CorpusIndex",
    "CorpusIndexError",
    "Stat",
    "default_index_path",
    "entity_key",
]
from extract.document import utf8
from extract.errors import EntityReaderError
from extract.model import Entity
from extract.names import fold
from extract.storage import data_dir

if TYPE_CHECKING:
    from extract.annotations import Annotations

BUSY_TIMEOUT_MS = 120_000
"""How long a writer waits for another (a second run on the same index) before giving up."""

Stat = tuple[int | None, int | None]
"""A file's size and modification time (nanoseconds), as the index keeps them."""


class CorpusIndexError(EntityReaderError):
    """The index cannot be used (written by a newer version, or not writable)."""


def entity_key(category: str, name: str) -> str:
    """The same entity across documents: its category and its display name folded as names
    are compared inside a document (case, accents and spacing set aside)."""
    return f"{category}:{fold(name)}"


def index_name(path: str) -> str:
    """How the index names a document: its absolute path (as valid text), or <stdin>."""
    return "<stdin>" if path == "-" else utf8(os.path.abspath(path))


def default_index_path(inputs: Sequence[str]) -> Path:
    """Where the index of a corpus lives unless ``--index`` says: the user data folder, under
    a name made from the folder exported (or from every input, when there are several)."""
    real = sorted(os.path.realpath(path) for path in inputs)
    digest = hashlib.sha256("\0".join(real).encode("utf-8", "surrogateescape")).hexdigest()
    stem = Path(real[0]).name if len(real) == 1 else "corpus"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:40] or "corpus"
    return data_dir() / "indexes" / f"{safe}-{digest[:16]}.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class CorpusIndex:
    """A corpus index opened for writing (see the module's description)."""

    def __init__(self, path: Path, *, root: str = "") -> None:
        """Open (or create) the index at ``path``; ``root`` says what corpus it indexes. A
        corrupt file is moved aside (``*.corrupt``) and a new index started: see
        ``problems``. One written by a newer version raises `CorpusIndexError`."""
        self.path = path
        self.problems: list[str] = []
        """What the user should know about the index (set aside, rebuilt)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CorpusIndexError(f"cannot write the index {path}: {reason(error)}") from None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and not _corrupt(error):
                raise CorpusIndexError(f"cannot open the index {path}: {error}") from None
            self._set_aside(error)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as again:
                raise CorpusIndexError(f"cannot open the index {path}: {again}") from None
        if root:
            with self._writing():
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('root', ?)", (root,))

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            self._migrate(db)
            (check,) = db.execute("PRAGMA quick_check(1)").fetchone()
            if check != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Bring the schema to `SCHEMA_VERSION` in one transaction (another run doing the
        same waits, then finds it done); refuse a newer one."""
        db.execute("BEGIN IMMEDIATE")
        try:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise CorpusIndexError(
                    f"the index {self.path} was written by a newer entity-reader (schema "
                    f"{version}, this one reads {SCHEMA_VERSION}): upgrade, or give another "
                    "--index"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in statements(MIGRATIONS[step]):
                    db.execute(statement)
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema', ?), ('written_by', ?)",
                    (str(step), _writer()),
                )
                db.execute(f"PRAGMA user_version = {step}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _set_aside(self, error: Exception) -> None:
        """Keep a corrupt index for inspection under another name, so a new one is built."""
        aside = aside_path(self.path)
        try:
            os.replace(self.path, aside)
        except OSError as failure:
            raise CorpusIndexError(
                f"the index {self.path} is corrupt ({error}) and cannot be moved aside: "
                f"{reason(failure)}"
            ) from None
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{self.path}{suffix}")
            if extra.exists():
                try:
                    os.replace(extra, Path(f"{aside}{suffix}"))
                except OSError:
                    extra.unlink(missing_ok=True)
        self.problems.append(f"the index was corrupt ({error}): moved to {aside}, rebuilt")

    def _writing(self) -> _Transaction:
        return _Transaction(self._db)

    def current(self, path: str) -> tuple[str, int, int] | None:
        """The view key a document was indexed with and its entity and mention counts, if it
        was indexed (not failed)."""
        row = self._db.execute(
            "SELECT view_key, entities, mentions FROM documents WHERE path = ? AND status = 'done'",
            (path,),
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), int(row[2]))

    def put(
        self,
        path: str,
        *,
        sha256: str,
        fmt: str,
        text: str,
        model: str,
        model_version: str,
        view_key: str,
        entities: Sequence[Entity],
        stat: Stat = (None, None),
    ) -> None:
        """Replace what the index holds of a document with these entities, in one transaction.
        ``stat`` is the file's size and modification time when it was read (None for standard
        input), so that a reader can tell a changed file without reading it."""
        count = sum(len(entity.mentions) for entity in entities)
        with self._writing() as db:
            document = self._document(db, path)
            db.execute(
                "UPDATE documents SET sha256 = ?, format = ?, length = ?, status = 'done', "
                "error = NULL, model = ?, model_version = ?, view_key = ?, entities = ?, "
                "mentions = ?, indexed_at = ?, size = ?, mtime_ns = ? WHERE id = ?",
                (
                    sha256,
                    fmt,
                    len(text),
                    model,
                    model_version,
                    view_key,
                    len(entities),
                    count,
                    _now(),
                    *stat,
                    document,
                ),
            )
            for entity in entities:
                first = entity.mentions[0]
                cursor = db.execute(
                    "INSERT INTO entities (document, entity, name, category, key, mentions, "
                    "first_start, first_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        document,
                        entity.id,
                        entity.name,
                        entity.category,
                        entity_key(entity.category, entity.name),
                        len(entity.mentions),
                        first.start,
                        first.end,
                    ),
                )
                db.executemany(
                    "INSERT INTO mentions (document, entity, start, end, text, label, "
                    "model_label, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            document,
                            cursor.lastrowid,
                            m.start,
                            m.end,
                            m.text,
                            m.label,
                            m.model_label or None,
                            m.source,
                        )
                        for m in entity.mentions
                    ],
                )
            db.execute("INSERT INTO texts (rowid, text) VALUES (?, ?)", (document, text))

    def put_annotations(
        self, path: str, annotations: Annotations, view_key: str, stat: Stat = (None, None)
    ) -> None:
        """`put` a document's annotations (what every export of it writes)."""
        document = annotations.document
        self.put(
            path,
            sha256=document.sha256,
            fmt=document.fmt,
            text=document.text,
            model=annotations.model_name,
            model_version=annotations.model_version,
            view_key=view_key,
            entities=annotations.entities,
            stat=stat,
        )

    def failed(self, path: str, error: str, stat: Stat = (None, None)) -> None:
        """Record that a document could not be indexed (what was indexed of it is dropped:
        the index shows the corpus as it is); ``stat`` as for `put`, so that an unchanged
        file is not read again only to fail again."""
        with self._writing() as db:
            document = self._document(db, path)
            db.execute(
                "UPDATE documents SET status = 'failed', error = ?, entities = 0, mentions = 0, "
                "view_key = NULL, indexed_at = ?, size = ?, mtime_ns = ? WHERE id = ?",
                (error, _now(), *stat, document),
            )

    def _document(self, db: sqlite3.Connection, path: str) -> int:
        """The id of ``path``'s row, emptied of its entities, mentions and text."""
        row = db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
        if row is None:
            cursor = db.execute(
                "INSERT INTO documents (path, status, indexed_at) VALUES (?, 'failed', ?)",
                (path, _now()),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid
        document = int(row[0])
        db.execute("DELETE FROM mentions WHERE document = ?", (document,))
        db.execute("DELETE FROM entities WHERE document = ?", (document,))
        db.execute("DELETE FROM texts WHERE rowid = ?", (document,))
        return document

    def set_view_key(self, path: str, view_key: str) -> None:
        """Record that a document's entities are those of another view key (a corpus rule
        that names nothing in it changed the key, not the entities)."""
        with self._writing() as db:
            db.execute("UPDATE documents SET view_key = ? WHERE path = ?", (view_key, path))

    def set_meta(self, key: str, value: str) -> None:
        """Keep a value in the ``meta`` table."""
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def forget(self, paths: Iterable[str]) -> None:
        """Drop documents from the index (files gone from the folder)."""
        for path in paths:
            row = self._db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
            if row is None:
                continue
            with self._writing() as db:
                self._document(db, path)
                db.execute("DELETE FROM documents WHERE id = ?", (row[0],))

    def prune(self, folders: Iterable[str], kept: Callable[[str], bool]) -> int:
        """Drop the documents inside ``folders`` that ``kept`` does not keep (files gone from
        the folder since an earlier run); return how many."""
        dropped = 0
        for folder in folders:
            prefix = folder.rstrip(os.sep) + os.sep
            rows = self._db.execute(
                "SELECT id, path FROM documents WHERE substr(path, 1, ?) = ?",
                (len(prefix), prefix),
            ).fetchall()
            gone = [str(row[1]) for row in rows if not kept(str(row[1]))]
            self.forget(gone)
            dropped += len(gone)
        return dropped

    def close(self) -> None:
        """Close the database (what was written is already committed)."""
        self._db.close()

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """``with``: one write transaction, taken at once (``BEGIN IMMEDIATE``), committed on
    leaving, rolled back on an exception (an interruption included)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.db.execute("ROLLBACK" if kind is not None else "COMMIT")


def _corrupt(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _writer() -> str:
    from extract import __version__

    return f"entity-reader {__version__}"
