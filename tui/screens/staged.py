"""`StagedScreen`: a reader's screen shown in stages, so that its text comes first, as fast
as a bare viewer's: the density strip, the sidebar and the mentions panel just after the first
frame (for a book read before, with its kept view's head, filled at once), then the footer, the
(hidden) prompts and the chapters once the first screen is all there.

A book read before is shown from the head of its kept view (`extract.packed.Head`: every entity
listed, the mentions of the screens around the reader's place), read on this thread just after
the first frame; the whole view is made in the background once the head is drawn. Until it is
in, anything that reads the view (a mention key, a correction, the palette, an export) first
waits for it (`settled`): tens of milliseconds at most, once. Scrolling never waits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.containers import Vertical

from tui.frames import stamp, uncollected
from tui.reading import Progress, Reading
from tui.screens.correcting import CorrectingScreen
from tui.screens.document import DocumentScreen
from tui.view import EMPTY_VIEW, View
from tui.widgets.bars import StatusBar, TopBar
from tui.widgets.density import DensityStrip

if TYPE_CHECKING:
    from textual.screen import Screen

    from extract.corrections import Correction
    from extract.index import MentionIndex
    from extract.model import Entity
    from extract.packed import KeptEntry
    from tui.screens.deriving import Landing
    from tui.widgets.sidebar import Sidebar

PROMPTS = {
    "search": "search the text (Enter to go, escape to cancel)",
    "goto": "go to: a line number, or a share of the text like 50% (Enter to go, escape to cancel)",
}
"""The one-line prompts at the bottom of the screen."""


def compact_footer(screen: Screen[None], compact: bool) -> None:
    """The footer's keys in their short form (a narrow screen) or not, once it is mounted."""
    if screen.query("Footer"):
        from textual.widgets import Footer

        for footer in screen.query(Footer):
            footer.compact = compact


NARROW = 100
"""Below this many columns the sidebar is hidden (``l`` shows it over the text)."""

PANELS_LATEST = 0.5
"""Seconds after the first frame by which the panels are mounted even if a book's kept view
has not come in yet (it takes a few tens of milliseconds)."""

HEAD_BEFORE = 20_000
"""Characters before the screen whose mentions a kept view's head holds (a few screens)."""
HEAD_AFTER = 60_000
"""Characters after the top of the screen whose mentions a kept view's head holds."""


