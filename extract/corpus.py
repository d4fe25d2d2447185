"""A corpus: the documents of folders and files, and where their exports go.

`discover` walks the folders given (recursively, hidden files and folders left out, earlier
exports recognised by their manifest and left out) and keeps the documents the input formats
read (`extract.formats`), by extension and by content. `targets` mirrors the folder tree under
the output folder. `extract.corpus_export` exports them.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from extract.atomic import reason
from extract.errors import EntityReaderError
from extract.exporters import FORMATS, default_target
from extract.formats import FALLBACK, by_extension, sniff

MANIFEST = "entity-reader.manifest.jsonl"
"""The file an export writes into its output folder: what it wrote, and the mark that the
folder is an export (a folder holding one is never read as input)."""

_HEAD = 4096
"""Bytes read from a file of unknown extension to tell what it is."""


@dataclass(frozen=True)
class Source:
    """A document of the corpus: a file named on the command line or found in a folder."""

    path: str
    """The path as the exports record it: as given, or a folder given joined with the rest."""
    relative: PurePath
    """Where its export goes under the output folder (before the format's extension)."""
    size: int = 0
    mtime_ns: int = 0
    listed: bool = True
    """Named on the command line (not found in a folder)."""


@dataclass
class Discovery:
    """What `discover` found: the documents, in order, and what it left out."""

    sources: list[Source] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    """The folders given, as absolute paths (the index forgets files gone from them)."""
    hidden: int = 0
    """Hidden files and folders (names starting with a dot) left out."""
    other: int = 0
    """Files that are not documents (images, archives, …) left out."""
    outputs: list[str] = field(default_factory=list)
    """Folders left out because they hold an export (the output folder among them)."""
    empty: list[str] = field(default_factory=list)
    """Folders given that hold no document."""
    problems: list[str] = field(default_factory=list)
    """Folders that could not be read."""


def document_format(path: str, name: str) -> str | None:
    """The input format of a file found in a folder, or None when it is no document: by its
    extension (an input format's), else by its first bytes (one an input format recognises,
    whatever the name; text when it has no extension and its first bytes are text)."""
    chosen = by_extension(name)
    if chosen is not None:
        return chosen
    try:
        with open(path, "rb") as stream:
            head = stream.read(_HEAD)
    except OSError:
        return None
    found = sniff(head, "")
    if found != FALLBACK:
        return found
    bare = PurePath(name).suffix == ""
    return FALLBACK if bare and head and _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file read as text: UTF-8 (a character cut at the end
    allowed) or a byte-order mark, without NUL bytes; or a legacy encoding with hardly any
    control characters."""
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v\x1b")
        return controls * 100 <= len(head)


def discover(paths: Sequence[str], *, outputs: Sequence[Path] = ()) -> Discovery:
    """The documents named by ``paths``: files as they are, folders walked recursively in
    name order (hidden entries, folders in ``outputs`` and earlier exports left out; links
    followed, never round a loop). One folder alone is mirrored as the output folder itself;
    with several paths, each folder goes under its own name."""
    found = Discovery()
    skip = {os.path.realpath(folder) for folder in outputs}
    alone = len(paths) == 1
    for given in paths:
        if given != "-" and os.path.isdir(given):
            name = Path(os.path.realpath(given)).name
            prefix = PurePath() if alone else PurePath(name or "root")
            before = len(found.sources)
            found.folders.append(os.path.abspath(given))
            _walk(given, prefix, found, skip)
            if len(found.sources) == before:
                found.empty.append(given)
            continue
        try:
            status = os.stat(given)
            size, mtime = status.st_size, status.st_mtime_ns
        except (OSError, ValueError):
            size = mtime = 0  # reading it says what is wrong
        found.sources.append(Source(given, PurePath(Path(given).name), size, mtime))
    return found


def _walk(top: str, prefix: PurePath, found: Discovery, skip: set[str]) -> None:
    """Add the documents under ``top`` to ``found``, depth first in name order."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, PurePath]] = [(top, prefix)]
    while stack:
        folder, relative = stack.pop()
        try:
            status = os.stat(folder)
        except OSError as error:
            found.problems.append(f"{folder}: {reason(error)}")
            continue
        if (status.st_dev, status.st_ino) in seen:
            continue  # a link back up the tree
        seen.add((status.st_dev, status.st_ino))
        if os.path.realpath(folder) in skip or os.path.lexists(os.path.join(folder, MANIFEST)):
            found.outputs.append(folder)
            continue
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            found.problems.append(f"{folder}: {reason(error)}")
            continue
        folders: list[tuple[str, PurePath]] = []
        for entry in entries:
            if entry.name.startswith("."):
                found.hidden += 1
                continue
            path = os.path.join(folder, entry.name)
            try:
                mode = entry.stat().st_mode
            except OSError:
                found.other += 1  # a link to nothing
                continue
            if stat.S_ISDIR(mode):
                folders.append((path, relative / entry.name))
            elif stat.S_ISREG(mode) and document_format(path, entry.name) is not None:
                status = entry.stat()
                found.sources.append(
                    Source(path, relative / entry.name, status.st_size, status.st_mtime_ns, False)
                )
            else:
                found.other += 1
        stack.extend(reversed(folders))


def targets(format_name: str, sources: Sequence[Source], out_dir: Path) -> list[Path]:
    """Where each source's export goes: its place in the folder tree under ``out_dir``, with
    the format's extension. Two files of one folder that would share a name (``ch1.txt`` and
    ``ch1.md``) keep their whole names (``ch1.txt.json``); two files named on the command line
    that would, or two folders of one name, are an error."""
    planned = [default_target(format_name, s.path, out_dir / s.relative.parent) for s in sources]
    owners: dict[Path, list[int]] = {}
    for number, target in enumerate(planned):
        owners.setdefault(target, []).append(number)
    extension = FORMATS[format_name].extension
    for target, numbers in owners.items():
        if len(numbers) < 2:
            continue
        if sum(sources[n].listed for n in numbers) > 1:
            first, second = (sources[n] for n in numbers if sources[n].listed)
            raise EntityReaderError(f"{first.path} and {second.path} would both write {target}")
        for number in numbers:
            if not sources[number].listed:
                relative = sources[number].relative
                planned[number] = out_dir / relative.parent / (relative.name + extension)
    seen: dict[Path, Source] = {}
    for source, target in zip(sources, planned, strict=True):
        if target in seen:
            raise EntityReaderError(
                f"{seen[target].path} and {source.path} would both write {target}"
            )
        seen[target] = source
    return planned
