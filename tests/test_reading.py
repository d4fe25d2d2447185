"""The reading state and its moves, on texts and mentions made by hand: no model, no pilot."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extract import corrections
from extract.model import Mention
from tui.reading import Notice, Progress, Reading, snap_to_words
from tui.view import ALL_CATEGORIES, EMPTY_VIEW, derive

TEXT = (
    "Angela Merkel met Emmanuel Macron in Paris.\n\n"
    "Later Merkel flew to Berlin, and Macron stayed in Paris with Siemens.\n"
)


def at(text: str, piece: str, label: str, nth: int = 0) -> Mention:
    """The ``nth`` occurrence of ``piece`` as a mention."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return Mention(start, start + len(piece), label, piece)


MENTIONS = [
    at(TEXT, "Angela Merkel", "PERSON"),
    at(TEXT, "Emmanuel Macron", "PERSON"),
    at(TEXT, "Paris", "GPE"),
    at(TEXT, "Merkel", "PERSON", 1),
    at(TEXT, "Berlin", "GPE"),
    at(TEXT, "Macron", "PERSON", 1),
    at(TEXT, "Paris", "GPE", 1),
    at(TEXT, "Siemens", "ORG"),
]
EVERYTHING = (0, len(TEXT))
"""The whole text on screen."""


def reading(shown: frozenset[str] = ALL_CATEGORIES) -> Reading:
    view = derive(TEXT, MENTIONS, [], shown)
    return Reading(TEXT, view, Progress("done", len(TEXT), len(TEXT)))


def names(state: Reading) -> list[str]:
    return [state.view.index.entity_of(m).name for m in state.view.index.mentions]  # type: ignore[union-attr]


def step(state: Reading, times: int, visible: tuple[int, int] = EVERYTHING) -> Reading:
    for _ in range(times):
        state, _notice = state.step(forward=True, visible=visible)
    return state


# -- derive -------------------------------------------------------------------------------------


def test_derive_groups_the_mentions_and_indexes_the_shown_categories() -> None:
    view = derive(TEXT, MENTIONS, [], ALL_CATEGORIES)
    assert sorted((e.name, len(e.mentions)) for e in view.entities) == [
        ("Angela Merkel", 2),
        ("Berlin", 1),
        ("Emmanuel Macron", 2),
        ("Paris", 2),
        ("Siemens", 1),
    ]
    assert len(view.index) == len(MENTIONS) == view.mention_count
    places = derive(TEXT, MENTIONS, [], frozenset({"place"}))
    assert [m.text for m in places.index.mentions] == ["Paris", "Berlin", "Paris"]
    assert places.mention_count == len(MENTIONS)  # hidden, not gone


def test_derive_applies_the_corrections() -> None:
    siemens = next(e for e in derive(TEXT, MENTIONS, [], ALL_CATEGORIES).entities)
    assert siemens.name == "Angela Merkel"
    edits = [
        corrections.relabel(siemens, "ORG"),
        corrections.add(TEXT, 18, 26, "PERSON", everywhere=False),
    ]
    view = derive(TEXT, MENTIONS, edits, ALL_CATEGORIES)
    merkel = next(e for e in view.entities if e.name == "Angela Merkel")
    assert merkel.category == "organisation"
    assert {(m.label, m.source) for m in merkel.mentions} == {("ORG", "user")}
    assert view.unplaced == ()
    elsewhere = corrections.add("Somebody else entirely", 0, 8, "PERSON", everywhere=False)
    assert derive(TEXT, MENTIONS, [elsewhere], ALL_CATEGORIES).unplaced == (elsewhere,)


def test_showing_other_categories_reindexes_without_regrouping() -> None:
    view = derive(TEXT, MENTIONS, [], ALL_CATEGORIES)
    assert view.showing(ALL_CATEGORIES) is view
    people = view.showing(frozenset({"person"}))
    assert people.entities is view.entities
    assert {m.label for m in people.index.mentions} == {"PERSON"}


# -- new views ----------------------------------------------------------------------------------


def test_a_new_view_finds_the_current_mention_again() -> None:
    state = step(reading(), 2)  # Emmanuel Macron
    assert state.current is not None and state.entity is not None
    assert state.entity.name == "Emmanuel Macron"
    relabel = corrections.relabel(state.entity, "ORG")
    moved = state.with_view(derive(TEXT, MENTIONS, [relabel], ALL_CATEGORIES))
    assert moved.current is not None and moved.entity is not None
    assert (moved.current.start, moved.current.label) == (state.current.start, "ORG")
    assert moved.entity.category == "organisation"

    removed = state.with_view(
        derive(TEXT, MENTIONS, [corrections.remove(state.entity)], ALL_CATEGORIES)
    )
    assert removed.current is None and removed.entity is None


