"""One standalone HTML page in the manner of displaCy: the text with coloured marks, a legend
and an index of entities by category. Inline CSS, no scripts, nothing fetched from elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from html import escape

from extract.annotations import Annotations
from extract.categories import CATEGORY_BY_KEY, Category, sections_in
from extract.colours import Pair, background, chosen, palette
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import Placed, encode, exclusive, placed
from extract.model import Entity

CATEGORY_COLOURS: dict[str, str] = {
    "person": "#aa9cfc",
    "organisation": "#7aecec",
    "place": "#feca74",
    "figure": "#e4e7d2",
    "date": "#bfe1d9",
    "other": "#f0d0ff",
}
"""Background of each built-in category's marks (displaCy's palette); the reader has its own
theme. Other sections take their light-theme colour from `extract.colours`, and the settings'
colours (by label or section) win over both."""

_CSS = """
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1f2328; background: #fff; }
header, main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; }
main { display: flex; gap: 2.5rem; align-items: flex-start; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; overflow-wrap: anywhere; }
.about { color: #59636e; margin: 0 0 0.75rem; }
.legend { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.legend li { font-size: 0.9rem; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 0.2em;
  vertical-align: -0.1em; margin-right: 0.35em; }
.text { flex: 3; white-space: pre-wrap; overflow-wrap: break-word; line-height: 2.4; }
mark { padding: 0.3em 0.45em; border-radius: 0.35em; line-height: 1;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
mark .label { font-size: 0.65em; font-weight: bold; margin-left: 0.45em;
  vertical-align: middle; text-transform: uppercase; white-space: nowrap; }
mark.user { outline: 2px dashed #59636e; }
.index { flex: 1; min-width: 15rem; font-size: 0.9rem; }
.index h2 { font-size: 1.1rem; margin-top: 0; }
.index h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
.index ol { margin: 0; padding-left: 1.2rem; }
.count, .labels { color: #59636e; }
a { color: inherit; }
@media (max-width: 50rem) { main { flex-direction: column; } }
"""

_NONCHARACTERS = "".join(
    chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
)
_INVISIBLE = re.compile(
    rf"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]"
)
"""Characters HTML does not allow in a document, even as references."""


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    # C0 controls become their Control Pictures (U+2400…), anything else the replacement mark.
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def text_html(text: str) -> str:
    """Document text as HTML: escaped, quotes too, characters HTML forbids made visible."""
    return escape(_INVISIBLE.sub(_shown, text), quote=True)


def colour(category: str, label: str = "", generated: Mapping[str, Pair] | None = None) -> str:
    """The mark colour of a category (or of one of its labels): the settings', else displaCy's
    for a built-in category, else the reader's light theme's (``generated``: the `palette`)."""
    if chosen(category, label) is None and category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    return background(category, dark=False, label=label, generated=generated)


def _css_class(name: str, prefix: str = "cat") -> str:
    """A class name for a category or label: its letters, and for any but a built-in category
    a digest of the name, so two names that differ only in marks ("A B", "A-B") never share
    one."""
    slug = re.sub(r"[^a-z0-9-]", "-", name.lower())[:32]
    if prefix == "cat" and name in CATEGORY_BY_KEY:
        return f"{prefix}-{slug}"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{prefix}-{slug}-{digest}"


def _colour_css(categories: list[str], labelled: dict[str, str]) -> str:
    """A rule per category, then one per label that has a colour of its own."""
    generated = palette(categories)
    rules = [
        f".{_css_class(key)} {{ background: {colour(key, '', generated)}; }}" for key in categories
    ]
    rules += [
        f".{_css_class(label, 'lab')} {{ background: {shade}; }}"
        for label, shade in labelled.items()
    ]
    return "".join(rule + "\n" for rule in rules)


def _own_colours(annotations: Annotations, categories: list[str]) -> dict[str, str]:
    """The labels the settings colour apart from their category, and their colours."""
    generated = palette(categories)
    pairs = sorted({(m.label, e.category) for e in annotations.entities for m in e.mentions})
    return {
        label: own
        for label, category in pairs
        if (own := colour(category, label, generated)) != colour(category, "", generated)
    }


def _article(text: str, marked: list[Placed], own: Mapping[str, str]) -> str:
    parts: list[str] = []
    position = 0
    for number, pair in enumerate(marked, start=1):
        mention, entity = pair.mention, pair.entity
        parts.append(text_html(text[position : mention.start]))
        classes = f"entity {_css_class(entity.category)}"
        if mention.label in own:
            classes += f" {_css_class(mention.label, 'lab')}"
        if mention.source == "user":
            classes += " user"
        hint = text_html(f"{entity.name} — {mention.label}")
        parts.append(
            f'<mark class="{classes}" id="m{number}" title="{hint}">'
            f"{text_html(mention.text)}"
            f'<span class="label">{text_html(mention.label)}</span></mark>'
        )
        position = mention.end
    parts.append(text_html(text[position:]))
    return "".join(parts)


def _index(
    entities: tuple[Entity, ...], anchors: dict[str, int], sections_shown: list[Category]
) -> str:
    by_category: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        by_category[entity.category].append(entity)
    order = [c.key for c in sections_shown if c.key in by_category]
    sections: list[str] = []
    for key in order:
        members = sorted(by_category[key], key=lambda e: (-len(e.mentions), e.name, e.id))
        items: list[str] = []
        for entity in members:
            name = text_html(entity.name)
            if entity.id in anchors:
                name = f'<a href="#m{anchors[entity.id]}">{name}</a>'
            labels = text_html(", ".join(entity.labels))
            items.append(
                f'<li>{name} <span class="count">×{len(entity.mentions)}</span> '
                f'<span class="labels">{labels}</span></li>'
            )
        sections.append(
            f'<section><h3><span class="swatch {_css_class(key)}"></span>'
            f'{text_html(_title(key, sections_shown))} <span class="count">({len(members)})</span></h3>\n'
            f"<ol>\n{chr(10).join(items)}\n</ol></section>"
        )
    return "\n".join(sections)


def _title(key: str, shown: list[Category]) -> str:
    return next((c.title for c in shown if c.key == key), key)


def _labels(category: Category, used: set[str]) -> list[str]:
    """A section's labels in the legend: its own, then the others used in it."""
    return [*category.labels, *sorted(used - set(category.labels))]


def page(annotations: Annotations) -> str:
    """The whole page."""
    document = annotations.document
    text = document.text
    marked = exclusive(placed(annotations))
    anchors: dict[str, int] = {}
    for number, pair in enumerate(marked, start=1):
        anchors.setdefault(pair.entity.id, number)
    shown = sections_in(e.category for e in annotations.entities)
    categories = [c.key for c in shown]
    used: dict[str, set[str]] = defaultdict(set)
    for entity in annotations.entities:
        used[entity.category].update(m.label for m in entity.mentions)
    legend = "\n".join(
        f'<li><span class="swatch {_css_class(c.key)}"></span>{text_html(c.title)} '
        f'<span class="labels">{text_html(", ".join(_labels(c, used[c.key])))}</span></li>'
        for c in shown
    )
    own = _own_colours(annotations, categories)
    lang = annotations.language if annotations.language != "xx" else ""
    mentions = sum(len(e.mentions) for e in annotations.entities)
    name = text_html(document.name)
    model = text_html(f"{annotations.model_name} {annotations.model_version}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{text_html(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="entity-reader">\n'
        f"<title>{name} — named entities</title>\n"
        f"<style>{_CSS}{_colour_css(categories, own)}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{name}</h1>\n"
        f'<p class="about">{len(annotations.entities)} entities, {mentions} mentions'
        f" · {model}</p>\n"
        f'<ul class="legend">\n{legend}\n</ul>\n</header>\n<main>\n'
        f'<article class="text">{_article(text, marked, own)}</article>\n'
        f'<aside class="index">\n<h2>Entities</h2>\n'
        f"{_index(annotations.entities, anchors, shown)}\n</aside>\n"
        "</main>\n</body>\n</html>\n"
    )


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    return {"": encode(page(annotations))}


register(
    ExportFormat(
        name="html",
        description="standalone HTML page: the text with coloured marks, legend, entity index",
        extension=".html",
        render=render,
    )
)
