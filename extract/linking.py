"""Links between names: a short name to the fuller name it stands for, a surname the model gave
another label to its person, groups of people, and acronyms to their long forms."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TypeVar

from extract.evidence import before_brackets, the_before
from extract.model import Mention
from extract.names import (
    ADDRESS_WORDS,
    FEMALE_CLASSES,
    FILLER_WORDS,
    PERSONAL_TITLES,
    TITLES,
    acronym_of,
    as_acronym,
    classes_agree,
    fold,
)
from extract.votes import VOTED, Node

_TWO_WORDS = re.compile(r"[^\W\d_][\w'’-]*\s+[^\W\d_][\w'’-]*")
"""Two words, each starting with a letter: a full name written plainly."""
ONE_OFF_LIMIT = 10
"""A name used this often never hangs on a fuller name written once (an odd span)."""
RARE = 20
"""A short name used this many times more often than a fuller one does not join it."""
TITLED_RARE = 5
"""Likewise for a titled name and untitled fuller ones ("Prince Vasíli", 217 times, is not
"Vasíli Dmítrich", 9 times)."""
_ALIAS = re.compile(r"\s*\(\s*([^\W\d_][\w.&-]{1,15})\s*\)")
"""A short name defined in brackets right after a long form: "Long Form (LF)", "(Daesh)"."""
_K = TypeVar("_K")
_DEFINERS = ("organisation", "place", "other")
"""The categories whose names define acronyms and aliases."""
_MAN = re.compile(r"(?:wo)?m[ae]n$")  # "Frenchmen", "countrywomen": left off for the stem


def _fuller(target: Node, node: Node) -> bool:
    """Whether ``node`` may join ``target`` as the name it stands for: ``target`` has more words,
    or the same words more often (a strict order, so links never make a cycle)."""
    mine, theirs = set(node.tokens), set(target.tokens)
    if not mine <= theirs:
        return False
    if len(theirs) > len(mine):
        return True
    return (target.size, target.cls is not None, -target.first) > (
        node.size,
        node.cls is not None,
        -node.first,
    )


def _may_be(node: Node, target: Node) -> bool:
    """Whether the person ``node`` names may be the one ``target`` names."""
    if not classes_agree(node.cls, target.cls):
        return False
    mine, theirs = node.gender, target.gender
    if mine is None or theirs is None or mine == theirs:
        return True
    # One full name, titled and not: the title says more than the pronouns read nearby (the
    # son she talks to is "he").
    titled = (node.cls is None) != (target.cls is None)
    return titled and len(node.tokens) > 1 and node.tokens == target.tokens


def _female_candidates(node: Node, candidates: list[Node]) -> list[Node]:
    """For "Mrs. Bennet", "Miss Bingley" or "Ms Okafor": full names titled the same way; for
    "Ms" or "Lady", else the one untitled full name. A Mrs or a Miss alone never reaches an
    untitled full name: the family's daughters share it ("Mrs. Bennet" is not Elizabeth)."""
    same = [c for c in candidates if c.cls == node.cls or set(c.tokens) == set(node.tokens)]
    if same or node.cls != "f":
        return same
    untitled = [c for c in candidates if c.cls is None and c.gender != "m"]
    return untitled if len({frozenset(c.tokens) for c in untitled}) == 1 else []


