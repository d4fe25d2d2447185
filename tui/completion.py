"""Shell completion with argcomplete: the script each shell sources, and the completions the
shell asks the command for (it runs ``entity-reader`` with ``_ARGCOMPLETE`` set).

The command line is one parser per command (the reader's takes a FILE where the others take
their name), so a line is completed by the parser of the command it names, read as if the
command's name were the program's; before a command is named, the reader's parser offers the
commands with the files.
"""

from __future__ import annotations

import os
from typing import Any, NoReturn

from tui.arguments import PARSERS, PROG, SUBCOMMANDS, reader_parser


def script(shell: str) -> str:
    """The code that makes ``shell`` (bash, zsh or fish) complete ``entity-reader``."""
    from argcomplete.shell_integration import shellcode

    return shellcode([PROG], shell=shell)


def _commands_and_files(prefix: str, **kwargs: Any) -> list[str]:
    """What may stand where the reader takes its FILE: a command's name, or a file."""
    from argcomplete.completers import FilesCompleter

    commands = [name for name in SUBCOMMANDS if name.startswith(prefix)]
    return commands + list(FilesCompleter()(prefix, **kwargs))


def complete() -> NoReturn:
    """Answer the shell's question (in ``$COMP_LINE``, up to ``$COMP_POINT``) and exit."""
    import argcomplete

    line = os.environ.get("COMP_LINE", "")
    point = int(os.environ.get("COMP_POINT", len(line)))
    typed = line[:point]
    words = typed.split()
    named = len(words) > 2 or (len(words) == 2 and typed[-1:].isspace())
    if named and words[1] in SUBCOMMANDS:
        # Complete the command's own arguments: the line without the command's name.
        start = line.index(words[1], line.index(words[0]) + len(words[0]))
        end = start + len(words[1])
        cut = len(line[:start].rstrip())
        os.environ["COMP_LINE"] = line[:cut] + line[end:]
        os.environ["COMP_POINT"] = str(point - (end - cut))
        parser = PARSERS[words[1]]()
    else:
        parser = reader_parser()
        for action in parser._actions:
            if action.dest == "file":
                action.completer = _commands_and_files  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser)
    os._exit(0)  # autocomplete exits itself when asked by a shell; never run the command
