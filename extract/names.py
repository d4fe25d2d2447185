"""Names as words: folding for comparison, titles and honorifics, particles, acronyms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MALE_TITLES: frozenset[str] = frozenset(
    """
    mr mister sir lord master monsieur herr signor senor don prince count duke baron marquis
    marquess earl viscount king emperor tsar czar tsarevich archduke sultan shah pasha emir
    """.split()
)
MARRIED_TITLES: frozenset[str] = frozenset("mrs missus madame mme frau signora senora dona".split())
UNMARRIED_TITLES: frozenset[str] = frozenset("miss mademoiselle mlle signorina senorita".split())
FEMALE_TITLES: frozenset[str] = frozenset(
    """
    ms lady dame princess countess duchess baroness marchioness queen empress tsarina czarina
    archduchess
    """.split()
)
RANKS: frozenset[str] = frozenset(
    """
    dr doctor prof professor president general gen colonel col lieutenant lt major maj captain
    capt sergeant sgt corporal admiral commander senator sen governor gov judge justice
    chancellor ambassador rev reverend bishop cardinal archbishop pope sheikh mullah ayatollah
    imam rabbi mx father brother sister
    """.split()
)
SURNAME_TITLES: frozenset[str] = (RANKS - {"father", "brother", "sister", "pope"}) | frozenset(
    "mr mister mrs missus miss ms monsieur herr frau signor signora mme mlle".split()
)
"""Titles written before a surname ("Mr. Darcy", "Colonel Fitzwilliam"), unlike "Prince
Andrew" or "Lady Catherine", which also take a given name."""

PERSONAL_TITLES: frozenset[str] = (
    MALE_TITLES | MARRIED_TITLES | UNMARRIED_TITLES | FEMALE_TITLES | RANKS
)
"""Words before a name that make it a person's ("Prince Andrew", "Ms Okafor")."""

HONORIFICS: frozenset[str] = frozenset(
    """
    mr mrs ms miss mx dr mister missus monsieur madame mme mlle mademoiselle herr frau signor
    signora signorina senor senora senorita dona sir dame lady lord madam
    """.split()
)
"""Titles that only ever stand before a person's name ("Ms Okafor"), unlike ranks and offices
("General Motors", "Duke Energy", "King County", "Prince George")."""

TITLES: frozenset[str] = PERSONAL_TITLES | frozenset("vice prime minister secretary".split())
"""Words dropped from the front of a name before comparing (honorifics, ranks, offices)."""

ADDRESS_WORDS: frozenset[str] = HONORIFICS | frozenset(
    """
    mamma mama mamá maman papa papá pa ma mum mummy mom mommy dad daddy father mother uncle aunt
    auntie granny grandmother grandfather grandmamma grandpapa grandma grandpa nurse nanny nana
    cousin son daughter wife husband baby darling sweetheart sire ma'am mistress excellency
    highness majesty lordship ladyship honour honor reverence eminence holiness sovereign
    i you he she it we they me him us them thou thee thy thine ye
    oh ah ay aye nay yes no hush hark lo pray alas hurrah bravo adieu farewell amen hello
    goodbye esq esquire jr sr well why come go look see sing down up
    bonjour bonsoir merci oui voila voici allons quand qui mais vive vivat guten gut schon
    morgen danke bitte hoch
    """.split()
)
"""Words that address or stand for a person without naming them ("Mamma", "Excellency"), and
the exclamations and small words of the French and German an English novel quotes ("Bonjour",
"Qui s’excuse…"), capitalised where a quotation starts."""

FILLER_WORDS: frozenset[str] = frozenset(
    "your his her my our their grand serene imperial royal little old young poor dear good the a an".split()
)
"""Words that go with those ("Your Excellency", "poor Mamma"), names on their own ("Young")."""

PARTICLES: frozenset[str] = frozenset(
    "al el de del della di da van von der den la le du des bin ibn ben abu ul".split()
)
"""Name particles ignored when comparing names (al-Abadi, Al Abadi and Abadi agree)."""

ARTICLES: frozenset[str] = frozenset({"the", "a", "an"})
ACRONYM_SKIP: frozenset[str] = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "&"})

