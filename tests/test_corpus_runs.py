"""Corpus runs again and again: what a rerun skips and what it redoes, and a run stopped
(between two documents, by ctrl+c, by a kill) that the same command resumes."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sample import WordRecognizer
from test_batches import WORDS, Counting
from test_cli import BINARY
from test_corpus import export, make_corpus, paragraphs
from test_export_cli import MODEL

from extract.annotations import annotations_of
from extract.annotator import Annotator
from extract.cache import MentionCache
from extract.corpus import MANIFEST, discover, targets
from extract.corpus_export import CorpusExport
from extract.corpus_index import CorpusIndex
from extract.corrections import open_for, relabel
from extract.document import load
from extract.recognizer import InProcess

pytestmark = pytest.mark.usefixtures("one_model_load")


def test_a_rerun_skips_what_is_current_and_redoes_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    corpus = make_corpus(tmp_path / "corpus")
    shutil.rmtree(corpus / "samples")
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    command = (corpus, "--out-dir", out, "--index", index, "-f", "csv")
    assert export(*command) == 0
    capsys.readouterr()
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*.csv")}
    assert export(*command) == 0
    err = capsys.readouterr().err
    assert "nothing to read again" in err and "5 of 5 files exported" in err
    assert "(5 already current)" in err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.csv")} == written  # untouched
    changed = corpus / "news" / "a" / "ch2.txt"
    changed.write_text("Angela Merkel met Emmanuel Macron in Lisbon.\n", encoding="utf-8")
    (corpus / "news" / "b" / "ch2.txt").unlink()
    assert export(*command) == 0
    err = capsys.readouterr().err
    assert "read 1 documents" in err and "(3 already current)" in err
    assert "1 documents no longer in the folder left the index" in err
    assert "Lisbon" in (out / "news" / "a" / "ch2.csv").read_text(encoding="utf-8-sig")
    db = sqlite3.connect(index)
    paths = {row[0] for row in db.execute("SELECT path FROM documents")}
    assert str(corpus / "news" / "b" / "ch2.txt") not in paths and len(paths) == 4
    assert db.execute(
        "SELECT count(*) FROM mentions m JOIN documents d ON d.id = m.document "
        "WHERE d.path = ? AND m.text = 'Lisbon'",
        (str(changed),),
    ).fetchone() == (1,)


def test_corrections_and_another_format_redo_only_what_they_change(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(5):
        text = f"Report {number}. Angela Merkel met Emmanuel Macron in Paris.\n"
        (corpus / f"{number}.txt").write_text(text, encoding="utf-8")
    found = discover([str(corpus)]).sources
    counting = Counting()

    def run(fmt: str, out: Path) -> list[str]:
        cache = MentionCache(tmp_path / "cache")
        annotator = Annotator(recognizer=counting, executor=InProcess(), cache=cache)
        with CorpusIndex(tmp_path / "index.sqlite") as index:
            export = CorpusExport(annotator, fmt, out, index=index)
            return [o.status for o in export.run(found, targets(fmt, found, out))]

    assert run("json", tmp_path / "json") == ["exported"] * 5
    read = counting.batches
    assert run("json", tmp_path / "json") == ["current"] * 5
    assert run("conll", tmp_path / "conll") == ["exported"] * 5  # a new format
    assert counting.batches == read  # the model's results came from the cache
    document = load(found[1].path)
    mentions = [m for b in small_annotator().annotate(document.text) for m in b.mentions]
    shown = annotations_of(document, mentions, [], counting.info).entities
    open_for(found[1].path, document.sha256).do(
        relabel(next(e for e in shown if e.name.endswith("Merkel")), "ORG")
    )
    assert run("json", tmp_path / "json") == ["current", "exported", "current", "current", "current"]  # fmt: skip
    assert run("conll", tmp_path / "conll")[1] == "exported"
    assert counting.batches == read


def small_annotator() -> Annotator:
    return Annotator(recognizer=WordRecognizer(WORDS), jobs=0, cache=None)


def test_an_interrupted_run_goes_on_where_it_stopped(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    shutil.rmtree(corpus / "samples")
    found = discover([str(corpus)]).sources

    def exporter(out: Path, index: CorpusIndex) -> CorpusExport:
        annotator = Annotator(recognizer=WordRecognizer(WORDS), executor=InProcess(), cache=None)
        return CorpusExport(annotator, "brat", out, index=index)

    with CorpusIndex(tmp_path / "clean.sqlite") as index:
        list(exporter(tmp_path / "clean", index).run(found, targets("brat", found, tmp_path / "clean")))  # fmt: skip
    out = tmp_path / "out"
    with CorpusIndex(tmp_path / "index.sqlite") as index:
        run = exporter(out, index).run(found, targets("brat", found, out))
        assert [next(run).status for _ in range(2)] == ["exported", "exported"]
        run.close()  # as ctrl+c does, between two documents
        assert len(index._db.execute("SELECT * FROM documents").fetchall()) == 2
    with CorpusIndex(tmp_path / "index.sqlite") as index:
        again = [o.status for o in exporter(out, index).run(found, targets("brat", found, out))]
    assert again == ["current", "current", "exported", "exported", "exported"]
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(
        p.relative_to(tmp_path / "clean") for p in (tmp_path / "clean").rglob("*")
    )
    for path in (tmp_path / "clean").rglob("*"):
        if path.is_file():
            assert (out / path.relative_to(tmp_path / "clean")).read_bytes() == path.read_bytes()


COUNT = 240  # documents in the interrupted run


def _corpus_of(folder: Path, count: int) -> Path:
    """``count`` news-sized files made of the sample's paragraphs."""
    pieces = paragraphs()
    for number in range(count):
        text = "\n\n".join(pieces[(number + k) % len(pieces)] for k in range(8))
        path = folder / f"{number // 20:02d}" / f"article-{number:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Article {number}.\n\n{text}\n", encoding="utf-8")
    return folder


