"""The command palette: go to an entity, toggle categories, and every other action."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from extract.categories import CATEGORIES, CATEGORY_BY_KEY
from tui.layout import plain

if TYPE_CHECKING:
    from tui.screens.reader import ReaderScreen

ENTITY_HITS = 3000
"""Entities searched by name in the palette (the most mentioned)."""


class ReaderCommands(Provider):
    """Commands of the reader screen."""

    def _reader(self) -> ReaderScreen | None:
        from tui.screens.reader import ReaderScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen
        return None

    def _commands(self, reader: ReaderScreen) -> list[tuple[str, str, object]]:
        commands: list[tuple[str, str, object]] = [
            ("Go to entity…", "choose an entity by name and jump to it", reader.action_goto_entity),
            ("Next mention", "]: next mention of any shown entity", reader.action_next_mention),
            (
                "Previous mention",
                "[: previous mention of any shown entity",
                reader.action_previous_mention,
            ),
            ("Search the text", "/: search forward, case-insensitive", reader.action_search),
            ("Sidebar order", "o: by count or by first appearance", reader.action_toggle_order),
            (
                "Export annotations…",
                "e: write them in a format NLP tools read",
                reader.action_export,
            ),
            ("Help: keys", "?: every key of the reader", reader.action_help),
        ]
        if reader.document.sections:
            kind = reader.document.sections[0].kind
            commands.insert(
                1,
                (
                    f"Go to {kind}…",
                    f"c: choose a {kind} and read from its start",
                    reader.action_goto_section,
                ),
            )
        for number, category in enumerate(CATEGORIES, start=1):
            state = "Hide" if category.key in reader.shown else "Show"
            commands.append(
                (
                    f"{state} {category.title}",
                    f"{number}: {category.title.lower()} highlights and sidebar section",
                    partial(reader.action_toggle_category, number),
                )
            )
        return commands

    async def discover(self) -> Hits:
        reader = self._reader()
        if reader is None:
            return
        for name, help_text, callback in self._commands(reader):
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        reader = self._reader()
        if reader is None:
            return
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands(reader):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]
        popular = sorted(reader.entities, key=lambda e: -len(e.mentions))[:ENTITY_HITS]
        for entity in popular:
            if entity.category not in reader.shown:
                continue
            name = plain(entity.name)  # document text: never raw controls on screen
            score = matcher.match(name)
            if score > 0:
                detail = (
                    f"{CATEGORY_BY_KEY[entity.category].singular} · {len(entity.mentions)} "
                    f"mention{'' if len(entity.mentions) == 1 else 's'}"
                )
                yield Hit(
                    score * 0.9,
                    matcher.highlight(name),
                    partial(reader.choose_entity, entity.id),
                    help=f"go to · {detail}",
                )
