"""A spreadsheet of mentions: one row each, with its entity, line and a line of context.

The file is UTF-8 with a byte-order mark, so spreadsheets detect the encoding; ``start`` and
``end`` are character offsets into the document's text and do not count the mark. Text cells
that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
return) get a leading ``'``; numbers are left as numbers. Programs that read the file want the
values as they are: ``formula_guard=False`` (``--no-formula-guard``) leaves every cell alone.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import encode, placed

HEADER = (
    "entity_id",
    "entity",
    "category",
    "label",
    "start",
    "end",
    "text",
    "line",
    "context",
    "source",
)

CONTEXT_CHARS = 40
"""Characters of text shown on each side of a mention (then cut back to a whole word)."""

FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
"""First characters that make a spreadsheet treat a cell as a formula (with full-width forms)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHITESPACE = re.compile(r"\s+")
_VISIBLE = re.compile(r"\S")


def guard(cell: str) -> str:
    """A text cell no spreadsheet will evaluate."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of ``text`` begin (CRLF, CR and LF each end a line)."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The mention with whole words around it, on one line; "…" where the text goes on."""
    left = max(0, start - width)
    if left > 0:
        gap = _WHITESPACE.search(text, left, start)
        left = gap.end() if gap else start
    right = min(len(text), end + width)
    if right < len(text):
        gaps = list(_WHITESPACE.finditer(text, end, right))
        right = gaps[-1].start() if gaps else end
    before = "…" if _VISIBLE.search(text, 0, left) else ""
    after = "…" if _VISIBLE.search(text, right) else ""
    return before + _WHITESPACE.sub(" ", text[left:right]).strip() + after


def _unchanged(cell: str) -> str:
    return cell


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    text = annotations.document.text
    guarded = guard if options.formula_guard else _unchanged
    starts = line_starts(text)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for pair in placed(annotations):
        mention, entity = pair.mention, pair.entity
        writer.writerow(
            (
                guarded(entity.id),
                guarded(entity.name),
                guarded(entity.category),
                guarded(mention.label),
                mention.start,
                mention.end,
                guarded(mention.text),
                bisect_right(starts, mention.start),
                guarded(context(text, mention.start, mention.end)),
                guarded(mention.source),
            )
        )
    return {"": encode("\ufeff" + buffer.getvalue())}


register(
    ExportFormat(
        name="csv",
        description="spreadsheet: one row per mention with entity, offsets, line and context",
        extension=".csv",
        render=render,
    )
)
