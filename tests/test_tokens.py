"""Tokens for the token formats: cut at mention edges and whitespace, sentences that never cut a
mention, and overlapping mentions where a format cannot nest them."""

from __future__ import annotations

import pytest
from export_support import check_task, entities_from_bio, parse_html, read_conll, read_jsonl
from spacy.tokens import DocBin

from extract.annotations import Annotations
from extract.document import text_document
from extract.exporters import FORMATS, ExportOptions, render_text
from extract.exporters.common import Placed, exclusive
from extract.exporters.tokens import Token, token_bounds, tokenize, vocab
from extract.grouping import group
from extract.model import Entity, Mention

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
