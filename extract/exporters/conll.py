"""CoNLL-2003 columns: one token a line with its BIO tag, a blank line between sentences."""

from __future__ import annotations

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import encode, exclusive, placed
from extract.exporters.tokens import token_bounds, tokenize

DOCSTART = "-DOCSTART- -X- -X- O"


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    text = annotations.document.text
    mentions = [pair.mention for pair in exclusive(placed(annotations))]
    tokens = tokenize(text, mentions)
    tags = ["O"] * len(tokens)
    for mention, (first, last) in zip(mentions, token_bounds(tokens, mentions), strict=True):
        prefix = "B"
        for index in range(first, last + 1):
            # Whitespace tokens are not written, so the first written token begins the entity.
            if not tokens[index].is_space(text):
                tags[index] = f"{prefix}-{mention.label}"
                prefix = "I"
    sentences: list[list[str]] = []
    current: list[str] = []
    for token, tag in zip(tokens, tags, strict=True):
        if token.sent_start and current:
            sentences.append(current)
            current = []
        if not token.is_space(text):
            current.append(f"{token.text(text)} -X- -X- {tag}")
    if current:
        sentences.append(current)
    blocks = [DOCSTART, *("\n".join(lines) for lines in sentences)]
    return {"": encode("\n\n".join(blocks) + "\n\n")}


register(
    ExportFormat(
        name="conll",
        description="CoNLL-2003 columns: a token a line with its BIO tag, sentences apart",
        extension=".conll",
        render=render,
    )
)
