"""The values figures name: "36", "1,200", "a third", "forty-two", "1.5 million"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

from extract.names import fold

_UNITS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * n
    for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
_FRACTIONS.update({"fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10})
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


@lru_cache(maxsize=16384)
def figure_value(text: str) -> Fraction | None:
    """The number a figure names when that is clear ("36", "1,200", "a third", "forty-two")."""
    folded = fold(text).replace("-", " ").strip(" .")
    if _NUMBER.match(folded):
        return _digits(folded)
    words = [w for w in folded.split() if w != "and"]
    if not words:
        return None
    if words[0] in ("a", "an", "one") and len(words) == 2 and words[1] in _FRACTIONS:
        return Fraction(1, _FRACTIONS[words[1]])
    if words[0] in ("a", "an") and len(words) > 1 and words[1] in _SCALES:
        words = words[1:]  # "a hundred" is one hundred
    if len(words) == 2 and words[1] in _FRACTIONS:
        numerator = _word_number(words[:1])
        return None if numerator is None else Fraction(numerator, _FRACTIONS[words[1]])
    return _word_number(words)


def _digits(word: str) -> Fraction | None:
    """A number written in digits ("1,200", "1.5"); None past Python's int conversion limit."""
    try:
        return Fraction(word.replace(",", ""))
    except ValueError:
        return None


def _word_number(words: Sequence[str]) -> Fraction | None:
    total = current = Fraction(0)
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            current = current or Fraction(1)  # "hundred" alone is one hundred
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = Fraction(0)
        elif _NUMBER.match(word) and (number := _digits(word)) is not None:
            current += number  # "1.5 million" is 1,500,000
        else:
            return None
    return total + current
