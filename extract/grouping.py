"""Grouping mentions that name the same thing into entities. Pure and fast: run it often."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache

from extract.categories import category_of
from extract.model import Entity, Mention

TITLES: frozenset[str] = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lady lord madam madame mme mlle monsieur
    mister master rev reverend father brother sister president vice prime minister chancellor
    general gen colonel col lieutenant lt major maj captain capt sergeant sgt admiral commander
    senator sen governor gov judge justice king queen prince princess count countess duke
    duchess baron baroness emperor empress tsar czar tsarina sheikh mullah ayatollah imam
    pope cardinal bishop archbishop saint st herr frau don dona signor signora mademoiselle
    """.split()
)
"""Words dropped from the front of a name before comparing (honorifics, ranks, offices)."""

PARTICLES: frozenset[str] = frozenset(
    "al el de del della di da van von der den la le du des bin ibn ben abu ul".split()
)
"""Name particles ignored when comparing names (al-Abadi, Al Abadi and Abadi agree)."""

ARTICLES: frozenset[str] = frozenset({"the", "a", "an"})
_ACRONYM_SKIP: frozenset[str] = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "&"})

_POSSESSIVE = re.compile(r"(?:['’`]s|(?<=s)['’`])$", re.IGNORECASE)
"""A final "'s", or the bare apostrophe after an s ("Jones'" is Jones, not Jone)."""
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/.,;:!?()\[\]{}\"“”„«»]+", re.UNICODE)
_APOSTROPHES = re.compile(r"['’`]")

_PERSON_JOINABLE = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})
"""Labels the model often gives a person's bare surname; such a mention joins a matching person."""


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case, accents and every kind of whitespace folded away, for comparison only."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """The words that identify a name: folded, without titles, particles or a possessive."""
    folded = fold(text)
    folded = _POSSESSIVE.sub("", folded)
    words = [w for w in _SEPARATORS.split(_APOSTROPHES.sub("", folded)) if w]
    while words and words[0] in ARTICLES:
        words = words[1:]
    core = list(words)
    while len(core) > 1 and core[0] in TITLES:
        core = core[1:]
    # "Prime Minister" alone keeps its words: a bare title is still the text it is.
    if words and all(word in TITLES for word in words):
        core = words
    named = [w for w in core if w not in PARTICLES]
    return tuple(named or core)


@lru_cache(maxsize=65536)
def display_name(text: str) -> str:
    """A mention's text as a name: whitespace collapsed, no possessive, no leading title."""
    words = text.split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    while len(words) > 1 and fold(words[0]).rstrip(".") in TITLES | ARTICLES:
        words = words[1:]
    return " ".join(words) or text.strip() or text


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


@lru_cache(maxsize=16384)
def _acronym(tokens: tuple[str, ...], original: str) -> str | None:
    """Initials of the capitalised words of a multi-word name (Islamic State … → isis)."""
    words = [w for w in re.split(r"[\s\-]+", original) if w]
    capitals = [w[0] for w in words if w[:1].isupper() and fold(w) not in _ACRONYM_SKIP]
    if len(capitals) < 2 or len(tokens) < 2:
        return None
    return fold("".join(capitals))


@lru_cache(maxsize=16384)
def _as_acronym(text: str) -> str | None:
    """The letters of a mention written as an acronym ("ISIS", "U.N."), else None."""
    letters = text.replace(".", "").replace(" ", "")
    if 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper():
        return fold(letters)
    return None


class _Group:
    __slots__ = ("category", "key", "mentions", "value")

    def __init__(self, category: str, key: tuple[str, ...], value: Fraction | None = None):
        self.category = category
        self.key = key
        self.mentions: list[Mention] = []
        self.value = value


