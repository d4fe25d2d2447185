"""The document-level pass: spans mended, categories voted over the whole document, people kept
apart and joined, names spread to where the model missed them, one label everywhere.

Each rule in miniature on hand-built mentions (no model), then the real model on the samples.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from extract.corrections import apply
from extract.document_pass import prepare
from extract.model import Entity, Mention

ROOT = Path(__file__).resolve().parent.parent


def labelled(text: str, *pieces: tuple[str, str]) -> list[Mention]:
    """Mentions of each (text, label) at every one of its whole-word occurrences, as a model
    that always says the same would give them; a piece written "Name@2" takes only the
    second occurrence (from 1)."""
    mentions = []
    for piece, label in pieces:
        needle, _, which = piece.partition("@")
        found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]
        assert found, needle
        if which:
            found = [found[int(which) - 1]]
        mentions += [Mention(s, s + len(needle), label, needle) for s in found]
    return sorted(mentions)


def entities_of(text: str, mentions: Sequence[Mention]) -> list[Entity]:
    return apply(text, mentions, []).entities


def named(entities: Sequence[Entity], name: str) -> Entity:
    [entity] = [e for e in entities if e.name == name]
    return entity


def holding(entities: Sequence[Entity], text: str) -> Entity:
    [entity] = [e for e in entities if any(m.text == text for m in e.mentions)]
    return entity


# -- spans ------------------------------------------------------------------------------------


class TestSpans:
    def test_whitespace_and_punctuation_leave_the_edges(self) -> None:
        text = 'Read "Chapter 5\n\n\n" and meet “Anna Pávlovna,” today.'
        mentions = [
            Mention(6, 19, "CARDINAL", "Chapter 5\n\n\n"),
            Mention(29, 44, "PERSON", "“Anna Pávlovna,"),
        ]
        found = sorted(m for e in entities_of(text, mentions) for m in e.mentions)
        assert [(m.text, m.model_label) for m in found] == [
            ("Chapter 5", "CARDINAL"),
            ("Anna Pávlovna", "PERSON"),
        ]
        for m in found:
            assert text[m.start : m.end] == m.text

    def test_a_possessive_fragment_and_a_word_from_the_next_line_are_not_the_name(self) -> None:
        text = "And now there’s Dólokhov here. Then Prince Andrew\nheard it. Dólokhov left."
        mentions = [
            Mention(13, 24, "PERSON", "’s Dólokhov"),
            Mention(36, 55, "PERSON", "Prince Andrew\nheard"),
            Mention(65, 73, "PERSON", "Dólokhov"),
        ]
        entities = entities_of(text, mentions)
        assert [e.name for e in entities] == ["Dólokhov", "Prince Andrew"]
        assert [m.text for m in holding(entities, "Prince Andrew").mentions] == ["Prince Andrew"]

    def test_a_name_does_not_end_in_a_joining_word(self) -> None:
        text = (
            "There was no Duke of Oldenburg then. The council of war sat. The Bank of England "
            "and Leonardo da Vinci."
        )
        mentions = labelled(
            text,
            ("Duke of", "PERSON"),
            ("The council of", "ORG"),
            ("Bank of England", "ORG"),
            ("Leonardo da Vinci", "PERSON"),
        )
        found = sorted(m.text for e in entities_of(text, mentions) for m in e.mentions)
        assert found == ["Bank of England", "Duke", "Leonardo da Vinci"]

    def test_a_leading_preposition_and_a_heading_are_not_the_name(self) -> None:
        text = "CHAPTER IX\nIn Kiev the snow fell. CHAPTER X\n\nHaving dined, they left Kiev."
        mentions = labelled(text, ("In Kiev", "GPE"), ("CHAPTER X\n\nHaving", "ORG")) + labelled(
            text, ("Kiev@2", "GPE")
        )
        entities = entities_of(text, mentions)
        assert [(e.name, [m.text for m in e.mentions]) for e in entities] == [
            ("Kiev", ["Kiev", "Kiev"])
        ]

    def test_two_names_run_together_are_two(self) -> None:
        text = (
            "Pierre came. Pierre sat. In Kiev it rained; Kiev was cold. In Kiev Pierre found "
            "friends. Dólokhov laughed. Dólokhov to Denísov was a letter. Denísov frowned. "
            "Denísov wrote."
        )
        mentions = labelled(
            text,
            ("Pierre@1", "PERSON"),
            ("Pierre@2", "PERSON"),
            ("Kiev@1", "GPE"),
            ("Kiev@2", "GPE"),
            ("Kiev Pierre", "PERSON"),
            ("Dólokhov@1", "PERSON"),
            ("Dólokhov to Denísov", "PERSON"),
            ("Denísov@2", "PERSON"),
            ("Denísov@3", "PERSON"),
        )
        entities = entities_of(text, mentions)
        assert {e.name: (e.category, len(e.mentions)) for e in entities} == {
            "Pierre": ("person", 3),
            "Kiev": ("place", 3),
            "Dólokhov": ("person", 2),
            "Denísov": ("person", 3),
        }

    @pytest.mark.parametrize(("word", "cut"), [("In", True), ("Near", True), ("Of", False)])
    def test_a_place_the_model_mostly_calls_a_person_is_cut_off_after_in(
        self, word: str, cut: bool
    ) -> None:
        text = (
            "Pierre came. Pierre sat. Kiev wept. Kiev rose. Kiev slept. Kiev was cold. Kiev "
            f"was far. {word} Kiev Pierre found friends."
        )
        mentions = labelled(
            text,
            *((f"Kiev@{n}", "PERSON") for n in (1, 2, 3)),
            *((f"Kiev@{n}", "GPE") for n in (4, 5)),
            ("Kiev Pierre", "PERSON"),
            ("Pierre@1", "PERSON"),
            ("Pierre@2", "PERSON"),
        )
        written = [m.text for m in prepare(text, mentions)]
        # "In" before it: a place, then a name; "Of" says nothing, and the span stays whole.
        assert ("Kiev Pierre" not in written, written.count("Pierre")) == (cut, 2 + cut)

    def test_a_word_capitalised_only_where_sentences_start_names_nobody(self) -> None:
        text = (
            "Sorrow, it seems, is our lot. He knew sorrow. “Glad to see you,” said Pierre. "
            "Pierre was glad. Their sorrow was glad news to none. Will came. He saw Will. "
            "His will was strong; the will held. One man left. One more came. One of them. "
            "Not one wept, not one."
        )
        mentions = labelled(
            text,
            ("Sorrow", "PERSON"),
            ("Glad", "PERSON"),
            ("Pierre", "PERSON"),
            ("Will", "PERSON"),
            ("One@1", "CARDINAL"),
            ("One@2", "ORG"),
        )
        [third] = labelled(text, ("One@3", "ORG"))
        mentions.append(Mention(third.start, third.end, "ORG", "One", "user"))
        kept = [(m.text, m.label) for m in prepare(text, mentions)]
        # "Will" is capitalised inside a sentence too; "One" as a figure stays a figure, and
        # what the user marked stays whatever it is.
        assert kept == [
            ("Pierre", "PERSON"),
            ("Pierre", "PERSON"),
            ("Will", "PERSON"),
            ("Will", "PERSON"),
            ("One", "CARDINAL"),
            ("One", "ORG"),
        ]

    def test_small_letters_are_looked_for_near_every_capital(self) -> None:
        far = " Nothing happened." * 5000  # farther than a word is looked for
        text = f"Kiss me. Bald Pat came.{far} Kiss me. One kiss, one more kiss. Pat bowed."
        mentions = labelled(text, ("Kiss", "PERSON"), ("Bald Pat", "PERSON"), ("Pat@2", "PERSON"))
        # "pat" is no word here, but "Pat" ends a person's name anyway.
        assert [m.text for m in prepare(text, mentions)] == ["Bald Pat", "Pat"]

    def test_a_capital_that_ends_a_persons_name_is_kept(self) -> None:
        text = "Bald Pat came. Pat bowed. He gave the dog a pat, and another pat."
        mentions = labelled(text, ("Bald Pat", "PERSON"), ("Pat@2", "PERSON"))
        assert [m.text for m in prepare(text, mentions)] == ["Bald Pat", "Pat"]

    def test_without_small_letters_a_capital_at_the_start_is_kept(self) -> None:
        text = "Sorrow came. Sorrow left. Nobody wept."
        mentions = labelled(text, ("Sorrow", "PERSON"))
        assert [m.text for m in prepare(text, mentions)] == ["Sorrow", "Sorrow"]

    @pytest.mark.parametrize(
        ("piece", "label"),
        [("Mamma", "PERSON"), ("Uncle", "PERSON"), ("CHAPTER IX", "ORG"), ("china", "GPE")],
    )
    def test_words_that_name_nobody_are_dropped(self, piece: str, label: str) -> None:
        text = f"Then {piece} came with Pierre."
        mentions = labelled(text, (piece, label), ("Pierre", "PERSON"))
        assert [e.name for e in entities_of(text, mentions)] == ["Pierre"]


# -- the category vote ------------------------------------------------------------------------


class TestVote:
    def test_a_name_the_model_calls_a_place_is_a_person_by_what_it_does(self) -> None:
        text = (
            "“Yes,” said Natásha. Natásha smiled. They went to Moscow. Natásha’s face lit up. "
            "“No,” cried Natásha, and Natásha laughed. In Moscow it snowed. Natásha sighed."
        )
        mentions = labelled(text, ("Natásha", "GPE"), ("Moscow", "GPE"))
        entities = entities_of(text, mentions)
        natasha, moscow = named(entities, "Natásha"), named(entities, "Moscow")
        assert (natasha.category, moscow.category) == ("person", "place")
        assert {m.label for m in natasha.mentions} == {"PERSON"}
        assert {m.model_label for m in natasha.mentions} == {"GPE"}

    def test_one_stray_label_does_not_decide_a_group(self) -> None:
        text = (
            "The battle of Borodinó began. At Borodinó the guns spoke. Borodinó burned. "
            "He rode to Borodinó. The field of Borodinó was red."
        )
        mentions = labelled(text, ("Borodinó", "GPE")) + labelled(text)
        mentions[2] = Mention(mentions[2].start, mentions[2].end, "PERSON", "Borodinó")
        [borodino] = entities_of(text, mentions)
        assert borodino.category == "place"
        assert [m.label for m in borodino.mentions] == ["GPE"] * 5

    def test_a_name_mostly_after_the_takes_the_models_next_kind(self) -> None:
        text = (
            "The Rhetor came in; he sat. The Rhetor spoke and he left. Then the Rhetor rose, "
            "and he bowed. Mr. Gardiner sat. The Gardiners came. Mr. Gardiner left. We saw the "
            "Gardiners, the Gardiners. Did the Tugendbund save Europe? The Tugendbund met. Tugendbund is old. "
            "Join the Tugendbund now."
        )
        mentions = labelled(
            text,
            ("Tugendbund@1", "PERSON"),
            ("Tugendbund@2", "PERSON"),
            ("Tugendbund@3", "ORG"),
            ("Tugendbund@4", "PERSON"),
            ("Rhetor@1", "PERSON"),
            ("Rhetor@2", "ORG"),
            ("Rhetor@3", "PERSON"),
            ("Gardiner", "PERSON"),
            ("Gardiners@1", "ORG"),
            ("Gardiners@2", "PERSON"),
            ("Gardiners@3", "PERSON"),
        )
        entities = entities_of(text, mentions)
        # A name takes "the" for a title, a family, or someone "he" follows.
        assert {e.name: e.category for e in entities} == {
            "Tugendbund": "organisation",
            "Rhetor": "person",
            "Mr. Gardiner": "person",
            "Gardiners": "person",
        }

    def test_a_split_model_and_place_words_make_a_place(self) -> None:
        text = "They lived in Clapham. Clapham was green. We stopped at Clapham. Clapham grew."
        mentions = labelled(
            text,
            ("Clapham@1", "PERSON"),
            ("Clapham@2", "GPE"),
            ("Clapham@3", "PERSON"),
            ("Clapham@4", "ORG"),
        )
        [clapham] = entities_of(text, mentions)
        assert (clapham.category, {m.label for m in clapham.mentions}) == ("place", {"GPE"})

    def test_a_list_of_places_holds_places(self) -> None:
        text = (
            "Jena fell. Austerlitz burned. Think of Arcola, Jena, Austerlitz, Wagram. After "
            "Jena and Wagram came peace. Wagram was won. Richard and Jena; Richard III reigned. "
            "Richard, Austerlitz."
        )
        mentions = labelled(
            text,
            ("Jena", "GPE"),
            ("Austerlitz", "GPE"),
            ("Arcola", "GPE"),
            ("Wagram", "PERSON"),
            ("Richard", "PERSON"),
            ("Richard III", "PERSON"),
        )
        mentions = [m for m in mentions if not text.startswith(" III", m.end)]
        entities = entities_of(text, mentions)
        # "Richard" is the given name of a fuller name: a person's, whatever list holds it.
        richard = named(entities, "Richard III")
        assert (named(entities, "Wagram").category, richard.category) == ("place", "person")
        assert len(richard.mentions) == 3

    def test_weak_evidence_stays_with_the_model(self) -> None:
        text = (
            "Jarndyce drones on. Nobody in Jarndyce knows. Jarndyce and Jarndyce goes on. "
            "Parties of Jarndyce die. Jarndyce still drags."
        )
        [jarndyce] = entities_of(text, labelled(text, ("Jarndyce", "PERSON")))
        assert jarndyce.category == "person"

    def test_estates_the_model_calls_people_are_places(self) -> None:
        text = (
            "They dined at Netherfield. She walked to Netherfield. The ball in Netherfield was "
            "gay. From Netherfield came news. Netherfield Park was let."
        )
        mentions = labelled(text, ("Netherfield", "PERSON"))
        entities = entities_of(text, mentions)
        assert {e.category for e in entities} == {"place"}
        assert {m.label for e in entities for m in e.mentions} == {"GPE"}

    def test_a_river_the_model_calls_a_person_is_a_place(self) -> None:
        # No one's name takes "the": "across the Dnieper" is a place.
        text = (
            "They fled beyond the Dnieper. The enemy was at the Dnieper. Cossacks swam across "
            "the Dnieper. The bridge over the Dnieper burned."
        )
        [dnieper] = entities_of(text, labelled(text, ("Dnieper", "PERSON")))
        assert dnieper.category == "place"

    def test_a_country_that_speaks_in_the_news_stays_a_country(self) -> None:
        text = "Beijing said on Monday it would respond. Beijing says the talks failed."
        [beijing] = entities_of(text, labelled(text, ("Beijing", "GPE")))
        assert beijing.category == "place"

    def test_a_title_makes_a_person_whatever_the_label(self) -> None:
        text = "Ms Okafor arrived."
        [okafor] = entities_of(text, labelled(text, ("Ms Okafor", "GPE")))
        assert (okafor.category, okafor.mentions[0].label) == ("person", "PERSON")

    def test_labels_inside_a_category_keep_their_kind(self) -> None:
        text = "Bald Hills is an estate. At Bald Hills the Volga is near. Bald Hills slept."
        mentions = labelled(text, ("Bald Hills@1", "GPE"), ("Bald Hills@2", "LOC"))
        mentions += labelled(text, ("Bald Hills@3", "ORG"), ("Volga", "LOC"))
        entities = entities_of(text, sorted(mentions))
        hills = named(entities, "Bald Hills")
        assert hills.category == "place"
        # Its own place labels stay; the ORG takes the group's most frequent place label.
        assert [m.label for m in hills.mentions] == ["GPE", "LOC", "GPE"]

    def test_nationalities_stay_groups(self) -> None:
        text = (
            "The French fled. He spoke in French. The Frenchmen ran. A Frenchman stood there. "
            "Frenchmen sang. He wrote in French."
        )
        mentions = labelled(text, ("French", "NORP"), ("Frenchmen", "GPE"), ("Frenchman", "ORG"))
        entities = entities_of(text, mentions)
        assert {e.name: e.category for e in entities} == {
            "French": "other",
            "Frenchmen": "other",
            "Frenchman": "other",
        }


# -- people -----------------------------------------------------------------------------------


class TestPeople:
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
