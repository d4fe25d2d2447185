"""Growing and shrinking a mention: a correction of its own (``resize``), kept in the
corrections file (format 2; format 1 files still load), surviving the document-level pass
and every export."""

from __future__ import annotations

import json
from pathlib import Path

from extract import corrections
from extract.annotations import Annotations
from extract.corrections import CorrectionStore, apply, open_for
from extract.document import text_document
from extract.exporters import render_text
from extract.model import Entity, Mention

TEXT = (
    "Haider al-Abadi spoke in Baghdad on May 1, 2018 ahead of the vote.\n\n"
    "Prince Andrew came to Moscow. Andrew Bolkonski left Moscow.\n"
)


def at(piece: str, label: str, nth: int = 0, text: str = TEXT) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return Mention(start, start + len(piece), label, piece)


MODEL = [
    at("Haider al-Abadi", "PERSON"),
    at("Baghdad", "GPE"),
    at("May 1, 2018 ahead", "DATE"),
    at("Prince", "PERSON"),
    at("Andrew", "PERSON"),
    at("Moscow", "GPE"),
    at("Andrew Bolkonski", "PERSON"),
    at("Moscow", "GPE", 1),
]


def spans(entities: list[Entity]) -> dict[str, tuple[str, str]]:
    """Each mention's text, with its label and source."""
    return {m.text: (m.label, m.source) for e in entities for m in e.mentions}


def test_a_shrunk_date_is_the_users_and_survives_the_document_pass() -> None:
    date = at("May 1, 2018 ahead", "DATE")
    shrunk = at("May 1, 2018", "DATE")
    edit = corrections.resize(TEXT, date, shrunk.start, shrunk.end)
    assert edit.op == "resize" and edit.label == "DATE"
    assert corrections.describe(edit) == "resize 'May 1, 2018 ahead' to 'May 1, 2018' as DATE"
    applied = apply(TEXT, MODEL, [edit])
    shown = spans(applied.entities)
    assert shown["May 1, 2018"] == ("DATE", "user")
    assert "May 1, 2018 ahead" not in shown
    assert applied.unplaced == []


def test_growing_into_a_neighbour_merges_the_two() -> None:
    prince = at("Prince", "PERSON")
    both = at("Prince Andrew", "PERSON")
    applied = apply(TEXT, MODEL, [corrections.resize(TEXT, prince, both.start, both.end)])
    shown = spans(applied.entities)
    assert shown["Prince Andrew"] == ("PERSON", "user")
    assert "Prince" not in shown
    starts = sorted(m.start for e in applied.entities for m in e.mentions if "Andrew" in m.text)
    assert starts == [both.start, TEXT.index("Andrew Bolkonski")]  # the other Andrew stays


def test_a_resize_finds_its_text_again_after_an_edit() -> None:
    date = at("May 1, 2018 ahead", "DATE")
    shrunk = at("May 1, 2018", "DATE")
    edit = corrections.resize(TEXT, date, shrunk.start, shrunk.end)
    edited = "A new first line.\n\n" + TEXT
    moved = [Mention(m.start + 19, m.end + 19, m.label, m.text) for m in MODEL]
    shown = spans(apply(edited, moved, [edit]).entities)
    assert shown["May 1, 2018"] == ("DATE", "user")
    gone = TEXT.replace("May 1, 2018 ahead", "June 2")
    assert apply(gone, [], [edit]).unplaced == [edit]


def test_the_file_keeps_a_resize_and_reads_a_format_1_file(tmp_path: Path) -> None:
    document = text_document(TEXT, str(tmp_path / "t.txt"))
    path = tmp_path / "c.json"
    old = {
        "format": 1,
        "source": document.source,
        "sha256": document.sha256,
        "corrections": [
            {"id": "a1", "op": "relabel", "label": "LOC", "forms": ["baghdad"], "category": "place"}
        ],
    }
    path.write_text(json.dumps(old), encoding="utf-8")
    store = open_for(document.source, document.sha256, path)
    assert store.problems == [] and [c.op for c in store.log] == ["relabel"]
    date, shrunk = at("May 1, 2018 ahead", "DATE"), at("May 1, 2018", "DATE")
    store.do(corrections.resize(TEXT, date, shrunk.start, shrunk.end))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 2
    assert [c["op"] for c in data["corrections"]] == ["relabel", "resize"]
    resize = data["corrections"][1]
    assert resize["from"]["text"] == "May 1, 2018 ahead"
    assert resize["anchor"]["text"] == "May 1, 2018"
    again = CorrectionStore.open(path, source=store.source, sha256=store.sha256)
    assert again.log == store.log and again.problems == []
    undone = store.undo()
    assert undone is not None and undone.op == "resize"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [c["op"] for c in data["corrections"]] == ["relabel"]


def test_a_resize_without_its_old_span_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    anchor = {"start": 0, "end": 6, "text": "Haider", "before": "", "after": " al-Aba"}
    bad = {"format": 2, "corrections": [{"id": "1", "op": "resize", "anchor": anchor}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    store = CorrectionStore.open(path, source="t.txt", sha256="0" * 64)
    assert store.log == []
    [problem] = store.problems
    assert "resize needs the span it was (from) and a label" in problem


def test_every_export_writes_the_resized_span_as_the_users(tmp_path: Path) -> None:
    document = text_document(TEXT, str(tmp_path / "t.txt"))
    date, shrunk = at("May 1, 2018 ahead", "DATE"), at("May 1, 2018", "DATE")
    edit = corrections.resize(TEXT, date, shrunk.start, shrunk.end)
    entities = apply(TEXT, MODEL, [edit]).entities
    annotations = Annotations(document, tuple(entities), "test", "1")
    data = json.loads(render_text("json", annotations))
    written = [m for e in data["entities"] for m in e["mentions"] if m["text"].startswith("May")]
    assert [(m["start"], m["end"], m["source"]) for m in written] == [
        (shrunk.start, shrunk.end, "user")
    ]
    rows = render_text("csv", annotations).decode("utf-8-sig").splitlines()
    assert any(",May 1, 2018," in row or '"May 1, 2018"' in row for row in rows)
