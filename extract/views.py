"""A store of derived views: a text's entities, as the document-level pass and the user's
corrections made them, so a book opened again shows them at once instead of deriving them.

The key covers everything the entities depend on: the model's mentions (text, model, version,
settings: the mention cache's key), the pass's version, whether the pass runs at all, the
settings' label → section mapping, and the corrections. An entry is compact JSON: a table of
labels, one row per entity, and the mentions as columns of numbers (each entity's in turn,
sorted by position), each column packed as little-endian integers in base64 so that reading a
book's tens of thousands of mentions parses a few strings, not a number at a time; with them
the order of every mention in the text, so the reader's index need not sort them again. A
corrupt or stale entry is set aside and rebuilt.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from array import array
from collections.abc import Sequence
from fractions import Fraction
from operator import le
from typing import Any, NamedTuple

from extract.cache import JsonStore
from extract.categories import mapping_fingerprint
from extract.model import Entity, Mention, MentionSource, many_mentions
from extract.versions import PASS_VERSION

VIEW_FORMAT = 4


class KeptView(NamedTuple):
    """A view read back: its entities, the ids of the corrections it could not place, and
    every mention in text order (by start, then end; as `extract.index.MentionIndex` sorts)."""

    entities: list[Entity]
    unplaced: list[str]
    in_order: list[Mention]


def view_key(mentions_key: str, corrections: Sequence[Any], *, document_pass: bool) -> str:
    """The name a derived view is stored under: the model's mentions (their cache key), the
    document-level pass (its version, or none), the label mapping in force (it decides the
    categories), and the corrections applied over them."""
    return view_key_of(mentions_key, edits_digest(corrections), document_pass=document_pass)


def edits_digest(corrections: Sequence[Any]) -> str:
    """What a view key takes of the corrections (worked out once for many texts derived with
    the same ones)."""
    edits = json.dumps([c.as_data() for c in corrections], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(edits.encode("utf-8", "surrogatepass")).hexdigest()


def view_key_of(mentions_key: str, edits: str, *, document_pass: bool) -> str:
    """`view_key` with the corrections' `edits_digest`."""
    material = "\x1f".join(
        (
            str(VIEW_FORMAT),
            mentions_key,
            f"pass={PASS_VERSION if document_pass else 'off'}",
            f"labels={mapping_fingerprint()}",
            edits,
        )
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class ViewCache(JsonStore):
    """Derived views per key."""

    subfolder = "views"
    what = "view cache"

    def get(self, key: str, text: str) -> KeptView | None:
        """The stored entities and the ids of the corrections that could not be placed, or
        None when missing, corrupt or not of ``text``."""
        return self._read(key, lambda raw: _parse(raw, key, text))

    def put(
        self,
        key: str,
        entities: Sequence[Entity],
        text_length: int,
        unplaced: Sequence[str] = (),
    ) -> None:
        """Store entities (and the ids of corrections not placed) under ``key``; a failure to
        write only loses the cache."""
        self._write(key, pack(entities, key, text_length, unplaced))


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
    rows = [
        [e.id, e.name, kind[e.category], None if e.value is None else str(e.value)]
        for e in entities
    ]
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
        "entities": rows,
        "counts": [len(e.mentions) for e in entities],
        "starts": _packed("q", starts),
        "ends": _packed("q", ends),
        "label": _packed("i", [number[m.label] for m in mentions]),
        "model_label": _packed("i", [number[m.model_label] for m in mentions]),
        # A stable sort, as the index's: mentions of the same span keep the entities' order.
        "order": _packed("i", sorted(range(len(mentions)), key=spans.__getitem__)),
        "user": [i for i, m in enumerate(mentions) if m.source == "user"],
        "unplaced": list(unplaced),
    }


def _packed(kind: str, numbers: Sequence[int]) -> str:
    """A column of whole numbers as base64 of little-endian integers (``kind``: array's "i",
    four bytes, or "q", eight)."""
    column = array(kind, numbers)
    if sys.byteorder == "big":
        column.byteswap()
    return base64.b64encode(column.tobytes()).decode("ascii")


def _unpacked(kind: str, packed: object) -> array[int]:
    """A column `_packed` wrote; anything else raises ValueError."""
    if not isinstance(packed, str):
        raise ValueError("a column is not packed numbers")
    column = array(kind)
    column.frombytes(base64.b64decode(packed, validate=True))
    if sys.byteorder == "big":
        column.byteswap()
    return column


def _parse(raw: bytes, key: str, text: str) -> KeptView:
    return unpack(json.loads(raw), key, text)


