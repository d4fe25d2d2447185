"""The compare view's state without a screen: how gold and shown mentions pair up (with the
scorer's own matching), stepping through disagreements, and the corrections that take a side."""

from __future__ import annotations

from collections import Counter

from compare_support import GOLD_ONLY_TEXT, GOLD_SPAN, LABEL, MODEL_ONLY, SPAN, sample_gold
from hypothesis import given, settings
from hypothesis import strategies as st
from sample import SAMPLE, sample_mentions

from extract.document import load
from extract.evaluation import Comparison, Pair, Scores, compare
from extract.model import Entity, Mention
from tui.comparing import Compared, Gold, landed, step, taking, toggle_every
from tui.reading import Reading
from tui.view import ALL_CATEGORIES, View, derive

TEXT = load(str(SAMPLE)).text
EVERYWHERE = (0, len(TEXT))
"""A view showing the whole text: stepping goes from the current pair."""


def entity(*mentions: tuple[int, int, str], category: str = "person") -> Entity:
    made = tuple(Mention(s, e, label, "x" * (e - s)) for s, e, label in mentions)
    return Entity(f"e{made[0].start}", "x", category, made)


def kinds(pairs: list[Pair]) -> list[tuple[str, int, int]]:
    return [(pair.kind, pair.start, pair.end) for pair in pairs]


# -- pairing, with the scorer's matching -------------------------------------------------------


def test_each_kind_of_pair() -> None:
    gold = [
        Mention(0, 5, "PERSON", "x"),  # agrees
        Mention(10, 20, "PERSON", "x"),  # another span, same label
        Mention(30, 35, "ORG", "x"),  # the same span, another label
        Mention(50, 55, "GPE", "x"),  # gold only
        Mention(60, 70, "ORG", "x"),  # another span and another label
    ]
    shown = [
        entity((0, 5, "PERSON"), (12, 20, "PERSON"), (30, 35, "PERSON"), (40, 45, "PERSON")),
        entity((62, 66, "GPE"), category="place"),
    ]
    scores = Scores("label")
    pairs = compare(gold, shown, Comparison(["PERSON", "ORG", "GPE"], None), scores)
    assert kinds(pairs) == [
        ("agree", 0, 5),
        ("span", 10, 20),
        ("label", 30, 35),
        ("model", 40, 45),
        ("gold", 50, 55),
        ("span", 60, 70),
    ]
    crossed = pairs[-1]
    assert (crossed.gold_name, crossed.model_name) == ("ORG", "GPE")
    overall = scores.overall
    # Pairs and scores agree: strict hits are the agreements, lenient ones add the same-name
    # spans; the rest are a false positive and a false negative each.
    assert overall.strict.tp == 1 and overall.lenient.tp == 2
    assert (overall.strict.fp, overall.strict.fn) == (4, 4)
    assert [p.disagrees for p in pairs] == [False, True, True, True, True, True]


def test_mentions_of_categories_gold_lacks_are_out() -> None:
    gold = [Mention(0, 5, "PER", "x"), Mention(10, 15, "LOC", "x")]
    shown = [
        entity((0, 5, "PERSON")),
        entity((10, 15, "GPE"), category="place"),
        entity((20, 24, "DATE"), category="date"),
    ]
    scores = Scores("category")
    pairs = compare(gold, shown, Comparison(["PER", "LOC"], None), scores)
    assert kinds(pairs) == [("agree", 0, 5), ("agree", 10, 15), ("out", 20, 24)]
    assert scores.left_out_predicted == 1
    assert pairs[0].gold_name == pairs[0].model_name == "person"


def _reference_lenient(
    gold: list[tuple[int, int, str]], predicted: list[tuple[int, int, str]]
) -> int:
    """The documented rule, plainly: exact matches first, then each remaining prediction in
    order takes the first free gold of its name that overlaps it."""
    free = Counter(gold)
    hits = 0
    waiting = []
    for item in predicted:
        if free[item] > 0:
            free[item] -= 1
            hits += 1
        else:
            waiting.append(item)
    remaining = sorted(free.elements())
    used = [False] * len(remaining)
    for start, end, name in sorted(waiting):
        for index, (g_start, g_end, g_name) in enumerate(remaining):
            if not used[index] and g_name == name and g_start < end and start < g_end:
                used[index] = True
                hits += 1
                break
    return hits


spans = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from(["PERSON", "ORG"])).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=14,
)


@settings(max_examples=300, deadline=None)
@given(gold=spans, predicted=spans)
def test_pairs_hold_every_mention_once_and_match_the_scores(
    gold: list[tuple[int, int, str]], predicted: list[tuple[int, int, str]]
) -> None:
    gold_mentions = [Mention(s, e, label, "x") for s, e, label in gold]
    shown = [entity(m) for m in predicted]  # one entity per mention: overlaps allowed
    scores = Scores("label")
    pairs = compare(gold_mentions, shown, Comparison(["PERSON", "ORG"], None), scores)
    assert sorted((m.start, m.end, m.label) for p in pairs if (m := p.gold)) == sorted(gold)
    assert sorted((m.start, m.end, m.label) for p in pairs if (m := p.model)) == sorted(predicted)
    overall = scores.overall
    assert overall.strict.tp == sum(p.kind == "agree" for p in pairs)
    assert overall.strict.tp == sum((Counter(gold) & Counter(predicted)).values())
    same_name_spans = sum(p.kind == "span" and p.gold_name == p.model_name for p in pairs)
    assert overall.lenient.tp == overall.strict.tp + same_name_spans
    assert overall.lenient.tp == _reference_lenient(gold, predicted)
    assert [(p.start, p.end) for p in pairs] == sorted((p.start, p.end) for p in pairs)


