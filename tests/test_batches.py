"""Many documents through the seam: their chunks read in batches that run across documents,
in their order, each document once, with the cache, and through worker deaths."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sample import KillingRecognizer, WordRecognizer

from extract.annotator import Annotator
from extract.cache import MentionCache
from extract.errors import EntityReaderError
from extract.model import Mention
from extract.recognizer import InProcess, Lost, Outcome, Pending, ProcessPool, in_order

WORDS = {"Merkel": "PERSON", "Paris": "GPE", "Macron": "PERSON", "Lisbon": "GPE"}

Doc = tuple[str, str]


def documents(count: int = 40) -> list[Doc]:
    """Short and long documents (a long one is several chunks at the cap the tests use)."""
    sentence = "Angela Merkel met Emmanuel Macron in Paris, then flew to Lisbon. "
    made = []
    for number in range(count):
        paragraphs = [sentence * (1 + number % 4) for _ in range(1 + number % 5)]
        made.append((f"doc-{number}", f"Document {number}.\n\n" + "\n\n".join(paragraphs)))
    return made


def text_of(doc: Doc) -> tuple[str, str]:
    return doc[1], f"sha-{doc[0]}"


def alone(annotator: Annotator, doc: Doc) -> tuple[Mention, ...]:
    """What the annotator finds in one document read on its own."""
    return tuple(sorted(m for b in annotator.annotate(doc[1], f"sha-{doc[0]}") for m in b.mentions))


def small(recognizer: WordRecognizer, **options: object) -> Annotator:
    annotator = Annotator(recognizer=recognizer, cap=200, cache=None, **options)  # type: ignore[arg-type]
    annotator.batch_chars = 700
    return annotator


class Counting(WordRecognizer):
    """Counts the batches and texts it is given (in this process)."""

    def __init__(self) -> None:
        super().__init__(WORDS)
        self.batches = 0
        self.texts = 0

    def recognise(self, texts):  # type: ignore[no-untyped-def]
        self.batches += 1
        self.texts += len(texts)
        return super().recognise(texts)


@pytest.mark.parametrize("jobs", [0, 2])
def test_each_document_gets_what_it_has_alone_in_order(jobs: int) -> None:
    docs = documents()
    executor = ProcessPool(jobs) if jobs else InProcess()
    many = list(small(WordRecognizer(WORDS), executor=executor).annotate_many(docs, text_of))
    reference = small(WordRecognizer(WORDS), jobs=0)
    assert [doc for doc, _ in many] == docs
    assert [found for _, found in many] == [alone(reference, doc) for doc in docs]
    assert all(found for _, found in many)


def test_batches_run_across_document_boundaries() -> None:
    counting = Counting()
    docs = documents()
    annotator = small(counting, executor=InProcess())
    annotator.batch_chars = 5_000
    list(annotator.annotate_many(docs, text_of))
    assert counting.texts > len(docs)  # long documents are several chunks
    assert counting.batches < len(docs) / 2  # and batches hold chunks of several documents


def test_items_without_a_text_pass_through_in_their_place() -> None:
    docs = documents(10)
    skipped = {docs[0], docs[4], docs[9]}

    def maybe(doc: Doc) -> tuple[str, str] | None:
        return None if doc in skipped else text_of(doc)

    many = list(small(WordRecognizer(WORDS), executor=InProcess()).annotate_many(docs, maybe))
    assert [doc for doc, _ in many] == docs
    assert [doc for doc, found in many if found is None] == [docs[0], docs[4], docs[9]]


def test_cached_documents_need_no_model_and_complete_ones_are_cached(tmp_path: Path) -> None:
    docs = documents(12)
    counting = Counting()
    annotator = small(counting, executor=InProcess())
    annotator.cache = MentionCache(tmp_path)
    first = list(annotator.annotate_many(docs, text_of))
    used = counting.batches
    again = list(annotator.annotate_many(docs, text_of))
    assert again == first
    assert counting.batches == used  # every document came from the cache


def test_documents_are_taken_only_as_workers_have_room() -> None:
    taken = 0

    def endless() -> Iterator[Doc]:
        nonlocal taken
        for number in itertools.count():
            taken += 1
            yield (f"doc-{number}", f"Angela Merkel, number {number}.")

    results = small(WordRecognizer(WORDS), executor=ProcessPool(1)).annotate_many(
        endless(), text_of
    )
    first, _ = next(results)
    results.close()
    assert first[0] == "doc-0"
    # A window of four batches running and four times that held: never the whole corpus.
    assert taken < 2_000


def test_in_order_keeps_its_window_full_and_its_order() -> None:
    running = peak = 0
    lock = threading.Lock()

    def work(texts: list[str]) -> list[Outcome]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01 * (len(texts[0]) % 3))
        with lock:
            running -= 1
        return [[(0, 1, text)] for text in texts]

    batches = [[f"{n}" * (1 + n % 4)] for n in range(40)]
    with ThreadPoolExecutor(8) as pool:

        def submit(texts: list[str]) -> Pending:
            return pool.submit(work, texts)

        def wait_any(futures: list[Pending]) -> None:
            from concurrent.futures import FIRST_COMPLETED, wait

            wait(futures, return_when=FIRST_COMPLETED)  # type: ignore[arg-type]

        results = list(in_order(batches, submit, wait_any, lambda e: False, lambda b: [], 3))
    assert results == [[[(0, 1, texts[0])]] for texts in batches]
    assert peak == 3


class TestWorkerDeath:
    """A worker killed mid-batch (out of memory, say) loses nothing but what kills it."""

    def test_a_text_that_kills_every_worker_is_lost_alone(self) -> None:
        docs = documents(12)
        docs[5] = ("doc-5", "This one always kills the worker reading it. Merkel.")
        recognizer = KillingRecognizer(WORDS)
        before = set(multiprocessing.active_children())
        many = list(small(recognizer, executor=ProcessPool(2)).annotate_many(docs, text_of))
        reference = small(WordRecognizer(WORDS), jobs=0)
        assert [doc for doc, _ in many] == docs
        assert isinstance(many[5][1], Lost)
        assert [found for doc, found in many if doc != docs[5]] == [
            alone(reference, doc) for doc in docs if doc != docs[5]
        ]
        assert [p for p in multiprocessing.active_children() if p not in before] == []

    def test_a_worker_killed_once_loses_and_repeats_nothing(self, tmp_path: Path) -> None:
        flag = tmp_path / "kill-once"
        flag.write_text("armed", encoding="utf-8")
        docs = documents(20)
        docs[7] = ("doc-7", "This one kills its worker once. Merkel in Paris.")
        many = list(
            small(KillingRecognizer(WORDS, flag), executor=ProcessPool(2)).annotate_many(
                docs, text_of
            )
        )
        assert not flag.exists()  # a worker did die
        clean = list(small(WordRecognizer(WORDS), jobs=0).annotate_many(docs, text_of))
        assert many == clean

    def test_one_document_alone_says_its_worker_died(self) -> None:
        annotator = small(KillingRecognizer(WORDS), executor=ProcessPool(1))
        with pytest.raises(EntityReaderError, match="stopped unexpectedly"):
            list(annotator.annotate("Merkel always says so."))
