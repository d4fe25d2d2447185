"""The one key list: every widget binds its own part, a keymap remaps by id, help and the
palette follow; widgets are bound to the reading and never reach for a sibling."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from reader_support import MakeReader, palette_lines, reader, status, wait_for
from textual.binding import Binding
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from tui.app import ReaderApp
from tui.bindings import KEYS, bindings_for
from tui.key_listing import keys_help, remapped
from tui.screens.corpus import CorpusScreen
from tui.screens.corpus_reader import CorpusReaderScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import COMPARING, ReaderScreen
from tui.widgets.article import ArticleView
from tui.widgets.mentions import MentionsPanel
from tui.widgets.rows import ListFilter, RowList
from tui.widgets.sidebar import EntityTree, Sidebar

WIDGETS = Path(__file__).resolve().parent.parent / "tui" / "widgets"
OWNERS = {
    "ReaderScreen": ReaderScreen,
    "ArticleView": ArticleView,
    "Sidebar": Sidebar,
    "EntityTree": EntityTree,
    "MentionsPanel": MentionsPanel,
    "HelpScreen": HelpScreen,
    "CorpusReaderScreen": CorpusReaderScreen,
    "CorpusScreen": CorpusScreen,
    "RowList": RowList,
    "ListFilter": ListFilter,
}


def test_ids_are_unique_and_every_key_is_bound_on_its_owner() -> None:
    ids = [key.id for key in KEYS]
    assert len(ids) == len(set(ids))
    for key in KEYS:
        if key.owner == "App" or not key.keys:
            continue
        bound = [b for b in OWNERS[key.owner].BINDINGS if isinstance(b, Binding)]
        assert any(b.id == key.id and b.key == key.keys for b in bound), key
    for owner in OWNERS:
        assert len(bindings_for(owner)) == sum(  # type: ignore[arg-type]
            1 for key in KEYS if key.owner == owner and key.keys
        )


def test_palette_commands_are_the_screens_own_actions() -> None:
    for key in KEYS:
        if key.title:
            assert key.owner == "ReaderScreen", key
            name = key.action.split("(")[0]
            assert callable(getattr(ReaderScreen, f"action_{name}", None)), key


def test_a_keymap_remaps_by_id_and_refuses_unknown_ids() -> None:
    keys = remapped({"next_mention": "ctrl+n, ]", "relabel": "R"})
    by_id = {key.id: key for key in keys}
    assert by_id["next_mention"].keys == "ctrl+n,]"
    assert by_id["next_mention"].display == "ctrl+n ]"
    assert by_id["relabel"].keys == "R"
    assert "    R              relabel the current entity (all its mentions)" in keys_help(keys)
    for wrong in ({"no_such_action": "z"}, {"focus_next": "z"}, {"goto_entity": "z"}):
        with pytest.raises(ValueError, match="no key to remap"):
            remapped(wrong)
    with pytest.raises(ValueError, match="no keys given"):
        remapped({"undo": " "})


def test_workers_never_describe_their_arguments() -> None:
    """Textual describes a worker by the `repr` of its arguments, on the UI thread, unless
    given a description: for a book's mentions or view, a stall of a tenth of a second."""
    for path in WIDGETS.parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or len(node.args.args) < 2:  # fmt: skip
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "work":
                    named = {keyword.arg for keyword in decorator.keywords}
                    assert "description" in named, f"{path.name}:{node.lineno} {node.name}"


def test_widgets_never_query_a_sibling() -> None:
    """Widgets show what they are bound to; only the screen reaches into its children."""
    for path in WIDGETS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("screen", "parent"):
                raise AssertionError(f"{path.name}:{node.lineno} reaches for .{node.attr}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("query")
            ):
                owner = node.func.value
                assert isinstance(owner, ast.Name) and owner.id == "self", (
                    f"{path.name}:{node.lineno} queries outside itself"
                )


@pytest.mark.asyncio
async def test_a_remapped_key_moves_and_help_shows_it(make_reader: MakeReader) -> None:
    async with make_reader(keymap={"next_mention": "ctrl+n"}, size=(120, 45)) as (
        app,
        pilot,
        screen,
        _told,
    ):
        await pilot.press("right_square_bracket")
        assert screen.current is None
        await pilot.press("ctrl+n")
        assert screen.current == screen.index.mentions[0]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        keys = app.screen.query_one(Static)
        lines = [strip.text.rstrip() for strip in keys.render_lines(Region(0, 0, *keys.size))]
        assert any(
            line.startswith("ctrl+n ") and line.endswith("next mention of any shown entity")
            for line in lines
        )


async def open_palette(pilot: Pilot[None]) -> list[str]:
    """Open the command palette; what it lists before anything is typed."""
    await pilot.press("ctrl+p")
    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await wait_for(pilot, lambda: bool(palette_lines(app)), "the palette's commands")
    return palette_lines(app)


@pytest.mark.asyncio
async def test_the_palette_offers_the_key_lists_commands_with_their_keys(
    make_reader: MakeReader,
) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        shown = await open_palette(pilot)
        for key in KEYS:
            offered = key.action not in ("goto_section", *COMPARING)  # no chapters, no gold
            if key.title and offered and "toggle_category" not in key.action:
                assert any(line.startswith(key.title) for line in shown), key.title
        assert "Relabel this entity…\nr: relabel the current entity (all its mentions)" in shown
        assert "Hide People\n1: show or hide People" in shown
        assert not any(line.startswith("Go to chapter") for line in shown)  # no chapters here
        await pilot.press(*"Hide People", "enter")
        await wait_for(pilot, lambda: app.screen is screen, "the palette to close")
        assert "person" not in screen.shown
        assert "Show People\n1: show or hide People" in await open_palette(pilot)


@pytest.mark.asyncio
async def test_the_sidebar_cursor_follows_the_current_entity(make_reader: MakeReader) -> None:
    async with make_reader() as (app, pilot, screen, _told):
        tree = screen.sidebar.entity_tree
        for _ in range(2):
            await pilot.press("right_square_bracket")
        assert status(app) == "ISIS · Organisation · mention 1/10 · ORG"
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert reader(app).index.entities[tree.cursor_node.data[1]].name == "ISIS"
        assert screen.article.has_focus  # following is not focusing
