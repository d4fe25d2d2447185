"""The document-level pass: people kept apart and joined, names spread to where the model missed
them, and bad input. Each rule in miniature on hand-built mentions (no model)."""

from __future__ import annotations

import itertools

import pytest
from pass_support import entities_of, labelled, named, outermost

from extract.document_pass import prepare
from extract.model import Mention

# -- people -----------------------------------------------------------------------------------


class TestPeople:
    def test_mr_never_joins_mrs_through_the_bare_surname(self) -> None:
        text = (
            "Mrs. Phillips came. Mrs. Phillips sat. Mrs. Phillips talked. Mrs. Phillips left. "
            "Phillips was a town name. Ask Phillips. Phillips, then. Mr. Phillips bowed. Mr. "
            "Phillips spoke."
        )
        entities = entities_of(text, labelled(text, ("Phillips", "PERSON")))
        assert {e.name: len(e.mentions) for e in entities} == {
            "Mrs. Phillips": 7,
            "Mr. Phillips": 2,
        }

    def test_mr_mrs_and_miss_of_one_surname_stay_apart(self) -> None:
        text = (
            "Mr. Bennet read. Mrs. Bennet talked. Miss Bennet sang. Mr. Bennet sighed. "
            "Mrs. Bennet cried. Elizabeth Bennet laughed, and she left. Elizabeth said she "
            "would not. Elizabeth thought she might. Elizabeth knew she could."
        )
        mentions = labelled(
            text, ("Bennet", "PERSON"), ("Elizabeth Bennet", "PERSON"), ("Elizabeth", "PERSON")
        )
        mentions = [
            m
            for m in mentions
            if not text.startswith("Elizabeth Bennet", m.start - 10)
            and not text.startswith(" Bennet", m.end)
        ]
        entities = entities_of(text, sorted(set(mentions)))
        assert sorted(e.name for e in entities) == [
            "Elizabeth Bennet",
            "Miss Bennet",
            "Mr. Bennet",
            "Mrs. Bennet",
        ]
        assert len(named(entities, "Mrs. Bennet").mentions) == 2

    def test_a_short_name_joins_the_full_name_with_the_most_mentions(self) -> None:
        text = (
            "Napoleon rode. Napoleon Bonaparte was emperor. Napoleon smiled. Napoleon III came "
            "much later. Bonaparte said so. Napoleon Bonaparte left. Bonaparte frowned."
        )
        mentions = labelled(
            text,
            ("Napoleon@1", "PERSON"),
            ("Napoleon Bonaparte", "PERSON"),
            ("Napoleon@4", "ORG"),
            ("Napoleon III", "PERSON"),
            ("Bonaparte@2", "PERSON"),
            ("Bonaparte@4", "PERSON"),
        )
        entities = entities_of(text, mentions)
        bonaparte = named(entities, "Napoleon Bonaparte")
        assert len(bonaparte.mentions) == 6
        assert {m.label for m in bonaparte.mentions} == {"PERSON"}
        assert len(named(entities, "Napoleon III").mentions) == 1

    def test_a_one_off_odd_span_does_not_take_a_name_used_often(self) -> None:
        text = " ".join(["Alexander rode."] * 12) + " Alexander Golítsyn bowed."
        mentions = labelled(text, ("Alexander", "PERSON"), ("Alexander Golítsyn", "PERSON"))
        mentions = [m for m in mentions if not text.startswith(" Golítsyn", m.end)]
        entities = entities_of(text, mentions)
        assert len(named(entities, "Alexander").mentions) == 12

    def test_a_full_name_written_with_a_title_and_without_is_no_odd_span(self) -> None:
        text = (
            " ".join(["Hélène smiled."] * 12)
            + " Countess Hélène Bezúkhova came. Hélène Bezúkhova left."
        )
        mentions = labelled(text, ("Hélène", "PERSON"), ("Hélène Bezúkhova", "PERSON"))
        mentions = [m for m in mentions if not text.startswith(" Bezúkhova", m.end)]
        [helene] = entities_of(text, mentions)
        assert (helene.name, len(helene.mentions)) == ("Hélène Bezúkhova", 14)

    def test_a_title_of_a_place_is_a_name_whole(self) -> None:
        text = (
            "The King of Naples rode in. The King smiled. Naples was far. The King of Naples "
            "bowed, and the King left. In Naples it rained."
        )
        mentions = labelled(
            text, ("King of Naples", "PERSON"), ("King", "PERSON"), ("Naples", "GPE")
        )
        mentions = [m for m in mentions if not text.startswith(" of", m.end)]
        mentions = [m for m in mentions if not text.startswith("King of ", m.start - 8)]
        entities = entities_of(text, mentions)
        # The King alone may be any king: it joins no fuller name.
        assert {e.name: len(e.mentions) for e in entities} == {
            "King of Naples": 2,
            "King": 2,
            "Naples": 2,
        }

    def test_a_colonel_is_not_the_man_whose_given_name_he_bears(self) -> None:
        text = (
            "Colonel Fitzwilliam came. Mr. Fitzwilliam Darcy wrote. Colonel Fitzwilliam left. "
            "Mr. Darcy stayed, and he wrote."
        )
        mentions = labelled(
            text, ("Fitzwilliam", "PERSON"), ("Fitzwilliam Darcy", "PERSON"), ("Darcy", "PERSON")
        )
        mentions = [
            m
            for m in mentions
            if not text.startswith(" Darcy", m.end)
            and not text.startswith("Fitzwilliam ", m.start - 12)
        ]
        entities = entities_of(text, sorted(set(mentions)))
        # A rank is not part of the name shown; only Mr, Mrs and Miss tell a family apart.
        assert sorted(e.name for e in entities) == ["Fitzwilliam", "Fitzwilliam Darcy"]

    def test_the_display_name_is_the_most_frequent_clean_full_form(self) -> None:
        text = "Pierre’s hat. Pierre Bezúkhov came. Pierre sat. Pierre Bezúkhov left. Pierre’s."
        mentions = labelled(text, ("Pierre’s", "PERSON"), ("Pierre", "PERSON"))
        mentions += labelled(text, ("Pierre Bezúkhov", "PERSON"))
        mentions = [m for m in mentions if not text.startswith(" Bezúkhov", m.end)]
        [pierre] = entities_of(text, sorted(set(mentions)))
        assert pierre.name == "Pierre Bezúkhov"

    def test_a_titled_name_joins_the_same_name_written_alone_more_often(self) -> None:
        text = (
            "Bagratión rode. Bagratión spoke. Bagratión smiled. Prince Bagratión bowed. Anatole "
            "Kurágin came. Anatole Kurágin left. Anatole Kurágin laughed. Kurágin drank. "
            "Prince Kurágin sat."
        )
        names = ("Bagratión", "Anatole Kurágin", "Kurágin")
        entities = entities_of(text, outermost(labelled(text, *((n, "PERSON") for n in names))))
        # "Kurágin" alone stands for Anatole here: the prince, his father, is another man.
        assert {e.name: len(e.mentions) for e in entities} == {
            "Bagratión": 4,
            "Anatole Kurágin": 4,
            "Prince Kurágin": 1,
        }

    def test_a_name_beside_the_same_name_titled_is_a_persons_when_its_words_say_so(self) -> None:
        # The model's ORG, and nothing only a person does: but "Prince Murat" is written too.
        text = "Prince Murat bowed. Murat thought. Murat said no. Murat looked up. Murat went."
        mentions = labelled(text, ("Prince Murat", "PERSON")) + [
            m for m in labelled(text, ("Murat", "ORG")) if m.start > 7
        ]
        [murat] = entities_of(text, sorted(mentions))
        assert (murat.category, len(murat.mentions)) == ("person", 5)

    def test_a_full_name_the_words_call_a_person_joins_its_surname_written_alone(self) -> None:
        # The model's GPE for the full name; "Karatáev" alone is a person, far more often.
        text = "Karatáev sang. Denísov rode. " * 6 + (
            "Platón Karatáev said nothing. Then Platón Karatáev smiled. Darling Denísov said no."
        )
        mentions = labelled(
            text,
            ("Platón Karatáev", "GPE"),
            ("Darling Denísov", "GPE"),
            ("Karatáev", "PERSON"),
            ("Denísov", "PERSON"),
        )
        entities = entities_of(text, outermost(mentions))
        assert {e.name: (e.category, len(e.mentions)) for e in entities} == {
            "Platón Karatáev": ("person", 8),
            "Denísov": ("person", 6),
            "Darling Denísov": ("place", 1),  # a word of address, no given name
        }

    @pytest.mark.parametrize("surname_alone", [0, 6])
    def test_a_name_the_words_call_a_person_joins_a_full_name(self, surname_alone: int) -> None:
        # "Váska" (the model's GPE) is Váska Denísov: "he" follows it, and it speaks; the full
        # name is written less often, or stands under "Denísov".
        text = (
            "Denísov rode. "
            * surname_alone
            + "Váska Denísov rode up. Váska Denísov called. Váska thought, and he wept. Váska "
            "said no; he sang. Váska looked: he left."
        )
        mentions = labelled(
            text, ("Váska Denísov", "PERSON"), ("Váska", "GPE"), ("Denísov", "PERSON")
        )
        [vaska] = entities_of(text, outermost(mentions))
        assert (vaska.category, len(vaska.mentions)) == ("person", 5 + surname_alone)

    def test_a_given_name_and_a_surname_of_this_text_are_a_persons_name(self) -> None:
        text = (
            "Natásha laughed. Natásha ran. Natásha sang. Countess Rostóva wept. Count Rostóv "
            "sat. Then Natásha Rostóva came. We saw Natásha Rostóva. The Washington Post wrote."
        )
        mentions = labelled(
            text,
            ("Natásha", "PERSON"),
            ("Rostóva", "PERSON"),
            ("Rostóv", "PERSON"),
            ("Natásha Rostóva", "ORG"),
            ("Washington Post", "ORG"),
        )
        entities = entities_of(text, outermost(mentions))
        # The model's ORG, but "Natásha" is a person here and "Rostóva" a titled person's
        # surname; "Washington" is no one's name here.
        assert named(entities, "Natásha Rostóva").category == "person"
        assert named(entities, "Washington Post").category == "organisation"

    def test_a_surname_in_the_plural_is_the_family(self) -> None:
        text = "Rostóv rode. The Rostóvs dined. Rostóv sang. The Rostóvs left."
        mentions = labelled(text, ("Rostóv", "PERSON"), ("Rostóvs", "ORG"))
        entities = entities_of(text, mentions)
        assert {e.name: e.category for e in entities} == {"Rostóv": "person", "Rostóvs": "person"}


