"""The correction log: every edit applied to hand-built mentions, re-anchoring after the text
changes, ``--annotations``, the file's documented shape, two writers, and a writer killed
mid-save."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from extract import corrections
from extract.annotations import Annotations, annotate
from extract.cache import MentionCache
from extract.corrections import (
    Anchor,
    Correction,
    CorrectionStore,
    apply,
    default_path,
    forms_of,
    locate,
    open_for,
)
from extract.document import Document, text_document
from extract.document_pass import prepare
from extract.exporters import render_text
from extract.grouping import group
from extract.model import Entity, Mention
from extract.ner import Annotator, Batch, ModelInfo
from tui.cli import main

TEXT = (
    "Alice Smith met Bob Stone in Paris on Monday. Smith told Bob that Paris was cold. "
    "Acme Corp paid Stone. Later Acme sold Widget, and Widget sold out in Paris."
)
MODEL = [
    ("Alice Smith", "PERSON"),
    ("Bob Stone", "PERSON"),
    ("Paris", "ORG"),
    ("Monday", "DATE"),
    ("Smith", "PERSON"),
    ("Bob", "PERSON"),
    ("Paris", "ORG"),
    ("Acme Corp", "ORG"),
    ("Stone", "PERSON"),
    ("Acme", "ORG"),
    ("Paris", "GPE"),
]
"""The "model's" mentions of TEXT, in order: Paris twice as ORG, once as GPE."""


def found(text: str, spans: Sequence[tuple[str, str]]) -> list[Mention]:
    """Mentions of each (text, label) in turn, each found after the one before."""
    mentions, position = [], 0
    for needle, label in spans:
        start = text.index(needle, position)
        mentions.append(Mention(start, start + len(needle), label, needle))
        position = start + len(needle)
    return mentions


MENTIONS = found(TEXT, MODEL)


def nth(needle: str, n: int, text: str = TEXT) -> int:
    """Offset of the ``n``-th (from 0) occurrence of ``needle``."""
    start = -1
    for _ in range(n + 1):
        start = text.index(needle, start + 1)
    return start


def mention_at(text: str, mentions: Sequence[Mention], needle: str, n: int) -> Mention:
    start = nth(needle, n, text)
    return next(m for m in mentions if m.start == start)


def entity(entities: Sequence[Entity], name: str, category: str | None = None) -> Entity:
    [only] = [e for e in entities if e.name == name and category in (None, e.category)]
    return only


def summary(entities: Sequence[Entity]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """(name, category) → [(start, label, source)], for exact comparisons."""
    result: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for e in entities:
        result.setdefault((e.name, e.category), []).extend(
            (m.start, m.label, m.source) for m in e.mentions
        )
    return result


def model_entity(name: str, category: str) -> Entity:
    """An entity as the reader shows it before any edit (the document-level pass has run)."""
    return entity(apply(TEXT, MENTIONS, []).entities, name, category)


def spans(mentions: Sequence[Mention]) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.text) for m in mentions]


# -- apply: every op on hand-built mentions ---------------------------------------------------


def test_no_corrections_is_the_model_grouped() -> None:
    applied = apply(TEXT, MENTIONS, [])
    assert applied.entities == group(prepare(TEXT, MENTIONS), TEXT)
    assert applied.unplaced == []
    assert {m.source for e in applied.entities for m in e.mentions} == {"model"}


def test_the_vote_makes_one_paris_with_one_label() -> None:
    # The model said ORG twice and GPE once; "in Paris" twice says place.
    paris = model_entity("Paris", "place")
    assert [(m.label, m.model_label) for m in paris.mentions] == [
        ("GPE", "ORG"),
        ("GPE", "ORG"),
        ("GPE", "GPE"),
    ]


def test_relabel_changes_every_mention_of_the_entity_and_only_it() -> None:
    paris = model_entity("Paris", "place")
    correction = corrections.relabel(paris, "LOC")
    assert (correction.forms, correction.category) == (("paris",), "place")
    entities = apply(TEXT, MENTIONS, [correction]).entities
    assert [e.name for e in entities if e.category == "organisation"] == ["Acme Corp", "Acme"]
    assert summary(entities)[("Paris", "place")] == [
        (nth("Paris", 0), "LOC", "user"),
        (nth("Paris", 1), "LOC", "user"),
        (nth("Paris", 2), "LOC", "user"),
    ]
    assert summary(entities)[("Bob Stone", "person")] == [
        (nth("Bob Stone", 0), "PERSON", "model"),
        (nth("Bob", 1), "PERSON", "model"),
        (nth("Stone", 1), "PERSON", "model"),
    ]


def test_relabel_names_the_entity_as_the_reader_saw_it() -> None:
    text = "Haider al-Abadi spoke. Abadi said more."
    mentions = found(text, [("Haider al-Abadi", "PERSON"), ("Abadi", "ORG")])
    [person] = group(mentions)
    assert person.category == "person"  # the surname the model called ORG joined its person
    entities = apply(text, mentions, [corrections.relabel(person, "NORP")]).entities
    assert sorted((m.start, m.label, m.source) for e in entities for m in e.mentions) == [
        (0, "NORP", "user"),
        (23, "NORP", "user"),
    ]


def test_remove_drops_every_mention_of_the_entity() -> None:
    bob = model_entity("Bob Stone", "person")
    entities = apply(TEXT, MENTIONS, [corrections.remove(bob)]).entities
    assert not any("Bob" in m.text or "Stone" in m.text for e in entities for m in e.mentions)
    before = apply(TEXT, MENTIONS, []).entities
    assert [e.name for e in entities] == [e.name for e in before if e.name != "Bob Stone"]


def test_remove_mention_drops_only_that_mention() -> None:
    second = mention_at(TEXT, MENTIONS, "Paris", 1)
    entities = apply(TEXT, MENTIONS, [corrections.remove_mention(TEXT, second)]).entities
    assert summary(entities)[("Paris", "place")] == [
        (nth("Paris", 0), "GPE", "model"),
        (nth("Paris", 2), "GPE", "model"),
    ]


@pytest.mark.parametrize(
    ("everywhere", "starts"),
    [(False, [nth("Widget", 1)]), (True, [nth("Widget", 0), nth("Widget", 1)])],
)
def test_add_marks_a_span_once_or_every_occurrence(everywhere: bool, starts: list[int]) -> None:
    start = nth("Widget", 1)
    add = corrections.add(TEXT, start, start + 6, "PRODUCT", everywhere=everywhere)
    assert add.anchor == Anchor(
        start, start + 6, "Widget", TEXT[start - 24 : start], " sold out in Paris."
    )
    entities = apply(TEXT, MENTIONS, [add]).entities
    assert summary(entities)[("Widget", "other")] == [(s, "PRODUCT", "user") for s in starts]


def test_add_over_a_model_mention_replaces_it() -> None:
    start = nth("Acme", 1)
    entities = apply(
        TEXT, MENTIONS, [corrections.add(TEXT, start, start + 4, "PERSON", everywhere=False)]
    ).entities
    assert ("Acme", "organisation") not in summary(entities)
    assert summary(entities)[("Acme", "person")] == [(start, "PERSON", "user")]
    assert len([m for e in entities for m in e.mentions]) == len(MENTIONS)


def test_add_everywhere_takes_whole_words_of_the_same_case_only() -> None:
    text = "Nod to Nodding; nod. Nod."
    add = corrections.add(text, 0, 3, "PERSON", everywhere=True)
    [nod] = apply(text, [], [add]).entities
    assert [m.start for m in nod.mentions] == [0, 21]


def test_merge_joins_an_entity_into_another() -> None:
    acme, corp = model_entity("Acme", "organisation"), model_entity("Acme Corp", "organisation")
    entities = apply(TEXT, MENTIONS, [corrections.merge(acme, corp)]).entities
    assert [e.name for e in entities if e.category == "organisation"] == ["Acme Corp"]
    joined = entity(entities, "Acme Corp")
    assert joined.id == corp.id
    assert joined.mentions == (*corp.mentions, *acme.mentions)


def test_merge_across_categories_keeps_the_target_and_takes_its_label() -> None:
    monday, alice = model_entity("Monday", "date"), model_entity("Alice Smith", "person")
    entities = apply(TEXT, MENTIONS, [corrections.merge(monday, alice)]).entities
    # One label everywhere: what joins a person is labelled as a person.
    assert summary(entities)[("Alice Smith", "person")] == [
        (nth("Alice Smith", 0), "PERSON", "model"),
        (nth("Monday", 0), "PERSON", "model"),
        (nth("Smith", 1), "PERSON", "model"),
    ]
    assert not any(e.category == "date" for e in entities)


def test_split_takes_one_mention_out_as_an_entity_of_its_own() -> None:
    smith = mention_at(TEXT, MENTIONS, "Smith", 1)
    entities = apply(TEXT, MENTIONS, [corrections.split(TEXT, smith)]).entities
    alice = entity(entities, "Alice Smith")
    alone = entity(entities, "Smith")
    assert spans(alice.mentions) == spans([MENTIONS[0]])
    assert alone.category == "person" and alone.id != alice.id
    assert alone.mentions == (Mention(smith.start, smith.end, "PERSON", "Smith", "user", "PERSON"),)


def test_split_of_an_only_mention_changes_nothing() -> None:
    monday = mention_at(TEXT, MENTIONS, "Monday", 0)
    applied = apply(TEXT, MENTIONS, [corrections.split(TEXT, monday)])
    assert applied.entities == apply(TEXT, MENTIONS, []).entities
    assert applied.unplaced == []


def test_edits_apply_in_order() -> None:
    acme = model_entity("Acme", "organisation")
    relabel = corrections.relabel(acme, "PERSON")
    entities = apply(TEXT, MENTIONS, [relabel]).entities
    remove = corrections.remove(entity(entities, "Acme", "person"))
    assert remove.category == "person"
    after = apply(TEXT, MENTIONS, [relabel, remove])
    assert not any(e.name == "Acme" for e in after.entities)
    assert after.unplaced == []
    # The other way round no person Acme exists when the removal comes: it takes the
    # organisation by its forms, and the relabel then names nothing, which is reported.
    before = apply(TEXT, MENTIONS, [remove, relabel])
    assert not any(e.name == "Acme" for e in before.entities)
    assert before.unplaced == [relabel]


def test_the_native_export_says_which_mentions_the_user_made() -> None:
    widget = nth("Widget", 0)
    edits = [
        corrections.relabel(model_entity("Paris", "place"), "LOC"),
        corrections.add(TEXT, widget, widget + 6, "PRODUCT", everywhere=False),
    ]
    applied = apply(TEXT, MENTIONS, edits)
    annotations = Annotations(text_document(TEXT), tuple(applied.entities), "test", "0")
    data = json.loads(render_text("json", annotations))
    sources = {
        (m["start"], m["text"]): (m["label"], m["source"])
        for e in data["entities"]
        for m in e["mentions"]
    }
    assert sources == {
        (m.start, m.text): (("LOC", "user") if m.text == "Paris" else (m.label, "model"))
        for m in MENTIONS
    } | {(widget, "Widget"): ("PRODUCT", "user")}


# -- anchors ----------------------------------------------------------------------------------


def test_locate_in_place_then_by_context() -> None:
    text = "in Paris today, and in Paris tomorrow"
    first, second = Anchor.at(text, 3, 8), Anchor.at(text, 23, 28)
    assert locate(text, second) == (23, 28)
    assert locate("PREFACE. " + text, second) == (32, 37)
    assert locate("xx" + text, first) == (5, 10)
    # Another Paris now stands at the old offset: its context does not fit, the right one wins.
    other = "x" * 23 + "Paris yesterday; and in Paris tomorrow"
    assert other[23:28] == "Paris"
    assert locate(other, second) == (other.rindex("Paris"), other.rindex("Paris") + 5)
    assert locate(text.replace("Paris tomorrow", "Rome tomorrow"), second) is None
    assert locate("nothing here", second) is None


# -- re-anchoring after the file changes ------------------------------------------------------


def edited(
    text: str, mentions: Sequence[Mention], changes: Sequence[tuple[int, int, str]]
) -> tuple[str, list[Mention]]:
    """``text`` with ``text[start:end]`` replaced by each new piece (in order, not
    overlapping), and the mentions as a model would find them there: shifted, renamed."""
    pieces, moved, done, shift = [], [], 0, 0
    for start, end, new in changes:
        pieces += [text[done:start], new]
        for m in mentions:
            if done <= m.start and m.end <= start:
                moved.append(replace_span(m, m.start + shift, m.text))
            elif m.start == start and m.end == end and new:
                moved.append(replace_span(m, m.start + shift, new))
        shift += len(new) - (end - start)
        done = end
    pieces.append(text[done:])
    moved += [replace_span(m, m.start + shift, m.text) for m in mentions if m.start >= done]
    return "".join(pieces), moved


def replace_span(mention: Mention, start: int, text: str) -> Mention:
    return Mention(start, start + len(text), mention.label, text, mention.source)


class Replay:
    """An annotator that hands back mentions found earlier, in one batch."""

    info = ModelInfo("replay", "0", "")

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions

    def annotate(self, text: str, text_sha256: str | None = None) -> Iterator[Batch]:
        yield Batch(tuple(self.mentions), len(text), len(text))


@pytest.fixture
def sample_mentions(sample_document: Document, sample_annotator: Annotator) -> list[Mention]:
    """The model's mentions of the sample, from the session's cache."""
    cached = sample_annotator.cached(sample_document.text, sample_document.sha256)
    assert cached is not None
    return cached


def sample_edits(text: str, mentions: list[Mention]) -> list[Correction]:
    """A relabel and four single-mention edits made on the sample as it was."""
    entities = group(mentions)
    deshaisha = entity(entities, "Deshaisha")
    return [
        corrections.relabel(deshaisha, "GPE"),
        corrections.remove_mention(text, mention_at(text, mentions, "Syria", 2)),
        corrections.split(text, deshaisha.mentions[3]),
        corrections.add(
            text, nth("town", 1, text), nth("town", 1, text) + 4, "LOC", everywhere=False
        ),
        corrections.remove_mention(text, mention_at(text, mentions, "Mosul", 0)),
    ]


NOTE = "Editor's note: this story was updated with the statement in full.\n\n"


def sample_changed(text: str, mentions: list[Mention]) -> tuple[str, list[Mention]]:
    """A paragraph inserted at the top, one word changed, and Mosul become Kirkuk."""
    desert, mosul = text.index("desert region"), text.index("Mosul")
    return edited(
        text, mentions, [(0, 0, NOTE), (mosul, mosul + 5, "Kirkuk"), (desert, desert + 6, "arid")]
    )


def moved(text: str, start: int) -> int:
    """Where an offset of the sample is in ``sample_changed``'s text."""
    shift = len(NOTE)
    shift += 1 if start > text.index("Mosul") else 0
    shift -= 2 if start > text.index("desert region") else 0
    return start + shift


