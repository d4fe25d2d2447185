"""What the words around a mention say it is: a person (a title, "said X", "X smiled"), a place
("in X", "the town of X", "X Street"), an organisation ("X Company"), and whether "he" or "she"
follows it. Plain regular expressions over the text: fast and language-light."""

from __future__ import annotations

import re
from functools import lru_cache

from extract.names import PERSONAL_TITLES, words_of

WINDOW = 48
"""Characters read on each side of a mention."""
PRONOUN_WINDOW = 80
"""Characters after a mention searched for "he" or "she"."""

SPEECH_BEFORE: frozenset[str] = frozenset(
    """
    said says asked replied answered cried exclaimed whispered shouted muttered murmured continued
    added began observed remarked repeated inquired enquired interrupted returned rejoined
    called thought screamed sobbed laughed smiled pleaded protested insisted declared
    """.split()
)
"""Verbs before a name that speaks ("said Natásha"): said of people only."""
SPEECH_AFTER: frozenset[str] = frozenset(
    """
    said says asked replied answered cried exclaimed added continued told announced declared
    insisted warned reported
    """.split()
)
"""Verbs after a name that speaks ("Natásha said"): news says it of countries and companies
too ("Beijing said"), so it is not `strict` evidence of a person."""
HUMAN_AFTER: frozenset[str] = frozenset(
    """
    whispered shouted muttered murmured smiled laughed sighed nodded frowned wept blushed
    glanced shrugged grinned gasped sobbed kissed stammered screamed groaned winced smiling
    laughing himself herself
    """.split()
)
"""Words after a name that only a person does or is ("Natásha smiled", "Pierre himself")."""
LIVING_AFTER: frozenset[str] = frozenset(
    """
    thought felt knew wanted looked listened remembered understood hesitated loved hated stared
    who whom rose sat stood walked ran
    """.split()
)
"""Words after a name that people mostly do, but not only ("Arsenal, who…", "Nvidia rose"):
they count, but not as `strict` evidence."""
PERSON_BEFORE_PAIRS: frozenset[str] = frozenset(
    """
    said spoke turned looked glanced smiled nodded bowed wrote married listened whispered
    replied answered up belonged introduced handed gave
    """.split()
)
"""Verbs before "to" or "at" that point at a person ("said to X", "looked at X"); not "went"
or "came", said of places more often ("went to Moscow")."""
PERSON_POSSESSIONS: frozenset[str] = frozenset(
    """
    face eyes eye hand hands voice head heart father mother husband wife brother sister son
    daughter friend friends letter words arm arms lips smile cheeks cheek hair mind feelings
    uncle aunt family children child shoulder shoulders expression look manner tears
    """.split()
)
KIN_BEFORE: frozenset[str] = frozenset(
    "sister brother niece nephew cousin aunt uncle daughter son wife husband".split()
)
"""Kin before a name ("my niece Georgiana", "his sister Natásha"): said of people only ("mother"
and "father" are not: "mother Russia", "Father Christmas")."""
STRONG_PLACE_BEFORE: frozenset[str] = frozenset(
    "in near into outside inside beyond across throughout within via".split()
)
WEAK_PLACE_BEFORE: frozenset[str] = frozenset("at from to towards toward".split())
SETTING_OUT: frozenset[str] = frozenset(
    "left leave leaves leaving start started starting set sailed departed bound".split()
)
"""Verbs before "for" that point at a place ("left for Moscow", "set off for Kent")."""
PLACE_OF: frozenset[str] = frozenset(
    """
    town city village province district county river battle siege kingdom capital
    streets outskirts gates walls governor inhabitants road environs neighbourhood neighborhood
    country state isle island bay gulf port shores banks duchy principality region republic
    empire suburbs hills plain valley forest coast
    """.split()
)
PLACE_ENDINGS: frozenset[str] = frozenset(
    """
    street st road rd lane avenue square park hill hills mount mountain mountains river lake bay
    sea ocean island islands isle bridge gate gates place row terrace valley forest wood woods
    field fields heights point harbour harbor cape grove hollow farm common green moor marsh
    wharf dock quay canal creek springs falls crescent
    """.split()
)
"""Last words of a place's name ("Bald Hills", "Gracechurch Street", "Sleepy Hollow")."""
PLACE_AFTER: frozenset[str] = frozenset(
    """
    road highroad upland uplands river province district steppe marshes frontier border
    """.split()
)
"""Words after a name, in small letters, that make it a place's ("the Smolénsk road", "the
Lyádov upland"): a person's name before them would be a possessive."""
PLACE_WORDS_BEFORE: frozenset[str] = frozenset(
    "st saint san santa sao fort port mount river rivers".split()
)
"""Words right before a name that make it a place's: "St. Louis" where the model took only
"Louis", "the river Oká"."""
BUILDING_ENDINGS: frozenset[str] = frozenset(
    """
    hall lodge castle palace abbey cathedral station gardens garden mall manor cottage inn tower
    parsonage rectory grange
    """.split()
)
"""Last words of a building's or an estate's name ("Kellynch Hall"): places, but institutions'
names end so too ("Tammany Hall"), so they never outvote the model's ORG."""
PLACE_STARTS: frozenset[str] = frozenset("mount lake cape port fort river gulf isle".split())
ORG_ENDINGS: frozenset[str] = frozenset(
    """
    company co corporation corp inc incorporated ltd limited llc plc group association
    organisation organization agency council committee party university college institute
    foundation ministry department society commission club regiment army navy brigade battalion
    """.split()
)
"""Last words that make a name an organisation's ("… Ferry Company"); not "union", "federation"
or "bank", which end countries and lands too ("Soviet Union", "West Bank")."""

