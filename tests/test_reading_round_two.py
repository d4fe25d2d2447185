"""The reading's newer moves, without a pilot: match i/N, the `:` prompt, growing and
shrinking a mention by a word."""

from __future__ import annotations

import pytest
from test_reading import EVERYTHING, MENTIONS, TEXT, reading, step

from extract import corrections
from extract.model import Mention
from tui.layout import line_starts
from tui.reading import END, NO_ENTITY, Notice, Progress, Reading, go_to, resized
from tui.view import derive

# -- match i/N ----------------------------------------------------------------------------------


def test_a_search_counts_its_matches_and_n_keeps_the_count() -> None:
    state, _ = reading().search("PARIS", visible=EVERYTHING)
    assert state.hits == tuple(
        (start, start + 5) for start in (TEXT.index("Paris"), TEXT.rindex("Paris"))
    )
    assert state.match_place == (1, 2)
    state, _ = state.step_same(forward=True, visible=EVERYTHING)
    assert state.match_place == (2, 2)
    state, notice = state.step_same(forward=True, visible=EVERYTHING)
    assert state.match_place == (1, 2) and notice == Notice("Search wrapped around.", 2)
    state, _ = state.step_same(forward=False, visible=EVERYTHING)
    assert state.match_place == (2, 2)
    missed, _ = reading().search("Rome", visible=EVERYTHING)
    assert missed.hits == () and missed.match_place is None
    left = state.leave_search()
    assert left.match_place is None


def test_n_from_the_view_goes_to_the_first_match_below_its_top() -> None:
    state, _ = reading().search("macron", visible=EVERYTHING)
    later = TEXT.index("Later")
    moved, _ = state.leave_search().search("macron", visible=(later, len(TEXT)))
    assert moved.match == (TEXT.rindex("Macron"), TEXT.rindex("Macron") + 6)
    assert moved.match_place == (2, 2)


# -- the `:` prompt -----------------------------------------------------------------------------

LINES_TEXT = "".join(f"line {n}\n" for n in range(1, 101))
LINES = list(line_starts(LINES_TEXT))


@pytest.mark.parametrize(("answer", "line"), [("1", 1), ("42", 42), (" 7 ", 7), ("0", 1)])
def test_a_line_number_goes_to_the_start_of_that_line(answer: str, line: int) -> None:
    offset, notice = go_to(answer, LINES, len(LINES_TEXT))
    assert notice is None
    assert offset == LINES[line - 1]
    assert LINES_TEXT[offset:].startswith(f"line {line}\n")


@pytest.mark.parametrize("share", ["0%", "50%", "12.5 %", ".5%", "99%"])
def test_a_share_goes_to_the_start_of_the_line_holding_it(share: str) -> None:
    offset, notice = go_to(share, LINES, len(LINES_TEXT))
    assert notice is None and isinstance(offset, int) and offset in LINES
    wanted = int(len(LINES_TEXT) * float(share.strip(" %")) / 100)
    assert offset <= wanted < LINES_TEXT.index("\n", offset) + 1


def test_past_the_end_goes_to_the_end() -> None:
    assert go_to("100%", LINES, len(LINES_TEXT)) == (END, None)
    offset, notice = go_to("5000", LINES, len(LINES_TEXT))
    assert offset == END
    assert notice == Notice("The text has 101 lines: this is the end.", 3)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("150%", "150% is past the end: give 0% to 100%."),
        ("abc", "Go to what? 'abc': give a line number or a share like 50%."),
        ("-3", "Go to what? '-3': give a line number or a share like 50%."),
        ("%", "Go to what? '%': give a line number or a share like 50%."),
        ("x" * 30, f"Go to what? '{'x' * 20}…': give a line number or a share like 50%."),
    ],
)
def test_nonsense_gets_a_one_line_notice_and_goes_nowhere(answer: str, said: str) -> None:
    offset, notice = go_to(answer, LINES, len(LINES_TEXT))
    assert offset is None
    assert notice is not None and notice.text == said and "\n" not in notice.text


# -- growing and shrinking a mention ------------------------------------------------------------

NEWS = (
    "Haider al-Abadi met candidates in Baghdad on May 1, 2018 ahead of the vote.\n\n"
    "Prince Andrew came.\n"
)


