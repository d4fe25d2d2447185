"""Tokens and sentences for the token-based formats, cut so every mention edge is a token edge.

spaCy's rule-based tokenizer of the text's language (the model's) and its sentencizer do the
work; their tokens are then cut
further at mention edges the tokenizer did not see (a user's selection inside a word) and
between whitespace and other characters (``Al\\u00a0Abadi`` is three tokens), so no mention is
ever lost or shifted and no token but a whitespace token contains whitespace. spaCy is imported
only when a token-based format is rendered.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from typing import Any

from extract.chunks import paragraphs
from extract.exporters.progress import advance
from extract.model import Mention

REPORT_EVERY = 5000
"""Tokens between two reports of progress (`extract.exporters.progress`)."""


@dataclass(frozen=True, slots=True)
class Token:
    """``text[start:end]``, followed by one space of its own when ``ws`` (as spaCy has it)."""

    start: int
    end: int
    ws: bool
    sent_start: bool
    """Whether a sentence starts here (never on a whitespace token: its sentence starts at the
    next word, so no sentence is whitespace only)."""

    def text(self, text: str) -> str:
        """The token's characters in ``text``."""
        return text[self.start : self.end]

    def is_space(self, text: str) -> bool:
        """Whether the token is whitespace only (spaCy's ``is_space``)."""
        return text[self.start : self.end].isspace()


@lru_cache(maxsize=4)
def _pipeline(lang: str = "en") -> Any:
    """A blank pipeline of a language with the rule-based sentencizer, built once per
    process; spaCy's language-neutral one ("xx") for a language it has no tokenizer for."""
    import spacy

    try:
        nlp = spacy.blank(lang)
    except ImportError:  # spaCy's E048: no such language
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def vocab(lang: str = "en") -> Any:
    """The vocabulary of the tokenizing pipeline, for building ``Doc`` objects."""
    return _pipeline(lang).vocab


def _runs(text: str, start: int, end: int) -> Iterable[int]:
    """Offsets inside ``text[start:end]`` where whitespace meets other characters."""
    for position in range(start + 1, end):
        if text[position].isspace() != text[position - 1].isspace():
            yield position


def tokenize(text: str, mentions: Iterable[Mention] = (), lang: str = "en") -> list[Token]:
    """The tokens of ``text`` (in the language ``lang``); each mention starts on a token start
    and ends on a token end.

    Concatenating each token's text and, where ``ws``, one space gives ``text`` back. Sentences
    also start at paragraphs, never on whitespace and never inside a mention.
    """
    nlp = _pipeline(lang)
    # The tokenizer itself has no length limit (``nlp(text)`` stops at nlp.max_length).
    doc = nlp.get_pipe("sentencizer")(nlp.tokenizer(text))
    spans = [(m.start, m.end) for m in mentions]
    starts = {start for start, _ in spans}
    ends = {end for _, end in spans}
    cuts = sorted(starts | ends)
    paragraph_starts = {start for start, _ in paragraphs(text)}
    tokens: list[Token] = []
    reported = 0
    for spacy_token in doc:
        start = spacy_token.idx
        if not spacy_token.i % REPORT_EVERY:
            advance(start - reported)
            reported = start
        end = start + len(spacy_token.text)
        bounds = {start, end, *_inside(cuts, start, end)}
        if not spacy_token.is_space:
            bounds.update(_runs(text, start, end))
        edges = sorted(bounds)
        for index, (left, right) in enumerate(pairwise(edges)):
            first = index == 0 and bool(spacy_token.is_sent_start)
            tokens.append(Token(left, right, False, first or left in paragraph_starts))
        if spacy_token.whitespace_:
            # The space after a token is a token of its own where a mention begins or ends
            # with it; otherwise it trails the token, as in spaCy.
            if end in starts or end + 1 in ends:
                tokens.append(Token(end, end + 1, False, False))
            else:
                tokens[-1] = replace(tokens[-1], ws=True)
    advance(len(text) - reported)
    return _sentences_around(_starts_on_words(tokens, text), spans)


def _starts_on_words(tokens: list[Token], text: str) -> list[Token]:
    """The tokens with each sentence start on whitespace moved to the next word.

    spaCy's sentencizer starts a sentence on the blank line after a full stop; with the next
    paragraph starting one too, the blank line would be a sentence of its own.
    """
    result: list[Token] = []
    pending = False
    for token in tokens:
        if token.is_space(text):
            pending = pending or token.sent_start
            if token.sent_start:
                token = replace(token, sent_start=False)
        elif pending:
            pending = False
            if not token.sent_start:
                token = replace(token, sent_start=True)
        result.append(token)
    return result


def _inside(cuts: Sequence[int], start: int, end: int) -> list[int]:
    """The cut points strictly between ``start`` and ``end`` (``cuts`` sorted)."""
    return list(cuts[bisect_right(cuts, start) : bisect_left(cuts, end)])


def _sentences_around(tokens: list[Token], spans: Sequence[tuple[int, int]]) -> list[Token]:
    """The tokens with no sentence starting strictly inside a mention."""
    if not spans:
        return tokens
    covered = sorted(spans)
    result: list[Token] = []
    index = 0
    reach = -1
    for token in tokens:
        while index < len(covered) and covered[index][0] < token.start:
            reach = max(reach, covered[index][1])
            index += 1
        if token.sent_start and token.start < reach:
            token = replace(token, sent_start=False)
        result.append(token)
    return result


def token_bounds(tokens: Sequence[Token], mentions: Iterable[Mention]) -> list[tuple[int, int]]:
    """Each mention's first and last token index (inclusive, as Prodigy has it).

    ``tokens`` must come from `tokenize` given these mentions (or more).
    """
    by_start = {token.start: index for index, token in enumerate(tokens)}
    by_end = {token.end: index for index, token in enumerate(tokens)}
    bounds: list[tuple[int, int]] = []
    for mention in mentions:
        if mention.start not in by_start or mention.end not in by_end:
            raise ValueError(f"mention {mention.start}-{mention.end} does not fall on tokens")
        bounds.append((by_start[mention.start], by_end[mention.end]))
    return bounds