# -- spreading names, acronyms -----------------------------------------------------------------


class TestPropagation:
    def test_a_name_labelled_twice_is_found_where_the_model_missed_it(self) -> None:
        text = "Carol came. They met Carol there. He thanked Carol, and Carol smiled."
        mentions = labelled(text, ("Carol@1", "PERSON"), ("Carol@2", "PERSON"))
        [carol] = entities_of(text, mentions)
        assert [(m.start, m.label, m.model_label) for m in carol.mentions] == [
            (0, "PERSON", "PERSON"),
            (21, "PERSON", "PERSON"),
            (45, "PERSON", ""),
            (56, "PERSON", ""),
        ]

    def test_one_stray_label_does_not_spread(self) -> None:
        text = "Will came. Will you go? He will. I saw Will there. We met Will again."
        mentions = labelled(text, ("Will@1", "PERSON"))
        [will] = entities_of(text, mentions)
        assert len(will.mentions) == 1

    def test_a_common_word_at_a_sentence_start_is_not_a_name(self) -> None:
        text = "I saw May there. May I go? We met May later. May we?"
        mentions = labelled(text, ("May@1", "PERSON"), ("May@3", "PERSON"))
        [may] = entities_of(text, mentions)
        assert [m.start for m in may.mentions] == [6, 34]

    def test_a_name_is_not_spread_inside_a_word_joined_by_an_apostrophe_or_hyphen(self) -> None:
        text = (
            "Hara came. They met Hara there. Then O’Hara left, and anti-Hara men cheered, "
            "and Mary-Hara sang, and they thanked Hara."
        )
        mentions = labelled(text, ("Hara@1", "PERSON"), ("Hara@2", "PERSON"))
        [hara] = entities_of(text, mentions)
        # Only the whole word "Hara" ("anti-Hara" after a dash reads as a sentence's start).
        assert [text[max(0, m.start - 5) : m.end] for m in hara.mentions] == [
            "Hara",
            " met Hara",
            "nked Hara",
        ]

    def test_a_name_is_not_spread_inside_a_longer_one(self) -> None:
        text = "York fell. York rose. New York grew. The new York Minster shone."
        mentions = labelled(text, ("York@1", "GPE"), ("York@2", "GPE"))
        [york] = entities_of(text, mentions)
        assert len(york.mentions) == 2

    def test_an_acronym_defined_in_brackets_joins_its_long_form(self) -> None:
        text = "The Islamic State (Daesh) struck. Daesh fled. Daesh returned."
        mentions = labelled(text, ("Islamic State", "ORG"), ("Daesh@2", "ORG"), ("Daesh@3", "NORP"))
        entities = entities_of(text, mentions)
        state = named(entities, "Islamic State")
        assert [m.text for m in state.mentions] == ["Islamic State", "Daesh", "Daesh"]
        assert {m.label for m in state.mentions} == {"ORG"}

    def test_an_all_caps_acronym_the_model_counted_joins_its_organisation(self) -> None:
        text = "The North Sea Ferry Company sailed. NSFC said 12 ferries ran. NSFC grew."
        mentions = labelled(
            text,
            ("North Sea Ferry Company", "ORG"),
            ("NSFC@1", "CARDINAL"),
            ("12", "CARDINAL"),
            ("NSFC@2", "ORG"),
        )
        entities = entities_of(text, mentions)
        company = named(entities, "North Sea Ferry Company")
        assert [(m.text, m.label) for m in company.mentions] == [
            ("North Sea Ferry Company", "ORG"),
            ("NSFC", "ORG"),
            ("NSFC", "ORG"),
        ]
        assert named(entities, "12").category == "figure"


