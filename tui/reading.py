"""The state of reading one document and every move through it: plain data, no Textual.

A `Reading` is frozen. Each transition (the next mention, a search, a category hidden, a new
view after a batch or a correction) returns a new one, with a `Notice` when the reader
should be told something. The screen keeps the current `Reading` and the widgets show it.

    model mentions ─┐
    corrections ────┼─► tui.view.derive ─► View(entities, index) ─► Reading(view, current, …)
    shown ──────────┘
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from extract.categories import section
from extract.index import next_of
from extract.model import Entity, Mention
from tui.view import ALL_CATEGORIES, EMPTY_VIEW, View

Span = tuple[int, int]
"""Offsets into the text, end exclusive."""

Severity = Literal["information", "warning", "error"]

if TYPE_CHECKING:
    from extract.evaluation import Pair


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
    hits: tuple[Span, ...] = ()
    """Every match of the last search, in order (for "match i/N")."""
    by_first: bool = False
    """The sidebar's order: by first appearance instead of most mentioned first."""
    sent_to: Literal["current", "match", "spot"] | None = None
    """What the move that made this reading went to, for the article to bring into view
    (None after anything else: a new view must not pull the reader back)."""
    spot: Span | None = None
    """With --compare, when no shown mention is current: the place of the current pair (a
    gold mention alone), or of a mention just removed."""
    every_item: bool = False
    """With --compare: ] and [ stop at every pair, not only at disagreements."""
    hidden: frozenset[str] = frozenset()
    """Categories the reader hid: a section of a label found later is shown unless hidden."""
    applying: bool = False
    """A correction is saved and its view is still being derived (the status says so)."""

    @property
    def shown(self) -> frozenset[str]:
        """Categories whose mentions are highlighted and listed."""
        return self.view.shown

    @property
    def match_place(self) -> tuple[int, int] | None:
        """(i, N): the match marked is the i-th of the search's N matches (from 1)."""
        if self.match is None or not self.hits:
            return None
        return bisect_left(self.hits, self.match) + 1, len(self.hits)

    @property
    def item(self) -> Pair | None:
        """With --compare: the pair at the cursor (the current mention's, or the spot's)."""
        compared = self.view.compared
        if compared is None:
            return None
        if self.current is not None:
            return compared.pair_of(self.current)
        return compared.at(self.spot) if self.spot is not None else None

    # -- new data -----------------------------------------------------------------------------

    def with_view(self, view: View) -> Reading:
        """A new view (a batch, a correction), the current mention found in it again; the
        sections of labels it is the first to hold are shown."""
        view = view.showing(self.shown | (view.categories - ALL_CATEGORIES - self.hidden))
        current = self.current
        if current is None and self.spot is not None and view.compared is not None:
            pair = view.compared.at(self.spot)  # gold's alone may have a mention now
            current = pair.model if pair is not None else None
        if current is None:
            return replace(self, view=view, entity=None, sent_to=None)
        found = view.index.find(current.start, current.end)
        entity = view.index.entity_of(found) if found is not None else None
        if found is None or entity is None:
            # Comparing, the place of a mention gone stays where ] and [ go on from.
            spot = self.spot or (current.start, current.end) if view.compared else None
            return replace(self, view=view, current=None, entity=None, spot=spot, sent_to=None)
        return replace(self, view=view, current=found, entity=entity, spot=None, sent_to=None)

    def with_progress(self, progress: Progress) -> Reading:
        """The model came further (or stopped)."""
        return replace(self, progress=progress, sent_to=None)

    def with_applying(self, applying: bool) -> Reading:
        """A correction's view is awaited (True), or here."""
        return replace(self, applying=applying, sent_to=None)

    # -- choosing -----------------------------------------------------------------------------

    def at(self, mention: Mention | None) -> Reading:
        """``mention`` becomes current (None: no current mention); the search is left."""
        entity = self.view.index.entity_of(mention) if mention is not None else None
        found = mention if entity is not None else None
        sent_to: Literal["current"] | None = "current" if found is not None else None
        return replace(
            self,
            current=found,
            entity=entity,
            searching=False,
            match=None,
            spot=None,
            sent_to=sent_to,
        )

    def onto(self, span: Span) -> Reading:
        """The mention at ``span`` current (one a correction just made), if there is one."""
        found = self.view.index.find(*span)
        return self.at(found) if found is not None else self

    def choose(self, entity_id: str) -> Reading:
        """An entity becomes current at its first mention."""
        entity = self.view.index.entities.get(entity_id)
        if entity is None or entity.category not in self.shown:
            return self
        return self.at(entity.mentions[0])

    # -- stepping -----------------------------------------------------------------------------

    def step(self, *, forward: bool, visible: Span) -> tuple[Reading, Notice | None]:
        """`]` / `[`: the next (previous) mention of any shown entity, from the current one
        when it is on screen, else from the top (bottom) of the view; wraps around. While
        comparing with gold, the next disagreement (`tui.comparing.step`)."""
        if self.view.compared is not None:
            from tui.comparing import step

            return step(self, forward=forward, visible=visible)
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
        return replace(self, current=mention, spot=None, sent_to="current"), notice

    # -- searching ----------------------------------------------------------------------------

    def search(self, query: str, *, visible: Span) -> tuple[Reading, Notice | None]:
        """A new search, from the top of the view; n and N repeat it from then on."""
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        hits = tuple((found.start(), found.end()) for found in pattern.finditer(self.text))
        fresh = replace(self, query=query, searching=True, match=None, hits=hits, sent_to=None)
        return fresh.find(query, forward=True, visible=visible)

    def find(self, query: str, *, forward: bool, visible: Span) -> tuple[Reading, Notice | None]:
        """The next (previous) case-insensitive match of ``query`` after the current match, or
        after the top of the view; wraps around."""
        if query != self.query or not self.searching:
            return self.search(query, visible=visible)
        hits = self.hits
        if not hits:
            missed = replace(self, match=None, sent_to=None)
            return missed, Notice(f"Not found: {query}", 3, "warning")
        origin = self.match[0] if self.match is not None else visible[0] - 1
        wrapped = False
        if forward:
            place = bisect_right(hits, (origin, len(self.text) + 1))
            if place == len(hits):
                place, wrapped = 0, True
        else:
            place = bisect_left(hits, (origin, -1)) - 1
            if place < 0:
                place, wrapped = len(hits) - 1, True
        notice = Notice("Search wrapped around.", 2) if wrapped else None
        return replace(self, match=hits[place], sent_to="match"), notice

    def leave_search(self) -> Reading:
        """n and N follow the current entity again; the match is no longer marked."""
        return replace(self, searching=False, match=None, sent_to=None)

    # -- what is shown ------------------------------------------------------------------------

    def toggle(self, category: str) -> tuple[Reading, Notice]:
        """Show or hide a category; a current mention that is hidden is let go."""
        hidden = category in self.shown
        shown = self.shown - {category} if hidden else self.shown | {category}
        gone = self.hidden | {category} if hidden else self.hidden - {category}
        moved = replace(self, view=self.view.showing(shown), hidden=gone, sent_to=None)
        if moved.entity is not None and moved.entity.category not in shown:
            moved = replace(moved, current=None, entity=None)
        title = section(category).title
        return moved, Notice(f"{title} {'hidden' if hidden else 'shown'}.", 2)

    def toggle_order(self) -> tuple[Reading, Notice]:
        """The sidebar by count, or by first appearance."""
        by_first = not self.by_first
        said = (
            "Sidebar: order of first appearance." if by_first else "Sidebar: most mentioned first."
        )
        return replace(self, by_first=by_first, sent_to=None), Notice(said, 2)

    # -- correcting ---------------------------------------------------------------------------

    def resize(self, edge: Edge, *, grow: bool) -> tuple[Resize | None, Notice | None]:
        """Grow or shrink the current mention by a word at ``edge``; a mention grown into
        others takes them in whole (the screen asks first)."""
        current = self.current
        if current is None or self.entity is None:
            return None, NO_ENTITY
        span, notice = resized(self.text, current, edge, grow=grow)
        if span is None:
            return None, notice
        start, end = span
        absorbs: list[Mention] = []
        others = [m for e in self.view.entities for m in e.mentions if m != current]
        while True:  # what it grows over may reach further still
            reached = [m for m in others if m.start < end and m.end > start and m not in absorbs]
            if not reached:
                break
            absorbs.extend(reached)
            start = min(start, *(m.start for m in reached))
            end = max(end, *(m.end for m in reached))
        absorbs.sort()
        return Resize(current, (start, end), tuple(absorbs)), None


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


