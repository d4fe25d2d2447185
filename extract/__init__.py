"""entity-reader's extraction core: documents, NER, grouping, storage and exporters.

Plain Python and spaCy only; nothing here imports Textual or Rich. The names below are loaded
on first use, so importing one module (the reader's first screen needs only the document)
does not import the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE: dict[str, str] = {
    "Annotations": "extract.annotations",
    "annotate": "extract.annotations",
    "CATEGORIES": "extract.categories",
    "Category": "extract.categories",
    "category_of": "extract.categories",
    "Document": "extract.document",
    "Section": "extract.document",
    "load": "extract.document",
    "DocumentError": "extract.errors",
    "EntityReaderError": "extract.errors",
    "ModelError": "extract.errors",
    "group": "extract.grouping",
    "Entity": "extract.model",
    "Mention": "extract.model",
}

__all__ = [
    "CATEGORIES",
    "Annotations",
    "Category",
    "Document",
    "DocumentError",
    "Entity",
    "EntityReaderError",
    "Mention",
    "ModelError",
    "Section",
    "__version__",
    "annotate",
    "category_of",
    "group",
    "load",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'extract' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def _version() -> str:
    """The installed package's version (pyproject.toml is the one place it is written),
    looked up only when asked for, so importing stays quick."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("entity-reader")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


if TYPE_CHECKING:
    from extract.annotations import Annotations, annotate
    from extract.categories import CATEGORIES, Category, category_of
    from extract.document import Document, Section, load
    from extract.errors import DocumentError, EntityReaderError, ModelError
    from extract.grouping import group
    from extract.model import Entity, Mention
