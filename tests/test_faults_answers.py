"""Clear answers: a stray byte keeps UTF-8, a destination checked before the model runs, links,
loops, FIFOs and kernel files named for what they are, model names that never import code,
--jobs within the cores."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from faults import (
    binary,
    export,
    no_model,
    short_text,
)
from test_cli import assert_one_error_line
from test_export_cli import one_error_line

from extract import annotator as annotator_module
from extract import ner
from extract.document import decode, load
from extract.errors import DocumentError
from extract.ner import Annotator, resolve_model
from tui.cli import main

pytestmark = pytest.mark.usefixtures("one_model_load")


# == clear answers ============================================================================


def test_one_stray_byte_keeps_a_utf8_file_utf8(tmp_path: Path) -> None:
    text = "Caf\u00e9 in Z\u00fcrich with Fran\u00e7ois and \u00c5sa. " * 40
    data = text.encode("utf-8") + b"\xff" + "Gen\u00e8ve.\n".encode()
    decoded, encoding = decode(data)
    assert encoding == "utf-8"
    assert decoded == text + "\ufffd" + "Gen\u00e8ve.\n"
    source = tmp_path / "stray.txt"
    source.write_bytes(data)
    assert load(source).notes == (
        f"{source}: read as UTF-8; 1 byte sequence that is not UTF-8 shown as \ufffd",
    )


def test_a_legacy_file_still_goes_to_detection() -> None:
    assert decode("Caf\u00e9 cr\u00e8me, na\u00efve.\n".encode("cp1252")) == (
        "Caf\u00e9 cr\u00e8me, na\u00efve.\n",
        "cp1252",
    )
    # "Ã©" in cp1252 happens to be valid UTF-8; the other accents are not: not UTF-8 at all.
    text = "T\u00c3\u00a9l: caf\u00e9 cr\u00e8me, na\u00efve, \u00e0 la fa\u00e7ade.\n"
    assert decode(text.encode("cp1252")) == (text, "cp1252")


def test_the_stray_byte_note_reaches_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "stray.txt"
    source.write_bytes("Fran\u00e7ois met Angela Merkel in Z\u00fcrich. ".encode() * 60 + b"\xfe.")
    data_out = tmp_path / "out.json"
    assert export(source, "-o", data_out) == 0
    warning, _ = capsys.readouterr().err.splitlines()
    assert warning == (
        f"entity-reader: warning: {source}: read as UTF-8; "
        "1 byte sequence that is not UTF-8 shown as \ufffd"
    )
    data = json.loads(data_out.read_text(encoding="utf-8"))
    assert data["encoding"] == "utf-8" and data["text"].endswith("\ufffd.")


def test_an_unwritable_destination_is_found_before_the_model_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setattr(Annotator, "annotate", no_model)
    assert export(source, "-o", blocker / "out.json") == 1
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"entity-reader: error: cannot write {blocker / 'out.json'}: "
        "a part of the path is not a folder"
    )


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="needs Linux's /proc")
def test_a_kernel_file_as_destination_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # procfs refuses new files and renames, so even a failing test cannot replace it.
    monkeypatch.setattr(Annotator, "annotate", no_model)
    assert export(short_text(tmp_path), "-o", "/proc/version") == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("entity-reader: error: cannot write /proc/version: ")
    assert "cannot create a file in /proc" in line


@pytest.mark.parametrize("command", ["reader", "export"])
def test_a_symlink_loop_is_named_as_such(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop.txt")
    assert main([str(loop)] if command == "reader" else ["export", str(loop)]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        f"entity-reader: error: {loop}: too many levels of symbolic links (a link loop?)"
    )


def test_a_model_name_never_imports_a_module(tmp_path: Path) -> None:
    done = binary(
        "export", str(short_text(tmp_path)), env={"ENTITY_READER_MODEL": "this.x"}, timeout=60
    )
    assert done.stdout == ""  # "this" prints the Zen of Python when imported
    assert_one_error_line(done, "spaCy model 'this.x' is not installed")


def test_model_lookup_does_not_import_packages() -> None:
    sys.modules.pop("this", None)
    with pytest.raises(ner.ModelError):
        resolve_model("this.x")
    assert "this" not in sys.modules


def test_a_fifo_as_input_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "in.txt"
    os.mkfifo(fifo)
    done = binary("export", str(fifo), timeout=30)
    assert_one_error_line(done, f"{fifo} is a named pipe (FIFO), not a regular file")


def test_a_file_that_would_block_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What /proc/kmsg does when read without waiting: it has nothing to give yet.
    source = short_text(tmp_path)
    real = os.read

    def reading(descriptor: int, size: int) -> bytes:
        if os.readlink(f"/proc/self/fd/{descriptor}") == str(source):
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        return real(descriptor, size)

    monkeypatch.setattr(os, "read", reading)
    with pytest.raises(DocumentError) as caught:
        load(source)
    assert str(caught.value) == (
        f"{source} cannot be read without waiting (a kernel or device file, not a document)"
    )


def test_jobs_are_capped_at_the_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(annotator_module, "usable_cores", lambda: 2)
    made: list[int | None] = []
    real = Annotator.__init__

    def init(self: Annotator, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        made.append(self.jobs)

    monkeypatch.setattr(Annotator, "__init__", init)
    assert export(short_text(tmp_path), "--jobs", "16", "-f", "csv") == 0
    err = capsys.readouterr().err
    assert (
        err.splitlines()[0]
        == "entity-reader: note: --jobs 16 is more than the 2 cores here: using 2"
    )
    assert made == [2]
    assert Annotator(jobs=64, cache=None).jobs == 2
