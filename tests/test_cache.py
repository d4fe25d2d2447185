"""The cache of model results: a second run reads it without spaCy; bad entries are rebuilt."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import extract.ner
from extract.cache import MentionCache, cache_key
from extract.document import Document
from extract.ner import Annotator, Batch
from tui.cli import main

if TYPE_CHECKING:
    from spacy.language import Language

MakeAnnotator = Callable[..., Annotator]


def refuse_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any use of the model fail the test."""

    def fail(*args: object) -> object:
        raise AssertionError("the model was used")

    monkeypatch.setattr(extract.ner, "load_ner", fail)
    monkeypatch.setattr(extract.ner.SpacyRecognizer, "recognise", fail)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def fill(make_annotator: MakeAnnotator, cache: MentionCache, document: Document) -> list[Batch]:
    return list(make_annotator(cache=cache).annotate(document.text, document.sha256))


class TestSecondRun:
    def test_reads_one_batch_without_spacy(
        self,
        make_annotator: MakeAnnotator,
        sample_document: Document,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        cache = MentionCache(tmp_path)
        first = fill(make_annotator, cache, sample_document)
        mentions = sorted(m for batch in first for m in batch.mentions)
        assert len(entries(tmp_path)) == 1

        refuse_spacy(monkeypatch)
        annotator = Annotator(jobs=0, cache=MentionCache(tmp_path))
        second = list(annotator.annotate(sample_document.text, sample_document.sha256))
        total = len(sample_document.text)
        assert second == [Batch(tuple(mentions), total, total, cached=True)]

    def test_hash_is_computed_when_not_given(
        self, make_annotator: MakeAnnotator, sample_document: Document, tmp_path: Path
    ) -> None:
        fill(make_annotator, MentionCache(tmp_path), sample_document)
        again = list(make_annotator(cache=MentionCache(tmp_path)).annotate(sample_document.text))
        assert [batch.cached for batch in again] == [True]

    def test_other_settings_or_text_are_not_served_from_the_cache(
        self, make_annotator: MakeAnnotator, sample_document: Document, tmp_path: Path
    ) -> None:
        fill(make_annotator, MentionCache(tmp_path), sample_document)
        other_cap = make_annotator(cache=MentionCache(tmp_path), cap=500)
        assert not any(b.cached for b in other_cap.annotate(sample_document.text))
        edited = sample_document.text.replace("Syria", "Syrie", 1)
        same = make_annotator(cache=MentionCache(tmp_path))
        assert not any(b.cached for b in same.annotate(edited))
        assert len(entries(tmp_path)) == 3

    def test_key_covers_text_model_version_and_settings(self) -> None:
        base = ("a" * 64, "en_core_web_sm", "3.8.0", "chunks=3/10000/120")
        keys = {cache_key(*base)}
        for position, other in enumerate(("b" * 64, "en_core_web_md", "3.8.1", "chunks=4")):
            changed = list(base)
            changed[position] = other
            keys.add(cache_key(*changed))
        assert len(keys) == 5
        assert cache_key(*base) == cache_key(*base)

    def test_a_cached_export_never_imports_spacy(
        self,
        make_annotator: MakeAnnotator,
        sample_document: Document,
        cache_dir: Path,
        tmp_path: Path,
    ) -> None:
        fill(make_annotator, MentionCache(), sample_document)  # the default folder, as export
        assert entries(cache_dir)
        output = tmp_path / "out.json"
        script = (
            "import json, sys\n"
            "from tui.cli import main\n"
            f"status = main(['export', {sample_document.source!r}, '-o', {str(output)!r}])\n"
            "print(json.dumps([status, sorted(m for m in ('spacy', 'thinc', 'textual') "
            "if m in sys.modules)]))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        status, imported = json.loads(done.stdout.splitlines()[-1])
        assert (status, imported) == (0, [])
        assert "Haider al-Abadi" in output.read_text(encoding="utf-8")


class TestCorruptEntries:
    @pytest.mark.parametrize(
        "content",
        [
            b"\x00\xff not json",
            b'{"format": 1, "labels": ["GPE"], "mentions": [[0, 5',
            b"[1, 2, 3]",
            b'{"format": 99, "labels": [], "mentions": []}',
            b'{"format": 1, "labels": ["GPE"], "mentions": [[0, 999999, 0]]}',
            b'{"format": 1, "labels": ["GPE"], "mentions": [[5, 2, 0]]}',
            b'{"format": 1, "labels": ["GPE"], "mentions": [[0, 5, -1]]}',
            b'{"format": 1, "labels": ["GPE"], "mentions": [[0, 5, 1]]}',
            b'{"format": 1, "labels": ["GPE"], "mentions": [[0.5, 5, 0]]}',
            b'{"format": 1, "labels": [7], "mentions": [[0, 5, 0]]}',
            b'{"format": 1, "labels": ["GPE"], "mentions": [[0, 5]]}',
        ],
        ids=[
            "garbage",
            "truncated",
            "not-an-object",
            "other-format",
            "past-the-end",
            "backwards",
            "negative-label",
            "unknown-label",
            "fractional-offset",
            "label-not-text",
            "short-mention",
        ],
    )
    def test_moved_aside_and_rebuilt(
        self,
        content: bytes,
        make_annotator: MakeAnnotator,
        sample_document: Document,
        tmp_path: Path,
    ) -> None:
        first = fill(make_annotator, MentionCache(tmp_path), sample_document)
        [entry] = entries(tmp_path)
        entry.write_bytes(content)

        cache = MentionCache(tmp_path)
        rebuilt = fill(make_annotator, cache, sample_document)
        assert not any(batch.cached for batch in rebuilt)
        assert [m for b in rebuilt for m in b.mentions] == [m for b in first for m in b.mentions]
        aside = entry.with_suffix(".corrupt")
        assert aside.read_bytes() == content
        assert len(cache.problems) == 1 and str(aside) in cache.problems[0]
        # The rebuilt entry serves the next run.
        assert [b.cached for b in fill(make_annotator, cache, sample_document)] == [True]

    def test_an_unwritable_cache_only_loses_the_cache(
        self, make_annotator: MakeAnnotator, sample_document: Document, tmp_path: Path
    ) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder", encoding="utf-8")
        cache = MentionCache(blocker)
        batches = fill(make_annotator, cache, sample_document)
        assert batches[-1].done == len(sample_document.text)
        assert len(cache.problems) == 1 and "could not write the cache" in cache.problems[0]


class TestNoCache:
    @pytest.fixture(autouse=True)
    def shared_model(self, ner_pipeline: Language, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(extract.ner, "load_ner", lambda location: ner_pipeline)

    def test_no_cache_writes_nothing(
        self, sample_document: Document, cache_dir: Path, tmp_path: Path
    ) -> None:
        output = tmp_path / "out.json"
        assert main(["export", sample_document.source, "--no-cache", "-o", str(output)]) == 0
        assert output.exists()
        assert list(cache_dir.rglob("*")) == []

    def test_without_it_the_run_is_cached(
        self, sample_document: Document, cache_dir: Path, tmp_path: Path
    ) -> None:
        output = tmp_path / "out.json"
        assert main(["export", sample_document.source, "-o", str(output)]) == 0
        assert len(entries(cache_dir)) == 1
