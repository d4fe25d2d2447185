"""The installed binary in a real terminal (tmux): a hostile text cannot touch the terminal."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from hostile_support import PNG
from test_tmux import DEADLINE, Terminal, reader_command
from test_tmux import terminal as terminal  # the fixture: one tmux server, killed at the end

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

HOSTILE = (
    "Hello [bold red]Barack Obama[/] met [link=https://example.com]x[/link].\n"
    "Title \x1b]0;pwned\x07 then \x1b[31mred\x1b[0m and \x1b[2J\x1b[H a cleared screen.\n"
    "The last line is still here.\n"
)


def command(cache_dir: Path, data_dir: Path, *args: str) -> str:
    """The reader with its folders in the environment, then its exit status on the screen."""
    words = (
        "env",
        # A stale size in the environment would win over the pane's own (shutil reads it first).
        "-u",
        "COLUMNS",
        "-u",
        "LINES",
        f"ENTITY_READER_CACHE_DIR={cache_dir}",
        f"ENTITY_READER_DATA_DIR={data_dir}",
        "LANG=C.UTF-8",
        reader_command(),
        *args,
    )
    return " ".join(shlex.quote(word) for word in words) + "; echo EXIT=$?"


def test_markup_and_escape_sequences_show_as_text(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    path = tmp_path / "hostile.txt"
    path.write_bytes(HOSTILE.encode("utf-8"))
    # After the reader, a real title change: proof that the pane title would show one.
    title_check = "printf '\\033]0;title-check\\007'; sleep 600"
    reader = command(cache_dir, data_dir, "--no-ner", str(path))
    terminal.start(f"{reader}; {title_check}", 120, 30)
    shown = terminal.wait_for(
        lambda s: "started with --no-ner" in s and "filter entities" in s and "still here" in s,
        "the reader without a model, its sidebar and the whole text",
    )
    assert "Hello [bold red]Barack Obama[/] met [link=https://example.com]x[/link]." in shown
    assert "Title ␛]0;pwned␇ then ␛[31mred␛[0m and ␛[2J␛[H a cleared screen." in shown
    assert "The last line is still here." in shown
    assert "hostile.txt · no model (--no-ner)" in shown  # the top line was not cleared
    assert terminal.tmux("display", "-p", "-t", "reader", "#{pane_title}").strip() != "pwned"

    terminal.send("q")
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to exit")
    assert "EXIT=0" in shown
    terminal.wait_for(
        lambda _: (
            terminal.tmux("display", "-p", "-t", "reader", "#{pane_title}").strip() == "title-check"
        ),
        "the control title to show",
    )


def test_a_binary_file_is_one_error_line(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(PNG)
    terminal.start(f"{command(cache_dir, data_dir, str(path))}; sleep 600", 160, 10)
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to give up", timeout=DEADLINE)
    lines = [line for line in shown.splitlines() if line.strip()]
    assert lines == [
        f"entity-reader: error: {path} looks binary (it contains NUL bytes), not text",
        "EXIT=1",
    ]
    assert "Traceback" not in shown