def test_edits_are_re_anchored_by_their_text_and_context(
    sample_document: Document, sample_mentions: list[Mention]
) -> None:
    old = sample_document.text
    edits = sample_edits(old, sample_mentions)
    assert apply(old, sample_mentions, edits).unplaced == []
    new, mentions = sample_changed(old, sample_mentions)
    assert new.count("Syria") == old.count("Syria") and "Mosul" not in new
    applied = apply(new, mentions, edits)

    by = summary(applied.entities)
    # relabel: by the forms, wherever they are now.
    old_deshaisha = [m.start for m in entity(group(sample_mentions), "Deshaisha").mentions]
    assert sorted(by[("Deshaisha", "place")]) == [
        (moved(old, s), "GPE", "user") for s in old_deshaisha
    ]
    # split: the fourth Deshaisha, whose next words changed, is still its own entity.
    parts = [e.mentions for e in applied.entities if e.name == "Deshaisha"]
    assert [[m.start for m in part] for part in parts] == [
        [moved(old, s) for s in old_deshaisha[:3]],
        [moved(old, old_deshaisha[3])],
    ]
    assert new[moved(old, old_deshaisha[3]) :].startswith("Deshaisha is in a arid region")
    # remove_mention: the third Syria and only it.
    old_syria = [s for s, _, _ in summary(group(sample_mentions))[("Syria", "place")]]
    assert nth("Syria", 2, old) in old_syria
    assert [s for s, _, _ in by[("Syria", "place")]] == [
        moved(old, s) for s in old_syria if s != nth("Syria", 2, old)
    ]
    # add: the second "town", not the first or third.
    assert by[("town", "place")] == [(nth("town", 1, new), "LOC", "user")]
    # The Mosul edit has nothing to hold on to: reported, not dropped, not misapplied.
    assert applied.unplaced == [edits[4]]
    annotations = annotate(text_document(new), Replay(mentions), corrections=edits)  # type: ignore[arg-type]
    assert annotations.unplaced == (edits[4],)
    assert list(annotations.entities) == applied.entities
    assert ("Kirkuk", "place") in by