def _best(node: Node, candidates: list[Node], by_word: dict[str, list[Node]]) -> Node | None:
    """The name with the most mentions among the candidates, one-off spans aside; None on a
    tie, or when the best is too rarely written to stand for a name used far more often
    ("Mary Alexéevna", twice, is not every "Princess Mary"). ``support`` counts, for a full
    name, the mentions of the names inside it (see `_support`)."""
    if not candidates:
        return None
    if node.size >= ONE_OFF_LIMIT:
        # A name written twice is no odd span, though once with a title and once without.
        candidates = [c for c in candidates if _written(c, by_word) > 1]
    elif any(c.size > 1 for c in candidates):
        candidates = [c for c in candidates if c.size > 1]
    if not candidates:
        return None
    # Names that nest ("Haider Abadi" in "Haider Jawad Abadi") are one person's: a family.
    names = {frozenset(c.tokens) for c in candidates}
    fullest = [name for name in names if not any(name < other for other in names)]
    families = {name: [c for c in candidates if frozenset(c.tokens) <= name] for name in fullest}

    # A titled surname gets no support from given names: "Elizabeth" is often written, but
    # that says nothing of whether "Miss Bennet" is she.
    titled_surname = node.cls is not None and node.surnamed and len(node.tokens) == 1

    def strength(family: list[Node]) -> int:
        total = sum(c.size for c in family)
        if titled_surname:
            return total
        return max(total, *(_support(node, c, by_word) for c in family))

    ranked = sorted(families.values(), key=strength, reverse=True)
    best = strength(ranked[0])
    if len(ranked) > 1 and (best < 2 * strength(ranked[1]) or best < 3):
        return None  # no clear winner: "Rostóv" may be any of the family
    # A titled name joins a fuller one of another kind, or a titled surname any fuller name
    # ("Miss Bennet", 54 times, is not "Miss Elizabeth Bennet", 3 times), only on good support.
    other_kind = node.cls is not None and all(c.cls != node.cls for c in ranked[0])
    if best * (TITLED_RARE if other_kind or titled_surname else RARE) < node.size:
        return None
    return max(ranked[0], key=lambda c: (c.size, c.cls is None, -c.first))


def _by_word(nodes: Iterable[Node]) -> dict[str, list[Node]]:
    found: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        for word in set(node.tokens):
            found[word].append(node)
    return found


def _written(node: Node, by_word: dict[str, list[Node]]) -> int:
    """How often a name's very words are written, with a title or without: "Hélène Bezúkhova"
    once and "Countess Hélène Bezúkhova" once is a name written twice, not an odd span."""
    words = set(node.tokens)
    return sum(n.size for n in by_word.get(node.tokens[0], []) if set(n.tokens) == words)


def _support(node: Node, candidate: Node, by_word: dict[str, list[Node]]) -> int:
    """The mentions of a fuller name and of the shorter names that use the words it adds to
    ``node`` ("Bonaparte" for "Napoleon Bonaparte", asked for "Napoleon")."""
    words = set(candidate.tokens)
    extra = words - set(node.tokens)
    if not extra:
        return candidate.size
    inside_it = {id(n): n for n in by_word[next(iter(extra))] if extra <= set(n.tokens) <= words}
    return sum(n.size for n in inside_it.values())


