"""Helpers for fault tests: refused opens, FIFOs and device nodes made inside the test's folder,
a short text, and the command run in this process or as the installed binary.

Tests never point at the machine's real /dev/null, /dev/full or /proc/kmsg: a failing test run
as root would replace them. Device nodes are made with mknod in the test's temporary folder
(only root may), and everything that could block has a timeout.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from test_cli import BINARY

from extract.recognizer import Found, ModelInfo
from tui.cli import main

NULL = (1, 3)
"""Major and minor numbers of Linux's null device."""
FULL = (1, 7)
"""Major and minor numbers of Linux's full device (every write fails: no space left)."""

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can make device nodes"
)


def refuse_open(monkeypatch: pytest.MonkeyPatch, path: Path, number: int = errno.EACCES) -> None:
    """Opening ``path`` fails with ``number`` (tests may run as root, who opens anything)."""
    real = os.open
    target = os.path.abspath(path)

    def opening(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.abspath(os.fsdecode(name)) == target:
            raise OSError(number, os.strerror(number), str(name))
        return real(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", opening)


def device(folder: Path, name: str, numbers: tuple[int, int]) -> Path:
    """A character device node in ``folder`` (root only: see `needs_root`)."""
    path = folder / name
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(*numbers))
    return path


class FifoReader:
    """A FIFO in a folder with a thread reading everything written to it, with a deadline."""

    def __init__(self, folder: Path, name: str = "pipe") -> None:
        self.path = folder / name
        os.mkfifo(self.path)
        self.data = b""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as stream:  # blocks until a writer opens it
            self.data = stream.read()

    def result(self, timeout: float = 120) -> bytes:
        """What was written, once the writer closed the FIFO."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            # Unblock the reading thread so the test run can end.
            descriptor = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            os.close(descriptor)
            raise AssertionError(f"nothing closed {self.path} within {timeout} s")
        return self.data


class SleepyRecognizer:
    """A recogniser that takes ten minutes over any batch: a worker busy for good."""

    @property
    def info(self) -> ModelInfo:
        return ModelInfo("sleepy", "1", "nowhere")

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        time.sleep(600)
        return [[] for _ in texts]


SHORT = "Angela Merkel met Emmanuel Macron in Paris on Monday.\n"
TITLE_ATTACK = "\x1b]2;pwned\x07"
"""What retitles a terminal that prints it raw."""


def short_text(folder: Path, name: str = "notes.txt") -> Path:
    path = folder / name
    path.write_text(SHORT, encoding="utf-8")
    return path


def export(*args: str) -> int:
    return main(["export", *map(str, args)])


def binary(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, **options: Any
) -> subprocess.CompletedProcess[str]:
    """The installed command in a process of its own, nothing on standard input unless told."""
    options.setdefault("stdin", subprocess.DEVNULL)
    if "stdout" not in options:
        options.setdefault("capture_output", True)
    return subprocess.run(
        [str(BINARY), *args],
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
        **options,
    )


def no_model(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the model ran before the destination was checked")


class DyingRecognizer:
    """Kills the worker process that reads a text with the word "dies" in it, every time (as
    the kernel would kill one out of memory); labels "Merkel" elsewhere."""

    info = ModelInfo("dying", "1", "test")

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        if any("dies" in text for text in texts):
            os._exit(9)
        return [[(m, m + 6, "PERSON")] if (m := text.find("Merkel")) >= 0 else [] for text in texts]


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status