_POSSESSIVE = re.compile(r"(?:['’`]s|(?<=s)['’`])$", re.IGNORECASE)
"""A final "'s", or the bare apostrophe after an s ("Jones'" is Jones, not Jone)."""
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/.,;:!?()\[\]{}\"“”„«»]+", re.UNICODE)
_APOSTROPHES = re.compile(r"['’`]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case, accents and every kind of whitespace folded away, for comparison only."""
    if text.isascii():
        return " ".join(text.casefold().split())  # nothing to decompose
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@lru_cache(maxsize=65536)
def words_of(text: str) -> tuple[str, ...]:
    """The folded words of a text, without a final possessive or punctuation."""
    folded = _POSSESSIVE.sub("", fold(text))
    return tuple(filter(None, _SEPARATORS.split(_APOSTROPHES.sub("", folded))))


@lru_cache(maxsize=65536)
def name_tokens(text: str, titles: bool = True) -> tuple[str, ...]:
    """The words that identify a name: folded, without titles (unless ``titles`` is off, for
    "General Motors"), particles or a possessive."""
    words = list(words_of(text))
    while words and words[0] in ARTICLES:
        words = words[1:]
    if not titles:
        named = [w for w in words if w not in PARTICLES]
        return tuple(named or words)
    core = list(words)
    while len(core) > 1 and core[0] in TITLES and core[1] != "of":
        core = core[1:]  # "King of Naples" keeps its title: without it, no name is left
    # "Prime Minister" alone keeps its words: a bare title is still the text it is.
    if words and TITLES.issuperset(words):
        core = words
    named = [w for w in core if w not in PARTICLES]
    return tuple(named or core)


@lru_cache(maxsize=65536)
def leading_title(text: str) -> str | None:
    """The personal title a name starts with ("mrs" of "Mrs. Bennet"), if any."""
    words = words_of(text)
    while words and words[0] in ARTICLES:
        words = words[1:]
    if len(words) >= 2 and words[0] in PERSONAL_TITLES and words[1] != "of":
        return words[0]  # "King of Naples" is a title for a name: the whole is the name
    return None


def title_class(title: str | None) -> str | None:
    """What a title says of who bears it: "m", "mrs", "miss", "f", "r" (a rank), or None."""
    if title is None:
        return None
    if title in RANKS:
        return "r"
    if title in MALE_TITLES:
        return "m"
    if title in MARRIED_TITLES:
        return "mrs"
    if title in UNMARRIED_TITLES:
        return "miss"
    if title in FEMALE_TITLES:
        return "f"
    return None


def classes_agree(a: str | None, b: str | None) -> bool:
    """Whether two title classes may name one person: Mrs and Miss may not, nor General and
    Mrs; Lady and Mrs may, and so may Mr and President."""
    if a is None or b is None or a == b:
        return True
    return {a, b} in ({"f", "mrs"}, {"f", "miss"}, {"m", "r"})


def gender_of(title_cls: str | None) -> str | None:
    """ "m" or "f" for a title class (None for a rank or none)."""
    if title_cls is None or title_cls == "r":
        return None
    return "m" if title_cls == "m" else "f"


FEMALE_CLASSES: frozenset[str] = frozenset({"f", "mrs", "miss"})


@lru_cache(maxsize=65536)
def display_name(text: str, titles: bool = True) -> str:
    """A mention's text as a name: whitespace collapsed, no possessive, no leading article or
    (unless ``titles`` is off, for "General Motors") title."""
    words = text.split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    dropped = TITLES | ARTICLES if titles else ARTICLES
    while len(words) > 1 and fold(words[0]).rstrip(".") in dropped and words[1] != "of":
        words = words[1:]
    if len(words) > 1 and words[0] == ".":
        words = words[1:]  # tokenised text: "Mr . Bennet"
    return " ".join(words) or text.strip() or text


@lru_cache(maxsize=65536)
def titled_name(text: str) -> str:
    """A mention's text as a name that keeps its title ("Mrs. Bennet"), possessive dropped."""
    words = text.split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    while len(words) > 1 and fold(words[0]) in ARTICLES:
        words = words[1:]
    return " ".join(words) or text.strip() or text


@lru_cache(maxsize=16384)
def acronym_of(tokens: tuple[str, ...], original: str) -> str | None:
    """Initials of the capitalised words of a multi-word name (Islamic State … → isis)."""
    if len(tokens) < 2:
        return None  # one word: most names, no need to read them
    words = [w for w in re.split(r"[\s\-]+", original) if w]
    capitals = [w[0] for w in words if w[:1].isupper() and fold(w) not in ACRONYM_SKIP]
    if len(capitals) < 2:
        return None
    return fold("".join(capitals))


@lru_cache(maxsize=16384)
def as_acronym(text: str) -> str | None:
    """The letters of a mention written as an acronym ("ISIS", "U.N."), else None."""
    letters = text.replace(".", "").replace(" ", "")
    if 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper():
        return fold(letters)
    return None
