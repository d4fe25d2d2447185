"""The category vote: the mentions of one name (a `Node`) vote with the model's labels, and the
words around them can outvote the model when they clearly agree."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from extract.categories import category_of
from extract.evidence import cues_around, inside, title_before
from extract.model import Mention, counts_of, labelling, most_common
from extract.names import (
    HONORIFICS,
    PERSONAL_TITLES,
    SURNAME_TITLES,
    fold,
    gender_of,
    leading_title,
    name_tokens,
    title_class,
)
from extract.spans import TITLE_LABELS

CUE_SHARE = 0.15
"""Cues must speak for at least this share of a name's mentions to outvote the model."""
STRICT_SHARE = 0.1
"""A person needs less: cues only a person earns, for at least this share of its mentions."""
GROUP_STRICT_SHARE = 0.25
"""Or more, against the model's word that it is a group ("American" before a noun)."""
ORG_PLACE_SHARE = 0.25
"""More, to make a place of what the model calls an organisation."""
SAMPLE = 48
"""Mentions of a name whose surroundings are read: a big name's are sampled evenly."""
VOTED = ("person", "place", "organisation")


class Node:
    """The mentions of one name (its words and title class): the unit of votes and links."""

    __slots__ = (
        "articled",
        "building",
        "category",
        "cls",
        "cues",
        "ending",
        "first",
        "groups",
        "honoured",
        "indefinite",
        "inherited",
        "kinds",
        "mentions",
        "parent",
        "pronouns",
        "strict",
        "surnamed",
        "texts",
        "titled",
        "titles",
        "tokens",
        "users",
        "votes",
    )

    def __init__(self, cls: str | None, tokens: tuple[str, ...]) -> None:
        self.cls = cls
        self.tokens = tokens
        self.mentions: list[Mention] = []
        self.kinds: dict[tuple[str, str, str], int] = {}
        """Its mentions by (model label, label, source), counted by `nodes_of` (else empty)."""
        self.texts: dict[str, list[int]] = {}
        """Its mentions by text, counted with the first's start by `nodes_of` (else empty)."""
        self.votes: dict[str, float] = defaultdict(float)
        """The model's labels of its mentions, by category."""
        self.groups = 0
        """Mentions the model labelled a group of people (NORP: "American", "the French")."""
        self.cues: dict[str, float] = {"person": 0.0, "place": 0.0, "organisation": 0.0}
        self.strict = 0.0
        self.ending = 0.0
        self.building = 0.0
        # Counted in plain dicts (a `Counter` costs more to make, and a book has thousands).
        self.pronouns: dict[str, int] = {}
        self.titles: dict[str, int] = {}
        self.titled = 0
        self.surnamed = True
        """Whether every title it has goes before a surname ("Mr.", "Colonel")."""
        self.honoured = False
        """Whether a title it has is an honorific ("Mr", "Madame"), never a town's or firm's."""
        self.category = "other"
        self.parent: Node | None = None
        self.first = -1
        self.inherited: str | None = None
        self.users = 0
        """Mentions the user made or labelled."""
        self.articled = 0.0
        """Mentions right after an article ("the Synod", "the Gazette", "a Turk")."""
        self.indefinite = 0.0
        """Those right after "a" or "an" ("a Turk"): one of a kind, not one thing."""

    def add(self, mention: Mention, title: str | None, title_text: str | None) -> None:
        """One more mention, with the title written before it or in it, if any."""
        self.mentions.append(mention)
        self.tally((mention,))
        if title is not None:
            self.entitle(title, title_text)

    def tally(
        self, mentions: Iterable[Mention], kinds: dict[tuple[str, str, str], int] | None = None
    ) -> None:
        """Count the labels and makers of ``mentions``, its own (in ``self.mentions``), or
        their ``kinds`` if counted already."""
        if self.first < 0:
            self.first = self.mentions[0].start
        # By (model label, label, source): a name's mentions share a few.
        if kinds is None:
            kinds = counts_of(map(labelling, mentions))
        for (model_label, label, source), count in kinds.items():
            label = model_label or label
            # The small model calls unknown names works or products at random: half a vote.
            self.votes[category_of(label)] += (0.5 if label in TITLE_LABELS else 1) * count
            if label == "NORP":
                self.groups += count
            if source == "user":
                self.users += count

    def entitle(self, title: str, title_text: str | None) -> None:
        """A title before one of its mentions (folded, and as written)."""
        self.titled += 1
        self.surnamed = self.surnamed and title in SURNAME_TITLES
        self.honoured = self.honoured or title in HONORIFICS
        if title_text:
            self.titles[title_text] = self.titles.get(title_text, 0) + 1

    def weigh(self, text: str | None, *, cues: bool = True) -> None:
        """Read the cues around its mentions: all of them, or an even sample of a big name.
        Without ``cues`` (a text not in English) only its titles count."""
        self.cues["person"] += 2 * self.titled
        self.strict += 2 * self.titled
        if not cues:
            return
        step = max(1, len(self.mentions) // SAMPLE)
        sample = self.mentions[::step]
        scale = len(self.mentions) / len(sample)
        # Summed in locals (a name's sample is up to a hundred mentions), in the same order.
        person, place = self.cues["person"], self.cues["place"]
        organisation, strict = self.cues["organisation"], self.strict
        ending, building = self.ending, self.building
        articled, indefinite = self.articled, self.indefinite
        for m in sample:
            ending_cue, building_cue, organisation_cue = inside(m.text)
            if text is None:
                person_cue = strict_cue = place_cue = 0.0
                pronoun, article, one_of = None, False, False
            else:
                person_cue, strict_cue, place_cue, pronoun, article, one_of = cues_around(
                    text, m.start, m.end, m.text
                )
            person += person_cue * scale
            place += place_cue * scale
            ending += ending_cue * scale
            building += building_cue * scale
            organisation += organisation_cue * scale
            strict += strict_cue * scale
            if article:
                articled += scale
                if one_of:
                    indefinite += scale
            if pronoun:
                self.pronouns[pronoun] = self.pronouns.get(pronoun, 0) + 1
        self.cues["person"], self.cues["place"] = person, place
        self.cues["organisation"], self.strict = organisation, strict
        self.ending, self.building = ending, building
        self.articled, self.indefinite = articled, indefinite

    @property
    def size(self) -> int:
        return len(self.mentions)

    @property
    def gender(self) -> str | None:
        """From its title, else from the pronouns that follow it (when they clearly agree)."""
        if self.cls is not None and self.cls != "r":
            return gender_of(self.cls)
        total = sum(self.pronouns.values())
        if total >= 3:
            top = most_common(self.pronouns)
            count = self.pronouns[top]
            if count >= 0.7 * total:
                return top
        return self.inherited

    def root(self) -> Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


@dataclass(slots=True)
class _Made:
    """What a mention's words and title make of it: its title and node; and how many
    mentions it holds for, the first one's start."""

    title: str | None
    node: Node
    first: int
    count: int = 0


def nodes_of(
    names: Sequence[Mention],
    text: str | None,
    *,
    vote: bool,
    cues: bool = True,
    owners: list[Node] | None = None,
) -> dict[object, Node]:
    """The mentions of each name, a name being its words and its title's class.

    An honorific ("Mr", "Ms") always makes a title; a rank or an office ("General", "Prince",
    "King") only where the model saw a person or the rest is a name written alone too
    ("Emperor Napoleon" and "Napoleon"): "General Motors" and "Duke Energy" keep their first
    word. With ``cues`` the words around each mention are read as evidence (English only).
    ``owners``, if given, gets each mention's node, in the order of ``names``.
    """
    owned = owners if owners is not None else []
    nodes: dict[object, Node] = {}
    alone: set[tuple[str, ...]] | None = None  # the names written alone, read when needed
    # What a mention's words and its title make of it, by everything that decides it: a name
    # is written a few ways and mentioned hundreds of times.
    # By text, label, model label, source and title as written.
    made: dict[tuple[str, str, str, str, str | None], _Made] = {}
    for m in names:
        title_text: str | None = None
        leading = leading_title(m.text)
        if leading is None and text is not None and (found := title_before(text, m.start)):
            leading, title_text = found
        facts = (m.text, m.label, m.model_label, m.source, title_text)
        known = made.get(facts)
        if known is None:
            label = m.model_label or m.label
            title = leading
            titled = title is not None and (
                title in HONORIFICS
                or label == "PERSON"
                or m.source == "user"
                or title_text is not None
                or name_tokens(m.text) in (alone := _alone(names) if alone is None else alone)
            )
            keep_title_word = title is not None and not titled
            if not titled:
                title = None
            cls = title_class(title)
            tokens = name_tokens(m.text, not keep_title_word) or (fold(m.text),)
            key: object = (cls, tokens) if vote else (category_of(m.label), cls, tokens)
            node = nodes.get(key)
            if node is None:
                node = nodes[key] = Node(cls, tokens)
            known = made[facts] = _Made(title, node, m.start)
        known.count += 1
        node = known.node
        owned.append(node)
        node.mentions.append(m)
        if known.title is not None:
            node.entitle(known.title, title_text)
    # Each node's kinds and texts, from those of its mentions' facts (in the order first seen).
    for (written, label, model_label, source, _), known in made.items():
        node = known.node
        kinds = node.kinds
        kinds[model_label, label, source] = kinds.get((model_label, label, source), 0) + known.count
        counted = node.texts.get(written)
        if counted is None:
            node.texts[written] = [known.count, known.first]
        else:
            counted[0] += known.count
    for node in nodes.values():
        node.tally(node.mentions, node.kinds)
        if vote:
            node.weigh(text, cues=cues)
    return nodes


def _alone(names: Sequence[Mention]) -> set[tuple[str, ...]]:
    """The words of every name as written, titles kept ("Napoleon", "Emperor Napoleon")."""
    return {name_tokens(text, False) for text in {m.text for m in names}}


def decide(node: Node, person_words: frozenset[str] = frozenset()) -> str:
    """A name's category: the user's labels if any; else the model's majority unless the
    words around its mentions clearly say otherwise (weak evidence stays with the model).
    ``person_words`` are the one-word names the model mostly calls people (surnames)."""
    category = _decide(node, person_words)
    if (
        category == "place"
        and not node.users
        and node.cls is None
        and node.gender is not None
        and node.strict >= 1
        and node.cues["person"] >= node.cues["place"] + node.ending + node.building
    ):
        return "person"  # "my niece Georgiana", and "she" keeps following the name
    if (
        category == "person"
        and not node.users
        and node.size > 1
        and 2 * node.articled > node.size
        and node.titled == 0
        and node.strict == 0
        and node.gender is None
        and not (len(node.tokens) == 1 and node.tokens[0] in PERSONAL_TITLES)
    ):
        # "the Tugendbund", "a Turk": no one's name takes an article, but a title ("the
        # Tsar") or someone "he" or "she" follows ("the Rhetor") may, and a family ("the
        # Gardiners", see `collectives`). The model's next kind for it, if it has one; else
        # one of a kind ("a Turk") is a group's name, and one thing ("the Synod") a body's.
        others = {c: v for c, v in node.votes.items() if c != "person" and v > 0}
        if others:
            return max(others, key=lambda c: (others[c], c))
        return "other" if node.indefinite else "organisation"
    return category


def _decide(node: Node, person_words: frozenset[str]) -> str:
    if node.users:
        users = Counter(category_of(m.label) for m in node.mentions if m.source == "user")
        return users.most_common(1)[0][0]
    votes = node.votes
    cues = dict(node.cues)
    # A place's word ending the name counts; a building's never against the model's ORG
    # ("Tammany Hall"); either against its PERSON only for a name written more than once,
    # with no sign of a person, whose last word is no one's surname here ("Kellynch Hall",
    # not "Bill Gates").
    if 2 * votes["person"] <= node.size or (
        node.size > 1 and cues["person"] == 0 and node.tokens[-1] not in person_words
    ):
        cues["place"] += node.ending
        if 2 * votes["organisation"] <= node.size:
            cues["place"] += node.building
    first = category_of(node.mentions[0].model_label or node.mentions[0].label)
    # A tie goes by what only each kind earns (for a person, not "X said"), then by the
    # model's first word on it.
    tied = {**cues, "person": node.strict}
    base = max(votes, key=lambda c: (votes[c], tied.get(c, 0.0), c == first))
    if (
        2 * votes[base] <= node.size
        and votes["person"] >= 0.2 * node.size
        and node.cls is None
        and node.gender is not None
        and cues["place"] < 1
        and cues["organisation"] < 1
    ):
        return "person"  # the model is split, and "he" or "she" keeps following the name
    if (
        base == "person"
        and 2 * votes[base] <= node.size + 1
        and votes["place"] > 0
        and cues["place"] >= 1
        and node.strict == 0
        and node.cls is None
        and votes["place"] + cues["place"] > votes["person"] + cues["person"]
    ):
        return "place"  # the model is split, and the words around it say place
    if (
        2 * votes[base] <= node.size
        and votes["place"] == votes["other"] == 0
        and votes["person"] > 0
        and len(node.tokens) == 1
        and cues["place"] >= 1
        and cues["person"] == 0
        and node.cls is None
        and node.gender is None
    ):
        return "place"  # the model is split between person and organisation, the words say place
    best = max(VOTED, key=lambda c: cues[c])
    strength, against = cues[best], cues.get(base, 0.0)
    if best == base or strength < 2 or strength < STRICT_SHARE * node.size:
        return base
    if base == "other" and best != "person":
        return base  # "in French" is the language; nationalities and groups stay as they are
    if best == "person":
        # Only what people alone do counts ("said X", "X smiled", a title), and enough of it.
        share = GROUP_STRICT_SHARE if 2 * node.groups > node.size else STRICT_SHARE
        if node.strict >= max(2.0, share * node.size) and strength >= 1.5 * against:
            return best
        return base
    # An organisation takes "in", "at" and "into" too ("a stake in Arm", "analysts at X"):
    # against a model sure of one, more is needed.
    sure_org = base == "organisation" and votes[base] >= 0.75 * node.size
    share, least = (ORG_PLACE_SHARE, 3) if sure_org else (CUE_SHARE, 2)
    enough = strength >= least and strength >= share * node.size
    return best if enough and strength >= 2 * against else base


_LISTED = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)")
"""What joins the names of a list: "Jena, Austerlitz, and Wagram", "Kolochá and Vóyna"."""


