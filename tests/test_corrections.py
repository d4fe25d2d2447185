"""The correction log applied: every edit on hand-built mentions, in order, and anchors found
in place or by their context."""

from __future__ import annotations

import json

import pytest
from corrections_support import (
    MENTIONS,
    TEXT,
    entity,
    found,
    mention_at,
    model_entity,
    nth,
    spans,
    summary,
)

from extract import corrections
from extract.annotations import Annotations
from extract.corrections import (
    Anchor,
    apply,
    locate,
)
from extract.document import text_document
from extract.document_pass import prepare
from extract.exporters import render_text
from extract.grouping import group
from extract.model import Mention

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
