"""A corpus for the tests: four short articles (two share a person, three share another),
fake recognisers that find their names in milliseconds, generated corpora of any size, and the
corpus screen under Textual's pilot."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NamedTuple

from reader_support import ReaderPilot, record_notifications, wait_for
from rich.style import Style
from sample import Found, WordRecognizer
from textual.pilot import Pilot

from extract.annotator import Annotator
from extract.cache import MentionCache
from tui.corpus_app import CorpusApp, CorpusSession
from tui.screens.corpus import CorpusScreen
from tui.widgets.rows import RowList

ARTICLES = {
    "a.txt": "Angela Merkel met the French president in Berlin on Monday. Merkel said the "
    "talks on trade had gone well.\n\nThe meeting followed weeks of tension over fishing "
    "rights in the North Sea.\n",
    "b.txt": "Emmanuel Macron arrived in Brussels for the summit. Macron told reporters that "
    "Europe must act together.\n\nAngela Merkel joined him later in the evening, and the two "
    "leaders spoke about energy prices.\n",
    "c.txt": "Officials in Madrid said the new railway would open next spring. The project "
    "cost more than expected.\n\nEmmanuel Macron praised the plan during a visit, calling "
    "it a model for the continent.\n",
    "d.txt": "Farmers gathered outside the parliament in Warsaw to protest against grain "
    "imports.\n\nEmmanuel Macron spoke with the farmers' leaders by telephone, a spokesman "
    "for the Elysee said.\n",
}
"""What the small model finds in them: Angela Merkel in a and b, Emmanuel Macron in b, c, d."""

NAMES = {
    "Angela Merkel": "PERSON",
    "Merkel": "PERSON",
    "Emmanuel Macron": "PERSON",
    "Macron": "PERSON",
    "Berlin": "GPE",
    "Brussels": "GPE",
    "Europe": "LOC",
    "Madrid": "GPE",
    "Warsaw": "GPE",
    "North Sea": "LOC",
    "Elysee": "ORG",
}
"""The names of the articles as a fake recogniser marks them."""


def write_articles(folder: Path) -> Path:
    """The four articles in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class HeldRecognizer(WordRecognizer):
    """A `WordRecognizer` that finds nothing until ``go`` is set (what a screen shows while
    the model has not answered yet)."""

    def __init__(self, words: dict[str, str], *, pause: float = 0.0) -> None:
        super().__init__(words)
        self.go = threading.Event()
        self.pause = pause
        """Seconds each batch takes (a slow model)."""

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        self.go.wait(120)
        time.sleep(self.pause)
        return super().recognise(texts)


def word_annotator(
    words: dict[str, str] | None = None, *, cached: bool = True, held: bool = False
) -> Annotator:
    """An annotator marking ``words`` (the articles' names by default), in this process;
    ``held``: only once its recogniser's ``go`` is set."""
    recognizer = (HeldRecognizer if held else WordRecognizer)(words or NAMES)
    return Annotator(recognizer=recognizer, jobs=0, cache=MentionCache() if cached else None)


FIRST = ["Ada", "Boris", "Chen", "Dara", "Eitan", "Farah", "Goran", "Hana", "Ilse", "Jomo"]
LAST = ["Okafor", "Novak", "Tanaka", "Ruiz", "Lindqvist", "Haddad", "Moreau", "Kowal"]
PLACES = ["Aleppo", "Bergen", "Cusco", "Dakar", "Erfurt", "Fresno", "Galway", "Hanoi"]


def generated_words() -> dict[str, str]:
    """Every name `generate` writes, with its label."""
    words = {f"{first} {last}": "PERSON" for first in FIRST for last in LAST}
    words.update({place: "GPE" for place in PLACES})
    return words


def generate(folder: Path, documents: int, *, seed: int = 7) -> Path:
    """``documents`` short news items in ``folder`` (in two subfolders), each naming a few
    people and places from a small cast, so that names recur across documents."""
    chooser = random.Random(seed)
    people = [f"{first} {last}" for first in FIRST for last in LAST]
    for number in range(documents):
        who = chooser.sample(people, 3)
        where = chooser.sample(PLACES, 2)
        text = (
            f"{who[0]} spoke in {where[0]} on item {number}. {who[1]} answered from "
            f"{where[1]}.\n\nLater {who[2]} and {who[0]} met again.\n"
        )
        path = folder / ("north" if number % 2 else "south") / f"item-{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def make_session(
    folder: Path, index: Path, words: dict[str, str] | None = None, *, held: bool = False
) -> CorpusSession:
    """The corpus of ``folder`` (its index at ``index``), with fake recognisers in this
    process, as `entity-reader FOLDER` would open it (``held``: see `word_annotator`)."""
    from extract.corpus import discover
    from extract.corpus_index import CorpusIndex
    from extract.corpus_rules import open_rules

    CorpusIndex(index, root=str(folder)).close()
    return CorpusSession(
        folder=str(folder),
        index_path=index,
        sources=discover([str(folder)]).sources,
        rules=open_rules(str(folder)),
        annotator=word_annotator(words, held=held),
        reader_annotator=lambda: word_annotator(words),
    )


class CorpusRun(NamedTuple):
    """The corpus screen running under the pilot (what `open_corpus` opens)."""

    app: CorpusApp
    pilot: Pilot[None]
    screen: CorpusScreen
    told: list[str]
    """Every notification, in order."""


@asynccontextmanager
async def open_corpus(
    session: CorpusSession, size: tuple[int, int] = (120, 40), **options: Any
) -> AsyncIterator[CorpusRun]:
    """`entity-reader FOLDER` on a session (`make_session`), its first load waited for;
    ``options``: the app's (a keymap, a theme)."""
    app = CorpusApp(session, **options)
    async with app.run_test(size=size):
        pilot = ReaderPilot(app)  # (its keys wait for the view of a correction in a document)
        told = record_notifications(app)
        screen = app.corpus_screen
        await wait_for(pilot, lambda: screen.corpus.loaded, "the first load of the index")
        yield CorpusRun(app, pilot, screen, told)


async def settle(run: CorpusRun, timeout: float = 60.0) -> None:
    """Wait until every document is brought up to date and the lists show it."""
    await wait_for(run.pilot, lambda: run.screen.settled, "the corpus to settle", timeout)


def lines(rows: RowList[object]) -> list[str]:
    """Every row of a list as it is drawn, without its styles."""
    width = rows.scrollable_content_region.width
    return ["".join(s.text for s in rows.render_row(row, width, Style())) for row in rows.rows]


@asynccontextmanager
async def articles_open(tmp_path: Path) -> AsyncIterator[CorpusRun]:
    """The four articles in ``tmp_path / "news"`` on the corpus screen, every one indexed."""
    folder = write_articles(tmp_path / "news")
    async with open_corpus(make_session(folder, tmp_path / "index.sqlite")) as run:
        await settle(run)
        yield run


async def wait_category(run: CorpusRun, name: str, category: str | None) -> None:
    """Wait until the lists show the entity ``name`` in ``category`` (None: not at all)."""

    def shown() -> str | None:
        found = [e for e in run.screen.corpus.entities if e.name == name]
        return found[0].category if found else None

    await wait_for(run.pilot, lambda: run.screen.settled and shown() == category, f"{name} as {category}")  # fmt: skip
