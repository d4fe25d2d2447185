"""Keeping a corpus index in step with its folder: new, changed, gone and unreadable files,
a document's own corrections, corpus rules (only the documents naming what they name are
derived again), and the order documents are taken in."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from corpus_support import ARTICLES, word_annotator, write_articles

from extract.corpus import discover
from extract.corpus_export import CorpusExport
from extract.corpus_index import CorpusIndex
from extract.corpus_refresh import CorpusRefresh
from extract.corpus_rules import open_rules
from extract.corrections import Correction, CorrectionsListing, CorrectionStore, open_for

MACRON_IS_ORG = Correction(
    "relabel", label="ORG", forms=("emmanuel macron", "macron"), category="person"
)


def refresh(
    folder: Path, index: Path, *, recent: tuple[str, ...] = (), **options: object
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Plan and run a refresh; what the plan said, and each change as (file name, status)."""
    refresher = CorpusRefresh(index, word_annotator(), **options)  # type: ignore[arg-type]
    planned = refresher.plan(discover([str(folder)]).sources, recent)
    done = [(Path(c.path).name, c.status) for c in refresher.run(threading.Event())]
    return {Path(path).name: status for path, status in planned.items()}, done


def indexed_with_rules(tmp_path: Path) -> tuple[Path, Path, CorrectionStore]:
    """The four articles indexed with their folder's rules (none yet): the folder, the index
    and the rules."""
    folder = write_articles(tmp_path / "news")
    index = tmp_path / "index.sqlite"
    CorpusIndex(index).close()
    rules = open_rules(str(folder))
    refresh(folder, index, rules=[rules])
    return folder, index, rules


def categories(index: Path, name: str) -> dict[str, str]:
    """Each file's category for an entity, as the index holds it."""
    db = sqlite3.connect(index)
    rows = db.execute(
        "SELECT d.path, e.category FROM entities AS e JOIN documents AS d ON d.id = e.document "
        "WHERE e.name = ?",
        (name,),
    )
    return {Path(path).name: category for path, category in rows}


