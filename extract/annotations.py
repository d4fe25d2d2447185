"""What gets exported or shown: a document, its entities, and the model that found them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from extract.annotator import Annotator, Batch
from extract.corrections import Correction, apply
from extract.document import Document
from extract.model import Entity, Mention
from extract.recognizer import ModelInfo


@dataclass(frozen=True)
class Annotations:
    """A document with its grouped entities, ready for any exporter."""

    document: Document
    entities: tuple[Entity, ...]
    model_name: str
    model_version: str
    unplaced: tuple[Correction, ...] = field(default=())
    """Corrections that could not be placed in this text (it changed since they were made)."""
    language: str = "en"
    """The language of the text as the model read it (spaCy's code): token-based formats use
    its tokenizer."""

    @property
    def unplaced_notes(self) -> list[str]:
        """A warning for each correction that could not be placed, naming the document."""
        from extract.corrections import describe, why_unplaced

        return [
            f"{self.document.source}: correction not placed ({why_unplaced(correction)}): "
            f"{describe(correction)}"
            for correction in self.unplaced
        ]

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
    return annotations_of(document, mentions, corrections, annotator.info, document_pass)


def annotations_of(
    document: Document,
    mentions: Iterable[Mention],
    corrections: Sequence[Correction],
    model: ModelInfo,
    document_pass: bool = True,
) -> Annotations:
    """The model's mentions of a document with the user's corrections applied (and the
    document-level pass run, unless ``document_pass`` is off, in the model's language),
    grouped: what the reader shows."""
    lang = model.lang
    applied = apply(document.text, mentions, corrections, document_pass=document_pass, lang=lang)
    return Annotations(
        document=document,
        entities=tuple(applied.entities),
        model_name=model.name,
        model_version=model.version,
        unplaced=tuple(applied.unplaced),
        language=lang,
    )
