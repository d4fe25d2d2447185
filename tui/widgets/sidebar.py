"""The entity sidebar: a filter box over a tree of categories and their entities."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
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
from textual.widgets.tree import TreeNode, UnknownNodeID

from extract.categories import CATEGORIES, Category
from extract.colours import Pair
from extract.model import Listed
from extract.names import fold
from tui.bindings import bindings_for
from tui.layout import plain
from tui.reading import Reading
from tui.theme import category_colour, no_color
from tui.view import View
from tui.widgets.styled import FrameStyled
from tui.widgets.tree_labels import (
    Said,
    by_first_mention,
    by_mentions,
    entity_label,
    in_order,
    section_label,
)

REBUILD_PERIOD = 2.0
"""Seconds between rebuilds while the model streams (each costs tens of ms on a long book)."""

SECTION_LIMIT = 100
"""Entities listed per section before "… more" (filtering reaches the rest)."""

COLLAPSED_BY_DEFAULT = frozenset({"date", "other"})
"""Dates and Other start collapsed; the sections of a model's other labels start open."""

NodeData = tuple[str, str]
"""("section", category key) or ("entity", entity id)."""


class EntityTree(FrameStyled, Tree[NodeData]):
    """The tree of sections and entities; letters typed here go to the filter."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("EntityTree")

    _batched = False
    _changed = False

    def process_label(self, label: TextType) -> Text:
        # Labels here are one line already (`plain` folds whitespace): not split into lines
        # again for each of the hundreds of nodes a rebuild adds.
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        # What `Tree` would measure, without drawing each label: the tree measures every line
        # whenever a node is added or removed.
        if not node.allow_expand:
            return node.label.cell_len  # type: ignore[union-attr]
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        return cell_len(icon) + node.label.cell_len  # type: ignore[union-attr]

    def set_open(self, node: TreeNode[NodeData], expanded: bool, expandable: bool) -> None:
        """Open or close ``node`` as the sidebar lists it, telling no one: `expand` and
        `collapse` post the messages a reader's own click does, and the sidebar remembers
        those as the reader's choice."""
        if node.is_expanded != expanded or node.allow_expand != expandable:
            node._expanded = expanded
            node.allow_expand = expandable
            self._invalidate()

    def holds(self, node: TreeNode[NodeData]) -> bool:
        """Whether ``node`` is still in the tree."""
        try:
            return self.get_node_by_id(node.id) is node
        except UnknownNodeID:
            return False

    def _invalidate(self) -> None:
        if self._batched:
            self._changed = True  # once, when the batch is done
        else:
            super()._invalidate()

    @contextmanager
    def many_changes(self) -> Iterator[None]:
        """Nodes added and removed together: the tree's caches cleared and its lines made
        again once at the end (if anything changed), not after each of the hundreds a long
        book's list may add; every node then has its line, so the cursor can go to it."""
        self._batched, self._changed = True, False
        try:
            yield
        finally:
            self._batched = False
            if self._changed:
                self._invalidate()
                self._build()

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
        self._entities: list[Listed] = []
        self._shown: frozenset[str] = frozenset(c.key for c in CATEGORIES)
        self._sections: list[Category] = list(CATEGORIES)
        self._colours: dict[str, Pair] = {}
        self.by_first = False
        self._listed: tuple[View, bool] | None = None
        self._built = 0.0
        self._timer: Timer | None = None
        self._expanded: dict[str, bool] = {}
        self._filter = ""
        self._unfilled: dict[str, list[Listed]] = {}
        self._said: dict[NodeData, Said] = {}
        """What each node's label says (see `Said`)."""
        self._partial = False
        """Only the entries on screen are listed yet: the rest follow the next frame."""

    def compose(self) -> ComposeResult:
        # Letters typed in the tree start the filter: selecting them on focus would lose them.
        yield Input(placeholder="filter entities", id="entity-filter", select_on_focus=False)
        # The root's label as text, not markup: reading markup the first time imports Rich's
        # table of emoji codes (milliseconds), for a label that is never shown.
        tree: EntityTree = EntityTree(Text("entities"), id="entity-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def entity_tree(self) -> EntityTree:
        return self.query_one(EntityTree)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda: self._rebuild(), init=False)

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
        self._entities = reading.view.listing
        self._shown = reading.shown
        self._sections = reading.view.sections
        self._colours = reading.view.colours
        self.by_first = reading.by_first
        self._built = time.monotonic()
        # A first listing lists only what shows (a screenful): a long book's hundreds of
        # entries follow just after that frame, in place (`_complete`).
        self._rebuild(staged=not self.entity_tree.root.children)

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
                with self.entity_tree.many_changes():
                    self._fill(event.node, members, None)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        data = event.node.data
        if data is not None and data[0] == "entity":
            event.stop()
            self.post_message(self.EntityChosen(data[1]))

    def _rebuild(self, *, staged: bool = False) -> None:
        """Bring the tree in step with what is to be listed. Only the sections and entries
        that changed are touched: expansion, cursor and scroll stay as they are, and a new
        view with a few entities changed costs little on a book of thousands. ``staged``:
        list the entries a screen shows now, the others after the next frame."""
        if not self.query(EntityTree):
            return  # a timer or the theme after the reader began closing
        tree = self.entity_tree
        cursor = tree.cursor_node if tree.cursor_line >= 0 else None
        rows = (tree.size.height or self.app.size.height) if staged else None
        with tree.many_changes():
            partial = self._sync(tree, rows)
        if partial and not self._partial:
            # Once the frame with the first entries is drawn (not before its other callbacks).
            self.call_after_refresh(self.call_later, self._complete)
        self._partial = partial
        if cursor is not None and not tree.holds(cursor):
            # Its entry went: onto the entity's new one (it moved), else nowhere, as a sidebar
            # made afresh has no cursor until an entity listed becomes current.
            again = self._node_of(cursor.data)
            if again is not None:
                tree.move_cursor(again)
            else:
                tree.unselect()

    def _complete(self) -> None:
        """The entries left out of a first listing (`_rebuild`), and the cursor on the current
        entity if its entry was one of them."""
        if not self._partial:
            return  # listed in full since (a new view, the filter)
        self._rebuild()
        reading = self.reading
        if reading is not None and reading.entity is not None:
            self.select_entity(reading.entity.id)

    def _sync(self, tree: EntityTree, rows: int | None = None) -> bool:
        """List every section; with ``rows``, only as many lines as that (the sections' own
        lines, then their entries in order). Whether any entry was left out."""
        partial = False
        dark = self.app.current_theme.dark
        wanted = self._filter
        members_of: dict[str, list[Listed]] = {}
        for entity in self._entities:
            members_of.setdefault(entity.category, []).append(entity)
        listed = [c for c in self._sections if c.key in self._shown]
        keys = {c.key for c in listed}
        for node in list(tree.root.children):
            if node.data is None or node.data[1] not in keys:
                self._drop(node)
        self._unfilled.clear()
        for position, category in enumerate(listed):
            members = members_of.get(category.key, [])
            if wanted:
                members = [e for e in members if wanted in fold(e.name)]
            members.sort(key=by_first_mention if self.by_first else by_mentions)
            data = ("section", category.key)
            said: Said = (plain(category.title), len(members), self._section_style(category.key, dark))  # fmt: skip
            section = self._node_of(data)
            if section is not None and tree.root.children[position] is not section:
                self._drop(section)  # (sections keep their order: not expected)
                section = None
            if section is None:
                section = tree.root.add(section_label(said), data=data, before=position)
            elif self._said.get(data) != said:
                section.set_label(section_label(said))
            self._said[data] = said
            opened = self._expanded.get(category.key, category.key not in COLLAPSED_BY_DEFAULT)
            tree.set_open(section, opened or bool(wanted), bool(members))
            if section.is_expanded:
                room = None if rows is None else max(0, rows - position - 1)
                partial |= self._fill(section, members, room)
                if rows is not None:
                    rows -= len(section.children)
            else:
                # Collapsed sections get their entries when opened: cheaper on big books.
                for node in list(section.children):
                    self._drop(node)
                self._unfilled[category.key] = members
        return partial

    def _fill(self, section: TreeNode[NodeData], members: list[Listed], room: int | None) -> bool:
        """A section's entries made to list ``members``: those of entities no longer listed
        removed, the fewest moved (taken out and added again where they go), the others
        kept, their labels made again only where the name, the count or the ✎ changed.
        With ``room``, only the first entries that fit in so many lines (the rest and the
        "… more" line are for later): whether any was left out."""
        listed = members[:SECTION_LIMIT]
        if room is not None and room < len(listed):
            listed = members[:room]
        else:
            room = None
        place = {entity.id: n for n, entity in enumerate(listed)}
        entries = [n for n in section.children if n.data is not None and n.data[1] in place]
        kept = set(map(id, in_order(entries, [place[n.data[1]] for n in entries])))  # type: ignore[index]
        more = len(members) - SECTION_LIMIT if room is None else 0
        if more > 0 and section.children and section.children[-1].data is None:
            kept.add(id(section.children[-1]))  # the "… more" line, last
        for node in list(section.children):
            if id(node) not in kept:
                self._drop(node)
        children = section.children
        for n, entity in enumerate(listed):
            data = ("entity", entity.id)
            said: Said = (entity.name, entity.mention_count, entity.edited)
            entry = children[n] if n < len(children) else None
            if entry is None or entry.data != data:
                section.add_leaf(entity_label(said), data=data, before=n)
                children = section.children
            elif self._said.get(data) != said:
                entry.set_label(entity_label(said))
            self._said[data] = said
        if more > 0:
            line = Text(f"… {more} more: type to filter", style="dim italic")
            last = children[-1]
            if last.data is not None:
                section.add_leaf(line)
            elif last.label != line:
                last.set_label(line)
        return room is not None

    def _drop(self, node: TreeNode[NodeData]) -> None:
        """Take a node (with its entries) out of the tree, and what their labels said."""
        for child in node.children:
            self._said.pop(child.data, None)  # type: ignore[arg-type]
        self._said.pop(node.data, None)  # type: ignore[arg-type]
        node.remove()

    def _node_of(self, data: NodeData | None) -> TreeNode[NodeData] | None:
        """The node of ``data``: a section, or an entity listed in an open section."""
        if data is None:
            return None
        for section in self.entity_tree.root.children:
            if section.data == data:
                return section
            if data[0] == "entity" and section.is_expanded:
                for node in section.children:
                    if node.data == data:
                        return node
        return None

    def _section_style(self, category: str, dark: bool) -> str:
        if no_color():
            return "bold underline"
        return f"bold on {category_colour(category, dark, generated=self._colours)}"

    def select_entity(self, entity_id: str) -> None:
        """Move the tree cursor onto an entity when it is listed in an open section; else
        the cursor leaves the entity it was on."""
        tree = self.entity_tree
        node = self._node_of(("entity", entity_id))
        if node is None:
            tree.unselect()
        elif tree.cursor_node is not node or tree.cursor_line < 0:
            tree.move_cursor(node)