def _records(out: Path) -> list[dict[str, object]]:
    lines = (out / MANIFEST).read_bytes().splitlines()[1:] if (out / MANIFEST).exists() else []
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize(("how", "jobs"), [(signal.SIGINT, "2"), (signal.SIGKILL, "1")])
def test_ctrl_c_or_kill_stops_a_run_the_same_command_resumes(
    how: signal.Signals, jobs: str, tmp_path: Path
) -> None:
    # enough documents that the first batches written leave most still to read: a run
    # hands each worker several batches of about 30,000 characters at once
    corpus = _corpus_of(tmp_path / "corpus", COUNT)
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    command = [str(BINARY), "export", str(corpus), "--out-dir", str(out), "--index", str(index)]
    command += ["--jobs", jobs, "--no-cache"]
    env = {**os.environ, "ENTITY_READER_MODEL": MODEL}
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while len(_records(out)) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(how)
    _, err = process.communicate(timeout=120)
    assert process.returncode == (130 if how == signal.SIGINT else -signal.SIGKILL), err
    if how == signal.SIGINT:
        assert "stopped after" in err.decode() and "Traceback" not in err.decode()
    done = _records(out)
    assert 3 <= len(done) < COUNT
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    if how == signal.SIGINT:
        assert not leftovers  # removed as the run unwound
    else:
        assert len(leftovers) <= 1  # only what was being written at the kill, never a target
    for record in done:
        assert json.loads((out / str(record["target"])).read_bytes())["text"]
    db = sqlite3.connect(index)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    indexed = db.execute("SELECT count(*) FROM documents WHERE status = 'done'").fetchone()[0]
    db.close()
    assert indexed >= len(done) - 1  # at most the document between its export and its row
    again = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=600, text=True
    )
    assert again.returncode == 0, again.stderr
    # Each document exported before the signal is current, but perhaps the one killed
    # between its export and its index row.
    current = re.search(r"\((\d+) already current\)", again.stderr)
    assert current is not None and len(done) - 1 <= int(current.group(1)) <= len(done)
    assert len(_records(out)) == COUNT
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]  # cleared on the way
    assert sorted(p.name for p in out.rglob("*.json")) == sorted(
        f"article-{n:03d}.json" for n in range(COUNT)
    )
