"""CoNLL columns: a token a line, its tag in the last column, blank lines between sentences.

Both of the tool's forms read back (CoNLL-2003's four columns, ``-DOCSTART-`` lines skipped,
and doccano's two tab-separated ones), and so does any whitespace-separated variant. Tags may
be BIO, IOB1, BIOES or BILOU. A CoNLL file holds no text: its tokens are found in the
document in order, with only whitespace between them.
"""

from __future__ import annotations

from pathlib import Path

from extract.importers import ImportFileError, ImportFormat, Record, Records, Row, register
from extract.importers.common import utf8


def read(path: Path, data: bytes) -> Records:
    rows: list[Row] = []
    for number, line in enumerate(utf8(path, data).split("\n"), start=1):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            continue
        if len(columns) < 2:
            raise ImportFileError(
                f"{path} line {number}: a CoNLL line has a token and a tag, at least"
            )
        rows.append(Row(columns[0], columns[-1], number))
    return Records((Record(None, rows=tuple(rows)),), tokens=True)


register(
    ImportFormat("conll", "CoNLL columns (token … tag), either form", read, carries_text=False)
)