def link_people(people: list[Node]) -> None:
    """Each partial name to the fuller name with the most mentions that it may stand for."""
    by_word = _by_word(people)
    genders = {n.tokens[0]: n.gender for n in people if len(n.tokens) == 1 and n.cls is None}
    for node in people:
        if node.gender is None and node.cls is None and len(node.tokens) > 1:
            # A full name is as its first name is ("Charlotte Temple" is a she).
            node.inherited = genders.get(node.tokens[0])
    targets: dict[int, Node] = {}
    for node in people:
        if TITLES.issuperset(node.tokens):
            continue  # "the King" alone is not the "King of Naples", nor any other king
        # Candidates hold every word of the name: look among those of its rarest word.
        rarest = min(set(node.tokens), key=lambda word: len(by_word[word]))
        candidates = [
            other
            for other in by_word[rarest]
            if other is not node and _fuller(other, node) and _may_be(node, other)
        ]
        if node.cls is not None and node.surnamed and len(node.tokens) == 1:
            # "Colonel Fitzwilliam" is not Fitzwilliam Darcy: a surname ends a full name, unless
            # the fuller name has the same title ("Mrs. Rachel", "Mrs. Rachel Lynde").
            candidates = [
                c for c in candidates if c.cls == node.cls or c.tokens[-1] == node.tokens[0]
            ]
            if node.cls == "r":
                # "Major Denísov" is whoever "Denísov", written more often, turns out to be.
                alone = (c for c in candidates if c.cls is None and c.tokens == node.tokens)
                target = next(alone, None)
                if target is not None:
                    targets[id(node)] = target
                    continue
        elif node.cls is not None and not node.surnamed:
            # "Prince Harry" is not Harry Kane: such a title joins only names titled alike, or
            # the same full name written without it more often ("Prince Anatole Kurágin").
            whole = len(node.tokens) > 1
            candidates = [
                c
                for c in candidates
                if c.cls == node.cls or (whole and c.cls is None and c.tokens == node.tokens)
            ]
        if len(node.tokens) > 1:
            # "John Adams" is not "John Quincy Adams" unless the fuller name is the usual one
            # (or both are written once: a middle name added in passing).
            candidates = [
                c
                for c in candidates
                if c.size > 2 * node.size
                or c.size == node.size == 1
                or len(c.tokens) == len(node.tokens)
            ]
        if node.cls in FEMALE_CLASSES:
            candidates = _female_candidates(node, candidates)
        elif node.cls is None and node.gender is None:
            # A bare name with no pronoun evidence is ambiguous between titled relatives.
            classes = {c.cls for c in candidates if set(c.tokens) == set(node.tokens)}
            if len(classes - {None}) > 1:
                candidates = [c for c in candidates if set(c.tokens) != set(node.tokens)]
        best = _best(node, candidates, by_word)
        if best is not None:
            targets[id(node)] = best
    for node in people:
        if node.cls is not None and not node.surnamed and id(node) not in targets:
            # "Prince Bagratión" is the "Bagratión" written alone far more often, when that
            # name stands for no fuller one ("Prince Kurágin" is not Anatole Kurágin).
            bare = _bare_name(node, by_word)
            if bare is not None and id(bare) not in targets:
                targets[id(node)] = bare
    for node in people:
        target = targets.get(id(node))
        if target is not None and target.root() is not node:
            node.parent = target
    for node in people:
        # "Mr. Phillips" joins "Phillips", which joins "Mrs. Phillips": not the same person.
        if node.cls is not None and node.parent is not None and not _agrees_above(node):
            node.parent = None


def _bare_name(node: Node, by_word: dict[str, list[Node]]) -> Node | None:
    """The untitled name of a titled one-word name, when it is written more often and may be
    the same person."""
    if len(node.tokens) != 1:
        return None
    return next(
        (
            other
            for other in by_word[node.tokens[0]]
            if other.cls is None
            and other.tokens == node.tokens
            and other.size > node.size
            and _may_be(node, other)
        ),
        None,
    )


def _agrees_above(node: Node) -> bool:
    """Whether every title of the names ``node`` joins on the way up agrees with its own."""
    above = node.parent
    while above is not None:
        if not classes_agree(node.cls, above.cls):
            return False
        above = above.parent
    return True


def link_to_people(nodes: list[Node], people: list[Node]) -> None:
    """A surname the model gave another label ("Abadi" as ORG) joins the person it names,
    when the words around it do not say otherwise and it is not the bigger of the two."""
    roots = [p for p in people if p.parent is None]
    sizes: Counter[int] = Counter()
    for person in people:
        sizes[id(person.root())] += person.size
    by_word = _by_word(roots)
    for node in nodes:
        own = node.category if node.category in VOTED else "organisation"
        if node.parent is not None or node.cues[own] >= 2 or 2 * node.groups > node.size:
            continue
        if node.users or TITLES.issuperset(node.tokens):
            continue
        words = set(node.tokens)
        holders = [p for p in by_word.get(node.tokens[0], []) if words <= set(p.tokens)]
        if node.category == "place":
            # A place joins a person only by a given name ("Charlotte", "Charlotte Temple"):
            # towns are named after people's surnames ("Washington"); and never when the words
            # around it say place ("born in Florence" is not Florence Nightingale).
            if len(node.tokens) > 1 or node.cues["place"] >= 1:
                continue
            holders = [p for p in holders if len(p.tokens) > 1 and p.tokens[0] == node.tokens[0]]
        best = _best(node, holders, by_word)
        if best is None:
            continue
        # The smaller joins the bigger, unless the words around it say person and "he" or
        # "she" follows it, or the model itself called it a person at times (never a place:
        # "Jordan" the country is not Jordan Henderson).
        said_person = (
            node.category in ("place", "organisation")
            and node.cues["person"] > node.cues[own]
            and node.gender is not None
        )
        if (
            sizes[id(best.root())] >= node.size
            or said_person
            or (node.category != "place" and node.votes["person"] >= 0.2 * node.size)
        ):
            node.parent = best
            node.category = "person"


