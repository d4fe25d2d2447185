"""What the corpus screen lists: plain data, no Textual.

A `Corpus` is what was loaded from the index, with the folder's documents and where each is
(`extract.corpus_refresh.Status`). The lists show rows made from it by `document_rows` and
`entity_rows`, filtered and ordered: both are computed from lists sorted once per load, so a
keystroke in a filter over a hundred thousand entities only walks them once.

    index ─► CorpusQuery ─► Corpus(documents, entities) ─► rows (filter, order) ─► the lists
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from extract.categories import CATEGORY_BY_KEY, sections_in
from extract.colours import Pair, palette
from extract.corpus import Source
from extract.corpus_groups import CorpusEntity
from extract.corpus_index import index_name
from extract.corpus_query import DocumentRow
from extract.names import fold

Status = Literal["pending", "changed", "done", "failed", "gone"]


class DocumentItem(NamedTuple):
    """A document of the corpus as the screen lists it (a named tuple: quick to make by the
    ten thousand)."""

    path: str
    """The file (as found in the folder)."""
    indexed: str
    """How the index names it (`index_name(path)`)."""
    name: str
    """Its place under the folder."""
    size: int
    status: Status
    entities: int = 0
    mentions: int = 0
    error: str | None = None
    id: int | None = None
    """Its id in the index, once indexed."""
    folded: str = ""

    @property
    def opens(self) -> bool:
        """Whether it can be opened (it is in the folder, and was read, or may be)."""
        return self.status != "gone"


@dataclass(frozen=True, slots=True, eq=False)
class Corpus:
    """The documents and entities of a corpus, as loaded (never changed: a load replaces it)."""

    folder: str
    documents: tuple[DocumentItem, ...] = ()
    entities: tuple[CorpusEntity, ...] = ()
    by_first: tuple[CorpusEntity, ...] = ()
    """The entities in order of first appearance (the first document naming each, then name)."""
    by_key: dict[str, CorpusEntity] = field(default_factory=dict)
    """Each entity under each of its keys."""
    loaded: bool = False
    by_name: dict[str, DocumentItem] = field(default_factory=dict, repr=False)
    """Each document under its index name (made from ``documents``)."""
    colours: dict[str, Pair] = field(default_factory=dict, repr=False)
    """Generated colours of the sections that are not built in (`extract.colours.palette`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {d.indexed: d for d in self.documents})
        object.__setattr__(self, "colours", palette({e.category for e in self.entities}))

    def entity_of(self, key: str) -> CorpusEntity | None:
        """The entity a key (a document's entity's) belongs to."""
        return self.by_key.get(key)

    def document(self, path: str) -> DocumentItem | None:
        """A document by its index name or its path."""
        return self.by_name.get(path) or self.by_name.get(index_name(path))

    @property
    def counts(self) -> dict[Status, int]:
        """How many documents are where."""
        found: dict[Status, int] = {}
        for document in self.documents:
            found[document.status] = found.get(document.status, 0) + 1
        return found


def load(
    folder: str,
    sources: Sequence[Source],
    rows: Iterable[DocumentRow],
    entities: Iterable[CorpusEntity],
    statuses: dict[str, Status],
    gone: Iterable[DocumentItem] = (),
) -> Corpus:
    """A corpus from what the index holds (``rows``, ``entities``) and the files found in the
    folder (``sources``); ``statuses`` says, by index name, what a refresh found out of date.
    A file the index lacks is pending; a document of the folder the index holds and the folder
    no longer does is listed as gone, and so are those in ``gone`` (seen gone before, and
    forgotten by the index since)."""
    indexed = {row.path: row for row in rows}
    documents: list[DocumentItem] = []
    for source in sources:
        name = index_name(source.path)
        row = indexed.pop(name, None)
        status: Status = statuses.get(name) or _status(row)
        shown = source.relative.as_posix()
        documents.append(_item(shown, source.path, name, source.size, status, row))
    top = index_name(folder).rstrip(os.sep) + os.sep
    for name, row in indexed.items():
        if name.startswith(top):  # indexed, and gone from the folder since
            documents.append(_item(name[len(top) :], name, name, row.size or 0, "gone", row))
    known = {d.path for d in documents}
    documents.extend(d for d in gone if d.path not in known)
    documents.sort(key=lambda d: d.name)
    ordered = tuple(sorted(entities, key=_by_count))
    by_key = {key: entity for entity in ordered for key in entity.keys}
    first = tuple(sorted(ordered, key=lambda e: (e.first, fold(e.name))))
    return Corpus(folder, tuple(documents), ordered, first, by_key, loaded=True)


