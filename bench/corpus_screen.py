#!/usr/bin/env python3
"""How fast the corpus screen opens on a large indexed corpus, and how fast its filter answers.

    python bench/corpus_screen.py [--documents N] [--keep DIR] [--spacy] [--repeat N]

Generates N short news items (default 10,000; three people, two places and an organisation
each, from a cast of thousands, so that names recur across documents and the entity list is
long), in folders of 500, then indexes them as `entity-reader FOLDER` would
(`CorpusRefresh`), by default with a recogniser that marks the generated names (the model's
speed is not what is measured here; ``--spacy`` uses the installed model instead). Then, with
the real screen running headless (Textual's pilot), in this process:

- open: from starting the app to the first frame showing both lists (the index read, the
  documents and entities listed), ``--repeat`` times; the goal is under 1 s;
- filter: typing into the entities' filter, one key at a time (``ma``, ``mar``, … then
  erasing), each key timed from the press to the list drawn again; the goal is 50 ms or less;
- the same on the documents' filter.

``--keep DIR`` generates (or reuses) the corpus and its index in DIR. Nothing is written
outside it (the cache and data folders are set to folders inside it too).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "shi", "an", "del", "gu", "ne", "pa", "zor", "il"]
FIRST = ["Ada", "Boris", "Chen", "Dara", "Eitan", "Farah", "Goran", "Hana", "Ilse", "Jomo",
         "Kemal", "Lena", "Mara", "Nils", "Oona", "Pavel", "Rosa", "Sami", "Tove", "Umar"]  # fmt: skip


def cast(seed: int = 11) -> dict[str, str]:
    """Thousands of people, hundreds of places and organisations, each with its label."""
    chooser = random.Random(seed)

    def word(parts: int) -> str:
        return "".join(chooser.choice(SYLLABLES) for _ in range(parts)).capitalize()

    names: dict[str, str] = {}
    surnames = {word(3) for _ in range(400)}
    for surname in sorted(surnames):
        for first in chooser.sample(FIRST, 8):
            names[f"{first} {surname}"] = "PERSON"
    for _ in range(600):
        names[word(2) + chooser.choice(["burg", "ville", "stad", "port"])] = "GPE"
    for _ in range(300):
        names[f"{word(2)} {chooser.choice(['Holdings', 'Institute', 'Bank', 'Union'])}"] = "ORG"
    return names


def generate(folder: Path, documents: int, names: dict[str, str], seed: int = 7) -> None:
    """Short news items, 500 to a folder."""
    chooser = random.Random(seed)
    people = [n for n, label in names.items() if label == "PERSON"]
    places = [n for n, label in names.items() if label == "GPE"]
    bodies = [n for n, label in names.items() if label == "ORG"]
    for number in range(documents):
        who, where, body = (
            chooser.sample(people, 3),
            chooser.sample(places, 2),
            chooser.choice(bodies),
        )
        text = (
            f"{who[0]} spoke in {where[0]} on Tuesday about item {number}. {who[1]} answered "
            f"from {where[1]}, where the {body} has its offices.\n\nLater {who[2]} and "
            f"{who[0]} met again; {who[1]} did not come.\n"
        )
        path = folder / f"part-{number // 500:03d}" / f"item-{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


class CastRecognizer:
    """Marks the generated names (capitalised runs of words found in the cast)."""

    RUN = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")

    def __init__(self, names: dict[str, str]) -> None:
        from extract.recognizer import ModelInfo

        self.names = names
        self.info = ModelInfo("cast", "1", "bench", f"names={len(names)}")

    def recognise(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        found: list[list[tuple[int, int, str]]] = []
        for text in texts:
            marks = []
            for run in self.RUN.finditer(text):
                label = self.names.get(run.group())
                if label is not None:
                    marks.append((run.start(), run.end(), label))
            found.append(marks)
        return found


def index(folder: Path, index_path: Path, names: dict[str, str], spacy: bool) -> None:
    """Index every document as the corpus screen would, and link the keys."""
    from extract.annotator import Annotator
    from extract.corpus import discover
    from extract.corpus_index import CorpusIndex
    from extract.corpus_query import relink_if_stale
    from extract.corpus_refresh import CorpusRefresh

    CorpusIndex(index_path, root=str(folder)).close()
    recognizer = None if spacy else CastRecognizer(names)
    annotator = Annotator(jobs=2) if spacy else Annotator(recognizer=recognizer, jobs=0)
    refresher = CorpusRefresh(index_path, annotator, rules=[])
    planned = refresher.plan(discover([str(folder)]).sources)
    if planned:
        started = time.monotonic()
        print(f"indexing {len(planned):,} documents…", flush=True)
        done = sum(1 for _ in refresher.run(threading.Event()))
        print(f"  indexed {done:,} in {time.monotonic() - started:.1f} s", flush=True)
    relink_if_stale(index_path)


async def measure(folder: Path, index_path: Path, names: dict[str, str], repeat: int) -> None:
    from extract.annotator import Annotator
    from extract.corpus import discover
    from extract.corpus_rules import open_rules
    from tui.corpus_app import CorpusApp, CorpusSession
    from tui.widgets.corpus_lists import EntityList

    sources = discover([str(folder)]).sources
    annotator = Annotator(recognizer=CastRecognizer(names), jobs=0)
    opened: list[float] = []
    for _ in range(repeat):
        session = CorpusSession(
            folder=str(folder),
            index_path=index_path,
            sources=sources,
            rules=open_rules(str(folder)),
            annotator=annotator,
            reader_annotator=lambda: None,
        )
        started = time.monotonic()
        app = CorpusApp(session, remember=False)
        async with app.run_test(size=(160, 50)) as pilot:
            screen = app.corpus_screen
            while not (screen.corpus.loaded and screen.query_one(EntityList).rows):
                await asyncio.sleep(0.002)
            await pilot.pause()  # the frame that shows them
            opened.append(time.monotonic() - started)
            corpus = screen.corpus
            reading = screen.load_seconds * 1000
            print(
                f"open: {opened[-1] * 1000:.0f} ms ({len(corpus.documents):,} documents, "
                f"{len(corpus.entities):,} entities; reading the index {reading:.0f} ms)",
                flush=True,
            )
            while not screen.settled:  # the check of every file against the index, done
                await asyncio.sleep(0.05)
            if len(opened) == repeat:
                filtering(screen, "entities")
                filtering(screen, "documents")
    print(f"open: median {statistics.median(opened) * 1000:.0f} ms of {repeat} (goal < 1000 ms)")


def filtering(screen: object, what: str) -> None:
    """Type into a list's filter and erase it, one key at a time: each key timed as the
    filter's answer (the list made again) plus drawing every visible row, one frame's work."""
    from textual.widgets import Input

    from tui.screens.corpus import CorpusScreen
    from tui.widgets.corpus_lists import DocumentList, EntityList

    assert isinstance(screen, CorpusScreen)
    documents = what == "documents"
    box = screen.query_one("#document-filter" if documents else "#entity-filter", Input)
    rows = screen.query_one(DocumentList) if documents else screen.query_one(EntityList)
    typed = "item-0001" if documents else "mara"
    values = [typed[:n] for n in range(1, len(typed) + 1)]
    times: list[float] = []
    for value in [*values, *reversed(values[:-1]), ""]:
        with box.prevent(Input.Changed):
            box.value = value
        started = time.perf_counter()
        if documents:
            screen._documents_filtered()
        else:
            screen._entities_filtered()
        for y in range(rows.size.height):
            rows.render_line(y)
        times.append(time.perf_counter() - started)
    print(
        f"filter {what}: median {statistics.median(times) * 1000:.1f} ms, max "
        f"{max(times) * 1000:.1f} ms over {len(times)} keys, {len(rows.rows):,} rows "
        "unfiltered (the filter's answer + drawing the visible rows; goal ≤ 50 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate (or reuse) the corpus here")
    parser.add_argument("--spacy", action="store_true", help="index with the installed model")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        place = args.keep or Path(temporary)
        place.mkdir(parents=True, exist_ok=True)
        os.environ["ENTITY_READER_CACHE_DIR"] = str(place / "cache")
        os.environ["ENTITY_READER_DATA_DIR"] = str(place / "data")
        folder, index_path = place / "corpus", place / "index.sqlite"
        names = cast()
        if not folder.exists():
            print(f"generating {args.documents:,} documents in {folder}…", flush=True)
            generate(folder, args.documents, names)
        index(folder, index_path, names, args.spacy)
        asyncio.run(measure(folder, index_path, names, args.repeat))


if __name__ == "__main__":
    main()
