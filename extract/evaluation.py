"""Scoring shown annotations against gold: precision, recall and F1, strict and lenient.

Strict counts a mention right when gold has the same span with the same label; lenient when a
gold mention of the same label overlaps it (each gold mention matched once, exact matches
first). Labels are compared as they are when the gold uses the model's labels; gold from
another scheme (CoNLL-2003's PER/LOC/ORG/MISC, LitBank's …) is compared by category, the
model's side as the reader shows it (after grouping), and the model's mentions in categories
the gold scheme has none of are left out; a label map compares any labels as the names it
gives them, and leaves out those it maps to nothing.

`compare` also says how the mentions pair up (`Pair`), with the same matching: what the
reader's compare view marks.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Literal

from extract.categories import ALL_LABELS, LABEL_SETS, category_of
from extract.errors import EntityReaderError
from extract.model import Entity, Mention

Item = tuple[int, int, str]
"""A mention to score: start, end and the name it is compared by."""


@dataclass
class Counts:
    """True positives, false positives and false negatives, and the scores they make."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @staticmethod
    def _ratio(hits: int, total: int, missed: int) -> float:
        # Nothing to find and nothing found is perfect; nothing found of something is 0.
        if total == 0:
            return 1.0 if missed == 0 else 0.0
        return hits / total

    @property
    def precision(self) -> float:
        return self._ratio(self.tp, self.tp + self.fp, self.fn)

    @property
    def recall(self) -> float:
        return self._ratio(self.tp, self.tp + self.fn, self.fp)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_data(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "true_positives": self.tp,
            "false_positives": self.fp,
            "false_negatives": self.fn,
        }


@dataclass
class LabelScore:
    """How one label (or category) fared: counts on each side, strict and lenient."""

    gold: int = 0
    predicted: int = 0
    strict: Counts = field(default_factory=Counts)
    lenient: Counts = field(default_factory=Counts)

    def add(self, other: LabelScore) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.strict.add(other.strict)
        self.lenient.add(other.lenient)

    def as_data(self) -> dict[str, object]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "strict": self.strict.as_data(),
            "lenient": self.lenient.as_data(),
        }


@dataclass
class Scores:
    """Scores per compared name and overall (micro-averaged), over one or more documents."""

    compared_by: str
    """"label", "category" or "label map"."""
    labels: dict[str, LabelScore] = field(default_factory=dict)
    left_out_gold: int = 0
    left_out_predicted: int = 0

    @property
    def overall(self) -> LabelScore:
        total = LabelScore()
        for score in self.labels.values():
            total.add(score)
        return total

    def add(self, gold: Sequence[Item], predicted: Sequence[Item]) -> Matches:
        """Score one document's mentions (offsets of different documents never meet); return
        how they were matched."""
        matches = _matches(gold, predicted)
        exact, overlapping = matches
        for name in sorted({item[2] for item in (*gold, *predicted)}):
            score = self.labels.setdefault(name, LabelScore())
            on_gold = sum(1 for item in gold if item[2] == name)
            on_model = sum(1 for item in predicted if item[2] == name)
            strict = sum(1 for _, p in exact if predicted[p][2] == name)
            lenient = strict + sum(1 for _, p in overlapping if predicted[p][2] == name)
            score.gold += on_gold
            score.predicted += on_model
            score.strict.add(Counts(strict, on_model - strict, on_gold - strict))
            score.lenient.add(Counts(lenient, on_model - lenient, on_gold - lenient))
        return matches

    def as_data(self) -> dict[str, object]:
        return {
            "compared_by": self.compared_by,
            "left_out": {"gold": self.left_out_gold, "predicted": self.left_out_predicted},
            "labels": {name: score.as_data() for name, score in sorted(self.labels.items())},
            "overall": self.overall.as_data(),
        }


Matches = tuple[list[tuple[int, int]], list[tuple[int, int]]]
"""(gold index, predicted index) pairs: those of the same span and name (strict), then those
that only overlap with the same name (lenient)."""


