"""brat standoff: the text in ``.txt``, its text-bound annotations in ``.ann``, and the labels
in the folder's ``annotation.conf``.

brat reads ``.txt`` with universal newlines: ``\\r\\n`` and ``\\r`` become ``\\n``. So the
``.txt`` is written that way, with LF line breaks, and the offsets index into it (for a text
with LF line breaks only, that is the text exactly); `BratView` maps them back. A mention across
a line break is written as fragments (``start end;start end``) with no line break in any of
them, its text column the fragments joined by a space, as brat has it. An annotator note on each
mention names its entity (and says when the user, not the model, marked it).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from extract.annotations import Annotations
from extract.categories import ALL_LABELS
from extract.exporters import SHARED, ExportFormat, ExportOptions, register
from extract.exporters.common import Placed, encode, one_word, placed

_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
"""What ``str.splitlines`` cuts at: none of it may stand in a fragment."""
_UNSAFE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_UNIVERSAL_NEWLINE = re.compile(r"\r\n?")

CONF_NAME = "annotation.conf"
CONF_MARK = "# written by entity-reader: the labels of its brat exports (it only ever adds some)"
"""The first line of an ``annotation.conf`` this tool wrote, and so may add labels to."""
USER_NOTE = "; marked by the user"


@dataclass(frozen=True)
class BratView:
    """A text as brat reads it (universal newlines), with offsets mapped both ways."""

    text: str
    """The text with ``\\r\\n`` and ``\\r`` read as ``\\n``."""
    dropped: tuple[int, ...] = field(default=())
    """Offsets in the original text of each ``\\r`` dropped before an ``\\n``, in order."""

    @classmethod
    def of(cls, original: str) -> BratView:
        """How brat sees ``original``."""
        if "\r" not in original:
            return cls(original)
        dropped = tuple(m.start() for m in re.finditer(r"\r(?=\n)", original))
        return cls(_UNIVERSAL_NEWLINE.sub("\n", original), dropped)

    def to_brat(self, offset: int) -> int:
        """An offset into the original text as an offset into brat's."""
        return offset - bisect_left(self.dropped, offset)

    def from_brat(self, offset: int) -> int:
        """An offset into brat's text as an offset into the original (a line break's start)."""
        low, high = 0, len(self.dropped)
        # The number of dropped CRs whose place in brat's text lies before ``offset``.
        while low < high:
            middle = (low + high) // 2
            if self.dropped[middle] - middle < offset:
                low = middle + 1
            else:
                high = middle
        return offset + low


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
        said += USER_NOTE
    return _one_line(said)


def conf(labels: list[str]) -> str:
    """An ``annotation.conf`` declaring ``labels`` as entity types."""
    lines = [CONF_MARK, "[entities]", *labels, "", "[relations]", "", "[events]", ""]
    return "\n".join([*lines, "[attributes]", ""])


def conf_labels(data: str) -> list[str]:
    """The entity types an ``annotation.conf`` declares, in order."""
    labels: list[str] = []
    section = ""
    for raw in data.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == "entities":
            labels.append(line.lstrip("!").split("\t")[0].strip())
    return labels


def merge_conf(existing: bytes, new: bytes) -> bytes | None:
    """Add the new labels to an ``annotation.conf`` this tool wrote; leave anyone else's."""
    old = existing.decode("utf-8", "replace")
    if not old.startswith(CONF_MARK):
        return None
    labels = conf_labels(old)
    labels += [label for label in conf_labels(new.decode("utf-8")) if label not in labels]
    return encode(conf(labels))


def render(annotations: Annotations, options: ExportOptions) -> dict[str, bytes]:
    text = annotations.document.text
    view = BratView.of(text)
    lines: list[str] = []
    number = 0
    used: set[str] = set()
    for pair in placed(annotations):
        pieces = fragments(text, pair.mention.start, pair.mention.end)
        if not pieces:
            continue  # a mention of nothing but line breaks has no text brat can show
        number += 1
        spans = ";".join(f"{view.to_brat(left)} {view.to_brat(right)}" for left, right in pieces)
        shown = " ".join(text[left:right] for left, right in pieces)
        label = one_word(pair.mention.label)
        used.add(label)
        lines.append(f"T{number}\t{label} {spans}\t{shown}")
        lines.append(f"#{number}\tAnnotatorNotes T{number}\t{note(pair)}")
    # Every label the model has, so brat offers them all for corrections, then any others.
    labels = [*ALL_LABELS, *sorted(used - set(ALL_LABELS))]
    return {
        ".ann": encode("".join(line + "\n" for line in lines)),
        ".txt": encode(view.text),
        SHARED + CONF_NAME: encode(conf(labels)),
    }


register(
    ExportFormat(
        name="brat",
        description="brat standoff: .ann annotations, the .txt text (LF line breaks), "
        "annotation.conf",
        extension=".ann",
        render=render,
        to_stdout=False,
        suffixes=(".ann", ".txt"),
        merge_shared=merge_conf,
    )
)
