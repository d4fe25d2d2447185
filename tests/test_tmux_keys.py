"""The new keys in the real binary, in tmux: paging like less, ``:``, 100% at the end, the
help screen scrolling, match i/N, growing and shrinking a mention, the sidebar over a narrow
screen with the keys that work there, and ctrl+c. The model's results are put in the cache
first, so no model is loaded."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from reader_support import generated_text
from sample import SAMPLE, sample_mentions
from test_tmux import Terminal
from test_tmux import terminal as terminal  # the fixture: one tmux server, killed at the end
from test_tmux_hostile import command

from extract.annotator import Annotator
from extract.cache import MentionCache
from extract.document import load

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

DONE = re.compile(r"\d+ entities · \d+ mentions \(cached\)")


def cached_sample(tmp_path: Path, cache_dir: Path) -> Path:
    """A copy of the sample whose model results are in the cache."""
    copy = tmp_path / "article.txt"
    shutil.copyfile(SAMPLE, copy)
    document = load(copy)
    annotator = Annotator(cache=MentionCache(cache_dir))
    assert annotator.cache is not None
    annotator.cache.put(annotator.key(document.sha256), sample_mentions(document.text))
    return copy


def status_line(screen: str) -> str:
    """The status line: the one above the footer."""
    lines = screen.rstrip("\n").splitlines()
    return lines[-2].strip() if len(lines) > 1 else ""


def footer(screen: str) -> str:
    """The footer: the last line."""
    lines = screen.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


def test_paging_go_to_and_the_end_like_less(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    book = tmp_path / "long.txt"
    book.write_text(generated_text(), encoding="utf-8")
    terminal.start(f"{command(cache_dir, data_dir, '--no-ner', str(book))}; sleep 600", 100, 30)
    terminal.wait_for(lambda s: status_line(s).startswith("line 1 of 799"), "the text")
    for key, at_top in (("C-f", False), ("C-b", True), ("C-d", False), ("C-u", True)):
        terminal.tmux("send-keys", "-t", "reader", key)
        terminal.wait_for(
            lambda s, top=at_top: status_line(s).startswith("line 1 ") == top,  # type: ignore[misc]
            f"{key} to page",
        )
    terminal.send(":")
    terminal.wait_for(lambda s: "go to: a line number" in s, "the go-to prompt")
    terminal.send("301\r")
    terminal.wait_for(lambda s: status_line(s).startswith("line 301 of 799"), ":301")
    terminal.send(":")
    terminal.wait_for(lambda s: "go to: a line number" in s, "the go-to prompt")
    terminal.send("150%\r")
    terminal.wait_for(lambda s: "150% is past the end" in s, "the notice for 150%")
    assert status_line(terminal.screen()).startswith("line 301 of 799")
    terminal.send("G")
    terminal.wait_for(lambda s: status_line(s).endswith("· 100%"), "G to show 100%")
    terminal.send("?")
    terminal.wait_for(lambda s: "entity-reader · keys" in s, "the help")
    terminal.send("G")
    terminal.wait_for(lambda s: "the current mention" in s, "G to scroll the help to its end")
    terminal.send("g")
    terminal.wait_for(lambda s: "down one line" in s, "g to scroll the help back")
    terminal.send("q")
    terminal.wait_for(lambda s: "entity-reader · keys" not in s, "q to close the help")
    terminal.tmux("send-keys", "-t", "reader", "C-c")
    terminal.wait_for(lambda s: "Press q to quit." in s, "ctrl+c to say how to quit")
    assert "[b]" not in terminal.screen()
    terminal.send("q")
    assert "EXIT=0" in terminal.wait_for(lambda s: "EXIT=" in s, "the reader to quit")


def test_match_count_and_a_mention_shrunk_then_grown(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    copy = cached_sample(tmp_path, cache_dir)
    terminal.start(f"{command(cache_dir, data_dir, str(copy))}; sleep 600", 120, 40)
    terminal.wait_for(lambda s: DONE.search(s) is not None, "the cached entities")
    count = copy.read_text(encoding="utf-8").lower().count("syria")
    terminal.send("/")
    terminal.wait_for(lambda s: "search the text" in s, "the search box")
    terminal.send("syria\r")
    terminal.wait_for(lambda s: f"search: syria · match 1/{count}" in s, "the match count")
    terminal.send("n")
    terminal.wait_for(lambda s: f"search: syria · match 2/{count}" in s, "n to keep the count")

    for _ in range(40):
        before = status_line(terminal.screen())
        terminal.send("]")
        shown = terminal.wait_for(
            lambda s, b=before: " · mention " in status_line(s) and status_line(s) != b,  # type: ignore[misc]
            "] to the next mention",
        )
        if status_line(shown).startswith("May 1, 2018 ahead · Date"):
            break
    assert status_line(shown) == "May 1, 2018 ahead · Date · mention 1/1 · DATE"
    terminal.send(".")
    terminal.wait_for(
        lambda s: status_line(s) == "May 1, 2018 · Date · mention 1/1 · DATE ✎", ". to shrink"
    )
    terminal.send(">")
    terminal.wait_for(lambda s: status_line(s).startswith("May 1, 2018 ahead · Date"), "> to grow")
    terminal.send("q")
    assert "EXIT=0" in terminal.wait_for(lambda s: "EXIT=" in s, "the reader to quit")
    [kept] = (data_dir / "corrections").glob("*.json")
    stored = json.loads(kept.read_text(encoding="utf-8"))
    assert stored["format"] == 2
    assert [c["op"] for c in stored["corrections"]] == ["resize", "resize"]


def test_a_narrow_screen_shows_the_sidebar_over_the_text_with_its_own_keys(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    copy = cached_sample(tmp_path, cache_dir)
    terminal.start(f"{command(cache_dir, data_dir, str(copy))}; sleep 600", 60, 20)
    shown = terminal.wait_for(lambda s: DONE.search(s) is not None, "the cached entities")
    assert "filter entities" not in shown  # no sidebar below 100 columns
    assert "Iraqi air strike targets ISIS position in Syria" in shown  # the text has the width
    terminal.send("l")
    terminal.wait_for(
        lambda s: "filter entities" in s and "back" in footer(s),
        "l to show the sidebar, and the footer its keys",
    )
    assert not {"quit", "export", "list"} & set(footer(terminal.screen()).split())
    terminal.send("qe")  # letters filter the list; nothing quits
    terminal.wait_for(lambda s: "qe" in s, "the filter to take the letters")
    terminal.tmux("send-keys", "-t", "reader", "Escape")
    terminal.tmux("send-keys", "-t", "reader", "Escape")
    terminal.wait_for(
        lambda s: "filter entities" not in s and "list" in footer(s), "escape back to the text"
    )
    terminal.send("q")
    assert "EXIT=0" in terminal.wait_for(lambda s: "EXIT=" in s, "the reader to quit")
