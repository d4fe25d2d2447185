"""Nothing clobbered, nothing lost, nothing spoofed: what surrounds a document, attacked.

Output paths that are links, FIFOs or devices; companion files the user did not name;
corrections files that cannot be read or that hold nonsense; file names with escape sequences
or bytes that are not UTF-8; standard streams that are not terminals or fill up; signals; texts
that expand past every limit. Device nodes are made inside the test's folder (root only) and
never point at the machine's own; anything that could block has a timeout.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from faults import FULL, NULL, FifoReader, device, needs_root, refuse_open
from reader_support import record_notifications, wait_annotated, wait_for
from spacy.tokens import DocBin
from test_cli import BINARY, assert_one_error_line
from test_export_cli import one_error_line
from test_formats import make_epub, make_pdf
from test_hostile import _one_model_load as _one_model_load  # autouse: one model load

from extract import annotator as annotator_module
from extract import ner
from extract.atomic import write_atomic
from extract.corrections import CorrectionsError, default_path, open_for, relabel
from extract.document import MAX_CHARS, Document, decode, load, text_document
from extract.errors import DocumentError
from extract.exporters import FORMATS
from extract.exporters.tokens import vocab
from extract.formats import from_bytes
from extract.grouping import group
from extract.model import Mention
from extract.ner import Annotator, resolve_model
from tui.app import ReaderApp
from tui.cli import main
from tui.screens.chooser import Chooser
from tui.screens.export import ExportScreen
from tui.visible import visible

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


# == data loss and integrity ===================================================================

# -- -o onto what is not a plain file ----------------------------------------------------------


def test_export_into_a_fifo_writes_through_it_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    fifo = FifoReader(tmp_path, "out.json")
    done = binary("export", str(source), "-o", str(fifo.path), timeout=180)
    received = fifo.result()
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo.path).st_mode)  # not replaced by a regular file
    assert json.loads(received)["text"] == SHORT


def test_export_through_a_symlink_writes_its_target_and_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(Path("real") / "out.json")
    assert export(source, "-o", link) == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "out.json")
    assert json.loads(target.read_text(encoding="utf-8"))["text"] == SHORT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "notes.txt", "real"]
    assert capsys.readouterr().err.startswith(f"wrote {link}")


def test_export_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    assert export(source, "-o", link) == 0
    assert link.is_symlink()
    assert json.loads((tmp_path / "made.json").read_text(encoding="utf-8"))["text"] == SHORT


@needs_root
def test_export_onto_a_null_device_writes_in_place(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    null = device(tmp_path, "null", NULL)
    assert export(source, "-o", null) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert os.lstat(null).st_rdev == os.makedev(*NULL)


@needs_root
def test_export_onto_a_full_device_is_one_error_line_and_keeps_the_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    full = device(tmp_path, "full", FULL)
    assert export(source, "-o", full) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line == f"entity-reader: error: cannot write {full}: no space left on the device"
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def _unused_block_device() -> tuple[int, int]:
    """A block device number reserved for local use and not registered here: writing to it
    could not touch a disk even if the tool failed to refuse."""
    registered = Path("/proc/devices").read_text(encoding="ascii").split("Block devices:")[-1]
    majors = {int(line.split()[0]) for line in registered.splitlines() if line.strip()}
    major = next(number for number in range(240, 255) if number not in majors)
    return major, 77


@needs_root
def test_export_onto_a_block_device_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    disk = tmp_path / "disk"
    os.mknod(disk, 0o600 | stat.S_IFBLK, os.makedev(*_unused_block_device()))
    assert export(source, "-o", disk) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"entity-reader: error: cannot write {disk}: "
        "is a block device (a disk): the tool does not write there"
    )
    assert stat.S_ISBLK(os.lstat(disk).st_mode)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_export_to_an_open_descriptor_appends_as_the_shell_asked(tmp_path: Path) -> None:
    # /proc/self/fd/1 is what /dev/stdout names; the real /dev is never a test's target.
    source = short_text(tmp_path)
    log = tmp_path / "log.txt"
    log.write_text("before\n", encoding="utf-8")
    with log.open("ab") as stream:
        done = binary("export", str(source), "-f", "csv", "-o", "/proc/self/fd/1", stdout=stream)
    assert done.returncode == 0
    text = log.read_text(encoding="utf-8-sig")
    assert text.startswith("before\n") and "Angela Merkel" in text


def test_atomic_writes_keep_mode_and_replace_only_regular_files(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, b"never")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]  # no temporary left


# -- companions the user did not name -----------------------------------------------------------


def test_brat_never_overwrites_an_unrelated_txt_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    source = short_text(tmp_path / "in")
    out = tmp_path / "thesis.ann"
    mine = tmp_path / "thesis.txt"
    mine.write_text("My thesis, chapter one.\n", encoding="utf-8")
    assert export(source, "-f", "brat", "-o", out) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"entity-reader: error: {mine} already exists with other content: "
        "not overwritten (--force replaces it)"
    )
    assert mine.read_text(encoding="utf-8") == "My thesis, chapter one.\n"
    assert not out.exists()  # all or nothing

    assert export(source, "-f", "brat", "-o", out, "--force") == 0
    assert mine.read_text(encoding="utf-8") == SHORT
    assert capsys.readouterr().err.startswith(f"wrote {out}, {mine}")
    # Its own earlier export (the same text) is no conflict.
    assert export(source, "-f", "brat", "-o", out) == 0


def test_brat_is_refused_before_the_model_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path, "a.txt")
    (tmp_path / "b.txt").write_text("other\n", encoding="utf-8")
    monkeypatch.setattr(Annotator, "annotate", _no_model)
    assert export(source, "-f", "brat", "-o", tmp_path / "b.ann") == 1
    assert "already exists with other content" in one_error_line(capsys.readouterr().err)


def test_brat_writes_the_name_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = short_text(tmp_path)
    out = tmp_path / "thesis.pdf"
    assert export(source, "-f", "brat", "-o", out) == 0
    assert out.read_text(encoding="utf-8").startswith("T1\t")
    assert (tmp_path / "thesis.txt").read_text(encoding="utf-8") == SHORT
    assert not (tmp_path / "thesis.ann").exists()
    err = capsys.readouterr().err
    assert err.startswith(f"wrote {out}, {tmp_path / 'thesis.txt'}")

    assert export(source, "-f", "brat", "-o", tmp_path / "same.txt") == 1
    line = one_error_line(capsys.readouterr().err)
    assert "brat writes" in line and "same.txt" in line and "same.ann" in line
    assert not (tmp_path / "same.txt").exists()


def test_out_dir_never_overwrites_an_unrelated_companion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = short_text(tmp_path, "a.md")
    second = short_text(tmp_path, "b.md")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("keep me\n", encoding="utf-8")
    assert export(first, second, "-f", "brat", "--out-dir", out, "--jobs", "1") == 1
    err = capsys.readouterr().err
    assert f"entity-reader: error: {out / 'a.txt'} already exists with other content" in err
    assert (out / "a.txt").read_text(encoding="utf-8") == "keep me\n"
    assert not (out / "a.ann").exists()
    assert (out / "b.ann").exists()  # the batch went on
    assert err.rstrip().endswith("; 1 failed")


# -- corrections files that cannot be read ------------------------------------------------------


def as_if_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the reader's command line go on as if run in a terminal (it fails before the app)."""
    from tui import cli

    monkeypatch.setattr(cli, "_need_terminal", lambda: None)


