"""Repairing the model's spans: whitespace and punctuation at the edges, words that are not part
of a name, stretches across paragraphs, and mentions that name nobody ("Mamma", "CHAPTER IX")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter

from extract.categories import category_of
from extract.model import Mention
from extract.names import (
    ADDRESS_WORDS,
    FILLER_WORDS,
    HONORIFICS,
    PARTICLES,
    PERSONAL_TITLES,
    fold,
    words_of,
)

NAME_CATEGORIES: frozenset[str] = frozenset({"person", "place", "organisation", "other"})
"""Categories whose mentions are names (figures and dates are not)."""
PLACE_LABELS: frozenset[str] = frozenset({"GPE", "LOC", "FAC"})
TITLE_LABELS: frozenset[str] = frozenset({"WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "LANGUAGE"})
"""Labels of names that are titles: they may hold any word or mark."""

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_EDGE = "\"'“”„‘’«»‹›`*_#~|,;:!?¡¿·•…–—‒―-"
_EDGE_CHARS = frozenset(_EDGE)
_OPENERS, _CLOSERS = "([{", ")]}"

CONNECTORS: frozenset[str] = PARTICLES | frozenset(
    "of the and for on upon y e i und et sur am an at in ten ter zu zum zur op af av do dos das".split()
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
    here there where dear
    """.split()
)
"""Capitalised words that begin a sentence, not a name ("In Kiev", "Then Natásha")."""

_HEADING = re.compile(
    r"^(?:chapter|book|part|volume|vol|section|act|scene|canto|letter|stave|epilogue|prologue)"
    r"(?:\s+(?:[ivxlcdm]+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|first|second|"
    r"third|fourth|fifth|last|the\s+\w+))?\.?$",
    re.IGNORECASE,
)
_LEADING_HEADING = re.compile(
    r"^(?:CHAPTER|BOOK|PART|VOLUME|Chapter|Book|Part|Volume)\s+(?:[IVXLCDM]+|\d+)\.?\s+"
)
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})\.?$")
"""A chapter number in roman numerals ("IX", "XII"): up to 39, so "LIV" or "MCI" stay names."""
_ABBREVIATION = re.compile(r"(?:^|[\s.])(?:[^\W\d_]{1,3}|[^\W\d_](?:\.[^\W\d_])+)\.$")
"""A final full stop that belongs to the name: "St.", "Co.", "Jr.", "U.S."."""


def is_name_label(label: str) -> bool:
    """Whether a label marks a name (a person, place, organisation, group, work…)."""
    return category_of(label) in NAME_CATEGORIES


def repair(text: str, mention: Mention, *, english: bool = True) -> list[Mention]:
    """The model's mention with its edges mended, as zero or more mentions.

    Every kind loses whitespace and punctuation at its edges and is cut at paragraph breaks.
    In an English text a name also loses a leading heading, sentence word or possessive
    fragment, and lower-case words at its ends ("Prince Andrew\\nheard" is Prince Andrew).
    """
    if is_plain_word(mention.text):
        return [mention]  # one clean word: most mentions
    return mended(text, mention, english=english)


def mended(text: str, mention: Mention, *, english: bool = True) -> list[Mention]:
    """`repair` of a mention known not to be one clean word (`is_plain_word`)."""
    m = mention
    relative = _mended(m.text, m.label, english)
    if relative is None:
        pieces = _mend(text, m.start, m.end, m.label, english)
    else:
        pieces = [(m.start + start, m.start + end) for start, end in relative]
    return [
        m
        if (start, end) == (m.start, m.end)  # nothing to mend
        else Mention(start, end, m.label, text[start:end], m.source, m.model_label)
        for start, end in pieces
    ]


def is_plain_word(mention_text: str) -> bool:
    """Whether a span is one word of letters and digits (an apostrophe inside): one `repair`
    keeps as it is, wherever it stands."""
    return _PLAIN_WORD.fullmatch(mention_text) is not None


@lru_cache(maxsize=65536)
def _mended(mention_text: str, label: str, english: bool) -> tuple[tuple[int, int], ...] | None:
    """`_mend` of a mention read alone, offsets from its start: a name is written the same way
    hundreds of times. None when the text around decides (a leading "In" or "Then" is cut only
    at a sentence's start)."""
    if not LEADING_WORDS.isdisjoint(map(fold, _LETTERS.findall(mention_text))):
        return None
    if all(map(_is_title_word, mention_text.split(" "))):
        return ((0, len(mention_text)),)  # "Anna Pávlovna": nothing to mend, most names
    return tuple(_mend(mention_text, 0, len(mention_text), label, english))


