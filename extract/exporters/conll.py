"""CoNLL columns: one token a line with its BIO tag, a blank line between sentences.

``conll`` is CoNLL-2003's four columns, ``TOKEN POS CHUNK TAG``, with ``-`` for the POS and
chunk tags no model here makes (spaCy's own placeholder for a missing tag), and each document
(or paragraph or section, with ``--split``) opened by spaCy's delimiter ``-DOCSTART- -X- O O``,
so ``spacy convert -c ner`` reads tokens, sentences, documents and entities as written.
``conll-tsv`` is the two columns ``TOKEN<TAB>TAG`` that doccano's CoNLL import takes: a blank
line ends each sentence (or each paragraph or section, with ``--split``), which doccano makes
one example each. Whitespace is left out; a token never contains any.
"""

from __future__ import annotations

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import Segment, encode, exclusive, one_word, segments
from extract.exporters.tokens import token_bounds, tokenize

DOCSTART = "-DOCSTART- -X- O O"
"""spaCy's document delimiter for CoNLL-2003 files (``spacy convert`` splits on this line)."""
MISSING = "-"
"""The POS and chunk columns: spaCy's value for a tag that is not given."""

Row = tuple[str, str]
"""A token's text and its BIO tag."""


def sentences(segment: Segment) -> list[list[Row]]:
    """The segment's sentences, each its tokens (whitespace left out) with BIO tags."""
    text = segment.text
    mentions = [pair.mention for pair in exclusive(segment.pairs)]
    tokens = tokenize(text, mentions, segment.lang)
    tags = ["O"] * len(tokens)
    for mention, (first, last) in zip(mentions, token_bounds(tokens, mentions), strict=True):
        prefix = "B"
        for index in range(first, last + 1):
            # Whitespace tokens are not written, so the first written token begins the entity.
            if not tokens[index].is_space(text):
                tags[index] = f"{prefix}-{one_word(mention.label)}"
                prefix = "I"
    result: list[list[Row]] = []
    current: list[Row] = []
    for token, tag in zip(tokens, tags, strict=True):
        if token.sent_start and current:
            result.append(current)
            current = []
        if not token.is_space(text):
            current.append((token.text(text), tag))
    if current:
        result.append(current)
    return result


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    blocks: list[str] = []
    for segment in segments(annotations, options.split):
        blocks.append(DOCSTART)
        for sentence in sentences(segment):
            blocks.append(
                "\n".join(f"{token} {MISSING} {MISSING} {tag}" for token, tag in sentence)
            )
    if not blocks:
        blocks.append(DOCSTART)
    return {"": encode("\n\n".join(blocks) + "\n\n")}


def render_tsv(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    blocks: list[str] = []
    for segment in segments(annotations, options.split):
        found = sentences(segment)
        # Split records keep a segment together: doccano makes each block one example.
        groups = found if options.split is None else [[row for s in found for row in s]]
        blocks += ["\n".join(f"{token}\t{tag}" for token, tag in rows) for rows in groups if rows]
    return {"": encode("".join(block + "\n\n" for block in blocks))}


register(
    ExportFormat(
        name="conll",
        description="CoNLL-2003 columns (spaCy's form): TOKEN - - BIO-TAG, documents and "
        "sentences apart",
        extension=".conll",
        render=render,
        splits=True,
    )
)

register(
    ExportFormat(
        name="conll-tsv",
        description="two columns, TOKEN<TAB>BIO-TAG, sentences apart (doccano's CoNLL import)",
        extension=".tsv",
        render=render_tsv,
        splits=True,
    )
)
