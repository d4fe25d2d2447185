"""Applying the user's edits over the model's mentions: the one way entities are made.

model mentions ──► document-level pass ──► mention-level edits ──► group ──► merge / split
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from extract.categories import category_of
from extract.collector import pausing
from extract.edits import Correction, forms_of, locate, loose_form, occurrences
from extract.model import Entity, Mention, document_order
from extract.names import display_name, fold


@dataclass
class Applied:
    """Entities after the edits, and the edits that could not be placed in this text."""

    entities: list[Entity]
    unplaced: list[Correction]


@pausing  # a book's pass makes ~100,000 objects: see `extract.collector`
def apply(
    text: str,
    mentions: Iterable[Mention],
    corrections: Sequence[Correction],
    *,
    document_pass: bool = True,
    lang: str = "en",
) -> Applied:
    """The entities a reader sees: the model's mentions, mended and voted on by the
    document-level pass (unless ``document_pass`` is off, for annotations taken as they are),
    with the user's edits, grouped. The user's edits win over everything. ``lang`` is the
    model's language: the pass's word cues are English and fire only for English."""
    # Imported here: the store (opened before the reader's first frame) needs none of it.
    from extract.document_pass import english, prepare
    from extract.grouping import group

    base = prepare(text, mentions, lang=lang) if document_pass else list(mentions)
    by_span: dict[tuple[int, int], Mention] = dict(
        zip(map(document_order, base), base, strict=True)
    )
    cues = english(lang)

    def grouped() -> list[Entity]:
        return group(by_span.values(), text, vote=document_pass, english=cues)

    # The category each mention is seen under: grouping may move a mention (a surname the
    # model called ORG joins its person), and edits name entities by what the reader saw.
    seen: dict[tuple[int, int], str] = {}
    if any(c.op in ("relabel", "remove") for c in corrections):
        for entity in grouped():
            for m in entity.mentions:
                seen[(m.start, m.end)] = entity.category
    unplaced: list[Correction] = []
    merges: list[Correction] = []
    splits: list[tuple[int, int]] = []
    for correction in corrections:
        op = correction.op
        # Edits of one stretch of text find it first; those that cannot are reported.
        place: tuple[int, int] = (0, 0)
        if op in ("remove_mention", "add", "split", "resize"):
            assert correction.anchor is not None
            found = locate(text, correction.anchor)
            if found is None:
                unplaced.append(correction)
                continue
            place = found
        if op in ("relabel", "remove"):
            hits = _named(by_span, seen, correction.forms, correction.category)
            if not hits:
                unplaced.append(correction)
            for key in hits:
                if op == "remove":
                    del by_span[key]
                else:
                    by_span[key] = replace(by_span[key], label=correction.label, source="user")
                    seen[key] = category_of(correction.label)
        elif op == "remove_mention":
            at = _mention_at(by_span, place)
            if at is not None:
                del by_span[at]
        elif op in ("add", "resize"):
            # A resized mention replaces itself and what it grew over, as an added one does.
            assert correction.anchor is not None
            spans = occurrences(text, correction.anchor.text) if correction.everywhere else []
            if place not in spans:
                spans.append(place)
            for key in _overlapping(by_span, spans):
                del by_span[key]
            for start, end in spans:
                by_span[(start, end)] = Mention(
                    start, end, correction.label, text[start:end], "user"
                )
                seen[(start, end)] = category_of(correction.label)
        elif op == "merge":
            merges.append(correction)
        elif op == "split":
            at = _mention_at(by_span, place)
            if at is not None:
                splits.append(at)
    entities = grouped()
    entities = _merge(entities, merges, unplaced)
    entities = _split(entities, splits)
    # A corpus rule names what some documents hold, not this one in particular.
    return Applied(entities, [c for c in unplaced if not c.rule])


def _overlapping(
    by_span: dict[tuple[int, int], Mention], spans: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The mentions that overlap any of ``spans`` (sorted sweeps, not every pair)."""
    keys = sorted(by_span)
    starts = [k[0] for k in keys]
    longest = max((k[1] - k[0] for k in keys), default=0)
    hit: set[tuple[int, int]] = set()
    for start, end in spans:
        first = bisect_left(starts, start - longest)
        for key in keys[first : bisect_left(starts, end)]:
            if key[1] > start:
                hit.add(key)
    return sorted(hit)