# -- going to a line ----------------------------------------------------------------------------

END = -1
"""Where `go_to` sends the reader to the end of the text (as `G` does)."""

_LINE = re.compile(r"\d+")
_SHARE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*%")


def go_to(answer: str, lines: Sequence[int], length: int) -> tuple[int | None, Notice | None]:
    """Where the `:` prompt goes: the start of a line (the text's own lines, from 1) or of
    the line ``NN%`` of the way through, to put at the top of the view; `END` for the end
    (a line past it, or 100%). None, with a notice, for anything else."""
    answer = answer.strip()
    if _LINE.fullmatch(answer):
        number = int(answer)
        if number > len(lines):
            return END, Notice(f"The text has {len(lines):,} lines: this is the end.", 3)
        return lines[max(1, number) - 1], None
    share = _SHARE.fullmatch(answer)
    if share is not None:
        percent = float(share.group(1))
        if percent > 100:
            return None, Notice(f"{answer} is past the end: give 0% to 100%.", 4, "warning")
        if percent == 100:
            return END, None
        offset = int(length * percent / 100)
        return lines[max(0, bisect_right(lines, offset) - 1)], None
    said = answer if len(answer) <= 20 else answer[:20] + "…"
    return None, Notice(f"Go to what? {said!r}: give a line number or a share like 50%.", 4)


