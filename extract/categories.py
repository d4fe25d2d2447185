"""The one table from spaCy labels to the categories a reader sees, and the sections made for
labels the table does not know.

A category is a sidebar section, a colour and a toggle. The six built in (people,
organisations, places, figures, dates, other) hold the labels of spaCy's English pipelines
(OntoNotes) and of the other common label sets (CoNLL-2003 and WikiNER's PER/LOC/ORG/MISC of
the French, Spanish, German… pipelines, and others). Any other label, a user's model's
DISEASE or CHEMICAL, is a section of its own named after it, unless the settings map it to
a section (`configure`): one of the six, or a new one that several labels may share.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """A family of labels shown together: a sidebar section, a colour, a toggle key."""

    key: str
    title: str
    singular: str
    labels: tuple[str, ...]
    shown_by_default: bool = True

    @property
    def builtin(self) -> bool:
        """Whether it is one of the six built-in categories (not named after a label)."""
        return CATEGORY_BY_KEY.get(self.key) is self


CATEGORIES: tuple[Category, ...] = (
    Category("person", "People", "Person", ("PERSON",)),
    Category("organisation", "Organisations", "Organisation", ("ORG",)),
    Category("place", "Places", "Place", ("GPE", "LOC", "FAC")),
    Category(
        "figure", "Figures", "Figure", ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL")
    ),
    Category("date", "Dates", "Date", ("DATE", "TIME"), shown_by_default=False),
    Category(
        "other",
        "Other",
        "Other",
        ("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"),
        shown_by_default=False,
    ),
)
"""Built-in categories in display order; their position (from 1) is their toggle key in the
reader. Their labels are spaCy's English ones (OntoNotes 5)."""

CATEGORY_BY_KEY: dict[str, Category] = {category.key: category for category in CATEGORIES}

LABEL_DESCRIPTIONS: dict[str, str] = {
    "PERSON": "people, including fictional",
    "ORG": "companies, agencies, institutions",
    "GPE": "countries, cities, states",
    "LOC": "other locations: mountains, rivers, regions",
    "FAC": "buildings, airports, roads, bridges",
    "CARDINAL": "numbers that are not another kind",
    "QUANTITY": "measurements: weight, distance",
    "MONEY": "monetary values",
    "PERCENT": "percentages",
    "ORDINAL": "first, second, 3rd",
    "DATE": "dates and periods",
    "TIME": "times of day",
    "NORP": "nationalities, religious or political groups",
    "EVENT": "named events: wars, storms, games",
    "PRODUCT": "objects, vehicles, foods",
    "WORK_OF_ART": "titles of books, songs, works",
    "LAW": "named documents made into laws",
    "LANGUAGE": "named languages",
    "PER": "people (CoNLL-2003, WikiNER: French, Spanish, German… pipelines)",
    "MISC": "other names: groups, events, works (CoNLL-2003, WikiNER)",
}
"""What each label means, for the label chooser, the help legend and the export help."""

LABEL_ALIASES: dict[str, str] = {
    # CoNLL-2003 and WikiNER (the French, Spanish, German, Italian, Portuguese, Catalan,
    # Danish, Croatian… pipelines); LOC and ORG are OntoNotes labels too.
    "PER": "person",
    "MISC": "other",
    # MUC and spelled-out schemes
    "PERS": "person",
    "LOCATION": "place",
    "ORGANIZATION": "organisation",
    "ORGANISATION": "organisation",
    # LitBank
    "VEH": "other",
    # Norwegian (NorNE)
    "GPE_LOC": "place",
    "GPE_ORG": "organisation",
    "EVT": "other",
    "PROD": "other",
    "DRV": "other",
    # Swedish
    "PRS": "person",
    "EVN": "other",
    "OBJ": "other",
    "WRK": "other",
    "TME": "date",
    "MSR": "figure",
    # Polish (NKJP)
    "persName": "person",
    "placeName": "place",
    "geogName": "place",
    "orgName": "organisation",
    "date": "date",
    "time": "date",
    # Korean
    "PS": "person",
    "LC": "place",
    "OG": "organisation",
    "DT": "date",
    "TI": "date",
    "QT": "figure",
    # Romanian
    "FACILITY": "place",
    "NAT_REL_POL": "other",
    "DATETIME": "date",
    "PERIOD": "date",
    "NUMERIC_VALUE": "figure",
    # Slovenian
    "DERIV_PER": "other",
}
"""Labels of other annotation schemes and spaCy pipelines, and their categories, so their
mentions show in the right place and gold is compared by category."""

