"""Messages the background annotation sends to the reader."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from extract.index import MentionIndex
from extract.model import Entity, Mention


@dataclass
class MentionsArrived(Message):
    """A new state of the annotation: all entities so far, their index, and progress."""

    mentions: list[Mention]
    entities: list[Entity]
    index: MentionIndex
    shown: frozenset[str]
    version: int
    """The corrections version the entities were computed with."""
    done: int
    total: int
    cached: bool


@dataclass
class AnnotationFailed(Message):
    """The model could not run; the reader goes on without entities."""

    reason: str
