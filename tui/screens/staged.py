"""`StagedScreen`: a reader's screen shown in stages, so that its text comes first, as fast
as a bare viewer's: the sidebar and the mentions panel just after the first frame (for a book
read before, with its kept view, filled at once), then the footer and the (hidden) prompts once
the first screen is all there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer, Input

from tui.frames import stamp
from tui.screens.correcting import CorrectingScreen
from tui.screens.document import DocumentScreen

if TYPE_CHECKING:
    from tui.widgets.sidebar import Sidebar

PROMPTS = {
    "search": "search the text (Enter to go, escape to cancel)",
    "goto": "go to: a line number, or a share of the text like 50% (Enter to go, escape to cancel)",
}
"""The one-line prompts at the bottom of the screen."""

PANELS_LATEST = 0.5
"""Seconds after the first frame by which the panels are mounted even if a book's kept view
has not come in yet (it takes a few tens of milliseconds)."""


class StagedScreen(CorrectingScreen):
    """The panels and the chrome of a reader, mounted after its first frame."""

    _panels_ready = False
    _chrome_asked = False
    _panels_due = False
    """The first frame is drawn: the panels are mounted once nothing kept is awaited."""
    _stamps: frozenset[str] = frozenset()
    """The benchmark's events stamped so far."""

    async def _mount_panels(self) -> None:
        # Imported here, as the dialogs are where they are asked for: the first frame has
        # none of them.
        from tui.widgets.mentions import MentionsPanel
        from tui.widgets.sidebar import Sidebar

        side = self.query_one("#side")
        if not side.is_attached or self._panels_ready:
            return
        if not self._panels_due and self._opening_kept():
            # A view kept from before is being read: the panels come with it, laid out once
            # and filled, not empty first and then laid out again.
            self._panels_due = True
            self.set_timer(PANELS_LATEST, self._mount_panels)
            return
        self._panels_ready = True
        await side.mount(
            Sidebar(id="sidebar").data_bind(DocumentScreen.reading),
            MentionsPanel(id="mentions").data_bind(DocumentScreen.reading),
        )
        self._stamp_drawn()
        self._chrome_soon()

    def _opening_kept(self) -> bool:
        """Whether the view kept from the last time is being read (see `read_cached`)."""
        progress = self.reading.progress
        return self.kept_opening and progress.cached and progress.state == "running"

    def _chrome_soon(self) -> None:
        """The footer and the prompts once the first screen is all there: just after the
        panels, or, for a book read before, once its entities are in (they come first)."""
        progress = self.reading.progress
        opening = progress.cached and progress.state == "running"
        if self._panels_ready and not opening and not self._chrome_asked:
            self._chrome_asked = True
            self.call_after_refresh(self._mount_chrome)

    async def _mount_chrome(self) -> None:
        """The footer and the (hidden) prompts, once: after the panels (`_chrome_soon`), or at
        once when a prompt is asked for before."""
        if self.query(Footer):
            return
        prompts = [Input(placeholder=hint, id=name, classes="prompt") for name, hint in PROMPTS.items()]  # fmt: skip
        footer = Footer()
        footer.compact = self.has_class("narrow")
        await self.mount(*prompts, footer)
        self.refresh_bindings()  # the footer lists the keys once told they are there

    def watch_reading(self) -> None:
        if self._panels_due and not self._panels_ready and not self._opening_kept():
            self.call_later(self._mount_panels)
        self._stamp_drawn()
        self._chrome_soon()

    def _stamp_drawn(self) -> None:
        """For the first-paint benchmark: entities (with the sidebar) and the end, once drawn."""
        if "entities" not in self._stamps and self._panels_ready and self.reading.view.entities:
            self._stamps |= {"entities"}
            self.call_after_refresh(stamp, "entities")
        if "done" not in self._stamps and self.reading.progress.finished:
            self._stamps |= {"done"}
            self.call_after_refresh(stamp, "done")

    @property
    def sidebar(self) -> Sidebar:
        from tui.widgets.sidebar import Sidebar

        return self.query_one(Sidebar)