def namesakes(nodes: Iterable[Node], people: list[Node]) -> None:
    """A name the model gave another kind that the document shows is a person's: the very
    words of a person with an honorific ("St. Aubert" beside "Monsieur St. Aubert"), or with
    any title where the words around it say person ("Prince Drubetskóy"), or a rank before a
    person's name ("Prince Bagratión" beside "Bagratión")."""
    by_words: dict[frozenset[str], list[Node]] = defaultdict(list)
    for person in people:
        by_words[frozenset(person.tokens)].append(person)
    # Given names (written alone, as people) and surnames (the last word of a titled person
    # or of a fuller name): "Natásha Rostóva" is a person's, whatever the model says.
    given = {p.tokens[0] for p in people if len(p.tokens) == 1 and p.cls is None and p.size > 2}
    surnames = {p.tokens[-1] for p in people if p.cls is not None or len(p.tokens) > 1}
    for node in nodes:
        own = node.category if node.category in VOTED else "organisation"
        if node.parent is not None or node.cues[own] >= 2:
            continue
        if node.users:
            continue
        same_words = by_words.get(frozenset(node.tokens), [])
        # "Drubetskóy" beside "Prince Drubetskóy", where the words around it say person more
        # than its own kind.
        person_words = node.cues["person"] >= 1 and node.cues["person"] > node.cues[own]
        target = next((p for p in same_words if p.honoured or (person_words and p.cls)), None)
        if target is None and len(node.tokens) > 1 and node.tokens[0] in PERSONAL_TITLES:
            named = by_words.get(frozenset(node.tokens[1:]), [])
            target = max(named, key=lambda p: p.size, default=None)
        if target is None and person_words and _plain_full_name(node):
            # "Platón Karatáev" beside "Karatáev", written far more often as a person
            surname = by_words.get(frozenset(node.tokens[-1:]), [])
            target = next((p for p in surname if p.cls is None and p.size >= 3 * node.size), None)
        if target is not None:
            node.parent = target
            node.category = "person"
        elif (
            len(node.tokens) == 2
            and node.tokens[0] in given
            and node.tokens[1] in surnames
            and node.cues[own] == 0
        ):
            node.category = "person"


def _plain_full_name(node: Node) -> bool:
    """Whether a name is a given name and a surname, written plainly: two words of letters,
    the first no word of address or title ("Platón Karatáev"; not "Darling Denísov", "Ah,
    Timókhin")."""
    if len(node.tokens) != 2 or node.tokens[0] in ADDRESS_WORDS | FILLER_WORDS | PERSONAL_TITLES:
        return False
    return all(_TWO_WORDS.fullmatch(m.text) for m in node.mentions)


