"""The category vote: the mentions of one name (a `Node`) vote with the model's labels, and the
words around them can outvote the model when they clearly agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from extract.categories import category_of
from extract.evidence import Evidence, evidence, inside, title_before
from extract.model import Mention
from extract.names import SURNAME_TITLES, fold, gender_of, leading_title, name_tokens, title_class
from extract.spans import NAME_CATEGORIES

CUE_SHARE = 0.15
"""Cues must speak for at least this share of a name's mentions to outvote the model."""
STRICT_SHARE = 0.1
"""A person needs less: cues only a person earns, for at least this share of its mentions."""
GROUP_STRICT_SHARE = 0.25
"""Or more, against the model's word that it is a group ("American" before a noun)."""
SAMPLE = 48
"""Mentions of a name whose surroundings are read: a big name's are sampled evenly."""
VOTED = ("person", "place", "organisation")


class Node:
    """The mentions of one name (its words and title class): the unit of votes and links."""

    __slots__ = (
        "category",
        "cls",
        "cues",
        "first",
        "groups",
        "inherited",
        "mentions",
        "parent",
        "pronouns",
        "strict",
        "surnamed",
        "titled",
        "titles",
        "tokens",
        "votes",
    )

    def __init__(self, cls: str | None, tokens: tuple[str, ...]) -> None:
        self.cls = cls
        self.tokens = tokens
        self.mentions: list[Mention] = []
        self.votes: Counter[str] = Counter()
        self.groups = 0
        """Mentions the model labelled a group of people (NORP: "American", "the French")."""
        self.cues: dict[str, float] = {"person": 0.0, "place": 0.0, "organisation": 0.0}
        self.strict = 0.0
        self.pronouns: Counter[str] = Counter()
        self.titles: Counter[str] = Counter()
        self.titled = 0
        self.surnamed = True
        """Whether every title it has goes before a surname ("Mr.", "Colonel")."""
        self.category = "other"
        self.parent: Node | None = None
        self.first = -1
        self.inherited: str | None = None

    def add(self, mention: Mention, title: str | None, title_text: str | None) -> None:
        if not self.mentions:
            self.first = mention.start
        self.mentions.append(mention)
        label = mention.model_label or mention.label
        self.votes[category_of(label)] += 1
        if label == "NORP":
            self.groups += 1
        if title is not None:
            self.titled += 1
            self.surnamed = self.surnamed and title in SURNAME_TITLES
        if title_text:
            self.titles[title_text] += 1

    def weigh(self, text: str | None) -> None:
        """Read the cues around its mentions: all of them, or an even sample of a big name."""
        step = max(1, len(self.mentions) // SAMPLE)
        sample = self.mentions[::step]
        scale = len(self.mentions) / len(sample)
        for m in sample:
            if text is None:
                place, organisation = inside(m.text)
                found = Evidence(place=place, organisation=organisation)
            else:
                found = evidence(text, m.start, m.end, m.text)
            self.cues["person"] += found.person * scale
            self.cues["place"] += found.place * scale
            self.cues["organisation"] += found.organisation * scale
            self.strict += found.strict * scale
            if found.pronoun:
                self.pronouns[found.pronoun] += 1
        self.cues["person"] += 2 * self.titled
        self.strict += 2 * self.titled

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
            top, count = self.pronouns.most_common(1)[0]
            if count >= 0.7 * total:
                return top
        return self.inherited

    def root(self) -> Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


def nodes_of(names: Sequence[Mention], text: str | None, *, vote: bool) -> dict[object, Node]:
    nodes: dict[object, Node] = {}
    for m in names:
        title = leading_title(m.text)
        title_text: str | None = None
        if title is None and text is not None and (found := title_before(text, m.start)):
            title, title_text = found
        cls = title_class(title)
        tokens = name_tokens(m.text) or (fold(m.text),)
        key: object = (cls, tokens) if vote else (category_of(m.label), cls, tokens)
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = Node(cls, tokens)
        node.add(m, title, title_text)
    if vote:
        for node in nodes.values():
            node.weigh(text)
    return nodes


def decide(node: Node) -> str:
    """A name's category: the user's labels if any; else the model's majority unless the
    words around its mentions clearly say otherwise (weak evidence stays with the model)."""
    users = Counter(category_of(m.label) for m in node.mentions if m.source == "user")
    if users:
        return users.most_common(1)[0][0]
    cues = node.cues
    votes = node.votes
    base = max(votes, key=lambda c: (votes[c], cues.get(c, 0.0), c == "person"))
    if (
        2 * votes[base] <= node.size
        and votes["person"] >= 0.2 * node.size
        and node.cls is None
        and node.gender is not None
    ):
        return "person"  # the model is split, and "he" or "she" keeps following the name
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
    enough = strength >= 2 and strength >= CUE_SHARE * node.size
    return best if enough and strength >= 2 * against else base


def seen_category(label: str, text: str) -> str:
    """The category one mention would get on its own: its label's, unless its words say
    otherwise ("Ms Okafor" is a person whatever the label)."""
    if category_of(label) not in NAME_CATEGORIES:
        return category_of(label)
    title = leading_title(text)
    node = Node(title_class(title), name_tokens(text))
    node.add(Mention(0, len(text), label, text), title, None)
    node.weigh(None)
    return decide(node)
