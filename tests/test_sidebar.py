"""The sidebar follows each new view in place: after any series of views it lists exactly what
a sidebar made from the last view alone lists (sections, entries, labels, order, expansion,
cursor), and what did not change keeps its entry, its place on screen and the cursor."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets.tree import TreeNode

from extract.model import Entity, Mention, MentionSource
from tui.reading import Progress, Reading
from tui.view import ALL_CATEGORIES, View
from tui.widgets.sidebar import EntityTree, NodeData, Sidebar

pytestmark = pytest.mark.asyncio

TEXT = "x" * 100_000
"""The mentions below are made by hand: their text is not looked at."""

LABELS = {
    "person": "PERSON",
    "organisation": "ORG",
    "place": "GPE",
    "figure": "CARDINAL",
    "date": "DATE",
    "other": "EVENT",
    "DISEASE": "DISEASE",
}


@dataclass
class Cast:
    """Entities to make views of: each a name, a category, a count and whether it is the
    user's, keyed by its id; changed step by step."""

    entities: dict[str, tuple[str, str, int, bool]] = field(default_factory=dict)

    def view(self, shown: frozenset[str] = ALL_CATEGORIES | {"DISEASE"}) -> View:
        made = []
        for n, (key, (name, category, count, mine)) in enumerate(sorted(self.entities.items())):
            start = n * 10
            source: MentionSource = "user" if mine else "model"
            mentions = tuple(
                Mention(start + i * 20_000, start + i * 20_000 + 5, LABELS[category], name, source)
                for i in range(count)
            )
            made.append(Entity(key, name, category, mentions))
        return View.of(made, shown)


def reading_of(view: View, current: str | None = None, by_first: bool = False) -> Reading:
    reading = Reading(TEXT, view, Progress("done", 1, 1), by_first=by_first)
    if current is not None:
        reading = reading.choose(current)
    return reading


class Host(App[None]):
    """A sidebar alone."""

    def compose(self) -> ComposeResult:
        yield Sidebar(id="sidebar")


Line = tuple[int, NodeData | None, str, str, bool, bool]


def lines(tree: EntityTree) -> list[Line]:
    """Every line of the tree, top to bottom: depth, data, label (text and styles), whether
    open, whether it can open."""

    def walk(node: TreeNode[NodeData], depth: int) -> Iterator[Line]:
        for child in node.children:
            label = child.label
            assert not isinstance(label, str)
            styles = repr([(s.start, s.end, str(s.style)) for s in label.spans])
            yield depth, child.data, label.plain, styles, child.is_expanded, child.allow_expand
            if child.is_expanded:
                yield from walk(child, depth + 1)

    return list(walk(tree.root, 0))


def cursor(tree: EntityTree) -> NodeData | None:
    node = tree.cursor_node
    return node.data if node is not None and tree.cursor_line >= 0 else None


async def fresh(pilot: Pilot[None], reading: Reading, clicks: list[str]) -> Sidebar:
    """A sidebar made from ``reading`` alone, its sections opened or closed by ``clicks``
    as the reader did, its cursor on the current entity."""
    sidebar = Sidebar()
    await pilot.app.mount(sidebar)
    await pilot.pause()
    sidebar.reading = reading
    await pilot.pause()
    for key in clicks:
        if key in reading.shown:  # (a hidden section keeps what the reader chose)
            await click(pilot, sidebar, key)
    if reading.entity is not None:
        sidebar.select_entity(reading.entity.id)
    return sidebar


async def click(pilot: Pilot[None], sidebar: Sidebar, key: str) -> None:
    """Open or close a section, as a click on it does."""
    tree = sidebar.entity_tree
    node = next(n for n in tree.root.children if n.data == ("section", key))
    node.toggle()
    await pilot.pause()


async def same_as_fresh(
    pilot: Pilot[None], sidebar: Sidebar, clicks: list[str], *, cursor_too: bool = True
) -> None:
    """The sidebar lists what one made afresh lists; its cursor is on the current entity,
    as that one's is (``cursor_too``: unless the reader's clicks moved it since the current
    entity last changed, and there is one)."""
    assert sidebar.reading is not None
    other = await fresh(pilot, sidebar.reading, clicks)
    try:
        assert lines(sidebar.entity_tree) == lines(other.entity_tree)
        if cursor_too and sidebar.reading.entity is not None:
            assert cursor(sidebar.entity_tree) == cursor(other.entity_tree)
    finally:
        await other.remove()


async def show(pilot: Pilot[None], sidebar: Sidebar, reading: Reading) -> None:
    sidebar.reading = reading
    await pilot.pause()


