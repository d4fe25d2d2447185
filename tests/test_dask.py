"""The recogniser on a real Dask cluster (a LocalCluster of two worker processes): the same
results as here, the model checked on each worker, a worker killed mid-run retried by Dask
without losing or repeating a document, and the set-ups that cannot work said in one line."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample import KillingRecognizer, LoadingRecognizer, OtherModelRecognizer, WordRecognizer
from test_batches import WORDS, documents, small, text_of

from extract.errors import ModelError
from extract.recognizer import Lost
from tui.cli import main

distributed = pytest.importorskip("distributed")

TIMEOUT = 180
"""Seconds a cluster has to start or a run to end: generous, for a loaded machine."""


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """Two single-threaded worker processes; a task whose workers died twice is given up."""
    import dask

    from extract.dask_backend import dask_client

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        dask_client(None, 2, timeout=TIMEOUT) as made,
    ):
        made.wait_for_workers(2, timeout=TIMEOUT)
        yield made


def executor(client: object) -> object:
    from extract.dask_backend import DaskExecutor

    return DaskExecutor(client, quiet=True)  # type: ignore[arg-type]


def test_the_cluster_finds_what_this_process_finds(client: object) -> None:
    docs = documents()
    on_cluster = list(
        small(WordRecognizer(WORDS), executor=executor(client)).annotate_many(docs, text_of)
    )
    here = list(small(WordRecognizer(WORDS), jobs=0).annotate_many(docs, text_of))
    assert on_cluster == here


def test_each_worker_loads_the_model_once(client: object) -> None:
    docs = documents(30)
    annotator = small(LoadingRecognizer(WORDS), executor=executor(client))
    list(annotator.annotate_many(docs, text_of))

    def loads() -> int:
        import sample

        return sample.LOADS

    per_worker = client.run(loads)  # type: ignore[attr-defined]
    assert sum(per_worker.values()) >= 1
    assert all(count <= 1 for count in per_worker.values()), per_worker


def test_a_worker_killed_mid_run_is_retried_without_loss_or_repeat(
    client: object, tmp_path: Path
) -> None:
    flag = tmp_path / "kill-once"
    flag.write_text("armed", encoding="utf-8")
    docs = documents(30)
    docs[11] = ("doc-11", "This one kills its worker once. Merkel in Paris.")
    recognizer = KillingRecognizer(WORDS, flag)
    on_cluster = list(small(recognizer, executor=executor(client)).annotate_many(docs, text_of))
    assert not flag.exists() and flag.with_name("kill-once.taken").exists()  # one worker died
    here = list(small(WordRecognizer(WORDS), jobs=0).annotate_many(docs, text_of))
    assert [doc for doc, _ in on_cluster] == docs  # each document once, in order
    assert on_cluster == here
    client.wait_for_workers(2, timeout=TIMEOUT)  # type: ignore[attr-defined]


def test_a_text_that_kills_every_worker_is_lost_alone(client: object) -> None:
    docs = documents(8)
    docs[3] = ("doc-3", "This one always kills its worker. Merkel.")
    many = list(
        small(KillingRecognizer(WORDS), executor=executor(client)).annotate_many(docs, text_of)
    )
    assert isinstance(many[3][1], Lost)
    here = list(small(WordRecognizer(WORDS), jobs=0).annotate_many(docs, text_of))
    assert [m for m in many if m[0] != docs[3]] == [m for m in here if m[0] != docs[3]]
    client.wait_for_workers(2, timeout=TIMEOUT)  # type: ignore[attr-defined]


def test_a_worker_with_another_model_is_refused(client: object, tmp_path: Path) -> None:
    installed = tmp_path / "installed-version"
    installed.write_text("2", encoding="utf-8")  # the client's WordRecognizer is version 1
    recognizer = OtherModelRecognizer(WORDS, installed)
    with pytest.raises(
        ModelError, match=r"a worker has other 2 .* where this computer has other 1"
    ):
        list(small(recognizer, executor=executor(client)).annotate_many(documents(4), text_of))


# -- the command line --------------------------------------------------------------------------


def test_without_dask_installed_the_backend_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # importing it fails
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Angela Merkel.\n", encoding="utf-8")
    args = ["export", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), "--backend", "dask"]
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "entity-reader: error: --backend dask needs Dask's distributed scheduler: "
        "pip install 'entity-reader[dask]'"
    ]


def test_a_scheduler_that_does_not_answer_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed again: nothing listens there
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Angela Merkel.\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{port}"
    args = ["export", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out")]
    assert main([*args, "--scheduler", address, "--connect-timeout", "1"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(
        f"entity-reader: error: the Dask scheduler at {address} did not answer within 1 s"
    )


def test_the_dask_backend_writes_what_the_local_one_writes(tmp_path: Path) -> None:
    import filecmp

    from test_cli import BINARY
    from test_corpus import make_corpus
    from test_corpus_runs import _corpus_of
    from test_export_cli import MODEL

    corpus = make_corpus(tmp_path / "corpus")  # the samples, every format
    _corpus_of(corpus / "generated", 24)  # and news-sized files made from the sample
    env = {**os.environ, "ENTITY_READER_MODEL": MODEL}
    outputs = {}
    for backend in ("local", "dask"):
        out = tmp_path / backend
        index = tmp_path / f"{backend}.sqlite"
        command = [str(BINARY), "export", str(corpus), "--out-dir", str(out), "-f", "jsonl"]
        done = subprocess.run(
            [*command, "--backend", backend, "--no-cache", "--index", str(index)],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT * 2,
        )
        assert done.returncode == 0, done.stderr
        assert "36 of 36 files exported" in done.stderr, done.stderr
        outputs[backend] = out
    files = sorted(p.relative_to(outputs["local"]) for p in outputs["local"].rglob("*"))
    assert files == sorted(p.relative_to(outputs["dask"]) for p in outputs["dask"].rglob("*"))
    regular = [str(f) for f in files if (outputs["local"] / f).is_file()]
    match, mismatch, errors = filecmp.cmpfiles(outputs["local"], outputs["dask"], regular, shallow=False)  # fmt: skip
    assert (mismatch, errors) == ([], []) and len(match) == 37  # 36 exports and the manifest
    tables = "SELECT path, sha256, entities, mentions FROM documents ORDER BY path"
    local, dask = (sqlite3.connect(tmp_path / f"{b}.sqlite") for b in ("local", "dask"))
    assert local.execute(tables).fetchall() == dask.execute(tables).fetchall()


def test_a_running_cluster_is_used_by_its_address(
    client: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from test_export_cli import MODEL

    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    (tmp_path / "in").mkdir()
    for number in range(3):
        text = f"Report {number}: Angela Merkel met Emmanuel Macron in Paris.\n"
        (tmp_path / "in" / f"{number}.txt").write_text(text, encoding="utf-8")
    address = client.scheduler.address  # type: ignore[attr-defined]
    args = ["export", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out")]
    assert main([*args, "--scheduler", address]) == 0
    assert "3 of 3 files exported" in capsys.readouterr().err
    local = tmp_path / "local"
    assert main([*args[:-1], str(local), "--index", str(tmp_path / "local.sqlite")]) == 0
    for number in range(3):
        name = f"{number}.json"
        assert (tmp_path / "out" / name).read_bytes() == (local / name).read_bytes()
    assert main([*args, "--scheduler", address, "--jobs", "2"]) == 1
    assert "--jobs sets the workers of a cluster started here" in capsys.readouterr().err


def test_the_corpus_screen_reads_pending_documents_on_the_cluster(
    client: object, tmp_path: Path
) -> None:
    """`entity-reader FOLDER --backend dask`: the refresh behind the corpus screen goes
    through the same seam, and indexes what it indexes here."""
    import threading

    from corpus_support import NAMES, write_articles

    from extract.corpus import discover
    from extract.corpus_index import CorpusIndex
    from extract.corpus_refresh import CorpusRefresh
    from extract.recognizer import InProcess

    folder = write_articles(tmp_path / "news")
    sources = discover([str(folder)]).sources

    def indexed(where: object, name: str) -> tuple[list[str], list[tuple[object, ...]]]:
        index = tmp_path / f"{name}.sqlite"
        CorpusIndex(index).close()
        refresher = CorpusRefresh(index, small(WordRecognizer(NAMES), executor=where), rules=[])
        refresher.plan(sources)
        done = [change.status for change in refresher.run(threading.Event())]
        rows = sqlite3.connect(index).execute(
            "SELECT d.path, e.name, e.category, e.mentions FROM entities AS e "
            "JOIN documents AS d ON d.id = e.document ORDER BY 1, 2"
        )
        return done, list(rows)

    on_cluster = indexed(executor(client), "dask")
    assert on_cluster == indexed(InProcess(), "here")
    assert on_cluster[0] == ["done"] * 4 and len(on_cluster[1]) > 8