# -- growing and shrinking a mention ------------------------------------------------------------

Edge = Literal["start", "end"]

_TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]")
"""A word (with its inner apostrophes, hyphens and dots: "al-Abadi", "U.S") or one mark."""
_REACH = 200
"""Characters looked at around a mention for the word to grow into."""


@dataclass(frozen=True, slots=True)
class Resize:
    """A new span for a mention, and the mentions it would grow over (to merge with)."""

    mention: Mention
    span: Span
    absorbs: tuple[Mention, ...] = ()


def _tokens(text: str, start: int, end: int) -> list[Span]:
    """The words and marks overlapping ``[start, end)``, in order."""
    low = max(0, start - _REACH)
    return [
        (found.start(), found.end())
        for found in _TOKEN.finditer(text, low, min(len(text), end + _REACH))
        if found.end() > start and found.start() < end
    ]


def resized(
    text: str, mention: Mention, edge: Edge, *, grow: bool
) -> tuple[Span | None, Notice | None]:
    """``mention`` a word longer (``grow``) or shorter at its ``edge``: the new span, or None
    and why not. A mention never grows across a paragraph break, and one word cannot shrink."""
    start, end = mention.start, mention.end
    if not grow:
        words = [(max(a, start), min(b, end)) for a, b in _tokens(text, start, end)]
        if len(words) <= 1:
            return None, Notice(
                f"{mention.text!r} is one word: it cannot shrink (X removes the mention).", 4
            )
        return ((start, words[-2][1]) if edge == "end" else (words[1][0], end)), None
    if edge == "end":
        after = [t for t in _tokens(text, end, end + _REACH) if t[1] > end]
        word = after[0] if after else None
        gap = text[end : word[0]] if word else ""
    else:
        before = [t for t in _tokens(text, start - _REACH, start) if t[0] < start]
        word = before[-1] if before else None
        gap = text[word[1] : start] if word else ""
    if word is None:
        return None, Notice("There is nothing there to grow into.", 3)
    if gap.count("\n") >= 2:
        return None, Notice("A mention does not run across a paragraph break.", 3)
    return ((start, word[1]) if edge == "end" else (word[0], end)), None