def _matches(gold: Sequence[Item], predicted: Sequence[Item]) -> Matches:
    """How mentions are matched: the same span and name first, then for each remaining
    prediction (in order) the first free gold mention of the same name that overlaps it;
    each gold mention is matched once."""
    free: dict[Item, list[int]] = {}
    for index, item in enumerate(gold):
        free.setdefault(item, []).append(index)
    exact: list[tuple[int, int]] = []
    waiting: list[int] = []
    for index, item in enumerate(predicted):
        slots = free.get(item)
        if slots:
            exact.append((slots.pop(), index))
        else:
            waiting.append(index)
    left = sorted((i for slots in free.values() for i in slots), key=gold.__getitem__)
    waiting.sort(key=predicted.__getitem__)
    return exact, _overlaps(gold, left, predicted, waiting, same_name=True)


def _overlaps(
    gold: Sequence[Item],
    candidates: Sequence[int],
    predicted: Sequence[Item],
    waiting: Sequence[int],
    *,
    same_name: bool,
) -> list[tuple[int, int]]:
    """For each prediction in ``waiting``, in order, the first gold mention of ``candidates``
    (indices in document order) not taken yet that overlaps it (with the same name if
    ``same_name``)."""
    groups: dict[str, list[int]] = {}
    for index in candidates:
        groups.setdefault(gold[index][2] if same_name else "", []).append(index)
    # Per group: the starts, and the furthest end reached so far (to skip what ends before).
    starts = {key: [gold[i][0] for i in group] for key, group in groups.items()}
    reach = {
        key: list(accumulate((gold[i][1] for i in group), max)) for key, group in groups.items()
    }
    taken: set[int] = set()
    found: list[tuple[int, int]] = []
    for p in waiting:
        start, end, name = predicted[p]
        key = name if same_name else ""
        group = groups.get(key, [])
        position = bisect_right(reach.get(key, []), start)
        while position < len(group) and starts[key][position] < end:
            g = group[position]
            if g not in taken and gold[g][1] > start:
                taken.add(g)
                found.append((g, p))
                break
            position += 1
    return found


Kind = Literal["agree", "span", "label", "model", "gold", "out"]

DISAGREEING: frozenset[str] = frozenset({"span", "label", "model", "gold"})
"""The kinds of `Pair` where gold and the shown annotations disagree."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One place where gold and the shown annotations meet. ``agree``: the same span and name;
    ``span``: overlapping spans (their names may differ too); ``label``: the same span, another
    name; ``model``: a shown mention gold lacks (a false positive); ``gold``: a gold mention
    nothing shown overlaps (a false negative); ``out``: a shown mention left out of the
    comparison (its category is not in the gold's scheme)."""

    kind: Kind
    gold: Mention | None = None
    model: Mention | None = None
    gold_name: str = ""
    """The name the gold mention is compared by (its label, category or mapped name)."""
    model_name: str = ""

    @property
    def start(self) -> int:
        """Where the first of its mentions starts."""
        return min(m.start for m in (self.gold, self.model) if m is not None)

    @property
    def end(self) -> int:
        """Where the last of its mentions ends."""
        return max(m.end for m in (self.gold, self.model) if m is not None)

    @property
    def disagrees(self) -> bool:
        """Whether gold and the shown annotations disagree here."""
        return self.kind in DISAGREEING


def _paired(
    gold: Sequence[Item],
    gold_mentions: Sequence[Mention],
    predicted: Sequence[Item],
    predicted_mentions: Sequence[Mention],
    matches: Matches,
) -> list[Pair]:
    """Every gold and predicted mention in a `Pair`: the scores' matches, then what is left
    with the same span (another name), then overlapping (another name), then each alone."""

    def pair(kind: Kind, g: int, p: int) -> Pair:
        return Pair(kind, gold_mentions[g], predicted_mentions[p], gold[g][2], predicted[p][2])

    exact, overlapping = matches
    made = [pair("agree", g, p) for g, p in exact] + [pair("span", g, p) for g, p in overlapping]
    gold_left = sorted(set(range(len(gold))) - {g for g, _ in (*exact, *overlapping)})
    predicted_left = sorted(set(range(len(predicted))) - {p for _, p in (*exact, *overlapping)})
    by_span: dict[tuple[int, int], list[int]] = {}
    for g in gold_left:
        by_span.setdefault(gold[g][:2], []).append(g)
    relabelled: list[tuple[int, int]] = []
    for p in predicted_left:
        slots = by_span.get(predicted[p][:2])
        if slots:
            relabelled.append((slots.pop(0), p))
    made += [pair("label", g, p) for g, p in relabelled]
    gold_left = sorted(set(gold_left) - {g for g, _ in relabelled}, key=gold.__getitem__)
    predicted_left = sorted(set(predicted_left) - {p for _, p in relabelled})
    crossed = _overlaps(gold, gold_left, predicted, predicted_left, same_name=False)
    made += [pair("span", g, p) for g, p in crossed]
    gold_alone = set(gold_left) - {g for g, _ in crossed}
    made += [Pair("gold", gold_mentions[g], None, gold[g][2]) for g in sorted(gold_alone)]
    model_alone = set(predicted_left) - {p for _, p in crossed}
    made += [
        Pair("model", None, predicted_mentions[p], "", predicted[p][2]) for p in sorted(model_alone)
    ]
    return made


