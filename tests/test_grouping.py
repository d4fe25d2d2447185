"""Grouping mentions into entities: name folding, linking, acronyms, cross-label joins, figures."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from extract.document import Document, load
from extract.grouping import (
    display_name,
    figure_value,
    fold,
    group,
    name_tokens,
    seen_category,
)
from extract.model import Entity, Mention
from extract.ner import Annotator

MakeAnnotator = Callable[..., Annotator]


def mentioned(*items: tuple[str, str]) -> list[Mention]:
    """Mentions of (text, label) pairs laid out one after another in an imagined text."""
    mentions = []
    position = 0
    for text, label in items:
        mentions.append(Mention(position, position + len(text), label, text))
        position += len(text) + 2
    return mentions


def people(*names: str) -> list[Mention]:
    return mentioned(*((name, "PERSON") for name in names))


def texts(entities: list[Entity]) -> list[list[str]]:
    """Each entity's mention texts, entities in order of first mention."""
    return [[m.text for m in entity.mentions] for entity in entities]


def holding(entities: list[Entity], text: str) -> Entity:
    [entity] = [e for e in entities if any(m.text == text for m in e.mentions)]
    return entity


class TestNames:
    def test_whitespace_and_nbsp_fold_together(self) -> None:
        found = group(people("Al Abadi", "Al\u00a0Abadi", "Al  Abadi", "Al\nAbadi", "AL ABADI"))
        assert len(found) == 1
        assert found[0].name == "Al Abadi"

    def test_fold_removes_case_accents_and_whitespace_kinds(self) -> None:
        assert fold("  Pávlovna\u00a0SCHÉRER\u2028") == "pavlovna scherer"

    def test_hyphens_and_particles(self) -> None:
        found = group(people("Haider al-Abadi", "Haider Al Abadi", "Abadi", "al-Abadi"))
        assert texts(found) == [["Haider al-Abadi", "Haider Al Abadi", "Abadi", "al-Abadi"]]
        assert found[0].name == "Haider al-Abadi"
        assert found[0].id == "person:haider-abadi"

    def test_titles_are_not_part_of_the_name(self) -> None:
        found = group(
            people("Prime Minister Haider al-Abadi", "Mr Al Abadi", "Dr. Watson", "Watson")
        )
        assert texts(found) == [
            ["Prime Minister Haider al-Abadi", "Mr Al Abadi"],
            ["Dr. Watson", "Watson"],
        ]
        assert [e.name for e in found] == ["Haider al-Abadi", "Watson"]

    def test_a_bare_title_keeps_its_words(self) -> None:
        assert name_tokens("Prime Minister") == ("prime", "minister")
        assert display_name("the President") == "President"

    @pytest.mark.parametrize("form", ["Jones's", "Jones’s", "Jones'", "Jones’", "JONES'S"])
    def test_possessives(self, form: str) -> None:
        found = group(people("Tom Jones", form))
        assert texts(found) == [["Tom Jones", form]]
        assert display_name(form) == form[:5]

    def test_a_name_ending_in_s_is_not_a_possessive(self) -> None:
        # "Jones'" was once read as the possessive of "Jone".
        assert name_tokens("Jones'") == name_tokens("Jones") == ("jones",)
        assert name_tokens("James’s") == ("james",)


class TestPersonLinks:
    def test_surname_joins_the_one_full_name(self) -> None:
        found = group(people("Bashar Al Assad", "Al Assad", "Assad", "Mr Assad's"))
        assert len(found) == 1 and found[0].name == "Bashar Al Assad"

    def test_first_mention_need_not_be_the_full_one(self) -> None:
        found = group(people("Abadi", "Haider al-Abadi"))
        assert texts(found) == [["Abadi", "Haider al-Abadi"]]
        assert found[0].name == "Haider al-Abadi"

    def test_ambiguous_surname_stays_apart(self) -> None:
        found = group(people("John Smith", "Jane Smith", "Smith"))
        assert texts(found) == [["John Smith"], ["Jane Smith"], ["Smith"]]

    def test_chains_reach_the_fullest_name(self) -> None:
        found = group(people("Abadi", "Haider Abadi", "Haider Jawad Abadi"))
        assert len(found) == 1 and found[0].name == "Haider Jawad Abadi"


