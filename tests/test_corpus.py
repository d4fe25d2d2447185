"""Folders of documents exported together: what is read, where each export goes, what the
index holds, and the set-ups that cannot work (reruns and resuming: test_corpus_runs.py)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from format_builders import make_pdf
from sample import SAMPLE
from test_export_cli import MODEL, one_error_line

from extract.annotations import annotations_of
from extract.annotator import Annotator
from extract.corpus import MANIFEST, Source, discover, targets
from extract.corpus_index import entity_key
from extract.corrections import open_for, relabel
from extract.document import load
from extract.formats import titles
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("one_model_load")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000010000000100806000000")


def paragraphs() -> list[str]:
    return [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def make_corpus(folder: Path) -> Path:
    """A small corpus: the samples in every format, two folders of short news files whose
    names repeat, and what a folder also holds that is no document."""
    shutil.copytree(ROOT / "samples", folder / "samples")
    pieces = paragraphs()
    for number, name in enumerate(("a", "b")):
        for chapter in (1, 2):
            text = "\n\n".join(pieces[number * 3 + chapter : number * 3 + chapter + 3])
            path = folder / "news" / name / f"ch{chapter}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
    (folder / "news" / "README").write_text(pieces[0] + "\n", encoding="utf-8")  # text
    (folder / "news" / ".draft.txt").write_text("Hidden.\n", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text("Hidden too.\n", encoding="utf-8")
    (folder / "news" / "photo.png").write_bytes(PNG)
    (folder / "news" / "blob").write_bytes(b"\x00\x01binary\x00")
    return folder


def names(found: list[Source]) -> list[str]:
    return [source.relative.as_posix() for source in found]


# -- what is read ------------------------------------------------------------------------------


def test_a_folder_is_read_recursively_leaving_out_what_is_no_document(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "news" / "report").write_bytes(make_pdf(["Angela Merkel in Paris."]))
    found = discover([str(corpus)])
    assert names(found.sources) == [
        "news/README",
        "news/report",  # a PDF by its content
        "news/a/ch1.txt",  # a folder's files, then its folders
        "news/a/ch2.txt",
        "news/b/ch1.txt",
        "news/b/ch2.txt",
        "samples/article-fr.txt",
        "samples/article.html",
        "samples/grouping.txt",
        "samples/iraqi-air-strike.txt",
        "samples/notes.md",
        "samples/report.pdf",
        "samples/short-story.epub",
    ]
    assert found.sources[2].path == str(corpus / "news" / "a" / "ch1.txt")
    assert (found.hidden, found.other) == (2, 2)  # .draft.txt and .git; photo.png and blob
    assert found.folders == [str(corpus)]


def test_earlier_exports_and_the_output_folder_are_left_out(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    earlier = corpus / "exported"
    earlier.mkdir()
    (earlier / MANIFEST).write_text("{}\n", encoding="utf-8")
    (earlier / "ch1.txt").write_text("brat's copy of a text\n", encoding="utf-8")
    (corpus / "out").mkdir()
    (corpus / "out" / "ch1.txt").write_text("the output folder of this run\n", encoding="utf-8")
    found = discover([str(corpus)], outputs=[corpus / "out"])
    assert not [n for n in names(found.sources) if n.startswith(("exported", "out"))]
    assert sorted(found.outputs) == [str(corpus / "exported"), str(corpus / "out")]


def test_a_link_loop_is_walked_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "inner").mkdir(parents=True)
    (corpus / "inner" / "a.txt").write_text("Angela Merkel.\n", encoding="utf-8")
    (corpus / "inner" / "back").symlink_to(corpus)
    assert names(discover([str(corpus)]).sources) == ["inner/a.txt"]


def test_exports_mirror_the_folders_and_never_collide(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "news" / "a" / "ch1.md").write_text("# Angela Merkel\n", encoding="utf-8")
    out = tmp_path / "out"
    found = discover([str(corpus)]).sources
    placed = {s.relative.as_posix(): p.relative_to(out).as_posix() for s, p in zip(found, targets("json", found, out), strict=True)}  # fmt: skip
    assert placed["news/a/ch1.txt"] == "news/a/ch1.txt.json"  # ch1.md is there too
    assert placed["news/a/ch1.md"] == "news/a/ch1.md.json"
    assert placed["news/b/ch1.txt"] == "news/b/ch1.json"
    assert placed["samples/report.pdf"] == "samples/report.json"
    several = discover([str(corpus / "news"), str(SAMPLE)]).sources
    assert [p.relative_to(out).as_posix() for p in targets("json", several, out)][-2:] == [
        "news/b/ch2.json",
        "iraqi-air-strike.json",
    ]
    listed = [Source(str(corpus / "news/a/ch1.txt"), Path("ch1.txt")), Source(str(corpus / "news/b/ch1.txt"), Path("ch1.txt"))]  # fmt: skip
    with pytest.raises(Exception, match="would both write"):
        targets("json", listed, out)


# -- the command ------------------------------------------------------------------------------


def export(*args: object) -> int:
    return main(["export", *map(str, args)])


def test_a_folder_exports_each_document_as_it_exports_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    assert export(corpus, "--out-dir", out, "-f", "json") == 0
    err = capsys.readouterr().err
    assert f"12 of 12 files exported to {out}: " in err
    assert f"left out: 2 hidden; 2 not {titles()}" in err
    exported = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert exported == sorted(
        [MANIFEST, "news/README.json"]
        + [f"news/{d}/ch{n}.json" for d in "ab" for n in (1, 2)]
        + [f"samples/{p.stem}.json" for p in (ROOT / "samples").iterdir()]
    )
    for source in discover([str(corpus)]).sources:
        alone = tmp_path / "alone.json"
        assert export(source.path, "-f", "json", "-o", alone) == 0
        target = out / source.relative.parent / (Path(source.path).stem + ".json")
        assert target.read_bytes() == alone.read_bytes(), source.path


def test_the_index_holds_what_the_reader_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "article.txt"
    shutil.copy(SAMPLE, article)
    document = load(article)
    store = open_for(str(article), document.sha256)
    annotator = Annotator(MODEL, jobs=0, cache=None)
    mentions = [m for b in annotator.annotate(document.text) for m in b.mentions]
    before = annotations_of(document, mentions, [], annotator.info)
    syria = next(e for e in before.entities if e.name == "Syria")
    store.do(relabel(syria, "ORG"))  # a correction the export must carry into the index
    shown = annotations_of(document, mentions, store.log, annotator.info).entities
    index = tmp_path / "corpus.sqlite"
    assert export(corpus, "--out-dir", tmp_path / "out", "--index", index) == 0
    assert f"index {index}" in capsys.readouterr().err
    db = sqlite3.connect(index)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    (row,) = db.execute("SELECT path, sha256, format, length, status, entities FROM documents")
    assert row == (str(article), document.sha256, "text", len(document.text), "done", len(shown))
    stored = {
        (start, end): rest
        for start, end, *rest in db.execute(
            "SELECT m.start, m.end, m.text, e.name, e.category, e.key, m.label, m.model_label, "
            "m.source FROM mentions m JOIN entities e ON e.id = m.entity"
        )
    }
    shown_by_span = {}
    for e in shown:
        key = entity_key(e.category, e.name)
        for m in e.mentions:
            shown_by_span[(m.start, m.end)] = [m.text, e.name, e.category, key, m.label]
            shown_by_span[(m.start, m.end)] += [m.model_label or None, m.source]
    assert stored == shown_by_span
    syria = {tuple(row[1:]) for row in stored.values() if row[1] == "Syria"}
    # What the reader shows, and beside it what the model said.
    assert syria == {("Syria", "organisation", "organisation:syria", "ORG", "GPE", "user")}
    (hit,) = db.execute(
        "SELECT d.path FROM texts JOIN documents d ON d.id = texts.rowid "
        "WHERE texts MATCH 'airstrike OR strike' LIMIT 1"
    )
    assert hit == (str(article),)


# -- set-ups that cannot work ----------------------------------------------------------------


def test_an_empty_folder_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty" / "inner").mkdir(parents=True)
    (tmp_path / "empty" / "photo.png").write_bytes(PNG)
    assert export(tmp_path / "empty", "--out-dir", tmp_path / "out") == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1] == (
        f"entity-reader: error: {tmp_path / 'empty'} holds no documents ({titles()} files)"
    )


def test_the_output_folder_cannot_be_the_folder_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Angela Merkel.\n", encoding="utf-8")
    assert export(tmp_path, "--out-dir", tmp_path / "." / "") == 1
    assert "is the folder being exported" in one_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_file_names_that_are_not_utf8_are_exported_and_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    strange = Path(os.fsdecode(os.fsencode(corpus) + b"/caf\xe9 \x1b[2J.txt"))
    strange.write_text("Angela Merkel met Emmanuel Macron in Paris.\n", encoding="utf-8")
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    assert export(corpus, "--out-dir", out, "--index", index) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err
    (exported,) = out.glob("*.json")
    assert json.loads(exported.read_bytes())["source"].endswith("caf\ufffd \x1b[2J.txt")
    (path,) = sqlite3.connect(index).execute("SELECT path FROM documents").fetchone()
    assert path.endswith("caf\ufffd \x1b[2J.txt")
    assert export(corpus, "--out-dir", out, "--index", index) == 0
    assert "(1 already current)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--backend", "dask"], "--backend dask applies to exports with --out-dir DIR"),
        (["--index", "x.sqlite"], "--index applies to exports with --out-dir DIR"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--backend dask applies to exports with --out-dir"),
    ],
)
def test_corpus_options_need_an_output_folder(
    options: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(SAMPLE, *options) == 1
    assert said in one_error_line(capsys.readouterr().err)


def test_one_export_at_a_time_writes_into_a_folder(tmp_path: Path) -> None:
    from extract.corpus_export import Manifest
    from extract.errors import EntityReaderError

    first = Manifest(tmp_path / "out")
    first.open()
    try:
        with pytest.raises(EntityReaderError, match="another export is writing into"):
            Manifest(tmp_path / "out").open()
    finally:
        first.close()
    second = Manifest(tmp_path / "out")
    second.open()  # free again
    second.close()
