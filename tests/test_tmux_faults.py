"""The installed reader in a real terminal (tmux): signals give the terminal back, and the
reader refuses to draw where its output is not a terminal."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from test_tmux import SAMPLE, Terminal
from test_tmux import terminal as terminal  # the fixture: one tmux server, killed at the end
from test_tmux_hostile import command

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def pane(terminal: Terminal, what: str) -> str:
    """One of tmux's pane variables (``alternate_on``, ``cursor_flag``, …)."""
    return terminal.tmux("display", "-p", "-t", "reader", f"#{{{what}}}").strip()


def reader_pid(pid_file: Path) -> int:
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text().strip():
        if time.monotonic() > deadline:
            raise AssertionError("the reader never started")
        time.sleep(0.1)
    return int(pid_file.read_text())


@pytest.mark.parametrize("early", [False, True], ids=["settled", "early"])
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_signal_gives_the_terminal_back(
    number: signal.Signals,
    early: bool,
    terminal: Terminal,
    tmp_path: Path,
    cache_dir: Path,
    data_dir: Path,
) -> None:
    """Settled: the sidebar lists entities. Early: as soon as the text shows, while the side
    panels are still being put up."""
    pid_file = tmp_path / "pid"
    script = tmp_path / "run.sh"
    # exec keeps the shell's pid, so the pid written is the reader's own.
    reader = command(cache_dir, data_dir, str(SAMPLE)).removesuffix("; echo EXIT=$?")
    script.write_text(f'echo $$ > "{pid_file}"\nexec {reader}\n', encoding="utf-8")
    terminal.start(f"sh {script}; echo EXIT=$?; sleep 60", 120, 30)
    if early:
        terminal.wait_for(lambda s: "Iraqi air strike" in s, "the text")
    else:
        terminal.wait_for(
            lambda s: "filter entities" in s and "Haider al-Abadi" in s,
            "the reader and its sidebar",
        )
        assert pane(terminal, "alternate_on") == "1"
        assert pane(terminal, "mouse_any_flag") == "1" or pane(terminal, "mouse_sgr_flag") == "1"

    os.kill(reader_pid(pid_file), number)
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to exit", timeout=20)
    assert f"EXIT={128 + number}" in shown
    assert "Traceback" not in shown
    assert pane(terminal, "alternate_on") == "0"  # back on the main screen
    assert pane(terminal, "cursor_flag") == "1"  # the cursor shows again
    assert pane(terminal, "mouse_any_flag") == "0"
    assert pane(terminal, "mouse_sgr_flag") == "0"
    assert (data_dir / "positions.json").is_file()  # it left as q leaves


def test_the_reader_refuses_to_draw_into_a_redirected_output(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    out = tmp_path / "screen.txt"
    reader = command(cache_dir, data_dir, "--no-ner", str(SAMPLE)).removesuffix("; echo EXIT=$?")
    terminal.start(f"{reader} > {out}; echo EXIT=$?; sleep 60", 160, 10)
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to give up", timeout=30)
    lines = [line for line in shown.splitlines() if line.strip()]
    assert lines == [
        "entity-reader: error: the reader needs a terminal (standard output is not one); use "
        "entity-reader export FILE to write the annotations",
        "EXIT=1",
    ]
    assert out.read_text() == ""
