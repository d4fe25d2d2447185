"""A store of derived views: a text's entities, as the document-level pass and the user's
corrections made them, so a book opened again shows them at once instead of deriving them.

The key covers everything the entities depend on: the model's mentions (text, model, version,
settings: the mention cache's key), the pass's version, whether the pass runs at all, the
settings' label → section mapping, and the corrections. An entry is a line of compact JSON
that opens with a CRC-32 of the rest of the entry (so that damage anywhere is found before any
of it is shown), then `extract.packed`'s columns of numbers as they are: read back without
parsing a number at a time.

It is read in two steps: `ViewCache.open` reads and checks an entry (a few milliseconds for a
book), which gives its `Head` at once (every entity as a list shows it, the mentions of the
stretch of text on screen); `ViewCache.rest` then makes every entity with its mentions (tens
of milliseconds), once. A corrupt or stale entry is set aside and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from extract.cache import DAMAGED, JsonStore
from extract.categories import mapping_fingerprint
from extract.model import Entity
from extract.versions import PASS_VERSION, VIEW_FORMAT

if TYPE_CHECKING:
    from extract.packed import Head, KeptEntry, KeptView

SEAL = b'{"crc32":"%08x",'
"""How an entry starts: the CRC-32 of the rest of it (from the next field on), in hex."""
SEALED = len(SEAL % 0)


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
        entry = self.open(key, text)
        return None if entry is None else self.rest(entry)

    def open(self, key: str, text: str) -> KeptEntry | None:
        """The entry stored under ``key``, read and checked (its `KeptEntry.head` can be had
        at once, its entities from `rest`), or None when missing, corrupt or not of
        ``text``."""
        # (`extract.packed` imported here: whether a view is kept is known without it)
        from extract.packed import KeptEntry

        return self._read(key, lambda raw: KeptEntry(_decoded(raw), key, text))

    def head(self, entry: KeptEntry, region: tuple[int, int]) -> Head | None:
        """An entry's `Head` for the mentions overlapping ``region`` (None when that part of
        it turns out corrupt: then it is set aside)."""
        try:
            return entry.head(region)
        except DAMAGED as error:
            self._set_aside(entry.key, error)
            return None

    def rest(self, entry: KeptEntry) -> KeptView | None:
        """Every entity of an entry `open` read, with its mentions: made once (a caller on
        another thread meanwhile waits for it); None when corrupt (then set aside)."""
        with entry.lock:
            if not entry.tried:
                entry.tried = True
                try:
                    entry.kept = entry.whole()
                except DAMAGED as error:
                    self._set_aside(entry.key, error)
            return entry.kept

    def put(
        self,
        key: str,
        entities: Sequence[Entity],
        text_length: int,
        unplaced: Sequence[str] = (),
    ) -> None:
        """Store entities (and the ids of corrections not placed) under ``key``; a failure to
        write only loses the cache."""
        from extract.packed import pack

        self._write(key, pack(entities, key, text_length, unplaced))

    def _encode(self, payload: dict[str, Any]) -> bytes:
        """A line of compact JSON that opens with the CRC-32 of the rest (`SEAL`), then the
        columns of numbers as they are (`pack`'s bytes), as the line's "binary" lists them."""
        columns = {name: value for name, value in payload.items() if isinstance(value, bytes)}
        fields = {name: value for name, value in payload.items() if name not in columns}
        fields["binary"] = [[name, len(value)] for name, value in columns.items()]
        rest = super()._encode(fields)[1:] + b"\n" + b"".join(columns.values())
        return SEAL % zlib.crc32(rest) + rest


def _decoded(raw: bytes) -> dict[str, Any]:
    """What `ViewCache._encode` wrote: its fields, the columns among them, once its CRC-32 is
    found to match (ValueError otherwise: damaged, cut short, or of another format)."""
    prefix = SEAL.split(b"%")[0]
    if not raw.startswith(prefix) or raw[SEALED - 2 : SEALED] != b'",':
        raise ValueError(f"not a format {VIEW_FORMAT} entry")
    whole = memoryview(raw)
    if zlib.crc32(whole[SEALED:]) != int(raw[len(prefix) : SEALED - 2], 16):
        raise ValueError("damaged: its CRC-32 does not match")
    line = raw.index(b"\n")
    data = json.loads(raw[:line])
    if not isinstance(data, dict):
        raise ValueError("not an entry")
    position = line + 1
    for name, length in data.pop("binary"):
        data[name] = whole[position : position + length]
        position += length
    if position != len(raw):
        raise ValueError("the columns do not fill the entry")
    return data


class DocumentViews:
    """The stored views of one document read by one model: looked up and kept by the
    corrections they were made with."""

    def __init__(self, cache: ViewCache, mentions_key: str, *, document_pass: bool) -> None:
        self.cache = cache
        self.mentions_key = mentions_key
        self.document_pass = document_pass
        self._open: KeptEntry | None = None
        """The entry `head` read, until `get` makes its whole view."""

    def key(self, corrections: Sequence[Any]) -> str:
        return view_key(self.mentions_key, corrections, document_pass=self.document_pass)

    def exists(self, corrections: Sequence[Any]) -> bool:
        """Whether a view derived with these corrections is kept (not whether it is sound)."""
        return self.cache.has(self.key(corrections))

    def head(
        self, text: str, corrections: Sequence[Any], region: tuple[int, int]
    ) -> tuple[KeptEntry, Head] | None:
        """The view kept for these corrections, read and checked, and its `Head` for the
        mentions overlapping ``region`` (None when nothing sound is kept). `get` (or
        `ViewCache.rest`) then makes the whole of that entry, without reading it again."""
        entry = self.cache.open(self.key(corrections), text)
        head = None if entry is None else self.cache.head(entry, region)
        self._open = entry if head is not None else None
        return None if entry is None or head is None else (entry, head)

    def get(self, text: str, corrections: Sequence[Any]) -> KeptView | None:
        """The entities derived before with these corrections, if kept."""
        key = self.key(corrections)
        entry = self._open
        if entry is not None and entry.key == key:
            return self.rest(entry)
        return self.cache.get(key, text)

    def rest(self, entry: KeptEntry) -> KeptView | None:
        """The whole of an entry `head` read (see `ViewCache.rest`)."""
        if self._open is entry:
            self._open = None
        return self.cache.rest(entry)

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
