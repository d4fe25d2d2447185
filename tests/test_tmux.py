"""The installed ``entity-reader`` command in a real terminal (tmux), driven by keystrokes."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sample import SAMPLE

ABADI = re.compile(r"Haider al-Abadi · Person · mention (\d+)/(\d+)")
DONE = re.compile(r"\d+ entities · \d+ mentions")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

MODEL_DEADLINE = 240.0
"""Seconds a wait on the model may take: loading spaCy and annotating on a loaded 2-core
machine (another test run beside this one) takes far longer than on an idle one."""

DEADLINE = 60.0
"""Seconds any other wait on the terminal may take (starting Python, drawing, exiting)."""


def reader_command() -> str:
    """The console script installed beside this Python (or on the PATH)."""
    found = shutil.which("entity-reader")
    return found or str(Path(sys.executable).parent / "entity-reader")


class Terminal:
    """One detached tmux session on a server of its own (its own socket)."""

    def __init__(self) -> None:
        self.socket = f"entity-reader-test-{uuid.uuid4().hex[:12]}"

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=DEADLINE
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: str, width: int, height: int) -> None:
        self.tmux("new-session", "-d", "-s", "reader", "-x", str(width), "-y", str(height), command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "reader")

    def send(self, key: str) -> None:
        self.tmux("send-keys", "-t", "reader", "-l", key)

    def wait_for(
        self, condition: Callable[[str], bool], what: str, timeout: float = DEADLINE
    ) -> str:
        """Poll the screen until ``condition`` holds on it; fail with the screen shown."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if condition(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{shown}")
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=DEADLINE
        )


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    session = Terminal()
    try:
        yield session
    finally:
        session.kill()


def reader_in(cache_dir: Path, data_dir: Path, *args: str, env: tuple[str, ...] = ()) -> str:
    """The shell command running the reader with these folders, settings and arguments."""
    return " ".join(
        shlex.quote(part)
        for part in (
            "env",
            f"ENTITY_READER_CACHE_DIR={cache_dir}",
            f"ENTITY_READER_DATA_DIR={data_dir}",
            *env,
            "LANG=C.UTF-8",
            reader_command(),
            *args,
        )
    )


def test_installed_reader_in_tmux(terminal: Terminal, cache_dir: Path, data_dir: Path) -> None:
    command = reader_in(cache_dir, data_dir, str(SAMPLE))
    terminal.start(f"{command}; echo EXIT=$?; sleep 600", 140, 45)
    terminal.wait_for(
        lambda shown: "Haider al-Abadi" in shown,
        "the sidebar to list Haider al-Abadi",
        timeout=MODEL_DEADLINE,
    )
    terminal.wait_for(
        lambda shown: DONE.search(shown) is not None, "the model to finish", timeout=MODEL_DEADLINE
    )

    found = None
    for _ in range(20):
        before = terminal.screen()
        terminal.send("]")
        shown = terminal.wait_for(lambda shown, b=before: shown != b, "] to move")  # type: ignore[misc]
        found = ABADI.search(shown)
        if found:
            break
    assert found is not None, terminal.screen()
    place, total = int(found[1]), int(found[2])
    assert place < total

    terminal.send("n")
    terminal.wait_for(
        lambda shown: f"Haider al-Abadi · Person · mention {place + 1}/{total}" in shown,
        "n to step to his next mention",
    )
    terminal.send("q")
    shown = terminal.wait_for(lambda shown: "EXIT=" in shown, "the reader to exit")
    assert "EXIT=0" in shown
    assert (data_dir / "positions.json").is_file()
    assert list((cache_dir / "mentions").glob("*.json"))  # the model's results were cached


def test_the_reader_shows_a_brat_folder_without_a_model(
    terminal: Terminal, tmp_path: Path, cache_dir: Path, data_dir: Path
) -> None:
    text = "Ada Lovelace wrote to Charles Babbage.\r\n\r\nLovelace lived in London.\r\n"
    (tmp_path / "letters.txt").write_text(text, encoding="utf-8", newline="")
    seen = text.replace("\r\n", "\n")
    london = seen.index("London")
    ann = f"T1\tPER 0 12\tAda Lovelace\nT2\tLOC {london} {london + 6}\tLondon\n"
    (tmp_path / "letters.ann").write_text(ann, encoding="utf-8")
    # No model is needed, or loaded: one that does not exist is never asked for.
    missing_model = ("ENTITY_READER_MODEL=en_core_web_nonexistent",)
    command = reader_in(
        cache_dir, data_dir, "--import", str(tmp_path / "letters.ann"), env=missing_model
    )
    terminal.start(f"{command}; echo EXIT=$?; sleep 600", 120, 30)
    shown = terminal.wait_for(lambda s: DONE.search(s) is not None, "the imported entities")
    assert "letters.txt · imported from letters.ann" in shown
    assert "2 entities · 2 mentions" in shown
    assert "Ada Lovelace" in shown and "London" in shown
    terminal.send("]")
    terminal.wait_for(
        lambda s: "Ada Lovelace · Person · mention 1/1 · PER" in s, "] to Ada Lovelace"
    )
    terminal.send("q")
    shown = terminal.wait_for(lambda s: "EXIT=" in s, "the reader to exit")
    assert "EXIT=0" in shown
