"""Hand-built text and mentions the correction tests share, and the small helpers that look
entities and mentions up in what apply returns."""

from __future__ import annotations

from collections.abc import Sequence

from extract.corrections import (
    apply,
)
from extract.model import Entity, Mention

TEXT = (
    "Alice Smith met Bob Stone in Paris on Monday. Smith told Bob that Paris was cold. "
    "Acme Corp paid Stone. Later Acme sold Widget, and Widget sold out in Paris."
)
MODEL = [
    ("Alice Smith", "PERSON"),
    ("Bob Stone", "PERSON"),
    ("Paris", "ORG"),
    ("Monday", "DATE"),
    ("Smith", "PERSON"),
    ("Bob", "PERSON"),
    ("Paris", "ORG"),
    ("Acme Corp", "ORG"),
    ("Stone", "PERSON"),
    ("Acme", "ORG"),
    ("Paris", "GPE"),
]
"""The "model's" mentions of TEXT, in order: Paris twice as ORG, once as GPE."""


def found(text: str, spans: Sequence[tuple[str, str]]) -> list[Mention]:
    """Mentions of each (text, label) in turn, each found after the one before."""
    mentions, position = [], 0
    for needle, label in spans:
        start = text.index(needle, position)
        mentions.append(Mention(start, start + len(needle), label, needle))
        position = start + len(needle)
    return mentions


MENTIONS = found(TEXT, MODEL)


def nth(needle: str, n: int, text: str = TEXT) -> int:
    """Offset of the ``n``-th (from 0) occurrence of ``needle``."""
    start = -1
    for _ in range(n + 1):
        start = text.index(needle, start + 1)
    return start


def mention_at(text: str, mentions: Sequence[Mention], needle: str, n: int) -> Mention:
    start = nth(needle, n, text)
    return next(m for m in mentions if m.start == start)


def entity(entities: Sequence[Entity], name: str, category: str | None = None) -> Entity:
    [only] = [e for e in entities if e.name == name and category in (None, e.category)]
    return only


def summary(entities: Sequence[Entity]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """(name, category) → [(start, label, source)], for exact comparisons."""
    result: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for e in entities:
        result.setdefault((e.name, e.category), []).extend(
            (m.start, m.label, m.source) for m in e.mentions
        )
    return result


def model_entity(name: str, category: str) -> Entity:
    """An entity as the reader shows it before any edit (the document-level pass has run)."""
    return entity(apply(TEXT, MENTIONS, []).entities, name, category)


def spans(mentions: Sequence[Mention]) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.text) for m in mentions]