def collectives(nodes: Iterable[Node], text: str | None) -> None:
    """Names of groups of people are not one person or a place: a nationality's "-man" words
    ("Frenchmen", beside "French") are a group's; a surname's plural ("the Rostóvs") is the
    family, a person entry of its own."""
    all_nodes = list(nodes)
    groups = {n.tokens[0] for n in all_nodes if n.category == "other" and len(n.tokens) == 1}
    surnames = {n.tokens[-1] for n in all_nodes if n.category == "person"}
    for node in all_nodes:
        if len(node.tokens) != 1 or node.users:
            continue
        word = node.tokens[0]
        stem = _MAN.sub("", word)
        if not word.endswith("s") and stem == word:
            continue
        if stem != word and len(stem) >= 3 and any(g.startswith(stem) for g in groups):
            node.category = "other"
        elif (
            node.category in ("organisation", "place")
            and word[:-1] in surnames
            # "the Rostóvs" is a family; "Lloyds" (no "the") may be a bank named for one.
            and 2 * sum(_after_the(text, m) for m in node.mentions) > node.size
        ):
            node.category = "person"


def _after_the(text: str | None, mention: Mention) -> bool:
    """Whether "the" goes before the mention (in its span or just outside it)."""
    return mention.text[:4].lower() == "the " or (
        text is not None and the_before(text, mention.start)
    )


def _initials(node: Node) -> str | None:
    """The initials of a long form's name, as acronyms are compared."""
    return acronym_of(node.tokens, node.mentions[0].text)


_Order = tuple[int, int, int, int]  # a mention's start and end, its node's index and its own


def _keep_first(table: dict[_K, tuple[_Order, Node]], key: _K, order: _Order, owner: Node) -> None:
    """``owner`` under ``key``, unless a mention earlier in document order put one there."""
    known = table.get(key)
    if known is None or order < known[0]:
        table[key] = (order, owner)


def link_acronyms(nodes: Iterable[Node], text: str | None) -> None:
    """An acronym joins its long form: by initials within a category, or as defined in
    brackets ("North Sea Ferry Company (NSFC)")."""
    all_nodes = list(nodes)
    # The first in document order defines a long form or an alias. Only a name of several
    # words has initials; only a mention before a bracket defines an alias.
    firsts: dict[tuple[str, str], tuple[_Order, Node]] = {}
    defined_first: dict[str, tuple[_Order, Node]] = {}
    brackets = before_brackets(text) if text is not None else frozenset()
    for index, owner in enumerate(all_nodes):
        if owner.category not in _DEFINERS:
            continue
        several = len(owner.tokens) > 1
        if not several and not brackets:
            continue
        for position, m in enumerate(owner.mentions):
            order = (m.start, m.end, index, position)
            long_form = acronym_of(owner.tokens, m.text) if several else None
            if long_form is not None:
                _keep_first(firsts, (owner.category, long_form), order, owner)
            if (
                m.end in brackets
                and text is not None
                and (defined := _ALIAS.match(text, m.end)) is not None
            ):
                alias = defined.group(1)
                # An acronym after any long form; a one-word alias after a name of several
                # ("Islamic State (Daesh)", not "Putney (Labour)").
                if as_acronym(alias) or several:
                    _keep_first(defined_first, fold(alias.replace(".", "")), order, owner)
    long_forms = {key: owner for key, (_, owner) in firsts.items()}
    aliases = {name: owner for name, (_, owner) in defined_first.items()}
    for node in all_nodes:
        if node.parent is not None:
            continue
        written = node.mentions[0].text
        acronym = as_acronym(written)
        alias = aliases.get(fold(written.replace(".", ""))) if aliases else None
        target: Node | None = None
        # A bracket after a name defines it only when its letters are the name's initials
        # ("(NSFC)") or it is a name of the same kind ("(Daesh)"); "WASHINGTON (AP)" is a
        # dateline and "Putney (Labour)" a party.
        if alias is not None and (
            (acronym is not None and _initials(alias) == acronym)
            or alias.category == node.category
            or (node.category in ("other", "figure") and alias.category == "organisation")
        ):
            target = alias
        elif acronym is not None:
            target = long_forms.get((node.category, acronym))
            if target is None and node.category in ("other", "figure"):
                target = long_forms.get(("organisation", acronym))
        if target is not None and target is not node and target.root() is not node:
            node.parent = target
            node.category = target.category
