"""The entity sidebar: a filter box over a tree of categories and their entities."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import ClassVar

from rich.text import Text, TextType
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from extract.categories import CATEGORIES, Category
from extract.colours import Pair
from extract.model import Entity
from extract.names import fold
from tui.bindings import bindings_for
from tui.layout import plain
from tui.reading import Reading
from tui.theme import category_colour, no_color
from tui.view import View

REBUILD_PERIOD = 2.0
"""Seconds between rebuilds while the model streams (each costs tens of ms on a long book)."""

SECTION_LIMIT = 100
"""Entities listed per section before "… more" (filtering reaches the rest)."""

COLLAPSED_BY_DEFAULT = frozenset({"date", "other"})
"""Dates and Other start collapsed; the sections of a model's other labels start open."""

_source = attrgetter("source")

NodeData = tuple[str, str]
"""("section", category key) or ("entity", entity id)."""


class EntityTree(Tree[NodeData]):
    """The tree of sections and entities; letters typed here go to the filter."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("EntityTree")

    _batched = False

    def process_label(self, label: TextType) -> Text:
        # Labels here are one line already (`plain` folds whitespace): not split into lines
        # again for each of the hundreds of nodes a rebuild adds.
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def _invalidate(self) -> None:
        if not self._batched:  # else once, when the batch is done
            super()._invalidate()

    @contextmanager
    def many_changes(self) -> Iterator[None]:
        """Nodes added and removed together, with the tree's caches cleared and the tree
        redrawn once at the end, not after each of the hundreds a rebuild adds."""
        self._batched = True
        try:
            yield
        finally:
            self._batched = False
            self._invalidate()

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isalpha() and len(event.character) == 1:
            sidebar = self.query_ancestor(Sidebar)
            event.stop()
            event.prevent_default()
            sidebar.type_into_filter(event.character)


class Sidebar(Vertical):
    """People, organisations, places, figures, a section for each label none of these holds
    (a model's DISEASE), dates and other, with counts.

    While the model streams, the list is rebuilt at most every `REBUILD_PERIOD` seconds.
    """

    DEFAULT_CSS = """
    Sidebar > Input { height: 3; }
    Sidebar > EntityTree { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("Sidebar")

    reading: var[Reading | None] = var(None, init=False)
    """What is read: its entities in the shown categories are listed, the current one marked."""

    @dataclass
    class EntityChosen(Message):
        """The reader chose an entity (Enter or click)."""

        entity_id: str

    class Left(Message):
        """The reader is done with the sidebar (escape on an empty filter)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entities: list[Entity] = []
        self._shown: frozenset[str] = frozenset(c.key for c in CATEGORIES)
        self._sections: list[Category] = list(CATEGORIES)
        self._colours: dict[str, Pair] = {}
        self.by_first = False
        self._listed: tuple[View, bool] | None = None
        self._built = 0.0
        self._timer: Timer | None = None
        self._expanded: dict[str, bool] = {}
        self._filter = ""
        self._unfilled: dict[str, list[Entity]] = {}

    def compose(self) -> ComposeResult:
        # Letters typed in the tree start the filter: selecting them on focus would lose them.
        yield Input(placeholder="filter entities", id="entity-filter", select_on_focus=False)
        tree: EntityTree = EntityTree("entities", id="entity-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def entity_tree(self) -> EntityTree:
        return self.query_one(EntityTree)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._rebuild, init=False)

    def watch_reading(self, old: Reading | None, new: Reading | None) -> None:
        if new is None or not self.query(EntityTree):
            return  # not composed yet, or taken down already (the reader is closing)
        before = self._listed
        if before is None or new.view is not before[0] or new.by_first != before[1]:
            reordered = before is not None and new.by_first != before[1]
            streaming = before is not None and not new.progress.finished
            self._list(now=reordered or not streaming)
        entity = new.entity
        if entity is not None and (old is None or old.entity is None or old.entity.id != entity.id):
            self.select_entity(entity.id)

    def _list(self, *, now: bool) -> None:
        """List the reading's entities: at once, or at most every `REBUILD_PERIOD` seconds."""
        wait = REBUILD_PERIOD - (time.monotonic() - self._built)
        if not now and wait > 0:
            if self._timer is None:
                self._timer = self.set_timer(wait, lambda: self._list(now=True))
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        reading = self.reading
        if reading is None:
            return
        self._listed = (reading.view, reading.by_first)
        self._entities = reading.view.entities
        self._shown = reading.shown
        self._sections = reading.view.sections
        self._colours = reading.view.colours
        self.by_first = reading.by_first
        self._built = time.monotonic()
        self._rebuild()

    def type_into_filter(self, character: str) -> None:
        box = self.query_one(Input)
        box.value += character
        box.cursor_position = len(box.value)
        box.focus()

    def action_clear_filter(self) -> None:
        """Empty the filter box and go back to the list; when it is empty already, leave."""
        box = self.query_one(Input)
        if box.value:
            box.value = ""
            self.entity_tree.focus()
        else:
            self.post_message(self.Left())

    def action_to_list(self) -> None:
        """From the filter box to the list, on its first entity."""
        tree = self.entity_tree
        tree.focus()
        first = self._first_listed()
        if first is not None and (tree.cursor_node is None or tree.cursor_line < 0):
            tree.move_cursor(first)

    def _first_listed(self) -> TreeNode[NodeData] | None:
        for section in self.entity_tree.root.children:
            for node in section.children:
                if node.data is not None and node.data[0] == "entity":
                    return node
        return None

    @on(Input.Changed, "#entity-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = fold(event.value)
        self._rebuild()

    @on(Input.Submitted, "#entity-filter")
    def _filter_submitted(self) -> None:
        self.action_choose_first()

    def action_choose_first(self) -> None:
        """Go to the first entity the filter leaves (at once, as Enter in a search box does)."""
        first = self._first_listed()
        if first is not None and first.data is not None:
            self.post_message(self.EntityChosen(first.data[1]))
            return
        wanted = self.query_one(Input).value
        self.notify(f"No entity shown matches {wanted!r}.", severity="warning", timeout=3)

    @on(Tree.NodeExpanded)
    @on(Tree.NodeCollapsed)
    def _remember(self, event: Tree.NodeExpanded[NodeData] | Tree.NodeCollapsed[NodeData]) -> None:
        data = event.node.data
        if data is not None and data[0] == "section":
            self._expanded[data[1]] = event.node.is_expanded
            members = self._unfilled.pop(data[1], None)
            if members is not None and event.node.is_expanded:
                self._fill(event.node, members)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        data = event.node.data
        if data is not None and data[0] == "entity":
            event.stop()
            self.post_message(self.EntityChosen(data[1]))

    def _rebuild(self) -> None:
        if not self.query(EntityTree):
            return  # a timer or the theme after the reader began closing
        tree = self.entity_tree
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        with tree.many_changes():
            restore = self._refill(tree, cursor)
        if restore is not None:
            tree.move_cursor(restore)

    def _refill(self, tree: EntityTree, cursor: NodeData | None) -> TreeNode[NodeData] | None:
        """The tree's sections and entries made again; the node to put the cursor back on."""
        dark = self.app.current_theme.dark
        wanted = self._filter
        tree.clear()
        self._unfilled.clear()
        restore: TreeNode[NodeData] | None = None
        for category in self._sections:
            if category.key not in self._shown:
                continue
            members = [e for e in self._entities if e.category == category.key]
            if wanted:
                members = [e for e in members if wanted in fold(e.name)]
            if self.by_first:
                members.sort(key=lambda e: e.first)
            else:
                members.sort(key=lambda e: (-len(e.mentions), e.first))
            label = Text.assemble(
                (f" {plain(category.title)} ", self._section_style(category.key, dark)),
                (f" {len(members)}", "dim"),
            )
            opened = self._expanded.get(category.key, category.key not in COLLAPSED_BY_DEFAULT)
            expand = opened or bool(wanted)
            section = tree.root.add(
                label, data=("section", category.key), expand=expand, allow_expand=bool(members)
            )
            if expand:
                found = self._fill(section, members, cursor)
                restore = found or restore
            else:
                # Collapsed sections get their entries when opened: cheaper on big books.
                self._unfilled[category.key] = members
            if cursor == ("section", category.key):
                restore = section
        return restore

    def _fill(
        self, section: TreeNode[NodeData], members: list[Entity], cursor: NodeData | None = None
    ) -> TreeNode[NodeData] | None:
        found = None
        for entity in members[:SECTION_LIMIT]:
            node = section.add_leaf(self._entity_label(entity), data=("entity", entity.id))
            if cursor == ("entity", entity.id):
                found = node
        if len(members) > SECTION_LIMIT:
            more = len(members) - SECTION_LIMIT
            section.add_leaf(Text(f"… {more} more: type to filter", style="dim italic"))
        return found

    def _section_style(self, category: str, dark: bool) -> str:
        if no_color():
            return "bold underline"
        return f"bold on {category_colour(category, dark, generated=self._colours)}"

    @staticmethod
    def _entity_label(entity: Entity) -> Text:
        label = Text(plain(entity.name), overflow="ellipsis", no_wrap=True)
        label.append(f"  {len(entity.mentions)}", style="dim")
        if "user" in map(_source, entity.mentions):  # (not `sources`: a set of every one)
            label.append(" ✎", style="italic")
        return label

    def select_entity(self, entity_id: str) -> None:
        """Move the tree cursor onto an entity, when it is listed in an open section."""
        tree = self.entity_tree
        for section in tree.root.children:
            if not section.is_expanded:
                continue
            for node in section.children:
                if node.data == ("entity", entity_id):
                    if tree.cursor_node is not node:
                        tree.move_cursor(node)
                    return
