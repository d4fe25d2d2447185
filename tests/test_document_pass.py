"""The document-level pass: spans mended and categories voted over the whole document.

Each rule in miniature on hand-built mentions (no model); people, spreading names and bad input
are in test_document_pass_people.py, the real model on the samples in
test_document_pass_prose.py.
"""

from __future__ import annotations

import pytest
from pass_support import entities_of, holding, labelled, named

from extract.document_pass import prepare
from extract.model import Mention

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

    @pytest.mark.parametrize(
        ("written", "names"),
        [
            ("genius-Speránski", ["Speránski"]),
            ("von Bergs-have", ["von Bergs"]),
            ('Natásha-"It', ["Natásha"]),
            ('now"-Michael Ivánovich', ["Michael Ivánovich"]),
            ('Queequeg!-Queequeg!"-all', ["Queequeg", "Queequeg"]),
            ("Kim Jong-un", ["Kim Jong-un"]),
            ("Monsieur de Bal-machève", ["Monsieur de Bal-machève"]),
            ("Aide-de-camp", ["Aide-de-camp"]),
            ("Haider al-Abadi", ["Haider al-Abadi"]),
        ],
    )
    def test_a_hyphen_written_for_a_dash_ends_a_name(self, written: str, names: list[str]) -> None:
        # Old books write a dash as a hyphen: a small word or a quotation beyond it is no name.
        text = f"Then {written} came."
        mention = Mention(5, 5 + len(written), "PERSON", written)
        assert [m.text for m in prepare(text, [mention])] == names

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
        [
            ("Mamma", "PERSON"),
            ("Uncle", "PERSON"),
            ("CHAPTER IX", "ORG"),
            ("china", "GPE"),
            ("Bonjour", "PERSON"),  # French quoted in an English novel
            ("Schön gut Morgen", "PERSON"),
        ],
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

    def test_kin_before_a_name_says_person(self) -> None:
        text = "My niece Georgiana sang. Her cousin Georgiana played. Georgiana read a book."
        [georgiana] = entities_of(text, labelled(text, ("Georgiana", "GPE")))
        assert (georgiana.category, georgiana.mentions[0].label) == ("person", "PERSON")

    def test_a_name_the_model_calls_a_place_that_she_follows_is_a_person(self) -> None:
        # Once "my niece Georgiana", and "she" or "her" after every mention: one cue only a
        # person earns is enough where the pronouns agree and nothing says place.
        text = (
            "My niece Georgiana went away; she was fifteen. Georgiana is shy, and she sings. "
            "Georgiana was eager; her brother smiled. I think Georgiana has her equal nowhere."
        )
        [georgiana] = entities_of(text, labelled(text, ("Georgiana", "GPE")))
        assert (georgiana.category, georgiana.mentions[0].label) == ("person", "PERSON")

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

    def test_a_name_only_after_an_article_with_no_other_label_is_no_one(self) -> None:
        text = (
            "They prayed for the Synod. A prayer came from the Synod. The Synod met. Pierre sat "
            "like a Turk. Give the Turk some jelly."
        )
        mentions = labelled(text, ("Synod", "PERSON"), ("Turk", "PERSON"), ("Pierre", "PERSON"))
        entities = entities_of(text, mentions)
        # One thing ("the Synod") is a body; one of a kind ("a Turk") a group's name.
        assert {e.name: e.category for e in entities} == {
            "Synod": "organisation",
            "Turk": "other",
            "Pierre": "person",
        }
        assert {m.label for m in named(entities, "Synod").mentions} == {"ORG"}

    def test_words_around_a_name_that_say_place(self) -> None:
        text = (
            "Kutúzov went to Dóbroe whither his staff had gone. Near Dóbroe the men rested. "
            "They rode to the Lyádov upland; the Lyádov road was long. They left for Tsérkov "
            "where the regiment was. He left for Tsérkov. Stores lay by the river Oká. The "
            "river Oká froze."
        )
        names = ("Dóbroe", "Lyádov", "Tsérkov", "Oká")
        mentions = labelled(text, ("Kutúzov", "PERSON"), *((n, "PERSON") for n in names))
        entities = entities_of(text, mentions)
        assert {n: named(entities, n).category for n in names} == dict.fromkeys(names, "place")

    def test_to_a_persons_house_is_no_place(self) -> None:
        # "went to Iogel’s": someone's house (or ball), so a person's name.
        text = (
            "We drove to Iogel’s ball. They rode to Iogel’s again. The dance at Iogel’s was "
            "gay. She came home from Iogel’s late."
        )
        [iogel] = entities_of(text, labelled(text, ("Iogel", "PERSON")))
        assert iogel.category == "person"

    def test_a_model_split_between_person_and_organisation_yields_to_place_words(self) -> None:
        text = (
            "The army stood at Filí. A battle at Filí was impossible. The retreat from Filí "
            "began. Before reaching Filí they halted."
        )
        mentions = labelled(
            text, ("Filí@1", "PERSON"), ("Filí@2", "ORG"), ("Filí@3", "ORG"), ("Filí@4", "PERSON")
        )
        [fili] = entities_of(text, mentions)
        assert (fili.category, {m.label for m in fili.mentions}) == ("place", {"GPE"})

    def test_at_a_familys_house_is_no_place(self) -> None:
        text = (
            "They dined at the Karágins’. We drove to the Karágins’ house. From the Karágins’ "
            "came news. The Karágins’ ball was gay."
        )
        [karagins] = entities_of(text, labelled(text, ("Karágins", "PERSON")))
        assert karagins.category == "person"

    def test_a_place_word_before_a_possessive_is_the_owned_things(self) -> None:
        # "into Plato’s head": the head is the place, Plato its owner.
        text = (
            "Men fell into Plato’s honey head. In Plato’s books all is said. Read Plato. "
            "Plato taught."
        )
        [plato] = entities_of(text, labelled(text, ("Plato", "PERSON")))
        assert plato.category == "person"

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
