"""brat standoff: the ``.ann`` beside its ``.txt``, read by brat's rules.

The ``.txt`` is read with universal newlines, as brat reads it, so offsets index that text;
they are mapped back onto the document's own line breaks. ``T`` lines are the mentions: a
mention of several fragments (``start end;start end``) runs from the first fragment's start
to the last one's end, and its text column must be the fragments joined by a space. An
``AnnotatorNotes`` note saying the user marked a mention keeps it the user's; relations, events,
attributes and normalisations are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from extract.exporters.brat import USER_NOTE
from extract.importers import ImportFileError, ImportFormat, Record, Records, Span, register

_LINES = re.compile(r"\r\n|\r|\n")
_FRAGMENT = re.compile(r"(\d+) (\d+)")


def _spans(path: Path, text: str) -> list[Span]:
    found: dict[str, Span] = {}
    users: set[str] = set()
    for number, line in enumerate(_LINES.split(text), start=1):
        if line.startswith("T"):
            parts = line.split("\t", 2)
            if len(parts) < 2 or " " not in parts[1]:
                raise ImportFileError(
                    f"{path} line {number}: a text-bound annotation is ID<TAB>TYPE START END"
                    "<TAB>TEXT"
                )
            label, _, places = parts[1].partition(" ")
            fragments = []
            for piece in places.split(";"):
                match = _FRAGMENT.fullmatch(piece.strip())
                if match is None:
                    raise ImportFileError(
                        f"{path} line {number}: {piece.strip()!r} is not START END offsets"
                    )
                fragments.append((int(match[1]), int(match[2])))
            said = parts[2] if len(parts) == 3 else None
            found[parts[0]] = Span(
                fragments[0][0],
                fragments[-1][1],
                label,
                said,
                fragments=tuple(fragments) if len(fragments) > 1 else (),
            )
        elif line.startswith("#"):
            parts = line.split("\t", 2)
            if len(parts) == 3 and parts[1].startswith("AnnotatorNotes ") and USER_NOTE in parts[2]:
                users.add(parts[1].split(" ", 1)[1].strip())
    return [
        Span(s.start, s.end, s.label, s.text, "user", s.fragments) if key in users else s
        for key, s in found.items()
    ]


def read(path: Path, data: bytes) -> Records:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    spans = sorted(_spans(path, text), key=lambda s: (s.start, s.end, s.label))
    text_path = path.with_suffix(".txt")
    carried: str | None = None
    if text_path.is_file():
        try:
            # brat reads its text as UTF-8, and so does this.
            carried = text_path.read_bytes().decode("utf-8")
        except OSError as error:
            raise ImportFileError(f"{path}: cannot read its text {text_path}: {error}") from None
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{text_path} is not UTF-8 text as brat needs ({error.reason} at byte "
                f"{error.start})"
            ) from None
    return Records((Record(carried, tuple(spans)),), text_path=str(text_path), brat=True)


register(ImportFormat("brat", "brat standoff (.ann with its .txt)", read))
