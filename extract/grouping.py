"""Grouping mentions that name the same thing into entities, with each entity's category and
each mention's label decided by the evidence of the whole document. Pure and fast: run it often.

    mentions ─► nodes (one per name: its words and its title) ─► category vote per node
             ─► links (a short name to the fuller name it stands for, acronyms to long forms)
             ─► entities, every mention labelled as its entity's category says
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from fractions import Fraction
from itertools import chain, compress
from operator import attrgetter, not_

from extract.categories import category_of, section
from extract.evidence import place_kind
from extract.figures import figure_value
from extract.linking import (
    collectives,
    link_acronyms,
    link_people,
    link_to_people,
    namesakes,
)
from extract.model import (
    Entity,
    Mention,
    counts_of,
    document_order,
    labelling,
    many_mentions,
    most_common,
)
from extract.names import (
    acronym_of,
    as_acronym,
    display_name,
    fold,
    leading_title,
    name_tokens,
    title_class,
)
from extract.spans import NAME_CATEGORIES
from extract.votes import Node, decide, listed_places, nodes_of

__all__ = ["display_name", "figure_value", "fold", "group", "name_tokens", "seen_category"]

NOT_PEOPLE = ("organisation", "other", "place")
DEFAULT_LABEL = {"person": "PERSON", "place": "GPE", "organisation": "ORG"}
_LABEL = attrgetter("label")
_TEXT = attrgetter("text")
_START = attrgetter("start")
_MENTIONS = attrgetter("mentions")
_END = attrgetter("end")
_SOURCE = attrgetter("source")
_MODEL_LABEL = attrgetter("model_label")


def group(
    mentions: Iterable[Mention],
    text: str | None = None,
    *,
    vote: bool = True,
    english: bool = True,
) -> list[Entity]:
    """Entities from mentions: one per thing named, sorted by first mention.

    With ``text`` the words around each mention count as evidence (when ``english``: the cues
    are English words). With ``vote`` (the document-level pass) a name's category is voted
    over all its mentions and every mention takes a label of that category; without it each
    mention keeps its label and category.
    """
    ordered = sorted(mentions, key=document_order)
    # By label first (a book has a few, on tens of thousands of mentions), then by text where
    # the label leaves it open: a figure written as an acronym of a long form is a name.
    labels = list(map(_LABEL, ordered))
    kinds = {label: category_of(label) for label in set(labels)}
    defining = {label: kind in ("organisation", "place") for label, kind in kinds.items()}
    long_forms = {
        acronym
        for written in set(map(_TEXT, compress(ordered, map(defining.__getitem__, labels))))
        if (acronym := acronym_of(name_tokens(written), written)) is not None
    }
    naming = {label: kind in NAME_CATEGORIES for label, kind in kinds.items()}
    is_name = list(map(naming.__getitem__, labels))
    if vote and long_forms:
        figure = {label: kind == "figure" for label, kind in kinds.items()}
        for index in compress(range(len(ordered)), map(figure.__getitem__, labels)):
            is_name[index] = is_name[index] or as_acronym(ordered[index].text) in long_forms
    names = list(compress(ordered, is_name))
    others = list(compress(ordered, map(not_, is_name)))

    owners: list[Node] = []  # each name's node
    nodes = nodes_of(names, text, vote=vote, cues=english, owners=owners)
    person_words = frozenset(
        n.tokens[0] for n in nodes.values() if len(n.tokens) == 1 and 2 * n.votes["person"] > n.size
    )
    for node in nodes.values():
        node.category = decide(node, person_words) if vote else category_of(node.mentions[0].label)
    if vote and english:
        collectives(nodes.values(), text)
        if text is not None:
            listed_places(list(nodes.values()), names, owners, text)
    people = [n for n in nodes.values() if n.category == "person" and n.tokens]
    link_people(people)
    link_to_people([n for n in nodes.values() if n.category in NOT_PEOPLE], people)
    if vote:
        namesakes([n for n in nodes.values() if n.category in NOT_PEOPLE], people)
    link_acronyms(nodes.values(), text)

    trees: dict[int, list[Node]] = defaultdict(list)
    for node in nodes.values():
        trees[id(node.root())].append(node)
    roots = [members[0].root() for members in trees.values()]
    entities = [
        _entity(root, members, vote=vote, english=english)
        for root, members in zip(roots, trees.values(), strict=True)
    ]
    _titled_apart(entities, roots)
    entities.extend(_plain_groups(others))
    entities.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return _unique_ids(entities)


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


# -- entities ---------------------------------------------------------------------------------


def _entity(root: Node, members: list[Node], *, vote: bool, english: bool) -> Entity:
    category = root.category
    # One name's mentions are in document order already; several names' are merged.
    mentions = (
        list(members[0].mentions)
        if len(members) == 1
        else sorted(chain.from_iterable(map(_MENTIONS, members)), key=document_order)
    )
    if vote:
        kinds = members[0].kinds if len(members) == 1 else None
        mentions = _labelled(mentions, category, english=english, kinds=kinds)
    name = _name(root, members, category)
    slug = "-".join(([root.cls] if root.cls and len(root.tokens) == 1 else []) + list(root.tokens))
    return Entity(f"{category}:{slug}", name, category, tuple(mentions))


def _labelled(
    mentions: list[Mention],
    category: str,
    *,
    english: bool,
    kinds: dict[tuple[str, str, str], int] | None = None,
) -> list[Mention]:
    """Every mention with a label of its entity's category: its own when it has one, else the
    entity's most frequent label of that category (for a place no mention of which the model
    called a place, in English, its kind by its words: FAC, LOC or GPE). The user's labels
    stay. ``kinds`` are the mentions' (model label, label, source) counted, if they are."""
    # Counted by (model label, label, source) first: a name's mentions share a few.
    if not kinds:
        kinds = counts_of(map(labelling, mentions))
    own: dict[str, int] = {}
    kept = True  # whether every mention keeps its label as it is
    for (model_label, label, source), count in kinds.items():
        seen = model_label or label
        if category_of(seen) == category:
            own[seen] = own.get(seen, 0) + count
            kept = kept and (seen == label or source == "user")
        else:
            kept = kept and source == "user"
    if kept:
        return mentions
    fallback = most_common(own) if own else _default_label(category)
    by_words = category == "place" and not own and english  # a place's kind by its words
    # The label each kind of mention takes (None: it keeps its own), but by its words.
    taken: dict[tuple[str, str, str], str | None] = {}
    for model_label, label, source in kinds:
        new: str | None = None
        if source != "user":
            new = model_label or label
            if category_of(new) != category:
                new = None if by_words else fallback or new
            if new == label:
                new = None
        taken[model_label, label, source] = new
    made_by = list(map(labelling, mentions))
    labels = list(map(taken.__getitem__, made_by))
    if by_words:
        for index, (m, (model_label, label, source)) in enumerate(
            zip(mentions, made_by, strict=True)
        ):
            if source != "user" and category_of(model_label or label) != category:
                kind = place_kind(m.text)
                new = kind if kind and category_of(kind) == category else fallback
                new = new or model_label or label
                labels[index] = None if new == label else new
    changed = [index for index, label in enumerate(labels) if label is not None]
    old = [mentions[index] for index in changed]
    labelled = list(mentions)
    # Made all at once, as `Mention` would make each (a book relabels thousands).
    for index, mention in zip(
        changed,
        many_mentions(
            map(_START, old),
            map(_END, old),
            [labels[index] or "" for index in changed],
            map(_TEXT, old),
            map(_SOURCE, old),
            map(_MODEL_LABEL, old),
        ),
        strict=True,
    ):
        labelled[index] = mention
    return labelled