def test_a_new_view_keeps_the_shown_categories() -> None:
    state, _ = reading().toggle("person")
    fresh = state.with_view(derive(TEXT, MENTIONS, [], ALL_CATEGORIES))
    assert fresh.shown == ALL_CATEGORIES - {"person"}
    assert "PERSON" not in {m.label for m in fresh.view.index.mentions}


# -- ] and [ ------------------------------------------------------------------------------------


def spans(mentions: list[Mention | None]) -> list[tuple[int, int, str] | None]:
    """Where the mentions are and their labels (the document-level pass notes more)."""
    return [(m.start, m.end, m.label) if m is not None else None for m in mentions]


def test_brackets_walk_every_shown_mention_in_order_and_wrap() -> None:
    state = reading()
    seen = []
    for _ in range(len(MENTIONS)):
        state, notice = state.step(forward=True, visible=EVERYTHING)
        assert notice is None
        seen.append(state.current)
    everything = spans(sorted(MENTIONS))  # type: ignore[arg-type]
    assert spans(seen) == everything
    state, notice = state.step(forward=True, visible=EVERYTHING)
    assert spans([state.current]) == everything[:1]
    assert notice == Notice("Wrapped to the first mention.", 2)
    state, notice = state.step(forward=False, visible=EVERYTHING)
    assert spans([state.current]) == everything[-1:]
    assert notice == Notice("Wrapped to the last mention.", 2)


def test_brackets_count_from_the_view_when_the_current_mention_is_off_screen() -> None:
    state = step(reading(), 1)  # Angela Merkel, in the first paragraph
    second = TEXT.index("Later")
    below = (second, len(TEXT))
    forward, _ = state.step(forward=True, visible=below)
    assert forward.current is not None and forward.current.text == "Merkel"
    assert forward.current.start > second
    backward, _ = forward.step(forward=False, visible=(0, second - 2))
    assert backward.current is not None and backward.current.text == "Paris"
    assert backward.current.start < second


def test_brackets_skip_hidden_categories_and_say_when_there_is_nothing() -> None:
    state, notice = reading().toggle("person")
    assert notice == Notice("People hidden.", 2)
    assert names(state) == ["Paris", "Berlin", "Paris", "Siemens"]
    for category in ("place", "organisation"):
        state, _ = state.toggle(category)
    state, notice = state.step(forward=True, visible=EVERYTHING)
    assert state.current is None and notice == Notice("No mentions in the shown categories.")
    running = Reading(TEXT, EMPTY_VIEW, Progress("running", 10, len(TEXT)))
    assert running.step(forward=True, visible=EVERYTHING)[1] == Notice("No mentions to go to yet.")


def test_hiding_the_current_category_lets_the_current_mention_go() -> None:
    state = step(reading(), 1)
    hidden, _ = state.toggle("person")
    assert hidden.current is None and hidden.entity is None
    shown, notice = hidden.toggle("person")
    assert shown.shown == ALL_CATEGORIES and notice == Notice("People shown.", 2)


# -- n and N ------------------------------------------------------------------------------------


def test_n_follows_the_current_entity_and_wraps() -> None:
    state = reading()
    same, notice = state.step_same(forward=True, visible=EVERYTHING)
    assert same is state
    assert notice == Notice("No current entity: press ] or choose one in the sidebar.", 3)
    state = step(state, 2)  # Emmanuel Macron, 1 of 2
    assert state.current is not None and state.current.text == "Emmanuel Macron"
    state, notice = state.step_same(forward=True, visible=EVERYTHING)
    assert state.current is not None and state.current.text == "Macron" and notice is None
    state, notice = state.step_same(forward=True, visible=EVERYTHING)
    assert state.current is not None and state.current.text == "Emmanuel Macron"
    assert notice == Notice("Wrapped to the first mention of Emmanuel Macron.", 2)
    state, notice = state.step_same(forward=False, visible=EVERYTHING)
    assert state.current is not None and state.current.text == "Macron"
    assert notice == Notice("Wrapped to the last mention of Emmanuel Macron.", 2)


