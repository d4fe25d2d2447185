"""Kept views: a document's derived entities stored and read back exactly, keyed by everything
they depend on, set aside when corrupt, and what the reader shows when it opens a book again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reader_support import wait_applied, wait_for

from extract import views
from extract.corrections import Correction, add, apply, open_for, relabel
from extract.document import Document
from extract.model import Entity, Mention
from extract.ner import Annotator
from extract.views import DocumentViews, KeptView, ViewCache, view_key

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


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: b"{not json", id="not-json"),
        pytest.param(lambda d: d.replace(b'"format":4', b'"format":9'), id="format"),
        pytest.param(lambda d: d.replace(b'"length":85', b'"length":84'), id="length"),
        pytest.param(lambda d: d.replace(b'"starts":"AAAA', b'"starts":"////'), id="offset"),
        pytest.param(lambda d: d.replace(b'"starts":"', b'"starts":"AA'), id="column"),
        pytest.param(lambda d: d.replace(b'"order":"AAAA', b'"order":"AQAA'), id="order"),
        pytest.param(lambda d: d.replace(b'"unplaced":[]', b'"unplaced":3'), id="unplaced"),
    ],
)
def test_a_corrupt_view_is_set_aside_and_rebuilt(tmp_path: Path, damage: object) -> None:
    entities = apply(TEXT, mentions(), []).entities
    cache = ViewCache(tmp_path)
    cache.put("k", entities, len(TEXT))
    path = tmp_path / "views" / "k.json"
    spoiled = damage(path.read_bytes())  # type: ignore[operator]
    assert spoiled != path.read_bytes()
    path.write_bytes(spoiled)
    assert cache.get("k", TEXT) is None
    assert len(cache.problems) == 1 and "corrupt view cache entry" in cache.problems[0]
    assert not path.exists() and list((tmp_path / "views").glob("k.corrupt*"))
    cache.put("k", entities, len(TEXT))
    assert back(cache.get("k", TEXT)) == (entities, [])


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
    kept = json.loads(next((cache_dir / "views").glob("*.json")).read_text(encoding="utf-8"))
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