def _named(
    by_span: dict[tuple[int, int], Mention],
    seen: dict[tuple[int, int], str],
    forms: Sequence[str],
    category: str,
) -> list[tuple[int, int]]:
    """The mentions an edit names by its forms and category: exactly if it can, else by the
    loose forms, else (the category was voted another way since) by the forms alone."""
    wanted = set(forms)
    exact = [k for k, m in by_span.items() if fold(m.text) in wanted]
    hits = [k for k in exact if seen.get(k, category_of(by_span[k].label)) == category]
    if hits:
        return hits
    loose = {loose_form(f) for f in forms} - {""}
    near = [k for k, m in by_span.items() if loose_form(m.text) in loose]
    hits = [k for k in near if seen.get(k, category_of(by_span[k].label)) == category]
    return hits or exact or near


def _mention_at(
    by_span: dict[tuple[int, int], Mention], place: tuple[int, int]
) -> tuple[int, int] | None:
    """The mention at an anchored stretch: exactly there, or (its span was trimmed since)
    the one lying most inside it."""
    if place in by_span:
        return place
    start, end = place
    inside = [k for k in by_span if k[0] >= start and k[1] <= end]
    return max(inside, key=lambda k: k[1] - k[0]) if inside else None


def _target(entities: list[Entity], forms: Sequence[str], category: str) -> list[Entity]:
    """Entities an edit names: same category and a shared form, else by loose forms alone."""
    wanted = set(forms)
    exact = [e for e in entities if e.category == category and wanted & set(forms_of(e))]
    if exact:
        return exact
    loose = {loose_form(f) for f in forms} - {""}
    return [e for e in entities if loose & {loose_form(f) for f in forms_of(e)}]


def _merge(
    entities: list[Entity], merges: Sequence[Correction], unplaced: list[Correction]
) -> list[Entity]:
    for correction in merges:
        targets = _target(entities, correction.into, correction.into_category)
        target = targets[0] if targets else None
        sources = [
            e for e in _target(entities, correction.forms, correction.category) if e is not target
        ]
        if target is None or not sources:
            unplaced.append(correction)
            continue
        moved = relabelled([m for s in sources for m in s.mentions], target)
        mentions = tuple(sorted((*target.mentions, *moved)))
        joined = replace(target, mentions=mentions)
        entities = [joined if e is target else e for e in entities if e not in sources]
    entities.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return entities


def relabelled(mentions: Sequence[Mention], entity: Entity) -> list[Mention]:
    """Mentions joining ``entity``: those of another category take its most frequent label."""
    label = entity.labels[0] if entity.labels else ""
    return [
        m if category_of(m.label) == entity.category or not label else replace(m, label=label)
        for m in mentions
    ]


def _split(entities: list[Entity], spans: Sequence[tuple[int, int]]) -> list[Entity]:
    if not spans:
        return entities
    wanted = set(spans)
    result: list[Entity] = []
    for entity in entities:
        taken = [m for m in entity.mentions if (m.start, m.end) in wanted]
        if not taken or len(taken) == len(entity.mentions):
            result.append(entity)
            continue
        kept = tuple(m for m in entity.mentions if (m.start, m.end) not in wanted)
        result.append(replace(entity, mentions=kept))
        for m in taken:
            single = replace(m, source="user")
            result.append(
                Entity(
                    f"{entity.id}@{m.start}",
                    display_name(m.text),
                    entity.category,
                    (single,),
                    entity.value,
                )
            )
    result.sort(key=lambda e: (e.first, e.mentions[0].end, e.category))
    return result


# -- keeping ----------------------------------------------------------------------------------
