"""Corrections for every document of a corpus, on the corpus screen and in the reader (asked:
this document or all documents): kept as corpus rules, reaching documents opened later and
documents added later, undone the same way; a document's own corrections win."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_support import ARTICLES, articles_open, make_session, open_corpus, settle, wait_category
from reader_support import status, wait_for
from test_corpus_screen import named, reader_on
from test_reader_corrections import choose

from extract.corpus_rules import rules_path
from extract.corrections import open_for
from tui.screens.corpus_reader import CorpusReaderScreen, ScopeQuestion
from tui.widgets.corpus_lists import DocumentList, EntityList

pytestmark = pytest.mark.asyncio


def rules_of(folder: Path) -> list[tuple[str, str]]:
    """The folder's rules file: each rule's op and label."""
    data = json.loads(rules_path(str(folder)).read_text(encoding="utf-8"))
    return [(c["op"], c.get("label", "")) for c in data["corrections"]]


async def test_a_corpus_wide_relabel_reaches_a_document_opened_later(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    async with articles_open(tmp_path) as run:
        assert run.screen.current_entity() == named(run.screen, "Emmanuel Macron")
        await run.pilot.press("r")
        await choose(run.pilot, "ORG")
        assert "Emmanuel Macron is now ORG in every document. u undoes." in run.told
        assert rules_of(folder) == [("relabel", "ORG")]
        await wait_category(run, "Emmanuel Macron", "organisation")
        assert named(run.screen, "Angela Merkel").category == "person"

        # d.txt was never opened: the reader shows it with the rule.
        documents = run.screen.query_one(DocumentList)
        await run.pilot.press("shift+tab")
        assert run.app.focused is documents
        await run.pilot.press("end", "enter")
        await wait_for(
            run.pilot, lambda: isinstance(run.app.screen, CorpusReaderScreen), "the reader"
        )
        reader = run.app.screen
        assert isinstance(reader, CorpusReaderScreen)
        await wait_for(run.pilot, lambda: reader.reading.progress.finished, "d.txt read")
        entity = next(e for e in reader.reading.view.entities if e.name == "Emmanuel Macron")
        assert entity.category == "organisation"
        assert {m.label for m in entity.mentions} == {"ORG"}

        await run.pilot.press("backspace", "u")
        assert "Undid relabel in every document. ctrl+r redoes." in run.told
        assert rules_of(folder) == []
        await wait_category(run, "Emmanuel Macron", "person")


async def test_the_reader_asks_this_document_or_all_documents(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    async with articles_open(tmp_path) as run:
        await run.pilot.press("enter", "enter")  # Emmanuel Macron's documents; b.txt
        reader = await reader_on(run, "b.txt")
        await run.pilot.press("r")
        await choose(run.pilot, "NORP")
        await wait_for(run.pilot, lambda: isinstance(run.app.screen, ScopeQuestion), "the question")
        await run.pilot.press("d")  # this document only
        await wait_for(run.pilot, lambda: "NORP" in status(run.app), "the relabel")
        store = open_for(str(folder / "b.txt"), reader.document.sha256, read_only=True)
        assert [(c.op, c.label) for c in store.log] == [("relabel", "NORP")]
        assert not rules_path(str(folder)).exists()

        await run.pilot.press("right_curly_bracket")  # c.txt: still a person there
        reader = await reader_on(run, "c.txt")
        assert status(run.app).startswith("Emmanuel Macron · Person · mention 1/1 · PERSON")
        await run.pilot.press("r")
        await choose(run.pilot, "ORG")
        await wait_for(run.pilot, lambda: isinstance(run.app.screen, ScopeQuestion), "the question")
        await run.pilot.press("a")  # all documents
        await wait_for(run.pilot, lambda: "ORG" in status(run.app), "the relabel")
        assert rules_of(folder) == [("relabel", "ORG")]
        assert any("done in every document" in told for told in run.told)

        await run.pilot.press("right_curly_bracket")  # d.txt, never opened: the rule holds
        reader = await reader_on(run, "d.txt")
        assert "· Organisation · mention 1/1 · ORG" in status(run.app)

        await run.pilot.press("backspace", "escape", "shift+tab", "home", "j", "enter")
        await wait_for(run.pilot, lambda: isinstance(run.app.screen, CorpusReaderScreen), "b.txt")
        await run.pilot.press("right_square_bracket")  # b.txt: its own correction wins
        reader = await reader_on(run, "b.txt")
        assert status(run.app).startswith("Emmanuel Macron · Other · mention 1/1 · NORP ✎")
        await run.pilot.press("u")  # b's own undo: the rule shows there now
        await wait_for(run.pilot, lambda: "· ORG" in status(run.app), "the rule in b.txt")

        await run.pilot.press("backspace")
        await wait_category(run, "Emmanuel Macron", "organisation")


async def test_a_rule_applies_to_a_document_added_later(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    async with articles_open(tmp_path) as run:
        await run.pilot.press("f", *"warsaw", "enter", "x")
        assert "Removed Warsaw from every document. u undoes." in run.told
        await wait_category(run, "Warsaw", None)

    (folder / "e.txt").write_text("Farmers in Warsaw met Angela Merkel.\n", encoding="utf-8")
    session = make_session(folder, tmp_path / "index.sqlite")
    async with open_corpus(session) as run:
        await settle(run)
        assert run.screen.corpus.document(str(folder / "e.txt")).status == "done"  # type: ignore[union-attr]
        assert all(e.name != "Warsaw" for e in run.screen.corpus.entities)
        assert named(run.screen, "Angela Merkel").documents == 3


async def test_merge_in_every_document(tmp_path: Path) -> None:
    async with articles_open(tmp_path) as run:
        await run.pilot.press("f", *"elysee", "enter", "m")
        await choose(run.pilot, "Emmanuel")
        assert "Merged Elysee into Emmanuel Macron in every document." in run.told
        await wait_category(run, "Elysee", None)
        assert named(run.screen, "Emmanuel Macron").mentions == 5
        await run.pilot.press("escape", "u")
        await wait_category(run, "Elysee", "organisation")
        await run.pilot.press("ctrl+r")
        assert "Redid merge in every document." in run.told
        assert run.app.focused is run.screen.query_one(EntityList)
        assert ARTICLES  # the articles name Elysee once, in d.txt