def test_the_store_and_the_export_report_edits_that_lost_their_text(
    sample_document: Document,
    sample_mentions: list[Mention],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = sample_document.text
    edits = sample_edits(old, sample_mentions)
    new, _ = sample_changed(old, sample_mentions)
    copy = tmp_path / "article.txt"
    copy.write_text(new, encoding="utf-8")
    shared = tmp_path / "shared" / "corrections.json"
    store = open_for(str(copy), sample_document.sha256, shared)
    for edit in edits:
        store.do(edit)
    assert not default_path(str(copy)).exists()

    again = open_for(str(copy), text_document(new).sha256, shared)
    assert again.changed_since
    assert again.unplaced(new) == [edits[4]]
    assert again.unplaced(old) == []

    # The reader's own file for the copy says something else; --annotations wins over it.
    mine = open_for(str(copy), text_document(new).sha256)
    mine.do(corrections.remove(entity(group(sample_mentions), "Syria")))
    assert default_path(str(copy)).exists()

    assert main(["export", str(copy), "--annotations", str(shared)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"entity-reader: warning: {copy}: correction not placed (the text changed): "
        "remove mention 'Mosul'"
    ]
    data = json.loads(out)
    assert data["text"] == new
    names = {(e["name"], e["category"]) for e in data["entities"]}
    assert ("Syria", "place") in names
    deshaisha = [e for e in data["entities"] if e["name"] == "Deshaisha"]
    assert {m["label"] for e in deshaisha for m in e["mentions"]} == {"GPE"}
    assert sum(len(e["mentions"]) for e in deshaisha) == 4
    assert json.loads(shared.read_text(encoding="utf-8"))["sha256"] == sample_document.sha256


# -- the file: its documented shape ------------------------------------------------------------

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "source", "sha256", "corrections"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": 2},
        "source": {"type": "string"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "corrections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "op"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "op": {
                        "enum": [
                            "relabel",
                            "remove",
                            "remove_mention",
                            "add",
                            "merge",
                            "split",
                            "resize",
                        ]
                    },
                    "label": {"type": "string"},
                    "forms": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "category": {"type": "string"},
                    "anchor": {"$ref": "#/$defs/anchor"},
                    "from": {"$ref": "#/$defs/anchor"},
                    "everywhere": {"type": "boolean"},
                    "into": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "into_category": {"type": "string"},
                },
            },
        },
    },
    "$defs": {
        "anchor": {
            "type": "object",
            "required": ["start", "end", "text", "before", "after"],
            "additionalProperties": False,
            "properties": {
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
                "text": {"type": "string"},
                "before": {"type": "string"},
                "after": {"type": "string"},
            },
        }
    },
}
"""The corrections file as the README documents it."""


