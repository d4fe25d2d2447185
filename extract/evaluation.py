"""Scoring shown annotations against gold: precision, recall and F1, strict and lenient.

Strict counts a mention right when gold has the same span with the same label; lenient when a
gold mention of the same label overlaps it (each gold mention matched once, exact matches
first). Labels are compared as they are when the gold uses the model's labels; gold from
another scheme (CoNLL-2003's PER/LOC/ORG/MISC, LitBank's …) is compared by category, the
model's side as the reader shows it (after grouping), and the model's mentions in categories
the gold scheme has none of are left out; a label map compares any labels as the names it
gives them, and leaves out those it maps to nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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

    def add(self, gold: Sequence[Item], predicted: Sequence[Item]) -> None:
        """Score one document's mentions (offsets of different documents never meet)."""
        strict = Counter(gold) & Counter(predicted)
        lenient = _lenient_matches(gold, predicted)
        for name in sorted({item[2] for item in (*gold, *predicted)}):
            score = self.labels.setdefault(name, LabelScore())
            on_gold = sum(1 for item in gold if item[2] == name)
            on_model = sum(1 for item in predicted if item[2] == name)
            exact = sum(n for item, n in strict.items() if item[2] == name)
            overlapping = lenient[name]
            score.gold += on_gold
            score.predicted += on_model
            score.strict.add(Counts(exact, on_model - exact, on_gold - exact))
            score.lenient.add(Counts(overlapping, on_model - overlapping, on_gold - overlapping))

    def as_data(self) -> dict[str, object]:
        return {
            "compared_by": self.compared_by,
            "left_out": {"gold": self.left_out_gold, "predicted": self.left_out_predicted},
            "labels": {name: score.as_data() for name, score in sorted(self.labels.items())},
            "overall": self.overall.as_data(),
        }


def _lenient_matches(gold: Sequence[Item], predicted: Sequence[Item]) -> Counter[str]:
    """Matched pairs per name: the same span first, then any overlap, each gold used once."""
    free = Counter(gold)
    matches: Counter[str] = Counter()
    waiting: list[Item] = []
    for item in predicted:
        if free[item] > 0:
            free[item] -= 1
            matches[item[2]] += 1
        else:
            waiting.append(item)
    remaining = sorted(free.elements())
    used = [False] * len(remaining)
    for start, end, name in sorted(waiting):
        for index, (g_start, g_end, g_name) in enumerate(remaining):
            if not used[index] and g_name == name and g_start < end and start < g_end:
                used[index] = True
                matches[name] += 1
                break
    return matches


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
) -> None:
    """Add one document's gold mentions and shown entities to ``scores``."""
    gold_items: list[Item] = []
    for mention in gold:
        name = comparison.gold(mention)
        if name is None:
            scores.left_out_gold += 1
        else:
            gold_items.append((mention.start, mention.end, name))
    predicted_items: list[Item] = []
    for entity in shown:
        for mention in entity.mentions:
            name = comparison.predicted(mention, entity)
            if name is None:
                scores.left_out_predicted += 1
            else:
                predicted_items.append((mention.start, mention.end, name))
    scores.add(gold_items, predicted_items)