FACILITY_WORDS: frozenset[str] = frozenset(
    """
    street st road rd lane avenue square bridge station airport port harbour harbor hall lodge
    castle palace abbey cathedral church chapel tower inn hotel mall gardens manor cottage
    parsonage rectory grange house terrace crescent row wharf dock quay canal stadium museum
    """.split()
)
"""Last words of buildings and works (spaCy's FAC: "Gracechurch Street", "Kellynch Hall")."""
NATURE_WORDS: frozenset[str] = frozenset(
    """
    river lake sea ocean mountain mountains mount hill hills island islands isle bay valley
    forest wood woods desert gulf cape coast heights point hollow moor marsh creek springs falls
    """.split()
)
"""Words of natural places (spaCy's LOC: "the Volga river", "Bald Hills")."""


@lru_cache(maxsize=16384)
def place_kind(mention_text: str) -> str:
    """spaCy's label for a place by its words: FAC for a building or road, LOC for a natural
    place, else GPE."""
    words = words_of(mention_text)
    if len(words) > 1 and words[-1] in FACILITY_WORDS:
        return "FAC"
    if len(words) > 1 and (words[-1] in NATURE_WORDS or words[0] in NATURE_WORDS):
        return "LOC"
    return "GPE"


_PUNCTUATION = "\"'“”‘’«»()[]{},.;:!?—–-_*"
_POSSESSIVE_MARKS = frozenset({"'s", "’s"})
_PRONOUN = re.compile(
    r"([HhSs](?<!\w[HhSs])"
    r"(?:(?<=[Hh])(?:[Ee](?:[Rr](?:[Ss](?:[Ee][Ll][Ff])?)?)?|[Ii](?:[Mm](?:[Ss][Ee][Ll][Ff])?|[Ss]))"
    r"|(?<=[Ss])[Hh][Ee]))\b"
)
"""he, him, his, himself, she, her, hers, herself in any case, as whole words (spelt out, and
the letter before looked at after the first: a case-blind pattern, or one that starts with
a word boundary, loses the engine's fast scan for a first letter, and the pass reads
thousands of these). It starts with the one class of first letters, which branches choose
after: a pattern whose branches start with classes of their own is tried at every position."""


_A_BEFORE = re.compile(r"(?:^|\W)[Aa][Nn]? $")
""""a " or "an " as a word of its own, read in the few characters before a name ("like a
Turk"): one of a kind."""


def the_before(text: str, start: int) -> bool:
    """Whether "the" goes right before ``start`` ("the Synod")."""
    return text[max(0, start - 4) : start].lower() == "the "


def title_before(text: str, start: int) -> tuple[str, str] | None:
    """The personal title right before ``start`` ("Mrs. " before "Bennet"): folded, as written."""
    before = text[max(0, start - 16) : start]
    if not before[-1:].isspace() or "\n\n" in before[-3:]:
        return None
    words = before.rsplit(None, 2)  # the last word, and the one before a lone "."
    if not words:
        return None
    word = words[-1]
    if word == "." and len(words) > 1:
        word = words[-2] + "."  # tokenised text: "Mr . Bennet"
    if not word[:1].isupper():
        return None  # a title starts with a capital: most words before a name do not
    bare = word.rstrip(".")
    folded = bare.lower()
    if folded not in PERSONAL_TITLES or not bare.isalpha():
        return None
    return folded, word


@lru_cache(maxsize=65536)
def inside(mention_text: str) -> tuple[float, float, float]:
    """Cues in a name's own words: (place, building, organisation) — "Bald Hills", "Kellynch
    Hall", "Ferry Company"."""
    words = words_of(mention_text)
    if len(words) > 1:
        if words[-1] in PLACE_ENDINGS or words[0] in PLACE_STARTS:
            return 2.0, 0.0, 0.0
        if words[-1] in BUILDING_ENDINGS:
            return 0.0, 2.0, 0.0
        if words[-1] in ORG_ENDINGS:
            return 0.0, 0.0, 2.0
    return 0.0, 0.0, 0.0