def _is_title_word(word: str) -> bool:
    """A capital and small letters ("Pávlovna"): a word no rule of `_mend` cuts."""
    rest = word[1:]
    return word[:1].isupper() and rest.isalpha() and rest.islower()


def _mend(text: str, start: int, end: int, label: str, english: bool) -> list[tuple[int, int]]:
    """The pieces of ``text[start:end]`` that `repair` keeps."""
    name = is_name_label(label)
    # A title may hold anything ("Gone with the Wind", "Star Wars: The Force Awakens").
    splits = name and english and label not in TITLE_LABELS
    words = name and english
    found: list[tuple[int, int]] = []
    for begin, finish in _pieces(text, start, end, name=splits):
        begins_paragraph = begin > start and text[begin - 1] == "\n"
        begin, finish = _trim(text, begin, finish, name=words, person=label == "PERSON")
        if name and begins_paragraph and len(text[begin:finish].split()) == 1:
            continue  # "CHAPTER IX\n\nHaving": a paragraph's first word, not a name
        if begin < finish and _ALNUM.search(text, begin, finish):
            found.append((begin, finish))
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


SPLIT_WORDS: frozenset[str] = (
    frozenset(
        """
    to if or but then when while was is are were had has have said says told asked as so than
    who whom which that this these those there here also again not never would could should
    will shall may might must did does do
    """.split()
    )
    - CONNECTORS
)
"""Lower-case words that never stand inside a person's, a place's or a company's name: a span
holding one holds two names ("Dólokhov to Denísov", "Longbourn if Lydia")."""

_DASHED_WORDS: frozenset[str] = SPLIT_WORDS | frozenset(
    "why what how where i you he she it we they and".split()
)
"""Small words that a dash, written as a hyphen, may join to the end of a name ("Louis
XV-why", "von Bergs-have")."""

_INSIDE_BREAK = re.compile(
    r"\s+(?:" + "|".join(sorted(SPLIT_WORDS)) + r")(?=\s)"
    r"|[!?;:]+(?:-+|—|\s+(?=[^\W\d_A-Z]))|--+|—|-+(?=[\"“‘])|(?<=[\"”])-+"
)
"""Where a name's span holds two names: a plain lower-case word between them ("Dólokhov to
Denísov"), or punctuation that ends a sentence or a clause ("Darcy!--and"), or a dash beside
a quotation mark ("Natásha-\"It…")."""


def _trim(text: str, start: int, end: int, *, name: bool, person: bool = False) -> tuple[int, int]:
    while True:
        before = (start, end)
        start, end = _trim_marks(text, start, end)
        if name and start < end:
            start, end = _trim_words(text, start, end, person=person)
        if (start, end) == before:
            return start, end


