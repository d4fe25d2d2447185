"""The corrections file: its documented shape, files of another shape or with bad edits kept
aside and reported, failed saves, two writers and a writer killed mid-save."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from corrections_support import (
    MENTIONS,
    TEXT,
    entity,
    mention_at,
    model_entity,
    nth,
)

from extract import corrections
from extract.corrections import (
    Correction,
    CorrectionStore,
    apply,
    forms_of,
    open_for,
)
from extract.document import text_document
from tui.cli import main

# -- the file: its documented shape ------------------------------------------------------------

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "source", "sha256", "corrections"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": 2},
        "source": {"type": "string"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "corrections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "op"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "op": {
                        "enum": [
                            "relabel",
                            "remove",
                            "remove_mention",
                            "add",
                            "merge",
                            "split",
                            "resize",
                        ]
                    },
                    "label": {"type": "string"},
                    "forms": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "category": {"type": "string"},
                    "anchor": {"$ref": "#/$defs/anchor"},
                    "from": {"$ref": "#/$defs/anchor"},
                    "everywhere": {"type": "boolean"},
                    "into": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "into_category": {"type": "string"},
                },
            },
        },
    },
    "$defs": {
        "anchor": {
            "type": "object",
            "required": ["start", "end", "text", "before", "after"],
            "additionalProperties": False,
            "properties": {
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
                "text": {"type": "string"},
                "before": {"type": "string"},
                "after": {"type": "string"},
            },
        }
    },
}
"""The corrections file as the README documents it."""


def every_op() -> list[Correction]:
    entities = apply(TEXT, MENTIONS, []).entities
    acme, corp = entity(entities, "Acme"), entity(entities, "Acme Corp")
    smith = mention_at(TEXT, MENTIONS, "Smith", 1)
    widget = nth("Widget", 0)
    return [
        corrections.relabel(entity(entities, "Paris", "place"), "LOC"),
        corrections.remove(entity(entities, "Monday")),
        corrections.remove_mention(TEXT, mention_at(TEXT, MENTIONS, "Stone", 1)),
        corrections.add(TEXT, widget, widget + 6, "PRODUCT", everywhere=True),
        corrections.merge(acme, corp),
        corrections.split(TEXT, smith),
        corrections.resize(TEXT, smith, smith.start, smith.end + len(" told")),
    ]


def test_the_file_has_the_documented_shape_and_reads_back(tmp_path: Path) -> None:
    document = text_document(TEXT, str(tmp_path / "t.txt"))
    path = tmp_path / "c.json"
    store = open_for(document.source, document.sha256, path)
    for edit in every_op():
        store.do(edit)
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["source"] == os.path.abspath(document.source)
    assert data["sha256"] == document.sha256
    assert [c["op"] for c in data["corrections"]] == list(corrections.OPS)
    assert data["corrections"][0] == {
        "id": store.log[0].id,
        "op": "relabel",
        "label": "LOC",
        "forms": ["paris"],
        "category": "place",
    }
    assert data["corrections"][4]["into"] == ["acme corp"]
    assert data["corrections"][3]["everywhere"] is True
    assert data["corrections"][6]["from"]["text"] == "Smith"
    assert data["corrections"][6]["anchor"]["text"] == "Smith told"
    assert data["corrections"][6]["label"] == "PERSON"
    again = CorrectionStore.open(path, source=store.source, sha256=store.sha256)
    assert again.problems == [] and again.log == store.log
    assert not again.changed_since


def store_at(path: Path) -> CorrectionStore:
    """A store at ``path`` for a made-up document."""
    return CorrectionStore.open(path, source="t.txt", sha256="0" * 64)


GOOD = {"id": "1", "op": "relabel", "label": "GPE", "forms": ["paris"], "category": "place"}
ANCHOR = {"start": 0, "end": 5, "text": "Alice", "before": "", "after": " Smit"}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("", id="empty"),
        pytest.param('{"format": 1, "corrections": [', id="cut-off"),
        pytest.param("[]", id="a-list"),
        pytest.param('{"format": 3, "corrections": []}', id="format-3"),
        pytest.param('{"format": 1}', id="no-corrections"),
        pytest.param('{"format": 1, "corrections": {}}', id="corrections-not-a-list"),
    ],
)
def test_a_file_of_another_shape_is_moved_aside_and_reported(content: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(content, encoding="utf-8")
    store = store_at(path)
    assert store.log == []
    [problem] = store.problems
    assert f"corrections file {path} is corrupt" in problem
    assert f"kept it as {path}.corrupt" in problem
    assert not path.exists()
    assert Path(f"{path}.corrupt").read_text(encoding="utf-8") == content
    store.do(every_op()[0])
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), SCHEMA)


def _split(anchor: dict[str, Any]) -> dict[str, Any]:
    return {"id": "2", "op": "split", "anchor": anchor}


BAD_EDITS = {
    "op": {**GOOD, "op": "rename"},
    "label": {**GOOD, "label": "TOWN\x1b[0m"},  # a model's own label is fine: not a control
    "no-forms": {**GOOD, "forms": []},
    "forms-string": {**GOOD, "forms": "paris"},
    "no-anchor": {"id": "2", "op": "split"},
    "anchor-start": _split({**ANCHOR, "start": "x"}),
    "everywhere-string": {"id": "3", "op": "add", "label": "PERSON", "anchor": ANCHOR, "everywhere": "no"},
    "negative-anchor": _split({**ANCHOR, "start": -5, "end": 0}),
    "anchor-past-the-text": {"id": "4", "op": "add", "label": "PERSON", "anchor": {**ANCHOR, "start": 10**6, "end": 10**6, "text": ""}},
    "anchor-length": _split({**ANCHOR, "end": 9}),
    "blank-anchor": _split({**ANCHOR, "start": 5, "end": 6, "text": " "}),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BAD_EDITS))
def test_an_edit_that_makes_no_sense_is_skipped_reported_and_kept(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    good = {**GOOD, "id": "good"}
    path.write_text(
        json.dumps({"format": 1, "corrections": [good, BAD_EDITS[kind]]}), encoding="utf-8"
    )
    store = store_at(path)
    assert [c.id for c in store.log] == ["good"]  # the others still apply
    [problem] = store.problems
    assert problem.startswith(f"corrections file {path}: edit 2 skipped (")
    assert problem.endswith("it stays in the file")
    store.do(every_op()[1])
    # Saving keeps the edit it could not read, as it was: nothing the user wrote is lost.
    saved = json.loads(path.read_text(encoding="utf-8"))["corrections"]
    assert saved[0] == good and saved[-1] == BAD_EDITS[kind] and len(saved) == 3
    assert not Path(f"{path}.corrupt").exists()


def test_a_shared_file_with_bad_anchors_exports_what_it_can(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "t.txt"
    source.write_text("Alice Smith met Bob in Paris.\n", encoding="utf-8")
    shared = tmp_path / "shared.json"
    bad = [
        {"id": "n", "op": "add", "label": "PERSON", "anchor": {"start": -4, "end": -1, "text": "is."}},
        {"id": "p", "op": "add", "label": "ORG", "anchor": {"start": 40, "end": 40, "text": ""}},
    ]  # fmt: skip
    ok = {
        "id": "k",
        "op": "add",
        "label": "GPE",
        "anchor": {"start": 25, "end": 30, "text": "Paris"},
    }
    shared.write_text(json.dumps({"format": 1, "corrections": [*bad, ok]}), encoding="utf-8")
    before = shared.read_bytes()
    for name in ("json", "conll", "jsonl"):
        assert main(["export", str(source), "-f", name, "--annotations", str(shared)]) == 0
        out, err = capsys.readouterr()
        assert [line.split(" skipped")[0] for line in err.splitlines()] == [
            f"entity-reader: warning: corrections file {shared}: edit 1",
            f"entity-reader: warning: corrections file {shared}: edit 2",
        ]
        if name == "json":
            data = json.loads(out)
            spans = [(m["start"], m["end"]) for e in data["entities"] for m in e["mentions"]]
            assert (23, 28) in spans and all(0 <= a < b <= len(data["text"]) for a, b in spans)
    assert shared.read_bytes() == before  # an export never writes corrections


def test_a_file_spoilt_while_open_is_kept_aside_at_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = store_at(path)
    relabel, remove, *_ = every_op()
    store.do(relabel)
    path.write_text("spoilt", encoding="utf-8")
    store.do(remove)
    assert Path(f"{path}.corrupt").read_text(encoding="utf-8") == "spoilt"
    assert len(store.problems) == 1 and "is corrupt" in store.problems[0]
    assert ids_on_disk(path) == [relabel.id, remove.id]


def test_a_failed_save_forgets_the_change(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = store_at(path)
    relabel, remove, *_ = every_op()
    store.do(relabel)
    saving = store.save

    def refuse() -> None:
        raise PermissionError(13, "Permission denied")

    store.save = refuse  # type: ignore[method-assign]
    for change in (lambda: store.do(remove), store.undo):
        with pytest.raises(PermissionError):
            change()
        assert store.log == [relabel]
    store.save = saving  # type: ignore[method-assign]
    assert store.undo() == relabel
    store.save = refuse  # type: ignore[method-assign]
    with pytest.raises(PermissionError):
        store.redo()
    assert store.log == []
    store.save = saving  # type: ignore[method-assign]
    assert store.redo() == relabel
    assert store.undo() == relabel
    assert store.undo() is None
    assert ids_on_disk(path) == []


def test_an_export_with_a_corrupt_annotations_file_stops_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "t.txt"
    copy.write_text("Nothing here.", encoding="utf-8")
    shared = tmp_path / "c.json"
    shared.write_text("{", encoding="utf-8")
    assert main(["export", str(copy), "--annotations", str(shared)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"entity-reader: error: corrections file {shared} is corrupt")
    assert err.count("\n") == 1
    # A file the user named is theirs: never renamed, never rewritten.
    assert shared.read_text(encoding="utf-8") == "{"
    assert not Path(f"{shared}.corrupt").exists()


# -- two writers ------------------------------------------------------------------------------


def two_stores(path: Path) -> tuple[CorrectionStore, CorrectionStore]:
    return store_at(path), store_at(path)


def ids_on_disk(path: Path) -> list[str]:
    return [c["id"] for c in json.loads(path.read_text(encoding="utf-8"))["corrections"]]


def test_two_writers_keep_both_edits(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, second = two_stores(path)
    relabel, remove, *_ = every_op()
    first.do(relabel)
    second.do(remove)
    assert ids_on_disk(path) == [relabel.id, remove.id]
    third = store_at(path)
    assert third.log == [relabel, remove]
    assert second.log == [relabel, remove]


def test_undo_in_one_writer_keeps_the_others_edit(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, second = two_stores(path)
    relabel, remove, *_ = every_op()
    first.do(relabel)
    second.do(remove)
    assert first.undo() == relabel
    assert ids_on_disk(path) == [remove.id]
    assert second.undo() == remove
    assert ids_on_disk(path) == []
    assert first.redo() == relabel
    assert ids_on_disk(path) == [relabel.id]


def test_a_writer_does_not_bring_back_what_another_undid(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, second = two_stores(path)
    relabel, remove, remove_mention, *_ = every_op()
    first.do(relabel)
    second.do(remove)  # the second writer now knows the first's relabel
    first.undo()
    second.do(remove_mention)
    assert ids_on_disk(path) == [remove.id, remove_mention.id]
    assert [c.id for c in second.log] == [remove.id, remove_mention.id]
    second.undo()
    assert ids_on_disk(path) == [remove.id]


WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import extract.atomic
    from extract.corrections import Anchor, Correction, CorrectionStore

    KILLED = 75
    path, name, count, die = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if die == "die":
        extract.atomic.os.replace = lambda *args, **kwargs: os._exit(KILLED)
    store = CorrectionStore.open(path, source="t.txt", sha256="0" * 64)
    assert not store.problems, store.problems
    for n in range(count):
        store.do(Correction("split", id=f"{name}-{n}", anchor=Anchor(n, n + 1, "x")))
    """
)