def listed_places(
    nodes: Sequence[Node], names: Sequence[Mention], owners: Sequence[Node], text: str
) -> None:
    """A name the model calls a person that a list joins to places and to no person ("Arcola,
    Jena, Austerlitz, Wagram") is a place, when nothing marks it as a person, no person's
    fuller name holds its words, and the places beside it and the place words around it come
    to two at least (a list holds names of one kind). ``names`` are the nodes' mentions in
    document order, ``owners`` their nodes."""
    # Words of people's fuller names: "Richard" of "Richard III" is a person's name anywhere.
    named = {w for n in nodes if n.category == "person" and len(n.tokens) > 1 for w in n.tokens}
    candidates = {
        id(n)
        for n in nodes
        if n.category == "person"
        and n.cls is None
        and n.strict == 0
        and n.users == 0
        and named.isdisjoint(n.tokens)
    }
    if not candidates:
        return
    mates: dict[int, Counter[str]] = defaultdict(Counter)
    for index, (before, after) in enumerate(pairwise(names)):
        if after.start - before.end > 8 or not _LISTED.fullmatch(text, before.end, after.start):
            continue
        left, right = owners[index], owners[index + 1]
        if left is right:
            continue
        # A name written once says little of its mates.
        if id(left) in candidates and right.size > 1:
            mates[id(left)][right.category] += 1
        if id(right) in candidates and left.size > 1:
            mates[id(right)][left.category] += 1
    for node in nodes:
        counts = mates.get(id(node))
        if (
            counts is not None
            and counts["place"] >= 1
            and counts["person"] == 0
            and counts["place"] + node.cues["place"] >= 2
        ):
            node.category = "place"
