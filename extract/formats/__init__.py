"""The registry of input formats: each turns a file's bytes into a `Document`.

Every format module here describes itself as an `InputFormat` and registers it on import;
choosing a format (by content, then by extension), the command line's ``--format-in`` and its
help, and the README's table all read the registry. Every reader yields the plain text that is
annotated, shown and exported, so offsets are always indices into ``Document.text`` whatever
the source was. The libraries a format needs (trafilatura, ebooklib, pypdf) are imported only
when a file of that format is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from extract.document import Document, Section, max_chars
from extract.errors import DocumentError

Reader = Callable[[bytes, str, str, int], Document]
"""Reads ``(data, source, what, limit)`` into a `Document`: ``source`` is where the bytes came
from (kept in the document), ``what`` names it in messages, and text longer than ``limit``
characters is refused as soon as the reader finds that much."""


@dataclass(frozen=True)
class InputFormat:
    """One kind of file the reader and ``export`` open."""

    name: str
    """What ``--format-in`` calls it, and `Document.fmt`."""
    title: str
    """What people call it ("plain text", "PDF")."""
    description: str
    """What becomes the text, in a few words (for ``--help``)."""
    read: Reader
    extensions: tuple[str, ...] = ()
    """File name endings (lower case, with the dot) that choose it when the content does not."""
    sniff: Callable[[bytes], bool] | None = None
    """Whether some bytes are of this format by their content alone."""
    sniffed_by: str = ""
    """What in the content tells it (for ``--help``); empty when ``sniff`` is None."""


FORMATS: dict[str, InputFormat] = {}
"""Every input format by name, in the order they are listed."""

AUTO = "auto"
"""The ``--format-in`` that chooses by content, then by extension."""

FALLBACK = "text"
"""The format of anything neither its content nor its extension places."""


def register(input_format: InputFormat) -> InputFormat:
    """Add a format to the registry (each format module registers itself on import)."""
    FORMATS[input_format.name] = input_format
    return input_format


def choices() -> list[str]:
    """What ``--format-in`` accepts: `AUTO`, then every format."""
    return [AUTO, *FORMATS]


def input_format(name: str) -> InputFormat | None:
    """The format called ``name``; None for `AUTO`. An unknown name is a `DocumentError`."""
    if name == AUTO:
        return None
    found = FORMATS.get(name)
    if found is None:
        listed = ", ".join(choices())
        raise DocumentError(f"unknown input format {name!r} (choose from {listed})")
    return found


def by_extension(name: str) -> str | None:
    """The format a file name's extension chooses, if any."""
    suffix = PurePath(name).suffix.lower()
    return next((f.name for f in FORMATS.values() if suffix and suffix in f.extensions), None)


def sniff(data: bytes, name: str = "") -> str:
    """The format of some bytes: by their content first, then by the extension of ``name``,
    else `FALLBACK` (binary data is refused when it is decoded)."""
    for candidate in FORMATS.values():
        if candidate.sniff is not None and candidate.sniff(data):
            return candidate.name
    return (by_extension(name) if name else None) or FALLBACK


def from_bytes(
    data: bytes,
    source: str,
    fmt: str = AUTO,
    *,
    what: str | None = None,
    limit: int | None = None,
) -> Document:
    """Read bytes that came from ``source`` as ``fmt`` (or the format they look like).

    Text longer than ``limit`` characters (default: `extract.document.max_chars`) is refused,
    as soon as a reader finds it has that much.
    """
    chosen = input_format(fmt)
    most = max_chars(limit)
    if chosen is None:
        chosen = FORMATS[sniff(data, "" if source == "-" else source)]
    return chosen.read(data, source, what if what is not None else source, most)


def formats_help() -> str:
    """The input formats for ``--help``: each with what becomes the text, and below it what
    chooses it (its content, its extension)."""
    width = max(len(name) for name in FORMATS)
    lines = []
    for fmt in FORMATS.values():
        lines.append(f"  {fmt.name:<{width}}  {fmt.description}")
        chosen_by = [f"by content: {fmt.sniffed_by}"] if fmt.sniffed_by else []
        chosen_by += [f"by extension: {' '.join(fmt.extensions)}"] if fmt.extensions else []
        if fmt.name == FALLBACK:
            chosen_by.append("whatever no other format takes")
        lines.append(f"  {'':<{width}}  {'; '.join(chosen_by)}")
    return "\n".join(lines)


def titles() -> str:
    """The formats' titles as a phrase: "plain text, HTML, … or PDF"."""
    named = [fmt.title for fmt in FORMATS.values()]
    return ", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else "".join(named)


BUILTIN: tuple[str, ...] = ("text", "html", "markdown", "epub", "pdf")
"""The format modules shipped, in the order their formats are listed (and sniffed)."""


def _load_builtin() -> None:
    for module in BUILTIN:
        importlib.import_module(f"extract.formats.{module}")


_load_builtin()

__all__ = [
    "AUTO",
    "FALLBACK",
    "FORMATS",
    "InputFormat",
    "Reader",
    "Section",
    "by_extension",
    "choices",
    "formats_help",
    "from_bytes",
    "input_format",
    "register",
    "sniff",
    "titles",
]
