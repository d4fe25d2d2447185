"""Nothing clobbered, nothing lost, nothing spoofed: what surrounds a document, attacked.

Here data loss and integrity: output paths that are links, FIFOs or devices; companion files
the user did not name; corrections files that cannot be read or that hold nonsense; links.
The terminal and security, crashes and silent loss, and clear answers are in the
``test_faults_*`` modules beside it. Device nodes are made inside the test's folder (root only)
and never point at the machine's own; anything that could block has a timeout.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from faults import (
    FULL,
    NULL,
    SHORT,
    FifoReader,
    binary,
    device,
    export,
    needs_root,
    no_model,
    refuse_open,
    short_text,
)
from test_export_cli import one_error_line

from extract.atomic import write_atomic
from extract.corrections import CorrectionsError, default_path, open_for, relabel
from extract.document import load
from extract.grouping import group
from extract.model import Mention
from extract.ner import Annotator
from tui.cli import main

pytestmark = pytest.mark.usefixtures("one_model_load")


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
    monkeypatch.setattr(Annotator, "annotate", no_model)
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
