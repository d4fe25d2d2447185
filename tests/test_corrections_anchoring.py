"""Corrections after the text changes: edits re-anchored by their text and context, edits that
lost their text reported, and files written before the document-level pass still applied."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from corrections_support import (
    MENTIONS,
    TEXT,
    entity,
    mention_at,
    nth,
    summary,
)

from extract import corrections
from extract.annotations import annotate
from extract.cache import MentionCache
from extract.corrections import (
    Correction,
    CorrectionStore,
    apply,
    default_path,
    open_for,
)
from extract.document import Document, text_document
from extract.grouping import group
from extract.model import Entity, Mention
from extract.ner import Annotator, Batch, ModelInfo
from tui.cli import main

# -- re-anchoring after the file changes ------------------------------------------------------


def edited(
    text: str, mentions: Sequence[Mention], changes: Sequence[tuple[int, int, str]]
) -> tuple[str, list[Mention]]:
    """``text`` with ``text[start:end]`` replaced by each new piece (in order, not
    overlapping), and the mentions as a model would find them there: shifted, renamed."""
    pieces, moved, done, shift = [], [], 0, 0
    for start, end, new in changes:
        pieces += [text[done:start], new]
        for m in mentions:
            if done <= m.start and m.end <= start:
                moved.append(replace_span(m, m.start + shift, m.text))
            elif m.start == start and m.end == end and new:
                moved.append(replace_span(m, m.start + shift, new))
        shift += len(new) - (end - start)
        done = end
    pieces.append(text[done:])
    moved += [replace_span(m, m.start + shift, m.text) for m in mentions if m.start >= done]
    return "".join(pieces), moved


def replace_span(mention: Mention, start: int, text: str) -> Mention:
    return Mention(start, start + len(text), mention.label, text, mention.source)


class Replay:
    """An annotator that hands back mentions found earlier, in one batch."""

    info = ModelInfo("replay", "0", "")

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions

    def annotate(self, text: str, text_sha256: str | None = None) -> Iterator[Batch]:
        yield Batch(tuple(self.mentions), len(text), len(text))


@pytest.fixture
def sample_mentions(sample_document: Document, sample_annotator: Annotator) -> list[Mention]:
    """The model's mentions of the sample, from the session's cache."""
    cached = sample_annotator.cached(sample_document.text, sample_document.sha256)
    assert cached is not None
    return cached


def sample_edits(text: str, mentions: list[Mention]) -> list[Correction]:
    """A relabel and four single-mention edits made on the sample as it was."""
    entities = group(mentions)
    deshaisha = entity(entities, "Deshaisha")
    return [
        corrections.relabel(deshaisha, "GPE"),
        corrections.remove_mention(text, mention_at(text, mentions, "Syria", 2)),
        corrections.split(text, deshaisha.mentions[3]),
        corrections.add(
            text, nth("town", 1, text), nth("town", 1, text) + 4, "LOC", everywhere=False
        ),
        corrections.remove_mention(text, mention_at(text, mentions, "Mosul", 0)),
    ]


NOTE = "Editor's note: this story was updated with the statement in full.\n\n"


def sample_changed(text: str, mentions: list[Mention]) -> tuple[str, list[Mention]]:
    """A paragraph inserted at the top, one word changed, and Mosul become Kirkuk."""
    desert, mosul = text.index("desert region"), text.index("Mosul")
    return edited(
        text, mentions, [(0, 0, NOTE), (mosul, mosul + 5, "Kirkuk"), (desert, desert + 6, "arid")]
    )


def moved(text: str, start: int) -> int:
    """Where an offset of the sample is in ``sample_changed``'s text."""
    shift = len(NOTE)
    shift += 1 if start > text.index("Mosul") else 0
    shift -= 2 if start > text.index("desert region") else 0
    return start + shift


