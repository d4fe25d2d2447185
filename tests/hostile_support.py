"""What the hostile-input tests share: running the binary, exporting JSON checked against its
schema, and reading what the reader drew (rows, the whole screen, notifications)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from reader_support import reader
from rich.segment import Segment
from test_cli import BINARY
from textual.strip import Strip
from textual.widgets._toast import Toast

from tui.app import ReaderApp
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "extract" / "exporters" / "native.schema.json").read_text("utf-8"))
SIZE = (120, 30)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c"
    "6360000200000500017a5eab3f0000000049454e44ae426082"
)
"""A one-pixel PNG."""


def run_binary(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command with nothing on standard input: it must fail before any screen."""
    return subprocess.run(
        [str(BINARY), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def export_json(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """``entity-reader export PATH`` (native JSON on standard output), read back and checked."""
    assert main(["export", str(path), *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    for entity in data["entities"]:
        for mention in entity["mentions"]:
            assert data["text"][mention["start"] : mention["end"]] == mention["text"]
    return data


def mentions_of(data: dict[str, Any]) -> list[tuple[int, int, str]]:
    return sorted(
        (m["start"], m["end"], m["label"]) for e in data["entities"] for m in e["mentions"]
    )


def rows(app: ReaderApp, count: int) -> list[str]:
    """The first rows of the article as drawn, trailing padding removed; each fills the width."""
    article = reader(app).article
    width = article.scrollable_content_region.width
    drawn = [article.render_line(y) for y in range(count)]
    assert all(strip.cell_length == width for strip in drawn)
    return [strip.text.rstrip() for strip in drawn]


def screen_strips(app: ReaderApp) -> list[Strip]:
    """The whole screen, notifications and dialogs included, as the driver would write it."""
    return app.screen._compositor.render_strips()  # no public API gives the composed screen


def screen_segments(app: ReaderApp) -> list[Segment]:
    return [segment for strip in screen_strips(app) for segment in strip]


def screen_text(app: ReaderApp) -> str:
    """The screen's text, a line per row."""
    return "\n".join(strip.text for strip in screen_strips(app))


def assert_no_raw_controls(app: ReaderApp) -> None:
    leaked = [s.text for s in screen_segments(app) if "\x1b" in s.text or "\x07" in s.text]
    assert leaked == []


def toasts(app: ReaderApp) -> list[str]:
    """The text of the notifications on screen, as rendered."""
    return [toast.render().plain for toast in app.screen.query(Toast)]
