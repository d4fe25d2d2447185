"""`MentionIndex`: the mentions on show, sorted, for fast jumps and per-line highlighting."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from itertools import accumulate
from operator import attrgetter

from extract.model import Entity, Mention


class MentionIndex:
    """Mentions of the shown categories in document order, each knowing its entity.

    Built once per batch or correction (cheap); every question is a binary search.
    """

    def __init__(
        self,
        entities: Sequence[Entity],
        shown: Collection[str] | None = None,
        *,
        in_order: Sequence[Mention] | None = None,
    ) -> None:
        """``in_order``, when known (a kept view stores it), is every mention of ``entities``
        sorted as here (by start, then end, stably): not sorted again when all are shown."""
        self.entities: dict[str, Entity] = {e.id: e for e in entities}
        listed = [e for e in entities if shown is None or e.category in shown]
        self._entity_of: dict[tuple[int, int], str] = {
            (m.start, m.end): e.id for e in listed for m in e.mentions
        }
        if in_order is not None and len(listed) == len(entities):
            self.mentions: list[Mention] = list(in_order)
        else:
            # Sorting on plain int keys is several times faster than comparing dataclasses.
            self.mentions = sorted(
                (m for e in listed for m in e.mentions), key=attrgetter("start", "end")
            )
        self.starts: list[int] = list(map(attrgetter("start"), self.mentions))
        self._ends_max: list[int] = list(accumulate(map(attrgetter("end"), self.mentions), max))

    def __len__(self) -> int:
        return len(self.mentions)

    def entity_of(self, mention: Mention) -> Entity | None:
        """The entity a mention belongs to (matched by its span)."""
        owner = self._entity_of.get((mention.start, mention.end))
        return None if owner is None else self.entities.get(owner)

    def find(self, start: int, end: int) -> Mention | None:
        """The mention with exactly this span, if shown."""
        position = bisect_left(self.starts, start)
        while position < len(self.mentions) and self.starts[position] == start:
            if self.mentions[position].end == end:
                return self.mentions[position]
            position += 1
        return None

    def next_after(self, offset: int) -> Mention | None:
        """The first mention starting after ``offset``."""
        position = bisect_right(self.starts, offset)
        return self.mentions[position] if position < len(self.mentions) else None

    def next_from(self, offset: int) -> Mention | None:
        """The first mention starting at or after ``offset``."""
        position = bisect_left(self.starts, offset)
        return self.mentions[position] if position < len(self.mentions) else None

    def previous_before(self, offset: int) -> Mention | None:
        """The last mention starting before ``offset``."""
        position = bisect_left(self.starts, offset)
        return self.mentions[position - 1] if position > 0 else None

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """Mentions that overlap ``[start, end)``, in document order."""
        last = bisect_left(self.starts, end)
        # Mentions are short; walk back from the first one starting at or after `start`
        # while earlier ones may still reach into the range.
        first = bisect_left(self.starts, start)
        while first > 0 and self._ends_max[first - 1] > start:
            first -= 1
        return [m for m in self.mentions[first:last] if m.end > start]


def position_in(entity: Entity, mention: Mention) -> int:
    """The 1-based place of ``mention`` among its entity's mentions (0 when absent)."""
    starts = [m.start for m in entity.mentions]
    position = bisect_left(starts, mention.start)
    while position < len(starts):
        candidate = entity.mentions[position]
        if candidate.start != mention.start:
            break
        if candidate.end == mention.end:
            return position + 1
        position += 1
    return 0


def next_of(entity: Entity, offset: int, *, forward: bool = True) -> tuple[Mention, bool]:
    """The entity's next (or previous) mention from ``offset``, and whether it wrapped."""
    starts = [m.start for m in entity.mentions]
    if forward:
        position = bisect_right(starts, offset)
        if position < len(starts):
            return entity.mentions[position], False
        return entity.mentions[0], True
    position = bisect_left(starts, offset)
    if position > 0:
        return entity.mentions[position - 1], False
    return entity.mentions[-1], True
