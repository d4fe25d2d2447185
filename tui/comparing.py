"""The compare view (``--compare GOLD``): gold annotations against what the reader shows, as
plain data with no Textual.

`Gold` is the gold layer and how its labels are compared. `Gold.against` pairs it with the
entities of a view through `extract.evaluation.compare`, the matching and scores ``eval``
uses, giving a `Compared`: every pair in document order, the scores, the gold pieces the
article marks. The compare view's moves (`step`, `toggle_every`) are transitions of a
`Reading`, and `taking` plans the correction that takes gold's or the model's version of a
disagreement: an ordinary edit (add, remove_mention, resize), saved and undone like any other.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from extract.categories import category_of, section
from extract.evaluation import DISAGREEING, Comparison, Pair, Scores, compare
from extract.model import Entity, Mention
from tui.layout import plain
from tui.reading import Notice, Reading, Span

if TYPE_CHECKING:
    from extract.corrections import Correction
    from extract.importers import Imported

Side = Literal["gold", "model"]

KIND_NAMES: dict[str, str] = {
    "agree": "agrees with gold",
    "span": "another span in gold",
    "label": "another label in gold",
    "model": "not in gold",
    "gold": "in gold only",
    "out": "not compared",
}
"""What each kind of pair is called on screen."""


@dataclass(frozen=True, eq=False)
class Gold:
    """The gold annotations the reader is compared with, and how their labels are compared."""

    name: str
    """The gold file's name, as the summary line shows it."""
    mentions: tuple[Mention, ...]
    comparison: Comparison

    @classmethod
    def of(cls, imported: Imported, label_map: Mapping[str, str | None] | None = None) -> Gold:
        """Gold read by the importers (placed on the reader's document)."""
        labels = (mention.label for mention in imported.mentions)
        return cls(Path(imported.path).name, imported.mentions, Comparison(labels, label_map))

    def against(self, entities: Sequence[Entity]) -> Compared:
        """This gold against the entities a view shows."""
        scores = Scores(self.comparison.compared_by)
        pairs = compare(self.mentions, entities, self.comparison, scores)
        category_of_model = {(m.start, m.end): e.category for e in entities for m in e.mentions}
        categories = tuple(
            category_of_model[(p.model.start, p.model.end)]
            if p.model is not None
            else category_of(p.gold.label if p.gold is not None else "")
            for p in pairs
        )
        return Compared(self, tuple(pairs), categories, scores)


class Compared:
    """Gold against one view: every pair in document order, each pair's category (its shown
    mention's entity's, else its gold label's), and the scores. Never changed once made."""

    def __init__(
        self, gold: Gold, pairs: Sequence[Pair], categories: Sequence[str], scores: Scores
    ) -> None:
        self.gold = gold
        self.pairs = tuple(pairs)
        self.categories = tuple(categories)
        self.scores = scores
        self._by_model = {(p.model.start, p.model.end): p for p in self.pairs if p.model}
        self._at: dict[Span, Pair] = {}
        for pair in reversed(self.pairs):
            self._at[(pair.start, pair.end)] = pair
        self._places = {id(pair): place for place, pair in enumerate(self.pairs)}
        self._pieces = sorted(
            piece for place, pair in enumerate(self.pairs) for piece in _gold_pieces(pair, place)
        )
        self._piece_starts = [piece[0] for piece in self._pieces]
        self._piece_reach = list(accumulate((piece[1] for piece in self._pieces), max))
        self._stops: dict[tuple[frozenset[str], bool], tuple[list[int], list[int]]] = {}

    def pair_of(self, mention: Mention) -> Pair | None:
        """The pair a shown mention is in."""
        return self._by_model.get((mention.start, mention.end))

    def at(self, span: Span) -> Pair | None:
        """The pair whose mentions span exactly ``span`` (from the first start to the last end)."""
        return self._at.get(span)

    def place_of(self, pair: Pair) -> int:
        """Where a pair stands in `pairs`."""
        return self._places[id(pair)]

    def stops(self, shown: frozenset[str], *, every: bool) -> tuple[list[int], list[int]]:
        """Where ] and [ stop in the shown categories: the places in `pairs` of the
        disagreements (of every pair with ``every``), and their starts."""
        key = (shown, every)
        if key not in self._stops:
            places = [
                place
                for place, pair in enumerate(self.pairs)
                if self.categories[place] in shown and (every or pair.disagrees)
            ]
            self._stops[key] = (places, [self.pairs[place].start for place in places])
        return self._stops[key]

    def gold_marks(
        self, start: int, end: int, shown: frozenset[str]
    ) -> list[tuple[int, int, Pair]]:
        """Stretches of gold mentions no shown mention of theirs covers (gold's alone, or the
        part of a gold span beyond the shown one) overlapping ``[start, end)``, in order."""
        first = bisect_right(self._piece_reach, start)
        last = bisect_left(self._piece_starts, end)
        return [
            (left, right, self.pairs[place])
            for left, right, place in self._pieces[first:last]
            if right > start and self.categories[place] in shown
        ]

    def disagreements(self, shown: frozenset[str]) -> dict[str, int]:
        """How many disagreements of each kind there are in the shown categories."""
        counted = dict.fromkeys(("model", "gold", "label", "span"), 0)
        for pair, category in zip(self.pairs, self.categories, strict=True):
            if pair.disagrees and category in shown:
                counted[pair.kind] += 1
        return counted

    @property
    def disagreeing(self) -> int:
        """Disagreements in every category, shown or not."""
        return sum(1 for pair in self.pairs if pair.kind in DISAGREEING)