async def test_a_series_of_views_ends_as_the_last_view_listed_afresh() -> None:
    cast = Cast(
        {
            "person:anna": ("Anna", "person", 5, False),
            "person:boris": ("Boris", "person", 3, False),
            "place:moscow": ("Moscow", "place", 4, False),
            "date:1805": ("1805", "date", 2, False),
        }
    )
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(Sidebar)
        clicks: list[str] = []
        await show(pilot, sidebar, reading_of(cast.view(), "person:boris"))
        await same_as_fresh(pilot, sidebar, clicks)

        # Counts change (Boris passes Anna), a new entity, a section of a model's own label.
        cast.entities["person:boris"] = ("Boris", "person", 7, False)
        cast.entities["person:pierre"] = ("Pierre", "person", 1, False)
        cast.entities["DISEASE:fever"] = ("fever", "DISEASE", 2, False)
        await show(pilot, sidebar, reading_of(cast.view(), "person:boris"))
        await same_as_fresh(pilot, sidebar, clicks)

        # Dates opened, people closed, by the reader; then more views.
        await click(pilot, sidebar, "date")
        await click(pilot, sidebar, "person")
        clicks += ["date", "person"]
        cast.entities["date:1812"] = ("1812", "date", 9, False)
        await show(pilot, sidebar, reading_of(cast.view(), "person:boris"))
        await same_as_fresh(pilot, sidebar, clicks, cursor_too=False)
        await show(pilot, sidebar, reading_of(cast.view(), "date:1812"))
        await same_as_fresh(pilot, sidebar, clicks)
        await click(pilot, sidebar, "person")
        clicks.append("person")

        # Renamed (the same id, a fuller name), recategorised (a new id in another section),
        # a section emptied, the user's mark.
        cast.entities["person:anna"] = ("Anna Pavlovna", "person", 5, True)
        del cast.entities["place:moscow"]
        cast.entities["organisation:moscow"] = ("Moscow", "organisation", 4, False)
        await show(pilot, sidebar, reading_of(cast.view(), "person:anna"))
        await same_as_fresh(pilot, sidebar, clicks)

        # The section filled again; the current entity's entry moved.
        cast.entities["place:bald-hills"] = ("Bald Hills", "place", 1, False)
        cast.entities["person:anna"] = ("Anna Pavlovna", "person", 1, True)
        await show(pilot, sidebar, reading_of(cast.view(), "person:anna"))
        await same_as_fresh(pilot, sidebar, clicks)

        # By first appearance, then people hidden and shown again.
        await show(pilot, sidebar, reading_of(cast.view(), "person:anna", by_first=True))
        await same_as_fresh(pilot, sidebar, clicks)
        hidden = ALL_CATEGORIES - {"person"}
        await show(pilot, sidebar, reading_of(cast.view(hidden), by_first=True))
        await same_as_fresh(pilot, sidebar, clicks)
        assert cursor(sidebar.entity_tree) is None  # its entry went with its section
        await show(pilot, sidebar, reading_of(cast.view(), "person:boris"))
        await same_as_fresh(pilot, sidebar, clicks)


async def test_random_views_end_as_the_last_view_listed_afresh() -> None:
    """Many entities over many views (more than a section lists), changed at random."""
    chance = random.Random(12)
    categories = ["person", "place", "organisation", "date", "DISEASE"]
    cast = Cast()
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        sidebar = app.query_one(Sidebar)
        clicks: list[str] = []
        current: str | None = None
        clicked = False  # since the current entity last changed
        more = False
        for step in range(24):
            for _ in range(chance.randint(1, 60)):
                key = f"e{chance.randint(0, 400)}"
                if key in cast.entities and chance.random() < 0.2:
                    del cast.entities[key]
                    continue
                category = chance.choice(categories[:1] * 4 + categories)
                name = chance.choice(["Anna", "Boris", "Kutuzov", "Natasha"]) + key
                cast.entities[f"{category}:{key}"] = (name, category, chance.randint(1, 4), False)
            for key, (name, category, count, mine) in list(cast.entities.items()):
                if chance.random() < 0.3:
                    cast.entities[key] = (name, category, count + chance.randint(0, 3), mine)
            if step % 6 == 5:
                section = chance.choice(categories)
                await click(pilot, sidebar, section)
                clicks.append(section)
                clicked = True
            before = sidebar.reading.entity if sidebar.reading is not None else None
            if cast.entities and chance.random() < 0.5:
                current = chance.choice(sorted(cast.entities))
            present = current if current in cast.entities else None
            await show(pilot, sidebar, reading_of(cast.view(), present, by_first=step % 7 == 6))
            if present is not None and (before is None or before.id != present):
                clicked = False
            await same_as_fresh(pilot, sidebar, clicks, cursor_too=not clicked)
            more |= any(line[1] is None for line in lines(sidebar.entity_tree))
        assert more  # a section listed its first entities and "… more"


async def test_what_did_not_change_keeps_its_entry_its_place_and_the_cursor() -> None:
    cast = Cast(
        {f"person:p{n:03}": (f"Person {n:03}", "person", 200 - n, False) for n in range(90)}
    )
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        sidebar = app.query_one(Sidebar)
        await show(pilot, sidebar, reading_of(cast.view(), "person:p040"))
        tree = sidebar.entity_tree
        before = {node.data: node for section in tree.root.children for node in section.children}
        top = tree.scroll_offset.y
        assert top > 0  # the cursor's entity is far down the list
        line = tree.cursor_line

        # One entity far from the cursor gains mentions; one leaves.
        cast.entities["person:p080"] = ("Person 080", "person", 170, False)
        del cast.entities["person:p085"]
        await show(pilot, sidebar, reading_of(cast.view(), "person:p040"))
        after = {node.data: node for section in tree.root.children for node in section.children}
        kept = [data for data in after if data != ("entity", "person:p080")]
        assert all(after[data] is before[data] for data in kept)
        assert ("entity", "person:p085") not in after
        assert cursor(tree) == ("entity", "person:p040")
        assert tree.scroll_offset.y == top
        assert tree.cursor_line == line + 1  # the entity moved up above it