def _stored_corrections(source: Path, path: Path | None = None) -> Path:
    document = load(source)
    store = open_for(str(source), document.sha256, path)
    entity = next(e for e in group([Mention(0, 13, "PERSON", "Angela Merkel")]))
    store.do(relabel(entity, "ORG"))
    return store.path


@pytest.mark.parametrize("how", ["default", "named"])
@pytest.mark.parametrize("command", ["reader", "export"])
def test_an_unreadable_corrections_file_is_an_error_and_left_alone(
    how: str,
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = short_text(tmp_path)
    path = _stored_corrections(source, tmp_path / "mine.json" if how == "named" else None)
    before = path.read_bytes()
    refuse_open(monkeypatch, path, errno.EIO)
    as_if_in_a_terminal(monkeypatch)
    named = ["--annotations", str(path)] if how == "named" else []
    args = [str(source), *named] if command == "reader" else ["export", str(source), *named]
    assert main(args) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"entity-reader: error: cannot read corrections file {path}: "
        "input/output error; it was left as it is"
    )
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if "corrupt" in p.name] == []


def test_eval_only_reads_a_corrupt_corrections_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.jsonl"
    assert export(short_text(tmp_path), "-f", "jsonl", "-o", gold) == 0
    kept = default_path(str(gold))
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text("{not json", encoding="utf-8")
    capsys.readouterr()
    assert main(["eval", str(gold), "--json"]) == 0
    err = capsys.readouterr().err
    assert f"entity-reader: warning: corrections file {kept} is corrupt" in err
    assert kept.read_text(encoding="utf-8") == "{not json"
    assert not Path(f"{kept}.corrupt").exists()


