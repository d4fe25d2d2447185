"""entity-reader's extraction core: documents, NER, grouping, storage and exporters.

Plain Python and spaCy only; nothing here imports Textual or Rich.
"""

from extract.annotations import Annotations, annotate
from extract.categories import CATEGORIES, Category, category_of
from extract.document import Document, Section, load
from extract.errors import DocumentError, EntityReaderError, ModelError
from extract.grouping import group
from extract.model import Entity, Mention

__version__ = "0.1.0"

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