def every_op() -> list[Correction]:
    entities = apply(TEXT, MENTIONS, []).entities
    acme, corp = entity(entities, "Acme"), entity(entities, "Acme Corp")
    smith = mention_at(TEXT, MENTIONS, "Smith", 1)
    widget = nth("Widget", 0)
    return [
        corrections.relabel(entity(entities, "Paris", "place"), "LOC"),
        corrections.remove(entity(entities, "Monday")),
        corrections.remove_mention(TEXT, mention_at(TEXT, MENTIONS, "Stone", 1)),
        corrections.add(TEXT, widget, widget + 6, "PRODUCT", everywhere=True),
        corrections.merge(acme, corp),
        corrections.split(TEXT, smith),
        corrections.resize(TEXT, smith, smith.start, smith.end + len(" told")),
    ]


def test_the_file_has_the_documented_shape_and_reads_back(tmp_path: Path) -> None:
    document = text_document(TEXT, str(tmp_path / "t.txt"))
    path = tmp_path / "c.json"
    store = open_for(document.source, document.sha256, path)
    for edit in every_op():
        store.do(edit)
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["source"] == os.path.abspath(document.source)
    assert data["sha256"] == document.sha256
    assert [c["op"] for c in data["corrections"]] == list(corrections.OPS)
    assert data["corrections"][0] == {
        "id": store.log[0].id,
        "op": "relabel",
        "label": "LOC",
        "forms": ["paris"],
        "category": "place",
    }
    assert data["corrections"][4]["into"] == ["acme corp"]
    assert data["corrections"][3]["everywhere"] is True
    assert data["corrections"][6]["from"]["text"] == "Smith"
    assert data["corrections"][6]["anchor"]["text"] == "Smith told"
    assert data["corrections"][6]["label"] == "PERSON"
    again = CorrectionStore.open(path, source=store.source, sha256=store.sha256)
    assert again.problems == [] and again.log == store.log
    assert not again.changed_since


