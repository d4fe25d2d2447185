"""The ``entity-reader`` command: open the reader on a file, export its annotations, score
them, serve the reader to a browser, print the settings, or complete the command line.

``export`` never imports Textual; the reader is imported only when it is about to run.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from extract import collector
from tui.arguments import (
    PARSERS,
    PROG,
    SUBCOMMANDS,
    eval_parser,
    export_parser,
    reader_parser,
)
from tui.visible import visible

if TYPE_CHECKING:
    from extract.document import Document
    from extract.importers import Imported
    from tui.comparing import Gold

__all__ = [
    "PROG",
    "Terminated",
    "check_jobs",
    "eval_parser",
    "export_parser",
    "main",
    "note",
    "reader_parser",
    "run_eval",
    "run_export",
    "run_reader",
    "say",
    "warn",
    "write_stdout",
]


def say(line: str) -> None:
    """One line on standard error, every control character in it made visible: paths and
    document text never reach the terminal as escape sequences."""
    print(visible(line), file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """``entity-reader: warning: …``"""
    say(f"{PROG}: warning: {message}")


def write_stdout(data: bytes | str) -> None:
    """Write to standard output; a failure (a full disk, a closed stream) is one error line.
    A reader that went away (``| head``) raises `BrokenPipeError`, which ends quietly."""
    from extract.atomic import reason
    from extract.errors import EntityReaderError

    stream = sys.stdout
    if stream is None:
        raise EntityReaderError("cannot write to standard output: it is closed")
    try:
        if isinstance(data, str):
            stream.write(data)
            stream.flush()
        else:
            stream.buffer.write(data)
            stream.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        _discard_stdout()
        raise EntityReaderError(f"cannot write to standard output: {reason(error)}") from None


def _discard_stdout() -> None:
    """Point standard output at nothing, so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real stream (a test's capture): nothing to flush at exit
    finally:
        os.close(devnull)


def note(message: str) -> None:
    """``entity-reader: note: …``"""
    say(f"{PROG}: note: {message}")


def _fail(message: str, status: int = 1) -> int:
    say(f"{PROG}: error: {message}")
    return status


class Terminated(BaseException):
    """SIGTERM arrived: unwind like an interrupt, so temporary files and workers are cleaned."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.status = 128 + number


@contextmanager
def _terminable() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` while the command runs (in the main thread only)."""

    def terminated(number: int, frame: object) -> NoReturn:
        raise Terminated(number)

    try:
        previous = signal.signal(signal.SIGTERM, terminated)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    if argv is None and "_ARGCOMPLETE" in os.environ:
        from tui.completion import complete

        complete()  # writes the completions for the shell and exits
    args = list(sys.argv[1:] if argv is None else argv)
    from extract.errors import EntityReaderError

    try:
        with _terminable():
            command = args[0] if args and args[0] in SUBCOMMANDS else None
            if command is None:
                # No cyclic collection while the arguments and the settings are read either:
                # the modules they import set off a dozen collections (see `run_reader`).
                with collector.paused():
                    parsed = _settled(reader_parser(_config_in(args)).parse_args(args))
                return run_reader(parsed)
            parsed = _settled(PARSERS[command]().parse_args(args[1:]))
            return RUNS[command](parsed)
    except EntityReaderError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130
    except Terminated as stop:
        return stop.status
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error of ours.
        _discard_stdout()
        return 1


def _config_in(args: Sequence[str]) -> str | None:
    """The ``--config`` given, looked for before parsing (``--help`` shows the keys it remaps)."""
    for place, arg in enumerate(args):
        if arg == "--config" and place + 1 < len(args):
            return args[place + 1]
        if arg.startswith("--config="):
            return arg.partition("=")[2]
    return None


def _settled(args: argparse.Namespace) -> argparse.Namespace:
    """The parsed arguments with the settings file read and put in force (``args.settings``),
    and the model chosen: ``--model``, else ``$ENTITY_READER_MODEL``, else the settings'."""
    from tui.settings import apply, load, model_choice

    if not hasattr(args, "config"):
        return args  # a command that reads no settings (completion)
    settings = load(args.config)
    apply(settings)
    args.settings = settings
    if hasattr(args, "model") and getattr(args, "import_path", None) is None:
        args.model, args.model_source = model_choice(args.model, settings)
    return args


def check_jobs(jobs: int | None) -> int | None:
    """``--jobs``, capped at the cores (with a note when that lowers it)."""
    from extract.annotator import capped_jobs, usable_cores
    from extract.errors import EntityReaderError

    if jobs is None:
        return None
    if jobs < 1:
        raise EntityReaderError("--jobs takes a whole number of at least 1")
    capped = capped_jobs(jobs)
    if capped != jobs:
        note(f"--jobs {jobs} is more than the {usable_cores()} cores here: using {capped}")
    return capped


def _annotator(args: argparse.Namespace) -> object:
    from extract.cache import MentionCache
    from extract.ner import Annotator

    return Annotator(
        args.model,
        jobs=check_jobs(args.jobs),
        cache=None if args.no_cache else MentionCache(),
    )


STREAMS = (("input", "stdin"), ("output", "stdout"), ("error", "stderr"))


def _need_terminal() -> None:
    """The reader takes keys from standard input, sizes itself by standard output and draws on
    standard error: each must be a terminal (a pipe would be read as keys, edits included),
    unless it draws for a browser (`served`)."""
    from extract.errors import EntityReaderError

    if served():
        return

    for name, attribute in STREAMS:
        stream = getattr(sys, attribute)
        try:
            terminal = stream is not None and stream.isatty()
        except (OSError, ValueError):
            terminal = False
        if not terminal:
            raise EntityReaderError(
                f"the reader needs a terminal (standard {name} is not one); "
                f"use {PROG} export FILE to write the annotations"
            )


def run_export(args: argparse.Namespace) -> int:
    """``entity-reader export``: annotate and write, never importing Textual."""
    from tui.export_cli import export_files

    return export_files(args)


def run_eval(args: argparse.Namespace) -> int:
    """``entity-reader eval``: score the model against gold annotations, never importing
    Textual."""
    from tui.eval_cli import evaluate

    return evaluate(args)


def served() -> bool:
    """Whether this process draws for a browser (``entity-reader serve`` started it with
    Textual's web driver), not on a terminal."""
    return os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")


def run_reader(args: argparse.Namespace) -> int:
    """``entity-reader FILE``: open the reader."""
    from extract.errors import EntityReaderError

    if args.file == "-":
        raise EntityReaderError("the reader needs a file; standard input works only with export")
    if args.file is not None and os.path.isdir(args.file):
        from tui.corpus_app import run_corpus

        return run_corpus(args, _need_terminal)
    if args.index is not None or args.backend != "local" or args.scheduler is not None:
        raise EntityReaderError("--index, --backend and --scheduler apply to a FOLDER")
    # Until the first screen is drawn, no cyclic garbage collection: starting makes hundreds
    # of thousands of objects that live as long as the reader, and collecting over them again
    # and again took a tenth of the time to the first frame. The screen turns it back on
    # (`tui.frames.first_frame`); here only if it never came (an error).
    gc.disable()
    try:
        return _open_reader(args)
    finally:
        collector.enable()


def _open_reader(args: argparse.Namespace) -> int:
    from extract.document import load, max_chars
    from extract.errors import EntityReaderError, ModelError

    if args.file is None and args.import_path is None and args.compare is None:
        reader_parser().error("the following arguments are required: FILE")
    limit = max_chars(args.max_chars)
    annotator: object
    gold = None
    if args.import_path is not None:
        from extract.importers import ImportedAnnotator, read_annotations

        if args.no_ner or args.model:
            raise EntityReaderError("--import shows annotations from a file: no model runs")
        given = None if args.file is None else load(args.file, args.format_in, limit=limit)
        imported = read_annotations(args.import_path, args.import_format, given)
        document = imported.document
        annotator = ImportedAnnotator(imported)
    else:
        if args.file is None:  # --compare alone: the model reads the text the gold carries
            gold = _read_gold(args, None)
            document = gold.document
        else:
            document = load(args.file, args.format_in, limit=limit)
        try:
            annotator = None if args.no_ner else _annotator(args)
        except ModelError as error:
            raise ModelError(
                f"{error}; or read the text without entities: {PROG} --no-ner FILE"
            ) from None
    if args.compare is not None and gold is None:
        gold = _read_gold(args, document)
    compared = _gold(gold, args.label_map)
    from tui.settings import Settings, check_theme

    settings: Settings = args.settings
    check_theme(settings)
    _need_terminal()
    from extract.corpus_rules import given_rules
    from extract.corrections import open_for

    rules = given_rules(args.rules, document.source)
    store = open_for(document.source, document.sha256, args.annotations, rules=rules)
    store.problems.extend(rules[0].problems if rules else [])
    from tui.app import ReaderApp

    app = ReaderApp(
        document,
        annotator,  # type: ignore[arg-type]
        store=store,
        gold=compared,
        keymap=settings.keys,
        theme=settings.theme,
        sidebar_width=settings.sidebar_width,
    )
    app.run()
    return app.return_code or 0


def _read_gold(args: argparse.Namespace, document: Document | None) -> Imported:
    from extract.importers import read_annotations

    return read_annotations(args.compare, args.compare_format, document)


def _gold(imported: Imported | None, label_map: str | None) -> Gold | None:
    """``--compare``: the gold read, with ``--label-map``'s names if given."""
    if imported is None:
        if label_map is not None:
            from extract.errors import EntityReaderError

            raise EntityReaderError("--label-map compares with gold: give --compare GOLD")
        return None
    from extract.evaluation import read_label_map
    from tui.comparing import Gold

    return Gold.of(imported, read_label_map(label_map) if label_map is not None else None)


def run_config(args: argparse.Namespace) -> int:
    """``entity-reader config``: the settings file's path and the settings in force."""
    from extract.errors import EntityReaderError
    from extract.ner import resolve_model
    from tui.settings import Settings, check_theme, describe

    settings: Settings = args.settings
    check_theme(settings)
    try:
        model = {"name": resolve_model(args.model).location, "source": args.model_source}
    except EntityReaderError as error:
        model = {"error": str(error)}
    write_stdout(describe(settings, model))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """``entity-reader serve``: the reader in a browser."""
    from tui.serve import serve

    return serve(args)


def run_completion(args: argparse.Namespace) -> int:
    """``entity-reader completion SHELL``: the shell code that completes the command line."""
    from tui.completion import script

    write_stdout(script(args.shell))
    return 0


RUNS = {
    "export": run_export,
    "eval": run_eval,
    "serve": run_serve,
    "config": run_config,
    "completion": run_completion,
}
"""What each command runs."""


if __name__ == "__main__":
    sys.exit(main())