# -- the sample's gold against what the reader shows -------------------------------------------


def compared_reading() -> Reading:
    view = derive(TEXT, sample_mentions(TEXT), [], ALL_CATEGORIES, gold=sample_gold(TEXT))
    return Reading(TEXT).with_view(view)


def test_the_samples_disagreements() -> None:
    reading = compared_reading()
    compared = reading.view.compared
    assert isinstance(compared, Compared)
    afp = TEXT.index(GOLD_ONLY_TEXT)
    assert [(p.kind, p.start, p.end) for p in compared.pairs if p.disagrees] == [
        ("model", *MODEL_ONLY[:2]),
        ("span", *GOLD_SPAN),
        ("label", *LABEL[:2]),
        ("gold", afp, afp + 3),
    ]
    # What the article marks beyond the shown mentions: gold's alone, and the title gold's
    # span takes in before "Haider al-Abadi".
    marks = [(left, right) for left, right, _ in compared.gold_marks(0, len(TEXT), ALL_CATEGORIES)]
    assert marks == [(GOLD_SPAN[0], SPAN[0]), (afp, afp + 3)]
    people = compared.gold_marks(0, len(TEXT), frozenset({"person"}))
    assert [(left, right) for left, right, _ in people] == marks[:1]


def test_step_goes_through_disagreements_only_and_wraps() -> None:
    reading = compared_reading()
    seen = []
    notices = []
    for _ in range(5):
        reading, notice = step(reading, forward=True, visible=EVERYWHERE)
        assert reading.item is not None
        seen.append(reading.item.kind)
        notices.append(notice.text if notice else None)
    assert seen == ["model", "span", "label", "gold", "model"]
    assert notices[-1] == "Wrapped to the first disagreement."
    # Gold's alone has no shown mention: the reading holds its place.
    back, _ = step(reading, forward=False, visible=EVERYWHERE)
    assert back.current is None and back.item is not None and back.item.kind == "gold"
    assert back.spot == (back.item.start, back.item.end) and back.sent_to == "spot"
    # ] from the reader's own step goes the same way.
    assert (
        back.step(forward=False, visible=EVERYWHERE)[0].item
        == step(back, forward=False, visible=EVERYWHERE)[0].item
    )


def test_hidden_categories_are_stepped_over_and_every_mention_on_request() -> None:
    reading = compared_reading()
    reading, _ = reading.toggle("person")
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)
    assert reading.item is not None and reading.item.kind == "label"
    every, notice = toggle_every(reading)
    assert "every mention" in notice.text
    moved, _ = step(every, forward=True, visible=EVERYWHERE)
    assert moved.item is not None and moved.item.kind == "agree"  # the next pair of any kind


def test_taking_gold_or_the_model_version() -> None:
    reading = compared_reading()
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)  # model only: Abadi
    plan, _ = taking(reading, "gold")
    assert plan is not None and plan.correction.op == "remove_mention"
    kept, _ = taking(reading, "model")
    assert kept is not None and kept.correction.op == "add"
    assert kept.correction.label == "PERSON"
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)  # span: Haider al-Abadi
    plan, _ = taking(reading, "gold")
    assert plan is not None and plan.correction.op == "resize" and plan.span == GOLD_SPAN
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)  # label: Sadr City
    plan, _ = taking(reading, "gold")
    assert plan is not None and plan.correction.op == "add" and plan.correction.label == "FAC"
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)  # gold only: AFP
    plan, _ = taking(reading, "gold")
    assert plan is not None and plan.correction.op == "add" and plan.correction.label == "ORG"
    nothing, notice = taking(reading, "model")
    assert nothing is None and notice is not None and "nothing here" in notice.text


def test_every_side_taken_makes_gold_and_the_reader_agree() -> None:
    reading = compared_reading()
    gold = sample_gold(TEXT)
    log = []
    for _ in range(4):
        reading, _ = step(reading, forward=True, visible=EVERYWHERE)
        plan, _ = taking(reading, "gold")
        assert plan is not None
        log.append(plan.correction)
        view = derive(TEXT, sample_mentions(TEXT), log, ALL_CATEGORIES, gold=gold)
        reading = landed(reading.with_view(view), plan.span)
    compared = reading.view.compared
    assert compared is not None
    assert not [p for p in compared.pairs if p.disagrees]
    assert compared.scores.overall.strict.f1 == 1.0
    _, notice = step(reading, forward=True, visible=EVERYWHERE)
    assert notice is not None and notice.text.startswith("No disagreements")


def test_gold_of_another_scheme_is_taken_with_the_readers_labels() -> None:
    gold = [Mention(0, 5, "PER", TEXT[0:5]), Mention(42, 47, "LOC", TEXT[42:47])]
    shown = [entity((0, 5, "GPE"), category="place")]
    view = View.of(
        shown, ALL_CATEGORIES, gold=Gold("conll", tuple(gold), Comparison(["PER"], None))
    )
    assert view.compared is not None
    assert [p.kind for p in view.compared.pairs] == ["label", "gold"]
    reading = Reading(TEXT).with_view(view)
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)
    plan, _ = taking(reading, "gold")
    assert plan is not None and plan.correction.label == "PERSON"  # PER is a person
    reading, _ = step(reading, forward=True, visible=EVERYWHERE)
    plan, _ = taking(reading, "gold")
    assert plan is not None and plan.correction.label == "LOC"  # spaCy has LOC itself