class StagedScreen(CorrectingScreen):
    """The panels (the density strip, the sidebar, the mentions panel) and the chrome of a
    reader, mounted after its first frame."""

    sidebar_width: int | None = None
    """The sidebar's width in columns, from the settings (None: 30% of the window)."""
    _panels_ready = False
    _chrome_asked = False
    _panels_due = False
    """The first frame is drawn: the panels are mounted once nothing kept is awaited."""
    _stamps: frozenset[str] = frozenset()
    """The benchmark's events stamped so far."""
    _entry: KeptEntry | None = None
    """The kept view whose head is shown, until its whole view is taken or asked for."""
    _opened_with: tuple[Correction, ...] = ()
    """The corrections that kept view was derived with."""

    # -- a book read before: its kept view's head first ---------------------------------------

    def _begin_open(self, log: tuple[Correction, ...]) -> None:
        """A kept view's head at once (read here, a few milliseconds), the rest once it is
        drawn; anything else (no head, a view compared with gold) as `DocumentScreen` does."""
        views, text = self._views, self.document.text
        opened = None
        if views is not None and self.kept_opening and self.gold is None:
            top, bottom = self.in_view
            with uncollected():
                opened = views.head(text, log, (max(0, top - HEAD_BEFORE), bottom + HEAD_AFTER))
        if opened is None:
            super()._begin_open(log)
            return
        self._entry, head = opened
        self._opened_with = log
        view = View.of_head(head, log, self.shown)
        done = replace(self.reading.progress, state="done")
        self.reading = self.reading.with_view(view).with_progress(done)
        if self._panels_ready:
            self.call_after_refresh(self._read_rest)

    def _read_rest(self) -> None:
        """The whole of the kept view whose head is drawn, made in the background."""
        if self._entry is not None and self._derive_worker is None:
            super()._begin_open(self._opened_with)

    def settle(self) -> None:
        """While a kept view's head is shown, make its whole view (or wait for the background
        to) and take it: whatever reads the view then sees every entity."""
        entry, self._entry = self._entry, None
        views, log = self._views, self._opened_with
        if entry is None or views is None or self.reading.view.whole:
            return
        if self._derive_worker is not None:
            self._derive_worker.cancel()  # (its view, the same, is not taken twice)
        with uncollected():
            kept = views.rest(entry)
            view = None if kept is None else View.kept(kept, log, self.shown, self.gold)
        if view is None:  # corrupt after all: as if nothing was read yet, then derived
            self._cache_problems()
            total = len(self.document.text)
            opening = self.reading.with_view(EMPTY_VIEW)
            self.reading = opening.with_progress(Progress("running", 0, total, True))
            super()._begin_open(log)
            return
        self._deriving, self._mentions_read = False, False
        self._kept_key = views.key(log)
        self._take(view, complete=True)

    def settled(self) -> Reading:
        """The reading, with its whole view (see `settle`)."""
        self.settle()
        return self.reading

    @property
    def entities(self) -> list[Entity]:
        """Every entity, with the user's corrections."""
        return self.settled().view.entities

    @property
    def index(self) -> MentionIndex:
        """The mentions of the shown categories."""
        return self.settled().view.index

    def derive_edited(self, land: Landing | None = None) -> None:
        self.settle()  # (the derivation starts from every entity: the model's part of them)
        super().derive_edited(land)

    def _take(self, view: View, *, complete: bool) -> None:
        if view.whole:
            self._entry = None  # (its whole view is in, or a newer one)
        super()._take(view, complete=complete)

    # -- the panels and the chrome ------------------------------------------------------------

    async def _mount_panels(self) -> None:
        # Imported here, as the dialogs are where they are asked for: the first frame has
        # none of them.
        from tui.widgets.mentions import MentionsPanel
        from tui.widgets.sidebar import Sidebar

        if not self.is_attached or self._panels_ready:
            return
        if not self._panels_due and self._opening_kept():
            # A view kept from before is being read: the panels come with it, laid out once
            # and filled, not empty first and then laid out again.
            self._panels_due = True
            self.set_timer(PANELS_LATEST, self._mount_panels)
            return
        self._panels_ready = True
        for bar in self.query(TopBar):
            bar.allow_bar()
        side = Vertical(id="side")
        if self.sidebar_width is not None:
            side.styles.width = side.styles.min_width = side.styles.max_width = self.sidebar_width
        strip = DensityStrip(id="density")
        self._keep_room()  # (no more: they are laid out in it now)
        # Last among the screen's children: split off its right edge within the bars.
        await self.mount(side, strip.data_bind(DocumentScreen.reading, DocumentScreen.in_view))
        await side.mount(
            Sidebar(id="sidebar").data_bind(DocumentScreen.reading),
            MentionsPanel(id="mentions").data_bind(DocumentScreen.reading),
        )
        self._stamp_drawn()
        self._chrome_soon()
        self.call_after_refresh(self._read_rest)

    def _keep_room(self) -> None:
        """Until the density strip and the sidebar are mounted, the text leaves their columns
        free: it is wrapped once, at the width it keeps once they are there. Their widths as
        the style sheet gives them (keep the two in step: `#side` in reader.tcss, the strip's
        ``width: 1``): the strip's one column, and the sidebar's 30% of the screen within 26
        to 42 columns (or the settings' width), unless it is hidden."""
        article = self.article
        if self._panels_ready:
            article.styles.clear_rule("margin")
            return
        width = self.app.size.width
        side = 0
        if width >= NARROW and not self.has_class("side-hidden"):
            side = self.sidebar_width or min(max(width * 3 // 10, 26), 42)
        article.styles.margin = (0, 1 + side, 0, 0)

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
        if self.query("Footer"):
            return
        # Imported here: the first frame has neither (Textual's modules of their own).
        from textual.widgets import Footer, Input

        prompts = [Input(placeholder=hint, id=name, classes="prompt") for name, hint in PROMPTS.items()]  # fmt: skip
        footer = Footer()
        footer.compact = self.has_class("narrow")
        # Before the status line: split off the screen's bottom edge first, below it.
        await self.mount(footer, *prompts, before=self.query_one(StatusBar))
        self.refresh_bindings()  # the footer lists the keys once told they are there
        self._show_sections()

    def _show_sections(self) -> None:
        """The chapters (or pages), ticked on the density strip and numbered in the status
        line with the footer: a plain text's are found then (`extract.document.FoundLater`),
        and an EPUB's or a PDF's shown then too."""
        starts = [section.start for section in self.document.sections]
        for strip in self.query(DensityStrip):  # (none when the screen went meanwhile)
            strip.show_chapters(starts)
        for bar in self.query(StatusBar):
            bar.show_sections()

    def watch_reading(self) -> None:
        if self._panels_due and not self._panels_ready and not self._opening_kept():
            self.call_later(self._mount_panels)
        self._stamp_drawn()
        self._chrome_soon()

    def _stamp_drawn(self) -> None:
        """For the first-paint benchmark: entities (with the sidebar) and the end, once drawn."""
        if "entities" not in self._stamps and self._panels_ready and self.reading.view.listing:
            self._stamps |= {"entities"}
            self.call_after_refresh(stamp, "entities")
        if "done" not in self._stamps and self.reading.progress.finished:
            self._stamps |= {"done"}
            self.call_after_refresh(stamp, "done")

    @property
    def sidebar(self) -> Sidebar:
        from tui.widgets.sidebar import Sidebar

        return self.query_one(Sidebar)
