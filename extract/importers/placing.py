"""Putting imported records on their document: every offset checked against the text."""

from __future__ import annotations

from extract.document import Document
from extract.exporters.brat import BratView
from extract.importers import ImportFileError, Record, Records, Row, Span, shown
from extract.model import Mention

RECORD_GAP = "\n\n"
"""What stands between the texts of several records when their file is the only text."""


def carried_document(path: str, found: Records) -> Document:
    """The text an annotation file carries, as a document: brat's ``.txt``, or the records'
    texts (several joined by a blank line)."""
    if found.text_path is not None:
        carried = found.records[0].text if found.records else None
        if carried is None:
            raise ImportFileError(
                f"{path} has no text beside it: brat keeps it in {found.text_path}, which is "
                "missing (or name the document: entity-reader export FILE --import ANN)"
            )
        return Document(text=carried, source=found.text_path, encoding="utf-8")
    texts = [record.text or "" for record in found.records]
    return Document(text=RECORD_GAP.join(texts), source=path, encoding="utf-8")


def _first_difference(a: str, b: str) -> int:
    """The first offset where two texts differ."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))


def _another_text(path: str, document: Document, at: int) -> ImportFileError:
    return ImportFileError(
        f"{path} holds annotations of another text than {document.name} "
        f"(they differ from offset {at})"
    )


def _bases(path: str, found: Records, document: Document, carried: bool) -> list[int]:
    """Where each record's text starts in the document."""
    text = document.text
    records = found.records
    if carried:
        # The document is the records' texts joined: offsets into any other text do not apply.
        joined: list[int] = []
        position = 0
        for record in records:
            joined.append(position)
            position += len(record.text or "") + len(RECORD_GAP)
        return joined
    if len(records) == 1 and records[0].offset is None and records[0].text is not None:
        if records[0].text != text:
            raise _another_text(path, document, _first_difference(records[0].text, text))
        return [0]
    bases: list[int] = []
    cursor = 0
    for number, record in enumerate(records, start=1):
        piece = record.text or ""
        where = record.where or f"record {number}"
        if record.offset is not None:
            base = record.offset
            if text[base : base + len(piece)] != piece:
                raise ImportFileError(
                    f"{path}: the text of {where} is not at offset {base} of {document.name}: "
                    "annotations of another text"
                )
        else:
            base = text.find(piece, cursor)
            if base < 0:
                raise ImportFileError(
                    f"{path}: the text of {where} ({shown(piece)}) is not in {document.name}: "
                    "annotations of another text"
                )
        bases.append(base)
        cursor = base + len(piece)
    return bases


def _checked(path: str, record: Record, span: Span, text: str, number: int) -> None:
    """A span inside its record's text, with the text the file says it has."""
    where = f"{record.where}, " if record.where else ""
    name = f"{where}span {number} ({span.start}-{span.end} {shown(span.label, 20)})"
    if span.start >= span.end:
        raise ImportFileError(f"{path}: {name} is empty (its end is not after its start)")
    if span.start < 0 or span.end > len(text):
        raise ImportFileError(f"{path}: {name} is not inside the text (0-{len(text)})")
    if span.text is None:
        return
    pieces = span.fragments or ((span.start, span.end),)
    actual = " ".join(text[left:right] for left, right in pieces)
    if actual != span.text:
        raise ImportFileError(
            f"{path}: {name} says {shown(span.text)} but the text there is {shown(actual)}"
        )


def _from_spans(path: str, found: Records, document: Document, carried: bool) -> list[Mention]:
    text = document.text
    mentions: list[Mention] = []
    if found.brat:
        view = BratView.of(text)
        for record in found.records:
            if record.text is not None and BratView.of(record.text).text != view.text:
                at = _first_difference(BratView.of(record.text).text, view.text)
                raise _another_text(path, document, view.from_brat(at))
            for number, span in enumerate(record.spans, start=1):
                fragments = span.fragments or ((span.start, span.end),)
                for left, right in fragments:
                    _checked(path, record, Span(left, right, span.label), view.text, number)
                _checked(path, record, span, view.text, number)
                start, end = view.from_brat(span.start), view.from_brat(span.end)
                mentions.append(Mention(start, end, span.label, text[start:end], span.source))
        return mentions
    for record, base in zip(found.records, _bases(path, found, document, carried), strict=True):
        piece = record.text if record.text is not None else text
        for number, span in enumerate(record.spans, start=1):
            _checked(path, record, span, piece, number)
            start, end = base + span.start, base + span.end
            mentions.append(Mention(start, end, span.label, text[start:end], span.source))
    return mentions


def _aligned(path: str, rows: list[Row], document: Document) -> list[tuple[int, int]]:
    """Each token's offsets in the document, found in order with only whitespace between."""
    text = document.text
    position = 0
    places: list[tuple[int, int]] = []
    for row in rows:
        while position < len(text) and text[position].isspace():
            position += 1
        if not text.startswith(row.token, position):
            found = text[position : position + len(row.token)]
            raise ImportFileError(
                f"{path} line {row.line}: the token {shown(row.token)} is not the text at "
                f"offset {position} of {document.name} ({shown(found)}): annotations of "
                "another text or another tokenisation"
            )
        places.append((position, position + len(row.token)))
        position += len(row.token)
    if text[position:].strip():
        raise ImportFileError(
            f"{path} ends at offset {position} of {document.name}, before its text does: "
            "annotations of another text"
        )
    return places


def _entities(path: str, rows: list[Row]) -> list[tuple[int, int, str]]:
    """Token spans (first, last inclusive) and labels from BIO, IOB1, BIOES or BILOU tags."""
    found: list[tuple[int, int, str]] = []
    open_label: str | None = None
    for index, row in enumerate(rows):
        tag = row.tag
        if tag == "O" or tag == "-":
            open_label = None
            continue
        prefix, _, label = tag.partition("-")
        if not label or len(prefix) != 1 or prefix not in "BIESLU":
            prefix, label = "I", tag  # a bare label: the IO scheme
        if prefix in "BSU" or open_label != label:
            found.append((index, index, label))
        else:
            first, _, _ = found[-1]
            found[-1] = (first, index, label)
        open_label = None if prefix in "SUEL" else label
    return found


def _from_rows(path: str, found: Records, document: Document) -> list[Mention]:
    rows = [row for record in found.records for row in record.rows]
    places = _aligned(path, rows, document)
    text = document.text
    mentions: list[Mention] = []
    for first, last, label in _entities(path, rows):
        start, end = places[first][0], places[last][1]
        mentions.append(Mention(start, end, label, text[start:end]))
    return mentions


def place(path: str, found: Records, document: Document, *, carried: bool = False) -> list[Mention]:
    """The mentions of a file's records on ``document`` (``carried``: the text the file
    carries, made by `carried_document`), in document order."""
    if found.tokens:
        mentions = _from_rows(path, found, document)
    else:
        mentions = _from_spans(path, found, document, carried)
    return sorted(mentions)