def test_edits_are_re_anchored_by_their_text_and_context(
    sample_document: Document, sample_mentions: list[Mention]
) -> None:
    old = sample_document.text
    edits = sample_edits(old, sample_mentions)
    assert apply(old, sample_mentions, edits).unplaced == []
    new, mentions = sample_changed(old, sample_mentions)
    assert new.count("Syria") == old.count("Syria") and "Mosul" not in new
    applied = apply(new, mentions, edits)

    by = summary(applied.entities)
    # relabel: by the forms, wherever they are now.
    old_deshaisha = [m.start for m in entity(group(sample_mentions), "Deshaisha").mentions]
    assert sorted(by[("Deshaisha", "place")]) == [
        (moved(old, s), "GPE", "user") for s in old_deshaisha
    ]
    # split: the fourth Deshaisha, whose next words changed, is still its own entity.
    parts = [e.mentions for e in applied.entities if e.name == "Deshaisha"]
    assert [[m.start for m in part] for part in parts] == [
        [moved(old, s) for s in old_deshaisha[:3]],
        [moved(old, old_deshaisha[3])],
    ]
    assert new[moved(old, old_deshaisha[3]) :].startswith("Deshaisha is in a arid region")
    # remove_mention: the third Syria and only it.
    old_syria = [s for s, _, _ in summary(group(sample_mentions))[("Syria", "place")]]
    assert nth("Syria", 2, old) in old_syria
    assert [s for s, _, _ in by[("Syria", "place")]] == [
        moved(old, s) for s in old_syria if s != nth("Syria", 2, old)
    ]
    # add: the second "town", not the first or third.
    assert by[("town", "place")] == [(nth("town", 1, new), "LOC", "user")]
    # The Mosul edit has nothing to hold on to: reported, not dropped, not misapplied.
    assert applied.unplaced == [edits[4]]
    annotations = annotate(text_document(new), Replay(mentions), corrections=edits)  # type: ignore[arg-type]
    assert annotations.unplaced == (edits[4],)
    assert list(annotations.entities) == applied.entities
    assert ("Kirkuk", "place") in by