def _by_word(names: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """The names each word occurs in, in the order given."""
    by_word: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for name in names:
        for word in set(name):
            by_word[word].append(name)
    return by_word


def _person_links(keys: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each partial person name to the one fuller name that contains all its words."""
    unique = sorted(set(keys), key=len, reverse=True)
    by_word = _by_word(unique)
    links: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in unique:
        if not key:
            continue
        words = set(key)
        candidates = [
            other for other in by_word[key[0]] if len(other) > len(key) and words <= set(other)
        ]
        maximal = [c for c in candidates if not any(set(c) < set(d) for d in candidates)]
        if len(maximal) == 1:
            links[key] = maximal[0]
    # Follow chains (abadi → haider abadi → …) to the fullest form.
    for key, target in list(links.items()):
        seen = {key}
        while target in links and target not in seen:
            seen.add(target)
            target = links[target]
        links[key] = target
    return links


def _surname_links(
    keys: Iterable[tuple[str, ...]], people: Iterable[tuple[str, ...]]
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each name another label gave (ORG "Abadi") to the one person whose name holds its words."""
    by_word = _by_word(people)
    links: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in keys:
        words = set(key)
        holders = [person for person in by_word[key[0]] if words <= set(person)]
        if len(holders) == 1:
            links[key] = holders[0]
    return links


PERSONAL_TITLES: frozenset[str] = frozenset(
    "mr mrs ms miss mx dr sir dame madam madame mme mlle monsieur mister herr frau".split()
)
"""Honorifics that make a mention a person whatever the model's label ("Ms Okafor" as GPE)."""

ORG_ENDINGS: frozenset[str] = frozenset(
    """
    company co corporation corp inc incorporated ltd limited llc plc group association
    organisation organization agency council committee party union university college
    institute foundation ministry department bank society league federation commission
    """.split()
)
"""Last words that make a place-labelled mention an organisation ("… Ferry Company" as LOC)."""


@lru_cache(maxsize=65536)
def seen_category(label: str, text: str) -> str:
    """The category a reader would put a mention in: the label's, corrected by its words."""
    base = category_of(label)
    if base in ("figure", "date"):
        return base
    words = [w.strip(".,") for w in fold(text).split()]
    if len(words) >= 2 and words[0] in PERSONAL_TITLES:
        return "person"
    if base == "place" and len(words) >= 2 and words[-1] in ORG_ENDINGS:
        return "organisation"
    return base


def group(mentions: Iterable[Mention]) -> list[Entity]:
    """Entities from mentions: one per thing named, sorted by first mention."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    person_keys = {
        name_tokens(m.text) for m in ordered if seen_category(m.label, m.text) == "person"
    }
    person_keys.discard(())
    links = _person_links(person_keys)
    resolved_people = {links.get(key, key) for key in person_keys}
    joinable = {name_tokens(m.text) for m in ordered if m.label in _PERSON_JOINABLE}
    joinable -= person_keys | {()}
    links.update(_surname_links(joinable, resolved_people))

    org_acronyms: dict[tuple[str, str], tuple[str, ...]] = {}
    for m in ordered:
        category = seen_category(m.label, m.text)
        if category in ("organisation", "place"):
            tokens = name_tokens(m.text)
            acronym = _acronym(tokens, m.text)
            if acronym and (category, acronym) not in org_acronyms:
                org_acronyms[(category, acronym)] = tokens

    groups: dict[tuple[str, object], _Group] = {}
    for m in ordered:
        category = seen_category(m.label, m.text)
        tokens = name_tokens(m.text)
        value: Fraction | None = None
        key: object
        if category == "person" or (
            tokens
            and (
                tokens in person_keys
                or (m.label in _PERSON_JOINABLE and links.get(tokens, tokens) in resolved_people)
            )
        ):
            category = "person"
            key = links.get(tokens, tokens) if tokens else (fold(m.text),)
        elif category == "figure":
            value = figure_value(m.text)
            if value is None and tokens:
                # "(36)" or "36's" is 36 too; without this its id would be 36's, "figure:36".
                value = figure_value(" ".join(tokens))
            key = value if value is not None else tokens
        elif category in ("organisation", "place"):
            acronym = _as_acronym(m.text)
            key = org_acronyms.get((category, acronym), tokens) if acronym else tokens
        else:
            key = tokens or (fold(m.text),)
        slot = groups.get((category, key))
        if slot is None:
            slot = groups[(category, key)] = _Group(
                category, key if isinstance(key, tuple) else (), value
            )
        slot.mentions.append(m)

    entities = [_entity(slot) for slot in groups.values()]
    entities.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return entities


def _entity(slot: _Group) -> Entity:
    mentions = tuple(slot.mentions)
    name = _canonical_name(mentions, slot)
    slug = "-".join(slot.key) if slot.key else fold(name).replace(" ", "-")
    if slot.value is not None:
        slug = str(slot.value)
    return Entity(
        id=f"{slot.category}:{slug}",
        name=name,
        category=slot.category,
        mentions=mentions,
        value=slot.value,
    )


def _canonical_name(mentions: Sequence[Mention], slot: _Group) -> str:
    """The fullest form: most identifying words, then most frequent, then earliest."""
    shown = (
        (lambda text: " ".join(text.split()) or text) if slot.category == "figure" else display_name
    )
    counts = Counter(shown(m.text) for m in mentions)
    first_seen: dict[str, int] = {}
    for position, m in enumerate(mentions):
        first_seen.setdefault(shown(m.text), position)

    def rank(name: str) -> tuple[int, int, int, int]:
        acronym_penalty = 1 if _as_acronym(name) and slot.category != "figure" else 0
        return (acronym_penalty, -len(name_tokens(name)), -counts[name], first_seen[name])

    return min(counts, key=rank)
