"""Grouping mentions that name the same thing into entities, with each entity's category and
each mention's label decided by the evidence of the whole document. Pure and fast: run it often.

    mentions ─► nodes (one per name: its words and its title) ─► category vote per node
             ─► links (a short name to the fuller name it stands for, acronyms to long forms)
             ─► entities, every mention labelled as its entity's category says
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction

from extract.categories import category_of
from extract.evidence import Evidence, evidence, inside, title_before
from extract.figures import figure_value
from extract.model import Entity, Mention
from extract.names import (
    FEMALE_CLASSES,
    SURNAME_TITLES,
    acronym_of,
    as_acronym,
    classes_agree,
    display_name,
    fold,
    gender_of,
    leading_title,
    name_tokens,
    title_class,
)
from extract.spans import NAME_CATEGORIES

__all__ = ["display_name", "figure_value", "fold", "group", "name_tokens", "seen_category"]

CUE_SHARE = 0.15
"""Cues must speak for at least this share of a name's mentions to outvote the model."""
STRICT_SHARE = 0.1
"""A person needs less: cues only a person earns, for at least this share of its mentions."""
GROUP_STRICT_SHARE = 0.25
"""Or more, against the model's word that it is a group ("American" before a noun)."""
ONE_OFF_LIMIT = 10
"""A name used this often never hangs on a fuller name written once (an odd span)."""
RARE = 20
"""A short name used this many times more often than a fuller one does not join it."""
TITLED_RARE = 5
"""Likewise for a titled name and untitled fuller ones ("Prince Vasíli", 217 times, is not
"Vasíli Dmítrich", 9 times)."""
SAMPLE = 48
"""Mentions of a name whose surroundings are read: a big name's are sampled evenly."""
VOTED = ("person", "place", "organisation")
NOT_PEOPLE = ("organisation", "other", "place")
DEFAULT_LABEL = {"person": "PERSON", "place": "GPE", "organisation": "ORG"}
_ALIAS = re.compile(r"\s*\(\s*([^\W\d_][\w.&-]{1,15})\s*\)")
"""A short name defined in brackets right after a long form: "Long Form (LF)", "(Daesh)"."""

Key = tuple[str | None, tuple[str, ...]]


class _Node:
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
        self.parent: _Node | None = None
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

    def root(self) -> _Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