class Comparison:
    """How gold and model labels are turned into the names they are compared by."""

    def __init__(self, gold_labels: Iterable[str], label_map: Mapping[str, str | None] | None):
        labels = set(gold_labels)
        self.label_map = label_map
        if label_map is not None:
            self.compared_by = "label map"
            self.scope: set[str] | None = None
        elif labels <= set(ALL_LABELS):
            self.compared_by = "label"
            self.scope = None
        else:
            self.compared_by = "category"
            scheme = next((s for s in LABEL_SETS.values() if labels <= set(s)), ())
            self.scope = {category_of(label) for label in (*labels, *scheme)}

    def gold(self, mention: Mention) -> str | None:
        """The name a gold mention is compared by (None: left out)."""
        if self.label_map is not None:
            return self.label_map.get(mention.label, mention.label)
        if self.compared_by == "category":
            return category_of(mention.label)
        return mention.label

    def predicted(self, mention: Mention, entity: Entity) -> str | None:
        """The name a shown mention is compared by (None: left out)."""
        if self.label_map is not None:
            return self.label_map.get(mention.label, mention.label)
        if self.compared_by == "category":
            assert self.scope is not None
            return entity.category if entity.category in self.scope else None
        return mention.label

    def labels_like(self, name: str) -> list[str]:
        """The reader's labels compared by ``name`` (a gold mention's), in the table's order."""
        if self.label_map is not None:
            return [label for label in ALL_LABELS if self.label_map.get(label, label) == name]
        if self.compared_by == "category":
            return [label for label in ALL_LABELS if category_of(label) == name]
        return [name] if name in ALL_LABELS else []


def read_label_map(path: str) -> dict[str, str | None]:
    """A label map file: a JSON object of label to name (null leaves it out), or lines of
    ``LABEL NAME`` (``#`` starts a comment; a lone label is left out)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise EntityReaderError(f"cannot read the label map {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise EntityReaderError(f"the label map {path} is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise EntityReaderError(
                f"the label map {path} is not valid JSON (line {error.lineno}: {error.msg})"
            ) from None
        if not all(isinstance(v, str) or v is None for v in data.values()):
            raise EntityReaderError(f"the label map {path} maps labels to text or null only")
        return dict(data)
    found: dict[str, str | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 2:
            raise EntityReaderError(f"the label map {path} line {number}: give LABEL NAME")
        found[words[0]] = words[1] if len(words) == 2 else None
    return found


def compare(
    gold: Sequence[Mention],
    shown: Sequence[Entity],
    comparison: Comparison,
    scores: Scores,
) -> list[Pair]:
    """Add one document's gold mentions and shown entities to ``scores``; return how they pair
    up, in document order (what the reader's compare view shows)."""
    gold_items: list[Item] = []
    gold_kept: list[Mention] = []
    for mention in gold:
        name = comparison.gold(mention)
        if name is None:
            scores.left_out_gold += 1
        else:
            gold_items.append((mention.start, mention.end, name))
            gold_kept.append(mention)
    predicted_items: list[Item] = []
    predicted_kept: list[Mention] = []
    pairs: list[Pair] = []
    for entity in shown:
        for mention in entity.mentions:
            name = comparison.predicted(mention, entity)
            if name is None:
                scores.left_out_predicted += 1
                pairs.append(Pair("out", model=mention))
            else:
                predicted_items.append((mention.start, mention.end, name))
                predicted_kept.append(mention)
    matches = scores.add(gold_items, predicted_items)
    pairs += _paired(gold_items, gold_kept, predicted_items, predicted_kept, matches)
    pairs.sort(key=lambda pair: (pair.start, pair.end))
    return pairs
