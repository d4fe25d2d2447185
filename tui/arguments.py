"""The command line's arguments: the parsers of ``entity-reader FILE``, ``export``, ``eval``,
``serve``, ``config`` and ``completion``.

Their help lists the input formats, the export formats and the reader's keys (as the settings
remap them) from their registries, read only when help is printed or an option is checked
(what the first frame does not need is not imported for it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from tui.options import (
    PROG as PROG,
)
from tui.options import (
    add_config_option,
    add_corpus_options,
    add_corrections_options,
    add_format_in_option,
    add_input_options,
    add_model_options,
    model_option,
)
from tui.visible import visible

SUBCOMMANDS: tuple[str, ...] = ("export", "eval", "serve", "config", "completion")
"""The words that name a command instead of a file to read."""

SHELLS: tuple[str, ...] = ("bash", "zsh", "fish")
"""The shells ``entity-reader completion`` writes a script for."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr."""

    epilog_later: Callable[[], str] | None = None
    """Makes the epilog when help is printed (it lists formats and keys, slow to import)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, visible(f"{PROG}: error: {message} (see {self.prog} --help)") + "\n")

    def format_help(self) -> str:
        if self.epilog_later is not None:
            self.epilog = self.epilog_later()
        return super().format_help()


class _Later:
    """Choices read from a registry only when an option is used or help is printed."""

    def __init__(self, names: Callable[[], list[str]]) -> None:
        self._names = names

    def __contains__(self, value: object) -> bool:
        return value in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


class _Version(argparse.Action):
    """``--version``: the installed package's, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        from extract import __version__

        print(f"{PROG} {__version__}")
        parser.exit(0)


def _input_formats_help() -> str:
    from extract.formats import formats_help

    return f"input formats (--format-in; auto: by content, then by extension):\n{formats_help()}"


def _add_import_options(parser: argparse.ArgumentParser, *, what: str) -> None:
    parser.add_argument(
        "--import",
        dest="import_path",
        metavar="PATH",
        help=f"{what} the annotations in PATH instead of running the model: any format "
        "export writes but csv and html (a brat .ann with its .txt); onto FILE, or onto the "
        "text PATH carries when FILE is left out (CoNLL carries none)",
    )
    _add_import_format_option(parser, "the --import file")


def _import_formats() -> list[str]:
    from extract.importers import IMPORTERS

    return ["auto", *IMPORTERS]


def _add_import_format_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--import-format",
        default="auto",
        choices=_Later(_import_formats),
        metavar="F",
        help=f"read {what} as this format: auto (the default: by extension and content), or "
        "one of the export formats but csv and html",
    )


def _formats_help() -> str:
    from extract.exporters import FORMATS

    width = max(len(name) for name in FORMATS)
    return "\n".join(f"  {name:<{width}}  {fmt.description}" for name, fmt in FORMATS.items())


def _remapped_keys_help(config: str | None) -> str:
    """The reader's keys for ``--help``, as the settings file remaps them (the defaults if it
    cannot be read: help is never an error)."""
    from extract.errors import EntityReaderError
    from tui.bindings import KEYS
    from tui.key_listing import keys_help, remapped
    from tui.settings import load

    try:
        keymap = load(config).keys
    except EntityReaderError:
        keymap = {}
    return keys_help(remapped(keymap, KEYS))


