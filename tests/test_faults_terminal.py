"""Terminal and security: control characters in file names, the reader refusing streams that are
not terminals, signals and the workers that stop with their parent, dialogs on a tiny terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from faults import (
    TITLE_ATTACK,
    alive,
    binary,
    export,
    short_text,
)
from reader_support import wait_annotated, wait_for
from test_cli import BINARY, assert_one_error_line
from test_export_cli import one_error_line

from extract.document import Document
from extract.ner import Annotator
from tui.app import ReaderApp
from tui.cli import main
from tui.screens.chooser import Chooser
from tui.screens.export import ExportScreen
from tui.visible import visible

pytestmark = pytest.mark.usefixtures("one_model_load")


# == terminal and security ====================================================================


def test_error_lines_show_control_characters_in_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / f"x{TITLE_ATTACK}y.txt"
    assert export(missing) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "\x1b" not in line and "\x07" not in line
    assert line == f"entity-reader: error: {tmp_path}/x␛]2;pwned␇y.txt: no such file"


def test_every_line_the_command_prints_is_filtered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path, f"a{TITLE_ATTACK}.txt")
    out = tmp_path / f"o{TITLE_ATTACK}.json"
    assert export(source, "-o", out) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"wrote {visible(str(out))}: ") and "\x1b" not in err
    missing = tmp_path / f"m{TITLE_ATTACK}\n.txt"
    assert export(source, missing, "--out-dir", tmp_path / "dir", "--jobs", "1") == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "m␛]2;pwned␇␊.txt: no such file" in err
    with pytest.raises(SystemExit):  # argparse repeats what it does not know, raw
        main(["export", str(source), f"--colour{TITLE_ATTACK}"])
    err = capsys.readouterr().err
    assert "unrecognized arguments: --colour␛]2;pwned␇" in err and "\x1b" not in err


def test_file_names_are_shown_as_text_in_the_binary(tmp_path: Path) -> None:
    done = binary("export", str(tmp_path / f"{TITLE_ATTACK}.txt"))
    assert_one_error_line(done, "␛]2;pwned␇.txt: no such file")
    assert "\x1b" not in done.stderr


def test_the_reader_refuses_keys_from_a_pipe(tmp_path: Path, data_dir: Path) -> None:
    source = short_text(tmp_path)
    keys = tmp_path / "keys.txt"
    keys.write_text("]x]x]xq", encoding="utf-8")  # would remove three entities
    with keys.open("rb") as stream:
        done = binary(str(source), "--no-ner", stdin=stream)
    assert_one_error_line(
        done,
        "the reader needs a terminal (standard input is not one); "
        "use entity-reader export FILE to write the annotations",
    )
    assert done.stdout == ""
    assert not (data_dir / "corrections").exists()


@pytest.mark.parametrize("stream", ["output", "error"])
def test_the_reader_refuses_an_output_that_is_not_a_terminal(stream: str, tmp_path: Path) -> None:
    import pty
    import select

    source = short_text(tmp_path)
    main_end, terminal_end = pty.openpty()
    try:
        streams = {"stdin": terminal_end, "stdout": terminal_end, "stderr": terminal_end}
        captured = tmp_path / "captured"
        with captured.open("wb") as elsewhere:
            streams["stdout" if stream == "output" else "stderr"] = elsewhere.fileno()
            done = subprocess.run(
                [str(BINARY), str(source), "--no-ner"], timeout=60, check=False, **streams
            )
        shown = b""
        while select.select([main_end], [], [], 0.5)[0]:
            shown += os.read(main_end, 4096)
    finally:
        os.close(main_end)
        os.close(terminal_end)
    assert done.returncode == 1
    line = (
        f"entity-reader: error: the reader needs a terminal (standard {stream} is not one); "
        "use entity-reader export FILE to write the annotations"
    )
    if stream == "error":  # the one line went where standard error goes
        assert captured.read_text(encoding="utf-8") == line + "\n"
        assert shown == b""  # nothing drawn on the terminal either
    else:
        assert captured.read_bytes() == b""  # nothing drawn into the file
        assert shown.decode().replace("\r\n", "\n") == line + "\n"


def _children(pid: int) -> set[int]:
    """Processes started by ``pid`` (Linux: from /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _niced(pids: set[int]) -> set[int]:
    """Those of ``pids`` running niced: workers whose start-up has run."""
    found = set()
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[16]) > 0:  # field 19 of stat, counted after the command's name
            found.add(pid)
    return found


def _wait(condition: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("how", ["kill", "term"])
def test_workers_stop_with_their_parent(how: str, tmp_path: Path, long_text: str) -> None:
    source = tmp_path / "long.txt"
    source.write_text(long_text * 4, encoding="utf-8")
    out = tmp_path / "out.json"
    process = subprocess.Popen(
        [str(BINARY), "export", str(source), "--jobs", "2", "--no-cache", "-o", str(out)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Two spawned workers, started once they run niced (the resource tracker may be a
        # third child): left alone, they would load the model and read a batch or two.
        _wait(lambda: len(_niced(_children(process.pid))) >= 2, "the workers to start", 120)
        workers = _niced(_children(process.pid))
        process.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        status = process.wait(timeout=60)
        # The kernel tells them at once; two seconds is ample even on a loaded machine.
        _wait(lambda: not any(alive(pid) for pid in workers), "the workers to stop", 2)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.stderr is not None
    err = process.stderr.read().decode()
    if how == "term":
        assert status == 143 and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["long.txt"]  # no temporary file left


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_a_busy_worker_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from faults import SleepyRecognizer\n"
        "from extract.recognizer import ProcessPool\n"
        "for _ in ProcessPool(1).run(SleepyRecognizer(), [['Angela Merkel']]):\n"
        "    pass\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.DEVNULL)
    try:
        _wait(lambda: _niced(_children(process.pid)), "the worker to start", 120)
        (worker,) = _niced(_children(process.pid))
        time.sleep(0.5)  # asleep in its batch: left alone it would sleep ten minutes
        process.kill()
        process.wait(timeout=60)
        _wait(lambda: not alive(worker), "the worker to stop", 2)
    finally:
        if process.poll() is None:
            process.kill()


SMALL = (1, 1), (5, 3), (2, 10)


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["e", "r", "m"])
async def test_a_dialog_survives_a_tiny_terminal(
    key: str, sample_document: Document, sample_annotator: Annotator
) -> None:
    app = ReaderApp(sample_document, sample_annotator, store=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_annotated(pilot)
        await pilot.press("right_square_bracket", key)
        dialog = ExportScreen if key == "e" else Chooser
        await wait_for(pilot, lambda: isinstance(app.screen, dialog), "the dialog")
        for size in SMALL:
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
        assert app.is_running and app._exception is None
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.2)
        assert isinstance(app.screen, dialog)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, dialog), "the dialog to close")
    assert app._exception is None


@pytest.mark.asyncio
async def test_the_sidebar_outlives_its_tree_while_the_reader_closes(
    sample_document: Document, sample_annotator: Annotator
) -> None:
    # Closing takes the tree down before the sidebar: a late rebuild (its timer, the theme,
    # a reading bound late) must not raise, or the reader dies with a traceback on exit.
    from tui.widgets.sidebar import EntityTree, Sidebar

    app = ReaderApp(sample_document, sample_annotator, store=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_annotated(pilot)
        sidebar = app.screen.query_one(Sidebar)
        await sidebar.query_one(EntityTree).remove()
        app.theme = "textual-light"  # the sidebar rebuilds on a theme change
        await pilot.pause(0.2)
        assert app._exception is None and app.is_running
