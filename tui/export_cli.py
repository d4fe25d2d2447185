"""``entity-reader export``: one file to a path or stdout, or many files into a folder."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from dataclasses import dataclass
from pathlib import Path

from extract.annotations import Annotations
from extract.corrections import Correction
from extract.errors import EntityReaderError
from extract.exporters import FORMATS, ExportOptions, default_target, render_text, write


@dataclass(frozen=True)
class _Job:
    source: str
    target: Path
    format: str
    options: ExportOptions
    model: str | None
    no_cache: bool
    format_in: str = "auto"


@dataclass(frozen=True)
class _Outcome:
    source: str
    target: Path | None
    entities: int
    mentions: int
    error: str | None


def _annotations(
    source: str,
    model: str | None,
    no_cache: bool,
    jobs: int | None,
    annotations_path: str | None,
    format_in: str = "auto",
) -> Annotations:
    """Annotate a file and apply its stored corrections (the reader's or ``--annotations``)."""
    from extract.annotations import annotate
    from extract.cache import MentionCache
    from extract.corrections import describe, open_for, why_unplaced
    from extract.document import load
    from extract.ner import Annotator

    document = load(source, format_in)
    annotator = Annotator(model, jobs=jobs, cache=None if no_cache else MentionCache())
    log: list[Correction] = []
    if annotations_path is not None or source != "-":
        store = open_for(source, document.sha256, annotations_path)
        for problem in store.problems:
            print(f"entity-reader: warning: {problem}", file=sys.stderr)
        log = store.log
    annotations = annotate(document, annotator, corrections=log)
    if annotator.cache is not None:
        for problem in annotator.cache.problems:
            print(f"entity-reader: warning: {problem}", file=sys.stderr)
    for correction in annotations.unplaced:
        print(
            f"entity-reader: warning: {source}: correction not placed "
            f"({why_unplaced(correction)}): {describe(correction)}",
            file=sys.stderr,
        )
    return annotations


def _run_job(job: _Job) -> _Outcome:
    try:
        annotations = _annotations(job.source, job.model, job.no_cache, 0, None, job.format_in)
        write(job.format, annotations, job.target, job.options)
        entities = annotations.entities
        count = sum(len(e.mentions) for e in entities)
        return _Outcome(job.source, job.target, len(entities), count, None)
    except EntityReaderError as error:
        return _Outcome(job.source, None, 0, 0, str(error))
    except OSError as error:
        return _Outcome(job.source, None, 0, 0, f"cannot write {job.target}: {error.strerror}")


def _imported(args: argparse.Namespace, source: str | None) -> Annotations:
    """The annotations of ``--import``, on FILE or the text the file carries, with the
    corrections kept for that document."""
    from extract.corrections import describe, open_for, why_unplaced
    from extract.document import load
    from extract.importers import read_annotations

    given = None if source is None else load(source, args.format_in)
    imported = read_annotations(args.import_path, args.import_format, given)
    document = imported.document
    log: list[Correction] = []
    if args.annotations is not None or document.source != "-":
        store = open_for(document.source, document.sha256, args.annotations)
        for problem in store.problems:
            print(f"entity-reader: warning: {problem}", file=sys.stderr)
        log = store.log
    annotations = imported.annotations(log)
    for correction in annotations.unplaced:
        print(
            f"entity-reader: warning: {document.source}: correction not placed "
            f"({why_unplaced(correction)}): {describe(correction)}",
            file=sys.stderr,
        )
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


def export_files(args: argparse.Namespace) -> int:
    """Carry out an export command; return the exit status."""
    export_format = FORMATS[args.format]
    if args.jobs is not None and args.jobs < 1:
        raise EntityReaderError("--jobs takes a whole number of at least 1")
    options = _options(args)
    if args.import_path is not None:
        if args.out_dir is not None or len(args.files) > 1:
            raise EntityReaderError("--import reads the annotations of one text: one FILE at most")
        if args.model is not None:
            raise EntityReaderError("--import exports annotations from a file: no model runs")
    elif not args.files:
        raise EntityReaderError("give the FILE to export (or --import PATH)")
    if args.out_dir is not None:
        if args.annotations is not None:
            raise EntityReaderError(
                "--annotations names one file's corrections: not with --out-dir"
            )
        if args.output is not None:
            raise EntityReaderError("give either -o or --out-dir, not both")
        return _export_many(args, options)
    if len(args.files) > 1:
        raise EntityReaderError("several files need --out-dir DIR")
    source = args.files[0] if args.files else None
    output = args.output
    if output is None:
        if not export_format.to_stdout:
            raise EntityReaderError(f"the {args.format} format writes files: give -o PATH")
        output = "-"
    if args.import_path is not None:
        annotations = _imported(args, source)
    else:
        assert source is not None
        annotations = _annotations(
            source, args.model, args.no_cache, args.jobs, args.annotations, args.format_in
        )
    if output == "-":
        if not export_format.to_stdout:
            raise EntityReaderError(f"the {args.format} format cannot go to standard output")
        sys.stdout.buffer.write(render_text(args.format, annotations, options))
        sys.stdout.buffer.flush()
        return 0
    target = Path(output)
    if target.is_dir():
        raise EntityReaderError(f"{target} is a directory; give a file name or use --out-dir")
    try:
        written = write(args.format, annotations, target, options)
    except OSError as error:
        raise EntityReaderError(f"cannot write {target}: {error.strerror or error}") from None
    entities = annotations.entities
    count = sum(len(e.mentions) for e in entities)
    names = ", ".join(str(p) for p in written)
    print(f"wrote {names}: {len(entities)} entities, {count} mentions", file=sys.stderr)
    return 0


def _export_many(args: argparse.Namespace, options: ExportOptions) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    folder: Path = args.out_dir
    if "-" in args.files:
        raise EntityReaderError("standard input cannot be one of several files")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EntityReaderError(f"cannot create {folder}: {error.strerror or error}") from None
    targets: dict[Path, str] = {}
    jobs: list[_Job] = []
    for source in args.files:
        target = default_target(args.format, source, folder)
        if target in targets:
            raise EntityReaderError(f"{source} and {targets[target]} would both write {target}")
        targets[target] = source
        jobs.append(
            _Job(source, target, args.format, options, args.model, args.no_cache, args.format_in)
        )
    workers = max(1, min(args.jobs or 2, len(jobs)))
    console = Console(stderr=True)
    outcomes: list[_Outcome] = []
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("annotating", total=len(jobs))
        if workers == 1:
            results = map(_run_job, jobs)
            for outcome in results:
                outcomes.append(outcome)
                progress.advance(task)
        else:
            with multiprocessing.get_context("spawn").Pool(workers) as pool:
                for outcome in pool.imap_unordered(_run_job, jobs):
                    outcomes.append(outcome)
                    progress.advance(task)
    failed = [o for o in outcomes if o.error]
    done = [o for o in outcomes if not o.error]
    for outcome in failed:
        console.print(f"{PROG_ERROR}{outcome.error}", markup=False, highlight=False, soft_wrap=True)
    mentions = sum(o.mentions for o in done)
    entities = sum(o.entities for o in done)
    console.print(
        f"{len(done)} of {len(jobs)} files exported to {folder}: "
        f"{entities} entities, {mentions} mentions",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return 1 if failed else 0


PROG_ERROR = "entity-reader: error: "
