"""A book read before opens from its kept view's head (every entity listed, the mentions of
the screens around the reader's place), then takes the whole view: the first screen is the
same either way, scrolling never waits, and whatever reads the view waits for the whole."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from reader_support import MakeReader, reader, wait_applied, wait_for
from sample import WordRecognizer
from textual.pilot import Pilot

from extract.cache import MentionCache
from extract.corrections import open_for, relabel
from extract.document import Document, text_document
from extract.ner import Annotator
from extract.packed import KeptEntry, KeptView
from tui.reading import Reading
from tui.screens import staged
from tui.screens.reader import ReaderScreen
from tui.widgets.bars import TopBar
from tui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.asyncio

NAMES = {"Anna Pavlovna": "PERSON", "Pierre": "PERSON", "Moscow": "GPE", "Natasha": "PERSON"}


@pytest.fixture
def book(tmp_path: Path) -> Document:
    """Many screens of text with names all through it."""
    lines = [
        f"Paragraph {n}: Anna Pavlovna met Pierre in Moscow"
        + (" and wrote to Natasha." if n % 3 else ".")
        for n in range(600)
    ]
    path = tmp_path / "book.txt"
    path.write_text("\n\n".join(lines), encoding="utf-8")
    return text_document(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture
def words(cache_dir: Path) -> Annotator:
    return Annotator(recognizer=WordRecognizer(NAMES), jobs=0, cache=MentionCache(cache_dir))


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The whole of a kept view is made only once the event is set (its head comes at once)."""
    release = threading.Event()
    whole = KeptEntry.whole

    def waiting(self: KeptEntry) -> KeptView:
        release.wait(30)
        return whole(self)

    monkeypatch.setattr(KeptEntry, "whole", waiting)
    yield release
    release.set()  # a test that failed must not leave a thread waiting


async def kept_once(make_reader: MakeReader, *args: object, cache_dir: Path) -> list[str]:
    """Open the reader once, so that its view is kept; the sidebar's lines then."""
    async with make_reader(*args) as (_, pilot, screen, _):
        await wait_for(pilot, lambda: any((cache_dir / "views").glob("*.json")), "a kept view")
        await pilot.pause()
        return sidebar_lines(screen)


def sidebar_lines(screen: ReaderScreen) -> list[str]:
    """The sidebar's lines: sections, then their entries."""
    tree = screen.query_one(Sidebar).entity_tree
    return [
        str(line)
        for section in tree.root.children
        for line in [section.label, *(node.label for node in section.children)]
    ]


def marks(screen: ReaderScreen) -> list[tuple[int, str]]:
    """Each highlighted piece of text on screen, with its row."""
    article = screen.article
    paper = article.rich_style.bgcolor
    return [
        (y, part.text)
        for y in range(article.size.height)
        for part in article.render_line(y)
        if part.style and part.style.bgcolor not in (None, paper) and part.text.strip()
    ]


async def head_shown(pilot: Pilot[None]) -> ReaderScreen:
    screen = reader(pilot.app)  # type: ignore[arg-type]
    await wait_for(
        pilot,
        lambda: screen.reading.view.head is not None and listing(screen),
        "the kept view's head",
    )
    await pilot.pause()
    return screen


def listing(screen: ReaderScreen) -> bool:
    """Whether the sidebar lists something (asked without waiting for every entity)."""
    return bool(screen.query(Sidebar)) and bool(screen.query_one(Sidebar).entity_tree.root.children)


async def test_the_first_screen_comes_from_the_head_as_the_whole_view_shows_it(
    make_reader: MakeReader, cache_dir: Path, held: threading.Event
) -> None:
    held.set()  # the first time: kept as usual
    listed = await kept_once(make_reader, cache_dir=cache_dir)
    held.clear()
    async with make_reader(wait=False) as (_, pilot, screen, told):
        screen = await head_shown(pilot)
        early = (sidebar_lines(screen), marks(screen), top_bar(screen))
        assert early[0] == listed and early[1] and screen.annotation_done
        assert not screen.reading.view.whole and screen.reading.view.entities == []
        held.set()
        await wait_for(pilot, lambda: screen.reading.view.whole, "the whole view")
        await pilot.pause()
        assert (sidebar_lines(screen), marks(screen), top_bar(screen)) == early
        assert early[2].endswith("mentions (cached)") and not told


def top_bar(screen: ReaderScreen) -> str:
    return screen.query_one(TopBar).state


