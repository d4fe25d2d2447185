"""The one table from spaCy labels to the categories a reader sees."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """A family of labels shown together: a sidebar section, a colour, a toggle key."""

    key: str
    title: str
    singular: str
    labels: tuple[str, ...]
    shown_by_default: bool = True


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
"""Categories in display order; their position (from 1) is their toggle key in the reader."""

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
}
"""What each label means, for the label chooser and the export help."""

LABEL_ALIASES: dict[str, str] = {
    "PER": "person",
    "PERS": "person",
    "LOCATION": "place",
    "ORGANIZATION": "organisation",
    "ORGANISATION": "organisation",
    "MISC": "other",
    "VEH": "other",
}
"""Labels of other annotation schemes (CoNLL-2003, LitBank, MUC) and their categories, so
imported annotations show in the right place and gold is compared by category."""

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


def category_of(label: str) -> str:
    """The category key of a label (spaCy's, or a known scheme's); others fall in "other"."""
    return _CATEGORY_OF_LABEL.get(label, "other")