def _default_label(category: str) -> str | None:
    """The label a mention takes in an entity of ``category`` none of whose mentions has one
    of its labels: the usual one (PERSON, GPE, ORG), else the category's first, as long as
    the settings have not moved it to another section (None: there is none left)."""
    labels = [DEFAULT_LABEL.get(category, ""), *section(category).labels]
    return next((label for label in labels if label and category_of(label) == category), None)


def _name(root: Node, members: list[Node], category: str) -> str:
    """The most frequent full form ("Haider al-Abadi", "Napoleon Bonaparte"); for a titled
    surname alone, its title ("Mrs. Bennet"); else the most frequent form."""
    if category == "person" and root.cls not in (None, "r") and len(root.tokens) == 1:
        # Counted by text first, as below.
        written = root.texts or _texts(root)
        title = most_common(root.titles) if root.titles else None
        if title is not None:
            return f"{title} {most_common(_forms(written, display_name))}"
        return _without_possessive(most_common(_forms(written, _spaced)))
    # Counted by text first: a name is written a few ways, mentioned hundreds of times.
    texts: dict[str, int] = {}
    text_first: dict[str, int] = {}
    for node in members:
        for text, (count, first) in (node.texts or _texts(node)).items():
            texts[text] = texts.get(text, 0) + count
            text_first[text] = min(text_first.get(text, first), first)
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    person = category == "person"
    for text, count in texts.items():
        form = display_name(text, person)
        counts[form] = counts.get(form, 0) + count
        first_seen[form] = min(first_seen.get(form, text_first[text]), text_first[text])

    def rank(form: str) -> tuple[int, int, int, int, int]:
        words = len(name_tokens(form, person))
        acronym = 1 if as_acronym(form) else 0
        return (acronym, -min(words, 2), -counts[form], -words, first_seen[form])

    return min(counts, key=rank)


