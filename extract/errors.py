"""The one exception family whose message the command line prints as a single line."""

from __future__ import annotations


class EntityReaderError(Exception):
    """A failure the user can act on; its message is one line, shown without a traceback."""


class DocumentError(EntityReaderError):
    """A path that cannot be read as a text document."""


class ModelError(EntityReaderError):
    """A spaCy model that is missing or cannot be loaded."""
