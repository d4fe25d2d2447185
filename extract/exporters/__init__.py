"""The registry of export formats; the command line and the reader's dialog both read it."""

from __future__ import annotations

import errno
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract.annotations import Annotations
from extract.atomic import PathError, read_regular, reason, write_atomic
from extract.exporters.progress import advance


@dataclass(frozen=True)
class ExportOptions:
    """Choices that apply across formats."""

    split: str | None = None
    """None for one record per document, "paragraph" for one per paragraph, "section" for one
    per chapter or page (where it applies)."""
    formula_guard: bool = True
    """csv: prefix text cells a spreadsheet would run as a formula with ``'``."""
    labelstudio_as: str = "predictions"
    """labelstudio: write the results as "predictions" (to review) or "annotations"."""


Renderer = Callable[[Annotations, ExportOptions], dict[str, bytes]]
"""Makes the files of an export: suffix ("" for the named path itself) to content; a key
starting with `SHARED` names a file of the folder that every export there shares."""

SHARED = "/"
"""Marks a file name shared by a folder's exports (brat's ``annotation.conf``), not a suffix."""

Merger = Callable[[bytes, bytes], bytes | None]
"""Combines a shared file already there with a new one: what to write, or None to leave it."""


@dataclass(frozen=True)
class ExportFormat:
    """One way of writing annotations out."""

    name: str
    description: str
    extension: str
    render: Renderer
    to_stdout: bool = True
    """Whether ``-o -`` makes sense (a single text file)."""
    splits: bool = False
    """Whether ``--split paragraph`` applies."""
    suffixes: tuple[str, ...] = ("",)
    """The keys ``render`` returns: the first is written to the target itself, whatever its
    name; each other is a companion beside it, the target's name with that suffix. (A key
    starting with `SHARED` is a file of the folder, not a suffix.)"""
    merge_shared: Merger | None = None
    """How a shared file ``render`` returns joins one already in the folder."""

    def paths(self, target: Path) -> list[Path]:
        """The files an export to ``target`` writes: the target, then its companions."""
        paths = [
            _path_for(target, suffix, index == 0) for index, suffix in enumerate(self.suffixes)
        ]
        if len(set(paths)) < len(paths):
            companion = next(p for p in paths[1:] if p == target)
            raise PathError(
                errno.EINVAL,
                f"{self.name} writes {companion} beside it: name the export otherwise "
                f"(for instance {target.with_suffix(self.extension).name})",
                str(target),
            )
        return paths


FORMATS: dict[str, ExportFormat] = {}


def register(export_format: ExportFormat) -> ExportFormat:
    """Add a format to the registry (each exporter module registers itself on import)."""
    FORMATS[export_format.name] = export_format
    return export_format


def _path_for(target: Path, suffix: str, primary: bool = False) -> Path:
    if suffix.startswith(SHARED):
        return target.parent / suffix[len(SHARED) :]
    return target if primary or suffix == "" else target.with_suffix(suffix)


def files_for(
    name: str,
    annotations: Annotations,
    target: Path,
    options: ExportOptions,
    *,
    merge: bool = True,
) -> dict[Path, bytes]:
    """The paths and contents an export of ``annotations`` to ``target`` consists of.

    A shared file already in the folder is merged with, or left as it is (unless ``merge`` is
    off: for files that go elsewhere than the folder, a browser's downloads).
    """
    export_format = FORMATS[name]
    export_format.paths(target)  # a companion that would take the target's own name raises
    primary = export_format.suffixes[0]
    files: dict[Path, bytes] = {}
    for suffix, data in export_format.render(annotations, options).items():
        path = _path_for(target, suffix, suffix == primary)
        if merge and suffix.startswith(SHARED) and export_format.merge_shared is not None:
            try:
                existing = path.read_bytes()
            except FileNotFoundError:
                existing = None
            if existing is not None:
                merged = export_format.merge_shared(existing, data)
                if merged is None or merged == existing:
                    continue
                data = merged
        files[path] = data
    return files


