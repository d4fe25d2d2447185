"""Shared test setup: every test gets its own empty cache of model results and data folder.

The reader's tests get the sample with the model's results replayed by a fake recogniser
(no spaCy), and `make_app` / `make_reader` to open the reader on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from export_support import tricky_annotations
from reader_support import (
    SIZE,
    MakeApp,
    MakeReader,
    ReaderPilot,
    Session,
    generated_text,
    reader,
    record_notifications,
    wait_annotated,
)
from sample import SAMPLE, ReplayRecognizer, sample_mentions

from extract import ner
from extract.annotations import Annotations, annotate
from extract.annotator import Annotator
from extract.cache import MentionCache
from extract.corrections import CorrectionStore
from extract.document import Document, load, text_document
from extract.ner import load_ner, resolve_model
from tui.app import ReaderApp
from tui.comparing import Gold

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``ENTITY_READER_CACHE_DIR`` at a fresh folder, so no test reads the user's cache."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ENTITY_READER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``ENTITY_READER_DATA_DIR`` at a fresh folder, so no test touches saved positions."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ENTITY_READER_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def config_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point ``XDG_CONFIG_HOME`` at a fresh folder, so no test reads the user's settings; and
    put the built-in label table and colours back after each test (settings put theirs in
    force for the whole process)."""
    from extract import categories, colours

    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    yield folder
    categories.configure({})
    colours.configure({})


@pytest.fixture(scope="session")
def sample_results(tmp_path_factory: pytest.TempPathFactory, ner_pipeline: Language) -> Path:
    """A cache folder holding the small model's mentions of the sample (run once per session)."""
    folder = tmp_path_factory.mktemp("sample-results")
    document = load(SAMPLE)
    annotator = Annotator(cache=MentionCache(folder), pipeline=ner_pipeline)
    for _ in annotator.annotate(document.text, document.sha256):
        pass
    return folder


@pytest.fixture
def sample_document() -> Document:
    """The sample article."""
    return load(SAMPLE)


@pytest.fixture(scope="session")
def sample_annotations(ner_pipeline: Language) -> Annotations:
    """The sample with the small model's entities, as an export takes them."""
    return annotate(load(SAMPLE), Annotator(jobs=0, cache=None, pipeline=ner_pipeline))


@pytest.fixture(params=["sample", "tricky"])
def annotations(request: pytest.FixtureRequest) -> Annotations:
    """What the export tests write: the sample as the small model annotates it, and a
    document of tricky text (`export_support.tricky_annotations`)."""
    if request.param == "tricky":
        return tricky_annotations()
    return request.getfixturevalue("sample_annotations")  # type: ignore[no-any-return]


@pytest.fixture
def sample_annotator(sample_document: Document, cache_dir: Path) -> Annotator:
    """The small model's results on the sample, replayed by a fake recogniser and already in
    this test's cache: entities at first paint, and no spaCy."""
    annotator = Annotator(
        recognizer=ReplayRecognizer(sample_document.text), jobs=0, cache=MentionCache(cache_dir)
    )
    assert annotator.cache is not None
    annotator.cache.put(
        annotator.key(sample_document.sha256), sample_mentions(sample_document.text)
    )
    return annotator


@pytest.fixture
def replay_annotator(sample_document: Document) -> Annotator:
    """The sample's results replayed by a fake recogniser, streamed (nothing cached)."""
    return Annotator(recognizer=ReplayRecognizer(sample_document.text), jobs=0, cache=None)


@pytest.fixture
def make_app(sample_document: Document, sample_annotator: Annotator) -> MakeApp:
    """A reader app: on the sample with its cached (replayed) results unless told otherwise."""

    def make(
        document: Document | None = None,
        annotator: Annotator | str | None = "sample",
        *,
        store: CorrectionStore | None = None,
        keymap: Mapping[str, str] | None = None,
        gold: Gold | None = None,
    ) -> ReaderApp:
        chosen = sample_annotator if annotator == "sample" else annotator
        assert chosen is None or isinstance(chosen, Annotator)
        document = document or sample_document
        return ReaderApp(document, chosen, store=store, keymap=keymap, gold=gold)

    return make


@pytest.fixture
def make_reader(make_app: MakeApp) -> MakeReader:
    """Open a reader (`make_app`'s arguments) in a terminal of ``size``; with ``wait``, once the
    model is done and the panels show it. Its pilot's keys wait for the view of a correction
    (`ReaderPilot`)."""

    @asynccontextmanager
    async def open_reader(
        *args: Any, size: tuple[int, int] = SIZE, wait: bool = True, **options: Any
    ) -> AsyncIterator[Session]:
        app = make_app(*args, **options)
        told = record_notifications(app)
        async with app.run_test(size=size):
            pilot = ReaderPilot(app)  # (its keys wait for the view of a correction)
            screen = await wait_annotated(pilot) if wait else reader(app)
            yield Session(app, pilot, screen, told)

    return open_reader


@pytest.fixture(scope="session")
def ner_pipeline() -> Language:
    """The resolved model's NER-only pipeline, loaded once for the whole session."""
    return load_ner(resolve_model().location)


@pytest.fixture
def one_model_load(ner_pipeline: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotators the command line makes share the session's pipeline of the default model."""
    default = resolve_model().location
    real = ner.load_ner

    def load_ner(location: str) -> Language:
        return ner_pipeline if location == default else real(location)

    monkeypatch.setattr(ner, "load_ner", load_ner)


@pytest.fixture(scope="session")
def full_pipeline() -> Language:
    """The same model with every component, as a plain spaCy user would load it."""
    import spacy

    return spacy.load(resolve_model().location)


@pytest.fixture
def make_annotator(ner_pipeline: Language) -> Callable[..., Annotator]:
    """Annotators sharing the session's pipeline: in-process and uncached unless told."""

    def make(**options: Any) -> Annotator:
        options.setdefault("jobs", 0)
        options.setdefault("cache", None)
        return Annotator(pipeline=ner_pipeline, **options)

    return make


@pytest.fixture
def long_document(tmp_path: Path) -> Document:
    """A generated text of many screens, saved to a file (positions are kept per path)."""
    path = tmp_path / "long.txt"
    path.write_text(generated_text(), encoding="utf-8")
    return text_document(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="session")
def long_text() -> str:
    """About 120 KB made of the sample's paragraphs over and over: long enough for workers."""
    paragraphs = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    parts: list[str] = []
    size = 0
    while size < 120_000:
        for paragraph in paragraphs:
            parts.append(paragraph)
            size += len(paragraph) + 2
    return "\n\n".join(parts)
