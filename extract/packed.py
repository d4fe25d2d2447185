"""A derived view as columns of numbers, and read back from them: what `extract.views` keeps
of a view, and how a long text's view comes back from `extract.apart`'s process.

`pack` makes the columns: a table of labels and one of categories, the entities' ids and names,
each entity's category and count of mentions, the mentions (each entity's in turn, sorted by
position: start, end, label, the model's label) as little-endian integers, the order of every
mention in the text (so the reader's index need not sort them again), the user's mentions and
the ids of the corrections not placed. `KeptEntry` reads them back in two steps: its `Head` at
once (every entity as a list shows it, and the mentions of a stretch of the text), the whole
view after (every entity with its mentions, made column by column).
"""

from __future__ import annotations

import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from itertools import accumulate, pairwise
from operator import le, sub
from typing import Any, NamedTuple

from extract.model import Entity, Listed, Mention, MentionSource, many_mentions
from extract.versions import VIEW_FORMAT


class KeptView(NamedTuple):
    """A view read back: its entities, the ids of the corrections it could not place, and
    every mention in text order (by start, then end; as `extract.index.MentionIndex` sorts)."""

    entities: list[Entity]
    unplaced: list[str]
    in_order: list[Mention]


class Head(NamedTuple):
    """The start of a kept view, made before the rest: every entity as a list shows it, and
    the mentions of one stretch of the text (the screens around where the reader is)."""

    listing: list[Listed]
    """Every entity, in the view's order."""
    region: tuple[int, int]
    """The stretch of text whose mentions `entities` hold: every mention that overlaps it."""
    entities: list[Entity]
    """The entities with a mention in `region`, in the view's order, each with only those."""
    in_order: list[Mention]
    """Those mentions in text order."""
    unplaced: list[str]
    """The ids of the corrections the view could not place."""


def pack(
    entities: Sequence[Entity], key: str, text_length: int, unplaced: Sequence[str] = ()
) -> dict[str, Any]:
    """Entities as columns of numbers and a table of labels (what `unpack` reads): compact to
    store, and quick to send to another process and back."""
    labels = sorted(
        {m.label for e in entities for m in e.mentions}
        | {m.model_label for e in entities for m in e.mentions}
    )
    number = {label: position for position, label in enumerate(labels)}
    categories = sorted({e.category for e in entities})
    kind = {category: position for position, category in enumerate(categories)}
    mentions = [m for e in entities for m in e.mentions]
    starts = [m.start for m in mentions]
    ends = [m.end for m in mentions]
    spans = list(zip(starts, ends, strict=True))
    return {
        "format": VIEW_FORMAT,
        "key": key,
        "length": text_length,
        "labels": labels,
        "categories": categories,
        # The entities as columns too: a book's thousands of rows parse as a few lists.
        "ids": [e.id for e in entities],
        "names": [e.name for e in entities],
        "category": _packed("i", [kind[e.category] for e in entities]),
        "values": [[n, str(e.value)] for n, e in enumerate(entities) if e.value is not None],
        "counts": _packed("i", [len(e.mentions) for e in entities]),
        "longest": max(map(sub, ends, starts), default=0),
        "starts": _packed("q", starts),
        "ends": _packed("q", ends),
        "label": _packed("i", [number[m.label] for m in mentions]),
        "model_label": _packed("i", [number[m.model_label] for m in mentions]),
        # A stable sort, as the index's: mentions of the same span keep the entities' order.
        "order": _packed("i", sorted(range(len(mentions)), key=spans.__getitem__)),
        "user": [i for i, m in enumerate(mentions) if m.source == "user"],
        "unplaced": list(unplaced),
    }


def _packed(kind: str, numbers: Sequence[int]) -> bytes:
    """A column of whole numbers as little-endian integers (``kind``: array's "i", four
    bytes, or "q", eight)."""
    column = array(kind, numbers)
    if sys.byteorder == "big":
        column.byteswap()
    return column.tobytes()