class TestCrossLabel:
    def test_org_surname_joins_a_person(self) -> None:
        # The model often calls a bare surname an organisation ("…, Abadi says").
        found = group(mentioned(("Abadi", "ORG"), ("Haider al-Abadi", "PERSON")))
        assert len(found) == 1
        assert found[0].category == "person"
        # One label everywhere: the surname is labelled as its person is.
        assert found[0].labels == ("PERSON",)

    def test_org_surname_joins_when_the_surname_is_also_a_person(self) -> None:
        found = group(
            mentioned(("Abadi", "ORG"), ("Haider al-Abadi", "PERSON"), ("Al Abadi", "PERSON"))
        )
        assert [e.category for e in found] == ["person"]

    def test_org_surname_of_two_people_stays_an_organisation(self) -> None:
        found = group(
            mentioned(("Smith", "ORG"), ("John Smith", "PERSON"), ("Jane Smith", "PERSON"))
        )
        assert [(e.category, e.name) for e in found] == [
            ("organisation", "Smith"),
            ("person", "John Smith"),
            ("person", "Jane Smith"),
        ]

    def test_places_do_not_join_people(self) -> None:
        found = group(mentioned(("Jordan", "GPE"), ("Michael Jordan", "PERSON")))
        assert [e.category for e in found] == ["place", "person"]

    def test_org_without_a_matching_person_stays(self) -> None:
        found = group(mentioned(("Reuters", "ORG"), ("Haider al-Abadi", "PERSON")))
        assert [e.category for e in found] == ["organisation", "person"]


class TestAcronyms:
    def test_acronym_and_long_form_of_an_organisation(self) -> None:
        found = group(
            mentioned(
                ("UN", "ORG"),
                ("the United Nations", "ORG"),
                ("U.N.", "ORG"),
                ("United Nations", "ORG"),
            )
        )
        assert len(found) == 1
        assert found[0].name == "United Nations"

    def test_small_words_are_skipped_in_the_initials(self) -> None:
        found = group(mentioned(("Islamic State of Iraq and Syria", "ORG"), ("ISIS", "ORG")))
        assert len(found) == 1 and found[0].name == "Islamic State of Iraq and Syria"

    def test_acronyms_do_not_cross_categories(self) -> None:
        found = group(mentioned(("United Nations", "ORG"), ("UN", "GPE")))
        assert [e.category for e in found] == ["organisation", "place"]

    def test_an_acronym_alone_is_its_own_entity(self) -> None:
        found = group(mentioned(("NATO", "ORG"), ("United Nations", "ORG")))
        assert len(found) == 2


class TestFigures:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("36", Fraction(36)),
            ("1,200", Fraction(1200)),
            ("2.5", Fraction(5, 2)),
            ("a third", Fraction(1, 3)),
            ("one third", Fraction(1, 3)),
            ("two thirds", Fraction(2, 3)),
            ("forty-two", Fraction(42)),
            ("Forty Two", Fraction(42)),
            ("one hundred and twenty", Fraction(120)),
            ("a hundred", Fraction(100)),
            ("twelve hundred", Fraction(1200)),
            ("two thousand three hundred", Fraction(2300)),
            ("1.5 million", Fraction(1_500_000)),
        ],
    )
    def test_values(self, text: str, value: Fraction) -> None:
        assert figure_value(text) == value

    @pytest.mark.parametrize("text", ["dozens", "several", "half", "", "9" * 5000])
    def test_no_clear_value(self, text: str) -> None:
        assert figure_value(text) is None

    def test_same_value_same_entity(self) -> None:
        found = group(
            mentioned(
                ("forty-two", "CARDINAL"),
                ("42", "CARDINAL"),
                ("1,200", "CARDINAL"),
                ("1200", "CARDINAL"),
                ("a third", "CARDINAL"),
                ("one third", "CARDINAL"),
            )
        )
        assert [(e.value, len(e.mentions)) for e in found] == [
            (Fraction(42), 2),
            (Fraction(1200), 2),
            (Fraction(1, 3), 2),
        ]
        assert [e.id for e in found] == ["figure:42", "figure:1200", "figure:1/3"]

    def test_punctuation_around_a_number_keeps_its_value(self) -> None:
        # Once grouped apart under the same id as 36 itself, so one of them was lost by id.
        found = group(mentioned(("36", "CARDINAL"), ("(36)", "CARDINAL"), ("36's", "CARDINAL")))
        assert [(e.id, len(e.mentions)) for e in found] == [("figure:36", 3)]

    def test_figures_without_a_value_group_by_words(self) -> None:
        found = group(mentioned(("dozens", "CARDINAL"), ("Dozens", "CARDINAL")))
        assert len(found) == 1 and found[0].value is None


