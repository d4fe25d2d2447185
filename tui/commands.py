"""The command palette: the reader's commands from the key list, a toggle for each section
past the built-in six (no key of their own), and entities by name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType

from extract.categories import CATEGORIES, section
from tui.layout import plain

if TYPE_CHECKING:
    from tui.screens.reader import ReaderScreen

ENTITY_HITS = 3000
"""Entities searched by name in the palette (the most mentioned)."""

TOGGLES = {f"toggle_category({n})": category for n, category in enumerate(CATEGORIES, start=1)}


class ReaderCommands(Provider):
    """Every command of the key list that has a palette title, then the entities by name."""

    def _reader(self) -> ReaderScreen | None:
        from tui.screens.reader import ReaderScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen
        return None

    def _commands(
        self, reader: ReaderScreen
    ) -> Iterator[tuple[str, str, IgnoreReturnCallbackType]]:
        """(name, help, callback) of each command on offer."""
        for key in reader.keys:
            if not key.title or not reader.offers(key):
                continue
            name = key.title
            category = TOGGLES.get(key.action)
            if category is not None:  # says what it will do now
                state = "Hide" if category.key in reader.shown else "Show"
                name = f"{state} {category.title}"
            help_text = f"{key.display}: {key.description}" if key.keys else key.description
            yield name, help_text, partial(reader.command, key.action)
        for category in reader.reading.view.sections:
            if category.builtin:
                continue
            title = plain(category.title)  # a label from the user's model: literal, visible
            state = "Hide" if category.key in reader.shown else "Show"
            yield (
                f"{state} {title}",
                f"show or hide the {title} section (its labels: {plain(', '.join(category.labels))})",
                partial(reader.toggle_section, category.key),
            )

    async def discover(self) -> Hits:
        reader = self._reader()
        if reader is None:
            return
        for name, help_text, callback in self._commands(reader):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        reader = self._reader()
        if reader is None:
            return
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands(reader):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        popular = sorted(reader.entities, key=lambda e: -len(e.mentions))[:ENTITY_HITS]
        for entity in popular:
            if entity.category not in reader.shown:
                continue
            name = plain(entity.name)  # document text: never raw controls on screen
            score = matcher.match(name)
            if score > 0:
                detail = (
                    f"{plain(section(entity.category).singular)} · {len(entity.mentions)} "
                    f"mention{'' if len(entity.mentions) == 1 else 's'}"
                )
                yield Hit(
                    score * 0.9,
                    matcher.highlight(name),
                    partial(reader.choose_entity, entity.id),
                    help=f"go to · {detail}",
                )