def span(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def mention(piece: str, label: str = "DATE") -> Mention:
    start, end = span(NEWS, piece)
    return Mention(start, end, label, piece)


def test_shrinking_takes_a_word_or_a_mark_off_either_end() -> None:
    date = mention("May 1, 2018 ahead")
    assert resized(NEWS, date, "end", grow=False) == (span(NEWS, "May 1, 2018"), None)
    shorter = mention("May 1, 2018")
    assert resized(NEWS, shorter, "end", grow=False) == (span(NEWS, "May 1,"), None)
    assert resized(NEWS, mention("May 1,"), "end", grow=False) == (span(NEWS, "May 1"), None)
    assert resized(NEWS, date, "start", grow=False) == (span(NEWS, "1, 2018 ahead"), None)


def test_growing_takes_in_the_next_word_and_never_crosses_a_paragraph() -> None:
    abadi = mention("Abadi", "PERSON")
    grown, notice = resized(NEWS, abadi, "start", grow=True)
    assert (grown, notice) == (span(NEWS, "al-Abadi"), None)  # the rest of its own word
    name = mention("Haider al-Abadi", "PERSON")
    assert resized(NEWS, name, "end", grow=True) == (span(NEWS, "Haider al-Abadi met"), None)
    assert resized(NEWS, name, "start", grow=True) == (
        None,
        Notice("There is nothing there to grow into.", 3),
    )
    vote = mention("the vote.", "EVENT")
    assert resized(NEWS, vote, "end", grow=True) == (
        None,
        Notice("A mention does not run across a paragraph break.", 3),
    )


def test_one_word_does_not_shrink() -> None:
    baghdad = mention("Baghdad", "GPE")
    for edge in ("start", "end"):
        assert resized(NEWS, baghdad, edge, grow=False) == (  # type: ignore[arg-type]
            None,
            Notice("'Baghdad' is one word: it cannot shrink (X removes the mention).", 4),
        )


def news_reading(mentions: list[Mention], current: Mention | None) -> Reading:
    view = derive(NEWS, mentions, [], frozenset({"person", "place", "date"}), document_pass=False)
    state = Reading(NEWS, view, Progress("done", len(NEWS), len(NEWS)))
    return state.at(view.index.find(current.start, current.end)) if current else state


def test_growing_into_another_mention_takes_it_in_whole() -> None:
    prince, andrew = mention("Prince", "PERSON"), mention("Andrew came", "PERSON")
    state = news_reading([prince, andrew], prince)
    plan, notice = state.resize("end", grow=True)
    assert notice is None and plan is not None
    assert plan.mention == state.current
    assert plan.span == span(NEWS, "Prince Andrew came")
    assert [m.text for m in plan.absorbs] == ["Andrew came"]
    alone, _ = news_reading([prince], prince).resize("end", grow=True)
    assert alone is not None and alone.span == span(NEWS, "Prince Andrew") and not alone.absorbs


def test_no_current_mention_no_resize() -> None:
    assert news_reading([mention("Prince", "PERSON")], None).resize("end", grow=True) == (
        None,
        NO_ENTITY,
    )


def test_the_current_mention_of_the_sample_text_shrinks() -> None:
    state = step(reading(), 1)
    assert state.current is not None and state.current.text == "Angela Merkel"
    plan, notice = state.resize("start", grow=False)
    assert notice is None and plan is not None
    assert plan.span == span(TEXT, "Merkel") and plan.absorbs == ()
    assert MENTIONS  # the shared mentions are untouched


# -- after a correction -------------------------------------------------------------------------


def test_a_correction_lands_on_the_mention_it_made_once_its_view_is_in() -> None:
    state = reading().with_applying(True)
    assert state.applying and not state.with_applying(False).applying
    start = TEXT.index("Later")
    span = (start, start + len("Later"))
    assert state.onto(span) is state  # not in this view: nothing moves
    added = [corrections.add(TEXT, *span, "PERSON", everywhere=False)]
    landed = state.with_view(derive(TEXT, MENTIONS, added, state.shown)).onto(span)
    assert landed.current is not None and (landed.current.start, landed.current.end) == span
    assert landed.entity is not None and landed.entity.name == "Later"
    assert landed.sent_to == "current"  # the article brings it into view