def test_the_store_and_the_export_report_edits_that_lost_their_text(
    sample_document: Document,
    sample_mentions: list[Mention],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = sample_document.text
    edits = sample_edits(old, sample_mentions)
    new, _ = sample_changed(old, sample_mentions)
    copy = tmp_path / "article.txt"
    copy.write_text(new, encoding="utf-8")
    shared = tmp_path / "shared" / "corrections.json"
    store = open_for(str(copy), sample_document.sha256, shared)
    for edit in edits:
        store.do(edit)
    assert not default_path(str(copy)).exists()

    again = open_for(str(copy), text_document(new).sha256, shared)
    assert again.changed_since
    assert again.unplaced(new) == [edits[4]]
    assert again.unplaced(old) == []

    # The reader's own file for the copy says something else; --annotations wins over it.
    mine = open_for(str(copy), text_document(new).sha256)
    mine.do(corrections.remove(entity(group(sample_mentions), "Syria")))
    assert default_path(str(copy)).exists()

    assert main(["export", str(copy), "--annotations", str(shared)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"entity-reader: warning: {copy}: correction not placed (the text changed): "
        "remove mention 'Mosul'"
    ]
    data = json.loads(out)
    assert data["text"] == new
    names = {(e["name"], e["category"]) for e in data["entities"]}
    assert ("Syria", "place") in names
    deshaisha = [e for e in data["entities"] if e["name"] == "Deshaisha"]
    assert {m["label"] for e in deshaisha for m in e["mentions"]} == {"GPE"}
    assert sum(len(e["mentions"]) for e in deshaisha) == 4
    assert json.loads(shared.read_text(encoding="utf-8"))["sha256"] == sample_document.sha256


# -- files written before the document-level pass keep working ---------------------------------


def test_a_file_written_before_the_pass_still_applies_to_the_sample(
    sample_document: Document,
    sample_mentions: list[Mention],
    tmp_path: Path,
) -> None:
    """The README's example, as the version before the document-level pass wrote it: it named
    Deshaisha an organisation (the model's label, which the pass now votes a place) and
    Syrian an "other" merged into Syria."""
    text = sample_document.text
    afp = text.index("AFP")
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "source": sample_document.source,
                "sha256": sample_document.sha256,
                "corrections": [
                    {
                        "id": "a",
                        "op": "relabel",
                        "label": "GPE",
                        "forms": ["al deshaisha", "deshaisha"],
                        "category": "organisation",
                    },
                    {
                        "id": "b",
                        "op": "add",
                        "label": "ORG",
                        "everywhere": False,
                        "anchor": {
                            "start": afp,
                            "end": afp + 3,
                            "text": "AFP",
                            "before": text[afp - 24 : afp],
                            "after": text[afp + 3 : afp + 27],
                        },
                    },
                    {
                        "id": "c",
                        "op": "merge",
                        "forms": ["syrian"],
                        "category": "other",
                        "into": ["syria"],
                        "into_category": "place",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    store = CorrectionStore.open(
        path, source=sample_document.source, sha256=sample_document.sha256, explicit=True
    )
    applied = apply(text, sample_mentions, store.log)
    assert applied.unplaced == []
    deshaisha = entity(applied.entities, "Deshaisha")
    assert deshaisha.category == "place"
    assert {(m.label, m.source) for m in deshaisha.mentions} == {("GPE", "user")}
    assert entity(applied.entities, "AFP").category == "organisation"
    syria = entity(applied.entities, "Syria")
    assert {m.text for m in syria.mentions} == {"Syria", "Syrian"}
    assert {m.label for m in syria.mentions} == {"GPE"}


def test_edits_naming_untrimmed_spans_find_the_trimmed_mentions() -> None:
    """Before the pass, the model's "’s Dólokhov" and "Chapter 5\\n\\n" were mentions as they
    were; edits named them so. The pass trims them; the edits still find them."""
    text = "And now there’s Dólokhov here. Dólokhov laughed.\n\nChapter 5\n\nThe end."
    raw = [
        Mention(13, 24, "PERSON", text[13:24]),
        Mention(31, 39, "PERSON", "Dólokhov"),
        Mention(50, 61, "CARDINAL", text[50:61]),
    ]
    assert raw[0].text == "’s Dólokhov" and raw[2].text == "Chapter 5\n\n"
    # The version before grouped the two under the fuller-looking "’s Dólokhov".
    old_entity = Entity("person:s-dolokhov", "’s Dólokhov", "person", (raw[0], raw[1]))
    assert corrections.forms_of(old_entity) == ("dolokhov", "’s dolokhov")
    edits = [
        corrections.relabel(old_entity, "NORP"),
        corrections.remove_mention(text, raw[2]),
    ]
    applied = apply(text, raw, edits)
    assert applied.unplaced == []
    [dolokhov] = [e for e in applied.entities if e.name == "Dólokhov"]
    assert [(m.start, m.text, m.label, m.source) for m in dolokhov.mentions] == [
        (16, "Dólokhov", "NORP", "user"),
        (31, "Dólokhov", "NORP", "user"),
    ]
    assert not any(m.text.startswith("Chapter") for e in applied.entities for m in e.mentions)


def test_an_edit_naming_nothing_any_more_is_reported_by_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache_dir: Path
) -> None:
    document_path = tmp_path / "t.txt"
    document_path.write_text(TEXT, encoding="utf-8")
    document = text_document(TEXT, str(document_path))
    store = open_for(str(document_path), document.sha256, tmp_path / "c.json")
    store.do(Correction("remove", forms=("nobody here",), category="person"))
    annotator = Annotator(cache=MentionCache(cache_dir))
    assert annotator.cache is not None
    annotator.cache.put(annotator.key(document.sha256), MENTIONS)
    status = main(
        ["export", str(document_path), "--annotations", str(tmp_path / "c.json"), "-o", "-"]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "correction not placed (it names nothing the reader shows in this text)" in err
    assert "remove 'nobody here'" in err
