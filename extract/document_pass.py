"""The document-level pass over the model's mentions, before grouping: spans mended, mentions
that name nobody dropped, two names run together split, words capitalised only where sentences
start dropped, and names spread to the occurrences the model missed. Grouping then votes each
name's category over the whole document."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import compress
from operator import attrgetter

from extract.categories import category_of
from extract.evidence import STRONG_PLACE_BEFORE
from extract.model import Mention, document_order, many_mentions
from extract.names import fold
from extract.propagate import propagate
from extract.spans import (
    is_cased,
    is_name_label,
    is_plain_word,
    mended,
    names_nobody,
    starts_sentence,
)
from extract.versions import PASS_VERSION

__all__ = ["PASS_VERSION", "english", "prepare", "split_joined"]


_TEXT = attrgetter("text")
_TEXT_LABEL = attrgetter("text", "label")
SMALL_REACH = 40_000
"""Characters read on each side of a name for the same word in small letters."""
_PLAIN = re.compile(r"\w+")
_JOINS = re.compile(r"\s*(?:,|&|\band\b|-|–|—)\s*|\s+")
"""Where two names run together may be cut: a comma, "and", a dash, or a space."""
_WORD_BEFORE = re.compile(r"(\w+)\s+$")
_MARK_JOINS = re.compile(r"\s*(?:,|&|-|–|—)\s*|\s+")
"""The same without the English word, for texts in other languages."""
_UNSEEN = object()
"""What `prepare` reads of a text and label it has not seen yet (one lookup, not two)."""


def english(lang: str) -> bool:
    """Whether a model's language (spaCy's code) is English: the pass's word cues ("said X",
    "in X", "Mr", "CHAPTER IX") are English, and fire only then."""
    return lang.lower() == "en"


def prepare(text: str, mentions: Iterable[Mention], *, lang: str = "en") -> list[Mention]:
    """The model's mentions as the pass mends them, in document order; the user's as they are.

    Each mention the model made keeps its label in ``model_label``; a name spread to another
    occurrence has none. For a model of another language than English only what no word
    decides is done (edges, paragraph breaks, names spread where the model found them twice).
    """
    cues = english(lang)
    cased = is_cased(text)
    kept: list[Mention] = []
    nobody: dict[tuple[str, str], bool] = {}  # by text and label: names repeat
    # Whether a mention of one clean word is kept, by text and label (None: it is mended
    # where it stands): most mentions are, a few hundred names written thousands of times.
    plain: dict[tuple[str, str], bool | None] = {}
    for mention in _with_model_labels(mentions):
        if mention.source == "user":
            kept.append(mention)
            continue
        key = (mention.text, mention.label)
        keep = plain.get(key, _UNSEEN)
        if keep is _UNSEEN:
            keep = plain[key] = (
                not (
                    is_name_label(mention.label)
                    and names_nobody(mention.text, cased, mention.label, cues)
                )
                if is_plain_word(mention.text)
                else None
            )
        if keep is not None:
            if keep:
                kept.append(mention)
            continue
        for piece in mended(text, mention, english=cues):
            drop = nobody.get((piece.text, piece.label))
            if drop is None:
                drop = is_name_label(piece.label) and names_nobody(
                    piece.text, cased, piece.label, cues
                )
                nobody[(piece.text, piece.label)] = drop
            if not drop:
                kept.append(piece)
    # How often each name is written with each label, kept up to date as mentions are cut
    # or dropped: three steps read it, and a book has tens of thousands of mentions.
    written = Counter(map(_TEXT_LABEL, kept))
    kept = split_joined(text, kept, english=cues, written=written)
    if cased:
        kept = _without_sentence_capitals(text, kept, written)
    kept.extend(propagate(text, kept, written, english=cues))
    kept.sort(key=document_order)
    return kept


def _without_sentence_capitals(
    text: str, mentions: list[Mention], written: Counter[tuple[str, str]]
) -> list[Mention]:
    """The mentions less those of a word capitalised only where a sentence starts and written
    in small letters elsewhere in the text ("Sorrow, it seems…", "Glad to see you"): a word
    that names something keeps its capital inside a sentence too, or ends a person's name.
    ``written`` counts the mentions by text and label, and is kept counting what is left."""
    written_as = list(written)
    initial = {
        w for w, _ in written_as if w[:1].isupper() and w[1:].islower() and _PLAIN.fullmatch(w)
    }
    # The last word of a person's longer name is a name ("Pat" of "Bald Pat").
    initial.difference_update(
        w.rsplit(None, 1)[-1] for w, label in written_as if label == "PERSON" and " " in w
    )
    places: dict[str, list[int]] = defaultdict(list)
    # Only the mentions of such a word are visited (the set is read as the loop goes).
    for m in compress(mentions, map(initial.__contains__, map(_TEXT, mentions))):
        if starts_sentence(text, m.start):
            places[m.text].append(m.start)
        else:
            initial.discard(m.text)  # inside a sentence too: the capital is the name's
    common = {word for word in initial if _in_small(text, word, places[word])}
    if not common:
        return mentions
    kept = []
    for m in mentions:
        if m.text not in common or m.source == "user" or not is_name_label(m.label):
            kept.append(m)
        else:
            _uncount(written, m)
    return kept


def _uncount(written: Counter[tuple[str, str]], mention: Mention) -> None:
    key = (mention.text, mention.label)
    written[key] -= 1
    if not written[key]:
        del written[key]


def _in_small(text: str, word: str, near: list[int], least: int = 2) -> bool:
    """Whether ``word`` is written in small letters, as a whole word, at least ``least`` times
    within `SMALL_REACH` characters of the places in ``near`` (in order; a book is not read
    whole for each word)."""
    small, found, done = word.lower(), 0, 0
    for place in near:
        position, stop = max(done, place - SMALL_REACH), place + SMALL_REACH
        while (position := text.find(small, position, stop)) >= 0:
            end = position + len(small)
            if (
                not (position and text[position - 1].isalnum())
                and not text[end : end + 1].isalnum()
            ):
                found += 1
                if found >= least:
                    return True
            position = end
        done = max(done, stop)
    return False


def _with_model_labels(mentions: Iterable[Mention]) -> list[Mention]:
    """The mentions, each the model made keeping its label in ``model_label`` (made in bulk:
    a book has tens of thousands)."""
    given = list(mentions)
    bare = [m for m in given if m.source != "user" and not m.model_label]
    if not bare:
        return given
    labels = [m.label for m in bare]
    made = iter(
        many_mentions(
            (m.start for m in bare), (m.end for m in bare), labels, (m.text for m in bare),
            (m.source for m in bare), labels,
        )
    )  # fmt: skip
    return [next(made) if m.source != "user" and not m.model_label else m for m in given]


def split_joined(
    text: str,
    mentions: list[Mention],
    *,
    english: bool = True,
    written: Counter[tuple[str, str]] | None = None,
) -> list[Mention]:
    """Two names the model ran together ("Kiev Pierre", "Dokhtúrov-Kutúzov", "Mary and Kitty")
    become two mentions, when the span occurs once and each part is a name the model found
    on its own at least twice; joined by a mere space, only if they are names of different
    kinds (a place and a person), so "Napoleon Bonaparte" stays whole. Only an English
    text is cut at "and". ``written`` (the mentions counted by text and label) is kept
    counting the result."""
    joins = _JOINS if english else _MARK_JOINS
    if written is None:
        written = Counter(map(_TEXT_LABEL, mentions))
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    folded_of: dict[str, str] = {}
    # By written form and label: a name is written a few ways, hundreds of times.
    for (form, label), count in written.items():
        if is_name_label(label):
            folded = folded_of.get(form)
            if folded is None:
                folded = folded_of[form] = fold(form)
            counts[folded] += count
            kinds[folded][label] += count
    once = {written for written, folded in folded_of.items() if counts[folded] == 1}
    if not once:
        return list(mentions)
    result: list[Mention] = []
    done = 0  # mentions before this one are in the result
    # Only a name written once is cut: most are names the model found many times, and the
    # others are passed over without a step of Python each.
    for index in compress(range(len(mentions)), map(once.__contains__, map(_TEXT, mentions))):
        m = mentions[index]
        parts = None if m.source == "user" else _split(text, m, counts, kinds, joins)
        if parts:
            result.extend(mentions[done:index])
            result.extend(parts)
            done = index + 1
            _uncount(written, m)
            written.update(map(_TEXT_LABEL, parts))
    result.extend(mentions[done:])
    return result


def _place_first(text: str, start: int, left_kinds: Counter[str]) -> bool:
    """Whether a span after "in" or "near" starts with a name the model called a place at
    least twice, though more often a person ("In Kiev Pierre found…"): a place, then a name."""
    word = _WORD_BEFORE.search(text, max(0, start - 16), start)
    if word is None or word.group(1).lower() not in STRONG_PLACE_BEFORE:
        return False
    return sum(n for label, n in left_kinds.items() if category_of(label) == "place") >= 2


def _split(
    text: str,
    mention: Mention,
    counts: Counter[str],
    kinds: dict[str, Counter[str]],
    joins: re.Pattern[str],
) -> list[Mention] | None:
    if len(mention.text) < 3 or _PLAIN.fullmatch(mention.text):
        return None  # one word: nothing to cut
    if not is_name_label(mention.label) or counts[fold(mention.text)] > 1:
        return None
    piece = mention.text
    for cut in joins.finditer(piece):
        if cut.start() == 0 or cut.end() >= len(piece):
            continue
        left, right = piece[: cut.start()], piece[cut.end() :]
        if counts[fold(left)] < 2 or counts[fold(right)] < 2:
            continue
        left_label = kinds[fold(left)].most_common(1)[0][0]
        right_label = kinds[fold(right)].most_common(1)[0][0]
        if (
            cut.group().isspace()
            and category_of(left_label) == category_of(right_label)
            and not _place_first(text, mention.start, kinds[fold(left)])
        ):
            continue
        start, middle = mention.start, mention.start + cut.end()
        return [
            Mention(start, start + len(left), left_label, left, "model", mention.model_label),
            Mention(middle, mention.end, right_label, right, "model", mention.model_label),
        ]
    return None
