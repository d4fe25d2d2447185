"""What the sidebar's tree lines say (an entity's name and count, a section's title), the
orders it lists entities in, and which entries keep their place when the list changes."""

from __future__ import annotations

from bisect import bisect_left
from typing import TypeVar

from rich.text import Text

from extract.model import Listed
from tui.layout import plain

T = TypeVar("T")


Said = tuple[str, int, str | bool]
"""What a node's label says: a section's title, count and style, or an entity's name, count
and whether the user made any of its mentions. A label is made again only when this changes."""


def by_first_mention(entity: Listed) -> int:
    """Order: where the entity is first mentioned."""
    return entity.first


def by_mentions(entity: Listed) -> tuple[int, int]:
    """Order: the most mentioned first (then by first mention)."""
    return -entity.mention_count, entity.first


def section_label(said: Said) -> Text:
    """A section's line: its title on its colour, then its count."""
    title, count, style = said
    return Text.assemble((f" {title} ", str(style)), (f" {count}", "dim"))


def entity_label(said: Said) -> Text:
    """An entity's line: its name (cut short to fit), its count, ✎ if the user made any."""
    name, count, mine = said
    label = Text(plain(name), overflow="ellipsis", no_wrap=True)
    label.append(f"  {count}", style="dim")
    if mine:
        label.append(" ✎", style="italic")
    return label


def in_order(items: list[T], places: list[int]) -> list[T]:
    """The longest run of ``items`` whose ``places`` increase (patience sorting): the entries
    that can stay where they are while the others move around them."""
    tails: list[int] = []  # for each length of run, the item that ends the best one so far
    ends: list[int] = []  # and its place
    before = [-1] * len(items)
    for i, place in enumerate(places):
        length = bisect_left(ends, place)
        if length:
            before[i] = tails[length - 1]
        if length == len(tails):
            tails.append(i)
            ends.append(place)
        else:
            tails[length], ends[length] = i, place
    run: list[T] = []
    i = tails[-1] if tails else -1
    while i >= 0:
        run.append(items[i])
        i = before[i]
    return run[::-1]
