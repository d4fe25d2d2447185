"""A corpus for the tests: four short articles (two share a person, three share another),
fake recognisers that find their names in milliseconds, and generated corpora of any size."""

from __future__ import annotations

import random
from pathlib import Path

from sample import WordRecognizer

from extract.annotator import Annotator
from extract.cache import MentionCache

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


def word_annotator(words: dict[str, str] | None = None, *, cached: bool = True) -> Annotator:
    """An annotator marking ``words`` (the articles' names by default), in this process."""
    recognizer = WordRecognizer(words or NAMES)
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
