"""Messages the background workers send to the reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from extract.model import Mention
from tui.view import View

if TYPE_CHECKING:
    from extract.corrections import Correction


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
    log: tuple[Correction, ...]
    """The corrections it was derived with: if they are not the latest, it is out of date."""
    mentions: list[Mention] | None = None
    """The model's mentions, when the worker read them from the cache (see `_model_part`)."""


class NothingCached(Message):
    """The cache held nothing usable for the text after all: the model must run."""
