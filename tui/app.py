"""`ReaderApp`: the Textual application that hosts the reader screen."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen

from extract.annotator import Annotator
from extract.document import Document
from extract.positions import Positions
from tui.bindings import KEYS
from tui.key_listing import remapped
from tui.layout import plain
from tui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from extract.corrections import CorrectionStore
    from tui.comparing import Gold


def textual_keys(keys: str) -> str:
    """Keys (comma-separated) in Textual's names: a character as typed ("]", "ctrl+]") becomes
    the name Textual gives its key ("right_square_bracket"), as bindings do themselves."""
    from textual.keys import _character_to_key

    named = []
    for key in keys.split(","):
        *modifiers, last = key.strip().split("+") if key.strip() != "+" else ["+"]
        if len(last) == 1:
            last = _character_to_key(last)
        named.append("+".join([*modifiers, last]))
    return ",".join(named)


def reader_commands() -> type[Provider]:
    """The reader's commands in the palette: imported when the palette first opens."""
    from tui.commands import ReaderCommands

    return ReaderCommands


class ReaderApp(App[None]):
    """Reads one document with its entities; the annotator may be None (no model)."""

    CSS_PATH = "reader.tcss"
    TITLE = "entity-reader"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        reader_commands
    }
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        document: Document,
        annotator: Annotator | None,
        *,
        positions: Positions | None = None,
        remember: bool = True,
        store: CorrectionStore | None = None,
        keymap: Mapping[str, str] | None = None,
        gold: Gold | None = None,
        theme: str | None = None,
        sidebar_width: int | None = None,
    ) -> None:
        """``keymap`` gives other keys to actions, by their ids in `tui.bindings.KEYS`
        (``{"next_mention": "ctrl+n"}``, a key as Textual names it or as typed: ``"]"``); an
        unknown id raises ValueError. ``gold`` (``--compare``) is compared with what the reader
        shows. ``theme`` is one of Textual's themes; ``sidebar_width`` a width in columns for
        the sidebar (else 30% of the window)."""
        super().__init__()
        if theme is not None:
            self.theme = theme
        self.sidebar_width = sidebar_width
        self.document = document
        self.annotator = annotator
        self.store = store
        self.gold = gold
        self.positions = positions if positions is not None else (Positions() if remember else None)
        self.title = f"entity-reader · {document.name}"
        self.keys = remapped(keymap or {}, KEYS)
        """The keys in force: what help and the palette show."""
        if keymap:
            self.set_keymap({key_id: textual_keys(keys) for key_id, keys in keymap.items()})
        self._signals: dict[int, Any] = {}

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications often quote the document: never read them as markup, show controls.

        ``markup`` is ignored: widgets' and screens' ``notify`` pass ``markup=True`` by default.
        """
        shown = "\n".join(plain(line) for line in message.splitlines())
        super().notify(shown, title=plain(title), severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c: say how to quit (Textual's own message is markup, shown literally here)."""
        quit_key = next(key for key in self.keys if key.id == "quit")
        self.notify(f"Press {quit_key.display} to quit.", title="Do you want to quit?")

    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen(
            self.document,
            self.annotator,
            positions=self.positions,
            store=self.store,
            keys=self.keys,
            gold=self.gold,
            sidebar_width=self.sidebar_width,
        )

    STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
    """Signals that end the reader the way ``q`` does, so the terminal is given back as it was
    (main screen, cursor shown, mouse reporting off) and the position is remembered."""

    def _catch_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self.STOPPING_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                previous = signal.getsignal(number)
                loop.add_signal_handler(number, self._stop_on_signal, number)
                self._signals[number] = previous

    def _release_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for number, previous in self._signals.items():
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, TypeError):
                loop.remove_signal_handler(number)
                signal.signal(number, previous)
        self._signals.clear()

    HANGUP_GRACE = 5.0
    """Seconds a reader whose terminal went away (SIGHUP) has to close before it is ended."""

    def _stop_on_signal(self, number: int) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.save_position()
        if number == signal.SIGHUP:
            # The terminal is gone: Textual's output thread can die writing to it, and closing
            # the driver then waits on that thread for ever. The position is saved and every
            # correction was written when made: if the normal exit hangs, end the process.
            watchdog = threading.Timer(self.HANGUP_GRACE, os._exit, (128 + number,))
            watchdog.daemon = True
            watchdog.start()
        self.exit(return_code=128 + number)

    def on_unmount(self) -> None:
        self._release_signals()

    def on_mount(self) -> None:
        self._catch_signals()
        for told in self.document.notes:
            self.notify(told, title="Reading the file", severity="warning", timeout=10)
        if self.store is not None:
            for problem in self.store.problems:
                self.notify(problem, title="Corrections", severity="warning", timeout=10)
            if self.store.changed_since and self.store.log:
                self.notify(
                    "The file changed since the corrections were made: they were re-anchored "
                    "by their text.",
                    title="Corrections",
                    timeout=8,
                )
