"""Plain data shared by every part of entity-reader: mentions and entities."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter
from typing import Literal, NamedTuple, TypeVar

MentionSource = Literal["model", "user"]
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, order=True)
class Mention:
    """One stretch of the document that names something: ``text[start:end]``, end exclusive."""

    start: int
    end: int
    label: str
    text: str
    source: MentionSource = "model"
    model_label: str = ""
    """The label the model gave this span, kept when the document-level pass changes
    ``label`` (the recogniser and the cache set it from the start); empty when the model gave
    none (a user's mention, or a name spread from its other occurrences)."""


document_order: Callable[[Mention], tuple[int, int]] = attrgetter("start", "end")
"""A mention's place, ``(start, end)``: the sort key of document order (faster than a lambda
or comparing whole mentions, and the pass sorts tens of thousands)."""
labelling: Callable[[Mention], tuple[str, str, str]] = attrgetter("model_label", "label", "source")
"""Who labelled a mention how, ``(model_label, label, source)``: what the pass counts of a
name's mentions (a few kinds, for hundreds of mentions)."""


@dataclass(slots=True)
class _Made:
    """`Mention`'s layout, not frozen: how `many_mentions` makes them quickly."""

    start: int
    end: int
    label: str
    text: str
    source: str
    model_label: str


def many_mentions(
    starts: Iterable[int],
    ends: Iterable[int],
    labels: Iterable[str],
    texts: Iterable[str],
    sources: Iterable[MentionSource],
    model_labels: Iterable[str],
) -> list[Mention]:
    """Mentions made column by column (a kept view's tens of thousands), each exactly as
    ``Mention(start, end, label, text, source, model_label)`` would make it, in a third of the
    time: a frozen dataclass sets each field through ``object.__setattr__``, so they are made
    as their mutable twin (the same slots, in the same order) and then given their class."""
    made = list(map(_Made, starts, ends, labels, texts, sources, model_labels))
    for mention in made:
        mention.__class__ = Mention  # type: ignore[assignment]
    return made  # type: ignore[return-value]


def counts_of(items: Iterable[_T]) -> dict[_T, int]:
    """How many times each item occurs, in the order each first occurs: a `Counter` without
    its cost of setting up, which a few items to count do not repay (the pass counts the
    labels and forms of each of thousands of names, most with a few mentions)."""
    counts: dict[_T, int] = {}
    get = counts.get
    for item in items:
        counts[item] = get(item, 0) + 1
    return counts


def most_common(counts: dict[_T, int]) -> _T:
    """The item counted most, the first counted on a tie (as `Counter.most_common` picks)."""
    return max(counts, key=counts.__getitem__)


@dataclass(frozen=True, slots=True)
class Entity:
    """A group of mentions that name the same thing, under its fullest name."""

    id: str
    name: str
    category: str
    mentions: tuple[Mention, ...]
    value: Fraction | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels its mentions carry, most frequent first (ties by name)."""
        counts: dict[str, int] = {}
        for mention in self.mentions:
            counts[mention.label] = counts.get(mention.label, 0) + 1
        return tuple(sorted(counts, key=lambda label: (-counts[label], label)))

    @property
    def first(self) -> int:
        """Offset of its first mention."""
        return self.mentions[0].start

    @property
    def sources(self) -> frozenset[str]:
        """Where its mentions came from: the model, the user, or both."""
        return frozenset(mention.source for mention in self.mentions)


class Listed(NamedTuple):
    """An entity as a list shows it (the reader's sidebar): its name, its category and how
    many mentions it has, not the mentions themselves, so that a kept view's list can be
    shown before its tens of thousands of mentions are read."""

    id: str
    name: str
    category: str
    mention_count: int
    """How many mentions it has."""
    first: int
    """Offset of its first mention."""
    edited: bool
    """Whether a mention of it is the user's."""

    @classmethod
    def of(cls, entity: Entity) -> Listed:
        """The entry of an entity."""
        mentions = entity.mentions
        edited = "user" in map(_source, mentions)  # (not `sources`: a set of every one)
        return cls(
            entity.id, entity.name, entity.category, len(mentions), mentions[0].start, edited
        )


_source = attrgetter("source")
