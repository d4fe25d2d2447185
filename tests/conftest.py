"""Shared test setup: every test gets its own empty cache of model results and data folder.

The reader's tests also get the sample article with its model results already cached.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from extract.annotations import Annotations, annotate
from extract.cache import MentionCache
from extract.document import Document, load
from extract.ner import Annotator, load_ner, resolve_model

if TYPE_CHECKING:
    from spacy.language import Language

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "iraqi-air-strike.txt"


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


@pytest.fixture
def sample_annotator(sample_results: Path, cache_dir: Path) -> Annotator:
    """The small model with the sample's mentions in this test's cache: entities at first paint."""
    shutil.copytree(sample_results, cache_dir, dirs_exist_ok=True)
    return Annotator(cache=MentionCache(cache_dir))


@pytest.fixture(scope="session")
def ner_pipeline() -> Language:
    """The resolved model's NER-only pipeline, loaded once for the whole session."""
    return load_ner(resolve_model().location)


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
