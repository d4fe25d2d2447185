"""Any model's labels: a model of the user's (an entity ruler built here, loaded with --model
FOLDER) gets a section, a colour, a toggle and a legend row for each label the table does not
know, in the reader and in every export; the table knows the common spaCy label sets."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from reader_support import MakeReader, palette_lines, sidebar_names, sidebar_sections, wait_for
from textual.geometry import Region
from textual.widgets import Static

from extract import categories
from extract.annotator import Annotator
from extract.categories import category_of, is_builtin, section, sections_in
from extract.colours import BUILTIN, GAP, TEXT_ON, contrast, hue, palette
from extract.corrections import apply
from extract.document import text_document
from extract.model import Mention
from tui.screens.help import HelpScreen
from tui.theme import CATEGORY_COLOURS

BINARY = Path(sys.executable).with_name("entity-reader")

TEXT = (
    "Malaria was treated with quinine for centuries. Ross showed that malaria spreads by the "
    "mosquito. The [b]vector[/b] matters.\n\n"
    "Later, malaria retreated where quinine was cheap. Ross said so.\n"
)
MARKUP_LABEL = "[b]GENE\x1b[31m"
"""A label from a user's model that would be markup and an escape sequence if not shown
literally."""

PATTERNS = [
    {"label": "DISEASE", "pattern": [{"LOWER": "malaria"}]},
    {"label": "CHEMICAL", "pattern": [{"LOWER": "quinine"}]},
    {"label": "PERSON", "pattern": "Ross"},
    {"label": MARKUP_LABEL, "pattern": "mosquito"},
]


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spaCy pipeline of one entity ruler with labels of its own, saved to a folder."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(PATTERNS)  # type: ignore[attr-defined]
    folder = tmp_path_factory.mktemp("models") / "ruler"
    nlp.to_disk(folder)
    return folder


@pytest.fixture
def ruler_text(tmp_path: Path) -> Path:
    path = tmp_path / "malaria.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def export(path: Path, model: Path, fmt: str, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(BINARY), "export", str(path), "--model", str(model), "-f", fmt, *extra],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done


# -- the table ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("PER", "person"),
        ("LOC", "place"),
        ("ORG", "organisation"),
        ("MISC", "other"),
        ("GPE_LOC", "place"),
        ("persName", "person"),
        ("PS", "person"),
        ("NAT_REL_POL", "other"),
        ("WORK_OF_ART", "other"),
    ],
)
def test_the_common_label_sets_have_their_categories(label: str, category: str) -> None:
    assert category_of(label) == category


def test_a_label_the_table_does_not_know_is_a_section_of_its_own() -> None:
    assert category_of("DISEASE") == "DISEASE"
    assert not is_builtin("DISEASE")
    assert section("DISEASE").title == "DISEASE" and section("DISEASE").labels == ("DISEASE",)
    keys = [c.key for c in sections_in(["DISEASE", "person", "CHEMICAL", "date"])]
    builtin = ["person", "organisation", "place", "figure"]
    assert keys == [*builtin, "CHEMICAL", "DISEASE", "date", "other"]


def _apart(first: str, second: str) -> float:
    gap = abs(hue(first) - hue(second)) % 360
    return min(gap, 360 - gap)


def test_generated_colours_are_distinct_and_readable_in_both_themes() -> None:
    few = ["DISEASE", "CHEMICAL", "GENE", "SYMPTOM", "DRUG", "SPECIES"]
    colours = palette(few)
    builtin = [dark for key, (dark, _) in BUILTIN.items() if key != "other"]
    darks = [dark for dark, _ in colours.values()]
    for place, dark in enumerate(darks):  # a hue of its own, away from the built-in ones
        # (a colour of 8-bit channels lands within a few degrees of the hue it was made for)
        assert all(_apart(dark, other) >= GAP - 3 for other in builtin + darks[place + 1 :])
    many = palette([f"LABEL_{n}" for n in range(12)])
    assert len(set(many.values())) == 12  # past the room for hues: lightness tells them apart
    for dark, light in [*colours.values(), *many.values()]:
        assert contrast(dark, TEXT_ON[0]) >= 4.5 and contrast(light, TEXT_ON[1]) >= 7
    assert palette(["DISEASE"]) == palette(["DISEASE"])  # the same label keeps its colour
    assert set(CATEGORY_COLOURS) == {c.key for c in categories.CATEGORIES}


# -- the document-level pass --------------------------------------------------------------------


def test_english_cues_never_vote_an_unknown_label_into_a_person() -> None:
    text = "said Quinta. Quinta smiled. said Quinta. Quinta laughed. said Quinta.\n"
    starts = [i for i in range(len(text)) if text.startswith("Quinta", i)]

    def category(label: str) -> set[str]:
        mentions = [Mention(s, s + 6, label, "Quinta") for s in starts]
        return {e.category for e in apply(text, mentions, []).entities}

    assert category("ORG") == {"person"}  # the cues do fire: a name the model called an ORG
    assert category("CHEMICAL") == {"CHEMICAL"}  # but not on a label of the user's model


# -- a ruler model through the command line ------------------------------------------------------


def test_a_ruler_model_exports_its_labels_in_sections_of_their_own(
    ruler_model: Path, ruler_text: Path, tmp_path: Path
) -> None:
    data = json.loads(export(ruler_text, ruler_model, "json").stdout)
    found = {
        e["name"]: (e["category"], sorted({m["label"] for m in e["mentions"]}))
        for e in data["entities"]
    }
    assert found["malaria"] == ("DISEASE", ["DISEASE"])
    assert found["quinine"] == ("CHEMICAL", ["CHEMICAL"])
    assert found["Ross"] == ("person", ["PERSON"])
    assert found["mosquito"] == (MARKUP_LABEL, [MARKUP_LABEL])
    assert data["model"] == {"name": "en_pipeline", "version": "0.0.0", "language": "en"}

    rows = list(
        csv.DictReader(io.StringIO(export(ruler_text, ruler_model, "csv").stdout.lstrip("\ufeff")))
    )
    assert {(r["text"].lower(), r["category"], r["label"]) for r in rows} >= {
        ("malaria", "DISEASE", "DISEASE"),
        ("quinine", "CHEMICAL", "CHEMICAL"),
    }
    conll = export(ruler_text, ruler_model, "conll").stdout
    assert "quinine - - B-CHEMICAL" in conll and "Malaria - - B-DISEASE" in conll

    page = tmp_path / "page.html"
    export(ruler_text, ruler_model, "html", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    legend = html.split('<ul class="legend">', 1)[1].split("</ul>", 1)[0]
    assert ">DISEASE <span" in legend and ">CHEMICAL <span" in legend
    assert "[b]GENE␛[31m" in legend and "\x1b" not in html  # literal, never an escape
    rules = dict(
        line.split(" { background: ")
        for line in html.split("<style>")[1].split("\n")
        if " { background: " in line
    )
    colours = {
        name.split("-")[1]: colour for name, colour in rules.items() if name.startswith(".cat-")
    }
    assert len({colours["disease"], colours["chemical"], colours["person"]}) == 3


# -- a ruler model in the reader ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_reader_gives_a_models_labels_sections_colours_toggles_and_a_legend(
    ruler_model: Path, make_reader: MakeReader
) -> None:
    document = text_document(TEXT, "malaria.txt")
    annotator = Annotator(str(ruler_model), jobs=0, cache=None)
    async with make_reader(document, annotator, size=(120, 50)) as (app, pilot, screen, _told):
        sections = sidebar_sections(app)
        assert sections[:4] == ["person", "organisation", "place", "figure"]
        assert sections[4:7] == sorted(["CHEMICAL", "DISEASE", MARKUP_LABEL], key=str.casefold)
        assert sections[7:] == ["date", "other"]
        assert sidebar_names(app, "DISEASE") == ["malaria"]
        tree = screen.sidebar.entity_tree
        heading = next(n for n in tree.root.children if n.data == ("section", MARKUP_LABEL))
        assert "[b]GENE␛[31m" in heading.label.plain  # literal, controls made visible
        backgrounds = {
            node.data[1]: str(node.label.spans[0].style)
            for node in tree.root.children
            if node.data is not None and node.label.spans
        }
        assert len({backgrounds["DISEASE"], backgrounds["CHEMICAL"], backgrounds["person"]}) == 3

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: bool(palette_lines(app)), "the palette's commands")
        assert any(line.startswith("Hide DISEASE\n") for line in palette_lines(app))
        await pilot.press(*"Hide DISEASE", "enter")
        await wait_for(pilot, lambda: app.screen is screen, "the palette to close")
        assert "DISEASE" not in screen.shown and "DISEASE" not in sidebar_sections(app)
        assert all(screen.index.entity_of(m).category != "DISEASE" for m in screen.index.mentions)  # type: ignore[union-attr]

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        static = app.screen.query_one(Static)
        text = "\n".join(strip.text for strip in static.render_lines(Region(0, 0, *static.size)))
        assert " DISEASE " in text and " CHEMICAL " in text and "[b]GENE␛[31m" in text