LABEL_SETS: dict[str, tuple[str, ...]] = {
    "CoNLL-2003": ("PER", "LOC", "ORG", "MISC"),
    "LitBank": ("PER", "GPE", "LOC", "FAC", "ORG", "VEH"),
}
"""Well-known label schemes: gold in one of them is compared on all of its categories."""

_CATEGORY_OF_LABEL: dict[str, str] = {
    **LABEL_ALIASES,
    **{label: category.key for category in CATEGORIES for label in category.labels},
}

ALL_LABELS: tuple[str, ...] = tuple(label for category in CATEGORIES for label in category.labels)
"""spaCy's English labels, in category order: what the label chooser offers first."""

KNOWN_LABELS: frozenset[str] = frozenset(_CATEGORY_OF_LABEL)
"""Every label the table gives a built-in category."""

_BY_NAME: dict[str, str] = {
    name.casefold(): category.key
    for category in CATEGORIES
    for name in (category.key, category.title, category.singular)
} | {"organization": "organisation", "organizations": "organisation"}
"""A built-in category by any of its names, in any case ("person", "People", "Places")."""


# -- the user's mapping ------------------------------------------------------------------------

_mapping: dict[str, str] = {}
"""Label → category key, from the settings (see `configure`)."""


def builtin_named(name: str) -> str | None:
    """The built-in category a name means (its key, title or singular, in any case), if any."""
    return _BY_NAME.get(name.casefold())


def section_key(name: str) -> str:
    """The category a section name in the settings means: a built-in one by its key, title or
    singular in any case ("place", "Places"), or that of a known label ("PER"), else a new
    section of that name."""
    builtin = _BY_NAME.get(name.casefold())
    if builtin is not None:
        return builtin
    return _CATEGORY_OF_LABEL.get(name, name)


def configure(mapping: Mapping[str, str]) -> None:
    """Put labels in the sections the settings name (label → section name, see
    `section_key`), for everything this process shows or exports. An empty mapping restores
    the table as it is."""
    _mapping.clear()
    _mapping.update({label: section_key(name) for label, name in mapping.items()})
    _known.clear()


def label_mapping() -> dict[str, str]:
    """The settings' label → category key mapping in force."""
    return dict(_mapping)


def mapping_fingerprint() -> str:
    """A short digest of the mapping in force ("" for none): derived views depend on it."""
    if not _mapping:
        return ""
    data = json.dumps(sorted(_mapping.items()), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# -- categories of labels ----------------------------------------------------------------------


class _Known(dict[str, str]):
    """`category_of` of each label asked for since the mapping last changed (the pass asks for
    hundreds of thousands): a label not seen yet is worked out on its first lookup."""

    def __missing__(self, label: str) -> str:
        category = self[label] = _category_of(label)
        return category


_known = _Known()
category_of: Callable[[str], str] = _known.__getitem__
"""The category key of a label: as the settings map it, else the table's (spaCy's, or a known
scheme's), else a category named after a built-in one ("person"), else a category of its own,
keyed by the label itself. A mention without a label is "other". (The lookup of a dict that
works out what it lacks: called for every mention, several times per pass.)"""


def _category_of(label: str) -> str:
    mapped = _mapping.get(label)
    if mapped is not None:
        return mapped
    known = _CATEGORY_OF_LABEL.get(label)
    if known is not None:
        return known
    if not label:
        return "other"
    return _BY_NAME.get(label.casefold(), label)


def is_builtin(key: str) -> bool:
    """Whether a category key is one of the six built in."""
    return key in CATEGORY_BY_KEY


def section(key: str) -> Category:
    """The category of a key: built in, or a section named after its label (or the settings'
    name for it), holding the labels mapped to it."""
    known = CATEGORY_BY_KEY.get(key)
    if known is not None:
        return known
    labels = sorted(label for label, mapped in _mapping.items() if mapped == key)
    return Category(key, key, key, tuple(labels or [key]))


BEFORE_CUSTOM = ("person", "organisation", "place", "figure")
"""Built-in categories listed before the sections of other labels; dates and other follow."""


def sections_in(keys: Iterable[str]) -> list[Category]:
    """Every built-in category and the other sections among ``keys``, in display order:
    people, organisations, places and figures, then the others by name, then dates and other."""
    custom = sorted({key for key in keys if not is_builtin(key)}, key=lambda k: (k.casefold(), k))
    return [
        *(CATEGORY_BY_KEY[key] for key in BEFORE_CUSTOM),
        *(section(key) for key in custom),
        *(c for c in CATEGORIES if c.key not in BEFORE_CUSTOM),
    ]
