"""Hand-built mentions for the document-level pass's tests: what a model that always says the
same would give, and the entities the pass makes of them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from extract.corrections import apply
from extract.model import Entity, Mention

ROOT = Path(__file__).resolve().parent.parent


def labelled(text: str, *pieces: tuple[str, str]) -> list[Mention]:
    """Mentions of each (text, label) at every one of its whole-word occurrences, as a model
    that always says the same would give them; a piece written "Name@2" takes only the
    second occurrence (from 1)."""
    mentions = []
    for piece, label in pieces:
        needle, _, which = piece.partition("@")
        found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]
        assert found, needle
        if which:
            found = [found[int(which) - 1]]
        mentions += [Mention(s, s + len(needle), label, needle) for s in found]
    return sorted(mentions)


def entities_of(text: str, mentions: Sequence[Mention]) -> list[Entity]:
    return apply(text, mentions, []).entities


def named(entities: Sequence[Entity], name: str) -> Entity:
    [entity] = [e for e in entities if e.name == name]
    return entity


def holding(entities: Sequence[Entity], text: str) -> Entity:
    [entity] = [e for e in entities if any(m.text == text for m in e.mentions)]
    return entity


def outermost(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions not inside a longer one, in order: `labelled` marks a name inside a fuller
    name too ("Kurágin" in "Anatole Kurágin"), where a model would mark the fuller name only."""
    return sorted(
        m
        for m in mentions
        if not any(
            o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start
            for o in mentions
        )
    )