# -- bad input ---------------------------------------------------------------------------------


class TestBadInput:
    def test_nothing_in_nothing_out(self) -> None:
        assert entities_of("", []) == []
        assert entities_of("No names at all here.", []) == []

    def test_only_figures(self) -> None:
        text = "Twelve men, 3 dogs and a third of the sheep."
        mentions = labelled(
            text, ("Twelve", "CARDINAL"), ("3", "CARDINAL"), ("a third", "CARDINAL")
        )
        entities = entities_of(text, mentions)
        assert [e.category for e in entities] == ["figure"] * 3

    def test_text_in_capitals(self) -> None:
        text = "MR. BENNET READ. MRS. BENNET TALKED. PARIS WAS FAR. SAID BENNET."
        mentions = labelled(text, ("BENNET", "PERSON"), ("PARIS", "GPE"))
        entities = entities_of(text, mentions)
        assert sorted(e.category for e in entities) == ["person", "person", "person", "place"]

    def test_a_name_that_is_a_common_word(self) -> None:
        text = "Hope came. Hope was lost. We hope so. Hope laughed."
        mentions = labelled(text, ("Hope@1", "PERSON"), ("Hope@3", "PERSON"))
        [hope] = entities_of(text, mentions)
        assert [m.start for m in hope.mentions] == [0, 38]  # never the verb, never a start

    def test_categories_do_not_flap_as_batches_arrive(self) -> None:
        sentences = [
            "Natásha smiled.",
            "They rode to Natásha.",
            "“Yes,” said Natásha.",
            "In Natásha it rained.",
            "Natásha laughed.",
            "Natásha sighed.",
            "Natásha’s face fell.",
        ] * 3
        text = " ".join(sentences)
        mentions = labelled(text, ("Natásha", "GPE"))
        seen = []
        for size in range(1, len(mentions) + 1):
            [natasha] = entities_of(text, mentions[:size])
            seen.append(natasha.category)
        changes = sum(1 for a, b in itertools.pairwise(seen) if a != b)
        assert changes <= 1 and seen[-1] == "person"

    def test_mentions_are_always_exact(self) -> None:
        text = "“  Anna\u00a0Pávlovna  ,” said Anna Pávlovna’s friend.\r\n\r\nCHAPTER II"
        mentions = [
            Mention(1, 21, "PERSON", text[1:21]),
            Mention(28, 45, "PERSON", text[28:45]),
            Mention(53, 63, "ORG", text[53:63]),
        ]
        for m in prepare(text, mentions):
            assert text[m.start : m.end] == m.text and m.text == m.text.strip()