def store_at(path: Path) -> CorrectionStore:
    """A store at ``path`` for a made-up document."""
    return CorrectionStore.open(path, source="t.txt", sha256="0" * 64)


GOOD = {"id": "1", "op": "relabel", "label": "GPE", "forms": ["paris"], "category": "place"}
ANCHOR = {"start": 0, "end": 5, "text": "Alice", "before": "", "after": " Smit"}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("", id="empty"),
        pytest.param('{"format": 1, "corrections": [', id="cut-off"),
        pytest.param("[]", id="a-list"),
        pytest.param('{"format": 3, "corrections": []}', id="format-3"),
        pytest.param('{"format": 1}', id="no-corrections"),
        pytest.param('{"format": 1, "corrections": {}}', id="corrections-not-a-list"),
    ],
)
def test_a_file_of_another_shape_is_moved_aside_and_reported(content: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(content, encoding="utf-8")
    store = store_at(path)
    assert store.log == []
    [problem] = store.problems
    assert f"corrections file {path} is corrupt" in problem
    assert f"kept it as {path}.corrupt" in problem
    assert not path.exists()
    assert Path(f"{path}.corrupt").read_text(encoding="utf-8") == content
    store.do(every_op()[0])
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), SCHEMA)


def _split(anchor: dict[str, Any]) -> dict[str, Any]:
    return {"id": "2", "op": "split", "anchor": anchor}


