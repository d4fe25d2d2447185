"""Repairing the model's spans: whitespace and punctuation at the edges, words that are not part
of a name, stretches across paragraphs, and mentions that name nobody ("Mamma", "CHAPTER IX")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from extract.categories import category_of
from extract.model import Mention
from extract.names import ADDRESS_WORDS, PARTICLES, fold, words_of

NAME_CATEGORIES: frozenset[str] = frozenset({"person", "place", "organisation", "other"})
"""Categories whose mentions are names (figures and dates are not)."""

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_EDGE = "\"'“”„‘’«»‹›`*_#~|,;:!?¡¿·•…–—‒―-"
_EDGE_CHARS = frozenset(_EDGE)
_OPENERS, _CLOSERS = "([{", ")]}"

CONNECTORS: frozenset[str] = PARTICLES | frozenset(
    "of the and for on upon y e i und et sur am an".split()
)
"""Lower-case words that may stand inside a name ("Bank of England", "Ludwig van Beethoven")."""

KIND_NOUNS: frozenset[str] = frozenset(
    """
    province district region county state city town village republic kingdom empire river
    street road square island islands mountains mountain lake sea bay valley desert forest
    company party army church university
    """.split()
)
"""Lower-case words that end a name as its kind ("Hasakeh province"), not a word after it."""

LEADING_WORDS: frozenset[str] = frozenset(
    """
    in at on from to near of by with for after before under into through towards toward
    across behind beyond since during until like outside inside within without among between
    against upon beside besides around via and but or nor then when while if as so yet now
    here there where yes no oh ah well dear poor did does do was is are were has had have
    """.split()
)
"""Capitalised words that begin a sentence, not a name ("In Kiev", "Then Natásha")."""

_HEADING = re.compile(
    r"^(?:chapter|book|part|volume|vol|section|act|scene|canto|letter|stave|epilogue|prologue)"
    r"(?:\s+(?:[ivxlcdm]+|\d+|[a-z]+))?\.?$",
    re.IGNORECASE,
)
_LEADING_HEADING = re.compile(
    r"^(?:CHAPTER|BOOK|PART|VOLUME|Chapter|Book|Part|Volume)\s+(?:[IVXLCDM]+|\d+)\.?\s+"
)
_ROMAN = re.compile(r"^(?=[IVXLCDM]*[IVX])[IVXLCDM]+\.?$")
_ABBREVIATION = re.compile(r"(?:^|[\s.])(?:[^\W\d_]{1,3}|[^\W\d_](?:\.[^\W\d_])+)\.$")
"""A final full stop that belongs to the name: "St.", "Co.", "Jr.", "U.S."."""


def is_name_label(label: str) -> bool:
    """Whether a label marks a name (a person, place, organisation, group, work…)."""
    return category_of(label) in NAME_CATEGORIES


def repair(text: str, mention: Mention) -> list[Mention]:
    """The model's mention with its edges mended, as zero or more mentions.

    Every kind loses whitespace and punctuation at its edges and is cut at paragraph breaks.
    A name also loses a leading heading, sentence word or possessive fragment, and lower-case
    words at its ends ("Prince Andrew\\nheard" is Prince Andrew).
    """
    if _PLAIN_WORD.fullmatch(mention.text):
        return [mention]  # one clean word: most mentions
    name = is_name_label(mention.label)
    found: list[Mention] = []
    for start, end in _pieces(text, mention.start, mention.end, name=name):
        begins_paragraph = start > mention.start and text[start - 1] == "\n"
        start, end = _trim(text, start, end, name=name)
        if name and begins_paragraph and len(text[start:end].split()) == 1:
            continue  # "CHAPTER IX\n\nHaving": a paragraph's first word, not a name
        if start < end and any(c.isalnum() for c in text[start:end]):
            m = mention
            found.append(Mention(start, end, m.label, text[start:end], m.source, m.model_label))
    return found


def _pieces(text: str, start: int, end: int, *, name: bool) -> Iterator[tuple[int, int]]:
    """The stretches of ``[start, end)`` between paragraph breaks, and for a name between the
    plain lower-case words inside it ("Dólokhov to Denísov" is two names)."""
    position = start
    for found in _PARAGRAPH_BREAK.finditer(text, start, end):
        yield from _between_words(text, position, found.start(), name=name)
        position = found.end()
    yield from _between_words(text, position, end, name=name)


def _between_words(text: str, start: int, end: int, *, name: bool) -> Iterator[tuple[int, int]]:
    if not name:
        yield start, end
        return
    position = start
    for cut in _INSIDE_BREAK.finditer(text, start, end):
        if cut.start() > start and cut.end() < end:
            yield position, cut.start()
            position = cut.end()
    yield position, end


_INSIDE_BREAK = re.compile(
    r"\s+(?!(?:" + "|".join(sorted(CONNECTORS)) + r")\b)[^\W\d_A-Z][^\W\d_]+(?=\s)"
    r"|[!?;:]+(?:--|—|\s)|--+|—"
)
"""Where a name's span holds two names: a plain lower-case word between them ("Dólokhov to
Denísov"), or punctuation that ends a sentence or a clause ("Darcy!--and")."""


