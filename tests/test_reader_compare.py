"""The compare view in the reader (``--compare GOLD``), driven by Textual's pilot: marks, ] and [
through disagreements, the summary line, taking gold's or the model's version, undo; and the
command line's checks of the gold before the reader starts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from compare_support import GOLD_ONLY_TEXT, GOLD_SPAN, LABEL, MODEL_ONLY, SPAN, sample_gold
from compare_support import write_gold as write_sample_gold
from reader_support import MakeReader, Session, status, wait_for
from rich.style import Style
from sample import SAMPLE
from test_export_cli import one_error_line
from textual.widgets import Label

from extract.corrections import CorrectionStore, open_for
from extract.document import Document
from tui.cli import main
from tui.comparing import Gold
from tui.theme import GOLD_COLOURS, category_colour

AFP = SAMPLE.read_text(encoding="utf-8").index(GOLD_ONLY_TEXT)


def summary(session: Session) -> str:
    return str(session.screen.query_one("#compare-scores", Label).content)


def tally(session: Session) -> str:
    return str(session.screen.query_one("#compare-tally", Label).content)


def style_at(session: Session, offset: int) -> Style:
    """The style the article draws the character at ``offset`` with (scrolled into view)."""
    article = session.screen.article
    article.scroll_to_offset(offset)
    row = article.wrapped.row_of(offset)
    strip = article.render_line(row - round(article.scroll_y))
    position = article.wrapped.row_starts[row]
    for segment in strip:
        if position <= offset < position + len(segment.text):
            return segment.style or Style()
        position += len(segment.text)
    raise AssertionError(f"offset {offset} is not drawn")


def strict_f1(session: Session) -> float:
    said = summary(session)
    return float(said.split(" F1 ")[1].split(" ")[0])


async def step(session: Session, key: str = "right_square_bracket") -> str:
    before = (status(session.app), tally(session))
    await session.pilot.press(key)
    await wait_for(
        session.pilot,
        lambda: (status(session.app), tally(session)) != before,
        f"{key} to move",
    )
    return status(session.app)


@pytest.fixture
def gold(sample_document: Document) -> Gold:
    return sample_gold(sample_document.text)


@pytest.fixture
def store(sample_document: Document, tmp_path: Path) -> CorrectionStore:
    """The sample's corrections, in a file of the test's own."""
    return open_for(sample_document.source, sample_document.sha256, tmp_path / "c.json")


@asynccontextmanager
async def comparing(make_reader: MakeReader, gold: Gold, **options: Any) -> AsyncIterator[Session]:
    """The reader on the sample compared with ``gold``, once the scores show."""
    async with make_reader(gold=gold, **options) as session:
        await wait_for(session.pilot, lambda: "strict" in summary(session), "the scores")
        yield session


@pytest.mark.asyncio
async def test_the_article_marks_each_kind(make_reader: MakeReader, gold: Gold) -> None:
    async with comparing(make_reader, gold) as session:
        agree = style_at(session, 25)  # ISIS, in gold as shown
        assert agree.bgcolor is not None
        assert agree.bgcolor.name == category_colour("organisation", dark=True)
        assert not (agree.strike or agree.bold or agree.italic)
        model_only = style_at(session, MODEL_ONLY[0])
        assert model_only.strike and model_only.bgcolor is not None
        label = style_at(session, LABEL[0])
        assert label.bold and label.underline and label.bgcolor is not None
        span = style_at(session, SPAN[0])
        assert span.bold and span.underline and not span.strike
        for offset in (GOLD_SPAN[0], AFP):  # gold's beyond a shown mention, and gold's alone
            gold_part = style_at(session, offset)
            assert gold_part.italic and gold_part.bold
            assert gold_part.bgcolor == style_at(session, 5).bgcolor  # the text's own
            assert gold_part.color is not None and gold_part.color.name == GOLD_COLOURS[0]


@pytest.mark.asyncio
async def test_marks_differ_without_colour(
    make_reader: MakeReader, gold: Gold, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with comparing(make_reader, gold) as session:
        seen = {
            kind: style_at(session, offset)
            for kind, offset in (
                ("agree", 25),
                ("model", MODEL_ONLY[0]),
                ("label", LABEL[0]),
                ("gold", AFP),
            )
        }
        plain = style_at(session, 5)  # a space: the text's own colours
        assert all((s.color, s.bgcolor) == (plain.color, plain.bgcolor) for s in seen.values())
        attributes = {
            kind: (bool(s.underline), bool(s.strike), bool(s.bold), bool(s.italic))
            for kind, s in seen.items()
        }
        assert len(set(attributes.values())) == 4, attributes  # each kind looks different
        assert attributes["agree"] == (True, False, False, False)  # as the reader marks any


@pytest.mark.asyncio
async def test_brackets_step_through_disagreements_only(
    make_reader: MakeReader, gold: Gold
) -> None:
    async with comparing(make_reader, gold) as session:
        assert tally(session) == "4 disagreements"
        assert summary(session).endswith("· 1 model only, 1 gold only, 1 label, 1 span")
        said = [await step(session) for _ in range(4)]
        assert said[0].startswith("Haider al-Abadi · Person") and "not in gold" in said[0]
        assert said[1].endswith('gold: "Prime Minister Haider al-Abadi" · PERSON')
        assert said[2].startswith("Sadr City · Place") and said[2].endswith("GPE · gold: FAC")
        assert said[3] == 'gold only: "AFP" · ORG'
        assert tally(session) == "disagreement 4/4"
        assert await step(session, "left_square_bracket") == said[2]
        assert tally(session) == "disagreement 3/4"
        # d: every mention; the next one after Sadr City is an agreement.
        await session.pilot.press("d")
        following = await step(session)
        assert "agrees with gold" in following
        assert "every mention" in session.told[-1]


@pytest.mark.asyncio
async def test_taking_gold_saves_a_correction_updates_the_summary_and_undoes(
    make_reader: MakeReader, gold: Gold, store: CorrectionStore
) -> None:
    async with comparing(make_reader, gold, store=store) as session:
        before = strict_f1(session)
        for _ in range(3):
            await step(session)  # to Sadr City: GPE, gold FAC
        await session.pilot.press("t")
        await wait_for(session.pilot, lambda: bool(store.log), "the correction to be saved")
        assert [(c.op, c.label) for c in store.log] == [("add", "FAC")]
        assert strict_f1(session) > before
        assert status(session.app).endswith("FAC ✎ · agrees with gold")
        assert tally(session).startswith("3 disagreements")
        saved = json.loads(Path(store.path).read_text(encoding="utf-8"))
        assert [c["op"] for c in saved["corrections"]] == ["add"]
        await session.pilot.press("u")
        await wait_for(session.pilot, lambda: not store.log, "the undo")
        assert strict_f1(session) == before
        assert tally(session) == "disagreement 3/4"  # Sadr City differs again


@pytest.mark.asyncio
async def test_taking_each_side_of_each_kind(
    make_reader: MakeReader, gold: Gold, store: CorrectionStore
) -> None:
    async with comparing(make_reader, gold, store=store) as session:
        await step(session)  # Abadi: the model's only; keep it, as the user's
        await session.pilot.press("T")
        await wait_for(session.pilot, lambda: len(store.log) == 1, "the keep")
        assert "PERSON ✎ · not in gold" in status(session.app)
        await session.pilot.press("T")  # already the user's: nothing more is recorded
        await session.pilot.pause()
        assert len(store.log) == 1 and "yours already" in session.told[-1]
        await session.pilot.press("t")  # gold's: no mention there
        await wait_for(session.pilot, lambda: len(store.log) == 2, "the removal")
        assert store.log[-1].op == "remove_mention"
        assert await step(session) == (
            'Haider al-Abadi · Person · mention 1/4 · PERSON · gold: "Prime Minister Haider '
            'al-Abadi" · PERSON'
        )
        await session.pilot.press("t")
        await wait_for(session.pilot, lambda: len(store.log) == 3, "the resize")
        assert store.log[-1].op == "resize"
        current = session.screen.current
        assert current is not None and (current.start, current.end) == GOLD_SPAN
        assert status(session.app).endswith("PERSON ✎ · agrees with gold")
        await step(session)  # Sadr City
        assert await step(session) == 'gold only: "AFP" · ORG'
        await session.pilot.press("T")  # the model has nothing here
        await session.pilot.pause()
        assert len(store.log) == 3 and "nothing here" in session.told[-1]
        await session.pilot.press("t")
        await wait_for(session.pilot, lambda: len(store.log) == 4, "the add")
        assert status(session.app).startswith("AFP · Organisation · mention 1/1 · ORG ✎")
        assert tally(session) == "disagreement 1/1" or tally(session).startswith("1 disagree")


@pytest.mark.asyncio
async def test_hidden_categories_and_the_palette(make_reader: MakeReader, gold: Gold) -> None:
    async with comparing(make_reader, gold) as session:
        screen = session.screen
        titles = [key.title for key in screen.keys if key.id in ("take_gold", "keep_model")]
        assert titles and all(
            screen.offers(key) for key in screen.keys if key.title in titles
        )  # the palette offers them while comparing
        await session.pilot.press("1")  # People hidden: Abadi and Haider al-Abadi with them
        await wait_for(session.pilot, lambda: "hidden" in tally(session), "the tally")
        assert tally(session) == "2 disagreements (2 hidden)"
        assert await step(session) == "Sadr City · Place · mention 1/1 · GPE · gold: FAC"


@pytest.mark.asyncio
async def test_compared_without_a_model_and_from_a_kept_view(
    make_reader: MakeReader, gold: Gold, cache_dir: Path
) -> None:
    # No model: only the user's mentions are shown, and every gold mention is gold's alone.
    async with comparing(make_reader, gold, annotator=None) as session:
        assert "strict P 0.000 R 0.000 F1 0.000" in summary(session)
        assert summary(session).endswith(f"· {len(gold.mentions)} gold only")
        assert tally(session) == f"{len(gold.mentions)} disagreements"
    # The sample read once keeps its view; opened again, the kept view is compared too.
    async with comparing(make_reader, gold) as first:
        await wait_for(
            first.pilot, lambda: bool(list((cache_dir / "views").glob("*.json"))), "a kept view"
        )
    async with comparing(make_reader, gold) as again:
        assert again.screen._mentions_read is False  # the kept view, not the model's mentions
        assert tally(again) == "4 disagreements"


@pytest.mark.asyncio
async def test_without_gold_there_is_no_compare_view(make_reader: MakeReader) -> None:
    async with make_reader() as session:
        screen = session.screen
        assert not screen.query("#comparebar")
        assert screen.check_action("take_gold", ()) is False
        assert screen.check_action("toggle_disagreements", ()) is False
        await session.pilot.press("right_square_bracket", "t")
        await session.pilot.pause()
        assert status(session.app) == "Iraqi · Other · mention 1/4 · NORP"
        assert not [said for said in session.told if "compare" in said.lower()]


# -- the command line -------------------------------------------------------------------------


def test_bad_gold_is_one_line_before_the_reader_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"text": "Another text.", "label": []}) + "\n")
    outside = tmp_path / "outside.jsonl"
    outside.write_text(json.dumps({"text": text, "label": [[10, len(text) + 5, "ORG"]]}) + "\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    conll = tmp_path / "gold.conll"
    conll.write_text("Iraqi B-NORP\n", encoding="utf-8")
    for gold, said in (
        (other, "annotations of another text"),
        (outside, "is not inside the text"),
        (broken, "broken.json"),
    ):
        assert main([str(SAMPLE), "--compare", str(gold), "--no-ner"]) == 1
        assert said in one_error_line(capsys.readouterr().err)
    assert main(["--compare", str(conll)]) == 1  # CoNLL carries no text: FILE is needed
    assert "holds no text" in one_error_line(capsys.readouterr().err)
    assert main([str(SAMPLE), "--label-map", str(conll), "--no-ner"]) == 1
    assert "--compare" in one_error_line(capsys.readouterr().err)


def test_good_gold_gets_as_far_as_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    gold = write_sample_gold(tmp_path / "gold.jsonl", text)
    label_map = tmp_path / "map.txt"
    label_map.write_text("FAC place\nGPE place\n", encoding="utf-8")
    for args in (
        [str(SAMPLE), "--compare", str(gold), "--no-ner"],
        ["--compare", str(gold), "--no-ner"],  # onto the text the gold carries
        [str(SAMPLE), "--compare", str(gold), "--label-map", str(label_map), "--no-ner"],
    ):
        assert main(args) == 1
        assert "needs a terminal" in one_error_line(capsys.readouterr().err)


def test_help_names_the_compare_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for said in ("--compare GOLD", "--compare-format F", "--label-map FILE", "Comparing with gold"):
        assert said in out
    assert "take gold's version of this disagreement (--compare)" in out


@pytest.mark.asyncio
async def test_on_a_narrow_screen_the_sidebar_over_the_text_leaves_the_compare_bar_in_sight(
    make_reader: MakeReader, gold: Gold
) -> None:
    async with comparing(make_reader, gold, size=(60, 20)) as session:
        await session.pilot.press("l")
        await session.pilot.pause()
        side = session.screen.query_one("#side").region
        compared = session.screen.query_one("#comparebar").region
        assert side.width >= 26 and side.y == 1 and side.bottom == compared.y
        assert compared.bottom == session.screen.query_one("#statusbar").region.y
