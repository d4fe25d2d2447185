"""The user's corrections: a log of edits applied over the model's mentions, kept safely.

Edits name what they change by its text (the forms of an entity's mentions, or one mention's
text with a little context), so they still apply when the model streams more mentions, when
the cache is rebuilt, and, after re-anchoring, when the file itself has been edited.

    model mentions ──► apply(mentions-level edits) ──► group ──► merge / split ──► entities
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from hashlib import sha256
from pathlib import Path
from typing import Any, Literal

from extract.atomic import aside_path, read_regular, reason, remove_leftovers, write_atomic
from extract.categories import ALL_LABELS, category_of
from extract.document import utf8
from extract.errors import EntityReaderError
from extract.model import Entity, Mention
from extract.names import display_name, fold, name_tokens
from extract.storage import data_dir

FORMAT = 1
CONTEXT = 24
"""Characters kept on each side of a single mention, to find it again after an edit."""

Op = Literal["relabel", "remove", "remove_mention", "add", "merge", "split"]
OPS: tuple[str, ...] = ("relabel", "remove", "remove_mention", "add", "merge", "split")


class CorrectionsError(EntityReaderError):
    """A corrections file whose content is not corrections (it may be moved aside)."""


class CorrectionsReadError(CorrectionsError):
    """A corrections file that could not be read at all: never moved, never overwritten."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """One stretch of text: where it was, what it said, and what surrounded it."""

    start: int
    end: int
    text: str
    before: str = ""
    after: str = ""

    @classmethod
    def at(cls, text: str, start: int, end: int) -> Anchor:
        """The anchor of ``text[start:end]``."""
        return cls(
            start,
            end,
            text[start:end],
            text[max(0, start - CONTEXT) : start],
            text[end : end + CONTEXT],
        )


@dataclass(frozen=True, slots=True)
class Correction:
    """One edit. Which fields matter depends on ``op``:

    - relabel / remove: ``forms`` (folded mention texts) and ``category`` name an entity; the
      mentions with those forms in that category get ``label`` / are dropped.
    - remove_mention / split: ``anchor`` names one mention.
    - add: ``anchor`` and ``label``; ``everywhere`` labels every other occurrence too.
    - merge: ``forms``/``category`` name the entity merged into the one ``into`` names.
    """

    op: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    label: str = ""
    forms: tuple[str, ...] = ()
    category: str = ""
    anchor: Anchor | None = None
    everywhere: bool = False
    into: tuple[str, ...] = ()
    into_category: str = ""

    def as_data(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        data: dict[str, Any] = {"id": self.id, "op": self.op}
        if self.label:
            data["label"] = self.label
        if self.forms:
            data["forms"] = list(self.forms)
            data["category"] = self.category
        if self.anchor is not None:
            a = self.anchor
            data["anchor"] = {
                "start": a.start,
                "end": a.end,
                "text": a.text,
                "before": a.before,
                "after": a.after,
            }
        if self.op == "add":
            data["everywhere"] = self.everywhere
        if self.into:
            data["into"] = list(self.into)
            data["into_category"] = self.into_category
        return data

    @classmethod
    def from_data(cls, data: Any) -> Correction:
        """Read one edit, checking its shape."""
        if not isinstance(data, dict) or data.get("op") not in OPS:
            raise ValueError(f"not a correction: {str(data)[:60]}")
        anchor = data.get("anchor")
        if anchor is not None and not (
            isinstance(anchor, dict)
            and all(type(anchor.get(key)) is int for key in ("start", "end"))
            and all(isinstance(anchor.get(key, ""), str) for key in ("text", "before", "after"))
            and "text" in anchor
        ):
            raise ValueError("an anchor has start and end (numbers), text, before, after")
        if anchor is not None:
            start, end, text = anchor["start"], anchor["end"], anchor["text"]
            # Offsets outside the text would reach exports as they are (Python slices count
            # negative ones from the end), and an empty span is no mention.
            if start < 0 or end - start != len(text) or not text.strip():
                raise ValueError(
                    f"anchor {start}-{end} does not fit its text {text[:40]!r}"
                    if text.strip()
                    else "an anchor's text is empty"
                )
        if not isinstance(data.get("everywhere", False), bool):
            raise ValueError("everywhere is true or false")
        made = cls(
            op=str(data["op"]),
            id=str(data.get("id") or uuid.uuid4().hex),
            label=str(data.get("label", "")),
            forms=_texts(data, "forms"),
            category=str(data.get("category", "")),
            anchor=None
            if anchor is None
            else Anchor(
                anchor["start"],
                anchor["end"],
                anchor["text"],
                anchor.get("before", ""),
                anchor.get("after", ""),
            ),
            everywhere=data.get("everywhere", False),
            into=_texts(data, "into"),
            into_category=str(data.get("into_category", "")),
        )
        if made.op in ("relabel", "add") and made.label not in ALL_LABELS:
            raise ValueError(f"unknown label {made.label!r}")
        if made.op in ("remove_mention", "split", "add") and made.anchor is None:
            raise ValueError(f"{made.op} needs an anchor")
        if made.op in ("relabel", "remove", "merge") and not made.forms:
            raise ValueError(f"{made.op} needs forms")
        return made


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key} is a list of texts")
    return tuple(value)


def forms_of(entity: Entity) -> tuple[str, ...]:
    """The folded texts of an entity's mentions: how edits name an entity."""
    return tuple(sorted({fold(m.text) for m in entity.mentions}))


