"""The corpus screen under the pilot, on the four articles read by a fake recogniser: both
lists with their counts, the filter and the order, an entity's documents with a line of
context each, the reader opened at the right mention, the next and previous document naming
an entity, back to the corpus screen, and search across the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support import (
    ARTICLES,
    NAMES,
    CorpusRun,
    articles_open,
    lines,
    make_session,
    open_corpus,
    settle,
    write_articles,
)
from reader_support import status, wait_for
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from extract.corpus_groups import CorpusEntity
from tui.screens.corpus import CorpusScreen
from tui.screens.corpus_reader import CorpusReaderScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import StatusBar
from tui.widgets.corpus_lists import DocumentList, EntityList, HitList, OccurrenceList

pytestmark = pytest.mark.asyncio


def named(screen: CorpusScreen, name: str) -> CorpusEntity:
    return next(e for e in screen.corpus.entities if e.name == name)


async def reader_on(run: CorpusRun, name: str) -> CorpusReaderScreen:
    """Wait until the reader shows the file ``name`` with a current mention."""

    def there() -> bool:
        screen = run.app.screen
        return (
            isinstance(screen, CorpusReaderScreen)
            and Path(screen.document.source).name == name
            and screen.reading.current is not None
        )

    await wait_for(run.pilot, there, f"the reader on {name} at a mention")
    screen = run.app.screen
    assert isinstance(screen, CorpusReaderScreen)
    return screen


async def test_both_lists_show_with_their_counts(tmp_path: Path) -> None:
    async with articles_open(tmp_path) as run:
        screen = run.screen
        documents = lines(screen.query_one(DocumentList))
        assert [line.split()[0] for line in documents] == list(ARTICLES)
        assert all("entities" in line for line in documents), documents
        assert "183 B · 3 entities" in documents[0]
        assert screen.query_one("#documents-pane").border_title == "Documents 4"
        assert "4 documents indexed" in str(screen.query_one("#corpus-state").content)

        entities = lines(screen.query_one(EntityList))
        assert entities[0].startswith("▾  People  2")
        assert entities[1].split() == ["Emmanuel", "Macron", "3", "docs", "·", "4", "mentions"]
        assert entities[2].split() == ["Angela", "Merkel", "2", "docs", "·", "3", "mentions"]
        assert (named(screen, "Emmanuel Macron").documents, named(screen, "Angela Merkel").documents) == (3, 2)  # fmt: skip
        # The cursor starts on the first entity, and the line below says what it is.
        rows = screen.query_one(EntityList)
        assert rows.current == ("entity", named(screen, "Emmanuel Macron"))
        assert "Emmanuel Macron · Person · 3 docs · 4 mentions" in str(screen.query_one("#corpus-where").content)  # fmt: skip

        await run.pilot.press("o")  # first appearance: Angela Merkel is named in a.txt
        assert lines(rows)[1].split()[:2] == ["Angela", "Merkel"]
        await run.pilot.press("o")
        assert lines(rows)[1].split()[:2] == ["Emmanuel", "Macron"]

        await run.pilot.press("f", *"MERK")
        assert isinstance(run.app.focused, Input)
        assert [line.split()[:2] for line in lines(rows)] == [["▾", "People"], ["Angela", "Merkel"]]
        await run.pilot.press(*"zzz")
        assert rows.rows == [] and rows.empty == "No entity's name holds that."
        await run.pilot.press("escape")  # cleared, back to the list
        assert run.app.focused is rows and len(rows.rows) > 10

        await run.pilot.press("tab", "f", *"b.")
        assert [line.split()[0] for line in lines(screen.query_one(DocumentList))] == ["b.txt"]


async def test_an_indexed_corpus_opens_with_one_read_of_its_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_articles(tmp_path / "news")
    index = tmp_path / "index.sqlite"
    async with open_corpus(make_session(folder, index)) as run:
        await settle(run)
    loads: list[CorpusScreen] = []
    load_index = CorpusScreen.load_index

    def counted(screen: CorpusScreen) -> None:
        loads.append(screen)
        load_index(screen)

    monkeypatch.setattr(CorpusScreen, "load_index", counted)
    async with open_corpus(make_session(folder, index)) as run:
        await settle(run)  # the refresh, begun once the lists showed, found nothing to do
        await run.pilot.pause(1.5)  # a reload would have come within a second
        assert len(loads) == 1
        assert "4 documents indexed" in str(run.screen.query_one("#corpus-state").content)
        keys = [key.description for key in run.screen.query_one(Footer).query(FooterKey)]
        assert "filter" in keys, keys  # the footer, mounted after the first frame


async def test_an_entity_s_documents_and_the_jumps_between_them(tmp_path: Path) -> None:
    async with articles_open(tmp_path) as run:
        await run.pilot.press("enter")  # on Emmanuel Macron
        occurrences = run.screen.query_one(OccurrenceList)
        assert run.app.focused is occurrences
        shown = lines(occurrences)
        assert [line.split()[0] for line in shown] == ["b.txt", "c.txt", "d.txt"]
        assert "Emmanuel Macron arrived in Brussels" in shown[0] and shown[0].rstrip().endswith(
            "+1"
        )
        assert "expected. Emmanuel Macron praised the plan" in shown[1]
        assert run.screen.query_one("#results").border_title == "Emmanuel Macron · 3 documents"

        await run.pilot.press("j", "enter")
        reader = await reader_on(run, "c.txt")
        current = reader.reading.current
        assert current is not None and current.text == "Emmanuel Macron"
        assert current.start == ARTICLES["c.txt"].index("Emmanuel Macron")
        assert status(run.app).startswith("Emmanuel Macron · Person · mention 1/1")

        await run.pilot.press("right_curly_bracket")
        reader = await reader_on(run, "d.txt")
        assert reader.reading.current.start == ARTICLES["d.txt"].index("Emmanuel Macron")  # type: ignore[union-attr]
        await run.pilot.press("right_curly_bracket")  # wraps round to the first
        reader = await reader_on(run, "b.txt")
        assert reader.reading.current.start == 0  # type: ignore[union-attr]
        assert "Emmanuel Macron: document 1/3 (wrapped around)." in run.told
        await run.pilot.press("left_curly_bracket")
        reader = await reader_on(run, "d.txt")
        assert len(run.app.screen_stack) == 2  # the documents replace one another

        await run.pilot.press("backspace")
        assert run.app.screen is run.screen
        assert occurrences.display and run.app.focused is occurrences
        assert occurrences.current is not None and occurrences.current.path.endswith("d.txt")

        await run.pilot.press("escape")  # the entity's documents closed, back to the entities
        assert not run.screen.query_one("#results").display
        assert run.app.focused is run.screen.query_one(EntityList)


async def test_a_document_opened_from_the_corpus_is_mounted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Textual calls every class's on_mount itself: a reader kind that also called its base's
    # ran it twice (two annotations asked for, two panel mounts).
    mounts: list[str] = []
    real = ReaderScreen.on_mount

    def counted(self: ReaderScreen) -> None:
        mounts.append(Path(self.document.source).name)
        real(self)

    monkeypatch.setattr(ReaderScreen, "on_mount", counted)
    async with articles_open(tmp_path) as run:
        await run.pilot.press("enter", "j", "enter")  # Emmanuel Macron, in c.txt
        reader = await reader_on(run, "c.txt")
        assert reader.reading.current is not None
        assert reader.reading.current.start == ARTICLES["c.txt"].index("Emmanuel Macron")
        await run.pilot.press("right_curly_bracket")
        await reader_on(run, "d.txt")
        assert mounts == ["c.txt", "d.txt"]


async def test_next_document_needs_an_entity_named_elsewhere(tmp_path: Path) -> None:
    async with articles_open(tmp_path) as run:
        await run.pilot.press("f", *"warsaw", "enter", "enter", "enter")
        await reader_on(run, "d.txt")
        await run.pilot.press("right_curly_bracket")
        assert "No other document names Warsaw." in run.told


async def test_search_across_the_corpus_opens_the_document_at_the_match(tmp_path: Path) -> None:
    async with articles_open(tmp_path) as run:
        await run.pilot.press("slash", *"leaders", "enter")
        hits = run.screen.query_one(HitList)
        assert run.app.focused is hits
        assert sorted(line.split()[0] for line in lines(hits)) == ["b.txt", "d.txt"]
        assert run.screen.query_one("#results").border_title == "search: leaders · 2 documents"
        await run.pilot.press("end", "enter")
        screen = run.app.screen
        await wait_for(
            run.pilot, lambda: isinstance(run.app.screen, CorpusReaderScreen), "the reader"
        )
        screen = run.app.screen
        assert isinstance(screen, CorpusReaderScreen)
        text = screen.document.text
        assert screen.reading.match is not None
        start, end = screen.reading.match
        assert text[start:end] == "leaders" and start == text.index("leaders")
        side = screen.query_one(StatusBar).side
        assert side == "search: leaders · match 1/1  (n/N)"

        await run.pilot.press("backspace", "slash", *"nobody writes this", "enter")
        assert "No document holds 'nobody writes this'." in run.told


async def test_help_lists_the_corpus_keys_first(tmp_path: Path) -> None:
    async with articles_open(tmp_path) as run:
        await run.pilot.press("question_mark")
        await wait_for(run.pilot, lambda: isinstance(run.app.screen, HelpScreen), "the help")
        help_screen = run.app.screen
        assert isinstance(help_screen, HelpScreen)
        groups = list(dict.fromkeys(key.group for key in help_screen.keys))
        assert groups[:2] == ["Corpus screen", "Corpus lists"] and "Corpus" in groups
        await run.pilot.press("escape")
        assert run.app.screen is run.screen


async def test_other_labels_and_remapped_keys_as_the_settings_say(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    words = {**NAMES, "railway": "INFRASTRUCTURE"}  # a label of the model's own: its section
    session = make_session(folder, tmp_path / "index.sqlite", words)
    keymap = {"corpus_search": "s", "next_document": "ctrl+n"}
    async with open_corpus(session, keymap=keymap) as run:
        await settle(run)
        rows = run.screen.query_one(EntityList)
        sections = [row[1] for row in rows.rows if row[0] == "section"]
        assert sections == ["person", "organisation", "place", "figure", "INFRASTRUCTURE", "date", "other"]  # fmt: skip
        assert any(line.startswith("▾  INFRASTRUCTURE  1") for line in lines(rows))
        assert "INFRASTRUCTURE" in run.screen.corpus.colours  # a colour of its own

        await run.pilot.press("s", *"leaders", "enter")
        assert run.screen.query_one("#results").border_title == "search: leaders · 2 documents"
        await run.pilot.press("escape", "home", "j", "enter", "enter")  # Emmanuel Macron, b.txt
        await reader_on(run, "b.txt")
        await run.pilot.press("ctrl+n")
        await reader_on(run, "c.txt")
        await run.pilot.press("question_mark")
        help_keys = {key.id: key.keys for key in run.app.screen.keys}  # type: ignore[attr-defined]
        assert help_keys["corpus_search"] == "s" and help_keys["next_document"] == "ctrl+n"
