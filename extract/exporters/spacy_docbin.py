"""A spaCy ``DocBin`` of the exact text with its entities set: one ``Doc``, or one per
paragraph or section (``--split``), so training batches are not one whole book.

``doc.ents`` carries each mention with its label and, as ``kb_id_``, its entity's id, with any
whitespace at its edges left out (spaCy calls such entity spans invalid for training).
``doc.spans["mentions"]`` holds every mention exactly (overlapping ones too, should corrections
make them) and ``doc.spans["user"]`` those the user marked; ``doc.user_data["entity_reader"]``
says where the text and the model came from, where the ``Doc`` starts in the document
(``offset``) and names each entity.
"""

from __future__ import annotations

from typing import Any

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import Placed, Segment, exclusive, meta, segments
from extract.exporters.tokens import Token, token_bounds, tokenize, vocab
from extract.model import Mention

USER_DATA_KEY = "entity_reader"


def _sent_starts(tokens: list[Token], text: str) -> list[bool | int | None]:
    """spaCy's sentence starts: the first token always, never a word after leading space."""
    starts: list[bool | int | None] = [token.sent_start for token in tokens]
    if starts:
        starts[0] = True
        index = 1
        while index < len(tokens) and tokens[index - 1].is_space(text):
            starts[index] = False  # the first sentence takes in the whitespace it starts with
            index += 1
    return starts


def _trimmed(text: str, pair: Placed) -> tuple[int, int] | None:
    """A mention's offsets without whitespace at either edge; None if nothing is left."""
    start, end = pair.mention.start, pair.mention.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def make_doc(annotations: Annotations, segment: Segment | None = None) -> Any:
    """The ``Doc`` of a segment (the whole document unless given): tokens cut at every mention
    edge, so ``doc.text`` is the text exactly."""
    from spacy.tokens import Doc, Span

    if segment is None:
        (segment,) = segments(annotations, None)
    text = segment.text
    pairs = list(segment.pairs)
    entities = [(pair, trimmed) for pair in exclusive(pairs) if (trimmed := _trimmed(text, pair))]
    edges = [pair.mention for pair in pairs]
    edges += [
        Mention(start, end, pair.mention.label, text[start:end]) for pair, (start, end) in entities
    ]
    tokens = tokenize(text, edges, segment.lang)
    doc = Doc(
        vocab(segment.lang),
        words=[token.text(text) for token in tokens],
        spaces=[token.ws for token in tokens],
        sent_starts=_sent_starts(tokens, text),
    )

    def spans(chosen: list[Placed]) -> list[Any]:
        bounds = token_bounds(tokens, [pair.mention for pair in chosen])
        return [
            Span(doc, first, last + 1, label=pair.mention.label, kb_id=pair.entity.id)
            for pair, (first, last) in zip(chosen, bounds, strict=True)
        ]

    ent_bounds = token_bounds(tokens, edges[len(pairs) :])
    doc.ents = [
        Span(doc, first, last + 1, label=pair.mention.label, kb_id=pair.entity.id)
        for (pair, _), (first, last) in zip(entities, ent_bounds, strict=True)
    ]
    doc.spans["mentions"] = spans(pairs)
    doc.spans["user"] = spans([pair for pair in pairs if pair.mention.source == "user"])
    doc.user_data[USER_DATA_KEY] = {
        **meta(annotations),
        "offset": segment.offset,
        "entities": {pair.entity.id: pair.entity.name for pair in pairs},
    }
    return doc


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    from spacy.tokens import DocBin

    docs = [make_doc(annotations, segment) for segment in segments(annotations, options.split)]
    data: bytes = DocBin(store_user_data=True, docs=docs).to_bytes()
    return {"": data}


register(
    ExportFormat(
        name="spacy",
        description="spaCy DocBin (binary .spacy) with doc.ents and entity ids as kb_id_",
        extension=".spacy",
        render=render,
        to_stdout=False,
        splits=True,
    )
)
