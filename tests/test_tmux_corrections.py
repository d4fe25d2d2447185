"""The acceptance run: the real binary in tmux relabels Deshaisha, and export sees it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sample import SAMPLE
from test_tmux import MODEL_DEADLINE, Terminal, reader_command
from test_tmux import terminal as terminal  # the fixture: one tmux server, killed at the end
from test_tmux_hostile import command

STATUS = re.compile(r"(\S[^·│\n]*?) · (\w+) · mention (\d+)/(\d+)(?: · [A-Z_]+(?: ✎)?)?")
DONE = re.compile(r"\d+ entities · \d+ mentions")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def status(screen: str) -> str | None:
    found = STATUS.search(screen)
    return found[0] if found else None


def test_relabel_in_the_reader_then_export_shows_it(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    copy = tmp_path / "article.txt"
    shutil.copyfile(SAMPLE, copy)
    # The tmux server keeps the environment it started with: ours goes in the command.
    terminal.start(f"{command(cache_dir, data_dir, str(copy))}; sleep 600", 140, 45)
    shown = terminal.wait_for(
        lambda s: DONE.search(s) is not None, "the model to finish", timeout=MODEL_DEADLINE
    )
    assert len(shown.splitlines()[0]) > 100  # the reader has the whole width

    for _ in range(30):
        before = status(terminal.screen())
        terminal.send("]")
        shown = terminal.wait_for(lambda s, b=before: status(s) not in (None, b), "] to move")  # type: ignore[misc]
        if (status(shown) or "").startswith("Deshaisha · "):
            break
    # The document-level pass already made the model's ORG a place; the user disagrees.
    assert status(shown) == "Deshaisha · Place · mention 1/4 · GPE", shown

    terminal.send("r")
    terminal.wait_for(lambda s: "Relabel Deshaisha" in s, "the label chooser")
    terminal.send("ORG")
    terminal.wait_for(lambda s: "companies, agencies" in s, "ORG in the chooser")
    terminal.send("\r")
    terminal.wait_for(
        lambda s: (
            status(s) == "Deshaisha · Organisation · mention 1/4 · ORG ✎"
            and "Deshaisha: every mention is now ORG." in " ".join(s.split())
        ),
        "the relabel and its notice",
    )
    terminal.send("q")
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to quit")
    assert "EXIT=0" in shown
    [kept] = (data_dir / "corrections").glob("*.json")
    stored = json.loads(kept.read_text(encoding="utf-8"))
    assert stored["source"] == str(copy)
    assert [(c["op"], c["label"]) for c in stored["corrections"]] == [("relabel", "ORG")]

    exported = subprocess.run(
        [reader_command(), "export", str(copy)],
        env=os.environ,  # the same folders, set by the conftest's fixtures
        capture_output=True,
        text=True,
        timeout=MODEL_DEADLINE,  # loads spaCy (the mentions themselves are cached)
        check=True,
    )
    assert exported.stderr == ""
    document = json.loads(exported.stdout)
    mentions = [
        (m["start"], m["text"], m["label"], m["source"], e["category"])
        for e in document["entities"]
        for m in e["mentions"]
        if "Deshaisha" in m["text"]
    ]
    text = copy.read_text(encoding="utf-8")
    assert [(start, t) for start, t, *_ in mentions] == [
        (m.start(), m[0]) for m in re.finditer(r"(?:Al )?Deshaisha", text)
    ]
    assert {(label, source, category) for *_, label, source, category in mentions} == {
        ("ORG", "user", "organisation")
    }