def reader_parser(config: str | None = None) -> argparse.ArgumentParser:
    """Arguments of ``entity-reader FILE``; its help shows the keys as the settings file
    (``config``, else the default one) remaps them."""
    from extract.formats import titles

    def keys_help() -> str:
        return _remapped_keys_help(config)

    parser = _Parser(
        prog=PROG,
        description="Read a text with its named entities highlighted, listed and navigable.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_later = lambda: (
        f"a corpus:\n  {PROG} FOLDER [--index PATH] [--rules PATH] [--backend local|dask]\n\n"
        f"export:\n  {PROG} export FILE... --format F [-o PATH|-] [--out-dir DIR]\n"
        f"  (see {PROG} export --help)\n\n"
        f"evaluate the model against gold annotations:\n  {PROG} eval GOLD... "
        f"[--text FILE] [--json]\n  (see {PROG} eval --help)\n\n"
        f"read in a browser:\n  {PROG} serve FILE|FOLDER [--host 127.0.0.1] [--port 8000]\n"
        f"  (see {PROG} serve --help)\n\n"
        f"settings:\n  {PROG} config   prints the settings file's path and the settings in "
        f"force\n\n"
        f"shell completion:\n  {PROG} completion bash|zsh|fish   prints the script to "
        "source\n\n"
        f"{_input_formats_help()}\n\n"
        f"export formats:\n{_formats_help()}\n\n"
        f"keys in the reader:\n{keys_help()}"
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help=f"the text to read: {titles()} (optional with --import, or --compare); or a "
        "FOLDER of them, read as a corpus: its documents and the entities across them",
    )
    add_input_options(parser)
    add_corpus_options(parser, "with a FOLDER")
    add_model_options(parser)
    add_corrections_options(parser)
    parser.add_argument(
        "--no-ner", action="store_true", help="show the text without running the model"
    )
    _add_import_options(parser, what="show")
    _add_compare_options(parser)
    add_config_option(parser)
    return parser


def _add_compare_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare",
        metavar="GOLD",
        help="compare what the reader shows with gold annotations in GOLD (any format --import "
        "reads, onto FILE or the text GOLD carries): agreements and disagreements marked, "
        "] and [ through the disagreements, P/R/F1 in a summary line",
    )
    parser.add_argument(
        "--compare-format",
        default="auto",
        choices=_Later(_import_formats),
        metavar="F",
        help="read GOLD as this format (default: auto, by extension and content)",
    )
    _add_label_map_option(parser)


def export_parser() -> argparse.ArgumentParser:
    """Arguments of ``entity-reader export``."""
    from extract.exporters import FORMATS

    parser = _Parser(
        prog=f"{PROG} export",
        description="Write the annotations of one or more texts in a format NLP tools read.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_later = lambda: (
        f"formats:\n{_formats_help()}\n\n{_input_formats_help()}\n\n"
        "FILE may be - for standard input. A FOLDER is read recursively (its documents, by "
        "extension and content; hidden files and earlier exports left out) and needs "
        "--out-dir, which mirrors its tree."
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "files",
        metavar="FILE",
        nargs="*",
        help="texts or folders of texts to annotate (with --import, the one text the "
        "annotations belong to; optional when the file carries its text)",
    )
    parser.add_argument(
        "--format",
        "-f",
        default="json",
        choices=list(FORMATS),
        metavar="F",
        help="output format (default: json; the formats are listed below)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file to write, or - for standard output (the default for text formats)",
    )
    parser.add_argument(
        "--out-dir",
        metavar="DIR",
        type=Path,
        help="write one export per document into DIR, mirroring the folders given, with a "
        "manifest; a rerun skips documents whose export is current (needed for several files "
        "and for folders)",
    )
    add_corpus_options(parser, "with --out-dir")
    splitting = ", ".join(name for name, fmt in FORMATS.items() if fmt.splits)
    parser.add_argument(
        "--split",
        choices=["paragraph", "section"],
        help="one record per paragraph, or per chapter or page (EPUB, PDF), instead of one "
        f"per document ({splitting})",
    )
    parser.add_argument(
        "--no-formula-guard",
        dest="formula_guard",
        action="store_false",
        help="csv: write cells exactly, for programs (by default a text cell a spreadsheet "
        "would run as a formula gets a leading ')",
    )
    parser.add_argument(
        "--labelstudio-as",
        choices=["predictions", "annotations"],
        default="predictions",
        help="labelstudio: results as predictions to review (default) or as annotations",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a companion file that exists with other content (brat's NAME.txt "
        "beside NAME.ann); the file -o names is always replaced",
    )
    add_input_options(parser)
    add_model_options(parser)
    add_corrections_options(parser)
    _add_import_options(parser, what="export")
    add_config_option(parser)
    return parser


def _add_label_map_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--label-map",
        metavar="FILE",
        help='labels to compare as: JSON {"GOLD-OR-MODEL-LABEL": "NAME", …} (null leaves '
        "a label out) or lines of LABEL NAME",
    )


