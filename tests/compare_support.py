"""Gold for the sample: what the reader shows of it, with one disagreement of each kind."""

from __future__ import annotations

import json
from pathlib import Path

from sample import sample_mentions

from extract.evaluation import Comparison
from extract.model import Mention
from tui.comparing import Gold
from tui.view import ALL_CATEGORIES, View, derive

MODEL_ONLY = (49, 54, "Abadi")
"""Shown as a person; gold has nothing there."""
LABEL = (244, 253, "Sadr City")
"""Shown as GPE; gold says FAC."""
SPAN = (141, 156, "Haider al-Abadi")
"""Shown so; gold's span takes in his title: "Prime Minister Haider al-Abadi"."""
GOLD_SPAN = (126, 156)
GOLD_ONLY_TEXT = "AFP"
"""Not shown; gold has it as an organisation."""


def shown_view(text: str) -> View:
    """What the reader shows of the sample (the replayed model's mentions, no corrections)."""
    return derive(text, sample_mentions(text), [], ALL_CATEGORIES)


def gold_mentions(text: str) -> list[Mention]:
    """The shown mentions, with one disagreement of each kind."""
    shown = sorted(m for e in shown_view(text).entities for m in e.mentions)
    gold: list[Mention] = []
    for m in shown:
        if (m.start, m.end, m.text) == MODEL_ONLY:
            continue
        if (m.start, m.end, m.text) == LABEL:
            gold.append(Mention(m.start, m.end, "FAC", m.text))
        elif (m.start, m.end, m.text) == SPAN:
            start, end = GOLD_SPAN
            gold.append(Mention(start, end, "PERSON", text[start:end]))
        else:
            gold.append(m)
    assert len(gold) == len(shown) - 1
    start = text.index(GOLD_ONLY_TEXT)
    gold.append(Mention(start, start + 3, "ORG", GOLD_ONLY_TEXT))
    return sorted(gold)


def sample_gold(text: str) -> Gold:
    """The sample's gold, as ``--compare`` reads it."""
    mentions = gold_mentions(text)
    return Gold("gold.jsonl", tuple(mentions), Comparison((m.label for m in mentions), None))


def write_gold(path: Path, text: str, mentions: list[Mention] | None = None) -> Path:
    """Gold as doccano JSONL (text and ``label: [[start, end, LABEL], …]``)."""
    found = gold_mentions(text) if mentions is None else mentions
    record = {"text": text, "label": [[m.start, m.end, m.label] for m in found]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
