"""How far an export has come, for whoever waits for it (the reader's export dialog), and a
way to stop it: exporters call `advance` as they get through the text; a waiter that wants
to stop raises from its report (`ExportCancelled`), and nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Report = Callable[[int], None]
"""Told how many more characters of the text are done (0: nothing new, a chance to stop)."""

_REPORT: ContextVar[Report | None] = ContextVar("export_report", default=None)


class ExportCancelled(Exception):
    """Raised by a report to stop an export before it writes anything."""


@contextmanager
def reporting(report: Report) -> Iterator[None]:
    """Within the block (in this thread), exports tell ``report`` how far they have come."""
    token = _REPORT.set(report)
    try:
        yield
    finally:
        _REPORT.reset(token)


def advance(characters: int) -> None:
    """``characters`` more of the text are done; a no-op unless someone is waiting."""
    report = _REPORT.get()
    if report is not None:
        report(characters)