def _unpacked(kind: str, packed: object) -> array[int]:
    """A column `_packed` made; anything else raises ValueError."""
    if not isinstance(packed, (bytes, memoryview)):
        raise ValueError("a column is not packed numbers")
    column = array(kind)
    column.frombytes(packed)
    if sys.byteorder == "big":
        column.byteswap()
    return column


def unpack(data: Any, key: str, text: str) -> KeptView:
    """Entities from what `pack` made (and the ids of the corrections not placed, and every
    mention in text order); anything not exactly so raises."""
    return KeptEntry(data, key, text).whole()


class KeptEntry:
    """A kept view read (what `pack` made), its columns decoded and its table of entities
    checked, but not yet made into entities: `head` at once, `whole` after. Anything not
    exactly as `pack` makes it raises (ValueError, KeyError, TypeError or IndexError)."""

    def __init__(self, data: Any, key: str, text: str) -> None:
        if not isinstance(data, dict) or data.get("format") != VIEW_FORMAT:
            raise ValueError(f"not a format {VIEW_FORMAT} entry")
        if data["key"] != key or data["length"] != len(text):
            raise ValueError("stored for another text or settings")
        self.key, self.text = key, text
        self.labels: list[str] = data["labels"]
        categories: list[str] = data["categories"]
        self.ids: list[str] = data["ids"]
        self.names: list[str] = data["names"]
        kinds = _unpacked("i", data["category"])
        counts = self.counts = _unpacked("i", data["counts"])
        self.starts = _unpacked("q", data["starts"])
        self.ends = _unpacked("q", data["ends"])
        self.label = _unpacked("i", data["label"])
        self.model_label = _unpacked("i", data["model_label"])
        self.order = _unpacked("i", data["order"])
        self.longest: int = data["longest"]
        self.user: list[int] = data["user"]
        self.unplaced: list[str] = data["unplaced"]
        size = self.size = len(self.starts)
        columns = (self.ends, self.label, self.model_label, self.order)
        if any(len(column) != size for column in columns):
            raise ValueError("columns of different lengths")
        if not _all_are(str, self.labels, categories, self.ids, self.names, self.unplaced):
            raise ValueError("labels, categories, ids, names or unplaced malformed")
        if not len(self.ids) == len(self.names) == len(kinds) == len(counts):
            raise ValueError("entities malformed")
        if kinds and (min(kinds) < 0 or max(kinds) >= len(categories)):
            raise ValueError("an entity has no category")
        if (counts and min(counts) < 1) or sum(counts) != size:
            raise ValueError("entities and mentions do not add up")
        if not _all_are(int, self.user, [self.longest]) or not all(
            0 <= position < size for position in self.user
        ):
            raise ValueError("a user's mention unknown")
        self.values: list[str | None] = [None] * len(counts)
        """Each entity's value (a figure's), as `Fraction` reads it."""
        for number, value in data["values"]:
            if type(number) is not int or not 0 <= number < len(counts) or type(value) is not str:
                raise ValueError("a figure's value malformed")
            self.values[number] = value
        self.categories = list(map(categories.__getitem__, kinds))
        """Each entity's category."""
        self.offsets = list(accumulate(counts, initial=0))
        """Where each entity's mentions start in the columns (and where the last ends)."""
        self.lock = threading.Lock()
        """Held while `ViewCache.rest` makes the whole view (a second caller waits)."""
        self.tried = False
        self.kept: KeptView | None = None
        """The whole view, once `ViewCache.rest` has made it."""

    def head(self, region: tuple[int, int]) -> Head:
        """Every entity as a list shows it, and the mentions that overlap ``region`` with
        their entities (a few milliseconds for a book)."""
        starts, ends, offsets = self.starts, self.ends, self.offsets
        edited = {bisect_right(offsets, position) - 1 for position in self.user}
        firsts = map(starts.__getitem__, offsets[:-1])
        marked = map(edited.__contains__, range(len(self.ids)))
        rows = zip(self.ids, self.names, self.categories, self.counts, firsts, marked, strict=True)
        listing = list(map(_listed, rows))
        low, high = region
        first = bisect_left(self.order, low - self.longest, key=starts.__getitem__)
        last = bisect_left(self.order, high, key=starts.__getitem__)
        numbers = [n for n in self.order[first:last] if ends[n] > low]
        mentions = self._made(numbers)
        if not all(map(le, [m.start for m in mentions], [m.start for m in mentions[1:]])):
            raise ValueError("the text order is not sorted")
        held: dict[int, list[Mention]] = {}
        for number, mention in zip(numbers, mentions, strict=True):
            held.setdefault(bisect_right(offsets, number) - 1, []).append(mention)
        entities = [self._entity(n, tuple(held[n])) for n in sorted(held)]
        return Head(listing, (low, high), entities, mentions, list(self.unplaced))

    def whole(self) -> KeptView:
        """Every entity with its mentions, every mention in text order, and the ids of the
        corrections not placed. Built column by column (no Python loop per mention,
        `many_mentions`): a book's 27,000 mentions come back in a few tens of milliseconds."""
        size, order = self.size, self.order
        if size and (min(order) < 0 or max(order) >= size or len(set(order)) != size):
            raise ValueError("the text order is not one of the mentions")
        built = self._made()
        in_order = list(map(built.__getitem__, order))
        ordered_starts = list(map(self.starts.__getitem__, order))
        if not all(map(le, ordered_starts, ordered_starts[1:])):
            raise ValueError("the text order is not sorted")
        entities = [
            self._entity(n, tuple(built[start:end]))
            for n, (start, end) in enumerate(pairwise(self.offsets))
        ]
        return KeptView(entities, list(self.unplaced), in_order)

    def _made(self, numbers: Sequence[int] | None = None) -> list[Mention]:
        """The mentions of these numbers (their places in the columns; None: every one),
        checked against the text."""
        labels, text = self.labels, self.text
        columns: tuple[array[int], ...] = (self.starts, self.ends, self.label, self.model_label)
        sources: list[MentionSource] = ["model"] * (self.size if numbers is None else len(numbers))
        if numbers is None:
            for number in self.user:
                sources[number] = "user"
        elif numbers and (min(numbers) < 0 or max(numbers) >= self.size):
            raise ValueError("the text order is not one of the mentions")
        else:
            columns = tuple(array("q", map(column.__getitem__, numbers)) for column in columns)
            users = set(self.user)
            for place, number in enumerate(numbers):
                if number in users:
                    sources[place] = "user"
        starts, ends, label, model_label = columns
        if sources:
            if min(starts) < 0 or max(ends) > len(text) or not all(map(int.__lt__, starts, ends)):
                raise ValueError("offsets outside the text")
            for column in (label, model_label):
                if min(column) < 0 or max(column) >= len(labels):
                    raise ValueError("a label number unknown")
        return many_mentions(
            starts,
            ends,
            map(labels.__getitem__, label),
            map(text.__getitem__, map(slice, starts, ends)),
            sources,
            map(labels.__getitem__, model_label),
        )

    def _entity(self, number: int, mentions: tuple[Mention, ...]) -> Entity:
        category, value = self.categories[number], self.values[number]
        figure = None if value is None else Fraction(value)
        return Entity(self.ids[number], self.names[number], category, mentions, figure)


_listed = partial(tuple.__new__, Listed)
"""`Listed._make` of a row of six, without its check of the length (a third of the time)."""


def _all_are(kind: type, *lists: list[Any]) -> bool:
    """Whether every item of these lists is a ``kind`` (a list of anything else is not)."""
    return all(isinstance(items, list) and set(map(type, items)) <= {kind} for items in lists)
