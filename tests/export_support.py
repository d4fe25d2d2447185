"""What the export tests share: a document of tricky text with hand-made mentions, and plain
readers of the exports (native JSON, JSON lines, CSV, CoNLL, HTML)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import html5lib

from extract.annotations import Annotations
from extract.document import text_document
from extract.exporters import render_text
from extract.exporters.csv_table import FORMULA_STARTS
from extract.grouping import group
from extract.model import Mention

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


def read_jsonl(data: bytes) -> list[dict[str, Any]]:
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert data.decode("utf-8").splitlines() == lines[:-1]  # no stray line separators
    return [json.loads(line) for line in lines[:-1]]


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


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def unguard(cell: str) -> str:
    return cell[1:] if cell[:2] in {"'" + c for c in FORMULA_STARTS} else cell