def _trim(text: str, start: int, end: int, *, name: bool) -> tuple[int, int]:
    while True:
        before = (start, end)
        start, end = _trim_marks(text, start, end)
        if name and start < end:
            start, end = _trim_words(text, start, end)
        if (start, end) == before:
            return start, end


def _trim_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Whitespace, quotes, dashes and stray punctuation off both ends; unmatched brackets too."""
    while start < end and (text[start].isspace() or text[start] in _EDGE_CHARS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_CHARS):
        end -= 1
    if end > start and text[end - 1] == "." and not _ABBREVIATION.search(text[start:end]):
        end -= 1
    piece = text[start:end]
    for opener, closer in zip(_OPENERS, _CLOSERS, strict=True):
        if piece[:1] == opener and piece.count(opener) > piece.count(closer):
            start += 1
        elif piece[-1:] == closer and piece.count(closer) > piece.count(opener):
            end -= 1
    return start, end


_WORD = re.compile(r"\S+")
_PLAIN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
"""One word of letters and digits (an apostrophe inside): nothing to mend."""


def _trim_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Words that are not part of a name off the ends of a name's span."""
    piece = text[start:end]
    heading = _LEADING_HEADING.match(piece)
    if heading and heading.end() < len(piece):
        return start + heading.end(), end
    spans = [(m.start(), m.end()) for m in _WORD.finditer(piece)]
    if not spans:
        return start, end
    last = piece[spans[-1][0] : spans[-1][1]]
    if "-" in last and not last.startswith("-"):
        head, _, tail = last.rpartition("-")
        if _is_lower_word(tail) and _has_upper(head):
            return start, start + spans[-1][0] + len(head)
    if len(spans) < 2:
        return start, end
    first = piece[spans[0][0] : spans[0][1]]
    if re.match(r"^(?:['’]?s|\d+\.?|[IVXLC]+\.)$", first) or (
        fold(first) in LEADING_WORDS and piece[spans[1][0] : spans[1][0] + 1].isupper()
    ):
        return start + spans[1][0], end
    if _is_lower_word(first) and _has_upper(piece[spans[1][0] :]):
        return start + spans[1][0], end
    if _is_lower_word(last) and fold(last) not in KIND_NOUNS and _has_upper(piece[: spans[-1][0]]):
        return start, start + len(piece[: spans[-1][0]].rstrip())
    return start, end


def _is_lower_word(word: str) -> bool:
    """A plain lower-case word (letters and apostrophes) that cannot stand inside a name."""
    return (
        sum(c.isalpha() for c in word) >= 2
        and all(c.isalpha() or c in "'’" for c in word)
        and word.islower()
        and fold(word) not in CONNECTORS
    )


def _has_upper(piece: str) -> bool:
    return any(c.isupper() for c in piece)


def is_cased(text: str) -> bool:
    """Whether a text uses capitals the usual way, so a name without one is no name."""
    sample = text[:200_000]
    upper = sum(1 for c in set(sample) if c.isupper())
    return upper > 0 and any(c.islower() for c in sample)


@lru_cache(maxsize=65536)
def names_nobody(mention_text: str, cased: bool = True) -> bool:
    """Whether a name-labelled span names nothing: only words of address ("Mamma", "Your
    Excellency", "the Prince"), a chapter heading, a roman numeral, or (in a text that uses
    capitals) no capital at all."""
    stripped = mention_text.strip()
    if _HEADING.match(" ".join(stripped.split())) or _ROMAN.match(stripped):
        return True
    if cased and not any(c.isupper() for c in stripped):
        return True
    words = words_of(stripped)
    characters = sum(1 for c in stripped if c.isalnum())
    if characters < 2:
        return True
    if cased and stripped.isupper() and len(words) == 1:
        return False  # an acronym ("US", "IT") is not the word it spells
    return all(word in ADDRESS_WORDS for word in words)
