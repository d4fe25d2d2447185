"""The installed reader in a real terminal (tmux): signals give the terminal back, and the
reader refuses to draw where its output is not a terminal."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from faults import alive
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


def test_the_reader_ends_when_its_terminal_goes_away(
    tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    """The terminal closed under a reader that is drawing (a long text opened from the cache,
    the sidebar just filled, the rows still wrapping): it ends, having saved its position,
    instead of waiting for ever on a terminal that is not there (Textual's output thread can
    die writing to it, and closing then waits on it). Six times: without the fix the hang
    came about one time in two."""
    text = tmp_path / "long.txt"
    text.write_text(
        "\n\n".join(
            f"Chapter {n}. Angela Merkel met Emmanuel Macron in Paris and Berlin; "
            f"the European Union and NATO in Brussels answered on day {n}. " * 4
            for n in range(1500)
        ),
        encoding="utf-8",
    )
    frames = tmp_path / "frames.log"

    def run(attempt: int, until: str) -> int:
        """Start the reader in a new terminal, wait for ``until`` in its frame log, then close
        the terminal under it; its pid."""
        frames.unlink(missing_ok=True)
        pid_file = tmp_path / f"pid-{attempt}"
        script = tmp_path / f"run-{attempt}.sh"
        reader = command(cache_dir, data_dir, str(text)).removesuffix("; echo EXIT=$?")
        script.write_text(
            f'echo $$ > "{pid_file}"\nexport ENTITY_READER_FRAME_LOG="{frames}"\nexec {reader}\n',
            encoding="utf-8",
        )
        terminal = Terminal()
        try:
            terminal.start(f"sh {script}", 140, 45)
            pid = reader_pid(pid_file)
            deadline = time.monotonic() + 300
            while not (frames.exists() and until in frames.read_text()):
                assert time.monotonic() < deadline, f"the reader never logged {until}"
                time.sleep(0.01)
            time.sleep(0.05)
        finally:
            terminal.kill()  # the pane closes: the reader gets SIGHUP and loses its terminal
        return pid

    run(0, "done")  # the model's mentions cached
    for attempt in range(1, 7):
        pid = run(attempt, "entities")
        deadline = time.monotonic() + 60
        while alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"the reader outlived its terminal (attempt {attempt})")
            time.sleep(0.2)
    assert (data_dir / "positions.json").is_file()
