"""The seam for other engines: any recogniser, in this process or in worker processes, gets
chunking, the visible part first, caching and cancellation from the annotator."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sample import (
    BrokenRecognizer,
    NiceRecognizer,
    ReplayRecognizer,
    WordRecognizer,
    recorded,
    sample_mentions,
)

from extract.annotator import LONG_TEXT, Annotator, Batch, Focus
from extract.cache import MentionCache
from extract.document import Document
from extract.errors import ModelError
from extract.model import Mention
from extract.ner import SpacyRecognizer, resolve_model
from extract.recognizer import InProcess, ProcessPool

if TYPE_CHECKING:
    from spacy.language import Language

WORDS = {"Syria": "GPE", "ISIS": "ORG", "Haider al-Abadi": "PERSON", "Iraq": "GPE"}


def found(batches: list[Batch]) -> list[tuple[int, int, str]]:
    return sorted((m.start, m.end, m.label) for batch in batches for m in batch.mentions)


def whole(recognizer: WordRecognizer, text: str) -> list[tuple[int, int, str]]:
    """What the recogniser finds in the text read in one piece."""
    return sorted(recognizer.recognise([text])[0])


def children_since(before: set[multiprocessing.process.BaseProcess]) -> list[object]:
    return [p for p in multiprocessing.active_children() if p not in before]


def test_the_record_is_what_the_model_finds(
    ner_pipeline: Language, sample_document: Document
) -> None:
    """The replayed results are the real model's (if not: python tests/sample.py)."""
    info, record = recorded()
    model = resolve_model()
    assert (info.name, info.version) == (model.name, model.version)
    annotator = Annotator(pipeline=ner_pipeline, jobs=0, cache=None)
    assert found(list(annotator.annotate(sample_document.text))) == sorted(record)


def test_a_replayed_run_gives_the_recorded_mentions(sample_document: Document) -> None:
    replay = ReplayRecognizer(sample_document.text)
    batches = list(Annotator(recognizer=replay, jobs=0).annotate(sample_document.text))
    assert sorted(m for b in batches for m in b.mentions) == sample_mentions(sample_document.text)
    assert batches[-1].done == len(sample_document.text)


def test_chunks_of_any_recogniser_find_what_the_whole_text_has(long_text: str) -> None:
    words = WordRecognizer(WORDS)
    batches = list(Annotator(recognizer=words, jobs=0, cap=300).annotate(long_text))
    assert len(batches) > 3
    assert found(batches) == whole(words, long_text)
    for batch in batches:
        for mention in batch.mentions:
            assert long_text[mention.start : mention.end] == mention.text


def test_the_visible_part_comes_first(long_text: str) -> None:
    words = WordRecognizer(WORDS)
    region = (100_000, 101_000)
    first = next(Annotator(recognizer=words, jobs=0).annotate(long_text, first=region))
    assert first.mentions and first.done < len(long_text) // 4
    assert min(m.start for m in first.mentions) >= region[0] - 10_000


def test_a_focus_moved_while_the_model_runs_is_read_next(long_text: str) -> None:
    """The reader jumps to the end (G, a chapter, an entity) while the model reads the
    start: the end is read next, then the rest, and nothing is missed or read twice."""
    words = WordRecognizer(WORDS)
    focus = Focus((0, 1000))
    annotator = Annotator(recognizer=words, jobs=0, cap=2000)
    batches = annotator.annotate(long_text, first=focus)
    first = next(batches)
    assert max(m.start for m in first.mentions) < 10_000
    end = len(long_text)
    focus.move((end - 1500, end))
    jumped = next(batches)
    assert jumped.mentions and min(m.start for m in jumped.mentions) >= end - 4_000 - 2000
    rest = list(batches)
    assert found([first, jumped, *rest]) == whole(words, long_text)
    assert rest[-1].done == rest[-1].total == end


def test_the_model_info_and_settings_make_the_cache_key(tmp_path: Path, long_text: str) -> None:
    cache = MentionCache(tmp_path)
    words = WordRecognizer(WORDS)
    annotator = Annotator(recognizer=words, jobs=0, cache=cache)
    assert annotator.info.name == "words"
    assert annotator.info.settings.startswith("chunks=") and "words=" in annotator.info.settings
    first = list(annotator.annotate(long_text))
    calls = []
    counting = WordRecognizer(WORDS)
    counting.recognise = lambda texts: calls.append(texts) or []  # type: ignore[assignment,func-returns-value]
    again = list(Annotator(recognizer=counting, jobs=0, cache=cache).annotate(long_text))
    assert calls == [] and len(again) == 1 and again[0].cached
    assert found(again) == found(first)
    other = Annotator(recognizer=WordRecognizer({"Syria": "GPE"}), jobs=0, cache=cache)
    assert other.key("x" * 64) != annotator.key("x" * 64)
    assert other.cached(long_text, "x" * 64) is None