class CompanionExistsError(PathError):
    """Companion files (named after the target, not by the user) already there with other
    content: they are not the tool's to overwrite without being told."""

    def __init__(self, paths: list[Path]) -> None:
        listed = ", ".join(str(path) for path in paths)
        super().__init__(errno.EEXIST, f"{listed} already exists with other content", listed)
        self.paths = paths


def companions_refused(error: CompanionExistsError) -> str:
    """Why an export was refused: a companion file is there with other content."""
    return f"{error.strerror}: not overwritten (--force replaces it)"


def write_failed(target: Path, error: OSError) -> str:
    """Why an export could not be written, in one line."""
    if isinstance(error, CompanionExistsError):
        return companions_refused(error)
    return f"cannot write {error.filename or target}: {reason(error)}"


def clobbered(name: str, files: dict[Path, bytes], target: Path) -> list[Path]:
    """The companions of ``target`` among ``files`` (brat's ``.txt``; not a shared file,
    which is merged) that exist with other content than theirs."""
    found = []
    for path in FORMATS[name].paths(target)[1:]:
        if path not in files or not os.path.lexists(path):
            continue
        try:
            same = read_regular(path, len(files[path])) == files[path]
        except FileNotFoundError:
            continue  # a link to nothing yet: writing creates its target
        except OSError:
            same = False
        if not same:
            found.append(path)
    return found


def _is_source(path: Path, source: str) -> bool:
    """Whether writing ``path`` would overwrite the document's own file."""
    try:
        return source != "-" and path.exists() and os.path.samefile(path, source)
    except OSError:
        return False


def write(
    name: str,
    annotations: Annotations,
    target: Path,
    options: ExportOptions | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Write an export atomically, file by file; return the paths written.

    Refuses (with `OSError`), before writing anything, to overwrite the document it exports
    (brat's ``.txt`` beside ``-o notes.ann`` would otherwise replace ``notes.txt``), and,
    unless ``force``, a companion file that exists with other content (`CompanionExistsError`).
    The target itself is the caller's to overwrite.
    """
    files = files_for(name, annotations, target, options or ExportOptions())
    for path in files:
        if _is_source(path, annotations.document.source):
            # An OSError, so every caller's "cannot write" handling reports it.
            message = f"{path} is the document being exported; choose another name"
            raise PathError(errno.EEXIST, message, str(path))
    if not force and (taken := clobbered(name, files, target)):
        raise CompanionExistsError(taken)
    advance(0)  # the last moment to stop it (see extract.exporters.progress)
    for path, data in files.items():
        write_atomic(path, data)
    return list(files)


def overwrites_source(name: str, target: Path, source: str) -> Path | None:
    """The file of an export to ``target`` that is the document itself, if any."""
    return next((p for p in FORMATS[name].paths(target) if _is_source(p, source)), None)


def default_target(name: str, source: str, folder: Path) -> Path:
    """Where an export of ``source`` goes in ``folder`` unless told: its name with the format's
    extension (``stdin.EXT`` for standard input, "-"), or ``NAME.entities.EXT`` when that would
    write over the source (brat's ``.txt``)."""
    export_format = FORMATS[name]
    stem = "stdin" if source == "-" else Path(source).stem
    target = folder / (stem + export_format.extension)
    if any(_is_source(path, source) for path in export_format.paths(target)):
        target = folder / (stem + ".entities" + export_format.extension)
    return target


def render_text(name: str, annotations: Annotations, options: ExportOptions | None = None) -> bytes:
    """The single file of a text format, for standard output."""
    rendered = FORMATS[name].render(annotations, options or ExportOptions())
    return rendered[""]


BUILTIN: tuple[str, ...] = (
    "native",
    "jsonl",
    "doccano",
    "labelstudio",
    "csv_table",
    "conll",
    "brat",
    "spacy_docbin",
    "html_page",
)
"""The exporter modules shipped, in the order their formats are listed."""


def _load_builtin() -> None:
    for module in BUILTIN:
        importlib.import_module(f"extract.exporters.{module}")


_load_builtin()

__all__ = [
    "FORMATS",
    "SHARED",
    "CompanionExistsError",
    "ExportFormat",
    "ExportOptions",
    "clobbered",
    "default_target",
    "files_for",
    "overwrites_source",
    "register",
    "render_text",
    "write",
]
