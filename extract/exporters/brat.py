"""brat standoff: the exact text in ``.txt`` and its text-bound annotations in ``.ann``.

Offsets are character offsets into the text. A mention across a line break is written as
fragments (``start end;start end``) with no line break in any of them, its text column the
fragments joined by a space, as brat has it. An annotator note on each mention names its
entity (and says when the user, not the model, marked it).
"""

from __future__ import annotations

import re

from extract.annotations import Annotations
from extract.exporters import ExportFormat, ExportOptions, register
from extract.exporters.common import Placed, encode, placed

_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
"""What ``str.splitlines`` cuts at: none of it may stand in a fragment."""
_UNSAFE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at line breaks, whitespace beside each cut left out."""
    pieces: list[tuple[int, int]] = []
    position = start
    for match in _LINE_BREAKS.finditer(text, start, end):
        pieces.append((position, match.start()))
        position = match.end()
    pieces.append((position, end))
    kept: list[tuple[int, int]] = []
    for index, (left, right) in enumerate(pieces):
        if index > 0:
            while left < right and text[left].isspace():
                left += 1
        if index < len(pieces) - 1:
            while right > left and text[right - 1].isspace():
                right -= 1
        if left < right:
            kept.append((left, right))
    return kept


def _one_line(value: str) -> str:
    return _UNSAFE.sub(" ", value)


def note(pair: Placed) -> str:
    """What the annotator note of a mention says."""
    entity = pair.entity
    said = f"entity: {entity.id} ({entity.name})"
    if pair.mention.source == "user":
        said += "; marked by the user"
    return _one_line(said)


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    text = annotations.document.text
    lines: list[str] = []
    number = 0
    for pair in placed(annotations):
        pieces = fragments(text, pair.mention.start, pair.mention.end)
        if not pieces:
            continue  # a mention of nothing but line breaks has no text brat can show
        number += 1
        spans = ";".join(f"{left} {right}" for left, right in pieces)
        shown = " ".join(text[left:right] for left, right in pieces)
        label = re.sub(r"\s+", "_", pair.mention.label)
        lines.append(f"T{number}\t{label} {spans}\t{shown}")
        lines.append(f"#{number}\tAnnotatorNotes T{number}\t{note(pair)}")
    return {".ann": encode("".join(line + "\n" for line in lines)), ".txt": encode(text)}


register(
    ExportFormat(
        name="brat",
        description="brat standoff: .ann annotations beside the exact .txt text",
        extension=".ann",
        render=render,
        to_stdout=False,
        suffixes=(".ann", ".txt"),
    )
)
