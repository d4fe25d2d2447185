"""Messages the background annotation sends to the reader."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from extract.model import Mention


@dataclass
class MentionsFound(Message):
    """The model found these mentions (only the new ones), and how far it has come."""

    mentions: tuple[Mention, ...]
    done: int
    total: int
    cached: bool


@dataclass
class AnnotationFailed(Message):
    """The model could not run; the reader goes on without entities."""

    reason: str
