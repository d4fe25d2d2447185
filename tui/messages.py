"""Messages the background workers send to the reader."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.worker import Worker

from extract.model import Mention
from tui.view import View


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


@dataclass
class ViewDerived(Message):
    """A derivation is done: the view of the mentions and corrections it was given."""

    view: View
    worker: Worker[None]
    """The worker that derived it: a cancelled one's view is out of date."""
    spent: float
    """Seconds it took."""
    complete: bool
    """Whether it holds every mention the model will find."""


class NothingCached(Message):
    """The cache held nothing usable for the text after all: the model must run."""