BAD_EDITS = {
    "op": {**GOOD, "op": "rename"},
    "label": {**GOOD, "label": "TOWN"},
    "no-forms": {**GOOD, "forms": []},
    "forms-string": {**GOOD, "forms": "paris"},
    "no-anchor": {"id": "2", "op": "split"},
    "anchor-start": _split({**ANCHOR, "start": "x"}),
    "everywhere-string": {"id": "3", "op": "add", "label": "PERSON", "anchor": ANCHOR, "everywhere": "no"},
    "negative-anchor": _split({**ANCHOR, "start": -5, "end": 0}),
    "anchor-past-the-text": {"id": "4", "op": "add", "label": "PERSON", "anchor": {**ANCHOR, "start": 10**6, "end": 10**6, "text": ""}},
    "anchor-length": _split({**ANCHOR, "end": 9}),
    "blank-anchor": _split({**ANCHOR, "start": 5, "end": 6, "text": " "}),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BAD_EDITS))
def test_an_edit_that_makes_no_sense_is_skipped_reported_and_kept(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    good = {**GOOD, "id": "good"}
    path.write_text(
        json.dumps({"format": 1, "corrections": [good, BAD_EDITS[kind]]}), encoding="utf-8"
    )
    store = store_at(path)
    assert [c.id for c in store.log] == ["good"]  # the others still apply
    [problem] = store.problems
    assert problem.startswith(f"corrections file {path}: edit 2 skipped (")
    assert problem.endswith("it stays in the file")
    store.do(every_op()[1])
    # Saving keeps the edit it could not read, as it was: nothing the user wrote is lost.
    saved = json.loads(path.read_text(encoding="utf-8"))["corrections"]
    assert saved[0] == good and saved[-1] == BAD_EDITS[kind] and len(saved) == 3
    assert not Path(f"{path}.corrupt").exists()


def test_a_shared_file_with_bad_anchors_exports_what_it_can(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "t.txt"
    source.write_text("Alice Smith met Bob in Paris.\n", encoding="utf-8")
    shared = tmp_path / "shared.json"
    bad = [
        {"id": "n", "op": "add", "label": "PERSON", "anchor": {"start": -4, "end": -1, "text": "is."}},
        {"id": "p", "op": "add", "label": "ORG", "anchor": {"start": 40, "end": 40, "text": ""}},
    ]  # fmt: skip
    ok = {
        "id": "k",
        "op": "add",
        "label": "GPE",
        "anchor": {"start": 25, "end": 30, "text": "Paris"},
    }
    shared.write_text(json.dumps({"format": 1, "corrections": [*bad, ok]}), encoding="utf-8")
    before = shared.read_bytes()
    for name in ("json", "conll", "jsonl"):
        assert main(["export", str(source), "-f", name, "--annotations", str(shared)]) == 0
        out, err = capsys.readouterr()
        assert [line.split(" skipped")[0] for line in err.splitlines()] == [
            f"entity-reader: warning: corrections file {shared}: edit 1",
            f"entity-reader: warning: corrections file {shared}: edit 2",
        ]
        if name == "json":
            data = json.loads(out)
            spans = [(m["start"], m["end"]) for e in data["entities"] for m in e["mentions"]]
            assert (23, 28) in spans and all(0 <= a < b <= len(data["text"]) for a, b in spans)
    assert shared.read_bytes() == before  # an export never writes corrections


def test_a_file_spoilt_while_open_is_kept_aside_at_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = store_at(path)
    relabel, remove, *_ = every_op()
    store.do(relabel)
    path.write_text("spoilt", encoding="utf-8")
    store.do(remove)
    assert Path(f"{path}.corrupt").read_text(encoding="utf-8") == "spoilt"
    assert len(store.problems) == 1 and "is corrupt" in store.problems[0]
    assert ids_on_disk(path) == [relabel.id, remove.id]


def test_a_failed_save_forgets_the_change(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = store_at(path)
    relabel, remove, *_ = every_op()
    store.do(relabel)
    saving = store.save

    def refuse() -> None:
        raise PermissionError(13, "Permission denied")

    store.save = refuse  # type: ignore[method-assign]
    for change in (lambda: store.do(remove), store.undo):
        with pytest.raises(PermissionError):
            change()
        assert store.log == [relabel]
    store.save = saving  # type: ignore[method-assign]
    assert store.undo() == relabel
    store.save = refuse  # type: ignore[method-assign]
    with pytest.raises(PermissionError):
        store.redo()
    assert store.log == []
    store.save = saving  # type: ignore[method-assign]
    assert store.redo() == relabel
    assert store.undo() == relabel
    assert store.undo() is None
    assert ids_on_disk(path) == []


def test_an_export_with_a_corrupt_annotations_file_stops_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "t.txt"
    copy.write_text("Nothing here.", encoding="utf-8")
    shared = tmp_path / "c.json"
    shared.write_text("{", encoding="utf-8")
    assert main(["export", str(copy), "--annotations", str(shared)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"entity-reader: error: corrections file {shared} is corrupt")
    assert err.count("\n") == 1
    # A file the user named is theirs: never renamed, never rewritten.
    assert shared.read_text(encoding="utf-8") == "{"
    assert not Path(f"{shared}.corrupt").exists()


# -- two writers ------------------------------------------------------------------------------


def two_stores(path: Path) -> tuple[CorrectionStore, CorrectionStore]:
    return store_at(path), store_at(path)


def ids_on_disk(path: Path) -> list[str]:
    return [c["id"] for c in json.loads(path.read_text(encoding="utf-8"))["corrections"]]


def test_two_writers_keep_both_edits(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, second = two_stores(path)
    relabel, remove, *_ = every_op()
    first.do(relabel)
    second.do(remove)
    assert ids_on_disk(path) == [relabel.id, remove.id]
    third = store_at(path)
    assert third.log == [relabel, remove]
    assert second.log == [relabel, remove]


def test_undo_in_one_writer_keeps_the_others_edit(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, second = two_stores(path)
    relabel, remove, *_ = every_op()
    first.do(relabel)
    second.do(remove)
    assert first.undo() == relabel
    assert ids_on_disk(path) == [remove.id]
    assert second.undo() == remove
    assert ids_on_disk(path) == []
    assert first.redo() == relabel
    assert ids_on_disk(path) == [relabel.id]


def test_a_writer_does_not_bring_back_what_another_undid(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, second = two_stores(path)
    relabel, remove, remove_mention, *_ = every_op()
    first.do(relabel)
    second.do(remove)  # the second writer now knows the first's relabel
    first.undo()
    second.do(remove_mention)
    assert ids_on_disk(path) == [remove.id, remove_mention.id]
    assert [c.id for c in second.log] == [remove.id, remove_mention.id]
    second.undo()
    assert ids_on_disk(path) == [remove.id]


WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import extract.atomic
    from extract.corrections import Anchor, Correction, CorrectionStore

    KILLED = 75
    path, name, count, die = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if die == "die":
        extract.atomic.os.replace = lambda *args, **kwargs: os._exit(KILLED)
    store = CorrectionStore.open(path, source="t.txt", sha256="0" * 64)
    assert not store.problems, store.problems
    for n in range(count):
        store.do(Correction("split", id=f"{name}-{n}", anchor=Anchor(n, n + 1, "x")))
    """
)


def writer(path: Path, name: str, count: int = 1, die: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), name, str(count), "die" if die else "live"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_many_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    writers = [writer(path, f"w{n}", count=6) for n in range(4)]
    for process in writers:
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err.decode()
    ids = ids_on_disk(path)
    assert sorted(ids) == sorted(f"w{w}-{n}" for w in range(4) for n in range(6))
    for w in range(4):
        mine = [i for i in ids if i.startswith(f"w{w}-")]
        assert mine == [f"w{w}-{n}" for n in range(6)]


def test_a_writer_killed_mid_save_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = store_at(path)
    relabel = every_op()[0]
    store.do(relabel)
    before = path.read_bytes()

    killed = writer(path, "killed", die=True)
    killed.communicate(timeout=30)
    assert killed.returncode == 75  # died in os.replace, not of some error before
    assert path.read_bytes() == before
    json.loads(before)
    survivor = store_at(path)
    assert survivor.problems == [] and survivor.log == [relabel]

    retry = writer(path, "retry")  # the lock died with the killed writer
    _, err = retry.communicate(timeout=30)
    assert retry.returncode == 0, err.decode()
    assert ids_on_disk(path) == [relabel.id, "retry-0"]
    assert not Path(f"{path}.corrupt").exists()


def test_every_correction_round_trips_through_plain_data() -> None:
    for edit in every_op():
        assert Correction.from_data(json.loads(json.dumps(edit.as_data()))) == edit
    relabel = every_op()[0]
    assert forms_of(model_entity("Paris", "place")) == relabel.forms


# -- files written before the document-level pass keep working ---------------------------------


def test_a_file_written_before_the_pass_still_applies_to_the_sample(
    sample_document: Document,
    sample_mentions: list[Mention],
    tmp_path: Path,
) -> None:
    """The README's example, as the version before the document-level pass wrote it: it named
    Deshaisha an organisation (the model's label, which the pass now votes a place) and
    Syrian an "other" merged into Syria."""
    text = sample_document.text
    afp = text.index("AFP")
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "source": sample_document.source,
                "sha256": sample_document.sha256,
                "corrections": [
                    {
                        "id": "a",
                        "op": "relabel",
                        "label": "GPE",
                        "forms": ["al deshaisha", "deshaisha"],
                        "category": "organisation",
                    },
                    {
                        "id": "b",
                        "op": "add",
                        "label": "ORG",
                        "everywhere": False,
                        "anchor": {
                            "start": afp,
                            "end": afp + 3,
                            "text": "AFP",
                            "before": text[afp - 24 : afp],
                            "after": text[afp + 3 : afp + 27],
                        },
                    },
                    {
                        "id": "c",
                        "op": "merge",
                        "forms": ["syrian"],
                        "category": "other",
                        "into": ["syria"],
                        "into_category": "place",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    store = CorrectionStore.open(
        path, source=sample_document.source, sha256=sample_document.sha256, explicit=True
    )
    applied = apply(text, sample_mentions, store.log)
    assert applied.unplaced == []
    deshaisha = entity(applied.entities, "Deshaisha")
    assert deshaisha.category == "place"
    assert {(m.label, m.source) for m in deshaisha.mentions} == {("GPE", "user")}
    assert entity(applied.entities, "AFP").category == "organisation"
    syria = entity(applied.entities, "Syria")
    assert {m.text for m in syria.mentions} == {"Syria", "Syrian"}
    assert {m.label for m in syria.mentions} == {"GPE"}


def test_edits_naming_untrimmed_spans_find_the_trimmed_mentions() -> None:
    """Before the pass, the model's "’s Dólokhov" and "Chapter 5\\n\\n" were mentions as they
    were; edits named them so. The pass trims them; the edits still find them."""
    text = "And now there’s Dólokhov here. Dólokhov laughed.\n\nChapter 5\n\nThe end."
    raw = [
        Mention(13, 24, "PERSON", text[13:24]),
        Mention(31, 39, "PERSON", "Dólokhov"),
        Mention(50, 61, "CARDINAL", text[50:61]),
    ]
    assert raw[0].text == "’s Dólokhov" and raw[2].text == "Chapter 5\n\n"
    # The version before grouped the two under the fuller-looking "’s Dólokhov".
    old_entity = Entity("person:s-dolokhov", "’s Dólokhov", "person", (raw[0], raw[1]))
    assert corrections.forms_of(old_entity) == ("dolokhov", "’s dolokhov")
    edits = [
        corrections.relabel(old_entity, "NORP"),
        corrections.remove_mention(text, raw[2]),
    ]
    applied = apply(text, raw, edits)
    assert applied.unplaced == []
    [dolokhov] = [e for e in applied.entities if e.name == "Dólokhov"]
    assert [(m.start, m.text, m.label, m.source) for m in dolokhov.mentions] == [
        (16, "Dólokhov", "NORP", "user"),
        (31, "Dólokhov", "NORP", "user"),
    ]
    assert not any(m.text.startswith("Chapter") for e in applied.entities for m in e.mentions)


def test_an_edit_naming_nothing_any_more_is_reported_by_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache_dir: Path
) -> None:
    document_path = tmp_path / "t.txt"
    document_path.write_text(TEXT, encoding="utf-8")
    document = text_document(TEXT, str(document_path))
    store = open_for(str(document_path), document.sha256, tmp_path / "c.json")
    store.do(Correction("remove", forms=("nobody here",), category="person"))
    annotator = Annotator(cache=MentionCache(cache_dir))
    assert annotator.cache is not None
    annotator.cache.put(annotator.key(document.sha256), MENTIONS)
    status = main(
        ["export", str(document_path), "--annotations", str(tmp_path / "c.json"), "-o", "-"]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "correction not placed (it names nothing the reader shows in this text)" in err
    assert "remove 'nobody here'" in err
