"""``entity-reader export``: one file to a path or stdout, or many files into a folder.

The destination is checked before any annotating (a wrong ``-o`` costs no minutes of model
time). A batch (``--out-dir``) reports each file that fails on one line as it fails and goes
on with the rest; its summary counts the failures.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from extract.annotations import Annotations
from extract.atomic import check_writable, reason
from extract.corrections import Correction
from extract.errors import EntityReaderError
from extract.exporters import (
    FORMATS,
    CompanionExistsError,
    ExportOptions,
    clobbered,
    default_target,
    files_for,
    overwrites_source,
    render_text,
    write,
)
from tui.cli import PROG, check_jobs, say, warn, write_stdout
from tui.visible import visible

Warn = Callable[[str], None]


@dataclass(frozen=True)
class _Job:
    source: str
    target: Path
    format: str
    options: ExportOptions
    model: str | None
    no_cache: bool
    format_in: str = "auto"
    limit: int | None = None
    force: bool = False


@dataclass(frozen=True)
class _Outcome:
    source: str
    target: Path | None
    entities: int
    mentions: int
    error: str | None
    warnings: tuple[str, ...] = field(default=())


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
        store = open_for(source, document.sha256, annotations_path, read_only=True)
        for problem in store.problems:
            warn(problem)
        log = store.log
    if before is not None:
        before(document, annotator)
    annotations = annotate(document, annotator, corrections=log)
    if annotator.cache is not None:
        for problem in annotator.cache.problems:
            warn(problem)
    _warn_unplaced(annotations, source, warn)
    return annotations


def _warn_unplaced(annotations: Annotations, source: str, warn: Warn) -> None:
    from extract.corrections import describe, why_unplaced

    for correction in annotations.unplaced:
        warn(
            f"{source}: correction not placed ({why_unplaced(correction)}): {describe(correction)}"
        )


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
        store = open_for(document.source, document.sha256, args.annotations, read_only=True)
        for problem in store.problems:
            warn(problem)
        log = store.log
    if before is not None:
        before(document, imported)
    annotations = imported.annotations(log)
    _warn_unplaced(annotations, document.source, warn)
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


def _companions_refused(error: CompanionExistsError) -> str:
    return f"{error.strerror}: not overwritten (--force replaces it)"


def _write_failed(target: Path, error: OSError) -> str:
    if isinstance(error, CompanionExistsError):
        return _companions_refused(error)
    return f"cannot write {error.filename or target}: {reason(error)}"


def _run_job(job: _Job) -> _Outcome:
    """Export one file of a batch; every failure, expected or not, becomes its outcome."""
    told: list[str] = []
    try:
        annotations = _annotations(
            job.source,
            job.model,
            job.no_cache,
            0,
            None,
            job.format_in,
            limit=job.limit,
            warn=told.append,
        )
        try:
            write(job.format, annotations, job.target, job.options, force=job.force)
        except OSError as error:
            return _Outcome(job.source, None, 0, 0, _write_failed(job.target, error), tuple(told))
        entities, mentions = _counts(annotations)
        return _Outcome(job.source, job.target, entities, mentions, None, tuple(told))
    except EntityReaderError as error:
        message = str(error)
        if job.source not in message:
            message = f"{job.source}: {message}"
        return _Outcome(job.source, None, 0, 0, message, tuple(told))
    except Exception as error:  # one file's bug or fault must not stop the others
        failure = f"{type(error).__name__}: {error}".strip()
        return _Outcome(
            job.source, None, 0, 0, f"{job.source}: export failed ({failure})", tuple(told)
        )


def _batch_worker_start(parent: int) -> None:
    """A batch worker: stops with its parent, and a termination removes what it was writing."""
    from extract.recognizer import stop_with_parent

    stop_with_parent(parent)

    def terminated(number: int, frame: object) -> NoReturn:
        raise SystemExit(128 + number)  # unwinds through write_atomic, which cleans up

    signal.signal(signal.SIGTERM, terminated)
    # Ctrl+C reaches the whole process group: the parent alone answers it, ending the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
            raise EntityReaderError(_companions_refused(CompanionExistsError(taken)))

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
    if args.out_dir is not None:
        if args.annotations is not None:
            raise EntityReaderError(
                "--annotations names one file's corrections: not with --out-dir"
            )
        if args.output is not None:
            raise EntityReaderError("give either -o or --out-dir, not both")
        return _export_many(args, jobs, limit, options)
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
        )
    if target is None:
        write_stdout(render_text(args.format, annotations, options))
        return 0
    try:
        written = write(args.format, annotations, target, options, force=args.force)
    except OSError as error:
        raise EntityReaderError(_write_failed(target, error)) from None
    entities, mentions = _counts(annotations)
    names = ", ".join(str(p) for p in written)
    say(f"wrote {names}: {entities} entities, {mentions} mentions")
    return 0


def _export_many(
    args: argparse.Namespace, jobs: int | None, limit: int, options: ExportOptions
) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from extract.annotator import usable_cores

    folder: Path = args.out_dir
    if "-" in args.files and len(args.files) > 1:
        raise EntityReaderError("standard input cannot be one of several files")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        check_writable(folder / ".entity-reader-probe")
    except OSError as error:
        raise EntityReaderError(f"cannot write into {folder}: {reason(error)}") from None
    targets: dict[Path, str] = {}
    batch: list[_Job] = []
    for source in args.files:
        target = default_target(args.format, source, folder)
        if target in targets:
            raise EntityReaderError(f"{source} and {targets[target]} would both write {target}")
        targets[target] = source
        batch.append(
            _Job(
                source,
                target,
                args.format,
                options,
                args.model,
                args.no_cache,
                args.format_in,
                limit,
                args.force,
            )
        )
    workers = max(1, min(jobs or 2, usable_cores(), len(batch)))
    console = Console(stderr=True)
    outcomes: list[_Outcome] = []

    def show(line: str) -> None:
        console.print(visible(line), markup=False, highlight=False, soft_wrap=True)

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("annotating", total=len(batch))

        def report(outcome: _Outcome) -> None:
            outcomes.append(outcome)
            for told in outcome.warnings:
                show(f"{PROG}: warning: {told}")
            if outcome.error:
                show(f"{PROG}: error: {outcome.error}")
            progress.advance(task)

        if workers == 1:
            for job in batch:
                report(_run_job(job))
        else:
            _run_pooled(batch, workers, report)
    failed = [o for o in outcomes if o.error]
    done = [o for o in outcomes if not o.error]
    mentions = sum(o.mentions for o in done)
    entities = sum(o.entities for o in done)
    summary = (
        f"{len(done)} of {len(batch)} files exported to {folder}: "
        f"{entities} entities, {mentions} mentions"
    )
    show(summary + (f"; {len(failed)} failed" if failed else ""))
    return 1 if failed else 0


def _run_pooled(
    batch: list[_Job],
    workers: int,
    report: Callable[[_Outcome], None],
    run: Callable[[_Job], _Outcome] = _run_job,
) -> None:
    """Run jobs in worker processes, reporting each as it ends (``run`` does one job).

    A worker that dies (killed, out of memory) breaks its whole pool: every job it still held
    is run again on its own, so only a file that kills its worker fails.
    """
    from concurrent.futures import Future, ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")

    def pool(size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            size,
            mp_context=context,
            initializer=_batch_worker_start,
            initargs=(os.getpid(),),
        )

    def outcomes(executor: ProcessPoolExecutor, jobs: Iterable[_Job]) -> list[_Job]:
        """Report the outcome of each job; return those whose worker died."""
        futures: dict[Future[_Outcome], _Job] = {executor.submit(run, j): j for j in jobs}
        broken: list[_Job] = []
        try:
            for future in as_completed(futures):
                try:
                    report(future.result())
                except BrokenProcessPool:
                    broken.append(futures[future])
        except BaseException:
            _stop(executor)
            raise
        executor.shutdown()
        return broken

    for job in outcomes(pool(workers), batch):
        if outcomes(pool(1), [job]):
            report(
                _Outcome(
                    job.source,
                    None,
                    0,
                    0,
                    f"{job.source}: the process exporting it stopped unexpectedly (out of memory?)",
                )
            )


def _stop(executor: Any) -> None:
    """End a pool's workers now (shutting down waits for the files they are on)."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