def _forms(written: dict[str, list[int]], form_of: Callable[[str], str]) -> dict[str, int]:
    """How often each form of a name is written, given how often each text is."""
    forms: dict[str, int] = {}
    for text, (count, _) in written.items():
        form = form_of(text)
        forms[form] = forms.get(form, 0) + count
    return forms


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _texts(node: Node) -> dict[str, list[int]]:
    """How often each text of a node's mentions is written and where first (`Node.texts`)."""
    written = list(map(_TEXT, node.mentions))
    # A name's mentions are in document order: read backwards, each text's first is last.
    firsts = dict(zip(reversed(written), map(_START, reversed(node.mentions)), strict=True))
    return {text: [count, firsts[text]] for text, count in counts_of(written).items()}


def _titled_apart(entities: list[Entity], roots: list[Node]) -> None:
    """Two people listed under one name ("Colonel Forster", shown as Forster, and a Forster
    the text leaves open): a titled surname keeps its title, so the list tells them apart."""
    names = Counter((e.category, e.name) for e in entities)
    for index, (entity, root) in enumerate(zip(entities, roots, strict=True)):
        if names[entity.category, entity.name] < 2 or root.cls is None or len(root.tokens) > 1:
            continue
        if root.titles:
            entities[index] = replace(entity, name=f"{most_common(root.titles)} {entity.name}")
            continue
        titled = Counter(" ".join(m.text.split()) for m in root.mentions if leading_title(m.text))
        if titled:
            entities[index] = replace(entity, name=_without_possessive(titled.most_common(1)[0][0]))


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
    keys: dict[tuple[str, str], tuple[str, object]] = {}
    for m in mentions:
        group_key = keys.get((m.label, m.text))
        if group_key is None:
            category = category_of(m.label)
            tokens = name_tokens(m.text) or (fold(m.text),)
            key: object = tokens
            value: Fraction | None = None
            if category == "figure":
                value = figure_value(m.text)
                if value is None and tokens:
                    # "(36)" or "36's" is 36 too; without this its id would be 36's, "figure:36".
                    value = figure_value(" ".join(tokens))
                # A value's parts, not the value: hashing fractions is slow.
                key = (value.numerator, value.denominator) if value is not None else tokens
            group_key = keys[(m.label, m.text)] = (category, key)
            values[group_key] = value
        members = groups.get(group_key)
        if members is None:
            groups[group_key] = [m]
        else:
            members.append(m)
    entities = []
    for (category, key), members in groups.items():
        value = values[(category, key)]
        # Counted by text first: a date or a number is written a few ways, many times.
        written: dict[str, int] = {}
        written_first: dict[str, int] = {}
        for position, m in enumerate(members):
            if m.text in written:
                written[m.text] += 1
            else:
                written[m.text] = 1
                written_first[m.text] = position
        shown: dict[str, int] = {}
        first: dict[str, int] = {}
        for text, count in written.items():
            form = " ".join(text.split()) or text
            shown[form] = shown.get(form, 0) + count
            first[form] = min(first.get(form, written_first[text]), written_first[text])
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