def _gold_pieces(pair: Pair, place: int) -> list[tuple[int, int, int]]:
    """The parts of a pair's gold mention that its shown mention does not cover."""
    gold, model = pair.gold, pair.model
    if gold is None or pair.kind not in ("gold", "span"):
        return []
    if model is None:
        return [(gold.start, gold.end, place)]
    pieces = []
    if gold.start < model.start:
        pieces.append((gold.start, min(gold.end, model.start), place))
    if gold.end > model.end:
        pieces.append((max(gold.start, model.end), gold.end, place))
    return pieces


# -- what is said -------------------------------------------------------------------------------


def summary(
    compared: Compared | None, gold_name: str, shown: frozenset[str], *, finished: bool
) -> str:
    """The summary line: precision, recall and F1 against gold (same span and label), F1 with
    overlapping spans counted (lenient; ``eval`` gives the rest), and the disagreements in the
    shown categories by kind."""
    name = plain(gold_name)
    if compared is None:
        return f"{name} · waiting for the model…"
    overall = compared.scores.overall
    strict, lenient = overall.strict, overall.lenient
    so_far = " (so far)" if not finished else ""
    counted = compared.disagreements(shown)
    kinds = "".join(
        f", {counted[kind]} {said}"
        for kind, said in (
            ("model", "model only"),
            ("gold", "gold only"),
            ("label", "label"),
            ("span", "span"),
        )
        if counted[kind]
    )
    return (
        f"{name}{so_far} · strict P {strict.precision:.3f} R {strict.recall:.3f} "
        f"F1 {strict.f1:.3f} · lenient F1 {lenient.f1:.3f}" + (f" ·{kinds[1:]}" if kinds else "")
    )


def tally(reading: Reading) -> str:
    """Beside the summary: the current disagreement's place, or how many there are."""
    compared = reading.view.compared
    if compared is None:
        return ""
    item = reading.item
    stops, _ = compared.stops(reading.shown, every=False)
    hidden = compared.disagreeing - len(stops)
    more = f" ({hidden} hidden)" if hidden else ""
    place = compared.place_of(item) if item is not None else -1
    if item is not None and item.disagrees and compared.categories[place] in reading.shown:
        return f"disagreement {bisect_left(stops, place) + 1}/{len(stops)}{more}"
    if not stops:
        return f"no disagreements{more}"
    return f"{len(stops)} disagreement{'' if len(stops) == 1 else 's'}{more}"


def described(pair: Pair) -> str:
    """What the status line adds about a pair: how gold differs from what is shown."""
    gold = pair.gold
    if pair.kind == "gold" and gold is not None:
        return f'gold only: "{plain(gold.text)}" · {plain(gold.label)}'
    if pair.kind == "label" and gold is not None:
        return f"gold: {plain(gold.label)}"
    if pair.kind == "span" and gold is not None:
        return f'gold: "{plain(gold.text)}" · {plain(gold.label)}'

    return KIND_NAMES[pair.kind]


# -- moving -------------------------------------------------------------------------------------


def step(reading: Reading, *, forward: bool, visible: Span) -> tuple[Reading, Notice | None]:
    """`]` / `[` while comparing: the next (previous) disagreement in the shown categories (or
    pair of any kind, after `toggle_every`), from the current one when it is on screen, else
    from the top (bottom) of the view; wraps around."""
    compared = reading.view.compared
    assert compared is not None
    places, starts = compared.stops(reading.shown, every=reading.every_item)
    what = "mention" if reading.every_item else "disagreement"
    if not places:
        if not reading.progress.finished:
            return reading, Notice(f"No {what}s to go to yet.")
        if reading.every_item:
            return reading, Notice("No mentions in the shown categories.")
        return reading, Notice("No disagreements with gold in the shown categories.", 3)
    top, bottom = visible
    item = reading.item
    here = reading.current or item
    on_screen = here is not None and top <= here.start < bottom
    spot = reading.spot if reading.spot is not None and top <= reading.spot[0] < bottom else None
    if forward:
        if item is not None and on_screen:
            position = bisect_right(places, compared.place_of(item))
        else:
            position = bisect_right(starts, spot[0] if spot else top - 1)
        wrapped = position >= len(places)
        position = 0 if wrapped else position
    else:
        if item is not None and on_screen:
            position = bisect_left(places, compared.place_of(item)) - 1
        else:
            position = bisect_left(starts, spot[0] if spot else bottom) - 1
        wrapped = position < 0
        position = len(places) - 1 if wrapped else position
    notice = (
        Notice(f"Wrapped to the {'first' if forward else 'last'} {what}.", 2) if wrapped else None
    )
    return land(reading, compared.pairs[places[position]]), notice