class TestOrderAndIdentity:
    def test_entities_sorted_by_first_mention_and_mentions_kept_whole(self) -> None:
        mentions = mentioned(
            ("Paris", "GPE"), ("Macron", "PERSON"), ("Paris", "GPE"), ("Emmanuel Macron", "PERSON")
        )
        found = group(reversed(mentions))
        assert [e.name for e in found] == ["Paris", "Emmanuel Macron"]
        assert sorted(m for e in found for m in e.mentions) == sorted(mentions)
        for entity in found:
            assert list(entity.mentions) == sorted(entity.mentions)

    def test_nothing_gives_nothing(self) -> None:
        assert group([]) == []


class TestSeedArticle:
    @pytest.fixture
    def entities(self, make_annotator: MakeAnnotator, sample_document: Document) -> list[Entity]:
        batches = make_annotator().annotate(sample_document.text, sample_document.sha256)
        return group(m for batch in batches for m in batch.mentions)

    def test_one_abadi(self, entities: list[Entity], sample_document: Document) -> None:
        abadi = [e for e in entities if "abadi" in e.id]
        assert len(abadi) == 1
        [person] = abadi
        assert person.category == "person"
        assert person.name == "Haider al-Abadi"
        assert [m.start for m in person.mentions] == [49, 141, 447, 955, 1557]
        assert person.mentions[-1].text == "Al\u00a0Abadi"
        for mention in person.mentions:
            assert sample_document.text[mention.start : mention.end] == mention.text

    def test_assad(self, entities: list[Entity]) -> None:
        assad = holding(entities, "Bashar Al Assad")
        assert assad.name == "Bashar Al Assad"
        assert (1428, "Al Assad") in [(m.start, m.text) for m in assad.mentions]

    def test_figures(self, entities: list[Entity]) -> None:
        values = {e.value for e in entities if e.category == "figure"}
        assert {Fraction(23), Fraction(36), Fraction(1, 3)} <= values
        third = next(e for e in entities if e.value == Fraction(1, 3))
        assert [m.text for m in third.mentions] == ["a third", "a third"]


# -- what the words say beats a wrong label --------------------------------------------------


@pytest.mark.parametrize(
    ("label", "text", "category"),
    [
        ("GPE", "Ms Okafor", "person"),
        ("ORG", "Dr. Jane Goodall", "person"),
        ("LOC", "The North Sea Ferry Company", "organisation"),
        ("GPE", "Acme Corporation", "organisation"),
        ("GPE", "Paris", "place"),
        ("LOC", "Company", "place"),  # one word: no evidence either way
        ("CARDINAL", "Mr 5", "figure"),  # figures and dates keep their label's category
    ],
)
def test_seen_category_corrects_labels_by_titles_and_endings(
    label: str, text: str, category: str
) -> None:
    assert seen_category(label, text) == category


def test_the_grouping_sample_with_the_real_model(make_annotator: Callable[..., Annotator]) -> None:
    document = load(Path(__file__).resolve().parent.parent / "samples" / "grouping.txt")
    mentions = [m for batch in make_annotator().annotate(document.text) for m in batch.mentions]
    entities = {e.name: e for e in group(mentions)}
    okafor = entities["Margaret Okafor"]
    assert okafor.category == "person"
    assert {m.text for m in okafor.mentions} >= {"Margaret Okafor", "Ms Okafor"}
    company = entities["North Sea Ferry Company"]
    assert company.category == "organisation"
    assert "NSFC" in {m.text for m in company.mentions}
    assert "NSFC" not in entities
    lindqvist = entities["Tomas Lindqvist"]
    assert [m.text for m in lindqvist.mentions].count("Lindqvist") >= 1
    values = {e.value for e in entities.values() if e.category == "figure"}
    assert {Fraction(1200), Fraction(1, 3), Fraction(42), Fraction(36000)} <= values
    for entity in entities.values():
        for mention in entity.mentions:
            assert document.text[mention.start : mention.end] == mention.text