def eval_parser() -> argparse.ArgumentParser:
    """Arguments of ``entity-reader eval``."""
    parser = _Parser(
        prog=f"{PROG} eval",
        description="Score what the reader shows (the model's entities, grouped, with your "
        "corrections) against gold annotations: precision, recall and F1 per label and "
        "overall, strict (same span and label) and lenient (overlapping span, same label).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_later = lambda: (
        "Gold files may be in any format --import reads; each carries its text, or give "
        "--text FILE (CoNLL carries none). Gold labels the model does not use (CoNLL-2003's "
        "PER/LOC/ORG/MISC, LitBank's PER/GPE/LOC/FAC/VEH, …) are compared by category "
        "(person, place, organisation, …); --label-map sets another mapping.\n\n"
        f"{_input_formats_help()}"
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument("gold", metavar="GOLD", nargs="+", help="gold annotation files")
    parser.add_argument(
        "--text",
        metavar="FILE",
        help="the document the gold files annotate (default: the text each carries)",
    )
    _add_label_map_option(parser)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    _add_import_format_option(parser, "the gold files")
    add_format_in_option(parser, "the --text FILE")
    add_model_options(parser)
    add_config_option(parser)
    return parser


def serve_parser() -> argparse.ArgumentParser:
    """Arguments of ``entity-reader serve``."""
    from extract.formats import titles

    parser = _Parser(
        prog=f"{PROG} serve",
        description="Serve the reader to a web browser (with textual-serve): each browser "
        "that opens the address gets its own reader on FILE (or corpus screen on FOLDER). "
        "Exports made there are downloaded by the browser.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_later = lambda: (
        "textual-serve has no authentication: anyone who can reach the address can read "
        "FILE (or FOLDER) and use the reader (corrections, exports) as you. It listens on 127.0.0.1, "
        "this machine only, unless --host says otherwise (then a warning says so).\n\n"
        f"{_input_formats_help()}"
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "file",
        metavar="FILE|FOLDER",
        help=f"the text to read: {titles()}; or a folder of them, read as a corpus",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers reach it at, when it is not http://HOST:PORT (behind a "
        "proxy, or with --host 0.0.0.0)",
    )
    add_input_options(parser)
    add_model_options(parser)
    add_corrections_options(parser)
    parser.add_argument(
        "--no-ner", action="store_true", help="show the text without running the model"
    )
    add_corpus_options(parser, "with a FOLDER")
    add_config_option(parser)
    return parser


def config_parser() -> argparse.ArgumentParser:
    """Arguments of ``entity-reader config``."""
    parser = _Parser(
        prog=f"{PROG} config",
        description="Print the settings file's path and the settings in force, as TOML: the "
        "model (--model, else $ENTITY_READER_MODEL, else the settings', else the best "
        "installed), the theme, the sidebar's width, labels moved to other sections, colours, "
        "and every key of the reader by its action id (what [keys] remaps).",
    )
    parser.add_argument("--version", action=_Version)
    model_option(parser)
    add_config_option(parser)
    return parser


def completion_parser() -> argparse.ArgumentParser:
    """Arguments of ``entity-reader completion``."""
    parser = _Parser(
        prog=f"{PROG} completion",
        description="Print the shell code that completes entity-reader's commands, options, "
        "formats and files (argcomplete).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_later = lambda: (
        'bash, in ~/.bashrc:   eval "$(entity-reader completion bash)"\n'
        'zsh, in ~/.zshrc:     eval "$(entity-reader completion zsh)"   (after compinit)\n'
        "fish:                 entity-reader completion fish > "
        "~/.config/fish/completions/entity-reader.fish"
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    return parser


PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "export": export_parser,
    "eval": eval_parser,
    "serve": serve_parser,
    "config": config_parser,
    "completion": completion_parser,
}
"""The parser of each command."""