def test_cancel_stops_any_recogniser_and_nothing_is_cached(tmp_path: Path, long_text: str) -> None:
    replay = WordRecognizer(WORDS)
    calls: list[int] = []
    recognise = replay.recognise
    replay.recognise = lambda texts: calls.append(len(texts)) or recognise(texts)  # type: ignore[assignment,func-returns-value]
    cancel = threading.Event()
    annotator = Annotator(recognizer=replay, jobs=0, cache=MentionCache(tmp_path))
    received = []
    for batch in annotator.annotate(long_text, cancel=cancel):
        received.append(batch)
        cancel.set()
    assert len(received) == 1 and len(calls) == 1
    assert not (tmp_path / "mentions").exists()


def test_the_executor_is_chosen_by_jobs_and_length() -> None:
    words = WordRecognizer(WORDS)
    assert isinstance(Annotator(recognizer=words).executor_for(LONG_TEXT - 1), InProcess)
    pooled = Annotator(recognizer=words).executor_for(LONG_TEXT)
    assert isinstance(pooled, ProcessPool) and 1 <= pooled.jobs <= 2
    assert isinstance(Annotator(recognizer=words, jobs=0).executor_for(LONG_TEXT), InProcess)
    given = InProcess()
    assert Annotator(recognizer=words, jobs=2, executor=given).executor_for(LONG_TEXT) is given
    with pytest.raises(ValueError):
        ProcessPool(0)


class TestProcessPool:
    def test_workers_find_the_same_mentions(self, long_text: str) -> None:
        words = WordRecognizer(WORDS)
        before = set(multiprocessing.active_children())
        pooled = list(Annotator(recognizer=words, executor=ProcessPool(2)).annotate(long_text))
        assert found(pooled) == whole(words, long_text)
        assert children_since(before) == []

    def test_workers_run_niced(self) -> None:
        texts = ["a text"]
        [[(_, _, label)]] = next(ProcessPool(1).run(NiceRecognizer(), [texts]))
        assert label == f"NICE{min(19, os.nice(0) + 5)}"

    def test_closing_the_results_stops_the_workers(self) -> None:
        before = set(multiprocessing.active_children())
        results = ProcessPool(1).run(WordRecognizer(WORDS), (["Syria"] for _ in range(1000)))
        assert next(results) == [[(0, 5, "GPE")]]
        assert len(children_since(before)) == 1
        results.close()
        assert children_since(before) == []

    def test_batches_are_taken_only_as_workers_need_them(self) -> None:
        """So the annotator can choose each batch late, from where the reader is then."""
        taken: list[int] = []

        def batches() -> Iterator[list[str]]:
            for number in range(50):
                taken.append(number)
                yield ["Syria"]

        results = ProcessPool(1).run(WordRecognizer(WORDS), batches())
        assert next(results) == [[(0, 5, "GPE")]]
        assert len(taken) <= 3  # the one read, one running, one waiting
        assert next(results) == [[(0, 5, "GPE")]]
        assert len(taken) <= 4
        results.close()

    def test_a_model_error_in_a_worker_is_raised_here(self) -> None:
        before = set(multiprocessing.active_children())
        annotator = Annotator(recognizer=BrokenRecognizer(), executor=ProcessPool(1))
        with pytest.raises(ModelError, match="cannot be loaded"):
            list(annotator.annotate("Some text about Paris."))
        assert children_since(before) == []


def test_spacy_recogniser_pickles_without_its_pipeline(ner_pipeline: Language) -> None:
    recognizer = SpacyRecognizer.for_model(None, ner_pipeline)
    assert recognizer.recognise(["Angela Merkel visited Paris."]) == [
        [(0, 13, "PERSON"), (22, 27, "GPE")]
    ]
    data = pickle.dumps(recognizer)
    assert len(data) < 1000
    copy = pickle.loads(data)
    assert copy.info == recognizer.info
    assert copy._nlp is None  # loaded again on first use, in the process that uses it


def test_mentions_keep_exact_offsets_from_the_window(sample_document: Document) -> None:
    text = sample_document.text
    batches = list(Annotator(recognizer=ReplayRecognizer(text), jobs=0, cap=200).annotate(text))
    mentions: list[Mention] = [m for b in batches for m in b.mentions]
    assert sorted(mentions) == sample_mentions(text)
