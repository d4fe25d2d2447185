"""Label propagation: a name the model labelled in some places is labelled in its other
occurrences in the same document, when the evidence for it is clear."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import accumulate, compress
from operator import itemgetter

from extract.model import Mention, document_order
from extract.names import PERSONAL_TITLES, fold
from extract.spans import is_name_label, starts_sentence

MIN_VOTES = 2
"""Labelled occurrences a name needs before it is spread (one stray label spreads nothing)."""

_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_POSSESSIVE = re.compile(r"['’]s$|['’-]+$")
_DETERMINER = re.compile(
    r"\b(?:the|a|an|this|that|these|those|its|their|our|every|each|any|no)\s+$", re.I
)
_CAPITAL = "[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-ЯЁ]"
_WORD_REST = r"[\w'’-]*"
_CAPITALISED = re.compile(_CAPITAL + _WORD_REST)
"""A word that may start with a capital (checked with str.isupper, the class is broad), with
its apostrophes and hyphens: one such word is looked up whole."""
_LETTER_AFTER = re.compile(r" ([^\W\d_])")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.? $")
_ENDINGS = frozenset("s'’-")
"""Last letters of a possessive ("Biden's", "Pierre’") or a hyphen's fragment."""


def propagate(
    text: str,
    mentions: Sequence[Mention],
    written: Counter[tuple[str, str]],
    *,
    english: bool = True,
) -> list[Mention]:
    """New mentions for unlabelled occurrences of names labelled elsewhere in ``text``.

    A name is spread when at least `MIN_VOTES` of its occurrences carry one label and that
    label has a strict majority; it goes to whole-word, same-case occurrences outside every
    mention, not at the start of a sentence (where any word is capitalised), and not beside
    another capitalised word (part of a longer name); in English, not a person's name after
    an article ("the Bill"). The new mentions have no model label. ``written`` counts the
    mentions by text and label.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    # By written form and label: a name is mentioned hundreds of times.
    for (name, label), count in written.items():
        if is_name_label(label) and name[:1].isupper() and "\n" not in name:
            votes[name][label] += count
    chosen: dict[str, str] = {}
    for name, counts in votes.items():
        label, top = counts.most_common(1)[0]
        if top >= MIN_VOTES and 2 * top > sum(counts.values()) and len(name) > 1:
            chosen[name] = label
    if not chosen:
        return []
    by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, label in chosen.items():
        by_first[name.split()[0]].append((name, label))
    for same_first in by_first.values():
        same_first.sort(key=lambda option: -len(option[0]))

    spans = sorted(map(document_order, mentions))
    starts = list(map(_FIRST, spans))
    reach = list(accumulate(map(_SECOND, spans), max))  # the furthest end so far
    starts_at = set(starts)  # the model's own mentions: most occurrences of a name
    found: list[Mention] = []
    taken_until = -1
    # Every capitalised word, read from the start of the text: a capital inside a word read
    # already ("O'Hara", "Mary-Hara") is never visited. One plain pattern scans a book faster
    # than a pattern of the chosen names would (and needs no compiling per document).
    words = list(_CAPITALISED.finditer(text))
    forms = list(map(re.Match.group, words))
    # Only a chosen name's first word (or its possessive) is looked at in Python: a book has
    # tens of thousands of capitalised words, a few thousand of them such, outside mentions.
    firsts = set(by_first)
    firsts.update(
        w
        for w in set(forms)
        if w not in firsts and w[-1] in _ENDINGS and _POSSESSIVE.sub("", w) in by_first
    )
    for word in compress(words, map(firsts.__contains__, forms)):
        start = word.start()
        if start in starts_at or start < taken_until:
            continue
        first = word.group()
        options = by_first.get(first)
        if options is None and first[-1] in _ENDINGS:
            # "Biden's" is Biden, spread as the name alone
            options = by_first.get(_POSSESSIVE.sub("", first))
        if not options or not first[:1].isupper() or (start and _wordish(text[start - 1])):
            continue  # not a name's first word, or inside a word ("MacAnna", "iPhone")
        for name, label in options:
            end = start + len(name)
            if not text.startswith(name, start) or (end < len(text) and _wordish(text[end])):
                continue
            if _covered(starts, reach, start, end) or starts_sentence(text, start):
                break
            if _capitalised_beside(text, start, end):
                break
            thing = english and _DETERMINER.search(text, max(0, start - 8), start)
            if label == "PERSON" and thing:
                break  # "the Bill", "a Will": a thing, not the person
            found.append(Mention(start, end, label, name, "model", ""))
            taken_until = end
            break
    return found


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_"


def _covered(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps a mention (``reach``: running max of their ends)."""
    position = bisect_right(starts, end - 1)
    return position > 0 and reach[position - 1] > start


def _capitalised_beside(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word sits right next to the span (it is part of a longer name)."""
    after = _LETTER_AFTER.match(text, end, end + 2)
    if after is not None and after.group(1).isupper():
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 16), start)
    if before is not None and before.group(1)[:1].isupper():
        return fold(before.group(1)) not in PERSONAL_TITLES
    return False
