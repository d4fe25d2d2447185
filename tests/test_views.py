"""Kept views: a document's derived entities stored and read back exactly, keyed by everything
they depend on, set aside when corrupt, and what the reader shows when it opens a book again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reader_support import wait_applied, wait_for

from extract import views
from extract.corrections import Correction, add, apply, open_for, relabel
from extract.document import Document
from extract.model import Entity, Listed, Mention
from extract.ner import Annotator
from extract.packed import KeptEntry, KeptView
from extract.views import DocumentViews, ViewCache, view_key

TEXT = "Ms Okafor met Pierre in Paris. Pierre smiled. Okafor said 42 ships sailed from Paris."


def mentions() -> list[Mention]:
    found = []
    for piece, label in (("Ms Okafor", "GPE"), ("Pierre", "PERSON"), ("Paris", "GPE")):
        start = -1
        while (start := TEXT.find(piece, start + 1)) >= 0:
            found.append(Mention(start, start + len(piece), label, piece))
    okafor = TEXT.index("Okafor said")
    found.append(Mention(okafor, okafor + 6, "ORG", "Okafor"))
    found.append(Mention(TEXT.index("42"), TEXT.index("42") + 2, "CARDINAL", "42"))
    return sorted(found)


def back(kept: KeptView | None) -> tuple[list[Entity], list[str]] | None:
    """The entities and unplaced ids of a view read back (its mentions in order checked)."""
    if kept is None:
        return None
    everything = [m for e in kept.entities for m in e.mentions]
    assert kept.in_order == sorted(everything, key=lambda m: (m.start, m.end))
    return kept.entities, kept.unplaced


def test_a_view_comes_back_exactly(tmp_path: Path) -> None:
    entities = apply(TEXT, mentions(), []).entities
    cache = ViewCache(tmp_path)
    cache.put("k", entities, len(TEXT), ["gone"])
    assert back(cache.get("k", TEXT)) == (entities, ["gone"])
    assert cache.problems == []


def test_a_user_mention_comes_back_as_the_users(tmp_path: Path) -> None:
    edit = add(TEXT, TEXT.index("ships"), TEXT.index("ships") + 5, "PRODUCT", everywhere=False)
    entities = apply(TEXT, mentions(), [edit]).entities
    assert any(m.source == "user" for e in entities for m in e.mentions)
    cache = ViewCache(tmp_path)
    cache.put("k", entities, len(TEXT))
    assert back(cache.get("k", TEXT)) == (entities, [])


def test_the_key_covers_model_pass_and_corrections() -> None:
    edit = Correction("remove", forms=("paris",), category="place")
    keys = {
        view_key("mentions-a", [], document_pass=True),
        view_key("mentions-b", [], document_pass=True),
        view_key("mentions-a", [], document_pass=False),
        view_key("mentions-a", [edit], document_pass=True),
    }
    assert len(keys) == 4
    assert view_key("mentions-a", [], document_pass=True) == view_key(
        "mentions-a", [], document_pass=True
    )


def test_a_new_pass_version_keys_views_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    before = view_key("m", [], document_pass=True)
    monkeypatch.setattr(views, "PASS_VERSION", views.PASS_VERSION + 1)
    assert view_key("m", [], document_pass=True) != before


def spoiled_so(change: Callable[[dict[str, Any]], object]) -> Callable[[bytes], bytes]:
    """Damage that keeps its CRC-32 right: only the checks of what an entry holds find it."""

    def spoil(raw: bytes) -> bytes:
        data = {k: bytes(v) if isinstance(v, memoryview) else v for k, v in decoded(raw).items()}
        change(data)
        return ViewCache(Path())._encode({k: v for k, v in data.items() if k != "crc32"})

    return spoil


def decoded(raw: bytes) -> dict[str, Any]:
    from extract.views import _decoded

    return _decoded(raw)


OLD_FORMAT = (
    b'{"format":4,"key":"k","length":85,"labels":[],"categories":[],"entities":[],'
    b'"counts":[],"starts":"","ends":"","label":"","model_label":"","order":"","user":[],'
    b'"unplaced":[]}'
)
"""An entry as the previous format wrote it (no CRC-32, the entities as rows)."""


@pytest.mark.parametrize(
    ("damage", "found_by"),
    [
        pytest.param(lambda d: b"{not json", "open", id="not-json"),
        pytest.param(lambda d: d[: len(d) // 2], "open", id="cut-short"),
        pytest.param(lambda d: d.replace(b'"names":["', b'"names":["X'), "open", id="crc"),
        pytest.param(lambda d: d[:-1] + bytes([d[-1] ^ 1]), "open", id="crc-columns"),
        pytest.param(lambda d: OLD_FORMAT, "open", id="older-format"),
        pytest.param(spoiled_so(lambda d: d.update(format=4)), "open", id="format"),
        pytest.param(spoiled_so(lambda d: d.update(length=84)), "open", id="length"),
        pytest.param(spoiled_so(lambda d: d["ids"].__setitem__(0, 7)), "open", id="id"),
        pytest.param(spoiled_so(lambda d: d["names"].pop()), "open", id="names"),
        pytest.param(spoiled_so(lambda d: d.update(category=packed([9] * 4))), "open", id="category"),
        pytest.param(spoiled_so(lambda d: d.update(counts=packed([0, 3, 2, 2]))), "open", id="count"),
        pytest.param(spoiled_so(lambda d: d.update(values=[[9, "1"]])), "open", id="value"),
        pytest.param(spoiled_so(lambda d: d.update(longest="far")), "open", id="longest"),
        pytest.param(spoiled_so(lambda d: d.update(user=[99])), "open", id="user"),
        pytest.param(spoiled_so(lambda d: d.update(unplaced=3)), "open", id="unplaced"),
        pytest.param(spoiled_so(lambda d: d.update(starts=d["starts"][1:])), "open", id="column"),
        pytest.param(spoiled_so(lambda d: d.update(ends=d["ends"][8:])), "open", id="columns"),
        pytest.param(spoiled_so(lambda d: d.update(starts=packed([-1] * 7, "q"))), "head", id="offset"),
        pytest.param(spoiled_so(lambda d: d.update(order=packed([0] * 7))), "rest", id="order"),
    ],
)  # fmt: skip
def test_a_corrupt_view_is_set_aside_and_rebuilt(
    tmp_path: Path, damage: Callable[[bytes], bytes], found_by: str
) -> None:
    entities = apply(TEXT, mentions(), []).entities
    assert (len(entities), sum(len(e.mentions) for e in entities)) == (4, 7)
    cache = ViewCache(tmp_path)
    cache.put("k", entities, len(TEXT))
    path = tmp_path / "views" / "k.json"
    spoiled = damage(path.read_bytes())
    assert spoiled != path.read_bytes()
    path.write_bytes(spoiled)
    entry = cache.open("k", TEXT)
    assert (entry is None) == (found_by == "open")
    head = None if entry is None else cache.head(entry, (0, len(TEXT)))
    assert (head is None) == (found_by in ("open", "head"))
    assert entry is None or head is None or cache.rest(entry) is None
    assert len(cache.problems) == 1 and "corrupt view cache entry" in cache.problems[0]
    assert not path.exists() and list((tmp_path / "views").glob("k.corrupt*"))
    assert cache.get("k", TEXT) is None
    cache.put("k", entities, len(TEXT))
    assert back(cache.get("k", TEXT)) == (entities, [])
    assert len(cache.problems) == 1


def packed(numbers: list[int], kind: str = "i") -> str:
    from extract.packed import _packed

    return _packed(kind, numbers)


def test_a_head_lists_every_entity_and_holds_the_mentions_around_its_place(
    tmp_path: Path,
) -> None:
    edit = add(TEXT, TEXT.index("ships"), TEXT.index("ships") + 5, "PRODUCT", everywhere=False)
    entities = apply(TEXT, mentions(), [edit]).entities
    cache = ViewCache(tmp_path)
    cache.put("k", entities, len(TEXT), ["gone"])
    entry = cache.open("k", TEXT)
    assert entry is not None
    low = TEXT.index("Okafor met")  # inside "Ms Okafor": a mention that starts before it
    region = (low, TEXT.index("Okafor said"))
    head = cache.head(entry, region)
    assert head is not None and head.region == region and head.unplaced == ["gone"]
    assert head.listing == [Listed.of(e) for e in entities]
    assert [e.edited for e in head.listing] == [e.sources == {"user"} for e in entities]
    inside = [[m for m in e.mentions if m.start < region[1] and m.end > low] for e in entities]
    assert [(e.id, e.mentions) for e in head.entities] == [
        (e.id, tuple(held)) for e, held in zip(entities, inside, strict=True) if held
    ]
    assert [m.text for m in head.in_order] == ["Ms Okafor", "Pierre", "Paris", "Pierre"]
    assert head.in_order == sorted(m for held in inside for m in held)
    kept = cache.rest(entry)
    assert back(kept) == (entities, ["gone"])
    assert cache.rest(entry) is kept  # made once


def test_the_rest_of_an_entry_is_made_once_whoever_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ViewCache(tmp_path)
    cache.put("k", apply(TEXT, mentions(), []).entities, len(TEXT))
    entry = cache.open("k", TEXT)
    assert entry is not None
    made: list[int] = []
    whole = KeptEntry.whole

    def slowly(self: KeptEntry) -> KeptView:
        made.append(1)
        time.sleep(0.2)  # the other thread asks meanwhile, and waits
        return whole(self)

    monkeypatch.setattr(KeptEntry, "whole", slowly)
    got: list[KeptView | None] = []
    other = threading.Thread(target=lambda: got.append(cache.rest(entry)))
    other.start()
    time.sleep(0.05)
    got.append(cache.rest(entry))
    other.join()
    assert made == [1] and got[0] is got[1] is not None


def test_a_documents_views_make_the_whole_of_the_entry_whose_head_they_read(
    tmp_path: Path,
) -> None:
    kept = DocumentViews(ViewCache(tmp_path), "mentions", document_pass=True)
    entities = apply(TEXT, mentions(), []).entities
    kept.put(entities, TEXT, [])
    opened = kept.head(TEXT, [], (0, 20))
    assert opened is not None
    for path in (tmp_path / "views").glob("*.json"):
        path.unlink()  # not read again
    assert back(kept.get(TEXT, [])) == (entities, [])
    assert kept.get(TEXT, []) is None  # (only once: then from the cache, where it is gone)


def test_the_head_of_a_view_shows_what_the_whole_view_shows_around_it(tmp_path: Path) -> None:
    from tui.view import ALL_CATEGORIES, View

    log = [
        relabel(next(e for e in apply(TEXT, mentions(), []).entities if e.name == "Paris"), "LOC")
    ]
    entities = apply(TEXT, mentions(), log).entities
    cache = ViewCache(tmp_path)
    cache.put("k", entities, len(TEXT))
    entry = cache.open("k", TEXT)
    assert entry is not None
    head = cache.head(entry, (0, 40))
    kept = cache.rest(entry)
    assert head is not None and kept is not None
    for shown in (ALL_CATEGORIES, ALL_CATEGORIES - {"place"}):
        early, whole = (
            View.of_head(head, log, ALL_CATEGORIES).showing(shown),
            View.kept(kept, log, shown, None),
        )
        assert not early.whole and whole.whole and early.entities == []
        assert (early.listing, early.categories, early.mention_count) == (
            whole.listing,
            whole.categories,
            whole.mention_count,
        )
        marks = [(m, early.index.entity_of(m)) for m in early.index.overlapping(0, 40)]
        assert [(m, e.id if e else None) for m, e in marks] == [
            (m, e.id if e else None)
            for m in whole.index.overlapping(0, 40)
            for e in [whole.index.entity_of(m)]
        ]
        assert early.index.overlapping(0, 40)


def test_a_view_of_another_text_is_not_used(tmp_path: Path) -> None:
    cache = ViewCache(tmp_path)
    cache.put("k", apply(TEXT, mentions(), []).entities, len(TEXT))
    assert cache.get("k", TEXT + " More.") is None


def test_views_follow_the_corrections(tmp_path: Path) -> None:
    kept = DocumentViews(ViewCache(tmp_path), "mentions", document_pass=True)
    plain = apply(TEXT, mentions(), []).entities
    kept.put(plain, TEXT, [])
    paris = next(e for e in plain if e.name == "Paris")
    edit = relabel(paris, "LOC")
    assert kept.get(TEXT, [edit]) is None
    edited = apply(TEXT, mentions(), [edit]).entities
    kept.put(edited, TEXT, [edit])
    assert back(kept.get(TEXT, [edit])) == (edited, [])
    assert back(kept.get(TEXT, [])) == (plain, [])


@pytest.mark.asyncio
async def test_the_reader_opens_a_book_again_from_its_kept_view(
    sample_document: Document, sample_annotator: Annotator, cache_dir: Path, tmp_path: Path
) -> None:
    from tui.app import ReaderApp
    from tui.screens.document import DocumentScreen

    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        await wait_for(pilot, lambda: screen.annotation_done, "the cached entities")
        first = screen.entities
        await wait_for(pilot, lambda: any((cache_dir / "views").glob("*.json")), "a kept view")

    # Opened again: the kept view, with no derivation, and the mentions read only when needed.
    calls: list[int] = []
    real_apply = apply

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real_apply(*args, **kwargs)  # type: ignore[arg-type]

    import extract.corrections

    store = open_for(sample_document.source, sample_document.sha256, tmp_path / "edits.json")
    again = ReaderApp(sample_document, sample_annotator, store=store)
    original = extract.corrections.apply
    extract.corrections.apply = counting  # type: ignore[assignment]
    try:
        async with again.run_test(size=(120, 40)) as pilot:
            screen = again.screen
            assert isinstance(screen, DocumentScreen)
            await pilot.pause()
            assert screen.annotation_done and screen.entities == first and calls == []
            assert screen.model_mentions == []
            deshaisha = next(e for e in screen.entities if e.name == "Deshaisha")
            screen.correct(relabel(deshaisha, "ORG"), "done")
            await wait_applied(pilot)  # (derived off the UI thread, with the mentions read)
            assert calls == [1] and screen.model_mentions
            assert next(e for e in screen.entities if e.name == "Deshaisha").category == (
                "organisation"
            )
    finally:
        extract.corrections.apply = original  # type: ignore[assignment]
    kept = decoded(next((cache_dir / "views").glob("*.json")).read_bytes())
    assert kept["format"] == views.VIEW_FORMAT


@pytest.mark.asyncio
async def test_the_reader_sets_a_corrupt_kept_view_aside_and_derives_again(
    sample_document: Document, sample_annotator: Annotator, cache_dir: Path
) -> None:
    from reader_support import record_notifications

    from tui.app import ReaderApp
    from tui.screens.document import DocumentScreen

    app = ReaderApp(sample_document, sample_annotator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        await wait_for(pilot, lambda: any((cache_dir / "views").glob("*.json")), "a kept view")
        first = screen.entities
    (kept,) = (cache_dir / "views").glob("*.json")
    kept.write_bytes(b'{"format": 1, "key": "')
    again = ReaderApp(sample_document, sample_annotator)
    told = record_notifications(again)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = again.screen
        assert isinstance(screen, DocumentScreen)
        await wait_for(pilot, lambda: screen.annotation_done, "the entities")
        assert screen.entities == first
        assert any(m.startswith("corrupt view cache entry moved to") for m in told)
        await wait_for(pilot, lambda: kept.exists(), "the view kept again")
    assert list((cache_dir / "views").glob("*.corrupt*"))
