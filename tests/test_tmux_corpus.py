"""The acceptance run of the corpus screen: the installed binary in tmux, with the real small
model, on a folder of four short articles (two name Angela Merkel, three Emmanuel Macron)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from corpus_support import write_articles
from test_tmux import MODEL_DEADLINE, Terminal
from test_tmux import terminal as terminal  # the fixture: one tmux server, killed at the end
from test_tmux_corrections import DONE, status
from test_tmux_hostile import command

from extract.corpus_rules import rules_path

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def entity_row(screen: str, name: str) -> str | None:
    """The entity list's row of ``name``: its counts."""
    found = re.search(rf"│ +{re.escape(name)} +(\d+ docs? · \d+ mentions?)│", screen)
    return found[1] if found else None


def top_bar(screen: str) -> str:
    return screen.splitlines()[0]


def test_the_corpus_screen_of_four_articles(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    folder = write_articles(tmp_path / "news")
    terminal.start(f"{command(cache_dir, data_dir, str(folder))}; sleep 600", 140, 45)
    shown = terminal.wait_for(
        lambda s: "4 documents indexed" in s and entity_row(s, "Angela Merkel") is not None,
        "the model to read the four articles",
        timeout=MODEL_DEADLINE,
    )
    # Both lists: the documents with their entities, the people with their documents.
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        assert re.search(rf"│ {name} +\d+ B · \d+ entit(y|ies)│", shown), shown
    assert entity_row(shown, "Emmanuel Macron") == "3 docs · 4 mentions", shown
    assert entity_row(shown, "Angela Merkel") == "2 docs · 3 mentions", shown
    assert "Documents 4" in shown

    # Emmanuel Macron (the first entity: the most documents) and his documents.
    terminal.send("\r")
    shown = terminal.wait_for(lambda s: "Emmanuel Macron · 3 documents" in s, "his documents")
    assert re.search(r"│c\.txt +.*expected\. Emmanuel Macron praised", shown), shown
    terminal.send("j")
    terminal.send("\r")  # c.txt, at his first mention there
    shown = terminal.wait_for(
        lambda s: top_bar(s).lstrip().startswith("c.txt") and status(s) is not None, "c.txt"
    )
    assert status(shown) == "Emmanuel Macron · Person · mention 1/1 · PERSON", shown
    terminal.send("}")  # the next document naming him
    shown = terminal.wait_for(
        lambda s: top_bar(s).lstrip().startswith("d.txt") and status(s) is not None, "d.txt"
    )
    assert status(shown) == "Emmanuel Macron · Person · mention 1/1 · PERSON", shown

    # Back on the corpus screen, he is an organisation in every document.
    terminal.send("\x7f")  # Backspace
    terminal.wait_for(lambda s: "Documents 4" in s, "the corpus screen")
    terminal.send("\x1b")  # his documents closed
    terminal.wait_for(lambda s: "Emmanuel Macron · 3 documents" not in s, "the results closed")
    terminal.send("r")
    terminal.wait_for(lambda s: "Relabel Emmanuel Macron everywhere" in s, "the label chooser")
    terminal.send("ORG")
    terminal.wait_for(lambda s: "companies, agencies" in s, "ORG in the chooser")
    terminal.send("\r")
    terminal.wait_for(
        lambda s: "is now ORG in every document" in " ".join(s.split()), "the relabel told"
    )
    rules = json.loads(rules_path(str(folder)).read_text(encoding="utf-8"))
    assert [(c["op"], c["label"]) for c in rules["corrections"]] == [("relabel", "ORG")]

    # b.txt, never opened yet, shows him as the rule says.
    terminal.wait_for(
        lambda s: re.search(r"Organisations +\d+.*\n.*Emmanuel Macron", s) is not None,
        "the lists to show him as an organisation",
        timeout=MODEL_DEADLINE,
    )
    terminal.send("\x1b[Z")  # shift+tab: to the documents
    terminal.wait_for(lambda s: re.search(r"^ \w\.txt · \d+ B", s, re.M) is not None, "documents")
    terminal.send("g")
    terminal.send("j")
    terminal.wait_for(lambda s: re.search(r"^ b\.txt · 200 B", s, re.M) is not None, "b.txt")
    terminal.send("\r")
    terminal.wait_for(
        lambda s: top_bar(s).lstrip().startswith("b.txt") and DONE.search(top_bar(s)) is not None,
        "b.txt with its entities",
        timeout=MODEL_DEADLINE,
    )
    terminal.send("]")
    shown = terminal.wait_for(lambda s: status(s) is not None, "the first mention of b.txt")
    assert status(shown) == "Emmanuel Macron · Organisation · mention 1/1 · ORG ✎", shown

    terminal.send("q")
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to quit")
    assert "EXIT=0" in shown
