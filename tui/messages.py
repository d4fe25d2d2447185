"""Messages the background workers send to the reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from extract.model import Mention
from tui.view import View

if TYPE_CHECKING:
    from extract.corrections import Correction


class MentionsFound(Message):
    """The model found these mentions (only the new ones), and how far it has come."""

    def __init__(self, mentions: tuple[Mention, ...], done: int, total: int, cached: bool) -> None:
        super().__init__()
        self.mentions, self.done, self.total, self.cached = mentions, done, total, cached


class AnnotationFailed(Message):
    """The model could not run; the reader goes on without entities."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class ViewDerived(Message):
    """A derivation is done: the view of the mentions and corrections it was given."""

    def __init__(
        self,
        view: View,
        worker: Worker[None],
        spent: float,
        complete: bool,
        log: tuple[Correction, ...],
        mentions: list[Mention] | None = None,
    ) -> None:
        super().__init__()
        self.view = view
        self.worker = worker
        """The worker that derived it: a cancelled one's view is out of date."""
        self.spent = spent
        """Seconds it took."""
        self.complete = complete
        """Whether it holds every mention the model will find."""
        self.log = log
        """The corrections it was derived with: if they are not the latest, it is out of
        date."""
        self.mentions = mentions
        """The model's mentions, when the worker read them from the cache (see
        `_model_part`)."""


class NothingCached(Message):
    """The cache held nothing usable for the text after all: the model must run."""
