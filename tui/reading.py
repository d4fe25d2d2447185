"""The state of reading one document and every move through it: plain data, no Textual.

A `Reading` is frozen. Each transition (the next mention, a search, a category hidden, a new
view after a batch or a correction) returns a new one, with a `Notice` when the reader
should be told something. The screen keeps the current `Reading` and the widgets show it.

    model mentions ─┐
    corrections ────┼─► derive ─► View(entities, index) ─► Reading(view, current, search, …)
    shown ──────────┘
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from extract.categories import CATEGORIES, CATEGORY_BY_KEY
from extract.index import MentionIndex, next_of
from extract.model import Entity, Mention

ALL_CATEGORIES = frozenset(category.key for category in CATEGORIES)

Span = tuple[int, int]
"""Offsets into the text, end exclusive."""

Severity = Literal["information", "warning", "error"]

if TYPE_CHECKING:
    from extract.corrections import Correction


@dataclass(frozen=True, slots=True, eq=False)
class View:
    """The entities of a text (the model's mentions with the user's corrections) and the
    index of those in the shown categories. Never changed once made: a new one replaces it."""

    entities: list[Entity]
    index: MentionIndex
    shown: frozenset[str]
    unplaced: tuple[Correction, ...] = ()
    """Corrections that could not be placed in this text."""

    @property
    def mention_count(self) -> int:
        """Mentions of every entity, shown or not."""
        return sum(len(entity.mentions) for entity in self.entities)

    def showing(self, shown: frozenset[str]) -> View:
        """The same entities, indexed for other shown categories (no regrouping)."""
        if shown == self.shown:
            return self
        return View(self.entities, MentionIndex(self.entities, shown), shown, self.unplaced)


EMPTY_VIEW = View([], MentionIndex([]), ALL_CATEGORIES)


def derive(
    text: str,
    model_mentions: Iterable[Mention],
    corrections: Sequence[Correction],
    shown: frozenset[str],
    *,
    document_pass: bool = True,
) -> View:
    """What the reader shows: the model's mentions with the corrections applied, grouped, and
    indexed for the shown categories. The one place entities are made for the screen; exports
    make theirs with the same `apply` (``document_pass`` off for annotations taken as they are,
    as imported ones)."""
    from extract.corrections import apply  # the document-level pass: after the first frame

    applied = apply(text, model_mentions, corrections, document_pass=document_pass)
    entities = list(applied.entities)
    return View(entities, MentionIndex(entities, shown), shown, tuple(applied.unplaced))


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the reader after a move."""

    text: str
    timeout: float | None = None
    severity: Severity = "information"


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the model has come: off (no model), running, done or failed."""

    state: Literal["off", "running", "done", "failed"]
    done: int = 0
    total: int = 0
    cached: bool = False

    @property
    def finished(self) -> bool:
        """Whether no more mentions will come (the model is done, or there is none)."""
        return self.state in ("off", "done")


NO_ENTITY = Notice("No current entity: press ] or choose one in the sidebar.", 3)


@dataclass(frozen=True, slots=True, eq=False)
class Reading:
    """Where the reader is in one document, and what it shows."""

    text: str
    view: View = EMPTY_VIEW
    progress: Progress = Progress("running")
    current: Mention | None = None
    entity: Entity | None = None
    """The entity of the current mention."""
    query: str | None = None
    """The last search."""
    searching: bool = False
    """Whether n and N repeat the search (until an entity is chosen again)."""
    match: Span | None = None
    by_first: bool = False
    """The sidebar's order: by first appearance instead of most mentioned first."""
    sent_to: Literal["current", "match"] | None = None
    """What the move that made this reading went to, for the article to bring into view
    (None after anything else: a new view must not pull the reader back)."""

    @property
    def shown(self) -> frozenset[str]:
        """Categories whose mentions are highlighted and listed."""
        return self.view.shown

    # -- new data -----------------------------------------------------------------------------

    def with_view(self, view: View) -> Reading:
        """A new view (a batch, a correction), the current mention found in it again."""
        view = view.showing(self.shown)
        if self.current is None:
            return replace(self, view=view, entity=None, sent_to=None)
        found = view.index.find(self.current.start, self.current.end)
        entity = view.index.entity_of(found) if found is not None else None
        if found is None or entity is None:
            return replace(self, view=view, current=None, entity=None, sent_to=None)
        return replace(self, view=view, current=found, entity=entity, sent_to=None)

    def with_progress(self, progress: Progress) -> Reading:
        """The model came further (or stopped)."""
        return replace(self, progress=progress, sent_to=None)

    # -- choosing -----------------------------------------------------------------------------

    def at(self, mention: Mention | None) -> Reading:
        """``mention`` becomes current (None: no current mention); the search is left."""
        entity = self.view.index.entity_of(mention) if mention is not None else None
        if entity is None:
            return replace(
                self, current=None, entity=None, searching=False, match=None, sent_to=None
            )
        return replace(
            self, current=mention, entity=entity, searching=False, match=None, sent_to="current"
        )

    def choose(self, entity_id: str) -> Reading:
        """An entity becomes current at its first mention."""
        entity = self.view.index.entities.get(entity_id)
        if entity is None or entity.category not in self.shown:
            return self
        return self.at(entity.mentions[0])

    # -- stepping -----------------------------------------------------------------------------

    def step(self, *, forward: bool, visible: Span) -> tuple[Reading, Notice | None]:
        """`]` / `[`: the next (previous) mention of any shown entity, from the current one
        when it is on screen, else from the top (bottom) of the view; wraps around."""
        start, end = visible
        index = self.view.index
        on_screen = self.current is not None and start <= self.current.start < end
        if forward:
            origin = self.current.start if on_screen and self.current else start - 1
            mention = index.next_after(origin)
            wrapped = index.next_from(0)
        else:
            origin = self.current.start if on_screen and self.current else end
            mention = index.previous_before(origin)
            wrapped = index.previous_before(len(self.text) + 1)
        notice = None
        if mention is None:
            if wrapped is None:
                if not self.progress.finished:
                    return self, Notice("No mentions to go to yet.")
                return self, Notice("No mentions in the shown categories.")
            mention = wrapped
            notice = Notice(f"Wrapped to the {'first' if forward else 'last'} mention.", 2)
        return self.at(mention), notice

    def step_same(self, *, forward: bool, visible: Span) -> tuple[Reading, Notice | None]:
        """`n` / `N`: the next (previous) search match after a search, else the next mention
        of the current entity; wraps around."""
        if self.searching and self.query:
            return self.find(self.query, forward=forward, visible=visible)
        entity, current = self.entity, self.current
        if entity is None or current is None:
            return self, NO_ENTITY
        mention, wrapped = next_of(entity, current.start, forward=forward)
        notice = None
        if wrapped:
            where = "first" if forward else "last"
            notice = Notice(f"Wrapped to the {where} mention of {entity.name}.", 2)
        return replace(self, current=mention, sent_to="current"), notice

    # -- searching ----------------------------------------------------------------------------

    def search(self, query: str, *, visible: Span) -> tuple[Reading, Notice | None]:
        """A new search, from the top of the view; n and N repeat it from then on."""
        fresh = replace(self, query=query, searching=True, match=None, sent_to=None)
        return fresh.find(query, forward=True, visible=visible)

    def find(self, query: str, *, forward: bool, visible: Span) -> tuple[Reading, Notice | None]:
        """The next (previous) case-insensitive match of ``query`` after the current match, or
        after the top of the view; wraps around."""
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        origin = self.match[0] if self.match is not None else visible[0] - 1
        text = self.text
        found: re.Match[str] | None = None
        wrapped = False
        if forward:
            found = pattern.search(text, origin + 1)
            if found is None:
                found, wrapped = pattern.search(text), True
        else:
            for candidate in pattern.finditer(text, 0, max(0, origin)):
                found = candidate
            if found is None:
                for candidate in pattern.finditer(text):
                    found = candidate
                wrapped = True
        if found is None:
            missed = replace(self, match=None, sent_to=None)
            return missed, Notice(f"Not found: {query}", 3, "warning")
        notice = Notice("Search wrapped around.", 2) if wrapped else None
        return replace(self, match=(found.start(), found.end()), sent_to="match"), notice

    def leave_search(self) -> Reading:
        """n and N follow the current entity again; the match is no longer marked."""
        return replace(self, searching=False, match=None, sent_to=None)

    # -- what is shown ------------------------------------------------------------------------

    def toggle(self, category: str) -> tuple[Reading, Notice]:
        """Show or hide a category; a current mention that is hidden is let go."""
        hidden = category in self.shown
        shown = self.shown - {category} if hidden else self.shown | {category}
        moved = replace(self, view=self.view.showing(shown), sent_to=None)
        if moved.entity is not None and moved.entity.category not in shown:
            moved = replace(moved, current=None, entity=None)
        title = CATEGORY_BY_KEY[category].title
        return moved, Notice(f"{title} {'hidden' if hidden else 'shown'}.", 2)

    def toggle_order(self) -> tuple[Reading, Notice]:
        """The sidebar by count, or by first appearance."""
        by_first = not self.by_first
        said = (
            "Sidebar: order of first appearance." if by_first else "Sidebar: most mentioned first."
        )
        return replace(self, by_first=by_first, sent_to=None), Notice(said, 2)


def snap_to_words(text: str, span: Span, *, words: bool) -> Span | None:
    """A span to add as a mention: widened to whole words (a mouse selection, as annotation
    tools do) when ``words``, and without whitespace at its ends; None when nothing is left."""
    start, end = span
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if words and start < end:
        while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
