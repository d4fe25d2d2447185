"""Entities across a corpus: the names the documents' entities go by, grouped by the rules that
group names inside one document.

Each document's entities are indexed under a key, their category and folded display name
(`extract.corpus_index.entity_key`): "Dólokhov" in one document and "DOLOKHOV" in another are
one key. Keys are then linked as names are inside a document (`extract.linking`): a short
name joins the fuller name it stands for when the corpus makes that clear ("Merkel", alone in
one article, joins "Angela Merkel" of the others), an acronym its long form ("UN", "United
Nations"). The counts a link needs (how often each name is written) are the corpus's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.categories import CATEGORIES
from extract.linking import link_acronyms, link_people
from extract.model import Mention
from extract.names import fold, leading_title, name_tokens, title_class
from extract.votes import Node

ACRONYM_CATEGORIES = ("organisation", "place", "other")
"""Categories whose names may be acronyms of one another's (as inside a document)."""

_LABELS = {"person": "PERSON", "organisation": "ORG", "place": "GPE", "other": "NORP"}
_ORDER = {category.key: number for number, category in enumerate(CATEGORIES)}


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One key of the corpus index with its most frequent name and its counts."""

    key: str
    category: str
    name: str
    documents: int
    mentions: int
    first: str
    """Where it first appears: the path of the first document (in path order) naming it."""


@dataclass(frozen=True, slots=True)
class CorpusEntity:
    """One thing named across the corpus: the keys it goes by, its name, its counts."""

    key: str
    """The key of its main name (the fullest): how it is known from one load to the next."""
    name: str
    category: str
    keys: tuple[str, ...]
    """Every key grouped in it, its own first."""
    documents: int
    mentions: int
    first: str
    folded: str
    """Its names folded, for filtering (each name on a line of its own)."""


class _KeyNode(Node):
    """A key as a name node: its size is the corpus's count of its mentions."""

    __slots__ = ("count", "row")

    def __init__(self, row: KeyRow, place: int) -> None:
        title = leading_title(row.name)
        super().__init__(title_class(title), name_tokens(row.name) or (fold(row.name),))
        self.add(
            Mention(place, place + 1, _LABELS.get(row.category, "NORP"), row.name), title, None
        )
        self.category = row.category
        self.count = row.mentions
        self.row = row

    @property
    def size(self) -> int:
        return self.count


def group_keys(rows: Iterable[KeyRow]) -> list[CorpusEntity]:
    """The corpus's entities from its keys, in category order, then most documents first.
    The documents of a group of several keys are its keys' added (a document naming two of
    them counts twice: `extract.corpus_query` counts them again)."""
    ordered = sorted(rows, key=lambda row: (row.first, row.key))
    nodes = [_KeyNode(row, place) for place, row in enumerate(ordered)]
    link_people([node for node in nodes if node.category == "person"])
    named = [node for node in nodes if node.category in ACRONYM_CATEGORIES]
    link_acronyms(named, None)
    trees: dict[int, list[_KeyNode]] = defaultdict(list)
    for node in nodes:
        root = node.root()
        trees[id(root)].append(node)
    entities = [_entity(members) for members in trees.values()]
    entities.sort(key=lambda e: (_ORDER.get(e.category, 99), -e.documents, -e.mentions, e.first))
    return entities


def _entity(members: Sequence[_KeyNode]) -> CorpusEntity:
    root = members[0].root()
    assert isinstance(root, _KeyNode)
    return combined(root.row, [node.row for node in members])


def combined(root: KeyRow, members: Sequence[KeyRow]) -> CorpusEntity:
    """One entity of the keys ``members``, under ``root``'s name (one of them)."""
    if len(members) == 1 and members[0] is root:  # most keys: made quickly, by the thousand
        folded = root.key.partition(":")[2]
        keys = (root.key,)
        counts = (root.documents, root.mentions)
        return CorpusEntity(root.key, root.name, root.category, keys, *counts, root.first, folded)
    ordered = [root, *(row for row in members if row is not root)]
    return CorpusEntity(
        key=root.key,
        name=root.name,
        category=root.category,
        keys=tuple(row.key for row in ordered),
        documents=sum(row.documents for row in ordered),
        mentions=sum(row.mentions for row in ordered),
        first=min(row.first for row in ordered),
        folded="\n".join(dict.fromkeys(row.key.partition(":")[2] for row in ordered)),
    )