Around = tuple[float, float, float, str | None, bool, bool]
"""The cues around one mention: person, strict (the share of person that only a person earns,
not "X said", which news says of countries and companies), place, the first personal pronoun
after it if near ("m" or "f"), whether an article goes right before it ("the Synod", "a Turk":
see `the_before`) and whether that article is "a" or "an" (`_A_BEFORE`)."""


def cues_around(text: str, start: int, end: int, mention_text: str) -> Around:
    """The cues in the words around ``text[start:end]`` (titles aside: see `title_before`; the
    cues in its own words are `inside`'s), as a tuple: the pass reads thousands."""
    person = strict = place = 0.0
    pronoun_found: str | None = None
    articled = indefinite = False
    window = text[max(0, start - WINDOW) : start]
    # The article right before, from the window read already: "the " as `the_before` reads
    # it, or "a " or "an " (which end in one of two letters and a space).
    tail = window[-4:].lower()
    if tail == "the ":
        articled = True
    elif ("a " in tail or "n " in tail) and _A_BEFORE.search(text, max(0, start - 4), start):
        articled = indefinite = True
    # The last three words before, in order: split from the end, unless one is all marks
    # (lowered first: no letter lowers to a mark or a space).
    before = [word.strip(_PUNCTUATION) for word in window.lower().rsplit(None, 3)[-3:]]
    if not all(before):
        before = []
        for word in reversed(window.split()):
            word = word.strip(_PUNCTUATION)
            if word:
                before.append(word.lower())
                if len(before) == 3:
                    break
        before.reverse()
    if before and before[-1] in PERSONAL_TITLES:
        before.pop()  # "said Mr. Bennet": the title is the name's
    last = before[-1] if before else ""
    previous = before[-2] if len(before) > 1 else ""
    if last in SPEECH_BEFORE or last in KIN_BEFORE:
        person += 1
        strict += 1
    elif last in STRONG_PLACE_BEFORE:
        place += 1
    elif last in WEAK_PLACE_BEFORE:
        if previous in PERSON_BEFORE_PAIRS:
            person += 1
            strict += 1
        else:
            place += 0.5
    elif last == "of" and previous in PLACE_OF:
        place += 2
    elif last == "the" and previous in STRONG_PLACE_BEFORE:
        place += 1  # "across the Dnieper", "in the Crimea": no one's name takes "the"
    elif last == "the" and previous in WEAK_PLACE_BEFORE:
        place += 0.5
    elif last == "for" and (previous in SETTING_OUT or previous == "off"):
        place += 1  # "left for Moscow", "set off for Kent"
    elif last in PLACE_WORDS_BEFORE:
        place += 1

    after = text[end : end + WINDOW].split(None, 4)  # the first four words are read at most
    if after and after[0] in _POSSESSIVE_MARKS and len(after) > 1:
        after = after[1:]  # tokenised text: "Natásha ’s face"
        possessive = True
    else:
        possessive = bool(after) and after[0][:2] in _POSSESSIVE_MARKS
        if possessive:
            after = [after[0][2:], *after[1:]]
        elif mention_text[-1:] == "s" and after and after[0][:1] in "'’" and end < len(text):
            # a plural's: "at the Karágins’"
            possessive = text[end] in "'’" and not text[end + 1 : end + 2].isalpha()
            if possessive:
                after = [after[0][1:], *after[1:]]
    word = ""
    for next_word in after[:3]:
        next_word = next_word.strip(_PUNCTUATION)
        if next_word:
            word = next_word.lower()
            break
    if possessive:
        # "went to Iogel’s", "at the Karágins’"
        weak = last in WEAK_PLACE_BEFORE or (last == "the" and previous in WEAK_PLACE_BEFORE)
        house = weak and place > 0
        place = 0.0  # "into Plato’s head": the place is what the name owns
        if word in PERSON_POSSESSIONS or house:
            person += 1
            strict += 1
    elif word in HUMAN_AFTER:
        person += 1
        strict += 1
    elif word in SPEECH_AFTER or word in LIVING_AFTER:
        person += 1
    elif word in PLACE_AFTER and after[0].rstrip(_PUNCTUATION) == word:
        place += 1  # written in small letters, right after the name
    elif word in ("where", "whither") and after[0].rstrip(_PUNCTUATION) == word:
        place += 0.5  # "went to Dóbroe whither…"; but "showed Natásha where…"

    pronoun = _PRONOUN.search(text, end, end + PRONOUN_WINDOW)
    if pronoun is not None:
        pronoun_found = "f" if pronoun.group(1).lower().startswith(("s", "her")) else "m"
    return person, strict, place, pronoun_found, articled, indefinite


def before_brackets(text: str) -> frozenset[int]:
    """Every offset followed by a bracket, spaces aside: where a bracket may follow a name (`extract.linking`'s aliases)."""
    found: set[int] = set()
    bracket = text.find("(")
    while bracket >= 0:
        found.add(bracket)
        space = bracket
        while space > 0 and text[space - 1].isspace():
            space -= 1
            found.add(space)
        bracket = text.find("(", bracket + 1)
    return frozenset(found)
