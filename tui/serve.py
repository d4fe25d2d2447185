"""``entity-reader serve``: the reader in a web browser, with textual-serve.

Each browser that opens the address gets its own reader process (``python -m tui FILE …``, the
corpus screen for a FOLDER), drawing through Textual's web driver; what is exported there is
handed to the browser as a download. The file (or folder) and the model are checked before the server starts, so a mistake is one
line here, not an empty page there. textual-serve has no authentication: it listens on this
machine only unless told otherwise, and says so when told.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import logging
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from extract.errors import EntityReaderError
from tui.cli import PROG, say, warn

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_local(host: str) -> bool:
    """Whether an address is this machine's alone (loopback)."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Raise a one-line error unless ``host:port`` can be listened on (now)."""
    if not 0 < port < 65536:
        raise EntityReaderError(f"--port {port} is not a port (1 to 65535)")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise EntityReaderError(f"cannot listen on {host}: {error.strerror}") from None
    family, kind, proto, _, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise EntityReaderError(_bind_failed(host, port, error)) from None


def _bind_failed(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use; choose another with --port"
    if error.errno == errno.EACCES:
        return f"port {port} on {host} needs privileges; choose one above 1023 with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def reader_command(args: argparse.Namespace) -> list[str]:
    """The command each browser's reader runs: the same reader, the same options (a FOLDER's
    own: its index and where its model runs)."""
    command = [sys.executable, "-m", "tui", str(Path(args.file).resolve())]
    folder = Path(args.file).is_dir()
    options: list[tuple[str, Any]] = [
        ("--format-in", None if args.format_in == "auto" else args.format_in),
        ("--max-chars", args.max_chars),
        ("--model", args.model),
        ("--jobs", args.jobs),
        ("--annotations", args.annotations and str(Path(args.annotations).resolve())),
        ("--rules", args.rules and str(Path(args.rules).resolve())),
        ("--config", args.config and str(Path(args.config).expanduser().resolve())),
    ]
    if folder:
        options += [
            ("--index", args.index and str(Path(args.index).resolve())),
            ("--backend", None if args.backend == "local" else args.backend),
            ("--scheduler", args.scheduler),
            ("--connect-timeout", None if args.connect_timeout == 10.0 else args.connect_timeout),
        ]
    for option, value in options:
        if value is not None:
            command += [option, str(value)]
    command += [
        flag for flag, on in (("--no-cache", args.no_cache), ("--no-ner", args.no_ner)) if on
    ]
    return command


def serve(args: argparse.Namespace) -> int:
    """Check the file, the model and the address, then serve until interrupted."""
    from extract.document import load, max_chars

    if Path(args.file).is_dir():
        from tui.corpus_app import check_corpus

        name = check_corpus(args).folder  # what cannot open is one line here, not a page there
        what = f"the documents of {name}"
    else:
        document = load(args.file, args.format_in, limit=max_chars(args.max_chars))
        if not args.no_ner:
            from extract.ner import resolve_model

            resolve_model(args.model)
        from tui.settings import check_theme

        check_theme(args.settings)
        name = what = document.name
    check_port(args.host, args.port)
    if not is_local(args.host):
        warn(
            f"listening on {args.host}: textual-serve has no authentication, so anyone who "
            f"can reach it can read {what} and use the reader (corrections, "
            "exports) as you"
        )
    server = _server(args, name)
    try:
        server.serve()
    except OSError as error:  # taken between the check and the start
        raise EntityReaderError(_bind_failed(args.host, args.port, error)) from None
    return 0


def _server(args: argparse.Namespace, name: str) -> Any:
    from textual_serve.server import Server

    class ReaderServer(Server):
        """textual-serve's server, telling what it serves in one line and logging only
        what goes wrong."""

        def initialize_logging(self) -> None:
            logging.basicConfig(level=logging.WARNING, format=f"{PROG}: %(message)s")

        async def on_startup(self, app: object) -> None:
            say(f"{PROG}: serving {name} at {self.public_url} (ctrl+c stops)")

    return ReaderServer(
        shlex.join(reader_command(args)),
        host=args.host,
        port=args.port,
        title=f"{name} · {PROG}",
        public_url=args.public_url,
    )
