"""A spaCy ``DocBin`` holding one ``Doc`` of the exact text with its entities set.

``doc.ents`` carries each mention with its label and, as ``kb_id_``, its entity's id.
``doc.spans["mentions"]`` holds every mention (overlapping ones too, should corrections make
them) and ``doc.spans["user"]`` those the user marked; ``doc.user_data["entity_reader"]`` says
where the text and the model came from and names each entity.
"""

from __future__ import annotations

from typing import Any

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import Placed, exclusive, meta, placed
from extract.exporters.tokens import token_bounds, tokenize, vocab

USER_DATA_KEY = "entity_reader"


def make_doc(annotations: Annotations) -> Any:
    """The ``Doc``: tokens cut at every mention edge, so ``doc.text`` is the text exactly."""
    from spacy.tokens import Doc, Span

    text = annotations.document.text
    pairs = placed(annotations)
    tokens = tokenize(text, [pair.mention for pair in pairs])
    doc = Doc(
        vocab(),
        words=[token.text(text) for token in tokens],
        spaces=[token.ws for token in tokens],
        sent_starts=[token.sent_start or index == 0 for index, token in enumerate(tokens)],
    )

    def spans(chosen: list[Placed]) -> list[Any]:
        bounds = token_bounds(tokens, [pair.mention for pair in chosen])
        return [
            Span(doc, first, last + 1, label=pair.mention.label, kb_id=pair.entity.id)
            for pair, (first, last) in zip(chosen, bounds, strict=True)
        ]

    doc.ents = spans(exclusive(pairs))
    doc.spans["mentions"] = spans(pairs)
    doc.spans["user"] = spans([pair for pair in pairs if pair.mention.source == "user"])
    doc.user_data[USER_DATA_KEY] = {
        **meta(annotations),
        "entities": {entity.id: entity.name for entity in annotations.entities},
    }
    return doc


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    from spacy.tokens import DocBin

    data: bytes = DocBin(store_user_data=True, docs=[make_doc(annotations)]).to_bytes()
    return {"": data}


register(
    ExportFormat(
        name="spacy",
        description="spaCy DocBin (binary .spacy) with doc.ents and entity ids as kb_id_",
        extension=".spacy",
        render=render,
        to_stdout=False,
    )
)