async def test_keys_that_read_the_view_wait_for_it_and_scrolling_does_not(
    make_reader: MakeReader, cache_dir: Path, held: threading.Event
) -> None:
    held.set()
    await kept_once(make_reader, cache_dir=cache_dir)
    held.clear()
    async with make_reader(wait=False) as (_, pilot, screen, _):
        screen = await head_shown(pilot)
        await pilot.press("j", "j", "k")
        assert screen.reading.view.head is not None and screen.article.scroll_y == 1
        threading.Timer(0.3, held.set).start()
        await pilot.press("right_square_bracket")  # waits for the whole view, then steps in it
        assert screen.reading.view.whole
        whole = Reading(screen.document.text, screen.reading.view, screen.reading.progress)
        expected, _ = whole.step(forward=True, visible=screen.article.visible_range())
        assert screen.current is not None and screen.current == expected.current
        assert screen.current_entity is not None
        assert screen.current_entity.mentions == expected.entity.mentions  # type: ignore[union-attr]


async def test_moving_past_the_heads_stretch_shows_no_wrong_marks(
    make_reader: MakeReader,
    book: Document,
    words: Annotator,
    cache_dir: Path,
    held: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held.set()
    await kept_once(make_reader, book, words, cache_dir=cache_dir)
    monkeypatch.setattr(staged, "HEAD_BEFORE", 200)
    monkeypatch.setattr(staged, "HEAD_AFTER", 3000)
    held.clear()
    async with make_reader(book, words, wait=False) as (_, pilot, screen, _):
        screen = await head_shown(pilot)
        _, high = screen.reading.view.head.region  # type: ignore[union-attr]
        assert high < len(book.text) // 4
        first = marks(screen)
        await pilot.press("G")  # far past the head's stretch: the text, unmarked for now
        await pilot.pause()
        assert screen.reading.view.head is not None
        assert screen.article.visible_range()[0] > high
        assert marks(screen) == []
        await pilot.press("g")
        await pilot.pause()
        assert marks(screen) == first
        await pilot.press("G")
        held.set()
        await wait_for(pilot, lambda: screen.reading.view.whole, "the whole view")
        await pilot.pause()
        late = {text for _, text in marks(screen)}
        assert late and late <= set(NAMES)
        await pilot.press("left_square_bracket")
        assert screen.current is not None and screen.current.start > high


async def test_a_kept_view_found_corrupt_after_its_head_is_derived_again(
    make_reader: MakeReader, cache_dir: Path, held: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    held.set()
    listed = await kept_once(make_reader, cache_dir=cache_dir)

    def broken(self: KeptEntry) -> KeptView:
        raise ValueError("the text order is not sorted")

    monkeypatch.setattr(KeptEntry, "whole", broken)
    async with make_reader(wait=False) as (_, pilot, screen, told):
        await wait_for(
            pilot, lambda: screen.reading.view.whole and bool(screen.entities), "entities"
        )
        await pilot.pause()
        assert sidebar_lines(screen) == listed
        assert any(m.startswith("corrupt view cache entry moved to") for m in told)
        await wait_for(pilot, lambda: any((cache_dir / "views").glob("*.json")), "kept again")
    assert list((cache_dir / "views").glob("*.corrupt*"))


async def test_a_correction_made_while_the_head_shows_applies_to_every_entity(
    make_reader: MakeReader,
    sample_document: Document,
    cache_dir: Path,
    tmp_path: Path,
    held: threading.Event,
) -> None:
    held.set()
    document = sample_document
    edits = tmp_path / "edits.json"
    async with make_reader(store=open_for(document.source, document.sha256, edits)) as session:
        await wait_for(session.pilot, lambda: any((cache_dir / "views").glob("*.json")), "kept")
        named = next(e for e in session.screen.entities if e.name == "Deshaisha")
    held.clear()
    store = open_for(document.source, document.sha256, edits)
    async with make_reader(store=store, wait=False) as (_, pilot, screen, _):
        screen = await head_shown(pilot)
        threading.Timer(0.3, held.set).start()
        screen.correct(relabel(named, "ORG"), "done")
        assert screen.reading.view.whole  # (its view derived from every entity's)
        await wait_applied(pilot)
        relabelled = next(e for e in screen.entities if e.name == "Deshaisha")
        assert relabelled.category == "organisation"
        assert len(screen.entities) > 10