# -- search -------------------------------------------------------------------------------------


def test_search_finds_from_the_top_of_the_view_and_n_repeats_it() -> None:
    starts = [TEXT.index("Paris"), TEXT.index("Paris", TEXT.index("Paris") + 1)]
    state = step(reading(), 1)
    found, notice = state.search("PARIS", visible=EVERYTHING)
    assert found.match == (starts[0], starts[0] + 5) and notice is None
    assert found.searching and found.query == "PARIS"
    assert found.current == state.current  # the current mention stays
    found, notice = found.step_same(forward=True, visible=EVERYTHING)
    assert found.match == (starts[1], starts[1] + 5) and notice is None
    found, notice = found.step_same(forward=True, visible=EVERYTHING)
    assert found.match == (starts[0], starts[0] + 5)
    assert notice == Notice("Search wrapped around.", 2)
    found, _ = found.step_same(forward=False, visible=EVERYTHING)
    assert found.match == (starts[1], starts[1] + 5)

    # From a view further down, a new search starts there.
    later, _ = state.search("paris", visible=(TEXT.index("Later"), len(TEXT)))
    assert later.match == (starts[1], starts[1] + 5)


def test_a_search_that_finds_nothing_warns_and_keeps_n_on_it() -> None:
    state, notice = reading().search("Rome", visible=EVERYTHING)
    assert state.match is None and state.searching
    assert notice == Notice("Not found: Rome", 3, "warning")


def test_choosing_a_mention_or_an_entity_leaves_the_search() -> None:
    state, _ = reading().search("paris", visible=EVERYTHING)
    moved, _ = state.step(forward=True, visible=EVERYTHING)
    assert not moved.searching and moved.match is None and moved.query == "paris"
    macron = next(e for e in state.view.entities if e.name == "Emmanuel Macron")
    chosen = state.choose(macron.id)
    assert chosen.current == macron.mentions[0] and chosen.entity == macron
    assert not chosen.searching and chosen.match is None
    assert state.leave_search().match is None
    assert state.choose("no such entity") is state


def test_choosing_a_hidden_entity_changes_nothing() -> None:
    state, _ = reading().toggle("organisation")
    siemens = next(e for e in state.view.entities if e.name == "Siemens")
    assert state.choose(siemens.id) is state


def test_the_sidebar_order_toggles() -> None:
    state, notice = reading().toggle_order()
    assert state.by_first and notice == Notice("Sidebar: order of first appearance.", 2)
    state, notice = state.toggle_order()
    assert not state.by_first and notice == Notice("Sidebar: most mentioned first.", 2)


# -- snapping a selection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("piece", "words", "expected"),
    [
        ("gela Mer", True, "Angela Merkel"),  # a mouse selection grows to whole words
        (" Paris", True, "Paris"),
        ("Paris.\n", True, "Paris."),
        ("gela Mer", False, "gela Mer"),  # a search match is taken as it is
        (" Paris ", False, "Paris"),
    ],
)
def test_a_selection_snaps_to_words_without_whitespace(
    piece: str, words: bool, expected: str
) -> None:
    start = TEXT.index(piece)
    snapped = snap_to_words(TEXT, (start, start + len(piece)), words=words)
    assert snapped is not None
    assert TEXT[snapped[0] : snapped[1]] == expected


def test_a_selection_of_only_whitespace_snaps_to_nothing() -> None:
    gap = TEXT.index("\n\n")
    assert snap_to_words(TEXT, (gap, gap + 2), words=True) is None
    assert snap_to_words(TEXT, (5, 5), words=True) is None


def test_the_reading_state_needs_no_textual() -> None:
    script = (
        "import json, sys\nimport tui.reading\n"
        "print(json.dumps(sorted(n for n in ('textual', 'rich') if n in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_derive_runs_the_document_level_pass_unless_told_not_to() -> None:
    from sample import SAMPLE, sample_mentions

    text = SAMPLE.read_text(encoding="utf-8")
    mentions = sample_mentions(text)

    def category_of(name: str, view_pass: bool) -> str:
        view = derive(text, mentions, [], ALL_CATEGORIES, document_pass=view_pass)
        return next(e.category for e in view.entities if e.name == name)

    # The model says ORG; over the whole document ("the town of Deshaisha") it is a place.
    assert category_of("Deshaisha", True) == "place"
    assert category_of("Deshaisha", False) == "organisation"  # imported: taken as it is
