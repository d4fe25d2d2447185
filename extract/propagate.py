"""Label propagation: a name the model labelled in some places is labelled in its other
occurrences in the same document, when the evidence for it is clear."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from extract.model import Mention
from extract.names import PERSONAL_TITLES, fold
from extract.spans import is_name_label, starts_sentence

MIN_VOTES = 2
"""Labelled occurrences a name needs before it is spread (one stray label spreads nothing)."""

_POSSESSIVE = re.compile(r"['’]s$|['’-]+$")
_DETERMINER = re.compile(
    r"\b(?:the|a|an|this|that|these|those|its|their|our|every|each|any|no)\s+$", re.I
)
_CAPITAL = "[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-ЯЁ]"
_WORD_REST = r"[\w'’-]*"
_CAPITALISED = re.compile(_CAPITAL + _WORD_REST)
"""A word that may start with a capital (checked with str.isupper, the class is broad), with
its apostrophes and hyphens: one such word is looked up whole."""
_STARTS_WORD = re.compile(_CAPITAL)
_IN_WORD = re.compile(r"[\w'’-]")
_JOINERS = frozenset("'’-")
"""What may join a word to the one before it: `_word_starts` decides after them."""
_ENDINGS = frozenset("s'’-")
"""Last letters of a possessive ("Biden's", "Pierre’") or a hyphen's fragment."""


def propagate(text: str, mentions: Sequence[Mention], *, english: bool = True) -> list[Mention]:
    """New mentions for unlabelled occurrences of names labelled elsewhere in ``text``.

    A name is spread when at least `MIN_VOTES` of its occurrences carry one label and that
    label has a strict majority; it goes to whole-word, same-case occurrences outside every
    mention, not at the start of a sentence (where any word is capitalised), and not beside
    another capitalised word (part of a longer name); in English, not a person's name after
    an article ("the Bill"). The new mentions have no model label.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    named = {label: is_name_label(label) for label in {m.label for m in mentions}}
    for m in mentions:
        if named[m.label] and m.text[:1].isupper() and "\n" not in m.text:
            votes[m.text][m.label] += 1
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

    spans = sorted((m.start, m.end) for m in mentions)
    starts = [s for s, _ in spans]
    reach = _running_max([e for _, e in spans])
    starts_at = set(starts)  # the model's own mentions: most occurrences of a name
    found: list[Mention] = []
    taken_until = -1
    # Only words that begin as a chosen name does are visited: far fewer than all capitals.
    # (No look-behind for the letter before: it would cost the engine its fast scan.)
    words = [w for w in by_first if _CAPITALISED.fullmatch(w)]
    for word in re.finditer(_trie(words) + _WORD_REST, text) if words else ():
        start = word.start()
        if start in starts_at or start < taken_until:
            continue
        first = word.group()
        options = by_first.get(first)
        if options is None and first[-1] in _ENDINGS:
            # "Biden's" is Biden, spread as the name alone
            options = by_first.get(_POSSESSIVE.sub("", first))
        if not options or not first[:1].isupper():
            continue
        before = text[start - 1] if start else " "
        if _wordish(before) or (before in _JOINERS and not _word_starts(text, start)):
            continue  # inside a word: "MacAnna", "O'Hara", "Mary-Hara"
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


def _trie(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` as a prefix tree: the regex engine tries one
    branch per letter instead of every word at every capital."""
    tree: dict[str, dict[str, Any]] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here, a longer one goes on
            body = "(?:" + body + ")?"
        return body

    return pattern(tree)


def _word_starts(text: str, start: int) -> bool:
    """Whether a word (`_CAPITALISED`, read from the start of the text) begins at ``start``:
    a capital that no letter comes before, and not inside a word begun earlier ("O'Hara")."""
    if not _STARTS_WORD.match(text, start):
        return False
    if start == 0:
        return True
    if _wordish(text[start - 1]):
        return False
    position = start - 1
    while position >= 0 and _IN_WORD.match(text, position):
        position -= 1  # back over apostrophes and hyphens joined to letters
    return not any(
        _STARTS_WORD.match(text, earlier) and (earlier == 0 or not _wordish(text[earlier - 1]))
        for earlier in range(position + 1, start)
    )


def _running_max(values: list[int]) -> list[int]:
    out: list[int] = []
    best = -1
    for value in values:
        best = max(best, value)
        out.append(best)
    return out


def _covered(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps a mention (``reach``: running max of their ends)."""
    position = bisect_right(starts, end - 1)
    return position > 0 and reach[position - 1] > start


def _capitalised_beside(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word sits right next to the span (it is part of a longer name)."""
    after = re.match(r" ([^\W\d_])", text[end : end + 2])
    if after is not None and after.group(1).isupper():
        return True
    before = re.search(r"([^\W\d_]+)\.? $", text[max(0, start - 16) : start])
    if before is not None and before.group(1)[:1].isupper():
        return fold(before.group(1)) not in PERSONAL_TITLES
    return False
