"""What the reader shows of a text: the entities and their index, plain data, no Textual.

`derive` is the one place a `View` is made for the screen: the model's mentions with the
user's corrections applied (`extract.corrections.apply`), grouped, and indexed for the shown
categories. A `tui.reading.Reading` holds the current one; a new view replaces it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extract.categories import CATEGORIES, Category, sections_in
from extract.colours import Pair as Shades
from extract.colours import palette
from extract.index import MentionIndex
from extract.model import Entity, Listed, Mention

if TYPE_CHECKING:
    from extract.corrections import Correction
    from extract.packed import Head, KeptView
    from tui.comparing import Compared, Gold

ALL_CATEGORIES = frozenset(category.key for category in CATEGORIES)


@dataclass(frozen=True, slots=True, eq=False)
class View:
    """The entities of a text (the model's mentions with the user's corrections) and the
    index of those in the shown categories. Never changed once made: a new one replaces it.

    A kept view is first shown by its head (`of_head`): every entity listed, but only the
    mentions of the screens around the reader's place indexed, and no entity whole; the
    whole view follows within a few tens of milliseconds (see `whole`)."""

    entities: list[Entity]
    index: MentionIndex
    shown: frozenset[str]
    unplaced: tuple[Correction, ...] = ()
    """Corrections that could not be placed in this text."""
    compared: Compared | None = None
    """With --compare: these entities against the gold."""
    head: Head | None = None
    """A kept view's head, while the rest of it is read: ``entities`` is empty then, and
    ``index`` holds only the mentions of the head's region."""
    listing: list[Listed] = field(init=False)
    """Every entity as a list shows it (the sidebar), in the view's order."""
    categories: frozenset[str] = field(init=False)
    """The categories its entities are in."""
    colours: dict[str, Shades] = field(init=False)
    """Generated colours of the sections that are not built in (`extract.colours.palette`)."""

    def __post_init__(self) -> None:
        listing = self.head.listing if self.head else list(map(Listed.of, self.entities))
        categories = frozenset(entity.category for entity in listing)
        object.__setattr__(self, "listing", listing)
        object.__setattr__(self, "categories", categories)
        object.__setattr__(self, "colours", palette(categories))

    @classmethod
    def of(
        cls,
        entities: list[Entity],
        shown: frozenset[str],
        unplaced: tuple[Correction, ...] = (),
        gold: Gold | None = None,
        *,
        in_order: Sequence[Mention] | None = None,
    ) -> View:
        """The view of these entities, indexed for the shown ones (compared with ``gold``);
        ``in_order``: their mentions already in text order, if known (see `MentionIndex`)."""
        compared = gold.against(entities) if gold is not None else None
        index = MentionIndex(entities, shown, in_order=in_order)
        return cls(entities, index, shown, unplaced, compared)

    @classmethod
    def kept(
        cls, kept: KeptView, log: Sequence[Correction], shown: frozenset[str], gold: Gold | None
    ) -> View:
        """A view kept from before (derived with the corrections ``log``)."""
        unplaced = _named(log, kept.unplaced)
        return cls.of(kept.entities, shown, unplaced, gold, in_order=kept.in_order)

    @classmethod
    def of_head(cls, head: Head, log: Sequence[Correction], shown: frozenset[str]) -> View:
        """The head of a kept view (derived with ``log``), shown while the rest is read."""
        index = MentionIndex(head.entities, shown, in_order=head.in_order)
        return cls([], index, shown, _named(log, head.unplaced), None, head)

    @property
    def whole(self) -> bool:
        """Whether every entity is in, with its mentions (not a kept view's head)."""
        return self.head is None

    @property
    def sections(self) -> list[Category]:
        """The built-in categories and the sections of its other labels, in display order."""
        return sections_in(self.categories)

    @property
    def mention_count(self) -> int:
        """Mentions of every entity, shown or not."""
        return sum(entity.mention_count for entity in self.listing)

    def showing(self, shown: frozenset[str]) -> View:
        """The same entities, indexed for other shown categories (no regrouping)."""
        if shown == self.shown:
            return self
        index = MentionIndex(self.head.entities if self.head else self.entities, shown)
        return View(self.entities, index, shown, self.unplaced, self.compared, self.head)


EMPTY_VIEW = View([], MentionIndex([]), ALL_CATEGORIES)


def _named(log: Sequence[Correction], ids: Sequence[str]) -> tuple[Correction, ...]:
    """The corrections of ``log`` with these ids, in its order."""
    wanted = set(ids)
    return tuple(c for c in log if c.id in wanted)


def derive(
    text: str,
    model_mentions: Sequence[Mention],
    corrections: Sequence[Correction],
    shown: frozenset[str],
    *,
    document_pass: bool = True,
    gold: Gold | None = None,
    lang: str = "en",
) -> View:
    """What the reader shows: the model's mentions with the corrections applied, grouped, and
    indexed for the shown categories (and compared with ``gold``). The one place entities are
    made for the screen; exports make theirs with the same `apply` (``document_pass`` off for
    annotations taken as they are, as imported ones; ``lang`` the model's language). Off the
    screen's thread, a long text's pass runs in a process of its own (`extract.apart`) when
    one can be had: on a thread it would hold the interpreter's lock the screen needs."""
    from extract.corrections import apply  # the document-level pass: after the first frame

    if threading.current_thread() is not threading.main_thread():
        from extract import apart  # (its process pool's modules: only off the main thread)

        apart.warm_soon(len(model_mentions), len(text))
        if apart.wanted(len(text), len(model_mentions)):
            try:
                kept, unplaced = apart.apply_apart(
                    text, list(model_mentions), corrections, document_pass=document_pass, lang=lang
                )
            except apart.Unavailable:
                pass  # no process to run it in: here, then
            else:
                return View.of(kept.entities, shown, tuple(unplaced), gold, in_order=kept.in_order)

    applied = apply(text, model_mentions, corrections, document_pass=document_pass, lang=lang)
    return View.of(list(applied.entities), shown, tuple(applied.unplaced), gold)


def warm_passes(length: int) -> None:
    """Off the screen's thread, as the model starts on a text of ``length`` characters: start
    the process its passes will run in, if it is long, so the first is not kept waiting."""
    from extract import apart

    apart.warm_soon(0, length)


def stop_passes() -> None:
    """End the process long texts' passes run in (`extract.apart`), if one was started (none
    can be while its module is still being imported on a worker thread: no `stop` yet)."""
    stop = getattr(sys.modules.get("extract.apart"), "stop", None)
    if stop is not None:
        stop()
