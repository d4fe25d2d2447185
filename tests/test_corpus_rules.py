"""Corpus rules: corrections for every document of a folder, in the corrections format,
applied by the reader, ``export FILE`` and the corpus export alike; a document's own edits win."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_support import write_articles
from test_export_cli import MODEL

from extract.corpus_rules import open_rules, rules_around, rules_path
from extract.corrections import Correction, apply, open_for, with_rules
from extract.model import Mention
from extract.views import DocumentViews, ViewCache
from tui.cli import main

pytestmark = pytest.mark.usefixtures("one_model_load")

MACRON = ("emmanuel macron", "macron")


def macron_is(label: str) -> Correction:
    return Correction("relabel", label=label, forms=MACRON, category="person")


def exported(path: Path, capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, str]:
    """``export FILE -f json``: each entity's name with its category."""
    assert main(["export", str(path), "-f", "json", *options]) == 0
    data = json.loads(capsys.readouterr().out)
    return {entity["name"]: entity["category"] for entity in data["entities"]}


def test_a_documents_own_edits_win_over_the_rules() -> None:
    removed = Correction("remove", forms=MACRON, category="person")
    berlin = Correction("relabel", label="ORG", forms=("berlin",), category="place")
    one_mention = Correction("split", anchor=None)  # only edits of entities can be rules
    own = Correction("relabel", label="NORP", forms=("macron",), category="person")
    combined = with_rules([removed, berlin, one_mention], [own])
    assert combined == [berlin, own]
    assert combined[0].rule and not combined[1].rule
    assert with_rules([berlin], []) == [berlin]


def test_a_rule_that_names_nothing_here_is_not_unplaced() -> None:
    text = "Angela Merkel met Macron in Berlin."
    mentions = [Mention(0, 13, "PERSON", "Angela Merkel"), Mention(18, 24, "PERSON", "Macron")]
    nowhere = Correction("relabel", label="GPE", forms=("deshaisha",), category="person")
    applied = apply(text, mentions, with_rules([nowhere, macron_is("ORG")], [nowhere]))
    assert applied.unplaced == [nowhere]  # the document's own edit is, the rule is not
    assert {e.name: e.category for e in applied.entities}["Macron"] == "organisation"


def test_the_rules_of_the_folders_a_file_is_in_apply_outermost_first(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "news" / "europe")
    (tmp_path / "elsewhere.txt").write_text("Emmanuel Macron.\n", encoding="utf-8")
    outer = open_rules(str(tmp_path / "news"))
    outer.do(macron_is("ORG"))
    inner = open_rules(str(corpus))
    inner.do(macron_is("NORP"))
    assert rules_path(str(corpus)).is_file()
    around = rules_around(str(corpus / "c.txt"))
    assert [store.log for store in around] == [outer.log, inner.log]
    assert rules_around(str(tmp_path / "elsewhere.txt")) == []
    stored = json.loads(rules_path(str(corpus)).read_text(encoding="utf-8"))
    assert stored["format"] == 2 and stored["source"] == str(corpus.resolve())
    assert stored["corrections"][0]["op"] == "relabel"


def test_export_of_a_file_in_the_folder_applies_its_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    corpus = write_articles(tmp_path / "news")
    (tmp_path / "outside.txt").write_text((corpus / "c.txt").read_text(), encoding="utf-8")
    assert exported(corpus / "c.txt", capsys)["Emmanuel Macron"] == "person"
    open_rules(str(corpus)).do(macron_is("ORG"))
    assert exported(corpus / "c.txt", capsys)["Emmanuel Macron"] == "organisation"
    assert exported(corpus / "d.txt", capsys)["Emmanuel Macron"] == "organisation"
    assert exported(tmp_path / "outside.txt", capsys)["Emmanuel Macron"] == "person"
    # The document's own word wins.
    document = open_for(str(corpus / "d.txt"), "x")
    document.do(macron_is("PERSON"))
    assert exported(corpus / "d.txt", capsys)["Emmanuel Macron"] == "person"
    # --rules names another file (kept with the data, say); the data folder's is not read.
    kept = tmp_path / "rules.json"
    open_rules(str(corpus), kept).do(macron_is("NORP"))
    assert exported(corpus / "c.txt", capsys, "--rules", str(kept))["Emmanuel Macron"] == "other"


def test_the_corpus_export_applies_the_rules_and_a_new_rule_redoes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENTITY_READER_MODEL", MODEL)
    corpus = write_articles(tmp_path / "news")
    out = tmp_path / "out"

    def categories() -> set[str]:
        found = set()
        for name in ("b", "c", "d"):
            data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
            found |= {e["category"] for e in data["entities"] if e["name"] == "Emmanuel Macron"}
        return found

    assert main(["export", str(corpus), "--out-dir", str(out)]) == 0
    assert categories() == {"person"}
    open_rules(str(corpus)).do(macron_is("ORG"))
    capsys.readouterr()
    assert main(["export", str(corpus), "--out-dir", str(out)]) == 0
    assert "(0 already current)" not in capsys.readouterr().err
    assert categories() == {"organisation"}
    assert main(["export", str(corpus), "--out-dir", str(out)]) == 0
    assert "(4 already current)" in capsys.readouterr().err


def test_kept_views_are_keyed_by_the_rules_too(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "news")
    views = DocumentViews(ViewCache(tmp_path / "cache"), "mentions-key", document_pass=True)
    before = views.key(open_for(str(corpus / "c.txt"), "x").effective)
    open_rules(str(corpus)).do(macron_is("ORG"))
    after = views.key(open_for(str(corpus / "c.txt"), "x").effective)
    assert before != after