def _status(row: DocumentRow | None) -> Status:
    if row is None:
        return "pending"
    return "failed" if row.status == "failed" else "done"


def _item(
    name: str, path: str, indexed: str, size: int, status: Status, row: DocumentRow | None
) -> DocumentItem:
    return DocumentItem(
        path,
        indexed,
        name,
        size,
        status,
        row.entities if row is not None else 0,
        row.mentions if row is not None else 0,
        row.error if row is not None else None,
        row.id if row is not None else None,
        fold(name),
    )


def _by_count(entity: CorpusEntity) -> tuple[int, int, str]:
    return (-entity.documents, -entity.mentions, fold(entity.name))


def with_statuses(corpus: Corpus, statuses: dict[str, Status]) -> Corpus:
    """The same corpus, its documents' statuses as a refresh says (by index name)."""
    if not statuses:
        return corpus
    documents = tuple(
        d._replace(status=statuses[d.indexed]) if d.indexed in statuses else d
        for d in corpus.documents
    )
    return replace(corpus, documents=documents)


# -- rows -------------------------------------------------------------------------------------

Row = tuple[Literal["section"], str, int, bool] | tuple[Literal["entity"], CorpusEntity]
"""A line of the entity list: a category's heading (its key, how many it lists, whether it is
collapsed), or an entity."""


def entity_rows(
    corpus: Corpus, wanted: str, *, by_first: bool, collapsed: frozenset[str]
) -> list[Row]:
    """The entity list: each category's heading, then its entities (unless collapsed; a filter
    opens every section), most documents first or in order of first appearance; ``wanted`` (a
    folded filter) keeps the entities with a name holding it."""
    source = corpus.by_first if by_first else corpus.entities
    kept = [e for e in source if wanted in e.folded] if wanted else list(source)
    keys = {entity.category for entity in source}
    sections: dict[str, list[CorpusEntity]] = {c.key: [] for c in sections_in(keys)}
    for entity in kept:
        sections[entity.category].append(entity)
    rows: list[Row] = []
    for category, members in sections.items():
        if not members and (wanted or category not in CATEGORY_BY_KEY):
            continue  # a filter lists only the sections it finds something in, as do others
        shut = category in collapsed and not wanted
        rows.append(("section", category, len(members), shut))
        if not shut:
            rows.extend(("entity", entity) for entity in members)
    return rows


def document_rows(corpus: Corpus, wanted: str, *, by_count: bool) -> list[DocumentItem]:
    """The document list, by name or most mentions first; ``wanted`` (folded) filters names."""
    kept = [d for d in corpus.documents if wanted in d.folded] if wanted else list(corpus.documents)
    if by_count:
        kept.sort(key=lambda d: (-d.mentions, d.name))
    return kept


def counted(count: int, word: str) -> str:
    """ "1 document", "3 documents", "1,204 documents"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def size_text(size: int) -> str:
    """A file size as people read it: 312 B, 4.1 KB, 230 KB, 2.3 MB."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.5 or unit == "TB":
            break
    return f"{value:.1f} {unit}" if value < 99.95 else f"{value:.0f} {unit}"


def neighbour(documents: Sequence[str], current: str, *, forward: bool) -> tuple[str | None, bool]:
    """The document after (or before) ``current`` among ``documents`` (index names, in order),
    and whether that wrapped around; None when there is no other."""
    if not documents or (len(documents) == 1 and documents[0] == current):
        return None, False
    if current not in documents:
        after = [d for d in documents if (d > current) == forward]
        if after:
            return (after[0] if forward else after[-1]), False
        return (documents[0] if forward else documents[-1]), True
    place = documents.index(current) + (1 if forward else -1)
    wrapped = not 0 <= place < len(documents)
    return documents[place % len(documents)], wrapped
