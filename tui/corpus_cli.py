"""``entity-reader export FILE-OR-FOLDER... --out-dir DIR``: a corpus, exported and indexed.

The documents are found (`extract.corpus.discover`), their exports placed in a tree mirroring
the folders, and the model run over them in batches across documents, here in worker
processes or on a Dask cluster. A progress bar counts documents and characters; each document
that fails is one error line as it fails and the others go on; the summary counts what was
exported, what was already current and what failed (exit status 1 if any did). Ctrl+C or a
kill stops the run with nothing half-written: the same command goes on where it stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import ProgressColumn
from rich.text import Text

from extract.atomic import check_writable, reason
from extract.errors import EntityReaderError
from extract.exporters import ExportOptions
from tui.cli import PROG, Terminated, note, say, warn

if TYPE_CHECKING:
    from rich.progress import Task

    from extract.annotator import Annotator
    from extract.corpus import Discovery
    from extract.corpus_export import Outcome
    from extract.corpus_index import CorpusIndex
    from extract.recognizer import Executor


def kinds() -> str:
    """The documents a folder is read for, as a phrase: "plain text, HTML, … or PDF"."""
    from extract.formats import titles

    return titles()


def export_corpus(
    args: argparse.Namespace, jobs: int | None, limit: int, options: ExportOptions
) -> int:
    """Carry out ``export … --out-dir``; return the exit status."""
    from extract.corpus import discover, targets
    from extract.corpus_index import CorpusIndex, default_index_path

    started = time.monotonic()
    folder: Path = args.out_dir
    if "-" in args.files and len(args.files) > 1:
        raise EntityReaderError("standard input cannot be one of several files")
    check_backend(args)
    for given in args.files:
        if os.path.isdir(given) and os.path.realpath(given) == os.path.realpath(folder):
            raise EntityReaderError(
                f"--out-dir {folder} is the folder being exported: choose another (a folder "
                "inside it will do)"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        check_writable(folder / ".entity-reader-probe")
    except OSError as error:
        raise EntityReaderError(f"cannot write into {folder}: {reason(error)}") from None
    found = discover(args.files, outputs=[folder])
    _tell_left_out(found, folder)
    if not found.sources:
        given = found.empty[0] if len(found.empty) == 1 else "the folders given"
        raise EntityReaderError(f"{given} holds no documents ({kinds()} files)")
    for empty in found.empty:
        warn(f"{empty} holds no documents ({kinds()} files)")
    places = targets(args.format, found.sources, folder)
    index_path = args.index or default_index_path(args.files)
    total = sum(source.size for source in found.sources)
    with executor_for(args, jobs, total) as executor:
        from extract.cache import MentionCache
        from extract.ner import Annotator

        annotator = Annotator(
            args.model, executor=executor, cache=None if args.no_cache else MentionCache()
        )
        with CorpusIndex(Path(index_path), root=";".join(found.folders)) as index:
            for problem in index.problems:
                warn(problem)
            return _run(args, found, places, annotator, index, options, limit, started)


def check_backend(args: argparse.Namespace) -> None:
    """Refuse options of ``--backend``/``--scheduler`` that cannot work together."""
    if args.scheduler is not None and args.jobs is not None:
        raise EntityReaderError(
            "--jobs sets the workers of a cluster started here: not with --scheduler"
        )
    if args.connect_timeout <= 0:
        raise EntityReaderError("--connect-timeout takes a number of seconds above 0")


@contextlib.contextmanager
def executor_for(
    args: argparse.Namespace, jobs: int | None, total: int, *, nice: bool = False
) -> Iterator[Executor]:
    """Where the model runs: a Dask cluster, worker processes here (two for a corpus of
    100 KB or more, unless ``--jobs`` says), or this process. ``nice``: the workers give way
    to this process (the corpus reader's screen)."""
    from extract.annotator import LONG_TEXT, usable_cores
    from extract.recognizer import InProcess, ProcessPool

    if args.backend == "dask" or args.scheduler is not None:
        from extract.dask_backend import DaskExecutor, dask_client

        with dask_client(args.scheduler, jobs, args.connect_timeout) as client:
            yield DaskExecutor(client, quiet=args.scheduler is None)
        return
    workers = jobs if jobs is not None else (min(2, usable_cores()) if total >= LONG_TEXT else 1)
    # An export's workers are not niced: nothing needs the CPU more than the model does. Four
    # batches a worker handed out: one slow batch never leaves the others idle.
    pool = ProcessPool(workers, nice=5 if nice else 0, ahead=4 * workers)
    yield pool if workers > 1 or nice else InProcess()


def _tell_left_out(found: Discovery, folder: Path) -> None:
    for problem in found.problems:
        warn(f"cannot read the folder {problem}")
    parts = []
    if found.hidden:
        parts.append(f"{found.hidden:,} hidden")
    if found.other:
        parts.append(f"{found.other:,} not {kinds()}")
    outputs = [o for o in found.outputs if os.path.realpath(o) != os.path.realpath(folder)]
    if outputs:
        shown = ", ".join(outputs[:3]) + (", …" if len(outputs) > 3 else "")
        parts.append(f"{len(outputs)} earlier export folder{'s' * (len(outputs) > 1)} ({shown})")
    if parts:
        note("left out: " + "; ".join(parts))


def _run(
    args: argparse.Namespace,
    found: Discovery,
    places: list[Path],
    annotator: Annotator,
    index: CorpusIndex,
    options: ExportOptions,
    limit: int,
    started: float,
) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from extract.corpus_export import CorpusExport
    from tui.export_cli import explicit_rules
    from tui.visible import visible

    folder: Path = args.out_dir
    export = CorpusExport(
        annotator,
        args.format,
        folder,
        options=options,
        index=index,
        format_in=args.format_in,
        limit=limit,
        force=args.force,
        rules=explicit_rules(args.rules, found.folders[0] if found.folders else "."),
    )
    sources = found.sources
    console = Console(stderr=True)
    outcomes: list[Outcome] = []

    def show(line: str) -> None:
        console.print(visible(line), markup=False, highlight=False, soft_wrap=True)

    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(bar_width=20),
        TextColumn("{task.fields[documents]:,}/{task.fields[of]:,} documents"),
        TextColumn("{task.fields[characters]:,} characters"),
        _Rate(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    stopped: BaseException | None = None
    with progress:
        task = progress.add_task(
            "annotating",
            total=max(1, sum(s.size for s in sources)),
            documents=0,
            of=len(sources),
            characters=0,
        )
        try:
            for outcome in export.run(sources, places):
                outcomes.append(outcome)
                for told in outcome.warnings:
                    show(f"{PROG}: warning: {told}")
                if outcome.error:
                    show(f"{PROG}: error: {outcome.error}")
                progress.update(
                    task,
                    advance=outcome.source.size,
                    documents=len(outcomes),
                    characters=progress.tasks[0].fields["characters"] + outcome.chars,
                )
        except (KeyboardInterrupt, Terminated) as error:
            stopped = error
    if stopped is not None:
        say(
            f"{PROG}: stopped after {len(outcomes):,} of {len(sources):,} documents; "
            "the same command goes on from there"
        )
        raise stopped
    if found.folders:
        kept = {export.index_path(source) for source in sources}
        dropped = index.prune(found.folders, kept.__contains__)
        if dropped:
            note(f"{dropped:,} documents no longer in the folder left the index")
    from extract.corpus_query import relink_if_stale

    relink_if_stale(index.path)  # the entities across documents, for the corpus reader
    _summary(show, outcomes, folder, index.path, time.monotonic() - started)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _summary(
    show: Callable[[str], None],
    outcomes: list[Outcome],
    folder: Path,
    index: Path,
    seconds: float,
) -> None:
    failed = sum(o.status == "failed" for o in outcomes)
    current = sum(o.status == "current" for o in outcomes)
    done = [o for o in outcomes if o.status != "failed"]
    read = [o for o in outcomes if o.status == "exported"]
    characters = sum(o.chars for o in read)
    if read:
        rate = f"{len(read) / seconds:,.1f} documents/s, {characters / seconds:,.0f} characters/s"
        show(
            f"read {len(read):,} documents ({characters:,} characters) in {seconds:,.1f} s "
            f"({rate}); index {index}"
        )
    else:
        show(f"nothing to read again; index {index}")
    entities = sum(o.entities for o in done)
    mentions = sum(o.mentions for o in done)
    summary = f"{len(done)} of {len(outcomes)} files exported to {folder}"
    if current:
        summary += f" ({current:,} already current)"
    summary += f": {entities:,} entities, {mentions:,} mentions"
    show(summary + (f"; {failed} failed" if failed else ""))


class _Rate(ProgressColumn):
    """Documents per second since the start (the summary gives characters per second)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return Text("")
        return Text(f"{task.fields['documents'] / elapsed:,.1f}/s", style="progress.data.speed")