def unpack(data: Any, key: str, text: str) -> KeptView:
    """Entities from what `pack` made (and the ids of the corrections not placed, and every
    mention in text order); anything not exactly so raises. Built column by column (no Python
    loop per mention, `many_mentions`): a book's 27,000 mentions come back in a few tens of
    milliseconds."""
    if not isinstance(data, dict) or data.get("format") != VIEW_FORMAT:
        raise ValueError(f"not a format {VIEW_FORMAT} entry")
    if data["key"] != key or data["length"] != len(text):
        raise ValueError("stored for another text or settings")
    labels: list[str] = data["labels"]
    categories: list[str] = data["categories"]
    rows: list[list[Any]] = data["entities"]
    counts: list[int] = data["counts"]
    starts = _unpacked("q", data["starts"])
    ends = _unpacked("q", data["ends"])
    label = _unpacked("i", data["label"])
    model_label = _unpacked("i", data["model_label"])
    order = _unpacked("i", data["order"])
    user: list[int] = data["user"]
    size = len(starts)
    columns = (ends, label, model_label, order)
    if any(len(column) != size for column in columns) or sum(counts) != size:
        raise ValueError("columns of different lengths")
    if len(rows) != len(counts) or not all(isinstance(label, str) for label in labels):
        raise ValueError("entities or labels malformed")
    if not all(isinstance(category, str) for category in categories):
        raise ValueError("categories malformed")
    if size:
        if min(starts) < 0 or max(ends) > len(text) or not all(map(int.__lt__, starts, ends)):
            raise ValueError("offsets outside the text")
        for column in (label, model_label):
            if min(column) < 0 or max(column) >= len(labels):
                raise ValueError("a label number unknown")
        if min(counts) < 1:
            raise ValueError("an entity without mentions")
        if min(order) < 0 or max(order) >= size or len(set(order)) != size:
            raise ValueError("the text order is not one of the mentions")
    sources: list[MentionSource] = ["model"] * size
    for position in user:
        sources[position] = "user"
    built = many_mentions(
        starts,
        ends,
        map(labels.__getitem__, label),
        map(text.__getitem__, map(slice, starts, ends)),
        sources,
        map(labels.__getitem__, model_label),
    )
    in_order = list(map(built.__getitem__, order))
    ordered_starts = list(map(starts.__getitem__, order))
    if not all(map(le, ordered_starts, ordered_starts[1:])):
        raise ValueError("the text order is not sorted")
    entities = []
    position = 0
    for (entity_id, name, category, value), count in zip(rows, counts, strict=True):
        if not isinstance(entity_id, str) or not isinstance(name, str):
            raise ValueError(f"entity {entity_id!r} malformed")
        if type(category) is not int or not 0 <= category < len(categories):
            raise ValueError(f"entity {entity_id!r} has no category")
        entities.append(
            Entity(
                entity_id,
                name,
                categories[category],
                tuple(built[position : position + count]),
                None if value is None else Fraction(value),
            )
        )
        position += count
    unplaced = data["unplaced"]
    if not isinstance(unplaced, list) or not all(isinstance(i, str) for i in unplaced):
        raise ValueError("unplaced is not a list of ids")
    return KeptView(entities, unplaced, in_order)


class DocumentViews:
    """The stored views of one document read by one model: looked up and kept by the
    corrections they were made with."""

    def __init__(self, cache: ViewCache, mentions_key: str, *, document_pass: bool) -> None:
        self.cache = cache
        self.mentions_key = mentions_key
        self.document_pass = document_pass

    def key(self, corrections: Sequence[Any]) -> str:
        return view_key(self.mentions_key, corrections, document_pass=self.document_pass)

    def exists(self, corrections: Sequence[Any]) -> bool:
        """Whether a view derived with these corrections is kept (not whether it is sound)."""
        return self.cache.has(self.key(corrections))

    def get(self, text: str, corrections: Sequence[Any]) -> KeptView | None:
        """The entities derived before with these corrections, if kept."""
        return self.cache.get(self.key(corrections), text)

    def put(
        self,
        entities: Sequence[Entity],
        text: str,
        corrections: Sequence[Any],
        unplaced: Sequence[str] = (),
    ) -> None:
        """Keep the entities derived with these corrections (best effort)."""
        self.cache.put(self.key(corrections), entities, len(text), unplaced)


def views_for(annotator: object, text_sha256: str, document_pass: bool) -> DocumentViews | None:
    """The kept views of a text read by an annotator with a cache (None otherwise: no
    annotator, no cache, or annotations imported from a file)."""
    cache = getattr(annotator, "cache", None)
    key = getattr(annotator, "key", None)
    if cache is None or key is None:
        return None
    return DocumentViews(ViewCache(cache.folder), key(text_sha256), document_pass=document_pass)