def test_a_folder_in_the_way_of_the_corrections_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    assert export(source, "--annotations", blocker / "c.json") == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.endswith("a part of the path is not a folder; it was left as it is")
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_a_failed_read_while_saving_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = short_text(tmp_path)
    path = _stored_corrections(source)
    before = path.read_bytes()
    store = open_for(str(source), load(source).sha256)
    refuse_open(monkeypatch, path, errno.EIO)
    entity = group([Mention(37, 42, "GPE", "Paris")])[0]
    with pytest.raises(CorrectionsError, match="input/output error"):
        store.do(relabel(entity, "LOC"))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert len(store.log) == 1  # the failed edit is not shown as done


# -- links -------------------------------------------------------------------------------------


def test_saving_through_an_annotations_link_writes_its_target(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    kept = repo / "corrections.json"
    link = tmp_path / "annotations.json"
    link.symlink_to(kept)
    _stored_corrections(source, link)
    assert link.is_symlink()
    data = json.loads(kept.read_text(encoding="utf-8"))
    assert [c["op"] for c in data["corrections"]] == ["relabel"]
    # A second edit through the real path and one through the link share the file.
    again = open_for(str(source), load(source).sha256, kept)
    assert len(again.log) == 1


def test_the_same_file_through_a_link_has_the_same_corrections(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    _stored_corrections(source)
    link = tmp_path / "also.txt"
    link.symlink_to(source)
    assert default_path(str(link)) == default_path(str(source))
    store = open_for(str(link), load(link).sha256)
    assert [c.op for c in store.log] == ["relabel"]


def test_corrections_saved_before_links_were_resolved_are_still_found(
    tmp_path: Path, data_dir: Path
) -> None:
    (tmp_path / "real").mkdir()
    source = short_text(tmp_path / "real")
    alias = tmp_path / "alias"
    alias.symlink_to(tmp_path / "real")
    through = alias / "notes.txt"
    # As the previous version kept it: keyed by the path as given.
    from hashlib import sha256

    key = sha256(os.path.abspath(through).encode("utf-8")).hexdigest()[:32]
    legacy = data_dir / "corrections" / f"{key}.json"
    _stored_corrections(source, legacy)
    store = open_for(str(through), load(through).sha256)
    assert [c.op for c in store.log] == ["relabel"]


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


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


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
        _wait(lambda: not any(_alive(pid) for pid in workers), "the workers to stop", 2)
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
        _wait(lambda: not _alive(worker), "the worker to stop", 2)
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


# == crashes and silent loss ==================================================================


def _pdf_with_lone_surrogate() -> bytes:
    """A one-page PDF whose font maps "Q" to a lone surrogate (U+D800), as broken fonts do."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"1 beginbfchar <51> <D800> endbfchar endcmap\n"
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    content = b"BT /F1 24 Tf 72 700 Td (BQB met Angela Merkel in Paris.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_pdf_with_a_lone_surrogate_exports_in_every_format(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "broken-font.pdf"
    source.write_bytes(_pdf_with_lone_surrogate())
    document = load(source)
    assert document.text.startswith("B\ufffdB met Angela Merkel")
    target = tmp_path / f"out{FORMATS[name].extension}"
    assert export(source, "-f", name, "-o", target) == 0, capsys.readouterr().err
    if name == "json":
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["text"] == document.text
        for entity in data["entities"]:
            for mention in entity["mentions"]:
                assert data["text"][mention["start"] : mention["end"]] == mention["text"]


def test_a_lone_surrogate_becomes_one_replacement_character() -> None:
    document = text_document("Angela\ud800 Merkel \udfff.")
    assert document.text == "Angela\ufffd Merkel \ufffd."
    assert len(document.text) == len("Angela\ud800 Merkel \udfff.")
    document.text.encode("utf-8")


def test_a_batch_reports_each_failure_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = short_text(tmp_path, "good.txt")
    pdf = tmp_path / "broken-font.pdf"
    pdf.write_bytes(_pdf_with_lone_surrogate())
    bug = short_text(tmp_path, "bug.txt")
    missing = tmp_path / "missing.txt"
    from extract import annotations as annotations_module

    real_annotate = annotations_module.annotate

    def failing(document: Document, *args: Any, **kwargs: Any) -> Any:
        if document.source == str(bug):
            raise TypeError("something no one expected")
        return real_annotate(document, *args, **kwargs)

    monkeypatch.setattr(annotations_module, "annotate", failing)
    out = tmp_path / "out"
    args = [good, missing, bug, pdf, "-f", "conll", "--out-dir", out, "--jobs", "1"]
    assert export(*args) == 1
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "error" in line or " of " in line
    ]
    assert lines == [
        f"entity-reader: error: {missing}: no such file",
        f"entity-reader: error: {bug}: export failed (TypeError: something no one expected)",
        f"2 of 4 files exported to {out}: " + lines[-1].split(": ", 1)[1],
    ]
    assert lines[-1].endswith("; 2 failed")
    assert sorted(p.name for p in out.iterdir()) == ["broken-font.conll", "good.conll"]


def test_a_batch_survives_a_worker_that_dies(tmp_path: Path) -> None:
    from tui import export_cli

    jobs = [
        export_cli._Job(str(tmp_path / f"{name}.txt"), tmp_path / f"{name}.json", "json", None, None, True)
        for name in ("a", "dies", "b", "c")
    ]  # fmt: skip
    seen: list[export_cli._Outcome] = []
    export_cli._run_pooled(jobs, 2, seen.append, run=_dies_on_dies)
    assert sorted((o.source.rsplit("/", 1)[-1], o.error is None) for o in seen) == [
        ("a.txt", True),
        ("b.txt", True),
        ("c.txt", True),
        ("dies.txt", False),
    ]
    (dead,) = [o for o in seen if o.error]
    assert "stopped unexpectedly" in str(dead.error)


def _dies_on_dies(job: Any) -> Any:
    """A job runner whose worker process dies on the file named "dies" (as if killed)."""
    from tui.export_cli import _Outcome

    if job.source.endswith("dies.txt"):
        os._exit(9)
    return _Outcome(job.source, job.target, 1, 1, None)


def _non_utf8_name(folder: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9 \xff.txt"))
    path.write_text(SHORT, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["json", "jsonl", "spacy", "labelstudio"])
def test_a_file_name_that_is_not_utf8_exports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _non_utf8_name(tmp_path)
    target = tmp_path / f"out{FORMATS[name].extension}"
    assert export(source, "-f", name, "-o", target) == 0
    err = capsys.readouterr().err
    assert "caf\ufffd \ufffd.txt" in err or err.startswith("wrote")
    data = target.read_bytes()
    shown = f"{tmp_path}/caf\ufffd \ufffd.txt"
    if name == "json":
        assert json.loads(data.decode("utf-8"))["source"] == shown
    elif name == "jsonl":
        assert json.loads(data.decode("utf-8").splitlines()[0])["meta"]["source"] == shown
    elif name == "labelstudio":
        assert json.loads(data.decode("utf-8"))[0]["data"]["source"] == shown
    else:
        (doc,) = DocBin().from_bytes(data).get_docs(vocab())
        assert doc.user_data["entity_reader"]["source"] == shown


@needs_root
def test_a_full_standard_output_is_one_error_line(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    full = device(tmp_path, "full", FULL)
    with full.open("wb") as stream:
        done = binary("export", str(source), "--no-cache", stdout=stream, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr == (
        "entity-reader: error: cannot write to standard output: no space left on the device\n"
    )


def test_a_closed_standard_output_is_one_error_line(tmp_path: Path) -> None:
    source = short_text(tmp_path)
    done = subprocess.run(
        f'exec "{BINARY}" export "{source}" --no-cache >&-',
        shell=True,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("entity-reader: error: "), done.stderr
    assert "standard output" in lines[0] and "Traceback" not in done.stderr


DEPTH = 1500
"""Deeper than libxml2's default limit (256) and Python's recursion limit (1000)."""


def _deep(depth: int) -> str:
    return (
        "<p>Before it all, Vladimir Putin spoke in Moscow.</p>"
        + "<div>" * depth
        + "<p>Deep inside, Barack Obama spoke in Paris about the harbour at length.</p>"
        + "</div>" * depth
        + "<p>After the nest, Angela Merkel answered from Berlin the same evening.</p>"
    )


def test_deep_html_keeps_every_paragraph() -> None:
    page = (
        f"<!doctype html><html><head><title>Deep</title></head><body>{_deep(DEPTH)}</body></html>"
    )
    document = from_bytes(page.encode(), "deep.html")
    for name in ("Putin", "Obama", "Merkel"):
        assert name in document.text
    assert document.notes == ()


def test_a_huge_text_node_is_kept_whole() -> None:
    words = "word " * 2_400_000  # 12 MB in one text node: over libxml2's default 10 MB
    page = f"<html><body><p>Barack Obama. {words}Angela Merkel.</p><p>Last one.</p></body></html>"
    document = from_bytes(page.encode(), "huge.html")
    assert "Angela Merkel." in document.text and document.text.endswith("Last one.")


def raw_epub(body: str) -> bytes:
    """A one-chapter EPUB written byte for byte (ebooklib's writer would reparse the chapter
    with lxml's default limits and cut it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr(
            "content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<dc:identifier id="id">deep</dc:identifier><dc:title>Deep</dc:title>'
            "<dc:language>en</dc:language></metadata><manifest>"
            '<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="c1"/></spine></package>',
        )
        archive.writestr(
            "c1.xhtml",
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Deep</title></head>'
            f"<body>{body}</body></html>",
        )
    return out.getvalue()


def test_deep_epub_chapters_keep_every_paragraph() -> None:
    document = from_bytes(raw_epub(_deep(DEPTH)), "deep.epub")
    for name in ("Putin", "Obama", "Merkel"):
        assert name in document.text
    assert document.notes == ()


def test_nesting_past_the_parser_limit_warns_with_what_was_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = f"<html><head><title>Too deep</title></head><body>{_deep(5000)}</body></html>"
    source = tmp_path / "too-deep.html"
    source.write_text(page, encoding="utf-8")
    assert export(source, "-f", "csv") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"entity-reader: warning: {source}: the markup is nested too deep"
    )
    assert warnings[0].endswith("the text after that point was left out")


@pytest.mark.asyncio
async def test_the_reader_tells_what_was_read_differently(tmp_path: Path) -> None:
    source = tmp_path / "stray.txt"
    source.write_bytes("Caf\u00e9 in Z\u00fcrich with Fran\u00e7ois. ".encode() * 40 + b"\xff\n")
    app = ReaderApp(load(source), None)
    told = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert any("1 byte sequence that is not UTF-8" in message for message in told)


# -- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["reader", "export"])
def test_max_chars_refuses_a_longer_text(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    args = [str(source), "--max-chars", "20", "--no-ner" if command == "reader" else "--no-cache"]
    assert main(args if command == "reader" else ["export", *args]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        f"entity-reader: error: {source} holds more than 20 characters of text; "
        "raise the limit with --max-chars N or $ENTITY_READER_MAX_CHARS"
    )


def test_the_environment_sets_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    monkeypatch.setenv("ENTITY_READER_MAX_CHARS", "30")
    assert export(source) == 1
    assert "holds more than 30 characters" in one_error_line(capsys.readouterr().err)
    assert export(source, "--max-chars", "1000", "-f", "csv") == 0  # the option wins
    capsys.readouterr()
    monkeypatch.setenv("ENTITY_READER_MAX_CHARS", "lots")
    assert export(source) == 1
    assert one_error_line(capsys.readouterr().err) == (
        "entity-reader: error: $ENTITY_READER_MAX_CHARS takes a whole number of at least 1"
    )
    assert MAX_CHARS == 256 * 2**20


def test_a_pdf_is_refused_page_by_page(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    from extract.formats import pdf

    real = pdf._page_text

    def counting(page: object) -> str:
        read.append(1)
        return real(page)

    monkeypatch.setattr(pdf, "_page_text", counting)
    pages = [f"Page {n}: Angela Merkel met Emmanuel Macron in Paris." for n in range(40)]
    with pytest.raises(DocumentError, match="holds more than 200 characters"):
        from_bytes(make_pdf(pages), "long.pdf", limit=200)
    assert len(read) < 10  # stopped early, not after extracting all forty pages


def test_an_epub_that_unpacks_past_the_input_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extract.formats import epub

    book = make_epub([("One", "<p>" + "Angela Merkel met Emmanuel Macron. " * 3000 + "</p>")])
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    assert len(book) < unpacked // 10  # it compresses well, like a zip bomb
    monkeypatch.setattr(epub, "MAX_BYTES", unpacked - 1)
    with pytest.raises(DocumentError, match=r"unpacks to .* MiB, more than"):
        from_bytes(book, "bomb.epub")
    monkeypatch.setattr(epub, "MAX_BYTES", unpacked)
    assert from_bytes(book, "bomb.epub").fmt == "epub"
    with pytest.raises(DocumentError, match="holds more than 1,000 characters"):
        from_bytes(book, "bomb.epub", limit=1000)


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


def _no_model(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the model ran before the destination was checked")


def test_an_unwritable_destination_is_found_before_the_model_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = short_text(tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setattr(Annotator, "annotate", _no_model)
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
    monkeypatch.setattr(Annotator, "annotate", _no_model)
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
