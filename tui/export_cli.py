"""``entity-reader export``: one file to a path or stdout; many files and folders go to
`tui.corpus_cli` (``--out-dir``).

The destination is checked before any annotating (a wrong ``-o`` costs no minutes of model
time).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extract.annotations import Annotations
from extract.atomic import check_writable, reason
from extract.corrections import Correction, CorrectionStore
from extract.errors import EntityReaderError
from extract.exporters import (
    FORMATS,
    CompanionExistsError,
    ExportOptions,
    clobbered,
    companions_refused,
    files_for,
    overwrites_source,
    render_text,
    write,
    write_failed,
)
from tui.cli import check_jobs, say, warn, write_stdout

Warn = Callable[[str], None]


def _annotations(
    source: str,
    model: str | None,
    no_cache: bool,
    jobs: int | None,
    annotations_path: str | None,
    format_in: str = "auto",
    *,
    limit: int | None = None,
    warn: Warn = warn,
    before: Callable[[Any, Any], None] | None = None,
    rules_path: str | None = None,
) -> Annotations:
    """Annotate a file and apply its stored corrections (the reader's or ``--annotations``),
    read only: an export never moves or writes a corrections file.

    ``before(document, annotator)`` runs once the document is read, before the model does.
    """
    from extract.annotations import annotate
    from extract.cache import MentionCache
    from extract.corrections import open_for
    from extract.document import load
    from extract.ner import Annotator

    document = load(source, format_in, limit=limit)
    for told in document.notes:
        warn(told)
    annotator = Annotator(model, jobs=jobs, cache=None if no_cache else MentionCache())
    log: list[Correction] = []
    if annotations_path is not None or source != "-":
        rules = explicit_rules(rules_path, source)
        store = open_for(source, document.sha256, annotations_path, read_only=True, rules=rules)
        for problem in store.problems:
            warn(problem)
        log = store.effective
    if before is not None:
        before(document, annotator)
    annotations = annotate(document, annotator, corrections=log)
    if annotator.cache is not None:
        for problem in annotator.cache.problems:
            warn(problem)
    _warn_unplaced(annotations, warn)
    return annotations


def explicit_rules(path: str | None, source: str) -> list[CorrectionStore] | None:
    """The rules ``--rules`` names (read only; what is wrong with them warned), or None."""
    from extract.corpus_rules import given_rules

    rules = given_rules(path, source)
    for problem in rules[0].problems if rules else []:
        warn(problem)
    return rules


def _warn_unplaced(annotations: Annotations, warn: Warn) -> None:
    for told in annotations.unplaced_notes:
        warn(told)


def _imported(
    args: argparse.Namespace,
    source: str | None,
    limit: int,
    before: Callable[[Any, Any], None] | None = None,
) -> Annotations:
    """The annotations of ``--import``, on FILE or the text the file carries, with the
    corrections kept for that document (read only)."""
    from extract.corrections import open_for
    from extract.document import load
    from extract.importers import read_annotations

    given = None if source is None else load(source, args.format_in, limit=limit)
    imported = read_annotations(args.import_path, args.import_format, given)
    document = imported.document
    for told in document.notes:
        warn(told)
    log: list[Correction] = []
    if args.annotations is not None or document.source != "-":
        rules = explicit_rules(args.rules, document.source)
        store = open_for(
            document.source, document.sha256, args.annotations, read_only=True, rules=rules
        )
        for problem in store.problems:
            warn(problem)
        log = store.effective
    if before is not None:
        before(document, imported)
    annotations = imported.annotations(log)
    _warn_unplaced(annotations, warn)
    return annotations


def _options(args: argparse.Namespace) -> ExportOptions:
    """The format options given, each checked to apply to the format chosen."""
    export_format = FORMATS[args.format]
    if args.split and not export_format.splits:
        splitting = ", ".join(name for name, fmt in FORMATS.items() if fmt.splits)
        raise EntityReaderError(f"--split applies to {splitting}, not {args.format}")
    if not args.formula_guard and args.format != "csv":
        raise EntityReaderError(f"--no-formula-guard applies to csv, not {args.format}")
    if args.labelstudio_as != "predictions" and args.format != "labelstudio":
        raise EntityReaderError(f"--labelstudio-as applies to labelstudio, not {args.format}")
    return ExportOptions(
        split=args.split, formula_guard=args.formula_guard, labelstudio_as=args.labelstudio_as
    )


def _counts(annotations: Annotations) -> tuple[int, int]:
    entities = annotations.entities
    return len(entities), sum(len(e.mentions) for e in entities)


def _check_target(format_name: str, target: Path, source: str) -> None:
    """Refuse now what the export could not write after minutes of annotating."""
    try:
        paths = FORMATS[format_name].paths(target)
    except OSError as error:
        raise EntityReaderError(f"cannot write {target}: {reason(error)}") from None
    clash = overwrites_source(format_name, target, source)
    if clash is not None:
        raise EntityReaderError(
            f"cannot write {clash}: {clash} is the document being exported; choose another name"
        )
    for path in paths:
        try:
            check_writable(path)
        except OSError as error:
            raise EntityReaderError(f"cannot write {path}: {reason(error)}") from None


def _refuse_companions(
    format_name: str, target: Path, options: ExportOptions
) -> Callable[[Any, Any], None]:
    """A check, run once the document is read and before the model runs, that no companion
    file (brat's ``.txt``) would replace a different file there."""

    def check(document: Any, annotator: Any) -> None:
        if len(FORMATS[format_name].suffixes) < 2:
            return
        info = getattr(annotator, "info", None)
        name, version = (info.name, info.version) if info is not None else ("", "")
        bare = Annotations(document, (), name, version)
        taken = clobbered(format_name, files_for(format_name, bare, target, options), target)
        if taken:
            raise EntityReaderError(companions_refused(CompanionExistsError(taken)))

    return check


def export_files(args: argparse.Namespace) -> int:
    """Carry out an export command; return the exit status."""
    from extract.document import max_chars

    export_format = FORMATS[args.format]
    jobs = check_jobs(args.jobs)
    limit = max_chars(args.max_chars)
    options = _options(args)
    if args.import_path is not None:
        if args.out_dir is not None or len(args.files) > 1:
            raise EntityReaderError("--import reads the annotations of one text: one FILE at most")
        if args.model is not None:
            raise EntityReaderError("--import exports annotations from a file: no model runs")
    elif not args.files:
        raise EntityReaderError("give the FILE to export (or --import PATH)")
    corpus_only = [
        option
        for option, given in (
            ("--backend dask", args.backend == "dask" or args.scheduler is not None),
            ("--index", args.index is not None),
        )
        if given
    ]
    if args.out_dir is not None:
        if args.annotations is not None:
            raise EntityReaderError(
                "--annotations names one file's corrections: not with --out-dir"
            )
        if args.output is not None:
            raise EntityReaderError("give either -o or --out-dir, not both")
        from tui.corpus_cli import export_corpus

        return export_corpus(args, jobs, limit, options)
    folder = next((f for f in args.files if f != "-" and os.path.isdir(f)), None)
    if folder is not None:
        raise EntityReaderError(
            f"{folder} is a directory: export the documents in it with --out-dir DIR"
        )
    if corpus_only:
        raise EntityReaderError(f"{corpus_only[0]} applies to exports with --out-dir DIR")
    if len(args.files) > 1:
        raise EntityReaderError("several files need --out-dir DIR")
    source = args.files[0] if args.files else None
    output = args.output
    if output is None:
        if not export_format.to_stdout:
            raise EntityReaderError(f"the {args.format} format writes files: give -o PATH")
        output = "-"
    target: Path | None = None
    if output == "-":
        if not export_format.to_stdout:
            raise EntityReaderError(f"the {args.format} format cannot go to standard output")
    else:
        target = Path(output)
        _check_target(args.format, target, source or "-")
    before = None
    if target is not None and not args.force:
        before = _refuse_companions(args.format, target, options)
    if args.import_path is not None:
        annotations = _imported(args, source, limit, before)
    else:
        assert source is not None
        annotations = _annotations(
            source,
            args.model,
            args.no_cache,
            jobs,
            args.annotations,
            args.format_in,
            limit=limit,
            before=before,
            rules_path=args.rules,
        )
    if target is None:
        write_stdout(render_text(args.format, annotations, options))
        return 0
    try:
        written = write(args.format, annotations, target, options, force=args.force)
    except OSError as error:
        raise EntityReaderError(write_failed(target, error)) from None
    entities, mentions = _counts(annotations)
    names = ", ".join(str(p) for p in written)
    say(f"wrote {names}: {entities} entities, {mentions} mentions")
    return 0
