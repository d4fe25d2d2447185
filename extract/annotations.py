"""What gets exported or shown: a document, its entities, and the model that found them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extract.annotator import Annotator, Batch
from extract.corrections import Correction, apply
from extract.document import Document
from extract.model import Entity, Mention


@dataclass(frozen=True)
class Annotations:
    """A document with its grouped entities, ready for any exporter."""

    document: Document
    entities: tuple[Entity, ...]
    model_name: str
    model_version: str
    unplaced: tuple[Correction, ...] = field(default=())
    """Corrections that could not be placed in this text (it changed since they were made)."""

    @property
    def mentions(self) -> list[Mention]:
        """Every mention of every entity, in document order."""
        return sorted(m for entity in self.entities for m in entity.mentions)


def annotate(
    document: Document,
    annotator: Annotator,
    *,
    progress: Callable[[Batch], None] | None = None,
    corrections: Sequence[Correction] = (),
) -> Annotations:
    """Run the model over the whole document (or read the cache), apply the user's
    corrections, and group the result."""
    mentions: list[Mention] = []
    for batch in annotator.annotate(document.text, document.sha256):
        mentions.extend(batch.mentions)
        if progress is not None:
            progress(batch)
    document_pass = getattr(annotator, "document_pass", True)
    applied = apply(document.text, mentions, corrections, document_pass=document_pass)
    return Annotations(
        document=document,
        entities=tuple(applied.entities),
        model_name=annotator.info.name,
        model_version=annotator.info.version,
        unplaced=tuple(applied.unplaced),
    )