def land(reading: Reading, pair: Pair) -> Reading:
    """A pair becomes current: its shown mention, else its place (gold's alone)."""
    if pair.model is not None:
        moved = reading.at(pair.model)
        if moved.current is not None:
            return moved
    return replace(
        reading,
        current=None,
        entity=None,
        spot=(pair.start, pair.end),
        searching=False,
        match=None,
        sent_to="spot",
    )


def toggle_every(reading: Reading) -> tuple[Reading, Notice]:
    """Whether ] and [ stop at every mention and gold mark, or at disagreements only."""
    every = not reading.every_item
    said = "every mention and gold mark" if every else "disagreements with gold only"
    return replace(reading, every_item=every, sent_to=None), Notice(f"] and [: {said}.", 3)


# -- taking a side ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taking:
    """The correction that takes one side's version of a disagreement, what to say once it is
    made, and where the cursor stays."""

    correction: Correction
    said: str
    span: Span


def taking(reading: Reading, side: Side) -> tuple[Taking | None, Notice | None]:
    """Plan taking gold's (``side`` "gold") or the model's version of the current pair: gold's
    makes what is shown agree with gold (the mention added, removed, relabelled or resized);
    the model's keeps the shown mention as the user's, so nothing changes it again."""
    compared = reading.view.compared
    if compared is None:
        return None, Notice("Not comparing: start the reader with --compare GOLD.", 4)
    item = reading.item
    if item is None:
        return None, Notice("No disagreement here: ] goes to the next one.", 3)
    if item.kind == "agree":
        return None, Notice("The model and gold agree here.", 3)
    if item.kind == "out":
        category = section(compared.categories[compared.place_of(item)])
        title = category.title.lower() if category.builtin else plain(category.title)
        return None, Notice(f"Not compared: the gold has no {title}.", 3)
    from extract import corrections as edits

    text = reading.text
    gold, model = item.gold, item.model
    if side == "model":
        if model is None:
            return None, Notice("The model has nothing here to keep.", 3)
        if model.source == "user":
            return None, Notice(f"{plain(model.text)!r} is yours already.", 3)
        edit = edits.add(text, model.start, model.end, model.label, everywhere=False)
        said = f"Kept {plain(model.text)!r} as {model.label}, now yours. u undoes."
        return Taking(edit, said, (model.start, model.end)), None
    if gold is None:  # the model's alone: gold has no mention there
        assert model is not None
        said = f"Removed {plain(model.text)!r}: not in gold. u undoes."
        return Taking(edits.remove_mention(text, model), said, (model.start, model.end)), None
    label = _label_for(compared.gold.comparison, item)
    if label is None:
        return None, Notice(
            f"No label of the reader's compares as gold's {plain(gold.label)!r}: "
            "add it with a label of your choice (/ then a).",
            5,
            "warning",
        )
    said = f"Now {plain(gold.text)!r} as {label}, as in gold. u undoes."
    if model is not None and (model.start, model.end) != (gold.start, gold.end):
        edit = edits.resize(text, replace(model, label=label), gold.start, gold.end)
    else:
        edit = edits.add(text, gold.start, gold.end, label, everywhere=False)
    return Taking(edit, said, (gold.start, gold.end)), None


def _label_for(comparison: Comparison, pair: Pair) -> str | None:
    """The reader's label for gold's version of a pair: the shown mention's own when it
    compares the same, else gold's when the reader has it, else the first that compares
    the same."""
    labels = comparison.labels_like(pair.gold_name)
    for wanted in (pair.model, pair.gold):
        if wanted is not None and wanted.label in labels:
            return wanted.label
    return labels[0] if labels else None


def landed(reading: Reading, span: Span) -> Reading:
    """After taking a side: the cursor on what is at ``span`` now, or on the place."""
    found = reading.view.index.find(*span)
    if found is not None:
        return reading.at(found)
    return replace(reading, current=None, entity=None, spot=span, sent_to=None)