def _trim_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Whitespace, quotes, dashes and stray punctuation off both ends; unmatched brackets too
    ("World Health Organization (WHO" ends before its bracket)."""
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
        elif opener == "(" and piece.count("(") > piece.count(")") and piece.rfind("(") > 0:
            end = start + piece.rfind("(")
    return start, end


_WORD = re.compile(r"\S+")
_CONTRACTION = re.compile(r"(?:n['’]t|['’](?:ll|re|ve|d|m))$")
_PLAIN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
"""One word of letters and digits (an apostrophe inside): nothing to mend."""
_ALNUM = re.compile(r"[^\W_]")
_LETTERS = re.compile(r"[^\W_]+")


def _trim_words(text: str, start: int, end: int, *, person: bool = False) -> tuple[int, int]:
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
        # A hyphen used as a dash: "Dimmler-isn’t", "von Bergs-have" end in a small word;
        # "Kim Jong-un's", "de Bal-machève" and "Aide-de-camp" end in a name.
        small = _CONTRACTION.search(tail) or fold(tail) in _DASHED_WORDS
        if _is_lower_word(tail) and _has_upper(head) and small:
            return start, start + spans[-1][0] + len(head)
    first_word = piece[spans[0][0] : spans[0][1]]
    head, dash, tail = first_word.partition("-")
    if dash and len(head) > 2 and _is_lower_word(head) and tail[:1].isupper():
        return start + spans[0][0] + len(head) + 1, end  # "genius-Speránski"; not "al-Abadi"
    if len(spans) < 2:
        return start, end
    first = piece[spans[0][0] : spans[0][1]]
    if (
        _POSSESSIVE_OR_NUMERAL.fullmatch(first)
        or (person and _NUMBER.fullmatch(first))
        or (
            # "In Kiev" at a sentence's start; "To Lam" or "Under Armour" in the middle of one.
            fold(first) in LEADING_WORDS
            and piece[spans[1][0] : spans[1][0] + 1].isupper()
            and starts_sentence(text, start)
        )
    ):
        return start + spans[1][0], end
    if _is_lower_word(first) and _has_upper(piece[spans[1][0] :]):
        return start + spans[1][0], end
    ends_badly = _is_lower_word(last) and fold(last) not in KIND_NOUNS
    # A word that joins the parts of a name never ends one ("Duke of", "the Emperor of").
    ends_badly = ends_badly or (last.islower() and last in CONNECTORS)
    if ends_badly and _has_upper(piece[: spans[-1][0]]):
        return start, start + len(piece[: spans[-1][0]].rstrip())
    return start, end


def _is_lower_word(word: str) -> bool:
    """A plain lower-case word (letters and apostrophes) that cannot stand inside a name."""
    return (
        sum(map(str.isalpha, word)) >= 2
        and all(c.isalpha() or c in "'’" for c in word)
        and word.islower()
        and fold(word) not in CONNECTORS
    )


def _has_upper(piece: str) -> bool:
    return any(map(str.isupper, piece))


_JOINING_ONLY = frozenset("the of and for upon".split())
"""Words that join the parts of a name and are never one ("Do", "An" and "Le" may be)."""
_FIRST_TWO = itemgetter(slice(0, 2))
_ABBREVIATIONS = frozenset("mr mrs ms dr st mt jr sr prof gen col capt lt sgt rev messrs".split())
_WORD_AND_DOT = re.compile(r"(\w+)\s*\.$")
_POSSESSIVE_OR_NUMERAL = re.compile(r"(?:['’]?s|[IVX]{2,}\.)")
_NUMBER = re.compile(r"\d+\.?")
_QUOTES_AND_DASHES = frozenset("\"'“‘«([{—–-_*")


def starts_sentence(text: str, start: int) -> bool:
    """Whether a word at ``start`` begins a sentence, a line of dialogue or a paragraph (a
    single line break inside a sentence, as in hard-wrapped text, is only a space)."""
    position = start - 1
    breaks = 0
    while position >= 0 and (text[position] in " \t\r\n" or text[position] in _QUOTES_AND_DASHES):
        if text[position] in _QUOTES_AND_DASHES:
            return True
        if text[position] == "\n":
            breaks += 1
            before = text[max(0, position - 8) : position].rstrip(" \t\r")[-1:]
            # A paragraph break, or a line that ended a heading ("CHAPTER IX") or a sentence.
            if breaks > 1 or not (before.islower() or before in ",;-–—"):
                return True
        position -= 1
    if position < 0:
        return True
    if text[position] in "!?:;":
        return True
    if text[position] == ".":
        word = _WORD_AND_DOT.search(text, max(0, position - 12), position + 1)
        return word is None or fold(word.group(1)) not in _ABBREVIATIONS
    return False


def is_cased(text: str) -> bool:
    """Whether a text uses capitals the usual way (a name has them, a common word not), so a
    name without one is no name: not all in capitals, not all in lower case but for "I"."""
    words = text[:200_000].split()
    if not words:
        return False
    # By their first two letters: a few thousand kinds for tens of thousands of words.
    starts = Counter(map(_FIRST_TWO, words))
    capitalised = sum(n for w, n in starts.items() if w[:1].isupper() and w[1:2].islower())
    lower = sum(n for w, n in starts.items() if w[:1].islower())
    return capitalised >= max(2, 0.02 * len(words)) and lower >= 0.3 * len(words)


@lru_cache(maxsize=65536)
def names_nobody(
    mention_text: str, cased: bool = True, label: str = "", english: bool = True
) -> bool:
    """Whether a name-labelled span names nothing: a chapter number, (in a text that uses
    capitals) no capital at all, and in English only words of address ("Mamma", "Your
    Excellency", "Mr" alone) or a chapter heading."""
    stripped = mention_text.strip()
    if _ROMAN.match(stripped) or (english and _HEADING.match(" ".join(stripped.split()))):
        return True
    if cased and not any(map(str.isupper, stripped)):
        return True
    words = words_of(stripped)
    characters = sum(map(str.isalnum, stripped))
    if characters < 2 or _JOINING_ONLY.issuperset(words):
        return True  # "The", "Of the": words that join names are none
    if not english or not cased or (stripped.isupper() and len(words) == 1):
        return False  # "US" is not "us"; in a text without case, nothing tells them apart
    if len(words) == 1 and words[0] in PERSONAL_TITLES and label in PLACE_LABELS:
        return True  # "the Tsar", "the Countess" as a place: a title, no name
    if len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]  # "Mr Major" is a name; "Mr" alone is not
        if not ADDRESS_WORDS.issuperset(words):
            return False
    return all(w in ADDRESS_WORDS or w in FILLER_WORDS or w in PERSONAL_TITLES for w in words) and (
        any(w in ADDRESS_WORDS for w in words)
    )