def writer(path: Path, name: str, count: int = 1, die: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), name, str(count), "die" if die else "live"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_many_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    writers = [writer(path, f"w{n}", count=6) for n in range(4)]
    for process in writers:
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err.decode()
    ids = ids_on_disk(path)
    assert sorted(ids) == sorted(f"w{w}-{n}" for w in range(4) for n in range(6))
    for w in range(4):
        mine = [i for i in ids if i.startswith(f"w{w}-")]
        assert mine == [f"w{w}-{n}" for n in range(6)]


def test_a_writer_killed_mid_save_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = store_at(path)
    relabel = every_op()[0]
    store.do(relabel)
    before = path.read_bytes()

    killed = writer(path, "killed", die=True)
    killed.communicate(timeout=30)
    assert killed.returncode == 75  # died in os.replace, not of some error before
    assert path.read_bytes() == before
    json.loads(before)
    survivor = store_at(path)
    assert survivor.problems == [] and survivor.log == [relabel]

    retry = writer(path, "retry")  # the lock died with the killed writer
    _, err = retry.communicate(timeout=30)
    assert retry.returncode == 0, err.decode()
    assert ids_on_disk(path) == [relabel.id, "retry-0"]
    assert not Path(f"{path}.corrupt").exists()


def test_every_correction_round_trips_through_plain_data() -> None:
    for edit in every_op():
        assert Correction.from_data(json.loads(json.dumps(edit.as_data()))) == edit
    relabel = every_op()[0]
    assert forms_of(model_entity("Paris", "place")) == relabel.forms