def group(
    mentions: Iterable[Mention], text: str | None = None, *, vote: bool = True
) -> list[Entity]:
    """Entities from mentions: one per thing named, sorted by first mention.

    With ``text`` the words around each mention count as evidence. With ``vote`` (the
    document-level pass) a name's category is voted over all its mentions and every mention
    takes a label of that category; without it each mention keeps its label and category.
    """
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    long_forms = {
        acronym
        for m in ordered
        if category_of(m.label) in ("organisation", "place")
        and (acronym := acronym_of(name_tokens(m.text), m.text)) is not None
    }
    names: list[Mention] = []
    others: list[Mention] = []
    for m in ordered:
        category = category_of(m.label)
        acronym_like = vote and category == "figure" and as_acronym(m.text) in long_forms
        (names if category in NAME_CATEGORIES or acronym_like else others).append(m)

    nodes = _nodes(names, text, vote=vote)
    for node in nodes.values():
        node.category = _decide(node) if vote else category_of(node.mentions[0].label)
    if vote:
        _collectives(nodes.values())
    people = [n for n in nodes.values() if n.category == "person" and n.tokens]
    _link_people(people)
    _link_to_people([n for n in nodes.values() if n.category in NOT_PEOPLE], people)
    _link_acronyms(nodes.values(), ordered, text)

    trees: dict[int, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        trees[id(node.root())].append(node)
    entities = [_entity(members[0].root(), members, vote=vote) for members in trees.values()]
    entities.extend(_plain_groups(others))
    entities.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return _unique_ids(entities)


def _nodes(names: Sequence[Mention], text: str | None, *, vote: bool) -> dict[object, _Node]:
    nodes: dict[object, _Node] = {}
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
            node = nodes[key] = _Node(cls, tokens)
        node.add(m, title, title_text)
    if vote:
        for node in nodes.values():
            node.weigh(text)
    return nodes


def _decide(node: _Node) -> str:
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
    node = _Node(title_class(title), name_tokens(text))
    node.add(Mention(0, len(text), label, text), title, None)
    node.weigh(None)
    return _decide(node)


# -- links ------------------------------------------------------------------------------------


def _fuller(target: _Node, node: _Node) -> bool:
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


def _may_be(node: _Node, target: _Node) -> bool:
    """Whether the person ``node`` names may be the one ``target`` names."""
    if not classes_agree(node.cls, target.cls):
        return False
    mine, theirs = node.gender, target.gender
    return mine is None or theirs is None or mine == theirs


def _female_candidates(node: _Node, candidates: list[_Node]) -> list[_Node]:
    """For "Mrs. Bennet", "Miss Bingley" or "Ms Okafor": full names titled the same way; for
    "Ms" or "Lady", else the one untitled full name. A Mrs or a Miss alone never reaches an
    untitled full name: the family's daughters share it ("Mrs. Bennet" is not Elizabeth)."""
    same = [c for c in candidates if c.cls == node.cls]
    if same or node.cls != "f":
        return same
    untitled = [c for c in candidates if c.cls is None and c.gender != "m"]
    return untitled if len({frozenset(c.tokens) for c in untitled}) == 1 else []


def _best(node: _Node, candidates: list[_Node], by_word: dict[str, list[_Node]]) -> _Node | None:
    """The name with the most mentions among the candidates, one-off spans aside; None on a
    tie, or when the best is too rarely written to stand for a name used far more often
    ("Mary Alexéevna", twice, is not every "Princess Mary"). ``support`` counts, for a full
    name, the mentions of the names inside it (see `_support`)."""
    if not candidates:
        return None
    if node.size >= ONE_OFF_LIMIT or any(c.size > 1 for c in candidates):
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

    def strength(family: list[_Node]) -> int:
        total = sum(c.size for c in family)
        if titled_surname:
            return total
        return max(total, *(_support(node, c, by_word) for c in family))

    ranked = sorted(families.values(), key=strength, reverse=True)
    best = strength(ranked[0])
    if len(ranked) > 1 and best < 2 * strength(ranked[1]):
        return None  # no clear winner: "Rostóv" may be any of the family
    # A titled name joins a fuller one of another kind, or a titled surname any fuller name
    # ("Miss Bennet", 54 times, is not "Miss Elizabeth Bennet", 3 times), only on good support.
    other_kind = node.cls is not None and all(c.cls != node.cls for c in ranked[0])
    if best * (TITLED_RARE if other_kind or titled_surname else RARE) < node.size:
        return None
    return max(ranked[0], key=lambda c: (c.size, c.cls is None, -c.first))


def _by_word(nodes: Iterable[_Node]) -> dict[str, list[_Node]]:
    found: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes:
        for word in set(node.tokens):
            found[word].append(node)
    return found


def _support(node: _Node, candidate: _Node, by_word: dict[str, list[_Node]]) -> int:
    """The mentions of a fuller name and of the shorter names that use the words it adds to
    ``node`` ("Bonaparte" for "Napoleon Bonaparte", asked for "Napoleon")."""
    words = set(candidate.tokens)
    extra = words - set(node.tokens)
    if not extra:
        return candidate.size
    inside_it = {id(n): n for n in by_word[next(iter(extra))] if extra <= set(n.tokens) <= words}
    return sum(n.size for n in inside_it.values())


def _link_people(people: list[_Node]) -> None:
    """Each partial name to the fuller name with the most mentions that it may stand for."""
    by_word = _by_word(people)
    genders = {n.tokens[0]: n.gender for n in people if len(n.tokens) == 1 and n.cls is None}
    for node in people:
        if node.gender is None and node.cls is None and len(node.tokens) > 1:
            # A full name is as its first name is ("Charlotte Temple" is a she).
            node.inherited = genders.get(node.tokens[0])
    targets: dict[int, _Node] = {}
    for node in people:
        candidates = [
            other
            for other in by_word[node.tokens[0]]
            if other is not node and _fuller(other, node) and _may_be(node, other)
        ]
        if node.cls is not None and node.surnamed and len(node.tokens) == 1:
            # "Colonel Fitzwilliam" is not Fitzwilliam Darcy: a surname ends a full name.
            candidates = [c for c in candidates if c.tokens[-1] == node.tokens[0]]
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
        target = targets.get(id(node))
        if target is not None and target.root() is not node:
            node.parent = target


def _link_to_people(nodes: list[_Node], people: list[_Node]) -> None:
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
        if any(m.source == "user" for m in node.mentions):
            continue
        words = set(node.tokens)
        holders = [p for p in by_word.get(node.tokens[0], []) if words <= set(p.tokens)]
        if node.category == "place":
            # A place joins a person only by a given name ("Charlotte", "Charlotte Temple"):
            # towns are named after people's surnames ("Washington").
            if len(node.tokens) > 1:
                continue
            holders = [p for p in holders if len(p.tokens) > 1 and p.tokens[0] == node.tokens[0]]
        best = _best(node, holders, by_word)
        if best is None:
            continue
        # The smaller joins the bigger, unless the model itself called it a person at times.
        if sizes[id(best)] >= node.size or node.votes["person"] >= 0.2 * node.size:
            node.parent = best
            node.category = "person"


def _collectives(nodes: Iterable[_Node]) -> None:
    """Names of groups of people are not one person or a place: a nationality's "-man" words
    ("Frenchmen", beside "French") are a group's; a surname's plural ("the Rostóvs") is the
    family, a person entry of its own."""
    all_nodes = list(nodes)
    groups = {n.tokens[0] for n in all_nodes if n.category == "other" and len(n.tokens) == 1}
    surnames = {n.tokens[-1] for n in all_nodes if n.category == "person"}
    for node in all_nodes:
        if len(node.tokens) != 1 or any(m.source == "user" for m in node.mentions):
            continue
        word = node.tokens[0]
        stem = re.sub(r"(?:wo)?m[ae]n$", "", word)
        if not word.endswith("s") and stem == word:
            continue
        if stem != word and len(stem) >= 3 and any(g.startswith(stem) for g in groups):
            node.category = "other"
        elif node.category in ("organisation", "place") and word[:-1] in surnames:
            node.category = "person"


def _link_acronyms(nodes: Iterable[_Node], ordered: Sequence[Mention], text: str | None) -> None:
    """An acronym joins its long form: by initials within a category, or as defined in
    brackets ("North Sea Ferry Company (NSFC)")."""
    all_nodes = list(nodes)
    node_of: dict[tuple[int, int], _Node] = {}
    for node in all_nodes:
        for m in node.mentions:
            node_of[(m.start, m.end)] = node
    long_forms: dict[tuple[str, str], _Node] = {}
    aliases: dict[str, _Node] = {}
    for m in ordered:
        owner = node_of.get((m.start, m.end))
        if owner is None or owner.category not in ("organisation", "place", "other"):
            continue
        long_form = acronym_of(owner.tokens, m.text)
        if long_form is not None:
            long_forms.setdefault((owner.category, long_form), owner)
        if text is not None and (defined := _ALIAS.match(text, m.end)) is not None:
            aliases.setdefault(fold(defined.group(1).replace(".", "")), owner)
    for node in all_nodes:
        if node.parent is not None:
            continue
        written = node.mentions[0].text
        acronym = as_acronym(written)
        alias = aliases.get(fold(written.replace(".", "")))
        target: _Node | None = None
        if alias is not None and (
            acronym or alias.category == node.category or node.category in ("other", "figure")
        ):
            target = alias
        elif acronym is not None:
            target = long_forms.get((node.category, acronym))
            if target is None and node.category in ("other", "figure"):
                target = long_forms.get(("organisation", acronym))
        if target is not None and target is not node and target.root() is not node:
            node.parent = target
            node.category = target.category


# -- entities ---------------------------------------------------------------------------------


def _entity(root: _Node, members: list[_Node], *, vote: bool) -> Entity:
    category = root.category
    mentions = sorted(
        (m for node in members for m in node.mentions), key=lambda m: (m.start, m.end)
    )
    if vote:
        mentions = _labelled(mentions, category)
    name = _name(root, members, category)
    slug = "-".join(([root.cls] if root.cls and len(root.tokens) == 1 else []) + list(root.tokens))
    return Entity(f"{category}:{slug}", name, category, tuple(mentions))


def _labelled(mentions: list[Mention], category: str) -> list[Mention]:
    """Every mention with a label of its entity's category: its own when it has one, else the
    entity's most frequent label of that category. The user's labels are kept as they are."""
    own = Counter(
        label for m in mentions if category_of(label := m.model_label or m.label) == category
    )
    fallback = own.most_common(1)[0][0] if own else DEFAULT_LABEL.get(category, "NORP")
    labelled: list[Mention] = []
    for m in mentions:
        if m.source == "user":
            labelled.append(m)
            continue
        label = m.model_label or m.label
        if category_of(label) != category:
            label = fallback
        if label == m.label:
            labelled.append(m)
        else:
            labelled.append(Mention(m.start, m.end, label, m.text, m.source, m.model_label))
    return labelled


def _name(root: _Node, members: list[_Node], category: str) -> str:
    """The most frequent full form ("Haider al-Abadi", "Napoleon Bonaparte"); for a titled
    surname alone, its title ("Mrs. Bennet"); else the most frequent form."""
    if category == "person" and root.cls not in (None, "r") and len(root.tokens) == 1:
        form = Counter(display_name(m.text) for m in root.mentions).most_common(1)[0][0]
        title = root.titles.most_common(1)[0][0] if root.titles else None
        if title is not None:
            return f"{title} {form}"
        titled = Counter(" ".join(m.text.split()) for m in root.mentions).most_common(1)[0][0]
        return _without_possessive(titled)
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for node in members:
        for m in node.mentions:
            form = display_name(m.text)
            counts[form] += 1
            first_seen.setdefault(form, m.start)
            first_seen[form] = min(first_seen[form], m.start)

    def rank(form: str) -> tuple[int, int, int, int, int]:
        words = len(name_tokens(form))
        acronym = 1 if as_acronym(form) else 0
        return (acronym, -min(words, 2), -counts[form], -words, first_seen[form])

    return min(counts, key=rank)


def _without_possessive(form: str) -> str:
    return (
        display_name(form)
        if form.count(" ") == 0
        else " ".join([*form.split()[:-1], display_name(form.split()[-1])])
    )


def _plain_groups(mentions: Sequence[Mention]) -> list[Entity]:
    """Figures by the value they name; dates and anything else by their words."""
    groups: dict[tuple[str, object], list[Mention]] = {}
    values: dict[tuple[str, object], Fraction | None] = {}
    for m in mentions:
        category = category_of(m.label)
        tokens = name_tokens(m.text) or (fold(m.text),)
        key: object = tokens
        value: Fraction | None = None
        if category == "figure":
            value = figure_value(m.text)
            if value is None and tokens:
                # "(36)" or "36's" is 36 too; without this its id would be 36's, "figure:36".
                value = figure_value(" ".join(tokens))
            key = value if value is not None else tokens
        groups.setdefault((category, key), []).append(m)
        values[(category, key)] = value
    entities = []
    for (category, key), members in groups.items():
        value = values[(category, key)]
        shown = Counter(" ".join(m.text.split()) or m.text for m in members)
        first: dict[str, int] = {}
        for position, m in enumerate(members):
            first.setdefault(" ".join(m.text.split()) or m.text, position)
        name = min(shown, key=lambda f: (-len(name_tokens(f)), -shown[f], first[f]))
        if category != "figure":
            name = display_name(name)
        slug = (
            str(value)
            if value is not None
            else "-".join(key)
            if isinstance(key, tuple)
            else fold(name).replace(" ", "-")
        )
        entities.append(Entity(f"{category}:{slug}", name, category, tuple(members), value))
    return entities


def _unique_ids(entities: list[Entity]) -> list[Entity]:
    """Ids made unique (two entities may share a name's words): the later one gets @offset."""
    seen: set[str] = set()
    unique: list[Entity] = []
    for entity in entities:
        if entity.id in seen:
            entity = replace(entity, id=f"{entity.id}@{entity.first}")
        seen.add(entity.id)
        unique.append(entity)
    return unique