def test_new_changed_gone_and_unreadable_files(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    index = tmp_path / "index.sqlite"
    CorpusIndex(index).close()
    planned, done = refresh(folder, index)
    assert planned == dict.fromkeys(ARTICLES, "pending")
    assert done == [(name, "done") for name in ARTICLES]
    assert categories(index, "Emmanuel Macron") == dict.fromkeys(["b.txt", "c.txt", "d.txt"], "person")  # fmt: skip
    assert refresh(folder, index) == ({}, [])  # all current

    (folder / "c.txt").write_text("Angela Merkel visited Madrid.\n", encoding="utf-8")
    (folder / "d.txt").unlink()
    (folder / "e.txt").write_bytes(b"\x00\x01\x02 binary \x00" * 50)
    planned, done = refresh(folder, index)
    assert planned == {"c.txt": "changed", "d.txt": "gone", "e.txt": "pending"}
    assert done[0] == ("c.txt", "done")
    assert done[1][0] == "e.txt" and done[1][1] == "failed"
    assert categories(index, "Angela Merkel") == dict.fromkeys(["a.txt", "b.txt", "c.txt"], "person")  # fmt: skip
    db = sqlite3.connect(index)
    paths = [Path(p).name for (p,) in db.execute("SELECT path FROM documents ORDER BY path")]
    assert paths == ["a.txt", "b.txt", "c.txt", "e.txt"]
    (error,) = db.execute("SELECT error FROM documents WHERE status = 'failed'").fetchone()
    assert "binary" in error
    assert refresh(folder, index) == ({}, [])  # a file that failed is not read again unchanged


def test_a_rule_derives_again_only_the_documents_naming_what_it_names(tmp_path: Path) -> None:
    folder, index, rules = indexed_with_rules(tmp_path)
    rules.do(MACRON_IS_ORG)
    planned, done = refresh(folder, index, rules=[rules])
    assert planned == dict.fromkeys(["b.txt", "c.txt", "d.txt"], "changed")
    assert [name for name, _ in done] == ["b.txt", "c.txt", "d.txt", "a.txt"]  # a: a new key only
    assert categories(index, "Emmanuel Macron") == dict.fromkeys(["b.txt", "c.txt", "d.txt"], "organisation")  # fmt: skip
    assert refresh(folder, index, rules=[rules]) == ({}, [])
    rules.undo()  # taking a rule back derives those documents again too
    planned, done = refresh(folder, index, rules=[rules])
    assert categories(index, "Emmanuel Macron") == dict.fromkeys(["b.txt", "c.txt", "d.txt"], "person")  # fmt: skip


def test_a_documents_own_corrections_and_the_order_documents_go_in(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    index = tmp_path / "index.sqlite"
    CorpusIndex(index).close()
    recent = (str(folder / "c.txt"), str(folder / "a.txt"))
    _, done = refresh(folder, index, recent=recent)
    assert [name for name, _ in done] == ["c.txt", "a.txt", "b.txt", "d.txt"]
    open_for(str(folder / "d.txt"), "x").do(MACRON_IS_ORG)
    planned, _ = refresh(folder, index)
    assert planned == {"d.txt": "changed"}
    assert categories(index, "Emmanuel Macron")["d.txt"] == "organisation"


def test_what_a_corpus_export_indexed_is_current_for_the_reader(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    open_rules(str(folder)).do(MACRON_IS_ORG)
    index_path = tmp_path / "index.sqlite"
    found = discover([str(folder)])
    with CorpusIndex(index_path) as index:
        export = CorpusExport(word_annotator(), "json", tmp_path / "out", index=index)
        places = [tmp_path / "out" / f"{source.relative}.json" for source in found.sources]
        assert {o.status for o in export.run(found.sources, places)} == {"exported"}
    assert refresh(folder, index_path) == ({}, [])
    os.utime(folder / "a.txt", ns=(1, 1))  # touched, not changed: derived again, the same
    planned, done = refresh(folder, index_path)
    assert planned == {"a.txt": "changed"} and done == [("a.txt", "done")]


def test_a_document_read_through_a_link_still_goes_first(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news")
    (tmp_path / "link").symlink_to(folder)
    index = tmp_path / "index.sqlite"
    CorpusIndex(index).close()
    _, done = refresh(folder, index, recent=(str(tmp_path / "link" / "d.txt"),))
    assert [name for name, _ in done] == ["d.txt", "a.txt", "b.txt", "c.txt"]


def test_own_corrections_found_by_one_listing_of_their_folder(tmp_path: Path) -> None:
    folder, index, rules = indexed_with_rules(tmp_path)
    (tmp_path / "link").symlink_to(folder)
    assert not CorrectionsListing().may_have(str(folder / "a.txt"))  # no corrections at all
    open_for(str(tmp_path / "elsewhere.txt"), "x").do(MACRON_IS_ORG)  # another file's
    open_for(str(tmp_path / "link" / "d.txt"), "x").do(MACRON_IS_ORG)  # d's, through a link
    listing = CorrectionsListing()
    assert [listing.may_have(str(folder / name)) for name in ARTICLES] == [False, False, False, True]  # fmt: skip
    planned, done = refresh(folder, index, rules=[rules])
    assert planned == {"d.txt": "changed"} and done == [("d.txt", "done")]
    assert categories(index, "Emmanuel Macron")["d.txt"] == "organisation"


def test_a_refresh_with_nothing_to_do_writes_nothing(tmp_path: Path) -> None:
    folder, index, rules = indexed_with_rules(tmp_path)

    def files() -> list[tuple[str, int, int]]:
        found = sorted(tmp_path.glob("index.sqlite*"))
        return [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in found]

    before = files()
    assert refresh(folder, index, rules=[rules]) == ({}, [])
    assert files() == before
    rules.do(MACRON_IS_ORG)  # a rule naming what is in three documents
    planned, _ = refresh(folder, index, rules=[rules])
    assert planned == dict.fromkeys(["b.txt", "c.txt", "d.txt"], "changed")