def relabel(entity: Entity, label: str) -> Correction:
    """Give every mention of an entity another label."""
    return Correction("relabel", label=label, forms=forms_of(entity), category=entity.category)


def remove(entity: Entity) -> Correction:
    """The entity is not an entity: drop all its mentions."""
    return Correction("remove", forms=forms_of(entity), category=entity.category)


def remove_mention(text: str, mention: Mention) -> Correction:
    """Drop one mention."""
    return Correction("remove_mention", anchor=Anchor.at(text, mention.start, mention.end))


def add(text: str, start: int, end: int, label: str, *, everywhere: bool) -> Correction:
    """Mark a span (and, if ``everywhere``, every other occurrence of its text) as an entity."""
    return Correction("add", label=label, anchor=Anchor.at(text, start, end), everywhere=everywhere)


def merge(entity: Entity, into: Entity) -> Correction:
    """Make ``entity`` part of ``into``."""
    return Correction(
        "merge",
        forms=forms_of(entity),
        category=entity.category,
        into=forms_of(into),
        into_category=into.category,
    )


def split(text: str, mention: Mention) -> Correction:
    """Take one mention out of its entity, as an entity of its own."""
    return Correction("split", anchor=Anchor.at(text, mention.start, mention.end))


# -- applying ---------------------------------------------------------------------------------


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` stands in ``text`` as whole words (exact case)."""
    if not needle.strip():
        return []
    left = r"(?<!\w)" if needle[:1].isalnum() or needle[:1] == "_" else ""
    right = r"(?!\w)" if needle[-1:].isalnum() or needle[-1:] == "_" else ""
    pattern = re.compile(left + re.escape(needle) + right)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def locate(text: str, anchor: Anchor) -> tuple[int, int] | None:
    """Where an anchored stretch is now: in place if unchanged, else the best-matching occurrence."""
    if text[anchor.start : anchor.end] == anchor.text and (
        text[max(0, anchor.start - len(anchor.before)) : anchor.start] == anchor.before
        or text[anchor.end : anchor.end + len(anchor.after)] == anchor.after
    ):
        return anchor.start, anchor.end
    best: tuple[int, int] | None = None
    best_score = (-1, 0)
    for start, end in occurrences(text, anchor.text):
        before = text[max(0, start - len(anchor.before)) : start]
        after = text[end : end + len(anchor.after)]
        shared = _shared_suffix(before, anchor.before) + _shared_prefix(after, anchor.after)
        score = (shared, -abs(start - anchor.start))  # nearer wins a tie
        if score > best_score:
            best, best_score = (start, end), score
    # At least half the context must agree (one side intact will do): another occurrence of
    # the same word with a few letters around it in common is not the mention that was edited.
    if best is None or 2 * best_score[0] < len(anchor.before) + len(anchor.after):
        return None
    return best


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _shared_suffix(a: str, b: str) -> int:
    return _shared_prefix(a[::-1], b[::-1])


@dataclass
class Applied:
    """Entities after the edits, and the edits that could not be placed in this text."""

    entities: list[Entity]
    unplaced: list[Correction]


def apply(
    text: str,
    mentions: Iterable[Mention],
    corrections: Sequence[Correction],
    *,
    document_pass: bool = True,
) -> Applied:
    """The entities a reader sees: the model's mentions, mended and voted on by the
    document-level pass (unless ``document_pass`` is off, for annotations taken as they are),
    with the user's edits, grouped. The user's edits win over everything."""
    # Imported here: the store (opened before the reader's first frame) needs none of it.
    from extract.document_pass import prepare
    from extract.grouping import group

    base = prepare(text, mentions) if document_pass else list(mentions)
    by_span: dict[tuple[int, int], Mention] = {(m.start, m.end): m for m in base}

    def grouped() -> list[Entity]:
        return group(by_span.values(), text, vote=document_pass)

    # The category each mention is seen under: grouping may move a mention (a surname the
    # model called ORG joins its person), and edits name entities by what the reader saw.
    seen: dict[tuple[int, int], str] = {}
    if any(c.op in ("relabel", "remove") for c in corrections):
        for entity in grouped():
            for m in entity.mentions:
                seen[(m.start, m.end)] = entity.category
    unplaced: list[Correction] = []
    merges: list[Correction] = []
    splits: list[tuple[int, int]] = []
    for correction in corrections:
        op = correction.op
        # Edits of one stretch of text find it first; those that cannot are reported.
        place: tuple[int, int] = (0, 0)
        if op in ("remove_mention", "add", "split"):
            assert correction.anchor is not None
            found = locate(text, correction.anchor)
            if found is None:
                unplaced.append(correction)
                continue
            place = found
        if op in ("relabel", "remove"):
            hits = _named(by_span, seen, correction.forms, correction.category)
            if not hits:
                unplaced.append(correction)
            for key in hits:
                if op == "remove":
                    del by_span[key]
                else:
                    by_span[key] = replace(by_span[key], label=correction.label, source="user")
                    seen[key] = category_of(correction.label)
        elif op == "remove_mention":
            at = _mention_at(by_span, place)
            if at is not None:
                del by_span[at]
        elif op == "add":
            assert correction.anchor is not None
            spans = occurrences(text, correction.anchor.text) if correction.everywhere else []
            if place not in spans:
                spans.append(place)
            for key in _overlapping(by_span, spans):
                del by_span[key]
            for start, end in spans:
                by_span[(start, end)] = Mention(
                    start, end, correction.label, text[start:end], "user"
                )
                seen[(start, end)] = category_of(correction.label)
        elif op == "merge":
            merges.append(correction)
        elif op == "split":
            at = _mention_at(by_span, place)
            if at is not None:
                splits.append(at)
    entities = grouped()
    entities = _merge(entities, merges, unplaced)
    entities = _split(entities, splits)
    return Applied(entities, unplaced)


def _overlapping(
    by_span: dict[tuple[int, int], Mention], spans: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The mentions that overlap any of ``spans`` (sorted sweeps, not every pair)."""
    keys = sorted(by_span)
    starts = [k[0] for k in keys]
    longest = max((k[1] - k[0] for k in keys), default=0)
    hit: set[tuple[int, int]] = set()
    for start, end in spans:
        first = bisect_left(starts, start - longest)
        for key in keys[first : bisect_left(starts, end)]:
            if key[1] > start:
                hit.add(key)
    return sorted(hit)


def loose_form(form: str) -> str:
    """A form compared loosely: its name's words, without titles, stray letters or a
    possessive, so edits made before spans were trimmed still find their mentions."""
    return " ".join(w for w in name_tokens(form) if len(w) > 1 or w.isdigit())


def _named(
    by_span: dict[tuple[int, int], Mention],
    seen: dict[tuple[int, int], str],
    forms: Sequence[str],
    category: str,
) -> list[tuple[int, int]]:
    """The mentions an edit names by its forms and category: exactly if it can, else by the
    loose forms, else (the category was voted another way since) by the forms alone."""
    wanted = set(forms)
    exact = [k for k, m in by_span.items() if fold(m.text) in wanted]
    hits = [k for k in exact if seen.get(k, category_of(by_span[k].label)) == category]
    if hits:
        return hits
    loose = {loose_form(f) for f in forms} - {""}
    near = [k for k, m in by_span.items() if loose_form(m.text) in loose]
    hits = [k for k in near if seen.get(k, category_of(by_span[k].label)) == category]
    return hits or exact or near


def _mention_at(
    by_span: dict[tuple[int, int], Mention], place: tuple[int, int]
) -> tuple[int, int] | None:
    """The mention at an anchored stretch: exactly there, or (its span was trimmed since)
    the one lying most inside it."""
    if place in by_span:
        return place
    start, end = place
    inside = [k for k in by_span if k[0] >= start and k[1] <= end]
    return max(inside, key=lambda k: k[1] - k[0]) if inside else None


def _target(entities: list[Entity], forms: Sequence[str], category: str) -> list[Entity]:
    """Entities an edit names: same category and a shared form, else by loose forms alone."""
    wanted = set(forms)
    exact = [e for e in entities if e.category == category and wanted & set(forms_of(e))]
    if exact:
        return exact
    loose = {loose_form(f) for f in forms} - {""}
    return [e for e in entities if loose & {loose_form(f) for f in forms_of(e)}]


def _merge(
    entities: list[Entity], merges: Sequence[Correction], unplaced: list[Correction]
) -> list[Entity]:
    for correction in merges:
        targets = _target(entities, correction.into, correction.into_category)
        target = targets[0] if targets else None
        sources = [
            e for e in _target(entities, correction.forms, correction.category) if e is not target
        ]
        if target is None or not sources:
            unplaced.append(correction)
            continue
        moved = relabelled([m for s in sources for m in s.mentions], target)
        mentions = tuple(sorted((*target.mentions, *moved)))
        joined = replace(target, mentions=mentions)
        entities = [joined if e is target else e for e in entities if e not in sources]
    entities.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return entities


def relabelled(mentions: Sequence[Mention], entity: Entity) -> list[Mention]:
    """Mentions joining ``entity``: those of another category take its most frequent label."""
    label = entity.labels[0] if entity.labels else ""
    return [
        m if category_of(m.label) == entity.category or not label else replace(m, label=label)
        for m in mentions
    ]


def _split(entities: list[Entity], spans: Sequence[tuple[int, int]]) -> list[Entity]:
    if not spans:
        return entities
    wanted = set(spans)
    result: list[Entity] = []
    for entity in entities:
        taken = [m for m in entity.mentions if (m.start, m.end) in wanted]
        if not taken or len(taken) == len(entity.mentions):
            result.append(entity)
            continue
        kept = tuple(m for m in entity.mentions if (m.start, m.end) not in wanted)
        result.append(replace(entity, mentions=kept))
        for m in taken:
            single = replace(m, source="user")
            result.append(
                Entity(
                    f"{entity.id}@{m.start}",
                    display_name(m.text),
                    entity.category,
                    (single,),
                    entity.value,
                )
            )
    result.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return result


# -- keeping ----------------------------------------------------------------------------------


def describe(correction: Correction) -> str:
    """A short human description of an edit, for reports."""
    what = correction.anchor.text if correction.anchor is not None else ", ".join(correction.forms)
    label = f" as {correction.label}" if correction.label else ""
    return f"{correction.op.replace('_', ' ')} {what!r}{label}"


def why_unplaced(correction: Correction) -> str:
    """Why an edit could not be placed: its stretch of text is gone, or what it names is."""
    if correction.anchor is not None:
        return "the text changed"
    return "it names nothing the reader shows in this text"


def open_for(
    source: str,
    sha: str,
    explicit: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
) -> CorrectionStore:
    """The corrections of a document: ``explicit`` (``--annotations``) or the default place.

    ``read_only`` (export) never moves or writes anything: a corrupt file is only reported.
    """
    if explicit is not None:
        path, fallback = Path(explicit), None
    else:
        path = default_path(source)
        # Before links were resolved, the key was the path as given: still read from there.
        fallback = _key_path(os.path.abspath(source))
    return CorrectionStore.open(
        path,
        source=os.path.realpath(source),
        sha256=sha,
        explicit=explicit is not None,
        read_only=read_only,
        fallback=fallback if fallback != path else None,
    )


def default_path(source: str) -> Path:
    """Where the corrections of a file live: the user data folder, keyed by its real path (the
    same file opened through a symbolic link finds the same corrections)."""
    return _key_path(os.path.realpath(source))


def _key_path(absolute: str) -> Path:
    key = sha256(absolute.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return data_dir() / "corrections" / f"{key}.json"


class CorrectionStore:
    """The corrections of one document, saved at once on every change, atomically and merged.

    Several readers may have the same file open: each save takes a lock, re-reads the file,
    adds what this reader did, drops what it undid, and replaces the file in one rename.
    """

    def __init__(
        self,
        path: Path,
        *,
        source: str,
        sha256: str,
        explicit: bool = False,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.explicit = explicit
        """Named by the user (``--annotations``): never moved aside, a bad one is an error."""
        self.read_only = read_only
        """Only read (export): nothing is ever moved or written."""
        self.source = source
        self.sha256 = sha256
        self.log: list[Correction] = []
        self._undone: list[Correction] = []
        self._mine: list[str] = []
        self._withdrawn: set[str] = set()
        self.stored_sha256: str | None = None
        self.problems: list[str] = []

    @property
    def real_path(self) -> Path:
        """The file itself: ``path`` with symbolic links resolved, so a link is written
        through (never replaced) and every way of naming the file shares one lock."""
        return Path(os.path.realpath(self.path))

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        source: str,
        sha256: str,
        explicit: bool = False,
        read_only: bool = False,
        fallback: Path | None = None,
    ) -> CorrectionStore:
        """Load the corrections at ``path`` (none if it does not exist yet; then those at
        ``fallback``, if any, to be saved at ``path``).

        A file that cannot be read (permissions, a folder in the way, any I/O error) raises
        `CorrectionsReadError` and is left alone. A corrupt file in the data folder is moved
        aside (kept, never deleted) and reported in ``problems``, unless ``read_only``; one
        the user named (``explicit``) is left alone and raises `CorrectionsError`. Single
        edits that do not make sense (an anchor outside the text, an unknown label) are
        skipped and reported; they stay in the file.
        """
        store = cls(path, source=source, sha256=sha256, explicit=explicit, read_only=read_only)
        try:
            data = store._read()
            if data is None and fallback is not None:
                data = store._read(fallback)
        except CorrectionsReadError:
            raise
        except CorrectionsError as error:
            if explicit:
                raise CorrectionsError(
                    f"{error}; --annotations takes a corrections file (not an export)"
                ) from None
            if read_only:
                store.problems.append(f"{error}; exported without its corrections")
            else:
                store._set_aside(error)
            data = None
        if data is not None:
            store.log = data.log
            store.stored_sha256 = data.sha256
            store.problems.extend(data.skipped)
        return store

    def _set_aside(self, error: CorrectionsError) -> None:
        """Move a corrupt file out of the way (kept, never deleted) and report it."""
        real = self.real_path
        aside = aside_path(real)
        try:
            os.replace(real, aside)
        except OSError as failure:
            raise CorrectionsReadError(
                f"{error}; it could not be moved aside ({reason(failure)})"
            ) from None
        self.problems.append(f"{error}; kept it as {aside} and started afresh")

    def unplaced(self, text: str) -> list[Correction]:
        """Edits of single mentions that cannot be found in ``text`` any more."""
        return [c for c in self.log if c.anchor is not None and locate(text, c.anchor) is None]

    @property
    def changed_since(self) -> bool:
        """Whether the corrections were made on other content than the document now has."""
        return self.stored_sha256 is not None and self.stored_sha256 != self.sha256

    def _read(self, path: Path | None = None) -> _Stored | None:
        """The file's corrections; None if there is no file. Raises `CorrectionsReadError`
        when it cannot be read, `CorrectionsError` when it is not a corrections file."""
        path = path if path is not None else self.path
        try:
            raw = read_regular(path, MAX_FILE)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CorrectionsReadError(
                f"cannot read corrections file {path}: {reason(error)}; it was left as it is"
            ) from None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not an entity-reader corrections file")
            if not isinstance(data["corrections"], list):
                raise ValueError("corrections is not a list")
        except (ValueError, KeyError, TypeError) as error:
            raise CorrectionsError(f"corrections file {path} is corrupt ({error})") from None
        stored = _Stored(sha256=data.get("sha256") if isinstance(data.get("sha256"), str) else None)
        for number, item in enumerate(data["corrections"], start=1):
            try:
                stored.log.append(Correction.from_data(item))
            except (ValueError, KeyError, TypeError) as error:
                stored.kept.append(item)
                stored.skipped.append(
                    f"corrections file {path}: edit {number} skipped ({error}); "
                    "it stays in the file"
                )
        return stored

    @contextlib.contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """If saving fails, forget the change too: what the reader sees is what is stored."""
        state = (list(self.log), list(self._mine), list(self._undone), set(self._withdrawn))
        try:
            yield
        except BaseException:
            self.log, self._mine, self._undone, self._withdrawn = state
            raise

    def do(self, correction: Correction) -> None:
        """Record an edit and save."""
        with self._all_or_nothing():
            self.log.append(correction)
            self._mine.append(correction.id)
            self._undone.clear()
            self.save()

    def undo(self) -> Correction | None:
        """Take back this session's last edit and save."""
        with self._all_or_nothing():
            while self._mine:
                wanted = self._mine.pop()
                correction = next((c for c in self.log if c.id == wanted), None)
                if correction is not None:
                    break
            else:
                return None
            self.log.remove(correction)
            self._undone.append(correction)
            self._withdrawn.add(correction.id)
            self.save()
            return correction

    def redo(self) -> Correction | None:
        """Do again the last edit undone and save."""
        if not self._undone:
            return None
        with self._all_or_nothing():
            correction = self._undone.pop()
            self._withdrawn.discard(correction.id)
            self.log.append(correction)
            self._mine.append(correction.id)
            self.save()
            return correction

    def save(self) -> None:
        """Merge with what is on disk under a lock, then replace the file atomically.

        A symbolic link is written through (its target replaced). A file that cannot be
        read raises `CorrectionsReadError` and is not written: what it holds is not lost.
        """
        if self.read_only:
            raise CorrectionsError(f"corrections file {self.path} is open only for reading")
        real = self.real_path
        real.parent.mkdir(parents=True, exist_ok=True)
        lock_path = real.with_name(real.name + ".lock")
        with open(lock_path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    stored = self._read()
                except CorrectionsReadError:
                    raise
                except CorrectionsError as error:
                    if self.explicit:
                        raise
                    self._set_aside(error)
                    stored = None
                kept: list[Any] = []
                if stored is None:
                    merged = list(self.log)
                else:
                    # The file's order is kept (edits apply in order); this reader adds only
                    # its own new edits, so what another reader undid stays undone.
                    merged = [c for c in stored.log if c.id not in self._withdrawn]
                    on_disk = {c.id for c in merged}
                    mine = set(self._mine)
                    merged.extend(c for c in self.log if c.id in mine and c.id not in on_disk)
                    kept = stored.kept
                self.log = merged
                payload = {
                    "format": FORMAT,
                    "source": utf8(self.source),
                    "sha256": self.sha256,
                    "corrections": [*(c.as_data() for c in merged), *kept],
                }
                text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
                remove_leftovers(real)
                write_atomic(real, text.encode("utf-8"))
                self.stored_sha256 = self.sha256
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


MAX_FILE = 64 * 2**20
"""Corrections files larger than this are not read (a wrong path, not a log of edits)."""


@dataclass
class _Stored:
    """What a corrections file holds: the edits understood, and those kept but skipped."""

    sha256: str | None
    log: list[Correction] = field(default_factory=list)
    kept: list[Any] = field(default_factory=list)
    """Edits that could not be understood, written back as they were."""
    skipped: list[str] = field(default_factory=list)
    """One report per edit skipped."""
