"""The edits a user makes over the model's mentions, and how each finds its text again.

Edits name what they change by its text (the forms of an entity's mentions, or one mention's
text with a little context), so they still apply when the model streams more mentions, when
the cache is rebuilt, and, after re-anchoring, when the file itself has been edited.
`extract.applying` applies them; `extract.corrections` keeps them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from extract.model import Entity, Mention
from extract.names import fold, name_tokens

LABEL_LIMIT = 100
"""Characters a label may have: a model's or a scheme's labels are short names."""

CONTEXT = 24
"""Characters kept on each side of a single mention, to find it again after an edit."""

OPS: tuple[str, ...] = ("relabel", "remove", "remove_mention", "add", "merge", "split", "resize")
RULE_OPS: tuple[str, ...] = ("relabel", "remove", "merge")
"""The edits that name an entity by its forms, not a stretch of one text: those a corpus rule
may make."""


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

    def as_data(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_data(cls, data: Any) -> Anchor:
        """Read an anchor, checking its shape."""
        if not (
            isinstance(data, dict)
            and all(type(data.get(key)) is int for key in ("start", "end"))
            and all(isinstance(data.get(key, ""), str) for key in ("text", "before", "after"))
            and "text" in data
        ):
            raise ValueError("an anchor has start and end (numbers), text, before, after")
        start, end, text = data["start"], data["end"], data["text"]
        # Offsets outside the text would reach exports as they are (Python slices count
        # negative ones from the end), and an empty span is no mention.
        if start < 0 or end - start != len(text) or not text.strip():
            raise ValueError(
                f"anchor {start}-{end} does not fit its text {text[:40]!r}"
                if text.strip()
                else "an anchor's text is empty"
            )
        return cls(start, end, text, data.get("before", ""), data.get("after", ""))


@dataclass(frozen=True, slots=True)
class Correction:
    """One edit. Which fields matter depends on ``op``:

    - relabel / remove: ``forms`` (folded mention texts) and ``category`` name an entity; the
      mentions with those forms in that category get ``label`` / are dropped.
    - remove_mention / split: ``anchor`` names one mention.
    - add: ``anchor`` and ``label``; ``everywhere`` labels every other occurrence too.
    - merge: ``forms``/``category`` name the entity merged into the one ``into`` names.
    - resize: the mention at ``was`` now spans ``anchor`` (a word more or less at either end),
      with ``label``; mentions it grew over are merged into it.
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
    was: Anchor | None = None
    """resize: the mention as it was (written as ``from``)."""
    rule: bool = field(default=False, compare=False)
    """A corpus rule (see `extract.corpus_rules`), applied to every document of a corpus: one
    that names nothing in a document is not reported there. Never written: it says where the
    edit was read from."""

    def as_data(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        data: dict[str, Any] = {"id": self.id, "op": self.op}
        if self.label:
            data["label"] = self.label
        if self.forms:
            data["forms"] = list(self.forms)
            data["category"] = self.category
        if self.anchor is not None:
            data["anchor"] = self.anchor.as_data()
        if self.was is not None:
            data["from"] = self.was.as_data()
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
        anchor, was = data.get("anchor"), data.get("from")
        if not isinstance(data.get("everywhere", False), bool):
            raise ValueError("everywhere is true or false")
        made = cls(
            op=str(data["op"]),
            id=str(data.get("id") or uuid.uuid4().hex),
            label=str(data.get("label", "")),
            forms=_texts(data, "forms"),
            category=str(data.get("category", "")),
            anchor=None if anchor is None else Anchor.from_data(anchor),
            everywhere=data.get("everywhere", False),
            into=_texts(data, "into"),
            into_category=str(data.get("into_category", "")),
            was=None if was is None else Anchor.from_data(was),
        )
        if made.op in ("relabel", "add") and not is_label(made.label):
            raise ValueError(f"not a label: {made.label[:LABEL_LIMIT]!r}")
        if made.op in ("remove_mention", "split", "add", "resize") and made.anchor is None:
            raise ValueError(f"{made.op} needs an anchor")
        if made.op == "resize" and (made.was is None or not made.label):
            raise ValueError("resize needs the span it was (from) and a label")
        if made.op in ("relabel", "remove", "merge") and not made.forms:
            raise ValueError(f"{made.op} needs forms")
        return made


def is_label(label: str) -> bool:
    """Whether a text can be a label: spaCy's, another scheme's, or a user model's own
    (DISEASE): a short name with no control characters and no whitespace at its ends."""
    return 0 < len(label) <= LABEL_LIMIT and label == label.strip() and label.isprintable()


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key} is a list of texts")
    return tuple(value)


def forms_of(entity: Entity) -> tuple[str, ...]:
    """The folded texts of an entity's mentions: how edits name an entity."""
    return tuple(sorted({fold(m.text) for m in entity.mentions}))


def loose_form(form: str) -> str:
    """A form compared loosely: its name's words, without titles, stray letters or a
    possessive, so edits made before spans were trimmed still find their mentions."""
    return " ".join(w for w in name_tokens(form) if len(w) > 1 or w.isdigit())


def named_loosely(correction: Correction) -> set[str]:
    """The names an edit of entities names (those it changes, and the one it merges into),
    compared loosely."""
    return {loose_form(form) for form in (*correction.forms, *correction.into)} - {""}


def with_rules(rules: Sequence[Correction], log: Sequence[Correction]) -> list[Correction]:
    """The edits a document of a corpus is derived with: the corpus rules (relabel, remove and
    merge only) that name nothing the document's own edits name, its own word on a name
    winning, then its own edits."""
    named: set[str] = set()
    for correction in log:
        if correction.op in RULE_OPS:
            named |= named_loosely(correction)
    kept = [
        replace(rule, rule=True)
        for rule in rules
        if rule.op in RULE_OPS and not named_loosely(rule) & named
    ]
    return [*kept, *log]


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


def resize(text: str, mention: Mention, start: int, end: int) -> Correction:
    """The mention now spans ``text[start:end]`` (a word more or less at either end); mentions
    it grows over are merged into it. It keeps its label."""
    return Correction(
        "resize",
        label=mention.label,
        anchor=Anchor.at(text, start, end),
        was=Anchor.at(text, mention.start, mention.end),
    )


def describe(correction: Correction) -> str:
    """A short human description of an edit, for reports."""
    if correction.was is not None and correction.anchor is not None:
        was, now = correction.was.text, correction.anchor.text
        return f"{correction.op} {was!r} to {now!r} as {correction.label}"
    what = correction.anchor.text if correction.anchor is not None else ", ".join(correction.forms)
    label = f" as {correction.label}" if correction.label else ""
    return f"{correction.op.replace('_', ' ')} {what!r}{label}"


def why_unplaced(correction: Correction) -> str:
    """Why an edit could not be placed: its stretch of text is gone, or what it names is."""
    if correction.anchor is not None:
        return "the text changed"
    return "it names nothing the reader shows in this text"


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
