"""The registry of export formats; the command line and the reader's dialog both read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extract.annotations import Annotations
from extract.atomic import write_atomic


@dataclass(frozen=True)
class ExportOptions:
    """Choices that apply across formats."""

    split: str | None = None
    """None for one record per document, "paragraph" for one per paragraph (where it applies)."""


Renderer = Callable[[Annotations, ExportOptions], dict[str, bytes]]
"""Makes the files of an export: suffix ("" for the named path itself) to content."""


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

    def paths(self, target: Path) -> list[Path]:
        """The files an export to ``target`` writes."""
        return [target]


FORMATS: dict[str, ExportFormat] = {}


def register(export_format: ExportFormat) -> ExportFormat:
    """Add a format to the registry (each exporter module registers itself on import)."""
    FORMATS[export_format.name] = export_format
    return export_format


def files_for(name: str, annotations: Annotations, target: Path, options: ExportOptions) -> dict[Path, bytes]:
    """The paths and contents an export of ``annotations`` to ``target`` consists of."""
    export_format = FORMATS[name]
    rendered = export_format.render(annotations, options)
    return {(target if suffix == "" else target.with_suffix(suffix)): data for suffix, data in rendered.items()}


def write(name: str, annotations: Annotations, target: Path, options: ExportOptions | None = None) -> list[Path]:
    """Write an export atomically, file by file; return the paths written."""
    files = files_for(name, annotations, target, options or ExportOptions())
    for path, data in files.items():
        write_atomic(path, data)
    return list(files)


def render_text(name: str, annotations: Annotations, options: ExportOptions | None = None) -> bytes:
    """The single file of a text format, for standard output."""
    rendered = FORMATS[name].render(annotations, options or ExportOptions())
    return rendered[""]


def _load_builtin() -> None:
    from extract.exporters import native  # noqa: F401


_load_builtin()

__all__ = ["FORMATS", "ExportFormat", "ExportOptions", "files_for", "register", "render_text", "write"]
