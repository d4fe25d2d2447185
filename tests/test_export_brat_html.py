"""brat and HTML exports: brat's view of the text and its fragments, an HTML page that parses
strictly and shows the text, escaped, with its marks, legend and index."""

from __future__ import annotations

import re
from pathlib import Path

from export_support import (
    as_parsed,
    native_mentions,
    parse_html,
    shown_text,
    squeeze,
    tricky_annotations,
    triples,
)

from extract.annotations import Annotations
from extract.categories import CATEGORIES
from extract.exporters import FORMATS, render_text, write
from extract.exporters.brat import BratView, fragments
from extract.exporters.html_page import CATEGORY_COLOURS, text_html

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
